/*
 * html.c - report.html: what an officer reads (FORMATS.md "Outputs",
 * issues 6 and 17).
 *
 * Self-contained: inline CSS, inline script, data in JSON blocks, and a
 * Content-Security-Policy that lets the page run exactly its one script
 * (by its SHA-256) and fetch nothing, but the --tiles origin when given;
 * it reads the same from a USB stick on an offline PC.  The script is
 * Leaflet and Leaflet.markercluster, read at run time from Debian's
 * libjs-leaflet packages (map.c), and roadlog's own map and table code.
 * Without those packages the page has no maps and says which to install.
 *
 * Layout.  One map of all the risk (every vehicle's events, clustered);
 * the vehicles ranked by a risk index stated on the page (html_int.h
 * event_weight: points are a driver's, never added up per vehicle); the
 * drivers' points in their scoring cycle (drivers.c); then per vehicle
 * with events: identity, a map (track, events, zones, weigh stations),
 * the event table (points per event, the rule and its basis), each
 * event's evidence (html_evidence.c) and the day charts.  Tables sort by
 * a click on a column title and filter by text; print CSS gives A4
 * pages with a vehicle per page and no page holding a title alone.
 *
 * Size.  A small run (HTML_SINGLE_MAX vehicles with events and at most
 * HTML_PAGE_ROWS index rows) is one file.  A larger one: report.html is
 * page 1 of the index with the overview map, vehicles/index-N.html the
 * next pages, vehicles/<plate>.html one page per vehicle, and the map
 * code once in vehicles/roadlog-map.js and .css beside them (a copy per
 * page would be 190 KB times the vehicles).  File names are the plate
 * with anything but ASCII letters, digits and well-formed non-ASCII UTF-8
 * replaced by '_'; a clash gets "-<colour code>" and then "-<n>".
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "alarmstats.h"
#include "cases_report.h"
#include "csvout.h"
#include "html_int.h"
#include "numparse.h"
#include "privacy.h"
#include "timeutil.h"
#include "tracksample.h"
#include "zones.h"
#include "util.h"

#define HTML_SINGLE_MAX 60   /* vehicles with events that still fit one page */
#define HTML_PAGE_ROWS 500   /* index rows per page */
#define HTML_SHARED_JS "roadlog-map.js"
#define HTML_SHARED_CSS "roadlog-map.css"

/* ---- the page frame, shared with summary.html and drivers.html ---- */

