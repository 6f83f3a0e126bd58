/*
 * dispatch.c - inputs to parsers (see dispatch.h).
 *
 * The kind of an input comes from its bytes, never its name: gzip magic
 * (handled below us by rl_src), pcap/pcapng magic, a JT/T 808 frame flag,
 * or text whose header row names the GPS, weighbridge or registry columns.
 * A file that is none of these, or empty, is a warning: it is named in
 * rejects.csv and the run goes on (exit 0), unless --strict.
 */
#include "dispatch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvhdr.h"
#include "csvin.h"
#include "csvout.h"
#include "gps_csv.h"
#include "jt808.h"
#include "pcapin.h"
#include "plate.h"
#include "registry_csv.h"
#include "util.h"
#include "weigh_csv.h"

#define READ_CHUNK (1u << 20)

bool run_open_rejects(rl_run *run, const char *path)
{
    if (path) {
        run->rejects = csvw_open(path, run->opt.excel_csv);
    } else {
        char err[256];
        run->rejects = tmp_stream(err, sizeof err);
        if (run->rejects && run->opt.excel_csv)
            fputs("\xEF\xBB\xBF", run->rejects);
    }
    if (!run->rejects)
        return false;
    fputs("source,file,line,offset,reason,excerpt\n", run->rejects);
    return true;
}

bool run_reject(rl_run *run, rl_origin where, const char *reason, const void *raw, size_t raw_len)
{
    run->rejected++;
    unsigned fi = RL_ORIGIN_FILE(where);
    if (fi < run->ninputs)
        run->inputs[fi].rejected++;
    char src[512];
    run_format_origin(run, where, src, sizeof src);
    if (run->rejects) {
        csvw w;
        csvw_init(&w, run->rejects);
        csvw_text(&w, src);
        csvw_text(&w, fi < run->ninputs ? run->inputs[fi].name : "");
        bool line = fi < run->ninputs && run->inputs[fi].loc == RL_LOC_LINE;
        if (line) {
            csvw_int(&w, (int64_t)RL_ORIGIN_POS(where));
            csvw_empty(&w);
        } else {
            csvw_empty(&w);
            csvw_int(&w, (int64_t)RL_ORIGIN_POS(where));
        }
        csvw_str(&w, reason);
        /* An excerpt of the record: printable text only, at most 200
         * bytes, so a binary line cannot break the file; binary records
         * (frames) in hex. */
        char ex[256];
        size_t k = 0;
        if (!line && raw && raw_len) {
            static const char hx[] = "0123456789abcdef";
            const unsigned char *b = raw;
            for (size_t i = 0; i < raw_len && k + 3 < sizeof ex && i < 64; i++) {
                ex[k++] = hx[b[i] >> 4];
                ex[k++] = hx[b[i] & 15];
            }
            raw_len = 0; /* done */
        }
        const unsigned char *p = raw;
        size_t take = raw_len < 200 ? raw_len : 200;
        bool utf8 = p && take && utf8_valid(raw, take);
        for (size_t i = 0; p && i < take; i++) {
            unsigned char c = p[i];
            ex[k++] = (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8)) ? '?' : (char)c;
        }
        /* do not end inside a UTF-8 sequence cut at 200 bytes */
        while (utf8 && k > 0 && !utf8_valid(ex, k))
            k--;
        ex[k] = 0;
        csvw_textn(&w, ex, k);
        csvw_end(&w);
    } else if (!run->opt.quiet && !run->opt.strict) {
        if (run->rejects_printed < 20)
            fprintf(stderr, "roadlog: %s: rejected: %s\n", src, reason);
        else if (run->rejects_printed == 20)
            fprintf(stderr, "roadlog: more rejected records follow; not shown\n");
        run->rejects_printed++;
    }
    if (run->opt.strict) {
        fprintf(stderr, "roadlog: %s: %s (stopping: --strict)\n", src, reason);
        run->stop = true;
        return false;
    }
    return true;
}

bool run_sink_reject(void *ud, rl_origin where, const char *reason, const void *raw, size_t raw_len)
{
    return run_reject(ud, where, reason, raw, raw_len);
}

void run_sink_count(void *ud, const char *what, uint64_t n) { run_count(ud, what, n); }

void run_sink_registration(void *ud, const char *phone, size_t phone_len, const char *plate, size_t plate_len,
                           int color, rl_origin where)
{
    (void)where;
    run_register_terminal(ud, phone, phone_len, plate, plate_len, color);
}

