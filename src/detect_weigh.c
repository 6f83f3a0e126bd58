/*
 * detect_weigh.c - weighbridge and weigh-in-motion checks (RULES.md §5)
 * and GPS at the scale.
 *
 * Weighings wait on their vehicle (weigh_store) until the per-vehicle
 * pass: weigh_vehicle_begin sorts them by time, weigh_fix walks them
 * alongside the vehicle's accepted fixes (both in time order: two
 * pointers, one step per fix or weighing) to find the fix nearest in
 * time to each, and weigh_vehicle_end checks every weighing and emits
 * point events (start = end = the weighing, evidence_points = 1).
 *
 * Checks, each against the tolerance of the weighing's mode
 * (weigh.static_tolerance_pct / weigh.wim_tolerance_pct, JJG 907):
 *   over_limit    超限, freight rule (not coach/charter), >= 2 axles:
 *                 gross against overlimit.axles_N (令62号 art. 3), or the
 *                 registry's max_gross_kg when lower;
 *   overload      超载: payload (gross - curb_kg) against rated_load_kg
 *                 (道交法 art. 92), else gross against max_gross_kg;
 *   axle_overload per-axle weights against axle.steer_kg (first axle) and
 *                 axle.other_kg (GB 1589-2016), one event per weighing;
 *   over_capacity 超员: passengers against the registry's seats;
 *   position_mismatch: the nearest fix within weigh.gps_window_s is more
 *                 than weigh.mismatch_km from the station (a cloned plate
 *                 or a misread one).
 *
 * Every comparison is on integers (kg, metres, parts per million of
 * tolerance), so a tier edge never moves by a rounding accident.
 *
 * Choices where RULES.md is silent (also in the report of issue 5):
 *   - registry masses and seats of 0 count as "not given" (a 0 kg rated
 *     load or 0 seats is an export's filler, not a limit);
 *   - per-axle weights are checked only when their count equals the axle
 *     count: WIM systems that report axle groups (a tandem as one weight)
 *     would otherwise be held to a single-axle limit.  Others are counted
 *     ("weighbridge.axle_weights_ignored");
 *   - axle_overload severity uses the 令62号 art. 43 scale of over_limit on
 *     the kg over the axle limit (an axle-load breach is 超限 too);
 *   - position_mismatch severity is "review": no penalty of its own, a
 *     lead for an officer;
 *   - the same vehicle weighed twice in one second is one weighing (the
 *     first in input order), like track.duplicate for fixes: overlapping
 *     exports must not count it twice ("weighbridge.duplicates");
 *   - the event names the driver of the nearest fix when that fix is
 *     within the window and agrees with the station position.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "registry.h"
#include "timeutil.h"
#include "track.h"
#include "util.h"

/* A weighing as the checks read it, unpacked from its stored record. */
typedef struct wrec {
    int64_t time;
    rl_origin origin;
    int64_t gross_kg;
    int32_t lat_e6, lon_e6;
    int32_t passengers;      /* -1 when not given */
    uint8_t axles;
    uint8_t naxle;
    bool wim, have_pos;
    int32_t axle_kg[RL_MAX_AXLES];
} wrec;

/* A vehicle's weighings live in chunks of packed records: the weigh_node
 * list the vehicle table chains, merges and frees, one node per chunk
 * rather than per weighing.  A malloc and a free per row, and a pointer
 * chase per weighing when the vehicle is analysed, cost more than parsing
 * the row (issue 5 asks for 2 million rows/s); chunks grow from 512 bytes
 * (a vehicle weighed a few times) to 64 KiB.
 *
 * The records are packed too, because writing them is what a weighbridge
 * run spends most on after parsing: every stored byte is fresh memory
 * (a page fault per 4 KiB, a cache-line fill per 64 bytes).  A record is
 * 16 bytes, plus 8 for a station position and 2 per axle weight (28 on
 * average in the bench log, against 56 unpacked):
 *
 *   u64  head     gross kg (32 bits) | passengers + 1 (16; 0 = not given)
 *                 | axles (7) | axle weights given (4) | flags (5)
 *   i32  time     seconds after the chunk's first record (W_WIDE_TIME:
 *                 an i64 UTC time instead, for a time 68 years away)
 *   u32  origin   lines after the chunk's first record, same file
 *                 (W_WIDE_ORIGIN: the whole u64 origin instead, for
 *                 another file or an earlier line)
 *   i32  lat, lon station position, when W_POS
 *   u16  axle kg  one per axle weight (W_WIDE_AXLE: u32 each, for an
 *                 axle over 65 535 kg)
 *
 * Records are unaligned: fields are read and written with memcpy. */
