/*
 * counters.h - named counters for run.json ("jt808.skipped.0x0104",
 * "weighbridge.duplicates", ...).  The run has one set; each worker of a
 * parallel pass keeps its own and they are added up when it is done, so
 * no counter is shared between threads.
 */
#ifndef RL_COUNTERS_H
#define RL_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

typedef struct rl_counter {
    char *name;
    uint64_t n;
} rl_counter;

typedef struct rl_counters {
    rl_counter *c;
    size_t n;
} rl_counters;

void counters_add(rl_counters *cs, const char *name, uint64_t n);
/* Add every counter of src to dst. */
void counters_merge(rl_counters *dst, const rl_counters *src);
/* The value of a counter, 0 when it was never added to. */
uint64_t counters_get(const rl_counters *cs, const char *name);
void counters_free(rl_counters *cs);

#endif
