/*
 * track.c - duplicates, invalid fixes, drift and intervals (see track.h).
 */
#include "track.h"

#include <math.h>
#include <pthread.h>

#define EARTH_R_KM 6371.0088 /* mean Earth radius, RULES.md §1 */

#define RAD_E6 (M_PI / 180.0 / 1e6)

double lat_cos(int32_t lat_e6) { return cos(lat_e6 * RAD_E6); }

/* sin of half a difference of d millionths of a degree. */
static double half_sin(double d)
{
    double x = d * RAD_E6;
    return sin(x / 2);
}

/* half_sin of the differences between one fix and the next (up to 3.6 km
 * of latitude), read from a table of libm's own results: a distance is
 * bit for bit the same, and two sin() a fix are gone (with them about
 * 6 % of the CPU of the 8 M-row bench; 512 KB, filled once in 1.5 ms). */
#define HALF_SIN_TAB 32768
static double half_sin_tab[2 * HALF_SIN_TAB + 1];
static pthread_once_t half_sin_once = PTHREAD_ONCE_INIT;

static void half_sin_fill(void)
{
    for (int d = -HALF_SIN_TAB; d <= HALF_SIN_TAB; d++)
        half_sin_tab[d + HALF_SIN_TAB] = half_sin(d);
}

static inline double half_sin_of(int64_t d)
{
    return d >= -HALF_SIN_TAB && d <= HALF_SIN_TAB ? half_sin_tab[d + HALF_SIN_TAB] : half_sin((double)d);
}

double haversine_km_cos(int32_t lat1, int32_t lon1, double cos1, int32_t lat2, int32_t lon2, double cos2)
{
    pthread_once(&half_sin_once, half_sin_fill);
    double s1 = half_sin_of((int64_t)lat2 - lat1), s2 = half_sin_of((int64_t)lon2 - lon1);
    double h = s1 * s1 + cos1 * cos2 * s2 * s2;
    if (h > 1)
        h = 1;
    if (h == 0)
        return 0; /* the same point: what asin(0) gives, without the call */
    return 2 * EARTH_R_KM * asin(sqrt(h));
}

double haversine_km(int32_t lat1, int32_t lon1, int32_t lat2, int32_t lon2)
{
    return haversine_km_cos(lat1, lon1, lat_cos(lat1), lat2, lon2, lat_cos(lat2));
}

bool track_is_invalid(const rl_rules *r, int32_t lat_e6, int32_t lon_e6, int32_t speed_mkmh, bool have_status,
                      uint32_t status)
{
    double lon = lon_e6 / 1e6, lat = lat_e6 / 1e6, kmh = speed_mkmh / 1e3;
    if (lon < r->v[R_TRACK_LON_MIN] || lon > r->v[R_TRACK_LON_MAX] || lat < r->v[R_TRACK_LAT_MIN] ||
        lat > r->v[R_TRACK_LAT_MAX] || kmh < 0 || kmh > r->v[R_TRACK_SPEED_MAX_KMH])
        return true;
    return have_status && !(status & RL_STATUS_FIXED);
}

typedef struct {
    const rl_rules *r;
    const track_hooks *h;
    track_counts *c;
    track_mem m;
    int64_t moving_mkmh;
    double drift_kmh, drift_min_km, moving_kmh;
    int64_t gap_s;
    unsigned reanchor_n;
} track_state;

static void accept(track_state *s, const rl_fix *f, double dist, double fcos)
{
    s->m.ref_cos = fcos;
    s->c->accepted++;
    if (s->h->point)
        s->h->point(s->h->ud, f, PT_ACCEPTED);
    if (!s->m.have_ref) {
        s->m.have_ref = true;
        s->m.ref = *f;
        if (s->h->accepted)
            s->h->accepted(s->h->ud, f, NULL);
        return;
    }
    rl_interval iv;
    iv.a = s->m.ref;
    iv.b = *f;
    iv.dt = f->time - s->m.ref.time;
    iv.dist_km = dist;
    iv.gap = iv.dt > s->gap_s;
    if (iv.gap)
        iv.driving = dist * 3600.0 >= s->moving_kmh * (double)iv.dt;
    else
        iv.driving = s->m.ref.speed_mkmh >= s->moving_mkmh || f->speed_mkmh >= s->moving_mkmh;
    s->m.ref = *f;
    if (s->h->accepted)
        s->h->accepted(s->h->ud, f, &iv);
}