/* ---- progress bar (stderr, only when it is a terminal) ---- */

void run_plan_progress(rl_run *run, char **paths, int n)
{
    run->opt.progress = !run->opt.quiet && isatty(2);
    if (!run->opt.progress)
        return;
    for (int i = 0; i < n; i++) {
        struct stat st;
        if (strcmp(paths[i], "-") != 0 && stat(paths[i], &st) == 0 && S_ISREG(st.st_mode))
            run->bytes_total += (uint64_t)st.st_size;
    }
}

static void progress(rl_run *run, const char *name, uint64_t file_bytes)
{
    if (!run->opt.progress)
        return;
    double now = run_clock();
    if (now - run->last_progress < 0.2)
        return;
    run->last_progress = now;
    uint64_t done = run->bytes_done_files + file_bytes;
    int pct = run->bytes_total ? (int)(done * 100 / run->bytes_total) : 0;
    if (pct > 100)
        pct = 100;
    char bar[21];
    for (int i = 0; i < 20; i++)
        bar[i] = i < pct / 5 ? '#' : '.';
    bar[20] = 0;
    fprintf(stderr, "\r[%s] %3d%%  %.1f MB  %llu records  %s\033[K", bar, pct, done / 1e6,
            (unsigned long long)(run->positions + run->weighings), name);
}

void run_progress_done(rl_run *run)
{
    if (run->opt.progress && run->last_progress > 0)
        fputs("\r\033[K", stderr);
}

/* ---- CSV tables ---- */

typedef struct {
    rl_run *run;
    const rl_sink *sink;
    unsigned fi;
    want_kind want;
    table_kind kind;
    gpscsv *gps;
    regcsv *reg;
    weighcsv *weigh;
    bool wrong_kind;
} table_ctx;

static bool tbl_header(void *ud, const csv_row *h)
{
    table_ctx *t = ud;
    rl_input *in = &t->run->inputs[t->fi];
    t->kind = csvhdr_classify(h);
    if (t->want == WANT_REGISTRY && t->kind != TABLE_REGISTRY) {
        char miss[128];
        csvhdr_missing(h, TABLE_REGISTRY, miss, sizeof miss);
        fprintf(stderr, "roadlog: %s: not a vehicle registry: the header has no %s column\n", in->name, miss);
        t->wrong_kind = true;
        return false;
    }
    switch (t->kind) {
    case TABLE_GPS:
        in->kind = "gps";
        t->gps = gpscsv_new(h, t->sink, t->fi, t->run->opt.tz, t->run->decode);
        return true;
    case TABLE_WEIGHBRIDGE: {
        in->kind = "weighbridge";
        char why[300];
        if (!weighcsv_check_header(h, why, sizeof why)) {
            run_reject(t->run, RL_ORIGIN(t->fi, h->line), why, h->raw, h->raw_len);
            return false;
        }
        t->weigh = weighcsv_new(h, t->sink, t->fi, t->run->opt.tz);
        return true;
    }
    case TABLE_REGISTRY:
        in->kind = "registry";
        t->reg = regcsv_new(h, &t->run->reg, t->run->str, t->sink, t->fi);
        t->run->have_registry = true;
        return true;
    default: {
        in->kind = "unknown";
        char why[300];
        char miss[128];
        csvhdr_missing(h, TABLE_GPS, miss, sizeof miss);
        snprintf(why, sizeof why,
                 "header names no known table: a GPS log needs plate, time, lon, lat, speed (missing: %s); "
                 "a weighbridge log plate, time, axles, gross_kg; a registry plate, class",
                 miss);
        run_reject(t->run, RL_ORIGIN(t->fi, h->line), why, h->raw, h->raw_len);
        return false;
    }
    }
}

static bool tbl_row(void *ud, const csv_row *row)
{
    table_ctx *t = ud;
    t->run->inputs[t->fi].records++;
    if (t->gps)
        return gpscsv_row(t->gps, row);
    if (t->reg)
        return regcsv_row(t->reg, row);
    if (t->weigh)
        return weighcsv_row(t->weigh, row);
    return false;
}

static bool tbl_reject(void *ud, uint64_t line, const char *why, const void *raw, size_t n)
{
    table_ctx *t = ud;
    return t->sink->reject(t->sink->ud, RL_ORIGIN(t->fi, line), why, raw, n);
}

