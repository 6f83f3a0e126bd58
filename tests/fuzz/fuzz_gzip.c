/*
 * fuzz_gzip.c - libFuzzer target for the byte sources (src/input.c): a
 * file read plain or gunzipped with ISA-L, member after member, with the
 * kind detection's peek in front.
 *
 * Mode byte: bits 0-1 how the data becomes the file (0 as it is; 1 one
 * gzip member of it; 2 two members, split in the middle; 3 one member cut
 * short), bit 2 detect the kind first, bit 3 read through rl_src_read in
 * small pieces instead of rl_src_next, bits 4-7 the piece size / the cut.
 *
 * zlib is the reference: plain data comes out unchanged; gzip comes out
 * as zlib inflates it (members while the next byte is the gzip magic,
 * anything else after a complete member ignored).  When zlib finds the
 * stream corrupt or cut, rl_src must report an error and may only have
 * given out a prefix of what zlib decoded (or stopped early on a gzip
 * bomb, src/input.c).  The SHA-256 always covers every raw byte.
 */
#include <openssl/evp.h>
#include <stdbool.h>
#include <zlib.h>

#include "fuzz_common.h"
#include "fuzz_gz.h"
#include "source.h"
#include "util.h"

/* zlib's reading of a gzip file, with input.c's rule for what follows a
 * member.  Returns false when the stream is corrupt or cut.  ISA-L, like
 * gzip(1) in practice, ignores the reserved header flag bits that zlib
 * refuses (RFC 1952 asks for an error; the data is intact either way), so
 * the reference reads them as cleared. */
static bool zlib_gunzip(const uint8_t *in, size_t n, rl_buf *o)
{
    uint8_t *p = malloc(n ? n : 1);
    if (!p)
        abort();
    memcpy(p, in, n);
    bool ok = false;
    size_t pos = 0;
    for (;;) {
        if (pos + 3 < n && p[pos] == 0x1f && p[pos + 1] == 0x8b)
            p[pos + 3] &= 0x1F;
        z_stream z;
        memset(&z, 0, sizeof z);
        if (inflateInit2(&z, 15 + 16) != Z_OK)
            abort();
        z.next_in = (unsigned char *)p + pos;
        z.avail_in = (uInt)(n - pos);
        unsigned char out[8192];
        int rc;
        do {
            z.next_out = out;
            z.avail_out = sizeof out;
            rc = inflate(&z, Z_NO_FLUSH);
            buf_put(o, out, sizeof out - z.avail_out);
        } while (rc == Z_OK && (z.avail_in > 0 || z.avail_out == 0));
        pos = n - z.avail_in;
        inflateEnd(&z);
        if (rc != Z_STREAM_END)
            break;
        if (pos >= n || p[pos] != 0x1f) {
            ok = true;
            break;
        }
    }
    free(p);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    uint8_t mode = data[0];
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    rl_buf file = {0};
    switch (mode & 3) {
    case 0: buf_put(&file, p, n); break;
    case 1: fuzz_gz_member(&file, p, n, 1 + (mode >> 4) % 9); break;
    case 2:
        fuzz_gz_member(&file, p, n / 2, 6);
        fuzz_gz_member(&file, p + n / 2, n - n / 2, 1);
        break;
    default:
        fuzz_gz_member(&file, p, n, 6);
        file.len = file.len * (mode >> 4) / 16;
        break;
    }
    char path[64];
    int fd = fuzz_memfile(file.p ? file.p : "", file.len, path);
    char err[256];
    rl_src *s = rl_src_open(path, err, sizeof err);
    FUZZ_CHECK(s != NULL);
    if (mode & 4) {
        rl_kind k = rl_src_kind(s);
        FUZZ_CHECK(k >= RL_KIND_UNKNOWN && k <= RL_KIND_RLREC);
    }
    rl_buf got = {0};
    bool failed = false;
    if (mode & 8) {
        size_t piece = 1 + (size_t)(mode >> 4) * 97;
        unsigned char *b = xmalloc(piece);
        long k;
        while ((k = rl_src_read(s, b, piece)) > 0) {
            FUZZ_CHECK((size_t)k <= piece);
            buf_put(&got, b, (size_t)k);
        }
        failed = k < 0;
        free(b);
    } else {
        const unsigned char *b;
        long k;
        while ((k = rl_src_next(s, &b)) > 0)
            buf_put(&got, b, (size_t)k);
        failed = k < 0;
    }
    bool gz = file.len >= 2 && (unsigned char)file.p[0] == 0x1f && (unsigned char)file.p[1] == 0x8b;
    const char *e = rl_src_error(s);
    FUZZ_CHECK(!failed || e != NULL);
    FUZZ_CHECK(!rl_src_truncated(s) || e != NULL);
    FUZZ_CHECK(rl_src_gzip(s) == gz);
    if (!gz) {
        FUZZ_CHECK(e == NULL && got.len == file.len && (got.len == 0 || memcmp(got.p, file.p, got.len) == 0));
    } else {
        rl_buf ref = {0};
        bool ok = zlib_gunzip((const uint8_t *)file.p, file.len, &ref);
        size_t common = got.len < ref.len ? got.len : ref.len;
        if (common && memcmp(got.p, ref.p, common) != 0) {
            size_t i = 0;
            while (got.p[i] == ref.p[i])
                i++;
            fprintf(stderr, "rl_src and zlib differ at decoded byte %zu (zlib %s)\n", i, ok ? "ok" : "error");
            FUZZ_CHECK(!"gzip decoding differs from zlib");
        }
        bool bomb = e && strstr(e, "gzip bomb");
        if (ok && !bomb) {
            if (e || got.len != ref.len) {
                fprintf(stderr, "zlib decodes %zu bytes cleanly; rl_src gave %zu, error: %s\n", ref.len, got.len,
                        e ? e : "none");
                FUZZ_CHECK(!"rl_src read a good gzip file differently from zlib");
            }
        } else {
            if (!e) {
                fprintf(stderr, "zlib: corrupt or cut after %zu bytes; rl_src gave %zu and no error\n", ref.len,
                        got.len);
                FUZZ_CHECK(!"a corrupt or cut gzip file was not reported");
            }
            FUZZ_CHECK(got.len <= ref.len || (mode & 3) == 0);
        }
        buf_free(&ref);
    }
    char hex[65];
    rl_src_sha256(s, hex);
    FUZZ_CHECK(rl_src_raw_bytes(s) == file.len);
    unsigned char md[32];
    unsigned int mdl = 0;
    EVP_Digest(file.p ? file.p : "", file.len, md, &mdl, EVP_sha256(), NULL);
    char want[65];
    for (int i = 0; i < 32; i++)
        snprintf(want + 2 * i, 3, "%02x", md[i]);
    FUZZ_CHECK(strcmp(hex, want) == 0);
    rl_src_close(s);
    close(fd);
    buf_free(&got);
    buf_free(&file);
    return 0;
}
