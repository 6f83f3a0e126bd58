/*
 * test_rlrec.c - record files (parsers/rlrec.h): every record kind and
 * every field comes back as written, whatever the chunk size the bytes
 * arrive in and however many blocks they fill; origins come back mapped
 * to the reader's input table; a file cut at any byte is "cut short" and
 * a file with any one byte changed is "damaged" or reads exactly as
 * before (never a crash, never other records); a folder of record files
 * is read in input order.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rlrec.h"
#include "util.h"

/* What the reader delivered, as text, one line a callback: two files
 * are read alike when their transcripts are equal. */
typedef struct {
    rl_buf log;
    unsigned inputs;
    bool strict;
} transcript;

static void say(transcript *t, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    buf_puts(&t->log, line);
    buf_putc(&t->log, '\n');
}

static void str(transcript *t, const char *what, const char *s, size_t n)
{
    if (!s) {
        assert_int_equal(n, 0);
        say(t, "%s=(none)", what);
    } else {
        say(t, "%s=%.*s", what, (int)n, s);
    }
}

static void t_position(void *ud, const rl_position *p)
{
    transcript *t = ud;
    say(t, "pos %u:%llu t=%lld lat=%d lon=%d v=%d have=%u h=%d a=%d s=%u al=%u m=%lld c=%d",
        RL_ORIGIN_FILE(p->origin), (unsigned long long)RL_ORIGIN_POS(p->origin), (long long)p->time, p->lat_e6,
        p->lon_e6, p->speed_mkmh, p->have, p->heading, p->altitude_m, p->status, p->alarm, (long long)p->mileage_m,
        p->color);
    str(t, "plate", p->plate, p->plate_len);
    str(t, "phone", p->phone, p->phone_len);
    str(t, "driver", p->driver, p->driver_len);
    const rl_safety *sf = p->safety;
    if (!sf)
        return;
    say(t, "video have=%u %u %u %u %u %u %u items=%u", sf->video.have, sf->video.alarm, sf->video.signal_loss,
        sf->video.occlusion, sf->video.storage, sf->video.driving, sf->video.fatigue, sf->nitems);
    for (unsigned i = 0; i < sf->nitems; i++) {
        const rl_as_item *it = &sf->items[i];
        say(t, "item k=%u f=%u ty=%u l=%u fat=%u %u %u %u %u %u sp=%u seq=%u att=%u alt=%u vs=%u id=%u %d/%d t=%lld "
               "tid=%.*s tyres=%u",
            it->kind, it->flag, it->type, it->level, it->fatigue, it->lead_speed_kmh, it->headway_ds, it->ldw_side,
            it->sign_type, it->sign_value, it->speed_kmh, it->seq, it->attachments, it->altitude_m, it->vstatus,
            it->alarm_id, it->lat_e6, it->lon_e6, (long long)it->time, (int)it->terminal_id_len, it->terminal_id,
            it->ntyres);
        for (unsigned k = 0; k < it->ntyres; k++)
            say(t, "tyre %u %u %u %d %u", it->tyres[k].position, it->tyres[k].alarm, it->tyres[k].kpa,
                it->tyres[k].celsius, it->tyres[k].battery_pct);
    }
}

static void t_weighing(void *ud, const rl_weighing *w)
{
    transcript *t = ud;
    say(t, "weigh %u:%llu t=%lld c=%d axles=%d gross=%lld n=%d wim=%d sp=%d/%d pass=%d pos=%d/%d/%d",
        RL_ORIGIN_FILE(w->origin), (unsigned long long)RL_ORIGIN_POS(w->origin), (long long)w->time, w->color,
        w->axles, (long long)w->gross_kg, w->naxle_kg, w->wim, w->have_speed, w->speed_mkmh, w->passengers,
        w->have_pos, w->lat_e6, w->lon_e6);
    for (int i = 0; i < w->naxle_kg; i++)
        say(t, "axle %d", w->axle_kg[i]);
    str(t, "station", w->station, w->station_len);
    str(t, "plate", w->plate, w->plate_len);
}

