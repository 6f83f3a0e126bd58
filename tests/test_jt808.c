/*
 * test_jt808.c - the JT/T 808 decoder against real frames, a test encoder,
 * every chunking, and fuzzing.
 *
 * Real frames: ../shared/vectors/jt808_vectors.tsv (ROADLOG_VECTORS
 * overrides the folder or names the file), read at test time, never
 * copied into the repository.  Each is either decoded, with the values
 * its source asserts and the independent `derived` decode, or rejected
 * with the reason its defect calls for; a tally is printed at the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jt808.h"

/* ------------------------------------------------------------------ */
/* A sink that records everything.                                     */

typedef struct cap_pos {
    rl_position p;
    char phone[40], driver[80];
} cap_pos;

typedef struct capture {
    cap_pos *pos;
    size_t npos, cappos;
    struct { char phone[40], plate[80]; int color; rl_origin where; } reg[64];
    size_t nreg;
    struct { rl_origin where; char why[200]; } rej[256];
    size_t nrej;
    struct { char name[48]; uint64_t n; } cnt[128];
    size_t ncnt;
    bool strict;     /* reject returns false */
    char log[1 << 16]; /* everything, in order, for chunking comparisons */
    size_t loglen;
} capture;

static void logf_(capture *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(c->log + c->loglen, sizeof c->log - c->loglen, fmt, ap);
    va_end(ap);
    if (k > 0 && (size_t)k < sizeof c->log - c->loglen)
        c->loglen += (size_t)k;
}

static void cap_position(void *ud, const rl_position *p)
{
    capture *c = ud;
    if (c->npos == c->cappos) {
        c->cappos = c->cappos ? c->cappos * 2 : 16;
        c->pos = realloc(c->pos, c->cappos * sizeof *c->pos);
    }
    cap_pos *q = &c->pos[c->npos++];
    memset(q, 0, sizeof *q);
    q->p = *p;
    assert_non_null(p->phone);
    assert_true(p->phone_len < sizeof q->phone);
    memcpy(q->phone, p->phone, p->phone_len);
    if (p->driver) {
        assert_true(p->driver_len < sizeof q->driver);
        memcpy(q->driver, p->driver, p->driver_len);
    }
    assert_null(p->plate);
    logf_(c, "P %llu %lld %d %d %d %d %d %u %u %lld %s %s\n", (unsigned long long)p->origin,
          (long long)p->time, p->lat_e6, p->lon_e6, p->speed_mkmh, p->heading, p->altitude_m, p->status,
          p->alarm, (long long)p->mileage_m, q->phone, q->driver);
}

static void cap_registration(void *ud, const char *phone, size_t pl, const char *plate, size_t n, int color,
                             rl_origin where)
{
    capture *c = ud;
    assert_true(c->nreg < 64);
    memset(&c->reg[c->nreg], 0, sizeof c->reg[0]);
    memcpy(c->reg[c->nreg].phone, phone, pl);
    assert_true(n < sizeof c->reg[0].plate);
    memcpy(c->reg[c->nreg].plate, plate, n);
    c->reg[c->nreg].color = color;
    c->reg[c->nreg].where = where;
    logf_(c, "R %s %s %d %llu\n", c->reg[c->nreg].phone, c->reg[c->nreg].plate, color, (unsigned long long)where);
    c->nreg++;
}

static bool cap_reject(void *ud, rl_origin where, const char *why, const void *raw, size_t rawn)
{
    capture *c = ud;
    (void)raw;
    assert_true(rawn <= 64);
    if (c->nrej < 256) {
        c->rej[c->nrej].where = where;
        snprintf(c->rej[c->nrej].why, sizeof c->rej[0].why, "%s", why);
    }
    c->nrej++;
    logf_(c, "X %llu %s\n", (unsigned long long)where, why);
    return !c->strict;
}

static void cap_count(void *ud, const char *what, uint64_t n)
{
    capture *c = ud;
    for (size_t i = 0; i < c->ncnt; i++)
        if (strcmp(c->cnt[i].name, what) == 0) {
            c->cnt[i].n += n;
            return;
        }
    assert_true(c->ncnt < 128);
    snprintf(c->cnt[c->ncnt].name, sizeof c->cnt[0].name, "%s", what);
    c->cnt[c->ncnt++].n = n;
}

static uint64_t counter(const capture *c, const char *what)
{
    for (size_t i = 0; i < c->ncnt; i++)
        if (strcmp(c->cnt[i].name, what) == 0)
            return c->cnt[i].n;
    return 0;
}

static rl_sink sink_of(capture *c)
{
    rl_sink s = {0};
    s.ud = c;
    s.position = cap_position;
    s.registration = cap_registration;
    s.reject = cap_reject;
    s.count = cap_count;
    return s;
}

static capture *cap_new(void) { return calloc(1, sizeof(capture)); }
static void cap_free(capture *c)
{
    if (c) {
        free(c->pos);
        free(c);
    }
}

/* Decode a byte string in chunks of `chunk` (0 = whole) into c. */
static void run(capture *c, jt808_session *s, const uint8_t *p, size_t n, size_t chunk)
{
    rl_sink sk = sink_of(c);
    jt808_dec *d = jt808_new(s, &sk, 3, RL_LOC_OFFSET);
    assert_non_null(d);
    if (!chunk)
        chunk = n ? n : 1;
    for (size_t i = 0; i < n; i += chunk) {
        size_t k = n - i < chunk ? n - i : chunk;
        if (!jt808_feed(d, p + i, k, i))
            break;
    }
    jt808_finish(d);
    jt808_free(d);
}

static size_t unhex(const char *h, uint8_t *out, size_t cap)
{
    size_t n = 0;
    while (h[0] && h[1] && n < cap) {
        unsigned v;
        if (sscanf(h, "%2x", &v) != 1)
            break;
        out[n++] = (uint8_t)v;
        h += 2;
    }
    return n;
}

/* ------------------------------------------------------------------ */
/* Test encoder: header, body, checksum, escaping (JT808.md s.1-2).    */

typedef struct enc {
    uint8_t b[16384];
    size_t n;
} enc;

static void put1(enc *e, unsigned v) { e->b[e->n++] = (uint8_t)v; }
static void put2(enc *e, unsigned v) { put1(e, v >> 8); put1(e, v & 255); }
static void put4(enc *e, uint32_t v) { put2(e, v >> 16); put2(e, v & 0xFFFF); }
static void putn(enc *e, const void *p, size_t n) { if (n) memcpy(e->b + e->n, p, n); e->n += n; }
static void putbcd(enc *e, const char *digits, size_t nbytes)
{
    size_t L = strlen(digits), want = nbytes * 2;
    char buf[32];
    memset(buf, '0', want);
    memcpy(buf + want - L, digits, L);
    for (size_t i = 0; i < nbytes; i++)
        put1(e, (unsigned)((buf[2 * i] - '0') << 4 | (buf[2 * i + 1] - '0')));
}

typedef struct hdr {
    uint16_t id;
    bool y2019;
    const char *phone;
    uint16_t serial;
    bool sub;
    uint16_t total, index;
    unsigned encryption;
    bool force_bit14; /* quirk 1: bit14 on a 2013 header */
} hdr;

/* Append one escaped frame 7e..7e to out. */
static void frame(enc *out, const hdr *h, const uint8_t *body, size_t blen)
{
    enc f = {.n = 0};
    unsigned props = (unsigned)blen | (h->encryption << 10) | (h->sub ? 1u << 13 : 0) |
                     (h->y2019 || h->force_bit14 ? 1u << 14 : 0);
    put2(&f, h->id);
    put2(&f, props);
    if (h->y2019) {
        put1(&f, 1);
        putbcd(&f, h->phone, 10);
    } else {
        putbcd(&f, h->phone, 6);
    }
    put2(&f, h->serial);
    if (h->sub) {
        put2(&f, h->total);
        put2(&f, h->index);
    }
    putn(&f, body, blen);
    uint8_t x = 0;
    for (size_t i = 0; i < f.n; i++)
        x ^= f.b[i];
    put1(&f, x);
    put1(out, 0x7e);
    for (size_t i = 0; i < f.n; i++) {
        if (f.b[i] == 0x7e) {
            put1(out, 0x7d);
            put1(out, 0x02);
        } else if (f.b[i] == 0x7d) {
            put1(out, 0x7d);
            put1(out, 0x01);
        } else {
            put1(out, f.b[i]);
        }
    }
    put1(out, 0x7e);
}

typedef struct locspec {
    uint32_t alarm, status, lat, lon;
    uint16_t alt, speed, dir;
    const char *time; /* "YYMMDDhhmmss" */
    bool items;       /* every standard item */
    uint32_t mileage;
} locspec;

static void location(enc *e, const locspec *l)
{
    put4(e, l->alarm);
    put4(e, l->status);
    put4(e, l->lat);
    put4(e, l->lon);
    put2(e, l->alt);
    put2(e, l->speed);
    put2(e, l->dir);
    putbcd(e, l->time, 6);
    if (!l->items)
        return;
    put1(e, 0x01); put1(e, 4); put4(e, l->mileage);
    put1(e, 0x02); put1(e, 2); put2(e, 555);
    put1(e, 0x03); put1(e, 2); put2(e, 612);
    put1(e, 0x04); put1(e, 2); put2(e, 7);
    put1(e, 0x11); put1(e, 5); put1(e, 1); put4(e, 4242);
    put1(e, 0x12); put1(e, 6); put1(e, 2); put4(e, 77); put1(e, 1);
    put1(e, 0x13); put1(e, 7); put4(e, 88); put2(e, 600); put1(e, 1);
    put1(e, 0xE5); put1(e, 3); put1(e, 1); put1(e, 2); put1(e, 3); /* vendor item, skipped */
    put1(e, 0x25); put1(e, 4); put4(e, 0x17);
    put1(e, 0x2A); put1(e, 2); put2(e, 2);
    put1(e, 0x2B); put1(e, 4); put4(e, 0xAB560000);
    put1(e, 0x30); put1(e, 1); put1(e, 23);
    put1(e, 0x31); put1(e, 1); put1(e, 14);
}

static size_t utf8_to_gbk(const char *u, uint8_t *out, size_t cap)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    char in[256];
    snprintf(in, sizeof in, "%s", u);
    char *ip = in, *op = (char *)out;
    size_t il = strlen(in), ol = cap;
    assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
    iconv_close(cd);
    return cap - ol;
}

static void registration(enc *out, const hdr *h, int edition, const char *plate_utf8, int color)
{
    enc b = {.n = 0};
    size_t maker = edition == 2019 ? 11 : 5, model = edition == 2011 ? 8 : edition == 2013 ? 20 : 30,
           tid = edition == 2019 ? 30 : 7;
    put2(&b, 44);
    put2(&b, 303);
    memset(b.b + b.n, 0, maker + model + tid);
    memcpy(b.b + b.n, "70111", 5);
    memcpy(b.b + b.n + maker, "BSJ-A6", 6);
    memcpy(b.b + b.n + maker + model, "T1", 2);
    b.n += maker + model + tid;
    put1(&b, (unsigned)color);
    b.n += utf8_to_gbk(plate_utf8, b.b + b.n, 64);
    frame(out, h, b.b, b.n);
}

