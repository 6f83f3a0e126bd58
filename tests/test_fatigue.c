/*
 * test_fatigue.c - fatigue driving, RULES.md §3, through the whole engine:
 * every boundary the issue names (3 h 59 min vs 4 h 01 min, exactly 4 h, a
 * rest of 19 min 59 s vs 20 min, night stints across 06:00, a stint across
 * midnight, a day of exactly 8 h), driver swaps and a driver carrying a
 * stint to another vehicle, and shuffled input.
 */
#include "harness.h"

#define A "粤B10001"
#define B "粤B10002"

static void continuous_boundaries(void **state)
{
    (void)state;
    struct {
        const char *end;
        size_t events;
        int64_t value;
    } cases[] = {
        {"2026-11-02 11:59:00", 0, 0},     /* 3 h 59 min */
        {"2026-11-02 12:00:00", 0, 0},     /* exactly 4 h: compliant */
        {"2026-11-02 12:00:30", 1, 14430}, /* 4 h 00 min 30 s */
        {"2026-11-02 12:01:00", 1, 14460}, /* 4 h 01 min */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        harness h;
        h_init(&h);
        h_register(&h, A, 2, CLASS_TRUCK);
        h_drive(&h, A, T("2026-11-02 08:00:00"), T(cases[i].end), 30, 60, NULL);
        h_finish(&h);
        assert_int_equal(h_count(&h, EV_FATIGUE_CONTINUOUS), cases[i].events);
        if (cases[i].events) {
            const rl_event *e = h_event(&h, EV_FATIGUE_CONTINUOUS, 0);
            assert_int_equal(e->value, cases[i].value);
            assert_int_equal(e->limit, 14400);
            assert_int_equal(e->start, T("2026-11-02 08:00:00"));
            assert_int_equal(e->end, T(cases[i].end));
            assert_string_equal(e->rule, "fatigue.continuous_max_s");
            assert_string_equal(e->severity, "3 pts; 20-200 yuan");
            assert_string_equal(h_driver(&h, e), "");
        }
        h_free(&h);
    }
}

/* Two 2 h blocks around a stop: the stopped run is from the first to the
 * last zero-speed fix; the intervals into and out of it are driving. */
static void rest_boundary(void **state)
{
    (void)state;
    for (int rest = 1199; rest <= 1200; rest++) {
        harness h;
        h_init(&h);
        h_register(&h, A, 2, CLASS_HAZMAT);
        int64_t t = T("2026-11-02 08:00:00");
        h_drive(&h, A, t, t + 7200, 30, 60, NULL);
        int64_t p0 = t + 7230, p1 = p0 + rest;
        h_park(&h, A, p0, p1 - 1, 30, NULL);
        h_fix(&h, A, p1, h.lat, h.lon, 0, NULL);
        h_drive(&h, A, p1 + 30, p1 + 30 + 7200, 30, 60, NULL);
        h_finish(&h);
        if (rest == 1199) { /* 19 min 59 s: neither resets nor adds */
            assert_int_equal(h_count(&h, EV_FATIGUE_CONTINUOUS), 1);
            const rl_event *e = h_event(&h, EV_FATIGUE_CONTINUOUS, 0);
            assert_int_equal(e->value, 7200 + 30 + 30 + 7200);
            assert_int_equal(e->start, t);
            assert_int_equal(e->end, p1 + 30 + 7200);
            assert_string_equal(e->severity, "9 pts; 20-200 yuan");
        } else { /* 20 min: a rest */
            assert_int_equal(h_count(&h, EV_FATIGUE_CONTINUOUS), 0);
        }
        /* vehicle_days: one rest only when it reaches 20 min; the longest
         * stint is the whole day or one block */
        assert_int_equal(h.run.vdays.n, 1);
        assert_int_equal(h.run.vdays.d[0].rests, rest == 1200 ? 1 : 0);
        assert_int_equal(h.run.vdays.d[0].longest_stint_s, rest == 1200 ? 7230 : 14460);
        assert_int_equal(h.run.vdays.d[0].driving_s, 14460);
        h_free(&h);
    }
}

