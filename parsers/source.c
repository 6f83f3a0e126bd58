/*
 * source.c - byte sources (see source.h).
 *
 * Raw bytes are read with read(2) in large blocks and hashed (SHA-256, for
 * run.json) as they pass; when the first two bytes are the gzip magic the
 * stream is inflated member after member, so `cat a.gz b.gz` works like one
 * file.  Inflation uses ISA-L's igzip (Debian libisal): streamed like zlib,
 * with the same gzip header and CRC checks, and more than twice as fast,
 * which is what keeps a gzipped day's dump above 1.5 million rows/s.  A peek buffer holds the first decoded bytes
 * for kind detection and is then served to the reader before anything else.
 */
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <isa-l/igzip_lib.h>

#include "rlrec.h"
#include "util.h"

/* Read (and gzip output) buffer.  Small enough to stay in the core's L2
 * cache while it is hashed and parsed: with 1 MiB, the input streaming
 * through L2 evicted what the parsers write (a weighbridge run's
 * per-vehicle stores), 7 % slower on the weighbridge bench, 8 % on GPS. */
#define RAW_CAP (256u << 10)
#define PEEK_CAP (64u << 10)

/* Gzip bombs.  Decoding is streamed, so memory never depends on how far
 * a gzip expands; time does.  Logs compress 3-35 times (a parked vehicle
 * reporting every second ~35, a file of one row repeated ~300); deflate
 * cannot go past ~1032, reached only by long runs of one byte or a short
 * pattern (blank lines cost ~10 s per GB decoded).  So once 64 MiB have
 * been decoded, an input that has expanded more than 500 times is given
 * up as a gzip bomb, reported like a truncation: what came before is
 * analysed. */
#define GZ_BOMB_RATIO 500
#define GZ_BOMB_AFTER (64u << 20)

struct rl_src {
    int fd;
    bool is_stdin;
    bool eof_raw;     /* read(2) returned 0 */
    bool gz, gz_started, gz_member_end, truncated, failed;
    bool bomb;        /* gave up: expands like a gzip bomb */
    uint64_t decoded; /* gzip bytes decoded so far */
    bool avx; /* the CPU has AVX: vzeroupper after ISA-L */
    char err[256];
    unsigned char *raw;
    size_t raw_pos, raw_len;
    uint64_t raw_total, size;
    struct inflate_state *z;
    EVP_MD_CTX *sha;
    unsigned char *peek;
    size_t peek_pos, peek_len;
    unsigned char *out; /* gzip output for rl_src_next */
    bool peeked;
};

rl_src *rl_src_open(const char *path, char *err, size_t errlen)
{
    int fd;
    bool is_stdin = strcmp(path, "-") == 0;
    if (is_stdin) {
        fd = 0;
    } else {
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
            return NULL;
        }
    }
    struct stat st;
    uint64_t size = 0;
    if (fstat(fd, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "%s: is a directory, not a log file", path);
            if (!is_stdin)
                close(fd);
            return NULL;
        }
        if (S_ISREG(st.st_mode))
            size = (uint64_t)st.st_size;
    }
    rl_src *s = xcalloc(1, sizeof *s);
    s->fd = fd;
    s->is_stdin = is_stdin;
    s->size = size;
    s->raw = xmalloc(RAW_CAP);
    s->sha = EVP_MD_CTX_new();
    if (!s->sha || EVP_DigestInit_ex(s->sha, EVP_sha256(), NULL) != 1) {
        snprintf(err, errlen, "%s: cannot initialise SHA-256", path);
        rl_src_close(s);
        return NULL;
    }
#ifdef POSIX_FADV_SEQUENTIAL
    if (!is_stdin)
        posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    return s;
}

void rl_src_close(rl_src *s)
{
    if (!s)
        return;
    free(s->z);
    if (!s->is_stdin && s->fd >= 0)
        close(s->fd);
    EVP_MD_CTX_free(s->sha);
    free(s->raw);
    free(s->peek);
    free(s->out);
    free(s);
}

/* Refill the raw buffer; false at the end of input or on error. */
static bool fill_raw(rl_src *s)
{
    if (s->eof_raw || s->failed)
        return false;
    if (s->raw_pos < s->raw_len)
        return true;
    for (;;) {
        ssize_t n = read(s->fd, s->raw, RAW_CAP);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            snprintf(s->err, sizeof s->err, "read error: %s", strerror(errno));
            s->failed = true;
            return false;
        }
        if (n == 0) {
            s->eof_raw = true;
            return false;
        }
        EVP_DigestUpdate(s->sha, s->raw, (size_t)n);
        s->raw_total += (uint64_t)n;
        s->raw_pos = 0;
        s->raw_len = (size_t)n;
        return true;
    }
}

