/*
 * spill.h - a memory budget for buffered fixes (RUNS.md §1, --memory).
 *
 * Readers buffer every fix on its vehicle until the per-vehicle pass.
 * Past the budget, a reader writes what it holds to a temporary file in
 * --tmp: vehicle by vehicle, each vehicle's fixes sorted in time (a
 * sorted run), compressed with LZ4, and frees it.  Before a vehicle's
 * pass its spilled fixes are read back onto it, from every file, and the
 * stream merges them with what stayed in memory: the order of the fixes
 * (time, then input order) is total, so the outputs are the same however
 * much was spilled, and when.
 *
 * Temporary files are unlinked as soon as they are made and only their
 * descriptors kept: they are gone at exit whatever ends the process, an
 * error, SIGINT, SIGTERM or SIGKILL.  A write that fails (no space) says
 * so and exits 1 (RUNS.md: "cannot write temporary data to DIR: ...").
 *
 * Blocks are keyed by the vehicle as its reader knew it (plate or phone,
 * colour), so a vehicle read by several threads, or merged later with the
 * vehicle of its terminal or of its unknown colour (spill_rekey), finds
 * all of its blocks.  Drivers are written as strings of the spill's own
 * table, made ids of the run's strings once reading is over.
 */
#ifndef RL_SPILL_H
#define RL_SPILL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strtab.h"
#include "vehicle.h"

typedef struct spill spill;

/* budget: bytes of buffered fixes the readers may hold together. */
spill *spill_new(uint64_t budget, const char *tmp_dir, unsigned readers);
void spill_free(spill *sp);

/* A reader buffered `bytes` more (its own count in *own): true when it
 * should spill what it holds now. */
bool spill_charge(spill *sp, uint64_t *own, uint64_t bytes);
/* A reader's buffered fixes were freed (a reading thrown away). */
void spill_release(spill *sp, uint64_t *own);
/* A reader is done: true when what it still holds should go too (the
 * readers together are past half the budget). */
bool spill_at_end(const spill *sp, uint64_t own);
/* Write every buffered fix of the table's vehicles (strings of `str`) to
 * a new temporary file and free them; the vehicles count them in
 * nspilled.  *own goes back to 0.  `owner` tags the blocks with the
 * reader that wrote them (spill_owner; 0 for the run itself), so that a
 * reading thrown away (a byte range a quoted row ran into) takes its
 * blocks with it (spill_forget).  Thread-safe. */
void spill_out(spill *sp, vtable *vt, const strtab *str, uint64_t *own, uint32_t owner);
uint32_t spill_owner(spill *sp);
void spill_forget(spill *sp, uint32_t owner);

/* After reading, single-threaded: the blocks of vehicle `from` belong to
 * vehicle `to` (an identity resolved: terminal to plate, unknown colour
 * to the registry's). */
void spill_rekey(spill *sp, const char *from_label, int from_color, bool from_phone, const char *to_label,
                 int to_color, bool to_phone);
/* After reading, single-threaded: spilled drivers become ids of `str`. */
void spill_settle(spill *sp, strtab *str);
/* Put the spilled fixes of the vehicle (as now labelled) back on it;
 * thread-safe between vehicles once settled.  False on a read error. */
bool spill_load(const spill *sp, const char *label, int color, bool by_phone, rl_vehicle *v);

/* Bytes written to temporary files (run.json spilled_bytes). */
uint64_t spill_bytes(const spill *sp);
uint64_t spill_budget(const spill *sp);

#endif
