/*
 * csvhdr.h - header names of the CSV tables (FORMATS.md §1, §4, §5) and
 * the matching rule: exact after trimming, ignoring case and a
 * parenthesised unit suffix ("速度(km/h)", "gross(t)", "总重（吨）").
 */
#ifndef RL_CSVHDR_H
#define RL_CSVHDR_H

#include <stdbool.h>

#include "csvin.h"
#include "util.h"

/* GPS track CSV, FORMATS.md §1 */
extern const char *const HDR_PLATE[], *const HDR_PLATE_COLOR[], *const HDR_TIME[], *const HDR_LON[],
    *const HDR_LAT[], *const HDR_SPEED[], *const HDR_HEADING[], *const HDR_ALTITUDE[], *const HDR_STATUS[],
    *const HDR_ALARM[], *const HDR_MILEAGE[], *const HDR_DRIVER[];
/* Weighbridge CSV, FORMATS.md §4 */
extern const char *const HDR_W_TIME[], *const HDR_STATION[], *const HDR_AXLES[], *const HDR_GROSS[],
    *const HDR_AXLE_KG[], *const HDR_W_SPEED[], *const HDR_MODE[], *const HDR_PASSENGERS[];
/* Registry CSV, FORMATS.md §5 */
extern const char *const HDR_CLASS[], *const HDR_COMPANY[], *const HDR_R_AXLES[], *const HDR_RATED_LOAD[],
    *const HDR_CURB[], *const HDR_MAX_GROSS[], *const HDR_SEATS[], *const HDR_PHONE[], *const HDR_SPEED_LIMIT[],
    *const HDR_NIGHT_EXEMPT[];

typedef enum { UNIT_NONE, UNIT_TONNES, UNIT_KG, UNIT_OTHER } hdr_unit;

/* Index of the first header field matching one of the aliases, or -1.
 * `unit` (may be NULL) receives the field's unit suffix. */
int csvhdr_find(const csv_row *hdr, const char *const *aliases, hdr_unit *unit);

typedef enum { TABLE_UNKNOWN, TABLE_GPS, TABLE_WEIGHBRIDGE, TABLE_REGISTRY } table_kind;

/* Which table a header row describes. */
table_kind csvhdr_classify(const csv_row *hdr);

/* Names of the required GPS columns missing from a header, for a message
 * ("lon, speed"); empty when none is missing. */
void csvhdr_missing(const csv_row *hdr, table_kind k, char *out, size_t n);

/* ---- what the table parsers share ---- */

/* Field of column c of a row, or NULL when the column is absent (not in
 * the header, or the row is short). */
static inline const char *csv_field(const csv_row *row, int c, size_t *n)
{
    if (c < 0 || (size_t)c >= row->n) {
        *n = 0;
        return NULL;
    }
    *n = row->len[c];
    return row->f[c];
}

/* Does the field hold anything but spaces and tabs?  Inline: the table
 * parsers ask it of most fields of every row. */
static inline bool csv_present(const char *s, size_t n)
{
    if (!s || n == 0)
        return false;
    if (s[0] != ' ' && s[0] != '\t')
        return true;
    trim_span(&s, &n);
    return n > 0;
}

/* A reject reason naming a field: "<prefix><name> '<value>': <why>",
 * quoting at most 40 bytes of the value cut on a character boundary,
 * control bytes shown as '?' (a NUL would end the message), or
 * "<prefix><name> is empty". */
void csv_field_reason(char *out, size_t outlen, const char *prefix, const char *name, const char *s, size_t n,
                      const char *why);

#endif
