/*
 * ingest.h - the ingest front end: read one input into the run: open it,
 * tell its kind from its content, drive the right parser into the sink,
 * and keep the input's bookkeeping (size, hash, records, rejects) for
 * run.json.
 */
#ifndef RL_INGEST_H
#define RL_INGEST_H

#include <stdbool.h>

#include "rejects.h"
#include "run.h"

/* What an input may be: anything; a registry (--registry); or only the
 * JT/T 808 traffic, read for its registrations (decode's first pass: a
 * terminal's plate holds for its positions before the registration). */
typedef enum { WANT_ANY, WANT_REGISTRY, WANT_TERMINALS } want_kind;

/* Read `path` ("-" = stdin).  Returns false when it could not be read at
 * all (the run's exit status becomes 1) or --strict stopped the run. */
bool ingest_input(rl_run *run, const char *path, const rl_sink *sink, want_kind want);

/* Sum the sizes of the inputs for the progress bar. */
void run_plan_progress(rl_run *run, char **paths, int n);
void run_progress_done(rl_run *run);

#endif
