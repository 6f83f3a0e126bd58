/*
 * plate.c - plate normalisation and colour names (see plate.h).
 */
#include "plate.h"

#include <string.h>
#include <strings.h>

#include "util.h"

bool utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    while (p < e) {
        unsigned c = *p;
        if (c < 0x80) {
            p++;
            continue;
        }
        size_t need;
        unsigned min;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            min = 0x10000;
        } else {
            return false;
        }
        if ((size_t)(e - p) <= need)
            return false;
        unsigned cp = c & (0x3F >> need);
        for (size_t i = 1; i <= need; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        p += need + 1;
    }
    return true;
}

size_t utf8_cut(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    size_t k = max;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    return k;
}

/* Bytes that a normalised plate keeps as they are: digits, upper-case
 * Latin, and UTF-8 bytes other than the lead bytes of the few code points
 * that normalise (U+00B7, U+2022, U+30FB, U+3000, full-width forms). */
static bool plain_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
           (c >= 0x80 && c != 0xC2 && c != 0xE2 && c != 0xE3 && c != 0xEF);
}

const char *plate_normalize(const char *s, size_t n, char out[RL_PLATE_MAX + 1], size_t *outlen)
{
    /* Fast path: most plates are already normal. */
    if (n > 0 && n <= RL_PLATE_MAX) {
        bool plain = true;
        for (size_t i = 0; i < n && plain; i++)
            plain = plain_byte((unsigned char)s[i]);
        if (plain) {
            memcpy(out, s, n);
            out[n] = 0;
            *outlen = n;
            return NULL;
        }
    }
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    size_t o = 0;
    while (p < e) {
        unsigned c = *p;
        if (c < 0x80) {
            p++;
            if (c == ' ' || c == '\t' || c == '-')
                continue;
            if (c < 0x20 || c == 0x7F)
                return "plate contains control characters";
            if (c >= 'a' && c <= 'z')
                c -= 32;
            if (o >= RL_PLATE_MAX)
                return "plate is too long";
            out[o++] = (char)c;
            continue;
        }
        /* Multi-byte: recognise the few code points that normalise. */
        if (c == 0xEF && e - p >= 3 && (p[1] == 0xBC || p[1] == 0xBD)) {
            /* U+FF01..U+FF5E full-width ASCII -> 0x21..0x7E; U+FF65 '･' */
            unsigned cp = ((unsigned)(c & 0x0F) << 12) | ((unsigned)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
            if (cp >= 0xFF01 && cp <= 0xFF5E) {
                unsigned a = cp - 0xFF01 + 0x21;
                p += 3;
                if (a == '-')
                    continue;
                if (a >= 'a' && a <= 'z')
                    a -= 32;
                if (o >= RL_PLATE_MAX)
                    return "plate is too long";
                out[o++] = (char)a;
                continue;
            }
            if (cp == 0xFF65) {
                p += 3;
                continue;
            }
        }
        if ((c == 0xC2 && e - p >= 2 && p[1] == 0xB7) /* U+00B7 · */) {
            p += 2;
            continue;
        }
        if (c == 0xE2 && e - p >= 3 && p[1] == 0x80 && p[2] == 0xA2) { /* U+2022 • */
            p += 3;
            continue;
        }
        if (c == 0xE3 && e - p >= 3 && ((p[1] == 0x83 && p[2] == 0xBB) /* U+30FB ・ */
                                         || (p[1] == 0x80 && p[2] == 0x80) /* U+3000 space */)) {
            p += 3;
            continue;
        }
        if (o >= RL_PLATE_MAX)
            return "plate is too long";
        out[o++] = (char)c;
        p++;
    }
    if (o == 0)
        return "plate is empty";
    out[o] = 0;
    *outlen = o;
    return NULL;
}

static const struct {
    const char *name;
    int code;
} color_names[] = {
    {"blue", 1},   {"蓝", 1},  {"蓝色", 1},   {"yellow", 2}, {"黄", 2},      {"黄色", 2},
    {"black", 3},  {"黑", 3},  {"黑色", 3},   {"white", 4},  {"白", 4},      {"白色", 4},
    {"green", 5},  {"绿", 5},  {"绿色", 5},   {"渐变绿", 5}, {"渐变绿色", 5}, {"黄绿", 5},
    {"黄绿色", 5}, {"黄绿双拼色", 5},         {"other", 9},  {"其他", 9},    {"其它", 9},
    {"unknown", 0}, {"未知", 0},
};

bool plate_color_parse(const char *s, size_t n, int *color)
{
    trim_span(&s, &n);
    if (n == 0) {
        *color = 0;
        return true;
    }
    if (n == 1 && s[0] >= '0' && s[0] <= '9') {
        int c = s[0] - '0';
        if (c <= 5 || c == 9) {
            *color = c;
            return true;
        }
        return false;
    }
    if (n == 2 && s[0] == '0' && s[1] >= '0' && s[1] <= '9') /* "02" */
        return plate_color_parse(s + 1, 1, color);
    for (size_t i = 0; i < sizeof color_names / sizeof color_names[0]; i++) {
        size_t l = strlen(color_names[i].name);
        if (l == n && strncasecmp(color_names[i].name, s, n) == 0) {
            *color = color_names[i].code;
            return true;
        }
    }
    return false;
}

const char *plate_color_name(int color)
{
    switch (color) {
    case 1: return "blue";
    case 2: return "yellow";
    case 3: return "black";
    case 4: return "white";
    case 5: return "green";
    case 9: return "other";
    default: return "unknown";
    }
}

const char *plate_color_name_zh(int color)
{
    switch (color) {
    case 1: return "蓝色";
    case 2: return "黄色";
    case 3: return "黑色";
    case 4: return "白色";
    case 5: return "绿色";
    case 9: return "其他";
    default: return "未知";
    }
}
