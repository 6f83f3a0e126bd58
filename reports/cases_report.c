/*
 * cases_report.c - the case ledger's documents (see cases_report.h).
 *
 * The company 考核 table is one list of columns (ACOLS: key, Chinese and
 * English title, kind) that every writer walks: ledger.html, ledger.xlsx,
 * company.csv/html of `summary --by company` and the plain text, so the
 * table reads the same everywhere.  Labels are one keyed table (LBL).
 * Text from the ledger (companies, plates, drivers, names of clerks) is
 * HTML-escaped in pages and written with a leading ' in CSV and xlsx
 * when it looks like a formula, as events.csv does.
 */
#include "cases_report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "numparse.h"
#include "plate.h"
#include "reports.h"
#include "timeutil.h"
#include "util.h"

/* ---- labels ---- */

typedef enum {
    CL_TITLE, CL_LEDGER, CL_AS_OF, CL_PERIOD, CL_OVERVIEW, CL_CASES, CL_OVERDUE, CL_HANDLED, CL_CLOSURE, CL_BY_TYPE, CL_TYPE,
    CL_TOTAL, CL_KAOHE, CL_BLACKLIST, CL_IN_FORCE, CL_NEW, CL_ENDED, CL_RULE, CL_SUBJECT, CL_WINDOW, CL_COUNT, CL_FROM,
    CL_UNTIL, CL_EVIDENCE, CL_NONE, CL_DEFS, CL_UNREG, CL_REVIEW, CL_POP_REG, CL_POP_DATA, CL_COMPANY_TITLE, CL_MONTH,
    CL_NLABELS
} label;

static const struct {
    const char *zh, *en;
} LBL[CL_NLABELS] = {
    [CL_TITLE] = {"台账月报", "Case ledger: monthly report"},
    [CL_LEDGER] = {"台账", "Ledger"},
    [CL_AS_OF] = {"案件状态截至", "Case statuses as of"},
    [CL_PERIOD] = {"月份", "Month"},
    [CL_OVERVIEW] = {"概况", "Overview"},
    [CL_CASES] = {"案件", "Cases"},
    [CL_OVERDUE] = {"逾期", "Overdue"},
    [CL_HANDLED] = {"处理率", "Handled rate (处理率)"},
    [CL_CLOSURE] = {"销号率", "Closure rate (销号率)"},
    [CL_BY_TYPE] = {"按违规类型", "By type"},
    [CL_TYPE] = {"违规类型", "Type"},
    [CL_TOTAL] = {"合计", "Total"},
    [CL_KAOHE] = {"企业考核", "Company assessment (考核)"},
    [CL_BLACKLIST] = {"黑名单", "Blacklists"},
    [CL_IN_FORCE] = {"月末在册", "In force at the end of the month"},
    [CL_NEW] = {"本月列入", "Listed during the month"},
    [CL_ENDED] = {"本月移出", "Removed during the month"},
    [CL_RULE] = {"规则", "Rule"},
    [CL_SUBJECT] = {"对象", "Subject"},
    [CL_WINDOW] = {"统计区间", "Window"},
    [CL_COUNT] = {"次数", "Count"},
    [CL_FROM] = {"列入时间", "Listed from"},
    [CL_UNTIL] = {"移出时间", "Until"},
    [CL_EVIDENCE] = {"依据案件", "Evidence"},
    [CL_NONE] = {"无", "none"},
    [CL_DEFS] = {"口径", "Definitions"},
    [CL_UNREG] = {"（未在登记表中）", "(not in the registry)"},
    [CL_REVIEW] = {"（复核提前移出）", " (early removal on review)"},
    [CL_POP_REG] = {"车辆数：车辆登记表中的车辆", "Vehicles: those of the registry"},
    [CL_POP_DATA] = {"车辆数：当月有数据或案件的车辆（未提供登记表）",
                    "Vehicles: those with data or cases that month (no registry given)"},
    [CL_COMPANY_TITLE] = {"企业考核（按月）", "Company assessment by month (考核)"},
    [CL_MONTH] = {"月份", "Month"},
};

static const char *L(bool zh, label k) { return zh ? LBL[k].zh : LBL[k].en; }

static const char *DEFS_ZH =
    "案件：当月开始的违规事件（按事件编号计一次）；状态为报告生成时的状态。"
    "处理率 =（已销号 + 已撤销）÷ 案件数（官方公式未公布，此为 roadlog 的口径）；"
    "销号率 = 已销号 ÷（案件数 − 已撤销）；逾期：超过期限仍未整改、销号或撤销。"
    "上线率 = 上线车辆 ÷ 车辆数；数据合格率 = 合格定位点 ÷ 定位点（不含重复）；"
    "轨迹完整率 =（里程 − 断点里程）÷ 里程；漂移率 = 有漂移点的上线车辆 ÷ 上线车辆。"
    "每车案件、超速、疲劳不含已撤销案件；排名：每车案件数少者在前，相同时处理率高者、上线率高者在前；"
    "未登记车辆单列一行，不参加排名。名次变化 = 上月名次 − 本月名次（正数为进步）。";
static const char *DEFS_EN =
    "Cases: violations that started in the month (once per event_id), with their status when the report was made. "
    "Handled rate = (closed + dismissed) / cases (the official formula is not published; this is roadlog's); "
    "closure rate = closed / (cases - dismissed); overdue: past the deadline and not rectified, closed or "
    "dismissed. Online rate = online vehicles / vehicles; data quality = accepted fixes / fixes (duplicates "
    "excluded); track completeness = (km - km across gaps) / km; drift rate = online vehicles with a drift fix / "
    "online vehicles. Cases, speeding and fatigue per vehicle leave dismissed cases out. Rank: fewest cases per "
    "vehicle first; ties: higher handled rate, then higher online rate. Vehicles not in the registry are one row, "
    "not ranked. Rank change = last month's rank - this month's (positive: better).";

/* ---- the 考核 columns ---- */

enum { K_INT, K_TEXT, K_PCT, K_NUM, K_DELTA_INT, K_DELTA_NUM, K_DELTA_PCT };

