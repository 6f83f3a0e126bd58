/*
 * outread.c - reading back an output folder (see outread.h).
 *
 * The three tables share one reader: a list of the columns the caller's
 * struct takes (name, kind, required), found by name in the header; each
 * row's fields parsed by kind into one value per column; a field that
 * does not parse damages the line (the reason names the column and the
 * text), a row with fewer fields than the header too.  Then a small
 * function per table turns the values into its struct.
 */
#include "outread.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvin.h"
#include "csvout.h"
#include "numparse.h"
#include "plate.h"
#include "timeutil.h"
#include "util.h"

/* ---- run.json ---- */

/* run.json is a manifest of a few KiB to a few MiB (one entry per
 * input): anything past this is not one. */
#define RUN_JSON_MAX (64u << 20)

static void run_clear(outr_run *r)
{
    memset(r, 0, sizeof *r);
    r->exit_status = -1;
}

int outr_read_run(const char *path, outr_run *r, char *why, size_t cap)
{
    run_clear(r);
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT)
            return OUTR_MISSING;
        snprintf(why, cap, "%s: %s", path, strerror(errno));
        return OUTR_UNREADABLE;
    }
    json_error_t err;
    /* a NUL inside a string is refused (no key or value of ours has one);
     * a key given twice is damage, not a silent last-wins */
    json_t *root = json_loadf(f, JSON_REJECT_DUPLICATES, &err);
    bool too_big = ftell(f) > (long)RUN_JSON_MAX;
    fclose(f);
    if (!root || too_big || !json_is_object(root)) {
        if (!root)
            snprintf(why, cap, "%s:%d: %s", path, err.line, err.text);
        else
            snprintf(why, cap, "%s: %s", path, too_big ? "larger than 64 MiB: not a run.json" : "not a JSON object");
        json_decref(root);
        return OUTR_DAMAGED;
    }
    r->root = root;
    r->command = json_string_value(json_object_get(root, "command"));
    r->run_id = json_string_value(json_object_get(root, "run_id"));
    json_t *seq = json_object_get(root, "chain_seq");
    if (json_is_integer(seq) && json_integer_value(seq) >= 0)
        r->chain_seq = json_integer_value(seq);
    json_t *from = json_object_get(root, "resumed_from");
    if (json_is_object(from)) {
        r->resumed_dir = json_string_value(json_object_get(from, "dir"));
        r->resumed_run_id = json_string_value(json_object_get(from, "run_id"));
    }
    json_t *st = json_object_get(root, "exit_status");
    if (json_is_integer(st))
        r->exit_status = (int)json_integer_value(st);
    const char *tz = json_string_value(json_object_get(root, "tz"));
    if (tz && strlen(tz) < sizeof r->tz_text && tu_parse_tz(tz, &r->tz)) {
        r->have_tz = true;
        snprintf(r->tz_text, sizeof r->tz_text, "%s", tz);
    }
    /* a key of the wrong type is damage too: the tools would misread it */
    if ((json_object_get(root, "chain_seq") && (!json_is_integer(seq) || json_integer_value(seq) < 0)) ||
        (tz == NULL && json_object_get(root, "tz")) || (tz && !r->have_tz)) {
        snprintf(why, cap, "%s: %s", path, tz && !r->have_tz ? "tz is no offset like +08:00"
                                                             : "chain_seq or tz has the wrong type");
        return OUTR_DAMAGED;
    }
    return OUTR_OK;
}

void outr_run_free(outr_run *r)
{
    json_decref(r->root);
    run_clear(r);
}

bool outr_run_rule(const outr_run *r, const char *id, double *value)
{
    json_t *v = json_object_get(json_object_get(r->root, "rules"), id);
    if (!json_is_number(v))
        return false;
    *value = json_number_value(v);
    return true;
}

/* ---- columns ---- */

typedef enum { K_TEXT, K_COUNT, K_INT, K_FIXED3, K_COLOR, K_CLASS, K_DAY, K_TIME, K_TYPE, K_STATUS, K_YESNO } col_kind;

typedef struct {
    const char *name;
    col_kind kind;
    bool required;
} col_spec;

