/*
 * csvout.c - see csvout.h.
 */
#include "csvout.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

FILE *csvw_open(const char *path, bool bom)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return NULL;
    setvbuf(f, NULL, _IOFBF, 1 << 18);
    if (bom)
        fputs("\xEF\xBB\xBF", f);
    return f;
}

void outbuf_init(outbuf *o, FILE *f, char *buf, size_t cap)
{
    if (!buf && cap < OUTBUF_ROOM_MAX)
        cap = OUTBUF_ROOM_MAX;
    o->f = f;
    o->own = buf == NULL;
    o->buf = buf ? buf : xmalloc(cap);
    o->len = 0;
    o->cap = cap;
}

void outbuf_flush(outbuf *o)
{
    if (o->f && o->len) {
        /* a short write sets the stream's error flag, which the writer
         * checks when it closes the file */
        fwrite_unlocked(o->buf, 1, o->len, o->f);
        o->len = 0;
    }
}

void outbuf_done(outbuf *o)
{
    outbuf_flush(o);
    if (o->own)
        free(o->buf);
    o->buf = NULL;
    o->len = o->cap = 0;
}

/* Room for n more bytes in memory: a larger buffer, on the heap. */
static void grow(outbuf *o, size_t n)
{
    size_t cap = o->cap;
    while (cap - o->len < n)
        cap *= 2;
    if (o->own) {
        o->buf = xrealloc(o->buf, cap);
    } else {
        o->buf = memcpy(xmalloc(cap), o->buf, o->len);
        o->own = true;
    }
    o->cap = cap;
}

/* To a file the buffer is flushed (n is at most its size), in memory it
 * grows. */
void outbuf_make_room(outbuf *o, size_t n)
{
    if (o->f)
        outbuf_flush(o);
    else
        grow(o, n);
}

