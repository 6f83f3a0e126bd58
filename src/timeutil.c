/*
 * timeutil.c - civil-date arithmetic and time parsing (see timeutil.h).
 *
 * The day-number conversion is the classic era/day-of-era computation on
 * a March-based year (leap day last), exact for every proleptic Gregorian
 * date; no table, no mktime, no TZ environment.
 */
#include "timeutil.h"

#include <string.h>

#include "util.h"

int64_t tu_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void tu_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool tu_valid_date(int64_t y, unsigned m, unsigned d)
{
    static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1)
        return false;
    unsigned max = mdays[m - 1] + (m == 2 && leap(y));
    return d <= max;
}

static bool isdig(char c) { return c >= '0' && c <= '9'; }

/* Read 1..maxd digits at *p (bounded by e); returns the count read. */
static int digits(const char **p, const char *e, int maxd, unsigned *v)
{
    int n = 0;
    unsigned x = 0;
    while (*p < e && n < maxd && isdig(**p)) {
        x = x * 10 + (unsigned)(**p - '0');
        (*p)++;
        n++;
    }
    *v = x;
    return n;
}

void tu_format_tz(int32_t offset_s, char out[8])
{
    int32_t a = offset_s < 0 ? -offset_s : offset_s, h = a / 3600 % 100, m = a / 60 % 60;
    out[0] = offset_s < 0 ? '-' : '+';
    out[1] = (char)('0' + h / 10);
    out[2] = (char)('0' + h % 10);
    out[3] = ':';
    out[4] = (char)('0' + m / 10);
    out[5] = (char)('0' + m % 10);
    out[6] = 0;
}

bool tu_parse_tz(const char *s, int32_t *offset_s)
{
    size_t n = strlen(s);
    if ((n == 1 && (s[0] == 'Z' || s[0] == 'z')) || strcmp(s, "UTC") == 0) {
        *offset_s = 0;
        return true;
    }
    if (n < 2 || (s[0] != '+' && s[0] != '-'))
        return false;
    const char *p = s + 1, *e = s + n;
    unsigned h = 0, m = 0;
    int nd = digits(&p, e, 2, &h);
    if (nd == 0)
        return false;
    if (p < e && *p == ':')
        p++;
    if (p < e && digits(&p, e, 2, &m) != 2)
        return false;
    if (p != e || h > 14 || m > 59)
        return false;
    int32_t off = (int32_t)(h * 3600 + m * 60);
    *offset_s = s[0] == '-' ? -off : off;
    return true;
}

void tu_parser_init(tu_parser *tp, int32_t local_offset_s)
{
    memset(tp, 0, sizeof *tp);
    tp->local_offset_s = local_offset_s;
}

static const char *parse_epoch(const char *s, size_t n, int64_t *utc)
{
    /* the length first: more than 18 digits would overflow v */
    if (n != 10 && n != 13)
        return "epoch time must have 10 digits (seconds) or 13 (milliseconds)";
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdig(s[i]))
            return "time is not a date or an epoch number";
        v = v * 10 + (s[i] - '0');
    }
    *utc = n == 10 ? v : v / 1000; /* milliseconds, floored to the second */
    return NULL;
}

/* Are the 14 digit positions of "YYYY-MM-DD HH:MM:SS" digits?  (The
 * separators are checked by the caller.) */
static bool digits14(const char *s)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* 8 bytes at a time: high nibble 3, and adding 6 does not carry out
     * of the nibble (<= '9'); the separators cannot carry across lanes */
    uint64_t w0, w1;
    memcpy(&w0, s, 8);
    memcpy(&w1, s + 8, 8);
    const uint64_t m0 = 0x00FFFF00FFFFFFFFull, m1 = 0xFFFF00FFFF00FFFFull; /* digit lanes */
    const uint64_t hi = 0xF0F0F0F0F0F0F0F0ull, d3 = 0x3030303030303030ull, six = 0x0606060606060606ull;
    return ((w0 & hi & m0) == (d3 & m0)) && (((w0 + six) & hi & m0) == (d3 & m0)) &&
           ((w1 & hi & m1) == (d3 & m1)) && (((w1 + six) & hi & m1) == (d3 & m1)) &&
           (unsigned)(s[17] - '0') <= 9 && (unsigned)(s[18] - '0') <= 9;
#else
    static const unsigned char pos[14] = {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18};
    for (int i = 0; i < 14; i++)
        if ((unsigned)((unsigned char)s[pos[i]] - '0') > 9)
            return false;
    return true;
