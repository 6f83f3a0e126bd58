/*
 * fuzz_time.c - libFuzzer target for time parsing (src/timeutil.c).
 *
 * Data: a mode byte, then text cut in two at a point the mode picks.  The
 * second part is parsed by a fresh parser and by one that parsed the
 * first part before (the last-date cache must never leak one row's date
 * into the next).  A time that parses formats back to a text that parses
 * to the same instant.  The text also goes through the zone parser, the
 * JT/T 808 BCD reader and the day-number conversions, each checked
 * against its inverse.
 */
#include <stdbool.h>

#include "fuzz_common.h"
#include "timeutil.h"

static int32_t zone_of(uint8_t mode)
{
    /* -12:00 .. +14:00 in 15-minute steps, +08:00 most often */
    int k = mode % 128;
    return k < 105 ? (k - 48) * 900 : 8 * 3600;
}

static void roundtrip(int32_t tz, int64_t utc)
{
    char out[20];
    tu_format(utc, tz, out);
    int64_t y = (out[0] - '0') * 1000 + (out[1] - '0') * 100 + (out[2] - '0') * 10 + (out[3] - '0');
    if (y < 1 || y > 9998)
        return; /* outside what the format can write */
    tu_parser tp;
    tu_parser_init(&tp, tz);
    int64_t back;
    const char *why = tu_parse(&tp, out, 19, &back);
    if (why || back != utc) {
        fprintf(stderr, "%lld formats as '%s' which reads back as %lld (%s)\n", (long long)utc, out,
                (long long)back, why ? why : "ok");
        FUZZ_CHECK(!"format/parse round trip");
    }
    char iso[26];
    tu_format_iso(utc, tz, iso);
    tu_parser_init(&tp, 0);
    why = tu_parse(&tp, iso, 25, &back);
    FUZZ_CHECK(!why && back == utc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 256)
        return 0;
    uint8_t mode = data[0];
    const char *s = (const char *)data + 1;
    size_t n = size - 1;
    int32_t tz = zone_of(mode);
    size_t cut = n ? (size_t)(mode * 7u) % (n + 1) : 0;

    tu_parser fresh, warm;
    tu_parser_init(&fresh, tz);
    tu_parser_init(&warm, tz);
    int64_t a = 0, b = 0, first = 0;
    tu_parse(&warm, s, cut, &first);
    const char *wa = tu_parse(&fresh, s + cut, n - cut, &a);
    const char *wb = tu_parse(&warm, s + cut, n - cut, &b);
    if ((wa == NULL) != (wb == NULL) || (!wa && a != b)) {
        fprintf(stderr, "'%.*s' after '%.*s': %s %lld, fresh: %s %lld\n", (int)(n - cut), s + cut, (int)cut, s,
                wb ? wb : "ok", (long long)b, wa ? wa : "ok", (long long)a);
        FUZZ_CHECK(!"the date cache changed a result");
    }
    if (wa)
        FUZZ_CHECK(*wa);
    else
        roundtrip(tz, a);
    /* the whole text too (more bytes reach the slow paths) */
    tu_parser tp;
    tu_parser_init(&tp, tz);
    if (!tu_parse(&tp, s, n, &a))
        roundtrip(tz, a);

    /* zones */
    char z[16];
    if (n < sizeof z) {
        memcpy(z, s, n);
        z[n] = 0;
        int32_t off;
        if (memchr(z, 0, n) == NULL && tu_parse_tz(z, &off))
            FUZZ_CHECK(off >= -14 * 3600 - 59 * 60 && off <= 14 * 3600 + 59 * 60 && off % 60 == 0);
    }
    /* JT/T 808 BCD time: the digits must be what tu_format shows at +08:00 */
    if (n >= 6) {
        int64_t t;
        const unsigned char *bcd = (const unsigned char *)s;
        if (tu_from_bcd6(bcd, &t)) {
            char out[20];
            tu_format(t, 8 * 3600, out);
            char want[20];
            snprintf(want, sizeof want, "20%02x-%02x-%02x %02x:%02x:%02x", bcd[0], bcd[1], bcd[2], bcd[3], bcd[4],
                     bcd[5]);
            FUZZ_CHECK(strcmp(out, want) == 0);
        }
    }
    /* day numbers: any day of years -100000..100000 and back */
    if (n >= 4) {
        int32_t raw;
        memcpy(&raw, s, 4);
        int64_t days = (int64_t)raw % 40000000;
        int64_t y;
        unsigned m, d;
        tu_civil_from_days(days, &y, &m, &d);
        FUZZ_CHECK(tu_valid_date(y, m, d));
        FUZZ_CHECK(tu_days_from_civil(y, m, d) == days);
        int64_t utc = days * RL_DAY_S + (raw & 0xFFFF);
        FUZZ_CHECK(tu_local_day(utc, tz) * RL_DAY_S + tu_local_sod(utc, tz) == utc + tz);
    }
    return 0;
}
