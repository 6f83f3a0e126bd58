#!/usr/bin/env python3
"""A year of daily outputs for the ledger benchmark (tests/bench.sh).

From one analysed day of the bench fleet (the weighbridge run's events and
the GPS run's vehicles and vehicle-days) it writes DAYS output folders, one
per day from START, each with PER_DAY events: the template events in turn,
moved to that day and given ids of their own, and every vehicle's
vehicle-day of that day.  run.json names each day's run.

    bench_ledger_year.py EVENTS_DIR DAYS_DIR OUT [--days 365] [--per-day 14000] [--start 2026-01-01]
"""
import csv
import datetime
import hashlib
import json
import os
import sys


def arg(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def main():
    ev_dir, day_dir, out = sys.argv[1], sys.argv[2], sys.argv[3]
    days = int(arg("--days", 365))
    per_day = int(arg("--per-day", 14000))
    start = datetime.date.fromisoformat(arg("--start", "2026-01-01"))
    with open(os.path.join(ev_dir, "events.csv"), newline="", encoding="utf-8") as f:
        r = csv.reader(f)
        head = next(r)
        events = list(r)
    i_id, i_start, i_end = head.index("event_id"), head.index("start_time"), head.index("end_time")
    with open(os.path.join(day_dir, "vehicle_days.csv"), newline="", encoding="utf-8") as f:
        r = csv.reader(f)
        dhead = next(r)
        first_day = None
        vdays = []
        for row in r:
            d = row[dhead.index("day")]
            first_day = first_day or d
            if d == first_day:
                vdays.append(row)
    i_day = dhead.index("day")
    vehicles = open(os.path.join(day_dir, "vehicles.csv"), encoding="utf-8").read()
    k = 0
    for n in range(days):
        day = (start + datetime.timedelta(days=n)).isoformat()
        d = os.path.join(out, day)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "events.csv"), "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(head)
            for j in range(per_day):
                row = list(events[k % len(events)])
                k += 1
                row[i_id] = hashlib.sha256(("%s|%d" % (day, j)).encode()).hexdigest()[:16]
                row[i_start] = day + row[i_start][10:]
                row[i_end] = day + row[i_end][10:]
                w.writerow(row)
        with open(os.path.join(d, "vehicle_days.csv"), "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(dhead)
            for row in vdays:
                row = list(row)
                row[i_day] = day
                w.writerow(row)
        with open(os.path.join(d, "vehicles.csv"), "w", encoding="utf-8") as f:
            f.write(vehicles)
        with open(os.path.join(d, "run.json"), "w") as f:
            json.dump({"tool": "roadlog", "command": "analyze", "tz": "+08:00",
                       "run_id": hashlib.sha256(day.encode()).hexdigest()[:16], "chain_seq": 0,
                       "resumed_from": None}, f)


if __name__ == "__main__":
    main()