/* `lines`: physical lines read; `cut_reported`: the source ended inside
 * a line (truncated gzip, read error) and that line was rejected, which
 * reports the break. */
static bool read_table(rl_run *run, rl_src *src, unsigned fi, const rl_sink *sink, want_kind want, uint64_t *lines,
                       bool *cut_reported)
{
    table_ctx t = {.run = run, .sink = sink, .fi = fi, .want = want};
    csvin_handler h = {&t, tbl_header, tbl_row, tbl_reject};
    csvin *r = csvin_new(&h);
    rl_input *in = &run->inputs[fi];
    bool ok = true;
    for (;;) {
        const unsigned char *buf;
        long n = rl_src_next(src, &buf);
        if (n <= 0)
            break; /* a read or gzip error is reported by dispatch_input */
        if (!csvin_feed(r, buf, (size_t)n))
            break;
        progress(run, in->name, rl_src_raw_bytes(src));
    }
    *cut_reported = false;
    if (!run->stop) {
        const char *e = rl_src_error(src);
        if (e) {
            /* the data stops inside its last line: that line's last
             * field is cut (a speed of 8 for 88.0), so it is not read */
            char why[300];
            snprintf(why, sizeof why, "%s: the rest of the file is lost, and this line is cut short (not read)", e);
            csvin_finish_cut(r, why, cut_reported);
        } else {
            csvin_finish(r);
        }
    }
    *lines = csvin_lines(r);
    in->encoding = csvin_encoding(r);
    in->delimiter = csvin_delimiter(r);
    if (!csvin_header_seen(r) && !run->stop) {
        in->kind = "empty";
        in->error = xstrdup("no header row: nothing to read");
    } else if (t.kind != TABLE_UNKNOWN && !t.wrong_kind && in->records == 0 && !run->stop) {
        /* FORMATS.md: a file with no usable record is a warning */
        in->error = xstrdup("header only: no data rows");
        if (!run->opt.quiet)
            fprintf(stderr, "roadlog: %s: warning: header only, no data rows\n", in->name);
    }
    if (t.wrong_kind)
        ok = false;
    csvin_free(r);
    gpscsv_free(t.gps);
    regcsv_free(t.reg);
    weighcsv_free(t.weigh);
    return ok;
}

/* ---- binary inputs ---- */

/* A binary input: its kind, how its records are located, and the JT/T
 * 808 terminal state shared by every binary input of the run. */
static rl_input *binary_input(rl_run *run, unsigned fi, const char *kind, rl_loc_kind loc)
{
    rl_input *in = &run->inputs[fi];
    in->kind = kind;
    in->loc = loc;
    if (!run->jt808_session)
        run->jt808_session = jt808_session_new();
    return in;
}

static bool read_jt808(rl_run *run, rl_src *src, unsigned fi, const rl_sink *sink)
{
    rl_input *in = binary_input(run, fi, "jt808", RL_LOC_OFFSET);
    uint64_t before = run->positions;
    jt808_dec *d = jt808_new(run->jt808_session, sink, fi, RL_LOC_OFFSET);
    uint64_t off = 0;
    bool ok = true;
    for (;;) {
        const unsigned char *buf;
        long n = rl_src_next(src, &buf);
        if (n <= 0)
            break; /* a read or gzip error is reported by dispatch_input */
        if (!jt808_feed(d, buf, (size_t)n, off))
            break;
        off += (uint64_t)n;
        progress(run, in->name, rl_src_raw_bytes(src));
    }
    if (!run->stop)
        jt808_finish(d);
    jt808_free(d);
    in->records = run->positions - before;
    return ok;
}

static bool read_pcap(rl_run *run, rl_src *src, unsigned fi, const rl_sink *sink)
{
    rl_input *in = binary_input(run, fi, "pcap", RL_LOC_PACKET);
    FILE *f = rl_src_fopen(src);
    if (!f) {
        in->error = xstrdup("cannot open the capture stream");
        return false;
    }
    uint64_t before = run->positions;
    pcapin_opts o = {.port = run->opt.port};
    int rc = pcapin_read(f, in->name, fi, run->jt808_session, sink, &o);
    in->records = run->positions - before;
    if (rc < 0 && !in->error)
        in->error = xstrdup("not a readable capture, or a link type roadlog does not read");
    return rc >= 0;
}

