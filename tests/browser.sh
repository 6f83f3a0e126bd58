#!/bin/sh
# browser.sh - open report.html and summary.html in a real browser
# (Debian's chromium, headless) and check that they render: a screenshot
# that is not blank, no console error (a script error or a blocked fetch
# would show there: the pages' Content-Security-Policy forbids every
# fetch), and the summary's indicators as computed by hand for
# fixtures/reports/summary (see tests/test_reports.c for the arithmetic).
#
# Needs chromium (and a CJK font, so the screenshots show Chinese), both in
# .ci/packages; without chromium it fails, saying so.
# Usage: sh tests/browser.sh [ROADLOG]
set -u
cd "$(dirname "$0")/.." || exit 1
ROADLOG=${1:-${ROADLOG:-build/roadlog}}
if [ ! -x "$ROADLOG" ]; then
    make -s roadlog >/dev/null || { echo "browser: cannot build roadlog"; exit 1; }
    ROADLOG=build/roadlog
fi

# chromium, a CJK font and python3 come from .ci/packages (`make deps`).
# Without a browser the check cannot run: that is a failure, with the
# way to get one, never a pass.
# ROADLOG_CHROMIUM names another browser binary
CHROME=${ROADLOG_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$CHROME" ] || [ ! -x "$CHROME" ]; then
    echo "SKIP browser: chromium is not installed; install it with 'make deps' (Debian package chromium)"
    exit 1
fi
command -v python3 >/dev/null || { echo "SKIP browser: python3 is not installed ('make deps')"; exit 1; }

WORK=$(mktemp -d /tmp/roadlog-browser-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fail=0
pass=0

# ---- the documents ----
# a small run: a hazmat truck speeding and a coach at night, two days
cat >"$WORK/registry.csv" <<'EOF'
plate,plate_color,class,company
粤B50001,2,hazmat,甲运输公司 <测试>
粤B50002,2,coach,乙客运公司
EOF
awk 'BEGIN {
    print "plate,plate_color,time,lon,lat,speed,driver";
    for (d = 2; d <= 3; d++)
        for (m = 0; m < 240; m++) {
            h = 8 + int(m / 60); mm = m % 60;
            v = (m >= 60 && m < 70) ? 95 : 60;
            printf "粤B50001,2,2026-11-%02d %02d:%02d:00,%.6f,%.6f,%d,张三\n", d, h, mm, 113.90 + m * 0.01, 22.50 + m * 0.002, v;
            h2 = 23 + int(m / 60); if (h2 >= 24) continue;
            printf "粤B50002,2,2026-11-%02d %02d:%02d:00,%.6f,23.000000,%d,李四\n", d, h2, mm, 114.00 + m * 0.015, 90;
        }
}' >"$WORK/gps.csv"
"$ROADLOG" analyze --quiet --lang zh --registry "$WORK/registry.csv" --out "$WORK/out" "$WORK/gps.csv" ||
    { echo "browser: FAIL analyze"; exit 1; }
"$ROADLOG" summary --quiet --lang zh --registry fixtures/reports/summary/registry.csv --out "$WORK/sum" \
    fixtures/reports/summary >/dev/null || { echo "browser: FAIL summary"; exit 1; }
PAGES="$WORK/out/report.html $WORK/sum/summary.html"
# a large fleet's per-vehicle page (the generator is built by `make tools`,
# which `make browser` depends on)
[ -x build/fixtures/genfleet ] || make -s tools >/dev/null || { echo "browser: FAIL cannot build the generator"; exit 1; }
build/fixtures/genfleet --out "$WORK/fleet" --vehicles 520 --inject all --quiet >"$WORK/gen.log" 2>&1 &&
    "$ROADLOG" analyze --quiet --registry "$WORK/fleet/registry.csv" --out "$WORK/fleet/out" \
        "$WORK/fleet/gps.csv" >>"$WORK/gen.log" 2>&1 || { echo "browser: FAIL generated fleet:"; cat "$WORK/gen.log"; exit 1; }
first=$(ls "$WORK/fleet/out/vehicles/" | grep -v '^index' | head -1)
[ -n "$first" ] || { echo "browser: FAIL no per-vehicle page in $WORK/fleet/out/vehicles"; exit 1; }
PAGES="$PAGES $WORK/fleet/out/vehicles/$first"

# Non-blank: decode the PNG (zlib + the five PNG filters) and count the
# distinct colours and the share of pixels that are not background.
cat >"$WORK/png.py" <<'EOF'
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
pos, idat, w = 8, b'', 0
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b'IHDR':
        w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
        assert depth == 8 and ctype in (2, 6), 'unexpected PNG format'
        bpp = 3 if ctype == 2 else 4
    elif kind == b'IDAT':
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
colours, ink, i = set(), 0, 0
for y in range(h):
    f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    if y % 2 == 0:
        for x in range(0, stride, bpp * 2):
            px = bytes(line[x:x + 3]); colours.add(px)
            if px != b'\xff\xff\xff': ink += 1
    prev = line
total = (h + 1) // 2 * ((w + 1) // 2)
print('%d colours, %.1f%% ink' % (len(colours), 100.0 * ink / total))
sys.exit(0 if len(colours) >= 16 and ink * 100 >= total else 1)
EOF

for page in $PAGES; do
    name=$(basename "$page")
    shot="$WORK/$name.png"
    log="$WORK/$name.log"
    flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
           --disable-component-update --disable-sync --hide-scrollbars --window-size=1280,1600"
    # shellcheck disable=SC2086
    timeout 120 "$CHROME" $flags --user-data-dir="$(mktemp -d "$WORK/profile-XXXXXX")" --enable-logging=stderr --v=0 \
        --screenshot="$shot" "file://$page" >"$log" 2>&1
    # shellcheck disable=SC2086
    timeout 120 "$CHROME" $flags --user-data-dir="$(mktemp -d "$WORK/profile-XXXXXX")" --enable-logging=stderr --v=0 \
        --dump-dom "file://$page" >"$WORK/$name.dom" 2>>"$log"
    problems=""
    [ -s "$shot" ] || problems="no screenshot"
    if [ -z "$problems" ]; then
        verdict=$(python3 "$WORK/png.py" "$shot") || problems="blank screenshot ($verdict)"
    fi
    if grep -E "CONSOLE|Uncaught|Refused to|Content Security Policy|net::ERR" "$log" >"$WORK/console.txt"; then
        problems="$problems console errors: $(head -3 "$WORK/console.txt")"
    fi
    grep -q "</svg>" "$WORK/$name.dom" || problems="$problems no SVG in the rendered DOM"
    if [ -z "$problems" ]; then
        echo "PASS browser $name ($verdict)"
        pass=$((pass + 1))
    else
        echo "FAIL browser $name: $problems"
        fail=$((fail + 1))
    fi
done

# The summary's indicators as the browser shows them, against the hand
# computation (tests/test_reports.c, summary_by_hand):
#   上线率 2/4 = 50.00 %, 数据合格率 2680/2800 = 95.71 %,
#   轨迹完整率 502/530 = 94.72 %, 漂移率 1/2 = 50.00 %,
#   平均超速次数 3/2 = 1.50, 平均疲劳驾驶时长 2400/2 = 1200 s
dom="$WORK/summary.html.dom"
for want in 'online_rate:50.00 %:2 / 4' 'data_quality:95.71 %:2680 / 2800' 'track_completeness:94.72 %:502 / 530' \
    'drift_rate:50.00 %:1 / 2' 'avg_speeding_events:1.50:3 / 2' 'avg_fatigue_excess_s:1200 s:2400 / 2'; do
    key=${want%%:*}; rest=${want#*:}; value=${rest%%:*}; ratio=${rest#*:}
    row=$(tr -d '\n' <"$dom" | grep -o "<tr id=\"$key\">.*" | sed 's#</tr>.*##')
    case "$row" in
    *"$value"*"$ratio"*) pass=$((pass + 1)) ;;
    *) echo "FAIL browser summary $key: want $value ($ratio), row: $row"; fail=$((fail + 1)) ;;
    esac
done
echo "browser: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
