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
 * terminal's plate holds for its positions before the registration);
 * or what says which plate a terminal is (shard's first pass: JT/T 808
 * registrations and registries, other tables left after their header
 * and the input's size and hash not taken). */
typedef enum { WANT_ANY, WANT_REGISTRY, WANT_TERMINALS, WANT_IDENTITIES } want_kind;

/* Read `path` ("-" = stdin).  Returns false when it could not be read at
 * all (the run's exit status becomes 1) or --strict stopped the run. */
bool ingest_input(rl_run *run, const char *path, const rl_sink *sink, want_kind want);

/* Reading inputs side by side: each task reads into a run of its own,
 * made by `open` (with the sink that stores into it), and put into the
 * run (keep) or thrown away by `close`, in input order. */
typedef struct ingest_reader {
    void *ud;
    rl_run *(*open)(void *ud, rl_run *run, rl_sink *sink);
    /* the task reading into it is done (on the task's thread) */
    void (*done)(void *ud, rl_run *shadow);
    void (*close)(void *ud, rl_run *run, rl_run *shadow, bool keep);
} ingest_reader;

/* Read every input, on run->opt.threads threads (RUNS.md §1): large plain
 * CSV files in byte ranges, other GPS and weighbridge tables whole, side
 * by side; registries, JT/T 808, pcap and stdin in input order on the run
 * itself.  The run ends up as reading the inputs one after the other on
 * one thread makes it, rejects.csv included.  One thread, --strict or no
 * reader: one input after the other with `sink`.  False as ingest_input. */
bool ingest_all(rl_run *run, const rl_sink *sink, const ingest_reader *rd, char **paths, int npaths);

/* Sum the sizes of the inputs for the progress bar. */
void run_plan_progress(rl_run *run, char **paths, int n);
void run_progress_done(rl_run *run);

#endif
