/*
 * xlsx.c - events.xlsx: the violation ledger for Excel (libxlsxwriter).
 *
 * The events.csv columns in the same order, with Chinese titles, then a
 * 单位 column (the unit of 实测值/限值: km/h, 秒, kg, 人, km).  For the
 * people reading it, class, type, plate colour and penalty are written in
 * Chinese; the rule id stays as `roadlog rules` prints it.  Numbers are
 * numbers (value, limit, excess, coordinates, durations, evidence points)
 * and times are Excel date-times in the analysis zone, so sorting and
 * filtering work.  Text from input (plate, company, driver, source) that
 * starts like a formula (= + - @, tab, CR) gets a leading ', exactly as
 * in events.csv, so the cell never becomes a formula when copied or
 * re-saved as CSV.
 *
 * Constant-memory mode: rows are streamed to a temporary file in order,
 * so memory does not grow with the number of events; the header row is
 * frozen and carries an autofilter over all rows.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "cases_report.h"
#include "csvout.h"
#include "plate.h"
#include "reports.h"
#include "timeutil.h"
#include "util.h"

static const struct {
    const char *title;
    double width;
} cols[] = {
    {"事件编号", 18},  {"车牌号", 12},      {"车牌颜色", 8},   {"车辆类型", 12}, {"业户名称", 24},
    {"驾驶员", 14},    {"违规类型", 14},    {"开始时间", 19},  {"结束时间", 19}, {"持续时长(秒)", 11},
    {"起点经度", 12},  {"起点纬度", 11},    {"终点经度", 12},  {"终点纬度", 11}, {"实测值", 10},
    {"限值", 10},      {"超出比例(%)", 11}, {"处罚标准", 22},  {"规则", 24},     {"数据来源", 28},
    {"证据点数", 9},   {"单位", 7},
};
#define NCOLS (sizeof cols / sizeof cols[0])

static const char *unit_zh(event_type t)
{
    switch (t) {
    case EV_SPEEDING:
    case EV_NIGHT_SPEEDING: return "km/h";
    case EV_OVERLOAD:
    case EV_OVER_LIMIT:
    case EV_AXLE_OVERLOAD: return "kg";
    case EV_OVER_CAPACITY: return "人";
    case EV_POSITION_MISMATCH: return "km";
    default: return "秒";
    }
}

/* Excel's limits: 32 767 characters a cell, 1 048 576 rows a sheet. */
#define XLSX_CELL_MAX 32767
#define XLSX_ROWS_MAX 1048576

/* Text from input: a leading ' when it would start a formula; cut (on a
 * character boundary) to what a cell holds, the full text staying in
 * events.csv. */
static lxw_error input_text(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s, rl_buf *tmp)
{
    if (!s || !*s)
        return LXW_NO_ERROR;
    size_t n = strlen(s);
    bool formula = text_is_formula(s, n);
    size_t room = XLSX_CELL_MAX - (formula ? 1 : 0);
    if (!formula && n <= room)
        return worksheet_write_string(ws, r, c, s, NULL);
    tmp->len = 0;
    if (formula)
        buf_putc(tmp, '\'');
    buf_put(tmp, s, utf8_cut(s, n, room));
    return worksheet_write_string(ws, r, c, tmp->p, NULL);
}

static double fixed(int64_t v, int scale)
{
    double d = (double)v;
    for (int i = 0; i < scale; i++)
        d /= 10.0;
    return d;
}

/* Excel serial date of a UTC instant shown in the analysis zone. */
static double excel_time(int64_t utc, int32_t tz) { return (double)(utc + tz) / 86400.0 + 25569.0; }

