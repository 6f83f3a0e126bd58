/*
 * cmd_ledger.c - `roadlog ledger [--db DB] COMMAND ...`: the case ledger
 * (LEDGER.md).  A thin layer over src/cases*.c: options, the ledger
 * opened, one command run, its output printed.
 *
 *   import OUT...             outputs of analyze/merge become cases
 *   list [filters]            cases as a table, --csv, or --xlsx FILE
 *   show CASE...              a case, its event and its whole history
 *   set CASE... --status S --by NAME [--note T] [--deadline DATE]
 *                             (or --plate P --type T --from --to instead of CASE...)
 *   blacklist [--at DATE]     the lists in force
 *   report --month YYYY-MM    ledger.html and ledger.xlsx into --out
 *
 * The ledger is --db, else $ROADLOG_DB, else roadlog.db here.  Text from
 * the ledger printed to a terminal has its control bytes shown as \xNN
 * (a plate is never an escape sequence); CSV and xlsx carry it exactly
 * (formula-like text with the leading ' of events.csv).
 */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze.h"
#include "cases.h"
#include "cases_report.h"
#include "cases_stats.h"
#include "cli.h"
#include "csvout.h"
#include "ingest.h"
#include "plate.h"
#include "reports.h"
#include "timeutil.h"
#include "util.h"

typedef struct ledger_opts {
    const char *db, *rules, *by, *note, *deadline, *status, *type, *company, *plate, *driver, *from, *to;
    const char *at, *month, *out, *xlsx, *registry, *lang;
    bool overdue, csv, strict, quiet;
    int32_t tz;
} ledger_opts;

static void usage(FILE *f)
{
    fputs("usage: roadlog ledger [--db DB] COMMAND ...\n"
          "\n"
          "  import OUT...           add the events of analyze/merge outputs (folders, a folder of\n"
          "                          daily folders, or events.csv files) as cases; idempotent\n"
          "  list [filters]          cases as a table (--csv, --xlsx FILE)\n"
          "       --status S[,S]  --type T  --company C  --plate P  --driver D\n"
          "       --from DATE  --to DATE (the event's start)  --overdue\n"
          "  show CASE...            one case with its event and its whole history\n"
          "  set CASE... --status S --by NAME [--note TEXT] [--deadline DATE]\n"
          "  set --plate P [--type T] [--from DATE] [--to DATE] --status S --by NAME ...\n"
          "                          a transition (all the cases or none)\n"
          "  blacklist [--at DATE]   the blacklists in force at DATE (default now) (--csv)\n"
          "  report --month YYYY-MM [--out DIR] [--registry FILE] [--lang zh|en]\n"
          "                          the month's report: ledger.html and ledger.xlsx\n"
          "\n"
          "statuses: open -> notified -> supervised -> rectified -> closed;\n"
          "          open/notified/supervised -> dismissed (--note); closed/dismissed -> open (--note)\n"
          "          (待处理 已通知 挂牌督办 已整改 已销号 已撤销 are accepted too)\n"
          "\n"
          "options: --db DB (a SQLite file, default $ROADLOG_DB or roadlog.db; or postgresql://user@host/db)\n"
          "         --tz +HH:MM (times shown and read, default +08:00)  --rules FILE (ledger.deadline_days,\n"
          "         blacklist.*)  --by NAME (who imports; default the login name)  --strict  --quiet\n"
          "\n"
          "example:\n"
          "  roadlog ledger --db bureau.db import /out/2026-11-*\n"
          "  roadlog ledger --db bureau.db list --status open --overdue\n"
          "  roadlog ledger --db bureau.db set b754be85800c449a --status notified --by 张科长\n"
          "  roadlog ledger --db bureau.db report --month 2026-11 --out 2026-11-ledger/\n"
          "\n"
          "exit status: 0 ok, 1 a ledger or input problem or a refused change, 2 usage\n",
          f);
}

static const char *login_name(void)
{
    const char *u = getenv("USER");
    if (u && *u)
        return u;
    struct passwd *pw = getpwuid(getuid());
    return pw && pw->pw_name ? pw->pw_name : "roadlog";
}

