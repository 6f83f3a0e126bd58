/*
 * test_ledger.c - events.csv and events.jsonl (reports/ledger.c) keep
 * what repeats from row to row: a vehicle's columns, the escaped name of
 * the input file in the source column, a position, a date, a second.  The
 * ledger written that way must be, byte for byte, the ledger written field
 * by field with nothing kept (csvw and json_* over stdio, as the writers
 * were before), whatever the rows: vehicles coming back, files taking
 * turns, names that must be quoted or neutralised or are too long to be
 * written whole, positions and times repeated or not.  run_format_origin,
 * where the source column comes from, writes what snprintf would, cut at
 * the same byte.
 */
#include "harness.h"

#include <stdio.h>
#include <unistd.h>

#include "csvout.h"
#include "reports.h"
#include "util.h"

/* ---- the ledger field by field, nothing kept ---- */

static void plain_csv_row(csvw *w, const rl_run *run, const rl_event *e)
{
    const rl_vehicle *v = vtable_at(run->vt, e->vehicle);
    char t[32], src[512];
    csvw_str(w, e->id);
    csvw_text(w, run_vehicle_label(run, v));
    csvw_int(w, v->color);
    csvw_str(w, class_name(v->cls));
    csvw_text(w, run_vehicle_company(run, v));
    csvw_text(w, strtab_get(run->str, e->driver));
    csvw_str(w, event_type_name(e->type));
    tu_format(e->start, run->opt.tz, t);
    csvw_str(w, t);
    tu_format(e->end, run->opt.tz, t);
    csvw_str(w, t);
    csvw_int(w, e->end - e->start);
    int32_t pos[4] = {e->start_lon_e6, e->start_lat_e6, e->end_lon_e6, e->end_lat_e6};
    for (int k = 0; k < 4; k++)
        if (e->have_pos)
            csvw_fixed(w, pos[k], 6);
        else
            csvw_empty(w);
    csvw_fixed(w, e->value, e->scale);
    csvw_fixed(w, e->limit, e->scale);
    csvw_double(w, event_excess_pct(e), 2);
    csvw_str(w, e->severity);
    csvw_str(w, e->rule);
    run_format_origin(run, e->origin, src, sizeof src);
    csvw_text(w, src);
    csvw_int(w, e->evidence_points);
    if (e->have_gps) {
        tu_format(e->gps_time, run->opt.tz, t);
        csvw_str(w, t);
    } else {
        csvw_empty(w);
    }
    if (e->have_gps_distance)
        csvw_fixed(w, e->gps_distance_m, 3);
    else
        csvw_empty(w);
    if (e->zone_id)
        csvw_text(w, e->zone_id);
    else
        csvw_empty(w);
    if (e->zone_name)
        csvw_text(w, e->zone_name);
    else
        csvw_empty(w);
    if (e->road_type)
        csvw_str(w, road_type_name((road_type)e->road_type));
    else
        csvw_empty(w);
    csvw_str(w, event_status_name((event_status)e->status));
    csvw_end(w);
}

static void json_key_str(FILE *f, const char *key, const char *s)
{
    fprintf(f, ",\"%s\":", key);
    json_str(f, s);
}

static void json_key_fixed(FILE *f, const char *key, bool have, int64_t v, int scale)
{
    fprintf(f, ",\"%s\":", key);
    if (have)
        json_fixed(f, v, scale);
    else
        fputs("null", f);
}

static void plain_json_row(FILE *f, const rl_run *run, const rl_event *e)
{
    const rl_vehicle *v = vtable_at(run->vt, e->vehicle);
    char start[26], end[26], gps[26], pct[64], src[512];
    tu_format_iso(e->start, run->opt.tz, start);
    tu_format_iso(e->end, run->opt.tz, end);
    tu_format_iso(e->gps_time, run->opt.tz, gps);
    fprintf(f, "{\"event_id\":\"%s\"", e->id);
    json_key_str(f, "plate", run_vehicle_label(run, v));
    fprintf(f, ",\"plate_color\":%d,\"class\":\"%s\"", v->color, class_name(v->cls));
    json_key_str(f, "company", run_vehicle_company(run, v));
    json_key_str(f, "driver", strtab_get(run->str, e->driver));
    fprintf(f, ",\"type\":\"%s\",\"start_time\":\"%s\",\"end_time\":\"%s\",\"duration_s\":%lld",
            event_type_name(e->type), start, end, (long long)(e->end - e->start));
    json_key_fixed(f, "start_lon", e->have_pos, e->start_lon_e6, 6);
    json_key_fixed(f, "start_lat", e->have_pos, e->start_lat_e6, 6);
    json_key_fixed(f, "end_lon", e->have_pos, e->end_lon_e6, 6);
    json_key_fixed(f, "end_lat", e->have_pos, e->end_lat_e6, 6);
    json_key_fixed(f, "value", true, e->value, e->scale);
    json_key_fixed(f, "limit", true, e->limit, e->scale);
    fmt_double(pct, sizeof pct, event_excess_pct(e), 2);
    fprintf(f, ",\"excess_pct\":%s", pct);
    json_key_str(f, "severity", e->severity);
    json_key_str(f, "rule", e->rule);
    run_format_origin(run, e->origin, src, sizeof src);
    json_key_str(f, "source", src);
    fprintf(f, ",\"evidence_points\":%u", e->evidence_points);
    if (e->have_gps)
        fprintf(f, ",\"gps_time\":\"%s\"", gps);
    else
        fputs(",\"gps_time\":null", f);
    json_key_fixed(f, "gps_distance_km", e->have_gps_distance, e->gps_distance_m, 3);
    if (e->zone_id)
        json_key_str(f, "zone_id", e->zone_id);
    else
        fputs(",\"zone_id\":null", f);
    if (e->zone_name)
        json_key_str(f, "zone_name", e->zone_name);
    else
        fputs(",\"zone_name\":null", f);
    if (e->road_type)
        fprintf(f, ",\"road_type\":\"%s\"", road_type_name((road_type)e->road_type));
    else
        fputs(",\"road_type\":null", f);
    fprintf(f, ",\"status\":\"%s\"", event_status_name((event_status)e->status));
    fputc('}', f);
}

