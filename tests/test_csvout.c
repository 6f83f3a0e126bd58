/*
 * test_csvout.c - writing CSV and JSON safely (reports/csvout.h):
 * RFC 4180 quoting, formula neutralisation (CSV injection) for text taken
 * from input and only for it, numbers written as numbers, JSON strings
 * escaped per RFC 8259 with invalid UTF-8 replaced by U+FFFD; the
 * buffered writer (outbuf) the ledger uses: the same bytes, across its
 * buffer's end, for fields larger than the buffer, in memory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvout.h"
#include "numparse.h"

typedef struct mem {
    char *buf;
    size_t len;
    FILE *f;
    csvw w;
} mem;

static void mopen(mem *m)
{
    m->buf = NULL;
    m->len = 0;
    m->f = open_memstream(&m->buf, &m->len);
    assert_non_null(m->f);
    csvw_init(&m->w, m->f);
}

/* Parse RFC 4180 records strictly (a quote only opens a field or
 * doubles inside one) into fields joined by '|' and records ended by
 * '\n'; a line end is CRLF or LF.  Fails the test on malformed CSV. */
static char *parse_csv(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(2 * n + 8), *o = out;
    size_t i = 0;
    bool field_start = true;
    while (i < n) {
        if (field_start && s[i] == '"') {
            i++;
            for (;;) {
                if (i >= n)
                    fail_msg("unterminated quote in [%s]", s);
                if (s[i] == '"') {
                    if (i + 1 < n && s[i + 1] == '"') {
                        *o++ = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                *o++ = s[i++];
            }
            if (i < n && s[i] != ',' && s[i] != '\n' && !(s[i] == '\r' && s[i + 1] == '\n'))
                fail_msg("text after a closing quote in [%s]", s);
            field_start = false;
            continue;
        }
        if (s[i] == ',') {
            *o++ = '|';
            i++;
            field_start = true;
        } else if (s[i] == '\n' || (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')) {
            *o++ = '\n';
            i += s[i] == '\r' ? 2 : 1;
            field_start = true;
        } else {
            if (s[i] == '"')
                fail_msg("stray quote in an unquoted field in [%s]", s);
            if (s[i] == '\r')
                fail_msg("bare CR outside quotes in [%s]", s);
            *o++ = s[i++];
            field_start = false;
        }
    }
    *o = 0;
    return out;
}

static char *mclose(mem *m)
{
    fclose(m->f);
    return m->buf;
}

/* One field written by `put` as a whole line: what a CSV reader gets back. */
static void written_is(void (*put)(csvw *, const char *), const char *name, const char *in, const char *want)
{
    mem m;
    mopen(&m);
    put(&m.w, in);
    csvw_end(&m.w);
    char *out = mclose(&m);
    char *got = parse_csv(out);
    char w[512];
    snprintf(w, sizeof w, "%s\n", want);
    if (strcmp(got, w) != 0)
        fail_msg("%s(\"%s\") wrote [%s], read back [%s], want [%s]", name, in, out, got, w);
    free(got);
    free(out);
}

/* A text field from input (formula neutralising applies). */
static void text_is(const char *in, const char *want) { written_is(csvw_text, "csvw_text", in, want); }
/* A field roadlog itself made (no neutralising). */
static void str_is(const char *in, const char *want) { written_is(csvw_str, "csvw_str", in, want); }

/* The raw bytes of one field written by csvw_text: quoted or not. */
static char *raw_text(const char *in)
{
    mem m;
    mopen(&m);
    csvw_text(&m.w, in);
    fclose(m.f);
    return m.buf;
}

static void test_plain_fields(void **st)
{
    (void)st;
    text_is("粤B12345", "粤B12345");
    text_is("abc", "abc");
    text_is("", "");
    text_is("a b", "a b");
    text_is("张三", "张三");
}

static void test_rfc4180_quoting(void **st)
{
    (void)st;
    /* the values read back, and the exact bytes where RFC 4180 leaves
     * one choice */
    text_is("a,b", "a,b");
    text_is("say \"hi\"", "say \"hi\"");
    text_is("\"", "\"");
    text_is("line1\nline2", "line1\nline2");
    text_is("cr\rhere", "cr\rhere");
    text_is(" lead", " lead");
    text_is("trail ", "trail ");
    text_is("深圳,南山", "深圳,南山");
    str_is("a,b", "a,b");
    str_is("x \"y\"", "x \"y\"");
    static const char *const must_quote[] = {"a,b", "q\"", "l\nl", "c\rr", " lead", "trail "};
    for (size_t i = 0; i < sizeof must_quote / sizeof *must_quote; i++) {
        char *r = raw_text(must_quote[i]);
        if (r[0] != '"')
            fail_msg("\"%s\" written unquoted: [%s]", must_quote[i], r);
        free(r);
    }
    char *r = raw_text("say \"hi\"");
    assert_string_equal(r, "\"say \"\"hi\"\"\"");
    free(r);
    r = raw_text("粤B12345");
    assert_string_equal(r, "粤B12345");
    free(r);
}

static void test_formula_neutralised(void **st)
{
    (void)st;
    text_is("=cmd", "'=cmd");
    text_is("+1", "'+1");
    text_is("-2", "'-2");
    text_is("@x", "'@x");
    text_is("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")");
    text_is("=1+2,3", "'=1+2,3");
    text_is("\rx", "'\rx");
    text_is("\t=x", "'\t=x");
    /* only the start matters */
    text_is("a=b", "a=b");
    text_is("粤B-12345", "粤B-12345");
}

static void test_own_text_and_numbers_not_neutralised(void **st)
{
    (void)st;
    str_is("-", "-");
    str_is("=", "=");
    str_is("speeding.coach", "speeding.coach");
    mem m;
    mopen(&m);
    csvw_int(&m.w, -5);
    csvw_fixed(&m.w, -500, 3);
    csvw_fixed(&m.w, 85300, 3);
    csvw_fixed(&m.w, 120000, 3);
    csvw_double(&m.w, -12.5, 2);
    csvw_double(&m.w, 1.0 / 3.0, 3);
    csvw_double(&m.w, 20.0, 2);
    csvw_int(&m.w, INT64_MIN);
    csvw_end(&m.w);
    char *out = mclose(&m);
    /* numbers are written bare: no quote, no ' */
    size_t n = strlen(out);
    if (n >= 2 && out[n - 2] == '\r')
        memmove(out + n - 2, "\n", 2);
    assert_string_equal(out, "-5,-0.5,85.3,120,-12.5,0.333,20,-9223372036854775808\n");
    free(out);
}

static void test_rows(void **st)
{
    (void)st;
    mem m;
    mopen(&m);
    csvw_header(&m.w, "event_id,plate,value");
    csvw_str(&m.w, "0123456789abcdef");
    csvw_text(&m.w, "粤B12345");
    csvw_fixed(&m.w, 130000, 3);
    csvw_end(&m.w);
    csvw_empty(&m.w);
    csvw_text(&m.w, "=x");
    csvw_empty(&m.w);
    csvw_end(&m.w);
    char *out = mclose(&m);
    char *got = parse_csv(out);
    assert_string_equal(got, "event_id|plate|value\n0123456789abcdef|粤B12345|130\n|'=x|\n");
    free(got);
    free(out);
}

static void test_textn(void **st)
{
    (void)st;
    mem m;
    mopen(&m);
    csvw_textn(&m.w, "a,bXYZ", 3);
    csvw_textn(&m.w, "@@@", 1);
    csvw_end(&m.w);
    char *out = mclose(&m);
    char *got = parse_csv(out);
    assert_string_equal(got, "a,b|'@\n");
    free(got);
    free(out);
}

static void test_open_bom(void **st)
{
    (void)st;
    char p[64];
    snprintf(p, sizeof p, "/tmp/roadlog_csvout_%d.csv", (int)getpid());
    FILE *f = csvw_open(p, true);
    assert_non_null(f);
    csvw w;
    csvw_init(&w, f);
    csvw_header(&w, "a,b");
    fclose(f);
    f = fopen(p, "rb");
    char b[32] = {0};
    size_t n = fread(b, 1, sizeof b - 1, f);
    fclose(f);
    assert_true(n >= 6);
    assert_memory_equal(b, "\xEF\xBB\xBF" "a,b", 6);
    f = csvw_open(p, false);
    csvw_init(&w, f);
    csvw_header(&w, "a,b");
    fclose(f);
    f = fopen(p, "rb");
    n = fread(b, 1, sizeof b - 1, f);
    fclose(f);
    assert_memory_equal(b, "a,b", 3);
    unlink(p);
    assert_null(csvw_open("/nonexistent/dir/x.csv", false));
}

/* ---- JSON ---- */

static void put_utf8(char **o, uint32_t cp)
{
    unsigned char *u = (unsigned char *)*o;
    if (cp < 0x80) {
        *u++ = (unsigned char)cp;
    } else if (cp < 0x800) {
        *u++ = (unsigned char)(0xC0 | cp >> 6);
        *u++ = (unsigned char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *u++ = (unsigned char)(0xE0 | cp >> 12);
        *u++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        *u++ = (unsigned char)(0x80 | (cp & 0x3F));
    } else {
        *u++ = (unsigned char)(0xF0 | cp >> 18);
        *u++ = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        *u++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        *u++ = (unsigned char)(0x80 | (cp & 0x3F));
    }
    *o = (char *)u;
}

/* Decode a JSON string literal (strictly: no raw control characters, only
 * the escapes RFC 8259 defines); returns the UTF-8 bytes and their length. */
static size_t json_decode(const char *j, char *out)
{
    size_t n = strlen(j);
    assert_true(n >= 2);
    assert_int_equal(j[0], '"');
    assert_int_equal(j[n - 1], '"');
    char *o = out;
    for (size_t i = 1; i < n - 1; i++) {
        unsigned char c = (unsigned char)j[i];
        if (c < 0x20)
            fail_msg("raw control character 0x%02x in JSON %s", c, j);
        if (c == '"')
            fail_msg("unescaped quote in JSON %s", j);
        if (c != '\\') {
            *o++ = (char)c;
            continue;
        }
        char e = j[++i];
        switch (e) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '/': *o++ = '/'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            unsigned cp;
            assert_int_equal(sscanf(j + i + 1, "%4x", &cp), 1);
            i += 4;
            if (cp >= 0xD800 && cp < 0xDC00) {
                unsigned lo;
                assert_true(j[i + 1] == '\\' && j[i + 2] == 'u');
                assert_int_equal(sscanf(j + i + 3, "%4x", &lo), 1);
                i += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            put_utf8(&o, cp);
            break;
        }
        default: fail_msg("bad escape \\%c in JSON %s", e, j);
        }
    }
    *o = 0;
    return (size_t)(o - out);
}

static char *json_of(const char *s, size_t n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    json_strn(f, s, n);
    fclose(f);
    return buf;
}

static void json_is(const char *in, size_t n, const char *want_utf8, size_t want_len)
{
    char *j = json_of(in, n);
    char dec[1024];
    size_t k = json_decode(j, dec);
    if (k != want_len || memcmp(dec, want_utf8, k) != 0) {
        char hex[512];
        size_t h = 0;
        for (size_t i = 0; j[i] && h + 5 < sizeof hex; i++)
            h += (size_t)snprintf(hex + h, sizeof hex - h, (unsigned char)j[i] < 0x20 || (unsigned char)j[i] > 0x7e
                                                                  ? "\\x%02x" : "%c", (unsigned char)j[i]);
        fail_msg("json_strn of %zu input bytes wrote %s (invalid UTF-8 must become U+FFFD)", n, hex);
    }
    free(j);
}

#define JS(in, want) json_is(in, sizeof(in) - 1, want, sizeof(want) - 1)

static void test_json_escapes(void **st)
{
    (void)st;
    JS("abc", "abc");
    JS("", "");
    JS("a\"b\\c", "a\"b\\c");
    JS("粤B12345 张三", "粤B12345 张三");
    JS("line1\nline2\r\t", "line1\nline2\r\t");
    JS("\x01\x02\x1f\x7f", "\x01\x02\x1f\x7f");
    JS("a\0b", "a\0b");
    JS("\xF0\x9F\x9A\x8C", "\xF0\x9F\x9A\x8C");
    /* json_str is the same for NUL-terminated text */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    json_str(f, "x\"\n");
    fclose(f);
    char dec[64];
    assert_int_equal(json_decode(buf, dec), 3);
    assert_string_equal(dec, "x\"\n");
    free(buf);
}

static void test_json_control_exact(void **st)
{
    (void)st;
    char *j = json_of("\x01", 1);
    assert_true(strcmp(j, "\"\\u0001\"") == 0);
    free(j);
    j = json_of("\n\"\\", 3);
    assert_string_equal(j, "\"\\n\\\"\\\\\"");
    free(j);
}

#define FFFD "\xEF\xBF\xBD"

static void test_json_invalid_utf8(void **st)
{
    (void)st;
    JS("a\xFF" "b", "a" FFFD "b");
    JS("\xD4\xC1" "B1", FFFD FFFD "B1"); /* GBK 粤: two invalid bytes */
    JS("\xC0\xAF", FFFD FFFD);            /* overlong '/' */
    JS("x\x80", "x" FFFD);
    /* a cut sequence at the end of the text */
    char *j = json_of("ok\xE4\xB8", 4);
    char dec[64];
    size_t k = json_decode(j, dec);
    assert_true(k >= 2 + 3);
    assert_memory_equal(dec, "ok" FFFD, 5);
    for (size_t i = 5; i < k; i += 3)
        assert_memory_equal(dec + i, FFFD, 3);
    free(j);
    /* an encoded UTF-16 surrogate (U+D800) is not UTF-8 (RFC 3629) */
    JS("\xED\xA0\x80", FFFD FFFD FFFD);
}

static void test_fmt_double(void **st)
{
    (void)st;
    char b[64];
    fmt_double(b, sizeof b, 85.3, 3);
    assert_string_equal(b, "85.3");
    fmt_double(b, sizeof b, 120.0, 3);
    assert_string_equal(b, "120");
    fmt_double(b, sizeof b, -0.5, 2);
    assert_string_equal(b, "-0.5");
    fmt_double(b, sizeof b, 1.23456, 3);
    assert_string_equal(b, "1.235");
    fmt_double(b, sizeof b, 12.5, 0);
    assert_true(strcmp(b, "12") == 0 || strcmp(b, "13") == 0);
    fmt_double(b, sizeof b, 0.0, 3);
    assert_string_equal(b, "0");
}

/* ---- outbuf: the ledger's buffered writer ---- */

/* An outbuf of `cap` bytes over a memory stream. */
typedef struct bmem {
    char *buf;
    size_t len;
    FILE *f;
    outbuf o;
} bmem;

static void bopen(bmem *m, size_t cap)
{
    m->buf = NULL;
    m->len = 0;
    m->f = open_memstream(&m->buf, &m->len);
    assert_non_null(m->f);
    outbuf_init(&m->o, m->f, NULL, cap);
}

/* What reached the stream; the caller frees it. */
static char *bclose(bmem *m, size_t *len)
{
    outbuf_done(&m->o);
    fclose(m->f);
    if (len)
        *len = m->len;
    return m->buf;
}

static void csv_field_is(bool from_input, const char *in, const char *want)
{
    bmem m;
    bopen(&m, 64);
    if (from_input)
        outbuf_csv_text(&m.o, in, strlen(in));
    else
        outbuf_csv_str(&m.o, in, strlen(in));
    char *got = bclose(&m, NULL);
    if (strcmp(got, want) != 0)
        fail_msg("outbuf_csv_%s(\"%s\") wrote [%s], want [%s]", from_input ? "text" : "str", in, got, want);
    free(got);
}

static void test_outbuf_csv_fields(void **st)
{
    (void)st;
    /* the exact bytes: RFC 4180 quoting, ' before a formula in text from
     * input only */
    csv_field_is(true, "粤B12345", "粤B12345");
    csv_field_is(true, "", "");
    csv_field_is(true, "a,b", "\"a,b\"");
    csv_field_is(true, "say \"hi\"", "\"say \"\"hi\"\"\"");
    csv_field_is(true, "\"", "\"\"\"\"");
    csv_field_is(true, "l1\nl2", "\"l1\nl2\"");
    csv_field_is(true, "c\rr", "\"c\rr\"");
    csv_field_is(true, " lead", "\" lead\"");
    csv_field_is(true, "trail ", "\"trail \"");
    csv_field_is(true, "a b", "a b");
    csv_field_is(true, "=cmd", "\"'=cmd\"");
    csv_field_is(true, "+1", "\"'+1\"");
    csv_field_is(true, "-2", "\"'-2\"");
    csv_field_is(true, "@x", "\"'@x\"");
    csv_field_is(true, "\tx", "\"'\tx\"");
    csv_field_is(true, "=1,\"2\"", "\"'=1,\"\"2\"\"\"");
    csv_field_is(true, "a=b", "a=b");
    csv_field_is(false, "-", "-");
    csv_field_is(false, "=", "=");
    csv_field_is(false, "6 pts; 200-500 yuan", "6 pts; 200-500 yuan");
    csv_field_is(false, "x,\"y\"", "\"x,\"\"y\"\"\"");
}

/* The field csv_field_is expects for text that is no formula: quoted
 * with doubled quotes when it holds a quote, comma or line break. */
static size_t quoted_by_hand(const char *s, size_t n, char *out)
{
    size_t k = 0;
    out[k++] = '"';
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            out[k++] = '"';
        out[k++] = s[i];
    }
    out[k++] = '"';
    return k;
}

static void test_outbuf_field_larger_than_buffer(void **st)
{
    (void)st;
    /* 1000 bytes with a quote every 7th: the quoted field is more than
     * fifteen times the 64-byte buffer, and its pieces cross the buffer's
     * end at every offset */
    char in[1000], want[2200];
    for (size_t i = 0; i < sizeof in; i++)
        in[i] = i % 7 == 3 ? '"' : (char)('a' + i % 26);
    for (size_t lead = 0; lead < 70; lead++) {
        bmem m;
        bopen(&m, 64);
        for (size_t i = 0; i < lead; i++)
            outbuf_putc(&m.o, 'x');
        outbuf_csv_text(&m.o, in, sizeof in);
        outbuf_putc(&m.o, '\n');
        size_t len;
        char *got = bclose(&m, &len);
        size_t k = 0;
        memset(want, 'x', lead);
        k = lead + quoted_by_hand(in, sizeof in, want + lead);
        want[k++] = '\n';
        assert_int_equal(len, k);
        assert_memory_equal(got, want, k);
        free(got);
    }
    /* unquoted and larger than the buffer: written past it as it is */
    char plain[300];
    memset(plain, 'p', sizeof plain);
    bmem m;
    bopen(&m, 64);
    outbuf_putc(&m.o, '<');
    outbuf_csv_str(&m.o, plain, sizeof plain);
    outbuf_putc(&m.o, '>');
    size_t len;
    char *got = bclose(&m, &len);
    assert_int_equal(len, sizeof plain + 2);
    assert_int_equal(got[0], '<');
    assert_memory_equal(got + 1, plain, sizeof plain);
    assert_int_equal(got[len - 1], '>');
    free(got);
}

static void test_outbuf_flush_at_boundary(void **st)
{
    (void)st;
    bmem m;
    bopen(&m, 64);
    char piece[64];
    for (int i = 0; i < 64; i++)
        piece[i] = (char)('A' + i % 26);
    /* exactly full: nothing reaches the stream until more is written */
    outbuf_put(&m.o, piece, 60);
    outbuf_put(&m.o, piece, 4);
    assert_int_equal(m.o.len, 64);
    fflush(m.f);
    assert_int_equal(m.len, 0);
    outbuf_putc(&m.o, '!');
    assert_int_equal(m.o.len, 1);
    fflush(m.f);
    assert_int_equal(m.len, 64);
    /* a piece of exactly the buffer's size, and a number that does not
     * fit in what is left */
    outbuf_put(&m.o, piece, 64);
    for (int i = 0; i < 50; i++)
        outbuf_putc(&m.o, '.');
    outbuf_int(&m.o, INT64_MIN);
    size_t len;
    char *got = bclose(&m, &len);
    assert_int_equal(len, 64 + 1 + 64 + 50 + 20);
    assert_memory_equal(got, piece, 60);
    assert_memory_equal(got + 60, piece, 4);
    assert_int_equal(got[64], '!');
    assert_memory_equal(got + 65, piece, 64);
    assert_memory_equal(got + 65 + 64 + 50, "-9223372036854775808", 20);
    free(got);
    /* every length 0..200 in a row */
    char big[200];
    for (int i = 0; i < 200; i++)
        big[i] = (char)('a' + i % 26);
    bopen(&m, 64);
    size_t want = 0;
    for (size_t n = 0; n <= 200; n++) {
        outbuf_put(&m.o, big, n);
        want += n;
    }
    got = bclose(&m, &len);
    assert_int_equal(len, want);
    size_t at = 0;
    for (size_t n = 0; n <= 200; n++) {
        assert_memory_equal(got + at, big, n);
        at += n;
    }
    free(got);
}

static void test_outbuf_in_memory(void **st)
{
    (void)st;
    /* in memory the buffer grows, from the caller's array to the heap */
    char first[64];
    outbuf o;
    outbuf_init(&o, NULL, first, sizeof first);
    for (int i = 0; i < 5000; i++)
        outbuf_putc(&o, (char)('0' + i % 10));
    outbuf_csv_text(&o, "=a,b", 4);
    assert_true(o.own);
    assert_int_equal(o.len, 5000 + 7);
    for (int i = 0; i < 5000; i++)
        assert_int_equal(o.buf[i], '0' + i % 10);
    assert_memory_equal(o.buf + 5000, "\"'=a,b\"", 7);
    outbuf_done(&o);
    /* while it fits it stays in the caller's array */
    outbuf_init(&o, NULL, first, sizeof first);
    outbuf_put(&o, "abc", 3);
    assert_false(o.own);
    assert_ptr_equal(o.buf, first);
    outbuf_done(&o);
}

static void test_fmt_fixed(void **st)
{
    (void)st;
    /* the same text as num_format_fixed, at every scale, for the edges
     * (powers of ten and one either side, the int64 range) and random
     * values of every size */
    int64_t edges[64];
    size_t ne = 0;
    edges[ne++] = 0;
    edges[ne++] = INT64_MIN;
    edges[ne++] = INT64_MAX;
    edges[ne++] = INT64_MIN + 1;
    for (int64_t p = 1; p <= INT64_MAX / 10; p *= 10) {
        edges[ne++] = p;
        edges[ne++] = p - 1;
        edges[ne++] = -(p + 1);
    }
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 200000 + (int)ne; i++) {
        int64_t v;
        if (i < (int)ne) {
            v = edges[i];
        } else {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            v = (int64_t)(x >> (x % 64));
            if (x & 1)
                v = -v;
        }
        for (int scale = 0; scale <= 8; scale++) {
            char got[32], want[32];
            size_t n = fmt_fixed(got, v, scale);
            got[n] = 0;
            int wn = num_format_fixed(want, v, scale);
            if ((int)n != wn || strcmp(got, want) != 0)
                fail_msg("fmt_fixed(%lld, %d) = [%s], num_format_fixed [%s]", (long long)v, scale, got, want);
        }
    }
    /* and through the writer */
    bmem m;
    bopen(&m, 64);
    outbuf_int(&m.o, -5);
    outbuf_putc(&m.o, ',');
    outbuf_fixed(&m.o, -500, 3);
    outbuf_putc(&m.o, ',');
    outbuf_fixed(&m.o, 85300, 3);
    outbuf_putc(&m.o, ',');
    outbuf_fixed(&m.o, 120000, 3);
    outbuf_putc(&m.o, ',');
    outbuf_fixed(&m.o, 111122947, 6);
    outbuf_putc(&m.o, ',');
    outbuf_fixed(&m.o, 21000056, 6);
    outbuf_putc(&m.o, ',');
    outbuf_double(&m.o, 1.0 / 3.0, 3);
    outbuf_putc(&m.o, ',');
    outbuf_double(&m.o, 13.005, 2);
    outbuf_putc(&m.o, ',');
    outbuf_int(&m.o, 0);
    char *got = bclose(&m, NULL);
    assert_string_equal(got, "-5,-0.5,85.3,120,111.122947,21.000056,0.333,13.01,0");
    free(got);
}

static void test_outbuf_json(void **st)
{
    (void)st;
    /* escapes and UTF-8 checks across the buffer's end, at every offset */
    static const char in[] = "粤B\"1\\2\n\x01\xff" "张三\xe4\xb8" "ok";
    for (size_t lead = 0; lead < 70; lead++) {
        bmem m;
        bopen(&m, 64);
        for (size_t i = 0; i < lead; i++)
            outbuf_putc(&m.o, ' ');
        outbuf_json_str(&m.o, in, sizeof in - 1);
        char *got = bclose(&m, NULL);
        char *want = json_of(in, sizeof in - 1);
        assert_string_equal(got + lead, want);
        assert_string_equal(want, "\"粤B\\\"1\\\\2\\n\\u0001\\ufffd张三\\ufffd\\ufffdok\"");
        free(want);
        free(got);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_fields),
        cmocka_unit_test(test_rfc4180_quoting),
        cmocka_unit_test(test_formula_neutralised),
        cmocka_unit_test(test_own_text_and_numbers_not_neutralised),
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_textn),
        cmocka_unit_test(test_open_bom),
        cmocka_unit_test(test_json_escapes),
        cmocka_unit_test(test_json_control_exact),
        cmocka_unit_test(test_json_invalid_utf8),
        cmocka_unit_test(test_fmt_double),
        cmocka_unit_test(test_outbuf_csv_fields),
        cmocka_unit_test(test_outbuf_field_larger_than_buffer),
        cmocka_unit_test(test_outbuf_flush_at_boundary),
        cmocka_unit_test(test_outbuf_in_memory),
        cmocka_unit_test(test_fmt_fixed),
        cmocka_unit_test(test_outbuf_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
