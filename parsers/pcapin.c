/*
 * pcapin.c - captures -> link layer -> IP -> TCP reassembly / UDP ->
 * jt808 decoders (see pcapin.h for the contract and the choices).
 *
 * Header parsing uses the same checked-cursor idea as jt808.c: a `pkt`
 * view with an end, and every field read through need()/be16()/be32()
 * after a length check, so a short or lying packet is counted and skipped,
 * never read past.
 */
#include "pcapin.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "pcapng.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif

enum {
    P_PACKETS, P_NON_IP, P_FRAGMENTS, P_NOT_TCP_UDP, P_PORT_FILTERED, P_BAD_HEADERS, P_SNAPPED,
    P_STREAMS, P_RETRANS_BYTES, P_OOO_SEGMENTS, P_GAPS, P_LOST_BYTES, P_UDP, P_EVICTED, P_UNTRACKED, P_SEQ_JUMPS,
    P_UNSUPPORTED_LINK, P_NG_OWN, P_N
};

static const char *const pcnt_name[P_N] = {
    [P_PACKETS] = "pcap.packets",
    [P_NON_IP] = "pcap.non_ip",
    [P_FRAGMENTS] = "pcap.ip_fragments",
    [P_NOT_TCP_UDP] = "pcap.not_tcp_udp",
    [P_PORT_FILTERED] = "pcap.port_filtered",
    [P_BAD_HEADERS] = "pcap.bad_headers",
    [P_SNAPPED] = "pcap.snapped_packets",
    [P_STREAMS] = "pcap.tcp.streams",
    [P_RETRANS_BYTES] = "pcap.tcp.retransmitted_bytes",
    [P_OOO_SEGMENTS] = "pcap.tcp.out_of_order_segments",
    [P_GAPS] = "pcap.tcp.gaps",
    [P_LOST_BYTES] = "pcap.tcp.lost_bytes",
    [P_UDP] = "pcap.udp.datagrams",
    [P_EVICTED] = "pcap.tcp.streams_evicted",
    [P_UNTRACKED] = "pcap.tcp.untracked_packets",
    [P_SEQ_JUMPS] = "pcap.tcp.sequence_jumps",
    [P_UNSUPPORTED_LINK] = "pcap.unsupported_link_packets",
    [P_NG_OWN] = "pcap.pcapng_packets_read_without_libpcap",
};

/* ------------------------------------------------------------------ */
/* Flows: one per TCP direction (address family, addresses, ports).    */

#define KEYLEN 40

typedef struct seg {
    struct seg *next;
    uint32_t seq, len;
    uint64_t pkt;
    uint8_t data[];
} seg;

typedef struct flow {
    struct flow *hnext;       /* hash chain */
    struct flow *onext;       /* creation order, for the final flush */
    uint8_t key[KEYLEN];
    uint64_t hash;
    bool have_seq, closed, fin_seen;
    uint32_t next_seq, fin_seq;
    jt808_dec *dec;
    seg *ooo;                 /* waiting segments, sorted by seq */
    size_t ooo_bytes;
} flow;

/* Safety limits against hostile captures (each far above a real
 * platform's traffic): open decoders (about 2 KiB each; pcapin_opts can
 * lower it) and flow records. */
#define MAX_OPEN_STREAMS 200000
#define MAX_FLOWS 2000000

typedef struct pin {
    const rl_sink *sink;
    jt808_session *session;
    unsigned file;
    unsigned port;
    size_t stream_max, total_max;
    flow **bucket;
    size_t nbucket, nflow;
    flow *first, *last, *hit;
    flow *evict;              /* where the search for the oldest open stream resumes */
    size_t open_streams, max_open;
    size_t total_ooo;
    jt808_dec *udp;
    bool stopped;
    uint64_t cnt[P_N];
    /* pcapng read without libpcap: link types it does not decode, with the
     * first packet and the count of each (said once each, at the end) */
    struct {
        int linktype;
        uint64_t first, n;
    } skipped[16];
    size_t nskipped;
    uint64_t own_supported;   /* packets of a link type decoded */
} pin;

static uint64_t key_hash(const uint8_t *k)
{
    uint64_t h = 1469598103934665603ull;
    for (int i = 0; i < KEYLEN; i++) {
        h ^= k[i];
        h *= 1099511628211ull;
    }
    return h ^ (h >> 29);
}