void outbuf_put_slow(outbuf *o, const void *s, size_t n)
{
    if (!o->f) {
        grow(o, n);
    } else {
        outbuf_flush(o);
        if (n >= o->cap) {
            /* larger than the whole buffer: straight to the file */
            fwrite_unlocked(s, 1, n, o->f);
            return;
        }
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

/* Numbers are written without printf: a ledger has several per row. */
static const char digit_pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                  "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                  "8081828384858687888990919293949596979899";

/* The decimal digits of a, ending just before `end`, two at a time;
 * returns where they start. */
static char *digits_before(char *end, uint64_t a)
{
    while (a >= 100) {
        unsigned r = (unsigned)(a % 100);
        a /= 100;
        end -= 2;
        memcpy(end, digit_pairs + 2 * r, 2);
    }
    if (a >= 10) {
        end -= 2;
        memcpy(end, digit_pairs + 2 * a, 2);
    } else {
        *--end = (char)('0' + a);
    }
    return end;
}

static size_t digit_count(uint64_t a)
{
    static const uint64_t pow10[20] = {1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull,
        10000000ull, 100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
        10000000000000ull, 100000000000000ull, 1000000000000000ull, 10000000000000000ull,
        100000000000000000ull, 1000000000000000000ull, 10000000000000000000ull};
    if (a < 10)
        return 1;
    /* bits x log10(2) (1233 / 4096) is the digit count or one less */
    unsigned bits = 64 - (unsigned)__builtin_clzll(a);
    unsigned t = bits * 1233 >> 12;
    return t + (a >= pow10[t]);
}

size_t fmt_fixed(char out[24], int64_t v, int scale)
{
    static const uint64_t pow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, ip, fp;
    /* the ledger's scales divide by a constant */
    switch (scale) {
    case 0: ip = a, fp = 0; break;
    case 3: ip = a / 1000, fp = a % 1000; break;
    case 6: ip = a / 1000000, fp = a % 1000000; break;
    default: ip = a / pow10[scale], fp = a % pow10[scale]; break;
    }
    char *p = out;
    if (v < 0)
        *p++ = '-';
    p += digit_count(ip);
    digits_before(p, ip);
    if (fp) {
        while (fp % 10 == 0) {
            fp /= 10;
            scale--;
        }
        *p++ = '.';
        char *lead = digits_before(p + scale, fp);
        while (lead > p)
            *--lead = '0';
        p += scale;
    }
    return (size_t)(p - out);
}

void json_int(FILE *f, int64_t v)
{
    char b[24];
    fwrite_unlocked(b, 1, fmt_fixed(b, v, 0), f);
}

void outbuf_int(outbuf *o, int64_t v) { o->len += fmt_fixed(outbuf_room(o, 24), v, 0); }

void outbuf_fixed(outbuf *o, int64_t v, int scale) { o->len += fmt_fixed(outbuf_room(o, 24), v, scale); }

/* Most doubles are written as the fixed-point number they round to. */
static bool double_as_fixed(double v, int decimals, int64_t *fixed)
{
    static const double scale[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
    if (decimals < 0 || decimals > 8 || fabs(v) * scale[decimals] >= 9e15)
        return false;
    /* rounded to the last decimal kept */
    *fixed = (int64_t)llround(v * scale[decimals]);
    return true;
}

void outbuf_double(outbuf *o, double v, int decimals)
{
    int64_t fixed;
    if (isfinite(v) && double_as_fixed(v, decimals, &fixed)) {
        o->len += fmt_fixed(outbuf_room(o, 24), fixed, decimals);
        return;
    }
    /* fmt_double may cut a huge value at the buffer's size: what csvw
     * writes too */
    char b[64];
    fmt_double(b, sizeof b, v, decimals);
    outbuf_put(o, b, strlen(b));
}

void csvw_init(csvw *w, FILE *f)
{
    w->f = f;
    w->first = true;
}

static void sep(csvw *w)
{
    if (!w->first)
        fputc_unlocked(',', w->f);
    w->first = false;
}

/* RFC 4180: a field holding the delimiter, a quote, CR or LF, or with
 * a space at either end is quoted, its quotes doubled; text from input
 * that starts like a formula gets a ' inside the quotes. */
static void csv_field(outbuf *o, const char *s, size_t n, bool neutralise)
{
    static const bool quoted_byte[256] = {[','] = true, ['"'] = true, ['\n'] = true, ['\r'] = true};
    bool quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
    for (size_t i = 0; i < n && !quote; i++)
        quote = quoted_byte[(unsigned char)s[i]];
    bool formula = neutralise && text_is_formula(s, n);
    if (!quote && !formula) {
        outbuf_put(o, s, n);
        return;
    }
    outbuf_putc(o, '"');
    if (formula)
        outbuf_putc(o, '\'');
    const char *p = s, *e = s + n;
    while (p < e) {
        const char *q = memchr(p, '"', (size_t)(e - p));
        if (!q) {
            outbuf_put(o, p, (size_t)(e - p));
            break;
        }
        outbuf_put(o, p, (size_t)(q + 1 - p));
        outbuf_putc(o, '"');
        p = q + 1;
    }
    outbuf_putc(o, '"');
}

void outbuf_csv_text(outbuf *o, const char *s, size_t n) { csv_field(o, s, n, true); }
void outbuf_csv_str(outbuf *o, const char *s, size_t n) { csv_field(o, s, n, false); }

/* One field through a small buffer on the stack: csvw's rows go to the
 * stream as they are written. */
static void put(csvw *w, const char *s, size_t n, bool neutralise)
{
    sep(w);
    char b[256];
    outbuf o;
    outbuf_init(&o, w->f, b, sizeof b);
    csv_field(&o, s, n, neutralise);
    outbuf_flush(&o);
}

bool text_is_formula(const char *s, size_t n)
{
    return n > 0 && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r');
}

void csvw_textn(csvw *w, const char *s, size_t n) { put(w, s ? s : "", s ? n : 0, true); }
void csvw_text(csvw *w, const char *s) { csvw_textn(w, s, s ? strlen(s) : 0); }
void csvw_str(csvw *w, const char *s) { put(w, s ? s : "", s ? strlen(s) : 0, false); }

void csvw_int(csvw *w, int64_t v)
{
    sep(w);
    json_int(w->f, v);
}

void csvw_fixed(csvw *w, int64_t v, int scale)
{
    sep(w);
    json_fixed(w->f, v, scale);
}

int fmt_double(char *out, size_t n, double v, int decimals)
{
    if (!isfinite(v))
        v = 0;
    int64_t fixed;
    if (n >= 32 && double_as_fixed(v, decimals, &fixed)) {
        size_t k = fmt_fixed(out, fixed, decimals);
        out[k] = 0;
        return (int)k;
    }
    int k = snprintf(out, n, "%.*f", decimals, v);
    if (k <= 0 || (size_t)k >= n)
        return k;
    if (decimals > 0) {
        while (k > 0 && out[k - 1] == '0')
            out[--k] = 0;
        if (k > 0 && out[k - 1] == '.')
            out[--k] = 0;
    }
    if (strcmp(out, "-0") == 0) {
        out[0] = '0';
        out[1] = 0;
        k = 1;
    }
    return k;
}

void csvw_double(csvw *w, double v, int decimals)
{
    char b[64];
    fmt_double(b, sizeof b, v, decimals);
    sep(w);
    fputs_unlocked(b, w->f);
}

void csvw_empty(csvw *w) { sep(w); }

void csvw_end(csvw *w)
{
    fputc_unlocked('\n', w->f);
    w->first = true;
}

void csvw_header(csvw *w, const char *names)
{
    fputs_unlocked(names, w->f);
    fputc_unlocked('\n', w->f);
    w->first = true;
}

size_t utf8_seq(const unsigned char *p, const unsigned char *e)
{
    if (p >= e)
        return 0;
    unsigned c = *p;
    if (c < 0x80)
        return 1;
    size_t need = c >= 0xF0 && c <= 0xF4 ? 3 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xC2 && c <= 0xDF ? 1 : 0;
    if (need == 0 || (size_t)(e - p) <= need)
        return 0;
    for (size_t i = 1; i <= need; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    /* overlong forms, UTF-16 surrogates and code points past U+10FFFF */
    if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0) || (c == 0xF0 && p[1] < 0x90) ||
        (c == 0xF4 && p[1] >= 0x90))
        return 0;
    return need + 1;
}

void html_strn(FILE *f, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    while (p < e) {
        unsigned c = *p;
        switch (c) {
        case '&': fputs_unlocked("&amp;", f); p++; continue;
        case '<': fputs_unlocked("&lt;", f); p++; continue;
        case '>': fputs_unlocked("&gt;", f); p++; continue;
        case '"': fputs_unlocked("&quot;", f); p++; continue;
        case '\'': fputs_unlocked("&#39;", f); p++; continue;
        default: break;
        }
        if (c < 0x20 || c == 0x7F) {
            if (c == '\t' || c == '\n')
                fputc_unlocked((int)c, f);
            p++;
            continue;
        }
        size_t len = utf8_seq(p, e);
        if (len) {
            fwrite_unlocked(p, 1, len, f);
            p += len;
        } else {
            fputs_unlocked("\xEF\xBF\xBD", f);
            p++;
        }
    }
}

void html_str(FILE *f, const char *s) { html_strn(f, s ? s : "", s ? strlen(s) : 0); }

void outbuf_json_str(outbuf *o, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    outbuf_putc(o, '"');
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    while (p < e) {
        /* a run that needs no escape (printable ASCII but " and \, and
         * valid UTF-8) goes out in one copy */
        const unsigned char *r = p;
        for (;;) {
            if (r < e && *r >= 0x20 && *r < 0x80 && *r != '"' && *r != '\\') {
                r++;
                continue;
            }
            size_t len = r < e && *r >= 0x80 ? utf8_seq(r, e) : 0;
            if (!len)
                break;
            r += len;
        }
        if (r > p) {
            outbuf_put(o, p, (size_t)(r - p));
            p = r;
            continue;
        }
        unsigned c = *p++;
        char *d = outbuf_room(o, 6);
        if (c == '"' || c == '\\') {
            d[0] = '\\';
            d[1] = (char)c;
            o->len += 2;
        } else if (c == '\n' || c == '\r' || c == '\t') {
            d[0] = '\\';
            d[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
            o->len += 2;
        } else if (c < 0x20) {
            memcpy(d, "\\u00", 4);
            d[4] = hex[c >> 4];
            d[5] = hex[c & 15];
            o->len += 6;
        } else {
            /* a byte that does not start a valid UTF-8 sequence */
            memcpy(d, "\\ufffd", 6);
            o->len += 6;
        }
    }
    outbuf_putc(o, '"');
}

void json_strn(FILE *f, const char *s, size_t n)
{
    char b[256];
    outbuf o;
    outbuf_init(&o, f, b, sizeof b);
    outbuf_json_str(&o, s, n);
    outbuf_flush(&o);
}

void json_str(FILE *f, const char *s) { json_strn(f, s ? s : "", s ? strlen(s) : 0); }

void json_fixed(FILE *f, int64_t v, int scale)
{
    char b[24];
    fwrite_unlocked(b, 1, fmt_fixed(b, v, scale), f);
}
