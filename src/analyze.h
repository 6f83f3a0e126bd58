/*
 * analyze.h - from stored records to events.
 *
 * analyze_sink() gives the sink that `roadlog analyze` reads inputs into:
 * positions become fixes on their vehicle, registrations map terminals to
 * plates, weighings wait on their vehicle.  analyze_finish() then settles
 * who each vehicle is (terminal -> plate, unknown colour -> the
 * registry's), joins the registry, and runs the track and the detectors
 * vehicle by vehicle, in output order.
 */
#ifndef RL_ANALYZE_H
#define RL_ANALYZE_H

#include "run.h"

void analyze_sink(rl_run *run, rl_sink *sink);
/* The positions the sink holds back go to their vehicles, before the
 * vehicle table is read (analyze_finish begins with it). */
void analyze_flush(rl_run *run);
/* How ingest_all makes a run for each reading task and puts it back. */
struct ingest_reader;
const struct ingest_reader *analyze_reader(void);
/* The per-vehicle pass runs on run->opt.threads workers, the per-driver
 * pass too; the results are put in output order whatever the threads.
 * False (nothing analysed, the reasons on stderr) when --plate or
 * --company selects no vehicle, or --require-registry finds vehicles the
 * registry does not know. */
bool analyze_finish(rl_run *run);

/* The pieces of analyze_finish that `merge` uses on a run made from
 * outputs: sort run->order (output order) and give each vehicle its rank
 * (UINT32_MAX: not in order; the caller frees); the per-driver pass over
 * run->segs; the events put in order, given their ids, counted on their
 * vehicles. */
uint32_t *analyze_rank(rl_run *run);
void analyze_drivers(rl_run *run, const uint32_t *rank);
void analyze_events(rl_run *run, const uint32_t *rank);

#endif
