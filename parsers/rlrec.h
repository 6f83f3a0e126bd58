/*
 * rlrec.h - record files: what `roadlog shard` writes and `analyze` reads
 * back as an input (RUNS.md §3).
 *
 * A record file holds the records the parsers pushed into the sink while
 * the shard run read its inputs (positions with every field and string,
 * weighings, JT/T 808 registrations, rejects, named counters), each with
 * its ORIGINAL origin (input, line / offset / packet), and the table of
 * the original inputs (name as given, kind, size, SHA-256, encoding ...),
 * so an analysis of the part names the original file in `source` and in
 * rejects.csv and lists the original inputs in run.json.
 *
 * Layout (integers little-endian):
 *
 *   magic    8 bytes  89 'R' 'L' 'R' 'E' 'C' 0d 0a   (a high byte and a
 *                     CR LF, as PNG: a file mangled by a text transfer
 *                     no longer matches)
 *   block*   type u8 ('H' head, 'D' data, 'E' end), flags u8 (1: LZ4),
 *            raw_len u32, data_len u32, crc32 u32 (zlib, of the raw
 *            bytes), data_len bytes (LZ4 block, or raw when flags = 0)
 *
 * 'H' comes first and once: format version, the shard's parts, its part,
 * the global index of its first input, the analysis zone the CSV times
 * were read in (seconds east of UTC), the roadlog version, the JT/T 808
 * active-safety dialect the items were read in (rule jt808.dialect).  'D' blocks
 * hold records, one after the other, each a tag byte and fields
 * (unsigned LEB128 varints; signed ones zigzagged; strings a varint
 * length and the bytes):
 *
 *   01 input     j, global, name, path        an original input (all of
 *                                             them come before any record)
 *   02 begin     j, loc, kind                 reading input j (where its
 *                                             records are located)
 *   03 end       j, flags (1 gzip, 2 truncated, 4 unreadable),
 *                size, sha256 (hex), encoding, delimiter, records,
 *                error                        input j read; records = its
 *                                             records in this part
 *   10 position  j, pos, time, lat, lon, speed, have, [heading],
 *                [altitude], [status], [alarm], [mileage] (as `have`
 *                says), colour, plate, phone, driver, then 0, or 1 and
 *                the JT/T 808 video and active-safety items (every
 *                field of rl_safety, tyres included)
 *   11 weighing  j, pos, time, station, plate, colour, axles, gross,
 *                naxle, axle kg x naxle, flags (1 wim, 2 speed,
 *                4 position), [speed], passengers, [lat, lon]
 *   12 registration j, pos, phone, plate, colour
 *   13 reject    j, pos, reason, excerpt (at most 200 bytes: all that
 *                rejects.csv shows)
 *   14 count     name, n
 *
 * 'E' ends the file: the number of data blocks and of records before it.
 * A file without it was cut short.
 *
 * Memory: the writer holds one block (block_size raw bytes); the reader
 * one block at a time, at most RLREC_BLOCK_MAX raw bytes.  Everything the
 * reader takes from the file is bounds-checked: a damaged or hostile file
 * is an error with its byte offset, never a read out of bounds.
 */
#ifndef RL_RLREC_H
#define RL_RLREC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "sink.h"

#define RLREC_MAGIC "\x89RLREC\r\n"
#define RLREC_MAGIC_LEN 8
#define RLREC_VERSION 1
/* Largest block the reader takes (raw bytes); a writer's blocks are
 * block_size plus one record, and a record at most a CSV line (64 KiB)
 * and its fields. */
#define RLREC_BLOCK_MAX (4u << 20)
/* An excerpt kept with a reject: rejects.csv shows at most 200 bytes. */
#define RLREC_EXCERPT_MAX 200

