/*
 * cmd_summary.c - `roadlog summary [OPTIONS] DIR|FILE...`: the period
 * summary over earlier outputs (issue 6, RULES.md §7).  A thin layer over
 * reports/summary: read the registry (--registry), read and merge every
 * argument, compute, write summary.csv and summary.html into --out and
 * the plain table on stdout.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analyze.h"
#include "cases.h"
#include "cases_report.h"
#include "cases_stats.h"
#include "cli.h"
#include "ingest.h"
#include "reports.h"
#include "summary.h"
#include "util.h"

/* --by company: the outputs go through an in-memory ledger, so the 考核
 * table is the one `ledger report` makes (chains, withdrawn events and
 * all), each month against the one before; every case is open, as
 * nothing has been handled. */
static int company_tables(rl_run *run, char **args, int nargs)
{
    char err[512];
    cases_ledger *lg = cases_open(":memory:", true, &run->rules, run->opt.tz, err, sizeof err);
    if (!lg) {
        fprintf(stderr, "roadlog summary: %s\n", err);
        return EXIT_INPUT;
    }
    lg->by = "roadlog summary";
    int status = 0;
    for (int i = 0; i < nargs; i++)
        if (!cases_import_path(lg, args[i], false, NULL, NULL))
            status = EXIT_INPUT;
    cases_stats st;
    if (!cases_stats_load(lg, run->str, INT64_MAX, &st)) {
        fprintf(stderr, "roadlog summary: %s\n", cdb_error(lg->db));
        status = EXIT_INPUT;
    } else if (!cases_company_tables(&st, &run->reg,
                                     run->opt.have_from ? cases_month_of(run->opt.from, run->opt.tz) : INT32_MIN,
                                     run->opt.have_to ? cases_month_of(run->opt.to, run->opt.tz) : INT32_MAX,
                                     report_lang_zh(run->opt.lang), run->opt.excel_csv, run->opt.out_dir, stdout)) {
        fprintf(stderr, "roadlog summary: cannot write company.csv/company.html in %s: %s\n", run->opt.out_dir,
                strerror(errno));
        status = EXIT_INPUT;
    }
    cases_stats_free(&st);
    cases_close(lg);
    return status;
}

int cmd_summary(int argc, char **argv)
{
    rl_run run;
    run_init(&run);
    char **args;
    int nargs;
    int rc = cli_parse(&run, "summary", argc, argv, &args, &nargs);
    if (rc) {
        run_free(&run);
        return rc;
    }
    if (nargs == 0) {
        fprintf(stderr, "roadlog summary: give output folders of `roadlog analyze` (or events.csv files)\n");
        run_free(&run);
        return EXIT_USAGE;
    }
    int status = 0;
    if (run.opt.registry_path) {
        rl_sink sink;
        analyze_sink(&run, &sink);
        if (!ingest_input(&run, run.opt.registry_path, &sink, WANT_REGISTRY)) {
            run_free(&run);
            return EXIT_INPUT;
        }
        run.have_registry = true;
    }
    summary sm;
    summary_init(&sm, &run);
    bool any = false;
    for (int i = 0; i < nargs; i++) {
        if (summary_add_path(&sm, args[i]))
            any = true;
        else
            status = EXIT_INPUT;
    }
    if (sm.stopped)
        fprintf(stderr, "roadlog summary: stopped at a damaged line (--strict): nothing written\n");
    if (!any || sm.stopped || !summary_compute(&sm)) {
        summary_free(&sm);
        run_free(&run);
        return EXIT_INPUT;
    }
    if (sm.damaged && !run.opt.quiet)
        fprintf(stderr, "roadlog summary: warning: %llu damaged lines in the outputs were left out (named above)\n",
                (unsigned long long)sm.damaged);
    if (!make_dirs(run.opt.out_dir)) {
        fprintf(stderr, "roadlog summary: cannot create the output folder %s: %s\n", run.opt.out_dir,
                strerror(errno));
        status = EXIT_INPUT;
    } else {
        rl_buf p = {0};
        buf_printf(&p, "%s/summary.csv", run.opt.out_dir);
        if (!summary_write_csv(&sm, p.p)) {
            fprintf(stderr, "roadlog summary: cannot write %s: %s\n", p.p, strerror(errno));
            status = EXIT_INPUT;
        }
        p.len = 0;
        buf_printf(&p, "%s/summary.html", run.opt.out_dir);
        if (!summary_write_html(&sm, p.p)) {
            fprintf(stderr, "roadlog summary: cannot write %s: %s\n", p.p, strerror(errno));
            status = EXIT_INPUT;
        }
        buf_free(&p);
    }
    if (run.opt.by) {
        int s = company_tables(&run, args, nargs);
        if (s)
            status = s;
    } else {
        summary_print(&sm, stdout);
    }
    if (!run.opt.quiet)
        fprintf(stderr, "roadlog summary: summary.csv and summary.html%s in %s/\n",
                run.opt.by ? ", company.csv and company.html" : "", run.opt.out_dir);
    summary_free(&sm);
    run_free(&run);
    return status;
}
