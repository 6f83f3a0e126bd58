#!/usr/bin/env python3
"""Hand-made outputs of `roadlog analyze` for the ledger tests (tests/ledger.sh).

Each scenario is an output folder as analyze writes it (run.json with
run_id / chain_seq / resumed_from, events.csv with the status column last,
vehicles.csv, vehicle_days.csv), written independently of roadlog so that
the tests can say what the ledger must hold:

  chain/day1, chain/day2, chain/day3   a --resume chain (RUNS.md §2): an event
                      open on day 1 and closed on day 2, one withdrawn on day 2
                      and reported again on day 3, one that only day 1 has
  hostile/            plates, drivers, companies with quotes, ;, --, NUL,
                      formula-like text
  many/               N events (--many N) of N vehicles, for the concurrency and
                      the kill tests
  months/m1, months/m2   two months of two companies with vehicle-days, for the
                      report, the 考核 table and summary --by company
  blacklist/          a vehicle with speeding cases 3 in 12 months, a driver
                      reaching 12 points, a company over 1 case per vehicle

    ledger_fixture.py DIR [--many N]
"""
import csv
import hashlib
import json
import os
import sys

EV_COLS = ("event_id,plate,plate_color,class,company,driver,type,start_time,end_time,duration_s,start_lon,"
           "start_lat,end_lon,end_lat,value,limit,excess_pct,severity,rule,source,evidence_points,gps_time,"
           "gps_distance_km,zone_id,zone_name,road_type,status").split(",")
VEH_COLS = "plate,plate_color,class,company,registered,points,valid,drift,events".split(",")
DAY_COLS = ("plate,plate_color,day,points,valid,drift,gaps,distance_km,driving_s,max_speed,first_time,last_time,"
            "rests,longest_stint_s,accepted,gap_km").split(",")


def event_id(*parts):
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:16]


def neutral(s):
    """As roadlog writes text from input into CSV: a leading ' before a formula."""
    if s and s[0] in "=+-@\t\r":
        return "'" + s
    return s


def event(plate, etype, start, end, company="甲运输公司", driver="", color=2, cls="coach", value=110, limit=100,
          severity="3 pts; 200 yuan", rule="speeding.coach", status="closed", eid=None, source="gps.csv:2"):
    return {
        "event_id": eid or event_id(plate, color, etype, start),
        "plate": neutral(plate), "plate_color": color, "class": cls, "company": neutral(company),
        "driver": neutral(driver), "type": etype, "start_time": start, "end_time": end, "duration_s": 60,
        "start_lon": "113.9", "start_lat": "22.5", "end_lon": "113.91", "end_lat": "22.51", "value": value,
        "limit": limit, "excess_pct": round((value - limit) * 100 / limit, 2), "severity": severity, "rule": rule,
        "source": neutral(source), "evidence_points": 5, "gps_time": "", "gps_distance_km": "", "zone_id": "",
        "zone_name": "", "road_type": "", "status": status,
    }


def write_output(d, run_id, events, chain_seq=None, resumed_from=None, vehicles=None, days=None, tz="+08:00"):
    os.makedirs(d, exist_ok=True)
    run = {"tool": "roadlog", "command": "analyze", "tz": tz}
    if run_id is not None:
        run["run_id"] = run_id
    if chain_seq is not None:
        run["chain_seq"] = chain_seq
        run["resumed_from"] = {"dir": "prev", "run_id": resumed_from} if resumed_from else None
    with open(os.path.join(d, "run.json"), "w") as f:
        json.dump(run, f, ensure_ascii=False)
    write_csv(os.path.join(d, "events.csv"), EV_COLS, events)
    if vehicles is not None:
        write_csv(os.path.join(d, "vehicles.csv"), VEH_COLS, vehicles)
    if days is not None:
        write_csv(os.path.join(d, "vehicle_days.csv"), DAY_COLS, days)