static const struct {
    const char *key, *zh, *en;
    int kind;
} ACOLS[] = {
    {"rank", "名次", "Rank", K_INT},
    {"company", "业户名称", "Company", K_TEXT},
    {"vehicles", "车辆数", "Vehicles", K_INT},
    {"online", "上线车辆", "Online", K_INT},
    {"online_rate", "上线率", "Online rate", K_PCT},
    {"data_quality", "数据合格率", "Data quality", K_PCT},
    {"track_completeness", "轨迹完整率", "Track completeness", K_PCT},
    {"drift_rate", "漂移率", "Drift rate", K_PCT},
    {"cases_not_dismissed", "案件数（不含撤销）", "Cases (not dismissed)", K_INT},
    {"cases_per_vehicle", "每车案件", "Cases per vehicle", K_NUM},
    {"speeding_per_vehicle", "每车超速", "Speeding per vehicle", K_NUM},
    {"fatigue_per_vehicle", "每车疲劳", "Fatigue per vehicle", K_NUM},
    {"speeding_per_10k_km", "超速/万公里", "Speeding per 10 000 km", K_NUM},
    {"fatigue_per_10k_km", "疲劳/万公里", "Fatigue per 10 000 km", K_NUM},
    {"open", "待处理", "Open", K_INT},
    {"notified", "已通知", "Notified", K_INT},
    {"supervised", "挂牌督办", "Supervised", K_INT},
    {"rectified", "已整改", "Rectified", K_INT},
    {"closed", "已销号", "Closed", K_INT},
    {"dismissed", "已撤销", "Dismissed", K_INT},
    {"overdue", "逾期", "Overdue", K_INT},
    {"handled_rate", "处理率", "Handled rate", K_PCT},
    {"prev_rank", "上月名次", "Last month's rank", K_INT},
    {"rank_change", "名次变化", "Rank change", K_DELTA_INT},
    {"cases_per_vehicle_change", "每车案件变化", "Cases per vehicle, change", K_DELTA_NUM},
    {"handled_rate_change", "处理率变化", "Handled rate, change", K_DELTA_PCT},
};
#define NACOLS (sizeof ACOLS / sizeof ACOLS[0])
enum { AC_COMPANY = 1 };

/* A column's number; false when there is none (a rate without a
 * denominator, an unranked row, no previous month). */
static bool acol_num(const assess_row *r, size_t c, double *v)
{
    switch (c) {
    case 0: *v = r->rank; return r->rank > 0;
    case 2: *v = r->vehicles; break;
    case 3: *v = r->online; break;
    case 4: *v = r->online_rate; break;
    case 5: *v = r->quality; break;
    case 6: *v = r->completeness; break;
    case 7: *v = r->drift_rate; break;
    case 8: *v = r->counted; break;
    case 9: *v = r->cases_per_vehicle; break;
    case 10: *v = r->speeding_per_vehicle; break;
    case 11: *v = r->fatigue_per_vehicle; break;
    case 12: *v = r->speeding_per_10k_km; break;
    case 13: *v = r->fatigue_per_10k_km; break;
    case 14: case 15: case 16: case 17: case 18: case 19: *v = r->by_status[c - 14]; break;
    case 20: *v = r->overdue; break;
    case 21: *v = r->handled_rate; break;
    case 22: *v = r->prev_rank; return r->have_prev && r->prev_rank > 0;
    case 23: *v = r->prev_rank - r->rank; return r->have_prev && r->prev_rank > 0 && r->rank > 0;
    case 24: *v = r->cases_per_vehicle - r->prev_cases_per_vehicle; return r->have_prev && !isnan(*v);
    case 25: *v = r->handled_rate - r->prev_handled_rate; return r->have_prev && !isnan(*v);
    default: return false;
    }
    return !isnan(*v);
}

/* A row's company, byte for byte (its length in *n). */
static const char *company_name(const cases_stats *st, const assess_row *r, bool zh, size_t *n)
{
    const char *s = r->company ? strtab_get(st->names, r->company) : L(zh, CL_UNREG);
    *n = r->company ? strtab_len(st->names, r->company) : strlen(s);
    return s;
}

/* A column's value as text for pages and the terminal. */
static void acol_text(const assess_row *r, size_t c, char *out, size_t n)
{
    double v;
    if (!acol_num(r, c, &v)) {
        snprintf(out, n, "—");
        return;
    }
    switch (ACOLS[c].kind) {
    case K_INT: snprintf(out, n, "%.0f", v); break;
    case K_PCT: snprintf(out, n, "%.1f%%", v * 100); break;
    case K_NUM: snprintf(out, n, "%.2f", v); break;
    case K_DELTA_INT: snprintf(out, n, "%+.0f", v); break;
    case K_DELTA_NUM: snprintf(out, n, "%+.2f", v); break;
    case K_DELTA_PCT: snprintf(out, n, "%+.1f", v * 100); break;
    default: out[0] = 0;
    }
}

/* ---- CSV and xlsx cells ---- */

static bool numeric(const char *s, size_t n)
{
    int64_t v;
    return n && num_fixed(s, n, 6, &v) == NULL;
}

/* Text from the ledger: neutralised when it looks like a formula, unless
 * it is a number (a negative value is not a formula). */
static void csv_cell(outbuf *o, const char *s, size_t n)
{
    if (numeric(s, n))
        outbuf_csv_str(o, s, n);
    else
        outbuf_csv_text(o, s, n);
}

static void csv_time(outbuf *o, int64_t t, int32_t tz)
{
    char b[20];
    tu_format(t, tz, b);
    outbuf_put(o, b, 19);
}

static void csv_day(outbuf *o, int64_t t, int32_t tz)
{
    char b[11];
    tu_format_day(tu_local_day(t, tz), b);
    outbuf_put(o, b, 10);
}

void cases_csv_header(outbuf *o)
{
    static const char head[] = "event_id,case_status,overdue,deadline,opened_at,changed_at,changed_by,plate,"
                               "plate_color,company,driver,type,start_time,end_time,points";
    outbuf_put(o, head, sizeof head - 1);
    for (int k = 0; k < CASES_EVENT_NTEXT; k++) {
        outbuf_putc(o, ',');
        outbuf_put(o, CASES_EVENT_TEXT[k], strlen(CASES_EVENT_TEXT[k]));
    }
    outbuf_put(o, ",event_status\n", 14);
}

