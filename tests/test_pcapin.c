/*
 * test_pcapin.c - captures written with libpcap's pcap_dump (and one
 * pcapng written by hand) for every link type and every TCP reassembly
 * case, read back through pcapin_read.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcapin.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif

/* ------------------------------------------------------------------ */
/* Recording sink.                                                     */

typedef struct rec {
    struct { uint64_t pkt; int32_t lat; char phone[32]; } pos[4096];
    size_t npos;
    struct { uint64_t pkt; char why[200]; } rej[512];
    size_t nrej;
    struct { char name[48]; uint64_t n; } cnt[128];
    size_t ncnt;
} rec;

static void r_position(void *ud, const rl_position *p)
{
    rec *r = ud;
    assert_true(r->npos < 4096);
    r->pos[r->npos].pkt = RL_ORIGIN_POS(p->origin);
    r->pos[r->npos].lat = p->lat_e6;
    memcpy(r->pos[r->npos].phone, p->phone, p->phone_len);
    r->pos[r->npos].phone[p->phone_len] = 0;
    assert_int_equal(RL_ORIGIN_FILE(p->origin), 7);
    r->npos++;
}

static bool r_reject(void *ud, rl_origin w, const char *why, const void *raw, size_t n)
{
    rec *r = ud;
    (void)raw;
    (void)n;
    if (r->nrej < 512) {
        r->rej[r->nrej].pkt = RL_ORIGIN_POS(w);
        snprintf(r->rej[r->nrej].why, sizeof r->rej[0].why, "%s", why);
    }
    r->nrej++;
    return true;
}

static void r_count(void *ud, const char *what, uint64_t n)
{
    rec *r = ud;
    for (size_t i = 0; i < r->ncnt; i++)
        if (!strcmp(r->cnt[i].name, what)) {
            r->cnt[i].n += n;
            return;
        }
    assert_true(r->ncnt < 128);
    snprintf(r->cnt[r->ncnt].name, sizeof r->cnt[0].name, "%s", what);
    r->cnt[r->ncnt++].n = n;
}

static uint64_t cnt(const rec *r, const char *what)
{
    for (size_t i = 0; i < r->ncnt; i++)
        if (!strcmp(r->cnt[i].name, what))
            return r->cnt[i].n;
    return 0;
}

static bool has_reject(const rec *r, const char *needle)
{
    for (size_t i = 0; i < r->nrej && i < 512; i++)
        if (strstr(r->rej[i].why, needle))
            return true;
    return false;
}

/* ------------------------------------------------------------------ */
/* JT/T 808 frames (2013 header) for the payloads.                     */

typedef struct buf {
    uint8_t b[1 << 16];
    size_t n;
} buf;

static void put(buf *o, const void *p, size_t n) { if (n) memcpy(o->b + o->n, p, n); o->n += n; }
static void put1(buf *o, unsigned v) { o->b[o->n++] = (uint8_t)v; }
static void put2(buf *o, unsigned v) { put1(o, v >> 8); put1(o, v & 255); }
static void put4(buf *o, uint32_t v) { put2(o, v >> 16); put2(o, v & 0xFFFF); }

/* Terminal phone 0138000000NN; position `lat` millionths; a 0x7e in the
 * longitude makes every frame carry an escape. */
static void frame(buf *o, uint16_t id, int term, uint16_t serial, uint32_t lat)
{
    buf f = {.n = 0};
    uint8_t body[64];
    size_t bn = 0;
    if (id == 0x0200) {
        buf b = {.n = 0};
        put4(&b, 0);
        put4(&b, 3);
        put4(&b, lat);
        put4(&b, 0x067E0000);
        put2(&b, 10);
        put2(&b, 600);
        put2(&b, 90);
        put(&b, "\x24\x06\x27\x10\x00\x00", 6);
        memcpy(body, b.b, b.n);
        bn = b.n;
    } else if (id == 0x8001) {
        buf b = {.n = 0};
        put2(&b, serial);
        put2(&b, 0x0200);
        put1(&b, 0);
        memcpy(body, b.b, b.n);
        bn = b.n;
    }
    put2(&f, id);
    put2(&f, (unsigned)bn);
    uint8_t ph[6] = {0x01, 0x38, 0x00, 0x00, 0x00, (uint8_t)((term / 10) << 4 | term % 10)};
    put(&f, ph, 6);
    put2(&f, serial);
    put(&f, body, bn);
    uint8_t x = 0;
    for (size_t i = 0; i < f.n; i++)
        x ^= f.b[i];
    put1(&f, x);
    put1(o, 0x7e);
    for (size_t i = 0; i < f.n; i++) {
        if (f.b[i] == 0x7e || f.b[i] == 0x7d) {
            put1(o, 0x7d);
            put1(o, f.b[i] == 0x7e ? 2 : 1);
        } else {
            put1(o, f.b[i]);
        }
    }
    put1(o, 0x7e);
}

/* A terminal's stream of n positions, lat = 30000000 + i; frame starts
 * recorded in starts[]. */
static void stream(buf *o, int term, int n, size_t *starts)
{
    for (int i = 0; i < n; i++) {
        if (starts)
            starts[i] = o->n;
        frame(o, 0x0200, term, (uint16_t)i, 30000000u + (uint32_t)i);
    }
}

/* ------------------------------------------------------------------ */
/* Packet builder.                                                     */

typedef struct net {
    int dlt;
    bool v6;
    int vlans;        /* Ethernet: number of VLAN tags */
    bool ip_options;  /* IPv4 options */
    bool ext_headers; /* IPv6 hop-by-hop + destination options + atomic fragment */
    pcap_dumper_t *d;
    pcap_t *p;
    uint64_t npkt;
    char path[128];
} net;

static void net_open(net *n, int dlt, const char *tag)
{
    snprintf(n->path, sizeof n->path, "/tmp/roadlog_test_pcapin_%d_%s.pcap", (int)getpid(), tag);
    n->dlt = dlt;
    n->p = pcap_open_dead(dlt, 262144);
    assert_non_null(n->p);
    n->d = pcap_dump_open(n->p, n->path);
    assert_non_null(n->d);
    n->npkt = 0;
}

static void net_close(net *n)
{
    pcap_dump_close(n->d);
    pcap_close(n->p);
}