/* The 'H' block. */
typedef struct rlrec_head {
    unsigned parts, part;
    uint32_t first_global;   /* global index of the shard's first input */
    int32_t tz;              /* zone CSV times without an offset were read in */
    unsigned jt808_dialect;  /* layout the active-safety items were read in (rule jt808.dialect) */
    char version[32];        /* roadlog version that wrote it */
} rlrec_head;

/* What the 'end' record says about an input. */
typedef struct rlrec_stats {
    bool gzip, truncated, unreadable;
    uint64_t size;
    char sha256[65];
    const char *encoding;    /* NULL when none */
    char delimiter;
    uint64_t records;
    const char *error;       /* NULL when none */
} rlrec_stats;

/* ---- writing ---- */

typedef struct rlrec_writer rlrec_writer;

/* Create `path` and write the magic and the head.  block_size: raw bytes
 * a data block gathers before it is compressed and written. */
rlrec_writer *rlrec_create(const char *path, const rlrec_head *h, size_t block_size);
void rlrec_input(rlrec_writer *w, unsigned j, uint32_t global, const char *name, const char *path);
void rlrec_begin(rlrec_writer *w, unsigned j, rl_loc_kind loc, const char *kind);
void rlrec_end(rlrec_writer *w, unsigned j, const rlrec_stats *st);
/* Records; the origin's file field is the input's j. */
void rlrec_position(rlrec_writer *w, const rl_position *p);
void rlrec_weighing(rlrec_writer *w, const rl_weighing *x);
void rlrec_registration(rlrec_writer *w, rl_origin o, const char *phone, size_t phone_len, const char *plate,
                        size_t plate_len, int color);
void rlrec_reject(rlrec_writer *w, rl_origin o, const char *reason, const void *raw, size_t raw_len);
void rlrec_count(rlrec_writer *w, const char *name, uint64_t n);
/* Records written so far. */
uint64_t rlrec_records(const rlrec_writer *w);
/* Write the last block and the end, close.  False (errno set) when any
 * write failed. */
bool rlrec_close(rlrec_writer *w);

/* ---- reading (push-style: bytes in any chunk size) ---- */

/* What is not a record for the sink.  `input` names an original input
 * and returns its index in the reader's input table (records of input j
 * reach the sink with that index in their origin), or false to stop. */
typedef struct rlrec_meta {
    void *ud;
    bool (*head)(void *ud, const rlrec_head *h);
    bool (*input)(void *ud, unsigned j, uint32_t global, const char *name, const char *path, unsigned *index);
    void (*begin)(void *ud, unsigned index, rl_loc_kind loc, const char *kind);
    bool (*end)(void *ud, unsigned index, const rlrec_stats *st);
} rlrec_meta;

typedef struct rlrec_dec rlrec_dec;

rlrec_dec *rlrec_dec_new(const rl_sink *sink, const rlrec_meta *meta);
void rlrec_dec_free(rlrec_dec *d);
/* False when the file is damaged (rlrec_error says why and where) or a
 * callback asked to stop; further input is then ignored. */
bool rlrec_feed(rlrec_dec *d, const void *p, size_t n);
/* End of the bytes: false when the file was cut short. */
bool rlrec_finish(rlrec_dec *d);
/* Why reading stopped (NULL when it did not), and the byte offset of the
 * block (or magic) that was wrong. */
const char *rlrec_error(const rlrec_dec *d, uint64_t *offset);
/* Records read (every kind). */
uint64_t rlrec_read_records(const rlrec_dec *d);

/* Read just the head of a record file at `path` (its first bytes);
 * false when it is not a readable record file. */
bool rlrec_read_head(const char *path, rlrec_head *h);

/* Arguments that are directories stand for the record files (*.rlrec) in
 * them, ordered by the global index of their first input, then name (the
 * order the inputs had when they were sharded); a directory holding none
 * stays as it is (and is refused as an input).  Returns a NULL-terminated
 * array the caller frees with rlrec_paths_free. */
char **rlrec_expand(char **args, int nargs, int *nout);
void rlrec_paths_free(char **paths);

#endif