typedef struct wchunk {
    weigh_node link;
    uint32_t used, cap;      /* bytes of data */
    int64_t base_time;       /* of the chunk's first record */
    rl_origin base_origin;
    unsigned char data[];
} wchunk;

#define WCHUNK_MIN 512u
#define WCHUNK_MAX 65536u

enum {
    W_WIM = 1u << 0,
    W_POS = 1u << 1,
    W_WIDE_TIME = 1u << 2,
    W_WIDE_ORIGIN = 1u << 3,
    W_WIDE_AXLE = 1u << 4,
};
#define W_SHIFT_AXLES 5      /* 7 bits */
#define W_SHIFT_NAXLE 12     /* 4 bits */
#define W_SHIFT_PASS 16      /* 16 bits */
#define W_SHIFT_GROSS 32     /* 32 bits */
#define W_RECORD_MAX (8 + 8 + 8 + 8 + 4 * RL_MAX_AXLES)

_Static_assert(RL_MAX_AXLES < 16, "the axle-weight count is stored in 4 bits");


static inline int64_t clamp64(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : v > hi ? hi : v; }

/* Pack `w` at `out` against the chunk base; returns its size (at most
 * W_RECORD_MAX).  Counts and masses beyond what the parsers let through
 * (99 axles, 1000 passengers, 1000 t) are clamped to the field. */
static size_t wrec_pack(unsigned char *out, const rl_weighing *w, int naxle, int64_t base_time,
                        rl_origin base_origin)
{
    uint64_t head = (uint64_t)clamp64(w->axles, 0, 127) << W_SHIFT_AXLES |
                    (uint64_t)naxle << W_SHIFT_NAXLE |
                    (uint64_t)clamp64((int64_t)w->passengers + 1, 0, UINT16_MAX) << W_SHIFT_PASS |
                    (uint64_t)clamp64(w->gross_kg, 0, UINT32_MAX) << W_SHIFT_GROSS;
    if (w->wim)
        head |= W_WIM;
    size_t k = 8;
    /* times are bounded by the parsers (years 1900-9999): no overflow */
    int64_t dt = w->time - base_time;
    if (dt >= INT32_MIN && dt <= INT32_MAX) {
        store_u32(out + k, (uint32_t)(int32_t)dt);
        k += 4;
    } else {
        head |= W_WIDE_TIME;
        store_u64(out + k, (uint64_t)w->time);
        k += 8;
    }
    if (RL_ORIGIN_FILE(w->origin) == RL_ORIGIN_FILE(base_origin) && w->origin >= base_origin &&
        w->origin - base_origin <= UINT32_MAX) {
        store_u32(out + k, (uint32_t)(w->origin - base_origin));
        k += 4;
    } else {
        head |= W_WIDE_ORIGIN;
        store_u64(out + k, w->origin);
        k += 8;
    }
    if (w->have_pos) {
        head |= W_POS;
        store_u32(out + k, (uint32_t)w->lat_e6);
        store_u32(out + k + 4, (uint32_t)w->lon_e6);
        k += 8;
    }
    bool wide = false;
    for (int i = 0; i < naxle; i++)
        wide |= w->axle_kg[i] < 0 || w->axle_kg[i] > UINT16_MAX;
    if (wide) {
        head |= W_WIDE_AXLE;
        for (int i = 0; i < naxle; i++, k += 4)
            store_u32(out + k, (uint32_t)w->axle_kg[i]);
    } else {
        for (int i = 0; i < naxle; i++, k += 2)
            store_u16(out + k, (uint16_t)w->axle_kg[i]);
    }
    store_u64(out, head);
    return k;
}

/* The size of a record from its head. */
static inline size_t wrec_size(uint64_t head)
{
    unsigned naxle = (unsigned)(head >> W_SHIFT_NAXLE) & 15;
    return 8 + (head & W_WIDE_TIME ? 8 : 4) + (head & W_WIDE_ORIGIN ? 8 : 4) + (head & W_POS ? 8 : 0) +
           naxle * (head & W_WIDE_AXLE ? 4 : 2);
}

