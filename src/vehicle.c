/*
 * vehicle.c - vehicle table, fix chunks and the time-ordered fix stream
 * (see vehicle.h).
 *
 * The table is open addressing on (key id, colour, by_phone) with linear
 * probing; the vehicles themselves live in an array that only grows, so a
 * vehicle's index is stable.  The stream sorts each chunk in place
 * (usually a no-op: exports are mostly in time order per vehicle) and
 * merges the chunks with a binary heap whose top is replaced, not popped,
 * so an already ordered vehicle costs two comparisons a fix.
 */
#include "vehicle.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* The blocks fix chunks are carved from.  Chunks are given back to their
 * block, which goes when its last chunk does: giving 4 KB chunks back to
 * malloc one by one was 0.35 s of the vehicle pass's 0.95 s on the 8 M-row
 * bench with two threads (glibc's free() into the arenas of the threads
 * that read them, under their locks), and a malloc each was a tenth of
 * the reading's allocations. */
struct fix_block {
    atomic_uint live; /* chunks not given back, +1 while a table carves from it */
    max_align_t data[];
};

/* The budget is charged by the chunk, as carved, and a chunk given back
 * is no longer charged: a table's newest block is partly uncharged, and a
 * block stays whole while any of its chunks lives (so the 50 M-row run
 * with --memory 1G peaks at 781 MB, against 775 MB with chunks freed one
 * by one).  Blocks are small next to a reader's share of the smallest
 * budget (--memory 1M, four readers: 128 KB each). */
#define FIX_BLOCK_BYTES (64 * 1024)

struct vtable {
    rl_vehicle *v;
    size_t n, cap;
    uint32_t *slots; /* index + 1 */
    size_t nslots;
    fix_block *carving;   /* the block chunks are carved from now */
    char *at, *end;       /* its free part */
};

static uint64_t vkey_hash(uint32_t key, int color, bool by_phone)
{
    uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15ull ^ ((uint64_t)(unsigned)color << 1 | by_phone);
    h ^= h >> 31;
    h *= 0xD6E8FEB86659FD93ull;
    return h ^ (h >> 32);
}

vtable *vtable_new(void)
{
    vtable *t = xcalloc(1, sizeof *t);
    t->cap = 256;
    t->v = xmalloc(t->cap * sizeof *t->v);
    t->nslots = 512;
    t->slots = xcalloc(t->nslots, sizeof *t->slots);
    return t;
}

static void block_release(fix_block *b)
{
    if (atomic_fetch_sub_explicit(&b->live, 1, memory_order_acq_rel) == 1)
        free(b);
}

/* A chunk's memory back to where it came from. */
static void chunk_free(fix_chunk *c)
{
    if (c->block)
        block_release(c->block);
    else
        free(c);
}

static void free_chunks(fix_chunk *c)
{
    while (c) {
        fix_chunk *n = c->next;
        chunk_free(c);
        c = n;
    }
}

/* A chunk of `bytes` from t's block. */
static fix_chunk *carve(vtable *t, size_t bytes)
{
    bytes = (bytes + _Alignof(fix_chunk) - 1) & ~(size_t)(_Alignof(fix_chunk) - 1);
    if ((size_t)(t->end - t->at) < bytes) {
        if (t->carving)
            block_release(t->carving);
        fix_block *b = xmalloc(FIX_BLOCK_BYTES);
        atomic_init(&b->live, 1);
        t->carving = b;
        t->at = (char *)b->data;
        t->end = (char *)b + FIX_BLOCK_BYTES;
    }
    fix_chunk *c = (fix_chunk *)(void *)t->at;
    t->at += bytes;
    c->block = t->carving;
    atomic_fetch_add_explicit(&t->carving->live, 1, memory_order_relaxed);
    return c;
}

static void free_nodes(weigh_node *w)
{
    for (weigh_node *n; w; w = n) {
        n = w->next;
        free(w);
    }
}

void vtable_free(vtable *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        free_chunks(t->v[i].head);
        free_nodes(t->v[i].whead);
        free_nodes(t->v[i].ahead);
    }
    if (t->carving)
        block_release(t->carving);
    free(t->v);
    free(t->slots);
    free(t);
}

static bool same_key(const rl_vehicle *v, uint32_t key, int color, bool by_phone)
{
    return v->by_phone == by_phone && v->color == color && (by_phone ? v->phone == key : v->plate == key);
}

rl_vehicle *vtable_find(const vtable *t, uint32_t key, int color, bool by_phone)
{
    size_t i = vkey_hash(key, color, by_phone) & (t->nslots - 1);
    for (;;) {
        uint32_t s = t->slots[i];
        if (!s)
            return NULL;
        rl_vehicle *v = &t->v[s - 1];
        if (same_key(v, key, color, by_phone))
            return v;
        i = (i + 1) & (t->nslots - 1);
    }
}

