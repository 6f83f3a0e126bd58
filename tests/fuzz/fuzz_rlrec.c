/*
 * fuzz_rlrec.c - libFuzzer target for the record file reader
 * (parsers/rlrec.c): what `analyze` does with a part written by `roadlog
 * shard`, or with a file that only looks like one.
 *
 * The first byte picks the chunk size (bits 0-5) and --strict (bit 7);
 * the rest is the file.  Checks: strings lie inside their lengths and
 * inside the bytes given, origins name a declared input, colours and
 * axle counts are in range, an end summary's hash is hex; reading stops
 * at the first damage with a reason and an offset inside the file, and
 * nothing is delivered after it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rlrec.h"

typedef struct st {
    size_t n;
    unsigned inputs;
    bool strict, stopped;
} st;

static void text(const char *s, size_t n)
{
    if ((s == NULL) != (n == 0))
        abort();
    volatile char c = 0;
    for (size_t i = 0; i < n; i++)
        c ^= s[i]; /* ASan checks each byte is readable */
    (void)c;
}

static void origin(const st *s, rl_origin o)
{
    if (s->stopped || RL_ORIGIN_FILE(o) < 1000 || RL_ORIGIN_FILE(o) >= 1000 + s->inputs)
        abort();
}

static void on_pos(void *ud, const rl_position *p)
{
    st *s = ud;
    origin(s, p->origin);
    if (p->color < 0 || p->color > 255 || (p->have & ~31u))
        abort();
    text(p->plate, p->plate_len);
    text(p->phone, p->phone_len);
    text(p->driver, p->driver_len);
}

static void on_weigh(void *ud, const rl_weighing *w)
{
    st *s = ud;
    origin(s, w->origin);
    if (w->naxle_kg < 0 || w->naxle_kg > RL_MAX_AXLES || w->color < 0 || w->color > 255)
        abort();
    text(w->station, w->station_len);
    text(w->plate, w->plate_len);
}

static void on_reg(void *ud, const char *phone, size_t pn, const char *plate, size_t n, int color, rl_origin o)
{
    st *s = ud;
    origin(s, o);
    if (!pn || !n || color < 0 || color > 255)
        abort();
    text(phone, pn);
    text(plate, n);
}

static bool on_reject(void *ud, rl_origin o, const char *why, const void *raw, size_t n)
{
    st *s = ud;
    origin(s, o);
    if (!why || strlen(why) >= 1024)
        abort();
    text(raw, n);
    if (s->strict)
        s->stopped = true;
    return !s->strict;
}

static void on_count(void *ud, const char *what, uint64_t n)
{
    st *s = ud;
    (void)n;
    if (s->stopped || !what || !*what)
        abort();
}

static bool on_input(void *ud, unsigned j, uint32_t global, const char *name, const char *path, unsigned *index)
{
    st *s = ud;
    (void)global;
    if (s->stopped || j != s->inputs || !name || !*name || !path)
        abort();
    *index = 1000 + s->inputs++;
    return true;
}

static void on_begin(void *ud, unsigned index, rl_loc_kind loc, const char *kind)
{
    st *s = ud;
    if (s->stopped || index < 1000 || index >= 1000 + s->inputs || loc > RL_LOC_PACKET || !kind)
        abort();
}

static bool on_end(void *ud, unsigned index, const rlrec_stats *x)
{
    st *s = ud;
    if (s->stopped || index < 1000 || index >= 1000 + s->inputs)
        abort();
    size_t h = strlen(x->sha256);
    if (h != 0 && h != 64)
        abort();
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    data++;
    size--;
    st s = {.n = size, .strict = mode & 0x80};
    rl_sink sink = {&s, on_pos, on_reg, on_weigh, on_reject, on_count};
    rlrec_meta meta = {&s, NULL, on_input, on_begin, on_end};
    rlrec_dec *d = rlrec_dec_new(&sink, &meta);
    size_t chunk = 1 + (size_t)(mode & 0x3F) * 97;
    bool ok = true;
    for (size_t i = 0; i < size && ok; i += chunk)
        ok = rlrec_feed(d, data + i, size - i < chunk ? size - i : chunk);
    if (ok)
        ok = rlrec_finish(d);
    uint64_t off = 0;
    const char *why = rlrec_error(d, &off);
    if (ok ? why != NULL : (why == NULL && !s.stopped))
        abort(); /* an error always says why; a stop is --strict's */
    if (why && (off > size || !*why))
        abort();
    rlrec_dec_free(d);
    return 0;
}
