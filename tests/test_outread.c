/*
 * test_outread.c - reading back an output folder (reports/outread.c,
 * issue 11): run.json through jansson (keys anywhere in the file, not in
 * its first 4 KiB; a damaged file named with its line), the tables by
 * column name with the checked parsers (a count past int64, NaN, a date
 * that does not exist, a row cut short: each a damaged line named with
 * file:line, the rows around it read), neutralised text given back,
 * times in the run's zone, and a real output of `roadlog analyze` read
 * back field for field.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "outread.h"
#include "timeutil.h"

static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/rl-test-outread-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *write_file(const char *name, const char *text)
{
    static char path[160];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* What the callbacks saw. */
typedef struct {
    outr_event ev[16];
    char ids[16][32], plates[16][64], companies[16][64], drivers[16][64];
    size_t nev;
    outr_vehicle veh[8];
    char vplates[8][64];
    size_t nveh;
    outr_vday day[8];
    size_t nday;
    uint64_t dmg_line[16];
    char dmg_why[16][256];
    size_t ndmg;
    bool stop_on_damage;
} seen;

static bool on_event(void *ud, const outr_event *e)
{
    seen *s = ud;
    assert_true(s->nev < 16);
    s->ev[s->nev] = *e;
    snprintf(s->ids[s->nev], sizeof s->ids[0], "%s", e->event_id);
    snprintf(s->plates[s->nev], sizeof s->plates[0], "%s", e->plate);
    snprintf(s->companies[s->nev], sizeof s->companies[0], "%s", e->company);
    snprintf(s->drivers[s->nev], sizeof s->drivers[0], "%s", e->driver);
    s->nev++;
    return true;
}

static bool on_vehicle(void *ud, const outr_vehicle *v)
{
    seen *s = ud;
    assert_true(s->nveh < 8);
    s->veh[s->nveh] = *v;
    snprintf(s->vplates[s->nveh], sizeof s->vplates[0], "%s", v->plate);
    s->nveh++;
    return true;
}

static bool on_vday(void *ud, const outr_vday *d)
{
    seen *s = ud;
    assert_true(s->nday < 8);
    s->day[s->nday++] = *d;
    return true;
}

static bool on_damaged(void *ud, const char *path, uint64_t line, const char *why)
{
    seen *s = ud;
    (void)path;
    assert_true(s->ndmg < 16);
    s->dmg_line[s->ndmg] = line;
    snprintf(s->dmg_why[s->ndmg], sizeof s->dmg_why[0], "%s", why);
    s->ndmg++;
    return !s->stop_on_damage;
}

static const char *damage_at(const seen *s, uint64_t line)
{
    for (size_t i = 0; i < s->ndmg; i++)
        if (s->dmg_line[i] == line)
            return s->dmg_why[i];
    return NULL;
}

