/*
 * csvin.c - the delimited-text table reader (see csvin.h).
 *
 * Bytes are cut into physical lines first (memchr), so every limit is
 * checked before anything is buffered, and every row knows its line
 * number.  A line then goes one of two ways:
 *
 *   - no quote character: copied once and split on the delimiter;
 *   - a quote, or the continuation of a quoted field: fed to libcsv, whose
 *     field and row callbacks assemble the row.  A quote still open after
 *     CSVIN_MAX_ROW_LINES lines is given up: its first line is rejected
 *     and the lines after it are read again on their own, so one stray
 *     quote costs one row, not the rest of the file.
 *
 * Encoding is decided at the first line with a non-ASCII byte: valid UTF-8
 * means UTF-8, else GB18030 (a superset of GBK) when iconv accepts it.  A
 * UTF-8 file with one GBK line is handled line by line too.
 */
#include "csvin.h"

#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "plate.h"
#include "util.h"

enum { ENC_ASCII, ENC_UTF8, ENC_GBK };

/* What one pass over a line found. */
typedef struct {
    bool special;        /* a quote, or a CR before the end */
    size_t first_high;   /* first byte >= 0x80, or n */
    size_t last_high;    /* last byte >= 0x80 (valid when first_high < n) */
    size_t ndelim;
    bool too_many;       /* CSVIN_MAX_FIELDS delimiters or more: one field too many */
    bool blank_edge;     /* a space or tab may touch a field's edge: trim */
    uint32_t delim[CSVIN_MAX_FIELDS];
} line_scan;

struct csvin {
    csvin_handler h;
    struct csv_parser lp;
    bool lp_ready;
    char delim;
    bool delim_known, header_done, stopped, force_libcsv;
    int enc;
    iconv_t cd;
    bool cd_open;
    uint64_t next_line;        /* number of the next physical line */
    char eol;                  /* '\n' (LF, CRLF), or '\r' when lines end in a lone CR */
    bool eol_known, cr_pending;
    rl_buf carry;              /* a line split across feeds */
    bool skipping;             /* inside an over-long line */
    uint64_t skip_line;
    rl_buf conv;               /* GBK -> UTF-8 conversion output */
    /* the row being assembled */
    rl_buf rowdata;
    size_t *foff, *flen;
    const char **fptr;
    size_t nf, fcap;
    bool overflow;
    uint64_t row_line;
    const char *row_raw;
    size_t row_raw_len;
    /* a quoted row spanning lines: raw (unconverted) lines kept for replay */
    bool in_quote;
    bool row_done;             /* libcsv ended a row on the fed newline */
    uint64_t q_start;
    unsigned q_lines;
    rl_buf q_raw;
    rl_buf q_text;             /* the quoted row's first line, as UTF-8 */
    size_t q_off[CSVIN_MAX_ROW_LINES + 2];
    uint64_t q_lineno[CSVIN_MAX_ROW_LINES + 2]; /* their line numbers: a line rejected on its own
                                                   (encoding, length) leaves a gap */
    line_scan scan;
};

static void lp_reset(csvin *r)
{
    if (r->lp_ready)
        csv_free(&r->lp);
    csv_init(&r->lp, CSV_APPEND_NULL);
    csv_set_delim(&r->lp, (unsigned char)r->delim);
    r->lp_ready = true;
}

csvin *csvin_new(const csvin_handler *h)
{
    csvin *r = xcalloc(1, sizeof *r);
    r->h = *h;
    r->delim = ',';
    r->eol = '\n';
    r->next_line = 1;
    r->fcap = 32;
    r->foff = xmalloc(r->fcap * sizeof *r->foff);
    r->flen = xmalloc(r->fcap * sizeof *r->flen);
    r->fptr = xmalloc(r->fcap * sizeof *r->fptr);
    lp_reset(r);
    return r;
}

void csvin_free(csvin *r)
{
    if (!r)
        return;
    if (r->lp_ready)
        csv_free(&r->lp);
    if (r->cd_open)
        iconv_close(r->cd);
    buf_free(&r->carry);
    buf_free(&r->conv);
    buf_free(&r->rowdata);
    buf_free(&r->q_raw);
    buf_free(&r->q_text);
    free(r->foff);
    free(r->flen);
    free(r->fptr);
    free(r);
}

