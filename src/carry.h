/*
 * carry.h - what a run leaves for the next one of a --resume chain
 * (RUNS.md §2): OUT/carry/.
 *
 * The folder holds a manifest (text: the format, roadlog's version, the
 * zone, the run's id and place in the chain, every rule in force, and the
 * SHA-256 of every other file), the vehicles' records (one file per
 * worker of the per-vehicle pass: LZ4-compressed blocks, one per vehicle,
 * its key in the clear so the next run indexes them without decompressing)
 * and one file of everything else (drivers, registrations).  What a
 * record holds is analyze.c's business: this module moves bytes, checks
 * them and finds a vehicle's record.
 *
 * Records are built with cbuf and read with crd: a reader that never
 * reads past its end (a damaged carry is refused, never trusted).
 */
#ifndef RL_CARRY_H
#define RL_CARRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "varint.h"

/* ---- bytes ---- */

typedef struct cbuf {
    unsigned char *p;
    size_t n, cap;
} cbuf;

void cb_bytes(cbuf *b, const void *p, size_t n);
void cb_u8(cbuf *b, uint8_t v);
void cb_u32(cbuf *b, uint32_t v);
void cb_u64(cbuf *b, uint64_t v);
void cb_i64(cbuf *b, int64_t v);
void cb_str(cbuf *b, const char *s); /* length-prefixed; NULL as "" */
/* Variable-length integers: 7 bits a byte; signed ones zigzagged. */
void cb_uvar(cbuf *b, uint64_t v);
void cb_svar(cbuf *b, int64_t v);
/* (uvar_put and zigzag of varint.h write a record gathered before one
 * cb_bytes.) */
void cb_free(cbuf *b);

typedef struct crd {
    const unsigned char *p;
    size_t n, at;
    bool bad;                /* read past the end, or a bad length */
} crd;

void cr_init(crd *r, const void *p, size_t n);
uint8_t cr_u8(crd *r);
uint32_t cr_u32(crd *r);
uint64_t cr_u64(crd *r);
int64_t cr_i64(crd *r);
uint64_t cr_uvar(crd *r);
int64_t cr_svar(crd *r);
/* Copy n bytes out (zeros when they are not there). */
void cr_bytes(crd *r, void *out, size_t n);
/* A length-prefixed string, NUL-terminated in a copy the caller frees. */
char *cr_str(crd *r);

/* ---- the folder ---- */

typedef struct carry_head {
    const char *version;     /* RL_VERSION */
    int32_t tz;
    const char *run_id;
    unsigned chain_seq;
    const char *rules;       /* rules_print's text */
} carry_head;

typedef struct carry_writer carry_writer;

/* Records go to DIR (made here) as NAME.part files, to be renamed by the
 * caller when the run is complete (carry_file_names); `workers` vehicle
 * files. */
carry_writer *carry_writer_new(const char *dir, unsigned workers, char *err, size_t errlen);
/* One vehicle's record, from worker w (one thread per worker). */
void carry_put_vehicle(carry_writer *w, unsigned worker, const char *label, int color, bool by_phone,
                       const cbuf *record);
/* The rest (single-threaded, once). */
void carry_put_rest(carry_writer *w, const cbuf *rest);
/* The manifest last: false (errno) when a file could not be written. */
bool carry_writer_finish(carry_writer *w, const carry_head *h);
void carry_writer_free(carry_writer *w);
/* The names of the files a writer of `workers` makes, one at a time
 * (i = 0, 1, ...; NULL after the last), into buf. */
const char *carry_file_name(unsigned workers, unsigned i, char *buf, size_t n);

typedef struct carry_in carry_in;

/* Open PREV/carry and check it: the format and version, the checksums,
 * the zone and the rules against `h` (only version, tz and rules are
 * compared).  NULL with the reason in err (naming the first rule that
 * differs); *usage tells a usage error (other rules, zone, version: exit
 * 2) from a carry that cannot be read (exit 1). */
carry_in *carry_open(const char *prev_dir, const carry_head *h, char *err, size_t errlen, bool *usage);
void carry_close(carry_in *c);
const char *carry_run_id(const carry_in *c);
unsigned carry_chain_seq(const carry_in *c);
/* Vehicle records: how many, and the key of the i-th. */
size_t carry_nvehicles(const carry_in *c);
void carry_vehicle_key(const carry_in *c, size_t i, const char **label, int *color, bool *by_phone);
/* The record of the i-th vehicle, decompressed into *out (thread-safe).
 * False when it cannot be read. */
bool carry_vehicle_record(const carry_in *c, size_t i, cbuf *out);
/* The rest. */
const cbuf *carry_rest(const carry_in *c);

#endif
