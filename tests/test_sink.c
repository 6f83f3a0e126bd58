/*
 * test_sink.c - the analyze sink holds positions back and lets them
 * through sixteen at a time (analyze.c, analyze_flush): whatever the
 * batching, every vehicle gets the fixes, alarm records and alarm flag it
 * gets when each position goes through on its own, in the same order.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "alarmcode.h"
#include "harness.h"

#define NPLATES 37
#define NROWS 1000

static uint64_t rng;
static uint64_t rnd(uint64_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng % n;
}

/* Row k of a mixed stream: plates round and round with gaps, some rows
 * with an alarm word, some with an alarm event bit (not held back), a
 * plate too long for the plate cache (not held back), a row with a
 * terminal phone and no plate (not held back). */
static char plates[NPLATES][48];
static uint64_t want_fixes[NPLATES];   /* by plate, counted as fed */
static bool want_word[NPLATES];

static void feed(harness *h, bool one_by_one)
{
    memset(want_fixes, 0, sizeof want_fixes);
    memset(want_word, 0, sizeof want_word);
    for (int i = 0; i < NPLATES; i++)
        snprintf(plates[i], sizeof plates[i], i == 5 ? "粤B%05d挂-a-plate-longer-than-the-cache" : "粤B%05d", i);
    rng = 0x9E3779B97F4A7C15ull;
    int64_t t0 = T("2026-11-02 08:00:00");
    for (int k = 0; k < NROWS; k++) {
        rl_position p;
        memset(&p, 0, sizeof p);
        p.origin = RL_ORIGIN(0, ++h->line);
        p.time = t0 + 30 * (k / 4) - (int64_t)rnd(90); /* not in time order */
        p.lat_e6 = 22500000 + (int32_t)rnd(100000);
        p.lon_e6 = 113900000 + (int32_t)rnd(100000);
        p.speed_mkmh = (int32_t)rnd(120000);
        int pi = (int)rnd(NPLATES);
        p.color = 2;
        if (k % 97 == 13) {
            p.phone = "013800138000";
            p.phone_len = 12;
        } else {
            p.plate = plates[pi];
            p.plate_len = strlen(plates[pi]);
            want_fixes[pi]++;
        }
        if (k % 7 == 3) {
            p.have |= RL_HAVE_ALARM;
            p.alarm = k % 21 == 3 ? 1u << 1 : 1u << 5; /* a speeding event bit, or an antenna fault */
            if (p.plate)
                want_word[pi] = true;
        }
        h->sink.position(h->sink.ud, &p);
        if (one_by_one)
            analyze_flush(&h->run);
    }
    analyze_flush(&h->run);
}

static void test_batching_changes_nothing(void **st)
{
    (void)st;
    harness a, b;
    h_init(&a);
    h_init(&b);
    feed(&a, false);
    feed(&b, true);
    assert_int_equal(vtable_count(a.run.vt), vtable_count(b.run.vt));
    /* each plate has the rows fed with it, and its alarm word */
    for (int i = 0; i < NPLATES; i++) {
        rl_vehicle *v = vtable_find(a.run.vt, strtab_intern(a.run.str, plates[i], strlen(plates[i])), 2, false);
        assert_non_null(v);
        assert_int_equal(v->nfix, want_fixes[i]);
        assert_int_equal(v->alarm_word, want_word[i]);
    }
    uint64_t total = 0;
    for (size_t i = 0; i < vtable_count(a.run.vt); i++) {
        rl_vehicle *va = vtable_at(a.run.vt, i);
        const char *name = strtab_get(a.run.str, va->by_phone ? va->phone : va->plate);
        rl_vehicle *vb = vtable_find(b.run.vt, strtab_intern(b.run.str, name, strlen(name)), va->color, va->by_phone);
        assert_non_null(vb);
        assert_int_equal(va->nfix, vb->nfix);
        assert_int_equal(va->nalarm, vb->nalarm);
        assert_int_equal(va->alarm_word, vb->alarm_word);
        assert_int_equal(va->tmax, vb->tmax);
        fixstream sa, sb;
        fixstream_open(&sa, va);
        fixstream_open(&sb, vb);
        const rl_fix *fa, *fb;
        int64_t last = INT64_MIN;
        while ((fa = fixstream_next(&sa))) {
            fb = fixstream_next(&sb);
            assert_non_null(fb);
            assert_memory_equal(fa, fb, sizeof *fa);
            assert_true(fa->time >= last);
            last = fa->time;
            total++;
        }
        assert_null(fixstream_next(&sb));
        fixstream_close(&sa);
        fixstream_close(&sb);
    }
    /* nothing is left waiting or lost */
    assert_int_equal(total, NROWS);
    assert_int_equal(a.run.positions, NROWS);
    h_free(&a);
    h_free(&b);
}

/* The positions still waiting when the reading ends reach their vehicles
 * before the analysis looks at them (analyze_finish lets them through). */
static void test_finish_lets_the_last_through(void **st)
{
    (void)st;
    harness h;
    h_init(&h);
    int64_t t0 = T("2026-11-02 08:00:00");
    /* 3 positions: fewer than a batch */
    for (int k = 0; k < 3; k++)
        h_fix(&h, "粤B10001", t0 + 30 * k, 22.5, 113.9 + 0.001 * k, 40, NULL);
    h_finish(&h);
    rl_vehicle *v = vtable_at(h.run.vt, 0);
    assert_non_null(v);
    assert_int_equal(h.run.points, 3);
    h_free(&h);
}

/* Enough plates that many share a pair of cache slots and some pairs
 * have three (the oldest goes): each row still reaches its own plate. */
static void test_plates_sharing_slots(void **st)
{
    (void)st;
    enum { N = 5000, ROUNDS = 3 };
    static char names[N][24];
    harness h;
    h_init(&h);
    int64_t t0 = T("2026-11-02 08:00:00");
    for (int i = 0; i < N; i++)
        snprintf(names[i], sizeof names[i], "粤B%05d", i);
    for (int r = 0; r < ROUNDS; r++)
        for (int i = 0; i < N; i++) {
            /* the plates in a different order each round */
            int k = r == 1 ? N - 1 - i : (i * 7919 + r) % N;
            h_fix(&h, names[k], t0 + 30 * r, 22.5, 113.9, 40, NULL);
        }
    analyze_flush(&h.run);
    assert_int_equal(vtable_count(h.run.vt), N);
    for (int i = 0; i < N; i++) {
        rl_vehicle *v = vtable_find(h.run.vt, strtab_intern(h.run.str, names[i], strlen(names[i])), 2, false);
        assert_non_null(v);
        assert_int_equal(v->nfix, ROUNDS);
    }
    h_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batching_changes_nothing),
        cmocka_unit_test(test_finish_lets_the_last_through),
        cmocka_unit_test(test_plates_sharing_slots),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
