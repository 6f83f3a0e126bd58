/*
 * counters.c - named counters (see counters.h).  A run has a few dozen
 * names at most: a linear search is the right structure.
 */
#include "counters.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void counters_add(rl_counters *cs, const char *name, uint64_t n)
{
    for (size_t i = 0; i < cs->n; i++)
        if (strcmp(cs->c[i].name, name) == 0) {
            cs->c[i].n += n;
            return;
        }
    cs->c = xrealloc(cs->c, (cs->n + 1) * sizeof *cs->c);
    cs->c[cs->n++] = (rl_counter){xstrdup(name), n};
}

void counters_merge(rl_counters *dst, const rl_counters *src)
{
    for (size_t i = 0; i < src->n; i++)
        counters_add(dst, src->c[i].name, src->c[i].n);
}

uint64_t counters_get(const rl_counters *cs, const char *name)
{
    for (size_t i = 0; i < cs->n; i++)
        if (strcmp(cs->c[i].name, name) == 0)
            return cs->c[i].n;
    return 0;
}

void counters_free(rl_counters *cs)
{
    for (size_t i = 0; i < cs->n; i++)
        free(cs->c[i].name);
    free(cs->c);
    memset(cs, 0, sizeof *cs);
}