typedef struct {
    bool present;            /* the column exists and the field is not empty */
    const char *s;           /* K_TEXT: NUL-terminated (in the row's scratch) */
    int64_t i;               /* every other kind */
    int32_t day;             /* K_TIME: local day as written */
} col_val;

#define MAXCOLS 32

typedef struct reader {
    const char *path;
    const col_spec *cols;
    size_t ncols;
    int idx[MAXCOLS];        /* field index of each column, -1 when absent */
    size_t nheader;
    bool header_ok;
    char *why;
    size_t whycap;
    tu_parser tp;
    const outr_handler *h;
    outr_info *info;
    bool stopped;
    rl_buf scratch;
    col_val val[MAXCOLS];
    bool (*emit)(struct reader *r, uint64_t line);
} reader;

static bool has_col(const reader *r, size_t k) { return r->idx[k] >= 0; }

static bool damaged(reader *r, uint64_t line, const char *why)
{
    r->info->damaged++;
    if (r->h->damaged && !r->h->damaged(r->h->ud, r->path, line, why)) {
        r->stopped = true;
        return false;
    }
    return true;
}

static bool on_header(void *ud, const csv_row *row)
{
    reader *r = ud;
    r->nheader = row->n;
    for (size_t k = 0; k < r->ncols; k++) {
        r->idx[k] = -1;
        for (size_t i = 0; i < row->n; i++) {
            const char *s = row->f[i];
            size_t n = row->len[i];
            trim_span(&s, &n);
            if (strlen(r->cols[k].name) == n && memcmp(s, r->cols[k].name, n) == 0) {
                r->idx[k] = (int)i;
                break;
            }
        }
        if (r->idx[k] < 0 && r->cols[k].required) {
            snprintf(r->why, r->whycap, "%s: no column %s: not a file of roadlog analyze", r->path, r->cols[k].name);
            return false;
        }
    }
    r->header_ok = true;
    return true;
}

/* Text that was neutralised on the way out (a leading ' before = + - @)
 * is read back as it was. */
static void unneutralise(const char **s, size_t *n)
{
    if (*n >= 2 && (*s)[0] == '\'' && text_is_formula((*s) + 1, *n - 1)) {
        (*s)++;
        (*n)--;
    }
}

/* "YYYY-MM-DD..." -> local day number. */
static const char *day_of(const char *s, size_t n, int32_t *day)
{
    int64_t y = 0;
    unsigned m = 0, d = 0;
    if (n < 10 || s[4] != '-' || s[7] != '-')
        return "not a date (YYYY-MM-DD)";
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return "not a date (YYYY-MM-DD)";
    for (int i = 0; i < 4; i++)
        y = y * 10 + (s[i] - '0');
    m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
    d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
    if (!tu_valid_date(y, m, d))
        return "date does not exist";
    *day = (int32_t)tu_days_from_civil(y, m, d);
    return NULL;
}

/* Parse field s (n bytes) of column k into r->val[k]; NULL or a reason. */
static const char *parse_field(reader *r, size_t k, const char *s, size_t n)
{
    col_val *v = &r->val[k];
    switch (r->cols[k].kind) {
    case K_TEXT:
        unneutralise(&s, &n);
        v->i = (int64_t)r->scratch.len; /* offset: the buffer may move */
        buf_put(&r->scratch, s, n);
        buf_putc(&r->scratch, 0);
        return NULL;
    case K_COUNT: {
        const char *why = num_whole(s, n, &v->i);
        return why ? why : v->i < 0 ? "a count below zero" : NULL;
    }
    case K_INT: return num_whole(s, n, &v->i);
    case K_FIXED3: return num_fixed(s, n, 3, &v->i);
    case K_COLOR: {
        int c;
        if (!plate_color_parse(s, n, &c))
            return "not a plate colour code";
        v->i = c;
        return NULL;
    }
    case K_CLASS: {
        vehicle_class c;
        if (!class_parse(s, n, &c))
            return "not a vehicle class";
        v->i = c;
        return NULL;
    }
    case K_DAY: return day_of(s, n, &v->day);
    case K_TIME: {
        const char *why = tu_parse(&r->tp, s, n, &v->i);
        return why ? why : day_of(s, n, &v->day);
    }
    case K_TYPE: {
        char b[32];
        event_type t;
        if (n >= sizeof b)
            return "not an event type";
        memcpy(b, s, n);
        b[n] = 0;
        if (!event_type_parse(b, &t))
            return "not an event type";
        v->i = t;
        return NULL;
    }
    case K_STATUS:
        for (int st = EV_STATUS_CLOSED; st <= EV_STATUS_WITHDRAWN; st++)
            if (strlen(event_status_name((event_status)st)) == n &&
                memcmp(s, event_status_name((event_status)st), n) == 0) {
                v->i = st;
                return NULL;
            }
        return "not closed, open or withdrawn";
    case K_YESNO:
        if (n == 3 && memcmp(s, "yes", 3) == 0)
            v->i = 1;
        else if (n == 2 && memcmp(s, "no", 2) == 0)
            v->i = 0;
        else
            return "neither yes nor no";
        return NULL;
    }
    return "?";
}