/* Write one IP packet (TCP or UDP) around payload. */
static void packet(net *n, int term, uint16_t sport, uint16_t dport, bool tcp, uint32_t seq, uint8_t flags,
                   const uint8_t *pl, size_t pn, bool reverse)
{
    static uint8_t pk[70000];
    size_t k = 0;
    /* link layer */
    uint16_t etype = n->v6 ? 0x86DD : 0x0800;
    if (n->dlt == DLT_EN10MB) {
        memcpy(pk, "\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb", 12);
        k = 12;
        for (int v = 0; v < n->vlans; v++) {
            uint16_t tpid = (v == 0 && n->vlans > 1) ? 0x88A8 : 0x8100;
            pk[k++] = (uint8_t)(tpid >> 8);
            pk[k++] = (uint8_t)tpid;
            pk[k++] = 0;
            pk[k++] = (uint8_t)(10 + v);
        }
        pk[k++] = (uint8_t)(etype >> 8);
        pk[k++] = (uint8_t)etype;
    } else if (n->dlt == DLT_LINUX_SLL) {
        memset(pk, 0, 16);
        pk[1] = 4; /* outgoing */
        pk[3] = 1;
        pk[5] = 6;
        pk[14] = (uint8_t)(etype >> 8);
        pk[15] = (uint8_t)etype;
        k = 16;
    } else if (n->dlt == DLT_LINUX_SLL2) {
        memset(pk, 0, 20);
        pk[0] = (uint8_t)(etype >> 8);
        pk[1] = (uint8_t)etype;
        pk[9] = 1;
        pk[11] = 6;
        k = 20;
    } else if (n->dlt == DLT_NULL) {
        uint32_t af = n->v6 ? 30 : 2; /* host order */
        memcpy(pk, &af, 4);
        k = 4;
    } else if (n->dlt == DLT_LOOP) {
        pk[0] = pk[1] = pk[2] = 0;
        pk[3] = n->v6 ? 30 : 2;
        k = 4;
    }
    /* addresses: terminal 10.0.0.term / fd00::term, platform 192.168.1.10 / fd00::1:10 */
    uint8_t t4[4] = {10, 0, 0, (uint8_t)term}, s4[4] = {192, 168, 1, 10};
    uint8_t t6[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (uint8_t)term};
    uint8_t s6[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0x10};
    size_t l4len = (tcp ? 20 : 8) + pn;
    size_t ip = k;
    if (!n->v6) {
        size_t ihl = n->ip_options ? 24 : 20;
        pk[k] = (uint8_t)(0x40 | ihl / 4);
        pk[k + 1] = 0;
        size_t tot = ihl + l4len;
        pk[k + 2] = (uint8_t)(tot >> 8);
        pk[k + 3] = (uint8_t)tot;
        memset(pk + k + 4, 0, 4);
        pk[k + 6] = 0x40; /* DF */
        pk[k + 8] = 64;
        pk[k + 9] = tcp ? 6 : 17;
        pk[k + 10] = pk[k + 11] = 0;
        memcpy(pk + k + 12, reverse ? s4 : t4, 4);
        memcpy(pk + k + 16, reverse ? t4 : s4, 4);
        if (n->ip_options)
            memcpy(pk + k + 20, "\x01\x01\x01\x00", 4); /* NOP NOP NOP EOL */
        k += ihl;
    } else {
        size_t ext = n->ext_headers ? 8 + 8 + 8 : 0;
        pk[k] = 0x60;
        memset(pk + k + 1, 0, 3);
        size_t plen = ext + l4len;
        pk[k + 4] = (uint8_t)(plen >> 8);
        pk[k + 5] = (uint8_t)plen;
        pk[k + 6] = n->ext_headers ? 0 : (tcp ? 6 : 17);
        pk[k + 7] = 64;
        memcpy(pk + k + 8, reverse ? s6 : t6, 16);
        memcpy(pk + k + 24, reverse ? t6 : s6, 16);
        k += 40;
        if (n->ext_headers) {
            /* hop-by-hop -> destination options -> fragment (atomic) -> L4 */
            uint8_t hbh[8] = {60, 0, 1, 4, 0, 0, 0, 0};
            uint8_t dst[8] = {44, 0, 1, 4, 0, 0, 0, 0};
            uint8_t frg[8] = {(uint8_t)(tcp ? 6 : 17), 0, 0, 0, 0, 0, 0, 1};
            memcpy(pk + k, hbh, 8);
            memcpy(pk + k + 8, dst, 8);
            memcpy(pk + k + 16, frg, 8);
            k += 24;
        }
    }
    (void)ip;
    uint16_t a = reverse ? dport : sport, b = reverse ? sport : dport;
    pk[k] = (uint8_t)(a >> 8);
    pk[k + 1] = (uint8_t)a;
    pk[k + 2] = (uint8_t)(b >> 8);
    pk[k + 3] = (uint8_t)b;
    if (tcp) {
        pk[k + 4] = (uint8_t)(seq >> 24);
        pk[k + 5] = (uint8_t)(seq >> 16);
        pk[k + 6] = (uint8_t)(seq >> 8);
        pk[k + 7] = (uint8_t)seq;
        memset(pk + k + 8, 0, 4);
        pk[k + 12] = 5 << 4;
        pk[k + 13] = flags;
        pk[k + 14] = 0xff;
        pk[k + 15] = 0xff;
        memset(pk + k + 16, 0, 4);
        k += 20;
    } else {
        size_t ul = 8 + pn;
        pk[k + 4] = (uint8_t)(ul >> 8);
        pk[k + 5] = (uint8_t)ul;
        pk[k + 6] = pk[k + 7] = 0;
        k += 8;
    }
    if (pn)
        memcpy(pk + k, pl, pn);
    k += pn;
    if (n->dlt == DLT_EN10MB && k < 60) { /* Ethernet padding after the IP packet */
        memset(pk + k, 0xEE, 60 - k);
        k = 60;
    }
    struct pcap_pkthdr h;
    memset(&h, 0, sizeof h);
    h.ts.tv_sec = (time_t)(1719453600 + n->npkt);
    h.caplen = h.len = (bpf_u_int32)k;
    pcap_dump((u_char *)n->d, &h, pk);
    n->npkt++;
}

enum { FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16 };

static size_t g_max_open; /* 0 = default */

static int read_file(const char *path, rec *r, unsigned port, size_t stream_max)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    jt808_session *s = jt808_session_new();
    rl_sink sk = {.ud = r, .position = r_position, .reject = r_reject, .count = r_count};
    pcapin_opts o = {.port = port, .stream_buffer_max = stream_max, .max_open_streams = g_max_open};
    int rc = pcapin_read(f, path, 7, s, &sk, &o);
    jt808_session_free(s);
    return rc;
}

/* Segment a stream into pieces of varied size starting at `isn + 1`. */
typedef struct segm {
    size_t off, len;
    uint64_t pkt; /* packet number it was written as (1-based) */
} segm;