static void run_json(void **state)
{
    (void)state;
    char why[512];
    outr_run r;
    /* the keys the tools need after 4 KiB of inputs: the old strstr on the
     * first 4 KiB lost them */
    char big[8192];
    size_t k = (size_t)snprintf(big, sizeof big, "{\"tool\":\"roadlog\",\"inputs\":[");
    for (int i = 0; i < 120; i++)
        k += (size_t)snprintf(big + k, sizeof big - k, "%s{\"path\":\"day-%03d.csv\",\"size\":12345}", i ? "," : "", i);
    snprintf(big + k, sizeof big - k,
             "],\"command\":\"analyze\",\"tz\":\"-05:00\",\"run_id\":\"0123456789abcdef\",\"chain_seq\":3,"
             "\"resumed_from\":{\"dir\":\"out/d2\",\"run_id\":\"fedcba9876543210\"},\"exit_status\":0,"
             "\"rules\":{\"speeding.other\":110,\"speeding.truck\":90}}");
    assert_true(strlen(big) > 4096);
    assert_int_equal(outr_read_run(write_file("run.json", big), &r, why, sizeof why), OUTR_OK);
    assert_true(r.have_tz);
    assert_int_equal(r.tz, -5 * 3600);
    assert_string_equal(r.tz_text, "-05:00");
    assert_string_equal(r.command, "analyze");
    assert_string_equal(r.run_id, "0123456789abcdef");
    assert_int_equal(r.chain_seq, 3);
    assert_string_equal(r.resumed_dir, "out/d2");
    assert_string_equal(r.resumed_run_id, "fedcba9876543210");
    assert_int_equal(r.exit_status, 0);
    double v;
    assert_true(outr_run_rule(&r, "speeding.other", &v));
    assert_true(v == 110);
    assert_false(outr_run_rule(&r, "no.such.rule", &v));
    outr_run_free(&r);

    /* an older output: no chain keys */
    assert_int_equal(outr_read_run(write_file("run.json", "{\"tz\":\"+08:00\",\"resumed_from\":null}"), &r, why,
                                   sizeof why),
                     OUTR_OK);
    assert_int_equal(r.chain_seq, 0);
    assert_null(r.run_id);
    assert_null(r.resumed_dir);
    assert_int_equal(r.exit_status, -1);
    outr_run_free(&r);

    /* damaged: cut short (named with its line), a key twice, wrong types */
    assert_int_equal(outr_read_run(write_file("run.json", "{\"tz\":\"+08:00\",\n\"counts\":{\"events\":"), &r, why,
                                   sizeof why),
                     OUTR_DAMAGED);
    assert_non_null(strstr(why, "run.json:2:"));
    assert_false(r.have_tz);
    outr_run_free(&r);
    assert_int_equal(outr_read_run(write_file("run.json", "{\"tz\":\"+08:00\",\"tz\":\"+09:00\"}"), &r, why,
                                   sizeof why),
                     OUTR_DAMAGED);
    outr_run_free(&r);
    assert_int_equal(outr_read_run(write_file("run.json", "{\"tz\":8,\"chain_seq\":\"1\"}"), &r, why, sizeof why),
                     OUTR_DAMAGED);
    outr_run_free(&r);
    assert_int_equal(outr_read_run(write_file("run.json", "[1,2]"), &r, why, sizeof why), OUTR_DAMAGED);
    outr_run_free(&r);
    char missing[160];
    snprintf(missing, sizeof missing, "%s/none/run.json", tmpdir);
    assert_int_equal(outr_read_run(missing, &r, why, sizeof why), OUTR_MISSING);
    outr_run_free(&r);
}

#define EV_HEADER                                                                                                 \
    "event_id,plate,plate_color,class,company,driver,type,start_time,end_time,duration_s,start_lon,start_lat,"   \
    "end_lon,end_lat,value,limit,excess_pct,severity,rule,source,evidence_points,new_column,status\n"

