/*
 * detect_nightban.c - coaches and charters driving in the 02:00-05:00 ban
 * (RULES.md §4; 道路旅客运输企业安全管理规范 2018 art. 38 (5)).
 *
 * Driving seconds inside the window of one night are summed from the
 * driving intervals, split exactly at the window edges.  More than
 * night_ban.min_driving_s of them is an event: start/end are the first and
 * last driving moments inside the window.  Vehicles the registry flags
 * night_exempt (short feeder routes, airport and rail shuttles) are
 * skipped by the caller.
 */
#include "detect.h"

#include <string.h>

#include "timeutil.h"

int64_t window_overlap(int64_t s, int64_t e, int32_t tz, rl_window w, int64_t *first)
{
    if (e <= s)
        return 0;
    int64_t total = 0;
    bool wraps = w.start_s > w.end_s;
    /* a window that starts the day before may still be open at s */
    for (int64_t d = tu_local_day(s, tz) - 1, last = tu_local_day(e, tz); d <= last; d++) {
        int64_t ws = d * RL_DAY_S + w.start_s - tz;
        int64_t we = (wraps ? (d + 1) * RL_DAY_S : d * RL_DAY_S) + w.end_s - tz;
        int64_t a = s > ws ? s : ws, b = e < we ? e : we;
        if (b > a) {
            if (total == 0 && first)
                *first = a;
            total += b - a;
        }
    }
    return total;
}

void nightban_begin(nightban_state *s, const vctx *cx)
{
    memset(s, 0, sizeof *s);
    s->cx = cx;
}

static void emit(nightban_state *s, bool ending)
{
    const vctx *cx = s->cx;
    s->active = false;
    if (s->driving_s <= (int64_t)cx->r->v[R_NIGHT_BAN_MIN_DRIVING_S])
        return;
    rl_event e;
    memset(&e, 0, sizeof e);
    e.vehicle = cx->vidx;
    e.type = EV_NIGHT_BAN;
    e.start = s->first;
    e.end = s->last;
    e.have_pos = true;
    e.start_lat_e6 = s->lat0;
    e.start_lon_e6 = s->lon0;
    e.end_lat_e6 = s->lat1;
    e.end_lon_e6 = s->lon1;
    e.value = s->driving_s;
    e.limit = (int64_t)cx->r->v[R_NIGHT_BAN_MIN_DRIVING_S];
    e.scale = 0;
    /* No traffic-law points: the ban binds the operator (企业安全管理规范),
     * and on lines of 800 km and more it is a major hazard (重大事故隐患). */
    strcpy(e.severity, "warning");
    e.rule = rule_name(R_NIGHT_BAN_MIN_DRIVING_S);
    e.origin = s->origin;
    e.evidence_points = s->n;
    /* the vehicle's data ends inside the night's window: not over yet */
    rl_window w = cx->r->night_ban;
    int64_t window_end = (w.start_s > w.end_s ? (s->night + 1) * RL_DAY_S : s->night * RL_DAY_S) + w.end_s - cx->tz;
    e.status = ending && cx->data_end < window_end ? EV_STATUS_OPEN : EV_STATUS_CLOSED;
    events_add(cx->events, &e);
}

void nightban_interval(nightban_state *s, const rl_interval *iv)
{
    const vctx *cx = s->cx;
    if (!iv->driving || !class_is_passenger(cx->cls) || cx->night_exempt)
        return;
    rl_window w = cx->r->night_ban;
    bool wraps = w.start_s > w.end_s;
    /* one window at a time, night by night, over the interval */
    int64_t a = iv->a.time, b = iv->b.time;
    for (int64_t d = tu_local_day(a, cx->tz) - 1, last = tu_local_day(b, cx->tz); d <= last; d++) {
        int64_t ws = d * RL_DAY_S + w.start_s - cx->tz;
        int64_t we = (wraps ? (d + 1) * RL_DAY_S : d * RL_DAY_S) + w.end_s - cx->tz;
        int64_t x = a > ws ? a : ws, y = b < we ? b : we;
        if (y <= x)
            continue;
        if (s->active && s->night != d)
            emit(s, false);
        if (!s->active) {
            s->active = true;
            s->night = d;
            s->driving_s = 0;
            s->first = x;
            s->lat0 = iv->a.lat_e6;
            s->lon0 = iv->a.lon_e6;
            s->origin = iv->a.origin;
            s->n = 1;
        }
        s->driving_s += y - x;
        s->last = y;
        s->lat1 = iv->b.lat_e6;
        s->lon1 = iv->b.lon_e6;
        s->n++;
    }
}

void nightban_end(nightban_state *s)
{
    if (s->active)
        emit(s, true);
}
