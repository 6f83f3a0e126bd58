/*
 * test_rules.c - the rules table (src/rules.h) against RULES.md: every
 * default, every id settable from a rules file, unknown ids and bad or
 * out-of-range values reported with file:line, rules_print output loading
 * back to the same values; vehicle classes (FORMATS.md §5).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "event.h"
#include "rules.h"

static rule_id id_of(const char *name)
{
    for (int i = 0; i < R_COUNT; i++)
        if (strcmp(rule_name((rule_id)i), name) == 0)
            return (rule_id)i;
    fail_msg("no rule named %s", name);
    return R_COUNT;
}

static void test_names_unique(void **st)
{
    (void)st;
    for (int i = 0; i < R_COUNT; i++) {
        const char *n = rule_name((rule_id)i);
        assert_non_null(n);
        assert_non_null(strchr(n, '.'));
        for (int j = 0; j < i; j++)
            assert_string_not_equal(n, rule_name((rule_id)j));
    }
}

/* RULES.md default values, by the ids the spec gives them. */
static void test_defaults(void **st)
{
    (void)st;
    static const struct { const char *id; double v; } d[] = {
        {"track.drift_kmh", 160}, {"track.reanchor_n", 3}, {"track.moving_kmh", 5}, {"track.gap_s", 300},
        {"track.drift_min_km", 1},
        {"speeding.coach", 100}, {"speeding.charter", 100}, {"speeding.hazmat", 80}, {"speeding.muck", 60},
        {"speeding.heavy_truck", 100}, {"speeding.truck", 100}, {"speeding.other", 120},
        {"speeding.night_factor", 0.8}, {"speeding.min_duration_s", 60},
        {"fatigue.rest_min_s", 1200}, {"fatigue.continuous_max_s", 14400},
        {"fatigue.night_continuous_max_s", 7200}, {"fatigue.daily_max_s", 28800},
        {"night_ban.min_driving_s", 300}, {"gap_event.min_s", 1800}, {"gap_event.min_km", 20},
        {"overlimit.axles_2", 18000}, {"overlimit.axles_3", 25000}, {"overlimit.axles_4", 31000},
        {"overlimit.axles_5", 43000}, {"overlimit.axles_6", 49000},
        {"weigh.wim_tolerance_pct", 5}, {"weigh.static_tolerance_pct", 0},
        {"axle.steer_kg", 7000}, {"axle.other_kg", 11500},
        {"alarm.silent_min_events", 3}, {"jt808.dialect", RULE_DIALECT_JSATL},
    };
    rl_rules r;
    rules_defaults(&r);
    for (size_t i = 0; i < sizeof d / sizeof *d; i++) {
        rule_id id = id_of(d[i].id);
        if (fabs(r.v[id] - d[i].v) > 1e-12)
            fail_msg("%s = %g, RULES.md says %g", d[i].id, r.v[id], d[i].v);
        assert_false(r.set[id]);
    }
    /* track.invalid bounds: lon [73,136], lat [3,54], speed [0,220] */
    assert_true(r.v[R_TRACK_LON_MIN] == 73 && r.v[R_TRACK_LON_MAX] == 136);
    assert_true(r.v[R_TRACK_LAT_MIN] == 3 && r.v[R_TRACK_LAT_MAX] == 54);
    assert_true(r.v[R_TRACK_SPEED_MAX_KMH] == 220);
    /* night [22:00, 06:00), coach ban [02:00, 05:00) */
    assert_int_equal(r.night.start_s, 22 * 3600);
    assert_int_equal(r.night.end_s, 6 * 3600);
    assert_int_equal(r.night_ban.start_s, 2 * 3600);
    assert_int_equal(r.night_ban.end_s, 5 * 3600);
    assert_string_equal(rule_name(R_NIGHT_WINDOW), "night.window");
}