/* Decide at the first byte whether the stream is gzip. */
static void sniff_gzip(rl_src *s)
{
    if (s->gz_started || s->gz)
        return;
    if (!fill_raw(s))
        return;
    if (s->raw_len - s->raw_pos < 2 && !s->eof_raw) {
        /* Very short read (a pipe): move what we have and read on. */
        unsigned char first = s->raw[s->raw_pos];
        s->raw_pos = s->raw_len = 0;
        ssize_t n = read(s->fd, s->raw + 1, RAW_CAP - 1);
        s->raw[0] = first;
        if (n > 0) {
            EVP_DigestUpdate(s->sha, s->raw + 1, (size_t)n);
            s->raw_total += (uint64_t)n;
        }
        s->raw_len = 1 + (n > 0 ? (size_t)n : 0);
    }
    if (s->raw_len - s->raw_pos >= 2 && s->raw[s->raw_pos] == 0x1f && s->raw[s->raw_pos + 1] == 0x8b) {
        s->gz = true;
#if defined(__x86_64__) && defined(__GNUC__)
        s->avx = __builtin_cpu_supports("avx");
#endif
        s->z = xmalloc(sizeof *s->z);
        isal_inflate_init(s->z);
        s->z->crc_flag = ISAL_GZIP;
        s->gz_started = true;
    }
}

/* ISA-L's AVX code may return with the upper halves of the vector
 * registers dirty; every SSE instruction that follows (the haversine and
 * libm's sin/cos among them) then pays a state-transition penalty, which
 * measured here as 2.5x on the whole analysis.  vzeroupper after each
 * call restores full speed.  It exists only where AVX does. */
static void clear_upper_vector_state(const rl_src *s)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (s->avx)
        __asm__ volatile("vzeroupper" ::: "memory");
#else
    (void)s;
#endif
}

static const char *isal_error(int rc)
{
    switch (rc) {
    case ISAL_INCORRECT_CHECKSUM: return "gzip data is corrupt (CRC mismatch)";
    case ISAL_INVALID_WRAPPER: return "gzip data is corrupt (bad gzip header)";
    case ISAL_UNSUPPORTED_METHOD: return "gzip data uses an unsupported compression method";
    default: return "gzip data is corrupt (bad deflate block)";
    }
}

static long read_decoded(rl_src *s, unsigned char *buf, size_t n)
{
    if (!s->gz) {
        if (!fill_raw(s))
            return s->failed ? -1 : 0;
        size_t k = s->raw_len - s->raw_pos;
        if (k > n)
            k = n;
        memcpy(buf, s->raw + s->raw_pos, k);
        s->raw_pos += k;
        return (long)k;
    }
    if (s->failed)
        return -1;
    if (s->bomb)
        return 0;
    if (n > (1u << 30))
        n = 1u << 30;
    struct inflate_state *z = s->z;
    size_t produced = 0;
    while (produced == 0) {
        if (s->gz_member_end) {
            /* Another member follows?  Only when the gzip magic is next;
             * anything else after a complete member is ignored (padding). */
            if (!fill_raw(s))
                return s->failed ? -1 : 0;
            if (s->raw[s->raw_pos] != 0x1f) {
                s->raw_pos = s->raw_len; /* trailing garbage */
                while (fill_raw(s))
                    s->raw_pos = s->raw_len;
                return s->failed ? -1 : 0;
            }
            isal_inflate_reset(z);
            z->crc_flag = ISAL_GZIP;
            z->avail_in = 0;
            s->gz_member_end = false;
        }
        if (z->avail_in == 0) {
            if (s->raw_pos >= s->raw_len && !fill_raw(s)) {
                if (s->failed)
                    return -1;
                /* Input ended inside a member: give out what the decoder
                 * still holds (it keeps up to 64 KiB of decoded bytes
                 * between calls), then report the truncated archive. */
                z->next_out = buf;
                z->avail_out = (uint32_t)n;
                if (isal_inflate(z) >= 0 && (produced = n - z->avail_out) > 0) {
                    clear_upper_vector_state(s);
                    return (long)produced;
                }
                clear_upper_vector_state(s);
                s->truncated = true;
                snprintf(s->err, sizeof s->err, "gzip data is truncated (ends inside a member)");
                return 0;
            }
            z->next_in = s->raw + s->raw_pos;
            z->avail_in = (uint32_t)(s->raw_len - s->raw_pos);
        }
        z->next_out = buf;
        z->avail_out = (uint32_t)n;
        uint32_t before_in = z->avail_in;
        int rc = isal_inflate(z);
        clear_upper_vector_state(s);
        s->raw_pos += before_in - z->avail_in;
        produced = n - z->avail_out;
        if (rc < 0) {
            snprintf(s->err, sizeof s->err, "%s", isal_error(rc));
            s->truncated = true;
            s->failed = true;
            return produced ? (long)produced : -1;
        }
        if (z->block_state == ISAL_BLOCK_FINISH) {
            s->gz_member_end = true;
            z->avail_in = 0; /* re-derived from raw_pos for the next member */
        }
    }
    s->decoded += produced;
    uint64_t consumed = s->raw_total - (s->raw_len - s->raw_pos);
    if (s->decoded > GZ_BOMB_AFTER && s->decoded / GZ_BOMB_RATIO > consumed) {
        s->bomb = true;
        s->truncated = true;
        snprintf(s->err, sizeof s->err,
                 "gzip data expands more than %d times (%llu MB from %llu KB): a gzip bomb, not a log; reading stopped",
                 GZ_BOMB_RATIO, (unsigned long long)(s->decoded >> 20), (unsigned long long)(consumed >> 10));
    }
    return (long)produced;
}

