/*
 * tables.c - vehicles.csv (one row per vehicle) and vehicle_days.csv (one
 * row per vehicle and local day), in plate, colour order.
 */
#include <string.h>

#include "csvout.h"
#include "reports.h"
#include "timeutil.h"
#include "tracksample.h"

static bool finish(FILE *f)
{
    bool ok = !ferror(f);
    if (fclose(f) != 0)
        ok = false;
    return ok;
}

static void time_or_empty(csvw *w, int64_t t, int32_t tz, bool have)
{
    if (!have) {
        csvw_empty(w);
        return;
    }
    char b[32];
    tu_format(t, tz, b);
    csvw_str(w, b);
}

/* kg, or empty when -1 (no weighing, no mass event) */
static void kg_or_empty(csvw *w, int64_t kg)
{
    if (kg < 0)
        csvw_empty(w);
    else
        csvw_int(w, kg);
}

static void speed_or_empty(csvw *w, int32_t mkmh)
{
    if (mkmh < 0)
        csvw_empty(w);
    else
        csvw_fixed(w, mkmh, 3);
}

bool report_vehicles_csv(const rl_run *run, const char *path)
{
    FILE *f = csvw_open(path, run->opt.excel_csv);
    if (!f)
        return false;
    csvw w;
    csvw_init(&w, f);
    fputs("plate,plate_color,class,company,registered,phone,points,valid,drift,duplicates,distance_km,driving_s,"
          "max_speed,first_time,last_time,events,penalty_points",
          f);
    for (int t = 0; t < EV_TYPE_COUNT; t++)
        fprintf(f, ",%s", event_type_name((event_type)t));
    /* weighbridge (RULES.md §5): worst_excess_kg is the largest kg over
     * its limit among the vehicle's over_limit, overload and
     * axle_overload events; empty when none */
    fputs(",weighings,heaviest_gross_kg,worst_excess_kg", f);
    /* the terminal cross-check (RULES.md §8, src/xcheck.h): roadlog's
     * speeding and fatigue episodes against the terminal's own alarms,
     * both ways; terminal_alarm_word says whether its positions carried
     * an alarm word at all (a GPS export without the 报警 column has none) */
    fputs(",terminal_alarm_word,speeding_episodes,speeding_with_terminal_alarm,terminal_overspeed_alarms,"
          "terminal_overspeed_with_speeding,fatigue_episodes,fatigue_with_terminal_alarm,terminal_fatigue_alarms,"
          "terminal_fatigue_with_fatigue\n",
          f);
    for (size_t k = 0; k < run->norder; k++) {
        uint32_t vi = run->order[k];
        const rl_vehicle *v = vtable_at(run->vt, vi);
        const rl_vstats *s = &run->vstats[vi];
        csvw_text(&w, run_vehicle_label(run, v));
        csvw_int(&w, v->color);
        csvw_str(&w, class_name(v->cls));
        csvw_text(&w, run_vehicle_company(run, v));
        csvw_str(&w, v->reg ? "yes" : "no");
        uint32_t phone = v->phone ? v->phone : v->reg ? v->reg->phone : 0;
        csvw_text(&w, strtab_get(run->str, phone));
        csvw_int(&w, (int64_t)s->points);
        csvw_int(&w, (int64_t)s->valid);
        csvw_int(&w, (int64_t)s->drift);
        csvw_int(&w, (int64_t)s->duplicates);
        csvw_fixed(&w, vdays_m(s->distance_mm), 3);
        csvw_int(&w, s->driving_s);
        speed_or_empty(&w, s->max_speed_mkmh);
        time_or_empty(&w, s->first, run->opt.tz, s->points > 0);
        time_or_empty(&w, s->last, run->opt.tz, s->points > 0);
        csvw_int(&w, s->nevents);
        csvw_int(&w, s->penalty_points);
        for (int t = 0; t < EV_TYPE_COUNT; t++)
            csvw_int(&w, s->events[t]);
        csvw_int(&w, s->weighings);
        kg_or_empty(&w, s->weighings ? s->heaviest_gross_kg : -1);
        kg_or_empty(&w, s->worst_excess_kg);
        csvw_str(&w, v->alarm_word ? "yes" : "no");
        csvw_int(&w, s->xc.speeding);
        csvw_int(&w, s->xc.speeding_alarmed);
        csvw_int(&w, s->xc.overspeed_alarms);
        csvw_int(&w, s->xc.overspeed_confirmed);
        csvw_int(&w, s->xc.fatigue);
        csvw_int(&w, s->xc.fatigue_alarmed);
        csvw_int(&w, s->xc.fatigue_alarms);
        csvw_int(&w, s->xc.fatigue_confirmed);
        csvw_end(&w);
    }
    return finish(f);
}

