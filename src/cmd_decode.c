/*
 * cmd_decode.c - `roadlog decode`: every position from every input (CSV,
 * JT/T 808, pcap) as one normalised CSV on stdout, in the order read,
 * duplicates and invalid fixes included.  Rejected records are reported
 * on stderr.  A JT/T 808 terminal's plate is filled in from its
 * registration or the registry's terminal_phone when known.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csvout.h"
#include "ingest.h"
#include "numparse.h"
#include "plate.h"
#include "rlrec.h"
#include "timeutil.h"
#include "util.h"

#define DECODE_COLUMNS "plate,plate_color,phone,time,lon,lat,speed,heading,altitude,status,alarm,mileage,driver,source"

static void on_position(void *ud, const rl_position *p)
{
    rl_run *run = ud;
    run->positions++;
    if (!run_in_window(run, p->time)) {
        run->filtered++;
        return;
    }
    const char *plate = p->plate;
    size_t plate_len = p->plate_len;
    int color = p->color;
    if (!plate && p->phone) {
        const char *c;
        size_t cn;
        phone_canon(p->phone, p->phone_len, &c, &cn);
        uint32_t pid = strtab_find(run->str, c, cn), plid;
        if (pid != UINT32_MAX && run_terminal_plate(run, pid, &plid, &color)) {
            plate = strtab_get(run->str, plid);
            plate_len = strlen(plate);
        }
    }
    if (run->opt.plate && (!plate || plate_len != strlen(run->opt.plate) || memcmp(plate, run->opt.plate, plate_len)))
        return;
    FILE *f = run->decode_out;
    csvw w;
    csvw_init(&w, f);
    csvw_textn(&w, plate ? plate : "", plate ? plate_len : 0);
    if (color)
        csvw_int(&w, color);
    else
        csvw_empty(&w);
    csvw_textn(&w, p->phone ? p->phone : "", p->phone ? p->phone_len : 0);
    char t[32];
    tu_format(p->time, run->opt.tz, t);
    csvw_str(&w, t);
    csvw_fixed(&w, p->lon_e6, 6);
    csvw_fixed(&w, p->lat_e6, 6);
    csvw_fixed(&w, p->speed_mkmh, 3);
    if (p->have & RL_HAVE_HEADING)
        csvw_int(&w, p->heading);
    else
        csvw_empty(&w);
    if (p->have & RL_HAVE_ALTITUDE)
        csvw_int(&w, p->altitude_m);
    else
        csvw_empty(&w);
    if (p->have & RL_HAVE_STATUS)
        csvw_int(&w, p->status);
    else
        csvw_empty(&w);
    if (p->have & RL_HAVE_ALARM)
        csvw_int(&w, p->alarm);
    else
        csvw_empty(&w);
    if (p->have & RL_HAVE_MILEAGE)
        csvw_fixed(&w, p->mileage_m, 3);
    else
        csvw_empty(&w);
    csvw_textn(&w, p->driver ? p->driver : "", p->driver ? p->driver_len : 0);
    char src[512];
    run_format_origin(run, p->origin, src, sizeof src);
    csvw_text(&w, src);
    csvw_end(&w);
}

static void on_weighing(void *ud, const rl_weighing *w)
{
    rl_run *run = ud;
    (void)w;
    run->weighings++;
}

/* The first pass over JT/T 808 inputs: registrations only (into the main
 * run), everything else ignored; it is read again, for real, after. */
static void pass_position(void *ud, const rl_position *p)
{
    (void)ud;
    (void)p;
}
static void pass_weighing(void *ud, const rl_weighing *w)
{
    (void)ud;
    (void)w;
}
static bool pass_reject(void *ud, rl_origin where, const char *reason, const void *raw, size_t n)
{
    (void)ud;
    (void)where;
    (void)reason;
    (void)raw;
    (void)n;
    return true;
}
static void pass_count(void *ud, const char *what, uint64_t n)
{
    (void)ud;
    (void)what;
    (void)n;
}

/* A terminal's registration holds for its positions before it in the
 * stream too (FORMATS.md §2): learn the registrations of every input that
 * can be read twice (not stdin) before printing anything. */
static void learn_registrations(rl_run *run, char **inputs, int ninputs)
{
    rl_run pre;
    run_init(&pre);
    pre.opt.quiet = true;
    pre.opt.port = run->opt.port;
    rl_sink sink = {run, pass_position, run_sink_registration, pass_weighing, pass_reject, pass_count};
    for (int i = 0; i < ninputs; i++)
        if (strcmp(inputs[i], "-") != 0)
            ingest_input(&pre, inputs[i], &sink, WANT_TERMINALS);
    run_free(&pre);
}

int cmd_decode(int argc, char **argv)
{
    rl_run run;
    run_init(&run);
    run.decode = true;
    run.decode_out = stdout;
    char **inputs;
    int ninputs;
    int rc = cli_parse(&run, "decode", argc, argv, &inputs, &ninputs);
    if (rc) {
        run_free(&run);
        return rc;
    }
    if (ninputs == 0) {
        fprintf(stderr, "roadlog decode: no input files (give files, or - for stdin)\n");
        run_free(&run);
        return EXIT_USAGE;
    }
    char **expanded = rlrec_expand(inputs, ninputs, &ninputs); /* folders of parts */
    inputs = expanded;
    static char obuf[1 << 16];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    rl_sink sink = {&run, on_position, run_sink_registration, on_weighing, run_sink_reject, run_sink_count};
    int status = 0;
    if (run.opt.registry_path && !ingest_input(&run, run.opt.registry_path, &sink, WANT_REGISTRY))
        status = EXIT_INPUT;
    learn_registrations(&run, inputs, ninputs);
    fputs(DECODE_COLUMNS "\n", stdout);
    run_plan_progress(&run, inputs, ninputs);
    for (int i = 0; i < ninputs && !run.stop; i++)
        if (!ingest_input(&run, inputs[i], &sink, WANT_ANY))
            status = EXIT_INPUT;
    run_progress_done(&run);
    if (run.stop)
        status = EXIT_INPUT;
    if (fflush(stdout) != 0) {
        fprintf(stderr, "roadlog decode: cannot write the output\n");
        status = EXIT_INPUT;
    }
    if (!run.opt.quiet && run.rejected)
        fprintf(stderr, "roadlog decode: %llu records rejected\n", (unsigned long long)run.rejected);
    run_free(&run);
    rlrec_paths_free(expanded);
    return status;
}
