#!/usr/bin/env python3
"""Compare roadlog's vehicle_days.csv with a generator's truth_days.csv on
the columns the truth has (points, valid, drift, gaps, driving_s exactly;
distance_km to 1 m; max_speed to 0.001 km/h).  Exit 1 with a diff."""
import csv
import sys


def rows(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return {(r["plate"], str(int(r["plate_color"] or 0)), r["day"]): r for r in csv.DictReader(f)}


truth, got = rows(sys.argv[1]), rows(sys.argv[2])
problems = []
for k in sorted(set(truth) | set(got)):
    if k not in got:
        problems.append("missing day %s" % (k,))
        continue
    if k not in truth:
        # a day with weighings but no GPS is a row of roadlog's own
        if int(got[k].get("points") or 0) != 0:
            problems.append("extra day %s" % (k,))
        continue
    t, g = truth[k], got[k]
    for col in t:
        if col in ("plate", "plate_color", "day") or col not in g:
            continue
        tol = 0.0011 if col in ("distance_km", "max_speed") else 0
        tv, gv = float(t[col] or 0), float(g[col] or 0)
        if abs(tv - gv) > tol:
            problems.append("%s %s: truth %s, roadlog %s" % (k, col, t[col], g[col]))
for p in problems[:50]:
    print(p)
print("%d truth days, %d roadlog days, %d problems" % (len(truth), len(got), len(problems)))
sys.exit(1 if problems else 0)
