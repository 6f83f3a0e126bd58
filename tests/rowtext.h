/*
 * rowtext.h - csv_rows for the table-parser tests, written as
 * '|'-separated text (fields kept verbatim, spaces too).
 */
#ifndef RL_TEST_ROWTEXT_H
#define RL_TEST_ROWTEXT_H

#include <stdlib.h>
#include <string.h>

#include "csvin.h"

typedef struct row {
    csv_row r;
    const char *f[64];
    size_t len[64];
    char *buf;
} row;

static inline row *mk(const char *fields, uint64_t line)
{
    row *w = calloc(1, sizeof *w);
    w->buf = strdup(fields);
    size_t n = 0;
    char *p = w->buf;
    for (;;) {
        char *bar = strchr(p, '|');
        w->f[n] = p;
        w->len[n] = bar ? (size_t)(bar - p) : strlen(p);
        n++;
        if (!bar)
            break;
        *bar = 0;
        p = bar + 1;
    }
    w->r.n = n;
    w->r.f = (void *)w->f; /* const char ** or char **, as csvin.h has it */
    w->r.len = w->len;
    w->r.line = line;
    w->r.raw = fields;
    w->r.raw_len = strlen(fields);
    return w;
}

static inline void rm(row *w)
{
    free(w->buf);
    free(w);
}

#endif
