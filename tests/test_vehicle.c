/*
 * test_vehicle.c - the vehicle table and fix buffering (src/vehicle.h):
 * a buffered fix is 32 bytes (issue 2), vehicles are plate + colour or a
 * terminal phone, and fixstream hands a vehicle's fixes back in (time,
 * input order) whatever order they were added in (RULES.md §1).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vehicle.h"

static uint64_t rng = 0x853C49E6748FEA9Bull;
static uint64_t rnd(uint64_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng % n;
}

static void test_fix_is_32_bytes(void **st)
{
    (void)st;
    assert_int_equal(sizeof(rl_fix), 32);
    /* stored fixes are smaller: time is an offset from the chunk base */
    assert_int_equal(sizeof(fix_rec), 28);
    assert_true(sizeof(fix_chunk) <= 4096);
}

static void test_table(void **st)
{
    (void)st;
    vtable *t = vtable_new();
    assert_int_equal(vtable_count(t), 0);
    assert_null(vtable_find(t, 5, 2, false));
    rl_vehicle *a = vtable_get(t, 5, 2, false);
    assert_non_null(a);
    assert_int_equal(a->color, 2);
    assert_int_equal(a->nfix, 0);
    assert_false(a->dead);
    assert_ptr_equal(vtable_find(t, 5, 2, false), a);
    assert_ptr_equal(vtable_get(t, 5, 2, false), a);
    assert_int_equal(vtable_count(t), 1);
    /* same plate, another colour: another vehicle */
    rl_vehicle *b = vtable_get(t, 5, 1, false);
    assert_ptr_not_equal(a, b);
    /* the same id as a phone: another vehicle */
    rl_vehicle *c = vtable_get(t, 5, 0, true);
    assert_true(c->by_phone);
    assert_int_equal(vtable_count(t), 3);
    /* many vehicles: insertion order kept, lookups stable */
    for (uint32_t i = 10; i < 5000; i++)
        vtable_get(t, i, (int)(i % 3), false);
    assert_int_equal(vtable_count(t), 3 + 4990);
    for (uint32_t i = 10; i < 5000; i++) {
        rl_vehicle *v = vtable_at(t, 3 + (i - 10));
        assert_int_equal(v->plate, i);
        assert_int_equal(v->color, (int)(i % 3));
        assert_ptr_equal(vtable_find(t, i, (int)(i % 3), false), v);
    }
    assert_int_equal(vtable_at(t, 0)->plate, 5);
    assert_int_equal(vtable_at(t, 0)->color, 2);
    assert_int_equal(vtable_at(t, 1)->color, 1);
    assert_true(vtable_at(t, 2)->by_phone);
    vtable_free(t);
}

static rl_fix mkfix(int64_t t, uint64_t origin, int32_t speed)
{
    rl_fix f;
    memset(&f, 0, sizeof f);
    f.time = t;
    f.origin = origin;
    f.lat_e6 = 22500000 + (int32_t)(origin % 1000);
    f.lon_e6 = 113900000;
    f.speed_mkmh = speed;
    f.driver_flags = (uint32_t)(origin % 7);
    return f;
}

static int cmp_fix(const void *a, const void *b) { return fix_cmp(a, b); }

/* Drain a vehicle and check order and content against `want` (sorted). */
static void drain_equals(rl_vehicle *v, rl_fix *want, size_t n)
{
    qsort(want, n, sizeof *want, cmp_fix);
    fixstream s;
    fixstream_open(&s, v);
    size_t i = 0;
    const rl_fix *f, *prev = NULL;
    rl_fix prevcopy;
    while ((f = fixstream_next(&s))) {
        assert_true(i < n);
        if (prev)
            assert_true(fix_cmp(&prevcopy, f) < 0);
        assert_memory_equal(f, &want[i], sizeof *f);
        prevcopy = *f;
        prev = &prevcopy;
        i++;
    }
    assert_int_equal(i, n);
    assert_null(fixstream_next(&s));
    fixstream_close(&s);
}

