/*
 * bench_jt808.c - speed of the JT/T 808 decoder and the capture reader
 * alone (a sink that only counts), on files made by fixtures/gen808.
 * `make tools` builds it against build/libroadlog.a like every other tool
 * (so a link error shows in every build, not only in `make bench`):
 *
 *   build/tests/bench_jt808 fleet.808 fleet.pcap [REPS]
 *
 * The file is read into memory first (the pcap through fmemopen), so the
 * figure is decoding, not disk or page cache.  Time is the thread's CPU
 * time, best of REPS (default 10), so a busy machine does not lower it.
 * `roadlog decode` / `analyze` on the same files add CSV writing or the
 * analysis on top; see tests/bench.sh for those.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "jt808.h"
#include "pcapin.h"

static unsigned long long positions, rejects;

static void on_pos(void *ud, const rl_position *p)
{
    (void)ud;
    (void)p;
    positions++;
}

static bool on_reject(void *ud, rl_origin w, const char *why, const void *raw, size_t n)
{
    (void)ud;
    (void)w;
    (void)why;
    (void)raw;
    (void)n;
    rejects++;
    return true;
}

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(sz > 0 ? (size_t)sz : 1);
    if (!b || fread(b, 1, (size_t)sz, f) != (size_t)sz) {
        fprintf(stderr, "%s: cannot read\n", path);
        exit(2);
    }
    fclose(f);
    *n = (size_t)sz;
    return b;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_jt808 FILE.808 FILE.pcap [REPS]\n");
        return 2;
    }
    int reps = argc > 3 ? atoi(argv[3]) : 10;
    rl_sink sk = {.position = on_pos, .reject = on_reject};
    size_t n;
    unsigned char *b = slurp(argv[1], &n);
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        positions = rejects = 0;
        jt808_session *s = jt808_session_new();
        jt808_dec *d = jt808_new(s, &sk, 0, RL_LOC_OFFSET);
        double t0 = cpu_now();
        for (size_t i = 0; i < n; i += 1 << 20) /* the 1 MiB chunks dispatch.c reads */
            jt808_feed(d, b + i, n - i < (1u << 20) ? n - i : 1u << 20, i);
        jt808_finish(d);
        double t = cpu_now() - t0;
        jt808_free(d);
        jt808_session_free(s);
        if (t < best)
            best = t;
    }
    /* a benchmark that decoded nothing measured nothing: fail */
    if (positions == 0) {
        fprintf(stderr, "bench_jt808: %s: no position decoded (%llu rejects)\n", argv[1], rejects);
        return 1;
    }
    printf("raw JT/T 808: %zu bytes, %llu positions, %llu rejects: %.3f s, %.0f MB/s, %.2f M positions/s\n", n,
           positions, rejects, best, (double)n / best / 1e6, (double)positions / best / 1e6);
    free(b);
    b = slurp(argv[2], &n);
    best = 1e30;
    for (int r = 0; r < reps; r++) {
        positions = rejects = 0;
        FILE *f = fmemopen(b, n, "rb");
        jt808_session *s = jt808_session_new();
        double t0 = cpu_now();
        if (!f) {
            perror("fmemopen");
            return 1;
        }
        if (pcapin_read(f, argv[2], 1, s, &sk, NULL) != 0) {
            fprintf(stderr, "bench_jt808: %s: not a capture libpcap reads\n", argv[2]);
            return 1;
        }
        double t = cpu_now() - t0;
        jt808_session_free(s);
        if (t < best)
            best = t;
    }
    if (positions == 0) {
        fprintf(stderr, "bench_jt808: %s: no position decoded (%llu rejects)\n", argv[2], rejects);
        return 1;
    }
    printf("pcap:         %zu bytes, %llu positions, %llu rejects: %.3f s, %.0f MB/s, %.2f M positions/s\n", n,
           positions, rejects, best, (double)n / best / 1e6, (double)positions / best / 1e6);
    free(b);
    return 0;
}
