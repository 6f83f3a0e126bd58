/*
 * jt808.h - JT/T 808 (2011 / 2013 / 2019) terminal traffic decoder.
 *
 * Push-style, like zlib: hand jt808_feed() the bytes of one stream (a raw
 * frame archive, one direction of one TCP connection, UDP datagrams) in any
 * chunk size; the decoder keeps a partially received frame between calls
 * (bounded: JT808_MAX_FRAME bytes) and pushes what it decodes into an
 * rl_sink (src/ingest.h):
 *
 *   0x0200 / 0x0704 / 0x0201
 *                    -> sink->position (one per location, batch items and
 *                       position-query replies too), with the video and
 *                       active-safety items (JT808.md §14) in
 *                       rl_position.safety
 *   0x0100           -> sink->registration (phone -> plate + colour)
 *   0x0702           -> remembered in the jt808_session: driver of the
 *                       terminal's later positions (JT808.md section 7)
 *   0x0002 / 0x0102  -> counted
 *   anything else    -> counted as "jt808.skipped.0xNNNN"
 *   bad frames       -> sink->reject(origin of the frame's opening 0x7e,
 *                       reason), counted; decoding resumes at the next 0x7e.
 *
 * Counters are kept in the decoder and handed to sink->count by
 * jt808_finish() (so a 400 MB/s run does not call the sink per frame),
 * only those that are not zero:
 *   jt808.frames (valid frames), jt808.positions, jt808.registrations,
 *   jt808.registration_without_plate, jt808.driver_ids,
 *   jt808.driver_card_out, jt808.driver_card_read_failed, jt808.auth,
 *   jt808.heartbeats, jt808.batches, jt808.blind_area_positions,
 *   jt808.position_replies (0x0201), jt808.safety.items (active-safety
 *   items decoded), jt808.video_items (0x14-0x18),
 *   jt808.downlink (0x8xxx seen), jt808.skipped.0xNNNN (per message id; past
 *   64 distinct ids jt808.skipped.other);
 *   rejected: jt808.bad_checksum, jt808.bad_escape, jt808.truncated,
 *   jt808.length_mismatch, jt808.oversize, jt808.cut_by_gap,
 *   jt808.bad_location, jt808.bad_time, jt808.batch_short,
 *   jt808.bad_registration, jt808.bad_driver_id, jt808.encrypted,
 *   jt808.subpackage.incomplete, jt808.subpackage.orphan,
 *   jt808.driver_table_full;
 *   skipped items (the position is kept): jt808.safety.bad_length (an
 *   0x64-0x67 item whose length fits no layout of the configured
 *   dialect), jt808.safety.bad_time (its BCD time is not a date),
 *   jt808.safety.over_capacity (past RL_AS_MAX_ITEMS in one position);
 *   informational: jt808.unsynced_bytes (bytes outside any frame),
 *   jt808.items_truncated (position kept), jt808.subpackage.parts,
 *   jt808.subpackage.reassembled, and the tolerated vendor quirks
 *   (JT808.md section 10) jt808.quirk.version_flag_2013_header (1),
 *   jt808.quirk.unescaped_0x7d (2, 10), jt808.quirk.raw_0x7e (2, 10),
 *   jt808.quirk.item_length (5), jt808.quirk.twos_complement_coords (8).
 *
 * Identity: positions carry the terminal phone (decimal digits, leading
 * zeros stripped so 2013 and 2019 headers of one terminal agree; a
 * non-BCD phone field -- an IMEI in binary, JT808.md section 10 quirk 3 --
 * becomes the decimal value of its bytes, plus a Luhn digit for 6-byte
 * fields, which gives back the tracker's 15-digit IMEI).  plate is NULL:
 * the sink maps phone -> plate from registrations or the registry.
 *
 * Bad frames: a frame whose header + body length + checksum do not add up
 * is held until the next one, in case the two joined by a literal 0x7e
 * add up (a device that does not escape, quirk 2); otherwise it is
 * rejected as truncated and what followed is decoded on its own.  A frame
 * whose unescaped form fails but whose literal form is valid is taken
 * literally (quirks 2 and 10).  A position whose BCD time is not a real
 * date is rejected (a position without a time is useless to a detector);
 * an additional item running past the body only ends the item list.
 * A 0x0702 read failure (status 1, result != 0) or card-out (status 2)
 * leaves the terminal without a driver; a code-less card falls back to the
 * driver's name.
 *
 * Nothing here allocates per frame; every read of a frame goes through a
 * bounds-checked cursor (jt808.c), so no input can read out of bounds.
 * Memory is bounded: one split frame per stream (JT808_MAX_FRAME), a few
 * held pieces, one sub-packaged message (JT808_MAX_REASSEMBLED), and at
 * most 2^20 terminals remembered per session.
 * Not thread-safe: one session and its decoders belong to one thread.
 */
