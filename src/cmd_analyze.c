/*
 * cmd_analyze.c - `roadlog analyze`: read every input, detect, write the
 * ledger and the tables into --out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analyze.h"
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

/* rejects.csv was written to a temporary file while reading: it goes into
 * the output folder with the other outputs. */
static bool write_rejects(rl_run *run)
{
    char *p = out_path(run, "rejects.csv");
    FILE *f = fopen(p, "w");
    bool ok = f && !ferror(run->rejects) && copy_stream(run->rejects, f);
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok)
        fprintf(stderr, "roadlog analyze: cannot write %s: %s\n", p, strerror(errno));
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
    /* The output folder is checked now and created only when there is
     * something to write: nothing lands in it when no input can be read
     * or the selection is empty. */
    char why[1024];
    if (out_dir_problem(run.opt.out_dir, why, sizeof why)) {
        fprintf(stderr, "roadlog analyze: %s\n", why);
        run_free(&run);
        return EXIT_INPUT;
    }
    if (!run_open_rejects(&run, NULL)) {
        fprintf(stderr, "roadlog analyze: cannot create a temporary file for rejects.csv: %s\n", strerror(errno));
        run_free(&run);
        return EXIT_INPUT;
    }
    rl_sink sink;
    analyze_sink(&run, &sink);
    int status = 0;
    if (run.opt.registry_path && !dispatch_input(&run, run.opt.registry_path, &sink, WANT_REGISTRY))
        status = EXIT_INPUT;
    size_t first_input = run.ninputs;
    run_plan_progress(&run, inputs, ninputs);
    for (int i = 0; i < ninputs && !run.stop && !(status && run.opt.strict); i++)
        if (!dispatch_input(&run, inputs[i], &sink, WANT_ANY))
            status = EXIT_INPUT;
    run_progress_done(&run);
    if (run.stop)
        status = EXIT_INPUT;
    if (!run.stop && !any_input_read(&run, first_input)) {
        fprintf(stderr, "roadlog analyze: no input could be read: nothing written to %s/\n", run.opt.out_dir);
        run_free(&run);
        return EXIT_INPUT;
    }
    if (!run.stop && !analyze_finish(&run)) {
        fprintf(stderr, "roadlog analyze: nothing written to %s/\n", run.opt.out_dir);
        run_free(&run);
        return EXIT_INPUT;
    }
    if (!make_dirs(run.opt.out_dir)) {
        fprintf(stderr, "roadlog analyze: cannot create the output folder %s: %s\n", run.opt.out_dir,
                strerror(errno));
        run_free(&run);
        return EXIT_INPUT;
    }
    bool ok = true;
    if (!run.stop) {
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
    ok &= write_rejects(&run);
    fclose(run.rejects);
    run.rejects = NULL;
    if (!ok && !status)
        status = EXIT_INPUT;
    char *jp = out_path(&run, "run.json");
    if (!report_run_json(&run, jp, "analyze", status)) {
        fprintf(stderr, "roadlog analyze: cannot write %s: %s\n", jp, strerror(errno));
        if (!status)
            status = EXIT_INPUT;
    }
    free(jp);
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
