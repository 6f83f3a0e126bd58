/*
 * record.h - the records that flow from parsers to the analysis.
 *
 * A parser (parsers/) turns bytes into these records and hands them to an
 * rl_sink (src/ingest.h).  Everything here is plain data: fixed-point where
 * the domain is fixed-point (JT/T 808 gives 1e-6 degrees and 0.1 km/h), time
 * as UTC seconds since the epoch.  Local time only exists at the edges.
 */
#ifndef RL_RECORD_H
#define RL_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Where a record came from: the input's index in the run (16 bits) and a
 * position inside it (48 bits): a physical line number for CSV (the header
 * is line 1), a byte offset for raw JT/T 808, a packet number for pcap.
 * Which of the three is a property of the input (rl_loc_kind).  The packing
 * also orders records by input order: file given first, then position.
 */
typedef uint64_t rl_origin;
#define RL_ORIGIN(file, pos) (((uint64_t)(file) << 48) | ((uint64_t)(pos) & 0xFFFFFFFFFFFFull))
#define RL_ORIGIN_FILE(o) ((unsigned)((uint64_t)(o) >> 48))
#define RL_ORIGIN_POS(o) ((uint64_t)(o) & 0xFFFFFFFFFFFFull)
#define RL_MAX_INPUTS 65535

typedef enum { RL_LOC_LINE, RL_LOC_OFFSET, RL_LOC_PACKET } rl_loc_kind;

/* Plate colour codes, JT/T 808 / JT/T 415 (FORMATS.md "Vehicles"). */
enum {
    RL_COLOR_UNKNOWN = 0,
    RL_COLOR_BLUE = 1,
    RL_COLOR_YELLOW = 2,
    RL_COLOR_BLACK = 3,
    RL_COLOR_WHITE = 4,
    RL_COLOR_GREEN = 5,
    RL_COLOR_OTHER = 9
};

/* Optional fields of a position: bits of rl_position.have. */
enum {
    RL_HAVE_HEADING = 1u << 0,
    RL_HAVE_ALTITUDE = 1u << 1,
    RL_HAVE_STATUS = 1u << 2,
    RL_HAVE_ALARM = 1u << 3,
    RL_HAVE_MILEAGE = 1u << 4
};

/* JT/T 808 status bit 1: 1 = position fixed (JT808.md section 3). */
#define RL_STATUS_FIXED (1u << 1)

/*
 * One decoded position, with every detail `roadlog decode` prints.
 * Strings point into parser-owned memory valid only during the callback.
 */
typedef struct rl_position {
    rl_origin origin;
    int64_t time;          /* UTC seconds since the epoch */
    int32_t lat_e6;        /* degrees x 1e6, south negative */
    int32_t lon_e6;        /* degrees x 1e6, west negative */
    int32_t speed_mkmh;    /* km/h x 1000 (clamped to the int32 range) */
    int32_t heading;       /* degrees, when RL_HAVE_HEADING */
    int32_t altitude_m;    /* metres, when RL_HAVE_ALTITUDE */
    uint32_t status;       /* JT/T 808 status word, when RL_HAVE_STATUS */
    uint32_t alarm;        /* JT/T 808 alarm word, when RL_HAVE_ALARM */
    int64_t mileage_m;     /* odometer in metres, when RL_HAVE_MILEAGE */
    unsigned have;         /* RL_HAVE_* bits */
    int color;             /* RL_COLOR_*; 0 when unknown */
    const char *plate;     /* normalised plate (UTF-8) or NULL when unknown */
    size_t plate_len;
    const char *phone;     /* terminal phone (JT/T 808), digits, or NULL */
    size_t phone_len;
    const char *driver;    /* driver identity (qualification code) or NULL */
    size_t driver_len;
} rl_position;

/* Maximum per-axle weights a weighing carries. */
#define RL_MAX_AXLES 12

/* One weighbridge or weigh-in-motion record (FORMATS.md section 4). */
typedef struct rl_weighing {
    rl_origin origin;
    int64_t time;          /* UTC seconds since the epoch */
    const char *station;   /* station id/name or NULL */
    size_t station_len;
    const char *plate;     /* normalised plate */
    size_t plate_len;
    int color;
    int axles;
    int64_t gross_kg;
    int32_t axle_kg[RL_MAX_AXLES];
    int naxle_kg;          /* number of per-axle weights given, 0 if none */
    bool wim;              /* weigh-in-motion (else static) */
    int32_t speed_mkmh;    /* WIM speed, when have_speed */
    bool have_speed;
    int passengers;        /* -1 when not given */
    bool have_pos;         /* station position given */
    int32_t lat_e6, lon_e6;
} rl_weighing;

#endif