void cases_csv_row(outbuf *o, const case_row *r, int32_t tz)
{
    outbuf_put(o, r->event_id, strlen(r->event_id));
    outbuf_putc(o, ',');
    const char *st = case_status_name(r->status);
    outbuf_put(o, st, strlen(st));
    outbuf_put(o, r->overdue ? ",yes," : ",no,", r->overdue ? 5 : 4);
    csv_day(o, r->deadline, tz);
    outbuf_putc(o, ',');
    csv_time(o, r->opened_at, tz);
    outbuf_putc(o, ',');
    csv_time(o, r->changed_at, tz);
    outbuf_putc(o, ',');
    outbuf_csv_text(o, r->changed_by, r->changed_by_len);
    outbuf_putc(o, ',');
    outbuf_csv_text(o, r->plate, r->plate_len);
    outbuf_putc(o, ',');
    outbuf_int(o, r->plate_color);
    outbuf_putc(o, ',');
    outbuf_csv_text(o, r->company, r->company_len);
    outbuf_putc(o, ',');
    outbuf_csv_text(o, r->driver, r->driver_len);
    outbuf_putc(o, ',');
    const char *ty = event_type_name(r->type);
    outbuf_put(o, ty, strlen(ty));
    outbuf_putc(o, ',');
    csv_time(o, r->start, tz);
    outbuf_putc(o, ',');
    csv_time(o, r->end, tz);
    outbuf_putc(o, ',');
    outbuf_int(o, r->points);
    for (int k = 0; k < CASES_EVENT_NTEXT; k++) {
        outbuf_putc(o, ',');
        csv_cell(o, r->text[k], r->text_len[k]);
    }
    outbuf_putc(o, ',');
    outbuf_put(o, r->event_status, strlen(r->event_status));
    outbuf_putc(o, '\n');
}

/* Excel's limits: 32 767 characters a cell, 1 048 576 rows a sheet. */
#define XLSX_CELL_MAX 32767
#define XLSX_ROWS_MAX 1048576

/* Text into a cell: a leading ' when it would start a formula (unless a
 * number), NUL bytes (which XML cannot carry) as U+2400 ␀, cut on a
 * character boundary to what a cell holds. */
static lxw_error xl_text(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s, size_t n, lxw_format *fmt)
{
    rl_buf b = {0};
    if (text_is_formula(s, n) && !numeric(s, n))
        buf_putc(&b, '\'');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == 0)
            buf_puts(&b, "\xE2\x90\x80");
        else
            buf_putc(&b, s[i]);
    }
    buf_putc(&b, 0);
    b.len--;
    if (b.len > XLSX_CELL_MAX)
        b.p[utf8_cut(b.p, b.len, XLSX_CELL_MAX)] = 0;
    lxw_error e = worksheet_write_string(ws, r, c, b.p, fmt);
    buf_free(&b);
    return e;
}

static double excel_time(int64_t utc, int32_t tz) { return (double)(utc + tz) / 86400.0 + 25569.0; }

typedef struct xl_list {
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *head, *when, *day;
    size_t rows, sheet;
    lxw_error err;
} xl_list;

static const char *const XL_LIST_HEAD[] = {"事件编号", "案件状态", "逾期", "期限", "立案时间", "最近处理时间", "处理人",
                                           "车牌号", "车牌颜色", "业户名称", "驾驶员", "违规类型", "开始时间",
                                           "结束时间", "记分"};

static void xl_list_sheet(xl_list *x)
{
    char name[32];
    if (x->sheet++ == 0)
        snprintf(name, sizeof name, "案件台账");
    else
        snprintf(name, sizeof name, "案件台账 (%zu)", x->sheet);
    x->ws = workbook_add_worksheet(x->wb, name);
    if (!x->ws) {
        x->err = LXW_ERROR_MEMORY_MALLOC_FAILED;
        return;
    }
    size_t nh = sizeof XL_LIST_HEAD / sizeof XL_LIST_HEAD[0];
    for (size_t c = 0; c < nh; c++)
        worksheet_write_string(x->ws, 0, (lxw_col_t)c, XL_LIST_HEAD[c], x->head);
    for (int k = 0; k < CASES_EVENT_NTEXT; k++)
        worksheet_write_string(x->ws, 0, (lxw_col_t)(nh + (size_t)k), CASES_EVENT_TEXT[k], x->head);
    worksheet_freeze_panes(x->ws, 1, 0);
    worksheet_set_column(x->ws, 0, 0, 18, NULL);
    worksheet_set_column(x->ws, 3, 5, 19, NULL);
    worksheet_set_column(x->ws, 9, 9, 24, NULL);
    worksheet_set_column(x->ws, 12, 13, 19, NULL);
    x->rows = 0;
}

void *cases_xlsx_open(const char *path)
{
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_FALSE};
    xl_list *x = xcalloc(1, sizeof *x);
    x->wb = workbook_new_opt(path, &opt);
    if (!x->wb) {
        free(x);
        return NULL;
    }
    x->head = workbook_add_format(x->wb);
    format_set_bold(x->head);
    format_set_bg_color(x->head, 0xF1F3F5);
    x->when = workbook_add_format(x->wb);
    format_set_num_format(x->when, "yyyy-mm-dd hh:mm:ss");
    x->day = workbook_add_format(x->wb);
    format_set_num_format(x->day, "yyyy-mm-dd");
    xl_list_sheet(x);
    return x;
}

#define XPUT(x, call)                                                                                             \
    do {                                                                                                         \
        lxw_error e_ = (call);                                                                                   \
        if (e_ != LXW_NO_ERROR && (x)->err == LXW_NO_ERROR)                                                      \
            (x)->err = e_;                                                                                       \
    } while (0)

