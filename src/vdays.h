/*
 * vdays.h - day statistics: one row per vehicle and local day
 * (vehicle_days.csv, FORMATS.md) and the vehicle's totals (vehicles.csv).
 *
 * The per-vehicle pass fills them as the track streams past: points and
 * their classes (track.c), distance and driving split at local midnight
 * (analyze.c), rests and stints (detect_fatigue.c), weighings
 * (detect_weigh.c).  Each worker of the pass keeps its own vday_list; the
 * rows of one vehicle are contiguous in it, sorted by day, and the lists
 * are put together in output order when every vehicle is done.
 */
#ifndef RL_VDAYS_H
#define RL_VDAYS_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "xcheck.h"

/* One local day of one vehicle (vehicle_days.csv). */
typedef struct rl_vday {
    uint32_t vehicle;
    int64_t day;             /* local day number */
    uint64_t points, valid, drift, gaps, accepted;
    /* Distances in whole millimetres: sums of integers are the same in
     * any order and in any cut of the work (threads, a --resume chain),
     * which sums of doubles are not.  Written in km to the metre
     * (vdays_m). */
    int64_t distance_mm;
    int64_t gap_mm;          /* of which across gaps (轨迹完整率 in summary) */
    int64_t driving_s;
    int32_t max_speed_mkmh;  /* accepted fixes; -1 when none */
    int64_t first, last;     /* first/last point (after duplicates) */
    /* fatigue (detect_fatigue.c) */
    uint32_t rests;
    int64_t longest_stint_s;
    /* weighbridge (detect_weigh.c) */
    uint32_t weighings;
    int64_t heaviest_gross_kg;  /* -1 when none */
    int64_t worst_excess_kg;    /* -1 when none */
} rl_vday;

/* Per-vehicle totals (vehicles.csv). */
typedef struct rl_vstats {
    uint64_t points, valid, drift, duplicates, accepted;
    int64_t distance_mm;
    int64_t driving_s;
    int32_t max_speed_mkmh;
    int64_t first, last;
    uint32_t events[EV_TYPE_COUNT];
    uint32_t nevents;
    int64_t penalty_points;  /* sum of the events' severity points */
    uint32_t weighings;
    int64_t heaviest_gross_kg, worst_excess_kg;
    alarm_xcheck xc;         /* the terminal cross-check (RULES.md §8, xcheck.h) */
} rl_vstats;

/* Millimetres to whole metres, half away from zero (km to 3 decimals). */
static inline int64_t vdays_m(int64_t mm) { return mm >= 0 ? (mm + 500) / 1000 : -((-mm + 500) / 1000); }
/* A great-circle distance in km as millimetres. */
int64_t vdays_mm(double km);

/* Rows of several vehicles, one vehicle after the other. */
typedef struct vday_list {
    rl_vday *d;
    size_t n, cap;
    size_t first;            /* first row of the vehicle being analysed */
} vday_list;

/* The rows that follow belong to the next vehicle analysed. */
void vdays_vehicle_begin(vday_list *l);
/* The row of (vehicle, local day), made when missing; the vehicle is the
 * one being analysed.  The pointer holds until the next call. */
rl_vday *vdays_get(vday_list *l, uint32_t vidx, int64_t day);
/* Append every row of src to dst. */
void vdays_append(vday_list *dst, const vday_list *src);
void vdays_free(vday_list *l);

#endif