void csvin_force_libcsv(csvin *r, bool on) { r->force_libcsv = on; }
char csvin_delimiter(const csvin *r) { return r->delim; }
const char *csvin_encoding(const csvin *r) { return r->enc == ENC_GBK ? "gbk" : r->enc == ENC_UTF8 ? "utf-8" : "ascii"; }
uint64_t csvin_lines(const csvin *r) { return r->next_line - 1; }

bool csvin_at_row_start(const csvin *r) { return !r->in_quote && r->carry.len == 0 && !r->skipping && !r->cr_pending; }

void csvin_resume_at(csvin *r, uint64_t line, const char *encoding)
{
    r->next_line = line;
    if (encoding && strcmp(encoding, "gbk") == 0)
        r->enc = ENC_GBK;
    else if (encoding && strcmp(encoding, "utf-8") == 0)
        r->enc = ENC_UTF8;
    else
        r->enc = ENC_ASCII;
}
bool csvin_header_seen(const csvin *r) { return r->header_done; }

static bool reject(csvin *r, uint64_t line, const char *why, const void *raw, size_t n)
{
    if (r->h.reject && !r->h.reject(r->h.ud, line, why, raw, n))
        r->stopped = true;
    return !r->stopped;
}

/* ---- row assembly ---- */

static void row_begin(csvin *r, uint64_t line, const char *raw, size_t raw_len)
{
    r->nf = 0;
    r->rowdata.len = 0;
    r->overflow = false;
    r->row_line = line;
    r->row_raw = raw;
    r->row_raw_len = raw_len;
}

static void row_field(csvin *r, const char *s, size_t n)
{
    if (r->nf >= CSVIN_MAX_FIELDS) {
        r->overflow = true;
        return;
    }
    if (r->nf == r->fcap) {
        r->fcap *= 2;
        r->foff = xrealloc(r->foff, r->fcap * sizeof *r->foff);
        r->flen = xrealloc(r->flen, r->fcap * sizeof *r->flen);
        r->fptr = xrealloc(r->fptr, r->fcap * sizeof *r->fptr);
    }
    r->foff[r->nf] = r->rowdata.len;
    r->flen[r->nf] = n;
    r->nf++;
    buf_put(&r->rowdata, s, n);
    buf_putc(&r->rowdata, 0);
}

static void deliver(csvin *r, const csv_row *row)
{
    if (!r->header_done) {
        r->header_done = true;
        if (!r->h.header(r->h.ud, row))
            r->stopped = true;
        return;
    }
    if (!r->h.row(r->h.ud, row))
        r->stopped = true;
}

static void row_emit(csvin *r)
{
    if (r->stopped)
        return;
    if (r->overflow) {
        char why[96];
        snprintf(why, sizeof why, "row has more than %u fields", CSVIN_MAX_FIELDS);
        reject(r, r->row_line, why, r->row_raw, r->row_raw_len);
        return;
    }
    for (size_t i = 0; i < r->nf; i++)
        r->fptr[i] = r->rowdata.p + r->foff[i];
    csv_row row = {r->nf, r->fptr, r->flen, r->row_line, r->row_raw, r->row_raw_len};
    deliver(r, &row);
}

/* libcsv callbacks */
static void cb_field(void *s, size_t n, void *ud)
{
    csvin *r = ud;
    row_field(r, s ? s : "", s ? n : 0);
}

static void cb_row(int c, void *ud)
{
    csvin *r = ud;
    (void)c;
    row_emit(r);
    r->row_done = true;
    /* A lone CR inside a line ends a row too: the next one starts here. */
    row_begin(r, r->next_line - 1, r->row_raw, r->row_raw_len);
}

/* ---- one pass over a line: delimiters, quotes, CRs, non-ASCII ---- */


static void scan_bytes(line_scan *ls, const unsigned char *s, size_t i, size_t n, char delim, char brk)
{
    for (; i < n; i++) {
        unsigned char c = s[i];
        if (c == (unsigned char)delim) {
            if (ls->ndelim < CSVIN_MAX_FIELDS - 1)
                ls->delim[ls->ndelim++] = (uint32_t)i;
            else
                ls->too_many = true;
        } else if (c == '"' || c == (unsigned char)brk) {
            ls->special = true;
        } else if (c == ' ' || c == '\t') {
            ls->blank_edge = true; /* the byte loop does not look further */
        } else if (c & 0x80) {
            if (ls->first_high == SIZE_MAX)
                ls->first_high = i;
            ls->last_high = i;
        }
    }
}