static const char CSS[] =
    "*{box-sizing:border-box}"
    "body{font:14px/1.45 system-ui,-apple-system,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',"
    "'WenQuanYi Micro Hei',sans-serif;margin:0;color:#1b1f24;background:#fff}"
    "header,main,footer{max-width:1248px;margin:0 auto;padding:0 12px}"
    "header{border-bottom:3px solid #b3261e;padding-bottom:8px}"
    "h1{font-size:22px;margin:16px 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;"
    "padding-bottom:4px;break-after:avoid}h3{font-size:15px;margin:18px 0 6px;break-after:avoid}"
    "table{border-collapse:collapse;width:100%;margin:6px 0 12px}"
    "th,td{border:1px solid #d0d7de;padding:3px 5px;text-align:left;vertical-align:top;overflow-wrap:anywhere}"
    "th{background:#f1f3f5;font-weight:600;overflow-wrap:normal;word-break:keep-all}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    "tbody tr:nth-child(even) td{background:#fafbfc}tr{break-inside:avoid}thead{display:table-header-group}"
    ".meta{color:#57606a;font-size:13px;margin:2px 0}.small{font-size:12px;color:#57606a}"
    ".note{font-size:12.5px;color:#3d444d;background:#f6f8fa;border-left:3px solid #8c959f;padding:4px 8px;"
    "margin:6px 0}"
    ".plate,td.pl{white-space:nowrap}"
    ".plate{display:inline-block;padding:0 6px;border-radius:3px;border:1px solid #8c959f;font-weight:600}"
    ".c1{background:#1e4fb5;color:#fff}.c2{background:#f2c200;color:#000}.c3{background:#111;color:#fff}"
    ".c5{background:#2e9d4a;color:#fff}"
    "dl.id{display:grid;grid-template-columns:max-content 1fr max-content 1fr;gap:2px 14px;margin:6px 0}"
    "dl.id dt{color:#57606a}dl.id dd{margin:0}"
    "svg{width:100%;height:auto;background:#fff;border:1px solid #d0d7de}"
    "svg text{font-size:14px;fill:#57606a}svg.sc text{font-size:24px}svg.sc text.k{font-size:22px;fill:#1b1f24}"
    "td.t{white-space:nowrap}table.ev{font-size:12.5px}table.fx{font-size:12px;width:auto;min-width:60%}"
    "table.ev td.b{font-size:11.5px;color:#3d444d;min-width:14em}"
    ".plot{fill:#fff;stroke:#8c959f}.grid{stroke:#e5e9ee}.night{fill:#eef1fb}"
    ".spd{fill:none;stroke:#1f6feb;stroke-width:1.6;stroke-linejoin:round}"
    ".lim{fill:none;stroke:#d1242f;stroke-width:1.6;stroke-dasharray:8 5}"
    ".ev{fill-opacity:.22}.ev-s{fill:#d1242f}.ev-f{fill:#e36209}.ev-n{fill:#8250df}.ev-g{fill:#57606a}"
    ".ev-w{fill:#0a7f55}.ev-z{fill:#bf3989}.fxd{fill:#1f6feb}.fxd.in{fill:#d1242f}"
    "tr.in td{background:#fff4f2}"
    ".bar-s{fill:#d1242f}.bar-f{fill:#e36209}.bar-o{fill:#57606a}"
    "details.evd{border:1px solid #d0d7de;border-radius:4px;margin:6px 0;padding:2px 8px;break-inside:auto}"
    "details.evd>summary{cursor:pointer;font-weight:600;padding:3px 0}"
    "details.evd[open]>summary{border-bottom:1px solid #e5e9ee;margin-bottom:6px}"
    ".evgrid{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:10px;align-items:start}"
    "nav.pages{margin:10px 0}nav.pages a,nav.pages span{margin-right:10px}"
    "code{font-size:12px;background:#f1f3f5;padding:0 3px;border-radius:3px}"
    ".ok{color:#1a7f37}.warn{color:#b3261e;font-weight:600}"
    ".filter{margin:6px 0}.filter input{font:inherit;padding:2px 6px;width:22em;max-width:100%}"
    ".full{color:#b3261e;font-weight:700}"
    "@page{size:A4;margin:12mm 10mm}"
    "@media print{body{font-size:11px}header,main,footer{max-width:none;padding:0}"
    "section.veh,section.sheet{break-before:page}section.first{break-before:auto}"
    ".filter,nav.pages,.noprint{display:none}.day{break-inside:avoid}"
    "details.evd>summary{list-style:none}.evgrid{grid-template-columns:1fr}"
    "table.ev{font-size:10px}a{color:inherit;text-decoration:none}}"
    "@media (max-width:900px){.evgrid{grid-template-columns:1fr}dl.id{grid-template-columns:max-content 1fr}}";

/* The page head.  script_src: the CSP source of the page's script (its
 * hash, or 'self' for the shared file), NULL for a page without one;
 * img_origin: the --tiles origin, or NULL. */
static void page_begin(FILE *f, bool zh, const char *title, const char *script_src, const char *img_origin)
{
    fputs("<!DOCTYPE html>\n<html lang=\"", f);
    fputs(zh ? "zh-CN" : "en", f);
    /* nothing may be fetched: the report must read the same offline */
    fputs("\"><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
          "'none'; style-src 'unsafe-inline'",
          f);
    if (script_src && strcmp(script_src, "'self'") == 0)
        fputs(" 'self'", f);
    fputs("; img-src data:", f);
    if (img_origin) {
        fputc(' ', f);
        html_str(f, img_origin);
    }
    if (script_src) {
        fputs("; script-src ", f);
        fputs(script_src, f);
    }
    fputs("\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><meta name=\"generator\" "
          "content=\"roadlog\"><title>",
          f);
    html_str(f, title);
    fputs("</title><style>", f);
    fputs(CSS, f);
    fputs("</style>", f);
}

void html_page_begin(FILE *f, bool zh, const char *title)
{
    page_begin(f, zh, title, NULL, NULL);
    fputs("</head><body>\n", f);
}

void html_page_end(FILE *f) { fputs("</body></html>\n", f); }

/* The head of a page with maps and tables: the assets inline (a
 * self-contained page) or from the shared files beside it. */
static void page_begin_script(FILE *f, const hctx *h, const char *title, bool shared)
{
    char origin[300] = "";
    if (h->run->opt.tiles)
        tiles_origin(h->run->opt.tiles, origin, sizeof origin);
    page_begin(f, h->zh, title, shared ? "'self'" : h->assets->js_hash, *origin ? origin : NULL);
    if (shared) {
        fputs("<link rel=\"stylesheet\" href=\"" HTML_SHARED_CSS "\">", f);
    } else {
        fputs("<style>", f);
        fwrite(h->assets->css, 1, h->assets->css_len, f);
        fputs("</style>", f);
    }
    fputs("</head><body>\n", f);
}

/* The script goes last: the data blocks it reads are above it. */
static void page_end_script(FILE *f, const hctx *h, bool shared)
{
    if (shared) {
        fputs("<script src=\"" HTML_SHARED_JS "\"></script>\n", f);
    } else {
        fputs("<script>", f);
        fwrite(h->assets->js, 1, h->assets->js_len, f);
        fputs("</script>\n", f);
    }
    html_page_end(f);
}

/* ---- formatting ---- */

void put_duration(FILE *f, int64_t s, bool zh)
{
    if (s < 0)
        s = 0;
    int64_t h = s / 3600, m = s / 60 % 60, sec = s % 60;
    if (h > 0 && m == 0)
        fprintf(f, zh ? "%lld小时" : "%lld h", (long long)h);
    else if (h > 0)
        fprintf(f, zh ? "%lld小时%lld分" : "%lld h %02lld min", (long long)h, (long long)m);
    else if (m > 0 && sec == 0)
        fprintf(f, zh ? "%lld分钟" : "%lld min", (long long)m);
    else if (m > 0)
        fprintf(f, zh ? "%lld分%lld秒" : "%lld min %02lld s", (long long)m, (long long)sec);
    else
        fprintf(f, zh ? "%lld秒" : "%lld s", (long long)sec);
}

void put_fixed(FILE *f, int64_t v, int scale)
{
    char b[32];
    num_format_fixed(b, v, scale);
    fputs(b, f);
}

void put_coord(FILE *f, int32_t lon_e6, int32_t lat_e6)
{
    put_fixed(f, lon_e6, 6);
    fputs(", ", f);
    put_fixed(f, lat_e6, 6);
}

void put_time(FILE *f, int64_t t, int32_t tz)
{
    char b[32];
    tu_format(t, tz, b);
    fputs(b, f);
}

void put_severity(FILE *f, const char *s, bool zh)
{
    char b[200];
    report_severity_text(s, zh, b, sizeof b);
    html_str(f, b);
}

typedef enum { U_SPEED, U_SECONDS, U_KG, U_PERSONS, U_KM, U_COUNT } unit_kind;

static unit_kind unit_of(event_type t)
{
    switch (t) {
    case EV_SPEEDING:
    case EV_NIGHT_SPEEDING: return U_SPEED;
    case EV_OVERLOAD:
    case EV_OVER_LIMIT:
    case EV_AXLE_OVERLOAD: return U_KG;
    case EV_OVER_CAPACITY: return U_PERSONS;
    case EV_POSITION_MISMATCH: return U_KM;
    case EV_TERMINAL_ALARM:
    case EV_ADAS_ALARM:
    case EV_DSM_ALARM:
    case EV_TPMS_ALARM:
    case EV_BSD_ALARM:
    case EV_TERMINAL_SILENT: return U_COUNT;
    default: return U_SECONDS;
    }
}

bool unit_is_seconds(event_type t) { return unit_of(t) == U_SECONDS; }

void put_value(FILE *f, const rl_event *e, int64_t v, bool zh, bool unit)
{
    switch (unit_of(e->type)) {
    case U_SECONDS: put_duration(f, v, zh); return;
    case U_SPEED:
        put_fixed(f, e->scale >= 2 ? v / 100 : v, e->scale >= 2 ? e->scale - 2 : e->scale); /* 0.1 km/h */
        break;
    default: put_fixed(f, v, e->scale); break;
    }
    if (unit && unit_of(e->type) != U_COUNT) {
        fputc(' ', f);
        fputs(report_unit(e->type, zh), f);
    }
}

/* The excess: kg and persons as the difference and the percentage with
 * the decimals it needs (10 001 kg against 10 000 is +1 kg, +0.01 %,
 * never "+0%"); seconds as the time over. */
void put_excess(FILE *f, const rl_event *e, bool zh)
{
    unit_kind u = unit_of(e->type);
    if (u == U_COUNT || e->limit == 0) {
        fputs("—", f);
        return;
    }
    int64_t d = e->value - e->limit;
    if (u == U_SECONDS) {
        fputs("+", f);
        put_duration(f, d, zh);
        fputs("<br>", f);
    } else if (u == U_KG || u == U_PERSONS) {
        fputs(d >= 0 ? "+" : "", f);
        put_value(f, e, d, zh, true);
        fputs("<br>", f);
    }
    double pct = event_excess_pct(e);
    double a = fabs(pct);
    int dec = a == 0 || a >= 10 ? 1 : a >= 1 ? 1 : a >= 0.1 ? 2 : 3;
    char b[32];
    fmt_double(b, sizeof b, pct, dec);
    fprintf(f, "%s%s%%", pct >= 0 ? "+" : "", b);
}

void put_rule(FILE *f, const rl_event *e, bool zh)
{
    fputs("<code>", f);
    html_str(f, e->rule ? e->rule : "");
    fputs("</code>", f);
    if (e->zone_name) { /* the zone that gave the event or set the limit */
        fputs(" ", f);
        html_str(f, e->zone_name);
    }
    const char *basis = rule_basis(e->rule, zh);
    if (basis) {
        fputs("<br>", f);
        html_str(f, basis);
    }
}

void put_driver(FILE *f, const rl_run *run, uint32_t driver)
{
    if (!driver) {
        fputs("—", f);
        return;
    }
    char b[19];
    html_str(f, driver_shown(strtab_get(run->str, driver), run->opt.show_ids, b));
}

char ev_class(event_type t)
{
    switch (t) {
    case EV_SPEEDING:
    case EV_NIGHT_SPEEDING: return 's';
    case EV_FATIGUE_CONTINUOUS:
    case EV_FATIGUE_NIGHT:
    case EV_FATIGUE_DAILY: return 'f';
    case EV_NIGHT_BAN: return 'n';
    case EV_GPS_GAP: return 'g';
    case EV_ZONE_RESTRICTED:
    case EV_ROUTE_DEVIATION: return 'z';
    default: return 'w';
    }
}

int event_weight(const rl_event *e)
{
    if (strcmp(e->severity, "review") == 0)
        return 0;
    int p = severity_points(e->severity);
    return p > 0 ? p : 1;
}

void vehicle_limits(const rl_run *run, const rl_vehicle *v, int64_t *day_mkmh, int64_t *night_mkmh)
{
    /* the limit in force, as analyze.c computes it (RULES.md §2) */
    rule_id r = rule_speeding_for(v->cls);
    int64_t lim = v->reg && v->reg->speed_limit_mkmh > 0 ? v->reg->speed_limit_mkmh
                                                         : llround(run->rules.v[r] * 1000.0);
    *day_mkmh = lim;
    *night_mkmh = class_is_passenger(v->cls) ? llround((double)lim * run->rules.v[R_SPEEDING_NIGHT_FACTOR]) : lim;
}

/* Percent-encode a relative URL (file names hold Chinese plates). */
void put_href(FILE *f, const char *s)
{
    static const char hx[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
            *p == '_' || *p == '.' || *p == '/' || *p == '#')
            fputc(*p, f);
        else
            fprintf(f, "%%%c%c", hx[*p >> 4], hx[*p & 15]);
    }
}

