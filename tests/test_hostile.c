/*
 * test_hostile.c - regression tests for what fuzzing and the bad-data
 * contract work found (issue 7).  Each test names the finding; the input
 * that found it is also kept in tests/fuzz/corpus/<target>/ so that the
 * smoke run of `make test` replays it under the sanitizers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "csvin.h"
#include "ingest.h"
#include "run.h"
#include "timeutil.h"
#include "util.h"
#include "vehicle.h"

/* ---- csvin ---- */

typedef struct {
    int rows, rejects;
} counts;

static bool c_header(void *ud, const csv_row *row)
{
    (void)ud;
    (void)row;
    return true;
}

static bool c_row(void *ud, const csv_row *row)
{
    counts *c = ud;
    (void)row;
    c->rows++;
    return true;
}

static bool c_reject(void *ud, uint64_t line, const char *why, const void *raw, size_t n)
{
    counts *c = ud;
    (void)line;
    (void)why;
    (void)raw;
    (void)n;
    c->rejects++;
    return true;
}

/* fuzz_csvin, UBSan "pointer overflow" in utf8_valid: an ASCII line
 * ending in CR (every CRLF file) was taken for one with non-ASCII bytes,
 * and checked with a length that wrapped below zero.  It happened to
 * read nothing, but the file was then labelled UTF-8. */
static void test_crlf_ascii_is_ascii(void **st)
{
    (void)st;
    counts c = {0};
    csvin_handler h = {&c, c_header, c_row, c_reject};
    csvin *r = csvin_new(&h);
    const char *text = "plate,time\r\nB1,2026-11-02 10:00:00\r\nB2,2026-11-02 10:00:01\r\n";
    assert_true(csvin_feed(r, text, strlen(text)));
    assert_true(csvin_finish(r));
    assert_int_equal(c.rows, 2);
    assert_int_equal(c.rejects, 0);
    assert_string_equal(csvin_encoding(r), "ascii");
    csvin_free(r);
}

/* fuzz_csvin, the direct split and libcsv disagreeing: a quote-free line
 * with exactly 512 delimiters (513 fields) was delivered by the direct
 * split, while libcsv's path rejects it as more than CSVIN_MAX_FIELDS
 * fields.  Both reject it now; 512 fields are still a row. */
static void test_field_limit_both_paths(void **st)
{
    (void)st;
    for (int libcsv = 0; libcsv < 2; libcsv++) {
        for (int extra = 0; extra < 2; extra++) {
            counts c = {0};
            csvin_handler h = {&c, c_header, c_row, c_reject};
            csvin *r = csvin_new(&h);
            csvin_force_libcsv(r, libcsv);
            char line[2 * CSVIN_MAX_FIELDS + 8];
            size_t k = 0;
            for (int i = 0; i < CSVIN_MAX_FIELDS - 1 + extra; i++)
                line[k++] = ',';
            line[k++] = '\n';
            assert_true(csvin_feed(r, "a,b\n", 4));
            assert_true(csvin_feed(r, line, k));
            assert_true(csvin_finish(r));
            assert_int_equal(c.rows, extra ? 0 : 1);
            assert_int_equal(c.rejects, extra ? 1 : 0);
            csvin_free(r);
        }
    }
}

/* The contract work: a file whose lines end in a lone CR (Excel's "CSV
 * (Macintosh)") was one physical line: under 64 KiB every row said line
 * 1, over it the whole file was one "line is longer than 65536 bytes"
 * reject.  Now its CRs end lines, in any chunking (the first CR may end
 * a feed). */