bool cases_xlsx_row(void *xv, const case_row *r, int32_t tz)
{
    xl_list *x = xv;
    if (x->err != LXW_NO_ERROR)
        return false;
    if (x->rows == XLSX_ROWS_MAX - 1)
        xl_list_sheet(x);
    lxw_worksheet *ws = x->ws;
    lxw_row_t row = (lxw_row_t)++x->rows;
    XPUT(x, worksheet_write_string(ws, row, 0, r->event_id, NULL));
    XPUT(x, worksheet_write_string(ws, row, 1, case_status_zh(r->status), NULL));
    XPUT(x, worksheet_write_string(ws, row, 2, r->overdue ? "是" : "否", NULL));
    XPUT(x, worksheet_write_number(ws, row, 3, floor(excel_time(r->deadline, tz)), x->day));
    XPUT(x, worksheet_write_number(ws, row, 4, excel_time(r->opened_at, tz), x->when));
    XPUT(x, worksheet_write_number(ws, row, 5, excel_time(r->changed_at, tz), x->when));
    XPUT(x, xl_text(ws, row, 6, r->changed_by, r->changed_by_len, NULL));
    XPUT(x, xl_text(ws, row, 7, r->plate, r->plate_len, NULL));
    XPUT(x, worksheet_write_number(ws, row, 8, r->plate_color, NULL));
    XPUT(x, xl_text(ws, row, 9, r->company, r->company_len, NULL));
    XPUT(x, xl_text(ws, row, 10, r->driver, r->driver_len, NULL));
    XPUT(x, worksheet_write_string(ws, row, 11, report_type_label(r->type, true), NULL));
    XPUT(x, worksheet_write_number(ws, row, 12, excel_time(r->start, tz), x->when));
    XPUT(x, worksheet_write_number(ws, row, 13, excel_time(r->end, tz), x->when));
    XPUT(x, worksheet_write_number(ws, row, 14, r->points, NULL));
    for (int k = 0; k < CASES_EVENT_NTEXT; k++) {
        lxw_col_t c = (lxw_col_t)(15 + k);
        int64_t v;
        if (r->text_len[k] && num_fixed(r->text[k], r->text_len[k], 6, &v) == NULL)
            XPUT(x, worksheet_write_number(ws, row, c, (double)v / 1e6, NULL));
        else if (r->text_len[k])
            XPUT(x, xl_text(ws, row, c, r->text[k], r->text_len[k], NULL));
    }
    return x->err == LXW_NO_ERROR;
}

bool cases_xlsx_close(void *xv)
{
    xl_list *x = xv;
    if (x->ws)
        worksheet_autofilter(x->ws, 0, 0, (lxw_row_t)x->rows, (lxw_col_t)(15 + CASES_EVENT_NTEXT - 1));
    lxw_error closed = workbook_close(x->wb);
    bool ok = x->err == LXW_NO_ERROR && closed == LXW_NO_ERROR;
    if (!ok)
        fprintf(stderr, "roadlog: xlsx: %s\n", lxw_strerror(x->err != LXW_NO_ERROR ? x->err : closed));
    free(x);
    return ok;
}

/* ---- the month ---- */

bool cases_month_report_build(cases_ledger *lg, strtab *names, const rl_registry *reg, int32_t month,
                              cases_month_report *r)
{
    memset(r, 0, sizeof *r);
    r->month = month;
    r->tz = lg->tz;
    r->start = cases_month_first(month, lg->tz);
    r->end = cases_month_first(month + 1, lg->tz);
    r->as_of = lg->now;
    r->bl_at = r->end - 1 < lg->now ? r->end - 1 : lg->now;
    r->rules = &lg->rules;
    r->by_registry = reg && reg->n > 0;
    if (!cases_stats_load(lg, names, r->end, &r->st))
        return false;
    cases_stats_assess(&r->st, month, reg, &r->cur);
    /* the change against last month, when the ledger has it */
    if (cases_stats_has_month(&r->st, month - 1)) {
        cases_stats_assess(&r->st, month - 1, reg, &r->prev);
        assess_compare(&r->cur, &r->prev);
    }
    for (size_t i = 0; i < r->st.nc; i++) {
        const cs_case *c = &r->st.c[i];
        if (c->month != month)
            continue;
        r->by_type[c->type][c->status]++;
        r->overdue_by_type[c->type] += c->overdue;
    }
    cases_stats_blacklists(&r->st, &lg->rules, reg, r->bl_at, &r->bl);
    return true;
}

void cases_month_report_free(cases_month_report *r)
{
    assess_free(&r->cur);
    assess_free(&r->prev);
    cs_blacklists_free(&r->bl);
    cases_stats_free(&r->st);
}

void cases_listing_evidence(const cases_stats *st, const cs_blacklists *bl, const bl_listing *l, rl_buf *out,
                            size_t max)
{
    const bl_item *items = bl->items[l->rule];
    size_t shown = 0;
    for (size_t i = l->ev_lo; i < l->ev_hi; i++) {
        if (shown == max) {
            buf_printf(out, " … (+%zu)", l->ev_hi - i);
            break;
        }
        if (shown++)
            buf_puts(out, ", ");
        uint32_t ref = items[i].ref;
        if (l->rule == BL_COMPANY) {
            int32_t m = bl->month_of_ref[ref];
            buf_printf(out, "%04d-%02d (%.2f)", m / 12, m % 12 + 1, bl->month_rate[ref]);
        } else {
            buf_printf(out, "%016llx", (unsigned long long)st->c[ref].id);
        }
    }
}

/* "YYYY-MM" of an absolute month (years 0-9999) */
static void month_text(int32_t month, char out[8])
{
    unsigned y = (unsigned)(month / 12) % 10000u, m = (unsigned)(month % 12) + 1;
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = 0;
}

static double ratio(double a, double b) { return b > 0 ? a / b : NAN; }

/* Counts of the month's cases over all types. */
typedef struct month_totals {
    uint32_t cases, by_status[CASE_NSTATUS], overdue;
    double handled, closure;
} month_totals;

static void totals(const cases_month_report *r, month_totals *t)
{
    memset(t, 0, sizeof *t);
    for (int ty = 0; ty < EV_TYPE_COUNT; ty++) {
        for (int s = 0; s < CASE_NSTATUS; s++) {
            t->by_status[s] += r->by_type[ty][s];
            t->cases += r->by_type[ty][s];
        }
        t->overdue += r->overdue_by_type[ty];
    }
    t->handled = ratio(t->by_status[CASE_CLOSED] + t->by_status[CASE_DISMISSED], t->cases);
    t->closure = ratio(t->by_status[CASE_CLOSED], t->cases - t->by_status[CASE_DISMISSED]);
}

