/*
 * csvout.h - writing CSV and JSON safely.
 *
 * CSV fields are quoted per RFC 4180 when they hold the delimiter, a
 * quote, CR or LF, or leading/trailing space.  Text taken from input
 * (plates, companies, drivers, stations) that starts with = + - @ or a
 * tab/CR is prefixed with ' so a spreadsheet shows it instead of running
 * it as a formula (CSV injection); numbers are written as numbers.
 */
#ifndef RL_CSVOUT_H
#define RL_CSVOUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct csvw {
    FILE *f;
    bool first;
} csvw;

/* Open path for writing (with a UTF-8 BOM when bom); NULL + errno on
 * failure. */
FILE *csvw_open(const char *path, bool bom);
void csvw_init(csvw *w, FILE *f);
void csvw_text(csvw *w, const char *s);          /* text from input */
void csvw_textn(csvw *w, const char *s, size_t n);
void csvw_str(csvw *w, const char *s);           /* roadlog's own text */
void csvw_int(csvw *w, int64_t v);
void csvw_fixed(csvw *w, int64_t v, int scale);  /* 85.3 */
void csvw_double(csvw *w, double v, int decimals); /* trailing zeros dropped */
void csvw_empty(csvw *w);
void csvw_end(csvw *w);
/* A header line from a comma-separated list of names. */
void csvw_header(csvw *w, const char *names);

/* JSON string (with quotes), escaping per RFC 8259; invalid UTF-8 bytes
 * become U+FFFD. */
void json_str(FILE *f, const char *s);
void json_strn(FILE *f, const char *s, size_t n);
/* A fixed-point number with up to `scale` decimals (85.3, 120). */
void json_fixed(FILE *f, int64_t v, int scale);
/* An integer. */
void json_int(FILE *f, int64_t v);

/* Does text from input start like a spreadsheet formula (= + - @, tab,
 * CR)?  Such text is written with a leading ' in CSV and xlsx. */
bool text_is_formula(const char *s, size_t n);

/* HTML text or attribute value (quoted with "): & < > " ' escaped,
 * control characters other than tab/LF dropped, invalid UTF-8 bytes
 * become U+FFFD.  Everything taken from input goes through this. */
void html_str(FILE *f, const char *s);
void html_strn(FILE *f, const char *s, size_t n);

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when the bytes
 * there are not one. */
size_t utf8_seq(const unsigned char *p, const unsigned char *e);

/* Format a double with up to `decimals` digits, trailing zeros dropped. */
int fmt_double(char *out, size_t n, double v, int decimals);

#endif
