/*
 * csvout.h - writing CSV and JSON safely, through stdio (csvw, json_*)
 * or an output buffer of one's own (outbuf) where rows are many.
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
#include <string.h>

/* An output buffer: text is formatted straight into a large byte buffer
 * that goes out with one fwrite when it fills, so a ledger of hundreds of
 * thousands of rows costs no stdio call per field.  With no FILE the
 * buffer is memory that grows (a piece written once and copied many
 * times, such as a vehicle's columns). */
typedef struct outbuf {
    FILE *f;        /* NULL: in memory */
    char *buf;
    size_t len, cap;
    bool own;       /* buf was allocated by outbuf_init */
} outbuf;

/* The most outbuf_room may be asked for; the smallest buffer. */
#define OUTBUF_ROOM_MAX 64

/* Write to f (NULL: into memory) through buf[cap], a caller's array of
 * at least OUTBUF_ROOM_MAX bytes (in memory it is left for the heap when
 * it is full), or with buf NULL an allocated one. */
void outbuf_init(outbuf *o, FILE *f, char *buf, size_t cap);
/* Hand what is buffered to f (nothing to do in memory). */
void outbuf_flush(outbuf *o);
/* Flush and free. */
void outbuf_done(outbuf *o);
/* The slow paths of the inline functions below. */
void outbuf_make_room(outbuf *o, size_t n);
void outbuf_put_slow(outbuf *o, const void *s, size_t n);

/* At least n (<= OUTBUF_ROOM_MAX) writable bytes at the end; the caller
 * adds what it wrote to len. */
static inline char *outbuf_room(outbuf *o, size_t n)
{
    if (o->cap - o->len < n)
        outbuf_make_room(o, n);
    return o->buf + o->len;
}

static inline void outbuf_put(outbuf *o, const void *s, size_t n)
{
    if (o->cap - o->len >= n) {
        memcpy(o->buf + o->len, s, n);
        o->len += n;
    } else {
        outbuf_put_slow(o, s, n);
    }
}

static inline void outbuf_putc(outbuf *o, char c)
{
    *outbuf_room(o, 1) = c;
    o->len++;
}

/* One CSV field (no separator), quoted per RFC 4180 when it must be:
 * text from input, neutralised when it looks like a formula ... */
void outbuf_csv_text(outbuf *o, const char *s, size_t n);
/* ... and roadlog's own text, never neutralised. */
void outbuf_csv_str(outbuf *o, const char *s, size_t n);
/* Numbers, the same in CSV and JSON. */
void outbuf_int(outbuf *o, int64_t v);
void outbuf_fixed(outbuf *o, int64_t v, int scale);
void outbuf_double(outbuf *o, double v, int decimals);
/* A JSON string (with quotes), as json_strn. */
void outbuf_json_str(outbuf *o, const char *s, size_t n);

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

/* v with `scale` (0-8) decimals, trailing zeros dropped: 85300 at 3 is
 * "85.3", 120000 "120", -500 "-0.5"; at most 22 bytes, no NUL; the
 * length.  The text num_format_fixed gives, without a division by a
 * variable or a copy. */
size_t fmt_fixed(char out[24], int64_t v, int scale);
/* Format a double with up to `decimals` digits, trailing zeros dropped. */
int fmt_double(char *out, size_t n, double v, int decimals);

#endif