def write_csv(path, cols, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            w.writerow([r.get(c, "") for c in cols])


def chain(top):
    x = event("粤B10001", "fatigue_continuous", "2026-10-01 20:00:00", "2026-10-02 01:00:00", status="open",
              value=18000, limit=14400, severity="warning or 20-200 yuan", rule="fatigue.continuous_max_s")
    y = event("粤B10002", "speeding", "2026-10-01 22:00:00", "2026-10-01 22:05:00")
    z = event("粤B10003", "speeding", "2026-10-01 09:00:00", "2026-10-01 09:02:00")
    write_output(os.path.join(top, "day1"), "a1a1a1a1a1a1a1a1", [x, y, z], chain_seq=0)
    x2 = dict(x, status="closed", end_time="2026-10-02 02:00:00", value=21600)
    y2 = dict(y, status="withdrawn")
    write_output(os.path.join(top, "day2"), "b2b2b2b2b2b2b2b2", [x2, y2], chain_seq=1, resumed_from="a1a1a1a1a1a1a1a1")
    y3 = dict(y, status="closed", value=112)
    write_output(os.path.join(top, "day3"), "c3c3c3c3c3c3c3c3", [y3], chain_seq=2, resumed_from="b2b2b2b2b2b2b2b2")
    with open(os.path.join(top, "ids"), "w") as f:
        f.write("%s %s %s\n" % (x["event_id"], y["event_id"], z["event_id"]))


HOSTILE = [
    # plate, driver, company
    ("粤B'1;--", 'dr"i;v--er', "'; DROP TABLE cases; --"),
    ("=1+2", "=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0"),
    ("粤B\x00NUL", "a\x00b", "公司\x00后"),
    ("@SUM(A1)", "-2+3", "Robert'); DROP TABLE history;--"),
    ("<b>粤E1</b>", "</td><script>alert(1)</script>", "<img src=x onerror=alert(1)>"),
]


def hostile(top):
    evs = []
    for i, (p, d, c) in enumerate(HOSTILE):
        evs.append(event(p, "speeding", "2026-10-0%d 10:00:00" % (i + 1), "2026-10-0%d 10:05:00" % (i + 1),
                         company=c, driver=d))
    write_output(os.path.join(top, "hostile"), "d4d4d4d4d4d4d4d4", evs, chain_seq=0)
    with open(os.path.join(top, "hostile.json"), "w") as f:
        json.dump([{"event_id": e["event_id"], "plate": p, "driver": d, "company": c}
                   for e, (p, d, c) in zip(evs, HOSTILE)], f)


def many(top, n, name="many", run="e5e5e5e5e5e5e5e5", month=9):
    evs = []
    for i in range(n):
        day = 1 + i % 28
        t = "2026-%02d-%02d %02d:%02d:" % (month, day, i // 60 % 24, i % 60)
        evs.append(event("粤M%05d" % i, "speeding", t + "00", t + "30", company="乙公司"))
    write_output(os.path.join(top, name), run, evs, chain_seq=0)


def months(top):
    """Two companies, two months.  October: 甲 has 4 vehicles (1 silent), 3
    speeding + 1 fatigue cases; 乙 has 2 vehicles, 1 case; an unregistered
    vehicle with 1 case.  November: 甲 1 case, 乙 3 cases."""
    veh = [("粤A00001", "甲运输公司"), ("粤A00002", "甲运输公司"), ("粤A00003", "甲运输公司"), ("粤A00004", "甲运输公司"),
           ("粤A00005", "乙客运公司"), ("粤A00006", "乙客运公司"), ("粤Z99999", "")]
    vehicles = [{"plate": p, "plate_color": 2, "class": "coach", "company": c, "registered": "yes" if c else "no"}
                for p, c in veh]

    def days(month, ds):
        rows = []
        for i, (p, c) in enumerate(veh):
            for d in ds:
                silent = p == "粤A00004"
                rows.append({"plate": p, "plate_color": 2, "day": "2026-%02d-%02d" % (month, d),
                             "points": 0 if silent else 1000, "valid": 0 if silent else 990,
                             "drift": 3 if p == "粤A00002" else 0, "distance_km": 0 if silent else "250.5",
                             "gap_km": 0 if silent else ("10.5" if p == "粤A00001" else "0"),
                             "accepted": 0 if silent else 987, "driving_s": 3600})
        return rows
    oct_ev = [
        event("粤A00001", "speeding", "2026-10-03 10:00:00", "2026-10-03 10:02:00", driver="张三"),
        event("粤A00001", "speeding", "2026-10-09 10:00:00", "2026-10-09 10:02:00", driver="张三"),
        event("粤A00002", "night_speeding", "2026-10-04 23:00:00", "2026-10-04 23:02:00", driver="李四"),
        event("粤A00003", "fatigue_continuous", "2026-10-05 08:00:00", "2026-10-05 13:00:00", value=18000,
              limit=14400, severity="warning or 20-200 yuan", rule="fatigue.continuous_max_s"),
        event("粤A00005", "speeding", "2026-10-06 10:00:00", "2026-10-06 10:02:00", company="乙客运公司"),
        event("粤Z99999", "speeding", "2026-10-07 10:00:00", "2026-10-07 10:02:00", company="", cls="other"),
    ]
    nov_ev = [
        event("粤A00001", "speeding", "2026-11-03 10:00:00", "2026-11-03 10:02:00", driver="张三"),
        event("粤A00005", "speeding", "2026-11-04 10:00:00", "2026-11-04 10:02:00", company="乙客运公司"),
        event("粤A00006", "speeding", "2026-11-05 10:00:00", "2026-11-05 10:02:00", company="乙客运公司"),
        event("粤A00006", "fatigue_continuous", "2026-11-06 08:00:00", "2026-11-06 13:00:00", company="乙客运公司",
              value=18000, limit=14400, severity="warning or 20-200 yuan", rule="fatigue.continuous_max_s"),
    ]
    write_output(os.path.join(top, "months", "m1"), "f6f6f6f6f6f6f6f6", oct_ev, chain_seq=0, vehicles=vehicles,
                 days=days(10, [1, 2]))
    write_output(os.path.join(top, "months", "m2"), "f7f7f7f7f7f7f7f7", nov_ev, chain_seq=0, vehicles=vehicles,
                 days=days(11, [1, 2]))


def blacklist(top):
    """粤C00001: speeding on 2026-01-10, 2026-06-10, 2026-12-20 (3 within
    12 months from 2026-01-10 to 2026-12-20: listed 2026-12-20).
    粤C00002: speeding 2025-01-10, 2025-06-10, 2026-01-11 (the first is out of
    the 12 months before the third: never listed).
    Driver 王五: 6 + 6 points on 2026-03-01 and 2026-03-05: listed 2026-03-05;
    early removal 12 months later (2027-03-05).
    丙公司 (1 vehicle) 2 cases in 2026-02: over 1 case per vehicle, listed
    2026-03-01."""
    evs = [
        event("粤C00001", "speeding", "2026-01-10 10:00:00", "2026-01-10 10:02:00", company="丁公司"),
        event("粤C00001", "speeding", "2026-06-10 10:00:00", "2026-06-10 10:02:00", company="丁公司"),
        event("粤C00001", "speeding", "2026-12-20 10:00:00", "2026-12-20 10:02:00", company="丁公司"),
        event("粤C00002", "speeding", "2025-01-10 10:00:00", "2025-01-10 10:02:00", company="丁公司"),
        event("粤C00002", "speeding", "2025-06-10 10:00:00", "2025-06-10 10:02:00", company="丁公司"),
        event("粤C00002", "speeding", "2026-01-11 10:00:00", "2026-01-11 10:02:00", company="丁公司"),
        event("粤C00003", "over_capacity", "2026-03-01 10:00:00", "2026-03-01 10:00:00", company="丁公司",
              driver="王五", value=60, limit=50, severity="6 pts; 200-500 yuan", rule="capacity.seats"),
        event("粤C00003", "over_capacity", "2026-03-05 10:00:00", "2026-03-05 10:00:00", company="丁公司",
              driver="王五", value=60, limit=50, severity="6 pts; 200-500 yuan", rule="capacity.seats"),
        event("粤C00009", "night_ban", "2026-02-03 03:00:00", "2026-02-03 03:20:00", company="丙公司",
              severity="warning", rule="night_ban.min_driving_s", value=1200, limit=300),
        event("粤C00009", "night_ban", "2026-02-04 03:00:00", "2026-02-04 03:20:00", company="丙公司",
              severity="warning", rule="night_ban.min_driving_s", value=1200, limit=300),
    ]
    write_output(os.path.join(top, "blacklist"), "a7a7a7a7a7a7a7a7", evs, chain_seq=0)
    with open(os.path.join(top, "blacklist.ids"), "w") as f:
        f.write(" ".join(e["event_id"] for e in evs) + "\n")


def vdchain(top):
    """Vehicle-days across runs (RUNS.md §2): run A (day 1) and run B (its
    --resume, with late rows of day 1 and day 2) add up: 粤F00001 on
    2026-10-01 has 600 + 400 fixes, all accepted; C, an unrelated re-run of
    day 1, has 900 fixes of which 450 accepted and does not stand against
    the chain's 1000.  October's 数据合格率 for 戊公司 is then 1.0 (taking the
    fullest single row would give 0.763, adding everything 0.845)."""
    veh = [{"plate": "粤F00001", "plate_color": 2, "class": "truck", "company": "戊公司", "registered": "yes"}]
    e = [event("粤F00001", "speeding", "2026-10-01 10:00:00", "2026-10-01 10:02:00", company="戊公司")]

    def day(d, points, accepted):
        return {"plate": "粤F00001", "plate_color": 2, "day": d, "points": points, "valid": accepted,
                "drift": 0, "distance_km": "100", "gap_km": "0", "accepted": accepted, "driving_s": 3600}
    write_output(os.path.join(top, "vdchain", "a"), "d1d1d1d1d1d1d1d1", e, chain_seq=0, vehicles=veh,
                 days=[day("2026-10-01", 600, 600)])
    write_output(os.path.join(top, "vdchain", "b"), "d2d2d2d2d2d2d2d2", [], chain_seq=1, resumed_from="d1d1d1d1d1d1d1d1",
                 vehicles=veh, days=[day("2026-10-01", 400, 400), day("2026-10-02", 1000, 1000)])
    write_output(os.path.join(top, "vdchain", "c"), "d3d3d3d3d3d3d3d3", e, chain_seq=0, vehicles=veh,
                 days=[day("2026-10-01", 900, 450)])


def badrows(top):
    """An output with two rows that are not events roadlog wrote (line 3: an
    event_id that is not 16 hex digits, line 5: an unknown type) among
    three good ones."""
    good = [event("粤D%05d" % i, "speeding", "2026-07-0%d 10:00:00" % (i + 1), "2026-07-0%d 10:02:00" % (i + 1))
            for i in range(3)]
    bad1 = dict(good[0], event_id="not-an-event-id", plate="粤D99991")
    bad2 = dict(good[1], event_id=event_id("x", 2), type="flying", plate="粤D99992")
    write_output(os.path.join(top, "badrows"), "b8b8b8b8b8b8b8b8", [good[0], bad1, good[1], bad2, good[2]],
                 chain_seq=0)


def main():
    top = sys.argv[1]
    n = int(sys.argv[sys.argv.index("--many") + 1]) if "--many" in sys.argv else 2000
    os.makedirs(top, exist_ok=True)
    chain(os.path.join(top, "chain"))
    hostile(top)
    many(top, n)
    months(top)
    blacklist(top)
    badrows(top)
    vdchain(top)


if __name__ == "__main__":
    main()
