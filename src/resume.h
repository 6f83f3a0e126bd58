/*
 * resume.h - a run of a --resume chain (RUNS.md §2): what it takes from
 * the carry of the run before, and what it leaves in its own.
 *
 * Each vehicle's record holds where the vehicle stood 24 hours before its
 * last fix (the checkpoint): the track and every detector's state (plain
 * structs, their strings and vehicles named, not numbered), the vehicle's
 * fixes and weighings since, the events its pass gave since, and what its
 * days and totals summed since.  The next run puts those fixes back with
 * the new ones, starts the vehicle from the checkpoint and goes on: fixes
 * of the new run that fall inside the carried 24 hours (blind-area
 * uploads) join the timeline; events it gives again unchanged are not
 * written again, changed ones are (the latest run stands), and carried
 * ones it no longer gives come out `withdrawn`; days and totals are
 * written as what this run adds (merge and summary add the runs up).
 * Drivers likewise: the walk at the driver's checkpoint, the segments
 * since, the fatigue events since.  Registrations and the input files that
 * carried sources name go along too.
 */
#ifndef RL_RESUME_H
#define RL_RESUME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "carry.h"
#include "detect.h"
#include "track.h"
#include "vdays.h"

struct rl_run;

/* A vehicle's day in a carry: what the run summed since the checkpoint
 * (d: the counts and sums; the highest and first/last as written), and the
 * whole day's distances so far, for written metres that add up exactly
 * (vdays_m of the running total, less what was written before). */
typedef struct resume resume;

typedef struct vday_carry {
    rl_vday d;
    int64_t cum_distance_mm, cum_gap_mm;
} vday_carry;

/* What a vehicle takes from the carry, and what its pass leaves for it. */
typedef struct vcarry {
    int64_t tmax, checkpoint;
    track_mem track;
    speeding_state speeding;
    nightban_state nightban;
    fatigue_vstate fatigue;
    alarm_vstate alarm;
    zone_vstate zone;        /* ZONES.md runs open at the checkpoint */
    vday_carry *days;        /* sorted by day */
    size_t ndays;
    rl_vstats vs;            /* sums since the checkpoint */
    int64_t vs_cum_distance_mm;
    rl_event *events;        /* the events the pass gave after the checkpoint */
    size_t nevents;
    /* saving: the fixes since the checkpoint, encoded as they pass
     * (resume_keep_fix; deltas, a few bytes a fix) */
    cbuf fixes;
    size_t nfixes;
    rl_fix prev_fix;
    uint32_t prev_driver;    /* of prev_fix, this run's id */
    uint32_t prev_driver_cs; /* and the carry's */
} vcarry;

void vcarry_free(vcarry *c);

/* A fix for the carry: appended to c->fixes (thread-safe). */
void resume_keep_fix(resume *rs, const struct rl_run *run, vcarry *c, const rl_fix *f);


/* `roadlog analyze --resume PREV`: open and check PREV's carry, put its
 * source files first in the run's input table, its registrations in.
 * NULL with the reason; *usage: other rules, zone or version (exit 2). */
resume *resume_open(struct rl_run *run, const char *prev_dir, char *err, size_t errlen, bool *usage);
/* Every run writes a carry: this one's (`rs` may come from resume_open,
 * or NULL for a run that starts a chain).  `workers` of the vehicle pass. */
resume *resume_for_output(resume *rs, struct rl_run *run, const char *carry_dir, unsigned workers, char *err,
                          size_t errlen);
void resume_free(resume *rs);

/* After the identities are settled: the carried vehicles in the table
 * (made when this run has none of their data), marked with their record. */
void resume_bind(resume *rs, struct rl_run *run);
/* The carried record of vehicle v, its fixes and weighings put back on v.
 * False when it has none (or cannot be read: counted). */
bool resume_vehicle_load(const resume *rs, const struct rl_run *run, rl_vehicle *v, uint32_t vidx, vcarry *in,
                         rl_counters *counters);
/* Write vehicle v's record (from worker w of the pass). */
void resume_vehicle_save(resume *rs, unsigned worker, const struct rl_run *run, const rl_vehicle *v, const vcarry *out,
                         const alarm_feed *alarms);
/* The per-driver pass's hooks. */
const fatigue_resume *resume_driver_hooks(resume *rs);
/* The rest of the carry and its manifest: true when written (errno). */
bool resume_finish(resume *rs, struct rl_run *run);
/* The place in the chain of the run resumed from (0: none). */
unsigned resume_chain_seq(const resume *rs);
/* The latest time of the run and the runs before it. */
int64_t resume_data_end(const resume *rs, int64_t data_end);
const char *resume_prev_run_id(const resume *rs);

/* The events a resumed pass gave (e[from..]) against those the carry had
 * for the same vehicle or driver: given again unchanged are dropped,
 * changed stay (the new version), carried ones not given again are added
 * as withdrawn. */
void resume_compare(rl_events *ev, size_t from, const rl_event *prev, size_t nprev);
/* Two versions of an event: the same in every column. */
bool resume_same_event(const rl_event *a, const rl_event *b);

#endif