static size_t cut(size_t total, segm *s, size_t maxseg, unsigned seed)
{
    size_t n = 0, off = 0;
    while (off < total) {
        seed = seed * 1103515245u + 12345u;
        size_t L = 1 + (seed >> 8) % maxseg;
        if (L > total - off)
            L = total - off;
        s[n].off = off;
        s[n].len = L;
        n++;
        off += L;
    }
    return n;
}

/* ------------------------------------------------------------------ */

static void test_link_types(void **st)
{
    (void)st;
    static const struct { int dlt; bool v6; int vlans; bool opt, ext; const char *tag; } lt[] = {
        {DLT_EN10MB, false, 0, false, false, "eth"},
        {DLT_EN10MB, false, 1, true, false, "vlan_ipopt"},
        {DLT_EN10MB, true, 2, false, true, "qinq_v6ext"},
        {DLT_LINUX_SLL, false, 0, false, false, "sll"},
        {DLT_LINUX_SLL2, true, 0, false, false, "sll2_v6"},
        {DLT_RAW, false, 0, false, false, "raw4"},
        {DLT_RAW, true, 0, false, false, "raw6"},
        {DLT_IPV4, false, 0, false, false, "ipv4"},
        {DLT_IPV6, true, 0, false, true, "ipv6"},
        {DLT_NULL, false, 0, false, false, "null"},
        {DLT_NULL, true, 0, false, false, "null6"},
        {DLT_LOOP, false, 0, false, false, "loop"},
    };
    for (size_t t = 0; t < sizeof lt / sizeof lt[0]; t++) {
        static buf s;
        s.n = 0;
        size_t starts[64];
        stream(&s, 5, 40, starts);
        static segm sg[4096];
        size_t ns = cut(s.n, sg, 97, (unsigned)t + 1);
        net n = {.v6 = lt[t].v6, .vlans = lt[t].vlans, .ip_options = lt[t].opt, .ext_headers = lt[t].ext};
        net_open(&n, lt[t].dlt, lt[t].tag);
        uint32_t isn = 0xFFFFFF00u; /* wraps inside the stream */
        packet(&n, 5, 40000, 7611, true, isn, SYN, NULL, 0, false);
        packet(&n, 5, 40000, 7611, true, 777, SYN | ACK, NULL, 0, true);
        for (size_t i = 0; i < ns; i++) {
            sg[i].pkt = n.npkt + 1;
            packet(&n, 5, 40000, 7611, true, isn + 1 + (uint32_t)sg[i].off, ACK | PSH, s.b + sg[i].off, sg[i].len, false);
        }
        packet(&n, 5, 40000, 7611, true, isn + 1 + (uint32_t)s.n, FIN | ACK, NULL, 0, false);
        net_close(&n);
        static rec r;
        memset(&r, 0, sizeof r);
        assert_int_equal(read_file(n.path, &r, 0, 0), 0);
        if (r.npos != 40 || r.nrej)
            fprintf(stderr, "%s: %zu positions %zu rejects %s\n", lt[t].tag, r.npos, r.nrej, r.nrej ? r.rej[0].why : "");
        assert_int_equal(r.npos, 40);
        assert_int_equal(r.nrej, 0);
        /* origin = packet carrying the frame's opening 0x7e */
        for (int i = 0; i < 40; i++) {
            size_t k = 0;
            while (!(sg[k].off <= starts[i] && starts[i] < sg[k].off + sg[k].len))
                k++;
            assert_int_equal(r.pos[i].pkt, sg[k].pkt);
            assert_int_equal(r.pos[i].lat, 30000000 + i);
            assert_string_equal(r.pos[i].phone, "13800000005");
        }
        assert_int_equal(cnt(&r, "pcap.tcp.streams"), 1);
        unlink(n.path);
    }
}

