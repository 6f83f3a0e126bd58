/*
 * fuzz_numparse.c - libFuzzer target for number parsing (src/numparse.c).
 *
 * Mode byte: the scale (0-8) for num_fixed; the rest is the field.  The
 * result is compared with strtold on the same text: a number that parses
 * has the value strtold gives (to the last unit of the scale), a number
 * rejected as out of range is large, one rejected as not a number is one
 * strtold does not read whole (or has bytes no number has: NaN, inf,
 * hex).  num_word against strtoull; num_format_fixed read back by
 * num_fixed.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>

#include "fuzz_common.h"
#include "numparse.h"

static bool number_bytes(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || c == '.' || c == '+' || c == '-' || c == 'e' || c == 'E'))
            return false;
    }
    return n > 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 80)
        return 0;
    int scale = data[0] % 9;
    const char *s = (const char *)data + 1;
    size_t n = size - 1;
    char buf[96];
    memcpy(buf, s, n);
    buf[n] = 0;
    /* what num_fixed reads: the text trimmed of spaces and tabs */
    const char *t = buf;
    size_t tn = n;
    while (tn && (*t == ' ' || *t == '\t'))
        t++, tn--;
    while (tn && (t[tn - 1] == ' ' || t[tn - 1] == '\t'))
        tn--;
    char tb[96];
    memcpy(tb, t, tn);
    tb[tn] = 0;
    char *end;
    long double ref = strtold(tb, &end);
    bool whole = tn > 0 && end == tb + tn && number_bytes(tb, tn) && memchr(buf, 0, n) == NULL;
    long double scaled = ref * powl(10.0L, scale);

    int64_t v = 0;
    const char *why = num_fixed(s, n, scale, &v);
    if (!why) {
        FUZZ_CHECK(whole && isfinite(ref));
        long double diff = fabsl((long double)v - roundl(scaled));
        if (diff > 1 && diff > fabsl(scaled) * 1e-15L) {
            fprintf(stderr, "'%s' scale %d: %lld, strtold says %Lf\n", tb, scale, (long long)v, scaled);
            FUZZ_CHECK(!"num_fixed value differs from strtold");
        }
    } else if (strstr(why, "range")) {
        /* (a long run of digits is out of range before the bytes after
         * it are looked at) */
        size_t i = tb[0] == '-' || tb[0] == '+';
        size_t digits = 0;
        while (i < tn && tb[i] >= '0' && tb[i] <= '9')
            i++, digits++;
        /* more than 17 integer digits are out of range whatever follows
         * (even an exponent that would bring them back: no exporter
         * writes such a number) */
        if (whole && digits <= 17)
            FUZZ_CHECK(!isfinite(ref) || fabsl(scaled) > 9.0e15L || fabsl(ref) > 1e17L);
    } else if (!strstr(why, "too long") || tn < 64) {
        if (whole && isfinite(ref)) {
            fprintf(stderr, "'%s' rejected (%s) but strtold reads %Lf\n", tb, why, ref);
            FUZZ_CHECK(!"num_fixed rejected a number");
        }
    }

    uint32_t w;
    if (!num_word(s, n, &w)) {
        errno = 0;
        unsigned long long r = strtoull(tb, &end, tn > 2 && tb[0] == '0' && (tb[1] == 'x' || tb[1] == 'X') ? 16 : 10);
        FUZZ_CHECK(errno == 0 && end == tb + tn && r == w && tb[0] != '-' && tb[0] != '+');
    }

    /* format and read back */
    if (n >= 8) {
        int64_t x;
        memcpy(&x, s, 8);
        char out[32];
        int k = num_format_fixed(out, x, scale);
        FUZZ_CHECK(k > 0 && k < 32 && out[k] == 0);
        int64_t back;
        const char *bw = num_fixed(out, (size_t)k, scale, &back);
        if (!bw)
            FUZZ_CHECK(back == x);
        else
            FUZZ_CHECK(x > 100000000000000000ll / 10 || x < -100000000000000000ll / 10);
    }
    return 0;
}