static bool grow(pin *P)
{
    size_t nb = P->nbucket ? P->nbucket * 2 : 1024;
    flow **b = calloc(nb, sizeof *b);
    if (!b)
        return false;
    for (flow *f = P->first; f; f = f->onext) {
        size_t i = f->hash & (nb - 1);
        f->hnext = b[i];
        b[i] = f;
    }
    free(P->bucket);
    P->bucket = b;
    P->nbucket = nb;
    return true;
}

static void rehash(pin *P)
{
    memset(P->bucket, 0, P->nbucket * sizeof *P->bucket);
    for (flow *f = P->first; f; f = f->onext) {
        size_t i = f->hash & (P->nbucket - 1);
        f->hnext = P->bucket[i];
        P->bucket[i] = f;
    }
}

/* Too many flow records: drop those of finished connections (a late
 * packet of one starts a new record, decoded as a mid-stream start). */
static bool forget_closed(pin *P)
{
    flow **pp = &P->first;
    P->last = NULL;
    while (*pp) {
        flow *f = *pp;
        if (f->closed && !f->dec && !f->ooo) {
            *pp = f->onext;
            free(f);
            P->nflow--;
        } else {
            P->last = f;
            pp = &f->onext;
        }
    }
    P->hit = NULL;
    P->evict = NULL;
    rehash(P);
    return P->nflow < MAX_FLOWS;
}

static flow *flow_get(pin *P, const uint8_t *key)
{
    if (P->hit && memcmp(P->hit->key, key, KEYLEN) == 0)
        return P->hit;
    uint64_t h = key_hash(key);
    if (P->nbucket) {
        for (flow *f = P->bucket[h & (P->nbucket - 1)]; f; f = f->hnext)
            if (f->hash == h && memcmp(f->key, key, KEYLEN) == 0)
                return P->hit = f;
    }
    if (P->nflow >= MAX_FLOWS && !forget_closed(P))
        return NULL;
    if (P->nflow + 1 > P->nbucket && !grow(P))
        return NULL;
    flow *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    memcpy(f->key, key, KEYLEN);
    f->hash = h;
    size_t i = h & (P->nbucket - 1);
    f->hnext = P->bucket[i];
    P->bucket[i] = f;
    if (P->last)
        P->last->onext = f;
    else
        P->first = f;
    P->last = f;
    P->nflow++;
    return P->hit = f;
}

/* ------------------------------------------------------------------ */
/* TCP reassembly.                                                     */

static inline int32_t seq_diff(uint32_t a, uint32_t b) { return (int32_t)(a - b); }

static void flow_close(pin *P, flow *f);

/* Too many streams open at once: finish the oldest one (its partial frame
 * is rejected as cut; later packets of it restart as mid-stream). */
static void evict_oldest(pin *P, flow *keep)
{
    for (int pass = 0; pass < 2; pass++) {
        flow *f = pass == 0 && P->evict ? P->evict : P->first;
        for (; f; f = f->onext) {
            if (f->dec && f != keep) {
                P->evict = f->onext;
                P->cnt[P_EVICTED]++;
                flow_close(P, f);
                return;
            }
        }
    }
}

static void feed(pin *P, flow *f, const uint8_t *p, size_t n, uint64_t pkt)
{
    if (P->stopped || !n)
        return;
    if (!f->dec) {
        if (P->open_streams >= P->max_open)
            evict_oldest(P, f);
        f->dec = jt808_new(P->session, P->sink, P->file, RL_LOC_PACKET);
        if (!f->dec)
            return;
        P->open_streams++;
        P->cnt[P_STREAMS]++;
    }
    if (!jt808_feed(f->dec, p, n, pkt))
        P->stopped = true;
}

static void free_seg(pin *P, flow *f, seg *s)
{
    f->ooo_bytes -= s->len;
    P->total_ooo -= s->len;
    free(s);
}

/* Deliver waiting segments that now continue the stream. */
static void drain(pin *P, flow *f)
{
    while (f->ooo && seq_diff(f->ooo->seq, f->next_seq) <= 0 && !P->stopped) {
        seg *s = f->ooo;
        f->ooo = s->next;
        uint32_t old = (uint32_t)-seq_diff(s->seq, f->next_seq);
        if (old < s->len) {
            P->cnt[P_RETRANS_BYTES] += old;
            feed(P, f, s->data + old, s->len - old, s->pkt);
            f->next_seq += s->len - old;
        } else {
            P->cnt[P_RETRANS_BYTES] += s->len;
        }
        free_seg(P, f, s);
    }
}

