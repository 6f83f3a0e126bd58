/*
 * xcheck.h - the terminal cross-check of RULES.md §8: what roadlog found
 * (speeding episodes, fatigue_continuous) against what the vehicle's
 * terminal said (overspeed alarms; fatigue alarms and DSM fatigue), both
 * ways, per vehicle.
 *
 * A pure function of one vehicle's events, so that `analyze` (vehicles.csv,
 * report.html, terminal_silent) and `summary` (over the events.csv of many
 * runs, each event once) count alike.  Two events match when their
 * [start, end] intervals share a moment (ends included: a terminal alarm
 * raised at the position where roadlog's episode ends matches it).
 */
#ifndef RL_XCHECK_H
#define RL_XCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

typedef struct alarm_xcheck {
    uint32_t speeding;            /* roadlog's speeding + night_speeding events */
    uint32_t speeding_alarmed;    /* of which a terminal overspeed alarm overlaps */
    uint32_t overspeed_alarms;    /* terminal_alarm alarm.overspeed events */
    uint32_t overspeed_confirmed; /* of which a speeding event overlaps */
    uint32_t fatigue;             /* roadlog's fatigue_continuous events */
    uint32_t fatigue_alarmed;     /* of which a terminal fatigue alarm overlaps */
    uint32_t fatigue_alarms;      /* terminal_alarm alarm.fatigue + dsm_alarm dsm.fatigue events */
    uint32_t fatigue_confirmed;   /* of which a fatigue_continuous overlaps */
} alarm_xcheck;

/* What an event is to the cross-check. */
typedef enum { XC_NONE, XC_SPEEDING, XC_OVERSPEED_ALARM, XC_FATIGUE, XC_FATIGUE_ALARM } xc_kind;
xc_kind xcheck_kind(event_type type, const char *rule);

typedef struct xc_span {
    int64_t start, end;
    uint8_t kind;                 /* xc_kind */
} xc_span;

/* Count one vehicle's spans (reordered in place; XC_NONE ignored). */
void xcheck_count(xc_span *s, size_t n, alarm_xcheck *out);

/* Add b's counts to a. */
void xcheck_add(alarm_xcheck *a, const alarm_xcheck *b);
/* RULES.md §8: does a vehicle earn terminal_silent?  Its terminal reports
 * an alarm word at all, it has >= min_events speeding episodes and the
 * terminal raised no overspeed alarm (analyze, merge and summary). */
bool xcheck_silent(const alarm_xcheck *xc, bool alarm_word, double min_events);

#endif