static void test_shuffled_many_vehicles(void **st)
{
    (void)st;
    enum { NV = 5, PER = 12000 };
    vtable *t = vtable_new();
    rl_fix *all[NV];
    size_t nall[NV] = {0};
    for (int v = 0; v < NV; v++)
        all[v] = malloc(PER * sizeof(rl_fix));
    /* build each vehicle's fixes: times with repeats (same second, several
     * input positions), then add everything interleaved in random order */
    rl_fix *pool = malloc(NV * PER * sizeof(rl_fix));
    int *who = malloc(NV * PER * sizeof(int));
    size_t np = 0;
    for (int v = 0; v < NV; v++)
        for (int i = 0; i < PER; i++) {
            int64_t time = 1773534600 + (int64_t)(i / 3) * 5 + (int64_t)rnd(4);
            pool[np] = mkfix(time, 0, (int32_t)rnd(120000));
            who[np] = v;
            np++;
        }
    for (size_t i = np - 1; i > 0; i--) {
        size_t j = (size_t)rnd(i + 1);
        rl_fix tf = pool[i];
        pool[i] = pool[j];
        pool[j] = tf;
        int tw = who[i];
        who[i] = who[j];
        who[j] = tw;
    }
    for (size_t i = 0; i < np; i++) {
        pool[i].origin = RL_ORIGIN(i % 3, 2 + i); /* input order */
        rl_vehicle *v = vtable_get(t, 100 + (uint32_t)who[i], 2, false);
        vehicle_add_fix(t, v, &pool[i]);
        all[who[i]][nall[who[i]]++] = pool[i];
    }
    for (int v = 0; v < NV; v++) {
        rl_vehicle *veh = vtable_find(t, 100 + (uint32_t)v, 2, false);
        assert_non_null(veh);
        assert_int_equal(veh->nfix, PER);
        drain_equals(veh, all[v], nall[v]);
        free(all[v]);
    }
    free(pool);
    free(who);
    vtable_free(t);
}

/* Ties in time go by origin, and origin orders files before positions. */
static void test_ties_by_origin(void **st)
{
    (void)st;
    vtable *t = vtable_new();
    rl_vehicle *v = vtable_get(t, 1, 2, false);
    rl_fix want[600];
    size_t n = 0;
    for (int i = 599; i >= 0; i--) {
        rl_fix f = mkfix(1773534600 + (i % 2), RL_ORIGIN((unsigned)(i % 3), (uint64_t)i + 2), i);
        vehicle_add_fix(t, v, &f);
        want[n++] = f;
    }
    drain_equals(v, want, n);
    vtable_free(t);
}

static void test_merge(void **st)
{
    (void)st;
    vtable *t = vtable_new();
    vtable_get(t, 1, 0, false);
    vtable_get(t, 1, 2, false);
    rl_vehicle *a = vtable_find(t, 1, 0, false);
    rl_vehicle *b = vtable_find(t, 1, 2, false);
    rl_fix want[1000];
    size_t n = 0;
    for (int i = 0; i < 500; i++) {
        rl_fix f = mkfix(1773534600 + (int64_t)rnd(2000), RL_ORIGIN(0, (uint64_t)(2 * i + 2)), i);
        vehicle_add_fix(t, a, &f);
        want[n++] = f;
        rl_fix g = mkfix(1773534600 + (int64_t)rnd(2000), RL_ORIGIN(0, (uint64_t)(2 * i + 3)), i);
        vehicle_add_fix(t, b, &g);
        want[n++] = g;
    }
    vehicle_merge(b, a);
    assert_true(a->dead);
    assert_false(b->dead);
    assert_int_equal(b->nfix, 1000);
    /* more fixes after the merge still join the stream */
    rl_fix late = mkfix(1773534600 + 1000, RL_ORIGIN(1, 5), 1);
    vehicle_add_fix(t, b, &late);
    rl_fix *w2 = malloc((n + 1) * sizeof *w2);
    memcpy(w2, want, n * sizeof *w2);
    w2[n] = late;
    drain_equals(b, w2, n + 1);
    free(w2);
    vtable_free(t);
}

static void test_empty_and_partial(void **st)
{
    (void)st;
    vtable *t = vtable_new();
    rl_vehicle *v = vtable_get(t, 9, 1, false);
    fixstream s;
    fixstream_open(&s, v);
    assert_null(fixstream_next(&s));
    fixstream_close(&s);
    /* close in the middle of a stream frees what is left (ASan checks) */
    rl_vehicle *w = vtable_get(t, 10, 1, false);
    for (int i = 0; i < 1000; i++) {
        rl_fix f = mkfix(1773534600 + 1000 - i, RL_ORIGIN(0, (uint64_t)i + 2), 0);
        vehicle_add_fix(t, w, &f);
    }
    fixstream_open(&s, w);
    const rl_fix *f = fixstream_next(&s);
    assert_non_null(f);
    assert_int_equal(f->time, 1773534600 + 1);
    for (int i = 0; i < 300; i++)
        assert_non_null(fixstream_next(&s));
    fixstream_close(&s);
    vtable_free(t);
}