#endif
}

const char *tu_parse(tu_parser *tp, const char *s, size_t n, int64_t *utc)
{
    trim_span(&s, &n);
    if (n == 0)
        return "time is empty";
    /* Fast path: exactly "YYYY-MM-DD HH:MM:SS" (or with '/'), local time,
     * the form nearly every export uses. */
    if (n == 19 && (s[4] == '-' || s[4] == '/') && s[7] == s[4] && (s[10] == ' ' || s[10] == 'T') && s[13] == ':' &&
        s[16] == ':') {
        bool digits = digits14(s);
        if (digits) {
            int64_t days;
            if (memcmp(tp->last_date, s, 10) == 0) {
                days = tp->last_days;
            } else {
                unsigned y = (unsigned)((s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0'));
                unsigned mo = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
                unsigned d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
                if (!tu_valid_date(y, mo, d))
                    return "date does not exist";
                days = tu_days_from_civil(y, mo, d);
                memcpy(tp->last_date, s, 10);
                tp->last_days = days;
            }
            unsigned h = (unsigned)((s[11] - '0') * 10 + (s[12] - '0'));
            unsigned mi = (unsigned)((s[14] - '0') * 10 + (s[15] - '0'));
            unsigned sec = (unsigned)((s[17] - '0') * 10 + (s[18] - '0'));
            if (h > 23 || mi > 59 || sec > 59)
                return "time of day does not exist";
            *utc = days * RL_DAY_S + (int64_t)(h * 3600 + mi * 60 + sec) - tp->local_offset_s;
            return NULL;
        }
    }
    /* Epoch numbers are all digits; dates always have a separator by the
     * fifth character. */
    if (n >= 5 && isdig(s[4])) {
        size_t i = 0;
        while (i < n && isdig(s[i]))
            i++;
        if (i == n)
            return parse_epoch(s, n, utc);
        return "time is not in a known format (YYYY-MM-DD HH:MM:SS, ISO 8601 or epoch)";
    }
    const char *p = s, *e = s + n;
    unsigned y, mo, d, h, mi, sec = 0;
    if (digits(&p, e, 4, &y) != 4 || p >= e || (*p != '-' && *p != '/'))
        return "time is not in a known format (YYYY-MM-DD HH:MM:SS, ISO 8601 or epoch)";
    char dsep = *p++;
    const char *date_start = s;
    if (digits(&p, e, 2, &mo) == 0 || p >= e || *p != dsep)
        return "time has a bad month";
    p++;
    if (digits(&p, e, 2, &d) == 0)
        return "time has a bad day";
    int64_t days;
    size_t dlen = (size_t)(p - date_start);
    if (dlen == 10 && memcmp(tp->last_date, date_start, 10) == 0) {
        days = tp->last_days;
    } else {
        if (!tu_valid_date(y, mo, d))
            return "date does not exist";
        days = tu_days_from_civil(y, mo, d);
        if (dlen == 10) {
            memcpy(tp->last_date, date_start, 10);
            tp->last_days = days;
        }
    }
    if (p >= e || (*p != ' ' && *p != 'T' && *p != 't'))
        return "time has no hour:minute part";
    while (p < e && (*p == ' ' || *p == 'T' || *p == 't'))
        p++;
    if (digits(&p, e, 2, &h) == 0 || p >= e || *p != ':')
        return "time has a bad hour";
    p++;
    if (digits(&p, e, 2, &mi) != 2)
        return "time has a bad minute";
    if (p < e && *p == ':') {
        p++;
        if (digits(&p, e, 2, &sec) != 2)
            return "time has bad seconds";
    }
    if (h > 23 || mi > 59 || sec > 59)
        return "time of day does not exist";
    if (p < e && (*p == '.' || *p == ',')) { /* fraction: floored */
        p++;
        if (p >= e || !isdig(*p))
            return "time has a bad fraction of a second";
        while (p < e && isdig(*p))
            p++;
    }
    int32_t off = tp->local_offset_s;
    if (p < e) {
        if (*p == ' ')
            p++;
        char zone[8];
        size_t zl = (size_t)(e - p);
        if (zl == 0 || zl >= sizeof zone)
            return "time has a bad time zone suffix";
        memcpy(zone, p, zl);
        zone[zl] = 0;
        if (!tu_parse_tz(zone, &off))
            return "time has a bad time zone suffix";
    }
    *utc = days * RL_DAY_S + (int64_t)(h * 3600 + mi * 60 + sec) - off;
    return NULL;
}

static void put2(char *o, unsigned v)
{
    o[0] = (char)('0' + v / 10 % 10);
    o[1] = (char)('0' + v % 10);
}

static void put_year(char *o, int64_t y)
{
    if (y < 0 || y > 9999)
        y = y < 0 ? 0 : 9999;
    o[0] = (char)('0' + y / 1000);
    o[1] = (char)('0' + y / 100 % 10);
    o[2] = (char)('0' + y / 10 % 10);
    o[3] = (char)('0' + y % 10);
}

void tu_format_day(int64_t local_day, char out[11])
{
    int64_t y;
    unsigned m, d;
    tu_civil_from_days(local_day, &y, &m, &d);
    put_year(out, y);
    out[4] = '-';
    put2(out + 5, m);
    out[7] = '-';
    put2(out + 8, d);
    out[10] = 0;
}

void tu_formatter_init(tu_formatter *tf, int32_t offset_s)
{
    tf->offset_s = offset_s;
    tf->have_day = tf->have_last = false;
    tf->day = tf->last = 0;
    int32_t a = offset_s < 0 ? -offset_s : offset_s;
    tf->zone[0] = offset_s < 0 ? '-' : '+';
    put2(tf->zone + 1, (unsigned)(a / 3600));
    tf->zone[3] = ':';
    put2(tf->zone + 4, (unsigned)(a / 60 % 60));
}

void tu_formatter_local(tu_formatter *tf, int64_t utc, char out[19])
{
    if (tf->have_last && utc == tf->last) {
        memcpy(out, tf->last_text, sizeof tf->last_text);
        return;
    }
    int64_t day = tu_local_day(utc, tf->offset_s);
    if (!tf->have_day || day != tf->day) {
        char d[11];
        tu_format_day(day, d);
        memcpy(tf->date, d, sizeof tf->date);
        tf->day = day;
        tf->have_day = true;
    }
    int32_t sod = tu_local_sod(utc, tf->offset_s);
    memcpy(out, tf->date, sizeof tf->date);
    out[10] = ' ';
    put2(out + 11, (unsigned)(sod / 3600));
    out[13] = ':';
    put2(out + 14, (unsigned)(sod / 60 % 60));
    out[16] = ':';
    put2(out + 17, (unsigned)(sod % 60));
    memcpy(tf->last_text, out, sizeof tf->last_text);
    tf->last = utc;
    tf->have_last = true;
}

void tu_formatter_iso(tu_formatter *tf, int64_t utc, char out[25])
{
    tu_formatter_local(tf, utc, out);
    out[10] = 'T';
    memcpy(out + 19, tf->zone, sizeof tf->zone);
}

void tu_format(int64_t utc, int32_t offset_s, char out[20])
{
    tu_formatter tf;
    tu_formatter_init(&tf, offset_s);
    tu_formatter_local(&tf, utc, out);
    out[19] = 0;
}

void tu_format_iso(int64_t utc, int32_t offset_s, char out[26])
{
    tu_formatter tf;
    tu_formatter_init(&tf, offset_s);
    tu_formatter_iso(&tf, utc, out);
    out[25] = 0;
}

bool tu_from_bcd6(const unsigned char bcd[6], int64_t *utc)
{
    unsigned v[6];
    for (int i = 0; i < 6; i++) {
        unsigned hi = bcd[i] >> 4, lo = bcd[i] & 15;
        if (hi > 9 || lo > 9)
            return false;
        v[i] = hi * 10 + lo;
    }
    int64_t y = 2000 + v[0];
    if (!tu_valid_date(y, v[1], v[2]) || v[3] > 23 || v[4] > 59 || v[5] > 59)
        return false;
    *utc = tu_days_from_civil(y, v[1], v[2]) * RL_DAY_S + v[3] * 3600 + v[4] * 60 + v[5] - 8 * 3600;
    return true;
}

bool tu_parse_date(const char *s, size_t n, int64_t *day)
{
    if (n < 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    int y = 0;
    for (int i = 0; i < 4; i++)
        y = y * 10 + (s[i] - '0');
    unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
    unsigned d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
    if (!tu_valid_date(y, m, d))
        return false;
    *day = tu_days_from_civil(y, m, d);
    return true;
}