size_t rl_src_peek(rl_src *s, const unsigned char **p, size_t n)
{
    if (!s->peeked) {
        s->peeked = true;
        sniff_gzip(s);
        s->peek = xmalloc(PEEK_CAP);
        while (s->peek_len < PEEK_CAP) {
            long k = read_decoded(s, s->peek + s->peek_len, PEEK_CAP - s->peek_len);
            if (k <= 0)
                break;
            s->peek_len += (size_t)k;
        }
    }
    size_t avail = s->peek_len - s->peek_pos;
    *p = s->peek + s->peek_pos;
    return avail < n ? avail : n;
}

long rl_src_read(rl_src *s, void *buf, size_t n)
{
    if (!s->peeked) {
        const unsigned char *p;
        rl_src_peek(s, &p, 0);
    }
    if (s->peek_pos < s->peek_len) {
        size_t k = s->peek_len - s->peek_pos;
        if (k > n)
            k = n;
        memcpy(buf, s->peek + s->peek_pos, k);
        s->peek_pos += k;
        return (long)k;
    }
    return read_decoded(s, buf, n);
}

long rl_src_next(rl_src *s, const unsigned char **p)
{
    if (!s->peeked)
        rl_src_peek(s, p, 0);
    if (s->peek_pos < s->peek_len) {
        *p = s->peek + s->peek_pos;
        long k = (long)(s->peek_len - s->peek_pos);
        s->peek_pos = s->peek_len;
        return k;
    }
    if (!s->gz) {
        if (!fill_raw(s))
            return s->failed ? -1 : 0;
        *p = s->raw + s->raw_pos;
        long k = (long)(s->raw_len - s->raw_pos);
        s->raw_pos = s->raw_len;
        return k;
    }
    if (!s->out)
        s->out = xmalloc(RAW_CAP);
    *p = s->out;
    return read_decoded(s, s->out, RAW_CAP);
}

/* Are there well-formed JT/T 808 frames (JT808.md sections 1-2) among the
 * first frames of p?  A frame is well formed when, unescaped, header +
 * body length + checksum fill it exactly with one of the 2011/2013 or
 * 2019 header sizes.  One such frame whose XOR checksum also matches is
 * enough, or two whose checksums do not (test data edited by hand). */
static bool jt808_frame_seen(const unsigned char *p, size_t n)
{
    const unsigned char *e = p + n, *open = memchr(p, 0x7e, n < 1024 ? n : 1024);
    int formed = 0;
    for (int tries = 0; open && tries < 16; tries++) {
        const unsigned char *close = memchr(open + 1, 0x7e, (size_t)(e - open - 1));
        if (!close)
            return false;
        unsigned char f[1100];
        size_t k = 0;
        bool ok = close - open - 1 <= 2 * (long)sizeof f;
        for (const unsigned char *q = open + 1; ok && q < close; q++) {
            unsigned char c = *q;
            if (c == 0x7d) {
                if (q + 1 >= close || (q[1] != 0x01 && q[1] != 0x02))
                    ok = false;
                else
                    c = *++q == 0x01 ? 0x7d : 0x7e;
            }
            if (ok && k < sizeof f)
                f[k++] = c;
            else
                ok = false;
        }
        if (ok && k >= 13) {
            unsigned char x = 0;
            for (size_t i = 0; i + 1 < k; i++)
                x ^= f[i];
            unsigned props = (unsigned)f[2] << 8 | f[3];
            size_t body = props & 0x3FF, sub = (props & 0x2000) ? 4 : 0;
            size_t h13 = 12 + sub, h19 = 17 + sub;
            if (h13 + body + 1 == k || h19 + body + 1 == k) {
                if (x == f[k - 1] || ++formed >= 2)
                    return true;
            }
        }
        open = close; /* frames share flags when back to back */
        if (close + 1 < e && close[1] == 0x7e)
            open = close + 1;
    }
    return false;
}