static bool on_row(void *ud, const csv_row *row)
{
    reader *r = ud;
    char why[320];
    if (row->n < r->nheader) {
        snprintf(why, sizeof why, "row has %zu fields but the header has %zu (cut short?)", row->n, r->nheader);
        return damaged(r, row->line, why);
    }
    r->scratch.len = 0;
    for (size_t k = 0; k < r->ncols; k++) {
        col_val *v = &r->val[k];
        memset(v, 0, sizeof *v);
        if (!has_col(r, k))
            continue;
        const char *s = row->f[r->idx[k]];
        size_t n = row->len[r->idx[k]];
        if (r->cols[k].kind != K_TEXT)
            trim_span(&s, &n);
        if (n == 0) {
            if (r->cols[k].required) {
                snprintf(why, sizeof why, "%s is empty", r->cols[k].name);
                return damaged(r, row->line, why);
            }
            continue;
        }
        const char *bad = parse_field(r, k, s, n);
        if (bad) {
            /* the text shown is cut and its control bytes masked, as in rejects.csv */
            char shown[64];
            size_t m = utf8_cut(s, n, sizeof shown - 1);
            for (size_t i = 0; i < m; i++)
                shown[i] = (unsigned char)s[i] < 0x20 ? '?' : s[i];
            shown[m] = 0;
            snprintf(why, sizeof why, "%s '%s%s': %s", r->cols[k].name, shown, m < n ? "..." : "", bad);
            return damaged(r, row->line, why);
        }
        v->present = true;
    }
    /* text offsets to pointers, now that the scratch buffer is complete */
    for (size_t k = 0; k < r->ncols; k++)
        if (r->cols[k].kind == K_TEXT)
            r->val[k].s = r->val[k].present ? r->scratch.p + r->val[k].i : "";
    r->info->rows++;
    if (!r->emit(r, row->line)) {
        r->stopped = true;
        return false;
    }
    return true;
}

static bool on_reject(void *ud, uint64_t line, const char *reason, const void *raw, size_t raw_len)
{
    (void)raw;
    (void)raw_len;
    return damaged(ud, line, reason);
}

static int read_table(reader *r, char *why, size_t cap)
{
    r->why = why;
    r->whycap = cap;
    why[0] = 0;
    FILE *f = fopen(r->path, "rb");
    if (!f) {
        int e = errno;
        snprintf(why, cap, "%s: %s", r->path, strerror(e));
        errno = e;
        return e == ENOENT ? OUTR_MISSING : OUTR_UNREADABLE;
    }
    csvin_handler ch = {r, on_header, on_row, on_reject};
    csvin *c = csvin_new(&ch);
    char *buf = xmalloc(1 << 16);
    size_t n;
    bool read_error = false;
    while ((n = fread(buf, 1, 1 << 16, f)) > 0)
        if (!csvin_feed(c, buf, n))
            break;
    if (ferror(f)) {
        read_error = true;
        snprintf(why, cap, "%s: read error: %s", r->path, strerror(errno));
    } else if (!r->stopped && (r->header_ok || !why[0])) {
        csvin_finish(c);
    }
    csvin_free(c);
    free(buf);
    fclose(f);
    buf_free(&r->scratch);
    if (read_error)
        return OUTR_UNREADABLE;
    if (r->stopped)
        return OUTR_STOPPED;
    if (!r->header_ok) {
        if (!why[0])
            snprintf(why, cap, "%s: empty file: not a file of roadlog analyze", r->path);
        return OUTR_NOT_THIS;
    }
    return OUTR_OK;
}

