/*
 * fuzz_jt808.c - libFuzzer target for the JT/T 808 decoder.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -Iparsers \
 *         tests/fuzz/fuzz_jt808.c parsers/jt808.c -o fuzz_jt808
 *
 * The first byte picks the chunk size and whether a stream break or
 * --strict is exercised, and the active-safety dialect (GDRTA when the
 * chunk bits are odd); the rest is the stream.  Every callback checks
 * what the contract promises (strings inside their lengths, origins inside
 * the input).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jt808.h"

typedef struct st {
    size_t n;
    bool strict;
    unsigned rejects;
} st;

static void on_pos(void *ud, const rl_position *p)
{
    st *s = ud;
    if (RL_ORIGIN_POS(p->origin) >= s->n || !p->phone || p->phone_len == 0 || p->phone_len > 31)
        abort();
    for (size_t i = 0; i < p->phone_len; i++)
        if (p->phone[i] < '0' || p->phone[i] > '9')
            abort();
    if (p->driver && (p->driver_len == 0 || p->driver_len > 63))
        abort();
    const rl_safety *sf = p->safety;
    if (sf) {
        if (sf->nitems > RL_AS_MAX_ITEMS || (!sf->nitems && !sf->video.have))
            abort();
        for (unsigned i = 0; i < sf->nitems; i++) {
            const rl_as_item *it = &sf->items[i];
            if (it->kind >= RL_AS_KINDS || it->ntyres > RL_AS_MAX_TYRES ||
                it->terminal_id_len != strlen(it->terminal_id) || it->terminal_id_len > 30)
                abort();
            /* the item's own time is a real date (else it was skipped) */
            if (it->time < 946684800 - 8 * 3600 || it->time > 4102444800)
                abort();
        }
    }
}

static void on_reg(void *ud, const char *phone, size_t pl, const char *plate, size_t n, int color, rl_origin w)
{
    st *s = ud;
    (void)phone;
    (void)color;
    if (RL_ORIGIN_POS(w) >= s->n || pl == 0 || n == 0 || memchr(plate, 0, n))
        abort();
}

static bool on_reject(void *ud, rl_origin w, const char *why, const void *raw, size_t n)
{
    st *s = ud;
    (void)raw;
    if (RL_ORIGIN_POS(w) > s->n || !why || !*why || n > 64)
        abort();
    s->rejects++;
    return !s->strict;
}

static void on_count(void *ud, const char *what, uint64_t n)
{
    (void)ud;
    if (!what || strncmp(what, "jt808.", 6) != 0 || n == 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    data++;
    size--;
    st s = {.n = size, .strict = mode & 0x80};
    rl_sink sk = {.ud = &s, .position = on_pos, .registration = on_reg, .reject = on_reject, .count = on_count};
    jt808_session *ses = jt808_session_new();
    jt808_session_set_dialect(ses, (mode & 0x3F) % 2 ? JT808_DIALECT_GDRTA : JT808_DIALECT_JSATL);
    jt808_dec *d = jt808_new(ses, &sk, 1, RL_LOC_OFFSET);
    size_t chunk = 1 + (mode & 0x3F) * 7;
    for (size_t i = 0; i < size; i += chunk) {
        size_t k = size - i < chunk ? size - i : chunk;
        if (!jt808_feed(d, data + i, k, i))
            break;
        if ((mode & 0x40) && (i / chunk) % 5 == 4 && !jt808_break(d, "fuzz gap"))
            break;
    }
    jt808_finish(d);
    jt808_free(d);
    jt808_session_free(ses);
    return 0;
}
