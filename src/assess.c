/*
 * assess.c - the company 考核 table (see assess.h).
 */
#include "assess.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "u64map.h"
#include "util.h"

bool assess_is_speeding(event_type t) { return t == EV_SPEEDING || t == EV_NIGHT_SPEEDING; }
bool assess_is_fatigue(event_type t)
{
    return t == EV_FATIGUE_CONTINUOUS || t == EV_FATIGUE_NIGHT || t == EV_FATIGUE_DAILY;
}

static double ratio(double num, double den) { return den > 0 ? num / den : NAN; }

static void rates(assess_row *r)
{
    r->online_rate = ratio(r->online, r->vehicles);
    r->quality = ratio((double)r->accepted, (double)r->points);
    r->completeness = r->gap_known ? ratio((double)(r->distance_m - r->gap_m), (double)r->distance_m) : NAN;
    r->drift_rate = ratio(r->drifting, r->online);
    r->cases_per_vehicle = ratio(r->counted, r->vehicles);
    r->speeding_per_vehicle = ratio(r->speeding, r->vehicles);
    r->fatigue_per_vehicle = ratio(r->fatigue, r->vehicles);
    double tenk = (double)r->distance_m / 1e7; /* 10 000 km in metres */
    r->speeding_per_10k_km = ratio(r->speeding, tenk);
    r->fatigue_per_10k_km = ratio(r->fatigue, tenk);
    r->handled_rate = ratio(r->by_status[CASE_CLOSED] + r->by_status[CASE_DISMISSED], r->cases);
}

static void add_vehicle(assess_row *r, const assess_vehicle *v)
{
    if (v->in_pop)
        r->vehicles++;
    r->points += v->points;
    r->accepted += v->accepted;
    r->distance_m += v->distance_m;
    r->gap_m += v->gap_m;
    r->gap_known &= v->gap_known;
    if (v->accepted && v->in_pop) {
        r->online++;
        if (v->drift)
            r->drifting++;
    }
}

static void add_case(assess_row *r, const assess_case *c)
{
    r->cases++;
    r->by_status[c->status]++;
    if (c->status != CASE_DISMISSED) {
        r->counted++;
        r->speeding += assess_is_speeding(c->type);
        r->fatigue += assess_is_fatigue(c->type);
    }
    r->overdue += c->overdue;
}

typedef struct rank_ctx {
    const char *(*names)(void *ud, uint32_t company);
    void *ud;
} rank_ctx;

/* NaN sorts last (a company without vehicles) */
static int cmp_num(double a, double b, bool asc)
{
    bool na = isnan(a), nb = isnan(b);
    if (na || nb)
        return na == nb ? 0 : na ? 1 : -1;
    if (a == b)
        return 0;
    return (a < b) == asc ? -1 : 1;
}

static int by_rank(const void *x, const void *y, void *ud)
{
    const assess_row *a = x, *b = y;
    const rank_ctx *ctx = ud;
    /* the unregistered row last, unranked */
    if ((a->company == 0) != (b->company == 0))
        return a->company == 0 ? 1 : -1;
    int c = cmp_num(a->cases_per_vehicle, b->cases_per_vehicle, true);
    if (!c)
        c = cmp_num(a->handled_rate, b->handled_rate, false);
    if (!c)
        c = cmp_num(a->online_rate, b->online_rate, false);
    if (!c)
        c = strcmp(ctx->names(ctx->ud, a->company), ctx->names(ctx->ud, b->company));
    return c;
}

void assess_compute(const assess_month *m, const char *(*names)(void *ud, uint32_t company), void *ud,
                    assess_table *t)
{
    memset(t, 0, sizeof *t);
    u64map idx;
    u64map_init(&idx);
    size_t cap = 0;
    uint32_t *row_of = xmalloc((m->nv ? m->nv : 1) * sizeof *row_of);
    for (size_t i = 0; i < m->nv; i++) {
        const assess_vehicle *v = &m->v[i];
        uint32_t *slot = u64map_put(&idx, (uint64_t)v->company + 1, 0);
        if (!*slot) {
            if (t->n == cap) {
                cap = cap ? cap * 2 : 32;
                t->row = xrealloc(t->row, cap * sizeof *t->row);
            }
            memset(&t->row[t->n], 0, sizeof t->row[t->n]);
            t->row[t->n].company = v->company;
            t->row[t->n].gap_known = true;
            *slot = (uint32_t)++t->n;
        }
        row_of[i] = *slot - 1;
        add_vehicle(&t->row[*slot - 1], v);
    }
    for (size_t i = 0; i < m->nc; i++)
        if (m->c[i].vehicle < m->nv)
            add_case(&t->row[row_of[m->c[i].vehicle]], &m->c[i]);
    free(row_of);
    u64map_free(&idx);
    memset(&t->total, 0, sizeof t->total);
    t->total.gap_known = true;
    for (size_t i = 0; i < m->nv; i++)
        add_vehicle(&t->total, &m->v[i]);
    for (size_t i = 0; i < m->nc; i++)
        add_case(&t->total, &m->c[i]);
    rates(&t->total);
    for (size_t i = 0; i < t->n; i++)
        rates(&t->row[i]);
    rank_ctx ctx = {names, ud};
    if (t->n)
        qsort_r(t->row, t->n, sizeof *t->row, by_rank, &ctx);
    int rank = 0;
    for (size_t i = 0; i < t->n; i++)
        if (t->row[i].company != 0 && t->row[i].vehicles > 0)
            t->row[i].rank = ++rank;
}

void assess_compare(assess_table *t, const assess_table *prev)
{
    for (size_t i = 0; i < t->n; i++) {
        assess_row *r = &t->row[i];
        for (size_t k = 0; prev && k < prev->n; k++) {
            const assess_row *p = &prev->row[k];
            if (p->company != r->company)
                continue;
            r->have_prev = true;
            r->prev_rank = p->rank;
            r->prev_cases_per_vehicle = p->cases_per_vehicle;
            r->prev_handled_rate = p->handled_rate;
            r->prev_online_rate = p->online_rate;
            break;
        }
    }
}

void assess_free(assess_table *t)
{
    free(t->row);
    memset(t, 0, sizeof *t);
}
