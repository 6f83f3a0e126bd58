/*
 * test_spill.c - the memory spill (src/spill.c): a vehicle's fixes
 * written to a temporary file as varints of their differences and read
 * back are the fixes it had, bit for bit, however far apart their
 * values are; a damaged or cut temporary file is an error, never fixes
 * made up from it (and never a read out of bounds: ASan runs this too).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include "spill.h"
#include "strtab.h"
#include "vehicle.h"

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Fixes of one vehicle: ordinary ones 30 s apart, and the extremes of
 * every field (times decades apart, coordinates and speeds at the ends
 * of int32, every flag bit, input orders near 0 and near 2^64). */
static size_t make_fixes(rl_fix *f, size_t cap, uint32_t driver)
{
    size_t n = 0;
    int64_t t = 1793000000;
    for (int k = 0; k < 3000 && n < cap; k++, n++) {
        t += 30;
        f[n] = (rl_fix){t, 30000000 + (int32_t)(rnd() % 2000), 120000000 + (int32_t)(rnd() % 2000),
                        (int32_t)(rnd() % 130000), driver, (uint64_t)1 << 40 | (uint64_t)(k * 24800 + 7)};
    }
    const int64_t times[] = {-2208988800, 4102444800, 0, -1, INT32_MAX, (int64_t)INT32_MAX * 3};
    const int32_t ints[] = {INT32_MIN, INT32_MAX, 0, -1, 90000000, -180000000};
    const uint32_t flags[] = {0, FIX_INVALID, FIX_ALARM | driver, 0xFF000000u | driver, driver, FIX_INVALID | driver};
    const uint64_t origins[] = {0, UINT64_MAX, 1, (uint64_t)1 << 63, 42, UINT64_MAX - 1};
    for (int a = 0; a < 6; a++)
        for (int b = 0; b < 6 && n < cap; b++, n++)
            f[n] = (rl_fix){times[(a + b) % 6] + (a * 6 + b) * 1000, ints[a], ints[b], ints[(a + 2 * b) % 6], flags[(a * 5 + b) % 6],
                            origins[(a + 3 * b) % 6]};
    return n;
}

static int cmp_fix(const void *a, const void *b) { return fix_cmp(a, b); }

static void test_round_trip(void **st)
{
    (void)st;
    char dir[] = "/tmp/roadlog-test-spill-XXXXXX";
    assert_non_null(mkdtemp(dir));
    strtab *str = strtab_new();
    uint32_t driver = strtab_intern(str, "张三", strlen("张三"));
    vtable *vt = vtable_new();
    uint32_t plate = strtab_intern(str, "粤B12345", strlen("粤B12345"));
    rl_vehicle *v = vtable_get(vt, plate, 2, false);
    static rl_fix want[4000];
    size_t n = make_fixes(want, 4000, driver);
    for (size_t i = 0; i < n; i++)
        vehicle_add_fix(vt, v, &want[i]);

    spill *sp = spill_new(1 << 20, dir, 1);
    uint64_t own = 0;
    spill_out(sp, vt, str, &own, spill_owner(sp));
    assert_int_equal(v->nfix, 0);
    assert_int_equal(v->nspilled, n);
    assert_true(spill_bytes(sp) > 0);
    /* six varints a fix: far less than the 32-byte records for ordinary fixes */
    assert_true(spill_bytes(sp) < n * sizeof(rl_fix) / 2);

    /* back, under the run's strings (a driver keeps its name) */
    spill_settle(sp, str);
    assert_true(spill_load(sp, "粤B12345", 2, false, v));
    assert_int_equal(v->nfix, n);
    assert_int_equal(v->nspilled, 0);
    qsort(want, n, sizeof want[0], cmp_fix);
    fixstream s;
    fixstream_open(&s, v);
    for (size_t i = 0; i < n; i++) {
        const rl_fix *f = fixstream_next(&s);
        assert_non_null(f);
        assert_memory_equal(f, &want[i], sizeof *f);
    }
    assert_null(fixstream_next(&s));
    fixstream_close(&s);

    spill_free(sp);
    vtable_free(vt);
    strtab_free(str);
    assert_int_equal(rmdir(dir), 0); /* the temporary file went when it was made */
}

/* The descriptor of the spill's temporary file in dir (unlinked when it
 * was made, so found through /proc/self/fd). */
static int spill_fd(const char *dir)
{
    DIR *d = opendir("/proc/self/fd");
    assert_non_null(d);
    int found = -1;
    for (struct dirent *e; (e = readdir(d));) {
        char path[300], target[512];
        snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
        ssize_t n = readlink(path, target, sizeof target - 1);
        if (n <= 0)
            continue;
        target[n] = 0;
        if (strncmp(target, dir, strlen(dir)) == 0)
            found = atoi(e->d_name);
    }
    closedir(d);
    assert_true(found >= 0);
    return found;
}

/* One vehicle spilled to dir; its label is "粤B12345". */
static spill *spill_one(const char *dir, strtab *str, vtable *vt, rl_vehicle **v)
{
    *v = vtable_get(vt, strtab_intern(str, "粤B12345", strlen("粤B12345")), 2, false);
    static rl_fix f[4000];
    size_t n = make_fixes(f, 4000, 0);
    for (size_t i = 0; i < n; i++)
        vehicle_add_fix(vt, *v, &f[i]);
    spill *sp = spill_new(1 << 20, dir, 1);
    uint64_t own = 0;
    spill_out(sp, vt, str, &own, spill_owner(sp));
    spill_settle(sp, str);
    return sp;
}

static void test_damaged_file(void **st)
{
    (void)st;
    char dir[] = "/tmp/roadlog-test-spill-XXXXXX";
    assert_non_null(mkdtemp(dir));
    for (int how = 0; how < 3; how++) {
        strtab *str = strtab_new();
        vtable *vt = vtable_new();
        rl_vehicle *v;
        spill *sp = spill_one(dir, str, vt, &v);
        int fd = spill_fd(dir);
        off_t size = lseek(fd, 0, SEEK_END);
        assert_true(size > 64);
        if (how == 0) {
            assert_int_equal(ftruncate(fd, size / 2), 0); /* cut */
        } else {
            /* bytes overwritten: random ones, or a run of 0xFF (varints
             * that never end, or differences far past int32) */
            unsigned char junk[256];
            for (size_t i = 0; i < sizeof junk; i++)
                junk[i] = how == 1 ? (unsigned char)rnd() : 0xFF;
            for (off_t at = 16; at + (off_t)sizeof junk < size; at += 4 * (off_t)sizeof junk)
                assert_int_equal(pwrite(fd, junk, sizeof junk, at), (ssize_t)sizeof junk);
        }
        assert_false(spill_load(sp, "粤B12345", 2, false, v));
        spill_free(sp);
        vtable_free(vt);
        strtab_free(str);
    }
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_damaged_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
