/*
 * cmd_decode.c - `roadlog decode`: every position from every input (CSV,
 * JT/T 808, pcap) as one normalised CSV on stdout, in the order read,
 * duplicates and invalid fixes included.  Rejected records are reported
 * on stderr.  A JT/T 808 terminal's plate is filled in from its
 * registration or the registry's terminal_phone when known.
 *
 * `--alarms` lists what the terminals said instead (RULES.md §8,
 * JT808.md §14): one row per set bit of a position's alarm word, per set
 * bit of the JT/T 1078 items 0x14-0x18, and per active-safety item
 * 0x64-0x67 (DECODE_ALARM_COLUMNS), with the position's identity, time
 * and source; positions without any are not listed.
 */
#include <stdlib.h>
#include <string.h>

#include "alarmcode.h"
#include "cli.h"
#include "csvout.h"
#include "ingest.h"
#include "numparse.h"
#include "plate.h"
#include "rlrec.h"
#include "timeutil.h"
#include "util.h"

#define DECODE_COLUMNS "plate,plate_color,phone,time,lon,lat,speed,heading,altitude,status,alarm,mileage,driver,source"
#define DECODE_ALARM_COLUMNS                                                                                        \
    "plate,plate_color,phone,time,kind,rule,name,flag,alarm_id,level,alarm_time,lon,lat,speed,detail,source"

/* The columns every row starts with: the position's vehicle and time. */
static void ident_columns(rl_run *run, csvw *w, const rl_position *p, const char *plate, size_t plate_len, int color)
{
    csvw_textn(w, plate ? plate : "", plate ? plate_len : 0);
    if (color)
        csvw_int(w, color);
    else
        csvw_empty(w);
    csvw_textn(w, p->phone ? p->phone : "", p->phone ? p->phone_len : 0);
    char t[32];
    tu_format(p->time, run->opt.tz, t);
    csvw_str(w, t);
}

static void source_column(rl_run *run, csvw *w, const rl_position *p)
{
    char src[512];
    run_format_origin(run, p->origin, src, sizeof src);
    csvw_text(w, src);
}

/* One --alarms row: the columns after the position's identity. */
typedef struct alarm_row {
    const char *kind, *rule, *name, *flag;
    bool have_id, have_level, have_item;
    uint32_t alarm_id;
    unsigned level;
    const rl_as_item *item;   /* time, position, speed of the item */
    const char *detail;
} alarm_row;

static void put_alarm_row(rl_run *run, const rl_position *p, const char *plate, size_t plate_len, int color,
                          const alarm_row *a)
{
    csvw w;
    csvw_init(&w, run->decode_out);
    ident_columns(run, &w, p, plate, plate_len, color);
    csvw_str(&w, a->kind);
    csvw_str(&w, a->rule ? a->rule : "");
    csvw_str(&w, a->name ? a->name : "");
    csvw_str(&w, a->flag ? a->flag : "");
    if (a->have_id)
        csvw_int(&w, a->alarm_id);
    else
        csvw_empty(&w);
    if (a->have_level)
        csvw_int(&w, a->level);
    else
        csvw_empty(&w);
    if (a->item) {
        char t[32];
        tu_format(a->item->time, run->opt.tz, t);
        csvw_str(&w, t);
        csvw_fixed(&w, a->item->lon_e6, 6);
        csvw_fixed(&w, a->item->lat_e6, 6);
        csvw_int(&w, a->item->speed_kmh);
    } else {
        for (int k = 0; k < 4; k++)
            csvw_empty(&w);
    }
    csvw_text(&w, a->detail ? a->detail : "");
    source_column(run, &w, p);
    csvw_end(&w);
}

/* "1,3" for the set bits of a channel mask (channel = bit + 1). */
static void channels(char *out, size_t cap, uint32_t mask)
{
    size_t k = 0;
    out[0] = 0;
    for (unsigned b = 0; b < 32 && k + 4 < cap; b++)
        if (mask >> b & 1)
            k += (size_t)snprintf(out + k, cap - k, "%s%u", k ? "," : "", b + 1);
}

static const char *flag_name(unsigned f)
{
    return f == RL_AS_FLAG_START ? "start" : f == RL_AS_FLAG_END ? "end" : f == RL_AS_FLAG_NONE ? "" : "?";
}

