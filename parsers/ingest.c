/*
 * ingest.c - the ingest front end: inputs to parsers (see ingest.h).
 *
 * The kind of an input comes from its bytes, never its name: gzip magic
 * (handled below us by rl_src), pcap/pcapng magic, a JT/T 808 frame flag,
 * or text whose header row names the GPS, weighbridge or registry columns.
 * A file that is none of these, or empty, is a warning: it is named in
 * rejects.csv and the run goes on (exit 0), unless --strict.
 */
#include "ingest.h"

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
#include "rlrec.h"
#include "timeutil.h"
#include "util.h"
#include "weigh_csv.h"

#define READ_CHUNK (1u << 20)

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
    bool skipped;            /* WANT_IDENTITIES: not a registry, left after its header */
} table_ctx;

static bool tbl_header(void *ud, const csv_row *h)
{
    table_ctx *t = ud;
    rl_input *in = &t->run->inputs[t->fi];
    t->kind = csvhdr_classify(h);
    if (t->want == WANT_IDENTITIES && t->kind != TABLE_REGISTRY) {
        t->skipped = true;
        return false;
    }
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
            t->sink->reject(t->sink->ud, RL_ORIGIN(t->fi, h->line), why, h->raw, h->raw_len);
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
        t->sink->reject(t->sink->ud, RL_ORIGIN(t->fi, h->line), why, h->raw, h->raw_len);
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
            break; /* a read or gzip error is reported by ingest_input */
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
    } else if (t.kind != TABLE_UNKNOWN && !t.wrong_kind && !t.skipped && in->records == 0 && !run->stop) {
        /* FORMATS.md: a file with no usable record is a warning */
        in->error = xstrdup("header only: no data rows");
        if (!run->opt.quiet)
            fprintf(stderr, "roadlog: %s: warning: header only, no data rows\n", in->name);
    } else if (t.kind == TABLE_UNKNOWN && !run->stop) {
        /* its header was rejected (rejects.csv has why): said here too, so
         * that a run of such files does not pass for a clean one */
        in->error = xstrdup("the header names no known table: nothing read");
        if (!run->opt.quiet)
            fprintf(stderr, "roadlog: %s: warning: the header names no known table (GPS, weighbridge, registry): "
                            "nothing read, see rejects.csv\n",
                    in->name);
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
    if (!run->jt808_session) {
        run->jt808_session = jt808_session_new();
        /* the active-safety items' layout is configuration (JT808.md §14) */
        if (run->jt808_session)
            jt808_session_set_dialect(run->jt808_session, (jt808_dialect)(int)run->rules.v[R_JT808_DIALECT]);
    }
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
            break; /* a read or gzip error is reported by ingest_input */
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

/* ---- record files (roadlog shard, RUNS.md §3) ----
 *
 * A record file carries the records its shard run read and the table of
 * the original inputs.  Each original input gets an entry of its own in
 * the run (named as it was given to shard, `via` the record file), so
 * `source` and rejects.csv name the original file and line, and the
 * entries follow the order the record files are read in: a directory's
 * record files come ordered by their first input (rlrec_expand), which is
 * the original input order, so duplicates keep the same fix as one run.
 * A registry among the original inputs is not copied into the records:
 * each part reads it again from the path shard read it at (and checks
 * its SHA-256), as --registry is read by every part. */

static bool new_entry(rl_run *run, const char *path, unsigned *fi);
static bool read_input(rl_run *run, unsigned fi, const char *path, const rl_sink *sink, want_kind want);

typedef struct {
    rl_run *run;
    const rl_sink *sink;
    unsigned fi;             /* the record file's own entry */
    unsigned first;          /* the entry of its first original input */
    char **paths;            /* where shard read each original input */
    size_t npaths;
    bool ok;
} records_ctx;

/* The run's static name for a kind or an encoding read from a file. */
static const char *known_name(const char *s, const char *const *names)
{
    for (; *names; names++)
        if (strcmp(s, *names) == 0)
            return *names;
    return NULL;
}

static const char *const input_kinds[] = {"gps", "weighbridge", "registry", "jt808", "pcap", "empty", "unknown",
                                          "unreadable", NULL};
static const char *const encodings[] = {"utf-8", "gbk", "ascii", NULL};

static bool rec_head(void *ud, const rlrec_head *h)
{
    records_ctx *x = ud;
    if (h->tz != x->run->opt.tz) {
        /* CSV times without an offset were read in the shard's zone */
        char a[8], b[8];
        tu_format_tz(h->tz, a);
        tu_format_tz(x->run->opt.tz, b);
        fprintf(stderr, "roadlog: %s: sharded with --tz %s, this run has --tz %s: give both the same zone\n",
                x->run->inputs[x->fi].name, a, b);
        x->run->inputs[x->fi].kind = "unreadable"; /* as one that cannot be opened: nothing of it is read */
        x->ok = false;
        return false;
    }
    if (h->jt808_dialect != (unsigned)x->run->rules.v[R_JT808_DIALECT]) {
        /* the items were read in the layout the shard's rules named */
        char a[64], b[64];
        rl_rules r = x->run->rules;
        r.v[R_JT808_DIALECT] = h->jt808_dialect;
        rules_format_value(&r, R_JT808_DIALECT, a, sizeof a);
        rules_format_value(&x->run->rules, R_JT808_DIALECT, b, sizeof b);
        fprintf(stderr, "roadlog: %s: sharded with jt808.dialect = %s, this run has %s: give both the same rules\n",
                x->run->inputs[x->fi].name, a, b);
        x->run->inputs[x->fi].kind = "unreadable";
        x->ok = false;
        return false;
    }
    return true;
}

static bool rec_input(void *ud, unsigned j, uint32_t global, const char *name, const char *path, unsigned *index)
{
    records_ctx *x = ud;
    (void)global; /* the order: record files come sorted by it */
    if (!new_entry(x->run, name, index)) {
        x->ok = false;
        return false;
    }
    if (j == 0)
        x->first = *index;
    x->run->inputs[*index].via = x->run->inputs[x->fi].name;
    x->paths = xrealloc(x->paths, (x->npaths + 1) * sizeof *x->paths);
    x->paths[x->npaths++] = xstrdup(path && *path ? path : name);
    return true;
}

static void rec_begin(void *ud, unsigned index, rl_loc_kind loc, const char *kind)
{
    records_ctx *x = ud;
    rl_input *in = &x->run->inputs[index];
    const char *k = known_name(kind, input_kinds);
    in->kind = k ? k : "unknown";
    in->loc = loc;
}

static bool rec_end(void *ud, unsigned index, const rlrec_stats *st)
{
    records_ctx *x = ud;
    rl_run *run = x->run;
    rl_input *in = &run->inputs[index];
    if (strcmp(in->kind, "registry") == 0) {
        const char *path = x->paths[index - x->first];
        if (!read_input(run, index, path, x->sink, WANT_REGISTRY)) {
            fprintf(stderr, "roadlog: %s: a registry the record file %s names, read again from %s: cannot be read\n",
                    run->inputs[index].name, run->inputs[x->fi].name, path);
            x->ok = false;
        } else if (strcmp(run->inputs[index].sha256, st->sha256) != 0) {
            fprintf(stderr, "roadlog: %s: the registry has changed since it was sharded (SHA-256 differs): shard again\n",
                    run->inputs[index].name);
            x->ok = false;
        }
        return !run->stop;
    }
    in->size = st->size;
    memcpy(in->sha256, st->sha256, sizeof in->sha256);
    in->gzip = st->gzip;
    in->truncated = st->truncated;
    in->encoding = st->encoding ? known_name(st->encoding, encodings) : NULL;
    in->delimiter = st->delimiter;
    in->records = st->records;
    if (st->error && !in->error)
        in->error = xstrdup(st->error);
    if (st->unreadable) {
        /* as one run over it would: exit status 1 */
        fprintf(stderr, "roadlog: %s: could not be read when it was sharded: %s\n", in->name,
                st->error ? st->error : "read error");
        x->ok = false;
    }
    return true;
}

static bool read_records(rl_run *run, rl_src *src, unsigned fi, const rl_sink *sink)
{
    rl_input *in = &run->inputs[fi];
    in->kind = "records";
    in->loc = RL_LOC_OFFSET;
    records_ctx x = {.run = run, .sink = sink, .fi = fi, .ok = true};
    rlrec_meta meta = {&x, rec_head, rec_input, rec_begin, rec_end};
    rlrec_dec *d = rlrec_dec_new(sink, &meta);
    uint64_t before = run->positions + run->weighings;
    bool fed = true;
    for (;;) {
        const unsigned char *buf;
        long n = rl_src_next(src, &buf);
        if (n <= 0)
            break; /* a read or gzip error is reported by ingest_input */
        if (!(fed = rlrec_feed(d, buf, (size_t)n)))
            break;
        progress(run, run->inputs[fi].name, rl_src_raw_bytes(src));
    }
    if (fed && !run->stop && !rl_src_error(src))
        rlrec_finish(d);
    uint64_t off;
    const char *why = rlrec_error(d, &off);
    if (why && x.ok) {
        /* a record file is the only copy of what it holds: damage loses
         * records, so it is an error (exit status 1), not a warning */
        in = &run->inputs[fi];
        fprintf(stderr, "roadlog: %s@%llu: %s\n", in->name, (unsigned long long)off, why);
        if (!in->error)
            in->error = xstrdup(why);
        sink->reject(sink->ud, RL_ORIGIN(fi, off), why, NULL, 0);
        x.ok = false;
    }
    run->inputs[fi].records = run->positions + run->weighings - before;
    rlrec_dec_free(d);
    for (size_t i = 0; i < x.npaths; i++)
        free(x.paths[i]);
    free(x.paths);
    return x.ok;
}

/* The input's entry in the run's table (its index is its place on the
 * command line), or false when there are too many. */
static bool new_entry(rl_run *run, const char *path, unsigned *fi)
{
    if (run->ninputs >= RL_MAX_INPUTS) {
        fprintf(stderr, "roadlog: %s: too many inputs (at most %u)\n", path, RL_MAX_INPUTS);
        return false;
    }
    if (run->ninputs == run->capinputs) {
        run->capinputs = run->capinputs ? run->capinputs * 2 : 16;
        run->inputs = xrealloc(run->inputs, run->capinputs * sizeof *run->inputs);
    }
    *fi = (unsigned)run->ninputs++;
    rl_input *in = &run->inputs[*fi];
    memset(in, 0, sizeof *in);
    in->name = xstrdup(path);
    in->kind = "unknown";
    in->loc = RL_LOC_LINE;
    return true;
}

static bool read_input(rl_run *run, unsigned fi, const char *path, const rl_sink *sink, want_kind want);

bool ingest_input(rl_run *run, const char *path, const rl_sink *sink, want_kind want)
{
    unsigned fi;
    if (!new_entry(run, path, &fi))
        return false;
    return read_input(run, fi, path, sink, want);
}

static bool read_input(rl_run *run, unsigned fi, const char *path, const rl_sink *sink, want_kind want)
{
    rl_input *in = &run->inputs[fi];
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
    if (want == WANT_TERMINALS && kind != RL_KIND_JT808 && kind != RL_KIND_PCAP && kind != RL_KIND_PCAPNG &&
        kind != RL_KIND_RLREC) {
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
    case RL_KIND_RLREC:
        if (want == WANT_REGISTRY) {
            fprintf(stderr, "roadlog: %s: not a vehicle registry (a record file of roadlog shard)\n", path);
            ok = false;
        } else {
            ok = read_records(run, src, fi, sink);
            in = &run->inputs[fi]; /* its original inputs were added to the table */
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
        sink->reject(sink->ud, RL_ORIGIN(fi, 0), in->error, NULL, 0);
        if (want == WANT_REGISTRY)
            ok = false;
        break;
    }
    if (want == WANT_IDENTITIES) {
        /* a first pass: the input's own bookkeeping is the real pass's */
        rl_src_close(src);
        return ok && !run->stop;
    }
    if (rl_src_error(src)) {
        const char *e = rl_src_error(src);
        /* A gzip cut short or corrupt is a warning: what it held before
         * the break is analysed.  A read error means the file could not
         * be read: exit status 1 (FORMATS.md).  run.json says so also
         * when --strict stopped at the line the break cut. */
        bool data_error = rl_src_truncated(src);
        in->truncated = data_error;
        if (!data_error) {
            ok = false;
            in->kind = "unreadable";
        }
        if (!in->error)
            in->error = xstrdup(e);
        if (!run->stop && (!data_error || !run->opt.quiet || run->opt.strict))
            fprintf(stderr, "roadlog: %s: %s%s; what was readable before it is analysed\n", path,
                    data_error ? "warning: " : "", e);
        /* The break is a record of its own in rejects.csv: the line it
         * cut (rejected by read_table), or the line after the last one
         * read, or the raw byte offset where binary data stopped. */
        if (!run->stop && !cut_reported) {
            rl_origin o = RL_ORIGIN(fi, in->loc == RL_LOC_LINE ? lines + 1 : rl_src_raw_bytes(src));
            char why[300];
            snprintf(why, sizeof why, "%s: the rest of the file is lost", e);
            if (!sink->reject(sink->ud, o, why, NULL, 0))
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

/* ====================================================================
 * Every input on every core (RUNS.md §1).
 *
 * The inputs are read as tasks, side by side: a whole input, or a byte
 * range of a large plain CSV file.  Each task reads into a run of its own
 * (a "shadow", made and put back by the caller's ingest_reader: its own
 * vehicle table, strings, counters) and writes its rows of rejects.csv to
 * a temporary file; when every task is done the shadows are put into the
 * run and the reject rows into rejects.csv in input order, so the outputs
 * are the ones one thread gives.  Inputs whose records depend on the ones
 * before them (registries, JT/T 808 and pcap, whose terminals' drivers
 * and registrations run from file to file, stdin) are read in input order
 * on the run itself, by one thread, while the others read the rest.
 *
 * A range of a CSV file starts right after a line end.  The reader of the
 * range before it reads on until it stands at a row start at or past the
 * boundary: when that is the boundary itself (a quoted field did not
 * cross it), the next range was read from the right place; when a quoted
 * row crossed it, that reader simply went on through the next range, and
 * the next range's own reading is thrown away.  Line numbers come from a
 * first pass counting line ends per range; the text encoding at a range's
 * start (csvin decides it at the first line with a non-ASCII byte) from
 * the first such byte of the file.
 * ==================================================================== */

#include <pthread.h>
#include <stdatomic.h>
#include <fcntl.h>

/* Smallest range worth a task: a range costs a csvin, a parser and a
 * shadow table, and a task start. */
#define RANGE_MIN ((size_t)8 << 20)

typedef struct split_file {
    const char *path;
    unsigned char *header;    /* line 1 with its line end */
    size_t size;
    size_t header_end;        /* line 1 with its line end */
    char eol;
    int n;                    /* ranges */
    size_t *start;            /* n + 1 offsets: range k is [start[k], start[k + 1]) */
    uint64_t *eols;           /* line ends in range k */
    size_t *first_high;       /* first byte >= 0x80 in range k, SIZE_MAX: none */
    uint64_t *line;           /* first physical line of range k */
    const char **enc;         /* csvin's encoding where range k starts */
    int *last;                /* the last range range k's reader went through */
} split_file;

typedef enum { TASK_LANE, TASK_WHOLE, TASK_COUNT, TASK_RANGE, TASK_HASH } task_kind;

typedef struct ingest_task {
    task_kind kind;
    unsigned fi;
    const char *path;
    split_file *sf;
    int k;                    /* TASK_COUNT, TASK_RANGE: the range */
    rl_run *shadow;           /* TASK_WHOLE, TASK_RANGE */
    rl_sink sink;
    FILE *rejects;            /* the task's rows of rejects.csv */
    bool ok;
    char sha256[65];          /* TASK_HASH */
} ingest_task;

/* A temporary file in --tmp ($TMPDIR, else /tmp), gone when closed. */
static FILE *temp_file(const rl_run *run)
{
    char err[512];
    FILE *f = tmp_stream(run->opt.tmp_dir, err, sizeof err);
    if (!f) {
        fprintf(stderr, "roadlog: %s\n", err);
        exit_now(1); /* RUNS.md §1: no temporary space is exit 1 */
    }
    return f;
}

/* Append the rows a task wrote to rejects.csv. */
static bool copy_rejects(FILE *to, FILE *from)
{
    if (!from)
        return true;
    bool ok = to ? copy_stream(from, to) : !ferror(from);
    fclose(from);
    return ok;
}

/* ---- what an input is, told before reading it ---- */

typedef struct {
    table_kind kind;
} sniff_ctx;

static bool sniff_header(void *ud, const csv_row *h)
{
    ((sniff_ctx *)ud)->kind = csvhdr_classify(h);
    return false;
}

static bool sniff_row(void *ud, const csv_row *r)
{
    (void)ud;
    (void)r;
    return false;
}

/* The table a text input holds, from its first line (TABLE_UNKNOWN when
 * it is not text, or cannot be read now: the lane reads it and says why). */
static table_kind sniff_table(const char *path, bool *gzip, bool *text)
{
    char err[512];
    *gzip = *text = false;
    rl_src *src = rl_src_open(path, err, sizeof err);
    if (!src)
        return TABLE_UNKNOWN;
    sniff_ctx sc = {TABLE_UNKNOWN};
    if (rl_src_kind(src) == RL_KIND_TEXT) {
        *text = true;
        const unsigned char *p;
        size_t n = rl_src_peek(src, &p, CSVIN_MAX_LINE);
        csvin_handler h = {&sc, sniff_header, sniff_row, NULL};
        csvin *r = csvin_new(&h);
        csvin_feed(r, p, n);
        if (!csvin_header_seen(r))
            csvin_finish(r);
        csvin_free(r);
    }
    *gzip = rl_src_gzip(src);
    rl_src_close(src);
    return sc.kind;
}

/* ---- a large plain CSV in ranges ---- */

/* Read [from, to) of the file in chunks and hand each to fn; false on a
 * read error.  pread, not mmap: what was read leaves the process with the
 * buffer, so a file of gigabytes costs no resident memory of its own. */
static bool read_span(int fd, size_t from, size_t to, bool (*fn)(void *ud, const unsigned char *p, size_t n, size_t at),
                      void *ud)
{
    enum { CHUNK = 1 << 18 };
    unsigned char *buf = xmalloc(CHUNK);
    bool ok = true;
    while (ok && from < to) {
        size_t want = to - from < CHUNK ? to - from : CHUNK;
        ssize_t got = pread(fd, buf, want, (off_t)from);
        if (got <= 0) {
            if (got < 0 && errno == EINTR)
                continue;
            ok = false;
            break;
        }
        ok = fn(ud, buf, (size_t)got, from);
        from += (size_t)got;
    }
    free(buf);
    return ok;
}

/* The first line end at or after `at` (SIZE_MAX: none). */
static size_t next_eol(int fd, size_t at, size_t size, char eol)
{
    unsigned char buf[1 << 14];
    while (at < size) {
        ssize_t got = pread(fd, buf, sizeof buf, (off_t)at);
        if (got <= 0)
            return SIZE_MAX;
        const unsigned char *e = memchr(buf, eol, (size_t)got);
        if (e)
            return at + (size_t)(e - buf);
        at += (size_t)got;
    }
    return SIZE_MAX;
}

static split_file *split_plan(const char *path, unsigned nthreads)
{
    struct stat st;
    if (nthreads < 2 || stat(path, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size < 2 * RANGE_MIN)
        return NULL;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    size_t size = (size_t)st.st_size;
    /* line 1 and the line end the file uses (csvin: LF, or a lone CR
     * when the first line ends so) */
    unsigned char *head = xmalloc(CSVIN_MAX_LINE + 1);
    ssize_t got = pread(fd, head, CSVIN_MAX_LINE + 1, 0);
    size_t hn = got > 0 ? (size_t)got : 0;
    const unsigned char *nl = memchr(head, '\n', hn), *cr = memchr(head, '\r', hn);
    char eol = '\n';
    const unsigned char *end1 = nl;
    if (cr && (!nl || cr < nl) && cr + 1 < head + hn && cr[1] != '\n') {
        eol = '\r';
        end1 = cr;
    }
    if (!end1) {
        free(head);
        close(fd);
        return NULL;
    }
    split_file *sf = xcalloc(1, sizeof *sf);
    sf->path = path;
    sf->header = head;
    sf->size = size;
    sf->header_end = (size_t)(end1 - head) + 1;
    sf->eol = eol;
    size_t body = size - sf->header_end;
    size_t want = body / RANGE_MIN;
    if (want > (size_t)nthreads * 4)
        want = (size_t)nthreads * 4;
    if (want < 2)
        want = 2;
    sf->start = xmalloc((want + 1) * sizeof *sf->start);
    int n = 0;
    sf->start[n++] = sf->header_end;
    /* ranges shrink from the first to the last (weights want, want - 1,
     * ..., 1): the threads take them in order, so the one that ends the
     * read is small and no thread waits long for another (equal ranges
     * left an eighth of the file to the last one) */
    uint64_t total = (uint64_t)want * (want + 1) / 2, cum = 0;
    for (size_t k = 1; k < want; k++) {
        cum += want - (k - 1);
        size_t at = sf->header_end + (size_t)((unsigned __int128)body * cum / total);
        if (at <= sf->start[n - 1])
            continue;
        size_t e = next_eol(fd, at, size, eol);
        if (e == SIZE_MAX || e + 1 >= size)
            break;
        if (e + 1 > sf->start[n - 1])
            sf->start[n++] = e + 1;
    }
    close(fd);
    sf->n = n;
    sf->start[n] = size;
    sf->eols = xcalloc((size_t)n, sizeof *sf->eols);
    sf->first_high = xmalloc((size_t)n * sizeof *sf->first_high);
    sf->line = xcalloc((size_t)n, sizeof *sf->line);
    sf->enc = xcalloc((size_t)n, sizeof *sf->enc);
    sf->last = xcalloc((size_t)n, sizeof *sf->last);
    return sf;
}

static void split_free(split_file *sf)
{
    if (!sf)
        return;
    free(sf->header);
    free(sf->start);
    free(sf->eols);
    free(sf->first_high);
    free(sf->line);
    free(sf->enc);
    free(sf->last);
    free(sf);
}

/* First pass over range k: its line ends and its first non-ASCII byte. */
typedef struct {
    const split_file *sf;
    uint64_t eols;
    size_t first_high;
} count_ctx;

static bool count_chunk(void *ud, const unsigned char *p, size_t n, size_t at)
{
    count_ctx *c = ud;
    const unsigned char *e = p + n;
    for (const unsigned char *q = p; (q = memchr(q, c->sf->eol, (size_t)(e - q))); q++)
        c->eols++;
    if (c->first_high == SIZE_MAX) {
        /* eight bytes at a time: most files are ASCII to the end */
        const unsigned char *q = p;
        while (q + 8 <= e && !(load_u64(q) & 0x8080808080808080ull))
            q += 8;
        while (q < e && !(*q & 0x80))
            q++;
        if (q < e)
            c->first_high = at + (size_t)(q - p);
    }
    return true;
}

static bool count_range(split_file *sf, int k)
{
    int fd = open(sf->path, O_RDONLY);
    if (fd < 0)
        return false;
    count_ctx c = {sf, 0, SIZE_MAX};
    bool ok = read_span(fd, sf->start[k], sf->start[k + 1], count_chunk, &c);
    close(fd);
    sf->eols[k] = c.eols;
    sf->first_high[k] = c.first_high;
    return ok;
}

typedef struct {
    bool decided;
} enc_probe;

static bool probe_header(void *ud, const csv_row *h) { (void)ud; (void)h; return true; }
static bool probe_row(void *ud, const csv_row *r) { (void)ud; (void)r; return true; }

/* Line numbers and encodings at each range's start. */
static void split_settle(split_file *sf)
{
    uint64_t line = 2; /* line 1 is the header */
    size_t first_high = SIZE_MAX;
    for (int k = 0; k < sf->n; k++) {
        sf->line[k] = line;
        line += sf->eols[k];
        if (first_high == SIZE_MAX)
            first_high = sf->first_high[k];
    }
    /* what csvin has decided at each range's start: feed the header and
     * the lines from the first non-ASCII one on to a reader that does
     * nothing else, until it decides */
    enc_probe pr = {false};
    csvin_handler h = {&pr, probe_header, probe_row, NULL};
    csvin *r = csvin_new(&h);
    csvin_feed(r, sf->header, sf->header_end);
    const char *header_enc = csvin_encoding(r);
    size_t decided_at = SIZE_MAX;
    const char *decided = header_enc;
    int fd;
    if (strcmp(header_enc, "ascii") != 0) {
        decided_at = 0;
    } else if (first_high != SIZE_MAX && (fd = open(sf->path, O_RDONLY)) >= 0) {
        /* from the start of the line holding the byte, line by line */
        size_t at = first_high;
        unsigned char c;
        while (at > sf->header_end && pread(fd, &c, 1, (off_t)(at - 1)) == 1 && c != (unsigned char)sf->eol)
            at--;
        csvin_resume_at(r, 2, "ascii");
        unsigned char *text = xmalloc(CSVIN_MAX_LINE);
        while (at < sf->size) {
            size_t e = next_eol(fd, at, sf->size, sf->eol);
            size_t next = e == SIZE_MAX ? sf->size : e + 1;
            if (next - at <= CSVIN_MAX_LINE && pread(fd, text, next - at, (off_t)at) == (ssize_t)(next - at)) {
                csvin_feed(r, text, next - at);
                if (strcmp(csvin_encoding(r), "ascii") != 0) {
                    decided = csvin_encoding(r);
                    decided_at = next;
                    break;
                }
            }
            at = next;
        }
        free(text);
        close(fd);
    }
    csvin_free(r);
    for (int k = 0; k < sf->n; k++)
        sf->enc[k] = sf->start[k] >= decided_at ? decided : header_enc;
}

static bool feed_chunk(void *ud, const unsigned char *p, size_t n, size_t at)
{
    (void)at;
    return csvin_feed(ud, p, n);
}

/* Range k of a split file: the header, then the range, then as many
 * further ranges as a quoted row crossing a boundary makes it go on. */
static bool read_range(rl_run *run, unsigned fi, split_file *sf, int k, const rl_sink *sink)
{
    table_ctx t = {.run = run, .sink = sink, .fi = fi, .want = WANT_ANY};
    csvin_handler h = {&t, tbl_header, tbl_row, tbl_reject};
    csvin *r = csvin_new(&h);
    rl_input *in = &run->inputs[fi];
    bool ok = csvin_feed(r, sf->header, sf->header_end);
    csvin_resume_at(r, sf->line[k], sf->enc[k]);
    int fd = open(sf->path, O_RDONLY);
    bool read_ok = fd >= 0;
    int j = k;
    while (ok && read_ok && !run->stop) {
        read_ok = read_span(fd, sf->start[j], sf->start[j + 1], feed_chunk, r);
        if (j + 1 == sf->n || csvin_at_row_start(r))
            break;
        j++;
    }
    if (fd >= 0)
        close(fd);
    if (!read_ok) {
        /* the file changed or failed under us: the lane's error path is
         * for whole files; here it is a reject at the range and exit 1 */
        run_reject(run, RL_ORIGIN(fi, sf->line[k]), "read error: the rest of this part of the file is lost", NULL, 0);
        in->error = xstrdup("read error");
    }
    sf->last[k] = j;
    if (ok && j + 1 == sf->n && !run->stop)
        csvin_finish(r);
    if (k == 0) {
        in->encoding = csvin_encoding(r);
        in->delimiter = csvin_delimiter(r);
    }
    csvin_free(r);
    gpscsv_free(t.gps);
    regcsv_free(t.reg);
    weighcsv_free(t.weigh);
    return read_ok;
}

static bool hash_chunk(void *ud, const unsigned char *p, size_t n, size_t at)
{
    (void)at;
    rl_sha256_update(ud, p, n);
    return true;
}

static bool hash_file(const split_file *sf, char hex[65])
{
    int fd = open(sf->path, O_RDONLY);
    if (fd < 0)
        return false;
    rl_sha256 *h = rl_sha256_new();
    bool ok = read_span(fd, 0, sf->size, hash_chunk, h);
    rl_sha256_final(h, hex);
    close(fd);
    return ok;
}

/* ---- the tasks ---- */

typedef struct {
    rl_run *run;
    const ingest_reader *rd;
    ingest_task *t;
    size_t n;
    atomic_size_t next;
    task_kind only;           /* run only tasks of this kind (the count pass), or TASK_LANE: all but lanes */
} task_pool;

static void run_task(task_pool *p, ingest_task *t)
{
    switch (t->kind) {
    case TASK_COUNT:
        t->ok = count_range(t->sf, t->k);
        break;
    case TASK_HASH:
        t->ok = hash_file(t->sf, t->sha256);
        break;
    case TASK_WHOLE:
        t->shadow->rejects = t->rejects;
        t->ok = read_input(t->shadow, t->fi, t->path, &t->sink, WANT_ANY);
        t->shadow->rejects = NULL;
        p->rd->done(p->rd->ud, t->shadow);
        break;
    case TASK_RANGE:
        t->shadow->rejects = t->rejects;
        t->ok = read_range(t->shadow, t->fi, t->sf, t->k, &t->sink);
        t->shadow->rejects = NULL;
        p->rd->done(p->rd->ud, t->shadow);
        break;
    case TASK_LANE: {
        /* on the run itself; its rows of rejects.csv wait their turn */
        rl_run *run = p->run;
        FILE *real = run->rejects;
        run->rejects = t->rejects;
        t->ok = read_input(run, t->fi, t->path, &t->sink, WANT_ANY);
        run->rejects = real;
        break;
    }
    }
}

static void *pool_work(void *arg)
{
    task_pool *p = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&p->next, 1);
        if (i >= p->n)
            break;
        ingest_task *t = &p->t[i];
        if (p->only == TASK_COUNT ? t->kind != TASK_COUNT : (t->kind == TASK_LANE || t->kind == TASK_COUNT))
            continue;
        run_task(p, t);
    }
    return NULL;
}

typedef struct {
    task_pool *p;
} lane_arg;

static void *lane_work(void *arg)
{
    task_pool *p = ((lane_arg *)arg)->p;
    for (size_t i = 0; i < p->n; i++)
        if (p->t[i].kind == TASK_LANE)
            run_task(p, &p->t[i]);
    p->rd->done(p->rd->ud, p->run);
    /* then help with the rest */
    return pool_work(p);
}

static void pool_run(task_pool *p, unsigned nthreads, bool with_lane)
{
    atomic_init(&p->next, 0);
    pthread_t *tid = xcalloc(nthreads, sizeof *tid);
    lane_arg la = {p};
    unsigned started = 0;
    for (unsigned i = 1; i < nthreads; i++, started++)
        if (pthread_create(&tid[i], NULL, pool_work, p) != 0)
            break;
    if (with_lane)
        lane_work(&la);
    else
        pool_work(p);
    for (unsigned i = 1; i <= started; i++)
        pthread_join(tid[i], NULL);
    free(tid);
}

bool ingest_all(rl_run *run, const rl_sink *sink, const ingest_reader *rd, char **paths, int npaths)
{
    unsigned nthreads = run->opt.threads ? run->opt.threads : 1;
    if (nthreads < 2 || run->opt.strict || !rd) {
        bool ok = true;
        for (int i = 0; i < npaths && !run->stop && !(!ok && run->opt.strict); i++)
            if (!ingest_input(run, paths[i], sink, WANT_ANY))
                ok = false;
        return ok;
    }
    /* plan: an entry per input (in command-line order), then its tasks */
    size_t cap = 16, n = 0;
    ingest_task *t = xcalloc(cap, sizeof *t);
    split_file **splits = xcalloc((size_t)npaths + 1, sizeof *splits);
    unsigned *first_fi = xcalloc((size_t)npaths + 1, sizeof *first_fi);
    bool ok = true;
    int nread = 0;
    for (int i = 0; i < npaths; i++, nread++) {
        unsigned fi;
        if (!new_entry(run, paths[i], &fi)) {
            ok = false;
            break;
        }
        first_fi[i] = fi;
        bool gzip = false, text = false;
        /* only a file can be looked at before it is read: stdin, a pipe
         * (`<(zcat ...)`, a FIFO) gives its bytes once, to the lane */
        struct stat st;
        bool file = strcmp(paths[i], "-") != 0 && stat(paths[i], &st) == 0 && S_ISREG(st.st_mode);
        table_kind kind = file ? sniff_table(paths[i], &gzip, &text) : TABLE_UNKNOWN;
        bool parallel = text && (kind == TABLE_GPS || kind == TABLE_WEIGHBRIDGE);
        split_file *sf = parallel && !gzip ? split_plan(paths[i], nthreads) : NULL;
        splits[i] = sf;
        size_t more = sf ? 2 * (size_t)sf->n + 1 : 1;
        if (n + more > cap) {
            while (n + more > cap)
                cap *= 2;
            t = xrealloc(t, cap * sizeof *t);
        }
        if (!parallel) {
            t[n++] = (ingest_task){.kind = TASK_LANE, .fi = fi, .path = paths[i], .sink = *sink};
        } else if (!sf) {
            t[n++] = (ingest_task){.kind = TASK_WHOLE, .fi = fi, .path = paths[i]};
        } else {
            t[n++] = (ingest_task){.kind = TASK_HASH, .fi = fi, .path = paths[i], .sf = sf};
            for (int k = 0; k < sf->n; k++)
                t[n++] = (ingest_task){.kind = TASK_COUNT, .fi = fi, .path = paths[i], .sf = sf, .k = k};
            for (int k = 0; k < sf->n; k++)
                t[n++] = (ingest_task){.kind = TASK_RANGE, .fi = fi, .path = paths[i], .sf = sf, .k = k};
        }
    }
    /* every task's shadow and reject file, made before any thread runs
     * (a shadow copies the input table, which the lane then writes to) */
    for (size_t i = 0; i < n; i++) {
        if (t[i].kind == TASK_WHOLE || t[i].kind == TASK_RANGE)
            t[i].shadow = rd->open(rd->ud, run, &t[i].sink);
        if (t[i].kind != TASK_COUNT && t[i].kind != TASK_HASH)
            t[i].rejects = temp_file(run);
    }
    double c0 = run_clock();
    task_pool p = {.run = run, .rd = rd, .t = t, .n = n, .only = TASK_COUNT};
    pool_run(&p, nthreads, false);
    for (int i = 0; i < nread; i++)
        if (splits[i])
            split_settle(splits[i]);
    double c1 = run_clock();
    p.only = TASK_LANE;
    pool_run(&p, nthreads, true);
    double c2 = run_clock();
    /* put it together, in input order */
    for (size_t i = 0; i < n; i++) {
        ingest_task *x = &t[i];
        rl_input *in = &run->inputs[x->fi];
        switch (x->kind) {
        case TASK_COUNT:
            break;
        case TASK_HASH:
            memcpy(in->sha256, x->sha256, sizeof in->sha256);
            in->size = x->sf->size;
            run->bytes_done_files += in->size;
            break;
        case TASK_LANE:
            if (!copy_rejects(run->rejects, x->rejects))
                ok = false;
            if (!x->ok)
                ok = false;
            break;
        case TASK_WHOLE: {
            rl_input *sin = &x->shadow->inputs[x->fi];
            char *name = in->name;
            *in = *sin;
            in->name = name;
            sin->error = NULL; /* moved */
            rd->close(rd->ud, run, x->shadow, true);
            if (!copy_rejects(run->rejects, x->rejects))
                ok = false;
            if (!x->ok)
                ok = false;
            break;
        }
        case TASK_RANGE: {
            /* a range a quoted row ran into was read by the range before */
            bool covered = false;
            for (int k = 0; k < x->k; k++)
                if (x->sf->last[k] >= x->k) {
                    covered = true;
                    break;
                }
            rl_input *sin = &x->shadow->inputs[x->fi];
            if (covered) {
                rd->close(rd->ud, run, x->shadow, false);
                fclose(x->rejects);
                break;
            }
            if (x->k == 0) {
                in->kind = sin->kind;
                in->loc = sin->loc;
                in->encoding = sin->encoding;
                in->delimiter = sin->delimiter;
                in->error = sin->error;
                sin->error = NULL;
            }
            in->records += sin->records;
            in->rejected += sin->rejected;
            rd->close(rd->ud, run, x->shadow, true);
            if (!copy_rejects(run->rejects, x->rejects))
                ok = false;
            if (x->k + 1 == x->sf->n && in->records == 0 && !in->error) {
                in->error = xstrdup("header only: no data rows");
                if (!run->opt.quiet)
                    fprintf(stderr, "roadlog: %s: warning: header only, no data rows\n", in->name);
            }
            break;
        }
        }
    }
    if (getenv("ROADLOG_PHASES"))
        fprintf(stderr, "roadlog: reading: plan+count %.3f s, tasks %.3f s, putting together %.3f s\n", c1 - c0,
                c2 - c1, run_clock() - c2);
    for (int i = 0; i < nread; i++)
        split_free(splits[i]);
    free(splits);
    free(first_fi);
    free(t);
    return ok && !run->stop;
}
