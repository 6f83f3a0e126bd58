/*
 * rules.h - every number a detector uses, in one table.
 *
 * Each rule has an id (as `roadlog rules` prints it and a rules file sets
 * it), a default from RULES.md, and the regulation or practice behind it.
 * Detectors read rl_rules; none hard-codes a threshold.
 */
#ifndef RL_RULES_H
#define RL_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum {
    R_TRACK_LON_MIN, R_TRACK_LON_MAX, R_TRACK_LAT_MIN, R_TRACK_LAT_MAX, R_TRACK_SPEED_MAX_KMH,
    R_TRACK_DRIFT_KMH, R_TRACK_DRIFT_MIN_KM, R_TRACK_REANCHOR_N, R_TRACK_MOVING_KMH, R_TRACK_GAP_S,
    R_SPEEDING_COACH, R_SPEEDING_CHARTER, R_SPEEDING_HAZMAT, R_SPEEDING_MUCK,
    R_SPEEDING_HEAVY_TRUCK, R_SPEEDING_TRUCK, R_SPEEDING_OTHER,
    R_SPEEDING_NIGHT_FACTOR, R_SPEEDING_MIN_DURATION_S, R_SPEEDING_DEFAULT_ROAD,
    R_FATIGUE_REST_MIN_S, R_FATIGUE_CONTINUOUS_MAX_S, R_FATIGUE_NIGHT_CONTINUOUS_MAX_S,
    R_FATIGUE_DAILY_MAX_S,
    R_NIGHT_WINDOW, R_NIGHT_BAN_WINDOW, R_NIGHT_BAN_MIN_DRIVING_S,
    R_GAP_EVENT_MIN_S, R_GAP_EVENT_MIN_KM,
    R_OVERLIMIT_AXLES_2, R_OVERLIMIT_AXLES_3, R_OVERLIMIT_AXLES_4, R_OVERLIMIT_AXLES_5,
    R_OVERLIMIT_AXLES_6,
    R_WEIGH_WIM_TOLERANCE_PCT, R_WEIGH_STATIC_TOLERANCE_PCT,
    R_AXLE_STEER_KG, R_AXLE_OTHER_KG,
    R_WEIGH_GPS_WINDOW_S, R_WEIGH_MISMATCH_KM,
    R_JT808_DIALECT, R_ALARM_SILENT_MIN_EVENTS, R_ALARM_PAIR_MAX_S,
    R_ZONE_MIN_S, R_ZONE_BUFFER_M,
    R_COUNT
} rule_id;

/* Values of R_JT808_DIALECT (a rule set by name: jsatl | gdrta), the
 * active-safety dialect of JT808.md §14; equal to jt808_dialect. */
enum { RULE_DIALECT_JSATL = 0, RULE_DIALECT_GDRTA = 1 };

/* Rules without a number to set (the registry or the law gives it) that
 * weighbridge events name in their `rule` column; rules_print lists them
 * in the weighbridge section so that `roadlog rules` shows every id an
 * event can carry. */
#define RULE_ID_OVERLIMIT_MAX_GROSS "overlimit.max_gross_kg"
#define RULE_ID_OVERLOAD_RATED_LOAD "overload.rated_load_kg"
#define RULE_ID_OVERLOAD_MAX_GROSS "overload.max_gross_kg"
#define RULE_ID_CAPACITY_SEATS "capacity.seats"
/* Events a zone gave or whose limit it set carry "zone:ID" (ZONES.md). */
#define RULE_ID_ZONE_PREFIX "zone:"

/* Vehicle classes (FORMATS.md §5). */
typedef enum {
    CLASS_COACH, CLASS_CHARTER, CLASS_HAZMAT, CLASS_MUCK, CLASS_HEAVY_TRUCK, CLASS_TRUCK,
    CLASS_OTHER, CLASS_COUNT
} vehicle_class;

const char *class_name(vehicle_class c);     /* "coach" */
const char *class_name_zh(vehicle_class c);  /* "班线客车" */
/* Parse a class name, English or Chinese; false when unknown. */
bool class_parse(const char *s, size_t n, vehicle_class *c);
/* Coaches and charters: night speed factor, night ban, night/daily fatigue. */
static inline bool class_is_passenger(vehicle_class c) { return c == CLASS_COACH || c == CLASS_CHARTER; }

/* A time-of-day window [start, end) in seconds since local midnight;
 * start > end wraps past midnight (22:00-06:00). */
typedef struct {
    int32_t start_s, end_s;
} rl_window;

static inline bool window_contains(rl_window w, int32_t sod)
{
    return w.start_s <= w.end_s ? (sod >= w.start_s && sod < w.end_s)
                                : (sod >= w.start_s || sod < w.end_s);
}

typedef struct rl_rules {
    double v[R_COUNT];      /* numeric rules */
    rl_window night;        /* R_NIGHT_WINDOW */
    rl_window night_ban;    /* R_NIGHT_BAN_WINDOW */
    bool set[R_COUNT];      /* overridden by a rules file */
} rl_rules;

/* Parse "HH:MM-HH:MM" (also with an en dash or '~'); start == end is no
 * window, except "00:00-24:00", which sets *all_day (when all_day is not
 * NULL) and the window [0, 0). */
bool window_parse(const char *s, rl_window *w, bool *all_day);

void rules_defaults(rl_rules *r);
/* Id text of a rule ("speeding.hazmat"). */
const char *rule_name(rule_id id);
/* Rules whose value is text, not a number: the windows and the dialect
 * (run.json quotes them). */
bool rule_is_text(rule_id id);
/* The regulation or practice behind a rule, by its id text
 * ("speeding.hazmat" -> "危险货物道路运输安全管理办法 (2019) art. 46");
 * also the ids terminal alarm events carry ("alarm.overspeed",
 * "dsm.phone", "dsm.code_0x21": src/alarmcode.h); NULL for an unknown
 * id.  For the reports' "regulation" column. */
const char *rule_basis(const char *id_text);
/* The speeding rule of a class. */
rule_id rule_speeding_for(vehicle_class c);
/* Load overrides from a rules file.  Returns false with a message naming
 * file:line and the problem (unknown id, bad value) in err. */
bool rules_load(rl_rules *r, const char *path, char *err, size_t errlen);
/* Set one rule from text ("id", "value"); false with a reason in err. */
bool rules_set(rl_rules *r, const char *id, const char *value, char *err, size_t errlen);
/* Print every rule in rules-file syntax with its basis as a comment. */
void rules_print(const rl_rules *r, FILE *out);
/* Format the value of a rule as the rules file writes it. */
void rules_format_value(const rl_rules *r, rule_id id, char *out, size_t n);
/* speeding.default_road: the road type (event.h road_type) of fixes
 * outside every road zone (ZONES.md). */
int rules_default_road(const rl_rules *r);

#endif
