/*
 * test_strtab.c - string interning (src/strtab.h) and the u64 map
 * (src/u64map.h): one id per distinct string, id 0 for the empty string,
 * find never adds, everything survives growth.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "strtab.h"
#include "u64map.h"

static void test_intern_basic(void **st)
{
    (void)st;
    strtab *t = strtab_new();
    uint32_t before = strtab_count(t);
    assert_int_equal(strtab_intern(t, "", 0), 0);
    assert_int_equal(strtab_intern(t, "anything", 0), 0); /* length 0 is empty */
    assert_string_equal(strtab_get(t, 0), "");
    assert_int_equal(strtab_len(t, 0), 0);
    uint32_t a = strtab_intern(t, "粤B12345", strlen("粤B12345"));
    uint32_t b = strtab_intern(t, "粤B12346", strlen("粤B12346"));
    assert_int_not_equal(a, 0);
    assert_int_not_equal(b, 0);
    assert_int_not_equal(a, b);
    assert_int_equal(strtab_count(t), before + 2);
    assert_int_equal(strtab_intern(t, "粤B12345", strlen("粤B12345")), a);
    assert_int_equal(strtab_count(t), before + 2);
    assert_string_equal(strtab_get(t, a), "粤B12345");
    assert_int_equal(strtab_len(t, a), strlen("粤B12345"));
    assert_string_equal(strtab_get(t, b), "粤B12346");
    /* the length is what counts, not a NUL */
    uint32_t p = strtab_intern(t, "粤B12345XYZ", strlen("粤B12345"));
    assert_int_equal(p, a);
    strtab_free(t);
}

static void test_find(void **st)
{
    (void)st;
    strtab *t = strtab_new();
    assert_int_equal(strtab_find(t, "x", 1), UINT32_MAX);
    uint32_t before = strtab_count(t);
    assert_int_equal(strtab_find(t, "x", 1), UINT32_MAX);
    assert_int_equal(strtab_count(t), before); /* find never adds */
    uint32_t x = strtab_intern(t, "x", 1);
    assert_int_equal(strtab_find(t, "x", 1), x);
    assert_int_equal(strtab_find(t, "xx", 2), UINT32_MAX);
    assert_int_equal(strtab_find(t, "X", 1), UINT32_MAX); /* case matters */
    strtab_free(t);
}

static void test_embedded_nul(void **st)
{
    (void)st;
    strtab *t = strtab_new();
    uint32_t a = strtab_intern(t, "a\0b", 3);
    uint32_t b = strtab_intern(t, "a", 1);
    uint32_t c = strtab_intern(t, "a\0c", 3);
    assert_int_not_equal(a, b);
    assert_int_not_equal(a, c);
    assert_int_equal(strtab_len(t, a), 3);
    assert_memory_equal(strtab_get(t, a), "a\0b", 4);
    assert_int_equal(strtab_intern(t, "a\0b", 3), a);
    strtab_free(t);
}

static void test_many(void **st)
{
    (void)st;
    enum { N = 200000 };
    strtab *t = strtab_new();
    static uint32_t ids[N];
    char b[32];
    uint32_t before = strtab_count(t);
    for (int i = 0; i < N; i++) {
        int n = snprintf(b, sizeof b, "驾驶员%d", i);
        ids[i] = strtab_intern(t, b, (size_t)n);
        assert_int_not_equal(ids[i], 0);
        assert_int_not_equal(ids[i], UINT32_MAX);
    }
    assert_int_equal(strtab_count(t), before + N);
    for (int i = N - 1; i >= 0; i--) {
        int n = snprintf(b, sizeof b, "驾驶员%d", i);
        assert_int_equal(strtab_intern(t, b, (size_t)n), ids[i]);
        assert_int_equal(strtab_find(t, b, (size_t)n), ids[i]);
        assert_string_equal(strtab_get(t, ids[i]), b);
        assert_int_equal(strtab_len(t, ids[i]), (size_t)n);
    }
    assert_int_equal(strtab_count(t), before + N);
    /* ids are distinct */
    for (int i = 1; i < N; i++)
        assert_int_not_equal(ids[i], ids[i - 1]);
    strtab_free(t);
}

static void test_hash(void **st)
{
    (void)st;
    uint64_t h1 = rl_hash("粤B12345", 9, 0);
    assert_int_equal(rl_hash("粤B12345", 9, 0), h1); /* deterministic */
    assert_int_not_equal(rl_hash("粤B12346", 9, 0), h1);
    assert_int_not_equal(rl_hash("粤B12345", 9, 2), h1); /* the seed matters */
    assert_int_not_equal(rl_hash("粤B1234", 8, 0), h1);
    /* few collisions over many short keys */
    enum { N = 50000 };
    static uint64_t hs[N];
    char b[32];
    for (int i = 0; i < N; i++) {
        int n = snprintf(b, sizeof b, "%d", i);
        hs[i] = rl_hash(b, (size_t)n, 0);
    }
    u64map m;
    u64map_init(&m);
    int dup = 0;
    for (int i = 0; i < N; i++) {
        uint32_t *v = u64map_put(&m, hs[i] | 1, (uint32_t)i);
        if (*v != (uint32_t)i)
            dup++;
    }
    assert_int_equal(dup, 0);
    u64map_free(&m);
}

/* ---- u64map ---- */

static void test_u64map(void **st)
{
    (void)st;
    u64map m;
    u64map_init(&m);
    uint32_t v = 7;
    assert_false(u64map_get(&m, 1, &v));
    uint32_t *p = u64map_put(&m, 1, 100);
    assert_non_null(p);
    assert_int_equal(*p, 100);
    *p = 101;
    assert_true(u64map_get(&m, 1, &v));
    assert_int_equal(v, 101);
    p = u64map_put(&m, 1, 555); /* present: default not used */
    assert_int_equal(*p, 101);
    assert_false(u64map_get(&m, 2, &v));
    assert_int_equal(*u64map_put(&m, UINT64_MAX, 9), 9);
    assert_true(u64map_get(&m, UINT64_MAX, &v));
    assert_int_equal(v, 9);
    u64map_free(&m);
}

static void test_u64map_growth(void **st)
{
    (void)st;
    enum { N = 300000 };
    u64map m;
    u64map_init(&m);
    for (uint64_t i = 1; i <= N; i++) {
        uint64_t k = i * 0x100000001ull; /* keys that share low bits */
        *u64map_put(&m, k, 0) = (uint32_t)i;
    }
    assert_int_equal(m.n, N);
    assert_int_equal(m.cap & (m.cap - 1), 0);
    assert_true(m.cap >= N);
    for (uint64_t i = 1; i <= N; i++) {
        uint32_t v = 0;
        assert_true(u64map_get(&m, i * 0x100000001ull, &v));
        assert_int_equal(v, (uint32_t)i);
    }
    uint32_t v;
    assert_false(u64map_get(&m, 3, &v));
    u64map_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intern_basic),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_embedded_nul),
        cmocka_unit_test(test_many),
        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_u64map),
        cmocka_unit_test(test_u64map_growth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
