/*
 * xlsx.c - events.xlsx: the violation ledger for Excel (libxlsxwriter).
 *
 * The events.csv columns in the same order (the weighing's GPS fix, the
 * zone, the status included), with Chinese titles, then a 单位 column (the unit of 实测值/限值: km/h, 秒, kg, 人, km).  A second
 * sheet 规则依据 gives each rule id the events name with its basis
 * (《…》第…条): once per rule, not per row (150 000 rows of citations cost
 * a second).  For the
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
#include "privacy.h"
#include "reports.h"
#include "timeutil.h"
#include "util.h"

/* The events.csv columns, titled from the label table (i18n.h) */
static const struct {
    label_id title;
    double width;
} cols[] = {
    {L_EVENT_ID, 18},       {L_PLATE, 12},         {L_XLSX_COLOR, 8},     {L_CLASS, 12},
    {L_COMPANY, 24},        {L_DRIVER, 14},        {L_TYPE, 14},          {L_XLSX_START, 19},
    {L_XLSX_END, 19},       {L_XLSX_DURATION, 11}, {L_XLSX_START_LON, 12}, {L_XLSX_START_LAT, 11},
    {L_XLSX_END_LON, 12},   {L_XLSX_END_LAT, 11},  {L_XLSX_VALUE, 10},    {L_XLSX_LIMIT, 10},
    {L_XLSX_EXCESS, 11},    {L_PENALTY, 22},       {L_XLSX_RULE, 24},     {L_XLSX_SOURCE, 28},
    {L_XLSX_POINTS, 9},     {L_XLSX_GPS_TIME, 19}, {L_XLSX_GPS_KM, 10},   {L_ZONE_ID, 14},
    {L_ZONE_NAME, 20},      {L_ROAD_TYPE, 12},     {L_STATUS, 8},         {L_XLSX_UNIT, 7},
};
/* columns holding date-times */
enum { COL_START = 7, COL_END = 8, COL_GPS_TIME = 21 };
#define NCOLS (sizeof cols / sizeof cols[0])

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

/* 规则依据: the rules the events name, each with its Chinese basis. */
static lxw_error basis_sheet(lxw_workbook *wb, const rl_run *run, lxw_format *head)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, i18n_label(L_XLSX_RULES_SHEET, true));
    if (!ws)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    worksheet_set_column(ws, 0, 0, 30, NULL);
    worksheet_set_column(ws, 1, 1, 100, NULL);
    lxw_error err = worksheet_write_string(ws, 0, 0, i18n_label(L_XLSX_RULE, true), head);
    if (err == LXW_NO_ERROR)
        err = worksheet_write_string(ws, 0, 1, i18n_label(L_XLSX_BASIS, true), head);
    /* rule ids are few: a small list of the distinct ones, in order seen */
    const char **seen = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < run->events.n && err == LXW_NO_ERROR; i++) {
        const char *id = run->events.e[i].rule;
        bool dup = !id;
        for (size_t k = 0; k < n && !dup; k++)
            dup = seen[k] == id || strcmp(seen[k], id) == 0;
        if (dup)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            seen = xrealloc(seen, cap * sizeof *seen);
        }
        seen[n++] = id;
        const char *basis = rule_basis(id, true);
        err = worksheet_write_string(ws, (lxw_row_t)n, 0, id, NULL);
        if (err == LXW_NO_ERROR && basis)
            err = worksheet_write_string(ws, (lxw_row_t)n, 1, basis, NULL);
    }
    free(seen);
    return err;
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
                snprintf(name, sizeof name, "%s", i18n_label(L_XLSX_SHEET, zh));
            else
                snprintf(name, sizeof name, "%s (%zu)", i18n_label(L_XLSX_SHEET, zh), sheet);
            ws = workbook_add_worksheet(wb, name);
            if (!ws) {
                err = LXW_ERROR_MEMORY_MALLOC_FAILED;
                break;
            }
            size_t rows = run->events.n - i < per_sheet ? run->events.n - i : per_sheet;
            for (lxw_col_t c = 0; c < NCOLS; c++)
                worksheet_set_column(ws, c, c, cols[c].width,
                                     c == COL_START || c == COL_END || c == COL_GPS_TIME ? when : NULL);
            worksheet_freeze_panes(ws, 1, 0);
            worksheet_autofilter(ws, 0, 0, (lxw_row_t)rows, ncols - 1);
            for (lxw_col_t c = 0; c < NCOLS; c++)
                worksheet_write_string(ws, 0, c, i18n_label(cols[c].title, zh), head);
            if (run->case_status)
                worksheet_write_string(ws, 0, NCOLS, i18n_label(L_CASE_STATUS, zh), head);
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
        char masked[19];
        PUT(input_text(ws, r, 5, driver_shown(strtab_get(run->str, e->driver), run->opt.show_ids, masked), &tmp));
        PUT(worksheet_write_string(ws, r, 6, report_type_label(e->type, zh), NULL));
        PUT(worksheet_write_number(ws, r, COL_START, excel_time(e->start, tz), when));
        PUT(worksheet_write_number(ws, r, COL_END, excel_time(e->end, tz), when));
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
        /* a weighing's nearest GPS fix (FORMATS.md's extra columns) */
        if (e->have_gps)
            PUT(worksheet_write_number(ws, r, COL_GPS_TIME, excel_time(e->gps_time, tz), when));
        if (e->have_gps_distance)
            PUT(worksheet_write_number(ws, r, 22, fixed(e->gps_distance_m, 3), NULL));
        /* the zone (ZONES.md): ids and names come from the zone file */
        PUT(input_text(ws, r, 23, e->zone_id, &tmp));
        PUT(input_text(ws, r, 24, e->zone_name, &tmp));
        if (e->road_type != ROAD_NONE)
            PUT(worksheet_write_string(ws, r, 25, report_road_label(e->road_type, zh), NULL));
        static const label_id status[] = {[EV_STATUS_CLOSED] = L_STATUS_CLOSED, [EV_STATUS_OPEN] = L_STATUS_OPEN,
                                          [EV_STATUS_WITHDRAWN] = L_STATUS_WITHDRAWN};
        PUT(worksheet_write_string(ws, r, 26, i18n_label(status[e->status <= EV_STATUS_WITHDRAWN ? e->status : 0], zh),
                                   NULL));
        PUT(worksheet_write_string(ws, r, 27, report_unit(e->type, zh), NULL));
        if (run->case_status)
            PUT(worksheet_write_string(ws, r, NCOLS, cases_status_text(run->case_status[i], zh, text, sizeof text),
                                       NULL));
#undef PUT
        if (w != LXW_NO_ERROR && err == LXW_NO_ERROR)
            err = w;
    }
    if (err == LXW_NO_ERROR)
        err = basis_sheet(wb, run, head);
    buf_free(&tmp);
    lxw_error closed = workbook_close(wb);
    if (err != LXW_NO_ERROR || closed != LXW_NO_ERROR) {
        fprintf(stderr, "roadlog: events.xlsx: %s\n", lxw_strerror(err != LXW_NO_ERROR ? err : closed));
        return false;
    }
    return true;
}