static void t_registration(void *ud, const char *phone, size_t pn, const char *plate, size_t n, int color,
                           rl_origin o)
{
    transcript *t = ud;
    say(t, "reg %u:%llu c=%d", RL_ORIGIN_FILE(o), (unsigned long long)RL_ORIGIN_POS(o), color);
    str(t, "phone", phone, pn);
    str(t, "plate", plate, n);
}

static bool t_reject(void *ud, rl_origin o, const char *why, const void *raw, size_t n)
{
    transcript *t = ud;
    say(t, "reject %u:%llu %s", RL_ORIGIN_FILE(o), (unsigned long long)RL_ORIGIN_POS(o), why);
    str(t, "raw", raw, n);
    return !t->strict;
}

static void t_count(void *ud, const char *what, uint64_t n)
{
    say(ud, "count %s %llu", what, (unsigned long long)n);
}

static bool t_head(void *ud, const rlrec_head *h)
{
    say(ud, "head %u/%u first=%u tz=%d v=%s dialect=%u", h->part, h->parts, h->first_global, h->tz, h->version,
        h->jt808_dialect);
    return true;
}

static bool t_input(void *ud, unsigned j, uint32_t global, const char *name, const char *path, unsigned *index)
{
    transcript *t = ud;
    *index = 100 + t->inputs++; /* the reader's own numbering */
    say(t, "input %u global=%u %s %s -> %u", j, global, name, path, *index);
    return true;
}

static void t_begin(void *ud, unsigned index, rl_loc_kind loc, const char *kind)
{
    say(ud, "begin %u loc=%d %s", index, (int)loc, kind);
}

static bool t_end(void *ud, unsigned index, const rlrec_stats *st)
{
    say(ud, "end %u gz=%d tr=%d un=%d size=%llu sha=%s enc=%s delim=%d rec=%llu err=%s", index, st->gzip,
        st->truncated, st->unreadable, (unsigned long long)st->size, st->sha256, st->encoding ? st->encoding : "-",
        st->delimiter, (unsigned long long)st->records, st->error ? st->error : "-");
    return true;
}

/* Read `data` in chunks of `chunk` bytes; the transcript and whether the
 * reading ended well. */
static bool read_all(const unsigned char *data, size_t n, size_t chunk, transcript *t)
{
    memset(t, 0, sizeof *t);
    rl_sink sink = {t, t_position, t_registration, t_weighing, t_reject, t_count};
    rlrec_meta meta = {t, t_head, t_input, t_begin, t_end};
    rlrec_dec *d = rlrec_dec_new(&sink, &meta);
    bool ok = true;
    for (size_t i = 0; i < n && ok; i += chunk)
        ok = rlrec_feed(d, data + i, n - i < chunk ? n - i : chunk);
    if (ok)
        ok = rlrec_finish(d);
    const char *why = rlrec_error(d, NULL);
    if (!ok)
        say(t, "error %s", why ? why : "(stopped)");
    rlrec_dec_free(d);
    buf_putc(&t->log, 0);
    return ok;
}

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *p = xmalloc((size_t)len + 1);
    assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return p;
}

static char tmpdir[] = "/tmp/roadlog-test-rlrec-XXXXXX";

static char *tmp_path(const char *name)
{
    rl_buf b = {0};
    buf_printf(&b, "%s/%s", tmpdir, name);
    return b.p;
}

static const char long_excerpt[] =
    "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
    "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
    "THIS PART IS PAST 200 BYTES";

/* A file with every kind of record, `nrep` positions of filler, written
 * with blocks of block_size. */