/* In order, out of order, retransmitted, overlapping: same positions. */
static void test_reassembly(void **st)
{
    (void)st;
    for (int mode = 0; mode < 4; mode++) {
        static buf s;
        s.n = 0;
        stream(&s, 9, 60, NULL);
        static segm sg[4096];
        size_t ns = cut(s.n, sg, 150, 77u + (unsigned)mode);
        net n = {0};
        net_open(&n, DLT_EN10MB, "reasm");
        uint32_t isn = 1000;
        packet(&n, 9, 40001, 7611, true, isn, SYN, NULL, 0, false);
        size_t order[4096];
        for (size_t i = 0; i < ns; i++)
            order[i] = i;
        if (mode == 1) { /* shuffle in windows of 6 */
            unsigned seed = 5;
            for (size_t i = 0; i < ns; i++) {
                seed = seed * 1103515245u + 12345u;
                size_t j = i + (seed >> 8) % 6;
                if (j >= ns)
                    j = ns - 1;
                size_t t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        for (size_t i = 0; i < ns; i++) {
            segm *g = &sg[order[i]];
            if (mode == 3 && g->off > 0) {
                /* overlap: start 7 bytes early and write the overlap with the same bytes */
                size_t back = g->off < 7 ? g->off : 7;
                packet(&n, 9, 40001, 7611, true, isn + 1 + (uint32_t)(g->off - back), ACK, s.b + g->off - back,
                       g->len + back, false);
            } else {
                packet(&n, 9, 40001, 7611, true, isn + 1 + (uint32_t)g->off, ACK, s.b + g->off, g->len, false);
            }
            if (mode == 2 && i % 3 == 0) /* retransmission */
                packet(&n, 9, 40001, 7611, true, isn + 1 + (uint32_t)g->off, ACK, s.b + g->off, g->len, false);
            /* platform reply in the other direction */
            if (i % 10 == 0) {
                buf rp = {.n = 0};
                frame(&rp, 0x8001, 9, (uint16_t)i, 0);
                packet(&n, 9, 40001, 7611, true, 5000 + (uint32_t)i * 100, ACK, rp.b, rp.n, true);
            }
        }
        net_close(&n);
        static rec r;
        memset(&r, 0, sizeof r);
        assert_int_equal(read_file(n.path, &r, 0, 0), 0);
        if (r.npos != 60 || r.nrej)
            fprintf(stderr, "mode %d: %zu positions %zu rejects %s\n", mode, r.npos, r.nrej, r.nrej ? r.rej[0].why : "");
        assert_int_equal(r.npos, 60);
        for (int i = 0; i < 60; i++)
            assert_int_equal(r.pos[i].lat, 30000000 + i);
        if (mode == 2 || mode == 3)
            assert_true(cnt(&r, "pcap.tcp.retransmitted_bytes") > 0);
        if (mode == 1)
            assert_true(cnt(&r, "pcap.tcp.out_of_order_segments") > 0);
        assert_true(cnt(&r, "jt808.skipped.0x8001") > 0);
        unlink(n.path);
    }
}

/* A capture that starts in the middle of a frame; a lost segment. */
static void test_mid_stream_and_loss(void **st)
{
    (void)st;
    for (int mode = 0; mode < 3; mode++) {
        static buf s;
        s.n = 0;
        size_t starts[64];
        stream(&s, 3, 50, starts);
        static segm sg[4096];
        size_t ns = cut(s.n, sg, 120, 99u);
        net n = {0};
        net_open(&n, DLT_EN10MB, "loss");
        uint32_t isn = 0x7FFFFFF0u;
        size_t first = 0, lost = (size_t)-1;
        if (mode == 0) {
            first = 1; /* no SYN, and the first segment is not captured */
            while (sg[first].off <= starts[0] || sg[first].off == starts[1] || sg[first].off == starts[2])
                first++;
        } else {
            packet(&n, 3, 40002, 7611, true, isn, SYN, NULL, 0, false);
            lost = ns / 2;
        }
        for (size_t i = first; i < ns; i++) {
            if (i == lost)
                continue;
            packet(&n, 3, 40002, 7611, true, isn + 1 + (uint32_t)sg[i].off, ACK, s.b + sg[i].off, sg[i].len, false);
        }
        if (mode != 2)
            packet(&n, 3, 40002, 7611, true, isn + 1 + (uint32_t)s.n, FIN | ACK, NULL, 0, false);
        net_close(&n);
        static rec r;
        memset(&r, 0, sizeof r);
        /* mode 2: no FIN, small buffer: the hole is declared before the end */
        assert_int_equal(read_file(n.path, &r, 0, mode == 2 ? 1500 : 0), 0);
        /* count the frames the missing bytes touch */
        size_t lo = mode == 0 ? 0 : sg[lost].off, hi = mode == 0 ? sg[first].off : sg[lost].off + sg[lost].len;
        int touched = 0;
        for (int i = 0; i < 50; i++) {
            size_t b = starts[i], e = i + 1 < 50 ? starts[i + 1] : s.n;
            if (b < hi && e > lo)
                touched++;
        }
        if ((int)r.npos != 50 - touched)
            fprintf(stderr, "mode %d: %zu positions, expected %d; %zu rejects: %s\n", mode, r.npos, 50 - touched,
                    r.nrej, r.nrej ? r.rej[0].why : "");
        assert_int_equal((int)r.npos, 50 - touched);
        assert_true(r.nrej >= 1);
        if (mode == 0)
            assert_true(has_reject(&r, "before the first frame flag"));
        else {
            assert_true(has_reject(&r, "lost TCP segment"));
            assert_int_equal(cnt(&r, "pcap.tcp.gaps"), 1);
            assert_int_equal(cnt(&r, "pcap.tcp.lost_bytes"), sg[lost].len);
        }
        /* whatever is decoded is right, in order */
        for (size_t i = 1; i < r.npos; i++)
            assert_true(r.pos[i].lat > r.pos[i - 1].lat);
        unlink(n.path);
    }
}

/* UDP datagrams, a port filter, two terminals interleaved, IP fragments,
 * port reuse, RST. */
static void test_udp_ports_and_more(void **st)
{
    (void)st;
    net n = {0};
    net_open(&n, DLT_EN10MB, "mix");
    /* UDP: terminal 11 on port 7612, one or two frames per datagram */
    for (int i = 0; i < 10; i++) {
        buf d = {.n = 0};
        frame(&d, 0x0200, 11, (uint16_t)i, 31000000u + (uint32_t)i);
        if (i % 2)
            frame(&d, 0x0200, 11, (uint16_t)i, 31000100u + (uint32_t)i);
        packet(&n, 11, 50000, 7612, false, 0, 0, d.b, d.n, false);
    }
    /* TCP: terminals 12 and 13 interleaved on 7611 */
    static buf s12, s13;
    s12.n = s13.n = 0;
    stream(&s12, 12, 20, NULL);
    stream(&s13, 13, 20, NULL);
    packet(&n, 12, 40012, 7611, true, 100, SYN, NULL, 0, false);
    packet(&n, 13, 40013, 7611, true, 200, SYN, NULL, 0, false);
    for (size_t off = 0; off < s12.n || off < s13.n; off += 64) {
        if (off < s12.n)
            packet(&n, 12, 40012, 7611, true, 101 + (uint32_t)off, ACK, s12.b + off, s12.n - off < 64 ? s12.n - off : 64, false);
        if (off < s13.n)
            packet(&n, 13, 40013, 7611, true, 201 + (uint32_t)off, ACK, s13.b + off, s13.n - off < 64 ? s13.n - off : 64, false);
    }
    /* terminal 13 closes, then its last segment comes again (late copy) */
    size_t last13 = (s13.n - 1) / 64 * 64;
    packet(&n, 13, 40013, 7611, true, 201 + (uint32_t)s13.n, FIN | ACK, NULL, 0, false);
    packet(&n, 13, 40013, 7611, true, 201 + (uint32_t)last13, ACK, s13.b + last13, s13.n - last13, false);
    /* terminal 14: a connection, then another on the same ports without a
     * captured SYN, its sequence numbers far away */
    buf t14 = {.n = 0}, u14 = {.n = 0};
    frame(&t14, 0x0200, 14, 1, 33000000u);
    frame(&u14, 0x0200, 14, 2, 33000001u);
    packet(&n, 14, 40014, 7611, true, 500, ACK, t14.b, t14.n, false);
    packet(&n, 14, 40014, 7611, true, 0x90000000u, ACK, u14.b, u14.n, false);
    /* terminal 12 resets; terminal 13 reconnects on the same port pair */
    packet(&n, 12, 40012, 7611, true, 101 + (uint32_t)s12.n, RST, NULL, 0, false);
    buf again = {.n = 0};
    frame(&again, 0x0200, 13, 99, 32000000u);
    packet(&n, 13, 40013, 7611, true, 9000, SYN, NULL, 0, false);
    packet(&n, 13, 40013, 7611, true, 9001, ACK | PSH, again.b, again.n, false);
    net_close(&n);

    static rec r;
    memset(&r, 0, sizeof r);
    assert_int_equal(read_file(n.path, &r, 0, 0), 0);
    assert_int_equal(r.nrej, 0);
    assert_int_equal(r.npos, 15 + 20 + 20 + 2 + 1);
    assert_int_equal(cnt(&r, "pcap.udp.datagrams"), 10);
    assert_int_equal(cnt(&r, "pcap.tcp.streams"), 5);
    assert_int_equal(cnt(&r, "pcap.tcp.sequence_jumps"), 1);
    memset(&r, 0, sizeof r);
    assert_int_equal(read_file(n.path, &r, 7612, 0), 0);
    assert_int_equal(r.npos, 15);
    assert_true(cnt(&r, "pcap.port_filtered") > 0);
    memset(&r, 0, sizeof r);
    assert_int_equal(read_file(n.path, &r, 7611, 0), 0);
    assert_int_equal(r.npos, 43);
    assert_int_equal(r.pos[42].lat, 32000000);
    unlink(n.path);

    /* IPv4 fragments are counted and skipped */
    net m = {0};
    net_open(&m, DLT_RAW, "frag");
    buf d = {.n = 0};
    frame(&d, 0x0200, 4, 1, 1);
    packet(&m, 4, 1, 7611, false, 0, 0, d.b, d.n, false);
    net_close(&m);
    /* patch the MF bit of the written packet: pcap header 24 + record 16 + IP offset 6 */
    FILE *f = fopen(m.path, "r+b");
    assert_non_null(f);
    fseek(f, 24 + 16 + 6, SEEK_SET);
    fputc(0x20, f);
    fclose(f);
    memset(&r, 0, sizeof r);
    assert_int_equal(read_file(m.path, &r, 0, 0), 0);
    assert_int_equal(r.npos, 0);
    assert_int_equal(cnt(&r, "pcap.ip_fragments"), 1);
    unlink(m.path);
}

/* ------------------------------------------------------------------ */
/* pcapng written by hand, in either byte order.                       */

typedef struct ngw {
    FILE *f;
    bool big;                /* the current section's byte order */
} ngw;

static void ng32(ngw *w, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    if (w->big) {
        uint8_t t = b[0]; b[0] = b[3]; b[3] = t;
        t = b[1]; b[1] = b[2]; b[2] = t;
    }
    fwrite(b, 1, 4, w->f);
}
static void ng16(ngw *w, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)(w->big ? v >> 8 : v), (uint8_t)(w->big ? v : v >> 8)};
    fwrite(b, 1, 2, w->f);
}
static void ng_pad(ngw *w, size_t n)
{
    for (size_t k = n; k % 4; k++)
        fputc(0, w->f);
}

