/*
 * test_event.c - event types, event ids, excess and the speeding severity
 * table (src/event.h) against FORMATS.md events.csv and RULES.md §2.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <openssl/sha.h>

#include "event.h"

static void test_type_names(void **st)
{
    (void)st;
    static const char *const want[EV_TYPE_COUNT] = {
        "speeding", "night_speeding", "fatigue_continuous", "fatigue_night", "fatigue_daily", "night_ban",
        "overload", "over_limit", "axle_overload", "over_capacity", "position_mismatch", "gps_gap",
        "zone_restricted", "route_deviation", "terminal_alarm", "adas_alarm", "dsm_alarm", "tpms_alarm",
        "bsd_alarm", "terminal_silent",
    };
    for (int t = 0; t < EV_TYPE_COUNT; t++) {
        assert_string_equal(event_type_name((event_type)t), want[t]);
        event_type p = EV_TYPE_COUNT;
        assert_true(event_type_parse(want[t], &p));
        assert_int_equal(p, t);
        const char *zh = event_type_name_zh((event_type)t);
        assert_non_null(zh);
        assert_true(strlen(zh) > 0);
    }
    assert_string_equal(event_type_name_zh(EV_SPEEDING), "超速");
    assert_string_equal(event_type_name_zh(EV_NIGHT_SPEEDING), "夜间超速");
    event_type p;
    assert_false(event_type_parse("zone", &p));
    assert_false(event_type_parse("", &p));
    assert_false(event_type_parse("speeding ", &p));
}

static int is_hex16(const char *s)
{
    if (strlen(s) != 16)
        return 0;
    for (int i = 0; i < 16; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

static void test_id_stable_and_distinct(void **st)
{
    (void)st;
    char a[17], b[17];
    event_make_id("粤B12345", 2, EV_SPEEDING, 1773534600, NULL, a);
    assert_true(is_hex16(a));
    event_make_id("粤B12345", 2, EV_SPEEDING, 1773534600, NULL, b);
    assert_string_equal(a, b);
    /* each field changes the id */
    event_make_id("粤B12346", 2, EV_SPEEDING, 1773534600, NULL, b);
    assert_string_not_equal(a, b);
    event_make_id("粤B12345", 1, EV_SPEEDING, 1773534600, NULL, b);
    assert_string_not_equal(a, b);
    event_make_id("粤B12345", 2, EV_NIGHT_SPEEDING, 1773534600, NULL, b);
    assert_string_not_equal(a, b);
    event_make_id("粤B12345", 2, EV_SPEEDING, 1773534601, NULL, b);
    assert_string_not_equal(a, b);
    /* no ambiguity from concatenation */
    char c[17], d[17];
    event_make_id("A1", 2, EV_SPEEDING, 11, NULL, c);
    event_make_id("A", 12, EV_SPEEDING, 11, NULL, d);
    assert_string_not_equal(c, d);
}

/* event.h: the first 16 hex digits of SHA-256 over "plate|colour|type|start". */
static void test_id_is_sha256(void **st)
{
    (void)st;
    char id[17];
    event_make_id("粤B12345", 2, EV_SPEEDING, 1773534600, NULL, id);
    assert_string_equal(id, "f44a6fd071cb6e1c");
    const char *txt = "京AF0236|1|night_speeding|-5";
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)txt, strlen(txt), md);
    char want[17];
    for (int i = 0; i < 8; i++)
        snprintf(want + 2 * i, 3, "%02x", md[i]);
    event_make_id("京AF0236", 1, EV_NIGHT_SPEEDING, -5, NULL, id);
    assert_string_equal(id, want);
}

/* The id as it was first defined: "%s|%d|%s|%lld" printed into 160
 * bytes (so a key past 159 bytes is cut there), then SHA-256. */
