/*
 * sink.h - the contract between parsers and whoever consumes records.
 *
 * Every parser (GPS CSV, weighbridge CSV, JT/T 808, pcap) pushes what it
 * decodes into an rl_sink.  `roadlog analyze` stores positions per vehicle,
 * `roadlog decode` prints them; the parsers do not know which.  Bad records
 * go to sink->reject with their origin and a reason a traffic officer can
 * act on; when reject returns false (--strict) the parser stops at once.
 */
#ifndef RL_SINK_H
#define RL_SINK_H

#include "record.h"

typedef struct rl_sink {
    void *ud;
    /* One decoded position. */
    void (*position)(void *ud, const rl_position *pos);
    /* A JT/T 808 registration (0x0100): this terminal drives this plate.
     * Holds for the terminal's positions before and after it. */
    void (*registration)(void *ud, const char *phone, size_t phone_len,
                         const char *plate, size_t plate_len, int color, rl_origin where);
    /* One weighing. */
    void (*weighing)(void *ud, const rl_weighing *w);
    /* A rejected record.  `raw` is an excerpt of the bad bytes (may be NULL).
     * Returns false when the run must stop (--strict). */
    bool (*reject)(void *ud, rl_origin where, const char *reason, const void *raw, size_t raw_len);
    /* A named counter for run.json, e.g. "jt808.skipped.0x0104". */
    void (*count)(void *ud, const char *what, uint64_t n);
} rl_sink;

#endif
