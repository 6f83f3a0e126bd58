/*
 * ledger.c - events.csv and events.jsonl: the violation ledger, one event
 * per row, sorted by plate, colour and start time, with a stable event_id.
 *
 * A ledger can hold hundreds of thousands of events, so rows are formatted
 * straight into one large buffer (outbuf) rather than field by field
 * through stdio, and what repeats from row to row is formatted once and
 * copied: the vehicle's columns while the vehicle stays the same (events
 * come sorted by vehicle), the input file's name in the source column, a
 * position (a weighing starts and ends in one place), the date and the
 * second (tu_formatter).  tests/test_ledger.c holds the result to the
 * ledger written field by field.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "numparse.h"
#include "privacy.h"
#include "reports.h"
#include "timeutil.h"

#define PUT_LIT(o, lit) outbuf_put(o, lit, sizeof lit - 1)

/* The columns of EVENTS_CSV_COLUMNS, in order; events.jsonl's keys are
 * the same names (json_keys). */
typedef enum {
    COL_EVENT_ID, COL_PLATE, COL_PLATE_COLOR, COL_CLASS, COL_COMPANY, COL_DRIVER, COL_TYPE, COL_START_TIME,
    COL_END_TIME, COL_DURATION, COL_START_LON, COL_START_LAT, COL_END_LON, COL_END_LAT, COL_VALUE, COL_LIMIT,
    COL_EXCESS_PCT, COL_SEVERITY, COL_RULE, COL_SOURCE, COL_EVIDENCE_POINTS, COL_GPS_TIME, COL_GPS_DISTANCE,
    COL_ZONE_ID, COL_ZONE_NAME, COL_ROAD_TYPE, COL_STATUS, COL_COUNT
} ledger_col;

typedef void text_fn(outbuf *o, const char *s, size_t n);

/* events.jsonl's key before each value, zero-padded to 32 bytes. */
static const char json_keys[COL_COUNT][32] = {
    "{\"event_id\":", ",\"plate\":", ",\"plate_color\":", ",\"class\":", ",\"company\":", ",\"driver\":",
    ",\"type\":", ",\"start_time\":", ",\"end_time\":", ",\"duration_s\":", ",\"start_lon\":", ",\"start_lat\":",
    ",\"end_lon\":", ",\"end_lat\":", ",\"value\":", ",\"limit\":", ",\"excess_pct\":", ",\"severity\":",
    ",\"rule\":", ",\"source\":", ",\"evidence_points\":", ",\"gps_time\":", ",\"gps_distance_km\":",
    ",\"zone_id\":", ",\"zone_name\":", ",\"road_type\":", ",\"status\":",
};

/* How one row is written: CSV fields or a JSON object. */
typedef struct ledger_format {
    bool json;
    text_fn *text;             /* text from input (csv: neutralised) */
    text_fn *own;              /* roadlog's own text */
    size_t key_len[COL_COUNT]; /* of json_keys */
} ledger_format;

/* What a ledger writer keeps from one row to the next. */
typedef struct ledger {
    const rl_run *run;
    ledger_format fm;
    outbuf out;
    tu_formatter tf;
    uint32_t vehicle; /* whose columns are in `vcols`; UINT32_MAX: none yet */
    outbuf vcols;     /* in memory, in vcols_mem while it fits */
    /* The source column is "name:line": the escaped "name:" of the
     * input file of the row before, without its closing quote. */
    unsigned src_file; /* UINT_MAX: none yet */
    bool src_quoted;
    outbuf src_head;   /* in memory, in src_mem while it fits */
    char vcols_mem[256], src_mem[256];
    /* The last position written, as text (a weighing's start and end
     * are one place). */
    bool have_pos;
    int32_t lon_e6, lat_e6;
    char lon[24], lat[24];
    size_t lon_len, lat_len;
} ledger;

static void format_init(ledger_format *fm, bool json)
{
    fm->json = json;
    fm->text = json ? outbuf_json_str : outbuf_csv_text;
    fm->own = json ? outbuf_json_str : outbuf_csv_str;
    for (int c = 0; c < COL_COUNT; c++)
        fm->key_len[c] = strlen(json_keys[c]);
}

static void ledger_init(ledger *l, const rl_run *run, bool json, FILE *f, char *buf, size_t cap)
{
    l->run = run;
    format_init(&l->fm, json);
    outbuf_init(&l->out, f, buf, cap);
    tu_formatter_init(&l->tf, run->opt.tz);
    l->vehicle = UINT32_MAX;
    outbuf_init(&l->vcols, NULL, l->vcols_mem, sizeof l->vcols_mem);
    l->src_file = UINT_MAX;
    outbuf_init(&l->src_head, NULL, l->src_mem, sizeof l->src_mem);
    l->have_pos = false;
}

