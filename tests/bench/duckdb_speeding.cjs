// make bench: DuckDB's side of the speeding comparison (issue 12).
//   NODE_PATH=build/duckdb/node_modules node tests/bench/duckdb_speeding.cjs \
//       GPS.csv REGISTRY.csv THREADS [--sql]
// Prints `episodes N` (speeding + night_speeding episodes, RULES.md §2) and
// `query_s S`; --sql prints the query and exits.
//
// What the query does, on the bench fleet (genfleet's `en` variant, no
// --noise, so no duplicates and no drift: tests/bench.sh checks the
// manifest says so before it compares):
// - reads both files with read_csv and an explicit type for every column
//   (no sniffing), times as local TIMESTAMP (the +08:00 analysis zone, no
//   DST, so local differences are UTC differences), speeds as DECIMAL so
//   that "strictly above the limit" is exact at 80.0 and at 0.8 x 90 = 72.0;
// - normalises plates as FORMATS.md "Vehicles" says (full-width ASCII to
//   half-width, then drop spaces, tabs, '-', '·', '•', '・', '･' and U+3000,
//   upper-case), because the generator spells a few plates several ways
//   (粤B·12345, 粤b12345, 粤Ｂ１２３４５ ...) and the registry uses '·';
//   a vehicle is normalised plate + colour code;
// - drops invalid fixes (track.invalid: lon outside [73, 136], lat outside
//   [3, 54], speed outside [0, 220], status bit 1 "positioned" clear; the
//   alarm scenarios of the bench fleet have one);
// - joins the registry on both for the limit: speed_limit_kmh if set,
//   else the class cap of RULES.md §2 (unregistered: `other`, 120); coach
//   and charter: x 0.8 when the fix's local time is in [22:00, 06:00);
// - lag windows per vehicle ordered by time: a fix over the limit starts an
//   episode unless the previous fix was over too, at most track.gap_s =
//   300 s before, and (coach/charter) on the same side of 22:00 / 06:00;
//   a second window numbers the episodes among the fixes over the limit;
//   an episode counts when last - first >= 60 s.
// What it does not do (the bench data has none of it; roadlog does all of
// it, so on other data the counts may differ): same-second duplicates,
// drift and re-anchoring, colour names or an unknown colour joined to a
// unique registry plate, class names in Chinese, a rules file, speeds with
// more than one decimal, times with an offset or epoch times.
'use strict';

const lit = (s) => `'${s.replace(/'/g, "''")}'`;
// U+FF01..U+FF5E -> U+0021..U+007E, for translate()
let fw = '', hw = '';
for (let i = 0; i < 94; i++) {
    fw += String.fromCharCode(0xff01 + i);
    hw += String.fromCharCode(0x21 + i);
}
// translate() is slow (it took most of the query's time on 8 M rows), so it
// runs only on the rare plate that has a full-width character.
const norm = (col) =>
    `upper(regexp_replace(CASE WHEN regexp_matches(${col}, '[\\x{FF01}-\\x{FF5E}]')
                               THEN translate(${col}, ${lit(fw)}, ${lit(hw)}) ELSE ${col} END,
                          '[ \\t\\-·•・･\\x{3000}]', '', 'g'))`;

