/*
 * gps_csv.h - GPS track CSV rows to positions (FORMATS.md §1).
 *
 * Built from a header row (csvhdr_classify said TABLE_GPS); each data row
 * becomes an rl_position pushed to the sink, or a reject naming the line
 * and the field at fault.
 */
#ifndef RL_GPS_CSV_H
#define RL_GPS_CSV_H

#include <stdbool.h>

#include "csvin.h"
#include "sink.h"

typedef struct gpscsv gpscsv;

/* `detail`: parse the columns only `decode` prints (heading, altitude,
 * mileage) too; status, alarm and driver are always read.  `tz`: offset for times written without one. */
gpscsv *gpscsv_new(const csv_row *header, const rl_sink *sink, unsigned file_index, int32_t tz, bool detail);
void gpscsv_free(gpscsv *g);
/* One data row; false when the sink asked to stop. */
bool gpscsv_row(gpscsv *g, const csv_row *row);

#endif
