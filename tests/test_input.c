/*
 * test_input.c - byte sources (src/input.h), issue 2 item 2 and FORMATS.md
 * "Inputs": plain files, gzip (streamed, concatenated members), truncated
 * gzip, empty files, directories, stdin, SHA-256 of the raw bytes, and the
 * kind of data told from its content.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/sha.h>
#include <zlib.h>

#include "source.h"

static char dir[64];

static int setup(void **st)
{
    (void)st;
    snprintf(dir, sizeof dir, "/tmp/roadlog_input_%d", (int)getpid());
    mkdir(dir, 0700);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *path_of(const char *name)
{
    static char p[4][128];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

static void write_bytes(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    if (n)
        assert_int_equal(fwrite(p, 1, n, f), n);
    fclose(f);
}

/* gzip one member. */
static unsigned char *gz(const void *p, size_t n, size_t *outn)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&z, (uLong)n) + 64;
    unsigned char *out = malloc(cap);
    z.next_in = (unsigned char *)p;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    *outn = cap - z.avail_out;
    deflateEnd(&z);
    return out;
}

static void sha_hex(const void *p, size_t n, char hex[65])
{
    unsigned char md[32];
    SHA256(p, n, md);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* Read everything with rl_src_read in odd-sized pieces. */
static unsigned char *read_all(rl_src *s, size_t *n, long *last)
{
    size_t cap = 1 << 16, len = 0;
    unsigned char *b = malloc(cap);
    long r;
    for (;;) {
        if (len + 777 > cap)
            b = realloc(b, cap *= 2);
        r = rl_src_read(s, b + len, 777);
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    *n = len;
    if (last)
        *last = r;
    return b;
}

static char *make_text(size_t n)
{
    char *t = malloc(n + 1);
    size_t k = 0;
    int i = 0;
    while (k < n) {
        char line[128];
        int m = snprintf(line, sizeof line, "粤B%05d,2026-03-15 08:%02d:%02d,113.%06d,22.%06d,%d\n", i % 100000,
                         (i / 60) % 60, i % 60, (i * 7919) % 1000000, (i * 104729) % 1000000, i % 130);
        size_t take = (size_t)m < n - k ? (size_t)m : n - k;
        memcpy(t + k, line, take);
        k += take;
        i++;
    }
    t[n] = 0;
    return t;
}

static void test_plain_file(void **st)
{
    (void)st;
    size_t n = 300000;
    char *text = make_text(n);
    const char *p = path_of("plain.csv");
    write_bytes(p, text, n);
    char err[256] = "";
    rl_src *s = rl_src_open(p, err, sizeof err);
    assert_non_null(s);
    assert_int_equal(rl_src_kind(s), RL_KIND_TEXT);
    size_t got;
    long last;
    unsigned char *b = read_all(s, &got, &last);
    assert_int_equal(last, 0);
    assert_int_equal(got, n);
    assert_memory_equal(b, text, n);
    assert_false(rl_src_gzip(s));
    assert_false(rl_src_truncated(s));
    assert_null(rl_src_error(s));
    assert_int_equal(rl_src_raw_bytes(s), n);
    assert_int_equal(rl_src_size(s), n);
    char hex[65], want[65];
    rl_src_sha256(s, hex);
    sha_hex(text, n, want);
    assert_string_equal(hex, want);
    rl_src_close(s);
    free(b);
    free(text);
}

static void test_gzip(void **st)
{
    (void)st;
    size_t n = 500000, zn;
    char *text = make_text(n);
    unsigned char *z = gz(text, n, &zn);
    const char *p = path_of("track.csv.gz");
    write_bytes(p, z, zn);
    char err[256];
    rl_src *s = rl_src_open(p, err, sizeof err);
    assert_non_null(s);
    assert_int_equal(rl_src_kind(s), RL_KIND_TEXT); /* told from the decoded bytes */
    assert_true(rl_src_gzip(s));
    size_t got;
    unsigned char *b = read_all(s, &got, NULL);
    assert_int_equal(got, n);
    assert_memory_equal(b, text, n);
    assert_false(rl_src_truncated(s));
    char hex[65], want[65];
    rl_src_sha256(s, hex);
    sha_hex(z, zn, want); /* the hash is of the raw (compressed) bytes */
    assert_string_equal(hex, want);
    assert_int_equal(rl_src_raw_bytes(s), zn);
    rl_src_close(s);
    free(b);
    free(z);
    free(text);
}

static void test_gzip_name_does_not_matter(void **st)
{
    (void)st;
    const char *text = "plate,time,lon,lat,speed\nA1,1773534600,113.9,22.5,10\n";
    size_t zn;
    unsigned char *z = gz(text, strlen(text), &zn);
    const char *p = path_of("no_extension");
    write_bytes(p, z, zn);
    char err[256];
    rl_src *s = rl_src_open(p, err, sizeof err);
    assert_non_null(s);
    size_t got;
    unsigned char *b = read_all(s, &got, NULL);
    assert_true(rl_src_gzip(s));
    assert_int_equal(got, strlen(text));
    assert_memory_equal(b, text, got);
    rl_src_close(s);
    free(b);
    free(z);
    /* and a plain file named .gz is read as it is */
    p = path_of("plain.gz");
    write_bytes(p, text, strlen(text));
    s = rl_src_open(p, err, sizeof err);
    assert_non_null(s);
    b = read_all(s, &got, NULL);
    assert_false(rl_src_gzip(s));
    assert_int_equal(got, strlen(text));
    rl_src_close(s);
    free(b);
}

static void test_gzip_two_members(void **st)
{
    (void)st;
    size_t n1 = 100000, n2 = 70001, z1n, z2n;
    char *t1 = make_text(n1), *t2 = make_text(n2);
    t2[0] = 'X';
    unsigned char *z1 = gz(t1, n1, &z1n), *z2 = gz(t2, n2, &z2n);
    unsigned char *cat = malloc(z1n + z2n);
    memcpy(cat, z1, z1n);
    memcpy(cat + z1n, z2, z2n);
    const char *p = path_of("two.gz");
    write_bytes(p, cat, z1n + z2n);
    char err[256];
    rl_src *s = rl_src_open(p, err, sizeof err);
    assert_non_null(s);
    size_t got;
    unsigned char *b = read_all(s, &got, NULL);
    assert_int_equal(got, n1 + n2);
    assert_memory_equal(b, t1, n1);
    assert_memory_equal(b + n1, t2, n2);
    assert_false(rl_src_truncated(s));
    rl_src_close(s);
    free(b);
    free(cat);
    free(z1);
    free(z2);
    free(t1);
    free(t2);
}

/* How many bytes zlib can decode from a (possibly cut) gzip member. */
static size_t zlib_readable(const unsigned char *z, size_t zn, size_t cap)
{
    z_stream st;
    memset(&st, 0, sizeof st);
    assert_int_equal(inflateInit2(&st, 31), Z_OK);
    unsigned char *out = malloc(cap);
    st.next_in = (unsigned char *)z;
    st.avail_in = (uInt)zn;
    st.next_out = out;
    st.avail_out = (uInt)cap;
    inflate(&st, Z_SYNC_FLUSH);
    size_t n = cap - st.avail_out;
    inflateEnd(&st);
    free(out);
    return n;
}

static void test_gzip_truncated(void **st)
{
    (void)st;
    size_t n = 400000, zn;
    char *text = make_text(n);
    unsigned char *z = gz(text, n, &zn);
    size_t cut = zn * 6 / 10;
    const char *p = path_of("cut.gz");
    write_bytes(p, z, cut);
    char err[256];
    rl_src *s = rl_src_open(p, err, sizeof err);
    assert_non_null(s);
    size_t got;
    unsigned char *b = read_all(s, &got, NULL);
    /* what was readable is delivered (all of it), and it is the start of
     * the text */
    size_t readable = zlib_readable(z, cut, n);
    assert_true(readable > n / 3 && readable < n);
    assert_memory_equal(b, text, got);
    /* the inflater may hold back the last few bytes of a symbol cut in
     * half; anything more would be readable data lost */
    if (got > readable || readable - got > 8)
        fail_msg("truncated gzip: %zu bytes delivered, %zu were readable", got, readable);
    assert_true(rl_src_truncated(s));
    assert_true(rl_src_gzip(s));
    char hex[65], want[65];
    rl_src_sha256(s, hex);
    sha_hex(z, cut, want);
    assert_string_equal(hex, want);
    rl_src_close(s);
    free(b);
    /* cut inside the trailer (CRC/size) only: all text delivered, still truncated */
    write_bytes(p, z, zn - 3);
    s = rl_src_open(p, err, sizeof err);
    assert_non_null(s);
    b = read_all(s, &got, NULL);
    assert_true(rl_src_truncated(s));
    if (got != n)
        fail_msg("gzip cut in its trailer: %zu bytes delivered, all %zu were readable", got, n);
    rl_src_close(s);
    free(b);
    free(z);
    free(text);
}

static void test_empty_file(void **st)
{
    (void)st;
    const char *p = path_of("empty.csv");
    write_bytes(p, "", 0);
    char err[256];
    rl_src *s = rl_src_open(p, err, sizeof err);
    assert_non_null(s);
    assert_int_equal(rl_src_kind(s), RL_KIND_EMPTY);
    unsigned char b[16];
    assert_int_equal(rl_src_read(s, b, sizeof b), 0);
    char hex[65];
    rl_src_sha256(s, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    rl_src_close(s);
}

static void test_directory_and_missing(void **st)
{
    (void)st;
    char err[256] = "";
    rl_src *s = rl_src_open(dir, err, sizeof err);
    if (s) {
        /* opened: the first read must fail with a message */
        unsigned char b[16];
        assert_int_equal(rl_src_read(s, b, sizeof b), -1);
        assert_non_null(rl_src_error(s));
        rl_src_close(s);
    } else {
        assert_non_null(strstr(err, dir));
    }
    const char *p = path_of("does-not-exist.csv");
    err[0] = 0;
    assert_null(rl_src_open(p, err, sizeof err));
    assert_non_null(strstr(err, p));
}

static rl_kind kind_of(const void *p, size_t n, bool gzip_it)
{
    const char *path = path_of("kind.bin");
    if (gzip_it) {
        size_t zn;
        unsigned char *z = gz(p, n, &zn);
        write_bytes(path, z, zn);
        free(z);
    } else {
        write_bytes(path, p, n);
    }
    char err[256];
    rl_src *s = rl_src_open(path, err, sizeof err);
    assert_non_null(s);
    rl_kind k = rl_src_kind(s);
    /* detection does not consume */
    size_t got;
    unsigned char *b = read_all(s, &got, NULL);
    assert_int_equal(got, n);
    assert_memory_equal(b, p, n);
    free(b);
    rl_src_close(s);
    return k;
}

static void test_kinds(void **st)
{
    (void)st;
    unsigned char pcap_le[64] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                 0xff, 0xff, 0, 0, 1, 0, 0, 0};
    unsigned char pcap_be[64] = {0xa1, 0xb2, 0xc3, 0xd4, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0,
                                 0, 0, 0xff, 0xff, 0, 0, 0, 1};
    unsigned char pcap_ns[64] = {0x4d, 0x3c, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                 0xff, 0xff, 0, 0, 1, 0, 0, 0};
    unsigned char pcapng[64] = {0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0,
                                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1c, 0, 0, 0};
    /* a JT/T 808 heartbeat (0x0002, 2013 header) */
    unsigned char jt[] = {0x7e, 0x00, 0x02, 0x00, 0x00, 0x01, 0x38, 0x00, 0x13, 0x80, 0x00,
                          0x00, 0x01, 0xaa, 0x7e, 0x7e, 0x00, 0x02, 0x00, 0x00, 0x01, 0x38,
                          0x00, 0x13, 0x80, 0x00, 0x00, 0x02, 0xa9, 0x7e};
    assert_int_equal(kind_of(pcap_le, sizeof pcap_le, false), RL_KIND_PCAP);
    assert_int_equal(kind_of(pcap_be, sizeof pcap_be, false), RL_KIND_PCAP);
    assert_int_equal(kind_of(pcap_ns, sizeof pcap_ns, false), RL_KIND_PCAP);
    assert_int_equal(kind_of(pcapng, sizeof pcapng, false), RL_KIND_PCAPNG);
    assert_int_equal(kind_of(jt, sizeof jt, false), RL_KIND_JT808);
    assert_int_equal(kind_of(pcap_le, sizeof pcap_le, true), RL_KIND_PCAP);
    assert_int_equal(kind_of(jt, sizeof jt, true), RL_KIND_JT808);
    const char *csv = "plate,time,lon,lat,speed\n粤B12345,2026-03-15 08:00:00,113.9,22.5,10\n";
    assert_int_equal(kind_of(csv, strlen(csv), false), RL_KIND_TEXT);
    assert_int_equal(kind_of(csv, strlen(csv), true), RL_KIND_TEXT);
    const char *bom = "\xEF\xBB\xBF车牌号\t时间\n粤B1\t1773534600\n";
    assert_int_equal(kind_of(bom, strlen(bom), false), RL_KIND_TEXT);
    /* GBK text (车牌号,时间) is text */
    const char gbk[] = "\xB3\xB5\xC5\xC6\xBA\xC5,\xCA\xB1\xBC\xE4\r\n\xD4\xC1" "B1,1773534600\r\n";
    assert_int_equal(kind_of(gbk, sizeof gbk - 1, false), RL_KIND_TEXT);
    /* a zip (.xlsx given by mistake): binary, neither pcap nor JT/T 808,
     * although a 0x7e byte occurs in its compressed data */
    unsigned char bin[2048];
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < sizeof bin; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        bin[i] = (unsigned char)x;
    }
    memcpy(bin, "PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00\x21\x00", 14);
    assert_non_null(memchr(bin, 0x7e, sizeof bin));
    assert_int_equal(kind_of(bin, sizeof bin, false), RL_KIND_UNKNOWN);
    unsigned char elf[64] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
    assert_int_equal(kind_of(elf, sizeof elf, false), RL_KIND_UNKNOWN);
}

static void test_peek_then_read(void **st)
{
    (void)st;
    size_t n = 250000;
    char *text = make_text(n);
    size_t zn;
    unsigned char *z = gz(text, n, &zn);
    const char *p = path_of("peek.gz");
    write_bytes(p, z, zn);
    char err[256];
    rl_src *s = rl_src_open(p, err, sizeof err);
    assert_non_null(s);
    const unsigned char *pk;
    size_t k = rl_src_peek(s, &pk, 64);
    assert_true(k > 0 && k <= 64);
    assert_memory_equal(pk, text, k);
    size_t len = 0;
    unsigned char q[5000];
    long r;
    while ((r = rl_src_read(s, q, sizeof q)) > 0) {
        assert_true(len + (size_t)r <= n);
        assert_memory_equal(q, text + len, (size_t)r);
        len += (size_t)r;
    }
    assert_int_equal(r, 0);
    assert_int_equal(len, n);
    rl_src_close(s);
    free(z);
    free(text);
}

static void test_fopen_stream(void **st)
{
    (void)st;
    size_t n = 100000;
    char *text = make_text(n);
    size_t zn;
    unsigned char *z = gz(text, n, &zn);
    const char *p = path_of("stream.gz");
    write_bytes(p, z, zn);
    char err[256];
    rl_src *s = rl_src_open(p, err, sizeof err);
    assert_non_null(s);
    assert_int_equal(rl_src_kind(s), RL_KIND_TEXT);
    FILE *f = rl_src_fopen(s);
    assert_non_null(f);
    char *b = malloc(n + 10);
    size_t got = fread(b, 1, n + 10, f);
    assert_int_equal(got, n);
    assert_memory_equal(b, text, n);
    fclose(f);
    rl_src_close(s);
    free(b);
    free(z);
    free(text);
}

static void test_sha_after_partial_read(void **st)
{
    (void)st;
    size_t n = 200000;
    char *text = make_text(n);
    const char *p = path_of("partial.csv");
    write_bytes(p, text, n);
    char err[256];
    rl_src *s = rl_src_open(p, err, sizeof err);
    unsigned char b[100];
    assert_int_equal(rl_src_read(s, b, sizeof b), 100);
    char hex[65], want[65];
    rl_src_sha256(s, hex);
    sha_hex(text, n, want);
    assert_string_equal(hex, want);
    assert_int_equal(rl_src_raw_bytes(s), n);
    rl_src_close(s);
    free(text);
}

static void test_stdin(void **st)
{
    (void)st;
    const char *text = "plate,time\nA1,1773534600\n";
    size_t zn;
    unsigned char *z = gz(text, strlen(text), &zn);
    const char *p = path_of("stdin.gz");
    write_bytes(p, z, zn);
    free(z);
    int saved = dup(0);
    int fd = open(p, O_RDONLY);
    assert_true(fd >= 0);
    dup2(fd, 0);
    close(fd);
    char err[256];
    rl_src *s = rl_src_open("-", err, sizeof err);
    assert_non_null(s);
    size_t got;
    unsigned char *b = read_all(s, &got, NULL);
    assert_true(rl_src_gzip(s));
    assert_int_equal(got, strlen(text));
    assert_memory_equal(b, text, got);
    rl_src_close(s);
    free(b);
    dup2(saved, 0);
    close(saved);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_file),
        cmocka_unit_test(test_gzip),
        cmocka_unit_test(test_gzip_name_does_not_matter),
        cmocka_unit_test(test_gzip_two_members),
        cmocka_unit_test(test_gzip_truncated),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_directory_and_missing),
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_peek_then_read),
        cmocka_unit_test(test_fopen_stream),
        cmocka_unit_test(test_sha_after_partial_read),
        cmocka_unit_test(test_stdin),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