static void ledger_done(ledger *l)
{
    outbuf_done(&l->out);
    outbuf_done(&l->vcols);
    outbuf_done(&l->src_head);
}

/* What comes before a value: a comma in CSV (none before the first),
 * the key in JSON. */
static void put_key(const ledger_format *fm, outbuf *o, ledger_col c)
{
    if (!fm->json) {
        if (c != COL_EVENT_ID)
            outbuf_putc(o, ',');
        return;
    }
    /* the whole slot is copied (a copy of known size, no call) and only
     * the key counted: what lies past it is written over next */
    memcpy(outbuf_room(o, sizeof json_keys[c]), json_keys[c], sizeof json_keys[c]);
    o->len += fm->key_len[c];
}

static void put_str(outbuf *o, const char *s) { outbuf_put(o, s, strlen(s)); }

/* An identifier of roadlog's (event_id's hex digits, a type or class
 * name): nothing in it is ever escaped or quoted in CSV. */
static void put_name(const ledger_format *fm, outbuf *o, const char *s)
{
    if (fm->json)
        outbuf_putc(o, '"');
    put_str(o, s);
    if (fm->json)
        outbuf_putc(o, '"');
}

static void put_null(ledger *l)
{
    if (l->fm.json)
        PUT_LIT(&l->out, "null");
}

/* Local time in CSV, ISO 8601 with the offset in JSON: digits and
 * separators, never escaped. */
static void put_time(ledger *l, int64_t t)
{
    outbuf *o = &l->out;
    if (!l->fm.json) {
        tu_formatter_local(&l->tf, t, outbuf_room(o, 19));
        o->len += 19;
        return;
    }
    char *p = outbuf_room(o, 27);
    p[0] = '"';
    tu_formatter_iso(&l->tf, t, p + 1);
    p[26] = '"';
    o->len += 27;
}

/* The vehicle's columns (plate to company), formatted once while rows
 * are of the same vehicle. */
static void put_vehicle(ledger *l, uint32_t vi)
{
    const ledger_format *fm = &l->fm;
    outbuf *o = &l->vcols;
    if (vi != l->vehicle) {
        const rl_vehicle *v = vtable_at(l->run->vt, vi);
        const char *plate = run_vehicle_label(l->run, v), *company = run_vehicle_company(l->run, v);
        o->len = 0;
        put_key(fm, o, COL_PLATE);
        fm->text(o, plate, strlen(plate));
        put_key(fm, o, COL_PLATE_COLOR);
        outbuf_int(o, v->color);
        put_key(fm, o, COL_CLASS);
        put_name(fm, o, class_name(v->cls));
        put_key(fm, o, COL_COMPANY);
        fm->text(o, company, strlen(company));
        l->vehicle = vi;
    }
    outbuf_put(&l->out, o->buf, o->len);
}

/* The position's two columns, formatted once while rows are of the same
 * place. */
static void put_position(ledger *l, ledger_col lon_col, int32_t lon_e6, int32_t lat_e6)
{
    if (!l->have_pos || lon_e6 != l->lon_e6 || lat_e6 != l->lat_e6) {
        l->lon_len = fmt_fixed(l->lon, lon_e6, 6);
        l->lat_len = fmt_fixed(l->lat, lat_e6, 6);
        l->lon_e6 = lon_e6;
        l->lat_e6 = lat_e6;
        l->have_pos = true;
    }
    put_key(&l->fm, &l->out, lon_col);
    outbuf_put(&l->out, l->lon, l->lon_len);
    put_key(&l->fm, &l->out, lon_col + 1);
    outbuf_put(&l->out, l->lat, l->lat_len);
}

/* The source column (run_format_origin's "name:line"), escaped as text
 * from input.  The digits after "name:" never change how the text is
 * escaped (no quote, separator or space; the start decides a formula),
 * so the escaped "name:" is kept while the file stays the same. */
static void put_source(ledger *l, rl_origin origin)
{
    unsigned fi = RL_ORIGIN_FILE(origin);
    text_fn *text = l->fm.text;
    char src[512];
    if (fi != l->src_file) {
        /* "name:0" less its 0.  A name so long that run_format_origin
         * would cut the text (a position has at most 15 digits, 48
         * bits) is written row by row. */
        run_format_origin(l->run, RL_ORIGIN(fi, 0), src, sizeof src);
        size_t n = strlen(src);
        if (n - 1 + 15 >= sizeof src) {
            run_format_origin(l->run, origin, src, sizeof src);
            text(&l->out, src, strlen(src));
            return;
        }
        l->src_head.len = 0;
        text(&l->src_head, src, n - 1);
        l->src_quoted = l->src_head.buf[0] == '"';
        if (l->src_quoted)
            l->src_head.len--;
        l->src_file = fi;
    }
    outbuf_put(&l->out, l->src_head.buf, l->src_head.len);
    outbuf_int(&l->out, (int64_t)RL_ORIGIN_POS(origin));
    if (l->src_quoted)
        outbuf_putc(&l->out, '"');
}

