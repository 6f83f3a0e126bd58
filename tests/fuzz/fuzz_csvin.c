/*
 * fuzz_csvin.c - libFuzzer target for the CSV table reader (parsers/csvin.c).
 *
 * Built by tests/fuzz/run.sh against build-fuzz/libroadlog.a.
 *
 * Mode byte: bits 0-5 chunk size (1 + 13 k), bit 6 expand runs (see
 * fuzz_common.h: lines and fields past the 64 KiB limit), bit 7 --strict
 * (a reject stops the reader).  The data is read three times:
 *   A  in one piece,
 *   B  in chunks of the mode's size,
 *   C  in one piece with every line sent through libcsv.
 * A and B must give exactly the same header, rows and rejects (push-style
 * means the chunking never matters); A and C the same fields and lines
 * (the direct split of a quote-free line is RFC 4180 as libcsv reads it).
 * Every row and reject names a line inside the input; rows come in input
 * order (a lone CR ends a row without ending the physical line, so two
 * rows may share a line; a reject may name an earlier line: a quote found
 * open at the end is rejected at its first line); fields are valid UTF-8
 * and bounded.
 */
#include <stdbool.h>

#include "csvin.h"
#include "fuzz_common.h"
#include "plate.h"
#include "util.h"

typedef struct {
    rl_buf log;
    uint64_t lines;     /* physical lines in the input */
    uint64_t last;      /* line of the last row or reject */
    bool strict;
} rec;

static void log_row(rec *r, char tag, const csv_row *row)
{
    FUZZ_CHECK(row->n >= 1 && row->n <= CSVIN_MAX_FIELDS);
    FUZZ_CHECK(row->line >= 1 && row->line <= r->lines);
    buf_printf(&r->log, "%c%llu", tag, (unsigned long long)row->line);
    size_t total = 0;
    for (size_t i = 0; i < row->n; i++) {
        FUZZ_CHECK(row->f[i] != NULL || row->len[i] == 0);
        FUZZ_CHECK(utf8_valid(row->f[i], row->len[i]));
        total += row->len[i];
        buf_putc(&r->log, '|');
        buf_printf(&r->log, "%zu:", row->len[i]);
        buf_put(&r->log, row->f[i], row->len[i]);
    }
    /* a row is at most a few lines' worth of bytes (GBK grows by half) */
    FUZZ_CHECK(total <= 4 * (size_t)CSVIN_MAX_LINE);
    FUZZ_CHECK(row->raw_len <= 4 * (size_t)CSVIN_MAX_LINE);
    buf_putc(&r->log, '\n');
}

static bool on_header(void *ud, const csv_row *row)
{
    rec *r = ud;
    FUZZ_CHECK(row->line >= r->last);
    r->last = row->line;
    log_row(r, 'H', row);
    return true;
}

static bool on_row(void *ud, const csv_row *row)
{
    rec *r = ud;
    FUZZ_CHECK(row->line >= r->last);
    r->last = row->line;
    log_row(r, 'R', row);
    return true;
}

static bool on_reject(void *ud, uint64_t line, const char *why, const void *raw, size_t n)
{
    rec *r = ud;
    FUZZ_CHECK(line >= 1 && line <= r->lines);
    FUZZ_CHECK(why && *why);
    FUZZ_CHECK(n <= 4 * (size_t)CSVIN_MAX_LINE);
    (void)raw;
    buf_printf(&r->log, "X%llu %s\n", (unsigned long long)line, why);
    return !r->strict;
}

static bool same(const rl_buf *a, const rl_buf *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->p, b->p, a->len) == 0);
}

static void run_once(rec *r, const uint8_t *p, size_t n, size_t chunk, bool libcsv)
{
    csvin_handler h = {r, on_header, on_row, on_reject};
    csvin *c = csvin_new(&h);
    csvin_force_libcsv(c, libcsv);
    bool go = true;
    for (size_t i = 0; i < n && go; i += chunk)
        go = csvin_feed(c, p + i, n - i < chunk ? n - i : chunk);
    if (go)
        csvin_finish(c);
    csvin_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    uint8_t *big = NULL;
    if (mode & 0x40) {
        big = fuzz_expand(p, n, &n);
        p = big;
    }
    size_t chunk = 1 + (size_t)(mode & 0x3F) * 13;
    uint64_t lines = fuzz_lines(p, n);
    rec a = {.lines = lines, .strict = mode & 0x80};
    rec b = a, c = a;
    run_once(&a, p, n, n ? n : 1, false);
    run_once(&b, p, n, chunk, false);
    run_once(&c, p, n, n ? n : 1, true);
    if (!same(&a.log, &b.log)) {
        fprintf(stderr, "whole:\n%.*s\nchunks of %zu:\n%.*s\n", (int)a.log.len, a.log.p, chunk, (int)b.log.len,
                b.log.p);
        FUZZ_CHECK(!"chunking changed what csvin read");
    }
    if (!same(&a.log, &c.log)) {
        fprintf(stderr, "direct split:\n%.*s\nlibcsv:\n%.*s\n", (int)a.log.len, a.log.p, (int)c.log.len, c.log.p);
        FUZZ_CHECK(!"the direct split and libcsv disagree");
    }
    buf_free(&a.log);
    buf_free(&b.log);
    buf_free(&c.log);
    free(big);
    return 0;
}