/* ---- ranking and file names ---- */

static int by_risk(const void *a, const void *b)
{
    const vrank *x = a, *y = b;
    if (x->risk != y->risk)
        return x->risk > y->risk ? -1 : 1;
    if (x->nevents != y->nevents)
        return x->nevents > y->nevents ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static const char *const reserved_names[] = {"CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4",
                                             "LPT1", "LPT2", "LPT3", "index", "roadlog-map"};

/* A file name from a plate: ASCII letters and digits and well-formed
 * non-ASCII UTF-8 kept, the rest '_', at most 80 bytes. */
static void sanitise(const char *label, char *out, size_t cap)
{
    const unsigned char *p = (const unsigned char *)label, *e = p + strlen(label);
    size_t k = 0;
    while (p < e && k + 5 < cap && k < 80) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) {
            out[k++] = (char)*p++;
            continue;
        }
        size_t len = *p >= 0x80 ? utf8_seq(p, e) : 0;
        if (len >= 2) {
            memcpy(out + k, p, len);
            k += len;
            p += len;
        } else {
            out[k++] = '_';
            p++;
        }
    }
    out[k] = 0;
    if (k == 0) {
        snprintf(out, cap, "vehicle");
        return;
    }
    for (size_t i = 0; i < sizeof reserved_names / sizeof reserved_names[0]; i++)
        if (strncasecmp(out, reserved_names[i], strlen(reserved_names[i])) == 0 &&
            (out[strlen(reserved_names[i])] == 0 || out[strlen(reserved_names[i])] == '.')) {
            memmove(out + 1, out, k + 1);
            out[0] = '_';
            return;
        }
}