/* The bytes up to the first waiting segment will not come: say so to the
 * decoder (it drops the frame they cut) and go on from that segment. */
static void skip_hole(pin *P, flow *f)
{
    if (!f->ooo)
        return;
    P->cnt[P_GAPS]++;
    P->cnt[P_LOST_BYTES] += (uint32_t)seq_diff(f->ooo->seq, f->next_seq);
    if (f->dec && !P->stopped && !jt808_break(f->dec, "lost TCP segment"))
        P->stopped = true;
    f->next_seq = f->ooo->seq;
    drain(P, f);
}

/* End of a direction: deliver what waits (across holes), then finish. */
static void flow_close(pin *P, flow *f)
{
    while (f->ooo && !P->stopped)
        skip_hole(P, f);
    while (f->ooo) {
        seg *s = f->ooo;
        f->ooo = s->next;
        free_seg(P, f, s);
    }
    if (f->dec) {
        /* After a --strict stop nothing more goes to the sink. */
        if (!P->stopped && !jt808_finish(f->dec))
            P->stopped = true;
        jt808_free(f->dec);
        f->dec = NULL;
        P->open_streams--;
    }
    f->closed = true;
}

static void queue(pin *P, flow *f, uint32_t seq, const uint8_t *p, size_t n, uint64_t pkt)
{
    seg **at = &f->ooo;
    while (*at && seq_diff((*at)->seq, seq) < 0)
        at = &(*at)->next;
    if (*at && (*at)->seq == seq && (*at)->len >= n) {
        P->cnt[P_RETRANS_BYTES] += n; /* a copy of a waiting segment */
        return;
    }
    seg *s = malloc(sizeof *s + n);
    if (!s)
        return;
    s->seq = seq;
    s->len = (uint32_t)n;
    s->pkt = pkt;
    memcpy(s->data, p, n);
    s->next = *at;
    *at = s;
    f->ooo_bytes += n;
    P->total_ooo += n;
    P->cnt[P_OOO_SEGMENTS]++;
    /* Bounded memory: past the limits the hole is declared lost. */
    while (f->ooo && (f->ooo_bytes > P->stream_max || P->total_ooo > P->total_max) && !P->stopped)
        skip_hole(P, f);
}

/* A jump this far from the expected sequence number is not a
 * retransmission or reordering (JT/T 808 terminals send little): the port
 * pair carries a new connection whose SYN was not captured. */
#define SEQ_JUMP (1 << 24)

static void tcp_data(pin *P, flow *f, uint32_t seq, const uint8_t *p, size_t n, uint64_t pkt)
{
    int32_t d = seq_diff(seq, f->next_seq);
    if (d > SEQ_JUMP || d < -SEQ_JUMP) {
        P->cnt[P_SEQ_JUMPS]++;
        flow_close(P, f);
        f->closed = false;
        f->fin_seen = false;
        f->next_seq = seq;
        d = 0;
    }
    if (d < 0) {
        uint32_t old = (uint32_t)-d;
        if (old >= n) {
            P->cnt[P_RETRANS_BYTES] += n;
            return;
        }
        P->cnt[P_RETRANS_BYTES] += old; /* overlap: keep only the new tail */
        p += old;
        n -= old;
        seq = f->next_seq;
        d = 0;
    }
    if (d > 0) {
        queue(P, f, seq, p, n, pkt);
        return;
    }
    feed(P, f, p, n, pkt);
    f->next_seq += (uint32_t)n;
    drain(P, f);
}