/* The SSE2 path (x86-64 baseline) classifies 16 bytes at a time; other
 * machines take the byte loop, with the same result. */
#ifdef __SSE2__
/* The 16 bytes at s + at, those whose bit is set in `keep`. */
static inline void scan_block(line_scan *ls, const unsigned char *s, size_t at, unsigned keep, __m128i vd,
                              __m128i vq, __m128i vr, __m128i vb)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(s + at));
    unsigned all_d = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vd));
    unsigned md = keep & all_d;
    /* a blank next to a delimiter, or at the block's edge (where the
     * neighbour is out of sight), means fields may need trimming; all 16
     * bytes count here, seen before or not (the tail block overlaps) */
    unsigned mb = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(x, vb)));
    if (mb & ((all_d << 1) | (all_d >> 1) | 0x8001u))
        ls->blank_edge = true;
    unsigned mq = keep & (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, vq), _mm_cmpeq_epi8(x, vr)));
    unsigned mh = keep & (unsigned)_mm_movemask_epi8(x);
    if (mq)
        ls->special = true;
    if (mh) {
        if (ls->first_high == SIZE_MAX)
            ls->first_high = at + (size_t)__builtin_ctz(mh);
        ls->last_high = at + 31 - (size_t)__builtin_clz(mh);
    }
    while (md) {
        if (ls->ndelim < CSVIN_MAX_FIELDS - 1)
            ls->delim[ls->ndelim++] = (uint32_t)(at + (size_t)__builtin_ctz(md));
        else
            ls->too_many = true;
        md &= md - 1;
    }
}
#endif

/* `brk`: the line-break byte that is not the line end (CR, or LF when
 * lines end in CR): inside a line it ends a row, which libcsv handles. */
static void scan_line(line_scan *ls, const char *str, size_t n, char delim, char brk)
{
    const unsigned char *s = (const unsigned char *)str;
    ls->special = false;
    ls->too_many = false;
    ls->blank_edge = false;
    ls->first_high = SIZE_MAX;
    ls->last_high = 0;
    ls->ndelim = 0;
    size_t i = 0;
#ifdef __SSE2__
    const __m128i vd = _mm_set1_epi8(delim), vq = _mm_set1_epi8('"'), vr = _mm_set1_epi8(brk);
    /* the blanks trimmed: space, and tab unless tab is the delimiter */
    const __m128i vb = _mm_set1_epi8(delim == '\t' ? ' ' : '\t');
    for (; i + 16 <= n; i += 16)
        scan_block(ls, s, i, 0xFFFFu, vd, vq, vr, vb);
    if (i < n && n >= 16) {
        /* the tail: one more block ending at n, ignoring the bytes seen */
        size_t base = n - 16;
        scan_block(ls, s, base, ~((1u << (i - base)) - 1) & 0xFFFFu, vd, vq, vr, vb);
        i = n;
    }
#endif
    scan_bytes(ls, s, i, n, delim, brk);
    if (ls->first_high == SIZE_MAX)
        ls->first_high = n;
}

/* ---- the direct split of a quote-free line ---- */

/* Spaces and tabs around an unquoted field are not part of it (as libcsv
 * does); a tab delimiter never reaches here inside a field. */
static inline bool is_blank(char c) { return c == ' ' || c == '\t'; }

static void split_line(csvin *r, const line_scan *ls, const char *s, size_t n, uint64_t line, const char *raw,
                       size_t rawn)
{
    row_begin(r, line, raw, rawn);
    if (ls->too_many) {
        r->overflow = true;
        row_emit(r);
        return;
    }
    const char *p = s;
    size_t nf = ls->ndelim + 1;
    if (nf > r->fcap) {
        while (r->fcap < nf)
            r->fcap *= 2;
        r->foff = xrealloc(r->foff, r->fcap * sizeof *r->foff);
        r->flen = xrealloc(r->flen, r->fcap * sizeof *r->flen);
        r->fptr = xrealloc(r->fptr, r->fcap * sizeof *r->fptr);
    }
    size_t start = 0;
    if (!ls->blank_edge) {
        /* no blank touches a delimiter or the line's ends: the fields are
         * exactly the spans between delimiters */
        for (size_t k = 0; k < ls->ndelim; k++) {
            r->fptr[k] = p + start;
            r->flen[k] = ls->delim[k] - start;
            start = ls->delim[k] + 1;
        }
        r->fptr[nf - 1] = p + start;
        r->flen[nf - 1] = n - start;
    } else {
        for (size_t k = 0; k < nf; k++) {
            size_t end = k < ls->ndelim ? ls->delim[k] : n;
            size_t fs = start, fe = end;
            while (fs < fe && is_blank(p[fs]))
                fs++;
            while (fe > fs && is_blank(p[fe - 1]))
                fe--;
            r->fptr[k] = p + fs;
            r->flen[k] = fe - fs;
            start = end + 1;
        }
    }
    r->nf = nf;
    if (r->stopped)
        return;
    csv_row row = {nf, r->fptr, r->flen, line, raw, rawn};
    deliver(r, &row);
}