static void reader_init(reader *r, const char *path, const col_spec *cols, size_t ncols, const outr_handler *h,
                        outr_info *info, int32_t tz, bool (*emit)(reader *, uint64_t))
{
    memset(r, 0, sizeof *r);
    r->path = path;
    r->cols = cols;
    r->ncols = ncols;
    r->h = h;
    r->info = info;
    r->emit = emit;
    tu_parser_init(&r->tp, tz);
    memset(info, 0, sizeof *info);
}

/* ---- events.csv ---- */

static const col_spec EV_COLS[] = {
    {"event_id", K_TEXT, true},   {"plate", K_TEXT, true},     {"plate_color", K_COLOR, false},
    {"class", K_CLASS, false},    {"company", K_TEXT, false},  {"driver", K_TEXT, false},
    {"type", K_TYPE, true},       {"start_time", K_TIME, true}, {"end_time", K_TIME, false},
    {"value", K_FIXED3, false},   {"limit", K_FIXED3, false},  {"severity", K_TEXT, false},
    {"rule", K_TEXT, false},      {"source", K_TEXT, false},   {"status", K_STATUS, false},
};
enum { E_ID, E_PLATE, E_COLOR, E_CLASS, E_COMPANY, E_DRIVER, E_TYPE, E_START, E_END, E_VALUE, E_LIMIT, E_SEVERITY,
       E_RULE, E_SOURCE, E_STATUS, E_N };

static bool emit_event(reader *r, uint64_t line)
{
    const col_val *v = r->val;
    outr_event e;
    e.line = line;
    e.event_id = v[E_ID].s;
    e.plate = v[E_PLATE].s;
    e.company = v[E_COMPANY].s;
    e.driver = v[E_DRIVER].s;
    e.severity = v[E_SEVERITY].s;
    e.rule = v[E_RULE].s;
    e.source = v[E_SOURCE].s;
    e.color = (int)v[E_COLOR].i;
    e.have_cls = v[E_CLASS].present;
    e.cls = e.have_cls ? (vehicle_class)v[E_CLASS].i : CLASS_OTHER;
    e.type = (event_type)v[E_TYPE].i;
    e.start = v[E_START].i;
    e.start_day = v[E_START].day;
    e.end = v[E_END].present ? v[E_END].i : e.start;
    e.have_value = v[E_VALUE].present;
    e.have_limit = v[E_LIMIT].present;
    e.value_milli = v[E_VALUE].i;
    e.limit_milli = v[E_LIMIT].i;
    e.status = v[E_STATUS].present ? (event_status)v[E_STATUS].i : EV_STATUS_CLOSED;
    return !r->h->event || r->h->event(r->h->ud, &e);
}

int outr_read_events(const char *path, int32_t tz, const outr_handler *h, outr_info *info, char *why, size_t cap)
{
    reader r;
    reader_init(&r, path, EV_COLS, E_N, h, info, tz, emit_event);
    return read_table(&r, why, cap);
}

/* ---- vehicles.csv ---- */

static const col_spec VEH_COLS[] = {
    {"plate", K_TEXT, true},       {"plate_color", K_COLOR, false}, {"class", K_CLASS, false},
    {"company", K_TEXT, false},    {"registered", K_YESNO, false}, {"phone", K_TEXT, false},
    {"points", K_COUNT, false},    {"valid", K_COUNT, false},      {"drift", K_COUNT, false},
    {"duplicates", K_COUNT, false}, {"distance_km", K_FIXED3, false}, {"driving_s", K_INT, false},
    {"events", K_COUNT, false},    {"penalty_points", K_INT, false}, {"terminal_alarm_word", K_YESNO, false},
};
enum { V_PLATE, V_COLOR, V_CLASS, V_COMPANY, V_REGISTERED, V_PHONE, V_POINTS, V_VALID, V_DRIFT, V_DUPLICATES,
       V_KM, V_DRIVING, V_EVENTS, V_PENALTY, V_ALARM_WORD, V_N };

