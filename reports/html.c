/*
 * html.c - report.html: the per-vehicle violation report an officer reads
 * (FORMATS.md "Outputs", issue 6).
 *
 * Self-contained by construction: inline CSS and inline SVG only, no
 * script, no web font, no image or link to the network, and a
 * Content-Security-Policy that forbids fetching anything, so the pages
 * open the same from a USB stick on an offline PC.
 *
 * Layout.  An index of vehicles ordered by severity (penalty points, then
 * events, then plate), with counts per event type; then per vehicle with
 * events: identity, class, company, drivers, the event table (time,
 * place, value vs limit, excess, penalty, regulation = rule id and its
 * basis) and, per local day with events, a speed-time chart (limit line,
 * night window, violation spans shaded) and a track sketch with the event
 * positions numbered as in the table.  Vehicles without events are listed
 * at the end of the index only.
 *
 * Size.  A small run (HTML_SINGLE_MAX vehicles with events and at most
 * HTML_PAGE_ROWS index rows) is one file.  A larger one is split so that
 * every page stays light enough to render in well under a second:
 * report.html is page 1 of the index, vehicles/index-N.html the next
 * pages (HTML_PAGE_ROWS rows each), and vehicles/<plate>.html one page per
 * vehicle with events.  File names are the plate with anything but ASCII
 * letters, digits and well-formed non-ASCII UTF-8 (Chinese characters)
 * replaced by '_'; a clash (two colours of one plate, or two plates that
 * sanitise alike) gets "-<colour code>" and then "-<n>" appended.
 *
 * Language.  --lang zh|en; without it the locale decides: the first
 * non-empty of LC_ALL, LC_MESSAGES, LANG starting with "zh" gives Chinese,
 * anything else (C, POSIX, en_US...) English.
 *
 * Charts come from tracksample.c (per-minute samples of days with events
 * of the vehicle pass, 5-minute samples of other driving days, which is
 * where fatigue events fall).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "alarmstats.h"
#include "csvout.h"
#include "numparse.h"
#include "reports.h"
#include "timeutil.h"
#include "tracksample.h"
#include "zones.h"
#include "util.h"

#define HTML_SINGLE_MAX 60   /* vehicles with events that still fit one page */
#define HTML_PAGE_ROWS 500   /* index rows per page */
#define HTML_DAYS_PER_EVENT 7  /* days charted for one long event */
#define HTML_DAYS_PER_VEHICLE 62

/* ---- language ---- */

bool report_lang_zh(const char *opt_lang)
{
    if (opt_lang)
        return strcmp(opt_lang, "zh") == 0;
    const char *vars[3] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (int i = 0; i < 3; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return strncasecmp(v, "zh", 2) == 0;
    }
    return false;
}

typedef struct labels {
    const char *html_lang, *title, *generated, *tz, *period, *inputs, *records, *vehicles, *events,
        *rejected, *index, *rank, *plate, *color, *cls, *company, *points, *nevents, *no_events_note,
        *page, *of, *prev, *next, *back, *registered, *yes, *no, *phone, *drivers, *distance, *driving,
        *top_speed, *first_last, *fixes, *type, *start, *end, *duration, *place, *value_limit, *excess,
        *penalty, *regulation, *driver, *source, *event_id, *speed_chart, *track_sketch, *no_sample,
        *limit, *night, *legend_speed, *by_type, *none, *persons, *more_days, *across, *to;
} labels;

static const labels LBL_ZH = {
    "zh-CN", "道路运输车辆违规报告", "生成时间", "时区", "数据时段", "输入文件", "条记录", "车辆", "违规事件",
    "拒收记录", "车辆索引（按记分、事件数排序）", "序号", "车牌号", "颜色", "车辆类型", "业户名称", "记分",
    "事件", "辆车无违规事件", "第", "页，共", "上一页", "下一页", "返回索引", "入网登记", "是", "否",
    "终端手机号", "驾驶员", "行驶里程", "驾驶时长", "最高车速", "首次/末次定位", "定位点", "违规类型", "开始",
    "结束", "持续", "位置（经度, 纬度）", "实测 / 限值", "超出", "处罚标准", "依据", "驾驶员", "证据来源",
    "事件编号", "车速—时间", "轨迹示意", "当日无轨迹样本", "限速", "夜间", "车速", "按类型", "无", "人",
    "仅绘制前若干天", "全程约", "至",
};

static const labels LBL_EN = {
    "en", "Road transport violation report", "Generated", "Time zone", "Data period", "Inputs", "records",
    "Vehicles", "Events", "Rejected records", "Vehicles by severity (penalty points, then events)", "#", "Plate",
    "Colour", "Class", "Company", "Points", "Events", "vehicles without violations", "Page", "of", "Previous",
    "Next", "Back to the index", "In the registry", "yes", "no", "Terminal phone", "Drivers", "Distance",
    "Driving time", "Top speed", "First / last fix", "Fixes", "Type", "Start", "End", "Duration",
    "Place (lon, lat)", "Value / limit", "Excess", "Penalty", "Regulation", "Driver", "Evidence", "Event id",
    "Speed over time", "Track sketch", "no track sample for this day", "limit", "night", "speed", "By type",
    "none", "persons", "only the first days are charted", "about", "to",
};

static const char *const type_en[EV_TYPE_COUNT] = {
    [EV_SPEEDING] = "Speeding",
    [EV_NIGHT_SPEEDING] = "Night speeding",
    [EV_FATIGUE_CONTINUOUS] = "Continuous driving",
    [EV_FATIGUE_NIGHT] = "Night continuous driving",
    [EV_FATIGUE_DAILY] = "Daily driving",
    [EV_NIGHT_BAN] = "Driving 02:00-05:00",
    [EV_OVERLOAD] = "Overload",
    [EV_OVER_LIMIT] = "Over the gross limit",
    [EV_AXLE_OVERLOAD] = "Axle overload",
    [EV_OVER_CAPACITY] = "Over capacity",
    [EV_POSITION_MISMATCH] = "Weighing away from GPS",
    [EV_GPS_GAP] = "Track gap",
    [EV_ZONE_RESTRICTED] = "In a restricted zone",
    [EV_ROUTE_DEVIATION] = "Off the approved route",
    [EV_TERMINAL_ALARM] = "Terminal alarm",
    [EV_ADAS_ALARM] = "ADAS alarm",
    [EV_DSM_ALARM] = "Driver monitoring alarm",
    [EV_TPMS_ALARM] = "Tyre pressure alarm",
    [EV_BSD_ALARM] = "Blind spot alarm",
    [EV_TERMINAL_SILENT] = "Terminal silent while speeding",
};