/* ---- text for a terminal ---- */

/* Columns a UTF-8 sequence takes: East Asian wide characters 2. */
static int cp_width(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3) ||
                   (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
                   (c >= 0xFFE0 && c <= 0xFFE6)
               ? 2
               : 1;
}

/* Text as a terminal may show it: control bytes and invalid UTF-8 as
 * \xNN.  Returns the columns it takes. */
static int term_text(rl_buf *b, const char *s, size_t n)
{
    int w = 0;
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    while (p < e) {
        size_t k = *p < 0x80 ? 1 : utf8_seq(p, e);
        if (k == 1 && *p >= 0x20 && *p != 0x7f) {
            buf_putc(b, (char)*p);
            w++;
        } else if (k > 1) {
            uint32_t c = k == 2 ? (uint32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F)
                         : k == 3 ? (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F)
                                  : (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3F) << 12 |
                                        (uint32_t)(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
            buf_put(b, p, k);
            w += cp_width(c);
        } else {
            buf_printf(b, "\\x%02x", *p);
            w += 4;
            k = 1;
        }
        p += k;
    }
    return w;
}

/* A table printed with its columns aligned (wide characters counted as
 * two columns). */
typedef struct ttable {
    size_t ncol, nrow;
    char **cell;             /* nrow * ncol */
    int *w;                  /* each cell's columns */
    int *colw;
} ttable;

static void tt_init(ttable *t, size_t ncol)
{
    memset(t, 0, sizeof *t);
    t->ncol = ncol;
    t->colw = xcalloc(ncol, sizeof *t->colw);
}

static void tt_cell(ttable *t, size_t col, const char *s, size_t n)
{
    if (col == 0) {
        t->nrow++;
        t->cell = xrealloc(t->cell, t->nrow * t->ncol * sizeof *t->cell);
        t->w = xrealloc(t->w, t->nrow * t->ncol * sizeof *t->w);
    }
    rl_buf b = {0};
    int w = term_text(&b, s, n);
    buf_putc(&b, 0);
    size_t k = (t->nrow - 1) * t->ncol + col;
    t->cell[k] = b.p;
    t->w[k] = w;
    if (w > t->colw[col])
        t->colw[col] = w;
}

static void tt_str(ttable *t, size_t col, const char *s) { tt_cell(t, col, s, strlen(s)); }

static void tt_print(ttable *t, FILE *f)
{
    for (size_t r = 0; r < t->nrow; r++) {
        for (size_t c = 0; c < t->ncol; c++) {
            size_t k = r * t->ncol + c;
            fputs(t->cell[k], f);
            if (c + 1 < t->ncol)
                fprintf(f, "%*s", t->colw[c] - t->w[k] + 2, "");
            free(t->cell[k]);
        }
        fputc('\n', f);
    }
    free(t->cell);
    free(t->w);
    free(t->colw);
}

static void fmt_time(int64_t t, int32_t tz, char out[20]) { tu_format(t, tz, out); }

static void fmt_day(int64_t t, int32_t tz, char out[11]) { tu_format_day(tu_local_day(t, tz), out); }

/* ---- list ---- */

typedef struct list_ctx {
    cases_ledger *lg;
    ttable tt;
    outbuf ob;
    bool csv;
    size_t n;
    void *xlsx;
} list_ctx;

static const char *const LIST_HEAD[] = {"case", "status", "deadline", "plate", "company", "driver", "type",
                                        "start", "value/limit", "points", "changed"};

static bool list_row(void *ud, const case_row *r)
{
    list_ctx *c = ud;
    c->n++;
    if (c->xlsx)
        return cases_xlsx_row(c->xlsx, r, c->lg->tz);
    if (c->csv) {
        cases_csv_row(&c->ob, r, c->lg->tz);
        return true;
    }
    ttable *t = &c->tt;
    char b[96];
    tt_str(t, 0, r->event_id);
    snprintf(b, sizeof b, "%s%s", case_status_name(r->status), r->overdue ? " (overdue)" : "");
    tt_str(t, 1, b);
    fmt_day(r->deadline, c->lg->tz, b);
    tt_str(t, 2, b);
    rl_buf p = {0};
    buf_put(&p, r->plate, r->plate_len);
    buf_printf(&p, " (%d)", r->plate_color);
    tt_cell(t, 3, p.p, p.len);
    buf_free(&p);
    tt_cell(t, 4, r->company, r->company_len);
    tt_cell(t, 5, r->driver, r->driver_len);
    tt_str(t, 6, event_type_name(r->type));
    fmt_time(r->start, c->lg->tz, b);
    tt_str(t, 7, b);
    rl_buf v = {0};
    buf_put(&v, r->text[6], r->text_len[6]); /* value */
    buf_puts(&v, " / ");
    buf_put(&v, r->text[7], r->text_len[7]); /* limit */
    tt_cell(t, 8, v.p, v.len);
    buf_free(&v);
    snprintf(b, sizeof b, "%d", r->points);
    tt_str(t, 9, b);
    rl_buf ch = {0};
    char when[20];
    fmt_time(r->changed_at, c->lg->tz, when);
    buf_printf(&ch, "%s ", when);
    buf_put(&ch, r->changed_by, r->changed_by_len);
    tt_cell(t, 10, ch.p, ch.len);
    buf_free(&ch);
    return true;
}

static int do_list(cases_ledger *lg, const cases_filter *f, const ledger_opts *o)
{
    list_ctx c = {.lg = lg, .csv = o->csv};
    if (o->xlsx) {
        c.xlsx = cases_xlsx_open(o->xlsx);
        if (!c.xlsx) {
            fprintf(stderr, "roadlog ledger list: cannot write %s: %s\n", o->xlsx, strerror(errno));
            return 1;
        }
    } else if (c.csv) {
        outbuf_init(&c.ob, stdout, NULL, 1 << 16);
        cases_csv_header(&c.ob);
    } else {
        tt_init(&c.tt, sizeof LIST_HEAD / sizeof LIST_HEAD[0]);
        for (size_t i = 0; i < c.tt.ncol; i++)
            tt_str(&c.tt, i, LIST_HEAD[i]);
    }
    bool ok = cases_each(lg, f, list_row, &c);
    if (c.xlsx) {
        if (!cases_xlsx_close(c.xlsx))
            ok = false;
    } else if (c.csv) {
        outbuf_done(&c.ob);
    } else {
        tt_print(&c.tt, stdout);
        if (!o->quiet)
            fprintf(stderr, "%zu case%s\n", c.n, c.n == 1 ? "" : "s");
    }
    if (!ok) {
        fprintf(stderr, "roadlog ledger list: %s: %s\n", cdb_target(lg->db), cdb_error(lg->db));
        return 1;
    }
    return 0;
}

/* ---- show ---- */

static void show_line(FILE *f, const char *label, const char *s, size_t n)
{
    rl_buf b = {0};
    term_text(&b, s, n);
    buf_putc(&b, 0);
    fprintf(f, "%-16s %s\n", label, b.p);
    buf_free(&b);
}

static bool show_row(void *ud, const case_row *r)
{
    const cases_ledger *lg = ud;
    char t[20], d[11];
    printf("%-16s %s\n", "case", r->event_id);
    fmt_day(r->deadline, lg->tz, d);
    printf("%-16s %s (%s)%s, deadline %s\n", "status", case_status_name(r->status), case_status_zh(r->status),
           r->overdue ? ", OVERDUE" : "", d);
    rl_buf p = {0};
    buf_put(&p, r->plate, r->plate_len);
    buf_printf(&p, " (colour %d)", r->plate_color);
    show_line(stdout, "plate", p.p, p.len);
    buf_free(&p);
    show_line(stdout, "company", r->company, r->company_len);
    show_line(stdout, "driver", r->driver, r->driver_len);
    printf("%-16s %s (%s)\n", "type", event_type_name(r->type), event_type_name_zh(r->type));
    fmt_time(r->start, lg->tz, t);
    printf("%-16s %s\n", "start", t);
    fmt_time(r->end, lg->tz, t);
    printf("%-16s %s\n", "end", t);
    printf("%-16s %d\n", "points", r->points);
    for (int k = 0; k < CASES_EVENT_NTEXT; k++)
        if (r->text_len[k])
            show_line(stdout, CASES_EVENT_TEXT[k], r->text[k], r->text_len[k]);
    printf("%-16s %s\n", "event status", r->event_status);
    printf("history\n");
    return true;
}

static bool show_hist(void *ud, const case_history *h)
{
    const cases_ledger *lg = ud;
    char t[20];
    fmt_time(h->at, lg->tz, t);
    rl_buf b = {0};
    buf_printf(&b, "  %s  %s -> %s  by ", t, h->from_none ? "(new)" : case_status_name(h->from),
               case_status_name(h->to));
    term_text(&b, h->by, h->by_len);
    if (h->have_deadline) {
        char d[11];
        fmt_day(h->deadline, lg->tz, d);
        buf_printf(&b, "  deadline %s", d);
    }
    if (h->note_len) {
        buf_puts(&b, "  note: ");
        term_text(&b, h->note, h->note_len);
    }
    buf_putc(&b, 0);
    puts(b.p);
    buf_free(&b);
    return true;
}

/* ---- blacklist ---- */

static int do_blacklist(cases_ledger *lg, strtab *names, const rl_registry *reg, int64_t at, const ledger_opts *o)
{
    cases_stats st;
    if (!cases_stats_load(lg, names, at + 1, &st)) {
        fprintf(stderr, "roadlog ledger blacklist: %s: %s\n", cdb_target(lg->db), cdb_error(lg->db));
        cases_stats_free(&st);
        return 1;
    }
    cs_blacklists bl;
    cases_stats_blacklists(&st, &lg->rules, reg, at, &bl);
    outbuf ob;
    ttable tt;
    if (o->csv) {
        outbuf_init(&ob, stdout, NULL, 1 << 16);
        static const char head[] =
            "rule,subject,window_from,window_to,cases,sum,listed_from,listed_until,early,evidence\n";
        outbuf_put(&ob, head, sizeof head - 1);
    } else {
        tt_init(&tt, 7);
        const char *head[] = {"rule", "subject", "window", "count", "listed from", "until", "evidence"};
        for (int i = 0; i < 7; i++)
            tt_str(&tt, (size_t)i, head[i]);
    }
    size_t shown = 0;
    for (size_t i = 0; i < bl.list.n; i++) {
        const bl_listing *l = &bl.list.l[i];
        if (!bl_in_force(l, at))
            continue;
        shown++;
        char w0[20], w1[20], f[20], u[20];
        rl_buf subject = {0};
        cases_stats_subject(&st, l, &subject);
        fmt_time(l->first, lg->tz, w0);
        fmt_time(l->last, lg->tz, w1);
        fmt_time(l->from, lg->tz, f);
        fmt_time(l->until, lg->tz, u);
        rl_buf ev = {0};
        cases_listing_evidence(&st, &bl, l, &ev, o->csv ? SIZE_MAX : 10);
        if (o->csv) {
            outbuf_csv_str(&ob, bl_rule_id(l->rule), strlen(bl_rule_id(l->rule)));
            outbuf_putc(&ob, ',');
            outbuf_csv_text(&ob, subject.p, subject.len);
            const char *cols[] = {w0, w1};
            for (int k = 0; k < 2; k++) {
                outbuf_putc(&ob, ',');
                outbuf_csv_str(&ob, cols[k], strlen(cols[k]));
            }
            outbuf_putc(&ob, ',');
            outbuf_int(&ob, l->count);
            outbuf_putc(&ob, ',');
            outbuf_int(&ob, l->sum);
            outbuf_putc(&ob, ',');
            outbuf_csv_str(&ob, f, strlen(f));
            outbuf_putc(&ob, ',');
            outbuf_csv_str(&ob, u, strlen(u));
            outbuf_putc(&ob, ',');
            outbuf_csv_str(&ob, l->early ? "yes" : "no", l->early ? 3 : 2);
            outbuf_putc(&ob, ',');
            outbuf_csv_str(&ob, ev.p ? ev.p : "", ev.len);
            outbuf_putc(&ob, '\n');
        } else {
            char b[128];
            tt_str(&tt, 0, bl_rule_id(l->rule));
            tt_cell(&tt, 1, subject.p, subject.len);
            snprintf(b, sizeof b, "%.10s .. %.10s", w0, w1);
            tt_str(&tt, 2, b);
            if (l->rule == BL_DRIVER)
                snprintf(b, sizeof b, "%u cases, %lld points", l->count, (long long)l->sum);
            else if (l->rule == BL_COMPANY)
                snprintf(b, sizeof b, "%u month%s", l->count, l->count == 1 ? "" : "s");
            else
                snprintf(b, sizeof b, "%u cases", l->count);
            tt_str(&tt, 3, b);
            tt_str(&tt, 4, f);
            snprintf(b, sizeof b, "%s%s", u, l->early ? " (review)" : "");
            tt_str(&tt, 5, b);
            tt_cell(&tt, 6, ev.p ? ev.p : "", ev.len);
        }
        buf_free(&ev);
        buf_free(&subject);
    }
    if (o->csv) {
        outbuf_done(&ob);
    } else {
        tt_print(&tt, stdout);
        if (!o->quiet) {
            char t[20];
            fmt_time(at, lg->tz, t);
            fprintf(stderr, "%zu listing%s in force at %s\n", shown, shown == 1 ? "" : "s", t);
        }
    }
    cs_blacklists_free(&bl);
    cases_stats_free(&st);
    return 0;
}

/* ---- options ---- */

static int parse_opts(int argc, char **argv, ledger_opts *o, char ***args, int *nargs)
{
    enum { O_DB = 256, O_RULES, O_TZ, O_BY, O_NOTE, O_DEADLINE, O_STATUS, O_TYPE, O_COMPANY, O_PLATE, O_DRIVER,
           O_FROM, O_TO, O_AT, O_MONTH, O_OUT, O_XLSX, O_REGISTRY, O_LANG, O_OVERDUE, O_CSV, O_STRICT, O_QUIET,
           O_HELP };
    static const struct option longopts[] = {
        {"db", required_argument, 0, O_DB},           {"rules", required_argument, 0, O_RULES},
        {"tz", required_argument, 0, O_TZ},           {"by", required_argument, 0, O_BY},
        {"note", required_argument, 0, O_NOTE},       {"deadline", required_argument, 0, O_DEADLINE},
        {"status", required_argument, 0, O_STATUS},   {"type", required_argument, 0, O_TYPE},
        {"company", required_argument, 0, O_COMPANY}, {"plate", required_argument, 0, O_PLATE},
        {"driver", required_argument, 0, O_DRIVER},   {"from", required_argument, 0, O_FROM},
        {"to", required_argument, 0, O_TO},           {"at", required_argument, 0, O_AT},
        {"month", required_argument, 0, O_MONTH},     {"out", required_argument, 0, O_OUT},
        {"xlsx", required_argument, 0, O_XLSX},       {"registry", required_argument, 0, O_REGISTRY},
        {"lang", required_argument, 0, O_LANG},       {"overdue", no_argument, 0, O_OVERDUE},
        {"csv", no_argument, 0, O_CSV},               {"strict", no_argument, 0, O_STRICT},
        {"quiet", no_argument, 0, O_QUIET},           {"help", no_argument, 0, O_HELP},
        {0, 0, 0, 0},
    };
    memset(o, 0, sizeof *o);
    o->tz = 8 * 3600;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "hqo:", longopts, NULL)) != -1) {
        switch (c) {
        case O_DB: o->db = optarg; break;
        case O_RULES: o->rules = optarg; break;
        case O_TZ:
            if (!tu_parse_tz(optarg, &o->tz)) {
                fprintf(stderr, "roadlog ledger: --tz '%s': expected an offset like +08:00\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case O_BY: o->by = optarg; break;
        case O_NOTE: o->note = optarg; break;
        case O_DEADLINE: o->deadline = optarg; break;
        case O_STATUS: o->status = optarg; break;
        case O_TYPE: o->type = optarg; break;
        case O_COMPANY: o->company = optarg; break;
        case O_PLATE: o->plate = optarg; break;
        case O_DRIVER: o->driver = optarg; break;
        case O_FROM: o->from = optarg; break;
        case O_TO: o->to = optarg; break;
        case O_AT: o->at = optarg; break;
        case O_MONTH: o->month = optarg; break;
        case 'o':
        case O_OUT: o->out = optarg; break;
        case O_XLSX: o->xlsx = optarg; break;
        case O_REGISTRY: o->registry = optarg; break;
        case O_LANG:
            if (strcmp(optarg, "zh") != 0 && strcmp(optarg, "en") != 0) {
                fprintf(stderr, "roadlog ledger: --lang '%s': expected zh or en\n", optarg);
                return EXIT_USAGE;
            }
            o->lang = optarg;
            break;
        case O_OVERDUE: o->overdue = true; break;
        case O_CSV: o->csv = true; break;
        case O_STRICT: o->strict = true; break;
        case 'q':
        case O_QUIET: o->quiet = true; break;
        case 'h':
        case O_HELP: usage(stdout); exit(0);
        default:
            fprintf(stderr, "roadlog ledger: unknown option or missing value: %s\n", argv[optind - 1]);
            fprintf(stderr, "run `roadlog ledger --help` for the commands and options\n");
            return EXIT_USAGE;
        }
    }
    *args = argv + optind;
    *nargs = argc - optind;
    return 0;
}

/* The filters of list and of set's selection. */
static int make_filter(const ledger_opts *o, bool with_status, cases_filter *f, char *plate_buf)
{
    cases_filter_init(f);
    if (with_status && o->status) {
        char *dup = xstrdup(o->status), *save = NULL;
        for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            case_status s;
            if (!case_status_parse(t, &s)) {
                fprintf(stderr, "roadlog ledger: --status '%s': expected open, notified, supervised, rectified, "
                                "closed or dismissed\n", t);
                free(dup);
                return EXIT_USAGE;
            }
            f->status_mask |= 1u << s;
        }
        free(dup);
    }
    if (o->type) {
        event_type t;
        if (!event_type_parse(o->type, &t)) {
            fprintf(stderr, "roadlog ledger: --type '%s': not an event type (speeding, fatigue_continuous, ...)\n",
                    o->type);
            return EXIT_USAGE;
        }
        f->type = (int)t;
    }
    f->company = o->company;
    f->driver = o->driver;
    if (o->plate) {
        size_t n;
        const char *why = plate_normalize(o->plate, strlen(o->plate), plate_buf, &n);
        if (why) {
            fprintf(stderr, "roadlog ledger: --plate '%s': %s\n", o->plate, why);
            return EXIT_USAGE;
        }
        f->plate = plate_buf;
    }
    if (o->from) {
        if (!cli_parse_time(o->from, o->tz, false, &f->from)) {
            char why[160];
            cli_time_problem(o->from, why, sizeof why);
            fprintf(stderr, "roadlog ledger: --from '%s': %s\n", o->from, why);
            return EXIT_USAGE;
        }
        f->have_from = true;
    }
    if (o->to) {
        if (!cli_parse_time(o->to, o->tz, true, &f->to)) {
            char why[160];
            cli_time_problem(o->to, why, sizeof why);
            fprintf(stderr, "roadlog ledger: --to '%s': %s\n", o->to, why);
            return EXIT_USAGE;
        }
        f->have_to = true;
    }
    f->overdue = o->overdue;
    return 0;
}