/* A Section Header Block in the byte order `big`. */
static void ng_shb(ngw *w, bool big)
{
    w->big = big;
    ng32(w, 0x0A0D0D0A); ng32(w, 28); ng32(w, 0x1A2B3C4D); ng16(w, 1); ng16(w, 0);
    ng32(w, 0xFFFFFFFF); ng32(w, 0xFFFFFFFF); ng32(w, 28);
}
/* An Interface Description Block with an if_name option. */
static void ng_idb(ngw *w, uint16_t linktype, uint32_t snaplen)
{
    ng32(w, 1); ng32(w, 32); ng16(w, linktype); ng16(w, 0); ng32(w, snaplen);
    ng16(w, 2); ng16(w, 3); fwrite("if0", 1, 4, w->f); /* if_name "if0" and its padding */
    ng16(w, 0); ng16(w, 0);                             /* opt_endofopt */
    ng32(w, 32);
}
/* An Enhanced Packet Block with an opt_comment. */
static void ng_epb(ngw *w, uint32_t ifn, const uint8_t *d, uint32_t caplen)
{
    uint32_t padded = (caplen + 3) & ~3u, blen = 32 + padded + 12;
    ng32(w, 6); ng32(w, blen); ng32(w, ifn); ng32(w, 0); ng32(w, 0); ng32(w, caplen); ng32(w, caplen);
    fwrite(d, 1, caplen, w->f);
    ng_pad(w, caplen);
    ng16(w, 1); ng16(w, 2); fwrite("ok\0\0", 1, 4, w->f); /* opt_comment "ok" and its padding */
    ng16(w, 0); ng16(w, 0);                               /* opt_endofopt */
    ng32(w, blen);
}
/* A Simple Packet Block (interface 0). */
static void ng_spb(ngw *w, const uint8_t *d, uint32_t len)
{
    uint32_t padded = (len + 3) & ~3u, blen = 16 + padded;
    ng32(w, 3); ng32(w, blen); ng32(w, len);
    fwrite(d, 1, len, w->f);
    ng_pad(w, len);
    ng32(w, blen);
}
/* The obsolete Packet Block. */
static void ng_pb(ngw *w, uint16_t ifn, const uint8_t *d, uint32_t caplen)
{
    uint32_t padded = (caplen + 3) & ~3u, blen = 32 + padded;
    ng32(w, 2); ng32(w, blen); ng16(w, ifn); ng16(w, 0); ng32(w, 0); ng32(w, 0); ng32(w, caplen); ng32(w, caplen);
    fwrite(d, 1, caplen, w->f);
    ng_pad(w, caplen);
    ng32(w, blen);
}
/* Any other block (a Name Resolution Block, 4): skipped. */
static void ng_other(ngw *w)
{
    ng32(w, 4); ng32(w, 16); ng32(w, 0); ng32(w, 16);
}

/* The packets of a capture written by the builder, in memory. */
typedef struct pkts {
    uint8_t *d[512];
    uint32_t n[512];
    size_t count;
} pkts;

static void pkts_load(pkts *p, const char *path)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *in = pcap_open_offline(path, errbuf);
    assert_non_null(in);
    struct pcap_pkthdr *h;
    const u_char *data;
    p->count = 0;
    while (pcap_next_ex(in, &h, &data) == 1) {
        assert_true(p->count < 512);
        p->d[p->count] = malloc(h->caplen);
        memcpy(p->d[p->count], data, h->caplen);
        p->n[p->count++] = h->caplen;
    }
    pcap_close(in);
}

static void pkts_free(pkts *p)
{
    for (size_t i = 0; i < p->count; i++)
        free(p->d[i]);
    p->count = 0;
}

/* A capture of terminal `term` sending n positions over TCP (segments of
 * 100 bytes) on link type dlt. */
static void terminal_capture(pkts *out, int dlt, int term, int n, const char *tag)
{
    net c = {0};
    net_open(&c, dlt, tag);
    static buf s;
    s.n = 0;
    stream(&s, term, n, NULL);
    packet(&c, term, 40000 + (uint16_t)term, 7611, true, 1, SYN, NULL, 0, false);
    for (size_t off = 0; off < s.n; off += 100)
        packet(&c, term, 40000 + (uint16_t)term, 7611, true, 2 + (uint32_t)off, ACK, s.b + off,
               s.n - off < 100 ? s.n - off : 100, false);
    net_close(&c);
    pkts_load(out, c.path);
    unlink(c.path);
}