static void events_and_damage(void **state)
{
    (void)state;
    const char *p = write_file(
        "events.csv",
        EV_HEADER
        /* 2: a good row; neutralised company and driver read back as given */
        "00000000000000e1,粤B00001,2,hazmat,'=SUM(A1),'-D1,speeding,2026-11-02 09:00:00,2026-11-02 09:05:00,300,"
        "113.9,22.5,114.0,22.5,100.5,80,25.6,12 pts; 200-2000 yuan,speeding.hazmat,gps.csv:10,11,x,open\n"
        /* 3: value past int64 once scaled */
        "00000000000000e2,粤B00001,2,hazmat,甲,D1,speeding,2026-11-02 10:00:00,,,,,,,99999999999999999999,80,,,,,,,\n"
        /* 4: NaN limit */
        "00000000000000e3,粤B00001,2,hazmat,甲,D1,speeding,2026-11-02 11:00:00,,,,,,,100,NaN,,,,,,,closed\n"
        /* 5: a start that does not exist */
        "00000000000000e4,粤B00001,2,hazmat,甲,D1,speeding,2026-13-02 11:00:00,,,,,,,100,80,,,,,,,\n"
        /* 6: cut short */
        "00000000000000e5,粤B00001,2,hazmat,甲\n"
        /* 7: an unknown type, 8: an unknown status, 9: an empty plate */
        "00000000000000e6,粤B00001,2,hazmat,甲,D1,speding,2026-11-02 12:00:00,,,,,,,100,80,,,,,,,\n"
        "00000000000000e7,粤B00001,2,hazmat,甲,D1,speeding,2026-11-02 12:00:00,,,,,,,100,80,,,,,,,maybe\n"
        "00000000000000e8,,2,hazmat,甲,D1,speeding,2026-11-02 12:00:00,,,,,,,100,80,,,,,,,\n"
        /* 10: good, withdrawn, no value or limit, no class */
        "00000000000000e9,粤B00002,0,,,,gps_gap,2026-11-03 00:30:00,2026-11-03 02:00:00,,,,,,,,,warning,gap,x,2,,"
        "withdrawn\n");
    seen s;
    memset(&s, 0, sizeof s);
    outr_handler h = {&s, on_event, NULL, NULL, on_damaged};
    outr_info info;
    char why[512];
    assert_int_equal(outr_read_events(p, 8 * 3600, &h, &info, why, sizeof why), OUTR_OK);
    assert_int_equal(info.rows, 2);
    assert_int_equal(info.damaged, 7);
    assert_int_equal(s.nev, 2);
    const outr_event *e = &s.ev[0];
    assert_string_equal(s.ids[0], "00000000000000e1");
    assert_string_equal(s.plates[0], "粤B00001");
    assert_string_equal(s.companies[0], "=SUM(A1)");
    assert_string_equal(s.drivers[0], "-D1");
    assert_int_equal(e->line, 2);
    assert_int_equal(e->color, 2);
    assert_true(e->have_cls);
    assert_int_equal(e->cls, CLASS_HAZMAT);
    assert_int_equal(e->type, EV_SPEEDING);
    assert_int_equal(e->start_day, (int32_t)tu_days_from_civil(2026, 11, 2));
    assert_int_equal(e->start, 1793581200); /* 2026-11-02 09:00:00 +08:00 */
    assert_int_equal(e->end, 1793581500);
    assert_true(e->have_value && e->have_limit);
    assert_int_equal(e->value_milli, 100500);
    assert_int_equal(e->limit_milli, 80000);
    assert_int_equal(e->status, EV_STATUS_OPEN);
    e = &s.ev[1];
    assert_int_equal(e->line, 10);
    assert_false(e->have_cls);
    assert_false(e->have_value);
    assert_int_equal(e->status, EV_STATUS_WITHDRAWN);
    assert_int_equal(e->end - e->start, 5400);
    /* every damaged line named with its reason */
    assert_non_null(strstr(damage_at(&s, 3), "value '99999999999999999999'"));
    assert_non_null(strstr(damage_at(&s, 4), "limit 'NaN'"));
    assert_non_null(strstr(damage_at(&s, 5), "start_time '2026-13-02 11:00:00'"));
    assert_non_null(strstr(damage_at(&s, 6), "row has 5 fields but the header has 23"));
    assert_non_null(strstr(damage_at(&s, 7), "type 'speding': not an event type"));
    assert_non_null(strstr(damage_at(&s, 8), "status 'maybe'"));
    assert_non_null(strstr(damage_at(&s, 9), "plate is empty"));

    /* the zone of the run reads the times */
    memset(&s, 0, sizeof s);
    assert_int_equal(outr_read_events(p, 0, &h, &info, why, sizeof why), OUTR_OK);
    assert_int_equal(s.ev[0].start, 1793581200 + 8 * 3600);

    /* --strict: the first damaged line stops the reading */
    memset(&s, 0, sizeof s);
    s.stop_on_damage = true;
    assert_int_equal(outr_read_events(p, 8 * 3600, &h, &info, why, sizeof why), OUTR_STOPPED);
    assert_int_equal(s.ndmg, 1);
    assert_int_equal(s.nev, 1);

    /* not an events.csv */
    memset(&s, 0, sizeof s);
    p = write_file("other.csv", "plate,time,lon,lat,speed\n粤B1,2026-11-02 10:00:00,1,2,3\n");
    assert_int_equal(outr_read_events(p, 8 * 3600, &h, &info, why, sizeof why), OUTR_NOT_THIS);
    assert_non_null(strstr(why, "no column event_id"));
    p = write_file("empty.csv", "");
    assert_int_equal(outr_read_events(p, 8 * 3600, &h, &info, why, sizeof why), OUTR_NOT_THIS);
}

