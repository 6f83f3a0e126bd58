/*
 * pcapng.c - the pcapng block format, push-style (see pcapng.h).
 *
 * One block at a time, in four phases: its prefix (header and the fixed
 * fields its type needs, at most 28 bytes, copied), the captured packet
 * (copied, read mode only, at most the interface's snap length), the rest
 * of its body (padding, options: skipped), its trailer (4 bytes, checked
 * against the header).  Every field is read from the prefix buffer in the
 * section's byte order, after the block's length has been checked to hold
 * it, so a lying length can neither read past the buffer nor make it grow.
 */
#include "pcapng.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 1u
#define BT_PB 2u
#define BT_SPB 3u
#define BT_EPB 6u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du

/* libpcap's bounds: a block of at most 16 MiB (INITIAL_MAX_BLOCKSIZE), a
 * snap length of 0 or above 256 KiB taken as 256 KiB (max_snaplen_for_dlt
 * of every link type roadlog reads). */
#define MAX_BLOCK (16u << 20)
#define MAX_SNAPLEN 262144u
/* interfaces described in one section (a real capture has a handful) */
#define MAX_IFACES 65536u

typedef struct {
    uint16_t linktype;
    uint32_t snaplen;        /* adjusted */
} iface;

typedef enum { PH_PREFIX, PH_DATA, PH_SKIP, PH_TRAILER, PH_STOPPED } phase;

struct pcapng {
    pcapng_handler h;
    bool watch, handoff, given_up, failed;
    /* the file's first section and interface: what libpcap holds to */
    bool have_first_section, first_big, have_first_if;
    uint16_t first_linktype;
    uint32_t first_snaplen;
    /* the current section */
    bool in_section, big;
    iface *ifs;
    size_t nif, capif;
    /* the current block */
    phase ph;
    uint8_t pre[28];
    size_t npre, want;
    bool sized, vetted;      /* length checked; the watch decision made */
    uint32_t type, total;
    uint64_t block_off;      /* file offset of the block */
    uint64_t off;            /* file offset of the next byte */
    uint64_t left;           /* body bytes still to come before the trailer */
    uint8_t trailer[4];
    size_t ntrailer;
    /* the packet of the block */
    bool is_packet;
    int linktype;
    uint32_t caplen;
    uint8_t *data;
    size_t have;
    uint64_t pkts;
    char err[192];
};

static uint16_t rd16(const pcapng *p, const uint8_t *b)
{
    return p->big ? (uint16_t)(b[0] << 8 | b[1]) : (uint16_t)(b[1] << 8 | b[0]);
}

