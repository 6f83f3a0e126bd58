/*
 * vdays.c - day statistics (see vdays.h).
 */
#include "vdays.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#include <math.h>

int64_t vdays_mm(double km) { return (int64_t)llround(km * 1e6); }

void vdays_vehicle_begin(vday_list *l) { l->first = l->n; }

static void reserve(vday_list *l, size_t more)
{
    if (l->n + more <= l->cap)
        return;
    size_t cap = l->cap ? l->cap * 2 : 1024;
    while (cap < l->n + more)
        cap *= 2;
    l->d = xrealloc(l->d, cap * sizeof *l->d);
    l->cap = cap;
}

rl_vday *vdays_get(vday_list *l, uint32_t vidx, int64_t day)
{
    size_t i = l->n;
    if (i > l->first && l->d[i - 1].day == day && l->d[i - 1].vehicle == vidx)
        return &l->d[i - 1]; /* the common case: the latest day */
    while (i > l->first && l->d[i - 1].vehicle == vidx && l->d[i - 1].day > day)
        i--;
    if (i > l->first && l->d[i - 1].vehicle == vidx && l->d[i - 1].day == day)
        return &l->d[i - 1];
    reserve(l, 1);
    memmove(&l->d[i + 1], &l->d[i], (l->n - i) * sizeof *l->d);
    l->n++;
    rl_vday *d = &l->d[i];
    memset(d, 0, sizeof *d);
    d->vehicle = vidx;
    d->day = day;
    d->max_speed_mkmh = -1;
    d->first = INT64_MAX;
    d->last = INT64_MIN;
    d->heaviest_gross_kg = -1;
    d->worst_excess_kg = -1;
    return d;
}

void vdays_append(vday_list *dst, const vday_list *src)
{
    if (!src->n)
        return;
    reserve(dst, src->n);
    memcpy(dst->d + dst->n, src->d, src->n * sizeof *src->d);
    dst->n += src->n;
    dst->first = dst->n;
}

void vdays_free(vday_list *l)
{
    free(l->d);
    memset(l, 0, sizeof *l);
}