static const char *const class_en[CLASS_COUNT] = {
    [CLASS_COACH] = "coach", [CLASS_CHARTER] = "charter", [CLASS_HAZMAT] = "hazmat",
    [CLASS_MUCK] = "muck truck", [CLASS_HEAVY_TRUCK] = "heavy truck", [CLASS_TRUCK] = "truck",
    [CLASS_OTHER] = "other",
};

const char *report_type_label(event_type t, bool zh)
{
    if (t >= EV_TYPE_COUNT)
        return "?";
    return zh ? event_type_name_zh(t) : type_en[t];
}

const char *report_class_label(vehicle_class c, bool zh)
{
    if (c >= CLASS_COUNT)
        c = CLASS_OTHER;
    return zh ? class_name_zh(c) : class_en[c];
}

const char *report_color_label(int color, bool zh)
{
    switch (color) {
    case 1: return zh ? "蓝" : "blue";
    case 2: return zh ? "黄" : "yellow";
    case 3: return zh ? "黑" : "black";
    case 4: return zh ? "白" : "white";
    case 5: return zh ? "绿" : "green";
    case 9: return zh ? "其他" : "other";
    default: return zh ? "未知" : "unknown";
    }
}

/* Severity texts are written in English by the detectors ("12 pts;
 * 200-2000 yuan", "warning"); Chinese documents say the same in Chinese. */
void report_severity_text(const char *s, bool zh, char *out, size_t cap)
{
    static const struct {
        const char *en, *zh;
    } words[] = {{" pts", "分"}, {"warning or ", "警告或"}, {"warning", "警告"}, {" yuan", "元"},
                 {"; ", "；"}, {"licence may be revoked", "可吊销驾驶证"}};
    size_t k = 0;
    if (!s)
        s = "";
    if (cap == 0)
        return;
    while (*s && k + 1 < cap) {
        const char *put = NULL;
        size_t skip = 1;
        for (size_t i = 0; zh && i < sizeof words / sizeof words[0] && !put; i++) {
            size_t n = strlen(words[i].en);
            if (strncmp(s, words[i].en, n) == 0) {
                put = words[i].zh;
                skip = n;
            }
        }
        if (put) {
            size_t n = strlen(put);
            if (k + n >= cap)
                break;
            memcpy(out + k, put, n);
            k += n;
        } else {
            out[k++] = *s;
        }
        s += skip;
    }
    out[k] = 0;
}

static void put_severity(FILE *f, const char *s, bool zh)
{
    char b[160];
    report_severity_text(s, zh, b, sizeof b);
    html_str(f, b);
}

/* ---- the page frame, shared with summary.html ---- */

static const char CSS[] =
    "*{box-sizing:border-box}"
    "body{font:14px/1.45 system-ui,-apple-system,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',"
    "'WenQuanYi Micro Hei',sans-serif;margin:0;color:#1b1f24;background:#fff}"
    "header,main,footer{max-width:1240px;margin:0 auto;padding:0 16px}"
    "header{border-bottom:3px solid #b3261e;padding-bottom:8px}"
    "h1{font-size:22px;margin:16px 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;"
    "padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}"
    "table{border-collapse:collapse;width:100%;margin:6px 0 12px}"
    "th,td{border:1px solid #d0d7de;padding:3px 6px;text-align:left;vertical-align:top}"
    "th{background:#f1f3f5;font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    "tbody tr:nth-child(even) td{background:#fafbfc}"
    ".meta{color:#57606a;font-size:13px;margin:2px 0}.small{font-size:12px;color:#57606a}"
    ".plate{display:inline-block;padding:0 6px;border-radius:3px;border:1px solid #8c959f;font-weight:600}"
    ".c1{background:#1e4fb5;color:#fff}.c2{background:#f2c200;color:#000}.c3{background:#111;color:#fff}"
    ".c5{background:#2e9d4a;color:#fff}"
    "dl.id{display:grid;grid-template-columns:max-content 1fr max-content 1fr;gap:2px 14px;margin:6px 0}"
    "dl.id dt{color:#57606a}dl.id dd{margin:0}"
    ".charts{display:grid;grid-template-columns:3fr 1fr;gap:8px;align-items:start}"
    "svg{width:100%;height:auto;background:#fff;border:1px solid #d0d7de}"
    "svg text{font-size:14px;fill:#57606a}svg.sc text{font-size:24px}svg.sc text.k{font-size:22px;fill:#1b1f24}"
    "td.t{white-space:nowrap}table.ev{font-size:13px}"
    ".plot{fill:#fff;stroke:#8c959f}.grid{stroke:#e5e9ee}.night{fill:#eef1fb}"
    ".spd{fill:none;stroke:#1f6feb;stroke-width:1.6;stroke-linejoin:round}"
    ".lim{fill:none;stroke:#d1242f;stroke-width:1.6;stroke-dasharray:8 5}"
    ".ev{fill-opacity:.22}.ev-s{fill:#d1242f}.ev-f{fill:#e36209}.ev-n{fill:#8250df}.ev-g{fill:#57606a}"
    ".ev-w{fill:#0a7f55}"
    ".trk{fill:none;stroke:#1f6feb;stroke-width:2;stroke-linejoin:round;stroke-linecap:round}"
    ".gap{fill:none;stroke:#8c959f;stroke-width:1.5;stroke-dasharray:5 4}"
    ".zone{fill:#d1242f;fill-opacity:.07;stroke:#d1242f;stroke-width:1.2;stroke-dasharray:6 3}"
    ".zline{fill:none;stroke:#0a7f55;stroke-width:4;stroke-opacity:.45;stroke-linecap:round}"
    ".mk{stroke:#fff;stroke-width:1.5}.mk-s{fill:#d1242f}.mk-f{fill:#e36209}.mk-n{fill:#8250df}"
    ".mk-g{fill:#57606a}.mk-w{fill:#0a7f55}.d0{fill:#2da44e}.d1{fill:#1b1f24}"
    "svg text.mt{font-size:11px;fill:#fff;font-weight:700}"
    ".bar-s{fill:#d1242f}.bar-f{fill:#e36209}.bar-o{fill:#57606a}"
    "nav.pages{margin:10px 0}nav.pages a,nav.pages span{margin-right:10px}"
    "code{font-size:12px;background:#f1f3f5;padding:0 3px;border-radius:3px}"
    ".ok{color:#1a7f37}.warn{color:#b3261e}"
    "@media print{section.veh{break-before:page}.charts{grid-template-columns:1fr}nav.pages{display:none}}"
    "@media (max-width:800px){.charts{grid-template-columns:1fr}dl.id{grid-template-columns:max-content 1fr}}";

void html_page_begin(FILE *f, bool zh, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"", f);
    fputs(zh ? "zh-CN" : "en", f);
    fputs("\"><head><meta charset=\"utf-8\">"
          /* nothing may be fetched: the report must read the same offline */
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
          "img-src data:\">"
          "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><meta name=\"generator\" "
          "content=\"roadlog\"><title>",
          f);
    html_str(f, title);
    fputs("</title><style>", f);
    fputs(CSS, f);
    fputs("</style></head><body>\n", f);
}