/* ---- encoding ---- */

/* Convert GB18030 to UTF-8 into r->conv; false when the bytes are not
 * valid GB18030 either. */
static bool from_gbk(csvin *r, const char *s, size_t n)
{
    if (!r->cd_open) {
        r->cd = iconv_open("UTF-8", "GB18030");
        if (r->cd == (iconv_t)-1)
            return false;
        r->cd_open = true;
    }
    iconv(r->cd, NULL, NULL, NULL, NULL);
    size_t cap = n * 2 + 16;
    if (r->conv.cap < cap) {
        r->conv.p = xrealloc(r->conv.p, cap);
        r->conv.cap = cap;
    }
    char *in = (char *)s, *out = r->conv.p;
    size_t inleft = n, outleft = cap;
    if (iconv(r->cd, &in, &inleft, &out, &outleft) == (size_t)-1)
        return false;
    r->conv.len = cap - outleft;
    return true;
}

/* Make the line UTF-8, given where its non-ASCII bytes are.  Returns
 * false (after rejecting) when it is neither UTF-8 nor GBK; sets
 * *converted when the bytes were replaced. */
static bool to_utf8(csvin *r, const char **s, size_t *n, size_t first_high, size_t last_high, uint64_t line,
                    bool *converted)
{
    *converted = false;
    if (first_high >= *n)
        return true;
    /* only the span holding non-ASCII bytes needs checking (plus the
     * continuation bytes of its last character) */
    size_t end = last_high + 4 < *n ? last_high + 4 : *n;
    bool valid = utf8_valid(*s + first_high, end - first_high);
    if (!valid && end < *n)
        valid = utf8_valid(*s + first_high, *n - first_high);
    if (r->enc != ENC_GBK && valid) {
        if (r->enc == ENC_ASCII)
            r->enc = ENC_UTF8;
        return true;
    }
    if (from_gbk(r, *s, *n)) {
        if (r->enc == ENC_ASCII)
            r->enc = ENC_GBK;
        *s = r->conv.p;
        *n = r->conv.len;
        *converted = true;
        return true;
    }
    if (r->enc == ENC_GBK && valid)
        return true; /* a UTF-8 line in a GBK file */
    reject(r, line, "text is neither UTF-8 nor GBK (wrong encoding or binary data)", *s, *n);
    return false;
}

/* ---- delimiter sniffing on the header line ---- */

static void sniff_delim(csvin *r, const char *s, size_t n)
{
    size_t cnt[3] = {0, 0, 0};
    bool q = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '"')
            q = !q;
        else if (!q) {
            if (c == ',')
                cnt[0]++;
            else if (c == '\t')
                cnt[1]++;
            else if (c == ';')
                cnt[2]++;
        }
    }
    r->delim = ',';
    if (cnt[1] > cnt[0] && cnt[1] >= cnt[2])
        r->delim = '\t';
    else if (cnt[2] > cnt[0] && cnt[2] > cnt[1])
        r->delim = ';';
    r->delim_known = true;
    lp_reset(r);
}

/* ---- lines ---- */

static void process_line(csvin *r, const char *s, size_t n);

/* Give up on a quote left open: reject its first line, read the others
 * again as rows of their own, each under its own line number. */