static void tcp_segment(pin *P, const uint8_t *key, uint32_t seq, uint8_t flags, const uint8_t *p, size_t n,
                        size_t wire_n, uint64_t pkt)
{
    enum { FIN = 1, SYN = 2, RST = 4 };
    flow *f = flow_get(P, key);
    if (!f) {
        P->cnt[P_UNTRACKED]++;
        return;
    }
    uint32_t data_seq = seq;
    if (flags & SYN) {
        data_seq = seq + 1;
        bool same = f->have_seq && !f->closed && f->next_seq == seq + 1;
        if (!same) {
            if (f->have_seq && !f->closed)
                flow_close(P, f); /* the port pair is reused by a new connection */
            f->closed = false;
            f->fin_seen = false;
            f->have_seq = true;
            f->next_seq = seq + 1;
        }
    }
    if (wire_n && f->closed && !(flags & (SYN | RST))) {
        if (f->have_seq && seq_diff(data_seq + (uint32_t)wire_n, f->next_seq) <= 0 &&
            seq_diff(data_seq, f->next_seq) > -SEQ_JUMP) {
            P->cnt[P_RETRANS_BYTES] += wire_n; /* a late copy of what was delivered */
            return;
        }
        /* New data after the end: a connection whose SYN was not captured. */
        f->closed = false;
        f->fin_seen = false;
        f->have_seq = false;
    }
    if (wire_n && !f->closed && !(flags & RST)) {
        if (!f->have_seq) { /* capture starts mid-stream */
            f->have_seq = true;
            f->next_seq = data_seq;
        }
        if (n < wire_n) {
            /* Cut by the snap length: what is missing counts as lost. */
            P->cnt[P_SNAPPED]++;
            if (seq_diff(data_seq, f->next_seq) <= 0 &&
                seq_diff(data_seq + (uint32_t)wire_n, f->next_seq) > 0) {
                P->cnt[P_GAPS]++;
                P->cnt[P_LOST_BYTES] += (uint32_t)seq_diff(data_seq + (uint32_t)wire_n, f->next_seq);
                if (f->dec && !jt808_break(f->dec, "packet cut by the capture's snap length"))
                    P->stopped = true;
                f->next_seq = data_seq + (uint32_t)wire_n;
                drain(P, f);
            }
        } else {
            tcp_data(P, f, data_seq, p, n, pkt);
        }
    }
    if ((flags & FIN) && !f->closed) {
        f->fin_seen = true;
        f->fin_seq = data_seq + (uint32_t)wire_n;
    }
    if (flags & RST) {
        if (!f->closed)
            flow_close(P, f);
    } else if (f->fin_seen && !f->closed && f->have_seq && seq_diff(f->next_seq, f->fin_seq) >= 0) {
        flow_close(P, f);
    }
}

/* ------------------------------------------------------------------ */
/* Link layer, IP, transport.                                          */

static inline uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Transport layer: p..end is the IP payload as captured, wire_len its
 * length on the wire (larger when the snap length cut the packet). */
static void transport(pin *P, int proto, const uint8_t *src, const uint8_t *dst, int alen, const uint8_t *p,
                      size_t caplen, size_t wire_len, uint64_t pkt)
{
    if (proto != 6 && proto != 17) {
        P->cnt[P_NOT_TCP_UDP]++;
        return;
    }
    size_t hl = proto == 6 ? 20 : 8;
    if (caplen < hl) {
        P->cnt[caplen < wire_len ? P_SNAPPED : P_BAD_HEADERS]++;
        return;
    }
    uint16_t sport = be16(p), dport = be16(p + 2);
    if (P->port && sport != P->port && dport != P->port) {
        P->cnt[P_PORT_FILTERED]++;
        return;
    }
    if (proto == 17) {
        size_t ulen = be16(p + 4);
        if (ulen < 8 || ulen > wire_len) {
            P->cnt[P_BAD_HEADERS]++;
            return;
        }
        P->cnt[P_UDP]++;
        if (caplen < ulen) {
            P->cnt[P_SNAPPED]++;
            return;
        }
        if (!P->udp && !(P->udp = jt808_new(P->session, P->sink, P->file, RL_LOC_PACKET)))
            return;
        /* A datagram is a unit: a frame cannot continue in the next one. */
        if (!jt808_feed(P->udp, p + 8, ulen - 8, pkt) ||
            !jt808_break(P->udp, "UDP datagram ends inside a frame"))
            P->stopped = true;
        return;
    }
    size_t doff = (size_t)(p[12] >> 4) * 4;
    if (doff < 20 || doff > wire_len) {
        P->cnt[P_BAD_HEADERS]++;
        return;
    }
    if (caplen < doff) {
        P->cnt[P_SNAPPED]++;
        return;
    }
    uint8_t key[KEYLEN];
    memset(key, 0, sizeof key);
    key[0] = (uint8_t)alen;
    memcpy(key + 1, src, (size_t)alen);
    memcpy(key + 17, dst, (size_t)alen);
    memcpy(key + 33, p, 4); /* both ports */
    tcp_segment(P, key, be32(p + 4), p[13], p + doff, caplen - doff, wire_len - doff, pkt);
}