static void test_window_contains(void **st)
{
    (void)st;
    rl_rules r;
    rules_defaults(&r);
    assert_true(window_contains(r.night, 22 * 3600));      /* 22:00:00 is night */
    assert_false(window_contains(r.night, 22 * 3600 - 1));
    assert_true(window_contains(r.night, 0));
    assert_true(window_contains(r.night, 6 * 3600 - 1));
    assert_false(window_contains(r.night, 6 * 3600));      /* 06:00:00 is not */
    assert_false(window_contains(r.night_ban, 2 * 3600 - 1));
    assert_true(window_contains(r.night_ban, 2 * 3600));
    assert_true(window_contains(r.night_ban, 5 * 3600 - 1));
    assert_false(window_contains(r.night_ban, 5 * 3600));
}

static void test_speeding_for(void **st)
{
    (void)st;
    assert_int_equal(rule_speeding_for(CLASS_COACH), R_SPEEDING_COACH);
    assert_int_equal(rule_speeding_for(CLASS_CHARTER), R_SPEEDING_CHARTER);
    assert_int_equal(rule_speeding_for(CLASS_HAZMAT), R_SPEEDING_HAZMAT);
    assert_int_equal(rule_speeding_for(CLASS_MUCK), R_SPEEDING_MUCK);
    assert_int_equal(rule_speeding_for(CLASS_HEAVY_TRUCK), R_SPEEDING_HEAVY_TRUCK);
    assert_int_equal(rule_speeding_for(CLASS_TRUCK), R_SPEEDING_TRUCK);
    assert_int_equal(rule_speeding_for(CLASS_OTHER), R_SPEEDING_OTHER);
    assert_string_equal(rule_name(R_SPEEDING_HAZMAT), "speeding.hazmat");
}

static void test_classes(void **st)
{
    (void)st;
    static const struct { vehicle_class c; const char *en, *zh; } k[] = {
        {CLASS_COACH, "coach", "班线客车"}, {CLASS_CHARTER, "charter", "旅游包车"},
        {CLASS_HAZMAT, "hazmat", "危险货物运输车"}, {CLASS_MUCK, "muck", "渣土车"},
        {CLASS_HEAVY_TRUCK, "heavy_truck", "重型货车"}, {CLASS_TRUCK, "truck", "货车"},
        {CLASS_OTHER, "other", "其他"},
    };
    for (size_t i = 0; i < sizeof k / sizeof *k; i++) {
        assert_string_equal(class_name(k[i].c), k[i].en);
        assert_string_equal(class_name_zh(k[i].c), k[i].zh);
        vehicle_class c = CLASS_COUNT;
        assert_true(class_parse(k[i].en, strlen(k[i].en), &c));
        assert_int_equal(c, k[i].c);
        c = CLASS_COUNT;
        assert_true(class_parse(k[i].zh, strlen(k[i].zh), &c));
        assert_int_equal(c, k[i].c);
    }
    vehicle_class c = CLASS_COUNT;
    assert_true(class_parse("危货", strlen("危货"), &c));
    assert_int_equal(c, CLASS_HAZMAT);
    assert_true(class_parse("Coach", 5, &c));
    assert_int_equal(c, CLASS_COACH);
    assert_false(class_parse("bus", 3, &c));
    assert_false(class_parse("", 0, &c));
    assert_true(class_is_passenger(CLASS_COACH));
    assert_true(class_is_passenger(CLASS_CHARTER));
    assert_false(class_is_passenger(CLASS_HAZMAT));
    assert_false(class_is_passenger(CLASS_OTHER));
}

/* ---- setting rules ---- */

static bool is_window(rule_id id) { return id == R_NIGHT_WINDOW || id == R_NIGHT_BAN_WINDOW; }
/* Rules set by name: the active-safety dialect (JT808.md §14). */
static bool is_named(rule_id id) { return id == R_JT808_DIALECT; }