static void name_files(hctx *h)
{
    const rl_run *run = h->run;
    h->file = xcalloc(h->nwith ? h->nwith : 1, sizeof *h->file);
    u64map seen;
    u64map_init(&seen);
    for (size_t r = 0; r < h->nwith; r++) {
        const rl_vehicle *v = vtable_at(run->vt, h->rank[r].vidx);
        char base[128], name[160];
        sanitise(run_vehicle_label(run, v), base, sizeof base);
        snprintf(name, sizeof name, "%s", base);
        for (unsigned attempt = 0;; attempt++) {
            uint64_t key = rl_hash(name, strlen(name), 0) | 1;
            uint32_t *slot = u64map_put(&seen, key, (uint32_t)r);
            if (*slot == (uint32_t)r && (h->file[r] = xstrdup(name)))
                break;
            /* clash: the same plate in another colour, or two plates that
             * sanitise alike */
            if (attempt == 0)
                snprintf(name, sizeof name, "%s-%d", base, v->color);
            else
                snprintf(name, sizeof name, "%s-%d-%u", base, v->color, attempt);
        }
    }
    u64map_free(&seen);
}

static void put_plate(FILE *f, const rl_run *run, const rl_vehicle *v)
{
    fprintf(f, "<span class=\"plate c%d\">", v->color);
    html_str(f, run_vehicle_label(run, v));
    fputs("</span>", f);
}

void put_vehicle_href(FILE *f, const hctx *h, size_t r, bool from_sub)
{
    if (!h->multi) {
        fprintf(f, "#v%zu", r + 1);
        return;
    }
    if (!from_sub)
        fputs("vehicles/", f);
    put_href(f, h->file[r]);
    fputs(".html", f);
}

/* ---- one vehicle ---- */

/* What the terminal said against what roadlog found (RULES.md §8),
 * for a vehicle whose terminal reports an alarm word or that has any. */
static void vehicle_xcheck(FILE *f, const hctx *h, const rl_vehicle *v, const rl_vstats *s)
{
    const alarm_xcheck *x = &s->xc;
    if (!v->alarm_word && !x->speeding && !x->overspeed_alarms && !x->fatigue && !x->fatigue_alarms)
        return;
    fprintf(f, "<dt>%s</dt><dd>", LBL(h, L_XC_TITLE));
    fprintf(f, LBL(h, L_XC_VEHICLE), x->speeding, x->speeding_alarmed, x->overspeed_alarms, x->overspeed_confirmed,
            x->fatigue, x->fatigue_alarmed, x->fatigue_alarms, x->fatigue_confirmed);
    if (!v->alarm_word)
        fprintf(f, " · %s", LBL(h, L_XC_NO_WORD));
    fputs("</dd>", f);
}

/* Terminal alarms per 100 analysed vehicles, by kind and company
 * (RULES.md §8), when the data has any alarm word or alarm. */
static void alarm_section(FILE *f, const hctx *h)
{
    const rl_run *run = h->run;
    bool any = false;
    for (size_t i = 0; i < run->norder && !any; i++)
        any = vtable_at(run->vt, run->order[i])->alarm_word;
    for (int t = EV_TERMINAL_ALARM; t <= EV_TERMINAL_SILENT && !any; t++)
        any = h->type_present[t];
    if (!any)
        return;
    alarm_stats as;
    astats_init(&as);
    for (size_t i = 0; i < run->norder; i++) {
        uint32_t vi = run->order[i];
        const rl_vehicle *v = vtable_at(run->vt, vi);
        uint32_t company = v->reg ? v->reg->company : 0;
        astats_vehicle(&as, company, &run->vstats[vi].xc);
        for (uint32_t e = h->ev_lo[vi]; e < h->ev_hi[vi]; e++)
            astats_event(&as, vi, company, run->events.e[e].type, run->events.e[e].rule);
    }
    astats_finish(&as);
    astats_html(f, &as, run->str, h->zh, true);
    astats_free(&as);
}

