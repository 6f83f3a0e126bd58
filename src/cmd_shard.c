/*
 * cmd_shard.c - `roadlog shard`: split the inputs by vehicle into N parts
 * of record files (RUNS.md §3, parsers/rlrec.h) that `analyze` reads like
 * any input:
 *
 *   roadlog shard --parts N --out SHARDS INPUT...
 *   roadlog analyze --out OUT/part-0007 SHARDS/part-0007
 *
 * Every input is read once, as `analyze` reads it (same parsers, same
 * sink), and each record goes to one part: all records of a plate (any
 * colour) to the part of a hash of the normalised plate; a JT/T 808
 * terminal's positions and registrations to the part of the plate its
 * registration (anywhere in the inputs) or the registry's terminal_phone
 * names, else to the part of a hash of its phone; what names no vehicle,
 * rejects and counters to part 0.  So a part holds whole vehicles, and
 * its analysis gives the events one run gives for them (fatigue of a
 * driver who drove vehicles of several parts is `merge`'s job).
 *
 * Who a terminal is must be known before its first position is routed:
 * a first pass reads the JT/T 808 and pcap inputs for their registrations
 * and the registries for their terminal phones (every input of the list,
 * also those another shard task reads), as `decode` does.
 *
 * Several shard processes may fill one SHARDS folder: each writes its own
 * file in every part, `part-NNNN/iKKKKKK-HASH.rlrec`, K the global index
 * of its first input and HASH one of its input names, so names do not
 * collide and a task run again replaces its own files.  `--task I/T`
 * takes the I-th of T groups of the whole input list (the Slurm driver's
 * way: every task gets the same list), `--first-input K` numbers the
 * inputs from K (processes started by hand over disjoint inputs).  The
 * global index orders the records as the inputs were ordered: which of
 * two fixes of a vehicle in one second is kept follows it.
 *
 * The files are written under NAME.part and renamed when every part is
 * complete; an error, --strict or a signal leaves none.  Memory: one
 * block per part (32 MiB over all parts, 4-64 KiB each) and what the
 * parsers hold; no input is ever held whole.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "ingest.h"
#include "outfiles.h"
#include "rejects.h"
#include "rlrec.h"
#include "util.h"

#ifndef RL_VERSION
#define RL_VERSION "0.1.0"
#endif

#define SHARD_MAX_PARTS 9999
/* Raw bytes buffered over all parts. */
#define SHARD_BUFFERED (32u << 20)
/* Seed of the routing hash (any fixed value: every shard process of one
 * set uses the same binary). */
#define ROUTE_SEED 0x726f61646c6f67ull

typedef struct shard {
    rl_run run;              /* this process's inputs: their table, counts, the reject path */
    rl_run ids;              /* who terminals are: registrations and registries of every input */
    unsigned parts;
    rlrec_writer **w;
    char **part_path;        /* DIR/part-NNNN/NAME.rlrec.part */
    uint64_t *routed;        /* records of the input being read, per part */
    bool *begun;             /* its begin record written, per part */
} shard;

static unsigned part_of(const shard *s, const char *key, size_t n)
{
    return (unsigned)(rl_hash(key, n, ROUTE_SEED) % s->parts);
}

/* The part of a terminal: its plate's (registration, else registry),
 * else its own. */
static unsigned part_of_terminal(const shard *s, const char *phone, size_t phone_len)
{
    const char *c;
    size_t cn;
    phone_canon(phone, phone_len, &c, &cn);
    uint32_t pid = strtab_find(s->ids.str, c, cn), plid;
    int color;
    if (pid != UINT32_MAX && run_terminal_plate(&s->ids, pid, &plid, &color))
        return part_of(s, strtab_get(s->ids.str, plid), strtab_len(s->ids.str, plid));
    return part_of(s, c, cn);
}

/* The writer of part p for a record of input fi, its begin record first. */
static rlrec_writer *writer(shard *s, unsigned p, unsigned fi)
{
    if (!s->begun[p]) {
        const rl_input *in = &s->run.inputs[fi];
        rlrec_begin(s->w[p], fi, in->loc, in->kind);
        s->begun[p] = true;
    }
    return s->w[p];
}

static void on_position(void *ud, const rl_position *p)
{
    shard *s = ud;
    s->run.positions++;
    unsigned part = p->plate && p->plate_len ? part_of(s, p->plate, p->plate_len)
                    : p->phone && p->phone_len ? part_of_terminal(s, p->phone, p->phone_len)
                                               : 0; /* analyze rejects it, in part 0 */
    s->routed[part]++;
    rlrec_position(writer(s, part, RL_ORIGIN_FILE(p->origin)), p);
}