#ifndef RL_JT808_H
#define RL_JT808_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sink.h"
#include "record.h"

/* Longest frame kept, counted in received (escaped) bytes between the two
 * 0x7e.  The largest legal frame is 21 header + 1023 body + 1 checksum
 * bytes, at most twice that escaped; anything longer is junk. */
#define JT808_MAX_FRAME 4096

/* Longest reassembled sub-packaged message body (props bit 13). */
#define JT808_MAX_REASSEMBLED (64 * 1024)

/* ---- per-run state shared by all streams ---- */

/* Terminal state that outlives one stream: phone -> current driver
 * (last 0x0702 seen), plus the GBK converter and work buffers. */
typedef struct jt808_session jt808_session;

jt808_session *jt808_session_new(void);
void jt808_session_free(jt808_session *s);

/* The active-safety dialect (JT808.md §14, rule jt808.dialect): the two
 * standards give items 0x64-0x67 the same ids and different lengths, so
 * which one the terminals speak is configuration, never guessed.
 * Default JSATL. */
typedef enum { JT808_DIALECT_JSATL = 0, JT808_DIALECT_GDRTA = 1 } jt808_dialect;
void jt808_session_set_dialect(jt808_session *s, jt808_dialect d);

/* The driver the session currently holds for `phone` (digits as in
 * rl_position.phone), or NULL.  Valid until the next feed. */
const char *jt808_session_driver(const jt808_session *s, const char *phone, size_t phone_len);
/* A --resume chain (RUNS.md §2): the driver each terminal last named
 * (0x0702), to carry; and put back in the next run before its inputs. */
void jt808_session_each_driver(const jt808_session *s,
                               void (*fn)(void *ud, const char *phone, const char *driver), void *ud);
bool jt808_session_put_driver(jt808_session *s, const char *phone, const char *driver);

/* ---- one stream ---- */

typedef struct jt808_dec jt808_dec;

/* `loc` says what the `pos` argument of jt808_feed is: RL_LOC_OFFSET (byte
 * offset of p[0] in the file) or RL_LOC_PACKET (number of the packet the
 * bytes came in; every frame that starts in the chunk gets it). */
jt808_dec *jt808_new(jt808_session *s, const rl_sink *sink, unsigned file_index, rl_loc_kind loc);

/* Feed n bytes.  Returns false when the sink asked to stop (--strict);
 * after that the decoder ignores further input. */
bool jt808_feed(jt808_dec *d, const uint8_t *p, size_t n, uint64_t pos);

/* The next bytes do not continue the previous ones (a lost TCP segment, a
 * new UDP datagram): a partial frame is rejected with `why` ("frame cut by
 * a lost TCP segment") and the decoder resyncs at the next 0x7e. */
bool jt808_break(jt808_dec *d, const char *why);

/* End of stream: a pending partial frame is rejected as truncated, and the
 * counters are handed to sink->count.  Returns false on --strict stop. */
bool jt808_finish(jt808_dec *d);

void jt808_free(jt808_dec *d);

/* ---- single-frame decoding (used by the decoder and by tests) ---- */

typedef enum { JT808_ED_2013 = 2013, JT808_ED_2019 = 2019 } jt808_edition;

/* A validated frame: header fields and a view of the body. */
typedef struct jt808_frame {
    uint16_t msg_id;
    uint16_t props;
    unsigned body_len;
    unsigned encryption;      /* props bits 10-12 */
    jt808_edition edition;    /* header layout used (2011 and 2013 share one) */
    bool version_flag;        /* props bit 14 as sent */
    bool quirk_layout;        /* bit 14 set but the 2013 layout fits (quirk 1) */
    uint8_t protocol_version; /* 2019 only */
    uint8_t phone_bcd[10];    /* raw phone field, 6 or 10 bytes */
    unsigned phone_raw_len;
    char phone[32];           /* digits, see the top of this file */
    size_t phone_len;
    uint16_t serial;
    bool subpackaged;
    uint16_t pkt_total, pkt_index;
    const uint8_t *body;      /* points into the frame given */
} jt808_frame;

/* Why a frame was refused; the text is in `why`. */
typedef enum {
    JT808_OK = 0,
    JT808_E_SHORT,        /* fewer bytes than the header and body length need */
    JT808_E_LONG,         /* more bytes than the body length says */
    JT808_E_CHECKSUM,
    JT808_E_ESCAPE,
    JT808_E_OVERSIZE
} jt808_err;

/* Validate one unescaped frame (the bytes between the 0x7e flags, checksum
 * byte last): header layout (quirk 1), body length, checksum.  On error
 * writes a reason to why[whylen]. */
jt808_err jt808_parse_frame(const uint8_t *c, size_t n, jt808_frame *f, char *why, size_t whylen);