void html_page_end(FILE *f) { fputs("</body></html>\n", f); }

/* ---- formatting ---- */

static void put_duration(FILE *f, int64_t s, bool zh)
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

static void put_fixed(FILE *f, int64_t v, int scale)
{
    char b[32];
    num_format_fixed(b, v, scale);
    fputs(b, f);
}

static void put_coord(FILE *f, int32_t lon_e6, int32_t lat_e6)
{
    put_fixed(f, lon_e6, 6);
    fputs(", ", f);
    put_fixed(f, lat_e6, 6);
}

typedef enum { U_SPEED, U_SECONDS, U_KG, U_PERSONS, U_KM } unit_kind;

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
    default: return U_SECONDS;
    }
}

static void put_value(FILE *f, const rl_event *e, int64_t v, bool zh, bool unit)
{
    switch (unit_of(e->type)) {
    case U_SECONDS: put_duration(f, v, zh); return;
    case U_SPEED:
        put_fixed(f, e->scale >= 2 ? v / 100 : v, e->scale >= 2 ? e->scale - 2 : e->scale); /* 0.1 km/h */
        if (unit)
            fputs(" km/h", f);
        return;
    case U_KG:
        put_fixed(f, v, e->scale);
        if (unit)
            fputs(" kg", f);
        return;
    case U_PERSONS:
        put_fixed(f, v, e->scale);
        if (unit)
            fputs(zh ? " 人" : " persons", f);
        return;
    case U_KM:
        put_fixed(f, v, e->scale);
        if (unit)
            fputs(" km", f);
        return;
    }
}

static char ev_class(event_type t)
{
    switch (t) {
    case EV_SPEEDING:
    case EV_NIGHT_SPEEDING: return 's';
    case EV_FATIGUE_CONTINUOUS:
    case EV_FATIGUE_NIGHT:
    case EV_FATIGUE_DAILY: return 'f';
    case EV_NIGHT_BAN: return 'n';
    case EV_GPS_GAP: return 'g';
    default: return 'w';
    }
}

/* Percent-encode a relative URL (file names hold Chinese plates). */
static void put_href(FILE *f, const char *s)
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

/* ---- the report ---- */

typedef struct vrank {
    uint32_t vidx;
    uint32_t pos;        /* position in run->order (plate order) */
    int64_t points;
    uint32_t nevents;
} vrank;

typedef struct hctx {
    const rl_run *run;
    const labels *l;
    bool zh;
    vrank *rank;         /* vehicles by severity */
    size_t nrank, nwith; /* all / with events (the first nwith) */
    uint32_t *ev_lo, *ev_hi; /* events of a vehicle: [lo, hi) in run->events */
    char **file;         /* per-vehicle page, by rank (multi-page only) */
    bool multi;
    size_t npages;
    bool type_present[EV_TYPE_COUNT];
    int64_t gap_s;
} hctx;