static void vehicle_identity(FILE *f, const hctx *h, size_t r)
{
    const rl_run *run = h->run;
    uint32_t vidx = h->rank[r].vidx;
    const rl_vehicle *v = vtable_at(run->vt, vidx);
    const rl_vstats *s = &run->vstats[vidx];
    int32_t tz = run->opt.tz;
    fprintf(f, "<h2 id=\"v%zu\">%zu. ", r + 1, r + 1);
    put_plate(f, run, v);
    fprintf(f, " %s</h2>\n<dl class=\"id\">", report_color_label(v->color, h->zh));
    fprintf(f, "<dt>%s</dt><dd>%s</dd>", LBL(h, L_CLASS), report_class_label(v->cls, h->zh));
    fprintf(f, "<dt>%s</dt><dd>", LBL(h, L_COMPANY));
    html_str(f, *run_vehicle_company(run, v) ? run_vehicle_company(run, v) : "—");
    fprintf(f, "</dd><dt>%s</dt><dd>%s</dd>", LBL(h, L_REGISTERED), v->reg ? LBL(h, L_YES) : LBL(h, L_NO));
    fprintf(f, "<dt>%s</dt><dd>", LBL(h, L_PHONE));
    html_str(f, v->phone ? strtab_get(run->str, v->phone) : "—");
    /* drivers named in the events, in order of first appearance */
    fprintf(f, "</dd><dt>%s</dt><dd>", LBL(h, L_DRIVERS));
    bool any = false;
    for (uint32_t e = h->ev_lo[vidx]; e < h->ev_hi[vidx]; e++) {
        uint32_t d = run->events.e[e].driver;
        bool dup = d == 0;
        for (uint32_t k = h->ev_lo[vidx]; k < e && !dup; k++)
            dup = run->events.e[k].driver == d;
        if (dup)
            continue;
        if (any)
            fputs(", ", f);
        put_driver(f, run, d);
        any = true;
    }
    if (!any)
        fputs("—", f);
    fprintf(f, "</dd><dt>%s</dt><dd>%lld</dd><dt>%s</dt><dd>%u</dd>", LBL(h, L_RISK), (long long)h->rank[r].risk,
            LBL(h, L_NEVENTS), s->nevents);
    fprintf(f, "<dt>%s</dt><dd>%.1f km</dd><dt>%s</dt><dd>", LBL(h, L_DISTANCE), (double)s->distance_mm / 1e6,
            LBL(h, L_DRIVING));
    put_duration(f, s->driving_s, h->zh);
    fprintf(f, "</dd><dt>%s</dt><dd>", LBL(h, L_TOP_SPEED));
    if (s->max_speed_mkmh >= 0) {
        put_fixed(f, s->max_speed_mkmh / 100, 1);
        fputs(" km/h", f);
    } else {
        fputs("—", f);
    }
    fprintf(f, "</dd><dt>%s</dt><dd>%llu</dd>", LBL(h, L_FIXES), (unsigned long long)s->points);
    vehicle_xcheck(f, h, v, s);
    fprintf(f, "<dt>%s</dt><dd>", LBL(h, L_FIRST_LAST));
    if (s->points) {
        put_time(f, s->first, tz);
        fprintf(f, " %s ", LBL(h, L_TO));
        put_time(f, s->last, tz);
    } else {
        fputs("—", f);
    }
    fputs("</dd></dl>\n", f);
}

static void event_row(FILE *f, const hctx *h, const rl_event *ev, uint32_t e, uint32_t num)
{
    const rl_run *run = h->run;
    int32_t tz = run->opt.tz;
    fprintf(f, "<tr id=\"e%s\"><td class=\"n\">%u</td><td>%s</td><td class=\"t\" data-v=\"%lld\">", ev->id, num,
            report_type_label(ev->type, h->zh), (long long)ev->start);
    put_time(f, ev->start, tz);
    fputs("<br>", f);
    put_time(f, ev->end, tz);
    fprintf(f, "</td><td class=\"n\" data-v=\"%lld\">", (long long)(ev->end - ev->start));
    put_duration(f, ev->end - ev->start, h->zh);
    fputs("</td><td class=\"t\">", f);
    if (ev->have_pos) {
        put_coord(f, ev->start_lon_e6, ev->start_lat_e6);
        if (ev->end_lat_e6 != ev->start_lat_e6 || ev->end_lon_e6 != ev->start_lon_e6) {
            fputs("<br>", f);
            put_coord(f, ev->end_lon_e6, ev->end_lat_e6);
        }
    } else {
        fputs("—", f);
    }
    fputs("</td><td class=\"n\">", f);
    put_value(f, ev, ev->value, h->zh, false);
    fputs(" / ", f);
    put_value(f, ev, ev->limit, h->zh, true);
    fputs("</td><td class=\"n t\">", f);
    put_excess(f, ev, h->zh);
    fprintf(f, "</td><td class=\"n\">%d</td><td>", severity_points(ev->severity));
    put_severity(f, ev->severity, h->zh);
    if ((ev->type == EV_SPEEDING || ev->type == EV_NIGHT_SPEEDING) && ev->road_type == ROAD_NONE)
        fputs(" *", f); /* the road type was assumed: said under the table */
    fputs("</td><td class=\"b\">", f);
    put_rule(f, ev, h->zh);
    fputs("</td><td class=\"pl\">", f);
    put_driver(f, run, ev->driver);
    fprintf(f, "</td><td class=\"pl\"><a href=\"#x%s\">%s</a>", ev->id, LBL(h, L_EVIDENCE_OPEN));
    if (run->case_status) /* --ledger: the case's status */
        cases_html_badge(f, run->case_status[e], h->zh);
    fputs("</td></tr>\n", f);
}

