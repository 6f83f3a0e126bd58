/*
 * test_output_safety.c - what roadlog writes must read back as what it
 * meant, whatever text the inputs carried (issue 7, "output safety").
 *
 * Properties over many random strings rather than examples (those are in
 * test_csvout.c): a CSV field written by csvw reads back through libcsv
 * (RFC 4180) as the same text -- with one leading ' when it is text from
 * input that a spreadsheet would take for a formula -- and numbers are
 * never quoted or prefixed; an HTML-escaped string has no markup
 * character left and is valid UTF-8; a JSON string decodes to the text
 * (invalid bytes to U+FFFD).  The end-to-end checks on real outputs
 * (events.csv, report.html and its per-vehicle pages, events.xlsx, the
 * summary) are in tests/baddata.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "plate.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

/* A random string of the kind inputs carry: delimiters, quotes, line
 * breaks, formula starters, spaces, tabs, Chinese text, stray bytes. */
static size_t random_text(char *out, size_t cap)
{
    static const char *const pieces[] = {",", "\"", "\n", "\r", "\r\n", "=", "+", "-", "@", " ", "\t", "'", ";",
                                         "粤B", "公司", "<", ">", "&", "a", "1", "0.5", "\x1b", "\x7f", "\xff",
                                         "\xe7\xb2", "=HYPERLINK(\"x\")", "\\", "\x01"};
    size_t n = 0, k = rnd(8);
    for (size_t i = 0; i < k; i++) {
        const char *p = pieces[rnd(sizeof pieces / sizeof pieces[0])];
        size_t l = strlen(p);
        if (n + l >= cap)
            break;
        memcpy(out + n, p, l);
        n += l;
    }
    out[n] = 0;
    return n;
}

/* ---- CSV through libcsv ---- */

typedef struct {
    char f[4][256];
    size_t len[4];
    int nf, rows;
} parsed;

static void on_field(void *s, size_t n, void *ud)
{
    parsed *p = ud;
    if (p->nf < 4 && n < 256) {
        memcpy(p->f[p->nf], s, n);
        p->len[p->nf] = n;
    }
    p->nf++;
}

static void on_row(int c, void *ud)
{
    parsed *p = ud;
    (void)c;
    p->rows++;
}

static int never_space(unsigned char c)
{
    (void)c;
    return 0;
}

static void test_csv_round_trip(void **st)
{
    (void)st;
    for (int iter = 0; iter < 20000; iter++) {
        char a[200], b[200];
        size_t an = random_text(a, sizeof a);
        size_t bn = random_text(b, sizeof b);
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        csvw w;
        csvw_init(&w, f);
        csvw_textn(&w, a, an); /* text from input */
        csvw_str(&w, b);       /* roadlog's own text */
        csvw_int(&w, -5);
        csvw_fixed(&w, -1234567, 3);
        csvw_end(&w);
        fclose(f);
        struct csv_parser cp;
        parsed p;
        memset(&p, 0, sizeof p);
        assert_int_equal(csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI), 0);
        csv_set_space_func(&cp, never_space);
        if (csv_parse(&cp, buf, len, on_field, on_row, &p) != len || csv_fini(&cp, on_field, on_row, &p) != 0)
            fail_msg("not RFC 4180: %s", buf);
        csv_free(&cp);
        assert_int_equal(p.rows, 1);
        assert_int_equal(p.nf, 4);
        /* text from input: itself, or ' + itself when it starts like a formula */
        bool formula = text_is_formula(a, an);
        assert_int_equal(p.len[0], an + formula);
        if (formula)
            assert_int_equal(p.f[0][0], '\'');
        assert_memory_equal(p.f[0] + formula, a, an);
        assert_int_equal(p.len[1], bn);
        assert_memory_equal(p.f[1], b, bn);
        /* numbers: bare, so a spreadsheet reads numbers */
        assert_int_equal(p.len[2], 2);
        assert_memory_equal(p.f[2], "-5", 2);
        assert_int_equal(p.len[3], 9);
        assert_memory_equal(p.f[3], "-1234.567", 9);
        assert_non_null(strstr(buf, ",-5,-1234.567\n"));
        free(buf);
    }
}

