/*
 * test_cases.c - the case ledger's parts that need no server: the
 * transitions of LEDGER.md (every pair), calendar months, the blacklist
 * windows and listings at their boundaries, the company 考核 table
 * (rates, ranks, ties, the unregistered row, the change from last month),
 * and the SQLite driver (text with NUL bytes, values bound not pasted).
 * tests/ledger.sh runs the whole ledger on SQLite and PostgreSQL.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess.h"
#include "blacklist.h"
#include "cases.h"
#include "cdb.h"
#include "timeutil.h"

#define TZ8 (8 * 3600)

static int64_t T(const char *s)
{
    tu_parser tp;
    tu_parser_init(&tp, TZ8);
    int64_t t = 0;
    const char *why = tu_parse(&tp, s, strlen(s), &t);
    if (why)
        fail_msg("bad test time %s: %s", s, why);
    return t;
}

static void str_time(int64_t t, char out[20]) { tu_format(t, TZ8, out); }

/* LEDGER.md: open -> notified -> supervised -> rectified -> closed;
 * open, notified, supervised -> dismissed; closed, dismissed -> open. */
static void test_transitions(void **st)
{
    (void)st;
    static const char allowed[CASE_NSTATUS][CASE_NSTATUS] = {
        /*              open notif superv rectif closed dismissed */
        [CASE_OPEN] = {0, 1, 0, 0, 0, 1},
        [CASE_NOTIFIED] = {0, 0, 1, 0, 0, 1},
        [CASE_SUPERVISED] = {0, 0, 0, 1, 0, 1},
        [CASE_RECTIFIED] = {0, 0, 0, 0, 1, 0},
        [CASE_CLOSED] = {1, 0, 0, 0, 0, 0},
        [CASE_DISMISSED] = {1, 0, 0, 0, 0, 0},
    };
    for (int f = 0; f < CASE_NSTATUS; f++)
        for (int t = 0; t < CASE_NSTATUS; t++)
            if (case_transition_allowed((case_status)f, (case_status)t) != allowed[f][t])
                fail_msg("%s -> %s", case_status_name((case_status)f), case_status_name((case_status)t));
    assert_true(case_transition_needs_note(CASE_OPEN, CASE_DISMISSED));
    assert_true(case_transition_needs_note(CASE_SUPERVISED, CASE_DISMISSED));
    assert_true(case_transition_needs_note(CASE_CLOSED, CASE_OPEN));
    assert_true(case_transition_needs_note(CASE_DISMISSED, CASE_OPEN));
    assert_false(case_transition_needs_note(CASE_OPEN, CASE_NOTIFIED));
    assert_false(case_transition_needs_note(CASE_RECTIFIED, CASE_CLOSED));
    char b[128];
    case_transitions_from(CASE_OPEN, b, sizeof b);
    assert_string_equal(b, "notified, dismissed");
    case_transitions_from(CASE_RECTIFIED, b, sizeof b);
    assert_string_equal(b, "closed");
    case_status s;
    assert_true(case_status_parse("挂牌督办", &s));
    assert_int_equal(s, CASE_SUPERVISED);
    assert_true(case_status_parse("closed", &s));
    assert_int_equal(s, CASE_CLOSED);
    assert_false(case_status_parse("Closed", &s));
    assert_false(case_status_parse("", &s));
    int64_t key;
    assert_true(cases_key("ffffffffffffffff", &key));
    assert_int_equal(key, -1);
    assert_false(cases_key("FFFFFFFFFFFFFFFF", &key));
    assert_false(cases_key("0123", &key));
}

static void test_months(void **st)
{
    (void)st;
    char b[20];
    str_time(cases_add_months(T("2026-03-31 10:00:00"), -1, TZ8), b);
    assert_string_equal(b, "2026-02-28 10:00:00");
    str_time(cases_add_months(T("2024-02-29 23:59:59"), 12, TZ8), b);
    assert_string_equal(b, "2025-02-28 23:59:59");
    str_time(cases_add_months(T("2026-01-15 00:00:00"), -13, TZ8), b);
    assert_string_equal(b, "2024-12-15 00:00:00");
    str_time(cases_add_months(T("2026-12-20 10:00:00"), 36, TZ8), b);
    assert_string_equal(b, "2029-12-20 10:00:00");
    /* local midnight, not UTC's: 00:30 +08:00 is the previous UTC day */
    str_time(cases_month_start(T("2026-11-01 00:30:00"), 0, TZ8), b);
    assert_string_equal(b, "2026-11-01 00:00:00");
    str_time(cases_month_start(T("2026-11-30 23:59:59"), 2, TZ8), b);
    assert_string_equal(b, "2027-01-01 00:00:00");
    int64_t m;
    assert_true(cases_parse_month("2026-02", TZ8, &m));
    assert_int_equal(m, T("2026-02-01 00:00:00"));
    assert_false(cases_parse_month("2026-13", TZ8, &m));
    assert_false(cases_parse_month("2026-1", TZ8, &m));
    str_time(cases_day_end(T("2026-10-01 09:00:00"), 15, TZ8), b);
    assert_string_equal(b, "2026-10-16 23:59:59");
}

