/*
 * csvout.c - see csvout.h.
 */
#include "csvout.h"

#include <math.h>
#include <string.h>

#include "numparse.h"

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

/* Digits of an integer, written without printf's format parsing. */
static size_t int_text(char out[24], int64_t v)
{
    char tmp[24];
    size_t n = 0, k = 0;
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + a % 10);
        a /= 10;
    } while (a);
    if (v < 0)
        out[k++] = '-';
    while (n)
        out[k++] = tmp[--n];
    out[k] = 0;
    return k;
}

void json_int(FILE *f, int64_t v)
{
    char b[24];
    fwrite_unlocked(b, 1, int_text(b, v), f);
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

static void put(csvw *w, const char *s, size_t n, bool neutralise)
{
    sep(w);
    bool quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
    for (size_t i = 0; i < n && !quote; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
            quote = true;
    bool formula = neutralise && text_is_formula(s, n);
    if (!quote && !formula) {
        fwrite_unlocked(s, 1, n, w->f);
        return;
    }
    fputc_unlocked('"', w->f);
    if (formula)
        fputc_unlocked('\'', w->f);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            fputc_unlocked('"', w->f);
        fputc_unlocked(s[i], w->f);
    }
    fputc_unlocked('"', w->f);
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
    char b[32];
    num_format_fixed(b, v, scale);
    sep(w);
    fputs_unlocked(b, w->f);
}

int fmt_double(char *out, size_t n, double v, int decimals)
{
    static const double scale[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
    if (!isfinite(v))
        v = 0;
    if (decimals >= 0 && decimals <= 8 && fabs(v) * scale[decimals] < 9e15 && n >= 32) {
        /* rounded to the last decimal kept, trailing zeros dropped */
        return num_format_fixed(out, (int64_t)llround(v * scale[decimals]), decimals);
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

void json_strn(FILE *f, const char *s, size_t n)
{
    fputc_unlocked('"', f);
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    while (p < e) {
        unsigned c = *p;
        if (c == '"' || c == '\\') {
            fputc_unlocked('\\', f);
            fputc_unlocked((int)c, f);
            p++;
        } else if (c < 0x20) {
            switch (c) {
            case '\n': fputs_unlocked("\\n", f); break;
            case '\r': fputs_unlocked("\\r", f); break;
            case '\t': fputs_unlocked("\\t", f); break;
            default: fprintf(f, "\\u%04x", c);
            }
            p++;
        } else if (c < 0x80) {
            fputc_unlocked((int)c, f);
            p++;
        } else {
            /* copy a valid UTF-8 sequence, replace anything else */
            size_t len = utf8_seq(p, e);
            if (len) {
                fwrite_unlocked(p, 1, len, f);
                p += len;
            } else {
                fputs_unlocked("\\ufffd", f);
                p++;
            }
        }
    }
    fputc_unlocked('"', f);
}

void json_str(FILE *f, const char *s) { json_strn(f, s ? s : "", s ? strlen(s) : 0); }

void json_fixed(FILE *f, int64_t v, int scale)
{
    char b[32];
    num_format_fixed(b, v, scale);
    fputs_unlocked(b, f);
}
