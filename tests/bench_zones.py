#!/usr/bin/env python3
"""Write the zone file of `make bench` (ZONES.md "Speed"): 10 000 zones of
50 vertices, star-shaped polygons 100-500 m across (so each is valid),
1 000 around each of the ten cities the bench fleet lives in (genfleet's
provinces, within 0.4 degrees of the centre, where its vehicles drive).
Seven in ten are restricted areas for muck trucks and hazmat by day,
two speed zones of 60 km/h, one an urban road of 60 km/h: a fix there is
tested against zones that bind it, and a speeding event can take the
zone's limit.  Deterministic (fixed seed).

    python3 tests/bench_zones.py OUT.geojson
"""
import math
import random
import sys

CITIES = [(113.26, 23.13), (116.40, 39.90), (121.47, 31.23), (118.80, 32.06), (120.15, 30.27),
          (117.00, 36.65), (104.07, 30.67), (112.94, 28.23), (114.30, 30.59), (113.62, 34.75)]


def main():
    rnd = random.Random(14)
    with open(sys.argv[1], "w") as out:
        out.write('{"type":"FeatureCollection","features":[\n')
        for i in range(10000):
            cx, cy = CITIES[i % 10]
            cx += rnd.uniform(-0.4, 0.4)
            cy += rnd.uniform(-0.4, 0.4)
            r = rnd.uniform(0.001, 0.005)
            ring = []
            for k in range(50):
                a = 2 * math.pi * k / 50
                rr = r * rnd.uniform(0.6, 1.0)
                ring.append("[%.6f,%.6f]" % (cx + rr * math.cos(a) / math.cos(math.radians(cy)), cy + rr * math.sin(a)))
            ring.append(ring[0])
            kind = i % 10
            if kind < 7:
                props = '"kind":"restricted","classes":["muck","hazmat"],"times":["07:00-22:00"]'
            elif kind < 9:
                props = '"kind":"speed","speed_limit_kmh":60'
            else:
                props = '"kind":"road","road_type":"other","speed_limit_kmh":60'
            out.write('%s{"type":"Feature","properties":{"id":"z%05d",%s},'
                      '"geometry":{"type":"Polygon","coordinates":[[%s]]}}\n' % ("," if i else "", i, props, ",".join(ring)))
        out.write("]}\n")


if __name__ == "__main__":
    main()
