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
#include "cli.h"
#include "ingest.h"
#include "summary.h"
#include "util.h"

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
    summary_print(&sm, stdout);
    if (!run.opt.quiet)
        fprintf(stderr, "roadlog summary: summary.csv and summary.html in %s/\n", run.opt.out_dir);
    summary_free(&sm);
    run_free(&run);
    return status;
}