static void ipv4(pin *P, const uint8_t *p, size_t caplen, uint64_t pkt)
{
    if (caplen < 20 || (p[0] >> 4) != 4) {
        P->cnt[P_BAD_HEADERS]++;
        return;
    }
    size_t ihl = (size_t)(p[0] & 15) * 4; /* options included */
    size_t total = be16(p + 2);
    if (ihl < 20 || total < ihl || caplen < ihl) {
        P->cnt[P_BAD_HEADERS]++;
        return;
    }
    uint16_t frag = be16(p + 6);
    if (frag & 0x3FFF) { /* MF set or offset > 0 */
        P->cnt[P_FRAGMENTS]++;
        return;
    }
    size_t have = caplen < total ? caplen : total; /* drop Ethernet padding */
    transport(P, p[9], p + 12, p + 16, 4, p + ihl, have - ihl, total - ihl, pkt);
}

static void ipv6(pin *P, const uint8_t *p, size_t caplen, uint64_t pkt)
{
    if (caplen < 40 || (p[0] >> 4) != 6) {
        P->cnt[P_BAD_HEADERS]++;
        return;
    }
    size_t plen = be16(p + 4);
    size_t wire = plen ? plen : caplen - 40; /* 0: jumbogram, take what is there */
    size_t have = caplen - 40 < wire ? caplen - 40 : wire;
    const uint8_t *q = p + 40;
    int nh = p[6];
    /* Extension headers (RFC 8200 section 4). */
    for (;;) {
        size_t hl;
        if (nh == 0 || nh == 43 || nh == 60 || nh == 135 || nh == 139 || nh == 140) {
            if (have < 8) {
                P->cnt[P_BAD_HEADERS]++;
                return;
            }
            hl = ((size_t)q[1] + 1) * 8;
        } else if (nh == 44) {
            if (have < 8) {
                P->cnt[P_BAD_HEADERS]++;
                return;
            }
            if (be16(q + 2) & 0xFFF9) { /* offset or M flag: a real fragment */
                P->cnt[P_FRAGMENTS]++;
                return;
            }
            hl = 8; /* atomic fragment */
        } else if (nh == 51) {
            if (have < 8) {
                P->cnt[P_BAD_HEADERS]++;
                return;
            }
            hl = ((size_t)q[1] + 2) * 4;
        } else {
            break;
        }
        if (hl > have || hl > wire) {
            P->cnt[P_BAD_HEADERS]++;
            return;
        }
        nh = q[0];
        q += hl;
        have -= hl;
        wire -= hl;
    }
    transport(P, nh, p + 8, p + 24, 16, q, have, wire, pkt);
}

static void ip_by_version(pin *P, const uint8_t *p, size_t n, uint64_t pkt)
{
    if (n < 1) {
        P->cnt[P_BAD_HEADERS]++;
        return;
    }
    if ((p[0] >> 4) == 4)
        ipv4(P, p, n, pkt);
    else if ((p[0] >> 4) == 6)
        ipv6(P, p, n, pkt);
    else
        P->cnt[P_NON_IP]++;
}

/* EtherType after optional VLAN tags (802.1Q 0x8100, 802.1ad 0x88a8,
 * old QinQ 0x9100). */
static void ethertype(pin *P, uint16_t type, const uint8_t *p, size_t n, uint64_t pkt)
{
    while (type == 0x8100 || type == 0x88A8 || type == 0x9100) {
        if (n < 4) {
            P->cnt[P_BAD_HEADERS]++;
            return;
        }
        type = be16(p + 2);
        p += 4;
        n -= 4;
    }
    if (type == 0x0800)
        ipv4(P, p, n, pkt);
    else if (type == 0x86DD)
        ipv6(P, p, n, pkt);
    else
        P->cnt[P_NON_IP]++;
}