rl_kind rl_src_kind(rl_src *s)
{
    const unsigned char *p;
    size_t n = rl_src_peek(s, &p, 4096);
    if (n == 0)
        return RL_KIND_EMPTY;
    if (n >= 4) {
        uint32_t be = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
        if (be == 0xa1b2c3d4 || be == 0xd4c3b2a1 || be == 0xa1b23c4d || be == 0x4d3cb2a1)
            return RL_KIND_PCAP;
        if (be == 0x0a0d0d0a)
            return RL_KIND_PCAPNG;
    }
    if (n >= RLREC_MAGIC_LEN && memcmp(p, RLREC_MAGIC, RLREC_MAGIC_LEN) == 0)
        return RL_KIND_RLREC;
    size_t ctrl = 0, nul = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c == 0)
            nul++;
        else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f')
            ctrl++;
    }
    bool text = nul == 0 && ctrl * 100 <= n;
    /* JT/T 808 only when a real frame is there (a few junk bytes may
     * precede it in captures cut from a stream); any binary file has 0x7e
     * bytes, so the flag alone proves nothing. */
    if (p[0] == 0x7e || !text) {
        const unsigned char *all;
        size_t m = rl_src_peek(s, &all, PEEK_CAP);
        if (jt808_frame_seen(all, m))
            return RL_KIND_JT808;
    }
    /* NUL or control bytes further on (a row a crashed exporter left
     * zero-filled) do not make a table binary when its first line is
     * clean text: the header decides what it is, and the bad rows are
     * rejected one by one instead of the whole file. */
    if (!text) {
        const unsigned char *nl = memchr(p, '\n', n);
        bool clean = nl && nl > p;
        for (const unsigned char *q = p; clean && q < nl; q++)
            clean = *q >= 0x20 || *q == '\t' || *q == '\r' || *q == '\f';
        text = clean;
    }
    return text ? RL_KIND_TEXT : RL_KIND_UNKNOWN;
}

static ssize_t cookie_read(void *c, char *buf, size_t n)
{
    long k = rl_src_read(c, buf, n);
    return k < 0 ? -1 : (ssize_t)k;
}

FILE *rl_src_fopen(rl_src *s)
{
    cookie_io_functions_t io = {.read = cookie_read, .write = NULL, .seek = NULL, .close = NULL};
    return fopencookie(s, "r", io);
}

bool rl_src_gzip(const rl_src *s) { return s->gz; }
bool rl_src_truncated(const rl_src *s) { return s->truncated; }
const char *rl_src_error(const rl_src *s) { return s->err[0] ? s->err : NULL; }
uint64_t rl_src_raw_bytes(const rl_src *s) { return s->raw_total; }
uint64_t rl_src_size(const rl_src *s) { return s->size; }

static void hex_digest(const unsigned char *md, char hex[65])
{
    static const char hx[] = "0123456789abcdef";
    for (unsigned i = 0; i < 32; i++) {
        hex[2 * i] = hx[md[i] >> 4];
        hex[2 * i + 1] = hx[md[i] & 15];
    }
    hex[64] = 0;
}

struct rl_sha256 {
    EVP_MD_CTX *c;
};

rl_sha256 *rl_sha256_new(void)
{
    rl_sha256 *h = xmalloc(sizeof *h);
    h->c = EVP_MD_CTX_new();
    if (!h->c || EVP_DigestInit_ex(h->c, EVP_sha256(), NULL) != 1) {
        fprintf(stderr, "roadlog: cannot initialise SHA-256\n");
        exit_now(3);
    }
    return h;
}

void rl_sha256_update(rl_sha256 *h, const void *p, size_t n) { EVP_DigestUpdate(h->c, p, n); }

void rl_sha256_final(rl_sha256 *h, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(h->c, md, &len);
    hex_digest(md, hex);
    EVP_MD_CTX_free(h->c);
    free(h);
}

void rl_src_sha256(rl_src *s, char hex[65])
{
    /* Hash whatever has not been read yet, without decoding it. */
    if (!s->failed) {
        while (!s->eof_raw) {
            s->raw_pos = s->raw_len;
            if (!fill_raw(s))
                break;
        }
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(s->sha, md, &len);
    hex_digest(md, hex);
    s->failed = true; /* the digest is final */
}
