/*
 * cmd_analyze.c - `roadlog analyze`: read every input, detect, write the
 * ledger and the tables into --out.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze.h"
#include "cases.h"
#include "cli.h"
#include "ingest.h"
#include "outfiles.h"
#include "reports.h"
#include "carry.h"
#include "resume.h"
#include "rlrec.h"
#include "spill.h"
#include "util.h"

static char *out_path(const rl_run *run, const char *name)
{
    rl_buf b = {0};
    buf_printf(&b, "%s/%s", run->opt.out_dir, name);
    return b.p;
}

typedef bool (*writer)(const rl_run *, const char *);

/* One output file: its writer reads the finished run and nothing else, so
 * the files are written side by side (RUNS.md §1: the writers use the
 * cores too), a thread each, as many at once as --threads allows. */
typedef struct {
    const rl_run *run;
    const char *name;
    writer w;
    char *path;              /* its part (outfiles.h) */
    bool ok;
    int err;
} output_job;

static void *write_job(void *arg)
{
    output_job *j = arg;
    errno = 0;
    j->ok = j->w(j->run, j->path);
    j->err = errno;
    return NULL;
}

static bool write_outputs(const rl_run *run)
{
    /* the slowest first, so they start while the quick ones run */
    static const struct {
        unsigned format;
        bool by_driver;          /* only with --by driver */
        const char *name;
        writer w;
    } all[] = {
        {FMT_HTML, false, "report.html", report_html},
        {FMT_XLSX, false, "events.xlsx", report_xlsx},
        {FMT_GEOJSON, false, "tracks.geojson", report_tracks_geojson},
        {FMT_HTML, true, "drivers.html", report_drivers_html},
        {FMT_JSONL, false, "events.jsonl", report_events_jsonl},
        {FMT_GEOJSON, false, "events.geojson", report_geojson},
        {FMT_CSV, false, "events.csv", report_events_csv},
        {FMT_CSV, false, "vehicles.csv", report_vehicles_csv},
        {FMT_CSV, false, "vehicle_days.csv", report_vehicle_days_csv},
        {FMT_CSV, false, "drivers.seg", report_driver_segments},
    };
    enum { NALL = sizeof all / sizeof all[0] };
    output_job jobs[NALL];
    size_t n = 0;
    for (size_t i = 0; i < NALL; i++)
        if ((run->opt.formats & all[i].format) && (!all[i].by_driver || run->opt.by_driver))
            jobs[n++] = (output_job){run, all[i].name, all[i].w, outfiles_part(run->opt.out_dir, all[i].name), false, 0};
    size_t width = run->opt.threads > 1 ? run->opt.threads : 1;
    pthread_t tid[NALL];
    for (size_t from = 0; from < n; from += width) {
        size_t to = from + width < n ? from + width : n;
        size_t started = from + 1;
        for (size_t i = from + 1; i < to; i++, started++)
            if (pthread_create(&tid[i], NULL, write_job, &jobs[i]) != 0)
                break;
        write_job(&jobs[from]);
        for (size_t i = started; i < to; i++) /* not started: written here */
            write_job(&jobs[i]);
        for (size_t i = from + 1; i < started; i++)
            pthread_join(tid[i], NULL);
    }
    bool ok = true;
    for (size_t i = 0; i < n; i++)
        if (!jobs[i].ok) {
            fprintf(stderr, "roadlog analyze: cannot write %s/%s: %s\n", run->opt.out_dir, jobs[i].name,
                    strerror(jobs[i].err ? jobs[i].err : EIO));
            ok = false;
        }
    for (size_t i = 0; i < n; i++)
        free(jobs[i].path);
    return ok;
}

/* --ledger DB: each event's case status, for report.html and events.xlsx
 * (the ledger is only read). */
