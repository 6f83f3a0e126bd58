#!/usr/bin/env python3
"""Compare roadlog's events.csv with a generator's truth.csv.

Events match on plate, plate_color, type, start_time and end_time (and,
for zone_restricted and route_deviation, whose events two zones can give
for the same fixes, the rule); value and limit must agree numerically (to
1e-3), and the driver when the truth names one.  A truth written with
zones (ZONES.md) has the columns rule, severity, zone_id and road_type:
where its rule is filled, all four must agree too.
Usage: compare_truth.py truth.csv events.csv [--types a,b,...]
Exit 0 when equal, 1 with a diff otherwise.
"""
import csv
import sys


def load(path, key_cols):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def main():
    args = sys.argv[1:]
    types = None
    if "--types" in args:
        i = args.index("--types")
        types = set(args[i + 1].split(","))
        del args[i : i + 2]
    truth_path, events_path = args
    truth = load(truth_path, None)
    events = load(events_path, None)

    def key(r):
        k = (r["plate"], str(int(r["plate_color"] or 0)), r["type"], r["start_time"], r["end_time"])
        if r["type"] in ("zone_restricted", "route_deviation"):
            k += (r.get("rule") or "",)
        return k

    want = {key(r): r for r in truth if types is None or r["type"] in types}
    got = {key(r): r for r in events if types is None or r["type"] in types}
    problems = []
    for k in sorted(set(want) - set(got)):
        problems.append("missing  %s value=%s" % (",".join(k), want[k]["value"]))
    for k in sorted(set(got) - set(want)):
        problems.append("extra    %s value=%s" % (",".join(k), got[k]["value"]))
    for k in sorted(set(want) & set(got)):
        w, g = want[k], got[k]
        for col in ("value", "limit"):
            if abs(float(w[col]) - float(g[col])) > 1e-3:
                problems.append("%-8s %s: truth %s, roadlog %s" % (col, ",".join(k), w[col], g[col]))
        if w.get("driver") and w["driver"] != g.get("driver", ""):
            problems.append("driver   %s: truth %s, roadlog %s" % (",".join(k), w["driver"], g.get("driver")))
        if w.get("rule"):
            for col in ("rule", "severity", "zone_id", "road_type"):
                if w.get(col, "") != g.get(col, ""):
                    problems.append("%-8s %s: truth %r, roadlog %r" % (col, ",".join(k), w.get(col), g.get(col)))
    for p in problems:
        print(p)
    print("%d truth events, %d roadlog events, %d problems" % (len(want), len(got), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