/* Time and origin of the record at p (what the vehicle pass orders by). */
static inline void wrec_key(const wchunk *c, const unsigned char *p, uint64_t head, int64_t *time,
                            rl_origin *origin)
{
    size_t k = 8;
    if (head & W_WIDE_TIME) {
        *time = (int64_t)load_u64(p + k);
        k += 8;
    } else {
        *time = c->base_time + (int32_t)load_u32(p + k);
        k += 4;
    }
    *origin = head & W_WIDE_ORIGIN ? load_u64(p + k) : c->base_origin + load_u32(p + k);
}

/* The rest of a record (time and origin come from its key). */
static void wrec_unpack(const unsigned char *p, wrec *r)
{
    uint64_t head = load_u64(p);
    size_t k = 8 + (head & W_WIDE_TIME ? 8 : 4) + (head & W_WIDE_ORIGIN ? 8 : 4);
    r->gross_kg = (int64_t)(head >> W_SHIFT_GROSS);
    r->passengers = (int32_t)((head >> W_SHIFT_PASS) & 0xFFFF) - 1;
    r->axles = (uint8_t)((head >> W_SHIFT_AXLES) & 127);
    r->naxle = (uint8_t)((head >> W_SHIFT_NAXLE) & 15);
    r->wim = head & W_WIM;
    r->have_pos = head & W_POS;
    r->lat_e6 = r->lon_e6 = 0;
    if (r->have_pos) {
        r->lat_e6 = (int32_t)load_u32(p + k);
        r->lon_e6 = (int32_t)load_u32(p + k + 4);
        k += 8;
    }
    if (head & W_WIDE_AXLE) {
        for (int i = 0; i < r->naxle; i++, k += 4)
            r->axle_kg[i] = (int32_t)load_u32(p + k);
    } else {
        for (int i = 0; i < r->naxle; i++, k += 2)
            r->axle_kg[i] = load_u16(p + k);
    }
}

/* A weighing's place in the vehicle's time order. */
typedef struct wkey {
    int64_t time;
    rl_origin origin;
    const unsigned char *rec;
} wkey;

/* The accepted fix nearest in time to a weighing. */
typedef struct near_fix {
    int64_t time;
    int32_t lat_e6, lon_e6;
    uint32_t driver;
    bool have;
} near_fix;

/* The rules as integers, and every limit of this vehicle with its
 * tolerance applied ([0] static, [1] WIM), computed once per vehicle:
 * the tolerance's divisions would otherwise cost more than the checks. */
typedef struct wlimits {
    int64_t window_s, mismatch_m;
    /* over_limit, by axle count 2..6 (6 = 6 and more): the axle table or
     * the registry's lower max_gross_kg */
    int64_t overlimit_kg[7];
    const char *overlimit_rule[7];
    int64_t overlimit_max[2][7];
    /* overload: gross - overload_curb against overload_kg (no check when
     * overload_rule is NULL) */
    const char *overload_rule;
    int64_t overload_curb, overload_kg, overload_max[2];
    /* axle_overload */
    int64_t steer_kg, other_kg, steer_max[2], other_max[2];
} wlimits;

typedef struct wstate {
    wlimits lim;
    rl_vday *day;            /* the vehicle-day of the last weighing checked */
    size_t n, next;          /* weighings; the first not yet given its nearest fix */
    wkey *w;                 /* sorted by time, then input order */
    near_fix *near;
    bool have_prev;
    rl_fix prev;             /* the last accepted fix seen */
} wstate;

/* Each vehicle's open chunk, in an array by vehicle index: appending a
 * weighing touches its plate-cache slot, this entry and the chunk's tail,
 * not the vehicle nor the chunk's header (lines that a log interleaving
 * hundreds of vehicles finds cold).  Lists and counts go to the vehicle
 * when a chunk is closed. */
typedef struct wopen {
    wchunk *c;               /* NULL: none open */
    int64_t base_time;
    rl_origin base_origin;
    uint32_t used, cap;
    uint32_t n;              /* weighings in it */
} wopen;

struct weigh_store {
    wopen *o;                /* by vehicle index */
    size_t n;
};

weigh_store *weigh_store_new(void) { return xcalloc(1, sizeof(weigh_store)); }

/* Give the chunk its fill and the vehicle its count. */
static void close_chunk(vtable *vt, uint32_t vidx, wopen *o)
{
    if (!o->c)
        return;
    o->c->used = o->used;
    vtable_at(vt, vidx)->nweigh += o->n;
    o->c = NULL;
}