static void packet(pin *P, int dlt, const uint8_t *p, size_t n, uint64_t pkt)
{
    P->cnt[P_PACKETS]++;
    switch (dlt) {
    case DLT_EN10MB:
        if (n < 14)
            break;
        ethertype(P, be16(p + 12), p + 14, n - 14, pkt);
        return;
    case DLT_LINUX_SLL: /* 16-byte cooked header, protocol last */
        if (n < 16)
            break;
        ethertype(P, be16(p + 14), p + 16, n - 16, pkt);
        return;
    case DLT_LINUX_SLL2: /* 20-byte cooked header v2, protocol first */
        if (n < 20)
            break;
        ethertype(P, be16(p), p + 20, n - 20, pkt);
        return;
    case DLT_NULL:
    case DLT_LOOP: /* 4-byte address family (host or network order): look at the IP version instead */
        if (n < 4)
            break;
        ip_by_version(P, p + 4, n - 4, pkt);
        return;
    default: /* DLT_RAW, DLT_IPV4, DLT_IPV6 */
        ip_by_version(P, p, n, pkt);
        return;
    }
    P->cnt[P_BAD_HEADERS]++;
}

static bool supported(int dlt)
{
    return dlt == DLT_EN10MB || dlt == DLT_LINUX_SLL || dlt == DLT_LINUX_SLL2 || dlt == DLT_NULL ||
           dlt == DLT_LOOP || dlt == DLT_RAW || dlt == DLT_IPV4 || dlt == DLT_IPV6;
}