/* ---- a run whose rows vary in every way the writers keep things ---- */

/* The file holds exactly want[len]. */
static void file_is(const char *path, const char *want, size_t len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *got = malloc(len + 1);
    size_t n = fread(got, 1, len + 1, f);
    fclose(f);
    assert_int_equal(n, len);
    assert_memory_equal(got, want, len);
    free(got);
}

static void add_input(rl_run *run, const char *name, rl_loc_kind loc)
{
    run->inputs = xrealloc(run->inputs, (run->ninputs + 1) * sizeof *run->inputs);
    rl_input *in = &run->inputs[run->ninputs++];
    memset(in, 0, sizeof *in);
    in->name = xstrdup(name);
    in->loc = loc;
}

/* A number below n, from random() seeded in varied_run. */
static uint64_t rnd(uint64_t n)
{
    uint64_t r = (uint64_t)random() << 33 ^ (uint64_t)random() << 2 ^ (uint64_t)random();
    return r % n;
}

static void varied_run(harness *h)
{
    srandom(20261102);
    h_init(h);
    static const char *const plates[3] = {"粤B10001", "粤B10002", "京A11061"};
    h_register(h, plates[0], 2, CLASS_HAZMAT);
    h_register(h, plates[1], 2, CLASS_TRUCK);
    h_register(h, plates[2], 1, CLASS_CHARTER);
    for (int i = 0; i < 3; i++) {
        h_drive(h, plates[i], T("2026-11-02 08:50:00"), T("2026-11-02 09:10:00"), 30, 100, "D1");
        h->lat += 0.2;
    }
    h_finish(h);
    rl_run *run = &h->run;
    assert_int_equal(run->norder, 3);
    /* companies that must be quoted, neutralised, or both */
    static const char *const companies[3] = {"\"安达\"客运,有限公司", "@SUM(1)", " 运输 "};
    for (size_t i = 0; i < run->reg.n; i++)
        run->reg.e[i].company = strtab_intern(run->str, companies[i], strlen(companies[i]));
    char longname[700];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    add_input(run, "weigh.csv", RL_LOC_LINE);
    add_input(run, "=evil,\"x\".csv", RL_LOC_LINE);
    add_input(run, "-", RL_LOC_OFFSET);
    add_input(run, " lead.pcap", RL_LOC_PACKET);
    add_input(run, longname, RL_LOC_LINE);
    longname[496] = 0; /* "name:" fits, "name:line" may be cut */
    add_input(run, longname, RL_LOC_LINE);
    static const char *const drivers[] = {"", "张三", "=drv", "a,b"};
    static const char *const severities[] = {"6 pts; 200-500 yuan", "1500 yuan", "x, \"y\"", ""};
    static const char *const rules[] = {"capacity.seats", "overload.max_gross_kg", "odd rule,"};
    int64_t t = T("2026-11-02 23:50:00");
    int32_t lon = 111122947, lat = 21068656;
    for (int i = 0; i < 600; i++) {
        rl_event e;
        memset(&e, 0, sizeof e);
        /* runs of one vehicle, and vehicles coming back */
        e.vehicle = run->order[(i / 3 + (int)rnd(2)) % 3];
        const char *driver = drivers[rnd(4)];
        e.driver = strtab_intern(run->str, driver, strlen(driver));
        e.type = (event_type)rnd(EV_TYPE_COUNT);
        t += (int64_t)rnd(4) * 400; /* the same second again, and across midnight */
        e.start = t;
        e.end = rnd(2) ? t : t + (int64_t)rnd(5000);
        e.have_pos = rnd(5) != 0;
        if (rnd(2)) {
            lon += (int32_t)rnd(2000) - 1000;
            lat += (int32_t)rnd(2000) - 1000;
        }
        e.start_lon_e6 = lon;
        e.start_lat_e6 = lat;
        e.end_lon_e6 = rnd(2) ? lon : lon + 1500;
        e.end_lat_e6 = rnd(2) ? lat : -lat;
        e.scale = rnd(2) ? 0 : 3;
        e.limit = 1 + (int64_t)rnd(100000);
        e.value = e.limit + (int64_t)rnd(50000) - 100;
        snprintf(e.severity, sizeof e.severity, "%s", severities[rnd(4)]);
        e.rule = rules[rnd(3)];
        /* every file, and an index past them ("?:") */
        unsigned fi = (unsigned)rnd(run->ninputs + 1);
        uint64_t pos = rnd(3) ? rnd(100000) : rnd(1ull << 48);
        e.origin = RL_ORIGIN(fi, pos);
        e.evidence_points = (uint32_t)rnd(100);
        e.have_gps = rnd(2);
        e.gps_time = t - (int64_t)rnd(600);
        e.have_gps_distance = rnd(2);
        static const char *const zone_ids[] = {"centre", "=z,1", "区\"A\""};
        if (rnd(3)) {
            e.zone_id = zone_ids[rnd(3)];
            e.zone_name = rnd(2) ? "市中心 限行区" : "a,\"b\"";
        }
        e.road_type = (uint8_t)rnd(4);
        e.status = (uint8_t)rnd(3);
        e.gps_distance_m = (int64_t)rnd(90000);
        snprintf(e.id, sizeof e.id, "%016llx", (unsigned long long)rnd(UINT64_MAX));
        events_add(&run->events, &e);
    }
}