static char *write_sample(const char *name, size_t block_size, int nrep, uint32_t first)
{
    char *path = tmp_path(name);
    rlrec_head h = {.parts = 7, .part = 3, .first_global = first, .tz = -5 * 3600 - 1800, .jt808_dialect = 1};
    snprintf(h.version, sizeof h.version, "test-1");
    rlrec_writer *w = rlrec_create(path, &h, block_size);
    assert_non_null(w);
    rlrec_input(w, 0, first, "gps-01.csv.gz", "/data/gps-01.csv.gz");
    rlrec_input(w, 1, first + 1, "terminals.808", "");
    rlrec_begin(w, 0, RL_LOC_LINE, "gps");
    rl_position p = {.origin = RL_ORIGIN(0, 2), .time = 1793577600, .lat_e6 = -22543210, .lon_e6 = 113950001,
                     .speed_mkmh = 88000, .color = 2, .plate = "粤B12345", .plate_len = strlen("粤B12345"),
                     .driver = "440300198001011234", .driver_len = 18};
    rlrec_position(w, &p);
    /* every optional field, extremes, and no plate but a phone */
    rl_position q = {.origin = RL_ORIGIN(0, 0xFFFFFFFFFFFFull), .time = -1, .lat_e6 = INT32_MIN,
                     .lon_e6 = INT32_MAX, .speed_mkmh = -INT32_MAX, .heading = 359, .altitude_m = -100,
                     .status = 0xFFFFFFFFu, .alarm = 0x80000001u, .mileage_m = INT64_MIN,
                     .have = RL_HAVE_HEADING | RL_HAVE_ALTITUDE | RL_HAVE_STATUS | RL_HAVE_ALARM | RL_HAVE_MILEAGE,
                     .phone = "13800000001", .phone_len = 11};
    rlrec_position(w, &q);
    rl_weighing x = {.origin = RL_ORIGIN(0, 9), .time = 1793577700, .station = "S01", .station_len = 3,
                     .plate = "粤B12345", .plate_len = strlen("粤B12345"), .color = 2, .axles = 6,
                     .gross_kg = 49000, .axle_kg = {7000, 8000, 9000, 9000, 8000, 8000}, .naxle_kg = 6, .wim = true,
                     .speed_mkmh = 55500, .have_speed = true, .passengers = -1, .have_pos = true,
                     .lat_e6 = 22500000, .lon_e6 = 113900000};
    rlrec_weighing(w, &x);
    rl_weighing y = {.origin = RL_ORIGIN(0, 10), .plate = "A", .plate_len = 1, .passengers = 45};
    rlrec_weighing(w, &y);
    rlrec_reject(w, RL_ORIGIN(0, 11), "speed 'NaN': not a number", long_excerpt, strlen(long_excerpt));
    rlrec_reject(w, RL_ORIGIN(0, 12), "no excerpt", NULL, 0);
    rlrec_count(w, "gps.bad_optional_field", 3);
    for (int i = 0; i < nrep; i++) {
        p.origin = RL_ORIGIN(0, 100 + (uint64_t)i);
        p.time += 30;
        rlrec_position(w, &p);
    }
    rlrec_stats st = {.gzip = true, .truncated = true, .size = 123456789, .encoding = "gbk", .delimiter = ';',
                      .records = 5 + (uint64_t)nrep, .error = "gzip data is truncated (ends inside a member)"};
    memset(st.sha256, 'a', 64);
    rlrec_end(w, 0, &st);
    rlrec_begin(w, 1, RL_LOC_OFFSET, "jt808");
    rlrec_registration(w, RL_ORIGIN(1, 4096), "013800000001", 12, "粤B12345", strlen("粤B12345"), 2);
    /* a terminal's video and active-safety items: every field */
    rl_safety sf = {.video = {.have = 0x1F, .alarm = 0xFFFFFFFFu, .signal_loss = 3, .occlusion = 4, .storage = 65535,
                              .driving = 7, .fatigue = 9},
                    .nitems = 2};
    sf.items[0] = (rl_as_item){.kind = RL_AS_DSM, .flag = RL_AS_FLAG_START, .type = 1, .level = 2, .fatigue = 10,
                               .lead_speed_kmh = 1, .headway_ds = 2, .ldw_side = 3, .sign_type = 4, .sign_value = 255,
                               .speed_kmh = 88, .seq = 7, .attachments = 3, .altitude_m = 65535, .vstatus = 0x8001,
                               .alarm_id = 0xFFFFFFFFu, .lat_e6 = -1, .lon_e6 = 113900000, .time = 1793577601,
                               .terminal_id = "T000001", .terminal_id_len = 7};
    sf.items[1] = (rl_as_item){.kind = RL_AS_TPMS, .ntyres = RL_AS_MAX_TYRES, .time = -5};
    for (unsigned k = 0; k < RL_AS_MAX_TYRES; k++)
        sf.items[1].tyres[k] = (rl_tyre){(uint8_t)k, (uint16_t)(k * 3), 900, (int16_t)(k % 2 ? -40 : 120), 100};
    rl_position r = {.origin = RL_ORIGIN(1, 5000), .time = 1793577602, .phone = "013800000001", .phone_len = 12,
                     .have = RL_HAVE_STATUS | RL_HAVE_ALARM, .status = 3, .alarm = 1, .safety = &sf};
    rlrec_position(w, &r);
    rlrec_stats st2 = {.size = 0, .unreadable = true, .error = "terminals.808: cannot open: Permission denied"};
    rlrec_end(w, 1, &st2);
    assert_true(rlrec_close(w));
    return path;
}