static int by_severity(const void *a, const void *b)
{
    const vrank *x = a, *y = b;
    if (x->points != y->points)
        return x->points > y->points ? -1 : 1;
    if (x->nevents != y->nevents)
        return x->nevents > y->nevents ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static const char *const reserved_names[] = {"CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4",
                                             "LPT1", "LPT2", "LPT3", "index"};

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

static void put_time(FILE *f, int64_t t, int32_t tz)
{
    char b[32];
    tu_format(t, tz, b);
    fputs(b, f);
}

/* ---- charts ---- */

/* Speed chart geometry: one viewBox unit per minute across the day. */
#define SC_W 1500
#define SC_H 300
#define SC_L 50
#define SC_T 12
#define SC_PH 250

static double chart_x(int64_t sod) { return SC_L + (double)sod / 60.0; }

static void limit_of(const rl_run *run, const rl_vehicle *v, int64_t *day_mkmh, int64_t *night_mkmh)
{
    /* the limit in force, as analyze.c computes it (RULES.md §2) */
    rule_id r = rule_speeding_for(v->cls);
    int64_t lim = v->reg && v->reg->speed_limit_mkmh > 0 ? v->reg->speed_limit_mkmh
                                                         : llround(run->rules.v[r] * 1000.0);
    *day_mkmh = lim;
    *night_mkmh = class_is_passenger(v->cls) ? llround((double)lim * run->rules.v[R_SPEEDING_NIGHT_FACTOR]) : lim;
}

/* Runs of a daily window [start_s, end_s) within one day, as up to two
 * [a, b) second ranges. */
static int window_ranges(rl_window w, int32_t out[4])
{
    if (w.start_s <= w.end_s) {
        out[0] = w.start_s;
        out[1] = w.end_s;
        return 1;
    }
    out[0] = 0;
    out[1] = w.end_s;
    out[2] = w.start_s;
    out[3] = RL_DAY_S;
    return 2;
}

static void speed_chart(FILE *f, const hctx *h, const rl_vehicle *v, uint32_t vidx, int64_t day,
                        const tracksample_view *sv)
{
    const rl_run *run = h->run;
    int32_t tz = run->opt.tz;
    int64_t day0 = day * RL_DAY_S - tz; /* UTC of local midnight */
    int64_t lim_day, lim_night;
    limit_of(run, v, &lim_day, &lim_night);
    /* y scale: the highest of the speeds and the limits, rounded up */
    int64_t top = lim_day > lim_night ? lim_day : lim_night;
    for (size_t i = 0; i < sv->n; i++)
        if ((int64_t)sv->p[i].speed_dkmh * 100 > top)
            top = (int64_t)sv->p[i].speed_dkmh * 100;
    for (uint32_t e = h->ev_lo[vidx]; e < h->ev_hi[vidx]; e++)
        if (unit_of(run->events.e[e].type) == U_SPEED && run->events.e[e].value > top)
            top = run->events.e[e].value;
    int64_t step = top > 160000 ? 40 : 20;
    int64_t vmax = ((top / 1000) / step + 1) * step;
    char dayname[11];
    tu_format_day(day, dayname);
    fprintf(f, "<svg class=\"sc\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s %s\">", SC_W, SC_H, h->l->speed_chart,
            dayname);
    fprintf(f, "<rect class=\"plot\" x=\"%d\" y=\"%d\" width=\"1440\" height=\"%d\"/>", SC_L, SC_T, SC_PH);
    /* the night window, for context */
    int32_t wr[4];
    int nw = window_ranges(run->rules.night, wr);
    for (int i = 0; i < nw; i++)
        fprintf(f, "<rect class=\"night\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>", chart_x(wr[2 * i]),
                SC_T, (wr[2 * i + 1] - wr[2 * i]) / 60.0, SC_PH);
    /* grid */
    fputs("<path class=\"grid\" d=\"", f);
    for (int hr = 3; hr < 24; hr += 3)
        fprintf(f, "M%d %dv%d", SC_L + hr * 60, SC_T, SC_PH);
    for (int64_t s = step; s < vmax; s += step)
        fprintf(f, "M%d %lldh1440", SC_L, (long long)(SC_T + SC_PH - s * SC_PH / vmax));
    fputs("\"/>", f);
    for (int hr = 0; hr <= 24; hr += 3)
        fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\">%02d:00</text>", SC_L + hr * 60, SC_H - 10,
                hr == 24 ? "end" : "middle", hr);
    for (int64_t s = 0; s <= vmax; s += step)
        fprintf(f, "<text x=\"%d\" y=\"%lld\" text-anchor=\"end\">%lld</text>", SC_L - 4,
                (long long)(SC_T + SC_PH - s * SC_PH / vmax + 8), (long long)s);
    fprintf(f, "<text x=\"%d\" y=\"%d\">km/h</text>", SC_L + 6, SC_T + 24);
    /* violation spans */
    uint32_t num = 0;
    for (uint32_t e = h->ev_lo[vidx]; e < h->ev_hi[vidx]; e++) {
        const rl_event *ev = &run->events.e[e];
        num++;
        int64_t a = ev->start - day0, b = ev->end - day0;
        if (b < 0 || a > RL_DAY_S)
            continue;
        if (a < 0)
            a = 0;
        if (b > RL_DAY_S)
            b = RL_DAY_S;
        double w = (double)(b - a) / 60.0;
        if (w < 2)
            w = 2; /* a point event (a weighing) still shows */
        fprintf(f, "<rect class=\"ev ev-%c\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"><title>#%u ",
                ev_class(ev->type), chart_x(a), SC_T, w, SC_PH, num);
        fputs(report_type_label(ev->type, h->zh), f);
        fputs("</title></rect>", f);
    }
    /* the limit in force: the night limit inside the night window */
    fputs("<path class=\"lim\" d=\"", f);
    int32_t edges[6] = {0};
    int ne = 0;
    edges[ne++] = 0;
    for (int i = 0; i < nw; i++) {
        if (wr[2 * i] > 0)
            edges[ne++] = wr[2 * i];
        if (wr[2 * i + 1] < RL_DAY_S)
            edges[ne++] = wr[2 * i + 1];
    }
    edges[ne++] = RL_DAY_S;
    /* edges are increasing: both window forms yield sorted cut points */
    for (int i = 0; i + 1 < ne; i++) {
        int32_t mid = (edges[i] + edges[i + 1]) / 2;
        int64_t lim = window_contains(run->rules.night, mid) ? lim_night : lim_day;
        long long y = (long long)(SC_T + SC_PH - lim * SC_PH / (vmax * 1000));
        fprintf(f, "%c%.0f %lldH%.0f", i == 0 ? 'M' : 'L', chart_x(edges[i]), y, chart_x(edges[i + 1]));
    }
    fputs("\"/>", f);
    /* the speed line: relative moves between integer points keep it small;
     * a gap (track.gap_s) lifts the pen */
    fputs("<path class=\"spd\" d=\"", f);
    long px = 0, py = 0;
    for (size_t i = 0; i < sv->n; i++) {
        const ts_point *p = &sv->p[i];
        long x = SC_L + (long)(p->slot & TS_SLOT_MASK) * sv->slot_min + sv->slot_min / 2;
        long y = (long)(SC_T + SC_PH - (int64_t)p->speed_dkmh * SC_PH / (vmax * 10));
        if (i == 0 || (p->slot & TS_GAP_BEFORE))
            fprintf(f, "M%ld %ld", x, y);
        else
            fprintf(f, "l%ld %ld", x - px, y - py);
        if (i + 1 == sv->n || (sv->p[i + 1].slot & TS_GAP_BEFORE))
            fputs("h1", f); /* a lone point still shows */
        px = x + ((i + 1 == sv->n || (sv->p[i + 1].slot & TS_GAP_BEFORE)) ? 1 : 0);
        py = y;
    }
    fputs("\"/>", f);
    fprintf(f, "<text class=\"k\" x=\"%d\" y=\"%d\" text-anchor=\"end\">— %s  - - %s</text>", SC_L + 1436,
            SC_T + 24, h->l->legend_speed, h->l->limit);
    fputs("</svg>", f);
}

/* Track sketch: equirectangular, north up, fitted to the box. */
#define TK_W 400
#define TK_H 300
#define TK_PAD 16

typedef struct proj {
    double minx, maxy, scale, offx, offy, coslat;
} proj;

static void proj_xy(const proj *pj, int32_t lat_e6, int32_t lon_e6, long *x, long *y)
{
    double px = lon_e6 / 1e6 * pj->coslat, py = lat_e6 / 1e6;
    *x = lround(pj->offx + (px - pj->minx) * pj->scale);
    *y = lround(pj->offy + (pj->maxy - py) * pj->scale);
}

static bool event_on_day(const rl_event *e, int64_t day, int32_t tz)
{
    return tu_local_day(e->start, tz) <= day && tu_local_day(e->end, tz) >= day;
}

/* ZONES.md: the zones the day's events name, drawn under the track (a
 * polygon filled, a route or road as its line); outside the box SVG
 * clips them. */
typedef struct zone_draw {
    const proj *pj;
    rl_buf rings, lines; /* path data: every ring in one path (even-odd: holes stay empty) */
} zone_draw;

static void draw_zone_part(void *ud, const int32_t *lonlat_e6, size_t n, bool closed)
{
    zone_draw *d = ud;
    rl_buf *b = closed ? &d->rings : &d->lines;
    for (size_t i = 0; i < n; i++) {
        long x, y;
        proj_xy(d->pj, lonlat_e6[2 * i + 1], lonlat_e6[2 * i], &x, &y);
        buf_printf(b, "%c%ld %ld", i ? 'L' : 'M', x, y);
    }
    if (closed)
        buf_putc(b, 'Z');
}