static void night_stint_across_six(void **state)
{
    (void)state;
    const char *starts[] = {"2026-11-03 04:00:00", "2026-11-03 03:59:00"};
    for (int i = 0; i < 2; i++) {
        harness h;
        h_init(&h);
        h_register(&h, A, 2, CLASS_COACH);
        h_drive(&h, A, T(starts[i]), T("2026-11-03 07:00:00"), 30, 60, "D1");
        h_finish(&h);
        if (i == 0) { /* exactly 2 h of night driving: compliant */
            assert_int_equal(h_count(&h, EV_FATIGUE_NIGHT), 0);
        } else {
            assert_int_equal(h_count(&h, EV_FATIGUE_NIGHT), 1);
            const rl_event *e = h_event(&h, EV_FATIGUE_NIGHT, 0);
            assert_int_equal(e->value, 7260);
            assert_int_equal(e->limit, 7200);
            assert_int_equal(e->start, T("2026-11-03 03:59:00"));
            assert_int_equal(e->end, T("2026-11-03 07:00:00"));
            assert_string_equal(h_driver(&h, e), "D1");
            assert_string_equal(e->rule, "fatigue.night_continuous_max_s");
        }
        assert_int_equal(h_count(&h, EV_FATIGUE_CONTINUOUS), 0);
        h_free(&h);
    }
}

static void night_rule_is_for_passenger_vehicles(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    h_register(&h, A, 2, CLASS_TRUCK);
    h_drive(&h, A, T("2026-11-03 02:00:00"), T("2026-11-03 05:00:00"), 30, 60, NULL);
    h_finish(&h);
    assert_int_equal(h_count(&h, EV_FATIGUE_NIGHT), 0);
    assert_int_equal(h_count(&h, EV_NIGHT_BAN), 0);
    h_free(&h);
}

static void stint_across_midnight(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    h_register(&h, A, 2, CLASS_HEAVY_TRUCK);
    h_drive(&h, A, T("2026-11-02 22:00:00"), T("2026-11-03 02:30:00"), 30, 60, NULL);
    h_finish(&h);
    assert_int_equal(h_count(&h, EV_FATIGUE_CONTINUOUS), 1);
    const rl_event *e = h_event(&h, EV_FATIGUE_CONTINUOUS, 0);
    assert_int_equal(e->value, 16200);
    assert_int_equal(e->start, T("2026-11-02 22:00:00"));
    assert_int_equal(e->end, T("2026-11-03 02:30:00"));
    /* driving time split exactly at midnight in vehicle_days */
    assert_int_equal(h.run.vdays.n, 2);
    assert_int_equal(h.run.vdays.d[0].driving_s, 7200);
    assert_int_equal(h.run.vdays.d[1].driving_s, 9000);
    /* the stint is counted on the day it starts */
    assert_int_equal(h.run.vdays.d[0].longest_stint_s, 16200);
    assert_int_equal(h.run.vdays.d[1].longest_stint_s, 0);
    h_free(&h);
}

/* Three blocks separated by stops without reports (gaps with no
 * movement count as stopped). */
static void daily_boundary(void **state)
{
    (void)state;
    for (int extra = 0; extra <= 30; extra += 30) {
        harness h;
        h_init(&h);
        h_register(&h, A, 2, CLASS_CHARTER);
        h_drive(&h, A, T("2026-11-04 06:00:00"), T("2026-11-04 09:00:00"), 30, 60, "D7");
        h_drive(&h, A, T("2026-11-04 09:30:00"), T("2026-11-04 12:30:00"), 30, 60, "D7");
        h_drive(&h, A, T("2026-11-04 13:00:00"), T("2026-11-04 15:00:00") + extra, 30, 60, "D7");
        h_finish(&h);
        assert_int_equal(h_count(&h, EV_FATIGUE_CONTINUOUS), 0);
        if (!extra) { /* exactly 8 h */
            assert_int_equal(h_count(&h, EV_FATIGUE_DAILY), 0);
        } else {
            assert_int_equal(h_count(&h, EV_FATIGUE_DAILY), 1);
            const rl_event *e = h_event(&h, EV_FATIGUE_DAILY, 0);
            assert_int_equal(e->value, 28830);
            assert_int_equal(e->limit, 28800);
            assert_int_equal(e->start, T("2026-11-04 06:00:00"));
            assert_int_equal(e->end, T("2026-11-04 15:00:30"));
            assert_string_equal(h_driver(&h, e), "D7");
        }
        assert_int_equal(h.run.vdays.d[0].rests, 2);
        h_free(&h);
    }
}