static void test_round_trip(void **state)
{
    (void)state;
    char *path = write_sample("a.rlrec", 65536, 0, 40);
    size_t n;
    unsigned char *data = slurp(path, &n);
    transcript t;
    assert_true(read_all(data, n, n, &t));
    const char *want =
        "head 3/7 first=40 tz=-19800 v=test-1 dialect=1\n"
        "input 0 global=40 gps-01.csv.gz /data/gps-01.csv.gz -> 100\n"
        "input 1 global=41 terminals.808  -> 101\n"
        "begin 100 loc=0 gps\n"
        "pos 100:2 t=1793577600 lat=-22543210 lon=113950001 v=88000 have=0 h=0 a=0 s=0 al=0 m=0 c=2\n"
        "plate=粤B12345\nphone=(none)\ndriver=440300198001011234\n"
        "pos 100:281474976710655 t=-1 lat=-2147483648 lon=2147483647 v=-2147483647 have=31 h=359 a=-100 "
        "s=4294967295 al=2147483649 m=-9223372036854775808 c=0\n"
        "plate=(none)\nphone=13800000001\ndriver=(none)\n"
        "weigh 100:9 t=1793577700 c=2 axles=6 gross=49000 n=6 wim=1 sp=1/55500 pass=-1 pos=1/22500000/113900000\n"
        "axle 7000\naxle 8000\naxle 9000\naxle 9000\naxle 8000\naxle 8000\n"
        "station=S01\nplate=粤B12345\n"
        "weigh 100:10 t=0 c=0 axles=0 gross=0 n=0 wim=0 sp=0/0 pass=45 pos=0/0/0\n"
        "station=(none)\nplate=A\n"
        "reject 100:11 speed 'NaN': not a number\n"
        "raw=01234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890"
        "123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789\n"
        "reject 100:12 no excerpt\nraw=(none)\n"
        "count gps.bad_optional_field 3\n"
        "end 100 gz=1 tr=1 un=0 size=123456789 sha=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa "
        "enc=gbk delim=59 rec=5 err=gzip data is truncated (ends inside a member)\n"
        "begin 101 loc=1 jt808\n"
        "reg 101:4096 c=2\nphone=013800000001\nplate=粤B12345\n"
        "pos 101:5000 t=1793577602 lat=0 lon=0 v=0 have=12 h=0 a=0 s=3 al=1 m=0 c=0\n"
        "plate=(none)\nphone=013800000001\ndriver=(none)\n"
        "video have=31 4294967295 3 4 65535 7 9 items=2\n"
        "item k=1 f=1 ty=1 l=2 fat=10 1 2 3 4 255 sp=88 seq=7 att=3 alt=65535 vs=32769 id=4294967295 -1/113900000 "
        "t=1793577601 tid=T000001 tyres=0\n"
        "item k=2 f=0 ty=0 l=0 fat=0 0 0 0 0 0 sp=0 seq=0 att=0 alt=0 vs=0 id=0 0/0 t=-5 tid= tyres=23\n"
        "tyre 0 0 900 120 100\ntyre 1 3 900 -40 100\ntyre 2 6 900 120 100\ntyre 3 9 900 -40 100\n"
        "tyre 4 12 900 120 100\ntyre 5 15 900 -40 100\ntyre 6 18 900 120 100\ntyre 7 21 900 -40 100\n"
        "tyre 8 24 900 120 100\ntyre 9 27 900 -40 100\ntyre 10 30 900 120 100\ntyre 11 33 900 -40 100\n"
        "tyre 12 36 900 120 100\ntyre 13 39 900 -40 100\ntyre 14 42 900 120 100\ntyre 15 45 900 -40 100\n"
        "tyre 16 48 900 120 100\ntyre 17 51 900 -40 100\ntyre 18 54 900 120 100\ntyre 19 57 900 -40 100\n"
        "tyre 20 60 900 120 100\ntyre 21 63 900 -40 100\ntyre 22 66 900 120 100\n"
        "end 101 gz=0 tr=0 un=1 size=0 sha= enc=- delim=0 rec=0 err=terminals.808: cannot open: Permission denied\n";
    assert_string_equal(t.log.p, want);
    /* any chunk size reads the same */
    for (size_t chunk = 1; chunk < 64; chunk += 3) {
        transcript u;
        assert_true(read_all(data, n, chunk, &u));
        assert_string_equal(u.log.p, want);
        buf_free(&u.log);
    }
    buf_free(&t.log);
    free(data);
    free(path);
}