static void vehicle_body(FILE *f, const hctx *h, size_t r)
{
    const rl_run *run = h->run;
    uint32_t vidx = h->rank[r].vidx;
    vehicle_identity(f, h, r);
    html_map_vehicle(f, h, r);

    fprintf(f, "<table class=\"ev sortable\"><thead><tr><th class=\"n\">#</th><th>%s</th><th>%s / %s</th>"
               "<th class=\"n\">%s</th><th>%s</th><th class=\"n\">%s</th><th class=\"n\">%s</th>"
               "<th class=\"n\">%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>\n",
            LBL(h, L_TYPE), LBL(h, L_START), LBL(h, L_END), LBL(h, L_DURATION), LBL(h, L_PLACE),
            LBL(h, L_VALUE_LIMIT), LBL(h, L_EXCESS), LBL(h, L_EVENT_POINTS), LBL(h, L_PENALTY),
            LBL(h, L_REGULATION), LBL(h, L_DRIVER), LBL(h, L_EVIDENCE));
    uint32_t num = 0;
    bool assumed = false;
    for (uint32_t e = h->ev_lo[vidx]; e < h->ev_hi[vidx]; e++) {
        const rl_event *ev = &run->events.e[e];
        event_row(f, h, ev, e, ++num);
        assumed |= (ev->type == EV_SPEEDING || ev->type == EV_NIGHT_SPEEDING) && ev->road_type == ROAD_NONE;
    }
    fputs("</tbody></table>\n", f);
    if (assumed)
        fprintf(f, "<p class=\"small\">* %s</p>\n", LBL(h, L_ROAD_ASSUMED));
    num = 0;
    for (uint32_t e = h->ev_lo[vidx]; e < h->ev_hi[vidx]; e++)
        html_evidence(f, h, &run->events.e[e], ++num);
    html_day_charts(f, h, vidx);
}

/* ---- the index ---- */

static void put_run_meta(FILE *f, const hctx *h)
{
    const rl_run *run = h->run;
    char t[32];
    tu_format(run->started_wall, run->opt.tz, t);
    int32_t a = run->opt.tz < 0 ? -run->opt.tz : run->opt.tz;
    fprintf(f, "<p class=\"meta\">%s %s · %s UTC%c%02d:%02d", LBL(h, L_GENERATED), t, LBL(h, L_TZ),
            run->opt.tz < 0 ? '-' : '+', a / 3600, a / 60 % 60);
    int64_t first = INT64_MAX, last = INT64_MIN;
    for (size_t i = 0; i < run->norder; i++) {
        const rl_vstats *s = &run->vstats[run->order[i]];
        if (!s->points)
            continue;
        if (s->first < first)
            first = s->first;
        if (s->last > last)
            last = s->last;
    }
    if (first <= last) {
        fprintf(f, " · %s ", LBL(h, L_PERIOD));
        put_time(f, first, run->opt.tz);
        fprintf(f, " %s ", LBL(h, L_TO));
        put_time(f, last, run->opt.tz);
    }
    fprintf(f, "</p><p class=\"meta\">%s %zu · %s %zu · %s %llu", LBL(h, L_VEHICLES), run->norder, LBL(h, L_EVENTS),
            run->events.n, LBL(h, L_REJECTED), (unsigned long long)run->rejected);
    if (run->opt.company) {
        fprintf(f, " · %s ", LBL(h, L_COMPANY));
        html_str(f, run->opt.company);
    }
    fprintf(f, "</p><p class=\"meta\">%s: ", LBL(h, L_INPUTS));
    for (size_t i = 0; i < run->ninputs; i++) {
        if (i)
            fputs("; ", f);
        html_str(f, run->inputs[i].name);
        fprintf(f, " (%s, %llu %s)", run->inputs[i].kind ? run->inputs[i].kind : "?",
                (unsigned long long)run->inputs[i].records, LBL(h, L_RECORDS));
    }
    fputs("</p>\n", f);
    uint64_t by[EV_TYPE_COUNT] = {0};
    for (size_t i = 0; i < run->events.n; i++)
        by[run->events.e[i].type]++;
    fprintf(f, "<p class=\"meta\">%s: ", LBL(h, L_BY_TYPE));
    bool any = false;
    for (int k = 0; k < EV_TYPE_COUNT; k++)
        if (by[k]) {
            fprintf(f, "%s%s %llu", any ? " · " : "", report_type_label((event_type)k, h->zh),
                    (unsigned long long)by[k]);
            any = true;
        }
    if (!any)
        fputs(LBL(h, L_NONE), f);
    fputs("</p>\n", f);
    if (!run->opt.show_ids)
        fprintf(f, "<p class=\"meta\">%s</p>\n", LBL(h, L_IDS_MASKED));
}

/* href of index page p seen from a page in vehicles/ (in_sub) or from
 * the output folder */
static void put_page_href(FILE *f, size_t p, bool in_sub)
{
    if (p == 0)
        fputs(in_sub ? "../report.html" : "report.html", f);
    else
        fprintf(f, "%sindex-%zu.html", in_sub ? "" : "vehicles/", p + 1);
}

static void page_nav(FILE *f, const hctx *h, size_t page)
{
    if (h->npages <= 1)
        return;
    bool in_sub = page > 0;
    fputs("<nav class=\"pages\">", f);
    if (page > 0) {
        fputs("<a href=\"", f);
        put_page_href(f, page - 1, in_sub);
        fprintf(f, "\">← %s</a>", LBL(h, L_PREV));
    }
    for (size_t p = 0; p < h->npages; p++) {
        if (p == page) {
            fprintf(f, "<span>[%zu]</span>", p + 1);
            continue;
        }
        fputs("<a href=\"", f);
        put_page_href(f, p, in_sub);
        fprintf(f, "\">%zu</a>", p + 1);
    }
    if (page + 1 < h->npages) {
        fputs("<a href=\"", f);
        put_page_href(f, page + 1, in_sub);
        fprintf(f, "\">%s →</a>", LBL(h, L_NEXT));
    }
    fputs("</nav>\n", f);
}

/* A filter box for a table: rows whose text does not hold it are hidden. */
static void filter_box(FILE *f, const hctx *h, const char *table_id)
{
    fprintf(f, "<p class=\"filter\"><label>%s <input type=\"search\" data-filter=\"%s\" placeholder=\"%s\"></label> "
               "<span class=\"small\">%s</span></p>\n",
            LBL(h, L_FILTER), table_id, LBL(h, L_FILTER_HINT), LBL(h, L_SORT_HINT));
}

