/*
 * vehicle.h - the vehicle table and the fixes it buffers.
 *
 * A vehicle is plate + colour (FORMATS.md); until a JT/T 808 terminal is
 * mapped to a plate its positions sit on a vehicle keyed by the terminal's
 * phone.  Each position becomes a fix stored in 28 bytes on its vehicle's
 * chain of fixed-size chunks: no per-vehicle array to regrow, so memory
 * is about 28 bytes per fix plus at most one partly filled chunk per
 * vehicle.
 * Input order does not matter: fixstream hands a vehicle's fixes back in
 * time order (each chunk sorted in place, then a k-way merge).
 */
#ifndef RL_VEHICLE_H
#define RL_VEHICLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "rules.h"

/* One buffered fix: exactly what the detectors need, 32 bytes. */
typedef struct rl_fix {
    int64_t time;          /* UTC seconds */
    int32_t lat_e6, lon_e6;
    int32_t speed_mkmh;    /* km/h x 1000 */
    uint32_t driver_flags; /* driver id (bits 0-23) | FIX_* flags */
    rl_origin origin;      /* input order and `source` */
} rl_fix;

#define FIX_DRIVER_MASK 0x00FFFFFFu
#define FIX_INVALID (1u << 24)     /* fails track.invalid (range or status) */
#define FIX_ALARM (1u << 25)       /* the position's alarm word has an event bit: a record in the vehicle's alarm store (detect_alarm.c) */
#define FIX_DRIVER_MAX FIX_DRIVER_MASK

static inline uint32_t fix_driver(const rl_fix *f) { return f->driver_flags & FIX_DRIVER_MASK; }

/* How a fix is stored: 28 bytes, its time as an offset from its chunk's
 * base time (a chunk spans at most +-68 years), 4-byte aligned.  The
 * stream hands fixes back as rl_fix. */
typedef struct fix_rec {
    int32_t dt;            /* time - chunk base, seconds */
    int32_t lat_e6, lon_e6;
    int32_t speed_mkmh;
    uint32_t driver_flags;
    uint32_t origin_lo, origin_hi;
} fix_rec;

/* 32 + 144 x 28 = 4064 bytes: a page with malloc's header when malloc'd
 * alone; 16 of them to a block when carved (vehicle.c) */
#define FIX_CHUNK_N 144
/* A vehicle's first chunk holds 2 fixes and each next one twice as many,
 * up to FIX_CHUNK_N; a chunk started because a fix's time is too far
 * from the current chunk's base starts small again.  So a vehicle seen
 * once costs ~80 bytes, not a page, the empty slots of a vehicle never
 * outnumber its fixes (nor fill more than a page), and neither many
 * one-fix vehicles nor one vehicle alternating between 1990 and 2080 can
 * make memory grow by a page a fix. */
#define FIX_CHUNK_FIRST 2

typedef struct fix_block fix_block;

typedef struct fix_chunk {
    struct fix_chunk *next;
    int64_t base;     /* time of the chunk's first fix */
    fix_block *block; /* the block it was carved from; NULL: malloc'd alone */
    uint32_t n;
    uint32_t cap;     /* fixes it has room for, <= FIX_CHUNK_N */
    fix_rec fix[];
} fix_chunk;

struct reg_entry;

/* A chunk of side records: a list node whose payload (after `next`)
 * belongs to detect_weigh.c (weighings) or detect_alarm.c (terminal
 * alarms).  The vehicle table only chains, merges and frees them. */
typedef struct weigh_node {
    struct weigh_node *next;
} weigh_node;

typedef struct rl_vehicle {
    /* what each row reads and writes comes first, together (41 bytes:
     * two cache lines at most, which analyze.c fetches ahead) */
    fix_chunk *tail;
    /* the tail chunk's base, n and cap, kept here too: a row then reads
     * only this struct, and its fix is a store into the chunk (reading
     * the chunk's header was a cache miss on most rows of a large fleet) */
    int64_t tail_base;
    uint32_t tail_n, tail_cap;
    uint64_t nfix;           /* fixes in the chunks */
    int64_t tmax;            /* the latest fix's time (INT64_MIN: none) */
    bool alarm_word;      /* some position carried a JT/T 808 alarm word (RULES.md §8 terminal_silent) */
    uint8_t color;        /* RL_COLOR_* */
    bool by_phone;        /* keyed by terminal phone: no plate known yet */
    bool dead;            /* merged into another vehicle */
    bool selected;        /* passes --plate / --company */
    uint32_t plate;       /* strtab id of the normalised plate (0 when keyed by phone) */
    uint32_t phone;       /* strtab id of the terminal phone, when known */
    vehicle_class cls;
    const struct reg_entry *reg; /* registry row, NULL when not registered */
    fix_chunk *head;
    uint64_t nspilled;       /* fixes in temporary files (spill.c), read back before the pass */
    uint32_t carry;          /* its record in the carry resumed from + 1, 0: none */
    weigh_node *whead, *wtail;     /* weighbridge records (detect_weigh.c) */
    uint32_t nweigh;
    weigh_node *ahead, *atail;     /* terminal alarm records (detect_alarm.c) */
    uint32_t nalarm;
} rl_vehicle;

typedef struct vtable vtable;

vtable *vtable_new(void);
void vtable_free(vtable *t);
/* Find or add the vehicle (plate id, colour) or, with by_phone, (phone id). */
rl_vehicle *vtable_get(vtable *t, uint32_t key_id, int color, bool by_phone);
rl_vehicle *vtable_find(const vtable *t, uint32_t key_id, int color, bool by_phone);
size_t vtable_count(const vtable *t);
rl_vehicle *vtable_at(vtable *t, size_t i); /* in insertion order */

/* Append a fix to a vehicle of table t; returns the bytes of the chunk it
 * started (0 most of the time), for the memory budget.  The chunks of a
 * table's vehicles are carved from 64 KB blocks, each freed when the last
 * of its chunks is given back (by any thread; chunks may move to another
 * table's vehicles); t NULL (a vehicle of no table) mallocs each chunk. */
size_t vehicle_add_fix(vtable *t, rl_vehicle *v, const rl_fix *f);
/* Append fixes already in time order (read back from a spill). */
void vehicle_put_sorted(rl_vehicle *v, const rl_fix *f, size_t n);
/* Append a weighing node (allocated by the caller with malloc; the caller
 * keeps nweigh). */
void vehicle_add_weighing(rl_vehicle *v, weigh_node *w);
/* The same for a chunk of alarm records (the caller keeps nalarm). */
void vehicle_add_alarms(rl_vehicle *v, weigh_node *w);
/* Move all fixes (weighings, alarms) of `from` onto `to` and mark `from` dead. */
void vehicle_merge(rl_vehicle *to, rl_vehicle *from);

/* A vehicle's fixes in time order (ties: input order).  Consumes the
 * chunks: they are given back as the stream passes them. */
typedef struct fixstream {
    struct cursor {
        fix_chunk *c;
        uint32_t i;
    } *heap;
    size_t nheap;
    fix_chunk *free_list;
    rl_fix out; /* the fix last returned */
} fixstream;

void fixstream_open(fixstream *s, rl_vehicle *v);
const rl_fix *fixstream_next(fixstream *s); /* NULL at the end */
void fixstream_close(fixstream *s);

static inline int fix_cmp(const rl_fix *a, const rl_fix *b)
{
    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    return a->origin < b->origin ? -1 : a->origin > b->origin;
}

static inline rl_origin fix_rec_origin(const fix_rec *r) { return (uint64_t)r->origin_hi << 32 | r->origin_lo; }

#endif