/* A reading task's table is put together into the run's: its vehicles'
 * chunks move, and the blocks they were carved from stay until the run's
 * streams give the chunks back (the task's table, with a vehicle it kept,
 * is freed first: ASan checks). */
static void test_blocks_move_and_go(void **st)
{
    (void)st;
    vtable *run = vtable_new(), *task = vtable_new();
    rl_fix want[3000];
    size_t n = 0;
    for (int i = 0; i < 1500; i++) {
        rl_fix f = mkfix(1773534600 + 2 * i, RL_ORIGIN(0, (uint64_t)i + 2), i);
        vehicle_add_fix(run, vtable_get(run, 5, 2, false), &f);
        want[n++] = f;
        rl_fix g = mkfix(1773534600 + 2 * i + 1, RL_ORIGIN(1, (uint64_t)i + 2), i);
        vehicle_add_fix(task, vtable_get(task, 5, 2, false), &g);
        want[n++] = g;
    }
    /* a vehicle of the task's that never reaches the run's table */
    rl_fix lost = mkfix(1773534600, RL_ORIGIN(1, 99999), 1);
    vehicle_add_fix(task, vtable_get(task, 6, 2, false), &lost);
    vehicle_merge(vtable_find(run, 5, 2, false), vtable_find(task, 5, 2, false));
    vtable_free(task);
    drain_equals(vtable_find(run, 5, 2, false), want, n);

    /* two vehicles sharing many blocks: each block goes when the second
     * vehicle's stream gives its last chunk back (LeakSanitizer checks),
     * and the table carves on from its block afterwards */
    enum { N = 20000 };
    rl_fix *wa = malloc(N * sizeof *wa), *wb = malloc(N * sizeof *wb);
    vtable_get(run, 7, 2, false);
    vtable_get(run, 8, 2, false);
    for (int i = 0; i < N; i++) {
        wa[i] = mkfix(1773534600 + i, RL_ORIGIN(0, (uint64_t)i + 2), i);
        vehicle_add_fix(run, vtable_find(run, 7, 2, false), &wa[i]);
        wb[i] = mkfix(1773534600 + i, RL_ORIGIN(1, (uint64_t)i + 2), i);
        vehicle_add_fix(run, vtable_find(run, 8, 2, false), &wb[i]);
    }
    drain_equals(vtable_find(run, 7, 2, false), wa, N);
    drain_equals(vtable_find(run, 8, 2, false), wb, N);
    rl_vehicle *v = vtable_find(run, 7, 2, false);
    assert_int_equal(v->nfix, 0);
    assert_null(v->head);
    rl_fix again = mkfix(1773534600 + 7, RL_ORIGIN(0, 7), 1);
    vehicle_add_fix(run, v, &again);
    drain_equals(v, &again, 1);
    free(wa);
    free(wb);
    vtable_free(run);
}

/* Fixes decades apart cannot share a chunk base (offsets are 32-bit):
 * they still come back in time order with their exact times. */
static void far_apart_times(void **state)
{
    (void)state;
    rl_vehicle v;
    memset(&v, 0, sizeof v);
    const int64_t times[] = {4102444800LL /* 2100 */, 0, 2000000000LL, 1, 9999999999LL, 4102444799LL,
                             -5000000000LL};
    const size_t n = sizeof times / sizeof times[0];
    for (size_t i = 0; i < n; i++) {
        rl_fix f;
        memset(&f, 0, sizeof f);
        f.time = times[i];
        f.origin = RL_ORIGIN(1, i + 2);
        f.lat_e6 = (int32_t)i;
        vehicle_add_fix(NULL, &v, &f);
    }
    fixstream fs;
    fixstream_open(&fs, &v);
    int64_t prev = INT64_MIN;
    size_t k = 0;
    const rl_fix *f;
    while ((f = fixstream_next(&fs))) {
        assert_true(f->time >= prev);
        assert_int_equal(f->time, times[f->lat_e6]);
        assert_int_equal(f->origin, RL_ORIGIN(1, (uint64_t)f->lat_e6 + 2));
        prev = f->time;
        k++;
    }
    fixstream_close(&fs);
    assert_int_equal(k, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(far_apart_times),
        cmocka_unit_test(test_fix_is_32_bytes),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_shuffled_many_vehicles),
        cmocka_unit_test(test_ties_by_origin),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_empty_and_partial),
        cmocka_unit_test(test_blocks_move_and_go),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
