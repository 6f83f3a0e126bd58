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
/* False (nothing analysed, the reasons on stderr) when --plate or
 * --company selects no vehicle, or --require-registry finds vehicles the
 * registry does not know. */
bool analyze_finish(rl_run *run);

/* Day statistics of a vehicle (vehicle_days.csv), kept sorted by day in
 * run->vdays; the current vehicle's days are the last ones. */
rl_vday *vday_get(rl_run *run, uint32_t vidx, int64_t day);

#endif
