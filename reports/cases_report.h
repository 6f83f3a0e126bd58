/*
 * cases_report.h - the case ledger's documents (LEDGER.md):
 *   - `ledger report --month`: ledger.html (self-contained) and
 *     ledger.xlsx: the month's cases opened, by status, overdue, 处理率
 *     and 销号率, by type; the company 考核 table with ranks and the change
 *     against the previous month; the blacklists in force at the month's
 *     end and their changes during it;
 *   - `ledger list --csv/--xlsx`: the cases as a table;
 *   - `summary --by company`: the 考核 table of each month of the outputs
 *     (company.csv, company.html), the same table as the ledger's.
 * Named cases_report so as not to be taken for reports/ledger.c, the
 * events.csv writer.
 */
#ifndef RL_CASES_REPORT_H
#define RL_CASES_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "assess.h"
#include "cases.h"
#include "cases_stats.h"
#include "csvout.h"
#include "util.h"

/* ---- list ---- */

void cases_csv_header(outbuf *o);
void cases_csv_row(outbuf *o, const case_row *r, int32_t tz);
/* An xlsx of cases (libxlsxwriter, constant memory): NULL + errno when
 * the file cannot be made; close returns false when it could not be
 * written. */
void *cases_xlsx_open(const char *path);
bool cases_xlsx_row(void *x, const case_row *r, int32_t tz);
bool cases_xlsx_close(void *x);

/* ---- the month ---- */

typedef struct cases_month_report {
    int32_t month;               /* year * 12 + month - 1 */
    int64_t start, end;          /* [start, end) UTC */
    int64_t as_of;               /* statuses and overdue as of (now) */
    int64_t bl_at;               /* blacklists at: the month's end, or now */
    int32_t tz;
    cases_stats st;
    assess_table cur, prev;
    uint32_t by_type[EV_TYPE_COUNT][CASE_NSTATUS];
    uint32_t overdue_by_type[EV_TYPE_COUNT];
    cs_blacklists bl;
    const rl_rules *rules;
    bool by_registry;
    bool zh;
    const char *ledger;          /* shown in the header */
} cases_month_report;

bool cases_month_report_build(cases_ledger *lg, strtab *names, const rl_registry *reg, int32_t month,
                              cases_month_report *r);
void cases_month_report_free(cases_month_report *r);
bool cases_report_html(const cases_month_report *r, const char *path);
bool cases_report_xlsx(const cases_month_report *r, const char *path);
/* The 考核 table as plain text. */
void cases_report_print(const cases_month_report *r, FILE *out);

/* The evidence of a listing: event ids (vehicle, driver) or months with
 * their rate (company), at most `max`, comma-separated. */
void cases_listing_evidence(const cases_stats *st, const cs_blacklists *bl, const bl_listing *l, rl_buf *out,
                            size_t max);

/* ---- analyze --ledger ---- */

/* A case status code (rl_run.case_status: status + 1, 0 = not in the
 * ledger, bit 7 = overdue) as text: "挂牌督办（逾期）", "supervised
 * (overdue)", "未入台账" / "not in the ledger". */
const char *cases_status_text(uint8_t code, bool zh, char *buf, size_t n);
/* The same as a line in report.html's evidence cell. */
void cases_html_badge(FILE *f, uint8_t code, bool zh);

/* ---- summary --by company ---- */

/* The 考核 of every month in st from month `first` to `last` (absolute
 * months; each against the one before) as company.csv and company.html in
 * dir, and as text on out. */
bool cases_company_tables(const cases_stats *st, const rl_registry *reg, int32_t first, int32_t last, bool zh,
                          bool bom, const char *dir, FILE *out);

#endif
