/*
 * ledger.c - events.csv and events.jsonl: the violation ledger, one event
 * per row, sorted by plate, colour and start time, with a stable event_id.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "numparse.h"
#include "reports.h"
#include "timeutil.h"

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
    csvw w;
    csvw_init(&w, f);
    /* FORMATS.md allows columns after the listed ones: the GPS fix nearest
     * to a weighing and its distance from the station (RULES.md §5) */
    csvw_header(&w, EVENTS_CSV_COLUMNS);
    int32_t tz = run->opt.tz;
    for (size_t i = 0; i < run->events.n; i++) {
        const rl_event *e = &run->events.e[i];
        const rl_vehicle *v = vtable_at(run->vt, e->vehicle);
        char t[32], src[512];
        csvw_str(&w, e->id);
        csvw_text(&w, run_vehicle_label(run, v));
        csvw_int(&w, v->color);
        csvw_str(&w, class_name(v->cls));
        csvw_text(&w, run_vehicle_company(run, v));
        csvw_text(&w, strtab_get(run->str, e->driver));
        csvw_str(&w, event_type_name(e->type));
        tu_format(e->start, tz, t);
        csvw_str(&w, t);
        tu_format(e->end, tz, t);
        csvw_str(&w, t);
        csvw_int(&w, e->end - e->start);
        if (e->have_pos) {
            csvw_fixed(&w, e->start_lon_e6, 6);
            csvw_fixed(&w, e->start_lat_e6, 6);
            csvw_fixed(&w, e->end_lon_e6, 6);
            csvw_fixed(&w, e->end_lat_e6, 6);
        } else {
            for (int k = 0; k < 4; k++)
                csvw_empty(&w);
        }
        csvw_fixed(&w, e->value, e->scale);
        csvw_fixed(&w, e->limit, e->scale);
        csvw_double(&w, event_excess_pct(e), 2);
        csvw_str(&w, e->severity);
        csvw_str(&w, e->rule);
        run_format_origin(run, e->origin, src, sizeof src);
        csvw_text(&w, src);
        csvw_int(&w, e->evidence_points);
        if (e->have_gps) {
            tu_format(e->gps_time, tz, t);
            csvw_str(&w, t);
        } else {
            csvw_empty(&w);
        }
        if (e->have_gps_distance)
            csvw_fixed(&w, e->gps_distance_m, 3);
        else
            csvw_empty(&w);
        csvw_end(&w);
    }
    return finish(f);
}

void report_event_json(FILE *f, const rl_run *run, const rl_event *e)
{
    /* written piece by piece without printf: the ledger can hold hundreds
     * of thousands of events */
    const rl_vehicle *v = vtable_at(run->vt, e->vehicle);
    int32_t tz = run->opt.tz;
    char t[32], src[512], pct[32];
    fputs_unlocked("{\"event_id\":\"", f);
    fputs_unlocked(e->id, f);
    fputs_unlocked("\",\"plate\":", f);
    json_str(f, run_vehicle_label(run, v));
    fputs_unlocked(",\"plate_color\":", f);
    json_int(f, v->color);
    fputs_unlocked(",\"class\":\"", f);
    fputs_unlocked(class_name(v->cls), f);
    fputs_unlocked("\",\"company\":", f);
    json_str(f, run_vehicle_company(run, v));
    fputs_unlocked(",\"driver\":", f);
    json_str(f, strtab_get(run->str, e->driver));
    fputs_unlocked(",\"type\":\"", f);
    fputs_unlocked(event_type_name(e->type), f);
    tu_format_iso(e->start, tz, t);
    fputs_unlocked("\",\"start_time\":\"", f);
    fputs_unlocked(t, f);
    tu_format_iso(e->end, tz, t);
    fputs_unlocked("\",\"end_time\":\"", f);
    fputs_unlocked(t, f);
    fputs_unlocked("\",\"duration_s\":", f);
    json_int(f, e->end - e->start);
    static const char *const keys[4] = {",\"start_lon\":", ",\"start_lat\":", ",\"end_lon\":", ",\"end_lat\":"};
    int32_t vals[4] = {e->start_lon_e6, e->start_lat_e6, e->end_lon_e6, e->end_lat_e6};
    for (int k = 0; k < 4; k++) {
        fputs_unlocked(keys[k], f);
        if (e->have_pos)
            json_fixed(f, vals[k], 6);
        else
            fputs_unlocked("null", f);
    }
    fputs_unlocked(",\"value\":", f);
    json_fixed(f, e->value, e->scale);
    fputs_unlocked(",\"limit\":", f);
    json_fixed(f, e->limit, e->scale);
    fmt_double(pct, sizeof pct, event_excess_pct(e), 2);
    fputs_unlocked(",\"excess_pct\":", f);
    fputs_unlocked(pct, f);
    fputs_unlocked(",\"severity\":", f);
    json_str(f, e->severity);
    fputs_unlocked(",\"rule\":", f);
    json_str(f, e->rule);
    fputs_unlocked(",\"source\":", f);
    run_format_origin(run, e->origin, src, sizeof src);
    json_str(f, src);
    fputs_unlocked(",\"evidence_points\":", f);
    json_int(f, e->evidence_points);
    fputs_unlocked(",\"gps_time\":", f);
    if (e->have_gps) {
        tu_format_iso(e->gps_time, tz, t);
        fputc_unlocked('"', f);
        fputs_unlocked(t, f);
        fputc_unlocked('"', f);
    } else {
        fputs_unlocked("null", f);
    }
    fputs_unlocked(",\"gps_distance_km\":", f);
    if (e->have_gps_distance)
        json_fixed(f, e->gps_distance_m, 3);
    else
        fputs_unlocked("null", f);
    fputc_unlocked('}', f);
}

bool report_events_jsonl(const rl_run *run, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    setvbuf(f, NULL, _IOFBF, 1 << 18);
    for (size_t i = 0; i < run->events.n; i++) {
        report_event_json(f, run, &run->events.e[i]);
        fputc('\n', f);
    }
    return finish(f);
}
