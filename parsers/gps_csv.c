/*
 * gps_csv.c - GPS track CSV rows to positions (see gps_csv.h).
 *
 * Required: plate, time, lon, lat, speed.  A bad required field rejects
 * the row, with the field named.  Optional columns that do not parse
 * (a heading of "北", an empty status) are left out of the position and
 * counted ("gps.bad_optional_field"): the fix itself is good, and dropping
 * it would lose valid data.
 */
#include "gps_csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvhdr.h"
#include "numparse.h"
#include "plate.h"
#include "timeutil.h"
#include "util.h"

enum { C_PLATE, C_COLOR, C_TIME, C_LON, C_LAT, C_SPEED, C_HEADING, C_ALT, C_STATUS, C_ALARM, C_MILEAGE, C_DRIVER, C_N };

struct gpscsv {
    rl_sink sink;
    unsigned file_index;
    bool detail;
    int col[C_N];
    size_t nheader;
    tu_parser tp;
    char why[160];
};

gpscsv *gpscsv_new(const csv_row *header, const rl_sink *sink, unsigned file_index, int32_t tz, bool detail)
{
    static const char *const *const aliases[C_N] = {
        HDR_PLATE, HDR_PLATE_COLOR, HDR_TIME,   HDR_LON,   HDR_LAT,     HDR_SPEED,
        HDR_HEADING, HDR_ALTITUDE, HDR_STATUS, HDR_ALARM, HDR_MILEAGE, HDR_DRIVER,
    };
    gpscsv *g = xcalloc(1, sizeof *g);
    g->sink = *sink;
    g->file_index = file_index;
    g->detail = detail;
    g->nheader = header->n;
    for (int i = 0; i < C_N; i++)
        g->col[i] = csvhdr_find(header, aliases[i], NULL);
    tu_parser_init(&g->tp, tz);
    return g;
}

void gpscsv_free(gpscsv *g) { free(g); }

static bool reject(gpscsv *g, const csv_row *row, const char *why)
{
    return g->sink.reject(g->sink.ud, RL_ORIGIN(g->file_index, row->line), why, row->raw, row->raw_len);
}

static bool bad_field(gpscsv *g, const csv_row *row, const char *name, const char *s, size_t n, const char *why)
{
    csv_field_reason(g->why, sizeof g->why, "", name, s, n, why);
    return reject(g, row, g->why);
}

bool gpscsv_row(gpscsv *g, const csv_row *row)
{
    if (row->n < g->nheader) {
        snprintf(g->why, sizeof g->why, "row has %zu fields but the header has %zu (truncated row?)", row->n,
                 g->nheader);
        return reject(g, row, g->why);
    }
    for (size_t i = g->nheader; i < row->n; i++) {
        if (csv_present(row->f[i], row->len[i])) {
            snprintf(g->why, sizeof g->why, "row has %zu fields but the header has %zu", row->n, g->nheader);
            return reject(g, row, g->why);
        }
    }
    rl_position p;
    memset(&p, 0, sizeof p);
    p.origin = RL_ORIGIN(g->file_index, row->line);
    size_t n;
    const char *s, *why;

    char plate[RL_PLATE_MAX + 1];
    s = csv_field(row, g->col[C_PLATE], &n);
    if ((why = plate_normalize(s, n, plate, &p.plate_len)))
        return bad_field(g, row, "plate", s, n, why);
    p.plate = plate;

    s = csv_field(row, g->col[C_COLOR], &n);
    if (s && !plate_color_parse(s, n, &p.color))
        return bad_field(g, row, "plate colour", s, n, "not a colour code (0-5, 9) or name");

    s = csv_field(row, g->col[C_TIME], &n);
    if ((why = tu_parse(&g->tp, s, n, &p.time)))
        return bad_field(g, row, "time", s, n, why);

    int64_t v;
    s = csv_field(row, g->col[C_LON], &n);
    if ((why = num_fixed(s, n, 6, &v)))
        return bad_field(g, row, "longitude", s, n, why);
    if (v > INT32_MAX || v < -INT32_MAX)
        return bad_field(g, row, "longitude", s, n, "out of range");
    p.lon_e6 = (int32_t)v;
    s = csv_field(row, g->col[C_LAT], &n);
    if ((why = num_fixed(s, n, 6, &v)))
        return bad_field(g, row, "latitude", s, n, why);
    if (v > INT32_MAX || v < -INT32_MAX)
        return bad_field(g, row, "latitude", s, n, "out of range");
    p.lat_e6 = (int32_t)v;
    s = csv_field(row, g->col[C_SPEED], &n);
    if ((why = num_fixed(s, n, 3, &v)))
        return bad_field(g, row, "speed", s, n, why);
    p.speed_mkmh = v > INT32_MAX ? INT32_MAX : v < -INT32_MAX ? -INT32_MAX : (int32_t)v;

    s = csv_field(row, g->col[C_STATUS], &n);
    if (csv_present(s, n)) {
        if (!num_word(s, n, &p.status))
            p.have |= RL_HAVE_STATUS;
        else
            g->sink.count(g->sink.ud, "gps.bad_optional_field", 1);
    }
    s = csv_field(row, g->col[C_DRIVER], &n);
    if (csv_present(s, n)) {
        trim_span(&s, &n);
        p.driver = s;
        p.driver_len = n;
    }
    /* the terminal's alarm word: RULES.md §8 needs it in the analysis too */
    s = csv_field(row, g->col[C_ALARM], &n);
    if (csv_present(s, n)) {
        if (!num_word(s, n, &p.alarm))
            p.have |= RL_HAVE_ALARM;
        else
            g->sink.count(g->sink.ud, "gps.bad_optional_field", 1);
    }
    if (g->detail) {
        s = csv_field(row, g->col[C_HEADING], &n);
        if (csv_present(s, n)) {
            if (!num_fixed(s, n, 0, &v) && v >= -100000 && v <= 100000) {
                p.heading = (int32_t)v;
                p.have |= RL_HAVE_HEADING;
            } else {
                g->sink.count(g->sink.ud, "gps.bad_optional_field", 1);
            }
        }
        s = csv_field(row, g->col[C_ALT], &n);
        if (csv_present(s, n)) {
            if (!num_fixed(s, n, 0, &v) && v >= -100000 && v <= 1000000) {
                p.altitude_m = (int32_t)v;
                p.have |= RL_HAVE_ALTITUDE;
            } else {
                g->sink.count(g->sink.ud, "gps.bad_optional_field", 1);
            }
        }
        s = csv_field(row, g->col[C_MILEAGE], &n);
        if (csv_present(s, n)) {
            if (!num_fixed(s, n, 3, &v)) {
                p.mileage_m = v;
                p.have |= RL_HAVE_MILEAGE;
            } else {
                g->sink.count(g->sink.ud, "gps.bad_optional_field", 1);
            }
        }
    }
    g->sink.position(g->sink.ud, &p);
    return true;
}