/* Unescape (0x7d 0x01 -> 0x7d, 0x7d 0x02 -> 0x7e).  out must hold n bytes.
 * Returns the unescaped length, or (size_t)-1 on a bad escape, with the
 * reason in why. */
size_t jt808_unescape(const uint8_t *in, size_t n, uint8_t *out, char *why, size_t whylen);

/* One decoded location block (0x0200 body, 0x0704 item), JT808.md s.3. */
enum {
    JT808_IT_MILEAGE = 1u << 0,   /* 0x01 */
    JT808_IT_FUEL = 1u << 1,      /* 0x02 */
    JT808_IT_RECSPEED = 1u << 2,  /* 0x03 */
    JT808_IT_EVENT_ID = 1u << 3,  /* 0x04 */
    JT808_IT_OVERSPEED = 1u << 4, /* 0x11 */
    JT808_IT_AREA = 1u << 5,      /* 0x12 */
    JT808_IT_ROUTE = 1u << 6,     /* 0x13 */
    JT808_IT_EXTSIG = 1u << 7,    /* 0x25 */
    JT808_IT_IO = 1u << 8,        /* 0x2a */
    JT808_IT_ANALOG = 1u << 9,    /* 0x2b */
    JT808_IT_RSSI = 1u << 10,     /* 0x30 */
    JT808_IT_SATS = 1u << 11      /* 0x31 */
};

typedef struct jt808_location {
    uint32_t alarm, status;
    uint32_t lat_raw, lon_raw;    /* as sent */
    int32_t lat_e6, lon_e6;       /* signed: S/W bits applied (or two's complement, quirk 8) */
    int32_t altitude_m;           /* WORD read signed (TRC) */
    uint16_t speed_dkmh;          /* 1/10 km/h */
    uint16_t heading;
    uint8_t time_bcd[6];
    bool time_ok;
    int64_t time;                 /* UTC epoch seconds when time_ok */
    unsigned items;               /* JT808_IT_* present */
    unsigned nitems;              /* items read, known or not */
    bool items_truncated;         /* an item ran past the body: stopped there */
    bool twos_complement;         /* coordinates looked two's-complement */
    bool odd_item_len;            /* a known item id with another length (quirk 5): skipped */
    uint32_t mileage_hm;          /* 0x01, 1/10 km */
    uint16_t fuel_dl;             /* 0x02, 1/10 L */
    uint16_t rec_speed_dkmh;      /* 0x03 */
    uint16_t event_id;            /* 0x04 */
    uint8_t overspeed_type;       /* 0x11 */
    uint32_t overspeed_area;
    uint8_t area_type;            /* 0x12 */
    uint32_t area_id;
    uint8_t area_dir;
    uint32_t route_id;            /* 0x13 */
    uint16_t route_time_s;
    uint8_t route_result;
    uint32_t ext_signal;          /* 0x25 */
    uint16_t io;                  /* 0x2a */
    uint32_t analog;              /* 0x2b */
    uint8_t rssi;                 /* 0x30 */
    uint8_t sats;                 /* 0x31 */
    /* 0x14-0x18 and 0x64-0x67 (JT808.md §14); only the counts are reset
     * for each location, so an item-free position costs nothing here */
    rl_safety safety;
    unsigned safety_bad_length;   /* 0x64-0x67 items skipped: length fits no layout of the dialect */
    unsigned safety_bad_time;     /* ... whose time is not a date */
    unsigned safety_dropped;      /* ... past RL_AS_MAX_ITEMS */
} jt808_location;

/* Decode a location block of n bytes.  Returns false (reason in why) when
 * it is shorter than the 28-byte basic block or its time is not a real
 * date; items running past the end only set items_truncated.  Active-
 * safety items are read in the JSATL dialect; jt808_parse_location_in
 * names it. */
bool jt808_parse_location(const uint8_t *b, size_t n, jt808_location *loc, char *why, size_t whylen);
bool jt808_parse_location_in(const uint8_t *b, size_t n, jt808_dialect dialect, jt808_location *loc, char *why,
                             size_t whylen);

/* The length an active-safety item (id 0x64-0x67) must have in a dialect:
 * ADAS/DSM 47 (71), BSD 41 (65), TPMS 41 (65) + 9 per tyre, `tyres` being
 * its count byte.  0 for another id. */
size_t jt808_safety_item_len(uint8_t id, jt808_dialect dialect, unsigned tyres);

/* Local +08:00 BCD YYMMDDhhmmss -> UTC epoch seconds.  false when a nibble
 * is not a digit or the date/time does not exist. */
bool jt808_bcd_time(const uint8_t bcd[6], int64_t *out);

/* Normalise a UTF-8 plate in place as FORMATS.md "Vehicles" says: trim,
 * full-width ASCII -> half-width, drop spaces and '-', U+00B7, U+2022,
 * U+30FB, upper-case Latin.  Returns the new length. */
size_t jt808_plate_normalise(char *s, size_t n);

#endif
