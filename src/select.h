/*
 * select.h - `--plate` and `--company`: which vehicles a run looks at
 * (issue 11).
 *
 * Both options repeat and take comma lists (`--plate A,B --plate C`).
 * Plates are normalised as the inputs' plates are (FORMATS.md
 * "Vehicles") and match exactly.  A company (业户名称) matches a known
 * name exactly, else the one known name that contains it, with a note
 * saying which (operators type 苏运渣土 for 苏州市苏运渣土运输有限公司).
 *
 * A selector that matches nothing is an error naming the nearest names
 * (edit distance in characters): a report of "0 violations" for a plate
 * mistyped or a company not in the data reads as a clean record, which is
 * the one answer a self-check must never give by accident.  So are a
 * company name contained in several names (they are listed) and a
 * --plate/--company pair whose vehicles do not meet.
 *
 * Use: sel_add_* while parsing options; sel_resolve_companies once the
 * known names (the registry's, or the outputs') are read; then sel_begin,
 * sel_check for every vehicle of the data, sel_end to report selectors
 * that matched no vehicle.  Messages go to `msg` prefixed "roadlog CMD: ".
 */
#ifndef RL_SELECT_H
#define RL_SELECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "strtab.h"

typedef struct sel_list {
    char **v;
    size_t n;
    char *joined;            /* "A, B" for titles and run.json; NULL when empty */
} sel_list;

/* Add the plates of "A,B" (each normalised).  NULL, or a reason naming
 * the plate that is not one. */
const char *sel_add_plates(sel_list *l, const char *arg, char *why, size_t cap);
/* Add the names of "A,B" (trimmed; empty items ignored). */
void sel_add_names(sel_list *l, const char *arg);
bool sel_has(const sel_list *l, const char *s);
void sel_free(sel_list *l);

/* The distinct, non-empty names among n string ids (0 = none), in first
 * seen order, into out (room for n); returns how many. */
size_t sel_distinct_names(const strtab *str, const uint32_t *ids, size_t n, const char **out);

/* Replace each company of l by the known name it stands for: the same
 * name, else the one known name containing it (a note on msg unless
 * quiet).  False, with every problem on msg, when a name matches none
 * (the nearest are listed) or is contained in several (listed). */
bool sel_resolve_companies(sel_list *l, const char *const *known, size_t nknown, const char *cmd, bool quiet,
                           FILE *msg);

/* Up to `max` known names nearest to `want`: their indices in out;
 * returns the count.  Nearness is the edit distance in Unicode characters
 * to the best-matching stretch of the name, then to the whole name, then
 * name order; a name needing more edits than a third of `want` (one at
 * least) is not near. */
size_t sel_nearest(const char *want, const char *const *known, size_t nknown, size_t *out, size_t max);

/* Which vehicles a selection takes, and which selectors took none. */
typedef struct sel_ctx {
    const sel_list *plates, *companies;
    uint32_t *plate_hits, *company_hits;
    const char **labels;     /* every vehicle label offered (for the nearest plates) */
    size_t nlabels, caplabels;
    size_t selected;
} sel_ctx;

void sel_begin(sel_ctx *s, const sel_list *plates, const sel_list *companies);
/* Is the vehicle (label = plate or terminal phone; company NULL when
 * unknown) selected?  Counts the hits of each selector. */
bool sel_check(sel_ctx *s, const char *label, const char *company);
/* False, with the reasons on msg, when a selector took no vehicle. */
bool sel_end(const sel_ctx *s, const char *cmd, FILE *msg);
void sel_ctx_free(sel_ctx *s);

#endif