static bool load_case_statuses(rl_run *run)
{
    char err[1024];
    cases_ledger *lg = cases_open(run->opt.ledger, false, &run->rules, run->opt.tz, err, sizeof err);
    if (!lg) {
        fprintf(stderr, "roadlog analyze: --ledger: %s\n", err);
        return false;
    }
    size_t n = run->events.n;
    const char **ids = xmalloc((n ? n : 1) * sizeof *ids);
    bool *overdue = xmalloc((n ? n : 1) * sizeof *overdue);
    run->case_status = xcalloc(n ? n : 1, 1);
    for (size_t i = 0; i < n; i++)
        ids[i] = run->events.e[i].id;
    bool ok = cases_status_of(lg, ids, n, run->case_status, overdue);
    if (!ok)
        fprintf(stderr, "roadlog analyze: --ledger %s: %s\n", cdb_target(lg->db), cdb_error(lg->db));
    for (size_t i = 0; i < n; i++)
        if (overdue[i])
            run->case_status[i] |= 0x80;
    free(ids);
    free(overdue);
    cases_close(lg);
    return ok;
}

static void print_summary(const rl_run *run)
{
    uint64_t by[EV_TYPE_COUNT] = {0};
    for (size_t i = 0; i < run->events.n; i++)
        by[run->events.e[i].type]++;
    fprintf(stderr, "roadlog: %llu position%s, %llu weighing%s, %llu vehicle%s (%llu not in the registry), %zu event%s",
            (unsigned long long)run->positions, run->positions == 1 ? "" : "s",
            (unsigned long long)run->weighings, run->weighings == 1 ? "" : "s",
            (unsigned long long)run->vehicles_analysed, run->vehicles_analysed == 1 ? "" : "s",
            (unsigned long long)run->unregistered, run->events.n, run->events.n == 1 ? "" : "s");
    const char *sep = " (";
    for (int t = 0; t < EV_TYPE_COUNT; t++)
        if (by[t]) {
            fprintf(stderr, "%s%s %llu", sep, event_type_name((event_type)t), (unsigned long long)by[t]);
            sep = ", ";
        }
    if (*sep == ',')
        fputc(')', stderr);
    fprintf(stderr, "; %llu rejected\n", (unsigned long long)run->rejected);
    size_t len = strlen(run->opt.out_dir);
    fprintf(stderr, "roadlog: outputs in %s%s\n", run->opt.out_dir,
            len && run->opt.out_dir[len - 1] == '/' ? "" : "/");
}

/* Did any input (the registry aside) yield anything to read?  An input
 * that cannot be opened or read through is "unreadable"; an empty file or
 * one with nothing usable is a warning, and counts as read. */
static bool any_input_read(const rl_run *run, size_t first)
{
    for (size_t i = first; i < run->ninputs; i++)
        if (strcmp(run->inputs[i].kind, "unreadable") != 0)
            return true;
    return false;
}

/* rejects.csv was written to a temporary file while reading (nothing goes
 * into --out before there is something to write): now it joins the other
 * outputs as a part.  A full disk shows up here. */
static bool write_rejects(rl_run *run)
{
    char *p = outfiles_part(run->opt.out_dir, "rejects.csv");
    FILE *f = fopen(p, "w");
    bool ok = f && !ferror(run->rejects) && copy_stream(run->rejects, f);
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok)
        fprintf(stderr, "roadlog analyze: cannot write %s/rejects.csv: %s\n", run->opt.out_dir, strerror(errno));
    fclose(run->rejects);
    run->rejects = NULL;
    free(p);
    return ok;
}