static bl_params vehicle_params(void)
{
    return (bl_params){.threshold = 3, .window_months = 12, .months = 36, .review_months = 12, .tz = TZ8};
}

/* The 12 months are (t - 12 months, t]: a case exactly 12 months before
 * the third is outside; one second later it is inside. */
static void test_blacklist_window_edges(void **st)
{
    (void)st;
    bl_params p = vehicle_params();
    bl_item out_edge[] = {{1, T("2025-06-10 10:00:00"), 1, 0}, {1, T("2025-12-01 10:00:00"), 1, 1},
                          {1, T("2026-06-10 10:00:00"), 1, 2}};
    bl_list l = {0};
    bl_compute(BL_VEHICLE, out_edge, 3, &p, &l);
    assert_int_equal(l.n, 0);
    bl_item in_edge[] = {{1, T("2025-06-10 10:00:01"), 1, 0}, {1, T("2025-12-01 10:00:00"), 1, 1},
                         {1, T("2026-06-10 10:00:00"), 1, 2}};
    bl_compute(BL_VEHICLE, in_edge, 3, &p, &l);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.l[0].from, T("2026-06-10 10:00:00"));
    assert_int_equal(l.l[0].first, T("2025-06-10 10:00:01"));
    assert_int_equal(l.l[0].count, 3);
    /* no new trigger: removed 12 months after the trigger, before the 36 */
    assert_int_equal(l.l[0].until, T("2027-06-10 10:00:00"));
    assert_true(l.l[0].early);
    assert_false(bl_in_force(&l.l[0], T("2026-06-10 09:59:59")));
    assert_true(bl_in_force(&l.l[0], T("2026-06-10 10:00:00")));
    assert_false(bl_in_force(&l.l[0], T("2027-06-10 10:00:00")));
    bl_list_free(&l);
}

/* Triggers every 6 months keep the listing until its full term (36
 * months from the first), then a trigger starts a new one. */
static void test_blacklist_full_term_and_relisting(void **st)
{
    (void)st;
    bl_params p = vehicle_params();
    bl_item it[63];
    size_t n = 0;
    /* three cases a month for 21 months: every case after the first two
     * is a trigger */
    for (int m = 0; m < 21; m++)
        for (int k = 0; k < 3; k++, n++)
            it[n] = (bl_item){7, cases_add_months(T("2026-01-05 08:00:00"), m, TZ8) + k * 3600, 1, (uint32_t)n};
    bl_list l = {0};
    bl_compute(BL_VEHICLE, it, n, &p, &l);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.l[0].from, T("2026-01-05 10:00:00"));
    /* the last trigger is 2027-09-05 10:00; removed on review 12 months later */
    assert_int_equal(l.l[0].until, T("2028-09-05 10:00:00"));
    assert_true(l.l[0].early);
    assert_int_equal(l.l[0].count, 63);
    bl_list_free(&l);

    bl_item spread[200];
    n = 0;
    for (int m = 0; m < 60; m++)
        for (int k = 0; k < 3; k++, n++)
            spread[n] = (bl_item){9, cases_add_months(T("2026-01-05 08:00:00"), m, TZ8) + k * 3600, 1, (uint32_t)n};
    bl_compute(BL_VEHICLE, spread, n, &p, &l);
    /* the first listing lasts its full 36 months; the next trigger after
     * it starts a second one */
    assert_int_equal(l.n, 2);
    assert_int_equal(l.l[0].from, T("2026-01-05 10:00:00"));
    assert_int_equal(l.l[0].until, T("2029-01-05 10:00:00"));
    assert_false(l.l[0].early);
    assert_true(l.l[1].from >= l.l[0].until);
    assert_int_equal(l.l[1].from, T("2029-01-05 10:00:00"));
    bl_list_free(&l);
}