static void item_detail(const rl_as_item *it, char *d, size_t cap, const char **rule, const char **name, int dialect)
{
    size_t k = 0;
    switch (it->kind) {
    case RL_AS_ADAS:
        k += (size_t)snprintf(d + k, cap - k, "lead vehicle %u km/h; headway %u.%u s; departure side %u; sign %u/%u; ",
                              it->lead_speed_kmh, it->headway_ds / 10, it->headway_ds % 10, it->ldw_side,
                              it->sign_type, it->sign_value);
        break;
    case RL_AS_DSM:
        k += (size_t)snprintf(d + k, cap - k, "fatigue degree %u; ", it->fatigue);
        break;
    case RL_AS_TPMS: {
        /* the item's rule: the first alarm bit set on any tyre */
        uint32_t any = 0;
        for (unsigned t = 0; t < it->ntyres; t++) {
            const rl_tyre *y = &it->tyres[t];
            any |= y->alarm;
            if (k + 80 < cap)
                k += (size_t)snprintf(d + k, cap - k, "tyre %u: type 0x%04x %u kPa %d C battery %u %%; ", y->position,
                                      y->alarm, y->kpa, y->celsius, y->battery_pct);
        }
        unsigned b = 0;
        while (b < 15 && !(any >> b & 1 && acode_is_alarm(RL_AS_TPMS, b, dialect)))
            b++;
        *rule = acode_rule(RL_AS_TPMS, any ? b : 0, dialect);
        *name = acode_zh(RL_AS_TPMS, any ? b : 0, dialect);
        break;
    }
    default:
        break;
    }
    if (k < cap)
        snprintf(d + k, cap - k, "attachments %u; terminal %s", it->attachments, it->terminal_id);
}

static void print_alarms(rl_run *run, const rl_position *p, const char *plate, size_t plate_len, int color)
{
    char detail[1024];
    if (p->have & RL_HAVE_ALARM)
        for (uint32_t w = p->alarm; w; w &= w - 1) {
            unsigned b = (unsigned)__builtin_ctz(w);
            alarm_row a = {.kind = "alarm_word", .rule = acode_bit_rule(b), .name = acode_bit_zh(b)};
            put_alarm_row(run, p, plate, plate_len, color, &a);
        }
    const rl_safety *s = p->safety;
    if (!s)
        return;
    /* JT/T 1078 items: named bits of 0x14 and 0x18, channels of 0x15-0x17 */
    static const struct {
        unsigned have, item;
        const char *rule, *name;
    } video[] = {{RL_VIDEO_SIGNAL_LOSS, 0x15, "video.signal_loss_channels", "视频信号丢失通道"},
                 {RL_VIDEO_OCCLUSION, 0x16, "video.occlusion_channels", "视频信号遮挡通道"},
                 {RL_VIDEO_STORAGE, 0x17, "video.storage_fault_units", "存储器故障"}};
    if (s->video.have & RL_VIDEO_ALARM)
        for (uint32_t w = s->video.alarm; w; w &= w - 1) {
            unsigned b = (unsigned)__builtin_ctz(w);
            const char *r = acode_video_bit(0x14, b);
            snprintf(detail, sizeof detail, "item 0x14 bit %u", b);
            alarm_row a = {.kind = "video", .rule = r ? r : "video.reserved", .detail = detail};
            put_alarm_row(run, p, plate, plate_len, color, &a);
        }
    uint32_t masks[3] = {s->video.signal_loss, s->video.occlusion, s->video.storage};
    for (int k = 0; k < 3; k++)
        if ((s->video.have & video[k].have) && masks[k]) {
            channels(detail, sizeof detail, masks[k]);
            alarm_row a = {.kind = "video", .rule = video[k].rule, .name = video[k].name, .detail = detail};
            put_alarm_row(run, p, plate, plate_len, color, &a);
        }
    if (s->video.have & RL_VIDEO_DRIVING)
        for (uint32_t w = s->video.driving; w; w &= w - 1) {
            unsigned b = (unsigned)__builtin_ctz(w);
            const char *r = acode_video_bit(0x18, b);
            snprintf(detail, sizeof detail, "item 0x18 bit %u; fatigue degree %u", b, s->video.fatigue);
            alarm_row a = {.kind = "video", .rule = r ? r : "video.reserved", .detail = detail};
            put_alarm_row(run, p, plate, plate_len, color, &a);
        }
    int dialect = (int)run->rules.v[R_JT808_DIALECT];
    for (unsigned i = 0; i < s->nitems && i < RL_AS_MAX_ITEMS; i++) {
        const rl_as_item *it = &s->items[i];
        const char *rule = acode_rule((rl_as_kind)it->kind, it->type, dialect);
        const char *name = acode_zh((rl_as_kind)it->kind, it->type, dialect);
        item_detail(it, detail, sizeof detail, &rule, &name, dialect);
        alarm_row a = {.kind = acode_kind_name((rl_as_kind)it->kind),
                       .rule = rule,
                       .name = name,
                       .flag = flag_name(it->flag),
                       .have_id = true,
                       .alarm_id = it->alarm_id,
                       .have_level = it->kind == RL_AS_ADAS || it->kind == RL_AS_DSM,
                       .level = it->level,
                       .item = it,
                       .detail = detail};
        put_alarm_row(run, p, plate, plate_len, color, &a);
    }
}

