/*
 * test_csvhdr.c - header names (parsers/csvhdr.h) against FORMATS.md §1,
 * §4 and §5: every alias, case-insensitive, trimmed, a parenthesised unit
 * suffix ignored (and reported), table classification, unknown columns.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvhdr.h"

typedef struct hdr {
    csv_row row;
    const char *f[64];
    size_t len[64];
} hdr;

/* Build a header row from a '|'-separated list of names. */
static hdr *mk(const char *names)
{
    hdr *h = calloc(1, sizeof *h);
    char *copy = strdup(names);
    size_t n = 0;
    char *save = NULL;
    for (char *t = strtok_r(copy, "|", &save); t; t = strtok_r(NULL, "|", &save)) {
        h->f[n] = strdup(t);
        h->len[n] = strlen(t);
        n++;
    }
    free(copy);
    h->row.n = n;
    h->row.f = (void *)h->f; /* const char ** or char **, as csvin.h has it */
    h->row.len = h->len;
    h->row.line = 1;
    h->row.raw = names;
    h->row.raw_len = strlen(names);
    return h;
}

static void drop(hdr *h)
{
    for (size_t i = 0; i < h->row.n; i++)
        free((char *)h->f[i]);
    free(h);
}

/* `name` is found as column 1 (after an unrelated column 0). */
static void finds(const char *const *aliases, const char *name, hdr_unit want_unit)
{
    char names[256];
    snprintf(names, sizeof names, "recv_time|%s|other", name);
    hdr *h = mk(names);
    hdr_unit u = (hdr_unit)99;
    int i = csvhdr_find(&h->row, aliases, &u);
    if (i != 1)
        fail_msg("header \"%s\" not matched (got %d)", name, i);
    if (u != want_unit)
        fail_msg("header \"%s\": unit %d, want %d", name, (int)u, (int)want_unit);
    assert_int_equal(csvhdr_find(&h->row, aliases, NULL), 1);
    drop(h);
}

static void not_found(const char *const *aliases, const char *name)
{
    char names[256];
    snprintf(names, sizeof names, "x|%s", name);
    hdr *h = mk(names);
    int i = csvhdr_find(&h->row, aliases, NULL);
    if (i != -1)
        fail_msg("header \"%s\" wrongly matched", name);
    drop(h);
}

/* Every alias as written, upper-cased, padded with spaces. */
static void all_forms(const char *const *aliases, const char *const *names)
{
    for (size_t i = 0; names[i]; i++) {
        finds(aliases, names[i], UNIT_NONE);
        char b[128];
        size_t k;
        for (k = 0; names[i][k]; k++)
            b[k] = (char)(names[i][k] >= 'a' && names[i][k] <= 'z' ? names[i][k] - 32 : names[i][k]);
        b[k] = 0;
        finds(aliases, b, UNIT_NONE);
        snprintf(b, sizeof b, "  %s  ", names[i]);
        finds(aliases, b, UNIT_NONE);
    }
}

#define L(...) ((const char *const[]){__VA_ARGS__, NULL})

static void test_gps_aliases(void **st)
{
    (void)st;
    all_forms(HDR_PLATE, L("plate", "plate_no", "vehicle", "车牌号", "车牌号码", "车牌"));
    all_forms(HDR_PLATE_COLOR, L("plate_color", "color", "车牌颜色"));
    all_forms(HDR_TIME, L("time", "gps_time", "timestamp", "定位时间", "GPS时间", "时间"));
    all_forms(HDR_LON, L("lon", "lng", "longitude", "经度"));
    all_forms(HDR_LAT, L("lat", "latitude", "纬度"));
    all_forms(HDR_SPEED, L("speed", "gps_speed", "速度"));
    all_forms(HDR_HEADING, L("heading", "direction", "course", "方向"));
    all_forms(HDR_ALTITUDE, L("altitude", "alt", "elevation", "海拔", "高程"));
    all_forms(HDR_STATUS, L("status", "状态"));
    all_forms(HDR_ALARM, L("alarm", "alarm_flags", "报警", "报警标志"));
    all_forms(HDR_MILEAGE, L("mileage", "odometer", "里程"));
    all_forms(HDR_DRIVER, L("driver", "driver_id", "驾驶员", "从业资格证号"));
    finds(HDR_TIME, "gps时间", UNIT_NONE);
    finds(HDR_TIME, "Gps_Time", UNIT_NONE);
}

static void test_weighbridge_aliases(void **st)
{
    (void)st;
    all_forms(HDR_W_TIME, L("time", "检测时间", "过磅时间"));
    all_forms(HDR_STATION, L("station", "station_id", "站点", "检测站"));
    all_forms(HDR_AXLES, L("axles", "axle_count", "轴数"));
    all_forms(HDR_GROSS, L("gross_kg", "gross", "总重", "车货总重"));
    all_forms(HDR_AXLE_KG, L("axle_kg", "axle_weights", "轴重"));
    all_forms(HDR_W_SPEED, L("speed", "车速"));
    all_forms(HDR_MODE, L("mode", "检测方式"));
    all_forms(HDR_PASSENGERS, L("passengers", "载客人数", "乘员"));
}

static void test_registry_aliases(void **st)
{
    (void)st;
    all_forms(HDR_CLASS, L("class", "车辆类型", "类别"));
    all_forms(HDR_COMPANY, L("company", "业户名称"));
    all_forms(HDR_R_AXLES, L("axles", "轴数"));
    all_forms(HDR_RATED_LOAD, L("rated_load_kg", "核定载质量"));
    all_forms(HDR_CURB, L("curb_kg", "整备质量"));
    all_forms(HDR_MAX_GROSS, L("max_gross_kg", "总质量", "最大允许总质量"));
    all_forms(HDR_SEATS, L("seats", "核定载客"));
    all_forms(HDR_PHONE, L("terminal_phone", "终端手机号"));
    all_forms(HDR_SPEED_LIMIT, L("speed_limit_kmh", "限速"));
    all_forms(HDR_NIGHT_EXEMPT, L("night_exempt", "夜间豁免"));
}

