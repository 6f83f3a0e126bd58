/*
 * strtab.c - the interning table (see strtab.h).
 *
 * Strings live in 64 KiB arena blocks (one allocation per block, never
 * moved), ids index an array of {pointer, length}; the hash table holds
 * ids.  Both grow by doubling.
 */
#include "strtab.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef struct {
    const char *s;
    uint32_t len;
    uint32_t hash32;
} strent;

struct strtab {
    strent *ents;
    uint32_t count, cap;
    uint32_t *slots; /* id + 1, 0 = empty */
    uint32_t nslots; /* power of two */
    char *block;
    size_t block_used, block_cap;
    char **blocks;
    size_t nblocks, blocks_cap;
};

uint64_t rl_hash(const void *p, size_t n, uint64_t seed)
{
    const unsigned char *b = p;
    uint64_t h = 0xcbf29ce484222325ull ^ seed;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ull;
    }
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return h;
}

strtab *strtab_new(void)
{
    strtab *t = xcalloc(1, sizeof *t);
    t->cap = 64;
    t->ents = xmalloc(t->cap * sizeof *t->ents);
    t->ents[0] = (strent){"", 0, 0};
    t->count = 1;
    t->nslots = 128;
    t->slots = xcalloc(t->nslots, sizeof *t->slots);
    return t;
}

void strtab_free(strtab *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nblocks; i++)
        free(t->blocks[i]);
    free(t->blocks);
    free(t->ents);
    free(t->slots);
    free(t);
}

static const char *store(strtab *t, const char *s, size_t n)
{
    if (t->block_used + n + 1 > t->block_cap) {
        size_t cap = n + 1 > 65536 ? n + 1 : 65536;
        t->block = xmalloc(cap);
        t->block_cap = cap;
        t->block_used = 0;
        if (t->nblocks == t->blocks_cap) {
            t->blocks_cap = t->blocks_cap ? t->blocks_cap * 2 : 16;
            t->blocks = xrealloc(t->blocks, t->blocks_cap * sizeof *t->blocks);
        }
        t->blocks[t->nblocks++] = t->block;
    }
    char *d = t->block + t->block_used;
    memcpy(d, s, n);
    d[n] = 0;
    t->block_used += n + 1;
    return d;
}

static void grow(strtab *t)
{
    uint32_t n = t->nslots * 2;
    uint32_t *slots = xcalloc(n, sizeof *slots);
    for (uint32_t id = 1; id < t->count; id++) {
        uint32_t i = t->ents[id].hash32 & (n - 1);
        while (slots[i])
            i = (i + 1) & (n - 1);
        slots[i] = id + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = n;
}

static uint32_t lookup(const strtab *t, const char *s, size_t n, uint32_t h, uint32_t *slot)
{
    uint32_t i = h & (t->nslots - 1);
    for (;;) {
        uint32_t v = t->slots[i];
        if (!v) {
            *slot = i;
            return UINT32_MAX;
        }
        const strent *e = &t->ents[v - 1];
        if (e->hash32 == h && e->len == n && memcmp(e->s, s, n) == 0)
            return v - 1;
        i = (i + 1) & (t->nslots - 1);
    }
}

uint32_t strtab_find(const strtab *t, const char *s, size_t n)
{
    if (n == 0)
        return 0;
    uint32_t slot;
    return lookup(t, s, n, (uint32_t)rl_hash(s, n, 0), &slot);
}

uint32_t strtab_intern(strtab *t, const char *s, size_t n)
{
    if (n == 0)
        return 0;
    uint32_t h = (uint32_t)rl_hash(s, n, 0), slot;
    uint32_t id = lookup(t, s, n, h, &slot);
    if (id != UINT32_MAX)
        return id;
    if (t->count == t->cap) {
        t->cap *= 2;
        t->ents = xrealloc(t->ents, t->cap * sizeof *t->ents);
    }
    id = t->count++;
    t->ents[id] = (strent){store(t, s, n), (uint32_t)n, h};
    t->slots[slot] = id + 1;
    if ((uint64_t)t->count * 4 > (uint64_t)t->nslots * 3)
        grow(t);
    return id;
}

const char *strtab_get(const strtab *t, uint32_t id) { return id < t->count ? t->ents[id].s : ""; }
size_t strtab_len(const strtab *t, uint32_t id) { return id < t->count ? t->ents[id].len : 0; }
uint32_t strtab_count(const strtab *t) { return t->count; }