static void test_cr_line_ends(void **st)
{
    (void)st;
    rl_buf text = {0};
    buf_puts(&text, "a,b\r");
    for (int i = 0; i < 10000; i++)
        buf_printf(&text, "%d,x\r", i);
    buf_puts(&text, "10000,\"two\rlines\"\r");
    for (size_t chunk = 1; chunk <= 8193; chunk = chunk * 3 + 1) {
        counts c = {0};
        csvin_handler h = {&c, c_header, c_row, c_reject};
        csvin *r = csvin_new(&h);
        for (size_t i = 0; i < text.len; i += chunk)
            assert_true(csvin_feed(r, text.p + i, text.len - i < chunk ? text.len - i : chunk));
        assert_true(csvin_finish(r));
        assert_int_equal(c.rows, 10001);
        assert_int_equal(c.rejects, 0);
        assert_int_equal(csvin_lines(r), 10003);
        csvin_free(r);
    }
    buf_free(&text);
    /* CRLF files are not affected: a CR followed by LF is one line end */
    counts c = {0};
    csvin_handler h = {&c, c_header, c_row, c_reject};
    csvin *r = csvin_new(&h);
    assert_true(csvin_feed(r, "a,b\r", 4));
    assert_true(csvin_feed(r, "\n1,2\r\n3,4\r\n", 11));
    assert_true(csvin_finish(r));
    assert_int_equal(c.rows, 2);
    assert_int_equal(csvin_lines(r), 3);
    csvin_free(r);
}

/* A log of rows and rejects by line, for the quote cases below. */
typedef struct {
    char log[512];
} linelog;

static bool l_header(void *ud, const csv_row *row)
{
    (void)ud;
    (void)row;
    return true;
}

static bool l_row(void *ud, const csv_row *row)
{
    linelog *l = ud;
    size_t k = strlen(l->log);
    snprintf(l->log + k, sizeof l->log - k, "R%llu/%zu ", (unsigned long long)row->line, row->n);
    return true;
}

static bool l_reject(void *ud, uint64_t line, const char *why, const void *raw, size_t n)
{
    linelog *l = ud;
    (void)why;
    (void)raw;
    (void)n;
    size_t k = strlen(l->log);
    snprintf(l->log + k, sizeof l->log - k, "X%llu ", (unsigned long long)line);
    return true;
}

static const char *read_lines(const char *text, size_t n, linelog *l)
{
    memset(l, 0, sizeof *l);
    csvin_handler h = {l, l_header, l_row, l_reject};
    csvin *r = csvin_new(&h);
    csvin_feed(r, text, n);
    csvin_finish(r);
    csvin_free(r);
    return l->log;
}

/* fuzz_csvin (rows out of order), two faults in giving up a quote:
 *  - a line rejected on its own while a quote was open (not UTF-8 nor
 *    GBK, or over 64 KiB) was not kept with the quote's lines, so when
 *    the quote was given up the lines after it were read again under the
 *    wrong numbers (one less for each such line), and so was every line
 *    after them;
 *  - a row that ended inside a later line of a quoted row (at a lone CR)
 *    was delivered, yet giving up the quote opened after it read the
 *    delivered lines again: rows twice. */
static void test_quote_given_up_keeps_line_numbers(void **st)
{
    (void)st;
    linelog l;
    static const char gap[] = "a,b\n1,\"x\n\xff\xfe\n2,3\n";
    assert_string_equal(read_lines(gap, sizeof gap - 1, &l), "X3 X2 R4/2 ");
    static const char twice[] = "a,b\n1,\"x\ny\"\r2,\"z\n3,4\n";
    assert_string_equal(read_lines(twice, sizeof twice - 1, &l), "R2/2 X3 R4/2 ");
}

/* ---- time ---- */

/* fuzz_time, UBSan signed overflow in parse_epoch: a 25-digit number in
 * a time field was accumulated into an int64 before its length was
 * checked.  It must be rejected, as every digit run that is neither 10
 * (seconds) nor 13 (milliseconds) digits long. */
static void test_long_digit_run_time(void **st)
{
    (void)st;
    tu_parser tp;
    tu_parser_init(&tp, 8 * 3600);
    int64_t t = 0;
    const char *long_run = "1111111111111111111111111";
    const char *why = tu_parse(&tp, long_run, strlen(long_run), &t);
    assert_non_null(why);
    assert_non_null(strstr(why, "10 digits"));
    why = tu_parse(&tp, "99999999999999999999", 20, &t);
    assert_non_null(why);
    assert_null(tu_parse(&tp, "1762048805123", 13, &t));
    assert_int_equal(t, 1762048805);
}