static void test_unit_suffix(void **st)
{
    (void)st;
    finds(HDR_SPEED, "速度(km/h)", UNIT_OTHER);
    finds(HDR_SPEED, "speed(km/h)", UNIT_OTHER);
    finds(HDR_SPEED, "speed (km/h)", UNIT_OTHER);
    finds(HDR_SPEED, "速度（km/h）", UNIT_OTHER);
    finds(HDR_GROSS, "gross(t)", UNIT_TONNES);
    finds(HDR_GROSS, "gross(T)", UNIT_TONNES);
    finds(HDR_GROSS, "gross (t)", UNIT_TONNES);
    finds(HDR_GROSS, "总重(吨)", UNIT_TONNES);
    finds(HDR_GROSS, "总重（吨）", UNIT_TONNES);
    finds(HDR_GROSS, "车货总重（吨）", UNIT_TONNES);
    finds(HDR_GROSS, "gross(kg)", UNIT_KG);
    finds(HDR_GROSS, "总重（kg）", UNIT_KG);
    finds(HDR_GROSS, "gross_kg", UNIT_NONE);
    finds(HDR_AXLE_KG, "轴重(t)", UNIT_TONNES);
    finds(HDR_MAX_GROSS, "总质量(kg)", UNIT_KG);
    finds(HDR_MAX_GROSS, "最大允许总质量（吨）", UNIT_TONNES);
    finds(HDR_RATED_LOAD, "核定载质量(t)", UNIT_TONNES);
    finds(HDR_LON, "经度(°)", UNIT_OTHER);
}

static void test_not_aliases(void **st)
{
    (void)st;
    not_found(HDR_TIME, "recv_time");
    not_found(HDR_TIME, "接收时间");
    not_found(HDR_TIME, "times");
    not_found(HDR_TIME, "time_local");
    not_found(HDR_PLATE, "plate2");
    not_found(HDR_PLATE, "车牌号码号");
    not_found(HDR_SPEED, "speed_limit");
    not_found(HDR_SPEED, "km/h");
    not_found(HDR_LAT, "lat lon");
    not_found(HDR_GROSS, "(t)");
}

static void test_first_match_wins(void **st)
{
    (void)st;
    hdr *h = mk("recv_time|gps_time|time");
    assert_int_equal(csvhdr_find(&h->row, HDR_TIME, NULL), 1);
    drop(h);
}

static table_kind classify(const char *names)
{
    hdr *h = mk(names);
    table_kind k = csvhdr_classify(&h->row);
    drop(h);
    return k;
}

static void test_classify(void **st)
{
    (void)st;
    assert_int_equal(classify("plate|time|lon|lat|speed"), TABLE_GPS);
    assert_int_equal(classify("车牌号|车牌颜色|定位时间|经度|纬度|速度(km/h)|方向|海拔|状态|报警|里程|驾驶员|接收时间"),
                     TABLE_GPS);
    assert_int_equal(classify("Vehicle|Timestamp|Longitude|Latitude|GPS_Speed|recv_time"), TABLE_GPS);
    assert_int_equal(classify("time|station|plate|axles|gross_kg"), TABLE_WEIGHBRIDGE);
    assert_int_equal(classify("检测时间|检测站|车牌号|车牌颜色|轴数|车货总重（吨）|轴重(t)|车速|检测方式|载客人数"),
                     TABLE_WEIGHBRIDGE);
    /* a weigh-in-motion export with the station position and the WIM
     * speed names every GPS column too: it is still a weighbridge log */
    assert_int_equal(classify("time|station|plate|axles|gross|speed|lon|lat|mode"), TABLE_WEIGHBRIDGE);
    assert_int_equal(classify("plate|plate_color|class|company"), TABLE_REGISTRY);
    assert_int_equal(classify("plate|class"), TABLE_REGISTRY);
    assert_int_equal(classify("车牌号|车牌颜色|车辆类型|业户名称|轴数|核定载质量|整备质量|总质量|核定载客|终端手机号|限速|夜间豁免"),
                     TABLE_REGISTRY);
    assert_int_equal(classify("车牌|类别"), TABLE_REGISTRY);
    assert_int_equal(classify("foo|bar|baz"), TABLE_UNKNOWN);
    assert_int_equal(classify("plate|time|lon|lat"), TABLE_UNKNOWN); /* no speed */
    assert_int_equal(classify("time|lon|lat|speed"), TABLE_UNKNOWN); /* no plate */
}

static void test_missing(void **st)
{
    (void)st;
    char out[128];
    hdr *h = mk("plate|time|lat|recv_time");
    csvhdr_missing(&h->row, TABLE_GPS, out, sizeof out);
    assert_string_equal(out, "lon, speed");
    drop(h);
    h = mk("plate|time|lon|lat|speed");
    csvhdr_missing(&h->row, TABLE_GPS, out, sizeof out);
    assert_string_equal(out, "");
    drop(h);
    h = mk("foo");
    csvhdr_missing(&h->row, TABLE_GPS, out, sizeof out);
    assert_string_equal(out, "plate, time, lon, lat, speed");
    drop(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gps_aliases),
        cmocka_unit_test(test_weighbridge_aliases),
        cmocka_unit_test(test_registry_aliases),
        cmocka_unit_test(test_unit_suffix),
        cmocka_unit_test(test_not_aliases),
        cmocka_unit_test(test_first_match_wins),
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_missing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
