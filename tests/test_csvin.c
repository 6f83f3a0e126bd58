/*
 * test_csvin.c - the push-style table reader (parsers/csvin.h) against
 * FORMATS.md §1 (comma/tab/semicolon sniffed, RFC 4180 quoting, UTF-8
 * with or without BOM, GBK detected and converted) and its header
 * contract (physical line numbers, bounded lines/fields/quoted rows, the
 * lines after a bad one read again).  Every input is also fed in every
 * chunk size, and the direct split is checked against libcsv on random
 * lines.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvin.h"

/* GCC with -fsanitize=address,undefined at -O2 misreads the sprintf-built
 * buffers below (null destination / zero-size bounds); they are sized. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-overflow"
#pragma GCC diagnostic ignored "-Warray-bounds"
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#endif

/* ---- a handler that writes everything it gets into a log ---- */

typedef struct logbuf {
    char *p;
    size_t len, cap;
    int nrows, nrej, nhdr;
    bool stop_header, stop_row_at; /* header returns false / row returns false */
    int stop_after_rows;
    char raw_of_row2[256];
} logbuf;

static void put(logbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

static void puts_(logbuf *b, const char *s) { put(b, s, strlen(s)); }

static void put_row(logbuf *b, char tag, const csv_row *row)
{
    char h[64];
    snprintf(h, sizeof h, "%c%llu:", tag, (unsigned long long)row->line);
    puts_(b, h);
    for (size_t i = 0; i < row->n; i++) {
        if (i)
            puts_(b, "|");
        puts_(b, "[");
        for (size_t k = 0; k < row->len[i]; k++) {
            char c = row->f[i][k];
            if (c == '\n')
                puts_(b, "\\n");
            else if (c == '\r')
                puts_(b, "\\r");
            else
                put(b, &c, 1);
        }
        puts_(b, "]");
    }
    puts_(b, "\n");
}

static bool on_header(void *ud, const csv_row *row)
{
    logbuf *b = ud;
    b->nhdr++;
    put_row(b, 'H', row);
    return !b->stop_header;
}

static bool on_row(void *ud, const csv_row *row)
{
    logbuf *b = ud;
    b->nrows++;
    put_row(b, 'D', row);
    if (row->line == 2 && row->raw) {
        size_t n = row->raw_len < sizeof b->raw_of_row2 - 1 ? row->raw_len : sizeof b->raw_of_row2 - 1;
        memcpy(b->raw_of_row2, row->raw, n);
        b->raw_of_row2[n] = 0;
    }
    if (b->stop_after_rows && b->nrows >= b->stop_after_rows)
        return false;
    return true;
}

static bool on_reject(void *ud, uint64_t line, const char *reason, const void *raw, size_t raw_len)
{
    logbuf *b = ud;
    b->nrej++;
    char h[64];
    snprintf(h, sizeof h, "R%llu\n", (unsigned long long)line);
    puts_(b, h);
    assert_non_null(reason);
    assert_true(strlen(reason) > 0);
    (void)raw;
    (void)raw_len;
    return true;
}

typedef struct result {
    logbuf log;
    char delim;
    char enc[16];
    uint64_t lines;
    bool feed_ok;
} result;

static void run_chunked(result *r, const char *in, size_t n, size_t chunk, bool force)
{
    memset(r, 0, sizeof *r);
    puts_(&r->log, "");
    csvin_handler h = {&r->log, on_header, on_row, on_reject};
    csvin *c = csvin_new(&h);
    csvin_force_libcsv(c, force);
    bool ok = true;
    for (size_t i = 0; i < n && ok; i += chunk)
        ok = csvin_feed(c, in + i, n - i < chunk ? n - i : chunk);
    if (ok)
        ok = csvin_finish(c);
    r->feed_ok = ok;
    r->delim = csvin_delimiter(c);
    snprintf(r->enc, sizeof r->enc, "%s", csvin_encoding(c));
    r->lines = csvin_lines(c);
    csvin_free(c);
}

static void run_s(result *r, const char *in) { run_chunked(r, in, strlen(in), strlen(in) + 1, false); }

static void expect_log(const char *in, const char *want)
{
    result r;
    run_s(&r, in);
    if (strcmp(r.log.p, want) != 0)
        fail_msg("input:\n%s\n--- got:\n%s--- want:\n%s", in, r.log.p, want);
    free(r.log.p);
}

static void test_basic(void **st)
{
    (void)st;
    result r;
    run_s(&r, "plate,time,speed\n粤B12345,2026-03-15 08:00:00,85.3\n粤B12346,2026-03-15 08:00:01,0\n");
    assert_string_equal(r.log.p, "H1:[plate]|[time]|[speed]\n"
                                 "D2:[粤B12345]|[2026-03-15 08:00:00]|[85.3]\n"
                                 "D3:[粤B12346]|[2026-03-15 08:00:01]|[0]\n");
    assert_int_equal(r.delim, ',');
    assert_string_equal(r.enc, "utf-8");
    assert_int_equal(r.lines, 3);
    assert_true(r.feed_ok);
    assert_string_equal(r.log.raw_of_row2, "粤B12345,2026-03-15 08:00:00,85.3");
    free(r.log.p);
}

static void test_ascii_encoding(void **st)
{
    (void)st;
    result r;
    run_s(&r, "a,b\n1,2\n");
    assert_string_equal(r.enc, "ascii");
    free(r.log.p);
}

static void test_bom(void **st)
{
    (void)st;
    expect_log("\xEF\xBB\xBFplate,time\nA,1\n", "H1:[plate]|[time]\nD2:[A]|[1]\n");
    expect_log("\xEF\xBB\xBF\"plate\",time\nA,1\n", "H1:[plate]|[time]\nD2:[A]|[1]\n");
    /* a BOM-like sequence later on is data */
    expect_log("a,b\n\xEF\xBB\xBFx,1\n", "H1:[a]|[b]\nD2:[\xEF\xBB\xBFx]|[1]\n");
}

static void test_delimiters(void **st)
{
    (void)st;
    result r;
    run_s(&r, "plate\ttime\tspeed\nA\t2026-03-15 08:00:00\t1,5\n");
    assert_int_equal(r.delim, '\t');
    assert_string_equal(r.log.p, "H1:[plate]|[time]|[speed]\nD2:[A]|[2026-03-15 08:00:00]|[1,5]\n");
    free(r.log.p);
    run_s(&r, "plate;time;speed\nA;2026-03-15 08:00:00;1,5\n");
    assert_int_equal(r.delim, ';');
    assert_string_equal(r.log.p, "H1:[plate]|[time]|[speed]\nD2:[A]|[2026-03-15 08:00:00]|[1,5]\n");
    free(r.log.p);
    run_s(&r, "车牌号,定位时间,速度(km/h)\nA,t,1;5\n");
    assert_int_equal(r.delim, ',');
    assert_string_equal(r.log.p, "H1:[车牌号]|[定位时间]|[速度(km/h)]\nD2:[A]|[t]|[1;5]\n");
    free(r.log.p);
    /* a quoted header name holding another delimiter does not confuse it */
    run_s(&r, "\"a;b\",c,d\n1,2,3\n");
    assert_int_equal(r.delim, ',');
    assert_string_equal(r.log.p, "H1:[a;b]|[c]|[d]\nD2:[1]|[2]|[3]\n");
    free(r.log.p);
}

static void test_crlf(void **st)
{
    (void)st;
    expect_log("a,b\r\n1,2\r\n3,4\r\n", "H1:[a]|[b]\nD2:[1]|[2]\nD3:[3]|[4]\n");
    expect_log("a,b\r\n1,2\r\n3,4", "H1:[a]|[b]\nD2:[1]|[2]\nD3:[3]|[4]\n");
    expect_log("a,b\r\n\"x\",\"y\"\r\n", "H1:[a]|[b]\nD2:[x]|[y]\n");
}

static void test_quotes(void **st)
{
    (void)st;
    expect_log("a,b\n\"x,y\",\"he said \"\"hi\"\"\"\n", "H1:[a]|[b]\nD2:[x,y]|[he said \"hi\"]\n");
    expect_log("a,b\n\"\",\"\"\"\"\n", "H1:[a]|[b]\nD2:[]|[\"]\n");
    expect_log("a,b\n\" x \",y\n", "H1:[a]|[b]\nD2:[ x ]|[y]\n");
    expect_log("a;b\n\"1;2\";\"粤B,1\"\n", "H1:[a]|[b]\nD2:[1;2]|[粤B,1]\n");
}

static void test_multiline_rows(void **st)
{
    (void)st;
    expect_log("a,b\n\"line1\nline2\",z\n3,4\n",
               "H1:[a]|[b]\nD2:[line1\\nline2]|[z]\nD4:[3]|[4]\n");
    expect_log("a,b\n1,\"x\n\ny\n\"\n5,6\n\"p\nq\",r\n7,8\n",
               "H1:[a]|[b]\nD2:[1]|[x\\n\\ny\\n]\nD6:[5]|[6]\nD7:[p\\nq]|[r]\nD9:[7]|[8]\n");
    /* a quoted newline in the header too */
    expect_log("\"a\nb\",c\n1,2\n", "H1:[a\\nb]|[c]\nD3:[1]|[2]\n");
}

static void test_blank_lines(void **st)
{
    (void)st;
    expect_log("a,b\n\n1,2\n\n\n3,4\n\n", "H1:[a]|[b]\nD3:[1]|[2]\nD6:[3]|[4]\n");
    expect_log("\n\na,b\n1,2\n", "H3:[a]|[b]\nD4:[1]|[2]\n");
    expect_log("a,b\r\n\r\n1,2\r\n", "H1:[a]|[b]\nD3:[1]|[2]\n");
}

static void test_spaces(void **st)
{
    (void)st;
    expect_log("a , b\n 1 , 2 \n\t3\t,\t4\t\n", "H1:[a]|[b]\nD2:[1]|[2]\nD3:[3]|[4]\n");
    expect_log("a,b,c\n,,\n x,,\n", "H1:[a]|[b]|[c]\nD2:[]|[]|[]\nD3:[x]|[]|[]\n");
    expect_log("a,b\n粤B 12345 , 张 三 \n", "H1:[a]|[b]\nD2:[粤B 12345]|[张 三]\n");
}

/* A line of only spaces or tabs: both paths must agree on it, and the
 * row after it keeps its physical line number (FORMATS.md: `source` is
 * file:line, physical lines). */
static void test_spaces_only_line(void **st)
{
    (void)st;
    static const char *const in[] = {"a,b\n \n1,2\n", "a,b\n\t\n1,2\n", "a,b\n   \r\n1,2\n",
                                     "a,b\n \n\"x\",2\n"};
    for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
        result d, l;
        run_chunked(&d, in[i], strlen(in[i]), 64, false);
        run_chunked(&l, in[i], strlen(in[i]), 64, true);
        if (!strstr(d.log.p, "D3:[") || !strstr(l.log.p, "D3:["))
            fail_msg("input %zu: the row on line 3 is misnumbered\n direct:\n%s libcsv:\n%s", i, d.log.p, l.log.p);
        if (strcmp(d.log.p, l.log.p) != 0)
            fail_msg("input %zu: direct split and libcsv differ\n direct:\n%s libcsv:\n%s", i, d.log.p, l.log.p);
        free(d.log.p);
        free(l.log.p);
    }
}