static bool emit_vehicle(reader *r, uint64_t line)
{
    const col_val *v = r->val;
    outr_vehicle x;
    x.line = line;
    x.plate = v[V_PLATE].s;
    x.company = v[V_COMPANY].s;
    x.phone = v[V_PHONE].s;
    x.color = (int)v[V_COLOR].i;
    x.have_cls = v[V_CLASS].present;
    x.cls = x.have_cls ? (vehicle_class)v[V_CLASS].i : CLASS_OTHER;
    x.registered = v[V_REGISTERED].present ? (int)v[V_REGISTERED].i : -1;
    x.points = (uint64_t)v[V_POINTS].i;
    x.valid = (uint64_t)v[V_VALID].i;
    x.drift = (uint64_t)v[V_DRIFT].i;
    x.duplicates = (uint64_t)v[V_DUPLICATES].i;
    x.events = (uint64_t)v[V_EVENTS].i;
    x.distance_m = v[V_KM].i;
    x.driving_s = v[V_DRIVING].i;
    x.penalty_points = v[V_PENALTY].i;
    x.alarm_word = v[V_ALARM_WORD].present ? (int)v[V_ALARM_WORD].i : -1;
    return !r->h->vehicle || r->h->vehicle(r->h->ud, &x);
}

int outr_read_vehicles(const char *path, const outr_handler *h, outr_info *info, char *why, size_t cap)
{
    reader r;
    reader_init(&r, path, VEH_COLS, V_N, h, info, 0, emit_vehicle);
    return read_table(&r, why, cap);
}

/* ---- vehicle_days.csv ---- */

static const col_spec DAY_COLS[] = {
    {"plate", K_TEXT, true},        {"plate_color", K_COLOR, false},     {"day", K_DAY, true},
    {"points", K_COUNT, false},     {"valid", K_COUNT, false},           {"drift", K_COUNT, false},
    {"gaps", K_COUNT, false},       {"distance_km", K_FIXED3, false},    {"driving_s", K_INT, false},
    {"rests", K_COUNT, false},      {"longest_stint_s", K_INT, false},   {"accepted", K_COUNT, false},
    {"gap_km", K_FIXED3, false},    {"weighings", K_COUNT, false},
};
enum { D_PLATE, D_COLOR, D_DAY, D_POINTS, D_VALID, D_DRIFT, D_GAPS, D_KM, D_DRIVING, D_RESTS, D_STINT, D_ACCEPTED,
       D_GAPKM, D_WEIGHINGS, D_N };

static bool emit_vday(reader *r, uint64_t line)
{
    const col_val *v = r->val;
    outr_vday d;
    d.line = line;
    d.plate = v[D_PLATE].s;
    d.color = (int)v[D_COLOR].i;
    d.day = v[D_DAY].day;
    d.points = (uint64_t)v[D_POINTS].i;
    d.valid = (uint64_t)v[D_VALID].i;
    d.drift = (uint64_t)v[D_DRIFT].i;
    d.gaps = (uint64_t)v[D_GAPS].i;
    d.distance_m = v[D_KM].i;
    d.driving_s = v[D_DRIVING].i;
    d.rests = (uint64_t)v[D_RESTS].i;
    d.longest_stint_s = v[D_STINT].i;
    d.have_accepted = has_col(r, D_ACCEPTED);
    d.have_gap = has_col(r, D_GAPKM);
    d.accepted = (uint64_t)v[D_ACCEPTED].i;
    d.gap_m = v[D_GAPKM].i;
    d.weighings = (uint64_t)v[D_WEIGHINGS].i;
    return !r->h->vday || r->h->vday(r->h->ud, &d);
}

int outr_read_vdays(const char *path, const outr_handler *h, outr_info *info, char *why, size_t cap)
{
    reader r;
    reader_init(&r, path, DAY_COLS, D_N, h, info, 0, emit_vday);
    int rc = read_table(&r, why, cap);
    info->have_accepted = r.header_ok && has_col(&r, D_ACCEPTED);
    info->have_gap = r.header_ok && has_col(&r, D_GAPKM);
    return rc;
}