void weigh_store_add(weigh_store *os, vtable *vt, uint32_t vidx, const rl_weighing *w, rl_counters *counters)
{
    int naxle = w->naxle_kg < 0 ? 0 : w->naxle_kg > RL_MAX_AXLES ? RL_MAX_AXLES : w->naxle_kg;
    if (w->naxle_kg > RL_MAX_AXLES)
        counters_add(counters, "weighbridge.axle_weights_ignored", 1);
    if (vidx >= os->n) {
        size_t n = os->n ? os->n : 256;
        while (n <= vidx)
            n *= 2;
        os->o = xrealloc(os->o, n * sizeof *os->o);
        memset(os->o + os->n, 0, (n - os->n) * sizeof *os->o);
        os->n = n;
    }
    wopen *o = &os->o[vidx];
    if (!o->c || o->used + W_RECORD_MAX > o->cap) {
        uint32_t cap = o->c ? (o->cap >= WCHUNK_MAX / 2 ? WCHUNK_MAX : o->cap * 2) : WCHUNK_MIN;
        close_chunk(vt, vidx, o);
        wchunk *c = xmalloc(sizeof *c + cap);
        c->link.next = NULL;
        c->used = 0;
        c->cap = cap;
        c->base_time = w->time;
        c->base_origin = w->origin;
        vehicle_add_weighing(vtable_at(vt, vidx), &c->link);
        *o = (wopen){c, w->time, w->origin, 0, cap, 0};
    }
    o->used += (uint32_t)wrec_pack(o->c->data + o->used, w, naxle, o->base_time, o->base_origin);
    o->n++;
    /* The vehicle's next record goes on here, after the other vehicles'
     * (a log interleaves them): fetch the cache line after this one now,
     * for writing, so that the store does not wait for it then.  With
     * hundreds of vehicles there are too many streams for the hardware
     * prefetcher to follow. */
    if (o->used + 64 < o->cap)
        __builtin_prefetch(o->c->data + o->used + 64, 1, 3);
}

void weigh_store_close(weigh_store *os, vtable *vt)
{
    if (!os)
        return;
    for (size_t i = 0; i < os->n; i++)
        close_chunk(vt, (uint32_t)i, &os->o[i]);
    free(os->o);
    free(os);
}

static const rule_id overlimit_rules[] = {R_OVERLIMIT_AXLES_2, R_OVERLIMIT_AXLES_3, R_OVERLIMIT_AXLES_4,
                                          R_OVERLIMIT_AXLES_5, R_OVERLIMIT_AXLES_6};

static int wkey_cmp(const void *a, const void *b)
{
    const wkey *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return x->origin < y->origin ? -1 : x->origin > y->origin;
}

/* The largest integer value still within limit x (1 + tol_ppm / 10^6):
 * limit + floor(limit x tol_ppm / 10^6), split so that no product can
 * overflow (tol_ppm ≤ 10^6). */
static int64_t tolerated_max(int64_t limit, int64_t tol_ppm)
{
    int64_t hi = limit / 1000000, lo = limit % 1000000;
    return limit + hi * tol_ppm + lo * tol_ppm / 1000000;
}

static void weigh_limits(wlimits *l, const rl_rules *rules, const reg_entry *reg)
{
    int64_t tol_ppm[2] = {llround(rules->v[R_WEIGH_STATIC_TOLERANCE_PCT] * 10000.0),
                          llround(rules->v[R_WEIGH_WIM_TOLERANCE_PCT] * 10000.0)};
    l->window_s = llround(rules->v[R_WEIGH_GPS_WINDOW_S]);
    l->mismatch_m = llround(rules->v[R_WEIGH_MISMATCH_KM] * 1000.0);
    for (int a = 2; a <= 6; a++) {
        l->overlimit_kg[a] = llround(rules->v[overlimit_rules[a - 2]]);
        l->overlimit_rule[a] = rule_name(overlimit_rules[a - 2]);
        /* 124号 annex: a truck may not exceed its licence total mass either */
        if (reg && reg->max_gross_kg > 0 && reg->max_gross_kg < l->overlimit_kg[a]) {
            l->overlimit_kg[a] = reg->max_gross_kg;
            l->overlimit_rule[a] = RULE_ID_OVERLIMIT_MAX_GROSS;
        }
    }
    l->overload_rule = NULL;
    l->overload_curb = l->overload_kg = 0;
    if (reg && reg->curb_kg > 0 && reg->rated_load_kg > 0) {
        /* 道交法 art. 92 measures the load against 核定载质量 */
        l->overload_curb = reg->curb_kg;
        l->overload_kg = reg->rated_load_kg;
        l->overload_rule = RULE_ID_OVERLOAD_RATED_LOAD;
    } else if (reg && reg->max_gross_kg > 0) {
        /* 记分办法 2022 measures against 最大允许总质量 */
        l->overload_kg = reg->max_gross_kg;
        l->overload_rule = RULE_ID_OVERLOAD_MAX_GROSS;
    }
    l->steer_kg = llround(rules->v[R_AXLE_STEER_KG]);
    l->other_kg = llround(rules->v[R_AXLE_OTHER_KG]);
    for (int m = 0; m < 2; m++) {
        for (int a = 2; a <= 6; a++)
            l->overlimit_max[m][a] = tolerated_max(l->overlimit_kg[a], tol_ppm[m]);
        l->overload_max[m] = tolerated_max(l->overload_kg, tol_ppm[m]);
        l->steer_max[m] = tolerated_max(l->steer_kg, tol_ppm[m]);
        l->other_max[m] = tolerated_max(l->other_kg, tol_ppm[m]);
    }
}

