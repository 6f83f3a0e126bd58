/*
 * fuzz_table.h - the csvin wiring the table targets share (GPS,
 * weighbridge, registry), as src/dispatch.c read_table does it, plus the
 * contract checks common to every table: each data row that reaches the
 * table parser gives exactly one record or exactly one reject, never none
 * (a valid row dropped silently) and never both.
 *
 * Mode byte: bits 0-2 chunk size, bits 3-4 the header (0: the data's own
 * first line; 1-3: a header given by the target, so the fuzzer spends its
 * time on rows), bit 5 a target flag, bit 6 expand runs (fuzz_common.h),
 * bit 7 --strict.
 */
#ifndef RL_FUZZ_TABLE_H
#define RL_FUZZ_TABLE_H

#include <stdbool.h>

#include "csvhdr.h"
#include "csvin.h"
#include "fuzz_common.h"
#include "sink.h"
#include "util.h"

typedef struct ftable ftable;

/* What a target plugs in: make its parser from the header (return false
 * when the header is not its table), feed it one row, free it. */
typedef struct {
    bool (*open)(ftable *t, const csv_row *header);
    bool (*row)(ftable *t, const csv_row *row);
    void (*close)(ftable *t);
} ftable_ops;

struct ftable {
    ftable_ops ops;
    rl_sink sink;
    void *parser;
    void *target;        /* the target's own state */
    bool strict, flag;
    uint64_t lines;      /* physical lines of the input */
    uint64_t rows;       /* data rows handed to the parser */
    uint64_t records;    /* records the parser gave */
    uint64_t rejects;    /* rejects (csvin's and the parser's) */
    uint64_t outcome;    /* records + rejects during the current row */
    bool in_row;
    rl_buf log;          /* one letter per row: R record, X reject */
};

static void ft_reject_common(ftable *t, rl_origin where, const char *why)
{
    FUZZ_CHECK(why && *why);
    FUZZ_CHECK(RL_ORIGIN_FILE(where) == 1);
    FUZZ_CHECK(RL_ORIGIN_POS(where) >= 1 && RL_ORIGIN_POS(where) <= t->lines);
    t->rejects++;
    if (t->in_row) {
        t->outcome++;
        buf_putc(&t->log, 'X');
    }
}

static void ft_record_common(ftable *t, rl_origin where)
{
    FUZZ_CHECK(t->in_row);
    FUZZ_CHECK(RL_ORIGIN_FILE(where) == 1);
    FUZZ_CHECK(RL_ORIGIN_POS(where) >= 2 && RL_ORIGIN_POS(where) <= t->lines);
    t->records++;
    t->outcome++;
    buf_putc(&t->log, 'R');
}

static bool ft_sink_reject(void *ud, rl_origin where, const char *why, const void *raw, size_t n)
{
    ftable *t = ud;
    (void)raw;
    FUZZ_CHECK(n <= 4 * (size_t)CSVIN_MAX_LINE);
    ft_reject_common(t, where, why);
    return !t->strict;
}

static void ft_sink_count(void *ud, const char *what, uint64_t n)
{
    (void)ud;
    FUZZ_CHECK(what && *what && n > 0);
}

static bool ft_header(void *ud, const csv_row *h)
{
    ftable *t = ud;
    return t->ops.open(t, h);
}

static bool ft_row(void *ud, const csv_row *row)
{
    ftable *t = ud;
    t->rows++;
    t->in_row = true;
    t->outcome = 0;
    bool go = t->ops.row(t, row);
    t->in_row = false;
    /* one row, one outcome: a record, or a reject that says why */
    if (t->outcome != 1) {
        fprintf(stderr, "line %llu gave %llu outcomes\n", (unsigned long long)row->line,
                (unsigned long long)t->outcome);
        FUZZ_CHECK(t->outcome == 1);
    }
    FUZZ_CHECK(go || t->strict);
    return go;
}

static bool ft_csv_reject(void *ud, uint64_t line, const char *why, const void *raw, size_t n)
{
    return ft_sink_reject(ud, RL_ORIGIN(1, line), why, raw, n);
}

/* Run the table over data (mode as described at the top); `headers` are
 * the three headers modes 1-3 put in front. */
static void ft_run(ftable *t, const uint8_t *data, size_t size, const char *const headers[3])
{
    if (size < 1)
        return;
    uint8_t mode = data[0];
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    uint8_t *big = NULL;
    if (mode & 0x40) {
        big = fuzz_expand(p, n, &n);
        p = big;
    }
    unsigned hk = (mode >> 3) & 3;
    uint8_t *joined = NULL;
    if (hk) {
        size_t hl = strlen(headers[hk - 1]);
        joined = malloc(hl + n + 1);
        if (!joined)
            abort();
        memcpy(joined, headers[hk - 1], hl);
        if (n)
            memcpy(joined + hl, p, n);
        p = joined;
        n += hl;
    }
    t->strict = mode & 0x80;
    t->flag = mode & 0x20;
    t->lines = fuzz_lines(p, n);
    t->sink.ud = t;
    if (!t->sink.reject)
        t->sink.reject = ft_sink_reject;
    t->sink.count = ft_sink_count;
    static const size_t chunks[8] = {1, 2, 3, 7, 64, 1000, 4096, 1u << 20};
    size_t chunk = chunks[mode & 7];
    csvin_handler h = {t, ft_header, ft_row, ft_csv_reject};
    csvin *c = csvin_new(&h);
    bool go = true;
    for (size_t i = 0; i < n && go; i += chunk)
        go = csvin_feed(c, p + i, n - i < chunk ? n - i : chunk);
    if (go)
        csvin_finish(c);
    csvin_free(c);
    if (t->parser)
        t->ops.close(t);
    t->parser = NULL;
    FUZZ_CHECK(t->records <= t->rows);
    free(joined);
    free(big);
}

#endif
