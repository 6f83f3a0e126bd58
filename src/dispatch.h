/*
 * dispatch.h - read one input into the run: open it, tell its kind from
 * its content, and drive the right parser into the sink.
 */
#ifndef RL_DISPATCH_H
#define RL_DISPATCH_H

#include <stdbool.h>

#include "run.h"

/* What an input may be: anything; a registry (--registry); or only the
 * JT/T 808 traffic, read for its registrations (decode's first pass: a
 * terminal's plate holds for its positions before the registration). */
typedef enum { WANT_ANY, WANT_REGISTRY, WANT_TERMINALS } want_kind;

/* Read `path` ("-" = stdin).  Returns false when it could not be read at
 * all (the run's exit status becomes 1) or --strict stopped the run. */
bool dispatch_input(rl_run *run, const char *path, const rl_sink *sink, want_kind want);

/* The common reject path: counts, writes rejects.csv (or stderr when
 * there is none), and under --strict reports and stops (returns false). */
bool run_reject(rl_run *run, rl_origin where, const char *reason, const void *raw, size_t raw_len);
/* Sink callbacks every command shares (ud is the rl_run): a rejected
 * record (run_reject), a named counter, a JT/T 808 registration. */
bool run_sink_reject(void *ud, rl_origin where, const char *reason, const void *raw, size_t raw_len);
void run_sink_count(void *ud, const char *what, uint64_t n);
void run_sink_registration(void *ud, const char *phone, size_t phone_len, const char *plate, size_t plate_len,
                           int color, rl_origin where);
/* Open rejects.csv in the output folder and write its header; path NULL:
 * a temporary file (errno set on failure), copied into the output folder
 * once there is something to write there. */
bool run_open_rejects(rl_run *run, const char *path);
/* Sum the sizes of the inputs for the progress bar. */
void run_plan_progress(rl_run *run, char **paths, int n);
void run_progress_done(rl_run *run);

#endif