static bool say_reject(pin *P, uint64_t pos, const char *why)
{
    if (P->sink && P->sink->reject && !P->sink->reject(P->sink->ud, RL_ORIGIN(P->file, pos), why, NULL, 0)) {
        P->stopped = true;
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* pcapng that libpcap cannot read whole.                              */

/* A pcapng interface's LINKTYPE_ value as the DLT_ value packet() takes
 * (they differ for raw IP only: LINKTYPE_RAW 101, DLT_RAW 12 or 14). */
static int dlt_of(int linktype) { return linktype == 101 ? DLT_RAW : linktype; }

static bool supported(int dlt);

static bool first_ok(void *ud, int linktype)
{
    (void)ud;
    return supported(dlt_of(linktype));
}

static void own_packet(void *ud, int linktype, const uint8_t *data, size_t caplen, uint64_t pkt)
{
    pin *P = ud;
    if (P->stopped)
        return;
    int dlt = dlt_of(linktype);
    P->cnt[P_NG_OWN]++;
    if (supported(dlt)) {
        P->own_supported++;
        packet(P, dlt, data, caplen, pkt);
        return;
    }
    P->cnt[P_PACKETS]++;
    P->cnt[P_UNSUPPORTED_LINK]++;
    size_t i = 0;
    while (i < P->nskipped && P->skipped[i].linktype != linktype)
        i++;
    if (i == P->nskipped && i < sizeof P->skipped / sizeof P->skipped[0]) {
        P->skipped[i].linktype = linktype;
        P->skipped[i].first = pkt;
        P->nskipped++;
    }
    if (i < P->nskipped)
        P->skipped[i].n++;
}

/*
 * The gate: libpcap reads a pcapng through this stream, and the pcapng
 * reader, in watch mode, frames the same bytes first.  Bytes go to libpcap
 * only once the block they belong to is known to be one libpcap accepts;
 * at the first block it would refuse (an interface of another link type
 * or snap length, a section in the other byte order, or a first interface
 * roadlog does not decode), the stream ends there, on a block boundary,
 * so libpcap sees a clean end of file after the last packet it can read.
 * The pcapng reader then goes on from that block by itself (read mode),
 * every packet with its own interface's link type.  A file libpcap reads
 * whole never leaves libpcap; memory is the 64 KiB buffer here.
 */
#define GATE_BUF (64u << 10)

typedef struct gate {
    FILE *under;
    pcapng *ng;              /* NULL: classic pcap, everything passes */
    uint8_t buf[GATE_BUF];
    size_t start, len;       /* buf[start..len) not given to libpcap yet */
    size_t fed;              /* buf[..fed) framed by the watcher */
    uint64_t given;          /* file offset of buf[start] */
    bool eof;
} gate;

static ssize_t gate_read(void *cookie, char *out, size_t size)
{
    gate *g = cookie;
    for (;;) {
        uint64_t vetted = g->ng ? pcapng_vetted(g->ng) : UINT64_MAX;
        uint64_t room = vetted > g->given ? vetted - g->given : 0;
        size_t can = g->len - g->start;
        if (can > room)
            can = (size_t)room;
        if (can > size)
            can = size;
        if (can) {
            memcpy(out, g->buf + g->start, can);
            g->start += can;
            g->given += can;
            return (ssize_t)can;
        }
        if (g->eof || (g->ng && pcapng_handoff(g->ng)))
            return 0;
        memmove(g->buf, g->buf + g->start, g->len - g->start);
        g->len -= g->start;
        g->fed -= g->start;
        g->start = 0;
        size_t n = fread(g->buf + g->len, 1, GATE_BUF - g->len, g->under);
        if (n == 0) {
            /* the end: what is left (a block cut short) is libpcap's to report */
            g->eof = true;
            if (g->ng)
                pcapng_give_up(g->ng);
            if (ferror(g->under)) {
                errno = EIO;
                return -1;
            }
            continue;
        }
        g->len += n;
        if (g->ng && !pcapng_given_up(g->ng))
            g->fed += pcapng_feed(g->ng, g->buf + g->fed, g->len - g->fed);
        else
            g->fed = g->len;
    }
}

static int gate_close(void *cookie)
{
    (void)cookie; /* the gate and the file under it are pcapin_read's */
    return 0;
}

/* From the block libpcap refused on, without libpcap; a reading cut
 * short is rejected as libpcap's are ("capture cut short after packet N"). */
static void read_rest(pin *P, gate *g)
{
    pcapng_read_on(g->ng);
    const uint8_t *p = g->buf + g->fed;
    size_t n = g->len - g->fed;
    uint8_t *chunk = NULL;
    bool end = false;
    while (!P->stopped && !pcapng_error(g->ng)) {
        if (n) {
            size_t took = pcapng_feed(g->ng, p, n);
            if (took < n)
                break;
        }
        if (end)
            break;
        if (!chunk && !(chunk = malloc(GATE_BUF)))
            break;
        n = fread(chunk, 1, GATE_BUF, g->under);
        p = chunk;
        if (n == 0)
            end = true;
    }
    free(chunk);
    const char *why = pcapng_error(g->ng);
    if (!why && !P->stopped)
        why = pcapng_finish(g->ng);
    if (!why && !P->stopped && ferror(g->under))
        why = "read error";
    if (why && !P->stopped) {
        char msg[320];
        uint64_t pkt = pcapng_packets(g->ng);
        snprintf(msg, sizeof msg, "capture cut short after packet %llu: %s", (unsigned long long)pkt, why);
        say_reject(P, pkt + 1, msg);
    }
}

int pcapin_read(FILE *fp, const char *name, unsigned file_index, jt808_session *session, const rl_sink *sink,
                const pcapin_opts *opts)
{
    pin P;
    memset(&P, 0, sizeof P);
    P.sink = sink;
    P.session = session;
    P.file = file_index;
    P.port = opts ? opts->port : 0;
    P.stream_max = opts && opts->stream_buffer_max ? opts->stream_buffer_max : 1u << 20;
    P.total_max = opts && opts->total_buffer_max ? opts->total_buffer_max : (size_t)256 << 20;
    P.max_open = opts && opts->max_open_streams ? opts->max_open_streams : MAX_OPEN_STREAMS;

    /* a pcapng starts with a Section Header Block: its bytes go through
     * the watcher on their way to libpcap */
    gate *g = calloc(1, sizeof *g);
    if (!g) {
        fclose(fp);
        say_reject(&P, 0, "out of memory");
        return -1;
    }
    g->under = fp;
    g->len = fread(g->buf, 1, 4, fp);
    static const uint8_t shb[4] = {0x0A, 0x0D, 0x0D, 0x0A};
    pcapng_handler nh = {&P, own_packet, first_ok};
    if (g->len == 4 && memcmp(g->buf, shb, 4) == 0)
        g->ng = pcapng_new(true, &nh);
    if (g->ng)
        g->fed = pcapng_feed(g->ng, g->buf, g->len);
    FILE *lib = fopencookie(g, "r", (cookie_io_functions_t){gate_read, NULL, NULL, gate_close});

    char err[PCAP_ERRBUF_SIZE];
    err[0] = 0;
    pcap_t *pc = lib ? pcap_fopen_offline(lib, err) : NULL;
    uint64_t pkt = 0;
    int r = 0;
    bool own_whole = false;  /* libpcap read none of it: its first interface is not decoded */
    bool refused = false;
    if (!pc) {
        if (lib)
            fclose(lib); /* libpcap keeps it only on success */
        if (!(g->ng && pcapng_handoff(g->ng))) {
            char msg[PCAP_ERRBUF_SIZE + 128];
            snprintf(msg, sizeof msg, "%s is not a readable pcap or pcapng capture: %s", name ? name : "input", err);
            say_reject(&P, 0, msg);
            pcapng_free(g->ng);
            fclose(fp);
            free(g);
            return -1;
        }
        own_whole = true;
    } else {
        int dlt = pcap_datalink(pc);
        if (!supported(dlt)) {
            char msg[256];
            const char *dn = pcap_datalink_val_to_name(dlt);
            snprintf(msg, sizeof msg, "link type %d (%s) of %s is not supported: Ethernet, Linux cooked, raw IP "
                     "and loopback are", dlt, dn ? dn : "unknown", name ? name : "input");
            say_reject(&P, 0, msg);
            pcap_close(pc);
            pcapng_free(g->ng);
            fclose(fp);
            free(g);
            return -1;
        }
        struct pcap_pkthdr *h;
        const u_char *data;
        while (!P.stopped && (r = pcap_next_ex(pc, &h, &data)) >= 0) {
            if (r == 0)
                continue; /* live-capture timeout; not for files */
            pkt++;
            packet(&P, dlt, data, h->caplen, pkt);
        }
        if (!P.stopped && r == -1) {
            char msg[PCAP_ERRBUF_SIZE + 64];
            snprintf(msg, sizeof msg, "capture cut short after packet %llu: %s", (unsigned long long)pkt,
                     pcap_geterr(pc));
            say_reject(&P, pkt + 1, msg);
        }
        pcap_close(pc);
    }
    /* libpcap stopped at a block it would refuse: the rest without it */
    if (g->ng && pcapng_handoff(g->ng) && !P.stopped && r != -1)
        read_rest(&P, g);
    if (own_whole && !P.own_supported && P.nskipped) {
        /* nothing in it roadlog decodes: the file is refused, as libpcap's
         * files of such a link type are */
        char msg[256];
        const char *dn = pcap_datalink_val_to_name(dlt_of(P.skipped[0].linktype));
        snprintf(msg, sizeof msg, "link type %d (%s) of %s is not supported: Ethernet, Linux cooked, raw IP "
                 "and loopback are", dlt_of(P.skipped[0].linktype), dn ? dn : "unknown", name ? name : "input");
        say_reject(&P, 0, msg);
        P.nskipped = 0;
        refused = true;
    }
    for (size_t i = 0; i < P.nskipped && !P.stopped; i++) {
        char msg[256];
        int dlt = dlt_of(P.skipped[i].linktype);
        const char *dn = pcap_datalink_val_to_name(dlt);
        snprintf(msg, sizeof msg, "%llu packets of link type %d (%s) skipped: Ethernet, Linux cooked, raw IP and "
                 "loopback are read", (unsigned long long)P.skipped[i].n, dlt, dn ? dn : "unknown");
        say_reject(&P, P.skipped[i].first, msg);
    }
    pcapng_free(g->ng);
    fclose(fp);
    free(g);

    /* End of capture: every direction delivers what waits and finishes. */
    for (flow *f = P.first; f; f = f->onext)
        if (!f->closed)
            flow_close(&P, f);
    if (P.udp) {
        if (!P.stopped && !jt808_finish(P.udp))
            P.stopped = true;
        jt808_free(P.udp);
    }
    if (sink && sink->count)
        for (int k = 0; k < P_N; k++)
            if (P.cnt[k])
                sink->count(sink->ud, pcnt_name[k], P.cnt[k]);
    for (flow *f = P.first, *nx; f; f = nx) {
        nx = f->onext;
        while (f->ooo) {
            seg *s = f->ooo;
            f->ooo = s->next;
            free(s);
        }
        jt808_free(f->dec);
        free(f);
    }
    free(P.bucket);
    return refused ? -1 : P.stopped ? 1 : 0;
}