static void driver_frame(enc *out, const hdr *h, int edition, int status, const char *name, const char *qual)
{
    enc b = {.n = 0};
    uint8_t gname[64];
    size_t gn = utf8_to_gbk(name, gname, sizeof gname);
    if (edition == 2011) {
        put1(&b, (unsigned)gn);
        putn(&b, gname, gn);
        uint8_t idc[20] = "110101199001011234";
        putn(&b, idc, 20);
        uint8_t q[40] = {0};
        memcpy(q, qual, strlen(qual));
        putn(&b, q, 40);
        put1(&b, 4);
        putn(&b, "\xbd\xbb\xcd\xa8", 4); /* 交通 */
    } else {
        put1(&b, (unsigned)status);
        putbcd(&b, "240627155446", 6);
        if (status == 1) {
            put1(&b, 0);
            put1(&b, (unsigned)gn);
            putn(&b, gname, gn);
            uint8_t q[20] = {0};
            memcpy(q, qual, strlen(qual));
            putn(&b, q, 20);
            put1(&b, 4);
            putn(&b, "\xbd\xbb\xcd\xa8", 4);
            putbcd(&b, "20300101", 4);
            if (edition == 2019) {
                uint8_t idc[20] = "110101199001011234";
                putn(&b, idc, 20);
            }
        }
    }
    frame(out, h, b.b, b.n);
}

/* ------------------------------------------------------------------ */
/* Encoder round trips.                                                */

static const locspec L1 = {0x00000003, 0x000C0003 | 4 | 8, 22644830, 114029380, 35, 653, 271, "240627235959", true, 123456};

static void check_L1(const cap_pos *q)
{
    assert_int_equal(q->p.lat_e6, -22644830);
    assert_int_equal(q->p.lon_e6, -114029380);
    assert_int_equal(q->p.speed_mkmh, 65300);
    assert_int_equal(q->p.heading, 271);
    assert_int_equal(q->p.altitude_m, 35);
    assert_int_equal(q->p.alarm, 3);
    assert_int_equal(q->p.status, 0x000C000F);
    /* 2024-06-27 23:59:59 +08:00 = 2024-06-27 15:59:59 UTC */
    assert_int_equal(q->p.time, 1719503999);
    assert_int_equal(q->p.mileage_m, 12345600);
    assert_true(q->p.have & RL_HAVE_MILEAGE);
}

static void test_location_both_editions(void **st)
{
    (void)st;
    for (int y = 0; y < 2; y++) {
        enc body = {.n = 0}, out = {.n = 0};
        location(&body, &L1);
        hdr h = {.id = 0x0200, .y2019 = y, .phone = "13800138000", .serial = 9};
        frame(&out, &h, body.b, body.n);
        /* the single-frame API */
        uint8_t plain[4096];
        size_t pn = jt808_unescape(out.b + 1, out.n - 2, plain, NULL, 0);
        jt808_frame f;
        char why[128];
        assert_int_equal(jt808_parse_frame(plain, pn, &f, why, sizeof why), JT808_OK);
        assert_int_equal(f.msg_id, 0x0200);
        assert_int_equal(f.edition, y ? JT808_ED_2019 : JT808_ED_2013);
        assert_int_equal(f.serial, 9);
        assert_string_equal(f.phone, "13800138000");
        assert_int_equal(f.body_len, body.n);
        jt808_location L;
        assert_true(jt808_parse_location(f.body, f.body_len, &L, why, sizeof why));
        assert_int_equal(L.items, JT808_IT_MILEAGE | JT808_IT_FUEL | JT808_IT_RECSPEED | JT808_IT_EVENT_ID |
                                      JT808_IT_OVERSPEED | JT808_IT_AREA | JT808_IT_ROUTE | JT808_IT_EXTSIG |
                                      JT808_IT_IO | JT808_IT_ANALOG | JT808_IT_RSSI | JT808_IT_SATS);
        assert_int_equal(L.nitems, 13);
        assert_int_equal(L.fuel_dl, 555);
        assert_int_equal(L.rec_speed_dkmh, 612);
        assert_int_equal(L.event_id, 7);
        assert_int_equal(L.overspeed_type, 1);
        assert_int_equal(L.overspeed_area, 4242);
        assert_int_equal(L.area_type, 2);
        assert_int_equal(L.area_id, 77);
        assert_int_equal(L.area_dir, 1);
        assert_int_equal(L.route_id, 88);
        assert_int_equal(L.route_time_s, 600);
        assert_int_equal(L.route_result, 1);
        assert_int_equal(L.ext_signal, 0x17);
        assert_int_equal(L.io, 2);
        assert_int_equal(L.analog, 0xAB560000);
        assert_int_equal(L.rssi, 23);
        assert_int_equal(L.sats, 14);
        assert_false(L.items_truncated);
        /* the stream decoder */
        capture *c = cap_new();
        jt808_session *s = jt808_session_new();
        run(c, s, out.b, out.n, 0);
        assert_int_equal(c->npos, 1);
        assert_int_equal(c->nrej, 0);
        check_L1(&c->pos[0]);
        assert_string_equal(c->pos[0].phone, "13800138000");
        assert_int_equal(RL_ORIGIN_FILE(c->pos[0].p.origin), 3);
        assert_int_equal(RL_ORIGIN_POS(c->pos[0].p.origin), 0);
        jt808_session_free(s);
        cap_free(c);
    }
}

/* Escapes in header, body and checksum byte. */
static void test_escapes(void **st)
{
    (void)st;
    int seen7e = 0, seen7d = 0;
    for (unsigned serial = 0; serial < 600 && !(seen7e && seen7d); serial++) {
        enc body = {.n = 0}, out = {.n = 0};
        locspec l = L1;
        l.lat = 0x017E7D7E; /* escapes inside the body */
        l.items = false;
        location(&body, &l);
        hdr h = {.id = 0x0200, .phone = "13800138000", .serial = (uint16_t)(0x7e00 | (serial & 0xff)), .y2019 = serial >= 256};
        frame(&out, &h, body.b, body.n);
        uint8_t ck = out.b[out.n - 2];
        bool esc_ck = out.b[out.n - 3] == 0x7d && (ck == 1 || ck == 2);
        if (esc_ck && ck == 2)
            seen7e++;
        if (esc_ck && ck == 1)
            seen7d++;
        capture *c = cap_new();
        jt808_session *s = jt808_session_new();
        run(c, s, out.b, out.n, 0);
        assert_int_equal(c->nrej, 0);
        assert_int_equal(c->npos, 1);
        assert_int_equal(c->pos[0].p.lat_e6, -0x017E7D7E);
        assert_int_equal(counter(c, "jt808.quirk.unescaped_0x7d"), 0);
        jt808_session_free(s);
        cap_free(c);
    }
    assert_true(seen7e && seen7d);
}

static void batch(enc *out, const hdr *h, int type, int n)
{
    enc b = {.n = 0};
    put2(&b, (unsigned)n);
    put1(&b, (unsigned)type);
    for (int i = 0; i < n; i++) {
        enc it = {.n = 0};
        locspec l = L1;
        l.speed = (uint16_t)(100 + i);
        l.items = i % 2 == 0;
        location(&it, &l);
        put2(&b, (unsigned)it.n);
        putn(&b, it.b, it.n);
    }
    frame(out, h, b.b, b.n);
}

static void test_batch(void **st)
{
    (void)st;
    for (int type = 0; type < 2; type++) {
        enc out = {.n = 0};
        hdr h = {.id = 0x0704, .phone = "013912345678", .serial = 1, .y2019 = type};
        batch(&out, &h, type, 5);
        capture *c = cap_new();
        jt808_session *s = jt808_session_new();
        run(c, s, out.b, out.n, 0);
        assert_int_equal(c->nrej, 0);
        assert_int_equal(c->npos, 5);
        for (int i = 0; i < 5; i++) {
            assert_int_equal(c->pos[i].p.speed_mkmh, (100 + i) * 100);
            assert_string_equal(c->pos[i].phone, "13912345678");
            assert_int_equal(!!(c->pos[i].p.have & RL_HAVE_MILEAGE), i % 2 == 0);
        }
        assert_int_equal(counter(c, "jt808.blind_area_positions"), type ? 5 : 0);
        jt808_session_free(s);
        cap_free(c);
    }
}