static void abandon_quote(csvin *r, const char *why)
{
    char *saved = xmalloc(r->q_raw.len + 1);
    memcpy(saved, r->q_raw.p, r->q_raw.len);
    size_t offs[CSVIN_MAX_ROW_LINES + 2];
    uint64_t lineno[CSVIN_MAX_ROW_LINES + 2];
    unsigned nl = r->q_lines;
    memcpy(offs, r->q_off, sizeof offs);
    memcpy(lineno, r->q_lineno, sizeof lineno);
    uint64_t start = r->q_start, resume = r->next_line;
    r->in_quote = false;
    lp_reset(r);
    bool ok = reject(r, start, why, saved + offs[0], offs[1] - offs[0]);
    for (unsigned i = 1; ok && i < nl && !r->stopped; i++) {
        r->next_line = lineno[i];
        process_line(r, saved + offs[i], offs[i + 1] - offs[i]);
    }
    if (r->next_line < resume)
        r->next_line = resume;
    free(saved);
}

static void libcsv_line(csvin *r, const char *raw, size_t rawn, const char *s, size_t n, uint64_t line)
{
    if (!r->in_quote) {
        r->q_start = line;
        r->q_lines = 0;
        r->q_raw.len = 0;
        r->q_off[0] = 0;
        row_begin(r, line, raw, rawn);
    }
    buf_put(&r->q_raw, raw, rawn);
    r->q_lineno[r->q_lines] = line;
    r->q_lines++;
    r->q_off[r->q_lines] = r->q_raw.len;
    /* rejects quote the row's first line as text (converted from GBK) */
    if (r->q_lines == 1) {
        r->q_text.len = 0;
        buf_put(&r->q_text, s, n);
    }
    r->row_raw = r->q_text.p;
    r->row_raw_len = r->q_text.len;
    if (n > 0 && s[n - 1] == '\r')
        n--;
    r->row_done = false;
    if (n)
        csv_parse(&r->lp, s, n, cb_field, cb_row, r);
    if (r->row_done && r->q_lines > 1) {
        /* a row ended inside this line (a lone CR, or LF in a file of
         * CR lines) after a quote spanning earlier lines: that row is
         * delivered, so whatever follows starts here, and giving it up
         * must not read the delivered lines again */
        r->q_start = line;
        r->q_raw.len = 0;
        buf_put(&r->q_raw, raw, rawn);
        r->q_lineno[0] = line;
        r->q_lines = 1;
        r->q_off[1] = r->q_raw.len;
        r->q_text.len = 0;
        buf_put(&r->q_text, s, n);
        r->row_raw = r->q_text.p;
        r->row_raw_len = r->q_text.len;
    }
    r->row_done = false;
    csv_parse(&r->lp, "\n", 1, cb_field, cb_row, r);
    /* the row goes on only if libcsv is inside it (a quoted field open
     * across the newline); pstate 0 is libcsv's "row not begun" */
    if (r->row_done || r->lp.pstate == 0) {
        r->in_quote = false;
        return;
    }
    r->in_quote = true;
    if (r->q_lines >= CSVIN_MAX_ROW_LINES || r->q_raw.len > CSVIN_MAX_LINE) {
        char why[128];
        snprintf(why, sizeof why, "unterminated quote: a quoted field is still open %u lines later", r->q_lines);
        abandon_quote(r, why);
    }
}

