/*
 * csvin.h - a push-style reader of delimited text tables.
 *
 * The caller pushes bytes in any chunk size (csvin_feed) and receives the
 * header and then each row as an array of UTF-8 fields with the physical
 * line number the row starts on (the header is line 1).  What it handles so
 * that the table parsers (GPS, weighbridge, registry) don't have to:
 *
 *   - a UTF-8 BOM; the delimiter (comma, tab or semicolon, sniffed from
 *     the header line); RFC 4180 quoting through libcsv, quoted fields
 *     spanning lines included; lines ending in LF, CRLF, or (when the
 *     first line does) a lone CR;
 *   - GBK text (exports from Chinese Excel), detected and converted to
 *     UTF-8 with iconv, line by line;
 *   - bounded memory: a line longer than CSVIN_MAX_LINE, a row with more
 *     than CSVIN_MAX_FIELDS fields, or a quote left open for more than
 *     CSVIN_MAX_ROW_LINES lines is rejected with its line number, and the
 *     lines after it are read again as rows of their own.
 *
 * Lines without a quote character are split directly on the delimiter:
 * for such a line RFC 4180 gives exactly its delimiter-separated fields,
 * and libcsv would spend most of the run on them byte by byte.  Every
 * line with a quote, and every continuation of a quoted field, goes
 * through libcsv.  tests/test_csvin.c checks both paths agree.
 */
#ifndef RL_CSVIN_H
#define RL_CSVIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CSVIN_MAX_LINE (1u << 16)   /* bytes of one physical line */
#define CSVIN_MAX_FIELDS 512
#define CSVIN_MAX_ROW_LINES 32      /* physical lines one quoted row may span */

typedef struct csv_row {
    size_t n;              /* number of fields */
    const char **f;        /* UTF-8 fields (not NUL-terminated: use len) */
    size_t *len;           /* their lengths */
    uint64_t line;         /* physical line where the row starts */
    const char *raw;       /* the row's first line as read (for rejects) */
    size_t raw_len;
} csv_row;

typedef struct csvin_handler {
    void *ud;
    /* The header row.  Return false when the table is not one the caller
     * reads (the reader then stops quietly). */
    bool (*header)(void *ud, const csv_row *row);
    /* A data row.  Return false to stop (--strict). */
    bool (*row)(void *ud, const csv_row *row);
    /* A structural problem with a line.  Return false to stop. */
    bool (*reject)(void *ud, uint64_t line, const char *reason, const void *raw, size_t raw_len);
} csvin_handler;

typedef struct csvin csvin;

csvin *csvin_new(const csvin_handler *h);
void csvin_free(csvin *r);
/* Push bytes.  Returns false once a callback asked to stop. */
bool csvin_feed(csvin *r, const void *p, size_t n);
/* End of input: flushes a last line without a newline. */
bool csvin_finish(csvin *r);
/* End of an input that was cut short (a truncated gzip, a read error):
 * a last line without its newline is cut, so it is rejected with `why`
 * instead of read (its last field would be a prefix of the real one),
 * and *cut_line says whether there was one.  Otherwise as csvin_finish. */
bool csvin_finish_cut(csvin *r, const char *why, bool *cut_line);

/* For tests: send every line through libcsv (no direct split). */
void csvin_force_libcsv(csvin *r, bool on);
char csvin_delimiter(const csvin *r);
/* "utf-8", "gbk" or "ascii" (no non-ASCII byte seen yet). */
const char *csvin_encoding(const csvin *r);
uint64_t csvin_lines(const csvin *r);
bool csvin_header_seen(const csvin *r);

/* Reading a file in byte ranges (parsers/ingest.c, one reader a range):
 * true when the bytes fed so far end where a row may start (a whole line,
 * no quoted row open), i.e. where a reader of the next range may begin. */
bool csvin_at_row_start(const csvin *r);
/* A reader that was fed the header and goes on mid-file: the next byte fed
 * starts physical line `line`, and the encoding is what csvin_encoding
 * said at that point of the file ("ascii", "utf-8" or "gbk"). */
void csvin_resume_at(csvin *r, uint64_t line, const char *encoding);

#endif
