/*
 * cmd_analyze.c - `roadlog analyze`: read every input, detect, write the
 * ledger and the tables into --out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analyze.h"
#include "cases.h"
#include "cli.h"
#include "dispatch.h"
#include "reports.h"
#include "util.h"

static char *out_path(const rl_run *run, const char *name)
{
    rl_buf b = {0};
    buf_printf(&b, "%s/%s", run->opt.out_dir, name);
    return b.p;
}

typedef bool (*writer)(const rl_run *, const char *);

static bool write_one(rl_run *run, const char *name, writer w)
{
    char *p = out_path(run, name);
    bool ok = w(run, p);
    if (!ok)
        fprintf(stderr, "roadlog analyze: cannot write %s: %s\n", p, strerror(errno));
    free(p);
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
    if (!make_dirs(run.opt.out_dir)) {
        fprintf(stderr, "roadlog analyze: cannot create the output folder %s: %s\n", run.opt.out_dir,
                strerror(errno));
        run_free(&run);
        return EXIT_INPUT;
    }
    char *rp = out_path(&run, "rejects.csv");
    if (!run_open_rejects(&run, rp)) {
        fprintf(stderr, "roadlog analyze: cannot write to the output folder: %s: %s\n", rp, strerror(errno));
        free(rp);
        run_free(&run);
        return EXIT_INPUT;
    }
    free(rp);
    rl_sink sink;
    analyze_sink(&run, &sink);
    int status = 0;
    if (run.opt.registry_path && !dispatch_input(&run, run.opt.registry_path, &sink, WANT_REGISTRY))
        status = EXIT_INPUT;
    run_plan_progress(&run, inputs, ninputs);
    for (int i = 0; i < ninputs && !run.stop && !(status && run.opt.strict); i++)
        if (!dispatch_input(&run, inputs[i], &sink, WANT_ANY))
            status = EXIT_INPUT;
    run_progress_done(&run);
    if (run.stop)
        status = EXIT_INPUT;
    bool ok = true;
    if (!run.stop) {
        analyze_finish(&run);
        if (run.opt.ledger && !load_case_statuses(&run))
            status = EXIT_INPUT;
        unsigned fm = run.opt.formats;
        if (fm & FMT_CSV) {
            ok &= write_one(&run, "events.csv", report_events_csv);
            ok &= write_one(&run, "vehicles.csv", report_vehicles_csv);
            ok &= write_one(&run, "vehicle_days.csv", report_vehicle_days_csv);
        }
        if (fm & FMT_JSONL)
            ok &= write_one(&run, "events.jsonl", report_events_jsonl);
        if (fm & FMT_GEOJSON)
            ok &= write_one(&run, "events.geojson", report_geojson);
        if (fm & FMT_XLSX)
            ok &= write_one(&run, "events.xlsx", report_xlsx);
        if (fm & FMT_HTML)
            ok &= write_one(&run, "report.html", report_html);
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
    char *jp = out_path(&run, "run.json");
    if (!report_run_json(&run, jp, "analyze", status)) {
        fprintf(stderr, "roadlog analyze: cannot write %s: %s\n", jp, strerror(errno));
        if (!status)
            status = EXIT_INPUT;
    }
    free(jp);
    if (!run.opt.quiet && !run.stop)
        print_summary(&run);
    run_free(&run);
    return status;
}
