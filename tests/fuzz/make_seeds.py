#!/usr/bin/env python3
"""Write the seed corpora of tests/fuzz/corpus/<target>/ (issue 7).

Seeds are small: a few lines of the samples in fixtures/samples and
hand-made edge cases (each names what it is in its file name).  Every
file starts with the target's mode byte (see the target's comment).
Crash regressions are added by hand next to these (crash-*, named after
what they broke) and are not touched here.

    python3 tests/fuzz/make_seeds.py            # from the repository top
"""
import gzip
import os
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
S = os.path.join(TOP, "fixtures", "samples")
C = os.path.join(TOP, "tests", "fuzz", "corpus")


def sample(name, lines=None):
    with open(os.path.join(S, name), "rb") as f:
        data = f.read()
    if lines is not None:
        data = b"".join(data.splitlines(keepends=True)[:lines])
    return data


def put(target, name, mode, data):
    d = os.path.join(C, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(bytes([mode]) + data)


def u(s):
    return s.encode("utf-8")


GPS = sample("gps_en.csv", 8)
GPS_GBK = sample("gps_zh_gbk.csv", 6)
WEIGH = sample("weighbridge.csv", 6)
WEIGH_ZH = sample("weighbridge_zh.csv", 5)
REG = sample("registry.csv")
# expansion: byte 0xFE k repeats the byte before it (k + 1) * 512 times
LONG_LINE = b"a" + b"\xfe\xff" + b"\n"          # 131 072 'a': over the 64 KiB line limit
HDR = b"plate,plate_color,time,lon,lat,speed,heading,altitude,status,alarm,mileage,driver\n"
ROW = b"\xe7\xb2\xa4B12345,2,2026-11-02 10:00:00,113.95,22.55,60,90,93,3,0,52310.0,D1\n"

# ---- csvin: mode = chunk (bits 0-5) | expand 0x40 | strict 0x80 ----
put("csvin", "gps_en", 0x05, GPS)
put("csvin", "gbk", 0x02, GPS_GBK)
put("csvin", "quoted_multiline", 0x00, b'a,b,c\n1,"two\nlines",3\n"x""y",,\n')
put("csvin", "unterminated_quote", 0x01, b'a,b\n1,"open\n2,3\n4,5\n')
put("csvin", "tabs_bom_crlf", 0x03, b"\xef\xbb\xbfa\tb\tc\r\n1\t2\t3\r\n \t \r\n4\t\t6\r\n")
put("csvin", "semicolon_cr", 0x04, b"a;b\r1;2\r\n3;\"4\r5\"\n")
put("csvin", "long_line", 0x41, b"a,b\n1,2\n" + LONG_LINE + b"3,4\n")
put("csvin", "many_fields", 0x07, b"a,b\n" + b"," * 600 + b"\n1,2\n")
put("csvin", "bad_utf8", 0x02, b"a,b\n\xff\xfe\x80,1\n\xe7\xb2\xa4,2\n")
put("csvin", "nul_bytes", 0x00, b"a,b\n1\x00,2\n3,4\x00\n")

# ---- table targets (gps_csv, weigh_csv, registry_csv) ----
# mode = chunk (bits 0-2) | header (bits 3-4: 0 own, 1-3 given) | flag 0x20 | expand 0x40 | strict 0x80
put("gps_csv", "sample_en", 0x06, GPS)
put("gps_csv", "sample_gbk", 0x23, GPS_GBK)
put("gps_csv", "rows_en_header", 0x08 | 0x20, b"".join(sample("gps_en.csv").splitlines(keepends=True)[30:42]))
put("gps_csv", "bad_rows", 0x08 | 0x20, ROW
    + b"\xe7\xb2\xa4B12345,2,2026-02-30 25:61:00,113.95,22.55,60\n"
    + b"\xe7\xb2\xa4B12345,2,2026-11-02 10:00:01,1e309,22.55,NaN\n"
    + b"\xe7\xb2\xa4B12345,2,2026-11-02 10:00:02,1234567890123456789012345,22.55,60\n"
    + b"\xe7\xb2\xa4B12345,2,2026-11-02 10:00:03,113.95\n"
    + b"\xe7\xb2\xa4B12345,2,2026-11-02 10:00:04,113.95,22.55,60,1,2,3,4,5,6,7,8\n"
    + b"=cmd|' /C calc'!A0,2,1762048805,113.95,22.55,60\n")
put("gps_csv", "times", 0x10 | 0x20, b"\xe7\xb2\xa4B1,\xe9\xbb\x84\xe8\x89\xb2,2026-11-02T10:00:00+08:00,113.9,22.5,1\n"
    + b"B2,yellow,2026/1/2 3:04,113.9,22.5,1\n"
    + b"B3,9,1762048805123,113.9,22.5,1\n"
    + b"B4,0,2026-11-02 10:00:00.5Z,113.9,22.5,1\n")
put("gps_csv", "long_driver", 0x48, b"B1,2,2026-11-02 10:00:00,113.9,22.5,1,,,,,,d\xfe\x80\nB2,2,2026-11-02 10:00:00,113.9,22.5,1\n")
put("gps_csv", "semicolon", 0x18, b"B1;2;2026-11-02 10:00:00;113,9;22.5;1;90\n")
put("weigh_csv", "sample", 0x06, WEIGH)
put("weigh_csv", "sample_zh", 0x05, WEIGH_ZH)
put("weigh_csv", "rows_en_header", 0x08, b"".join(WEIGH.splitlines(keepends=True)[1:])
    + b"2026-11-02 08:00:00,S1,B1,2,3,1e309,7000;9000,NaN,wim,12,113.3,23.05\n"
    + b"2026-11-02 08:00:00,S1,B1,2,99999999999999999999999,25000\n")
put("weigh_csv", "axles_zh", 0x10, b"2026-11-02 09:00:00,\xe7\xab\x99,B9,\xe9\xbb\x84,4,35.15,7.0\xef\xbc\x9b9.4\xef\xbc\x9b9.4\xef\xbc\x9b9.35,,\xe9\x9d\x99\xe6\x80\x81,,113.25,23.2\n")
put("registry_csv", "sample", 0x06, REG)
put("registry_csv", "rows_en_header", 0x08, b"".join(REG.splitlines(keepends=True)[1:])
    + b"B1,2,truck,co,3,1e309,,,,0001,,maybe\nB2,2,\xe5\x8d\xb1\xe9\x99\xa9\xe5\x93\x81\xe8\xbf\x90\xe8\xbe\x93\xe8\xbd\xa6\n")
put("registry_csv", "zh", 0x10, u("粤B12345,黄色,大型普通客车,公司,2,10.5,7,18,45,013800000002,60,是\n"))

# ---- rules: the file itself ----
d = os.path.join(C, "rules")
os.makedirs(d, exist_ok=True)
rules = subprocess.run([os.path.join(TOP, "build", "roadlog"), "rules"], capture_output=True).stdout
with open(os.path.join(d, "roadlog_rules"), "wb") as f:
    f.write(rules)
for name, text in [("window", b"night.window = 22:00-06:00\nnight_ban.window = 02:00 \xe2\x80\x93 05:00\n"),
                   ("bad_value", b"speeding.truck = 1e309\n"),
                   ("bom_comment", b"\xef\xbb\xbf# local\nspeeding.truck = 70 # cap\n\n\tfatigue.rest_min_s=1200\r\n"),
                   ("nul", b"speeding.truck = 7\x000\n")]:
    with open(os.path.join(d, name), "wb") as f:
        f.write(text)

# ---- time: mode = zone and cut | text ----
for i, t in enumerate([b"2026-11-02 10:00:00", b"2026-02-30 25:61:00", b"2026/1/2 3:04:05",
                       b"2026-11-02T10:00:00.123+05:30", b"1762048805", b"1762048805123",
                       b"2026-11-02 10:00:002026-11-03 10:00:00", b"\x26\x11\x02\x10\x00\x00",
                       b"0000-01-01 00:00:00", b"9999-12-31T23:59:59Z"]):
    put("time", "t%d" % i, (i * 37) & 0xFF, t)

# ---- plate: the text ----
d = os.path.join(C, "plate")
os.makedirs(d, exist_ok=True)
for i, t in enumerate(["粤b 12345", "粤Ｂ·Ｋ2345", "京A-D1234", "  黄色 ", "渐变绿", "02",
                       "=1+2", "粤B\u30fb\u300012345\u2022", "\xc2 \xb7"]):
    with open(os.path.join(d, "p%d" % i), "wb") as f:
        f.write(t.encode("utf-8", "surrogateescape") if i != 8 else b"\xc2 \xb7")

# ---- numparse: mode = scale | field ----
for i, (scale, t) in enumerate([(6, b"113.950000"), (3, b"-0.0005"), (0, b"1e309"), (3, b"NaN"),
                                (0, b"1234567890123456789012345"), (3, b" 1.2E+05 "), (8, b".5"),
                                (0, b"0x1F"), (3, b"+12.34567890123"), (0, b"4294967295")]):
    put("numparse", "n%d" % i, scale, t)

# ---- gzip: mode = how the data becomes the file ----
put("gzip", "plain", 0x04, GPS)
put("gzip", "member", 0x01 | 0x04, GPS)
put("gzip", "two_members", 0x02 | 0x08 | 0x30, GPS)
put("gzip", "cut", 0x03 | 0x80, GPS)
put("gzip", "raw_gzip", 0x00, sample("gps_en.csv.gz"))
put("gzip", "raw_gzip_cut", 0x00, sample("gps_en.csv.gz")[:500])
put("gzip", "raw_gzip_garbage", 0x08, gzip.compress(GPS) + b"\x00trailing" + gzip.compress(b"x"))

# ---- jt808 and pcapin: made by gen808 from the English sample ----
with tempfile.TemporaryDirectory() as t:
    small = os.path.join(t, "s.csv")
    with open(small, "wb") as f:
        f.write(sample("gps_en.csv", 12) + b"".join(sample("gps_en.csv").splitlines(keepends=True)[40:46]))
    subprocess.run([os.path.join(TOP, "build", "fixtures", "gen808"), small, os.path.join(t, "s.808"),
                    os.path.join(t, "s.pcap")], check=True, capture_output=True)
    frames = open(os.path.join(t, "s.808"), "rb").read()
    cap = open(os.path.join(t, "s.pcap"), "rb").read()
put("jt808", "gen808", 0x05, frames)
put("jt808", "gen808_gaps", 0x43, frames)
put("jt808", "gen808_cut", 0x00, frames[: len(frames) // 2 + 3])
d = os.path.join(C, "pcapin")
os.makedirs(d, exist_ok=True)
with open(os.path.join(d, "gen808.pcap"), "wb") as f:
    f.write(cap)
with open(os.path.join(d, "gen808_cut.pcap"), "wb") as f:
    f.write(cap[: len(cap) * 2 // 3])

# ---- pcapng of two link types (Ethernet + Linux cooked, issue 11): what
# libpcap refuses at its second interface, in both byte orders and in two
# sections; pcapin reads it raw, pcapng takes a mode byte (chunk size) ----
with tempfile.TemporaryDirectory() as t:
    src = os.path.join(t, "s.pcap")
    with open(src, "wb") as f:
        f.write(cap)
    for tag, opts in (("mixed", []), ("mixed_be", ["--big"]), ("mixed_sections", ["--sections"])):
        ng = os.path.join(t, tag + ".pcapng")
        subprocess.run([sys.executable, os.path.join(TOP, "tests", "pcap2ng.py"), src, ng] + opts, check=True)
        data = open(ng, "rb").read()
        with open(os.path.join(d, tag + ".pcapng"), "wb") as f:
            f.write(data)
        put("pcapng", tag, 0x03, data)
        put("pcapng", tag + "_bytewise", 0x00, data[:2000])
        put("pcapng", tag + "_cut", 0x07, data[: len(data) // 2 + 5])
# hostile lengths after two interfaces: 16 MiB + 4, not a multiple of 4, a trailer that lies
HEAD = (b"\x0a\x0d\x0d\x0a\x1c\x00\x00\x00\x4d\x3c\x2b\x1a\x01\x00\x00\x00" + b"\xff" * 8 + b"\x1c\x00\x00\x00"
        + b"\x01\x00\x00\x00\x14\x00\x00\x00\x01\x00\x00\x00\x00\x00\x04\x00\x14\x00\x00\x00"
        + b"\x01\x00\x00\x00\x14\x00\x00\x00\x71\x00\x00\x00\xff\xff\x00\x00\x14\x00\x00\x00")
put("pcapng", "huge_block", 0x05, HEAD + b"\x06\x00\x00\x00\x04\x00\x00\x01" + b"\x00" * 20)
put("pcapng", "odd_length", 0x05, HEAD + b"\x06\x00\x00\x00\x21\x00\x00\x00" + b"\x00" * 28)
put("pcapng", "trailer_lies", 0x01, HEAD + b"\x06\x00\x00\x00\x20\x00\x00\x00" + b"\x01\x00\x00\x00" + b"\x00" * 16 + b"\x24\x00\x00\x00")

# ---- rlrec: record files roadlog shard writes from the samples ----
with tempfile.TemporaryDirectory() as t:
    files = {"s.csv": sample("gps_en.csv", 12) + b"oops,2\n", "w.csv": sample("weighbridge.csv", 6),
             "s.808": frames}
    for name, data in files.items():
        with open(os.path.join(t, name), "wb") as f:
            f.write(data)
    subprocess.run([os.path.join(TOP, "build", "roadlog"), "shard", "--quiet", "--parts", "2", "--out",
                    os.path.join(t, "S")] + [os.path.join(t, n) for n in files], check=True)
    recs = []
    for part in ("part-0000", "part-0001"):
        pd = os.path.join(t, "S", part)
        for name in sorted(os.listdir(pd)):
            recs.append(open(os.path.join(pd, name), "rb").read())
put("rlrec", "part0", 0x00, recs[0])
put("rlrec", "part1_chunks", 0x05, recs[1])
put("rlrec", "part0_strict", 0x80 | 0x02, recs[0])
put("rlrec", "part0_cut", 0x01, recs[0][: len(recs[0]) * 2 // 3])

# ---- jt808: one seed per alarm item (JT808.md §14), both dialects ----
# mode: the target reads items in the GDRTA dialect when (mode & 0x3F) is odd
import struct


def bcd(digits):
    return bytes(int(digits[i:i + 2], 16) for i in range(0, len(digits), 2))


def frame808(msgid, body, phone="013800138000", serial=1):
    raw = struct.pack(">HH", msgid, len(body)) + bcd(phone) + struct.pack(">H", serial) + body
    cs = 0
    for b in raw:
        cs ^= b
    raw += bytes([cs])
    return b"\x7e" + raw.replace(b"\x7d", b"\x7d\x01").replace(b"\x7e", b"\x7d\x02") + b"\x7e"


def location(alarm, items, t="261102100000"):
    return struct.pack(">IIIIHHH", alarm, 3, 22500000, 113900000, 10, 600, 90) + bcd(t) + items


def item(i, v):
    return bytes([i, len(v)]) + v


def base(gdrta, t="261102095958"):
    tid = b"T000001".ljust(30 if gdrta else 7, b"\x00")
    return (struct.pack(">BHII", 60, 10, 22500000, 113900000) + bcd(t) + struct.pack(">H", 1) + tid + bcd(t)
            + bytes([0, 2]) + bytes(2 if gdrta else 1))


def adas(gdrta, flag=1, typ=1):
    return item(0x64, struct.pack(">IBBBBBBBB", 7, flag, typ, 2, 60, 12, 1, 0, 0) + base(gdrta))


def dsm(gdrta, flag=1, typ=1):
    return item(0x65, struct.pack(">IBBBB", 8, flag, typ, 1, 7) + bytes(4) + base(gdrta))


def tpms(gdrta, flag=1, tyres=((0, 4), (5, 8))):
    v = struct.pack(">IB", 9, flag) + base(gdrta) + bytes([len(tyres)])
    for pos, alarm in tyres:
        v += struct.pack(">BHHHH", pos, alarm, 760, 38, 90)
    return item(0x66, v)


def bsd(gdrta, flag=0, typ=2):
    return item(0x67, struct.pack(">IBB", 10, flag, typ) + base(gdrta))


VIDEO = (item(0x14, bytes(4)) + item(0x15, b"\x00\x00\x00\x05") + item(0x16, bytes(4)) + item(0x17, bytes(2))
         + item(0x18, b"\x00\x03\x07"))
for name, gd in (("jsatl", False), ("gdrta", True)):
    mode = 0x03 if gd else 0x02
    put("jt808", "item_adas_" + name, mode, frame808(0x0200, location(0, adas(gd))))
    put("jt808", "item_dsm_" + name, mode, frame808(0x0200, location(0, dsm(gd))))
    put("jt808", "item_tpms_" + name, mode, frame808(0x0200, location(0, tpms(gd))))
    put("jt808", "item_bsd_" + name, mode, frame808(0x0200, location(0, bsd(gd))))
    batch = b"".join(struct.pack(">H", len(loc)) + loc for loc in
                     (location(0, dsm(gd, 1)), location(0, VIDEO + dsm(gd, 2), "261102100030")))
    put("jt808", "item_batch_" + name, mode, frame808(0x0704, struct.pack(">HB", 2, 1) + batch))
put("jt808", "item_video_0x18_3", 0x02, frame808(0x0200, location(0, VIDEO)))
put("jt808", "item_video_0x18_2", 0x02, frame808(0x0200, location(0, VIDEO[:-5] + item(0x18, b"\x00\x01"))))
put("jt808", "item_wrong_lengths", 0x02, frame808(0x0200, location(0, item(0x64, bytes(50)) + item(0x67, bytes(4))
                                                              + tpms(False)[:-3] + item(0x18, bytes(5)))))
put("jt808", "reply_0x0201", 0x02, frame808(0x0201, struct.pack(">H", 77) + location(2, VIDEO + adas(False))))
put("analyze", "jt808_alarms", 0x02, b"".join(
    frame808(0x0200, location(a, i, "2611021000%02d" % k), serial=k) for k, (a, i) in
    enumerate([(2, dsm(False, 1)), (2, b""), (1 << 20, tpms(False, 1)), (0, dsm(False, 2) + tpms(False, 2, ())),
               (1, bsd(False)), (3, adas(False, 0, 0x21))])))

# ---- analyze: mode = strict 1 | registry 2 | html+xlsx 4 | gzip 8 | window 0x10 | plate 0x20 | expand 0x40 | two inputs 0x80
put("analyze", "gps", 0x02, sample("gps_en.csv"))
put("analyze", "gps_gbk_html", 0x06, GPS_GBK)
put("analyze", "weigh", 0x02 | 0x80, WEIGH)
put("analyze", "gps_gz_window", 0x08 | 0x10 | 0x20, GPS)
put("analyze", "jt808", 0x02, frames)
put("analyze", "pcap", 0x00, cap)
put("analyze", "registry_as_input", 0x00, REG)
put("analyze", "records", 0x02, recs[0])
put("analyze", "hostile_text", 0x06, HDR + u('"=HYPERLINK(""http://x"")",2,2026-11-02 10:00:00,113.95,22.55,130,,,,,,@drv\n'
                                            '"=HYPERLINK(""http://x"")",2,2026-11-02 10:00:30,113.96,22.55,130,,,,,,@drv\n'
                                            '"=HYPERLINK(""http://x"")",2,2026-11-02 10:01:00,113.97,22.55,130,,,,,,@drv\n'
                                            '<script>,2,2026-11-02 10:00:00,113.95,22.55,130,,,,,,"<img src=x>"\n'
                                            '<script>,2,2026-11-02 10:05:00,113.95,22.75,130,,,,,,"<img src=x>"\n'))
# ---- zones: mode = datum forced (0 the file's, 1 wgs84, 2 gcj02, 3 bd09) | the zone file ----
with open(os.path.join(TOP, "fixtures", "zones", "demo-city.geojson"), "rb") as f:
    CITY = f.read()
SQ = '[[[113.9,22.49],[113.95,22.49],[113.95,22.52],[113.9,22.52],[113.9,22.49]]]'


def zfc(*features, coord=None):
    head = '{"type":"FeatureCollection",%s"features":[' % ('"coord":"%s",' % coord if coord else "")
    return u(head + ",".join(features) + "]}")


def zfeat(props, gtype, coords):
    return '{"type":"Feature","properties":{%s},"geometry":{"type":"%s","coordinates":%s}}' % (props, gtype, coords)


put("zones", "demo_city", 0x00, CITY)
put("zones", "demo_city_as_gcj02", 0x02, CITY)
put("zones", "demo_city_as_bd09", 0x03, CITY)
put("zones", "hole_and_windows", 0x00, zfc(zfeat(
    '"id":"h","kind":"restricted","classes":["muck","危货"],"times":["22:00-06:00","00:00-24:00"],"days":"Fri-Mon",'
    '"dates":["2026-11-01/2026-11-30","2027-01-01"],"plates":["粤B·12345"],"exempt":["粤A1"],"min_s":0',
    "Polygon", '[[[113.9,22.49],[113.95,22.49],[113.95,22.52],[113.9,22.52],[113.9,22.49]],'
    '[[113.92,22.5],[113.93,22.5],[113.93,22.51],[113.92,22.51],[113.92,22.5]]]')))
put("zones", "corridors", 0x00, zfc(
    zfeat('"id":"r","kind":"route","plates":["粤B1"],"buffer_m":30', "MultiLineString",
          '[[[114.0,23.0],[114.02,23.0]],[[114.03,23.0],[114.05,23.0]]]'),
    zfeat('"id":7,"kind":"road","road_type":"other","speed_limit_kmh":40', "LineString", '[[114.0,22.6],[114.1,22.6]]'),
    zfeat('"id":"s","kind":"speed","speed_limit_kmh":30.5,"classes":"coach"', "MultiPolygon",
          '[[[[114.1,22.49],[114.11,22.49],[114.11,22.5],[114.1,22.49]]],[[[114.2,22.49],[114.21,22.49],[114.21,22.5],[114.2,22.49]]]]'),
    coord="gcj02"))
put("zones", "bow_tie", 0x00, zfc(zfeat('"id":"b","kind":"restricted"', "Polygon",
                                       '[[[113.9,22.49],[113.95,22.52],[113.95,22.49],[113.9,22.52],[113.9,22.49]]]')))
put("zones", "open_ring", 0x00, zfc(zfeat('"id":"o","kind":"restricted"', "Polygon",
                                         '[[[113.9,22.49],[113.95,22.49],[113.95,22.52]]]')))
put("zones", "duplicate_id", 0x00, zfc(zfeat('"id":"a","kind":"restricted"', "Polygon", SQ),
                                       zfeat('"id":"a","kind":"restricted"', "Polygon", SQ)))
put("zones", "bad_window", 0x00, zfc(zfeat('"id":"w","kind":"restricted","times":["25:00-07:00"]', "Polygon", SQ)))
put("zones", "not_json", 0x00, u('{"type":"FeatureCollection","features":[{'))

print("seeds written under", os.path.relpath(C, TOP))