bool report_vehicle_days_csv(const rl_run *run, const char *path)
{
    FILE *f = csvw_open(path, run->opt.excel_csv);
    if (!f)
        return false;
    csvw w;
    csvw_init(&w, f);
    csvw_header(&w, "plate,plate_color,day,points,valid,drift,gaps,distance_km,driving_s,max_speed,first_time,"
                    "last_time,rests,longest_stint_s,accepted,gap_km,weighings,heaviest_gross_kg,worst_excess_kg");
    /* vdays are grouped by vehicle in analysis order, which is the output
     * order, and sorted by day within a vehicle */
    for (size_t i = 0; i < run->vdays.n; i++) {
        const rl_vday *d = &run->vdays.d[i];
        const rl_vehicle *v = vtable_at(run->vt, d->vehicle);
        char day[11];
        tu_format_day(d->day, day);
        csvw_text(&w, run_vehicle_label(run, v));
        csvw_int(&w, v->color);
        csvw_str(&w, day);
        csvw_int(&w, (int64_t)d->points);
        csvw_int(&w, (int64_t)d->valid);
        csvw_int(&w, (int64_t)d->drift);
        csvw_int(&w, (int64_t)d->gaps);
        csvw_fixed(&w, vdays_m(d->distance_mm), 3);
        csvw_int(&w, d->driving_s);
        speed_or_empty(&w, d->max_speed_mkmh);
        time_or_empty(&w, d->first, run->opt.tz, d->points > 0);
        time_or_empty(&w, d->last, run->opt.tz, d->points > 0);
        csvw_int(&w, d->rests);
        csvw_int(&w, d->longest_stint_s);
        /* accepted fixes and the km of gap intervals: `roadlog summary`
         * needs them for 上线率 and 轨迹完整率 (RULES.md §7) */
        csvw_int(&w, (int64_t)d->accepted);
        csvw_fixed(&w, vdays_m(d->gap_mm), 3);
        /* the day's weighings; worst_excess_kg as in vehicles.csv */
        csvw_int(&w, d->weighings);
        kg_or_empty(&w, d->weighings ? d->heaviest_gross_kg : -1);
        kg_or_empty(&w, d->worst_excess_kg);
        csvw_end(&w);
    }
    return finish(f);
}

bool report_driver_segments(const rl_run *run, const char *path)
{
    /* RUNS.md §3: fatigue follows drivers across vehicles, so `merge`
     * walks each driver's timeline again from every part's segments.
     * Times in UTC seconds: a file for roadlog, exact. */
    FILE *f = csvw_open(path, false);
    if (!f)
        return false;
    csvw w;
    csvw_init(&w, f);
    csvw_header(&w, "driver,plate,plate_color,start,end,npoints,start_lon,start_lat,end_lon,end_lat,source");
    for (size_t i = 0; i < run->segs.n; i++) {
        const fatigue_seg *g = &run->segs.s[i];
        const rl_vehicle *v = vtable_at(run->vt, g->vehicle);
        if (!v || !v->selected)
            continue;
        char src[512];
        run_format_origin(run, g->origin, src, sizeof src);
        csvw_text(&w, (g->key & FATIGUE_NO_DRIVER) ? "" : strtab_get(run->str, (uint32_t)g->key));
        csvw_text(&w, run_vehicle_label(run, v));
        csvw_int(&w, v->color);
        csvw_int(&w, g->start);
        csvw_int(&w, g->end);
        csvw_int(&w, g->npoints);
        csvw_fixed(&w, g->lon0, 6);
        csvw_fixed(&w, g->lat0, 6);
        csvw_fixed(&w, g->lon1, 6);
        csvw_fixed(&w, g->lat1, 6);
        csvw_text(&w, src);
        csvw_end(&w);
    }
    return finish(f);
}
