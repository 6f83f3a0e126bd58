/*
 * timeutil.h - civil time without the C library's time zone machinery.
 *
 * Time is int64 seconds since the epoch, UTC, everywhere inside roadlog.
 * The analysis zone is a fixed offset (--tz, default +08:00; China has no
 * DST), so local time is utc + offset, and day boundaries and night windows
 * are computed on that.  Parsing accepts every form FORMATS.md §1 lists and
 * rejects times that do not exist (02-30, 25:61).
 */
#ifndef RL_TIMEUTIL_H
#define RL_TIMEUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RL_DAY_S 86400

/* Days since 1970-01-01 of a proleptic Gregorian date (any year). */
int64_t tu_days_from_civil(int64_t y, unsigned m, unsigned d);
void tu_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);
bool tu_valid_date(int64_t y, unsigned m, unsigned d);

/* Parse "+08:00", "-0530", "+8", "Z" or "UTC" into seconds east of UTC. */
bool tu_parse_tz(const char *s, int32_t *offset_s);
/* Seconds east of UTC as "+08:00" (what tu_parse_tz reads back). */
void tu_format_tz(int32_t offset_s, char out[8]);

/* A time-parsing state: caches the last date so that a file of rows from
 * one day costs one date conversion. */
typedef struct tu_parser {
    int32_t local_offset_s; /* used when the text carries no offset */
    char last_date[10];
    int64_t last_days;
} tu_parser;

void tu_parser_init(tu_parser *tp, int32_t local_offset_s);

/* Parse a time field: "YYYY-MM-DD HH:MM:SS", "YYYY/MM/DD HH:MM:SS" (one-
 * or two-digit month, day and hour accepted), ISO 8601 with 'T', optional
 * fraction and offset or Z, epoch seconds (10 digits) or milliseconds (13
 * digits, floored).  Returns NULL on success, else a reason. */
const char *tu_parse(tu_parser *tp, const char *s, size_t n, int64_t *utc);

/* Format local time: "YYYY-MM-DD HH:MM:SS" (19 chars + NUL). */
void tu_format(int64_t utc, int32_t offset_s, char out[20]);
/* ISO 8601 with offset: "YYYY-MM-DDTHH:MM:SS+08:00" (25 chars + NUL). */
void tu_format_iso(int64_t utc, int32_t offset_s, char out[26]);
/* The same for many times in a row (a ledger sorted by vehicle and time):
 * the date text is kept while the local day stays the same. */
typedef struct tu_formatter {
    int32_t offset_s;
    bool have_day, have_last;
    int64_t day;    /* local day whose text is in `date` */
    int64_t last;   /* the time in `last_text` (an event's start is often its end) */
    char date[10];  /* "YYYY-MM-DD" */
    char last_text[19];
    char zone[6];   /* "+08:00" */
} tu_formatter;

void tu_formatter_init(tu_formatter *tf, int32_t offset_s);
/* "YYYY-MM-DD HH:MM:SS": 19 bytes, no NUL. */
void tu_formatter_local(tu_formatter *tf, int64_t utc, char out[19]);
/* "YYYY-MM-DDTHH:MM:SS+08:00": 25 bytes, no NUL. */
void tu_formatter_iso(tu_formatter *tf, int64_t utc, char out[25]);

/* "YYYY-MM-DD" (anything after it ignored) -> its day number; false
 * when the text is not a date or the date does not exist. */
bool tu_parse_date(const char *s, size_t n, int64_t *day);
/* Local calendar day: "YYYY-MM-DD". */
void tu_format_day(int64_t local_day, char out[11]);

/* Local day number (days since epoch in local time) of a UTC instant. */
static inline int64_t tu_local_day(int64_t utc, int32_t offset_s)
{
    int64_t l = utc + offset_s;
    return l >= 0 ? l / RL_DAY_S : -((-l + RL_DAY_S - 1) / RL_DAY_S);
}
/* Seconds since local midnight. */
static inline int32_t tu_local_sod(int64_t utc, int32_t offset_s)
{
    int64_t l = utc + offset_s;
    int64_t r = l % RL_DAY_S;
    return (int32_t)(r < 0 ? r + RL_DAY_S : r);
}

/* BCD YYMMDDhhmmss (JT/T 808) in a fixed +08:00 zone to UTC; false when
 * a digit is not BCD or the time does not exist. */
bool tu_from_bcd6(const unsigned char bcd[6], int64_t *utc);

#endif
