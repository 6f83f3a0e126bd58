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
 * What a terminal's own alarm equipment said with a position (JT808.md
 * §14): the JT/T 1078 video items 0x14-0x18 and the active-safety items
 * 0x64 ADAS, 0x65 DSM, 0x66 TPMS, 0x67 BSD (T/JSATL 12-2017 §4.4 "苏标",
 * T/GDRTA 002-2020 §5.4 "广东标").  Only JT/T 808 input has them; most
 * positions have none, and then rl_position.safety is NULL.
 */
typedef enum { RL_AS_ADAS, RL_AS_DSM, RL_AS_TPMS, RL_AS_BSD, RL_AS_KINDS } rl_as_kind;

/* Start/end flag of an active-safety alarm: 0 not applicable (a point
 * alarm), 1 start, 2 end. */
enum { RL_AS_FLAG_NONE = 0, RL_AS_FLAG_START = 1, RL_AS_FLAG_END = 2 };

/* 0x66 carries 41 + 9n bytes (JSATL) in an item of at most 255: 23 tyres. */
#define RL_AS_MAX_TYRES 23
/* Items kept per position; a real position carries one of each id at
 * most, more are counted and dropped. */
#define RL_AS_MAX_ITEMS 4

typedef struct rl_tyre {
    uint8_t position;      /* from the front left wheel, zig-zag */
    uint16_t alarm;        /* type bits: 0 periodic report, 1 high, 2 low, 3 hot, 4 sensor, 5 imbalance, 6 slow leak, 7 battery */
    uint16_t kpa;
    int16_t celsius;
    uint16_t battery_pct;
} rl_tyre;

typedef struct rl_as_item {
    uint8_t kind;          /* rl_as_kind */
    uint8_t flag;          /* RL_AS_FLAG_* */
    uint8_t type;          /* ADAS, DSM, BSD alarm type code; 0 for TPMS */
    uint8_t level;         /* ADAS, DSM: 1 or 2 */
    uint8_t fatigue;       /* DSM: fatigue degree (1-10 JSATL, 1-9 GDRTA) */
    uint8_t lead_speed_kmh, headway_ds, ldw_side, sign_type, sign_value; /* ADAS */
    uint8_t speed_kmh;     /* base block: speed BYTE */
    uint8_t seq, attachments;
    uint8_t ntyres;        /* TPMS tyres in tyres[] */
    uint8_t terminal_id_len;
    uint16_t altitude_m;
    uint16_t vstatus;      /* base block vehicle-status WORD */
    uint32_t alarm_id;
    int32_t lat_e6, lon_e6;
    int64_t time;          /* the item's own time (base block), UTC */
    char terminal_id[31];  /* alarm identification: terminal id, trimmed */
    rl_tyre tyres[RL_AS_MAX_TYRES];
} rl_as_item;

/* JT/T 1078-2016 table 13 items present: bits of rl_video.have. */
enum {
    RL_VIDEO_ALARM = 1u << 0,       /* 0x14 video alarm bits DWORD */
    RL_VIDEO_SIGNAL_LOSS = 1u << 1, /* 0x15 channels, DWORD */
    RL_VIDEO_OCCLUSION = 1u << 2,   /* 0x16 channels, DWORD */
    RL_VIDEO_STORAGE = 1u << 3,     /* 0x17 storage faults, WORD */
    RL_VIDEO_DRIVING = 1u << 4,     /* 0x18 abnormal driving, WORD (+ fatigue degree BYTE) */
};

typedef struct rl_video {
    unsigned have;         /* RL_VIDEO_* */
    uint32_t alarm, signal_loss, occlusion;
    uint16_t storage, driving;
    uint8_t fatigue;       /* 0x18's third byte when sent (0 otherwise) */
} rl_video;

typedef struct rl_safety {
    rl_video video;
    unsigned nitems;
    rl_as_item items[RL_AS_MAX_ITEMS];
} rl_safety;

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
    const rl_safety *safety; /* JT/T 808 video and active-safety items, or NULL */
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