static void test_every_id_settable(void **st)
{
    (void)st;
    for (int i = 0; i < R_COUNT; i++) {
        rl_rules r, d;
        rules_defaults(&r);
        rules_defaults(&d);
        char err[256] = "", val[64];
        rule_id id = (rule_id)i;
        if (is_window(id)) {
            if (!rules_set(&r, rule_name(id), "21:30-05:15", err, sizeof err))
                fail_msg("%s = 21:30-05:15: %s", rule_name(id), err);
            rl_window w = id == R_NIGHT_WINDOW ? r.night : r.night_ban;
            assert_int_equal(w.start_s, 21 * 3600 + 1800);
            assert_int_equal(w.end_s, 5 * 3600 + 900);
        } else if (id == R_SPEEDING_DEFAULT_ROAD) {
            if (!rules_set(&r, rule_name(id), "other", err, sizeof err))
                fail_msg("%s = other: %s", rule_name(id), err);
            assert_int_equal(rules_default_road(&r), ROAD_OTHER);
            rules_format_value(&r, id, val, sizeof val);
            assert_string_equal(val, "other");
            assert_true(rule_is_text(id));
        } else if (is_named(id)) {
            if (!rules_set(&r, rule_name(id), "GDRTA", err, sizeof err))
                fail_msg("%s = GDRTA: %s", rule_name(id), err);
            assert_true(r.v[id] == RULE_DIALECT_GDRTA);
            assert_true(rule_is_text(id));
        } else {
            double nv = d.v[id] >= 1 && d.v[id] == floor(d.v[id]) ? d.v[id] + 1 : d.v[id] == 0 ? 1 : d.v[id] / 2;
            snprintf(val, sizeof val, "%g", nv);
            if (!rules_set(&r, rule_name(id), val, err, sizeof err))
                fail_msg("%s = %s: %s", rule_name(id), val, err);
            assert_true(fabs(r.v[id] - nv) < 1e-12);
        }
        assert_true(r.set[id]);
        /* nothing else moved */
        for (int j = 0; j < R_COUNT; j++)
            if (j != i) {
                assert_false(r.set[j]);
                assert_true(r.v[j] == d.v[j]);
            }
    }
}

static void set_bad(const char *id, const char *value)
{
    rl_rules r, d;
    rules_defaults(&r);
    rules_defaults(&d);
    char err[256] = "";
    if (rules_set(&r, id, value, err, sizeof err))
        fail_msg("%s = \"%s\" accepted", id, value);
    assert_true(strlen(err) > 0);
    assert_memory_equal(r.v, d.v, sizeof r.v);
}

static void test_set_bad(void **st)
{
    (void)st;
    set_bad("speeding.bus", "100");
    set_bad("", "100");
    set_bad("speeding.coach", "");
    set_bad("speeding.coach", "fast");
    set_bad("speeding.coach", "100km/h");
    set_bad("speeding.coach", "nan");
    set_bad("speeding.coach", "inf");
    set_bad("speeding.coach", "-100");
    set_bad("speeding.coach", "0");
    set_bad("track.gap_s", "-1");
    set_bad("jt808.dialect", "1");
    set_bad("jt808.dialect", "sutong");
    set_bad("jt808.dialect", "");
    set_bad("alarm.silent_min_events", "0");
    set_bad("alarm.silent_min_events", "2.5");
    set_bad("track.reanchor_n", "0");
    set_bad("track.reanchor_n", "2.5");
    set_bad("speeding.night_factor", "0");
    set_bad("speeding.night_factor", "-0.5");
    set_bad("speeding.min_duration_s", "-60");
    set_bad("fatigue.rest_min_s", "-1");
    set_bad("track.invalid.lat_max", "91");
    set_bad("track.invalid.lon_min", "-181");
    set_bad("night.window", "22:00");
    set_bad("night.window", "25:00-06:00");
    set_bad("night.window", "22:60-06:00");
    set_bad("night.window", "22-06");
    set_bad("night.window", "evening");
    set_bad("night.window", "00:00-24:00"); /* all day is a zone's, not a night */
    set_bad("speeding.default_road", "2");
    set_bad("speeding.default_road", "highway");
    set_bad("speeding.default_road", "");
    set_bad("zone.min_s", "-1");
    set_bad("zone.min_s", "1.5");
    set_bad("zone.buffer_m", "0");
}