static void id_by_definition(const char *plate, int color, event_type t, int64_t start, const char *rule,
                             char out[17])
{
    char key[160];
    int n = event_type_id_has_rule(t)
                ? snprintf(key, sizeof key, "%s|%d|%s|%lld|%s", plate, color, event_type_name(t), (long long)start, rule)
                : snprintf(key, sizeof key, "%s|%d|%s|%lld", plate, color, event_type_name(t), (long long)start);
    size_t len = n >= (int)sizeof key ? sizeof key - 1 : (size_t)n;
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)key, len, md);
    for (int i = 0; i < 8; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void test_id_generator_matches_definition(void **st)
{
    (void)st;
    /* one generator for many ids, as the analysis uses it: plates of
     * every length up to past the 159-byte cut (where only the plate,
     * or the plate and part of the rest, is hashed), colours and starts
     * of every sign and size */
    event_idgen *g = event_idgen_new();
    char plate[240];
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 3000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        size_t n = i < 240 ? (size_t)i : (size_t)(x % 200);
        for (size_t k = 0; k < n; k++)
            plate[k] = "粤B0123456789ABC"[(x >> (k % 40)) % 17];
        plate[n] = 0;
        int color = (int)(x % 3 == 0 ? (int64_t)(x >> 8) : (int64_t)(x % 10)) * (x & 2 ? -1 : 1);
        event_type t = (event_type)(x % EV_TYPE_COUNT);
        int64_t start = (int64_t)(x >> (x % 64)) * (x & 4 ? -1 : 1);
        if (i == 7)
            start = INT64_MIN;
        char got[17], want[17];
        static const char *const rules[] = {"zone:centre", "dsm.phone", "alarm.overspeed", ""};
        const char *rule = rules[x % 4];
        event_idgen_make(g, plate, color, t, start, rule, got);
        id_by_definition(plate, color, t, start, rule, want);
        if (strcmp(got, want) != 0)
            fail_msg("id of \"%s|%d|%s|%lld\" is %s, want %s", plate, color, event_type_name(t), (long long)start,
                     got, want);
    }
    event_idgen_free(g);
}

static void test_excess_pct(void **st)
{
    (void)st;
    rl_event e;
    memset(&e, 0, sizeof e);
    e.scale = 3;
    e.value = 120000;
    e.limit = 100000;
    assert_true(fabs(event_excess_pct(&e) - 20.0) < 1e-9);
    e.value = 96000;
    e.limit = 80000;
    assert_true(fabs(event_excess_pct(&e) - 20.0) < 1e-9);
    e.value = 100000;
    e.limit = 100000;
    assert_true(fabs(event_excess_pct(&e)) < 1e-12);
    e.scale = 0;
    e.value = 18000;
    e.limit = 14400;
    assert_true(fabs(event_excess_pct(&e) - 25.0) < 1e-9);
}

static void test_severity_points(void **st)
{
    (void)st;
    assert_int_equal(severity_points("12 pts; 200-2000 yuan"), 12);
    assert_int_equal(severity_points("6 pts; warning or 20-200 yuan"), 6);
    assert_int_equal(severity_points("0 pts; warning or 20-200 yuan"), 0);
    assert_int_equal(severity_points("warning"), 0);
    assert_int_equal(severity_points(""), 0);
    assert_int_equal(severity_points("9 pts; 20-200 yuan"), 9);
}

/* ---- RULES.md §2 severity: group A = coach, charter, hazmat, heavy_truck,
 * muck; group B = truck, other; expressway; fine by excess (≤ 50 %
 * warning or 20-200, > 50 % 200-2000). ---- */

static void sev_road_is(vehicle_class c, road_type road, int64_t value_kmh_x1000, int64_t limit_kmh_x1000,
                        const char *want)
{
    char out[48];
    memset(out, 'x', sizeof out);
    severity_speeding(c, value_kmh_x1000, limit_kmh_x1000, road, out);
    if (strcmp(out, want) != 0)
        fail_msg("%s on %s %lld vs %lld: got \"%s\", want \"%s\"", class_name(c), road_type_name(road),
                 (long long)value_kmh_x1000, (long long)limit_kmh_x1000, out, want);
    assert_int_equal(severity_points(out), atoi(want));
}