/* The run, and for --plate the plates seen (string ids), so that a
 * --plate that matches none can be named with the nearest ones. */
typedef struct decode_ctx {
    rl_run run;              /* first: the run_sink_* callbacks take the context as the run */
    u64map seen;
} decode_ctx;

static bool decode_selected(decode_ctx *d, const char *plate, size_t plate_len)
{
    if (!plate || !plate_len)
        return false;
    uint32_t id = strtab_intern(d->run.str, plate, plate_len);
    uint32_t *hit = u64map_put(&d->seen, (uint64_t)id + 1, 2);
    if (*hit == 2)
        *hit = sel_has(&d->run.opt.plates, strtab_get(d->run.str, id));
    return *hit;
}

/* False, with the reasons on stderr, when a --plate matched no position. */
static bool decode_selection_ok(decode_ctx *d)
{
    sel_ctx sel;
    sel_list none = {0};
    sel_begin(&sel, &d->run.opt.plates, &none);
    for (size_t i = 0; i < d->seen.cap; i++)
        if (d->seen.keys[i])
            sel_check(&sel, strtab_get(d->run.str, (uint32_t)(d->seen.keys[i] - 1)), NULL);
    bool ok = sel_end(&sel, "decode", stderr);
    sel_ctx_free(&sel);
    return ok;
}

static void on_position(void *ud, const rl_position *p)
{
    decode_ctx *d = ud;
    rl_run *run = &d->run;
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
    if (run->opt.plates.n && !decode_selected(d, plate, plate_len))
        return;
    if (run->opt.alarms) {
        print_alarms(run, p, plate, plate_len, color);
        return;
    }
    csvw w;
    csvw_init(&w, run->decode_out);
    ident_columns(run, &w, p, plate, plate_len, color);
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
    source_column(run, &w, p);
    csvw_end(&w);
}

static void on_weighing(void *ud, const rl_weighing *w)
{
    decode_ctx *d = ud;
    (void)w;
    d->run.weighings++;
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
    decode_ctx d;
    memset(&d, 0, sizeof d);
    rl_run *run = &d.run;
    run_init(run);
    u64map_init(&d.seen);
    run->decode = true;
    run->decode_out = stdout;
    char **inputs;
    int ninputs;
    int status = cli_parse(run, "decode", argc, argv, &inputs, &ninputs);
    if (!status && ninputs == 0) {
        fprintf(stderr, "roadlog decode: no input files (give files, or - for stdin)\n");
        status = EXIT_USAGE;
    }
    if (status) {
        u64map_free(&d.seen);
        run_free(run);
        return status;
    }
    char **expanded = rlrec_expand(inputs, ninputs, &ninputs); /* folders of parts */
    inputs = expanded;
    static char obuf[1 << 16];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    rl_sink sink = {&d, on_position, run_sink_registration, on_weighing, run_sink_reject, run_sink_count};
    if (run->opt.registry_path && !ingest_input(run, run->opt.registry_path, &sink, WANT_REGISTRY))
        status = EXIT_INPUT;
    learn_registrations(run, inputs, ninputs);
    fputs(run->opt.alarms ? DECODE_ALARM_COLUMNS "\n" : DECODE_COLUMNS "\n", stdout);
    run_plan_progress(run, inputs, ninputs);
    for (int i = 0; i < ninputs && !run->stop; i++)
        if (!ingest_input(run, inputs[i], &sink, WANT_ANY))
            status = EXIT_INPUT;
    run_progress_done(run);
    if (run->stop)
        status = EXIT_INPUT;
    if (fflush(stdout) != 0) {
        fprintf(stderr, "roadlog decode: cannot write the output\n");
        status = EXIT_INPUT;
    }
    if (!run->stop && run->opt.plates.n && !decode_selection_ok(&d))
        status = EXIT_INPUT;
    if (!run->opt.quiet && run->rejected)
        fprintf(stderr, "roadlog decode: %llu records rejected\n", (unsigned long long)run->rejected);
    u64map_free(&d.seen);
    run_free(run);
    rlrec_paths_free(expanded);
    return status;
}
