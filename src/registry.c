/*
 * registry.c - see registry.h.
 */
#include "registry.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MULTI 0x80000000u

void registry_init(rl_registry *r)
{
    memset(r, 0, sizeof *r);
    u64map_init(&r->by_plate_color);
    u64map_init(&r->by_plate);
    u64map_init(&r->by_phone);
}

void registry_free(rl_registry *r)
{
    free(r->e);
    u64map_free(&r->by_plate_color);
    u64map_free(&r->by_plate);
    u64map_free(&r->by_phone);
    memset(r, 0, sizeof *r);
}

static uint64_t pc_key(uint32_t plate, int color) { return ((uint64_t)plate << 8 | (unsigned)color) + 1; }

void registry_add(rl_registry *r, const reg_entry *e)
{
    uint32_t *slot = u64map_put(&r->by_plate_color, pc_key(e->plate, e->color), UINT32_MAX);
    uint32_t idx;
    if (*slot != UINT32_MAX) {
        idx = *slot; /* a repeated row replaces the earlier one */
        r->e[idx] = *e;
        r->duplicates++;
    } else {
        if (r->n == r->cap) {
            r->cap = r->cap ? r->cap * 2 : 256;
            r->e = xrealloc(r->e, r->cap * sizeof *r->e);
        }
        idx = (uint32_t)r->n++;
        r->e[idx] = *e;
        *slot = idx;
        uint32_t *p = u64map_put(&r->by_plate, (uint64_t)e->plate + 1, UINT32_MAX);
        *p = *p == UINT32_MAX ? idx : (*p | MULTI);
    }
    if (e->phone)
        *u64map_put(&r->by_phone, (uint64_t)e->phone + 1, idx) = idx;
}

const reg_entry *registry_lookup(const rl_registry *r, uint32_t plate, int color)
{
    uint32_t idx;
    if (color != 0) {
        if (u64map_get(&r->by_plate_color, pc_key(plate, color), &idx))
            return &r->e[idx];
        /* a registry row without a colour matches any colour */
        if (u64map_get(&r->by_plate_color, pc_key(plate, 0), &idx))
            return &r->e[idx];
        return NULL;
    }
    if (u64map_get(&r->by_plate_color, pc_key(plate, 0), &idx))
        return &r->e[idx]; /* registered without a colour */
    if (u64map_get(&r->by_plate, (uint64_t)plate + 1, &idx) && !(idx & MULTI))
        return &r->e[idx];
    return NULL;
}

int registry_plate_colors(const rl_registry *r, uint32_t plate)
{
    uint32_t idx;
    if (!u64map_get(&r->by_plate, (uint64_t)plate + 1, &idx))
        return 0;
    return (idx & MULTI) ? 2 : 1;
}

const reg_entry *registry_by_phone(const rl_registry *r, uint32_t phone)
{
    uint32_t idx;
    if (phone && u64map_get(&r->by_phone, (uint64_t)phone + 1, &idx))
        return &r->e[idx];
    return NULL;
}

void phone_canon(const char *s, size_t n, const char **out, size_t *outlen)
{
    trim_span(&s, &n);
    while (n > 1 && *s == '0') {
        s++;
        n--;
    }
    *out = s;
    *outlen = n;
}