static const char *write_file(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/roadlog_rules_%d.txt", (int)getpid());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_load_ok(void **st)
{
    (void)st;
    const char *p = write_file("# local rules\n"
                               "\n"
                               "speeding.muck = 40          # Shenzhen city roads\n"
                               "  speeding.night_factor=0.7\n"
                               "track.gap_s = 600\r\n"
                               "night_ban.window = 01:00-05:30\n"
                               "\t# indented comment\n");
    rl_rules r;
    rules_defaults(&r);
    char err[256] = "";
    if (!rules_load(&r, p, err, sizeof err))
        fail_msg("load: %s", err);
    assert_true(r.v[R_SPEEDING_MUCK] == 40);
    assert_true(r.set[R_SPEEDING_MUCK]);
    assert_true(fabs(r.v[R_SPEEDING_NIGHT_FACTOR] - 0.7) < 1e-12);
    assert_true(r.v[R_TRACK_GAP_S] == 600);
    assert_int_equal(r.night_ban.start_s, 3600);
    assert_int_equal(r.night_ban.end_s, 5 * 3600 + 1800);
    assert_true(r.v[R_SPEEDING_HAZMAT] == 80);
    assert_false(r.set[R_SPEEDING_HAZMAT]);
    unlink(p);
}

static void load_fails_at(const char *text, int line, const char *mention)
{
    const char *p = write_file(text);
    rl_rules r;
    rules_defaults(&r);
    char err[512] = "";
    if (rules_load(&r, p, err, sizeof err))
        fail_msg("rules file accepted:\n%s", text);
    char where[128];
    snprintf(where, sizeof where, "%s:%d", p, line);
    if (!strstr(err, where))
        fail_msg("message \"%s\" does not name %s", err, where);
    if (mention && !strstr(err, mention))
        fail_msg("message \"%s\" does not mention \"%s\"", err, mention);
    unlink(p);
}

static void test_load_errors(void **st)
{
    (void)st;
    load_fails_at("speeding.coach = 90\n# ok\nspeeding.bus = 80\n", 3, "speeding.bus");
    load_fails_at("\n\nspeeding.coach = ninety\n", 3, "speeding.coach");
    load_fails_at("track.gap_s = 300\ntrack.gap_s = -5\n", 2, "track.gap_s");
    load_fails_at("speeding.coach 90\n", 1, NULL);
    load_fails_at("speeding.coach =\n", 1, "speeding.coach");
    load_fails_at("a\nb\nc\nd\n", 1, NULL);
    load_fails_at("# c\nnight.window = 22:00-29:00\n", 2, "night.window");
    load_fails_at("track.reanchor_n = 0\n", 1, "track.reanchor_n");
}

static void test_load_missing_file(void **st)
{
    (void)st;
    rl_rules r;
    rules_defaults(&r);
    char err[256] = "";
    assert_false(rules_load(&r, "/nonexistent/dir/rules.txt", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/dir/rules.txt"));
}

static char *print_to_string(const rl_rules *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    rules_print(r, f);
    fclose(f);
    return buf;
}

static void reload_equal(const rl_rules *r)
{
    char *txt = print_to_string(r);
    /* every rule id appears */
    for (int i = 0; i < R_COUNT; i++)
        if (!strstr(txt, rule_name((rule_id)i)))
            fail_msg("rules_print omits %s", rule_name((rule_id)i));
    const char *p = write_file(txt);
    rl_rules back;
    rules_defaults(&back);
    char err[512] = "";
    if (!rules_load(&back, p, err, sizeof err))
        fail_msg("rules_print output does not load: %s", err);
    for (int i = 0; i < R_COUNT; i++) {
        if (is_window((rule_id)i))
            continue;
        if (fabs(back.v[i] - r->v[i]) > 1e-9 * fabs(r->v[i]))
            fail_msg("%s printed and reloaded: %.17g != %.17g", rule_name((rule_id)i), back.v[i], r->v[i]);
    }
    assert_memory_equal(&back.night, &r->night, sizeof r->night);
    assert_memory_equal(&back.night_ban, &r->night_ban, sizeof r->night_ban);
    unlink(p);
    free(txt);
}

static void test_print_reload(void **st)
{
    (void)st;
    rl_rules r;
    rules_defaults(&r);
    reload_equal(&r);
    /* every value changed, some with awkward decimals */
    char err[256];
    for (int i = 0; i < R_COUNT; i++) {
        rule_id id = (rule_id)i;
        if (is_window(id) || is_named(id) || id == R_SPEEDING_DEFAULT_ROAD)
            continue;
        char val[64];
        double nv = r.v[id] >= 1 && r.v[id] == floor(r.v[id]) ? r.v[id] + 1 : r.v[id] == 0 ? 2.5 : 0.75;
        if (id == R_TRACK_DRIFT_MIN_KM || id == R_GAP_EVENT_MIN_KM || id == R_WEIGH_MISMATCH_KM)
            nv = 1.234;
        snprintf(val, sizeof val, "%g", nv);
        if (!rules_set(&r, rule_name(id), val, err, sizeof err))
            fail_msg("%s = %s: %s", rule_name(id), val, err);
    }
    assert_true(rules_set(&r, "night.window", "23:15-04:45", err, sizeof err));
    assert_true(rules_set(&r, "night_ban.window", "00:30-04:00", err, sizeof err));
    assert_true(rules_set(&r, "speeding.default_road", "urban_expressway", err, sizeof err));
    assert_true(rules_set(&r, "jt808.dialect", "gdrta", err, sizeof err));
    reload_equal(&r);
    /* every line that is not a comment is "id = value" */
    char *txt = print_to_string(&r);
    for (char *line = strtok(txt, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#' || line[0] == 0)
            continue;
        assert_non_null(strstr(line, " = "));
    }
    free(txt);
}

static void test_format_value(void **st)
{
    (void)st;
    rl_rules r;
    rules_defaults(&r);
    char b[64];
    rules_format_value(&r, R_SPEEDING_NIGHT_FACTOR, b, sizeof b);
    assert_string_equal(b, "0.8");
    rules_format_value(&r, R_SPEEDING_HAZMAT, b, sizeof b);
    assert_string_equal(b, "80");
    rules_format_value(&r, R_NIGHT_WINDOW, b, sizeof b);
    assert_string_equal(b, "22:00-06:00");
    rules_format_value(&r, R_NIGHT_BAN_WINDOW, b, sizeof b);
    assert_string_equal(b, "02:00-05:00");
    rules_format_value(&r, R_JT808_DIALECT, b, sizeof b);
    assert_string_equal(b, "jsatl");
    assert_false(rule_is_text(R_SPEEDING_HAZMAT));
    assert_true(rule_is_text(R_NIGHT_WINDOW));
}

/* The ids alarm events carry have a basis too (the reports' regulation
 * column), known or not; other text has none. */
static void test_alarm_rule_basis(void **st)
{
    (void)st;
    assert_non_null(strstr(rule_basis("alarm.overspeed"), "held"));
    assert_non_null(strstr(rule_basis("alarm.sos"), "ack"));
    assert_non_null(strstr(rule_basis("alarm.power_off"), "table 24"));
    assert_non_null(strstr(rule_basis("dsm.phone"), "T/JSATL 12-2017"));
    assert_non_null(strstr(rule_basis("dsm.no_seatbelt"), "T/GDRTA 002-2020"));
    assert_non_null(strstr(rule_basis("dsm.code_0x21"), "neither"));
    assert_non_null(strstr(rule_basis("tpms.code_0x0f"), "reserved"));
    assert_non_null(rule_basis("alarm.silent_min_events"));
    assert_null(rule_basis("alarm.bogus"));
    assert_null(rule_basis("dsm.bogus"));
    assert_null(rule_basis("dsmx.phone"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_unique),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_window_contains),
        cmocka_unit_test(test_speeding_for),
        cmocka_unit_test(test_classes),
        cmocka_unit_test(test_every_id_settable),
        cmocka_unit_test(test_set_bad),
        cmocka_unit_test(test_load_ok),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_load_missing_file),
        cmocka_unit_test(test_print_reload),
        cmocka_unit_test(test_format_value),
        cmocka_unit_test(test_alarm_rule_basis),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