static void process(track_state *s, rl_fix *f)
{
    s->c->points++;
    /* RULES.md §3: a row with an empty driver belongs to the vehicle's last
     * known driver. */
    uint32_t d = fix_driver(f);
    if (d)
        s->m.last_driver = d;
    else
        f->driver_flags |= s->m.last_driver;
    if (f->driver_flags & FIX_INVALID) {
        s->c->invalid++;
        if (s->h->point)
            s->h->point(s->h->ud, f, PT_INVALID);
        return;
    }
    /* a vehicle standing still repeats its latitude: the cos is known */
    double dist = 0, fcos = s->m.have_ref && f->lat_e6 == s->m.ref.lat_e6 ? s->m.ref_cos : lat_cos(f->lat_e6);
    if (s->m.have_ref) {
        dist = haversine_km_cos(s->m.ref.lat_e6, s->m.ref.lon_e6, s->m.ref_cos, f->lat_e6, f->lon_e6, fcos);
        int64_t dt = f->time - s->m.ref.time;
        bool drift = dist > s->drift_min_km && dist * 3600.0 > s->drift_kmh * (double)dt;
        if (drift) {
            if (++s->m.drift_run < s->reanchor_n) {
                s->c->drift++;
                if (s->h->point)
                    s->h->point(s->h->ud, f, PT_DRIFT);
                return;
            }
            /* The N-th drift fix in a row: the old reference was the
             * outlier, or the vehicle really jumped.  Re-anchor here. */
        }
    }
    s->m.drift_run = 0;
    accept(s, f, dist, fcos);
}

void track_run(rl_vehicle *v, const rl_rules *r, const track_hooks *h, track_counts *counts, const track_cut *cut)
{
    track_state s = {0};
    if (cut && cut->mem)
        s.m = *cut->mem;
    bool cp_pending = cut && cut->at_checkpoint;
    s.r = r;
    s.h = h;
    s.c = counts;
    s.moving_kmh = r->v[R_TRACK_MOVING_KMH];
    s.moving_mkmh = llround(s.moving_kmh * 1000.0);
    s.drift_kmh = r->v[R_TRACK_DRIFT_KMH];
    s.drift_min_km = r->v[R_TRACK_DRIFT_MIN_KM];
    s.gap_s = (int64_t)r->v[R_TRACK_GAP_S];
    s.reanchor_n = (unsigned)r->v[R_TRACK_REANCHOR_N];

    fixstream fs;
    fixstream_open(&fs, v);
    rl_fix best;
    bool have = false;
    uint64_t dups = 0; /* of best's second: counted when it is processed */
    const rl_fix *f;
    while ((f = fixstream_next(&fs))) {
        if (cut && f->time < cut->late_before) {
            if (cut->late)
                cut->late(h->ud, f);
            continue;
        }
        if (have && f->time == best.time) {
            /* track.duplicate: keep a valid copy if any, else the first in
             * input order (the stream gives ties in input order). */
            dups++;
            if ((best.driver_flags & FIX_INVALID) && !(f->driver_flags & FIX_INVALID)) {
                if (h->duplicate)
                    h->duplicate(h->ud, &best);
                best = *f;
            } else if (h->duplicate) {
                h->duplicate(h->ud, f);
            }
            continue;
        }
        if (have) {
            if (cp_pending && best.time >= cut->checkpoint) {
                cp_pending = false;
                cut->at_checkpoint(h->ud, &s.m, counts);
            }
            counts->duplicates += dups;
            dups = 0;
            process(&s, &best);
        }
        best = *f;
        have = true;
    }
    if (have) {
        if (cp_pending && best.time >= cut->checkpoint) {
            cp_pending = false;
            cut->at_checkpoint(h->ud, &s.m, counts);
        }
        counts->duplicates += dups;
        process(&s, &best);
    }
    if (cp_pending)
        cut->at_checkpoint(h->ud, &s.m, counts);
    fixstream_close(&fs);
    if (cut && cut->mem)
        *cut->mem = s.m;
}