/* ---- reading whole inputs (ingest_input) ---- */

typedef struct {
    rl_run run;
    rl_sink sink;
    char *rej;          /* rejects.csv as written */
    size_t rejlen;
    int positions;
} reader;

static void r_position(void *ud, const rl_position *p)
{
    reader *r = ud;
    (void)p;
    r->positions++;
}

static bool r_reject(void *ud, rl_origin where, const char *why, const void *raw, size_t n)
{
    reader *r = ud;
    return run_reject(&r->run, where, why, raw, n);
}

static void r_count(void *ud, const char *what, uint64_t n)
{
    reader *r = ud;
    run_count(&r->run, what, n);
}

/* Read one file the way `roadlog analyze` does; rejects.csv in r->rej. */
static bool read_file(reader *r, const char *path)
{
    memset(r, 0, sizeof *r);
    run_init(&r->run);
    r->run.opt.quiet = true;
    r->run.rejects = open_memstream(&r->rej, &r->rejlen);
    fputs("source,file,line,offset,reason,excerpt\n", r->run.rejects);
    r->sink = (rl_sink){.ud = r, .position = r_position, .reject = r_reject, .count = r_count};
    bool ok = ingest_input(&r->run, path, &r->sink, WANT_ANY);
    fflush(r->run.rejects);
    return ok;
}

static void reader_free(reader *r)
{
    fclose(r->run.rejects);
    r->run.rejects = NULL;
    free(r->rej);
    run_free(&r->run);
}

static char *temp_file(const void *data, size_t n, const char *suffix)
{
    static char path[128];
    snprintf(path, sizeof path, "/tmp/roadlog-hostile-XXXXXX%s", suffix);
    int fd = mkstemps(path, (int)strlen(suffix));
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, n), (ssize_t)n);
    close(fd);
    return path;
}

#define GPS_HEADER "plate,plate_color,time,lon,lat,speed\n"
#define GPS_ROW(sec, speed) "B1,2,2026-11-02 10:00:" #sec ",113.95,22.55," #speed "\n"

/* The contract work: the last line of a truncated gzip was read as a
 * row, so a speed of 88.0 cut to "8" (or a driver id cut in half) was
 * analysed as if it were true.  The cut line is rejected instead, and
 * names the truncation. */
static void test_truncated_gzip_cut_line_not_read(void **st)
{
    (void)st;
    const char *text = GPS_HEADER GPS_ROW(00, 60) GPS_ROW(10, 70) "B1,2,2026-11-02 10:00:20,113.95,22.55,8";
    /* deflate up to a sync point, then stop: the member has no end */
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    unsigned char out[4096];
    z.next_in = (unsigned char *)text;
    z.avail_in = (uInt)strlen(text);
    z.next_out = out;
    z.avail_out = sizeof out;
    assert_int_equal(deflate(&z, Z_SYNC_FLUSH), Z_OK);
    size_t n = sizeof out - z.avail_out;
    deflateEnd(&z);
    char *path = temp_file(out, n, ".csv.gz");
    reader r;
    assert_true(read_file(&r, path)); /* a warning, not an unreadable file */
    assert_int_equal(r.positions, 2);
    assert_true(r.run.inputs[0].truncated);
    assert_int_equal(r.run.rejected, 1);
    assert_non_null(strstr(r.rej, ":4,"));
    assert_non_null(strstr(r.rej, "gzip data is truncated"));
    assert_non_null(strstr(r.rej, "cut short (not read)"));
    reader_free(&r);
    unlink(path);

    /* the same cut on a line boundary: no line is cut, the break is
     * reported on the line after the last one read */
    const char *whole = GPS_HEADER GPS_ROW(00, 60) GPS_ROW(10, 70);
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (unsigned char *)whole;
    z.avail_in = (uInt)strlen(whole);
    z.next_out = out;
    z.avail_out = sizeof out;
    assert_int_equal(deflate(&z, Z_SYNC_FLUSH), Z_OK);
    n = sizeof out - z.avail_out;
    deflateEnd(&z);
    path = temp_file(out, n, ".csv.gz");
    assert_true(read_file(&r, path));
    assert_int_equal(r.positions, 2);
    assert_int_equal(r.run.rejected, 1);
    assert_non_null(strstr(r.rej, ":4,"));
    assert_non_null(strstr(r.rej, "the rest of the file is lost"));
    reader_free(&r);
    unlink(path);
}

