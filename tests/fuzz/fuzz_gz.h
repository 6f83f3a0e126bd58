/*
 * fuzz_gz.h - one gzip member of some bytes, for the fuzz targets that
 * feed roadlog gzipped input (fuzz_gzip, fuzz_analyze).
 */
#ifndef RL_FUZZ_GZ_H
#define RL_FUZZ_GZ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util.h"

static inline void fuzz_gz_member(rl_buf *o, const uint8_t *p, size_t n, int level)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        abort();
    unsigned char out[4096];
    z.next_in = (unsigned char *)p;
    z.avail_in = (uInt)n;
    int rc;
    do {
        z.next_out = out;
        z.avail_out = sizeof out;
        rc = deflate(&z, Z_FINISH);
        buf_put(o, out, sizeof out - z.avail_out);
    } while (rc == Z_OK || (rc == Z_BUF_ERROR && z.avail_out == 0));
    deflateEnd(&z);
}

#endif
