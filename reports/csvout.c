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
    if (f && bom)
        fputs("\xEF\xBB\xBF", f);
    return f;
}

void csvw_init(csvw *w, FILE *f)
{
    w->f = f;
    w->first = true;
}

static void sep(csvw *w)
{
    if (!w->first)
        fputc(',', w->f);
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
        fwrite(s, 1, n, w->f);
        return;
    }
    fputc('"', w->f);
    if (formula)
        fputc('\'', w->f);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            fputc('"', w->f);
        fputc(s[i], w->f);
    }
    fputc('"', w->f);
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
    fprintf(w->f, "%lld", (long long)v);
}

void csvw_fixed(csvw *w, int64_t v, int scale)
{
    char b[32];
    num_format_fixed(b, v, scale);
    sep(w);
    fputs(b, w->f);
}

int fmt_double(char *out, size_t n, double v, int decimals)
{
    if (!isfinite(v))
        v = 0;
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
    fputs(b, w->f);
}

void csvw_empty(csvw *w) { sep(w); }

void csvw_end(csvw *w)
{
    fputc('\n', w->f);
    w->first = true;
}

void csvw_header(csvw *w, const char *names)
{
    fputs(names, w->f);
    fputc('\n', w->f);
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
        case '&': fputs("&amp;", f); p++; continue;
        case '<': fputs("&lt;", f); p++; continue;
        case '>': fputs("&gt;", f); p++; continue;
        case '"': fputs("&quot;", f); p++; continue;
        case '\'': fputs("&#39;", f); p++; continue;
        default: break;
        }
        if (c < 0x20 || c == 0x7F) {
            if (c == '\t' || c == '\n')
                fputc((int)c, f);
            p++;
            continue;
        }
        size_t len = utf8_seq(p, e);
        if (len) {
            fwrite(p, 1, len, f);
            p += len;
        } else {
            fputs("\xEF\xBF\xBD", f);
            p++;
        }
    }
}

void html_str(FILE *f, const char *s) { html_strn(f, s ? s : "", s ? strlen(s) : 0); }

void json_strn(FILE *f, const char *s, size_t n)
{
    fputc('"', f);
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    while (p < e) {
        unsigned c = *p;
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc((int)c, f);
            p++;
        } else if (c < 0x20) {
            switch (c) {
            case '\n': fputs("\\n", f); break;
            case '\r': fputs("\\r", f); break;
            case '\t': fputs("\\t", f); break;
            default: fprintf(f, "\\u%04x", c);
            }
            p++;
        } else if (c < 0x80) {
            fputc((int)c, f);
            p++;
        } else {
            /* copy a valid UTF-8 sequence, replace anything else */
            size_t len = utf8_seq(p, e);
            if (len) {
                fwrite(p, 1, len, f);
                p += len;
            } else {
                fputs("\\ufffd", f);
                p++;
            }
        }
    }
    fputc('"', f);
}

void json_str(FILE *f, const char *s) { json_strn(f, s ? s : "", s ? strlen(s) : 0); }

void json_fixed(FILE *f, int64_t v, int scale)
{
    char b[32];
    num_format_fixed(b, v, scale);
    fputs(b, f);
}