/* csvin_finish_cut itself: the cut line is rejected, a complete last
 * line is not touched, an open quote is still given up. */
static void test_csvin_finish_cut(void **st)
{
    (void)st;
    counts c = {0};
    csvin_handler h = {&c, c_header, c_row, c_reject};
    csvin *r = csvin_new(&h);
    const char *text = "a,b\n1,2\n3,4";
    assert_true(csvin_feed(r, text, strlen(text)));
    bool cut = false;
    assert_true(csvin_finish_cut(r, "cut", &cut));
    assert_true(cut);
    assert_int_equal(c.rows, 1);
    assert_int_equal(c.rejects, 1);
    assert_int_equal(csvin_lines(r), 3);
    csvin_free(r);

    memset(&c, 0, sizeof c);
    r = csvin_new(&h);
    text = "a,b\n1,2\n";
    assert_true(csvin_feed(r, text, strlen(text)));
    assert_true(csvin_finish_cut(r, "cut", &cut));
    assert_false(cut);
    assert_int_equal(c.rows, 1);
    assert_int_equal(c.rejects, 0);
    csvin_free(r);
}

/* The contract work: one NUL byte in the first 4 KiB made the whole CSV
 * "binary data", so every valid row of it was dropped (with one reject
 * for the file).  Now the clean header decides, and only the row with
 * the NUL is rejected, its reason showing the NUL as '?'. */
static void test_nul_row_rejected_alone(void **st)
{
    (void)st;
    static const char text[] = GPS_HEADER GPS_ROW(00, 60) "B1,2,2026-11-02 10:00:10,113.95\0\0,22.55,70\n" GPS_ROW(20, 80);
    char *path = temp_file(text, sizeof text - 1, ".csv");
    reader r;
    assert_true(read_file(&r, path));
    assert_string_equal(r.run.inputs[0].kind, "gps");
    assert_int_equal(r.positions, 2);
    assert_int_equal(r.run.rejected, 1);
    assert_non_null(strstr(r.rej, ":3,"));
    assert_non_null(strstr(r.rej, "longitude '113.95?\?': not a number"));
    reader_free(&r);
    unlink(path);

    /* a real binary file is still refused as one */
    unsigned char bin[512];
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (unsigned char)(i * 7 + 3);
    path = temp_file(bin, sizeof bin, ".csv");
    assert_true(read_file(&r, path));
    assert_string_equal(r.run.inputs[0].kind, "unknown");
    assert_int_equal(r.run.rejected, 1);
    assert_non_null(strstr(r.rej, "@0,"));
    reader_free(&r);
    unlink(path);
}

/* The contract work: a file whose read fails (EIO) was reported as an
 * "empty file" warning with exit status 0.  It is unreadable: false
 * (exit 1), kind "unreadable", the error in rejects.csv. */
static void test_read_error_is_unreadable(void **st)
{
    (void)st;
    reader r;
    assert_false(read_file(&r, "/proc/self/mem"));
    assert_string_equal(r.run.inputs[0].kind, "unreadable");
    assert_non_null(strstr(r.run.inputs[0].error, "read error"));
    assert_non_null(strstr(r.rej, "read error"));
    reader_free(&r);
}

/* The contract work: a header-only file was read without a word; a file
 * with no usable record is a warning (FORMATS.md). */