static void index_table(FILE *f, const hctx *h, size_t page)
{
    const rl_run *run = h->run;
    size_t lo = h->multi ? page * HTML_PAGE_ROWS : 0;
    size_t hi = h->multi ? lo + HTML_PAGE_ROWS : h->nrank;
    if (hi > h->nrank)
        hi = h->nrank;
    fprintf(f, "<h2>%s</h2>", LBL(h, L_INDEX));
    fprintf(f, "<p class=\"note\">%s</p>", LBL(h, L_RISK_NOTE));
    if (h->npages > 1)
        fprintf(f, "<p class=\"meta\">%s %zu %s %zu %s</p>", LBL(h, L_PAGE), page + 1, LBL(h, L_OF), h->npages,
                LBL(h, L_PAGES_SUFFIX));
    page_nav(f, h, page);
    filter_box(f, h, "idx");
    fprintf(f, "<table class=\"idx sortable\" id=\"idx\"><thead><tr><th class=\"n\">%s</th><th>%s</th><th>%s</th>"
               "<th>%s</th><th>%s</th><th class=\"n\">%s</th><th class=\"n\">%s</th><th class=\"n\">%s</th>"
               "<th>%s</th></tr></thead><tbody>\n",
            LBL(h, L_RANK), LBL(h, L_PLATE), LBL(h, L_COLOR), LBL(h, L_CLASS), LBL(h, L_COMPANY), LBL(h, L_RISK),
            LBL(h, L_NEVENTS), LBL(h, L_MAX_POINTS), LBL(h, L_TYPES));
    for (size_t r = lo; r < hi; r++) {
        const rl_vehicle *v = vtable_at(run->vt, h->rank[r].vidx);
        const rl_vstats *s = &run->vstats[h->rank[r].vidx];
        fprintf(f, "<tr id=\"r%zu\"><td class=\"n\">%zu</td><td class=\"pl\">", r + 1, r + 1);
        if (r < h->nwith) {
            fputs("<a href=\"", f);
            put_vehicle_href(f, h, r, page > 0);
            fputs("\">", f);
            html_str(f, run_vehicle_label(run, v));
            fputs("</a>", f);
        } else {
            html_str(f, run_vehicle_label(run, v));
        }
        fprintf(f, "</td><td>%s</td><td>%s</td><td>", report_color_label(v->color, h->zh),
                report_class_label(v->cls, h->zh));
        html_str(f, run_vehicle_company(run, v));
        fprintf(f, "</td><td class=\"n\">%lld</td><td class=\"n\">%u</td><td class=\"n\">%d</td><td>",
                (long long)h->rank[r].risk, s->nevents, h->rank[r].max_points);
        bool first = true;
        for (int t = 0; t < EV_TYPE_COUNT; t++)
            if (s->events[t]) {
                fprintf(f, "%s%s %u", first ? "" : " · ", report_type_label((event_type)t, h->zh), s->events[t]);
                first = false;
            }
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
    if (hi == h->nrank && h->nrank > h->nwith)
        fprintf(f, "<p class=\"meta\">%zu %s</p>\n", h->nrank - h->nwith, LBL(h, L_NO_EVENTS_NOTE));
    page_nav(f, h, page);
}

static bool close_file(FILE *f)
{
    bool ok = !ferror(f);
    if (fclose(f) != 0)
        ok = false;
    return ok;
}

static FILE *open_page(const char *path, char *buf, size_t bufsize)
{
    FILE *f = fopen(path, "w");
    if (f)
        setvbuf(f, buf, _IOFBF, bufsize);
    return f;
}

static void page_header(FILE *f, const hctx *h)
{
    fprintf(f, "<header><h1>%s</h1>", LBL(h, L_TITLE));
    put_run_meta(f, h);
    report_unreg u;
    report_unreg_of_run(h->run, &u);
    report_unregistered_banner(f, &u, h->zh);
    fputs("</header>\n<main>\n", f);
}

static void page_footer(FILE *f, const hctx *h)
{
    fprintf(f, "</main>\n<footer><p class=\"small\">%s</p></footer>\n", LBL(h, L_FOOTER));
}

/* ---- the whole report ---- */

static void rank_vehicles(hctx *h)
{
    const rl_run *run = h->run;
    size_t nv = vtable_count(run->vt);
    h->ev_lo = xcalloc(nv ? nv : 1, sizeof *h->ev_lo);
    h->ev_hi = xcalloc(nv ? nv : 1, sizeof *h->ev_hi);
    h->rank_of = xcalloc(nv ? nv : 1, sizeof *h->rank_of);
    int64_t *risk = xcalloc(nv ? nv : 1, sizeof *risk);
    int *maxp = xcalloc(nv ? nv : 1, sizeof *maxp);
    /* events are sorted by vehicle: each vehicle's are one run */
    for (size_t i = run->events.n; i-- > 0;) {
        const rl_event *e = &run->events.e[i];
        uint32_t vi = e->vehicle;
        if (!h->ev_hi[vi])
            h->ev_hi[vi] = (uint32_t)i + 1;
        h->ev_lo[vi] = (uint32_t)i;
        h->type_present[e->type] = true;
        risk[vi] += event_weight(e);
        int p = severity_points(e->severity);
        if (p > maxp[vi])
            maxp[vi] = p;
    }
    h->nrank = run->norder;
    h->rank = xmalloc((h->nrank ? h->nrank : 1) * sizeof *h->rank);
    for (size_t i = 0; i < run->norder; i++) {
        uint32_t vi = run->order[i];
        h->rank[i] = (vrank){vi, (uint32_t)i, risk[vi], run->vstats[vi].nevents, maxp[vi]};
        if (run->vstats[vi].nevents)
            h->nwith++;
    }
    qsort(h->rank, h->nrank, sizeof *h->rank, by_risk);
    for (size_t r = 0; r < h->nrank; r++)
        h->rank_of[h->rank[r].vidx] = (uint32_t)r;
    free(risk);
    free(maxp);
}

static void hctx_free(hctx *h)
{
    if (h->file)
        for (size_t r = 0; r < h->nwith; r++)
            free(h->file[r]);
    free(h->file);
    free(h->rank);
    free(h->rank_of);
    free(h->ev_lo);
    free(h->ev_hi);
    map_simplifier_free(h->simp);
}

static bool write_file(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fwrite(data, 1, n, f);
    return close_file(f);
}

/* vehicles/: the next index pages and a page per vehicle */
static bool write_pages(const hctx *h, const char *path, char *buf)
{
    const rl_run *run = h->run;
    rl_buf dir = {0}, p = {0};
    const char *slash = strrchr(path, '/');
    if (slash)
        buf_put(&dir, path, (size_t)(slash - path + 1));
    buf_puts(&dir, "vehicles");
    bool ok = mkdir(dir.p, 0777) == 0 || errno == EEXIST;
    if (ok) {
        buf_printf(&p, "%s/" HTML_SHARED_JS, dir.p);
        ok = write_file(p.p, h->assets->js, h->assets->js_len);
        p.len = 0;
        buf_printf(&p, "%s/" HTML_SHARED_CSS, dir.p);
        ok = ok && write_file(p.p, h->assets->css, h->assets->css_len);
    }
    for (size_t page = 1; page < h->npages && ok; page++) {
        p.len = 0;
        buf_printf(&p, "%s/index-%zu.html", dir.p, page + 1);
        FILE *f = open_page(p.p, buf, 1 << 16);
        if (!f) {
            ok = false;
            break;
        }
        page_begin_script(f, h, LBL(h, L_TITLE), true);
        page_header(f, h);
        index_table(f, h, page);
        page_footer(f, h);
        page_end_script(f, h, true);
        ok = close_file(f);
    }
    for (size_t r = 0; r < h->nwith && ok; r++) {
        p.len = 0;
        buf_printf(&p, "%s/%s.html", dir.p, h->file[r]);
        FILE *f = open_page(p.p, buf, 1 << 16);
        if (!f) {
            ok = false;
            break;
        }
        const rl_vehicle *v = vtable_at(run->vt, h->rank[r].vidx);
        rl_buf title = {0};
        buf_printf(&title, "%s · %s", run_vehicle_label(run, v), LBL(h, L_TITLE));
        page_begin_script(f, h, title.p, true);
        buf_free(&title);
        html_map_conf(f, h);
        fputs("<header><nav class=\"pages\"><a href=\"", f);
        put_page_href(f, r / HTML_PAGE_ROWS, true);
        fprintf(f, "#r%zu\">↑ %s</a>", r + 1, LBL(h, L_BACK));
        if (r > 0) {
            fputs("<a href=\"", f);
            put_href(f, h->file[r - 1]);
            fprintf(f, ".html\">← %s</a>", LBL(h, L_PREV));
        }
        if (r + 1 < h->nwith) {
            fputs("<a href=\"", f);
            put_href(f, h->file[r + 1]);
            fprintf(f, ".html\">%s →</a>", LBL(h, L_NEXT));
        }
        fprintf(f, "</nav><h1>%s</h1></header>\n<main><section class=\"veh first\">", LBL(h, L_TITLE));
        vehicle_body(f, h, r);
        fputs("</section>\n", f);
        page_footer(f, h);
        page_end_script(f, h, true);
        ok = close_file(f);
    }
    buf_free(&p);
    buf_free(&dir);
    return ok;
}

bool report_html(const rl_run *run, const char *path)
{
    hctx h;
    memset(&h, 0, sizeof h);
    h.run = run;
    h.zh = report_lang_zh(run->opt.lang);
    map_assets assets;
    map_assets_load(&assets);
    if (!assets.have_leaflet && !run->opt.quiet)
        fprintf(stderr, "roadlog: warning: report.html has no maps: install the Debian package %s (%s/)\n",
                assets.missing, MAP_LEAFLET_DIR);
    h.assets = &assets;
    h.simp = map_simplifier_new();
    rank_vehicles(&h);
    h.multi = h.nwith > HTML_SINGLE_MAX || h.nrank > HTML_PAGE_ROWS;
    h.npages = h.multi ? (h.nrank + HTML_PAGE_ROWS - 1) / HTML_PAGE_ROWS : 1;
    if (h.npages == 0)
        h.npages = 1;
    if (h.multi)
        name_files(&h); /* page 1 of the index links to them */

    bool ok = true;
    char *buf = xmalloc(1 << 16);
    FILE *f = open_page(path, buf, 1 << 16);
    if (!f) {
        ok = false;
        goto out;
    }
    page_begin_script(f, &h, LBL(&h, L_TITLE), false);
    html_map_conf(f, &h);
    page_header(f, &h);
    html_map_overview(f, &h);
    index_table(f, &h, 0);
    html_driver_points(f, &h);
    alarm_section(f, &h);
    if (!h.multi) {
        for (size_t r = 0; r < h.nwith; r++) {
            fputs("<section class=\"veh\">", f);
            vehicle_body(f, &h, r);
            fputs("</section>\n", f);
        }
    }
    page_footer(f, &h);
    page_end_script(f, &h, false);
    ok = close_file(f);
    if (ok && h.multi)
        ok = write_pages(&h, path, buf);
out:
    free(buf);
    hctx_free(&h);
    map_assets_free(&assets);
    return ok;
}
