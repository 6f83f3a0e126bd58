/*
 * source.h - byte sources: a file, stdin ("-"), transparently gunzipped.
 *
 * An rl_src hands out the decoded bytes of one input in chunks, keeps the
 * SHA-256 and size of the raw bytes for run.json, and lets the caller peek
 * at the start to detect the kind of data from its content (never from the
 * file name).  gzip is streamed with zlib, concatenated members included; a
 * truncated gzip yields what was readable and sets `truncated`.
 */
#ifndef RL_SOURCE_H
#define RL_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct rl_src rl_src;

typedef enum {
    RL_KIND_UNKNOWN = 0, /* binary or unrecognised */
    RL_KIND_EMPTY,       /* no bytes at all */
    RL_KIND_TEXT,        /* CSV-like text; the header decides which table */
    RL_KIND_JT808,       /* raw JT/T 808 frames (0x7e ... 0x7e) */
    RL_KIND_PCAP,        /* libpcap classic capture */
    RL_KIND_PCAPNG,      /* pcapng capture */
    RL_KIND_RLREC        /* a record file written by roadlog shard (rlrec.h) */
} rl_kind;

/* Open `path` ("-" = stdin).  On failure returns NULL and writes a
 * message (naming the file and the reason) to err. */
rl_src *rl_src_open(const char *path, char *err, size_t errlen);
void rl_src_close(rl_src *s);

/* Read up to n decoded bytes; 0 at the end; -1 on a read error (message
 * in rl_src_error). */
long rl_src_read(rl_src *s, void *buf, size_t n);
/* Zero-copy read: points *p at the next decoded bytes (valid until the
 * next call) and returns their count; 0 at the end; -1 on error. */
long rl_src_next(rl_src *s, const unsigned char **p);
/* Look at the first decoded bytes without consuming them; returns how
 * many are available (<= n). */
size_t rl_src_peek(rl_src *s, const unsigned char **p, size_t n);
/* Detect the kind from the first bytes. */
rl_kind rl_src_kind(rl_src *s);

/* A stdio stream over the decoded bytes (for libpcap's
 * pcap_fopen_offline); reading it consumes the source.  Closing the FILE
 * does not close the source. */
FILE *rl_src_fopen(rl_src *s);

bool rl_src_gzip(const rl_src *s);        /* input was gzip */
bool rl_src_truncated(const rl_src *s);   /* gzip stream ended early */
const char *rl_src_error(const rl_src *s); /* last error, or NULL */
uint64_t rl_src_raw_bytes(const rl_src *s); /* raw bytes read so far */
uint64_t rl_src_size(const rl_src *s);    /* file size if known, else 0 */
/* Finish reading (drains what is left so the hash covers the whole file)
 * and write the lowercase hex SHA-256 of the raw bytes (65 bytes). */
void rl_src_sha256(rl_src *s, char hex[65]);
/* SHA-256 of bytes read elsewhere (a file read in ranges); final gives
 * the lowercase hex and frees. */
typedef struct rl_sha256 rl_sha256;
rl_sha256 *rl_sha256_new(void);
void rl_sha256_update(rl_sha256 *h, const void *p, size_t n);
void rl_sha256_final(rl_sha256 *h, char hex[65]);

#endif