static void on_weighing(void *ud, const rl_weighing *w)
{
    shard *s = ud;
    s->run.weighings++;
    unsigned part = w->plate && w->plate_len ? part_of(s, w->plate, w->plate_len) : 0;
    s->routed[part]++;
    rlrec_weighing(writer(s, part, RL_ORIGIN_FILE(w->origin)), w);
}

/* A registration goes where the terminal's positions go: the part sees
 * the terminal's registrations in stream order, conflicts included. */
static void on_registration(void *ud, const char *phone, size_t phone_len, const char *plate, size_t plate_len,
                            int color, rl_origin where)
{
    shard *s = ud;
    unsigned part = part_of_terminal(s, phone, phone_len);
    rlrec_registration(writer(s, part, RL_ORIGIN_FILE(where)), where, phone, phone_len, plate, plate_len, color);
}

static bool on_reject(void *ud, rl_origin where, const char *reason, const void *raw, size_t raw_len)
{
    shard *s = ud;
    unsigned fi = RL_ORIGIN_FILE(where);
    /* a registry's rows are read again by every part, which rejects them
     * there (as --registry); here only --strict stops at them */
    bool registry = fi < s->run.ninputs && strcmp(s->run.inputs[fi].kind, "registry") == 0;
    if (!registry)
        rlrec_reject(writer(s, 0, fi), where, reason, raw, raw_len);
    if (registry && !s->run.opt.strict)
        return true;
    return run_reject(&s->run, where, reason, raw, raw_len);
}

static void on_count(void *ud, const char *what, uint64_t n)
{
    shard *s = ud;
    rlrec_count(s->w[0], what, n);
}

/* ---- the first pass: who each terminal is ---- */

static void ids_position(void *ud, const rl_position *p) { (void)ud; (void)p; }
static void ids_weighing(void *ud, const rl_weighing *w) { (void)ud; (void)w; }
static bool ids_reject(void *ud, rl_origin o, const char *r, const void *raw, size_t n)
{
    (void)ud; (void)o; (void)r; (void)raw; (void)n;
    return true;
}
static void ids_count(void *ud, const char *what, uint64_t n) { (void)ud; (void)what; (void)n; }

/* Registrations and registries of every input, in input order.  The JT/T
 * 808 state (each terminal's driver) as it stands at this process's
 * first input goes on into its own reading, as one run carries it from
 * file to file. */
static bool learn_identities(shard *s, char **all, int nall, int lo)
{
    rl_sink sink = {&s->ids, ids_position, run_sink_registration, ids_weighing, ids_reject, ids_count};
    if (s->run.opt.registry_path && !ingest_input(&s->ids, s->run.opt.registry_path, &sink, WANT_REGISTRY)) {
        fprintf(stderr, "roadlog shard: %s: cannot be read as a registry\n", s->run.opt.registry_path);
        return false;
    }
    for (int i = 0; i < nall; i++) {
        if (i == lo) {
            s->run.jt808_session = s->ids.jt808_session;
            s->ids.jt808_session = NULL;
        }
        /* files only: stdin and pipes can be read once, and what cannot
         * be read at all is reported by the reading itself */
        struct stat st;
        if (strcmp(all[i], "-") != 0 && stat(all[i], &st) == 0 && S_ISREG(st.st_mode) && access(all[i], R_OK) == 0)
            ingest_input(&s->ids, all[i], &sink, WANT_IDENTITIES);
    }
    return true;
}

/* ---- the inputs of this process ---- */