static void test_header_only_warns(void **st)
{
    (void)st;
    char *path = temp_file(GPS_HEADER, strlen(GPS_HEADER), ".csv");
    reader r;
    assert_true(read_file(&r, path));
    assert_int_equal(r.positions, 0);
    assert_non_null(r.run.inputs[0].error);
    assert_non_null(strstr(r.run.inputs[0].error, "header only"));
    reader_free(&r);
    unlink(path);
}

/* The contract work: a registry row shorter than its header (the end of
 * the line lost: a speed limit, a terminal phone) was accepted with the
 * missing columns read as "not given", and one with extra values was
 * accepted too.  Both are rejected now, as GPS rows are; a trailing
 * delimiter (an empty extra field) is still fine. */
static void test_registry_field_count(void **st)
{
    (void)st;
    static const char text[] = "plate,plate_color,class,company,speed_limit_kmh\n"
                               "B1,2,truck\n"
                               "B2,2,truck,co,60,extra\n"
                               "B3,2,truck,co,60,\n"
                               "B4,2,truck,co,60\n";
    char *path = temp_file(text, sizeof text - 1, ".csv");
    reader r;
    assert_true(read_file(&r, path));
    assert_string_equal(r.run.inputs[0].kind, "registry");
    assert_int_equal(r.run.reg.n, 2);
    assert_int_equal(r.run.rejected, 2);
    assert_non_null(strstr(r.rej, ":2,"));
    assert_non_null(strstr(r.rej, "registry row has 3 fields but the header has 5 (truncated row?)"));
    assert_non_null(strstr(r.rej, ":3,"));
    assert_non_null(strstr(r.rej, "registry row has 6 fields but the header has 5"));
    reader_free(&r);
    unlink(path);
}

/* The contract work: the registry quoted the wrong text in its reasons
 * for masses: bad(..., field(row, col, &n), n, ...) read `n` before
 * field() had set it (C leaves the order unspecified; gcc went right to
 * left), so a rated load of 1e309 came out as "rated_load_kg '1'". */
static void test_registry_mass_reason_quotes_field(void **st)
{
    (void)st;
    static const char text[] = "plate,plate_color,class,axles,rated_load_kg,curb_kg,max_gross_kg\n"
                               "B1,2,truck,2,1e309,,\n"
                               "B2,2,truck,2,,-5,\n"
                               "B3,2,truck,2,,,12 t\n";
    char *path = temp_file(text, sizeof text - 1, ".csv");
    reader r;
    assert_true(read_file(&r, path));
    assert_int_equal(r.run.rejected, 3);
    assert_non_null(strstr(r.rej, "registry rated_load_kg '1e309': number is out of range"));
    assert_non_null(strstr(r.rej, "registry curb_kg '-5': negative"));
    assert_non_null(strstr(r.rej, "registry max_gross_kg '12 t': not a number"));
    reader_free(&r);
    unlink(path);
}

/* ---- gzip bombs ---- */

/* gzip `reps` copies of `unit` into a temporary file */
static char *gz_file(const char *head, const char *unit, size_t reps)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = 1 << 20, len = 0;
    unsigned char *out = malloc(cap);
    size_t ul = strlen(unit);
    char *block = malloc(ul * 4096);
    for (size_t i = 0; i < 4096; i++)
        memcpy(block + i * ul, unit, ul);
    for (size_t i = 0; i <= reps / 4096 + 1; i++) {
        bool last = i == reps / 4096 + 1;
        z.next_in = (unsigned char *)(i == 0 ? head : block);
        z.avail_in = (uInt)(i == 0 ? strlen(head) : last ? 0 : ul * 4096);
        int rc;
        do {
            if (cap - len < 65536)
                out = realloc(out, cap *= 2);
            z.next_out = out + len;
            z.avail_out = (uInt)(cap - len);
            rc = deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
            len = cap - z.avail_out;
        } while (z.avail_out == 0 || (last && rc != Z_STREAM_END));
    }
    deflateEnd(&z);
    char *path = temp_file(out, len, ".csv.gz");
    free(out);
    free(block);
    return path;
}