void weigh_vehicle_begin(weigh_vstate *s, const vctx *cx, rl_vehicle *v)
{
    s->cx = cx;
    s->v = v;
    s->priv = NULL;
    rl_vstats *vs = cx->vs;
    vs->weighings = 0;
    vs->heaviest_gross_kg = -1;
    vs->worst_excess_kg = -1;
    size_t n = v->nweigh;
    if (n == 0)
        return;
    /* one block: the state, the sorted pointers, the nearest fixes (a
     * day's log has many vehicles weighed a few times each) */
    wstate *st = xmalloc(sizeof *st + n * (sizeof *st->w + sizeof *st->near));
    memset(st, 0, sizeof *st);
    weigh_limits(&st->lim, cx->r, v->reg);
    st->n = n;
    st->near = (near_fix *)(st + 1);
    st->w = (wkey *)(st->near + n);
    memset(st->near, 0, n * sizeof *st->near);
    bool sorted = true;
    size_t i = 0;
    for (weigh_node *node = v->whead; node; node = node->next) {
        const wchunk *c = (const wchunk *)node;
        for (uint32_t off = 0; off < c->used && i < n; i++) {
            const unsigned char *p = c->data + off;
            uint64_t head = load_u64(p);
            wkey *k = &st->w[i];
            wrec_key(c, p, head, &k->time, &k->origin);
            k->rec = p;
            off += (uint32_t)wrec_size(head);
            if (i > 0 && (k->time < k[-1].time || (k->time == k[-1].time && k->origin < k[-1].origin)))
                sorted = false;
        }
    }
    st->n = n = i;
    /* exports are mostly in time order already */
    if (!sorted)
        qsort(st->w, n, sizeof *st->w, wkey_cmp);
    s->priv = st;
}

static void resolve(wstate *st, const rl_fix *f)
{
    near_fix *nf = &st->near[st->next++];
    nf->have = true;
    nf->time = f->time;
    nf->lat_e6 = f->lat_e6;
    nf->lon_e6 = f->lon_e6;
    nf->driver = fix_driver(f);
}

void weigh_fix(weigh_vstate *s, const rl_fix *f)
{
    wstate *st = s->priv;
    if (!st)
        return;
    /* Every weighing not after this fix lies between the previous fix and
     * this one (it was after the previous fix, or it would have been
     * resolved then): the nearer of the two is its nearest fix; a tie goes
     * to the earlier fix. */
    while (st->next < st->n && st->w[st->next].time <= f->time) {
        int64_t t = st->w[st->next].time;
        resolve(st, st->have_prev && t - st->prev.time <= f->time - t ? &st->prev : f);
    }
    st->prev = *f;
    st->have_prev = true;
}

/* ---- severities (fixed by law, RULES.md §5) ---- */

/* 超限 mass: ≤ 1000 kg over the limit → warning; else 500 yuan for each
 * started 1000 kg over, at most 30000 yuan (令62号 art. 43 (2); 公路安全保护
 * 条例 art. 64). */