static void pct(char *out, size_t n, double v)
{
    if (isnan(v))
        snprintf(out, n, "—");
    else
        snprintf(out, n, "%.1f%%", v * 100);
}

/* ---- ledger.html ---- */

static void th(FILE *f, const char *s, bool num) { fprintf(f, "<th%s>%s</th>", num ? " class=\"n\"" : "", s); }

static void assess_html(FILE *f, const cases_stats *st, const assess_table *t, bool zh)
{
    fputs("<table class=\"ev\"><thead><tr>", f);
    for (size_t c = 0; c < NACOLS; c++)
        th(f, zh ? ACOLS[c].zh : ACOLS[c].en, ACOLS[c].kind != K_TEXT);
    fputs("</tr></thead><tbody>\n", f);
    for (size_t i = 0; i <= t->n; i++) {
        const assess_row *r = i < t->n ? &t->row[i] : &t->total;
        fprintf(f, "<tr%s>", i == t->n ? " class=\"total\"" : "");
        for (size_t c = 0; c < NACOLS; c++) {
            if (c == AC_COMPANY) {
                fputs("<td style=\"white-space:nowrap\">", f);
                if (i == t->n) {
                    fprintf(f, "<b>%s</b>", L(zh, CL_TOTAL));
                } else {
                    size_t n;
                    const char *name = company_name(st, r, zh, &n);
                    html_strn(f, name, n);
                }
                fputs("</td>", f);
                continue;
            }
            char v[48];
            acol_text(r, c, v, sizeof v);
            if (i == t->n && (c == 0 || c >= 22))
                snprintf(v, sizeof v, "—"); /* the total is not ranked */
            fprintf(f, "<td class=\"n\">%s</td>", v);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

/* The blacklist tables of the report: in force at the month's end (0),
 * listed during the month (1), removed during it (2). */
enum { BL_IN_FORCE, BL_LISTED, BL_REMOVED };

static bool listing_in(const cases_month_report *r, const bl_listing *l, int which)
{
    switch (which) {
    case BL_IN_FORCE: return bl_in_force(l, r->bl_at);
    case BL_LISTED: return l->from >= r->start && l->from < r->end;
    default: return l->until >= r->start && l->until <= r->bl_at;
    }
}

static void listings_html(FILE *f, const cases_month_report *r, int which)
{
    bool zh = r->zh;
    const cases_stats *st = &r->st;
    size_t shown = 0;
    for (size_t i = 0; i < r->bl.list.n; i++) {
        const bl_listing *l = &r->bl.list.l[i];
        if (!listing_in(r, l, which))
            continue;
        if (shown++ == 0) {
            fputs("<table class=\"ev\"><thead><tr>", f);
            const label heads[] = {CL_RULE, CL_SUBJECT, CL_WINDOW, CL_COUNT, CL_FROM, CL_UNTIL, CL_EVIDENCE};
            for (size_t k = 0; k < sizeof heads / sizeof heads[0]; k++)
                th(f, L(zh, heads[k]), heads[k] == CL_COUNT);
            fputs("</tr></thead><tbody>\n", f);
        }
        char a[20], b[20];
        rl_buf subject = {0};
        cases_stats_subject(st, l, &subject);
        fprintf(f, "<tr><td><code>%s</code></td><td>", bl_rule_id(l->rule));
        html_strn(f, subject.p, subject.len);
        buf_free(&subject);
        tu_format(l->first, r->tz, a);
        tu_format(l->last, r->tz, b);
        fprintf(f, "</td><td class=\"t\">%.10s – %.10s</td><td class=\"n\">%u", a, b, l->count);
        if (l->rule == BL_DRIVER)
            fprintf(f, zh ? "（%lld分）" : " (%lld pts)", (long long)l->sum);
        tu_format(l->from, r->tz, a);
        tu_format(l->until, r->tz, b);
        fprintf(f, "</td><td class=\"t\">%s</td><td class=\"t\">%s%s</td><td class=\"small\">", a, b,
                l->early ? L(zh, CL_REVIEW) : "");
        rl_buf ev = {0};
        cases_listing_evidence(st, &r->bl, l, &ev, 20);
        html_strn(f, ev.p ? ev.p : "", ev.len);
        buf_free(&ev);
        fputs("</td></tr>\n", f);
    }
    if (shown)
        fputs("</tbody></table>\n", f);
    else
        fprintf(f, "<p class=\"small\">%s</p>\n", L(zh, CL_NONE));
}

bool cases_report_html(const cases_month_report *r, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    bool zh = r->zh;
    char month[8], asof[20], title[96];
    month_text(r->month, month);
    tu_format(r->as_of, r->tz, asof);
    snprintf(title, sizeof title, "%s %s", L(zh, CL_TITLE), month);
    html_page_begin(f, zh, title);
    fprintf(f, "<header><h1>%s</h1><p class=\"meta\">%s ", title, L(zh, CL_LEDGER));
    html_str(f, r->ledger ? r->ledger : "");
    fprintf(f, " · %s %s · %s</p></header>\n<main>\n", L(zh, CL_AS_OF), asof,
            L(zh, r->by_registry ? CL_POP_REG : CL_POP_DATA));

    month_totals t;
    totals(r, &t);
    char h[16], c[16];
    pct(h, sizeof h, t.handled);
    pct(c, sizeof c, t.closure);
    fprintf(f, "<h2>%s</h2><table><thead><tr>", L(zh, CL_OVERVIEW));
    th(f, L(zh, CL_CASES), true);
    for (int s = 0; s < CASE_NSTATUS; s++)
        th(f, zh ? case_status_zh((case_status)s) : case_status_name((case_status)s), true);
    th(f, L(zh, CL_OVERDUE), true);
    th(f, L(zh, CL_HANDLED), true);
    th(f, L(zh, CL_CLOSURE), true);
    fprintf(f, "</tr></thead><tbody><tr id=\"overview\"><td class=\"n\">%u</td>", t.cases);
    for (int s = 0; s < CASE_NSTATUS; s++)
        fprintf(f, "<td class=\"n\">%u</td>", t.by_status[s]);
    fprintf(f, "<td class=\"n\">%u</td><td class=\"n\">%s</td><td class=\"n\">%s</td></tr></tbody></table>\n",
            t.overdue, h, c);

    fprintf(f, "<h2>%s</h2><table><thead><tr>", L(zh, CL_BY_TYPE));
    th(f, L(zh, CL_TYPE), false);
    th(f, L(zh, CL_CASES), true);
    for (int s = 0; s < CASE_NSTATUS; s++)
        th(f, zh ? case_status_zh((case_status)s) : case_status_name((case_status)s), true);
    th(f, L(zh, CL_OVERDUE), true);
    th(f, L(zh, CL_HANDLED), true);
    fputs("</tr></thead><tbody>\n", f);
    for (int ty = 0; ty < EV_TYPE_COUNT; ty++) {
        uint32_t n = 0;
        for (int s = 0; s < CASE_NSTATUS; s++)
            n += r->by_type[ty][s];
        if (!n)
            continue;
        pct(h, sizeof h, ratio(r->by_type[ty][CASE_CLOSED] + r->by_type[ty][CASE_DISMISSED], n));
        fprintf(f, "<tr><td>%s</td><td class=\"n\">%u</td>", report_type_label((event_type)ty, zh), n);
        for (int s = 0; s < CASE_NSTATUS; s++)
            fprintf(f, "<td class=\"n\">%u</td>", r->by_type[ty][s]);
        fprintf(f, "<td class=\"n\">%u</td><td class=\"n\">%s</td></tr>\n", r->overdue_by_type[ty], h);
    }
    fputs("</tbody></table>\n", f);

    fprintf(f, "<h2>%s</h2>\n", L(zh, CL_KAOHE));
    assess_html(f, &r->st, &r->cur, zh);

    fprintf(f, "<h2>%s</h2><h3>%s</h3>\n", L(zh, CL_BLACKLIST), L(zh, CL_IN_FORCE));
    listings_html(f, r, BL_IN_FORCE);
    fprintf(f, "<h3>%s</h3>\n", L(zh, CL_NEW));
    listings_html(f, r, BL_LISTED);
    fprintf(f, "<h3>%s</h3>\n", L(zh, CL_ENDED));
    listings_html(f, r, BL_REMOVED);

    fprintf(f, "<h2>%s</h2><p class=\"small\">%s</p>\n</main>\n", L(zh, CL_DEFS), zh ? DEFS_ZH : DEFS_EN);
    html_page_end(f);
    bool ok = !ferror(f);
    if (fclose(f) != 0)
        ok = false;
    return ok;
}

/* ---- ledger.xlsx ---- */

typedef struct xl_doc {
    lxw_workbook *wb;
    lxw_format *head, *pct, *num, *when;
    lxw_error err;
} xl_doc;

static void xl_assess_sheet(xl_doc *x, lxw_worksheet *ws, lxw_row_t row0, const cases_stats *st,
                            const assess_table *t, const char *month)
{
    lxw_col_t c0 = month ? 1 : 0;
    if (month)
        XPUT(x, worksheet_write_string(ws, row0, 0, "月份", x->head));
    for (size_t c = 0; c < NACOLS; c++)
        XPUT(x, worksheet_write_string(ws, row0, (lxw_col_t)(c0 + c), ACOLS[c].zh, x->head));
    for (size_t i = 0; i <= t->n; i++) {
        const assess_row *r = i < t->n ? &t->row[i] : &t->total;
        lxw_row_t row = (lxw_row_t)(row0 + 1 + i);
        if (month)
            XPUT(x, worksheet_write_string(ws, row, 0, month, NULL));
        for (size_t c = 0; c < NACOLS; c++) {
            lxw_col_t col = (lxw_col_t)(c0 + c);
            if (c == AC_COMPANY) {
                size_t n = 6;
                const char *name = i == t->n ? "合计" : company_name(st, r, true, &n);
                XPUT(x, xl_text(ws, row, col, name, n, NULL));
                continue;
            }
            double v;
            if ((i == t->n && (c == 0 || c >= 22)) || !acol_num(r, c, &v))
                continue;
            int k = ACOLS[c].kind;
            lxw_format *fmt = k == K_PCT || k == K_DELTA_PCT ? x->pct : k == K_NUM || k == K_DELTA_NUM ? x->num : NULL;
            XPUT(x, worksheet_write_number(ws, row, col, v, fmt));
        }
    }
}

bool cases_report_xlsx(const cases_month_report *r, const char *path)
{
    xl_doc x = {0};
    x.wb = workbook_new(path);
    if (!x.wb)
        return false;
    x.head = workbook_add_format(x.wb);
    format_set_bold(x.head);
    format_set_bg_color(x.head, 0xF1F3F5);
    x.pct = workbook_add_format(x.wb);
    format_set_num_format(x.pct, "0.0%");
    x.num = workbook_add_format(x.wb);
    format_set_num_format(x.num, "0.00");
    x.when = workbook_add_format(x.wb);
    format_set_num_format(x.when, "yyyy-mm-dd hh:mm:ss");
    char month[8];
    month_text(r->month, month);

    /* 概况: the month and its types */
    lxw_worksheet *ws = workbook_add_worksheet(x.wb, "概况");
    XPUT(&x, worksheet_write_string(ws, 0, 0, "月份", x.head));
    XPUT(&x, worksheet_write_string(ws, 0, 1, month, NULL));
    XPUT(&x, worksheet_write_string(ws, 1, 0, "案件状态截至", x.head));
    XPUT(&x, worksheet_write_number(ws, 1, 1, excel_time(r->as_of, r->tz), x.when));
    XPUT(&x, worksheet_write_string(ws, 3, 0, "违规类型", x.head));
    XPUT(&x, worksheet_write_string(ws, 3, 1, "案件", x.head));
    for (int s = 0; s < CASE_NSTATUS; s++)
        XPUT(&x, worksheet_write_string(ws, 3, (lxw_col_t)(2 + s), case_status_zh((case_status)s), x.head));
    XPUT(&x, worksheet_write_string(ws, 3, 2 + CASE_NSTATUS, "逾期", x.head));
    XPUT(&x, worksheet_write_string(ws, 3, 3 + CASE_NSTATUS, "处理率", x.head));
    XPUT(&x, worksheet_write_string(ws, 3, 4 + CASE_NSTATUS, "销号率", x.head));
    lxw_row_t row = 4;
    month_totals t;
    totals(r, &t);
    for (int ty = 0; ty <= EV_TYPE_COUNT; ty++) {
        uint32_t n = 0, st[CASE_NSTATUS], od;
        if (ty < EV_TYPE_COUNT) {
            for (int s = 0; s < CASE_NSTATUS; s++)
                n += (st[s] = r->by_type[ty][s]);
            od = r->overdue_by_type[ty];
        } else {
            memcpy(st, t.by_status, sizeof st);
            n = t.cases;
            od = t.overdue;
        }
        if (!n && ty < EV_TYPE_COUNT)
            continue;
        XPUT(&x, worksheet_write_string(ws, row, 0, ty < EV_TYPE_COUNT ? report_type_label((event_type)ty, true)
                                                                       : "合计", NULL));
        XPUT(&x, worksheet_write_number(ws, row, 1, n, NULL));
        for (int s = 0; s < CASE_NSTATUS; s++)
            XPUT(&x, worksheet_write_number(ws, row, (lxw_col_t)(2 + s), st[s], NULL));
        XPUT(&x, worksheet_write_number(ws, row, 2 + CASE_NSTATUS, od, NULL));
        double hr = ratio(st[CASE_CLOSED] + st[CASE_DISMISSED], n), cr = ratio(st[CASE_CLOSED], n - st[CASE_DISMISSED]);
        if (!isnan(hr))
            XPUT(&x, worksheet_write_number(ws, row, 3 + CASE_NSTATUS, hr, x.pct));
        if (!isnan(cr))
            XPUT(&x, worksheet_write_number(ws, row, 4 + CASE_NSTATUS, cr, x.pct));
        row++;
    }
    XPUT(&x, worksheet_write_string(ws, row + 1, 0, DEFS_ZH, NULL));
    worksheet_set_column(ws, 0, 0, 16, NULL);

    /* 企业考核 */
    ws = workbook_add_worksheet(x.wb, "企业考核");
    xl_assess_sheet(&x, ws, 0, &r->st, &r->cur, NULL);
    worksheet_freeze_panes(ws, 1, 2);
    worksheet_set_column(ws, 1, 1, 28, NULL);

    /* 黑名单: in force, listed, removed */
    ws = workbook_add_worksheet(x.wb, "黑名单");
    static const char *const bl_head[] = {"变动", "规则", "对象", "统计起", "统计止", "次数", "记分",
                                          "列入时间", "移出时间", "复核提前移出", "依据"};
    for (size_t c = 0; c < sizeof bl_head / sizeof bl_head[0]; c++)
        XPUT(&x, worksheet_write_string(ws, 0, (lxw_col_t)c, bl_head[c], x.head));
    row = 1;
    static const char *const which_zh[] = {"月末在册", "本月列入", "本月移出"};
    for (int which = BL_IN_FORCE; which <= BL_REMOVED; which++)
        for (size_t i = 0; i < r->bl.list.n; i++) {
            const bl_listing *l = &r->bl.list.l[i];
            if (!listing_in(r, l, which))
                continue;
            rl_buf subject = {0};
            cases_stats_subject(&r->st, l, &subject);
            XPUT(&x, worksheet_write_string(ws, row, 0, which_zh[which], NULL));
            XPUT(&x, worksheet_write_string(ws, row, 1, bl_rule_id(l->rule), NULL));
            XPUT(&x, xl_text(ws, row, 2, subject.p, subject.len, NULL));
            buf_free(&subject);
            XPUT(&x, worksheet_write_number(ws, row, 3, excel_time(l->first, r->tz), x.when));
            XPUT(&x, worksheet_write_number(ws, row, 4, excel_time(l->last, r->tz), x.when));
            XPUT(&x, worksheet_write_number(ws, row, 5, l->count, NULL));
            if (l->rule == BL_DRIVER)
                XPUT(&x, worksheet_write_number(ws, row, 6, (double)l->sum, NULL));
            XPUT(&x, worksheet_write_number(ws, row, 7, excel_time(l->from, r->tz), x.when));
            XPUT(&x, worksheet_write_number(ws, row, 8, excel_time(l->until, r->tz), x.when));
            XPUT(&x, worksheet_write_string(ws, row, 9, l->early ? "是" : "否", NULL));
            rl_buf ev = {0};
            cases_listing_evidence(&r->st, &r->bl, l, &ev, 200);
            XPUT(&x, xl_text(ws, row, 10, ev.p ? ev.p : "", ev.len, NULL));
            buf_free(&ev);
            row++;
        }
    worksheet_set_column(ws, 1, 2, 28, NULL);
    worksheet_set_column(ws, 3, 4, 19, NULL);
    worksheet_set_column(ws, 7, 8, 19, NULL);

    lxw_error closed = workbook_close(x.wb);
    if (x.err != LXW_NO_ERROR || closed != LXW_NO_ERROR) {
        fprintf(stderr, "roadlog: ledger.xlsx: %s\n", lxw_strerror(x.err != LXW_NO_ERROR ? x.err : closed));
        return false;
    }
    return true;
}

/* ---- text ---- */

static void assess_print(const cases_stats *st, const assess_table *t, bool zh, FILE *out)
{
    /* the columns a terminal has room for */
    static const size_t cols[] = {0, 2, 3, 4, 5, 6, 7, 8, 9, 20, 21, 23, 1};
    for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++)
        fprintf(out, k + 1 < sizeof cols / sizeof cols[0] ? "%-10s " : "%s\n", ACOLS[cols[k]].key);
    for (size_t i = 0; i <= t->n; i++) {
        const assess_row *r = i < t->n ? &t->row[i] : &t->total;
        for (size_t k = 0; k + 1 < sizeof cols / sizeof cols[0]; k++) {
            char v[48];
            acol_text(r, cols[k], v, sizeof v);
            if (i == t->n && (cols[k] == 0 || cols[k] >= 22))
                snprintf(v, sizeof v, "-");
            else if (strcmp(v, "—") == 0)
                snprintf(v, sizeof v, "-");
            fprintf(out, "%-10s ", v);
        }
        /* the company last: its width varies; control bytes shown as ? */
        size_t n = strlen(L(zh, CL_TOTAL));
        const char *name = i == t->n ? L(zh, CL_TOTAL) : company_name(st, r, zh, &n);
        for (size_t k = 0; k < n; k++)
            fputc((unsigned char)name[k] < 0x20 || name[k] == 0x7f ? '?' : name[k], out);
        fputc('\n', out);
    }
}

void cases_report_print(const cases_month_report *r, FILE *out)
{
    char month[8];
    month_text(r->month, month);
    month_totals t;
    totals(r, &t);
    char h[16], c[16];
    pct(h, sizeof h, t.handled);
    pct(c, sizeof c, t.closure);
    fprintf(out, "%s: %u cases (", month, t.cases);
    for (int s = 0; s < CASE_NSTATUS; s++)
        fprintf(out, "%s%s %u", s ? ", " : "", case_status_name((case_status)s), t.by_status[s]);
    fprintf(out, "), %u overdue, handled %s, closed %s\n", t.overdue, h, c);
    assess_print(&r->st, &r->cur, false, out);
    size_t in_force = 0, added = 0;
    for (size_t i = 0; i < r->bl.list.n; i++) {
        in_force += listing_in(r, &r->bl.list.l[i], BL_IN_FORCE);
        added += listing_in(r, &r->bl.list.l[i], BL_LISTED);
    }
    fprintf(out, "blacklists: %zu in force at the end of the month, %zu listed during it\n", in_force, added);
}

/* ---- analyze --ledger ---- */

const char *cases_status_text(uint8_t code, bool zh, char *buf, size_t n)
{
    unsigned s = code & 0x7f;
    if (s == 0 || s > CASE_NSTATUS) {
        snprintf(buf, n, "%s", zh ? "未入台账" : "not in the ledger");
        return buf;
    }
    case_status st = (case_status)(s - 1);
    snprintf(buf, n, "%s%s", zh ? case_status_zh(st) : case_status_name(st),
             code & 0x80 ? (zh ? "（逾期）" : " (overdue)") : "");
    return buf;
}

void cases_html_badge(FILE *f, uint8_t code, bool zh)
{
    char b[64];
    fprintf(f, "<br><span class=\"case\">%s: <b>%s</b></span>", zh ? "案件状态" : "Case",
            cases_status_text(code, zh, b, sizeof b));
}

/* ---- summary --by company ---- */

bool cases_company_tables(const cases_stats *st, const rl_registry *reg, int32_t first, int32_t last, bool zh,
                          bool bom, const char *dir, FILE *out)
{
    rl_buf p = {0};
    buf_printf(&p, "%s/company.csv", dir);
    FILE *csv = csvw_open(p.p, bom);
    p.len = 0;
    buf_printf(&p, "%s/company.html", dir);
    FILE *html = csv ? fopen(p.p, "w") : NULL;
    buf_free(&p);
    if (!csv || !html) {
        int e = errno;
        if (csv)
            fclose(csv);
        errno = e;
        return false;
    }
    outbuf ob;
    outbuf_init(&ob, csv, NULL, 1 << 16);
    outbuf_put(&ob, "month", 5);
    for (size_t c = 0; c < NACOLS; c++) {
        outbuf_putc(&ob, ',');
        outbuf_put(&ob, ACOLS[c].key, strlen(ACOLS[c].key));
    }
    outbuf_putc(&ob, '\n');
    html_page_begin(html, zh, L(zh, CL_COMPANY_TITLE));
    fprintf(html, "<header><h1>%s</h1><p class=\"meta\">%s</p></header>\n<main>\n", L(zh, CL_COMPANY_TITLE),
            L(zh, reg && reg->n ? CL_POP_REG : CL_POP_DATA));
    assess_table prev = {0};
    bool have_prev = false;
    if (first < st->month_lo)
        first = st->month_lo;
    if (last > st->month_hi)
        last = st->month_hi;
    for (int32_t m = first; st->nc + st->nvm && m <= last; m++) {
        assess_table t;
        cases_stats_assess(st, m, reg, &t);
        if (m == first && cases_stats_has_month(st, m - 1)) {
            /* the month before the period, for the change */
            cases_stats_assess(st, m - 1, reg, &prev);
            have_prev = true;
        }
        if (have_prev && cases_stats_has_month(st, m - 1))
            assess_compare(&t, &prev);
        char month[8];
        month_text(m, month);
        for (size_t i = 0; i < t.n; i++) {
            const assess_row *r = &t.row[i];
            outbuf_put(&ob, month, 7);
            for (size_t c = 0; c < NACOLS; c++) {
                outbuf_putc(&ob, ',');
                double v;
                if (c == AC_COMPANY) {
                    size_t n;
                    const char *name = company_name(st, r, zh, &n);
                    outbuf_csv_text(&ob, name, n);
                } else if (acol_num(r, c, &v)) {
                    outbuf_double(&ob, v, ACOLS[c].kind == K_INT || ACOLS[c].kind == K_DELTA_INT ? 0 : 6);
                }
            }
            outbuf_putc(&ob, '\n');
        }
        fprintf(html, "<h2>%s %s</h2>\n", L(zh, CL_MONTH), month);
        assess_html(html, st, &t, zh);
        if (out) {
            fprintf(out, "%s\n", month);
            assess_print(st, &t, zh, out);
        }
        assess_free(&prev);
        prev = t;
        have_prev = true;
    }
    assess_free(&prev);
    fprintf(html, "<h2>%s</h2><p class=\"small\">%s</p>\n</main>\n", L(zh, CL_DEFS), zh ? DEFS_ZH : DEFS_EN);
    html_page_end(html);
    outbuf_flush(&ob);
    bool ok = !ferror(csv) && !ferror(html);
    outbuf_done(&ob);
    if (fclose(csv) != 0)
        ok = false;
    if (fclose(html) != 0)
        ok = false;
    return ok;
}