/* The gzip-bomb policy (README "Bad data"): decoding is streamed, so only
 * time is at stake; a gzip that has expanded more than 500 times once 64
 * MiB are decoded is given up and reported.  Blank lines cost ~10 s per
 * GB, so 1 MB of gzip used to keep roadlog busy 10 s for nothing. */
static void test_gzip_bomb_stopped(void **st)
{
    (void)st;
    char *path = gz_file(GPS_HEADER, "\n", (size_t)96 << 20);
    reader r;
    assert_true(read_file(&r, path));
    assert_true(r.run.inputs[0].truncated);
    assert_non_null(strstr(r.rej, "a gzip bomb, not a log"));
    reader_free(&r);
    unlink(path);

    /* a file of one row repeated (~300:1) is a log, however dull */
    path = gz_file(GPS_HEADER, "B1,2,2026-11-02 10:00:00,113.95,22.55,60\n", (size_t)2 << 20);
    assert_true(read_file(&r, path));
    assert_false(r.run.inputs[0].truncated);
    assert_null(r.run.inputs[0].error);
    assert_int_equal(r.positions, 2 << 20);
    reader_free(&r);
    unlink(path);
}

/* ---- memory per fix ---- */

static size_t heap_in_use(void)
{
    struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd; /* the vehicle table's blocks may be mmap'd */
}

/* The contract work (bounded resources): every chunk of fixes was a 4 KB
 * page, and a fix whose time is more than 68 years from its chunk's base
 * starts a new chunk, so one vehicle alternating between 1990 and 2080
 * cost 4 KB a fix (100 000 rows: 411 MB), as did every vehicle seen once.
 * Chunks now start small.  The stream must still give every fix back in
 * time order. */
static void test_fix_memory_bounded(void **st)
{
    (void)st;
    vtable *t = vtable_new();
    size_t before = heap_in_use();
    rl_vehicle *v = vtable_get(t, 1, 2, false);
    const int n = 20000;
    const int64_t y1990 = 631152000, y2080 = 3471292800;
    for (int i = 0; i < n; i++) {
        rl_fix f;
        memset(&f, 0, sizeof f);
        f.time = (i % 2 ? y1990 : y2080) + i;
        f.origin = RL_ORIGIN(0, (uint64_t)i + 2);
        vehicle_add_fix(t, v, &f);
    }
    size_t used = heap_in_use() - before;
    if (before) /* mallinfo2 says nothing under AddressSanitizer */
        assert_true(used < (size_t)n * 128);
    fixstream fs;
    fixstream_open(&fs, v);
    int64_t last = INT64_MIN;
    int k = 0;
    for (const rl_fix *f; (f = fixstream_next(&fs)); k++) {
        assert_true(f->time >= last);
        last = f->time;
    }
    fixstream_close(&fs);
    assert_int_equal(k, n);

    /* many vehicles with one fix each */
    before = heap_in_use();
    for (uint32_t i = 0; i < 10000; i++) {
        rl_fix f;
        memset(&f, 0, sizeof f);
        f.time = y1990;
        vehicle_add_fix(t, vtable_get(t, 100 + i, 2, false), &f);
    }
    used = heap_in_use() - before;
    if (before)
        assert_true(used < 10000 * 512);
    vtable_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crlf_ascii_is_ascii),
        cmocka_unit_test(test_field_limit_both_paths),
        cmocka_unit_test(test_cr_line_ends),
        cmocka_unit_test(test_quote_given_up_keeps_line_numbers),
        cmocka_unit_test(test_long_digit_run_time),
        cmocka_unit_test(test_csvin_finish_cut),
        cmocka_unit_test(test_truncated_gzip_cut_line_not_read),
        cmocka_unit_test(test_nul_row_rejected_alone),
        cmocka_unit_test(test_read_error_is_unreadable),
        cmocka_unit_test(test_header_only_warns),
        cmocka_unit_test(test_registry_field_count),
        cmocka_unit_test(test_registry_mass_reason_quotes_field),
        cmocka_unit_test(test_fix_memory_bounded),
        cmocka_unit_test(test_gzip_bomb_stopped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
