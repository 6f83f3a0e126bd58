/*
 * track.h - one vehicle's fixes made into a track (RULES.md §1).
 *
 * track_run reads the vehicle's fixes in time order and, for each second,
 * keeps one copy (a valid one if any, else the first in input order);
 * marks fixes failing track.invalid; drops drift (implied speed above
 * track.drift_kmh over more than track.drift_min_km from the previous
 * accepted fix, until the N-th such fix in a row re-anchors the track);
 * and hands every accepted fix to the detectors with the interval that
 * ends at it: its duration, great-circle length, whether it is a gap and
 * whether it counts as driving.  A fix without a driver inherits the
 * vehicle's last known driver (RULES.md §3).
 */
#ifndef RL_TRACK_H
#define RL_TRACK_H

#include <stdbool.h>
#include <stdint.h>

#include "rules.h"
#include "vehicle.h"

typedef struct rl_interval {
    rl_fix a, b;     /* consecutive accepted fixes */
    int64_t dt;      /* b.time - a.time, > 0 */
    double dist_km;  /* haversine, R = 6371.0088 km */
    bool gap;        /* dt > track.gap_s */
    bool driving;    /* RULES.md §1 "Intervals" */
} rl_interval;

typedef enum { PT_ACCEPTED, PT_INVALID, PT_DRIFT } point_kind;

typedef struct track_hooks {
    void *ud;
    /* Every point that survives duplicate removal, with its class. */
    void (*point)(void *ud, const rl_fix *f, point_kind k);
    /* A fix dropped as a duplicate of another in the same second. */
    void (*duplicate)(void *ud, const rl_fix *f);
    /* An accepted fix and the interval ending at it (NULL for the first). */
    void (*accepted)(void *ud, const rl_fix *f, const rl_interval *iv);
} track_hooks;



typedef struct track_counts {
    uint64_t points, duplicates, invalid, drift, accepted;
} track_counts;

/* What the track keeps from one fix to the next: plain data, so a
 * --resume chain can carry it to the next run (RUNS.md §2). */
typedef struct track_mem {
    bool have_ref;
    rl_fix ref;            /* last accepted fix */
    double ref_cos;        /* cos of its latitude */
    unsigned drift_run;    /* drift fixes in a row since ref */
    uint32_t last_driver;
} track_mem;

/* Cutting a vehicle's track for a --resume chain (NULL: the whole track
 * from a fresh start). */
typedef struct track_cut {
    track_mem *mem;        /* in: where the track stood (zero: nowhere yet); out: where it ends */
    /* Called once, before the first fix at or after `checkpoint` is
     * processed (or at the end when none is): every state then stands as
     * the fixes before it left it. */
    int64_t checkpoint;
    void (*at_checkpoint)(void *ud, const track_mem *m, const track_counts *so_far);
    /* Fixes earlier than this are not part of the track (late rows older
     * than a carry): handed to `late` instead. */
    int64_t late_before;
    void (*late)(void *ud, const rl_fix *f);
} track_cut;

void track_run(rl_vehicle *v, const rl_rules *r, const track_hooks *h, track_counts *counts, const track_cut *cut);

/* Great-circle distance in km between two points in 1e-6 degrees. */
double haversine_km(int32_t lat1, int32_t lon1, int32_t lat2, int32_t lon2);
/* The same with cos(latitude) of both points already known. */
double haversine_km_cos(int32_t lat1, int32_t lon1, double cos1, int32_t lat2, int32_t lon2, double cos2);
double lat_cos(int32_t lat_e6);

/* Does a position fail track.invalid (range) or have status bit 1 = 0? */
bool track_is_invalid(const rl_rules *r, int32_t lat_e6, int32_t lon_e6, int32_t speed_mkmh, bool have_status,
                      uint32_t status);

#endif
