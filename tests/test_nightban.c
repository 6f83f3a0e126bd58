/*
 * test_nightban.c - the coach night ban (RULES.md §4) and track gaps
 * (RULES.md §6), through the whole engine.
 */
#include "harness.h"

#define C "粤B20001"

/* Drive [from, to] then stop without reports (same place) until the next
 * block: a gap with no movement, which is stopped time. */
static size_t ban_events(vehicle_class cls, bool exempt, const char *from, const char *to, int step,
                         const rl_event **out, harness *h)
{
    h_init(h);
    h_register(h, C, 2, cls);
    if (exempt)
        h_exempt(h, C, 2);
    h_drive(h, C, T(from), T(to), step, 50, NULL);
    h_finish(h);
    size_t n = h_count(h, EV_NIGHT_BAN);
    if (n && out)
        *out = h_event(h, EV_NIGHT_BAN, 0);
    return n;
}

static void edges(void **state)
{
    (void)state;
    harness h;
    /* 01:59-02:00: driving ends as the window opens */
    assert_int_equal(ban_events(CLASS_COACH, false, "2026-11-03 01:55:00", "2026-11-03 02:00:00", 30, NULL, &h), 0);
    h_free(&h);
    /* 05:00-05:01: starts as the window closes */
    assert_int_equal(ban_events(CLASS_COACH, false, "2026-11-03 05:00:00", "2026-11-03 05:01:00", 30, NULL, &h), 0);
    h_free(&h);
    /* exactly 300 s inside: compliant */
    assert_int_equal(ban_events(CLASS_COACH, false, "2026-11-03 02:00:00", "2026-11-03 02:05:00", 30, NULL, &h), 0);
    h_free(&h);
    /* 301 s */
    const rl_event *e = NULL;
    assert_int_equal(ban_events(CLASS_CHARTER, false, "2026-11-03 02:00:00", "2026-11-03 02:05:01", 1, &e, &h), 1);
    assert_int_equal(e->value, 301);
    assert_int_equal(e->limit, 300);
    assert_int_equal(e->start, T("2026-11-03 02:00:00"));
    assert_int_equal(e->end, T("2026-11-03 02:05:01"));
    assert_string_equal(e->rule, "night_ban.min_driving_s");
    h_free(&h);
    /* across the whole window, cut at its edges */
    assert_int_equal(ban_events(CLASS_COACH, false, "2026-11-03 01:30:00", "2026-11-03 05:30:00", 30, &e, &h), 1);
    assert_int_equal(e->value, 3 * 3600);
    assert_int_equal(e->start, T("2026-11-03 02:00:00"));
    assert_int_equal(e->end, T("2026-11-03 05:00:00"));
    h_free(&h);
}

static void exempt_and_freight_skipped(void **state)
{
    (void)state;
    harness h;
    assert_int_equal(ban_events(CLASS_COACH, true, "2026-11-03 02:00:00", "2026-11-03 03:00:00", 30, NULL, &h), 0);
    h_free(&h);
    assert_int_equal(ban_events(CLASS_HAZMAT, false, "2026-11-03 02:00:00", "2026-11-03 03:00:00", 30, NULL, &h), 0);
    h_free(&h);
}

static void one_event_per_night(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    h_register(&h, C, 2, CLASS_COACH);
    h_drive(&h, C, T("2026-11-03 02:10:00"), T("2026-11-03 02:30:00"), 30, 50, NULL);
    h_drive(&h, C, T("2026-11-03 04:00:00"), T("2026-11-03 04:10:00"), 30, 50, NULL);
    h_drive(&h, C, T("2026-11-04 03:00:00"), T("2026-11-04 03:20:00"), 30, 50, NULL);
    h_finish(&h);
    assert_int_equal(h_count(&h, EV_NIGHT_BAN), 2);
    const rl_event *e = h_event(&h, EV_NIGHT_BAN, 0);
    assert_int_equal(e->value, 1200 + 600);
    assert_int_equal(e->start, T("2026-11-03 02:10:00"));
    assert_int_equal(e->end, T("2026-11-03 04:10:00"));
    e = h_event(&h, EV_NIGHT_BAN, 1);
    assert_int_equal(e->value, 1200);
    h_free(&h);
}

/* gps_gap: dt >= 1800 s and distance > 20 km. */
static void gaps(void **state)
{
    (void)state;
    struct {
        int dt;
        double km;
        size_t events;
    } cases[] = {
        {1800, 25, 1}, /* exactly gap_event.min_s */
        {1799, 25, 0},
        {3600, 20, 0}, /* exactly 20 km: not more than */
        {3600, 21, 1},
        {7200, 1, 0},  /* parked, terminal asleep */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        harness h;
        h_init(&h);
        h_register(&h, C, 2, CLASS_TRUCK);
        int64_t t = T("2026-11-03 10:00:00");
        h_fix(&h, C, t, 22.5, 113.9, 40, NULL);
        /* due north: 1 degree of latitude = 6371.0088 * pi / 180 km */
        double dlat = cases[i].km / (6371.0088 * M_PI / 180);
        h_fix(&h, C, t + cases[i].dt, 22.5 + dlat + (cases[i].km == 20 ? -1e-6 : 0), 113.9, 40, NULL);
        h_finish(&h);
        assert_int_equal(h_count(&h, EV_GPS_GAP), cases[i].events);
        if (cases[i].events) {
            const rl_event *e = h_event(&h, EV_GPS_GAP, 0);
            assert_int_equal(e->value, cases[i].dt);
            assert_int_equal(e->limit, 1800);
            assert_int_equal(e->start, t);
            assert_int_equal(e->end, t + cases[i].dt);
        }
        h_free(&h);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(edges),
        cmocka_unit_test(exempt_and_freight_skipped),
        cmocka_unit_test(one_event_per_night),
        cmocka_unit_test(gaps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