/* Drivers: points summed; companies: each month over the rate triggers. */
static void test_blacklist_points_and_months(void **st)
{
    (void)st;
    bl_params p = vehicle_params();
    p.threshold = 12;
    bl_item drv[] = {{3, T("2026-03-01 10:00:00"), 6, 0}, {3, T("2026-03-05 10:00:00"), 5, 1},
                     {4, T("2026-03-01 10:00:00"), 12, 2}, {3, T("2026-04-05 10:00:00"), 1, 3}};
    bl_list l = {0};
    bl_compute(BL_DRIVER, drv, 4, &p, &l);
    assert_int_equal(l.n, 2);
    /* sorted by subject: driver 3 reaches 12 with the third case */
    assert_int_equal(l.l[0].subject, 3);
    assert_int_equal(l.l[0].from, T("2026-04-05 10:00:00"));
    assert_int_equal(l.l[0].sum, 12);
    assert_int_equal(l.l[1].subject, 4);
    assert_int_equal(l.l[1].from, T("2026-03-01 10:00:00"));
    bl_list_free(&l);

    p.threshold = 1;
    p.window_months = 0;
    bl_item months[] = {{5, T("2026-03-01 00:00:00"), 1, 0}, {5, T("2027-06-01 00:00:00"), 1, 1}};
    bl_compute(BL_COMPANY, months, 2, &p, &l);
    /* 15 months apart: the first listing ended after 12 */
    assert_int_equal(l.n, 2);
    assert_int_equal(l.l[0].until, T("2027-03-01 00:00:00"));
    assert_int_equal(l.l[0].count, 1);
    bl_list_free(&l);
}

static const char *const NAMES[] = {"", "甲", "乙", "丙"};
static const char *name_of(void *ud, uint32_t c)
{
    (void)ud;
    return c < 4 ? NAMES[c] : "?";
}

/* Two companies of 2 vehicles, one with 1 vehicle, and an unregistered
 * vehicle; figures by hand. */
static void test_assess(void **st)
{
    (void)st;
    assess_vehicle v[] = {
        {1, true, 1000, 990, 0, 100000, 1000, true},  /* 甲 */
        {1, true, 0, 0, 0, 0, 0, true},               /* 甲, silent */
        {2, true, 500, 500, 2, 50000, 0, true},       /* 乙 */
        {2, true, 500, 480, 0, 50000, 0, false},      /* 乙, an output without gap_km */
        {3, true, 100, 100, 0, 10000, 0, true},       /* 丙 */
        {0, true, 10, 10, 0, 1000, 0, true},          /* not in the registry */
    };
    assess_case c[] = {
        {0, EV_SPEEDING, CASE_CLOSED, false},    {0, EV_FATIGUE_CONTINUOUS, CASE_OPEN, true},
        {2, EV_SPEEDING, CASE_DISMISSED, false}, {3, EV_NIGHT_SPEEDING, CASE_NOTIFIED, true},
        {4, EV_OVERLOAD, CASE_RECTIFIED, false}, {5, EV_SPEEDING, CASE_OPEN, false},
    };
    assess_month m = {v, 6, c, 6};
    assess_table t;
    assess_compute(&m, name_of, NULL, &t);
    assert_int_equal(t.n, 4);
    /* 甲 2 cases / 2 vehicles = 1.0; 乙 1 (one dismissed) / 2 = 0.5; 丙 1 / 1 = 1.0 */
    assert_int_equal(t.row[0].company, 2);
    assert_int_equal(t.row[0].rank, 1);
    assert_true(fabs(t.row[0].cases_per_vehicle - 0.5) < 1e-12);
    assert_true(fabs(t.row[0].handled_rate - 0.5) < 1e-12); /* 1 dismissed of 2 */
    assert_true(fabs(t.row[0].drift_rate - 0.5) < 1e-12);
    assert_true(isnan(t.row[0].completeness)); /* gap_km unknown for one of its outputs */
    /* 甲 and 丙 tie on cases per vehicle; 甲 has handled 1 of 2 (50 %), 丙 none */
    assert_int_equal(t.row[1].company, 1);
    assert_int_equal(t.row[1].rank, 2);
    assert_int_equal(t.row[1].vehicles, 2);
    assert_int_equal(t.row[1].online, 1);
    assert_true(fabs(t.row[1].online_rate - 0.5) < 1e-12);
    assert_true(fabs(t.row[1].quality - 0.99) < 1e-12);
    assert_true(fabs(t.row[1].completeness - 0.99) < 1e-12);
    assert_true(fabs(t.row[1].fatigue_per_10k_km - 100.0) < 1e-9); /* 1 case in 100 km */
    assert_int_equal(t.row[1].overdue, 1);
    assert_int_equal(t.row[2].company, 3);
    assert_int_equal(t.row[2].rank, 3);
    /* the unregistered row last, not ranked */
    assert_int_equal(t.row[3].company, 0);
    assert_int_equal(t.row[3].rank, 0);
    assert_int_equal(t.total.vehicles, 6);
    assert_int_equal(t.total.cases, 6);
    assert_int_equal(t.total.counted, 5);
    assert_int_equal(t.total.speeding, 3);

    /* last month 丙 was first and 乙 third */
    assess_table prev = {0};
    assess_row pr[] = {{.company = 3, .rank = 1, .cases_per_vehicle = 0}, {.company = 2, .rank = 3, .cases_per_vehicle = 2}};
    prev.row = pr;
    prev.n = 2;
    assess_compare(&t, &prev);
    assert_true(t.row[0].have_prev);
    assert_int_equal(t.row[0].prev_rank, 3);
    assert_false(t.row[1].have_prev); /* 甲 had no row */
    assert_int_equal(t.row[2].prev_rank, 1);
    assess_free(&t);
}