/* Expressway rows: an urban expressway is the same row (高速公路、城市快速路),
 * and no road zone at all counts as an expressway (speeding.default_road's
 * default is applied by the detector; ROAD_NONE here means no zone). */
static void sev_is(vehicle_class c, int64_t value_kmh_x1000, int64_t limit_kmh_x1000, const char *want)
{
    sev_road_is(c, ROAD_EXPRESSWAY, value_kmh_x1000, limit_kmh_x1000, want);
    sev_road_is(c, ROAD_URBAN_EXPRESSWAY, value_kmh_x1000, limit_kmh_x1000, want);
    sev_road_is(c, ROAD_NONE, value_kmh_x1000, limit_kmh_x1000, want);
}

#define LOW "warning or 20-200 yuan"
#define HIGH "200-2000 yuan"

static void test_severity_group_a(void **st)
{
    (void)st;
    static const vehicle_class a[] = {CLASS_COACH, CLASS_CHARTER, CLASS_HAZMAT, CLASS_HEAVY_TRUCK, CLASS_MUCK};
    for (size_t i = 0; i < 5; i++) {
        vehicle_class c = a[i];
        sev_is(c, 100001, 100000, "6 pts; " LOW);
        sev_is(c, 109999, 100000, "6 pts; " LOW);
        sev_is(c, 110000, 100000, "6 pts; " LOW);  /* 10 % */
        sev_is(c, 119999, 100000, "6 pts; " LOW);
        sev_is(c, 120000, 100000, "12 pts; " LOW); /* 20 % */
        sev_is(c, 149999, 100000, "12 pts; " LOW);
        sev_is(c, 150000, 100000, "12 pts; " LOW); /* 50 %: still the lower fine */
        sev_is(c, 150001, 100000, "12 pts; " HIGH);
        sev_is(c, 250000, 100000, "12 pts; " HIGH);
    }
}

static void test_severity_group_b(void **st)
{
    (void)st;
    static const vehicle_class b[] = {CLASS_TRUCK, CLASS_OTHER};
    for (size_t i = 0; i < 2; i++) {
        vehicle_class c = b[i];
        sev_is(c, 120001, 120000, "0 pts; " LOW);
        sev_is(c, 132000, 120000, "0 pts; " LOW);  /* 10 % */
        sev_is(c, 143999, 120000, "0 pts; " LOW);
        sev_is(c, 144000, 120000, "6 pts; " LOW);  /* 20 % */
        sev_is(c, 179999, 120000, "6 pts; " LOW);
        sev_is(c, 180000, 120000, "12 pts; " LOW); /* 50 % */
        sev_is(c, 180001, 120000, "12 pts; " HIGH);
    }
}

/* RULES.md §2 other-road rows: group A 0/1/6/9, group B 0/0/3/6 (记分办法
 * 2022); the fine follows the excess as on an expressway.  The issue's
 * muck truck 7 % over a 40 km/h city limit: 0 points, not 6. */