/* Many blocks (block size 1 KiB): the same records as one block holds. */
static void test_blocks(void **state)
{
    (void)state;
    char *one = write_sample("one.rlrec", 1u << 20, 3000, 0);
    char *many = write_sample("many.rlrec", 1024, 3000, 0);
    size_t n1, n2;
    unsigned char *d1 = slurp(one, &n1), *d2 = slurp(many, &n2);
    assert_true(n2 > n1); /* more block heads, smaller LZ4 windows */
    transcript t1, t2, t3;
    assert_true(read_all(d1, n1, 4096, &t1));
    assert_true(read_all(d2, n2, 4096, &t2));
    assert_true(read_all(d2, n2, 1000, &t3));
    assert_string_equal(t1.log.p, t2.log.p);
    assert_string_equal(t1.log.p, t3.log.p);
    /* compact: 3000 repeated positions take a fraction of their raw size */
    assert_true(n1 < 3000 * 10);
    buf_free(&t1.log);
    buf_free(&t2.log);
    buf_free(&t3.log);
    free(d1);
    free(d2);
    free(one);
    free(many);
}

/* Cut at any byte: an error, and never more than the whole file's
 * records.  Any one byte changed: an error. */
static void test_damage(void **state)
{
    (void)state;
    char *path = write_sample("d.rlrec", 256, 40, 0);
    size_t n;
    unsigned char *data = slurp(path, &n);
    transcript whole;
    assert_true(read_all(data, n, n, &whole));
    for (size_t cut = 0; cut < n; cut++) {
        transcript t;
        assert_false(read_all(data, cut, 17, &t));
        assert_true(strstr(t.log.p, "error ") != NULL);
        if (cut >= RLREC_MAGIC_LEN)
            assert_true(strstr(t.log.p, "cut short") != NULL || strstr(t.log.p, "damaged") != NULL);
        buf_free(&t.log);
    }
    for (size_t i = 0; i < n; i++)
        for (unsigned bit = 0; bit < 8; bit += 3) {
            data[i] ^= (unsigned char)(1u << bit);
            transcript t;
            /* read well only when the records are intact (a bit of an
             * LZ4 match in repeated data may decode to the same bytes,
             * which the checksum then vouches for) */
            if (read_all(data, n, 64, &t) && strcmp(t.log.p, whole.log.p) != 0)
                fail_msg("byte %zu bit %u changed, the file reads well with other records", i, bit);
            buf_free(&t.log);
            data[i] ^= (unsigned char)(1u << bit);
        }
    /* trailing bytes after the end */
    unsigned char *more = xmalloc(n + 1);
    memcpy(more, data, n);
    more[n] = 0;
    transcript t;
    assert_false(read_all(more, n + 1, 64, &t));
    assert_true(strstr(t.log.p, "data after its end") != NULL);
    buf_free(&t.log);
    free(more);
    buf_free(&whole.log);
    free(data);
    free(path);
}