/* The I-th of T groups of the inputs, consecutive, of about equal size. */
static void task_group(char **all, int n, unsigned task, unsigned tasks, int *lo, int *hi)
{
    uint64_t total = 0;
    uint64_t *size = xcalloc((size_t)n + 1, sizeof *size);
    for (int i = 0; i < n; i++) {
        struct stat st;
        size[i] = stat(all[i], &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size + 1 : 1;
        total += size[i];
    }
    /* input i goes to the group its middle byte falls in */
    uint64_t at = 0;
    *lo = n;
    *hi = n;
    bool lo_set = false;
    for (int i = 0; i < n; i++) {
        unsigned g = (unsigned)((at + size[i] / 2) * tasks / (total ? total : 1));
        if (g >= tasks)
            g = tasks - 1;
        if (g == task && !lo_set) {
            *lo = i;
            lo_set = true;
        }
        if (g > task) {
            *hi = i;
            break;
        }
        at += size[i];
    }
    if (!lo_set)
        *lo = *hi = n;
    free(size);
}

/* A name no other shard process of the set writes: the first global
 * input and a hash of the input names. */
static char *file_name(char **mine, int n, uint32_t first)
{
    uint64_t h = 0;
    for (int i = 0; i < n; i++)
        h = rl_hash(mine[i], strlen(mine[i]) + 1, h);
    rl_buf b = {0};
    buf_printf(&b, "i%06u-%016llx.rlrec", (unsigned)first, (unsigned long long)h);
    return b.p;
}

static void usage(FILE *f)
{
    fputs("usage: roadlog shard --parts N --out DIR [OPTIONS] INPUT...\n"
          "\n"
          "Split the inputs by vehicle into N parts, DIR/part-0000 ... (record files that\n"
          "`roadlog analyze DIR/part-NNNN` reads like any input; RUNS.md §3).\n"
          "\n"
          "  --parts N           number of parts (1-9999)\n"
          "  --out DIR           the parts' folder; several shard processes over disjoint\n"
          "                      inputs may fill one (each writes its own file per part)\n"
          "  --task I/T          read the I-th (0-based) of T groups of the INPUT list; every\n"
          "                      task is given the whole list (what `roadlog slurm` does)\n"
          "  --first-input K     the global index of the first INPUT (processes started by\n"
          "                      hand over disjoint inputs, so records keep the input order)\n"
          "  --registry FILE     vehicle registry: terminal phones, for routing JT/T 808\n"
          "                      positions (give the same --registry to analyze)\n"
          "  --tz +HH:MM         zone of CSV times without an offset (the same as analyze's)\n"
          "  --rules FILE        its jt808.dialect decides the active-safety items' layout\n"
          "                      (give analyze the same rules)\n"
          "  --port N            pcap: only TCP/UDP traffic on port N\n"
          "  --strict            stop at the first bad record (exit 1, no parts written)\n"
          "  --quiet             no progress bar, warnings or summary on stderr\n"
          "\n"
          "example:\n"
          "  roadlog shard --parts 8 --registry vehicles.csv --out SHARDS gps-2026-11-02.csv.gz capture.pcapng\n"
          "  roadlog analyze --registry vehicles.csv --out OUT/part-0003 SHARDS/part-0003\n"
          "  roadlog merge --out OUT/all OUT/part-*\n"
          "\n"
          "exit status: 0 ok, 1 bad input under --strict, an unreadable input or a part that\n"
          "cannot be written, 2 usage\n",
          f);
}

/* The options that belong to analyze, not to shard. */
static const char *analyze_only(const rl_run *run)
{
    if (run->opt.plate)
        return "--plate";
    if (run->opt.company)
        return "--company";
    if (run->opt.have_from || run->opt.have_to)
        return "--from/--to";
    if (run->opt.formats != FMT_ALL)
        return "--format";
    if (run->resumed_from)
        return "--resume";
    if (run->opt.nzone_paths)
        return "--zones";
    if (run->opt.detect != DET_ALL)
        return "--detect";
    return NULL;
}

static bool parse_count(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (end == s || *end || errno || v > max || *s == '-')
        return false;
    *out = v;
    return true;
}

/* Open files: one per part, and the inputs'. */
static bool room_for_files(unsigned parts)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return true;
    rlim_t want = (rlim_t)parts + 64;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
        rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    return rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want;
}

static void shard_free(shard *s)
{
    for (unsigned p = 0; p < s->parts; p++)
        free(s->part_path ? s->part_path[p] : NULL);
    free(s->part_path);
    free(s->w);
    free(s->routed);
    free(s->begun);
    run_free(&s->run);
    run_free(&s->ids);
    free(s);
}