int cmd_analyze(int argc, char **argv)
{
    rl_run run;
    run_init(&run);
    char **inputs;
    int ninputs;
    int rc = cli_parse(&run, "analyze", argc, argv, &inputs, &ninputs);
    if (rc) {
        run_free(&run);
        return rc;
    }
    if (ninputs == 0) {
        fprintf(stderr, "roadlog analyze: no input files (give files, or - for stdin)\n");
        run_free(&run);
        return EXIT_USAGE;
    }
    if (run.opt.require_registry && !run.opt.registry_path) {
        fprintf(stderr, "roadlog analyze: --require-registry needs --registry FILE\n");
        run_free(&run);
        return EXIT_USAGE;
    }
    /* --resume DIR --out DIR would write over the carry it reads and leave
     * a run that names itself as the one before it */
    if (run.resumed_from) {
        struct stat a, b;
        if (stat(run.resumed_from, &a) == 0 && stat(run.opt.out_dir, &b) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino) {
            fprintf(stderr,
                    "roadlog analyze: --out %s is the folder --resume reads: give each run a folder of its own "
                    "(e.g. --resume out/2026-11-02 --out out/2026-11-03)\n",
                    run.opt.out_dir);
            run_free(&run);
            return EXIT_USAGE;
        }
    }
    /* the zones load while the inputs are read (a bad zone file is a
     * usage error all the same, once it is known) */
    run_load_zones_start(&run, "analyze");
    if (run_zones_failed(&run)) { /* known already: no input is read for nothing */
        int zrc = run_load_zones_wait(&run);
        run_free(&run);
        return zrc;
    }
    /* The output folder is checked now and created only when there is
     * something to write: nothing lands in it when no input can be read
     * or the selection is empty (issue 11). */
    char why[1024];
    if (out_dir_problem(run.opt.out_dir, why, sizeof why)) {
        fprintf(stderr, "roadlog analyze: %s\n", why);
        run_free(&run);
        return EXIT_INPUT;
    }
    /* every file of --out is written as NAME.part and renamed at the end,
     * so a run that fails or is stopped leaves --out as it was */
    outfiles_guard();
    if (!run_open_rejects(&run, NULL)) { /* the reason is said */
        run_free(&run);
        return EXIT_INPUT;
    }
    rl_sink sink;
    analyze_sink(&run, &sink);
    run.spill = spill_new(run.opt.memory, run.opt.tmp_dir, run.opt.threads);
    /* a --resume chain (RUNS.md §2): the carry read, and the one left */
    run_new_id(run.run_id);
    resume *rs = NULL;
    char err[768];
    if (run.resumed_from) {
        /* the carry names the zone files it was made with */
        if ((rc = run_load_zones_wait(&run)) != 0) {
            outfiles_discard();
            run_free(&run);
            return rc;
        }
        bool usage;
        rs = resume_open(&run, run.resumed_from, err, sizeof err, &usage);
        if (!rs) {
            fprintf(stderr, "roadlog analyze: --resume: %s\n", err);
            outfiles_discard();
            run_free(&run);
            return usage ? EXIT_USAGE : EXIT_INPUT;
        }
        run.chain_seq = resume_chain_seq(rs) + 1;
        snprintf(run.resumed_run_id, sizeof run.resumed_run_id, "%s", resume_prev_run_id(rs));
    }
    int status = 0;
    /* a registry that cannot be read would make every vehicle class other
     * (120 km/h): no result rather than a wrong one */
    if (run.opt.registry_path && !ingest_input(&run, run.opt.registry_path, &sink, WANT_REGISTRY)) {
        fprintf(stderr, "roadlog analyze: the registry %s cannot be read: nothing written to %s/\n",
                run.opt.registry_path, run.opt.out_dir);
        outfiles_discard();
        resume_free(rs);
        run_free(&run);
        return EXIT_INPUT;
    }
    size_t first_input = run.ninputs;
    /* a folder of parts (roadlog shard): its record files */
    char **expanded = rlrec_expand(inputs, ninputs, &ninputs);
    run_plan_progress(&run, expanded, ninputs);
    double t_read = run_clock();
    if (!(status && run.opt.strict) && !ingest_all(&run, &sink, analyze_reader(), expanded, ninputs))
        status = EXIT_INPUT;
    t_read = run_clock() - t_read;
    rlrec_paths_free(expanded);
    run_progress_done(&run);
    if (run.stop)
        status = EXIT_INPUT;
    double t_zones = run_clock();
    if ((rc = run_load_zones_wait(&run)) != 0) {
        resume_free(rs);
        run_free(&run);
        return rc;
    }
    t_zones = run_clock() - t_zones;
    if (!run.stop && !any_input_read(&run, first_input)) {
        fprintf(stderr, "roadlog analyze: no input could be read: nothing written to %s/\n", run.opt.out_dir);
        resume_free(rs);
        run_free(&run);
        return EXIT_INPUT;
    }
    /* the carry the next run resumes from is written during the analysis
     * (the folders made now, removed again if the selection is empty) */
    struct stat st;
    bool out_existed = stat(run.opt.out_dir, &st) == 0;
    if (!make_dirs(run.opt.out_dir)) {
        fprintf(stderr, "roadlog analyze: cannot create the output folder %s: %s\n", run.opt.out_dir,
                strerror(errno));
        run_free(&run);
        return EXIT_INPUT;
    }
    {
        char *cdir = out_path(&run, "carry");
        outfiles_dir(cdir);
        for (unsigned i = 0;; i++) {
            char name[64];
            if (!carry_file_name(run.opt.threads, i, name, sizeof name))
                break;
            free(outfiles_part(cdir, name));
        }
        run.resume = resume_for_output(rs, &run, cdir, run.opt.threads, err, sizeof err);
        free(cdir);
        if (!run.resume) {
            fprintf(stderr, "roadlog analyze: cannot write the carry: %s\n", err);
            outfiles_discard();
            run_free(&run);
            return EXIT_INPUT;
        }
    }
    double t0 = run_clock();
    if (!run.stop && !analyze_finish(&run)) {
        fprintf(stderr, "roadlog analyze: nothing written to %s/\n", run.opt.out_dir);
        outfiles_discard();
        if (!out_existed)
            rmdir(run.opt.out_dir); /* made for the carry, empty again */
        run_free(&run);
        return EXIT_INPUT;
    }
    bool ok = true;
    if (!run.stop) {
        if (run.opt.ledger && !load_case_statuses(&run))
            status = EXIT_INPUT;
        double t1 = run_clock();
        ok = write_outputs(&run);
        if (!resume_finish(run.resume, &run)) {
            fprintf(stderr, "roadlog analyze: cannot write %s/carry: %s\n", run.opt.out_dir, strerror(errno));
            ok = false;
        }
        /* ROADLOG_PHASES=1: where the time went, for the benchmarks */
        if (getenv("ROADLOG_PHASES"))
            fprintf(stderr, "roadlog: phases: read %.3f s, waiting for the zones %.3f s, analyse %.3f s, write %.3f s\n",
                    t_read, t_zones, t1 - t0, run_clock() - t1);
    }
    if (run.stop) {
        /* stopped by --strict: rejects.csv and run.json say why, but no
         * carry (nothing was analysed to go on from).  A folder that holds
         * an earlier run's output is left as it was: its run.json beside
         * the earlier tables and carry would tell of another run. */
        char *cdir = out_path(&run, "carry"), *prev = out_path(&run, "run.json");
        bool earlier = stat(prev, &st) == 0;
        outfiles_drop(cdir);
        free(cdir);
        free(prev);
        if (earlier) {
            fprintf(stderr, "roadlog analyze: stopped (--strict): %s/ holds an earlier run's output, left as it was\n",
                    run.opt.out_dir);
            outfiles_discard();
            run_free(&run);
            return EXIT_INPUT;
        }
    }
    if (!write_rejects(&run))
        ok = false;
    if (!ok && !status)
        status = EXIT_INPUT;
    char *jp = outfiles_part(run.opt.out_dir, "run.json");
    if (!report_run_json(&run, jp, "analyze", status)) {
        fprintf(stderr, "roadlog analyze: cannot write %s/run.json: %s\n", run.opt.out_dir, strerror(errno));
        ok = false;
        if (!status)
            status = EXIT_INPUT;
    }
    free(jp);
    if (!ok) {
        /* a file that could not be written: none is put in place */
        outfiles_discard();
    } else if (!outfiles_commit()) {
        fprintf(stderr, "roadlog analyze: cannot put the outputs in place in %s: %s\n", run.opt.out_dir,
                strerror(errno));
        outfiles_discard();
        if (!status)
            status = EXIT_INPUT;
    }
    if (!run.opt.quiet && !run.stop) {
        report_unreg u;
        report_unreg_of_run(&run, &u);
        if (u.n) {
            report_unregistered_text(&u, false, why, sizeof why);
            fprintf(stderr, "roadlog analyze: warning: %s\n", why);
        }
        print_summary(&run);
    }
    run_free(&run);
    return status;
}