static size_t positions_of(const rec *r, const char *phone)
{
    size_t k = 0;
    for (size_t i = 0; i < r->npos; i++)
        k += strcmp(r->pos[i].phone, phone) == 0;
    return k;
}

static void test_pcapng_and_bad_files(void **st)
{
    (void)st;
    /* make Ethernet packets with the builder, then rewrap them */
    net n = {0};
    net_open(&n, DLT_EN10MB, "src");
    static buf s;
    s.n = 0;
    stream(&s, 21, 10, NULL);
    packet(&n, 21, 40021, 7611, true, 1, SYN, NULL, 0, false);
    for (size_t off = 0; off < s.n; off += 200)
        packet(&n, 21, 40021, 7611, true, 2 + (uint32_t)off, ACK, s.b + off, s.n - off < 200 ? s.n - off : 200, false);
    net_close(&n);
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *in = pcap_open_offline(n.path, errbuf);
    assert_non_null(in);
    char ng[160];
    snprintf(ng, sizeof ng, "/tmp/roadlog_test_pcapin_%d.pcapng", (int)getpid());
    ngw w = {fopen(ng, "wb"), false};
    assert_non_null(w.f);
    ng_shb(&w, false);
    ng_idb(&w, DLT_EN10MB, 262144);
    struct pcap_pkthdr *h;
    const u_char *data;
    while (pcap_next_ex(in, &h, &data) == 1)
        ng_epb(&w, 0, data, h->caplen);
    pcap_close(in);
    fclose(w.f);
    static rec r;
    memset(&r, 0, sizeof r);
    assert_int_equal(read_file(ng, &r, 0, 0), 0);
    assert_int_equal(r.npos, 10);
    assert_int_equal(r.nrej, 0);
    /* one link type: libpcap reads it all */
    assert_int_equal(cnt(&r, "pcap.pcapng_packets_read_without_libpcap"), 0);

    /* cut the pcapng in the middle of a block: earlier packets still count */
    FILE *g = fopen(ng, "r+b");
    fseek(g, 0, SEEK_END);
    long size = ftell(g);
    fclose(g);
    assert_int_equal(truncate(ng, size - 30), 0);
    memset(&r, 0, sizeof r);
    assert_int_equal(read_file(ng, &r, 0, 0), 0);
    assert_true(has_reject(&r, "cut short"));
    assert_true(r.npos >= 5);
    unlink(ng);
    unlink(n.path);

    /* not a capture at all */
    char junk[160];
    snprintf(junk, sizeof junk, "/tmp/roadlog_test_pcapin_%d.junk", (int)getpid());
    FILE *f = fopen(junk, "wb");
    fputs("plate,time\nA,1\n", f);
    fclose(f);
    memset(&r, 0, sizeof r);
    assert_int_equal(read_file(junk, &r, 0, 0), -1);
    assert_int_equal(r.nrej, 1);
    assert_true(has_reject(&r, "not a readable pcap"));
    unlink(junk);

    /* unsupported link type */
    net u = {0};
    net_open(&u, DLT_IEEE802_11, "wifi");
    net_close(&u);
    memset(&r, 0, sizeof r);
    assert_int_equal(read_file(u.path, &r, 0, 0), -1);
    assert_true(has_reject(&r, "not supported"));
    unlink(u.path);
}

/* More streams open than allowed: the oldest is finished early, and its
 * later bytes restart as a mid-stream capture; nothing crashes, every
 * frame that stays whole is decoded. */
static void test_stream_limit(void **st)
{
    (void)st;
    net n = {0};
    net_open(&n, DLT_EN10MB, "limit");
    static buf s[6];
    for (int t = 0; t < 6; t++) {
        s[t].n = 0;
        stream(&s[t], 30 + t, 10, NULL);
        packet(&n, 30 + t, (uint16_t)(41000 + t), 7611, true, 10, SYN, NULL, 0, false);
    }
    /* each terminal sends its first half, then all send their second half */
    for (int half = 0; half < 2; half++)
        for (int t = 0; t < 6; t++) {
            size_t mid = s[t].n / 2 + 7, a = half ? mid : 0, b = half ? s[t].n : mid;
            packet(&n, 30 + t, (uint16_t)(41000 + t), 7611, true, 11 + (uint32_t)a, ACK, s[t].b + a, b - a, false);
        }
    net_close(&n);
    static rec r;
    memset(&r, 0, sizeof r);
    g_max_open = 4;
    assert_int_equal(read_file(n.path, &r, 0, 0), 0);
    g_max_open = 0;
    assert_true(cnt(&r, "pcap.tcp.streams_evicted") >= 2);
    if (!(r.npos >= 6 * 8 && r.npos < 60))
        fprintf(stderr, "limit: %zu positions, %zu rejects\n", r.npos, r.nrej);
    assert_true(r.npos >= 6 * 8 && r.npos < 60);
    memset(&r, 0, sizeof r);
    assert_int_equal(read_file(n.path, &r, 0, 0), 0);
    assert_int_equal(r.npos, 60);
    assert_int_equal(cnt(&r, "pcap.tcp.streams_evicted"), 0);
    unlink(n.path);
}

/* Random packets: no crash, whatever they claim. */
static void test_fuzz_packets(void **st)
{
    (void)st;
    static const int dlts[] = {DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_NULL, DLT_IPV6};
    unsigned seed = 12345;
    for (size_t t = 0; t < sizeof dlts / sizeof dlts[0]; t++) {
        net n = {0};
        net_open(&n, dlts[t], "fuzz");
        /* valid packets, then mangled copies */
        static buf s;
        s.n = 0;
        stream(&s, 8, 20, NULL);
        n.v6 = dlts[t] == DLT_IPV6;
        for (size_t off = 0; off < s.n; off += 100)
            packet(&n, 8, 1234, 7611, (off / 100) % 3 != 0, 5 + (uint32_t)off, ACK, s.b + off,
                   s.n - off < 100 ? s.n - off : 100, false);
        net_close(&n);
        char errbuf[PCAP_ERRBUF_SIZE];
        pcap_t *in = pcap_open_offline(n.path, errbuf);
        assert_non_null(in);
        char out[200];
        snprintf(out, sizeof out, "%s.mangled", n.path);
        pcap_t *dead = pcap_open_dead(dlts[t], 262144);
        pcap_dumper_t *d = pcap_dump_open(dead, out);
        struct pcap_pkthdr *h;
        const u_char *data;
        static uint8_t pk[70000];
        while (pcap_next_ex(in, &h, &data) == 1) {
            for (int rep = 0; rep < 30; rep++) {
                memcpy(pk, data, h->caplen);
                struct pcap_pkthdr hh = *h;
                for (int k = 0; k < 4; k++) {
                    seed = seed * 1103515245u + 12345u;
                    pk[(seed >> 8) % h->caplen] = (uint8_t)(seed >> 16);
                }
                seed = seed * 1103515245u + 12345u;
                hh.caplen = (seed >> 8) % (h->caplen + 1);
                hh.len = hh.caplen + (seed >> 20) % 3;
                pcap_dump((u_char *)d, &hh, pk);
            }
        }
        pcap_close(in);
        pcap_dump_close(d);
        pcap_close(dead);
        static rec r;
        memset(&r, 0, sizeof r);
        assert_int_equal(read_file(out, &r, 0, 2000), 0);
        assert_true(cnt(&r, "pcap.packets") > 0);
        unlink(out);
        unlink(n.path);
    }
}


