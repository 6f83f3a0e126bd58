/*
 * csvtable.h - reading a CSV file that roadlog wrote (events.csv,
 * vehicles.csv, vehicle_days.csv) by column name.
 *
 * Columns are found by their header names, so columns added later
 * (FORMATS.md: "more may follow") and older outputs without some column
 * both read; a missing column reads as empty.  The reading itself is the
 * project's CSV reader (parsers/csvin, libcsv underneath).  `roadlog
 * summary` and `roadlog ledger import` read outputs through it.
 */
#ifndef RL_CSVTABLE_H
#define RL_CSVTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csvin.h"

#define CSVTABLE_MAXCOL 40

typedef struct csvtable {
    const char *const *want;     /* column names, NULL-terminated */
    int col[CSVTABLE_MAXCOL];    /* index in the row, -1 when absent */
    /* A data row; false stops the reading. */
    bool (*row)(struct csvtable *t, const csv_row *r);
    /* A line the CSV reader could not make a row of (NULL: skipped). */
    bool (*reject)(struct csvtable *t, uint64_t line, const char *reason);
    void *ud;
    uint64_t rows;
    bool stopped;                /* a callback returned false */
} csvtable;

/* Read path through t; false when the file cannot be opened or read
 * (errno set). */
bool csvtable_read(csvtable *t, const char *path);
/* Field k (index into want) of the row, "" (length 0) when absent. */
const char *csvtable_field(const csvtable *t, const csv_row *r, int k, size_t *n);
static inline bool csvtable_has(const csvtable *t, int k) { return t->col[k] >= 0; }
/* An integer field (digits with an optional sign); 0 when empty or not
 * a number. */
int64_t csvtable_int(const csvtable *t, const csv_row *r, int k);
/* Field k as it was before roadlog wrote it: without the leading ' that
 * neutralises formula-like text (csvtable_unneutralise). */
const char *csvtable_text(const csvtable *t, const csv_row *r, int k, size_t *n);
/* Text that roadlog neutralised on the way out (a leading ' before
 * = + - @, tab, CR) is read back as it was. */
void csvtable_unneutralise(const char **s, size_t *n);

/* vehicle_days.csv as `summary` and `ledger import` read it: the columns
 * (want of a csvtable) and one row.  accepted = valid - drift for outputs
 * older than the accepted column (a re-anchored fix is not drift);
 * distances in metres (the file's km have 3 decimals). */
extern const char *const CSVTABLE_VDAY_COLS[];
enum { CSVTABLE_VDAY_ACCEPTED = 8, CSVTABLE_VDAY_GAPKM = 9 };
typedef struct csvtable_vday {
    const char *plate;
    size_t plate_len;
    int color;
    int64_t day;             /* local day number */
    uint64_t points, accepted, drift;
    int64_t distance_m, gap_m;
    bool have_gap;           /* the output has gap_km */
    int64_t driving_s;
} csvtable_vday;
/* One row; NULL, or why it is not a vehicle-day. */
const char *csvtable_vday_read(const csvtable *t, const csv_row *r, csvtable_vday *v);

/* The outputs of `analyze` an argument names: an events.csv file or a
 * folder holding events.csv is itself; any other folder gives its
 * sub-folders that hold events.csv, in name order (a month of daily
 * runs).  Returns how many (paths in *out, allocated, each to free);
 * 0 when none (errno: ENOENT for a path that does not exist). */
size_t csvtable_outputs(const char *path, char ***out);

#endif
