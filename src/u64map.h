/*
 * u64map.h - a small open-addressing map from 64-bit keys to 32-bit values.
 *
 * Used wherever an id pair names something: (plate id, colour) -> registry
 * row, phone id -> plate, driver id -> timeline.  Key 0 is reserved.
 */
#ifndef RL_U64MAP_H
#define RL_U64MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct u64map {
    uint64_t *keys;
    uint32_t *vals;
    size_t n, cap; /* cap: power of two */
} u64map;

void u64map_init(u64map *m);
void u64map_free(u64map *m);
/* Pointer to the value of key, inserting `def` when absent. */
uint32_t *u64map_put(u64map *m, uint64_t key, uint32_t def);
/* Value of key or false when absent. */
bool u64map_get(const u64map *m, uint64_t key, uint32_t *val);

#endif