/* One event: a line of events.csv without its line end, or the object
 * of events.jsonl. */
static void put_row(ledger *l, const rl_event *e)
{
    const ledger_format *fm = &l->fm;
    outbuf *o = &l->out;
    char masked[19];
    const char *driver = driver_shown(strtab_get(l->run->str, e->driver), l->run->opt.show_ids, masked);
    put_key(fm, o, COL_EVENT_ID);
    put_name(fm, o, e->id);
    put_vehicle(l, e->vehicle);
    put_key(fm, o, COL_DRIVER);
    fm->text(o, driver, strlen(driver));
    put_key(fm, o, COL_TYPE);
    put_name(fm, o, event_type_name(e->type));
    put_key(fm, o, COL_START_TIME);
    put_time(l, e->start);
    put_key(fm, o, COL_END_TIME);
    put_time(l, e->end);
    put_key(fm, o, COL_DURATION);
    outbuf_int(o, e->end - e->start);
    if (e->have_pos) {
        put_position(l, COL_START_LON, e->start_lon_e6, e->start_lat_e6);
        put_position(l, COL_END_LON, e->end_lon_e6, e->end_lat_e6);
    } else {
        for (ledger_col c = COL_START_LON; c <= COL_END_LAT; c++) {
            put_key(fm, o, c);
            put_null(l);
        }
    }
    put_key(fm, o, COL_VALUE);
    outbuf_fixed(o, e->value, e->scale);
    put_key(fm, o, COL_LIMIT);
    outbuf_fixed(o, e->limit, e->scale);
    put_key(fm, o, COL_EXCESS_PCT);
    outbuf_double(o, event_excess_pct(e), 2);
    put_key(fm, o, COL_SEVERITY);
    fm->own(o, e->severity, strlen(e->severity));
    put_key(fm, o, COL_RULE);
    fm->own(o, e->rule, strlen(e->rule));
    put_key(fm, o, COL_SOURCE);
    put_source(l, e->origin);
    put_key(fm, o, COL_EVIDENCE_POINTS);
    outbuf_int(o, e->evidence_points);
    /* FORMATS.md allows columns after the listed ones: the GPS fix nearest
     * to a weighing and its distance from the station (RULES.md §5) */
    put_key(fm, o, COL_GPS_TIME);
    if (e->have_gps)
        put_time(l, e->gps_time);
    else
        put_null(l);
    put_key(fm, o, COL_GPS_DISTANCE);
    if (e->have_gps_distance)
        outbuf_fixed(o, e->gps_distance_m, 3);
    else
        put_null(l);
    /* ZONES.md: the zone behind the limit, the road type or the rule */
    put_key(fm, o, COL_ZONE_ID);
    if (e->zone_id)
        fm->text(o, e->zone_id, strlen(e->zone_id));
    else
        put_null(l);
    put_key(fm, o, COL_ZONE_NAME);
    if (e->zone_name)
        fm->text(o, e->zone_name, strlen(e->zone_name));
    else
        put_null(l);
    put_key(fm, o, COL_ROAD_TYPE);
    if (e->road_type != ROAD_NONE)
        put_name(fm, o, road_type_name((road_type)e->road_type));
    else
        put_null(l);
    /* RUNS.md §2: the last column */
    put_key(fm, o, COL_STATUS);
    put_name(fm, o, event_status_name((event_status)e->status));
    if (fm->json)
        outbuf_putc(o, '}');
}

static bool finish(FILE *f)
{
    bool ok = !ferror(f);
    if (fclose(f) != 0)
        ok = false;
    return ok;
}

bool report_events_csv(const rl_run *run, const char *path)
{
    FILE *f = csvw_open(path, run->opt.excel_csv);
    if (!f)
        return false;
    ledger l;
    ledger_init(&l, run, false, f, NULL, 1 << 20);
    PUT_LIT(&l.out, EVENTS_CSV_COLUMNS "\n");
    for (size_t i = 0; i < run->events.n; i++) {
        put_row(&l, &run->events.e[i]);
        outbuf_putc(&l.out, '\n');
    }
    ledger_done(&l);
    return finish(f);
}

void report_event_json(FILE *f, const rl_run *run, const rl_event *e)
{
    char buf[1024];
    ledger l;
    ledger_init(&l, run, true, f, buf, sizeof buf);
    put_row(&l, e);
    ledger_done(&l);
}

bool report_events_jsonl(const rl_run *run, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    ledger l;
    ledger_init(&l, run, true, f, NULL, 1 << 20);
    for (size_t i = 0; i < run->events.n; i++) {
        put_row(&l, &run->events.e[i]);
        outbuf_putc(&l.out, '\n');
    }
    ledger_done(&l);
    return finish(f);
}
