/*
 * u64map.c - see u64map.h.  Linear probing, load factor <= 1/2.
 */
#include "u64map.h"

#include <stdlib.h>

#include "util.h"

static size_t slot_of(uint64_t k, size_t cap)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    return (size_t)k & (cap - 1);
}

void u64map_init(u64map *m)
{
    m->cap = 64;
    m->n = 0;
    m->keys = xcalloc(m->cap, sizeof *m->keys);
    m->vals = xmalloc(m->cap * sizeof *m->vals);
}

void u64map_free(u64map *m)
{
    free(m->keys);
    free(m->vals);
    m->keys = NULL;
    m->vals = NULL;
    m->n = m->cap = 0;
}

static void grow(u64map *m)
{
    size_t cap = m->cap * 2;
    uint64_t *keys = xcalloc(cap, sizeof *keys);
    uint32_t *vals = xmalloc(cap * sizeof *vals);
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = slot_of(m->keys[i], cap);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        vals[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
}

uint32_t *u64map_put(u64map *m, uint64_t key, uint32_t def)
{
    if (!m->keys)
        u64map_init(m);
    if ((m->n + 1) * 2 > m->cap)
        grow(m);
    size_t i = slot_of(key, m->cap);
    while (m->keys[i] && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    if (!m->keys[i]) {
        m->keys[i] = key;
        m->vals[i] = def;
        m->n++;
    }
    return &m->vals[i];
}

bool u64map_get(const u64map *m, uint64_t key, uint32_t *val)
{
    if (!m->keys)
        return false;
    size_t i = slot_of(key, m->cap);
    while (m->keys[i]) {
        if (m->keys[i] == key) {
            *val = m->vals[i];
            return true;
        }
        i = (i + 1) & (m->cap - 1);
    }
    return false;
}