function query(gps, registry) {
    return `
WITH caps(class, cap) AS (
    VALUES ('coach', 100), ('charter', 100), ('hazmat', 80), ('muck', 60),
           ('heavy_truck', 100), ('truck', 100), ('other', 120)),
reg AS (
    SELECT ${norm('plate')} AS plate, plate_color AS color, class, speed_limit_kmh
    FROM read_csv(${lit(registry)}, header = true, delim = ',', quote = '"', auto_detect = false,
        columns = {'plate': 'VARCHAR', 'plate_color': 'UTINYINT', 'class': 'VARCHAR',
                   'company': 'VARCHAR', 'axles': 'UTINYINT', 'rated_load_kg': 'INTEGER',
                   'curb_kg': 'INTEGER', 'max_gross_kg': 'INTEGER', 'seats': 'SMALLINT',
                   'terminal_phone': 'VARCHAR', 'speed_limit_kmh': 'SMALLINT',
                   'night_exempt': 'VARCHAR'})),
fix AS (
    SELECT ${norm('plate')} AS plate, plate_color AS color, time AS t, speed
    FROM read_csv(${lit(gps)}, header = true, delim = ',', quote = '"', auto_detect = false,
        timestampformat = '%Y-%m-%d %H:%M:%S',
        columns = {'plate': 'VARCHAR', 'plate_color': 'UTINYINT', 'time': 'TIMESTAMP',
                   'lon': 'DOUBLE', 'lat': 'DOUBLE', 'speed': 'DECIMAL(6,1)',
                   'heading': 'SMALLINT', 'altitude': 'INTEGER', 'status': 'UINTEGER',
                   'alarm': 'UINTEGER', 'mileage': 'DOUBLE', 'driver': 'VARCHAR'})
    -- track.invalid (RULES.md §1): not used by the detectors
    WHERE lon BETWEEN 73 AND 136 AND lat BETWEEN 3 AND 54 AND speed BETWEEN 0 AND 220
      AND status & 2 <> 0),
flagged AS (
    SELECT f.plate, f.color, f.t,
           coalesce(r.class, 'other') IN ('coach', 'charter')
               AND (hour(f.t) >= 22 OR hour(f.t) < 6) AS night,
           f.speed > CASE WHEN coalesce(r.class, 'other') IN ('coach', 'charter')
                               AND (hour(f.t) >= 22 OR hour(f.t) < 6)
                          THEN coalesce(r.speed_limit_kmh, c.cap) * 0.8
                          ELSE coalesce(r.speed_limit_kmh, c.cap) END AS over
    FROM fix f
    LEFT JOIN reg r ON r.plate = f.plate AND r.color = f.color
    JOIN caps c ON c.class = coalesce(r.class, 'other')),
lagged AS (
    SELECT plate, color, t, night, over,
           lag(t) OVER w AS prev_t, lag(over) OVER w AS prev_over, lag(night) OVER w AS prev_night
    FROM flagged
    WINDOW w AS (PARTITION BY plate, color ORDER BY t)),
starts AS (
    SELECT plate, color, t,
           CASE WHEN prev_over AND date_diff('second', prev_t, t) <= 300 AND night = prev_night
                THEN 0 ELSE 1 END AS starts
    FROM lagged
    WHERE over),
episodes AS (
    SELECT plate, color, t,
           sum(starts) OVER (PARTITION BY plate, color ORDER BY t ROWS UNBOUNDED PRECEDING) AS episode
    FROM starts)
SELECT count(*) AS episodes
FROM (SELECT plate, color, episode
      FROM episodes
      GROUP BY plate, color, episode
      HAVING date_diff('second', min(t), max(t)) >= 60)`;
}

async function main() {
    const [gps, registry, threads, flag] = process.argv.slice(2);
    if (!gps || !registry || !/^[1-9][0-9]*$/.test(threads || '')) {
        console.error('usage: duckdb_speeding.cjs GPS.csv REGISTRY.csv THREADS [--sql]');
        process.exit(2);
    }
    const sql = query(gps, registry);
    if (flag === '--sql') {
        console.log(sql.trim());
        return;
    }
    const { DuckDBInstance } = require('@duckdb/node-api');
    const t0 = process.hrtime.bigint();
    const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
    const con = await db.connect();
    const rows = (await con.runAndReadAll(sql)).getRows();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`episodes ${rows[0][0]}`);
    console.log(`query_s ${s.toFixed(3)}`);
}

main().catch((e) => {
    console.error(`duckdb_speeding: ${e.message}`);
    process.exit(1);
});