static void test_ledger_as_field_by_field(void **st)
{
    (void)st;
    harness h;
    varied_run(&h);
    rl_run *run = &h.run;
    char path[64];
    snprintf(path, sizeof path, "/tmp/rl-test-ledger-%d", (int)getpid());
    for (int excel = 0; excel < 2; excel++) {
        run->opt.excel_csv = excel;
        char *want = NULL;
        size_t want_len = 0;
        FILE *f = open_memstream(&want, &want_len);
        if (excel)
            fputs("\xEF\xBB\xBF", f);
        csvw w;
        csvw_init(&w, f);
        csvw_header(&w, EVENTS_CSV_COLUMNS);
        for (size_t i = 0; i < run->events.n; i++)
            plain_csv_row(&w, run, &run->events.e[i]);
        fclose(f);
        assert_true(report_events_csv(run, path));
        file_is(path, want, want_len);
        free(want);
    }
    char *want = NULL, *one = NULL;
    size_t want_len = 0, one_len = 0;
    FILE *f = open_memstream(&want, &want_len);
    FILE *g = open_memstream(&one, &one_len);
    for (size_t i = 0; i < run->events.n; i++) {
        plain_json_row(f, run, &run->events.e[i]);
        fputc('\n', f);
        /* one event alone, as events.geojson asks for it */
        report_event_json(g, run, &run->events.e[i]);
        fputc('\n', g);
    }
    fclose(f);
    fclose(g);
    assert_true(report_events_jsonl(run, path));
    file_is(path, want, want_len);
    assert_int_equal(one_len, want_len);
    assert_memory_equal(one, want, one_len);
    free(want);
    free(one);
    unlink(path);
    h_free(&h);
}

/* ---- run_format_origin ---- */

static void test_format_origin_as_snprintf(void **st)
{
    (void)st;
    rl_run run;
    run_init(&run);
    char longname[600];
    memset(longname, 'q', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    add_input(&run, "gps.csv", RL_LOC_LINE);
    add_input(&run, "-", RL_LOC_OFFSET);
    add_input(&run, "cap.pcap", RL_LOC_PACKET);
    add_input(&run, longname, RL_LOC_LINE);
    add_input(&run, "", RL_LOC_LINE);
    static const uint64_t positions[] = {0, 7, 12080, 281474976710655ull};
    static const size_t sizes[] = {1, 2, 5, 9, 12, 64, 512};
    for (unsigned fi = 0; fi <= run.ninputs + 1; fi++)
        for (size_t p = 0; p < sizeof positions / sizeof *positions; p++)
            for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
                char got[600], want[600];
                memset(got, '#', sizeof got);
                const char *name = "?";
                char sep = ':';
                if (fi < run.ninputs) {
                    name = strcmp(run.inputs[fi].name, "-") == 0 ? "stdin" : run.inputs[fi].name;
                    sep = fi == 1 ? '@' : fi == 2 ? '#' : ':';
                }
                int n = snprintf(want, sizes[s], "%s%c%llu", name, sep, (unsigned long long)positions[p]);
                assert_true(n > 0);
                run_format_origin(&run, RL_ORIGIN(fi, positions[p]), got, sizes[s]);
                assert_string_equal(got, want);
                /* nothing past the NUL */
                assert_int_equal(got[sizes[s]], '#');
            }
    run_free(&run);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ledger_as_field_by_field),
        cmocka_unit_test(test_format_origin_as_snprintf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