/* ------------------------------------------------------------------ */
/* pcapng whose interfaces have different link types (issue 11).       */

static const char *ng_path(const char *tag)
{
    static char p[160];
    snprintf(p, sizeof p, "/tmp/roadlog_test_pcapin_%d_%s.pcapng", (int)getpid(), tag);
    return p;
}

/* dumpcap on two interfaces, or mergecap of an Ethernet and a Linux
 * cooked capture: libpcap refuses the file at its second interface; every
 * position must come out all the same, each packet read with its own
 * interface's link type. */
static void test_pcapng_two_link_types(void **st)
{
    (void)st;
    static pkts eth, sll, sll2;
    terminal_capture(&eth, DLT_EN10MB, 31, 60, "ng_eth");
    terminal_capture(&sll, DLT_LINUX_SLL, 32, 50, "ng_sll");
    terminal_capture(&sll2, DLT_LINUX_SLL2, 33, 40, "ng_sll2");
    const char *path = ng_path("two");
    ngw w = {fopen(path, "wb"), false};
    assert_non_null(w.f);
    ng_shb(&w, false);
    ng_idb(&w, 1, 262144);   /* LINKTYPE_ETHERNET */
    ng_idb(&w, 113, 65535);  /* LINKTYPE_LINUX_SLL, another snap length too */
    ng_other(&w);
    /* interleaved as a merge writes them */
    size_t total = 0;
    for (size_t i = 0; i < eth.count || i < sll.count; i++) {
        if (i < eth.count)
            ng_epb(&w, 0, eth.d[i], eth.n[i]), total++;
        if (i < sll.count)
            ng_epb(&w, 1, sll.d[i], sll.n[i]), total++;
    }
    /* a third interface described after packets: SLL2 */
    ng_idb(&w, 276, 262144);
    for (size_t i = 0; i < sll2.count; i++)
        ng_epb(&w, 2, sll2.d[i], sll2.n[i]), total++;
    fclose(w.f);

    /* libpcap alone: refused at the second interface */
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *lp = pcap_open_offline(path, errbuf);
    assert_non_null(lp);
    struct pcap_pkthdr *h;
    const u_char *data;
    assert_int_equal(pcap_next_ex(lp, &h, &data), -1);
    assert_non_null(strstr(pcap_geterr(lp), "different from the type of the first interface"));
    pcap_close(lp);

    static rec r;
    memset(&r, 0, sizeof r);
    assert_int_equal(read_file(path, &r, 0, 0), 0);
    assert_int_equal(r.nrej, 0);
    assert_int_equal(positions_of(&r, "13800000031"), 60);
    assert_int_equal(positions_of(&r, "13800000032"), 50);
    assert_int_equal(positions_of(&r, "13800000033"), 40);
    assert_int_equal(r.npos, 150);
    assert_int_equal(cnt(&r, "pcap.packets"), total);
    assert_int_equal(cnt(&r, "pcap.pcapng_packets_read_without_libpcap"), total);
    /* origins: packet numbers of the file, in order within a terminal */
    for (size_t i = 0; i < r.npos; i++) {
        assert_true(r.pos[i].pkt >= 1 && r.pos[i].pkt <= total);
        for (size_t j = i + 1; j < r.npos; j++)
            if (strcmp(r.pos[i].phone, r.pos[j].phone) == 0)
                assert_true(r.pos[j].pkt >= r.pos[i].pkt);
    }
    unlink(path);
    pkts_free(&eth);
    pkts_free(&sll);
    pkts_free(&sll2);
}

/* Several sections, in both byte orders, with Simple and (obsolete)
 * Packet Blocks: libpcap reads the first section, this reader the rest. */
static void test_pcapng_sections_and_byte_orders(void **st)
{
    (void)st;
    static pkts eth, sll, raw;
    terminal_capture(&eth, DLT_EN10MB, 41, 30, "sec_eth");
    terminal_capture(&sll, DLT_LINUX_SLL, 42, 30, "sec_sll");
    terminal_capture(&raw, DLT_RAW, 43, 30, "sec_raw");
    const char *path = ng_path("sections");
    ngw w = {fopen(path, "wb"), false};
    ng_shb(&w, false);
    ng_idb(&w, 1, 262144);
    for (size_t i = 0; i < eth.count; i++)
        ng_epb(&w, 0, eth.d[i], eth.n[i]);
    /* a big-endian section: its own interfaces, numbered from 0 again */
    ng_shb(&w, true);
    ng_idb(&w, 113, 262144);
    ng_idb(&w, 101, 262144); /* LINKTYPE_RAW */
    for (size_t i = 0; i < sll.count; i++) {
        if (i % 3 == 0)
            ng_spb(&w, sll.d[i], sll.n[i]);
        else if (i % 3 == 1)
            ng_pb(&w, 0, sll.d[i], sll.n[i]);
        else
            ng_epb(&w, 0, sll.d[i], sll.n[i]);
    }
    for (size_t i = 0; i < raw.count; i++)
        ng_epb(&w, 1, raw.d[i], raw.n[i]);
    /* and little-endian again */
    ng_shb(&w, false);
    ng_idb(&w, 1, 262144);
    ng_epb(&w, 0, eth.d[1], eth.n[1]); /* a retransmission: nothing new */
    fclose(w.f);
    static rec r;
    memset(&r, 0, sizeof r);
    assert_int_equal(read_file(path, &r, 0, 0), 0);
    if (r.nrej)
        fprintf(stderr, "%s\n", r.rej[0].why);
    assert_int_equal(r.nrej, 0);
    assert_int_equal(positions_of(&r, "13800000041"), 30);
    assert_int_equal(positions_of(&r, "13800000042"), 30);
    assert_int_equal(positions_of(&r, "13800000043"), 30);
    /* the first section was libpcap's */
    assert_int_equal(cnt(&r, "pcap.pcapng_packets_read_without_libpcap"), sll.count + raw.count + 1);
    unlink(path);
    pkts_free(&eth);
    pkts_free(&sll);
    pkts_free(&raw);
}