/* D1 drives A for 3 h, D2 takes over A; D1 goes on in B ten minutes
 * later: D1's stint continues across vehicles, D2's is short. */
static void driver_swap_and_vehicle_change(void **state)
{
    (void)state;
    for (int shuffled = 0; shuffled <= 1; shuffled++) {
        harness h;
        h_init(&h);
        h.hold = shuffled;
        h_register(&h, A, 2, CLASS_TRUCK);
        h_register(&h, B, 2, CLASS_TRUCK);
        h_drive(&h, A, T("2026-11-05 08:00:00"), T("2026-11-05 11:00:00"), 30, 60, "D1");
        h_drive(&h, A, T("2026-11-05 11:00:30"), T("2026-11-05 13:00:00"), 30, 60, "D2");
        h.lat = 23.0; /* B elsewhere */
        h_drive(&h, B, T("2026-11-05 11:10:00"), T("2026-11-05 12:40:00"), 30, 60, "D1");
        if (shuffled)
            h_feed_shuffled(&h, 42);
        h_finish(&h);
        assert_int_equal(h_count(&h, EV_FATIGUE_CONTINUOUS), 1);
        const rl_event *e = h_event(&h, EV_FATIGUE_CONTINUOUS, 0);
        assert_string_equal(h_driver(&h, e), "D1");
        assert_string_equal(h_plate(&h, e), A); /* the vehicle at its start */
        /* 08:00:00-11:00:30 on A (the swap interval is D1's), then 1.5 h on B */
        assert_int_equal(e->value, 10830 + 5400);
        assert_int_equal(e->start, T("2026-11-05 08:00:00"));
        assert_int_equal(e->end, T("2026-11-05 12:40:00"));
        h_free(&h);
    }
}

/* A driver change ends the old driver's stint when they do not drive
 * again within the rest time. */
static void driver_change_ends_stint(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    h_register(&h, A, 2, CLASS_COACH);
    h_drive(&h, A, T("2026-11-05 08:00:00"), T("2026-11-05 11:00:00"), 30, 60, "D1");
    h_drive(&h, A, T("2026-11-05 11:00:30"), T("2026-11-05 14:00:00"), 30, 60, "D2");
    /* D1 back at the wheel after 3 h off: a new stint */
    h_drive(&h, A, T("2026-11-05 14:00:30"), T("2026-11-05 16:00:00"), 30, 60, "D1");
    h_finish(&h);
    assert_int_equal(h_count(&h, EV_FATIGUE_CONTINUOUS), 0);
    h_free(&h);
}

/* Rows without a driver belong to the vehicle's last known driver. */
static void empty_driver_inherits(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    h_register(&h, A, 2, CLASS_TRUCK);
    h_drive(&h, A, T("2026-11-05 08:00:00"), T("2026-11-05 08:00:00"), 30, 60, "D9");
    h_drive(&h, A, T("2026-11-05 08:00:30"), T("2026-11-05 12:30:00"), 30, 60, NULL);
    h_finish(&h);
    assert_int_equal(h_count(&h, EV_FATIGUE_CONTINUOUS), 1);
    assert_string_equal(h_driver(&h, h_event(&h, EV_FATIGUE_CONTINUOUS, 0)), "D9");
    h_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(continuous_boundaries),
        cmocka_unit_test(rest_boundary),
        cmocka_unit_test(night_stint_across_six),
        cmocka_unit_test(night_rule_is_for_passenger_vehicles),
        cmocka_unit_test(stint_across_midnight),
        cmocka_unit_test(daily_boundary),
        cmocka_unit_test(driver_swap_and_vehicle_change),
        cmocka_unit_test(driver_change_ends_stint),
        cmocka_unit_test(empty_driver_inherits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