/* --strict: a reject that asks to stop stops the reading, no error. */
static void test_stop(void **state)
{
    (void)state;
    char *path = write_sample("s.rlrec", 65536, 0, 0);
    size_t n;
    unsigned char *data = slurp(path, &n);
    transcript t;
    memset(&t, 0, sizeof t);
    t.strict = true;
    rl_sink sink = {&t, t_position, t_registration, t_weighing, t_reject, t_count};
    rlrec_meta meta = {&t, t_head, t_input, t_begin, t_end};
    rlrec_dec *d = rlrec_dec_new(&sink, &meta);
    assert_false(rlrec_feed(d, data, n));
    assert_null(rlrec_error(d, NULL));
    buf_putc(&t.log, 0);
    assert_null(strstr(t.log.p, "count ")); /* nothing after the reject */
    rlrec_dec_free(d);
    buf_free(&t.log);
    free(data);
    free(path);
}

/* A folder's record files, in the order of their first input; other
 * files and hidden ones (shard's .part files are not *.rlrec) left out. */
static void test_expand(void **state)
{
    (void)state;
    char *sub = tmp_path("part-0003");
    assert_int_equal(mkdir(sub, 0755), 0);
    free(write_sample("part-0003/a.rlrec", 65536, 0, 7));
    free(write_sample("part-0003/z.rlrec", 65536, 0, 2));
    free(write_sample("part-0003/m.rlrec.part", 65536, 0, 0));
    free(write_sample("part-0003/.h.rlrec", 65536, 0, 0));
    char *empty = tmp_path("empty");
    assert_int_equal(mkdir(empty, 0755), 0);
    char *args[] = {sub, "x.csv", empty, NULL};
    int n;
    char **out = rlrec_expand(args, 3, &n);
    assert_int_equal(n, 4);
    char *want_z = tmp_path("part-0003/z.rlrec"), *want_a = tmp_path("part-0003/a.rlrec");
    assert_string_equal(out[0], want_z);
    assert_string_equal(out[1], want_a);
    assert_string_equal(out[2], "x.csv");
    assert_string_equal(out[3], empty); /* no record file: refused later as a folder */
    assert_null(out[4]);
    rlrec_head h;
    assert_true(rlrec_read_head(want_a, &h));
    assert_int_equal(h.first_global, 7);
    assert_int_equal(h.parts, 7);
    assert_int_equal(h.part, 3);
    assert_false(rlrec_read_head(args[1], &h));
    rlrec_paths_free(out);
    free(want_z);
    free(want_a);
    free(sub);
    free(empty);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip), cmocka_unit_test(test_blocks), cmocka_unit_test(test_damage),
        cmocka_unit_test(test_stop),       cmocka_unit_test(test_expand),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