static void severity_overlimit(int64_t over_kg, char out[48])
{
    if (over_kg <= 1000) {
        snprintf(out, 48, "warning");
        return;
    }
    int64_t tonnes = over_kg / 1000 + (over_kg % 1000 != 0);
    int64_t fine = tonnes > 60 ? 30000 : tonnes * 500;
    snprintf(out, 48, "%lld yuan", (long long)fine);
}

/* Is over / limit ≥ pct %?  On integers; over ≥ 0, limit > 0. */
static bool at_least_pct(int64_t over, int64_t limit, int pct)
{
    if (limit > INT64_MAX / 100 || over > INT64_MAX / 100)
        return over / pct >= limit / 100; /* masses no vehicle has: never overflow */
    return over * 100 >= limit * pct;
}

/* 超载: < 30 % → 1 pt, 200-500 yuan; 30-<50 % → 3 pts, 500-2000; ≥ 50 % →
 * 6 pts, 500-2000 (道交法 art. 92 para 2; 记分办法 2022 art. 12(6), 11(9),
 * 10(4)).  RULES.md puts exactly 30 % in the 500-2000 yuan tier. */
static void severity_overload(int64_t value, int64_t limit, char out[48])
{
    int64_t over = value - limit;
    if (at_least_pct(over, limit, 50))
        snprintf(out, 48, "6 pts; 500-2000 yuan");
    else if (at_least_pct(over, limit, 30))
        snprintf(out, 48, "3 pts; 500-2000 yuan");
    else
        snprintf(out, 48, "1 pts; 200-500 yuan");
}

/* 超员: < 20 % → 6 pts, 200-500 yuan; ≥ 20 % → 12 pts, 500-2000 yuan
 * (道交法 art. 92 para 1; 记分办法 2022 art. 10(1), 8(4)). */
static void severity_capacity(int64_t passengers, int64_t seats, char out[48])
{
    if (at_least_pct(passengers - seats, seats, 20))
        snprintf(out, 48, "12 pts; 500-2000 yuan");
    else
        snprintf(out, 48, "6 pts; 200-500 yuan");
}

/* ---- the checks of one weighing ---- */

typedef struct wcheck {
    weigh_vstate *s;
    const wlimits *lim;
    const wrec *w;
    const near_fix *nf;
    bool have_distance;
    int64_t distance_m;      /* nearest fix to the station */
    uint32_t driver;         /* of the nearest fix, when it vouches for the weighing */
    int64_t worst_excess_kg; /* -1 when no mass event */
    bool base_ready;
    rl_event base;           /* what every event of this weighing shares */
} wcheck;

/* Most weighings are compliant: the shared part of their events is only
 * built when the first event is. */
static const rl_event *base_event(wcheck *c)
{
    if (c->base_ready)
        return &c->base;
    const wrec *w = c->w;
    rl_event *b = &c->base;
    memset(b, 0, sizeof *b);
    b->vehicle = c->s->cx->vidx;
    b->driver = c->driver;
    b->start = b->end = w->time;
    b->origin = w->origin;
    b->evidence_points = 1;
    if (w->have_pos) {
        b->have_pos = true;
        b->start_lat_e6 = b->end_lat_e6 = w->lat_e6;
        b->start_lon_e6 = b->end_lon_e6 = w->lon_e6;
    }
    if (c->nf->have) {
        b->have_gps = true;
        b->gps_time = c->nf->time;
        b->have_gps_distance = c->have_distance;
        b->gps_distance_m = c->distance_m;
    }
    c->base_ready = true;
    return b;
}

static void emit(wcheck *c, event_type type, int64_t value, int64_t limit, int scale, const char *rule,
                 const char *severity)
{
    rl_event e = *base_event(c);
    e.type = type;
    e.value = value;
    e.limit = limit;
    e.scale = scale;
    e.rule = rule;
    snprintf(e.severity, sizeof e.severity, "%s", severity);
    events_add(c->s->cx->events, &e);
}

/* A mass event: value against limit, in kg; its excess feeds worst_excess_kg. */
static void emit_mass(wcheck *c, event_type type, int64_t value, int64_t limit, const char *rule,
                      const char *severity)
{
    emit(c, type, value, limit, 0, rule, severity);
    if (value - limit > c->worst_excess_kg)
        c->worst_excess_kg = value - limit;
}