static void test_severity_other_road(void **st)
{
    (void)st;
    static const vehicle_class a[] = {CLASS_COACH, CLASS_CHARTER, CLASS_HAZMAT, CLASS_HEAVY_TRUCK, CLASS_MUCK};
    for (size_t i = 0; i < 5; i++) {
        vehicle_class c = a[i];
        sev_road_is(c, ROAD_OTHER, 42800, 40000, "0 pts; " LOW); /* 7 % */
        sev_road_is(c, ROAD_OTHER, 43999, 40000, "0 pts; " LOW);
        sev_road_is(c, ROAD_OTHER, 44000, 40000, "1 pts; " LOW); /* 10 % */
        sev_road_is(c, ROAD_OTHER, 47999, 40000, "1 pts; " LOW);
        sev_road_is(c, ROAD_OTHER, 48000, 40000, "6 pts; " LOW); /* 20 % */
        sev_road_is(c, ROAD_OTHER, 60000, 40000, "9 pts; " LOW); /* 50 % */
        sev_road_is(c, ROAD_OTHER, 60001, 40000, "9 pts; " HIGH);
    }
    static const vehicle_class b[] = {CLASS_TRUCK, CLASS_OTHER};
    for (size_t i = 0; i < 2; i++) {
        vehicle_class c = b[i];
        sev_road_is(c, ROAD_OTHER, 43999, 40000, "0 pts; " LOW);
        sev_road_is(c, ROAD_OTHER, 47999, 40000, "0 pts; " LOW);
        sev_road_is(c, ROAD_OTHER, 48000, 40000, "3 pts; " LOW); /* 20 % */
        sev_road_is(c, ROAD_OTHER, 59999, 40000, "3 pts; " LOW);
        sev_road_is(c, ROAD_OTHER, 60000, 40000, "6 pts; " LOW); /* 50 % */
        sev_road_is(c, ROAD_OTHER, 90000, 40000, "6 pts; " HIGH);
    }
}

/* Exact tier edges at limits where (value - limit) / limit is not a
 * binary fraction: 20 % and 50 % must land in the upper tier. */
static void test_severity_edges_any_limit(void **st)
{
    (void)st;
    static const int64_t limits_kmh[] = {30, 40, 60, 70, 80, 90, 100, 110, 120, 130};
    for (size_t i = 0; i < sizeof limits_kmh / sizeof *limits_kmh; i++) {
        int64_t l = limits_kmh[i] * 1000;
        sev_is(CLASS_COACH, l * 12 / 10, l, "12 pts; " LOW);
        sev_is(CLASS_COACH, l * 12 / 10 - 1, l, "6 pts; " LOW);
        sev_is(CLASS_TRUCK, l * 12 / 10, l, "6 pts; " LOW);
        sev_is(CLASS_TRUCK, l * 12 / 10 - 1, l, "0 pts; " LOW);
        sev_is(CLASS_TRUCK, l * 15 / 10, l, "12 pts; " LOW);
        sev_is(CLASS_TRUCK, l * 15 / 10 - 1, l, "6 pts; " LOW);
        sev_is(CLASS_TRUCK, l * 15 / 10 + 1, l, "12 pts; " HIGH);
        /* coach at night: 0.8 x the limit */
        int64_t nl = l * 8 / 10;
        sev_is(CLASS_COACH, nl * 12 / 10, nl, "12 pts; " LOW);
        sev_is(CLASS_COACH, nl * 15 / 10 + 1, nl, "12 pts; " HIGH);
    }
}

static void test_events_list(void **st)
{
    (void)st;
    rl_events l = {0};
    for (int i = 0; i < 1000; i++) {
        rl_event e;
        memset(&e, 0, sizeof e);
        e.vehicle = (uint32_t)i;
        e.type = (event_type)(i % EV_TYPE_COUNT);
        e.start = i;
        snprintf(e.severity, sizeof e.severity, "%d pts", i % 13);
        events_add(&l, &e);
    }
    assert_int_equal(l.n, 1000);
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(l.e[i].vehicle, (uint32_t)i);
        assert_int_equal(l.e[i].start, i);
        assert_int_equal(severity_points(l.e[i].severity), i % 13);
    }
    events_free(&l);
    assert_int_equal(l.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_id_stable_and_distinct),
        cmocka_unit_test(test_id_is_sha256),
        cmocka_unit_test(test_id_generator_matches_definition),
        cmocka_unit_test(test_excess_pct),
        cmocka_unit_test(test_severity_points),
        cmocka_unit_test(test_severity_group_a),
        cmocka_unit_test(test_severity_group_b),
        cmocka_unit_test(test_severity_other_road),
        cmocka_unit_test(test_severity_edges_any_limit),
        cmocka_unit_test(test_events_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