/* A company without vehicles (cases only, registry given elsewhere) has
 * no rate: it is not ranked ahead of anyone by a 0/0. */
static void test_assess_empty(void **st)
{
    (void)st;
    assess_month m = {NULL, 0, NULL, 0};
    assess_table t;
    assess_compute(&m, name_of, NULL, &t);
    assert_int_equal(t.n, 0);
    assert_true(isnan(t.total.online_rate));
    assess_free(&t);
}

/* The SQLite driver: text with NUL bytes and quotes goes in and out
 * exactly, as a value (never SQL); changes counted; errors reported. */
static void test_sqlite_driver(void **st)
{
    (void)st;
    char err[256];
    cdb *db = cdb_open(":memory:", true, err, sizeof err);
    assert_non_null(db);
    assert_string_equal(cdb_driver_name(db), "SQLite");
    assert_true(cdb_exec(db, "CREATE TABLE t (id {ID}, s {TEXT}, n BIGINT)"));
    cdb_stmt *ins = cdb_prepare(db, "INSERT INTO t (s, n) VALUES (?, ?)");
    assert_non_null(ins);
    static const char hostile[] = "a'b\"c;--\0d'); DROP TABLE t; --";
    cdb_bind_text(ins, 1, hostile, sizeof hostile - 1);
    cdb_bind_int(ins, 2, -5);
    assert_true(cdb_run(ins));
    assert_int_equal(cdb_changes(ins), 1);
    cdb_finalize(ins);
    cdb_stmt *sel = cdb_prepare(db, "SELECT s, n, '?' FROM t WHERE s = ?");
    cdb_bind_text(sel, 1, hostile, sizeof hostile - 1);
    assert_int_equal(cdb_step(sel), CDB_ROW);
    size_t n;
    const char *s = cdb_text(sel, 0, &n);
    assert_int_equal(n, sizeof hostile - 1);
    assert_memory_equal(s, hostile, n);
    assert_int_equal(cdb_int(sel, 1), -5);
    assert_string_equal(cdb_text(sel, 2, NULL), "?");
    assert_int_equal(cdb_step(sel), CDB_DONE);
    cdb_finalize(sel);
    assert_null(cdb_prepare(db, "SELECT 1 FROM nowhere"));
    assert_non_null(strstr(cdb_error(db), "nowhere"));
    cdb_close(db);
}

/* A fresh ledger gets the schema; the schema check refuses another
 * program's tables. */
static void test_schema(void **st)
{
    (void)st;
    char err[512];
    cases_ledger *lg = cases_open(":memory:", true, NULL, TZ8, err, sizeof err);
    assert_non_null(lg);
    cdb_stmt *s = cdb_prepare(lg->db, "SELECT app, version FROM schema_version");
    assert_int_equal(cdb_step(s), CDB_ROW);
    assert_string_equal(cdb_text(s, 0, NULL), "roadlog ledger");
    assert_int_equal(cdb_int(s, 1), CASES_SCHEMA_VERSION);
    cdb_finalize(s);
    assert_int_equal((int)lg->rules.v[R_LEDGER_DEADLINE_DAYS], 15);
    cases_close(lg);
    assert_null(cases_open("/nonexistent-dir/x.db", false, NULL, TZ8, err, sizeof err));
    assert_non_null(strstr(err, "no such ledger"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transitions),
        cmocka_unit_test(test_months),
        cmocka_unit_test(test_blacklist_window_edges),
        cmocka_unit_test(test_blacklist_full_term_and_relisting),
        cmocka_unit_test(test_blacklist_points_and_months),
        cmocka_unit_test(test_assess),
        cmocka_unit_test(test_assess_empty),
        cmocka_unit_test(test_sqlite_driver),
        cmocka_unit_test(test_schema),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