static void sketch_zones(FILE *f, const hctx *h, uint32_t vidx, int64_t day, const proj *pj)
{
    const rl_run *run = h->run;
    uint32_t drawn[16];
    size_t nd = 0;
    for (uint32_t e = h->ev_lo[vidx]; e < h->ev_hi[vidx] && nd < 16; e++) {
        const rl_event *ev = &run->events.e[e];
        if (!ev->zone_id || !event_on_day(ev, day, run->opt.tz))
            continue;
        uint32_t z = zones_find(run->zones, ev->zone_id);
        bool seen = z == ZONE_NONE;
        for (size_t k = 0; k < nd && !seen; k++)
            seen = drawn[k] == z;
        if (seen)
            continue;
        drawn[nd++] = z;
        fputs("<g><title>", f);
        html_str(f, ev->zone_name ? ev->zone_name : ev->zone_id);
        fputs("</title>", f);
        zone_draw d = {pj, {0}, {0}};
        zones_outline(run->zones, z, 5.0, draw_zone_part, &d); /* 5 m: finer than the sketch shows */
        if (d.rings.len)
            fprintf(f, "<path class=\"zone\" fill-rule=\"evenodd\" d=\"%.*s\"/>", (int)d.rings.len, d.rings.p);
        if (d.lines.len)
            fprintf(f, "<path class=\"zline\" d=\"%.*s\"/>", (int)d.lines.len, d.lines.p);
        buf_free(&d.rings);
        buf_free(&d.lines);
        fputs("</g>", f);
    }
}