/* every spreadsheet formula starter (OWASP: = + - @ tab CR) */
static void test_formula_starters(void **st)
{
    (void)st;
    const char *starts = "=+-@\t\r";
    for (const char *c = starts; *c; c++) {
        char s[8] = {*c, '1', '+', '1', 0};
        assert_true(text_is_formula(s, strlen(s)));
    }
    assert_false(text_is_formula("1-2", 3));
    assert_false(text_is_formula("粤B", strlen("粤B")));
    assert_false(text_is_formula("", 0));
}

/* ---- HTML ---- */

static void test_html_escape_property(void **st)
{
    (void)st;
    for (int iter = 0; iter < 20000; iter++) {
        char a[200];
        size_t an = random_text(a, sizeof a);
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        html_strn(f, a, an);
        fclose(f);
        /* no markup character left: only entities */
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)buf[i];
            assert_true(c != '<' && c != '>' && c != '"' && c != '\'');
            assert_true(c >= 0x20 || c == '\t' || c == '\n');
            assert_true(c != 0x7f);
            if (c == '&')
                assert_true(strncmp(buf + i, "&amp;", 5) == 0 || strncmp(buf + i, "&lt;", 4) == 0 ||
                            strncmp(buf + i, "&gt;", 4) == 0 || strncmp(buf + i, "&quot;", 6) == 0 ||
                            strncmp(buf + i, "&#39;", 5) == 0);
        }
        assert_true(utf8_valid(buf, len));
        free(buf);
    }
}

/* ---- JSON ---- */

/* Decode a JSON string literal (RFC 8259) into out; false when it is not
 * one.  \u escapes of the BMP only (json_str writes no others). */
static bool json_decode(const char *s, size_t n, char *out, size_t *on)
{
    size_t o = 0;
    if (n < 2 || s[0] != '"' || s[n - 1] != '"')
        return false;
    for (size_t i = 1; i + 1 < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == '"')
            return false;
        if (c != '\\') {
            out[o++] = (char)c;
            continue;
        }
        char e = s[++i];
        switch (e) {
        case '"': out[o++] = '"'; break;
        case '\\': out[o++] = '\\'; break;
        case '/': out[o++] = '/'; break;
        case 'n': out[o++] = '\n'; break;
        case 'r': out[o++] = '\r'; break;
        case 't': out[o++] = '\t'; break;
        case 'b': out[o++] = '\b'; break;
        case 'f': out[o++] = '\f'; break;
        case 'u': {
            unsigned cp = 0;
            for (int k = 0; k < 4; k++) {
                char h = s[++i];
                cp = cp * 16 + (unsigned)(h >= 'a' ? h - 'a' + 10 : h >= 'A' ? h - 'A' + 10 : h - '0');
            }
            if (cp < 0x80) {
                out[o++] = (char)cp;
            } else if (cp < 0x800) {
                out[o++] = (char)(0xC0 | cp >> 6);
                out[o++] = (char)(0x80 | (cp & 0x3F));
            } else {
                out[o++] = (char)(0xE0 | cp >> 12);
                out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                out[o++] = (char)(0x80 | (cp & 0x3F));
            }
            break;
        }
        default: return false;
        }
    }
    *on = o;
    return true;
}

static void test_json_round_trip(void **st)
{
    (void)st;
    for (int iter = 0; iter < 20000; iter++) {
        char a[200];
        size_t an = random_text(a, sizeof a);
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        json_strn(f, a, an);
        fclose(f);
        char back[1200];
        size_t bn = 0;
        if (!json_decode(buf, len, back, &bn))
            fail_msg("not a JSON string: %s", buf);
        assert_true(utf8_valid(buf, len));
        if (utf8_valid(a, an)) {
            assert_int_equal(bn, an);
            assert_memory_equal(back, a, an);
        }
        free(buf);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_round_trip),
        cmocka_unit_test(test_formula_starters),
        cmocka_unit_test(test_html_escape_property),
        cmocka_unit_test(test_json_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
