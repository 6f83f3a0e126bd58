/*
 * numparse.c - locale-free fixed-point parsing (see numparse.h).
 *
 * The fast path reads plain decimals digit by digit; anything with an
 * exponent goes through strtod under a check for finiteness and range.
 */
#include "numparse.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const int64_t pow10_tab[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
/* the largest integer part that still fits an int64 at each scale */
static const uint64_t int_limit[] = {
    INT64_MAX / 1 - 1,         INT64_MAX / 10 - 1,       INT64_MAX / 100 - 1,
    INT64_MAX / 1000 - 1,      INT64_MAX / 10000 - 1,    INT64_MAX / 100000 - 1,
    INT64_MAX / 1000000 - 1,   INT64_MAX / 10000000 - 1, INT64_MAX / 100000000 - 1,
};

static const char *slow_path(const char *s, size_t n, int scale, int64_t *out)
{
    char buf[64];
    if (n >= sizeof buf)
        return "number is too long";
    memcpy(buf, s, n);
    buf[n] = 0;
    for (size_t i = 0; i < n; i++) { /* only digits, sign, point, exponent */
        char c = buf[i];
        if (!((c >= '0' && c <= '9') || c == '.' || c == '+' || c == '-' || c == 'e' || c == 'E'))
            return "not a number";
    }
    char *end;
    double v = strtod(buf, &end);
    if (end != buf + n || end == buf)
        return "not a number";
    if (!isfinite(v))
        return "number is out of range";
    double scaled = v * (double)pow10_tab[scale];
    if (fabs(scaled) > 9.0e15)
        return "number is out of range";
    *out = (int64_t)llround(scaled);
    return NULL;
}

const char *num_fixed(const char *s, size_t n, int scale, int64_t *out)
{
    trim_span(&s, &n);
    if (n == 0)
        return "empty";
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    bool neg = false;
    if (*p == '-' || *p == '+') {
        neg = *p == '-';
        p++;
    }
    /* integer part: up to 18 significant digits fit an int64 */
    const unsigned char *ip0 = p;
    uint64_t ip = 0;
    unsigned d;
    while (p < e && (d = (unsigned)(*p - '0')) <= 9) {
        ip = ip * 10 + d;
        p++;
        if (ip > 100000000000000000ull) /* 1e17: 25-digit integers end here */
            return "number is out of range";
    }
    bool had_int = p > ip0;
    /* fraction: `scale` digits kept, the next one rounds (half away from
     * zero), the rest must still be digits */
    uint64_t frac = 0;
    int fd = 0;
    bool had_frac = false;
    unsigned round_up = 0;
    if (p < e && *p == '.') {
        p++;
        const unsigned char *f0 = p;
        while (p < e && fd < scale && (d = (unsigned)(*p - '0')) <= 9) {
            frac = frac * 10 + d;
            fd++;
            p++;
        }
        if (p < e && (d = (unsigned)(*p - '0')) <= 9) {
            round_up = d >= 5;
            p++;
            while (p < e && (unsigned)(*p - '0') <= 9)
                p++;
        }
        had_frac = p > f0;
    }
    if (p != e) {
        if (*p == 'e' || *p == 'E')
            return slow_path(s, n, scale, out);
        return "not a number";
    }
    if (!had_int && !had_frac)
        return "not a number";
    if (ip > int_limit[scale])
        return "number is out of range";
    int64_t v = (int64_t)ip * pow10_tab[scale] + (int64_t)frac * pow10_tab[scale - fd] + (int64_t)round_up;
    *out = neg ? -v : v;
    return NULL;
}

const char *num_whole(const char *s, size_t n, int64_t *out)
{
    int64_t v;
    const char *why = num_fixed(s, n, 3, &v);
    if (why)
        return why;
    if (v % 1000 != 0)
        return "not a whole number";
    *out = v / 1000;
    return NULL;
}

const char *num_word(const char *s, size_t n, uint32_t *out)
{
    trim_span(&s, &n);
    if (n == 0)
        return "empty";
    uint64_t v = 0;
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        if (n > 10)
            return "number is out of range";
        for (size_t i = 2; i < n; i++) {
            char c = s[i];
            unsigned d;
            if (c >= '0' && c <= '9')
                d = (unsigned)(c - '0');
            else if (c >= 'a' && c <= 'f')
                d = (unsigned)(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                d = (unsigned)(c - 'A' + 10);
            else
                return "not a hexadecimal number";
            v = v * 16 + d;
        }
    } else {
        if (n > 10)
            return "number is out of range";
        for (size_t i = 0; i < n; i++) {
            if (s[i] < '0' || s[i] > '9')
                return "not a whole number";
            v = v * 10 + (uint64_t)(s[i] - '0');
        }
        if (v > 0xFFFFFFFFull)
            return "number is out of range";
    }
    *out = (uint32_t)v;
    return NULL;
}

int num_format_fixed(char out[32], int64_t v, int scale)
{
    char tmp[32];
    int neg = v < 0;
    uint64_t a = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint64_t div = (uint64_t)pow10_tab[scale];
    uint64_t ip = a / div, fp = a % div;
    int n = 0;
    if (neg && (ip || fp))
        tmp[n++] = '-';
    char digs[24];
    int nd = 0;
    do {
        digs[nd++] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    while (nd)
        tmp[n++] = digs[--nd];
    if (fp) {
        tmp[n++] = '.';
        for (int i = scale - 1; i >= 0; i--) {
            tmp[n + i] = (char)('0' + fp % 10);
            fp /= 10;
        }
        n += scale;
        while (tmp[n - 1] == '0')
            n--;
    }
    memcpy(out, tmp, (size_t)n);
    out[n] = 0;
    return n;
}