static void check_over_limit(wcheck *c, int mode)
{
    const vctx *cx = c->s->cx;
    const wrec *w = c->w;
    /* 超限 is a freight rule (令62号 applies to 货运车辆); fewer than two
     * axles is no configuration the table knows. */
    if (class_is_passenger(cx->cls) || w->axles < 2)
        return;
    int axles = w->axles > 6 ? 6 : w->axles;
    if (w->gross_kg <= c->lim->overlimit_max[mode][axles])
        return;
    int64_t limit = c->lim->overlimit_kg[axles];
    char sev[48];
    severity_overlimit(w->gross_kg - limit, sev);
    emit_mass(c, EV_OVER_LIMIT, w->gross_kg, limit, c->lim->overlimit_rule[axles], sev);
}

static void check_overload(wcheck *c, int mode)
{
    const wlimits *l = c->lim;
    if (!l->overload_rule)
        return;
    int64_t value = c->w->gross_kg - l->overload_curb;
    if (value <= l->overload_max[mode])
        return;
    char sev[48];
    severity_overload(value, l->overload_kg, sev);
    emit_mass(c, EV_OVERLOAD, value, l->overload_kg, l->overload_rule, sev);
}

static void check_axles(wcheck *c, int mode)
{
    const wrec *w = c->w;
    if (w->naxle == 0)
        return;
    if (w->naxle != w->axles) {
        counters_add(c->s->cx->counters, "weighbridge.axle_weights_ignored", 1);
        return;
    }
    int64_t steer = c->lim->steer_kg, other = c->lim->other_kg;
    int64_t steer_max = c->lim->steer_max[mode], other_max = c->lim->other_max[mode];
    bool any = false;
    int best = 0;
    int64_t best_over = INT64_MIN;
    for (int k = 0; k < w->naxle; k++) {
        /* GB 1589-2016: the steer axle (single tyres) is the first */
        int64_t limit = k == 0 ? steer : other;
        if (w->axle_kg[k] > (k == 0 ? steer_max : other_max))
            any = true;
        if (w->axle_kg[k] - limit > best_over) {
            best_over = w->axle_kg[k] - limit;
            best = k;
        }
    }
    if (!any)
        return;
    char sev[48];
    severity_overlimit(best_over, sev);
    emit_mass(c, EV_AXLE_OVERLOAD, w->axle_kg[best], best == 0 ? steer : other,
              rule_name(best == 0 ? R_AXLE_STEER_KG : R_AXLE_OTHER_KG), sev);
}

static void check_capacity(wcheck *c)
{
    const reg_entry *reg = c->s->cx->v->reg;
    if (!reg || reg->seats <= 0 || c->w->passengers < 0 || c->w->passengers <= reg->seats)
        return;
    char sev[48];
    severity_capacity(c->w->passengers, reg->seats, sev);
    emit(c, EV_OVER_CAPACITY, c->w->passengers, reg->seats, 0, RULE_ID_CAPACITY_SEATS, sev);
}

/* Returns true when the nearest fix contradicts the station position. */
static bool check_position(wcheck *c)
{
    const near_fix *nf = c->nf;
    if (!nf->have || !c->w->have_pos)
        return false;
    int64_t dt = nf->time > c->w->time ? nf->time - c->w->time : c->w->time - nf->time;
    int64_t limit_m = c->lim->mismatch_m;
    if (dt > c->lim->window_s || c->distance_m <= limit_m)
        return false;
    emit(c, EV_POSITION_MISMATCH, c->distance_m, limit_m, 3, rule_name(R_WEIGH_MISMATCH_KM), "review");
    return true;
}