static void process_line(csvin *r, const char *s, size_t n)
{
    uint64_t line = r->next_line++;
    if (r->stopped)
        return;
    /* lines ending in a lone CR: an LF after the CR (a CRLF among them)
     * is part of the line end, not of the next line */
    if (r->eol == '\r' && n > 0 && s[0] == '\n') {
        s++;
        n--;
    }
    if (line == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;
        n -= 3;
    }
    const char *raw = s;
    size_t rawn = n;
    if (!r->in_quote) {
        /* a blank line, or one of only spaces and tabs, is no row (as
         * libcsv reads it too) */
        size_t k = 0;
        while (k < n && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r'))
            k++;
        if (k == n)
            return;
    }
    size_t body = n && s[n - 1] == '\r' ? n - 1 : n;
    if (!r->delim_known)
        sniff_delim(r, s, body);
    line_scan *ls = &r->scan;
    char brk = r->eol == '\n' ? '\r' : '\n';
    scan_line(ls, s, body, r->delim, brk);
    bool converted;
    /* scan_line marks "no non-ASCII byte" with first_high == body, which
     * is one short of n when the line ends in CR */
    size_t first_high = ls->first_high < body ? ls->first_high : n;
    if (!to_utf8(r, &s, &n, first_high, ls->last_high, line, &converted))
        return;
    if (converted) {
        body = n && s[n - 1] == '\r' ? n - 1 : n;
        scan_line(ls, s, body, r->delim, brk);
    }
    if (r->in_quote || r->force_libcsv || ls->special)
        libcsv_line(r, raw, rawn, s, n, line);
    else
        split_line(r, ls, s, body, line, s, body);
}

static void over_long(csvin *r)
{
    char why[96];
    snprintf(why, sizeof why, "line is longer than %u bytes", CSVIN_MAX_LINE);
    reject(r, r->skip_line, why, r->carry.p, r->carry.len > 200 ? 200 : r->carry.len);
    r->carry.len = 0;
}

/* Line ends are LF (CRLF included) unless the input's first line ends in
 * a CR alone, as Excel's "CSV (Macintosh)" writes them: then every line
 * does (without this the whole file was one physical line, rejected as
 * over-long past 64 KiB).  Decided once, at the first CR or LF. */
static void decide_eol(csvin *r, const char *p, const char *e)
{
    if (r->cr_pending) {
        r->eol = *p == '\n' ? '\n' : '\r';
        r->eol_known = true;
        /* the CR that ended the last feed ended the first line */
        if (r->eol == '\r') {
            if (r->skipping) {
                r->skipping = false;
                over_long(r);
            } else if (r->carry.len) {
                size_t k = r->carry.len;
                r->carry.len = 0;
                process_line(r, r->carry.p, k);
            }
        }
        return;
    }
    for (; p < e; p++) {
        if (*p == '\n') {
            r->eol_known = true;
            return;
        }
        if (*p == '\r') {
            if (p + 1 < e) {
                r->eol = p[1] == '\n' ? '\n' : '\r';
                r->eol_known = true;
            } else {
                r->cr_pending = true;
            }
            return;
        }
    }
}

bool csvin_feed(csvin *r, const void *data, size_t len)
{
    const char *p = data, *e = p + len;
    if (!r->eol_known && len)
        decide_eol(r, p, e);
    while (p < e && !r->stopped) {
        const char *nl = memchr(p, r->eol, (size_t)(e - p));
        if (r->skipping) {
            if (!nl)
                return !r->stopped;
            r->skipping = false;
            over_long(r);
            p = nl + 1;
            continue;
        }
        if (!nl) {
            size_t k = (size_t)(e - p);
            if (r->carry.len + k > CSVIN_MAX_LINE) {
                /* keep the start for the reject excerpt, drop the rest */
                if (r->carry.len < 200)
                    buf_put(&r->carry, p, k < 200 ? k : 200);
                r->skipping = true;
                r->skip_line = r->next_line++;
                return !r->stopped;
            }
            buf_put(&r->carry, p, k);
            return !r->stopped;
        }
        size_t k = (size_t)(nl - p);
        if (r->carry.len) {
            if (r->carry.len + k > CSVIN_MAX_LINE) {
                r->skip_line = r->next_line++;
                over_long(r);
            } else {
                buf_put(&r->carry, p, k);
                size_t total = r->carry.len;
                r->carry.len = 0; /* the bytes stay in place until the next put */
                process_line(r, r->carry.p, total);
            }
        } else if (k > CSVIN_MAX_LINE) {
            r->skip_line = r->next_line++;
            buf_put(&r->carry, p, 200);
            over_long(r);
        } else {
            process_line(r, p, k);
        }
        p = nl + 1;
    }
    return !r->stopped;
}

/* The end of the input.  `why` NULL: a last line without a newline is a
 * line like any other.  Else the input was cut short, and that line is
 * rejected with `why` (its end is lost). */
static bool finish(csvin *r, const char *why, bool *cut_line)
{
    *cut_line = false;
    if (r->stopped)
        return false;
    if (r->skipping) {
        /* over-long anyway: rejected as such */
        r->skipping = false;
        over_long(r);
    } else if (r->carry.len) {
        size_t k = r->carry.len;
        r->carry.len = 0;
        if (why) {
            *cut_line = true;
            reject(r, r->next_line++, why, r->carry.p, k > 200 ? 200 : k);
        } else {
            process_line(r, r->carry.p, k);
        }
    }
    /* a quoted row still open lost its end too */
    while (r->in_quote && !r->stopped)
        abandon_quote(r, why ? "unterminated quote where the data ends" : "unterminated quote at the end of the file");
    return !r->stopped;
}

bool csvin_finish(csvin *r)
{
    bool cut;
    return finish(r, NULL, &cut);
}

bool csvin_finish_cut(csvin *r, const char *why, bool *cut_line) { return finish(r, why, cut_line); }