static void track_sketch(FILE *f, const hctx *h, uint32_t vidx, int64_t day, const tracksample_view *sv)
{
    const rl_run *run = h->run;
    int32_t tz = run->opt.tz;
    /* bounding box of the samples and of the day's event positions */
    double lat_sum = 0;
    size_t nlat = 0;
    int32_t lat_lo = INT32_MAX, lat_hi = INT32_MIN, lon_lo = INT32_MAX, lon_hi = INT32_MIN;
#define GROW(la, lo)                                                                                               \
    do {                                                                                                           \
        if ((la) < lat_lo) lat_lo = (la);                                                                          \
        if ((la) > lat_hi) lat_hi = (la);                                                                          \
        if ((lo) < lon_lo) lon_lo = (lo);                                                                          \
        if ((lo) > lon_hi) lon_hi = (lo);                                                                          \
        lat_sum += (la) / 1e6;                                                                                     \
        nlat++;                                                                                                    \
    } while (0)
    for (size_t i = 0; i < sv->n; i++)
        GROW(sv->p[i].lat_e6, sv->p[i].lon_e6);
    for (uint32_t e = h->ev_lo[vidx]; e < h->ev_hi[vidx]; e++) {
        const rl_event *ev = &run->events.e[e];
        if (!ev->have_pos || !event_on_day(ev, day, tz))
            continue;
        GROW(ev->start_lat_e6, ev->start_lon_e6);
        GROW(ev->end_lat_e6, ev->end_lon_e6);
    }
#undef GROW
    fprintf(f, "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">", TK_W, TK_H, h->l->track_sketch);
    if (nlat == 0) {
        fputs("</svg>", f);
        return;
    }
    proj pj;
    pj.coslat = cos(lat_sum / (double)nlat * M_PI / 180.0);
    double minx = lon_lo / 1e6 * pj.coslat, maxx = lon_hi / 1e6 * pj.coslat;
    double miny = lat_lo / 1e6, maxy = lat_hi / 1e6;
    double w = maxx - minx, hgt = maxy - miny;
    const double min_span = 0.01; /* about 1 km: a parked vehicle is a dot, not a zoom into GPS noise */
    if (w < min_span) {
        minx -= (min_span - w) / 2;
        w = min_span;
    }
    if (hgt < min_span) {
        maxy += (min_span - hgt) / 2;
        hgt = min_span;
    }
    pj.minx = minx;
    pj.maxy = maxy;
    double sx = (TK_W - 2 * TK_PAD) / w, sy = (TK_H - 2 * TK_PAD - 14) / hgt;
    pj.scale = sx < sy ? sx : sy;
    pj.offx = TK_PAD + ((TK_W - 2 * TK_PAD) - w * pj.scale) / 2;
    pj.offy = TK_PAD + ((TK_H - 2 * TK_PAD - 14) - hgt * pj.scale) / 2;
    if (run->zones)
        sketch_zones(f, h, vidx, day, &pj);
    /* the track, skipping points that fall on the same unit; gaps dashed */
    rl_buf gaps = {0};
    fputs("<path class=\"trk\" d=\"", f);
    long px = 0, py = 0;
    for (size_t i = 0; i < sv->n; i++) {
        long x, y;
        proj_xy(&pj, sv->p[i].lat_e6, sv->p[i].lon_e6, &x, &y);
        if (i == 0) {
            fprintf(f, "M%ld %ld", x, y);
        } else if (sv->p[i].slot & TS_GAP_BEFORE) {
            buf_printf(&gaps, "M%ld %ldL%ld %ld", px, py, x, y);
            fprintf(f, "M%ld %ld", x, y);
        } else if (x != px || y != py) {
            fprintf(f, "l%ld %ld", x - px, y - py);
        } else {
            continue;
        }
        px = x;
        py = y;
    }
    fputs("\"/>", f);
    if (gaps.len) {
        fputs("<path class=\"gap\" d=\"", f);
        fwrite(gaps.p, 1, gaps.len, f);
        fputs("\"/>", f);
    }
    buf_free(&gaps);
    if (sv->n) {
        long x, y;
        proj_xy(&pj, sv->p[0].lat_e6, sv->p[0].lon_e6, &x, &y);
        fprintf(f, "<circle class=\"d0\" cx=\"%ld\" cy=\"%ld\" r=\"4\"/>", x, y);
        proj_xy(&pj, sv->p[sv->n - 1].lat_e6, sv->p[sv->n - 1].lon_e6, &x, &y);
        fprintf(f, "<circle class=\"d1\" cx=\"%ld\" cy=\"%ld\" r=\"4\"/>", x, y);
    }
    /* events, numbered as in the table: a disc where each starts */
    uint32_t num = 0;
    for (uint32_t e = h->ev_lo[vidx]; e < h->ev_hi[vidx]; e++) {
        const rl_event *ev = &run->events.e[e];
        num++;
        if (!ev->have_pos || !event_on_day(ev, day, tz))
            continue;
        long x, y;
        char c = ev_class(ev->type);
        if (ev->end_lat_e6 != ev->start_lat_e6 || ev->end_lon_e6 != ev->start_lon_e6) {
            proj_xy(&pj, ev->end_lat_e6, ev->end_lon_e6, &x, &y);
            fprintf(f, "<rect class=\"mk mk-%c\" x=\"%ld\" y=\"%ld\" width=\"8\" height=\"8\"/>", c, x - 4, y - 4);
        }
        proj_xy(&pj, ev->start_lat_e6, ev->start_lon_e6, &x, &y);
        fprintf(f, "<g><title>#%u %s</title><circle class=\"mk mk-%c\" cx=\"%ld\" cy=\"%ld\" r=\"8\"/>", num,
                report_type_label(ev->type, h->zh), c, x, y);
        fprintf(f, "<text class=\"mt\" x=\"%ld\" y=\"%ld\" text-anchor=\"middle\">%u</text></g>", x, y + 4, num);
    }
    /* how big the box is, for scale */
    double km = w * 111.195;
    fprintf(f, "<text x=\"%d\" y=\"%d\">%s %.*f km ↔</text>", TK_PAD, TK_H - 6, h->l->across, km < 10 ? 1 : 0,
            km);
    fputs("</svg>", f);
}

/* ---- one vehicle ---- */

static int cmp_day(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* What the terminal said against what roadlog found (RULES.md §8),
 * for a vehicle whose terminal reports an alarm word or that has any. */
static void vehicle_xcheck(FILE *f, const rl_vehicle *v, const rl_vstats *s, bool zh)
{
    const alarm_xcheck *x = &s->xc;
    if (!v->alarm_word && !x->speeding && !x->overspeed_alarms && !x->fatigue && !x->fatigue_alarms)
        return;
    if (zh)
        fprintf(f, "<dt>终端核验</dt><dd>超速 %u 次（其中终端报警 %u）· 终端超速报警 %u 次（其中平台超速 %u）· "
                   "疲劳驾驶 %u 次（其中终端报警 %u）· 终端疲劳报警 %u 次（其中平台疲劳 %u）%s</dd>",
                x->speeding, x->speeding_alarmed, x->overspeed_alarms, x->overspeed_confirmed, x->fatigue,
                x->fatigue_alarmed, x->fatigue_alarms, x->fatigue_confirmed, v->alarm_word ? "" : " · 无终端报警字段");
    else
        fprintf(f, "<dt>Terminal cross-check</dt><dd>speeding %u (%u with a terminal alarm) · terminal overspeed "
                   "alarms %u (%u with speeding) · fatigue %u (%u with a terminal alarm) · terminal fatigue alarms %u "
                   "(%u with fatigue)%s</dd>",
                x->speeding, x->speeding_alarmed, x->overspeed_alarms, x->overspeed_confirmed, x->fatigue,
                x->fatigue_alarmed, x->fatigue_alarms, x->fatigue_confirmed,
                v->alarm_word ? "" : " · no alarm word in the data");
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

static void vehicle_body(FILE *f, const hctx *h, size_t r)
{
    const rl_run *run = h->run;
    const labels *l = h->l;
    uint32_t vidx = h->rank[r].vidx;
    const rl_vehicle *v = vtable_at(run->vt, vidx);
    const rl_vstats *s = &run->vstats[vidx];
    int32_t tz = run->opt.tz;
    fprintf(f, "<h2 id=\"v%zu\">%zu. ", r + 1, r + 1);
    put_plate(f, run, v);
    fprintf(f, " %s</h2>\n<dl class=\"id\">", report_color_label(v->color, h->zh));
    fprintf(f, "<dt>%s</dt><dd>%s</dd>", l->cls, report_class_label(v->cls, h->zh));
    fprintf(f, "<dt>%s</dt><dd>", l->company);
    html_str(f, *run_vehicle_company(run, v) ? run_vehicle_company(run, v) : "—");
    fprintf(f, "</dd><dt>%s</dt><dd>%s</dd>", l->registered, v->reg ? l->yes : l->no);
    fprintf(f, "<dt>%s</dt><dd>", l->phone);
    html_str(f, v->phone ? strtab_get(run->str, v->phone) : "—");
    /* drivers named in the events, in order of first appearance */
    fprintf(f, "</dd><dt>%s</dt><dd>", l->drivers);
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
        html_str(f, strtab_get(run->str, d));
        any = true;
    }
    if (!any)
        fputs("—", f);
    fprintf(f, "</dd><dt>%s</dt><dd>%lld / %lld</dd>", l->points, (long long)s->penalty_points,
            (long long)s->nevents);
    fprintf(f, "<dt>%s</dt><dd>%.1f km</dd><dt>%s</dt><dd>", l->distance, (double)s->distance_mm / 1e6, l->driving);
    put_duration(f, s->driving_s, h->zh);
    fprintf(f, "</dd><dt>%s</dt><dd>", l->top_speed);
    if (s->max_speed_mkmh >= 0) {
        put_fixed(f, s->max_speed_mkmh / 100, 1);
        fputs(" km/h", f);
    } else {
        fputs("—", f);
    }
    fprintf(f, "</dd><dt>%s</dt><dd>%llu</dd>", l->fixes, (unsigned long long)s->points);
    vehicle_xcheck(f, v, s, h->zh);
    fprintf(f, "<dt>%s</dt><dd>", l->first_last);
    if (s->points) {
        put_time(f, s->first, tz);
        fprintf(f, " %s ", l->to);
        put_time(f, s->last, tz);
    } else {
        fputs("—", f);
    }
    fputs("</dd></dl>\n", f);

    /* the event table */
    fprintf(f, "<table class=\"ev\"><thead><tr><th class=\"n\">#</th><th>%s</th><th>%s</th><th>%s</th>"
               "<th>%s</th><th>%s</th><th class=\"n\">%s</th><th class=\"n\">%s</th><th>%s</th><th>%s</th>"
               "<th>%s</th><th>%s</th></tr></thead><tbody>\n",
            l->type, l->start, l->end, l->duration, l->place, l->value_limit, l->excess, l->penalty,
            l->regulation, l->driver, l->source);
    uint32_t num = 0;
    for (uint32_t e = h->ev_lo[vidx]; e < h->ev_hi[vidx]; e++) {
        const rl_event *ev = &run->events.e[e];
        char src[512];
        num++;
        fprintf(f, "<tr id=\"e%s\"><td class=\"n\">%u</td><td>%s</td><td class=\"t\">", ev->id, num,
                report_type_label(ev->type, h->zh));
        put_time(f, ev->start, tz);
        fputs("</td><td class=\"t\">", f);
        put_time(f, ev->end, tz);
        fputs("</td><td>", f);
        put_duration(f, ev->end - ev->start, h->zh);
        fputs("</td><td>", f);
        if (ev->have_pos) {
            put_coord(f, ev->start_lon_e6, ev->start_lat_e6);
            if (ev->end_lat_e6 != ev->start_lat_e6 || ev->end_lon_e6 != ev->start_lon_e6) {
                fputs(" →<br>", f);
                put_coord(f, ev->end_lon_e6, ev->end_lat_e6);
            }
        } else {
            fputs("—", f);
        }
        fputs("</td><td class=\"n\">", f);
        put_value(f, ev, ev->value, h->zh, false);
        fputs(" / ", f);
        put_value(f, ev, ev->limit, h->zh, true);
        fputs("</td><td class=\"n\">", f);
        if (unit_of(ev->type) == U_SECONDS) {
            fputs("+", f);
            put_duration(f, ev->value - ev->limit, h->zh);
            fputs("<br>", f);
        }
        char pct[32];
        fmt_double(pct, sizeof pct, event_excess_pct(ev), 1);
        fprintf(f, "%s%s%%</td><td>", event_excess_pct(ev) >= 0 ? "+" : "", pct);
        put_severity(f, ev->severity, h->zh);
        fputs("</td><td><code>", f);
        html_str(f, ev->rule);
        fputs("</code>", f);
        if (ev->zone_name) { /* the zone that gave the event or set the limit */
            fputs(" ", f);
            html_str(f, ev->zone_name);
        }
        const char *basis = rule_basis(ev->rule);
        if (basis) {
            fputs("<br><span class=\"small\">", f);
            html_str(f, basis);
            fputs("</span>", f);
        }
        fputs("</td><td>", f);
        html_str(f, ev->driver ? strtab_get(run->str, ev->driver) : "—");
        run_format_origin(run, ev->origin, src, sizeof src);
        fputs("</td><td class=\"small\">", f);
        html_str(f, src);
        fprintf(f, "<br>%s %u · <code>%s</code></td></tr>\n", l->fixes, ev->evidence_points, ev->id);
    }
    fputs("</tbody></table>\n", f);

    /* the days with events, each with its charts */
    int64_t *days = xmalloc(HTML_DAYS_PER_VEHICLE * sizeof *days);
    size_t nd = 0;
    bool truncated = false;
    for (uint32_t e = h->ev_lo[vidx]; e < h->ev_hi[vidx]; e++) {
        const rl_event *ev = &run->events.e[e];
        int64_t d0 = tu_local_day(ev->start, tz), d1 = tu_local_day(ev->end, tz);
        if (d1 - d0 >= HTML_DAYS_PER_EVENT) {
            d1 = d0 + HTML_DAYS_PER_EVENT - 1;
            truncated = true;
        }
        for (int64_t d = d0; d <= d1; d++) {
            bool dup = false;
            for (size_t k = 0; k < nd && !dup; k++)
                dup = days[k] == d;
            if (dup)
                continue;
            if (nd == HTML_DAYS_PER_VEHICLE) {
                truncated = true;
                break;
            }
            days[nd++] = d;
        }
    }
    qsort(days, nd, sizeof *days, cmp_day);
    for (size_t k = 0; k < nd; k++) {
        char dayname[11];
        tu_format_day(days[k], dayname);
        fprintf(f, "<h3>%s</h3>", dayname);
        tracksample_view sv;
        if (!tracksample_day(run->samples, vidx, days[k], &sv) || sv.n == 0) {
            fprintf(f, "<p class=\"small\">%s</p>\n", l->no_sample);
            continue;
        }
        fputs("<div class=\"charts\">", f);
        speed_chart(f, h, v, vidx, days[k], &sv);
        track_sketch(f, h, vidx, days[k], &sv);
        fputs("</div>\n", f);
    }
    if (truncated)
        fprintf(f, "<p class=\"small\">%s</p>\n", l->more_days);
    free(days);
}

/* ---- the index ---- */

static void put_run_meta(FILE *f, const hctx *h)
{
    const rl_run *run = h->run;
    const labels *l = h->l;
    char t[32];
    tu_format(run->started_wall, run->opt.tz, t);
    int32_t a = run->opt.tz < 0 ? -run->opt.tz : run->opt.tz;
    fprintf(f, "<p class=\"meta\">%s %s · %s UTC%c%02d:%02d", l->generated, t, l->tz, run->opt.tz < 0 ? '-' : '+',
            a / 3600, a / 60 % 60);
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
        fprintf(f, " · %s ", l->period);
        put_time(f, first, run->opt.tz);
        fprintf(f, " %s ", l->to);
        put_time(f, last, run->opt.tz);
    }
    fprintf(f, "</p><p class=\"meta\">%s %zu · %s %zu · %s %llu", l->vehicles, run->norder, l->events,
            run->events.n, l->rejected, (unsigned long long)run->rejected);
    if (run->opt.company) {
        fprintf(f, " · %s ", l->company);
        html_str(f, run->opt.company);
    }
    fprintf(f, "</p><p class=\"meta\">%s: ", l->inputs);
    for (size_t i = 0; i < run->ninputs; i++) {
        if (i)
            fputs("; ", f);
        html_str(f, run->inputs[i].name);
        fprintf(f, " (%s, %llu %s)", run->inputs[i].kind ? run->inputs[i].kind : "?",
                (unsigned long long)run->inputs[i].records, l->records);
    }
    fputs("</p>\n", f);
    /* events by type */
    uint64_t by[EV_TYPE_COUNT] = {0};
    for (size_t i = 0; i < run->events.n; i++)
        by[run->events.e[i].type]++;
    fprintf(f, "<p class=\"meta\">%s: ", l->by_type);
    bool any = false;
    for (int k = 0; k < EV_TYPE_COUNT; k++)
        if (by[k]) {
            fprintf(f, "%s%s %llu", any ? " · " : "", report_type_label((event_type)k, h->zh),
                    (unsigned long long)by[k]);
            any = true;
        }
    if (!any)
        fputs(l->none, f);
    fputs("</p>\n", f);
}

/* href of vehicle r's page or section, seen from an index page */
static void put_vehicle_href(FILE *f, const hctx *h, size_t r, size_t from_page)
{
    if (!h->multi) {
        fprintf(f, "#v%zu", r + 1);
        return;
    }
    if (from_page == 0)
        fputs("vehicles/", f);
    put_href(f, h->file[r]);
    fputs(".html", f);
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
        fprintf(f, "\">← %s</a>", h->l->prev);
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
        fprintf(f, "\">%s →</a>", h->l->next);
    }
    fputs("</nav>\n", f);
}