static int do_set(cases_ledger *lg, const ledger_opts *o, char **args, int nargs)
{
    if (!o->status || !o->by || !*o->by) {
        fprintf(stderr, "roadlog ledger set: give --status S and --by NAME (who makes the change)\n");
        return EXIT_USAGE;
    }
    case_change ch = {.by = o->by, .note = o->note};
    if (!case_status_parse(o->status, &ch.to)) {
        fprintf(stderr, "roadlog ledger set: --status '%s': expected open, notified, supervised, rectified, closed "
                        "or dismissed\n", o->status);
        return EXIT_USAGE;
    }
    if (o->deadline) {
        if (!cli_parse_time(o->deadline, lg->tz, true, &ch.deadline)) {
            char why[160];
            cli_time_problem(o->deadline, why, sizeof why);
            fprintf(stderr, "roadlog ledger set: --deadline '%s': %s\n", o->deadline, why);
            return EXIT_USAGE;
        }
        ch.have_deadline = true;
    }
    bool select = o->plate || o->type || o->from || o->to || o->company || o->driver;
    if (nargs && select) {
        fprintf(stderr, "roadlog ledger set: give case ids or a selection (--plate, --type, --from, --to), not both\n");
        return EXIT_USAGE;
    }
    if (!nargs && !select) {
        fprintf(stderr, "roadlog ledger set: which cases? give their ids, or --plate P [--type T --from --to]\n");
        return EXIT_USAGE;
    }
    if (nargs)
        return cases_set(lg, args, (size_t)nargs, &ch, stdout);
    cases_filter f;
    char plate[64];
    int rc = make_filter(o, false, &f, plate);
    if (rc)
        return rc;
    char **ids;
    size_t n;
    if (!cases_select_ids(lg, &f, &ids, &n)) {
        fprintf(stderr, "roadlog ledger set: %s: %s\n", cdb_target(lg->db), cdb_error(lg->db));
        return 1;
    }
    rc = cases_set(lg, ids, n, &ch, stdout);
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
    return rc;
}