int cmd_shard(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        }
    const char *parts_s = NULL, *task_s = NULL, *first_s = NULL;
    if (cli_take_option(&argc, argv, "parts", &parts_s) < 0 || cli_take_option(&argc, argv, "task", &task_s) < 0 ||
        cli_take_option(&argc, argv, "first-input", &first_s) < 0) {
        fprintf(stderr, "roadlog shard: --parts, --task and --first-input take a value\n");
        return EXIT_USAGE;
    }
    shard *s = xcalloc(1, sizeof *s);
    run_init(&s->run);
    run_init(&s->ids);
    const char *default_out = s->run.opt.out_dir;
    char **all;
    int nall;
    int rc = cli_parse(&s->run, "shard", argc, argv, &all, &nall);
    if (rc) {
        shard_free(s);
        return rc;
    }
    unsigned long parts = 0, task = 0, tasks = 0, first = 0;
    const char *bad = analyze_only(&s->run);
    const char *why = NULL;
    if (!parts_s || !parse_count(parts_s, SHARD_MAX_PARTS, &parts) || parts == 0)
        why = "--parts N (1-9999) is required";
    else if (s->run.opt.out_dir == default_out)
        why = "--out DIR is required";
    else if (nall == 0)
        why = "no input files";
    else if (task_s && first_s)
        why = "--task and --first-input exclude each other";
    else if (first_s && !parse_count(first_s, RL_MAX_INPUTS, &first))
        why = "--first-input K: a number of inputs";
    else if (bad)
        why = "that option is analyze's: give it to the analysis of each part";
    if (task_s) {
        char *slash;
        if (!(slash = strchr(task_s, '/')) || (*slash = 0, !parse_count(task_s, 1000000, &task)) ||
            !parse_count(slash + 1, 1000000, &tasks) || tasks == 0 || task >= tasks)
            why = "--task I/T: group I (from 0) of T";
    }
    if (why) {
        fprintf(stderr, "roadlog shard: %s%s%s\nrun `roadlog shard --help` for the options\n", bad ? bad : "",
                bad ? ": " : "", why);
        shard_free(s);
        return EXIT_USAGE;
    }
    int lo = 0, hi = nall;
    if (task_s)
        task_group(all, nall, (unsigned)task, (unsigned)tasks, &lo, &hi);
    if (task_s)
        first = (unsigned long)lo;
    for (int i = 0; i < nall; i++) {
        rlrec_head h;
        struct stat st;
        if (task_s && strcmp(all[i], "-") == 0)
            why = "stdin (-) cannot be read by several tasks";
        else if (stat(all[i], &st) == 0 && S_ISREG(st.st_mode) && rlrec_read_head(all[i], &h)) /* not a pipe: read once */
            why = "is a record file already: analyze it, or shard the original inputs";
        if (why) {
            fprintf(stderr, "roadlog shard: %s: %s\n", all[i], why);
            shard_free(s);
            return EXIT_USAGE;
        }
    }
    if (first + (unsigned long)nall > RL_MAX_INPUTS) {
        fprintf(stderr, "roadlog shard: too many inputs (at most %u in all)\n", RL_MAX_INPUTS);
        shard_free(s);
        return EXIT_USAGE;
    }
    s->parts = (unsigned)parts;
    if (!room_for_files(s->parts)) {
        fprintf(stderr, "roadlog shard: %u parts need %u open files, more than this process may open (ulimit -n)\n",
                s->parts, s->parts + 64);
        shard_free(s);
        return EXIT_USAGE;
    }
    char **mine = all + lo;
    int nmine = hi - lo;
    s->ids.opt.quiet = true;
    s->ids.opt.tz = s->run.opt.tz;
    s->ids.opt.port = s->run.opt.port;
    s->ids.rules = s->run.rules; /* jt808.dialect: the JT/T 808 state goes on into this run */
    if (!learn_identities(s, all, nall, lo)) {
        shard_free(s);
        return EXIT_INPUT;
    }
    if (nmine == 0) {
        /* a task with no input of its own (more tasks than inputs) */
        if (!s->run.opt.quiet)
            fprintf(stderr, "roadlog shard: task %lu of %lu has no input of its own: nothing to write\n", task, tasks);
        shard_free(s);
        return 0;
    }

    /* every part's file, under a temporary name until all are complete */
    outfiles_guard();
    char *name = file_name(mine, nmine, (uint32_t)first);
    s->w = xcalloc(s->parts, sizeof *s->w);
    s->part_path = xcalloc(s->parts, sizeof *s->part_path);
    s->routed = xcalloc(s->parts, sizeof *s->routed);
    s->begun = xcalloc(s->parts, sizeof *s->begun);
    size_t block = SHARD_BUFFERED / s->parts;
    block = block > (64u << 10) ? (64u << 10) : block < (4u << 10) ? (4u << 10) : block;
    rlrec_head head = {.parts = s->parts, .first_global = (uint32_t)first, .tz = s->run.opt.tz,
                       .jt808_dialect = (unsigned)s->run.rules.v[R_JT808_DIALECT]};
    snprintf(head.version, sizeof head.version, "%s", RL_VERSION);
    char **absolute = xcalloc((size_t)nmine, sizeof *absolute);
    for (int j = 0; j < nmine; j++)
        absolute[j] = strcmp(mine[j], "-") == 0 ? NULL : realpath(mine[j], NULL);
    int status = 0;
    bool stopped = false;    /* nothing to put in place */
    for (unsigned p = 0; p < s->parts && !stopped; p++) {
        rl_buf dir = {0};
        buf_printf(&dir, "%s/part-%04u", s->run.opt.out_dir, p);
        if (!make_dirs(dir.p)) {
            fprintf(stderr, "roadlog shard: cannot create the folder %s: %s\n", dir.p, strerror(errno));
            stopped = true;
        } else {
            s->part_path[p] = outfiles_part(dir.p, name);
            head.part = p;
            s->w[p] = rlrec_create(s->part_path[p], &head, block);
            if (!s->w[p]) {
                fprintf(stderr, "roadlog shard: cannot write %s: %s\n", s->part_path[p], strerror(errno));
                stopped = true;
            }
        }
        buf_free(&dir);
        for (int j = 0; s->w[p] && j < nmine; j++)
            rlrec_input(s->w[p], (unsigned)j, (uint32_t)(first + (unsigned long)j), mine[j],
                        absolute[j] ? absolute[j] : "");
    }

    /* read, route, write */
    rl_sink sink = {s, on_position, on_registration, on_weighing, on_reject, on_count};
    if (stopped)
        status = EXIT_INPUT;
    else {
        run_plan_progress(&s->run, mine, nmine);
        for (int j = 0; j < nmine && !s->run.stop; j++) {
            memset(s->routed, 0, s->parts * sizeof *s->routed);
            memset(s->begun, 0, s->parts * sizeof *s->begun);
            if (!ingest_input(&s->run, mine[j], &sink, WANT_ANY))
                status = EXIT_INPUT;
            if (s->run.stop)
                break;
            const rl_input *in = &s->run.inputs[j];
            if (strcmp(in->kind, "registry") == 0 && !absolute[j]) {
                fprintf(stderr, "roadlog shard: %s: a registry on stdin cannot be sharded: give it as a file\n",
                        in->name);
                status = EXIT_INPUT;
            }
            /* each part: the input's summary and its share of the
             * records (part 0 also those no vehicle took, rejected rows) */
            uint64_t elsewhere = 0;
            for (unsigned p = 1; p < s->parts; p++)
                elsewhere += s->routed[p];
            for (unsigned p = 0; p < s->parts; p++) {
                rlrec_stats st = {.gzip = in->gzip, .truncated = in->truncated, .size = in->size,
                                  .encoding = in->encoding, .delimiter = in->delimiter, .error = in->error,
                                  .unreadable = strcmp(in->kind, "unreadable") == 0};
                st.records = p ? s->routed[p] : in->records > elsewhere ? in->records - elsewhere : 0;
                memcpy(st.sha256, in->sha256, sizeof st.sha256);
                writer(s, p, (unsigned)j);
                rlrec_end(s->w[p], (unsigned)j, &st);
            }
        }
        run_progress_done(&s->run);
    }
    if (s->run.stop) {
        status = EXIT_INPUT;
        stopped = true;
    }
    for (unsigned p = 0; p < s->parts; p++)
        if (s->w[p] && !rlrec_close(s->w[p]) && !stopped) {
            fprintf(stderr, "roadlog shard: cannot write %s: %s\n", s->part_path[p], strerror(errno));
            stopped = true;
            status = EXIT_INPUT;
        }
    if (stopped) {
        outfiles_discard();
    } else if (!outfiles_commit()) {
        fprintf(stderr, "roadlog shard: cannot put the parts in place in %s: %s\n", s->run.opt.out_dir,
                strerror(errno));
        outfiles_discard();
        status = EXIT_INPUT;
        stopped = true;
    }
    if (!s->run.opt.quiet && !stopped)
        fprintf(stderr,
                "roadlog: %d inputs, %llu positions, %llu weighings, %llu rejected: %u parts in %s/part-NNNN/%s\n",
                nmine, (unsigned long long)s->run.positions, (unsigned long long)s->run.weighings,
                (unsigned long long)s->run.rejected, s->parts, s->run.opt.out_dir, name);
    for (int j = 0; j < nmine; j++)
        free(absolute[j]);
    free(absolute);
    free(name);
    shard_free(s);
    return status;
}