static void vehicles_and_days(void **state)
{
    (void)state;
    const char *pv = write_file("vehicles.csv",
                                "plate,plate_color,class,company,registered,phone,points,valid,drift,duplicates,"
                                "distance_km,driving_s,max_speed,first_time,last_time,events,penalty_points\n"
                                "粤B00001,2,hazmat,甲,yes,13800000001,1000,988,3,2,200.125,20000,100,,,3,30\n"
                                "粤B00002,黄色,truck,,no,,5,5,0,0,1,60,,,,0,0\n"
                                "粤B00003,2,truck,,maybe,,5,5,0,0,1,60,,,,0,0\n"
                                "粤B00004,2,truck,,no,,-5,5,0,0,1,60,,,,0,0\n"
                                "粤B00005,2,truck,,no,,5.5,5,0,0,1,60,,,,0,0\n");
    seen s;
    memset(&s, 0, sizeof s);
    outr_handler h = {&s, NULL, on_vehicle, on_vday, on_damaged};
    outr_info info;
    char why[512];
    assert_int_equal(outr_read_vehicles(pv, &h, &info, why, sizeof why), OUTR_OK);
    assert_int_equal(s.nveh, 2);
    assert_int_equal(info.damaged, 3);
    assert_string_equal(s.vplates[0], "粤B00001");
    assert_int_equal(s.veh[0].registered, 1);
    assert_int_equal(s.veh[0].points, 1000);
    assert_int_equal(s.veh[0].drift, 3);
    assert_int_equal(s.veh[0].distance_m, 200125);
    assert_int_equal(s.veh[0].penalty_points, 30);
    assert_int_equal(s.veh[1].registered, 0);
    assert_int_equal(s.veh[1].color, 2);
    assert_non_null(strstr(damage_at(&s, 4), "registered 'maybe': neither yes nor no"));
    assert_non_null(strstr(damage_at(&s, 5), "points '-5': a count below zero"));
    assert_non_null(strstr(damage_at(&s, 6), "points '5.5': not a whole number"));

    /* an older vehicle_days.csv without accepted and gap_km */
    const char *pd = write_file("vehicle_days.csv",
                                "plate,plate_color,day,points,valid,drift,gaps,distance_km,driving_s\n"
                                "粤B00001,2,2026-11-02,1000,988,2,1,200,20000\n"
                                "粤B00001,2,2026-11-31,1,1,0,0,0,0\n"
                                "粤B00001,2,2026-11-03,1e309,1,0,0,0,0\n");
    memset(&s, 0, sizeof s);
    assert_int_equal(outr_read_vdays(pd, &h, &info, why, sizeof why), OUTR_OK);
    assert_int_equal(s.nday, 1);
    assert_false(info.have_accepted);
    assert_false(info.have_gap);
    assert_false(s.day[0].have_accepted);
    assert_int_equal(s.day[0].day, (int32_t)tu_days_from_civil(2026, 11, 2));
    assert_int_equal(s.day[0].valid, 988);
    assert_int_equal(s.day[0].distance_m, 200000);
    assert_non_null(strstr(damage_at(&s, 3), "day '2026-11-31': date does not exist"));
    assert_non_null(strstr(damage_at(&s, 4), "points '1e309'"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(run_json),
        cmocka_unit_test(events_and_damage),
        cmocka_unit_test(vehicles_and_days),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
