#!/usr/bin/env python3
"""Compare roadlog's events.csv with a generator's truth.csv.

Events match on plate, plate_color, type, start_time and end_time, and
for the types whose event_id covers the rule (zones, terminal alarms:
two can start at one moment) on the rule too; value and limit must agree
numerically (to 1e-3), the driver when the truth names one, the rule and
the status (closed/open) when the truth has those columns.  A truth
written with zones (ZONES.md) also has severity, zone_id and road_type:
where its severity is filled, those three must agree too.
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

    rule_types = {"zone_restricted", "route_deviation", "terminal_alarm", "adas_alarm", "dsm_alarm",
                  "tpms_alarm", "bsd_alarm"}

    def key(r):
        rule = r.get("rule", "") if r["type"] in rule_types else ""
        return (r["plate"], str(int(r["plate_color"] or 0)), r["type"], r["start_time"], r["end_time"], rule)

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
        for col in ("rule", "status"):
            if w.get(col) and w[col] != g.get(col, ""):
                problems.append("%-8s %s: truth %s, roadlog %s" % (col, ",".join(k), w[col], g.get(col)))
        if w.get("severity"):
            for col in ("severity", "zone_id", "road_type"):
                if w.get(col, "") != g.get(col, ""):
                    problems.append("%-8s %s: truth %r, roadlog %r" % (col, ",".join(k), w.get(col), g.get(col)))
    for p in problems:
        print(p)
    print("%d truth events, %d roadlog events, %d problems" % (len(want), len(got), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
