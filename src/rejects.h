/*
 * rejects.h - rejects.csv and the reject path (FORMATS.md "rejects.csv").
 */
#ifndef RL_REJECTS_H
#define RL_REJECTS_H

#include <stdbool.h>
#include <stddef.h>

#include "run.h"

/* Open rejects.csv in the output folder and write its header. */
bool run_open_rejects(rl_run *run, const char *path);
/* The common reject path: counts, writes rejects.csv (or stderr when
 * there is none), and under --strict reports and stops (returns false). */
bool run_reject(rl_run *run, rl_origin where, const char *reason, const void *raw, size_t raw_len);
/* The same as an rl_sink callback (ud is the rl_run). */
bool run_sink_reject(void *ud, rl_origin where, const char *reason, const void *raw, size_t raw_len);

#endif
