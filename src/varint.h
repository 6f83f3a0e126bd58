/*
 * varint.h - variable-length integers, 7 bits a byte (low first), signed
 * ones zigzagged: the carry of a --resume chain (carry.c, resume.c) and
 * the memory spill (spill.c) write fixes as small differences this way.
 */
#ifndef RL_VARINT_H
#define RL_VARINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* v into x (room for 10 bytes); returns the bytes written. */
static inline size_t uvar_put(unsigned char *x, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        x[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    x[n++] = (unsigned char)v;
    return n;
}

/* The varint at p[*at] of p[0..n): advances *at; false (and *at left at
 * n) when it runs past n or past 64 bits. */
static inline bool uvar_get(const unsigned char *p, size_t n, size_t *at, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned shift = 0; shift < 64 && *at < n; shift += 7) {
        unsigned char c = p[(*at)++];
        x |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *v = x;
            return true;
        }
    }
    *at = n;
    *v = x;
    return false;
}

static inline uint64_t zigzag(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }
static inline int64_t unzigzag(uint64_t u) { return (int64_t)(u >> 1) ^ -(int64_t)(u & 1); }

#endif
