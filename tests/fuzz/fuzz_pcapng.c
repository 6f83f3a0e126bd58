/*
 * fuzz_pcapng.c - libFuzzer target for the pcapng block reader
 * (parsers/pcapng.c, issue 11), on its own: the parts libpcap does not
 * read for us must hold against any bytes.
 *
 * Mode byte: bits 0-3 the chunk size (0: one byte at a time, k: 37 * k
 * bytes), bit 4 expand (fuzz_common.h).
 *
 * Contract:
 *   - a packet is at most 256 KiB and all of it readable (ASan);
 *   - chunking never matters: the packets (number, link type, length,
 *     bytes) and the error are those of the input fed whole;
 *   - watch mode then read mode (the hand-over pcapin does) gives the
 *     packets of read mode from the hand-over on, with the same numbers,
 *     and counts as many packet blocks.
 */
#include "fuzz_common.h"
#include "pcapng.h"
#include "strtab.h"

typedef struct {
    uint64_t n, hash, last_pkt;
    uint64_t first_after;    /* first packet number delivered */
} seen;

static void on_packet(void *ud, int linktype, const uint8_t *data, size_t caplen, uint64_t pkt)
{
    seen *s = ud;
    FUZZ_CHECK(caplen <= 262144);
    FUZZ_CHECK(pkt > s->last_pkt);
    s->last_pkt = pkt;
    if (!s->n)
        s->first_after = pkt;
    s->n++;
    uint64_t h = rl_hash(data, caplen, (uint64_t)linktype << 32 | pkt);
    s->hash = s->hash * 0x100000001B3ull ^ h;
}

/* Feed in chunks; returns the error (static copy) or NULL. */
static const char *run(pcapng *p, const uint8_t *d, size_t n, size_t chunk, size_t *used)
{
    size_t i = 0;
    while (i < n) {
        size_t k = n - i < chunk ? n - i : chunk;
        size_t took = pcapng_feed(p, d + i, k);
        i += took;
        if (took < k)
            break;
    }
    *used = i;
    if (pcapng_error(p))
        return pcapng_error(p);
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned mode = data[0];
    size_t n = size - 1;
    const uint8_t *d = data + 1;
    uint8_t *ex = NULL;
    if (mode & 0x10) {
        ex = fuzz_expand(d, n, &n);
        d = ex;
    }
    size_t chunk = (mode & 15) ? 37u * (mode & 15) : 1;

    /* read mode, whole and chunked */
    seen a = {0}, b = {0};
    pcapng_handler ha = {&a, on_packet, NULL}, hb = {&b, on_packet, NULL};
    pcapng *pa = pcapng_new(false, &ha), *pb = pcapng_new(false, &hb);
    size_t used_a, used_b;
    const char *ea = run(pa, d, n, n ? n : 1, &used_a);
    const char *eb = run(pb, d, n, chunk, &used_b);
    if (!ea)
        ea = pcapng_finish(pa);
    if (!eb)
        eb = pcapng_finish(pb);
    FUZZ_CHECK(a.n == b.n && a.hash == b.hash);
    FUZZ_CHECK((ea == NULL) == (eb == NULL));
    FUZZ_CHECK(!ea || strcmp(ea, eb) == 0);
    FUZZ_CHECK(used_a == used_b);

    /* watch, hand over, read on: the suffix of read mode's packets */
    seen w = {0};
    pcapng_handler hw = {&w, on_packet, NULL};
    pcapng *pw = pcapng_new(true, &hw);
    size_t used_w;
    run(pw, d, n, chunk, &used_w);
    if (pcapng_handoff(pw)) {
        FUZZ_CHECK(w.n == 0);
        FUZZ_CHECK(pcapng_vetted(pw) == pcapng_handoff_offset(pw));
        uint64_t before = pcapng_packets(pw);
        pcapng_read_on(pw);
        size_t rest;
        const char *ew = run(pw, d + used_w, n - used_w, chunk, &rest);
        if (!ew)
            ew = pcapng_finish(pw);
        FUZZ_CHECK(!w.n || w.first_after == before + 1);
        FUZZ_CHECK(pcapng_packets(pw) == pcapng_packets(pa));
        FUZZ_CHECK((ew == NULL) == (ea == NULL));
    } else if (!pcapng_error(pw)) {
        /* never handed over: libpcap-readable as far as it went, and the
         * watcher delivered nothing */
        FUZZ_CHECK(w.n == 0);
    }
    pcapng_free(pa);
    pcapng_free(pb);
    pcapng_free(pw);
    free(ex);
    return 0;
}
