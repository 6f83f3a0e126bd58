/*
 * cmd_analyze.c - `roadlog analyze`: read every input, detect, write the
 * ledger and the tables into --out.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analyze.h"
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
        const char *name;
        writer w;
    } all[] = {
        {FMT_HTML, "report.html", report_html},
        {FMT_XLSX, "events.xlsx", report_xlsx},
        {FMT_JSONL, "events.jsonl", report_events_jsonl},
        {FMT_GEOJSON, "events.geojson", report_geojson},
        {FMT_CSV, "events.csv", report_events_csv},
        {FMT_CSV, "vehicles.csv", report_vehicles_csv},
        {FMT_CSV, "vehicle_days.csv", report_vehicle_days_csv},
        {FMT_CSV, "drivers.seg", report_driver_segments},
    };
    enum { NALL = sizeof all / sizeof all[0] };
    output_job jobs[NALL];
    size_t n = 0;
    for (size_t i = 0; i < NALL; i++)
        if (run->opt.formats & all[i].format)
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

static void print_summary(const rl_run *run)
{
    uint64_t by[EV_TYPE_COUNT] = {0};
    for (size_t i = 0; i < run->events.n; i++)
        by[run->events.e[i].type]++;
    fprintf(stderr, "roadlog: %llu positions, %llu weighings, %llu vehicles (%llu not in the registry), %zu events",
            (unsigned long long)run->positions, (unsigned long long)run->weighings,
            (unsigned long long)run->vehicles_analysed,
            (unsigned long long)run->unregistered, run->events.n);
    const char *sep = " (";
    for (int t = 0; t < EV_TYPE_COUNT; t++)
        if (by[t]) {
            fprintf(stderr, "%s%s %llu", sep, event_type_name((event_type)t), (unsigned long long)by[t]);
            sep = ", ";
        }
    if (*sep == ',')
        fputc(')', stderr);
    fprintf(stderr, "; %llu rejected\n", (unsigned long long)run->rejected);
    fprintf(stderr, "roadlog: outputs in %s/\n", run->opt.out_dir);
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
    /* the zones load while the inputs are read (a bad zone file is a
     * usage error all the same, once it is known) */
    run_load_zones_start(&run, "analyze");
    if (!make_dirs(run.opt.out_dir)) {
        fprintf(stderr, "roadlog analyze: cannot create the output folder %s: %s\n", run.opt.out_dir,
                strerror(errno));
        run_free(&run);
        return EXIT_INPUT;
    }
    /* every file of --out is written as NAME.part and renamed at the end,
     * so a run that fails or is stopped leaves --out as it was */
    outfiles_guard();
    char *rp = outfiles_part(run.opt.out_dir, "rejects.csv");
    if (!run_open_rejects(&run, rp)) {
        int err = errno;
        char *final = out_path(&run, "rejects.csv");
        fprintf(stderr, "roadlog analyze: cannot write to the output folder: %s: %s\n", final, strerror(err));
        free(final);
        free(rp);
        outfiles_discard();
        run_free(&run);
        return EXIT_INPUT;
    }
    free(rp);
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
    int status = 0;
    if (run.opt.registry_path && !ingest_input(&run, run.opt.registry_path, &sink, WANT_REGISTRY))
        status = EXIT_INPUT;
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
    bool ok = true;
    if ((rc = run_load_zones_wait(&run)) != 0) {
        outfiles_discard();
        run_free(&run);
        return rc;
    }
    if (!run.stop) {
        double t0 = run_clock();
        analyze_finish(&run);
        double t1 = run_clock();
        ok = write_outputs(&run);
        if (!resume_finish(run.resume, &run)) {
            fprintf(stderr, "roadlog analyze: cannot write %s/carry: %s\n", run.opt.out_dir, strerror(errno));
            ok = false;
        }
        /* ROADLOG_PHASES=1: where the time went, for the benchmarks */
        if (getenv("ROADLOG_PHASES"))
            fprintf(stderr, "roadlog: phases: read %.3f s, analyse %.3f s, write %.3f s\n", t_read, t1 - t0,
                    run_clock() - t1);
    }
    /* rejects.csv was written all along: a full disk shows up here */
    bool rejects_ok = !ferror(run.rejects);
    if (fclose(run.rejects) != 0)
        rejects_ok = false;
    run.rejects = NULL;
    if (!rejects_ok) {
        fprintf(stderr, "roadlog analyze: cannot write %s/rejects.csv: %s\n", run.opt.out_dir, strerror(errno));
        ok = false;
    }
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
    if (!run.opt.quiet && !run.stop)
        print_summary(&run);
    run_free(&run);
    return status;
}