static void index_table(FILE *f, const hctx *h, size_t page)
{
    const rl_run *run = h->run;
    const labels *l = h->l;
    size_t lo = h->multi ? page * HTML_PAGE_ROWS : 0;
    size_t hi = h->multi ? lo + HTML_PAGE_ROWS : h->nrank;
    if (hi > h->nrank)
        hi = h->nrank;
    fprintf(f, "<h2>%s</h2>", l->index);
    if (h->npages > 1)
        fprintf(f, "<p class=\"meta\">%s %zu %s %zu</p>", l->page, page + 1, l->of, h->npages);
    page_nav(f, h, page);
    fprintf(f, "<table class=\"idx\"><thead><tr><th class=\"n\">%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
               "<th class=\"n\">%s</th><th class=\"n\">%s</th>",
            l->rank, l->plate, l->color, l->cls, l->company, l->points, l->nevents);
    for (int t = 0; t < EV_TYPE_COUNT; t++)
        if (h->type_present[t])
            fprintf(f, "<th class=\"n\">%s</th>", report_type_label((event_type)t, h->zh));
    fputs("</tr></thead><tbody>\n", f);
    for (size_t r = lo; r < hi; r++) {
        const rl_vehicle *v = vtable_at(run->vt, h->rank[r].vidx);
        const rl_vstats *s = &run->vstats[h->rank[r].vidx];
        fprintf(f, "<tr id=\"r%zu\"><td class=\"n\">%zu</td><td>", r + 1, r + 1);
        if (r < h->nwith) {
            fputs("<a href=\"", f);
            put_vehicle_href(f, h, r, page);
            fputs("\">", f);
            html_str(f, run_vehicle_label(run, v));
            fputs("</a>", f);
        } else {
            html_str(f, run_vehicle_label(run, v));
        }
        fprintf(f, "</td><td>%s</td><td>%s</td><td>", report_color_label(v->color, h->zh),
                report_class_label(v->cls, h->zh));
        html_str(f, run_vehicle_company(run, v));
        fprintf(f, "</td><td class=\"n\">%lld</td><td class=\"n\">%u</td>", (long long)s->penalty_points,
                s->nevents);
        for (int t = 0; t < EV_TYPE_COUNT; t++)
            if (h->type_present[t]) {
                if (s->events[t])
                    fprintf(f, "<td class=\"n\">%u</td>", s->events[t]);
                else
                    fputs("<td></td>", f);
            }
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
    if (hi == h->nrank && h->nrank > h->nwith)
        fprintf(f, "<p class=\"meta\">%zu %s</p>\n", h->nrank - h->nwith, l->no_events_note);
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
    fprintf(f, "<header><h1>%s</h1>", h->l->title);
    put_run_meta(f, h);
    fputs("</header>\n<main>\n", f);
}

static void page_footer(FILE *f)
{
    fputs("</main>\n<footer><p class=\"small\">roadlog · RULES.md / REGULATIONS.md</p></footer>\n", f);
}

bool report_html(const rl_run *run, const char *path)
{
    hctx h;
    memset(&h, 0, sizeof h);
    h.run = run;
    h.zh = report_lang_zh(run->opt.lang);
    h.l = h.zh ? &LBL_ZH : &LBL_EN;
    h.gap_s = (int64_t)run->rules.v[R_TRACK_GAP_S];
    size_t nv = vtable_count(run->vt);
    h.ev_lo = xcalloc(nv ? nv : 1, sizeof *h.ev_lo);
    h.ev_hi = xcalloc(nv ? nv : 1, sizeof *h.ev_hi);
    /* events are sorted by vehicle: each vehicle's are one run */
    for (size_t i = run->events.n; i-- > 0;) {
        uint32_t vi = run->events.e[i].vehicle;
        if (!h.ev_hi[vi])
            h.ev_hi[vi] = (uint32_t)i + 1;
        h.ev_lo[vi] = (uint32_t)i;
        h.type_present[run->events.e[i].type] = true;
    }
    h.nrank = run->norder;
    h.rank = xmalloc((h.nrank ? h.nrank : 1) * sizeof *h.rank);
    for (size_t i = 0; i < run->norder; i++) {
        uint32_t vi = run->order[i];
        h.rank[i] = (vrank){vi, (uint32_t)i, run->vstats[vi].penalty_points, run->vstats[vi].nevents};
        if (run->vstats[vi].nevents)
            h.nwith++;
    }
    qsort(h.rank, h.nrank, sizeof *h.rank, by_severity);
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
    html_page_begin(f, h.zh, h.l->title);
    page_header(f, &h);
    index_table(f, &h, 0);
    alarm_section(f, &h);
    if (!h.multi) {
        for (size_t r = 0; r < h.nwith; r++) {
            fputs("<section class=\"veh\">", f);
            vehicle_body(f, &h, r);
            fputs("</section>\n", f);
        }
    }
    page_footer(f);
    html_page_end(f);
    ok = close_file(f);
    if (!ok || !h.multi)
        goto out;

    /* large fleets: vehicles/index-N.html and vehicles/<plate>.html */
    {
        rl_buf dir = {0};
        const char *slash = strrchr(path, '/');
        if (slash)
            buf_put(&dir, path, (size_t)(slash - path + 1));
        buf_puts(&dir, "vehicles");
        if (mkdir(dir.p, 0777) != 0 && errno != EEXIST) {
            buf_free(&dir);
            ok = false;
            goto out;
        }
        rl_buf p = {0};
        for (size_t page = 1; page < h.npages && ok; page++) {
            p.len = 0;
            buf_printf(&p, "%s/index-%zu.html", dir.p, page + 1);
            f = open_page(p.p, buf, 1 << 16);
            if (!f) {
                ok = false;
                break;
            }
            html_page_begin(f, h.zh, h.l->title);
            page_header(f, &h);
            index_table(f, &h, page);
            page_footer(f);
            html_page_end(f);
            ok = close_file(f);
        }
        for (size_t r = 0; r < h.nwith && ok; r++) {
            p.len = 0;
            buf_printf(&p, "%s/%s.html", dir.p, h.file[r]);
            f = open_page(p.p, buf, 1 << 16);
            if (!f) {
                ok = false;
                break;
            }
            const rl_vehicle *v = vtable_at(run->vt, h.rank[r].vidx);
            rl_buf title = {0};
            buf_printf(&title, "%s · %s", run_vehicle_label(run, v), h.l->title);
            html_page_begin(f, h.zh, title.p);
            buf_free(&title);
            fputs("<header><nav class=\"pages\"><a href=\"", f);
            put_page_href(f, r / HTML_PAGE_ROWS, true);
            fprintf(f, "#r%zu\">↑ %s</a>", r + 1, h.l->back);
            if (r > 0) {
                fputs("<a href=\"", f);
                put_href(f, h.file[r - 1]);
                fprintf(f, ".html\">← %s</a>", h.l->prev);
            }
            if (r + 1 < h.nwith) {
                fputs("<a href=\"", f);
                put_href(f, h.file[r + 1]);
                fprintf(f, ".html\">%s →</a>", h.l->next);
            }
            fprintf(f, "</nav><h1>%s</h1></header>\n<main><section class=\"veh\">", h.l->title);
            vehicle_body(f, &h, r);
            fputs("</section></main>\n", f);
            page_footer(f);
            html_page_end(f);
            ok = close_file(f);
        }
        buf_free(&p);
        buf_free(&dir);
    }
out:
    if (h.file)
        for (size_t r = 0; r < h.nwith; r++)
            free(h.file[r]);
    free(h.file);
    free(buf);
    free(h.rank);
    free(h.ev_lo);
    free(h.ev_hi);
    return ok;
}