static int do_report(cases_ledger *lg, rl_run *run, const ledger_opts *o)
{
    int64_t month;
    if (!o->month || !cases_parse_month(o->month, lg->tz, &month))
        return EXIT_USAGE; /* said before the ledger was opened */
    const char *out = o->out ? o->out : "roadlog-out";
    if (!make_dirs(out)) {
        fprintf(stderr, "roadlog ledger report: cannot create the output folder %s: %s\n", out, strerror(errno));
        return 1;
    }
    cases_month_report r;
    if (!cases_month_report_build(lg, run->str, &run->reg, cases_month_of(month, lg->tz), &r)) {
        fprintf(stderr, "roadlog ledger report: %s: %s\n", cdb_target(lg->db), cdb_error(lg->db));
        return 1;
    }
    r.zh = report_lang_zh(o->lang);
    r.ledger = cdb_target(lg->db);
    int status = 0;
    rl_buf p = {0};
    buf_printf(&p, "%s/ledger.html", out);
    if (!cases_report_html(&r, p.p)) {
        fprintf(stderr, "roadlog ledger report: cannot write %s: %s\n", p.p, strerror(errno));
        status = 1;
    }
    p.len = 0;
    buf_printf(&p, "%s/ledger.xlsx", out);
    if (!cases_report_xlsx(&r, p.p)) {
        fprintf(stderr, "roadlog ledger report: cannot write %s: %s\n", p.p, strerror(errno));
        status = 1;
    }
    buf_free(&p);
    if (!o->quiet)
        cases_report_print(&r, stdout);
    if (!o->quiet)
        fprintf(stderr, "roadlog ledger report: ledger.html and ledger.xlsx in %s/\n", out);
    cases_month_report_free(&r);
    return status;
}