static void test_no_final_newline(void **st)
{
    (void)st;
    expect_log("a,b\n1,2", "H1:[a]|[b]\nD2:[1]|[2]\n");
    expect_log("a,b", "H1:[a]|[b]\n");
    expect_log("a,b\n\"1\n2\",3", "H1:[a]|[b]\nD2:[1\\n2]|[3]\n");
}

/* ---- GBK ---- */

static size_t to_gbk(const char *utf8, char *out, size_t cap)
{
    iconv_t cd = iconv_open("GBK", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    char *in = (char *)utf8, *o = out;
    size_t inl = strlen(utf8), outl = cap;
    assert_true(iconv(cd, &in, &inl, &o, &outl) != (size_t)-1);
    iconv_close(cd);
    return cap - outl;
}

static void test_gbk(void **st)
{
    (void)st;
    const char *u = "车牌号,定位时间,驾驶员\n粤B12345,2026-03-15 08:00:00,张三\n京A·F0236,2026-03-15 08:00:01,李四\n";
    char g[512];
    size_t n = to_gbk(u, g, sizeof g);
    assert_true(n < strlen(u)); /* really GBK: 2 bytes per hanzi */
    for (size_t chunk = 1; chunk <= n; chunk++) {
        result r;
        run_chunked(&r, g, n, chunk, false);
        if (strcmp(r.log.p, "H1:[车牌号]|[定位时间]|[驾驶员]\n"
                            "D2:[粤B12345]|[2026-03-15 08:00:00]|[张三]\n"
                            "D3:[京A·F0236]|[2026-03-15 08:00:01]|[李四]\n") != 0)
            fail_msg("chunk %zu:\n%s", chunk, r.log.p);
        assert_string_equal(r.enc, "gbk");
        free(r.log.p);
    }
}

static void test_gbk_after_ascii_header(void **st)
{
    (void)st;
    char g[512];
    size_t n = to_gbk("plate,driver\n粤B12345,\"张三,李四\"\n粤B2,王五\n", g, sizeof g);
    result r;
    run_chunked(&r, g, n, n, false);
    assert_string_equal(r.log.p, "H1:[plate]|[driver]\nD2:[粤B12345]|[张三,李四]\nD3:[粤B2]|[王五]\n");
    assert_string_equal(r.enc, "gbk");
    free(r.log.p);
}

static void test_neither_utf8_nor_gbk(void **st)
{
    (void)st;
    /* 0xFF is a lead byte in neither encoding; 0x80 alone is not GBK */
    expect_log("a,b\n1,2\nx\xFF\xFE,y\n3,4\n", "H1:[a]|[b]\nD2:[1]|[2]\nR3\nD4:[3]|[4]\n");
    expect_log("a,b\n\x80,1\n3,4\n", "H1:[a]|[b]\nR2\nD3:[3]|[4]\n");
}

/* ---- bounds ---- */

static void test_long_line(void **st)
{
    (void)st;
    size_t big = CSVIN_MAX_LINE + 100;
    char *in = malloc(big + 64);
    if (!in)
        fail();
    size_t k = 0;
    k += (size_t)sprintf(in + k, "a,b\n1,2\n");
    memset(in + k, 'x', big);
    k += big;
    k += (size_t)sprintf(in + k, ",y\n3,4\n");
    for (size_t chunk = 7; chunk <= k; chunk *= 13) {
        result r;
        run_chunked(&r, in, k, chunk, false);
        assert_string_equal(r.log.p, "H1:[a]|[b]\nD2:[1]|[2]\nR3\nD4:[3]|[4]\n");
        free(r.log.p);
    }
    /* a long line at the very end, without a newline */
    memcpy(in + k - 7, "\n", 1);
    result r;
    run_chunked(&r, in, k - 6, 4096, false);
    assert_string_equal(r.log.p, "H1:[a]|[b]\nD2:[1]|[2]\nR3\n");
    free(r.log.p);
    free(in);
}

static void test_line_at_limit(void **st)
{
    (void)st;
    /* a line of exactly CSVIN_MAX_LINE bytes (newline excluded) is fine */
    size_t L = CSVIN_MAX_LINE;
    char *in = malloc(L + 64);
    if (!in)
        fail();
    size_t k = (size_t)sprintf(in, "a,b\n");
    in[k++] = 'q';
    in[k++] = ',';
    memset(in + k, 'z', L - 2);
    k += L - 2;
    in[k++] = '\n';
    result r;
    run_chunked(&r, in, k, 1000, false);
    assert_int_equal(r.log.nrows, 1);
    assert_int_equal(r.log.nrej, 0);
    free(r.log.p);
    free(in);
}

static void test_unterminated_quote_eof(void **st)
{
    (void)st;
    expect_log("a,b\n\"abc,def\n1,2\n3,4\n", "H1:[a]|[b]\nR2\nD3:[1]|[2]\nD4:[3]|[4]\n");
}

static void test_unterminated_quote_long(void **st)
{
    (void)st;
    char in[8192], want[8192];
    size_t k = (size_t)sprintf(in, "a,b\n1,\"open\n");
    size_t w = (size_t)sprintf(want, "H1:[a]|[b]\nR2\n");
    for (int i = 3; i <= 3 + CSVIN_MAX_ROW_LINES + 10; i++) {
        k += (size_t)sprintf(in + k, "%d,%d\n", i, i * 10);
        w += (size_t)sprintf(want + w, "D%d:[%d]|[%d]\n", i, i, i * 10);
    }
    for (size_t chunk = 1; chunk <= k; chunk = chunk * 3 + 1) {
        result r;
        run_chunked(&r, in, k, chunk, false);
        if (strcmp(r.log.p, want) != 0)
            fail_msg("chunk %zu:\n%s--- want:\n%s", chunk, r.log.p, want);
        free(r.log.p);
    }
}

static void test_quoted_row_at_line_limit(void **st)
{
    (void)st;
    /* a quoted field spanning exactly CSVIN_MAX_ROW_LINES lines is a row */
    char in[4096], field[4096];
    size_t k = (size_t)sprintf(in, "a,b\n\"");
    size_t f = 0;
    for (int i = 1; i <= CSVIN_MAX_ROW_LINES; i++) {
        k += (size_t)sprintf(in + k, "%d%s", i, i < CSVIN_MAX_ROW_LINES ? "\n" : "\",x\n");
        f += (size_t)sprintf(field + f, "%d%s", i, i < CSVIN_MAX_ROW_LINES ? "\\n" : "");
    }
    k += (size_t)sprintf(in + k, "5,6\n");
    char want[8192];
    snprintf(want, sizeof want, "H1:[a]|[b]\nD2:[%s]|[x]\nD%d:[5]|[6]\n", field, 2 + CSVIN_MAX_ROW_LINES);
    result r;
    run_chunked(&r, in, k, 5, false);
    assert_string_equal(r.log.p, want);
    free(r.log.p);
}

static void test_too_many_fields(void **st)
{
    (void)st;
    char *in = malloc(16 * CSVIN_MAX_FIELDS + 64);
    if (!in)
        fail();
    size_t k = (size_t)sprintf(in, "a,b\n1,2\n");
    for (int i = 0; i < CSVIN_MAX_FIELDS + 5; i++)
        k += (size_t)sprintf(in + k, "%s%d", i ? "," : "", i);
    k += (size_t)sprintf(in + k, "\n3,4\n");
    result r;
    run_chunked(&r, in, k, 100, false);
    assert_string_equal(r.log.p, "H1:[a]|[b]\nD2:[1]|[2]\nR3\nD4:[3]|[4]\n");
    free(r.log.p);
    /* the same through libcsv (a quoted field on the line) */
    k = (size_t)sprintf(in, "a,b\n1,2\n\"q\"");
    for (int i = 0; i < CSVIN_MAX_FIELDS + 5; i++)
        k += (size_t)sprintf(in + k, ",%d", i);
    k += (size_t)sprintf(in + k, "\n3,4\n");
    run_chunked(&r, in, k, 100, false);
    assert_string_equal(r.log.p, "H1:[a]|[b]\nD2:[1]|[2]\nR3\nD4:[3]|[4]\n");
    free(r.log.p);
    /* exactly CSVIN_MAX_FIELDS is fine */
    k = (size_t)sprintf(in, "a,b\n");
    for (int i = 0; i < CSVIN_MAX_FIELDS; i++)
        k += (size_t)sprintf(in + k, "%s%d", i ? "," : "", i);
    k += (size_t)sprintf(in + k, "\n");
    run_chunked(&r, in, k, 100, false);
    assert_int_equal(r.log.nrows, 1);
    assert_int_equal(r.log.nrej, 0);
    free(r.log.p);
    free(in);
}

/* ---- callbacks that stop ---- */

static void test_header_stop(void **st)
{
    (void)st;
    logbuf b = {0};
    puts_(&b, "");
    b.stop_header = true;
    csvin_handler h = {&b, on_header, on_row, on_reject};
    csvin *c = csvin_new(&h);
    const char *in = "x,y\n1,2\n3,4\n";
    csvin_feed(c, in, strlen(in));
    csvin_finish(c);
    csvin_free(c);
    assert_int_equal(b.nhdr, 1);
    assert_int_equal(b.nrows, 0);
    assert_true(csvin_header_seen != NULL);
    free(b.p);
}

static void test_row_stop(void **st)
{
    (void)st;
    logbuf b = {0};
    puts_(&b, "");
    b.stop_after_rows = 2;
    csvin_handler h = {&b, on_header, on_row, on_reject};
    csvin *c = csvin_new(&h);
    const char *in = "x,y\n1,2\n3,4\n5,6\n7,8\n";
    assert_false(csvin_feed(c, in, strlen(in)));
    csvin_free(c);
    assert_int_equal(b.nrows, 2);
    free(b.p);
}

static void test_header_seen(void **st)
{
    (void)st;
    logbuf b = {0};
    puts_(&b, "");
    csvin_handler h = {&b, on_header, on_row, on_reject};
    csvin *c = csvin_new(&h);
    assert_false(csvin_header_seen(c));
    csvin_feed(c, "\n\na,", 4);
    assert_false(csvin_header_seen(c));
    csvin_feed(c, "b\n1,2\n", 6);
    assert_true(csvin_header_seen(c));
    csvin_finish(c);
    assert_int_equal(csvin_lines(c), 4);
    csvin_free(c);
    free(b.p);
}

/* ---- every chunk size gives the same rows ---- */

static const char *const CHUNK_INPUTS[] = {
    "\xEF\xBB\xBFplate,time,driver\r\n粤B12345,2026-03-15 08:00:00,\"张三\"\r\n\r\n\"粤B,1\",\"a\"\"b\",\"x\ny\"\r\n"
    " q , r ,s\r\nlast,line,no-newline",
    "a;b;c\n\"1;2\";3;4\n\n5;\"6\n\n7\";8\n9;10;11\n\"unterminated;x\n12;13;14\n",
    "a\tb\n1\t2\n\"x\ty\"\t\"\"\"\"\n",
};

static void test_all_chunk_sizes(void **st)
{
    (void)st;
    for (size_t t = 0; t < sizeof CHUNK_INPUTS / sizeof *CHUNK_INPUTS; t++) {
        const char *in = CHUNK_INPUTS[t];
        size_t n = strlen(in);
        result ref;
        run_chunked(&ref, in, n, n, false);
        assert_true(ref.log.nrows > 0);
        for (size_t chunk = 1; chunk < n; chunk++) {
            result r;
            run_chunked(&r, in, n, chunk, false);
            if (strcmp(r.log.p, ref.log.p) != 0)
                fail_msg("input %zu chunk %zu:\n%s--- whole:\n%s", t, chunk, r.log.p, ref.log.p);
            assert_int_equal(r.delim, ref.delim);
            assert_int_equal(r.lines, ref.lines);
            free(r.log.p);
        }
        free(ref.log.p);
    }
}

static void test_first_input_exact(void **st)
{
    (void)st;
    expect_log(CHUNK_INPUTS[0], "H1:[plate]|[time]|[driver]\n"
                                "D2:[粤B12345]|[2026-03-15 08:00:00]|[张三]\n"
                                "D4:[粤B,1]|[a\"b]|[x\\ny]\n"
                                "D6:[q]|[r]|[s]\n"
                                "D7:[last]|[line]|[no-newline]\n");
    expect_log(CHUNK_INPUTS[1], "H1:[a]|[b]|[c]\n"
                                "D2:[1;2]|[3]|[4]\n"
                                "D4:[5]|[6\\n\\n7]|[8]\n"
                                "D7:[9]|[10]|[11]\n"
                                "R8\n"
                                "D9:[12]|[13]|[14]\n");
}

/* ---- differential: direct split vs libcsv ---- */

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static void rand_text(char *out, size_t *k, bool quoted, char delim)
{
    static const char *const atoms[] = {"粤B", "12345", "张三", " ", "  ", "a", "Z", "0.5", "-", "京A·F0236",
                                        "车牌", "x y", "\t", "2026-03-15 08:00:00", "·", "é"};
    int n = (int)rnd(5);
    for (int i = 0; i < n; i++) {
        const char *a = atoms[rnd(sizeof atoms / sizeof *atoms)];
        *k += (size_t)sprintf(out + *k, "%s", a);
        if (quoted) {
            unsigned r = rnd(8);
            if (r == 0)
                *k += (size_t)sprintf(out + *k, "\"\"");
            else if (r == 1)
                out[(*k)++] = delim;
            else if (r == 2)
                out[(*k)++] = '\n';
        }
    }
}

static void test_differential(void **st)
{
    (void)st;
    static const char delims[] = {',', '\t', ';'};
    for (int round = 0; round < 300; round++) {
        char delim = delims[round % 3];
        size_t cap = 1 << 16;
        char *in = malloc(cap);
        if (!in)
            fail();
        size_t k = (size_t)sprintf(in, "h1%ch2%ch3%ch4\n", delim, delim, delim);
        int lines = 5 + (int)rnd(40);
        for (int l = 0; l < lines; l++) {
            int nf = 1 + (int)rnd(6);
            if (rnd(15) == 0) { /* blank or spaces-only line */
                if (rnd(2))
                    in[k++] = ' ';
                in[k++] = '\n';
                continue;
            }
            for (int f = 0; f < nf; f++) {
                if (f)
                    in[k++] = delim;
                unsigned kind = rnd(5);
                if (kind == 0)
                    continue; /* empty field */
                if (kind == 1) {
                    if (rnd(2))
                        in[k++] = ' ';
                    in[k++] = '"';
                    rand_text(in, &k, true, delim);
                    in[k++] = '"';
                    if (rnd(2))
                        in[k++] = ' ';
                } else {
                    rand_text(in, &k, false, delim);
                }
            }
            if (rnd(4) == 0)
                in[k++] = '\r';
            in[k++] = '\n';
            assert_true(k < cap - 1024);
        }
        result a, b;
        run_chunked(&a, in, k, 1 + rnd(64), false);
        run_chunked(&b, in, k, 1 + rnd(64), true);
        if (strcmp(a.log.p, b.log.p) != 0) {
            /* find the first differing line for the message */
            const char *p = a.log.p, *q = b.log.p;
            while (*p && *p == *q)
                p++, q++;
            while (p > a.log.p && p[-1] != '\n')
                p--, q--;
            fail_msg("round %d (delimiter 0x%02x): direct split and libcsv differ\n  direct: %.200s\n  libcsv: %.200s",
                     round, delim, p, q);
        }
        assert_int_equal(a.delim, delim);
        free(a.log.p);
        free(b.log.p);
        free(in);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_ascii_encoding),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_delimiters),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_quotes),
        cmocka_unit_test(test_multiline_rows),
        cmocka_unit_test(test_blank_lines),
        cmocka_unit_test(test_spaces),
        cmocka_unit_test(test_spaces_only_line),
        cmocka_unit_test(test_no_final_newline),
        cmocka_unit_test(test_gbk),
        cmocka_unit_test(test_gbk_after_ascii_header),
        cmocka_unit_test(test_neither_utf8_nor_gbk),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_line_at_limit),
        cmocka_unit_test(test_unterminated_quote_eof),
        cmocka_unit_test(test_unterminated_quote_long),
        cmocka_unit_test(test_quoted_row_at_line_limit),
        cmocka_unit_test(test_too_many_fields),
        cmocka_unit_test(test_header_stop),
        cmocka_unit_test(test_row_stop),
        cmocka_unit_test(test_header_seen),
        cmocka_unit_test(test_all_chunk_sizes),
        cmocka_unit_test(test_first_input_exact),
        cmocka_unit_test(test_differential),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