static uint32_t rd32(const pcapng *p, const uint8_t *b)
{
    return p->big ? (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3]
                  : (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

static uint32_t adjust_snaplen(uint32_t s) { return s == 0 || s > MAX_SNAPLEN ? MAX_SNAPLEN : s; }

pcapng *pcapng_new(bool watch, const pcapng_handler *h)
{
    pcapng *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    if (h)
        p->h = *h;
    p->watch = watch;
    p->want = 8;
    return p;
}

void pcapng_free(pcapng *p)
{
    if (!p)
        return;
    free(p->ifs);
    free(p->data);
    free(p);
}

static bool fail(pcapng *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fail(pcapng *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err, sizeof p->err, fmt, ap);
    va_end(ap);
    p->failed = true;
    p->ph = PH_STOPPED;
    return false;
}

/* The smallest total length of a block of this type (header, fixed
 * fields, trailer), and the prefix this reader needs of it. */
static uint32_t min_total(uint32_t type, size_t *prefix)
{
    switch (type) {
    case BT_SHB: *prefix = 16; return 28;
    case BT_IDB: *prefix = 16; return 20;
    case BT_EPB:
    case BT_PB: *prefix = 28; return 32;
    case BT_SPB: *prefix = 12; return 16;
    default: *prefix = 8; return 12;
    }
}

/* The block's type and length are in: check the length, size the prefix. */
static bool size_block(pcapng *p)
{
    if (p->type == BT_SHB) {
        /* a section says its own byte order */
        uint32_t magic = (uint32_t)p->pre[8] | (uint32_t)p->pre[9] << 8 | (uint32_t)p->pre[10] << 16 |
                         (uint32_t)p->pre[11] << 24;
        if (magic == BYTE_ORDER_MAGIC)
            p->big = false;
        else if (magic == __builtin_bswap32(BYTE_ORDER_MAGIC))
            p->big = true;
        else
            return fail(p, "the section at byte %llu has a bad byte-order magic", (unsigned long long)p->block_off);
    } else if (!p->in_section) {
        return fail(p, "block at byte %llu before any Section Header Block", (unsigned long long)p->block_off);
    }
    p->total = rd32(p, p->pre + 4);
    size_t prefix;
    uint32_t min = min_total(p->type, &prefix);
    if (p->total < 12)
        return fail(p, "block at byte %llu has a length of %u < 12", (unsigned long long)p->block_off, p->total);
    if (p->total % 4)
        return fail(p, "block at byte %llu has a length of %u that is not a multiple of 4",
                    (unsigned long long)p->block_off, p->total);
    if (p->total > MAX_BLOCK)
        return fail(p, "block at byte %llu has a length of %u, over the 16 MiB a block may have",
                    (unsigned long long)p->block_off, p->total);
    if (p->total < min)
        return fail(p, "block at byte %llu is too short for its type (%u bytes)", (unsigned long long)p->block_off, p->total);
    p->want = prefix;
    p->sized = true;
    return true;
}

/* watch mode: would libpcap refuse this block?  Then hand it over. */
static bool refused_by_libpcap(pcapng *p)
{
    if (p->type == BT_SHB) {
        if (p->have_first_section && p->big != p->first_big)
            return true; /* "the file has sections with different byte orders" */
        if (!p->have_first_section) {
            p->have_first_section = true;
            p->first_big = p->big;
        }
        return false;
    }
    if (p->type != BT_IDB)
        return false;
    uint16_t lt = rd16(p, p->pre + 8);
    uint32_t snap = adjust_snaplen(rd32(p, p->pre + 12));
    if (!p->have_first_if) {
        if (p->h.first_ok && !p->h.first_ok(p->h.ud, lt))
            return true;
        p->have_first_if = true;
        p->first_linktype = lt;
        p->first_snaplen = snap;
        return false;
    }
    /* "an interface has a type N different from the type of the first
     * interface", and the same for the snap length */
    return lt != p->first_linktype || snap != p->first_snaplen;
}

/* The prefix is in: act on the block. */
static bool start_block(pcapng *p)
{
    p->is_packet = false;
    p->have = 0;
    p->left = p->total - 4 - p->want; /* body after the prefix, before the trailer */
    uint32_t ifn = 0, caplen = 0;
    switch (p->type) {
    case BT_SHB:
        if (rd16(p, p->pre + 12) != 1)
            return fail(p, "the section at byte %llu has pcapng version %u (1.x is read)",
                        (unsigned long long)p->block_off, (unsigned)rd16(p, p->pre + 12));
        p->in_section = true;
        p->nif = 0; /* each section describes its own interfaces */
        break;
    case BT_IDB:
        if (p->nif == MAX_IFACES)
            return fail(p, "more than %u interfaces in the section at byte %llu", MAX_IFACES, (unsigned long long)p->block_off);
        if (p->nif == p->capif) {
            size_t cap = p->capif ? p->capif * 2 : 8;
            iface *n = realloc(p->ifs, cap * sizeof *n);
            if (!n)
                return fail(p, "out of memory for %zu interfaces", cap);
            p->ifs = n;
            p->capif = cap;
        }
        p->ifs[p->nif++] = (iface){rd16(p, p->pre + 8), adjust_snaplen(rd32(p, p->pre + 12))};
        break;
    case BT_EPB:
    case BT_PB:
        ifn = p->type == BT_EPB ? rd32(p, p->pre + 8) : rd16(p, p->pre + 8);
        caplen = rd32(p, p->pre + 20);
        break;
    case BT_SPB:
        /* packets of the section's first interface; the captured length
         * is the original one, cut to the snap length */
        if (p->nif == 0)
            return fail(p, "a packet block at byte %llu comes before any Interface Description Block",
                        (unsigned long long)p->block_off);
        caplen = rd32(p, p->pre + 8);
        if (caplen > p->ifs[0].snaplen)
            caplen = p->ifs[0].snaplen;
        break;
    default: break;
    }
    if (p->type == BT_EPB || p->type == BT_PB || p->type == BT_SPB) {
        if (ifn >= p->nif)
            return fail(p, "a packet arrived on interface %u, but the section has %zu Interface Description "
                           "Blocks", ifn, p->nif);
        if (caplen > p->ifs[ifn].snaplen)
            return fail(p, "invalid packet capture length %u, bigger than the snap length of %u", caplen,
                        p->ifs[ifn].snaplen);
        if (caplen > p->left)
            return fail(p, "the packet block at byte %llu is too short for its %u captured bytes",
                        (unsigned long long)p->block_off, caplen);
        p->is_packet = true;
        p->linktype = p->ifs[ifn].linktype;
        p->caplen = caplen;
        if (!p->watch && caplen) {
            if (!p->data && !(p->data = malloc(MAX_SNAPLEN)))
                return fail(p, "out of memory for a packet of %u bytes", caplen);
            p->ph = PH_DATA;
            return true;
        }
    }
    p->ph = p->left ? PH_SKIP : PH_TRAILER;
    return true;
}

static void next_block(pcapng *p)
{
    p->ph = PH_PREFIX;
    p->npre = 0;
    p->want = 8;
    p->sized = p->vetted = false;
    p->ntrailer = 0;
    p->block_off = p->off;
}

/* Copy into dst (holding *have of `want` bytes) what the input b[*i..n)
 * has of the rest; the file offset follows.  True once dst is full. */
static bool gather(pcapng *p, uint8_t *dst, size_t *have, size_t want, const uint8_t *b, size_t n, size_t *i)
{
    size_t take = want - *have;
    if (take > n - *i)
        take = n - *i;
    memcpy(dst + *have, b + *i, take);
    *have += take;
    *i += take;
    p->off += take;
    return *have == want;
}

size_t pcapng_feed(pcapng *p, const void *buf, size_t n)
{
    const uint8_t *b = buf;
    size_t i = 0;
    while (i < n && p->ph != PH_STOPPED && !p->handoff) {
        switch (p->ph) {
        case PH_PREFIX: {
            if (p->npre == 0)
                p->block_off = p->off;
            if (!gather(p, p->pre, &p->npre, p->want, b, n, &i))
                break;
            if (!p->sized) {
                uint32_t t = (uint32_t)p->pre[0] | (uint32_t)p->pre[1] << 8 | (uint32_t)p->pre[2] << 16 |
                             (uint32_t)p->pre[3] << 24;
                /* the SHB type reads the same in both orders; its length
                 * needs the byte-order magic after it */
                p->type = t == BT_SHB ? BT_SHB : rd32(p, p->pre);
                if (p->type == BT_SHB && p->npre < 12) {
                    p->want = 12;
                    break;
                }
                if (!size_block(p))
                    return i;
                if (p->npre < p->want)
                    break;
            }
            if (p->watch && !p->vetted) {
                p->vetted = true;
                if (refused_by_libpcap(p)) {
                    p->handoff = true;
                    return i;
                }
            }
            if (!start_block(p))
                return i;
            break;
        }
        case PH_DATA: {
            size_t had = p->have;
            bool full = gather(p, p->data, &p->have, p->caplen, b, n, &i);
            p->left -= p->have - had;
            if (full)
                p->ph = p->left ? PH_SKIP : PH_TRAILER;
            break;
        }
        case PH_SKIP: {
            uint64_t take = p->left < n - i ? p->left : n - i;
            i += (size_t)take;
            p->off += take;
            p->left -= take;
            if (!p->left)
                p->ph = PH_TRAILER;
            break;
        }
        case PH_TRAILER: {
            if (!gather(p, p->trailer, &p->ntrailer, 4, b, n, &i))
                break;
            uint32_t again = rd32(p, p->trailer);
            if (again != p->total) {
                fail(p, "block total length in header %u and trailer %u don't match", p->total, again);
                return i;
            }
            /* a packet counts once its block is whole, as libpcap's do */
            if (p->is_packet && ++p->pkts && !p->watch && p->h.packet)
                p->h.packet(p->h.ud, p->linktype, p->data, p->caplen, p->pkts);
            next_block(p);
            break;
        }
        case PH_STOPPED: break;
        }
    }
    return i;
}

const char *pcapng_finish(pcapng *p)
{
    if (p->ph == PH_STOPPED || p->handoff)
        return p->failed ? p->err : NULL;
    if (p->ph != PH_PREFIX || p->npre) {
        fail(p, "truncated pcapng file: the block at byte %llu is cut short after %llu bytes",
             (unsigned long long)p->block_off, (unsigned long long)(p->off - p->block_off));
        return p->err;
    }
    return NULL;
}

bool pcapng_handoff(const pcapng *p) { return p->handoff; }
uint64_t pcapng_handoff_offset(const pcapng *p) { return p->block_off; }

uint64_t pcapng_vetted(const pcapng *p)
{
    if (p->given_up || p->failed || !p->watch)
        return UINT64_MAX;
    if (p->handoff)
        return p->block_off;
    if (p->ph == PH_PREFIX && !p->vetted)
        return p->npre ? p->block_off : p->off;
    return p->block_off + p->total;
}

void pcapng_give_up(pcapng *p) { p->given_up = true; }
bool pcapng_given_up(const pcapng *p) { return p->given_up || p->failed; }

void pcapng_read_on(pcapng *p)
{
    p->watch = false;
    if (p->handoff) {
        /* the refused block's prefix is in: act on it now */
        p->handoff = false;
        start_block(p);
    }
}

const char *pcapng_error(const pcapng *p) { return p->failed ? p->err : NULL; }
uint64_t pcapng_packets(const pcapng *p) { return p->pkts; }