bool report_xlsx(const rl_run *run, const char *path)
{
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_FALSE};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    if (!wb)
        return false;
    lxw_format *head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_bg_color(head, 0xF1F3F5);
    format_set_bottom(head, LXW_BORDER_THIN);
    lxw_format *when = workbook_add_format(wb);
    format_set_num_format(when, "yyyy-mm-dd hh:mm:ss");
    lxw_format *coord = workbook_add_format(wb);
    format_set_num_format(coord, "0.000000");
    lxw_format *pct = workbook_add_format(wb);
    format_set_num_format(pct, "0.00");
    bool zh = true;
    rl_buf tmp = {0};
    int32_t tz = run->opt.tz;
    lxw_error err = LXW_NO_ERROR;
    lxw_worksheet *ws = NULL;
    size_t per_sheet = XLSX_ROWS_MAX - 1, sheet = 0;
    /* --ledger: the case status as a last column */
    lxw_col_t ncols = (lxw_col_t)(NCOLS + (run->case_status != NULL));
    for (size_t i = 0; i < run->events.n || (i == 0 && !ws); i++) {
        if (i % per_sheet == 0) {
            /* a ledger longer than a sheet goes on in 违规事件 (2), ... */
            char name[32];
            if (sheet++ == 0)
                snprintf(name, sizeof name, "违规事件");
            else
                snprintf(name, sizeof name, "违规事件 (%zu)", sheet);
            ws = workbook_add_worksheet(wb, name);
            if (!ws) {
                err = LXW_ERROR_MEMORY_MALLOC_FAILED;
                break;
            }
            size_t rows = run->events.n - i < per_sheet ? run->events.n - i : per_sheet;
            for (lxw_col_t c = 0; c < NCOLS; c++)
                worksheet_set_column(ws, c, c, cols[c].width, c == 7 || c == 8 ? when : NULL);
            worksheet_freeze_panes(ws, 1, 0);
            worksheet_autofilter(ws, 0, 0, (lxw_row_t)rows, ncols - 1);
            for (lxw_col_t c = 0; c < NCOLS; c++)
                worksheet_write_string(ws, 0, c, cols[c].title, head);
            if (run->case_status)
                worksheet_write_string(ws, 0, NCOLS, "案件状态", head);
            if (run->events.n == 0)
                break;
        }
        const rl_event *e = &run->events.e[i];
        const rl_vehicle *v = vtable_at(run->vt, e->vehicle);
        lxw_row_t r = (lxw_row_t)(i % per_sheet + 1);
        char text[512];
        lxw_error w = LXW_NO_ERROR;
#define PUT(call)                                                                                                \
    do {                                                                                                         \
        lxw_error e_ = (call);                                                                                   \
        if (e_ != LXW_NO_ERROR && w == LXW_NO_ERROR)                                                             \
            w = e_;                                                                                              \
    } while (0)
        PUT(worksheet_write_string(ws, r, 0, e->id, NULL));
        PUT(input_text(ws, r, 1, run_vehicle_label(run, v), &tmp));
        snprintf(text, sizeof text, "%s%s", report_color_label(v->color, zh), v->color ? "色" : "");
        PUT(worksheet_write_string(ws, r, 2, text, NULL));
        PUT(worksheet_write_string(ws, r, 3, report_class_label(v->cls, zh), NULL));
        PUT(input_text(ws, r, 4, run_vehicle_company(run, v), &tmp));
        PUT(input_text(ws, r, 5, strtab_get(run->str, e->driver), &tmp));
        PUT(worksheet_write_string(ws, r, 6, report_type_label(e->type, zh), NULL));
        PUT(worksheet_write_number(ws, r, 7, excel_time(e->start, tz), when));
        PUT(worksheet_write_number(ws, r, 8, excel_time(e->end, tz), when));
        PUT(worksheet_write_number(ws, r, 9, (double)(e->end - e->start), NULL));
        if (e->have_pos) {
            PUT(worksheet_write_number(ws, r, 10, fixed(e->start_lon_e6, 6), coord));
            PUT(worksheet_write_number(ws, r, 11, fixed(e->start_lat_e6, 6), coord));
            PUT(worksheet_write_number(ws, r, 12, fixed(e->end_lon_e6, 6), coord));
            PUT(worksheet_write_number(ws, r, 13, fixed(e->end_lat_e6, 6), coord));
        }
        PUT(worksheet_write_number(ws, r, 14, fixed(e->value, e->scale), NULL));
        PUT(worksheet_write_number(ws, r, 15, fixed(e->limit, e->scale), NULL));
        PUT(worksheet_write_number(ws, r, 16, (double)llround(event_excess_pct(e) * 100.0) / 100.0, pct));
        report_severity_text(e->severity, zh, text, sizeof text);
        PUT(worksheet_write_string(ws, r, 17, text, NULL));
        PUT(worksheet_write_string(ws, r, 18, e->rule ? e->rule : "", NULL));
        run_format_origin(run, e->origin, text, sizeof text);
        PUT(input_text(ws, r, 19, text, &tmp));
        PUT(worksheet_write_number(ws, r, 20, e->evidence_points, NULL));
        PUT(worksheet_write_string(ws, r, 21, unit_zh(e->type), NULL));
        if (run->case_status)
            PUT(worksheet_write_string(ws, r, NCOLS, cases_status_text(run->case_status[i], zh, text, sizeof text),
                                       NULL));
#undef PUT
        if (w != LXW_NO_ERROR && err == LXW_NO_ERROR)
            err = w;
    }
    buf_free(&tmp);
    lxw_error closed = workbook_close(wb);
    if (err != LXW_NO_ERROR || closed != LXW_NO_ERROR) {
        fprintf(stderr, "roadlog: events.xlsx: %s\n", lxw_strerror(err != LXW_NO_ERROR ? err : closed));
        return false;
    }
    return true;
}