static void check_weighing(weigh_vstate *s, const wrec *w, const near_fix *nf)
{
    const vctx *cx = s->cx;
    wcheck c;
    c.s = s;
    c.lim = &((wstate *)s->priv)->lim;
    c.w = w;
    c.nf = nf;
    c.worst_excess_kg = -1;
    c.base_ready = false;
    c.driver = 0;
    c.have_distance = nf->have && w->have_pos;
    c.distance_m = c.have_distance
                       ? llround(haversine_km(nf->lat_e6, nf->lon_e6, w->lat_e6, w->lon_e6) * 1000.0)
                       : 0;
    /* the driver at the nearest fix, when it is close in time and agrees
     * with the station (decided before the first event is built) */
    bool mismatch = check_position(&c);
    int64_t dt = nf->have ? llabs(nf->time - w->time) : INT64_MAX;
    if (!mismatch && dt <= c.lim->window_s)
        c.driver = nf->driver; /* no event built yet: a mismatch would have been */
    int mode = w->wim ? 1 : 0;
    check_over_limit(&c, mode);
    check_overload(&c, mode);
    check_axles(&c, mode);
    check_capacity(&c);

    /* vehicle_days.csv and vehicles.csv: weighings, heaviest gross and
     * worst excess (the largest kg over its limit among the over_limit,
     * overload and axle_overload events) */
    /* weighings come in time order: most share the previous one's day
     * (vdays_get may move the table, so only its last answer is kept) */
    wstate *st = s->priv;
    int64_t day = tu_local_day(w->time, cx->tz);
    if (!st->day || st->day->day != day)
        st->day = vdays_get(cx->days, cx->vidx, day);
    rl_vday *d = st->day;
    rl_vstats *vs = cx->vs;
    d->weighings++;
    vs->weighings++;
    if (w->gross_kg > d->heaviest_gross_kg)
        d->heaviest_gross_kg = w->gross_kg;
    if (w->gross_kg > vs->heaviest_gross_kg)
        vs->heaviest_gross_kg = w->gross_kg;
    if (c.worst_excess_kg > d->worst_excess_kg)
        d->worst_excess_kg = c.worst_excess_kg;
    if (c.worst_excess_kg > vs->worst_excess_kg)
        vs->worst_excess_kg = c.worst_excess_kg;
}

void weigh_vehicle_end(weigh_vstate *s)
{
    wstate *st = s->priv;
    if (!st)
        return;
    /* weighings after the last fix: the last fix is the nearest */
    while (st->next < st->n) {
        if (st->have_prev)
            resolve(st, &st->prev);
        else
            st->next++;
    }
    for (size_t i = 0; i < st->n; i++) {
        if (i > 0 && st->w[i].time == st->w[i - 1].time) {
            counters_add(s->cx->counters, "weighbridge.duplicates", 1);
            continue;
        }
        wrec r;
        r.time = st->w[i].time;
        r.origin = st->w[i].origin;
        wrec_unpack(st->w[i].rec, &r);
        check_weighing(s, &r, &st->near[i]);
    }
    free(st);
    s->priv = NULL;
}

/* ---- a --resume chain's weighings (RUNS.md §2) ---- */

void weigh_each(const rl_vehicle *v, int64_t from, void (*fn)(void *ud, const rl_weighing *w), void *ud)
{
    for (const weigh_node *node = v->whead; node; node = node->next) {
        const wchunk *c = (const wchunk *)node;
        for (uint32_t off = 0; off < c->used;) {
            const unsigned char *p = c->data + off;
            uint64_t head = load_u64(p);
            wrec r;
            wrec_key(c, p, head, &r.time, &r.origin);
            off += (uint32_t)wrec_size(head);
            if (r.time < from)
                continue;
            wrec_unpack(p, &r);
            rl_weighing w;
            memset(&w, 0, sizeof w);
            w.origin = r.origin;
            w.time = r.time;
            w.axles = r.axles;
            w.gross_kg = r.gross_kg;
            w.naxle_kg = r.naxle;
            for (int k = 0; k < r.naxle; k++)
                w.axle_kg[k] = r.axle_kg[k];
            w.wim = r.wim;
            w.passengers = r.passengers;
            w.have_pos = r.have_pos;
            w.lat_e6 = r.lat_e6;
            w.lon_e6 = r.lon_e6;
            fn(ud, &w);
        }
    }
}

void weigh_put(rl_vehicle *v, const rl_weighing *w, size_t n, rl_counters *counters)
{
    if (!n)
        return;
    /* a store of one vehicle, at index 0 of a table of one */
    vtable *vt = vtable_new();
    rl_vehicle *t = vtable_get(vt, 1, 0, false);
    weigh_store *ws = weigh_store_new();
    for (size_t i = 0; i < n; i++)
        weigh_store_add(ws, vt, 0, &w[i], counters);
    weigh_store_close(ws, vt);
    t = vtable_at(vt, 0);
    if (t->whead) {
        if (v->wtail)
            v->wtail->next = t->whead;
        else
            v->whead = t->whead;
        v->wtail = t->wtail;
        v->nweigh += t->nweigh;
        t->whead = t->wtail = NULL;
        t->nweigh = 0;
    }
    vtable_free(vt);
}

void weigh_seed(weigh_vstate *s, const rl_fix *f)
{
    wstate *st = s->priv;
    if (!st)
        return;
    st->prev = *f;
    st->have_prev = true;
}