static void rehash(vtable *t)
{
    size_t n = t->nslots * 2;
    uint32_t *slots = xcalloc(n, sizeof *slots);
    for (size_t k = 0; k < t->n; k++) {
        const rl_vehicle *v = &t->v[k];
        size_t i = vkey_hash(v->by_phone ? v->phone : v->plate, v->color, v->by_phone) & (n - 1);
        while (slots[i])
            i = (i + 1) & (n - 1);
        slots[i] = (uint32_t)k + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = n;
}

rl_vehicle *vtable_get(vtable *t, uint32_t key, int color, bool by_phone)
{
    size_t i = vkey_hash(key, color, by_phone) & (t->nslots - 1);
    for (;;) {
        uint32_t s = t->slots[i];
        if (!s)
            break;
        rl_vehicle *v = &t->v[s - 1];
        if (same_key(v, key, color, by_phone))
            return v;
        i = (i + 1) & (t->nslots - 1);
    }
    if (t->n == t->cap) {
        t->cap *= 2;
        t->v = xrealloc(t->v, t->cap * sizeof *t->v);
    }
    rl_vehicle *v = &t->v[t->n];
    memset(v, 0, sizeof *v);
    v->by_phone = by_phone;
    v->color = (uint8_t)color;
    if (by_phone)
        v->phone = key;
    else
        v->plate = key;
    v->cls = CLASS_OTHER;
    v->selected = true;
    v->tmax = INT64_MIN;
    t->slots[i] = (uint32_t)++t->n;
    if (t->n * 4 > t->nslots * 3)
        rehash(t);
    return &t->v[t->n - 1];
}

size_t vtable_count(const vtable *t) { return t->n; }
rl_vehicle *vtable_at(vtable *t, size_t i) { return i < t->n ? &t->v[i] : NULL; }

/* The vehicle's copy of its tail chunk's header, after the tail changed. */
static void tail_sync(rl_vehicle *v)
{
    fix_chunk *c = v->tail;
    v->tail_n = c ? c->n : 0;
    v->tail_cap = c ? c->cap : 0;
    v->tail_base = c ? c->base : 0;
}

size_t vehicle_add_fix(vtable *t, rl_vehicle *v, const rl_fix *f)
{
    size_t bytes = 0;
    fix_chunk *c = v->tail;
    int64_t dt = f->time - v->tail_base;
    if (!c || v->tail_n == v->tail_cap || dt > INT32_MAX || dt < -INT32_MAX) {
        uint32_t cap = FIX_CHUNK_FIRST;
        if (c && v->tail_n == v->tail_cap)
            cap = v->tail_cap * 2 < FIX_CHUNK_N ? v->tail_cap * 2 : FIX_CHUNK_N;
        bytes = sizeof(fix_chunk) + cap * sizeof(fix_rec);
        fix_chunk *nc;
        if (t) {
            nc = carve(t, bytes);
        } else {
            nc = xmalloc(bytes);
            nc->block = NULL;
        }
        nc->next = NULL;
        nc->n = 0;
        nc->cap = cap;
        nc->base = f->time;
        if (c)
            c->next = nc;
        else
            v->head = nc;
        v->tail = c = nc;
        tail_sync(v);
        dt = 0;
    }
    fix_rec *r = &c->fix[v->tail_n++];
    c->n = v->tail_n;
    r->dt = (int32_t)dt;
    r->lat_e6 = f->lat_e6;
    r->lon_e6 = f->lon_e6;
    r->speed_mkmh = f->speed_mkmh;
    r->driver_flags = f->driver_flags;
    r->origin_lo = (uint32_t)f->origin;
    r->origin_hi = (uint32_t)(f->origin >> 32);
    v->nfix++;
    if (f->time > v->tmax)
        v->tmax = f->time;
    return bytes;
}

void vehicle_put_sorted(rl_vehicle *v, const rl_fix *f, size_t n)
{
    /* chunks of up to 64 Ki fixes, a new one where an offset from the
     * chunk's base would not fit 32 bits */
    enum { PUT_CHUNK = 1 << 16 };
    size_t i = 0;
    while (i < n) {
        size_t k = i + 1;
        while (k < n && k - i < PUT_CHUNK && f[k].time - f[i].time <= INT32_MAX)
            k++;
        fix_chunk *c = xmalloc(sizeof *c + (k - i) * sizeof c->fix[0]);
        c->next = NULL;
        c->n = c->cap = (uint32_t)(k - i);
        c->block = NULL;
        c->base = f[i].time;
        for (size_t j = i; j < k; j++) {
            fix_rec *r = &c->fix[j - i];
            r->dt = (int32_t)(f[j].time - c->base);
            r->lat_e6 = f[j].lat_e6;
            r->lon_e6 = f[j].lon_e6;
            r->speed_mkmh = f[j].speed_mkmh;
            r->driver_flags = f[j].driver_flags;
            r->origin_lo = (uint32_t)f[j].origin;
            r->origin_hi = (uint32_t)(f[j].origin >> 32);
        }
        if (v->tail)
            v->tail->next = c;
        else
            v->head = c;
        v->tail = c;
        tail_sync(v);
        v->nfix += k - i;
        if (f[k - 1].time > v->tmax)
            v->tmax = f[k - 1].time;
        i = k;
    }
}

/* Append the list head..tail to the list *h..*t. */
static void chain(weigh_node **h, weigh_node **t, weigh_node *head, weigh_node *tail)
{
    if (!head)
        return;
    if (*t)
        (*t)->next = head;
    else
        *h = head;
    *t = tail;
}

void vehicle_add_weighing(rl_vehicle *v, weigh_node *w)
{
    w->next = NULL;
    chain(&v->whead, &v->wtail, w, w);
}

void vehicle_add_alarms(rl_vehicle *v, weigh_node *w)
{
    w->next = NULL;
    chain(&v->ahead, &v->atail, w, w);
}


void vehicle_merge(rl_vehicle *to, rl_vehicle *from)
{
    if (to == from)
        return;
    if (from->head) {
        if (to->tail)
            to->tail->next = from->head;
        else
            to->head = from->head;
        to->tail = from->tail;
        tail_sync(to);
    }
    to->nfix += from->nfix;
    to->nspilled += from->nspilled;
    if (from->tmax > to->tmax)
        to->tmax = from->tmax;
    from->head = from->tail = NULL;
    tail_sync(from);
    from->nfix = from->nspilled = 0;
    chain(&to->whead, &to->wtail, from->whead, from->wtail);
    to->nweigh += from->nweigh;
    from->whead = from->wtail = NULL;
    from->nweigh = 0;
    chain(&to->ahead, &to->atail, from->ahead, from->atail);
    to->nalarm += from->nalarm;
    from->ahead = from->atail = NULL;
    from->nalarm = 0;
    to->alarm_word |= from->alarm_word;
    if (!to->phone)
        to->phone = from->phone;
    from->dead = true;
}

/* ---- the time-ordered stream ---- */

/* Within a chunk the base is common: order by offset, then input order. */
static int rec_cmp(const fix_rec *a, const fix_rec *b)
{
    if (a->dt != b->dt)
        return a->dt < b->dt ? -1 : 1;
    rl_origin x = fix_rec_origin(a), y = fix_rec_origin(b);
    return x < y ? -1 : x > y;
}

static int rec_qcmp(const void *a, const void *b) { return rec_cmp(a, b); }

static void sort_chunk(fix_chunk *c)
{
    for (uint32_t i = 1; i < c->n; i++) {
        if (rec_cmp(&c->fix[i - 1], &c->fix[i]) > 0) {
            qsort(c->fix, c->n, sizeof c->fix[0], rec_qcmp);
            return;
        }
    }
}

static bool cur_less(const struct cursor *a, const struct cursor *b)
{
    const fix_rec *x = &a->c->fix[a->i], *y = &b->c->fix[b->i];
    int64_t tx = a->c->base + x->dt, ty = b->c->base + y->dt;
    if (tx != ty)
        return tx < ty;
    return fix_rec_origin(x) < fix_rec_origin(y);
}

static void sift_down(fixstream *s, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < s->nheap && cur_less(&s->heap[l], &s->heap[m]))
            m = l;
        if (r < s->nheap && cur_less(&s->heap[r], &s->heap[m]))
            m = r;
        if (m == i)
            return;
        struct cursor t = s->heap[i];
        s->heap[i] = s->heap[m];
        s->heap[m] = t;
        i = m;
    }
}

