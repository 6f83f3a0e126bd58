/*
 * fuzz_pcapin.c - libFuzzer target for the capture reader (libpcap does
 * the file format; this covers link layers, IP, TCP reassembly, UDP).
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -Iparsers \
 *         tests/fuzz/fuzz_pcapin.c parsers/pcapin.c parsers/jt808.c -lpcap -o fuzz_pcapin
 *
 * Small buffer limits so the bounded-memory paths run too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "pcapin.h"

static void on_pos(void *ud, const rl_position *p)
{
    (void)ud;
    if (!p->phone || p->phone_len == 0)
        abort();
}

static bool on_reject(void *ud, rl_origin w, const char *why, const void *raw, size_t n)
{
    (void)ud;
    (void)w;
    (void)raw;
    if (!why || !*why || n > 64)
        abort();
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    FILE *f = fmemopen((void *)data, size, "rb");
    if (!f)
        return 0;
    rl_sink sk = {.position = on_pos, .reject = on_reject};
    jt808_session *s = jt808_session_new();
    pcapin_opts o = {.port = 0, .stream_buffer_max = 3000, .total_buffer_max = 20000, .max_open_streams = 3};
    pcapin_read(f, "fuzz", 2, s, &sk, &o);
    jt808_session_free(s);
    return 0;
}