bool dispatch_input(rl_run *run, const char *path, const rl_sink *sink, want_kind want)
{
    if (run->ninputs >= RL_MAX_INPUTS) {
        fprintf(stderr, "roadlog: %s: too many inputs (at most %u)\n", path, RL_MAX_INPUTS);
        return false;
    }
    if (run->ninputs == run->capinputs) {
        run->capinputs = run->capinputs ? run->capinputs * 2 : 16;
        run->inputs = xrealloc(run->inputs, run->capinputs * sizeof *run->inputs);
    }
    unsigned fi = (unsigned)run->ninputs++;
    rl_input *in = &run->inputs[fi];
    memset(in, 0, sizeof *in);
    in->name = xstrdup(path);
    in->kind = "unknown";
    in->loc = RL_LOC_LINE;
    char err[512];
    rl_src *src = rl_src_open(path, err, sizeof err);
    if (!src) {
        fprintf(stderr, "roadlog: %s\n", err);
        in->error = xstrdup(err);
        in->kind = "unreadable";
        return false;
    }
    rl_kind kind = rl_src_kind(src);
    bool ok = true;
    uint64_t lines = 0;
    bool cut_reported = false;
    if (want == WANT_TERMINALS && kind != RL_KIND_JT808 && kind != RL_KIND_PCAP && kind != RL_KIND_PCAPNG) {
        rl_src_close(src);
        return true;
    }
    switch (kind) {
    case RL_KIND_TEXT:
        ok = read_table(run, src, fi, sink, want, &lines, &cut_reported);
        break;
    case RL_KIND_JT808:
    case RL_KIND_PCAP:
    case RL_KIND_PCAPNG:
        if (want == WANT_REGISTRY) {
            fprintf(stderr, "roadlog: %s: not a vehicle registry (binary data)\n", path);
            ok = false;
        } else if (kind == RL_KIND_JT808) {
            ok = read_jt808(run, src, fi, sink);
        } else {
            ok = read_pcap(run, src, fi, sink);
        }
        break;
    case RL_KIND_EMPTY:
        if (rl_src_error(src))
            break; /* not empty: unreadable (below) */
        in->kind = "empty";
        in->error = xstrdup("empty file: nothing to read");
        if (!run->opt.quiet)
            fprintf(stderr, "roadlog: %s: warning: empty file\n", path);
        if (want == WANT_REGISTRY)
            ok = false;
        break;
    default:
        in->kind = "unknown";
        in->loc = RL_LOC_OFFSET;
        in->error = xstrdup("binary data that is neither CSV text, JT/T 808 frames nor a pcap capture");
        if (!run->opt.quiet)
            fprintf(stderr, "roadlog: %s: warning: %s\n", path, in->error);
        run_reject(run, RL_ORIGIN(fi, 0), in->error, NULL, 0);
        if (want == WANT_REGISTRY)
            ok = false;
        break;
    }
    if (rl_src_error(src) && !run->stop) {
        const char *e = rl_src_error(src);
        /* A gzip cut short or corrupt is a warning: what it held before
         * the break is analysed.  A read error means the file could not
         * be read: exit status 1 (FORMATS.md). */
        bool data_error = rl_src_truncated(src);
        in->truncated = data_error;
        if (!data_error) {
            ok = false;
            in->kind = "unreadable";
        }
        if (!in->error)
            in->error = xstrdup(e);
        if (!data_error || !run->opt.quiet || run->opt.strict)
            fprintf(stderr, "roadlog: %s: %s%s; what was readable before it is analysed\n", path,
                    data_error ? "warning: " : "", e);
        /* The break is a record of its own in rejects.csv: the line it
         * cut (rejected by read_table), or the line after the last one
         * read, or the raw byte offset where binary data stopped. */
        if (!cut_reported) {
            rl_origin o = RL_ORIGIN(fi, in->loc == RL_LOC_LINE ? lines + 1 : rl_src_raw_bytes(src));
            char why[300];
            snprintf(why, sizeof why, "%s: the rest of the file is lost", e);
            if (!run_reject(run, o, why, NULL, 0))
                ok = false;
        }
    }
    in->gzip = rl_src_gzip(src);
    rl_src_sha256(src, in->sha256);
    in->size = rl_src_raw_bytes(src);
    run->bytes_done_files += in->size;
    rl_src_close(src);
    return ok && !run->stop;
}