void fixstream_open(fixstream *s, rl_vehicle *v)
{
    memset(s, 0, sizeof *s);
    size_t n = 0;
    for (fix_chunk *c = v->head; c; c = c->next)
        n++;
    s->heap = xmalloc((n ? n : 1) * sizeof *s->heap);
    for (fix_chunk *c = v->head, *next; c; c = next) {
        next = c->next;
        c->next = NULL;
        if (c->n == 0) {
            chunk_free(c);
            continue;
        }
        sort_chunk(c);
        s->heap[s->nheap++] = (struct cursor){c, 0};
    }
    /* Chunks are appended in input order, so for ordered input the heap
     * property already holds; heapify anyway. */
    for (size_t i = s->nheap / 2; i-- > 0;)
        sift_down(s, i);
    v->head = v->tail = NULL;
    tail_sync(v);
    v->nfix = 0;
}

const rl_fix *fixstream_next(fixstream *s)
{
    /* The chunk that yielded the previous fix is freed lazily, here. */
    if (s->free_list) {
        chunk_free(s->free_list);
        s->free_list = NULL;
    }
    if (s->nheap == 0)
        return NULL;
    struct cursor *top = &s->heap[0];
    const fix_rec *r = &top->c->fix[top->i];
    rl_fix *f = &s->out;
    f->time = top->c->base + r->dt;
    f->lat_e6 = r->lat_e6;
    f->lon_e6 = r->lon_e6;
    f->speed_mkmh = r->speed_mkmh;
    f->driver_flags = r->driver_flags;
    f->origin = fix_rec_origin(r);
    if (++top->i == top->c->n) {
        s->free_list = top->c;
        s->heap[0] = s->heap[--s->nheap];
    }
    if (s->nheap > 1)
        sift_down(s, 0);
    return f;
}

void fixstream_close(fixstream *s)
{
    if (s->free_list)
        chunk_free(s->free_list);
    for (size_t i = 0; i < s->nheap; i++)
        chunk_free(s->heap[i].c);
    free(s->heap);
    memset(s, 0, sizeof *s);
}
