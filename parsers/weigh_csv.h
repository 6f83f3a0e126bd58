/*
 * weigh_csv.h - weighbridge / weigh-in-motion CSV rows to weighings
 * (FORMATS.md §4).
 *
 * Built from a header row (csvhdr_classify said TABLE_WEIGHBRIDGE); each
 * data row becomes an rl_weighing pushed to the sink, or a reject naming
 * the line and the field at fault.  Masses are kg unless a column's own
 * header carries a tonnes suffix ("gross(t)", "车货总重(吨)", "轴重（吨）").
 */
#ifndef RL_WEIGH_CSV_H
#define RL_WEIGH_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "csvin.h"
#include "sink.h"

typedef struct weighcsv weighcsv;

/* Can this header be read at all?  False, with a reason for rejects.csv
 * in `why`, when a required column (time) is missing or a mass column
 * has a unit that is neither kg nor tonnes ("gross(lb)"): every row
 * would be wrong, so the file is refused once instead of row by row. */
bool weighcsv_check_header(const csv_row *header, char *why, size_t n);

/* `tz`: offset for times written without one. */
weighcsv *weighcsv_new(const csv_row *header, const rl_sink *sink, unsigned file_index, int32_t tz);
void weighcsv_free(weighcsv *w);
/* One data row; false when the sink asked to stop. */
bool weighcsv_row(weighcsv *w, const csv_row *row);

#endif
