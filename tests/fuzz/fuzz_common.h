/*
 * fuzz_common.h - what the libFuzzer targets in tests/fuzz/ share.
 *
 * Each target reads its first byte as a "mode" (chunk size, flags) and
 * the rest as data, so one corpus file says both how the bytes arrive
 * and what they are.  A target checks the contract it exercises (every
 * data row becomes a record or a reject, origins inside the input,
 * strings bounded) and calls abort() when it is broken, which libFuzzer
 * reports as a crash like any sanitizer finding.
 *
 * FUZZ_EXPAND: hostile lengths (a 64 KiB line, a multi-megabyte field)
 * cannot be reached with the few kilobytes a fuzzer mutates well, so a
 * target may expand its data first: the byte 0xFE followed by k repeats
 * the byte before it (k + 1) * 512 times.  Only targets whose mode asks
 * for it expand; otherwise 0xFE is an ordinary byte.
 */
#ifndef RL_FUZZ_COMMON_H
#define RL_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define FUZZ_EXPAND_MARK 0xFE
#define FUZZ_EXPAND_MAX (320u << 10) /* bytes after expansion: past every limit, still fast */

#define FUZZ_CHECK(cond)                                                                                     \
    do {                                                                                                     \
        if (!(cond)) {                                                                                       \
            fprintf(stderr, "fuzz contract broken at %s:%d: %s\n", __FILE__, __LINE__, #cond);              \
            abort();                                                                                         \
        }                                                                                                    \
    } while (0)

/* Expand runs as described above into a malloc'd buffer (caller frees). */
static inline uint8_t *fuzz_expand(const uint8_t *p, size_t n, size_t *outn)
{
    size_t cap = n + 16, len = 0;
    uint8_t *o = malloc(cap);
    if (!o)
        abort();
    for (size_t i = 0; i < n; i++) {
        size_t rep = 1;
        uint8_t c = p[i];
        if (c == FUZZ_EXPAND_MARK && i + 1 < n && len > 0) {
            c = o[len - 1];
            rep = ((size_t)p[i + 1] + 1) * 512;
            i++;
        }
        if (len + rep > FUZZ_EXPAND_MAX)
            rep = FUZZ_EXPAND_MAX - len;
        if (len + rep > cap) {
            while (len + rep > cap)
                cap *= 2;
            o = realloc(o, cap);
            if (!o)
                abort();
        }
        memset(o + len, c, rep);
        len += rep;
        if (len == FUZZ_EXPAND_MAX)
            break;
    }
    *outn = len;
    return o;
}

/* The data as a file with a path (/proc/self/fd/N of a memfd), for the
 * entry points that open a path (rl_src_open, rules_load, dispatch).
 * Returns the fd (close it when done) and writes the path. */
static inline int fuzz_memfile(const void *p, size_t n, char path[64])
{
    int fd = memfd_create("roadlog-fuzz", MFD_CLOEXEC);
    if (fd < 0)
        abort();
    const char *c = p;
    while (n > 0) {
        ssize_t k = write(fd, c, n);
        if (k <= 0)
            abort();
        c += k;
        n -= (size_t)k;
    }
    snprintf(path, 64, "/proc/self/fd/%d", fd);
    return fd;
}

/* Physical lines in p as csvin numbers them: ended by LF, or by a lone
 * CR when the first line ends so; the last may lack its end. */
static inline uint64_t fuzz_lines(const uint8_t *p, size_t n)
{
    uint8_t eol = '\n';
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n')
            break;
        if (p[i] == '\r') {
            if (i + 1 < n && p[i + 1] != '\n')
                eol = '\r';
            break;
        }
    }
    uint64_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += p[i] == eol;
    return k + (n > 0 && p[n - 1] != eol);
}

#endif