/* An interface of a link type roadlog does not decode: its packets are
 * skipped, counted and said once; the others read.  A file of nothing
 * else is refused as libpcap's are. */
static void test_pcapng_unsupported_interface(void **st)
{
    (void)st;
    static pkts eth;
    terminal_capture(&eth, DLT_EN10MB, 51, 20, "uns_eth");
    const char *path = ng_path("unsupported");
    for (int first_unsupported = 0; first_unsupported < 2; first_unsupported++) {
        ngw w = {fopen(path, "wb"), false};
        ng_shb(&w, false);
        ng_idb(&w, first_unsupported ? 147 : 1, 262144); /* 147: LINKTYPE_USER0 */
        ng_idb(&w, first_unsupported ? 1 : 147, 262144);
        uint32_t eth_if = first_unsupported ? 1 : 0, user_if = 1 - eth_if;
        for (size_t i = 0; i < eth.count; i++) {
            ng_epb(&w, eth_if, eth.d[i], eth.n[i]);
            ng_epb(&w, user_if, (const uint8_t *)"\x7e\x02\x00\x00", 4);
        }
        fclose(w.f);
        static rec r;
        memset(&r, 0, sizeof r);
        assert_int_equal(read_file(path, &r, 0, 0), 0);
        assert_int_equal(positions_of(&r, "13800000051"), 20);
        assert_int_equal(cnt(&r, "pcap.unsupported_link_packets"), eth.count);
        assert_int_equal(r.nrej, 1);
        assert_non_null(strstr(r.rej[0].why, "packets of link type 147"));
        assert_non_null(strstr(r.rej[0].why, "skipped"));
        assert_int_equal(r.rej[0].pkt, 2); /* its first packet */
    }
    /* nothing decodable at all: refused */
    ngw w = {fopen(path, "wb"), false};
    ng_shb(&w, false);
    ng_idb(&w, 147, 262144);
    ng_epb(&w, 0, (const uint8_t *)"abcd", 4);
    fclose(w.f);
    static rec r;
    memset(&r, 0, sizeof r);
    assert_int_equal(read_file(path, &r, 0, 0), -1);
    assert_int_equal(r.nrej, 1);
    assert_true(has_reject(&r, "link type 147"));
    assert_true(has_reject(&r, "not supported"));
    unlink(path);
    pkts_free(&eth);
}

/* Hostile blocks after the hand-over: each stops the reading with the
 * reason, libpcap's way ("capture cut short after packet N"), the
 * positions before it kept, nothing read past a buffer or allocated by a
 * lying length. */
static void test_pcapng_hostile_blocks(void **st)
{
    (void)st;
    static pkts eth, sll;
    terminal_capture(&eth, DLT_EN10MB, 61, 10, "h_eth");
    terminal_capture(&sll, DLT_LINUX_SLL, 62, 10, "h_sll");
    const char *path = ng_path("hostile");
    static const struct {
        const char *what;
        uint32_t words[12];
        size_t nwords;
    } bad[] = {
        {"a length of 2147483644", {6, 0x7FFFFFFC, 0, 0, 0, 0, 0}, 7},
        {"not a multiple of 4", {6, 33, 0, 0, 0, 0, 0, 0, 0}, 9},
        {"< 12", {4, 8, 8}, 3},
        {"too short for its type", {6, 28, 0, 0, 0, 0, 28}, 7},
        {"interface 9", {6, 32, 9, 0, 0, 0, 0, 32}, 8},
        {"bigger than the snap length of 65535", {6, 32 + 65536 + 4, 1, 0, 0, 65536 + 4, 65536 + 4}, 7},
        {"too short for its 64 captured", {6, 36, 1, 0, 0, 64, 64, 0, 36}, 9},
        {"header 32 and trailer 36", {6, 32, 1, 0, 0, 0, 0, 36}, 8},
        {"byte-order magic", {0x0A0D0D0A, 28, 0x11223344, 1, 0, 0, 28}, 7},
        {"cut short", {6, 64, 1, 0, 0}, 5},
    };
    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
        ngw w = {fopen(path, "wb"), false};
        ng_shb(&w, false);
        ng_idb(&w, 1, 262144);
        ng_idb(&w, 113, 65535);
        for (size_t i = 0; i < eth.count; i++)
            ng_epb(&w, 0, eth.d[i], eth.n[i]);
        for (size_t i = 0; i < bad[b].nwords; i++)
            ng32(&w, bad[b].words[i]);
        /* what follows the bad block is not read (the cut file ends in it) */
        if (strcmp(bad[b].what, "cut short") != 0)
            for (size_t i = 0; i < sll.count; i++)
                ng_epb(&w, 1, sll.d[i], sll.n[i]);
        fclose(w.f);
        static rec r;
        memset(&r, 0, sizeof r);
        assert_int_equal(read_file(path, &r, 0, 0), 0);
        if (r.nrej != 1 || !strstr(r.rej[0].why, bad[b].what))
            fail_msg("%s: %zu rejects: %s", bad[b].what, r.nrej, r.nrej ? r.rej[0].why : "");
        char want[64];
        snprintf(want, sizeof want, "capture cut short after packet %zu: ", eth.count);
        if (!strstr(r.rej[0].why, want))
            fail_msg("%s: '%s' lacks '%s'", bad[b].what, r.rej[0].why, want);
        assert_int_equal(r.rej[0].pkt, eth.count + 1);
        assert_int_equal(positions_of(&r, "13800000061"), 10);
        assert_int_equal(positions_of(&r, "13800000062"), 0);
    }
    unlink(path);
    pkts_free(&eth);
    pkts_free(&sll);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_link_types),
        cmocka_unit_test(test_reassembly),
        cmocka_unit_test(test_mid_stream_and_loss),
        cmocka_unit_test(test_udp_ports_and_more),
        cmocka_unit_test(test_pcapng_and_bad_files),
        cmocka_unit_test(test_pcapng_two_link_types),
        cmocka_unit_test(test_pcapng_sections_and_byte_orders),
        cmocka_unit_test(test_pcapng_unsupported_interface),
        cmocka_unit_test(test_pcapng_hostile_blocks),
        cmocka_unit_test(test_stream_limit),
        cmocka_unit_test(test_fuzz_packets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