int cmd_ledger(int argc, char **argv)
{
    ledger_opts o;
    char **args;
    int nargs;
    int rc = parse_opts(argc, argv, &o, &args, &nargs);
    if (rc)
        return rc;
    if (nargs == 0) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = args[0];
    args++;
    nargs--;
    static const char *const cmds[] = {"import", "list", "show", "set", "blacklist", "report", NULL};
    int k = 0;
    while (cmds[k] && strcmp(cmds[k], cmd) != 0)
        k++;
    if (!cmds[k]) {
        fprintf(stderr, "roadlog ledger: unknown command '%s' (import, list, show, set, blacklist, report)\n", cmd);
        return EXIT_USAGE;
    }
    if ((k == 0 || k == 2) && nargs == 0) {
        fprintf(stderr, "roadlog ledger %s: give %s\n", cmd, k == 0 ? "output folders (or events.csv files)"
                                                                  : "the case (its event_id)");
        return EXIT_USAGE;
    }
    if ((k == 1 || k == 4 || k == 5) && nargs) {
        fprintf(stderr, "roadlog ledger %s: unexpected argument '%s'\n", cmd, args[0]);
        return EXIT_USAGE;
    }
    rl_run run;
    run_init(&run);
    run.opt.quiet = true;
    run.opt.tz = o.tz;
    if (o.rules) {
        char err[512];
        if (!rules_load(&run.rules, o.rules, err, sizeof err)) {
            fprintf(stderr, "roadlog ledger: %s\n", err);
            run_free(&run);
            return EXIT_USAGE;
        }
    }
    int64_t at = 0;
    if (o.at && !cli_parse_time(o.at, o.tz, true, &at)) {
        char why[160];
        cli_time_problem(o.at, why, sizeof why);
        fprintf(stderr, "roadlog ledger: --at '%s': %s\n", o.at, why);
        run_free(&run);
        return EXIT_USAGE;
    }
    cases_filter f;
    char plate[64];
    if (k == 1 && (rc = make_filter(&o, true, &f, plate)) != 0) {
        run_free(&run);
        return rc;
    }
    if (o.registry) {
        rl_sink sink;
        analyze_sink(&run, &sink);
        if (!ingest_input(&run, o.registry, &sink, WANT_REGISTRY)) {
            run_free(&run);
            return 1;
        }
        run.have_registry = true;
    }
    if (o.db && !*o.db) {
        fprintf(stderr, "roadlog ledger: --db '': name a ledger file or a postgresql:// URL\n");
        run_free(&run);
        return EXIT_USAGE;
    }
    /* report's month, missing or not one: said before the ledger is looked for */
    int64_t month_check;
    if (k == 5 && (!o.month || !cases_parse_month(o.month, o.tz, &month_check))) {
        if (o.month)
            fprintf(stderr, "roadlog ledger report: --month '%s': expected a month as YYYY-MM (01 to 12), e.g. 2026-11\n",
                    o.month);
        else
            fprintf(stderr, "roadlog ledger report: --month YYYY-MM is required (the month to report)\n");
        run_free(&run);
        return EXIT_USAGE;
    }
    const char *db = o.db ? o.db : getenv("ROADLOG_DB");
    if (!db || !*db)
        db = "roadlog.db";
    char err[1024];
    cases_ledger *lg = cases_open(db, k == 0, &run.rules, o.tz, err, sizeof err);
    if (!lg) {
        fprintf(stderr, "roadlog ledger: %s\n", err);
        run_free(&run);
        return 1;
    }
    lg->by = o.by ? o.by : login_name();
    if (!o.at)
        at = lg->now;
    switch (k) {
    case 0: {
        cases_import_counts total = {0};
        rc = 0;
        for (int i = 0; i < nargs; i++)
            if (!cases_import_path(lg, args[i], o.strict, o.quiet ? NULL : stdout, &total))
                rc = 1;
        if (!o.quiet && nargs > 1)
            printf("in all: %llu added, %llu updated, %llu unchanged\n", (unsigned long long)total.added,
                   (unsigned long long)total.updated, (unsigned long long)total.unchanged);
        break;
    }
    case 1: rc = do_list(lg, &f, &o); break;
    case 2:
        rc = 0;
        for (int i = 0; i < nargs; i++) {
            bool found;
            if (i)
                putchar('\n');
            if (!cases_show(lg, args[i], &found, show_row, show_hist, lg)) {
                fprintf(stderr, "roadlog ledger show: %s: %s\n", cdb_target(lg->db), cdb_error(lg->db));
                rc = 1;
            } else if (!found) {
                fprintf(stderr, "roadlog ledger show: %s: no such case\n", args[i]);
                rc = 1;
            }
        }
        break;
    case 3: rc = do_set(lg, &o, args, nargs); break;
    case 4: rc = do_blacklist(lg, run.str, &run.reg, at, &o); break;
    case 5: rc = do_report(lg, &run, &o); break;
    }
    cases_close(lg);
    run_free(&run);
    return rc;
}