static void test_registration(void **st)
{
    (void)st;
    static const struct { int ed; const char *in, *want; int color; } cases[] = {
        {2011, "粤b·１２３45", "粤B12345", 1},
        {2013, " 苏BA-6860 ", "苏BA6860", 2},
        {2019, "京Ａ・12 345", "京A12345", 5},
        {2013, "LSVAU2180N2183294", "LSVAU2180N2183294", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enc out = {.n = 0};
        hdr h = {.id = 0x0100, .phone = "13305189341", .serial = 3, .y2019 = cases[i].ed == 2019};
        registration(&out, &h, cases[i].ed, cases[i].in, cases[i].color);
        capture *c = cap_new();
        jt808_session *s = jt808_session_new();
        run(c, s, out.b, out.n, 0);
        assert_int_equal(c->nrej, 0);
        assert_int_equal(c->nreg, 1);
        assert_string_equal(c->reg[0].plate, cases[i].want);
        assert_string_equal(c->reg[0].phone, "13305189341");
        assert_int_equal(c->reg[0].color, cases[i].color);
        jt808_session_free(s);
        cap_free(c);
    }
}

static void test_plate_normalise(void **st)
{
    (void)st;
    char b[64];
    strcpy(b, "  粤b 12345\t");
    b[jt808_plate_normalise(b, strlen(b))] = 0;
    assert_string_equal(b, "粤B12345");
    strcpy(b, "ｓｕ•Ａ-1・2·3");
    b[jt808_plate_normalise(b, strlen(b))] = 0;
    assert_string_equal(b, "SUA123");
    strcpy(b, "\xff\xfe" "a");
    b[jt808_plate_normalise(b, strlen(b))] = 0;
    assert_string_equal(b, "\xff\xfe" "A");
}

static void test_bcd_time(void **st)
{
    (void)st;
    int64_t t;
    assert_true(jt808_bcd_time((const uint8_t *)"\x70\x01\x01\x08\x00\x00", &t) == true);
    /* year 2070-01-01 08:00 +08 */
    assert_int_equal(t, 3155760000);
    assert_true(jt808_bcd_time((const uint8_t *)"\x00\x01\x01\x08\x00\x00", &t));
    assert_int_equal(t, 946684800);
    assert_true(jt808_bcd_time((const uint8_t *)"\x24\x02\x29\x00\x00\x00", &t));
    assert_false(jt808_bcd_time((const uint8_t *)"\x23\x02\x29\x00\x00\x00", &t));
    assert_false(jt808_bcd_time((const uint8_t *)"\x24\x13\x01\x00\x00\x00", &t));
    assert_false(jt808_bcd_time((const uint8_t *)"\x24\x12\x01\x24\x00\x00", &t));
    assert_false(jt808_bcd_time((const uint8_t *)"\x24\x12\x01\x1a\x00\x00", &t));
    assert_false(jt808_bcd_time((const uint8_t *)"\x00\x00\x00\x00\x00\x00", &t));
}

/* 0x0702 in each edition: driver of the terminal's later positions. */
static void test_driver(void **st)
{
    (void)st;
    for (int ed = 2011; ed <= 2019; ed += (ed == 2011 ? 2 : 6)) {
        enc out = {.n = 0}, body = {.n = 0};
        hdr hp = {.id = 0x0200, .phone = "13800000001", .serial = 1, .y2019 = ed == 2019};
        hdr hd = hp;
        hd.id = 0x0702;
        location(&body, &L1);
        frame(&out, &hp, body.b, body.n);             /* before: no driver */
        driver_frame(&out, &hd, ed, 1, "张三", "4101234567890123");
        frame(&out, &hp, body.b, body.n);             /* driver 1 */
        hdr other = hp;
        other.phone = "13800000002";
        frame(&out, &other, body.b, body.n);          /* other terminal: none */
        if (ed != 2011) {
            driver_frame(&out, &hd, ed, 2, "", "");   /* card out */
            frame(&out, &hp, body.b, body.n);
        }
        capture *c = cap_new();
        jt808_session *s = jt808_session_new();
        run(c, s, out.b, out.n, 0);
        assert_int_equal(c->nrej, 0);
        assert_int_equal(c->npos, ed == 2011 ? 3 : 4);
        assert_string_equal(c->pos[0].driver, "");
        assert_string_equal(c->pos[1].driver, "4101234567890123");
        assert_string_equal(c->pos[2].driver, "");
        if (ed != 2011) {
            assert_string_equal(c->pos[3].driver, "");
            assert_int_equal(counter(c, "jt808.driver_card_out"), 1);
        }
        jt808_session_free(s);
        cap_free(c);
    }
}

/* A 0x0704 in three sub-packages; then one with a part missing. */
static void test_subpackages(void **st)
{
    (void)st;
    enc whole = {.n = 0};
    hdr h = {.id = 0x0704, .phone = "13800000009", .serial = 40};
    batch(&whole, &h, 1, 6);
    /* recover the body from the frame: unescape and strip the header */
    uint8_t plain[8192];
    size_t pn = jt808_unescape(whole.b + 1, whole.n - 2, plain, NULL, 0);
    const uint8_t *body = plain + 12;
    size_t blen = pn - 13;
    for (int missing = 0; missing <= 3; missing++) {
        enc out = {.n = 0};
        size_t cut[4] = {0, blen / 3, 2 * blen / 3, blen};
        for (int k = 0; k < 3; k++) {
            if (k + 1 == missing)
                continue;
            hdr hs = h;
            hs.sub = true;
            hs.total = 3;
            hs.index = (uint16_t)(k + 1);
            hs.serial = (uint16_t)(40 + k);
            frame(&out, &hs, body + cut[k], cut[k + 1] - cut[k]);
        }
        capture *c = cap_new();
        jt808_session *s = jt808_session_new();
        run(c, s, out.b, out.n, 0);
        if (!missing) {
            assert_int_equal(c->nrej, 0);
            assert_int_equal(c->npos, 6);
            assert_int_equal(counter(c, "jt808.subpackage.reassembled"), 1);
            assert_int_equal(RL_ORIGIN_POS(c->pos[5].p.origin), 0);
        } else {
            assert_int_equal(c->npos, 0);
            assert_true(c->nrej >= 1);
            assert_true(strstr(c->rej[0].why, "sub-packag") != NULL);
        }
        jt808_session_free(s);
        cap_free(c);
    }
}

/* A stream of every kind of frame, fed in every chunk size. */
static size_t build_stream(enc *out)
{
    enc body = {.n = 0};
    location(&body, &L1);
    hdr h13 = {.id = 0x0200, .phone = "13800000001", .serial = 1};
    hdr h19 = {.id = 0x0200, .phone = "13800000002", .serial = 1, .y2019 = true};
    hdr reg = h13;
    reg.id = 0x0100;
    registration(out, &reg, 2013, "粤B88888", 2);
    frame(out, &h13, body.b, body.n);
    frame(out, &h19, body.b, body.n);
    hdr hb = h13;
    hb.id = 0x0002;
    frame(out, &hb, NULL, 0);
    hdr dr = h19;
    dr.id = 0x0702;
    driver_frame(out, &dr, 2019, 1, "李四", "A88888");
    hdr ba = h19;
    ba.id = 0x0704;
    batch(out, &ba, 1, 3);
    hdr sk = h13;
    sk.id = 0x0104;
    frame(out, &sk, (const uint8_t *)"\x00\x01\x02", 3);
    put1(out, 0x7e); /* doubled flags */
    frame(out, &h13, body.b, body.n);
    return out->n;
}

static void test_every_chunk_size(void **st)
{
    (void)st;
    enc out = {.n = 0};
    build_stream(&out);
    capture *ref = cap_new();
    jt808_session *s0 = jt808_session_new();
    run(ref, s0, out.b, out.n, 0);
    jt808_session_free(s0);
    assert_int_equal(ref->nrej, 0);
    assert_int_equal(ref->npos, 6);
    assert_int_equal(ref->nreg, 1);
    assert_string_equal(ref->pos[3].driver, "A88888");
    assert_int_equal(counter(ref, "jt808.skipped.0x0104"), 1);
    assert_int_equal(counter(ref, "jt808.heartbeats"), 1);
    for (size_t chunk = 1; chunk <= out.n; chunk++) {
        capture *c = cap_new();
        jt808_session *s = jt808_session_new();
        run(c, s, out.b, out.n, chunk);
        assert_int_equal(c->loglen, ref->loglen);
        assert_memory_equal(c->log, ref->log, ref->loglen);
        jt808_session_free(s);
        cap_free(c);
    }
    cap_free(ref);
}

/* Bad frames: rejected with origin and reason, and the next one decodes. */
static void test_rejects_and_resync(void **st)
{
    (void)st;
    enc good = {.n = 0}, body = {.n = 0};
    location(&body, &L1);
    hdr h = {.id = 0x0200, .phone = "13800000001", .serial = 1};
    frame(&good, &h, body.b, body.n);

    struct { const char *what, *reason; } cases[] = {
        {"checksum", "bad checksum"},
        {"escape", "bad escape 0x7d 0x05"},
        {"truncated", "body length"},
        {"swallow", "body length"},
        {"junk", "bytes before the first frame flag"},
        {"oversize", "no end flag"},
        {"long", "body length"},
        {"encrypted", "encrypted"},
        {"short-header", "frame truncated"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enc out = {.n = 0};
        const char *w = cases[i].what;
        size_t bad_at = 0;
        if (!strcmp(w, "checksum")) {
            putn(&out, good.b, good.n);
            out.b[out.n - 2] ^= 0x55;
        } else if (!strcmp(w, "escape")) {
            putn(&out, good.b, good.n);
            out.b[20] = 0x7d;
            out.b[21] = 0x05;
        } else if (!strcmp(w, "truncated")) {
            putn(&out, good.b, 30);
            put1(&out, 0x7e);
        } else if (!strcmp(w, "swallow")) {
            putn(&out, good.b, 30); /* no end flag: the next frame's 0x7e ends it */
        } else if (!strcmp(w, "junk")) {
            putn(&out, "$$junk", 6);
        } else if (!strcmp(w, "oversize")) {
            put1(&out, 0x7e);
            for (int k = 0; k < 5000; k++)
                put1(&out, 0x33);
        } else if (!strcmp(w, "long")) {
            enc b2 = {.n = 0};
            putn(&b2, body.b, body.n);
            frame(&out, &h, b2.b, b2.n);
            /* add 3 bytes before the checksum: recompute by hand */
            enc raw = {.n = 0};
            hdr hh = h;
            frame(&raw, &hh, body.b, body.n);
            out.n = 0;
            uint8_t plain[4096];
            size_t pn = jt808_unescape(raw.b + 1, raw.n - 2, plain, NULL, 0);
            memmove(plain + pn + 2, plain + pn - 1, 1);
            plain[pn - 1] = 0x11;
            plain[pn] = 0x22;
            plain[pn + 1] = 0x33;
            pn += 3;
            uint8_t x = 0;
            for (size_t k = 0; k + 1 < pn; k++)
                x ^= plain[k];
            plain[pn - 1] = x;
            put1(&out, 0x7e);
            for (size_t k = 0; k < pn; k++) {
                if (plain[k] == 0x7e || plain[k] == 0x7d) {
                    put1(&out, 0x7d);
                    put1(&out, plain[k] == 0x7e ? 2 : 1);
                } else
                    put1(&out, plain[k]);
            }
            put1(&out, 0x7e);
        } else if (!strcmp(w, "encrypted")) {
            hdr he = h;
            he.encryption = 1;
            frame(&out, &he, body.b, body.n);
        } else if (!strcmp(w, "short-header")) {
            putn(&out, "\x7e\x01\x00\x00\x2c\x01\x23\x45\x4a\x7e", 10);
        }
        size_t good_at = out.n;
        putn(&out, good.b, good.n);
        capture *c = cap_new();
        jt808_session *s = jt808_session_new();
        run(c, s, out.b, out.n, 0);
        if (c->npos != 1 || c->nrej != 1 || !strstr(c->rej[0].why, cases[i].reason))
            fprintf(stderr, "case %s: npos %zu nrej %zu why '%s'\n", w, c->npos, c->nrej, c->nrej ? c->rej[0].why : "");
        assert_int_equal(c->npos, 1);
        assert_int_equal(c->nrej, 1);
        assert_non_null(strstr(c->rej[0].why, cases[i].reason));
        assert_int_equal(RL_ORIGIN_POS(c->rej[0].where), bad_at);
        if (strcmp(w, "swallow") != 0)
            assert_int_equal(RL_ORIGIN_POS(c->pos[0].p.origin), good_at);
        check_L1(&c->pos[0]);
        jt808_session_free(s);
        cap_free(c);
    }
}

/* Packet origins, a break in the stream, and the end of input inside a
 * frame. */
static void test_break_and_packets(void **st)
{
    (void)st;
    enc a = {.n = 0}, b = {.n = 0}, body = {.n = 0};
    location(&body, &L1);
    hdr h = {.id = 0x0200, .phone = "13800000001", .serial = 1};
    frame(&a, &h, body.b, body.n);
    frame(&b, &h, body.b, body.n);
    capture *c = cap_new();
    jt808_session *s = jt808_session_new();
    rl_sink sk = sink_of(c);
    jt808_dec *d = jt808_new(s, &sk, 9, RL_LOC_PACKET);
    /* packet 5: a whole frame and the first half of the next */
    enc p5 = {.n = 0};
    putn(&p5, a.b, a.n);
    putn(&p5, b.b, 20);
    assert_true(jt808_feed(d, p5.b, p5.n, 5));
    /* packet 6 lost: the half frame is cut */
    assert_true(jt808_break(d, "lost TCP segment"));
    /* packet 7: the tail of something, then a whole frame */
    enc p7 = {.n = 0};
    putn(&p7, "\x11\x22\x33", 3);
    putn(&p7, b.b, b.n);
    assert_true(jt808_feed(d, p7.b, p7.n, 7));
    /* packet 8: a frame that never ends */
    assert_true(jt808_feed(d, a.b, 30, 8));
    assert_true(jt808_finish(d));
    jt808_free(d);
    assert_int_equal(c->npos, 2);
    assert_int_equal(RL_ORIGIN_FILE(c->pos[0].p.origin), 9);
    assert_int_equal(RL_ORIGIN_POS(c->pos[0].p.origin), 5);
    assert_int_equal(RL_ORIGIN_POS(c->pos[1].p.origin), 7);
    assert_int_equal(c->nrej, 3);
    assert_non_null(strstr(c->rej[0].why, "frame cut: lost TCP segment"));
    assert_int_equal(RL_ORIGIN_POS(c->rej[0].where), 5);
    assert_non_null(strstr(c->rej[1].why, "3 bytes after a gap"));
    assert_int_equal(RL_ORIGIN_POS(c->rej[1].where), 7);
    assert_non_null(strstr(c->rej[2].why, "input ends before its end flag"));
    assert_int_equal(RL_ORIGIN_POS(c->rej[2].where), 8);
    assert_int_equal(counter(c, "jt808.cut_by_gap"), 1);
    jt808_session_free(s);
    cap_free(c);
}

/* --strict: the first reject stops the decoder. */
static void test_strict(void **st)
{
    (void)st;
    enc out = {.n = 0}, body = {.n = 0};
    location(&body, &L1);
    hdr h = {.id = 0x0200, .phone = "13800000001", .serial = 1};
    frame(&out, &h, body.b, body.n);
    out.b[out.n - 2] ^= 1;
    frame(&out, &h, body.b, body.n);
    capture *c = cap_new();
    c->strict = true;
    jt808_session *s = jt808_session_new();
    rl_sink sk = sink_of(c);
    jt808_dec *d = jt808_new(s, &sk, 0, RL_LOC_OFFSET);
    assert_false(jt808_feed(d, out.b, out.n, 0));
    assert_false(jt808_feed(d, out.b, out.n, 0));
    assert_false(jt808_finish(d));
    assert_int_equal(c->npos, 0);
    assert_int_equal(c->nrej, 1);
    jt808_free(d);
    jt808_session_free(s);
    cap_free(c);
}

/* Quirks: bit14 on a 2013 header, raw 0x7e, unescaped device, IMEI phone,
 * two's complement coordinates, items running past the body. */
static void test_quirks(void **st)
{
    (void)st;
    enc body = {.n = 0};
    location(&body, &L1);
    /* quirk 1 */
    {
        enc out = {.n = 0};
        hdr h = {.id = 0x0200, .phone = "13800000001", .serial = 1, .force_bit14 = true};
        frame(&out, &h, body.b, body.n);
        capture *c = cap_new();
        jt808_session *s = jt808_session_new();
        run(c, s, out.b, out.n, 0);
        assert_int_equal(c->npos, 1);
        assert_int_equal(counter(c, "jt808.quirk.version_flag_2013_header"), 1);
        jt808_session_free(s);
        cap_free(c);
    }
    /* quirk 2: raw 0x7e inside the longitude, never escaped */
    {
        enc out = {.n = 0}, b = {.n = 0};
        locspec l = L1;
        l.lon = 0x067EAA24;
        l.items = false;
        location(&b, &l);
        hdr h = {.id = 0x0200, .phone = "13800000001", .serial = 1};
        frame(&out, &h, b.b, b.n);
        /* undo the escape 7d 02 -> 7e */
        uint8_t *q = memmem(out.b, out.n, "\x7d\x02", 2);
        assert_non_null(q);
        q[0] = 0x7e;
        memmove(q + 1, q + 2, out.n - (size_t)(q + 2 - out.b));
        out.n--;
        capture *c = cap_new();
        jt808_session *s = jt808_session_new();
        run(c, s, out.b, out.n, 0);
        assert_int_equal(c->nrej, 0);
        assert_int_equal(c->npos, 1);
        assert_int_equal(c->pos[0].p.lon_e6, -0x067EAA24);
        assert_int_equal(counter(c, "jt808.quirk.raw_0x7e"), 1);
        jt808_session_free(s);
        cap_free(c);
    }
    /* IMEI in the phone field */
    {
        enc out = {.n = 0};
        uint8_t plain[128];
        size_t n = 0;
        memcpy(plain, "\x02\x00\x00\x1c\x4e\xb6\xfb\x4a\xd6\x28\x00\x01", 12);
        n = 12;
        memcpy(plain + n, body.b, 28);
        plain[n + 3] = 0;
        n += 28;
        uint8_t x = 0;
        for (size_t k = 0; k < n; k++)
            x ^= plain[k];
        plain[n++] = x;
        put1(&out, 0x7e);
        for (size_t k = 0; k < n; k++) {
            if (plain[k] == 0x7e || plain[k] == 0x7d) {
                put1(&out, 0x7d);
                put1(&out, plain[k] == 0x7e ? 2 : 1);
            } else
                put1(&out, plain[k]);
        }
        put1(&out, 0x7e);
        capture *c = cap_new();
        jt808_session *s = jt808_session_new();
        run(c, s, out.b, out.n, 0);
        assert_int_equal(c->npos, 1);
        /* 0x4eb6fb4ad628 = 86547807000104, Luhn digit 7 */
        assert_string_equal(c->pos[0].phone, "865478070001047");
        jt808_session_free(s);
        cap_free(c);
    }
    /* quirk 8 and truncated items */
    {
        enc out = {.n = 0}, b = {.n = 0};
        locspec l = L1;
        l.items = false;
        l.status = 2;
        l.lat = (uint32_t)-22644830;
        location(&b, &l);
        put1(&b, 0x01); put1(&b, 4); put4(&b, 1000);
        put1(&b, 0x33); put1(&b, 9); put1(&b, 1);
        hdr h = {.id = 0x0200, .phone = "13800000001", .serial = 1};
        frame(&out, &h, b.b, b.n);
        capture *c = cap_new();
        jt808_session *s = jt808_session_new();
        run(c, s, out.b, out.n, 0);
        assert_int_equal(c->npos, 1);
        assert_int_equal(c->pos[0].p.lat_e6, -22644830);
        assert_int_equal(c->pos[0].p.mileage_m, 100000);
        assert_int_equal(counter(c, "jt808.items_truncated"), 1);
        assert_int_equal(counter(c, "jt808.quirk.twos_complement_coords"), 1);
        jt808_session_free(s);
        cap_free(c);
    }
}

/* Random garbage and mutilated streams: no crash, and a clean frame after
 * them always decodes. */
static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

static void test_fuzz(void **st)
{
    (void)st;
    enc stream = {.n = 0};
    build_stream(&stream);
    enc good = {.n = 0}, body = {.n = 0};
    location(&body, &L1);
    hdr h = {.id = 0x0200, .phone = "13999999999", .serial = 1};
    frame(&good, &h, body.b, body.n);
    static uint8_t buf[32768];
    for (int round = 0; round < 3000; round++) {
        size_t n = 0;
        int mode = round % 4;
        if (mode == 0) { /* pure garbage, 0x7e and 0x7d rich */
            n = rnd() % 6000;
            for (size_t k = 0; k < n; k++) {
                uint32_t r = rnd();
                buf[k] = (r & 7) == 0 ? 0x7e : (r & 7) == 1 ? 0x7d : (uint8_t)(r >> 8);
            }
        } else if (mode == 1) { /* stream with random byte flips */
            memcpy(buf, stream.b, stream.n);
            n = stream.n;
            for (int k = 0; k < 1 + (int)(rnd() % 8); k++)
                buf[rnd() % n] = (uint8_t)rnd();
        } else if (mode == 2) { /* random slices of the stream glued together */
            while (n < 4000) {
                size_t a = rnd() % stream.n, b = rnd() % stream.n;
                if (a > b) { size_t t = a; a = b; b = t; }
                memcpy(buf + n, stream.b + a, b - a);
                n += b - a;
            }
        } else { /* valid frames with lengths and counts rewritten */
            memcpy(buf, stream.b, stream.n);
            n = stream.n;
            for (int k = 0; k < 4; k++) {
                size_t at = rnd() % n;
                if (buf[at] != 0x7e && buf[at] != 0x7d)
                    buf[at] = (uint8_t)(rnd() % 0x7d);
            }
            n = rnd() % n + 1; /* and truncate */
        }
        /* the clean frame, after a flag so a swallowing frame ends first */
        buf[n++] = 0x7e;
        memcpy(buf + n, good.b, good.n);
        n += good.n;
        capture *c = cap_new();
        jt808_session *s = jt808_session_new();
        size_t chunk = 1 + rnd() % 300;
        run(c, s, buf, n, chunk);
        assert_true(c->npos >= 1);
        const cap_pos *last = &c->pos[c->npos - 1];
        assert_string_equal(last->phone, "13999999999");
        check_L1(last);
        jt808_session_free(s);
        cap_free(c);
    }
}

/* ------------------------------------------------------------------ */
/* The 187 real vectors.                                               */

typedef struct tally {
    int decoded, rejected, mismatched, asserted_checks;
} tally;

static const char *vectors_path(char *buf, size_t cap)
{
    const char *env = getenv("ROADLOG_VECTORS");
    const char *dirs[4] = {env, "../shared/vectors", "../../shared/vectors", NULL};
    char here[512];
    snprintf(here, sizeof here, "%s", __FILE__);
    char *slash = strrchr(here, '/');
    if (slash) {
        strcpy(slash, "/../../shared/vectors");
        dirs[3] = here;
    }
    for (int i = 0; i < 4; i++) {
        if (!dirs[i])
            continue;
        size_t L = strlen(dirs[i]);
        if (L > 4 && !strcmp(dirs[i] + L - 4, ".tsv"))
            snprintf(buf, cap, "%s", dirs[i]);
        else
            snprintf(buf, cap, "%s/jt808_vectors.tsv", dirs[i]);
        FILE *f = fopen(buf, "r");
        if (f) {
            fclose(f);
            return buf;
        }
    }
    return NULL;
}

/* The number after `key` in s (decimal, or hex after 0x), searching from s. */
static bool num_after(const char *s, const char *key, double *v, const char **end)
{
    const char *k = strstr(s, key);
    if (!k)
        return false;
    k += strlen(key);
    char *e;
    if (k[0] == '0' && (k[1] == 'x' || k[1] == 'X'))
        *v = (double)strtoull(k, &e, 16);
    else
        *v = strtod(k, &e);
    if (e == k)
        return false;
    if (end)
        *end = e;
    return true;
}

static bool str_after(const char *s, const char *key, const char *stop, char *out, size_t cap)
{
    const char *k = strstr(s, key);
    if (!k)
        return false;
    k += strlen(key);
    size_t n = strcspn(k, stop);
    if (n >= cap)
        n = cap - 1;
    memcpy(out, k, n);
    out[n] = 0;
    return true;
}

#define MISMATCH(...)                                                                  \
    do {                                                                               \
        fprintf(stderr, "vector line %d (%s): ", line, msg);                           \
        fprintf(stderr, __VA_ARGS__);                                                  \
        fprintf(stderr, "\n");                                                         \
        bad = true;                                                                    \
    } while (0)

static int64_t civil_utc8(const char *t)
{
    int Y, M, D, h, m, s;
    if (sscanf(t, "%d-%d-%d %d:%d:%d", &Y, &M, &D, &h, &m, &s) != 6)
        return -1;
    uint8_t b[6] = {(uint8_t)((Y % 100 / 10) << 4 | Y % 10), (uint8_t)((M / 10) << 4 | M % 10),
                    (uint8_t)((D / 10) << 4 | D % 10), (uint8_t)((h / 10) << 4 | h % 10),
                    (uint8_t)((m / 10) << 4 | m % 10), (uint8_t)((s / 10) << 4 | s % 10)};
    int64_t v;
    return jt808_bcd_time(b, &v) ? v : -2;
}

/* Compare one decoded position with a "lat=.. lon=.. ..." segment. */
static bool check_derived_pos(const cap_pos *q, const char *seg, int line, const char *msg)
{
    bool bad = false;
    double lat, lon, alt, spd, dir, alarm, status, mil, v;
    char tbuf[32];
    if (num_after(seg, "lat=", &lat, NULL) && (long long)(lat * 1e6 + (lat < 0 ? -0.5 : 0.5)) != q->p.lat_e6)
        MISMATCH("lat %f vs %d", lat, q->p.lat_e6);
    if (num_after(seg, "lon=", &lon, NULL) && (long long)(lon * 1e6 + (lon < 0 ? -0.5 : 0.5)) != q->p.lon_e6)
        MISMATCH("lon %f vs %d", lon, q->p.lon_e6);
    if (num_after(seg, "alt=", &alt, NULL) && (int)alt != q->p.altitude_m)
        MISMATCH("alt %f vs %d", alt, q->p.altitude_m);
    if (num_after(seg, "speed=", &spd, NULL) && (long)(spd * 1000 + 0.5) != q->p.speed_mkmh)
        MISMATCH("speed %f vs %d", spd, q->p.speed_mkmh);
    if (num_after(seg, "dir=", &dir, NULL) && (int)dir != q->p.heading)
        MISMATCH("dir %f vs %d", dir, q->p.heading);
    if (str_after(seg, "time=", "(", tbuf, sizeof tbuf) && civil_utc8(tbuf) != q->p.time)
        MISMATCH("time %s vs %lld", tbuf, (long long)q->p.time);
    if (num_after(seg, "alarm=", &alarm, NULL) && (uint32_t)alarm != q->p.alarm)
        MISMATCH("alarm");
    if (num_after(seg, "status=", &status, NULL) && (uint32_t)status != q->p.status)
        MISMATCH("status");
    if (num_after(seg, "mileage=", &mil, NULL)) {
        if (!(q->p.have & RL_HAVE_MILEAGE) || (long long)(mil * 1000 + 0.5) != q->p.mileage_m)
            MISMATCH("mileage %f vs %lld", mil, (long long)q->p.mileage_m);
    }
    (void)v;
    return !bad;
}

/* Items of the idx-th location of a frame, through the single-frame API. */
static bool nth_location(const uint8_t *content, size_t n, int idx, jt808_location *L)
{
    uint8_t plain[8192], *u = plain;
    char why[128];
    size_t un = jt808_unescape(content, n, plain, why, sizeof why);
    jt808_frame f;
    if (un == (size_t)-1 || jt808_parse_frame(plain, un, &f, why, sizeof why) != JT808_OK) {
        /* the literal form (quirk 10) */
        memcpy(plain, content, n);
        un = n;
        u = plain;
        if (jt808_parse_frame(u, un, &f, why, sizeof why) != JT808_OK)
            return false;
    }
    if (f.msg_id == 0x0200)
        return idx == 0 && jt808_parse_location(f.body, f.body_len, L, why, sizeof why);
    if (f.msg_id != 0x0704)
        return false;
    size_t off = 3;
    for (int i = 0; off + 2 <= f.body_len; i++) {
        size_t len = (size_t)f.body[off] << 8 | f.body[off + 1];
        off += 2;
        if (off + len > f.body_len)
            return false;
        if (i == idx)
            return jt808_parse_location(f.body + off, len, L, why, sizeof why);
        off += len;
    }
    return false;
}

static void one_vector(int line, const char *src, const char *msg, const char *hex, const char *expected, tally *t)
{
    (void)src;
    static uint8_t raw[8192];
    size_t n = unhex(hex, raw, sizeof raw);
    const char *derived = strstr(expected, "|| derived:");
    derived = derived ? derived + 11 : "";
    char asserted[4096];
    size_t al = (size_t)(strstr(expected, "|| derived:") ? strstr(expected, "|| derived:") - expected : (long)strlen(expected));
    if (al >= sizeof asserted)
        al = sizeof asserted - 1;
    memcpy(asserted, expected, al);
    asserted[al] = 0;
    bool bad = false;

    /* What should happen. */
    const char *want_reject = NULL;
    if (strstr(derived, "BODYLEN-MISMATCH"))
        want_reject = "body length";
    else if (strstr(derived, "checksum=BAD"))
        want_reject = "bad checksum";
    else if (strstr(derived, "not decodable"))
        want_reject = "frame truncated";

    capture *c = cap_new();
    jt808_session *s = jt808_session_new();
    run(c, s, raw, n, 0);
    if (getenv("JT808_VERBOSE")) {
        printf("line %3d %s: %zu positions, %zu registrations, %zu rejects%s%s", line, msg, c->npos, c->nreg,
               c->nrej, c->nrej ? ": " : "", c->nrej ? c->rej[0].why : "");
        for (size_t k = 0; k < c->ncnt; k++)
            if (strstr(c->cnt[k].name, "quirk") || strstr(c->cnt[k].name, "trunc") || strstr(c->cnt[k].name, "skipped"))
                printf(" [%s=%llu]", c->cnt[k].name, (unsigned long long)c->cnt[k].n);
        printf("\n");
    }

    if (want_reject) {
        if (c->nrej < 1 || !strstr(c->rej[0].why, want_reject))
            MISMATCH("expected a reject '%s', got %zu rejects ('%s'), %zu positions", want_reject, c->nrej,
                     c->nrej ? c->rej[0].why : "", c->npos);
        else if (RL_ORIGIN_POS(c->rej[0].where) != (uint64_t)((const uint8_t *)memchr(raw, 0x7e, n) - raw))
            MISMATCH("reject origin");
        if (c->npos)
            MISMATCH("a rejected frame gave positions");
        if (!bad)
            t->rejected++;
        goto done;
    }
    if (c->nrej) {
        MISMATCH("unexpected reject: %s", c->rej[0].why);
        goto done;
    }
    /* Header fields through the single-frame API. */
    {
        uint8_t plain[8192];
        const uint8_t *o = memchr(raw, 0x7e, n);
        /* each vector is one frame: from its first to its last 0x7e (some
         * carry raw 0x7e inside, quirk 2/10) */
        const uint8_t *e = n && raw[n - 1] == 0x7e ? raw + n - 1 : NULL;
        jt808_frame f;
        char why[128];
        bool ok = false;
        if (o && e) {
            size_t un = jt808_unescape(o + 1, (size_t)(e - o - 1), plain, why, sizeof why);
            ok = un != (size_t)-1 && jt808_parse_frame(plain, un, &f, why, sizeof why) == JT808_OK;
            if (!ok)
                ok = jt808_parse_frame(o + 1, (size_t)(e - o - 1), &f, why, sizeof why) == JT808_OK;
        }
        double v;
        char ph[40];
        if (!ok) {
            MISMATCH("single-frame parse failed: %s", why);
        } else {
            if (num_after(derived, "msgid=", &v, NULL) && (unsigned)v != f.msg_id)
                MISMATCH("msgid");
            if (num_after(derived, "serial=", &v, NULL) && (unsigned)v != f.serial)
                MISMATCH("serial");
            if (num_after(derived, "bodylen=", &v, NULL) && (unsigned)v != f.body_len)
                MISMATCH("bodylen");
            bool y19 = strstr(derived, "2019(verflag=1") != NULL;
            if (y19 != (f.edition == JT808_ED_2019))
                MISMATCH("edition");
            if (strstr(derived, "decoded as 2013") && !f.quirk_layout)
                MISMATCH("quirk 1 layout not flagged");
            if (str_after(derived, "phone=", ";", ph, sizeof ph)) {
                const char *p0 = ph;
                bool digits = strspn(ph, "0123456789") == strlen(ph);
                if (digits) {
                    while (p0[0] == '0' && p0[1])
                        p0++;
                    if (strcmp(p0, f.phone) != 0)
                        MISMATCH("phone %s vs %s", p0, f.phone);
                } else if (strlen(f.phone) != 15 || strspn(f.phone, "0123456789") != 15) {
                    MISMATCH("IMEI-style phone %s -> %s", ph, f.phone);
                }
            }
            if (num_after(asserted, "MsgNum=", &v, NULL) && (unsigned)v != f.serial)
                MISMATCH("asserted MsgNum");
            const char *lastsn = NULL;
            for (const char *q = asserted; (q = strstr(q, "'serialNo':")); q++)
                lastsn = q; /* batch items carry their own 0s first */
            if (lastsn && num_after(lastsn, "'serialNo':", &v, NULL) && (unsigned)v != f.serial)
                MISMATCH("asserted serialNo");
            if (str_after(asserted, "Phone=", " ;", ph, sizeof ph) && strcmp(ph, f.phone) != 0)
                MISMATCH("asserted Phone %s vs %s", ph, f.phone);
            if (str_after(asserted, "'clientId':'", "'", ph, sizeof ph)) {
                const char *p0 = ph;
                while (p0[0] == '0' && p0[1])
                    p0++;
                if (strcmp(p0, f.phone) != 0)
                    MISMATCH("asserted clientId");
            }
            t->asserted_checks++;
        }
    }

    unsigned id = (unsigned)strtoul(msg, NULL, 16);
    if (id == 0x0200 || id == 0x0704) {
        /* one position per "lat=" in derived, in order */
        size_t want = 0;
        for (const char *p = derived; (p = strstr(p, "lat=")); p++)
            want++;
        if (c->npos != want) {
            MISMATCH("%zu positions, derived has %zu", c->npos, want);
            goto done;
        }
        const char *seg = derived;
        for (size_t i = 0; i < want; i++) {
            seg = strstr(seg, "lat=");
            char segbuf[2048];
            const char *next = strstr(seg + 4, "lat=");
            size_t sl = next ? (size_t)(next - seg) : strlen(seg);
            if (sl >= sizeof segbuf)
                sl = sizeof segbuf - 1;
            memcpy(segbuf, seg, sl);
            segbuf[sl] = 0;
            seg += 4;
            if (!check_derived_pos(&c->pos[i], segbuf, line, msg))
                bad = true;
            jt808_location L;
            const uint8_t *o = memchr(raw, 0x7e, n);
            bool have = false;
            if (o && raw[n - 1] == 0x7e && raw + n - 1 > o)
                have = nth_location(o + 1, (size_t)(raw + n - 1 - o - 1), (int)i, &L);
            double v;
            if (have) {
                if (num_after(segbuf, "sats=", &v, NULL) && (!(L.items & JT808_IT_SATS) || L.sats != (unsigned)v))
                    MISMATCH("sats");
                if (num_after(segbuf, "rssi=", &v, NULL) && (!(L.items & JT808_IT_RSSI) || L.rssi != (unsigned)v))
                    MISMATCH("rssi");
                if (num_after(segbuf, "fuel=", &v, NULL) && L.fuel_dl != (unsigned)(v * 10 + 0.5))
                    MISMATCH("fuel");
                if (num_after(segbuf, "recSpeed=", &v, NULL) && L.rec_speed_dkmh != (unsigned)(v * 10 + 0.5))
                    MISMATCH("recSpeed");
                if (num_after(segbuf, "alarmEventId=", &v, NULL) && L.event_id != (unsigned)v)
                    MISMATCH("alarmEventId");
                if (num_after(segbuf, "extSignal=", &v, NULL) && L.ext_signal != (uint32_t)v)
                    MISMATCH("extSignal");
                if (num_after(segbuf, "io=", &v, NULL) && L.io != (unsigned)v)
                    MISMATCH("io");
                if (strstr(segbuf, "TLV-TRUNCATED") && !L.items_truncated)
                    MISMATCH("items truncated not seen");
                /* asserted values (first location, or the [i] part) */
                char asbuf[4096];
                char part[24], nextpart[24];
                snprintf(part, sizeof part, "[%zu]", i);
                snprintf(nextpart, sizeof nextpart, "[%zu]", i + 1);
                const char *pa = strstr(asserted, part);
                if (!pa && i > 0)
                    pa = "";
                if (!pa)
                    pa = asserted;
                snprintf(asbuf, sizeof asbuf, "%s", pa);
                char *np = strstr(asbuf, nextpart);
                if (np)
                    *np = 0;
                const char *as = asbuf;
                if (num_after(as, "KEY_SATELLITES, ", &v, NULL) && L.sats != (unsigned)v)
                    MISMATCH("asserted satellites");
                if (num_after(as, "'latitude':", &v, NULL) && L.lat_raw != (uint32_t)v)
                    MISMATCH("asserted latitude");
                if (num_after(as, "'longitude':", &v, NULL) && L.lon_raw != (uint32_t)v)
                    MISMATCH("asserted longitude");
                if (num_after(as, "'altitude':", &v, NULL) && L.altitude_m != (int)v)
                    MISMATCH("asserted altitude");
                if (num_after(as, "'speed':", &v, NULL) && L.speed_dkmh != (unsigned)v)
                    MISMATCH("asserted speed");
                if (num_after(as, "'direction':", &v, NULL) && L.heading != (unsigned)v)
                    MISMATCH("asserted direction");
                if (num_after(as, "'warnBit':", &v, NULL) && L.alarm != (uint32_t)v)
                    MISMATCH("asserted warnBit");
                if (num_after(as, "'statusBit':", &v, NULL) && L.status != (uint32_t)v)
                    MISMATCH("asserted statusBit");
                if (num_after(as, "Latitude=", &v, NULL) && L.lat_raw != (uint32_t)v)
                    MISMATCH("asserted Latitude");
                if (num_after(as, "Longitude=", &v, NULL) && L.lon_raw != (uint32_t)v)
                    MISMATCH("asserted Longitude");
                if (num_after(as, "Lat=", &v, NULL) && L.lat_raw != (uint32_t)v)
                    MISMATCH("asserted Lat");
                if (num_after(as, "Lng=", &v, NULL) && L.lon_raw != (uint32_t)v)
                    MISMATCH("asserted Lng");
                if (num_after(as, "AlarmSign=", &v, NULL) && L.alarm != (uint32_t)v)
                    MISMATCH("asserted AlarmSign");
                if (num_after(as, "StatusSign=", &v, NULL) && L.status != (uint32_t)v)
                    MISMATCH("asserted StatusSign");
                if (num_after(as, "Alarm=", &v, NULL) && L.alarm != (uint32_t)v)
                    MISMATCH("asserted Alarm");
                if (num_after(as, "Status=", &v, NULL) && L.status != (uint32_t)v)
                    MISMATCH("asserted Status");
                if (num_after(as, "StatusFlag=", &v, NULL) && L.status != (uint32_t)v)
                    MISMATCH("asserted StatusFlag");
                if (num_after(as, "AlarmFlag=", &v, NULL) && L.alarm != (uint32_t)v)
                    MISMATCH("asserted AlarmFlag");
                if (num_after(as, "Mileage=", &v, NULL) && L.mileage_hm != (uint32_t)v)
                    MISMATCH("asserted Mileage");
                if (num_after(as, "Oil=", &v, NULL) && L.fuel_dl != (unsigned)v)
                    MISMATCH("asserted Oil");
                if (num_after(as, "0x01 mileage=", &v, NULL) && L.mileage_hm != (uint32_t)v)
                    MISMATCH("asserted 0x01");
                if (num_after(as, "0x02 fuel=", &v, NULL) && L.fuel_dl != (unsigned)v)
                    MISMATCH("asserted 0x02");
                if (num_after(as, "0x03 speed=", &v, NULL) && L.rec_speed_dkmh != (unsigned)v)
                    MISMATCH("asserted 0x03");
                if (num_after(as, "0x30 rssi=", &v, NULL) && L.rssi != (unsigned)v)
                    MISMATCH("asserted 0x30");
                if (num_after(as, "0x31 sats=", &v, NULL) && L.sats != (unsigned)v)
                    MISMATCH("asserted 0x31");
                if (num_after(as, "'1':", &v, NULL) && L.mileage_hm != (uint32_t)v)
                    MISMATCH("asserted attr 1");
                if (num_after(as, "'49':", &v, NULL) && L.sats != (unsigned)v)
                    MISMATCH("asserted attr 49");
                if (num_after(as, "Speed=", &v, NULL) && L.speed_dkmh != (unsigned)v)
                    MISMATCH("asserted Speed");
                if (num_after(as, "Direction=", &v, NULL) && L.heading != (unsigned)v)
                    MISMATCH("asserted Direction");
                if (num_after(as, "Dir=", &v, NULL) && L.heading != (unsigned)v)
                    MISMATCH("asserted Dir");
                /* the first YYYY-MM-DD hh:mm:ss (or ...T...) in the asserted part */
                for (const char *q = as; *q; q++) {
                    int Y, M, D, hh, mm, ss, used = 0;
                    char sep;
                    if (sscanf(q, "%4d-%2d-%2d%c%2d:%2d:%2d%n", &Y, &M, &D, &sep, &hh, &mm, &ss, &used) == 7 &&
                        used == 19 && (sep == ' ' || sep == 'T')) {
                        char tb[32];
                        snprintf(tb, sizeof tb, "%04d-%02d-%02d %02d:%02d:%02d", Y, M, D, hh, mm, ss);
                        if (civil_utc8(tb) != L.time)
                            MISMATCH("asserted time %s", tb);
                        break;
                    }
                }
            } else {
                MISMATCH("single-frame location %zu not decodable", i);
            }
        }
        if (strstr(derived, "TLV-TRUNCATED") && !counter(c, "jt808.items_truncated"))
            MISMATCH("items_truncated not counted");
        if (strstr(asserted, "raw 0x7e") && !counter(c, "jt808.quirk.raw_0x7e"))
            MISMATCH("raw 0x7e quirk not counted");
    } else if (id == 0x0100) {
        char plate[128] = "";
        double col = -1, v;
        str_after(derived, "plate=", " ;|", plate, sizeof plate);
        num_after(derived, "plateColor=", &col, NULL);
        size_t pl = jt808_plate_normalise(plate, strlen(plate));
        plate[pl] = 0;
        if (!pl) {
            if (c->nreg)
                MISMATCH("registration without plate reported");
            else if (!counter(c, "jt808.registration_without_plate"))
                MISMATCH("registration without plate not counted");
        } else if (c->nreg != 1) {
            MISMATCH("%zu registrations", c->nreg);
        } else {
            if (strcmp(c->reg[0].plate, plate) != 0)
                MISMATCH("plate %s vs %s", c->reg[0].plate, plate);
            if (c->reg[0].color != (int)col)
                MISMATCH("colour");
            char ap[128];
            if (str_after(asserted, "PlateNo=", " ;", ap, sizeof ap) ||
                str_after(asserted, "'plateNo':'", "'", ap, sizeof ap) ||
                str_after(asserted, "Plate=", " ;", ap, sizeof ap)) {
                ap[jt808_plate_normalise(ap, strlen(ap))] = 0;
                if (strcmp(ap, c->reg[0].plate) != 0)
                    MISMATCH("asserted plate %s vs %s", ap, c->reg[0].plate);
            }
            if ((num_after(asserted, "PlateColor=", &v, NULL) || num_after(asserted, "'plateColor':", &v, NULL)) &&
                (int)v != c->reg[0].color)
                MISMATCH("asserted colour");
        }
    } else if (id == 0x0702) {
        double cs = 0, rr = 0;
        char q[64] = "";
        num_after(derived, "cardStatus=", &cs, NULL);
        num_after(derived, "readResult=", &rr, NULL);
        str_after(derived, "qualification=", ";", q, sizeof q);
        q[strcspn(q, " ")] = 0;
        /* trim the padding the derived text shows */
        size_t ql = strlen(q);
        while (ql && q[ql - 1] == ' ')
            q[--ql] = 0;
        char ph[40] = "";
        str_after(derived, "phone=", ";", ph, sizeof ph);
        const char *p0 = ph;
        while (p0[0] == '0' && p0[1])
            p0++;
        const char *drv = jt808_session_driver(s, p0, strlen(p0));
        if ((int)cs == 1 && (int)rr == 0) {
            if (!drv || strcmp(drv, q) != 0)
                MISMATCH("driver %s vs %s", drv ? drv : "(none)", q);
            char cc[64];
            if (str_after(asserted, "'cardCode', '", "'", cc, sizeof cc) && (!drv || strcmp(cc, drv) != 0))
                MISMATCH("asserted cardCode");
        } else if (drv) {
            MISMATCH("card out but driver %s", drv);
        }
    } else if (id == 0x0201) {
        /* a position reply: the query's serial, then a location block */
        if (counter(c, "jt808.position_replies") != 1 || c->npos != 1) {
            MISMATCH("position reply 0x0201 not decoded");
        } else {
            double v;
            const char *e;
            if (num_after(asserted, "'warnBit': ", &v, &e) && c->pos[0].p.alarm != (uint32_t)v)
                MISMATCH("asserted warnBit");
            if (num_after(asserted, "'statusBit': ", &v, &e) && c->pos[0].p.status != (uint32_t)v)
                MISMATCH("asserted statusBit");
            if (num_after(asserted, "'latitude': ", &v, &e) && abs(c->pos[0].p.lat_e6) != (int)v)
                MISMATCH("asserted latitude");
            if (num_after(asserted, "'longitude': ", &v, &e) && abs(c->pos[0].p.lon_e6) != (int)v)
                MISMATCH("asserted longitude");
            t->asserted_checks++;
        }
    } else if (id == 0x0002) {
        if (counter(c, "jt808.heartbeats") != 1)
            MISMATCH("heartbeat not counted");
    } else if (id == 0x0102) {
        if (counter(c, "jt808.auth") != 1)
            MISMATCH("auth not counted");
    } else {
        char name[40];
        snprintf(name, sizeof name, "jt808.skipped.0x%04x", id);
        if (counter(c, name) != 1)
            MISMATCH("%s not counted", name);
        if (c->npos || c->nreg)
            MISMATCH("skipped message produced output");
    }
    if (strstr(derived, "checksum only matches if 7d01/7d02 are NOT unescaped") && !counter(c, "jt808.quirk.unescaped_0x7d"))
        MISMATCH("unescaped quirk not counted");
    if (!bad)
        t->decoded++;
done:
    if (bad)
        t->mismatched++;
    jt808_session_free(s);
    cap_free(c);
}

static void test_vectors(void **st)
{
    (void)st;
    char path[1024];
    if (!vectors_path(path, sizeof path)) {
        printf("jt808 vectors absent: jt808_vectors.tsv is looked for in $ROADLOG_VECTORS, ../shared/vectors and\n"
               "../../shared/vectors (the project's shared/ folder next to the repository; set ROADLOG_VECTORS=DIR\n"
               "to point at a copy)\n");
        skip();
    }
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char line[65536];
    int ln = 0, rows = 0;
    tally t = {0};
    while (fgets(line, sizeof line, f)) {
        ln++;
        if (ln == 1)
            continue;
        line[strcspn(line, "\r\n")] = 0;
        char *cols[4] = {line, NULL, NULL, NULL};
        for (int k = 1; k < 4; k++) {
            char *tab = strchr(cols[k - 1], '\t');
            if (!tab)
                break;
            *tab = 0;
            cols[k] = tab + 1;
        }
        if (!cols[3])
            continue;
        rows++;
        one_vector(ln, cols[0], cols[1], cols[2], cols[3], &t);
    }
    fclose(f);
    printf("jt808 vectors (%s): %d rows: %d decoded, %d rejected as expected, %d mismatches; %d header checks\n",
           path, rows, t.decoded, t.rejected, t.mismatched, t.asserted_checks);
    assert_int_equal(rows, 187);
    assert_int_equal(t.mismatched, 0);
}

/* ------------------------------------------------------------------ */
/* Active-safety items 0x64-0x67 and JT/T 1078 items (JT808.md §14).   */

/* The base block: speed, altitude, lat, lon, time, status, alarm
 * identification (terminal id 7 or 30 bytes, time, seq, attachments,
 * reserved 1 or 2). */
static void as_base(enc *e, bool gdrta, const char *time)
{
    put1(e, 62);
    put2(e, 15);
    put4(e, 22543210);
    put4(e, 113954321);
    putbcd(e, time, 6);
    put2(e, 0x0401);
    uint8_t tid[30] = "TRM0042";
    putn(e, tid, gdrta ? 30 : 7);
    putbcd(e, time, 6);
    put1(e, 3);
    put1(e, 2);
    for (int i = 0; i < (gdrta ? 2 : 1); i++)
        put1(e, 0);
}

/* An item: id, length, value built by the caller after `start`. */
static size_t item_open(enc *e, unsigned id)
{
    put1(e, id);
    put1(e, 0);
    return e->n;
}
static void item_close(enc *e, size_t at) { e->b[at - 1] = (uint8_t)(e->n - at); }

static void as_adas(enc *e, bool gdrta, uint32_t id, unsigned flag, unsigned type, unsigned level)
{
    size_t at = item_open(e, 0x64);
    put4(e, id);
    put1(e, flag);
    put1(e, type);
    put1(e, level);
    put1(e, 55);  /* lead vehicle km/h */
    put1(e, 13);  /* headway 1.3 s */
    put1(e, 2);   /* right */
    put1(e, 1);
    put1(e, 60);
    as_base(e, gdrta, "261102095958");
    item_close(e, at);
}

static void as_dsm(enc *e, bool gdrta, uint32_t id, unsigned flag, unsigned type, unsigned level, unsigned fatigue)
{
    size_t at = item_open(e, 0x65);
    put4(e, id);
    put1(e, flag);
    put1(e, type);
    put1(e, level);
    put1(e, fatigue);
    put4(e, 0);
    as_base(e, gdrta, "261102095959");
    item_close(e, at);
}

static void as_tpms(enc *e, bool gdrta, uint32_t id, unsigned flag, unsigned ntyres)
{
    size_t at = item_open(e, 0x66);
    put4(e, id);
    put1(e, flag);
    as_base(e, gdrta, "261102095957");
    put1(e, ntyres);
    for (unsigned t = 0; t < ntyres; t++) {
        put1(e, t);
        put2(e, 1u << (1 + t % 7));
        put2(e, 700 + t);
        put2(e, (unsigned)(uint16_t)(t == 2 ? -5 : 40));
        put2(e, 80);
    }
    item_close(e, at);
}

static void as_bsd(enc *e, bool gdrta, uint32_t id, unsigned flag, unsigned type)
{
    size_t at = item_open(e, 0x67);
    put4(e, id);
    put1(e, flag);
    put1(e, type);
    as_base(e, gdrta, "261102095956");
    item_close(e, at);
}

static const hdr H_SAFETY = {0x0200, false, "013912345678", 5, false, 0, 0, 0, false};
static const locspec L_SAFETY = {0, 3, 22543210, 113954321, 15, 620, 90, "261102100000", false, 0};

/* One position with every kind of item, decoded in its own dialect and
 * in the other one. */
static void test_safety_items(void **st)
{
    (void)st;
    for (int gd = 0; gd < 2; gd++) {
        enc body = {.n = 0};
        location(&body, &L_SAFETY);
        as_adas(&body, gd, 11, 1, 0x02, 2);
        as_dsm(&body, gd, 12, 0, 0x01, 1, 8);
        as_tpms(&body, gd, 13, 2, 3);
        as_bsd(&body, gd, 14, 0, 0x03);
        /* the lengths JT808.md §14 gives */
        assert_int_equal(jt808_safety_item_len(0x64, gd, 0), gd ? 71 : 47);
        assert_int_equal(jt808_safety_item_len(0x65, gd, 0), gd ? 71 : 47);
        assert_int_equal(jt808_safety_item_len(0x66, gd, 3), gd ? 65 + 27 : 41 + 27);
        assert_int_equal(jt808_safety_item_len(0x67, gd, 0), gd ? 65 : 41);
        assert_int_equal(jt808_safety_item_len(0x68, gd, 0), 0);
        enc out = {.n = 0};
        frame(&out, &H_SAFETY, body.b, body.n);
        for (int as = 0; as < 2; as++) {
            capture *c = cap_new();
            jt808_session *s = jt808_session_new();
            jt808_session_set_dialect(s, as ? JT808_DIALECT_GDRTA : JT808_DIALECT_JSATL);
            run(c, s, out.b, out.n, 0);
            assert_int_equal(c->npos, 1); /* the position is kept either way */
            const rl_safety *sf = c->pos[0].p.safety;
            if (as != gd) {
                /* the other dialect's lengths: skipped and counted, never guessed */
                assert_null(sf);
                assert_int_equal(counter(c, "jt808.safety.bad_length"), 4);
                assert_int_equal(counter(c, "jt808.safety.items"), 0);
            } else {
                assert_int_equal(counter(c, "jt808.safety.items"), 4);
                assert_int_equal(counter(c, "jt808.safety.bad_length"), 0);
                /* cap_position copies the position; its safety pointer was
                 * only valid during the callback: decode again directly */
                jt808_frame f;
                char why[128];
                jt808_location L;
                uint8_t plain[1024];
                size_t pn = jt808_unescape(out.b + 1, out.n - 2, plain, why, sizeof why);
                assert_int_equal(jt808_parse_frame(plain, pn, &f, why, sizeof why), JT808_OK);
                assert_true(jt808_parse_location_in(f.body, f.body_len, gd, &L, why, sizeof why));
                assert_int_equal(L.safety.nitems, 4);
                const rl_as_item *a = &L.safety.items[0], *d = &L.safety.items[1], *t = &L.safety.items[2],
                                 *b = &L.safety.items[3];
                assert_int_equal(a->kind, RL_AS_ADAS);
                assert_int_equal(a->alarm_id, 11);
                assert_int_equal(a->flag, RL_AS_FLAG_START);
                assert_int_equal(a->type, 2);
                assert_int_equal(a->level, 2);
                assert_int_equal(a->lead_speed_kmh, 55);
                assert_int_equal(a->headway_ds, 13);
                assert_int_equal(a->ldw_side, 2);
                assert_int_equal(a->sign_value, 60);
                assert_int_equal(a->speed_kmh, 62);
                assert_int_equal(a->altitude_m, 15);
                assert_int_equal(a->lat_e6, 22543210);
                assert_int_equal(a->lon_e6, 113954321);
                assert_int_equal(a->vstatus, 0x0401);
                assert_string_equal(a->terminal_id, "TRM0042");
                assert_int_equal(a->seq, 3);
                assert_int_equal(a->attachments, 2);
                /* 2026-11-02 09:59:58 +08:00, the item's own time */
                assert_int_equal(a->time, 1793584798);
                assert_int_equal(d->kind, RL_AS_DSM);
                assert_int_equal(d->flag, RL_AS_FLAG_NONE);
                assert_int_equal(d->type, 1);
                assert_int_equal(d->fatigue, 8);
                assert_int_equal(d->time, 1793584799);
                assert_int_equal(t->kind, RL_AS_TPMS);
                assert_int_equal(t->flag, RL_AS_FLAG_END);
                assert_int_equal(t->ntyres, 3);
                assert_int_equal(t->tyres[1].position, 1);
                assert_int_equal(t->tyres[1].alarm, 1u << 2);
                assert_int_equal(t->tyres[1].kpa, 701);
                assert_int_equal(t->tyres[2].celsius, -5);
                assert_int_equal(t->tyres[2].battery_pct, 80);
                assert_int_equal(b->kind, RL_AS_BSD);
                assert_int_equal(b->type, 3);
                assert_int_equal(b->alarm_id, 14);
            }
            jt808_session_free(s);
            cap_free(c);
        }
    }
}

/* Items of a wrong length are skipped and counted, the rest of the
 * position is kept; a time that is no date skips the item; more than
 * RL_AS_MAX_ITEMS are dropped and counted. */
static void test_safety_bad_items(void **st)
{
    (void)st;
    enc body = {.n = 0};
    locspec l = L_SAFETY;
    l.items = true;
    l.mileage = 4242;
    location(&body, &l);
    size_t at = item_open(&body, 0x64); /* a vendor's 0x64 of 8 bytes */
    put4(&body, 1);
    put4(&body, 2);
    item_close(&body, at);
    as_tpms(&body, false, 5, 1, 2);
    body.b[body.n - 2 * 9 - 1] = 3; /* the count says 3 tyres, the length 2 */
    as_dsm(&body, false, 6, 1, 1, 1, 3);
    body.b[body.n - 35 + 12] = 0x13; /* month 13 in the item's time (base block + 11 is the year) */
    for (int k = 0; k < RL_AS_MAX_ITEMS + 2; k++)
        as_bsd(&body, false, 100 + (unsigned)k, 0, 1);
    enc out = {.n = 0};
    frame(&out, &H_SAFETY, body.b, body.n);
    capture *c = cap_new();
    jt808_session *s = jt808_session_new();
    run(c, s, out.b, out.n, 0);
    assert_int_equal(c->npos, 1);
    assert_int_equal(c->pos[0].p.mileage_m, 424200); /* items after it were read */
    assert_int_equal(counter(c, "jt808.safety.bad_length"), 2);
    assert_int_equal(counter(c, "jt808.safety.bad_time"), 1);
    assert_int_equal(counter(c, "jt808.safety.items"), RL_AS_MAX_ITEMS);
    assert_int_equal(counter(c, "jt808.safety.over_capacity"), 2);
    assert_int_equal(c->nrej, 0);
    jt808_session_free(s);
    cap_free(c);
}

/* JT/T 1078 items: 0x18 comes as the table's 2 bytes or as the 3 real
 * terminals send; another length is skipped (quirk 5). */
static void test_video_items(void **st)
{
    (void)st;
    for (int len = 2; len <= 4; len++) {
        enc body = {.n = 0};
        location(&body, &L_SAFETY);
        put1(&body, 0x14); put1(&body, 4); put4(&body, 0x21);
        put1(&body, 0x15); put1(&body, 4); put4(&body, 0x5);
        put1(&body, 0x16); put1(&body, 4); put4(&body, 0x2);
        put1(&body, 0x17); put1(&body, 2); put2(&body, 0x1);
        put1(&body, 0x18); put1(&body, (unsigned)len); put2(&body, 0x3);
        for (int k = 2; k < len; k++)
            put1(&body, 7);
        jt808_location L;
        char why[64];
        assert_true(jt808_parse_location(body.b, body.n, &L, why, sizeof why));
        assert_int_equal(L.safety.video.alarm, 0x21);
        assert_int_equal(L.safety.video.signal_loss, 5);
        assert_int_equal(L.safety.video.occlusion, 2);
        assert_int_equal(L.safety.video.storage, 1);
        if (len == 4) {
            assert_false(L.safety.video.have & RL_VIDEO_DRIVING);
            assert_true(L.odd_item_len);
        } else {
            assert_true(L.safety.video.have & RL_VIDEO_DRIVING);
            assert_int_equal(L.safety.video.driving, 3);
            assert_int_equal(L.safety.video.fatigue, len == 3 ? 7 : 0);
            assert_false(L.odd_item_len);
        }
    }
}

/* Items in batch items (0x0704) and in a position reply (0x0201). */
static void test_safety_batch_and_reply(void **st)
{
    (void)st;
    enc out = {.n = 0};
    enc b = {.n = 0};
    put2(&b, 2);
    put1(&b, 1);
    for (int k = 0; k < 2; k++) {
        enc loc = {.n = 0};
        location(&loc, &L_SAFETY);
        as_dsm(&loc, false, 77, k ? 2 : 1, 2, 1, 0);
        put2(&b, (unsigned)loc.n);
        putn(&b, loc.b, loc.n);
    }
    frame(&out, &(hdr){0x0704, false, "013912345678", 6, false, 0, 0, 0, false}, b.b, b.n);
    enc r = {.n = 0};
    put2(&r, 99); /* the query's serial */
    location(&r, &L_SAFETY);
    as_bsd(&r, false, 78, 0, 2);
    frame(&out, &(hdr){0x0201, false, "013912345678", 7, false, 0, 0, 0, false}, r.b, r.n);
    enc shortr = {.n = 0};
    put1(&shortr, 1);
    frame(&out, &(hdr){0x0201, false, "013912345678", 8, false, 0, 0, 0, false}, shortr.b, shortr.n);
    capture *c = cap_new();
    jt808_session *s = jt808_session_new();
    run(c, s, out.b, out.n, 7);
    assert_int_equal(c->npos, 3);
    assert_int_equal(counter(c, "jt808.safety.items"), 3);
    assert_int_equal(counter(c, "jt808.position_replies"), 1);
    assert_int_equal(c->nrej, 1);
    assert_non_null(strstr(c->rej[0].why, "0x0201"));
    jt808_session_free(s);
    cap_free(c);
}

/* The published real frame (yezhihao's TJSATL.txt): a 0x0200 with a
 * 47-byte 0x65 (DSM fatigue, start, 5 attachments) and the JT/T 1078
 * items with a 3-byte 0x18, read from ../shared/vectors like the others. */
static void test_active_safety_vector(void **st)
{
    (void)st;
    char path[1024];
    if (!vectors_path(path, sizeof path)) {
        printf("jt808 vectors folder absent (../shared/vectors or $ROADLOG_VECTORS): jt808_active_safety.tsv not read\n");
        skip();
    }
    char *slash = strrchr(path, '/');
    snprintf(slash + 1, sizeof path - (size_t)(slash + 1 - path), "jt808_active_safety.tsv");
    FILE *fp = fopen(path, "r");
    if (!fp) {
        printf("%s is absent ($ROADLOG_VECTORS names the folder)\n", path);
        skip();
    }
    static char line[8192];
    int rows = 0;
    while (fgets(line, sizeof line, fp)) {
        if (!strncmp(line, "source\t", 7))
            continue;
        char *hex = strchr(line, '\t');
        assert_non_null(hex);
        hex = strchr(hex + 1, '\t');
        assert_non_null(hex);
        hex++;
        hex[strcspn(hex, "\t\r\n")] = 0;
        static uint8_t raw[4096];
        size_t n = unhex(hex, raw, sizeof raw);
        capture *c = cap_new();
        jt808_session *s = jt808_session_new();
        run(c, s, raw, n, 0);
        assert_int_equal(c->npos, 1);
        assert_int_equal(c->nrej, 0);
        assert_int_equal(counter(c, "jt808.safety.items"), 1);
        assert_int_equal(counter(c, "jt808.video_items"), 5);
        jt808_frame f;
        char why[128];
        assert_int_equal(jt808_parse_frame(raw + 1, n - 2, &f, why, sizeof why), JT808_OK);
        jt808_location L;
        assert_true(jt808_parse_location_in(f.body, f.body_len, JT808_DIALECT_JSATL, &L, why, sizeof why));
        assert_int_equal(L.safety.video.have, RL_VIDEO_ALARM | RL_VIDEO_SIGNAL_LOSS | RL_VIDEO_OCCLUSION |
                                                  RL_VIDEO_STORAGE | RL_VIDEO_DRIVING);
        assert_int_equal(L.safety.nitems, 1);
        const rl_as_item *d = &L.safety.items[0];
        assert_int_equal(d->kind, RL_AS_DSM);
        assert_int_equal(d->alarm_id, 0x08322ccf);
        assert_int_equal(d->flag, RL_AS_FLAG_START);
        assert_int_equal(d->type, 0x01); /* fatigue */
        assert_int_equal(d->level, 1);
        assert_int_equal(d->attachments, 5);
        assert_string_equal(d->terminal_id, "3598950");
        assert_int_equal(d->lat_e6, 31235963);
        assert_int_equal(d->lon_e6, 121388280);
        assert_int_equal(d->time, 1619669199); /* 2021-04-29 12:06:39 +08:00, 2 s before the position */
        assert_int_equal(c->pos[0].p.time, 1619669201);
        /* read as GDRTA, the 47 bytes are skipped and counted */
        assert_false(jt808_parse_location_in(f.body, f.body_len, JT808_DIALECT_GDRTA, &L, why, sizeof why) &&
                     L.safety.nitems);
        assert_int_equal(L.safety_bad_length, 1);
        jt808_session_free(s);
        cap_free(c);
        rows++;
    }
    fclose(fp);
    assert_int_equal(rows, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bcd_time),
        cmocka_unit_test(test_plate_normalise),
        cmocka_unit_test(test_location_both_editions),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_batch),
        cmocka_unit_test(test_registration),
        cmocka_unit_test(test_driver),
        cmocka_unit_test(test_subpackages),
        cmocka_unit_test(test_every_chunk_size),
        cmocka_unit_test(test_rejects_and_resync),
        cmocka_unit_test(test_break_and_packets),
        cmocka_unit_test(test_strict),
        cmocka_unit_test(test_quirks),
        cmocka_unit_test(test_fuzz),
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_safety_items),
        cmocka_unit_test(test_safety_bad_items),
        cmocka_unit_test(test_video_items),
        cmocka_unit_test(test_safety_batch_and_reply),
        cmocka_unit_test(test_active_safety_vector),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
