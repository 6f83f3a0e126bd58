/*
 * test_documents.c - what officers read (issue 17): the keyed label
 * table and Chinese citations, ID-card numbers masked in every output,
 * the risk index that ranks vehicles, drivers' points in their cycle,
 * the evidence of a weighing, events.geojson geometries from the fixes,
 * tracks.geojson, --map-coord, zones in the maps and the escaping of
 * every new field, --tiles checks.
 */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "testfiles.h"

#include "i18n.h"
#include "map.h"
#include "privacy.h"
#include "reports.h"
#include "tracksample.h"
#include "zones.h"

static char *write_and_read(harness *h, bool (*w)(const rl_run *, const char *), const char *name, char dir[64])
{
    char path[160];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_true(w(&h->run, path));
    return slurp(path, NULL);
}

/* ---- one keyed table of labels, Chinese citations ---- */

static void labels_complete(void **state)
{
    (void)state;
    for (int k = 0; k < L_COUNT; k++) {
        assert_non_null(i18n_label((label_id)k, false));
        assert_non_null(i18n_label((label_id)k, true));
        assert_true(*i18n_label((label_id)k, true) != 0);
    }
    assert_string_equal(i18n_label(L_PLATE, true), "车牌号");
    assert_string_equal(i18n_label(L_PLATE, false), "Plate");
    /* every event type named in both languages, the zone and alarm types
     * included; a zone event's value is seconds, an alarm's a count */
    for (int t = 0; t < EV_TYPE_COUNT; t++) {
        assert_true(*report_type_label((event_type)t, true) != 0);
        assert_true(*report_type_label((event_type)t, false) != 0);
    }
    assert_string_equal(report_type_label(EV_ROUTE_DEVIATION, false), "Off the approved route");
    assert_string_equal(report_unit(EV_ZONE_RESTRICTED, true), "秒");
    assert_string_equal(report_unit(EV_DSM_ALARM, true), "");
    assert_string_equal(report_unit(EV_TERMINAL_SILENT, false), "");
    char b[128];
    report_severity_text("12 pts; 200-2000 yuan", true, b, sizeof b);
    assert_string_equal(b, "记12分；罚款200-2000元");
    report_severity_text("0 pts; warning or 20-200 yuan", true, b, sizeof b);
    assert_string_equal(b, "记0分；警告或罚款20-200元");
    report_severity_text("review", true, b, sizeof b);
    assert_string_equal(b, "待核查");
    report_severity_text("warning", true, b, sizeof b);
    assert_string_equal(b, "警告");
    report_severity_text("1500 yuan", true, b, sizeof b);
    assert_string_equal(b, "罚款1500元");
    report_severity_text("review", false, b, sizeof b);
    assert_string_equal(b, "review");
    /* a short buffer cuts, never overruns */
    char small[8];
    report_severity_text("12 pts; 200-2000 yuan", true, small, sizeof small);
    assert_true(strlen(small) < sizeof small);
}

static void basis_in_chinese(void **state)
{
    (void)state;
    for (int i = 0; i < R_COUNT; i++) {
        const char *zh = rule_basis(rule_name((rule_id)i), true), *en = rule_basis(rule_name((rule_id)i), false);
        assert_non_null(zh);
        assert_non_null(en);
        /* Chinese text: no English article numbers, no English words */
        assert_null(strstr(zh, "art."));
        assert_null(strstr(zh, "debounce"));
        assert_null(strstr(zh, "vary"));
        assert_true((unsigned char)zh[0] >= 0x80 || strncmp(zh, "JJG", 3) == 0);
    }
    assert_non_null(strstr(rule_basis("speeding.coach", true), "《中华人民共和国道路交通安全法实施条例》第七十八条"));
    assert_non_null(strstr(rule_basis("fatigue.continuous_max_s", true), "第六十二条第（七）项"));
    assert_non_null(strstr(rule_basis("night_ban.min_driving_s", true), "第三十八条第（五）项"));
    assert_non_null(strstr(rule_basis("overload.rated_load_kg", true), "第九十二条"));
    assert_non_null(strstr(rule_basis("overlimit.axles_3", true), "第三条"));
    /* a rule that is practice, not law, says so */
    assert_non_null(strstr(rule_basis("speeding.min_duration_s", true), "非法定"));
    assert_non_null(strstr(rule_basis("zone.min_s", true), "非法定"));
    assert_non_null(strstr(rule_basis("speeding.default_road", true), "第七十八条"));
    /* the ids zone and alarm events carry, in Chinese too */
    assert_non_null(strstr(rule_basis("zone:z1", true), "《危险化学品安全管理条例》第四十九条"));
    assert_null(strstr(rule_basis("zone:z1", true), "art."));
    assert_non_null(strstr(rule_basis("dsm.phone", true), "苏标"));
    assert_null(rule_basis("zone:", true));
    assert_null(rule_basis("nope.nope", true));
}

/* ---- privacy ---- */

static void ids_masked(void **state)
{
    (void)state;
    char b[19];
    assert_true(id_is_citizen_id("440301198203154417", 18));
    assert_true(id_is_citizen_id("44030119820315441X", 18));
    assert_false(id_is_citizen_id("4403011982031544", 16));
    assert_false(id_is_citizen_id("44030119820315441Y", 18));
    assert_false(id_is_citizen_id("粤交运从业123456", strlen("粤交运从业123456")));
    assert_string_equal(driver_shown("440301198203154417", false, b), "440301********4417");
    assert_string_equal(driver_shown("440301198203154417", true, b), "440301198203154417");
    assert_string_equal(driver_shown("Q4403000123", false, b), "Q4403000123");

    harness h;
    h_init(&h);
    h_register(&h, "粤B60001", 2, CLASS_HAZMAT);
    h_drive(&h, "粤B60001", T("2026-11-02 09:00:00"), T("2026-11-02 09:10:00"), 30, 100, "440301198203154417");
    h_register(&h, "粤B60002", 2, CLASS_HAZMAT);
    h.lat += 0.1;
    h_drive(&h, "粤B60002", T("2026-11-02 09:00:00"), T("2026-11-02 09:10:00"), 30, 100, "Q4403000123");
    h_finish(&h);
    assert_int_equal(h.run.events.n, 2);
    char dir[64];
    make_tmp(dir);
    struct {
        bool (*w)(const rl_run *, const char *);
        const char *name;
    } outs[] = {{report_events_csv, "events.csv"},   {report_events_jsonl, "events.jsonl"},
                {report_html, "report.html"},        {report_geojson, "events.geojson"},
                {report_drivers_html, "drivers.html"}};
    h.run.opt.quiet = true;
    for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++) {
        char *s = write_and_read(&h, outs[i].w, outs[i].name, dir);
        assert_non_null(s);
        if (strstr(s, "198203154417"))
            fail_msg("%s shows the ID-card number", outs[i].name);
        assert_non_null(strstr(s, "440301********4417"));
        assert_non_null(strstr(s, "Q4403000123")); /* a certificate code stays */
        free(s);
    }
    h.run.opt.show_ids = true;
    for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++) {
        char *s = write_and_read(&h, outs[i].w, outs[i].name, dir);
        assert_non_null(strstr(s, "440301198203154417"));
        assert_null(strstr(s, "440301********4417"));
        free(s);
    }
    /* run.json says which */
    char *s = write_and_read(&h, outs[0].w, "events.csv", dir);
    free(s);
    char path[160];
    snprintf(path, sizeof path, "%s/run.json", dir);
    assert_true(report_run_json(&h.run, path, "analyze", 0));
    s = slurp(path, NULL);
    assert_non_null(strstr(s, "\"driver_ids\":\"shown\""));
    free(s);
    h.run.opt.show_ids = false;
    assert_true(report_run_json(&h.run, path, "analyze", 0));
    s = slurp(path, NULL);
    assert_non_null(strstr(s, "\"driver_ids\":\"masked\""));
    free(s);
    rm_rf(dir);
    h_free(&h);
}

/* ---- the risk index ranks vehicles; points stay per event ---- */

static void risk_ranking(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    /* A: a truck (group B) 20 times a little over (< 10 %: 0 points,
     * warning or fine: weight 1 each); B: a hazmat truck once 25 % over
     * (12 points). Summed points would put B first. */
    h_register(&h, "粤B70001", 2, CLASS_TRUCK);
    h_register(&h, "粤B70002", 2, CLASS_HAZMAT);
    for (int k = 0; k < 20; k++) {
        int64_t t0 = T("2026-11-02 06:00:00") + k * 1800;
        h_drive(&h, "粤B70001", t0, t0 + 120, 30, 105, "DA");
        h_drive(&h, "粤B70001", t0 + 150, t0 + 600, 30, 80, "DA");
    }
    h.lat += 0.2;
    h_drive(&h, "粤B70002", T("2026-11-02 09:00:00"), T("2026-11-02 09:05:00"), 30, 100, "DB");
    h_finish(&h);
    assert_int_equal(h_count(&h, EV_SPEEDING), 21);
    char dir[64];
    make_tmp(dir);
    h.run.opt.lang = "en";
    h.run.opt.quiet = true;
    char *s = write_and_read(&h, report_html, "report.html", dir);
    const char *idx = strstr(s, "id=\"idx\"");
    assert_non_null(idx);
    const char *a = strstr(idx, "粤B70001"), *b = strstr(idx, "粤B70002");
    assert_true(a && b && a < b);
    /* A: risk 20, 20 events, most points of one event 0; B: 12, 1, 12 */
    assert_non_null(strstr(idx, "<td class=\"n\">20</td><td class=\"n\">20</td><td class=\"n\">0</td>"));
    assert_non_null(strstr(idx, "<td class=\"n\">12</td><td class=\"n\">1</td><td class=\"n\">12</td>"));
    free(s);
    rm_rf(dir);
    h_free(&h);
}

/* ---- drivers' points in their cycle ---- */

static void driver_cycles(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    h_register(&h, "粤B80001", 2, CLASS_HAZMAT);
    /* D1: 12 points on 2026-11-02, 12 more on 2027-11-05 (the next cycle) */
    h_drive(&h, "粤B80001", T("2026-11-02 09:00:00"), T("2026-11-02 09:05:00"), 30, 100, "D1");
    h_drive(&h, "粤B80001", T("2027-11-05 09:00:00"), T("2027-11-05 09:05:00"), 30, 100, "D1");
    h_finish(&h);
    assert_int_equal(h_count(&h, EV_SPEEDING), 2);
    char dir[64];
    make_tmp(dir);
    h.run.opt.lang = "zh";
    char *s = write_and_read(&h, report_drivers_html, "drivers.html", dir);
    assert_non_null(s);
    assert_non_null(strstr(s, "2026-11-02 – 2027-11-01"));
    assert_non_null(strstr(s, "2027-11-02 – 2028-11-01"));
    assert_int_equal(count_of(s, "已满12分"), 2);
    assert_int_equal(count_of(s, "<section class=\"sheet"), 1);
    assert_non_null(strstr(s, "初次领取驾驶证"));
    assert_null(strstr(s, "<script"));
    free(s);
    h.run.opt.quiet = true;
    s = write_and_read(&h, report_html, "report.html", dir);
    const char *drv = strstr(s, "id=\"drv\"");
    assert_non_null(drv);
    assert_non_null(strstr(drv, "<td class=\"n\">12</td><td>已满12分</td>"));
    free(s);
    rm_rf(dir);
    h_free(&h);
}

/* ---- the evidence of a weighing ---- */

static void weighing_evidence(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    reg_entry e;
    memset(&e, 0, sizeof e);
    e.plate = strtab_intern(h.run.str, "粤B90001", strlen("粤B90001"));
    e.color = 2;
    e.cls = CLASS_TRUCK;
    e.rated_load_kg = e.curb_kg = -1;
    e.max_gross_kg = -1;
    e.seats = -1;
    registry_add(&h.run.reg, &e);
    h.run.have_registry = true;
    h_drive(&h, "粤B90001", T("2026-11-02 09:00:00"), T("2026-11-02 09:20:00"), 60, 50, NULL);
    rl_weighing w;
    memset(&w, 0, sizeof w);
    w.origin = RL_ORIGIN(0, ++h.line);
    w.time = T("2026-11-02 09:10:00");
    w.plate = "粤B90001";
    w.plate_len = strlen(w.plate);
    w.color = 2;
    w.axles = 3;
    w.gross_kg = 26251; /* 25 000 + 5 % = 26 250: one kg over */
    w.wim = true;
    w.have_speed = true;
    w.speed_mkmh = 23400;
    w.naxle_kg = 3;
    w.axle_kg[0] = 7500;
    w.axle_kg[1] = 9000;
    w.axle_kg[2] = 9751;
    w.station = "S-01 <东站>";
    w.station_len = strlen(w.station);
    w.passengers = -1;
    w.have_pos = true;
    w.lat_e6 = 22500000;
    w.lon_e6 = 113900000;
    h.sink.weighing(h.sink.ud, &w);
    h_finish(&h);
    assert_int_equal(h_count(&h, EV_OVER_LIMIT), 1);
    assert_int_equal(h_count(&h, EV_AXLE_OVERLOAD), 1); /* steer 7500 > 7000 x 1.05 */
    const ts_weighing *tw = tracksample_weighing_at(h.run.samples, h.run.events.e[0].vehicle, w.time);
    assert_non_null(tw);
    assert_int_equal(tw->speed_dkmh, 234);
    assert_true(tw->wim);
    assert_string_equal(strtab_get(h.run.str, tw->station), "S-01 <东站>");
    char dir[64];
    make_tmp(dir);
    h.run.opt.lang = "en";
    h.run.opt.quiet = true;
    char *s = write_and_read(&h, report_html, "report.html", dir);
    assert_non_null(strstr(s, "S-01 &lt;东站&gt;"));
    assert_null(strstr(s, "<东站>"));
    assert_non_null(strstr(s, "weigh-in-motion"));
    assert_non_null(strstr(s, "23.4 km/h"));
    assert_non_null(strstr(s, "5% (<code>weigh.wim_tolerance_pct</code>)"));
    /* gross against its limit: the kg and a percentage that is not 0 */
    assert_non_null(strstr(s, "+1251 kg<br>+5"));
    /* every axle against its limit, the steer axle first */
    assert_non_null(strstr(s, "7500 kg</td><td class=\"n\">7000 kg</td><td class=\"n\">≤ 7350 kg</td><td>over by 500 kg"));
    assert_non_null(strstr(s, "9000 kg</td><td class=\"n\">11500 kg</td><td class=\"n\">≤ 12075 kg</td><td>within"));
    /* the station on the maps, its name JSON-escaped */
    assert_non_null(strstr(s, "\"S-01 \\u003c东站\\u003e\""));
    free(s);
    rm_rf(dir);
    h_free(&h);
}

/* ---- events.geojson, tracks.geojson, --map-coord, zones ---- */

static void geojson_geometries(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    h_register(&h, "粤B10003", 2, CLASS_HAZMAT);
    /* a speed zone of 60 km/h (ZONES.md) over the whole episode, its name
     * hostile to a page: the hazmat limit of 80 is lowered to 60 there */
    static const char zones[] =
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"id\":\"z1\","
        "\"name\":\"</script><b>x\",\"kind\":\"speed\",\"speed_limit_kmh\":60},\"geometry\":{\"type\":\"Polygon\","
        "\"coordinates\":[[[113.9,22.49],[114.2,22.49],[114.2,22.52],[113.9,22.52],[113.9,22.49]]]}}]}";
    h.run.zones = zones_new(&h.run.rules);
    char err[256];
    assert_true(zones_load_buffer(h.run.zones, "city.geojson", zones, strlen(zones), -1, err, sizeof err));
    zones_freeze(h.run.zones);
    /* a speeding episode along a zig-zag: its geometry is its fixes */
    int64_t t0 = T("2026-11-02 09:00:00");
    for (int k = 0; k <= 20; k++) {
        rl_position p;
        memset(&p, 0, sizeof p);
        p.origin = RL_ORIGIN(0, ++h.line);
        p.time = t0 + 30 * k;
        p.lat_e6 = 22500000 + (k % 2) * 3000;
        p.lon_e6 = 113900000 + k * 8000;
        p.speed_mkmh = k >= 4 && k <= 14 ? 100000 : 60000;
        p.plate = "粤B10003";
        p.plate_len = strlen(p.plate);
        p.color = 2;
        h.sink.position(h.sink.ud, &p);
    }
    h_finish(&h);
    /* one episode: 60 km/h (not above the zone's 60) before and after */
    assert_int_equal(h.run.events.n, 1);
    assert_int_equal(h.run.events.e[0].limit, 60000);
    assert_string_equal(h.run.events.e[0].zone_id, "z1");
    char dir[64];
    make_tmp(dir);
    char path[160];
    snprintf(path, sizeof path, "%s/events.geojson", dir);
    assert_true(report_geojson(&h.run, path));
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "python3 -c \"import json,sys\n"
             "d=json.load(open(sys.argv[1]))\n"
             "ev=[f for f in d['features'] if 'event_id' in f['properties']]\n"
             "zs=[f for f in d['features'] if 'event_id' not in f['properties']]\n"
             "g=ev[0]['geometry']\n"
             "assert g['type']=='LineString' and len(g['coordinates'])==11, g\n"
             "assert all(abs(c[1]-22.5015)<0.002 and 113.9<c[0]<114.1 for c in g['coordinates'])\n"
             "assert len(zs)==1 and zs[0]['properties']['zone_id']=='z1' and zs[0]['id']=='zone:z1', zs\n"
             "assert zs[0]['properties']['speed_limit_kmh']==60 and zs[0]['properties']['events']==1, zs\n"
             "assert 'coord' not in d\n"
             "\" %s",
             path);
    assert_int_equal(system(cmd), 0);
    /* GCJ-02: every position shifted by the offset of Shenzhen (about
     * -0.0030 lat, +0.0049 lon), the zones too, and said */
    h.run.opt.map_coord = CC_GCJ02;
    assert_true(report_geojson(&h.run, path));
    snprintf(cmd, sizeof cmd,
             "python3 -c \"import json,sys\n"
             "d=json.load(open(sys.argv[1]))\n"
             "assert d['coord']=='gcj02'\n"
             "c=d['features'][0]['geometry']['coordinates'][0]\n"
             "assert 0.002<22.5-c[1]<0.0035 and 0.004<c[0]-113.932<0.006, c\n"
             "z=d['features'][1]['geometry']['coordinates'][0]\n"
             "lat=min(p[1] for p in z); lon=min(p[0] for p in z)\n"
             "assert 0.002<22.49-lat<0.0035 and 0.004<lon-113.9<0.006, z\n"
             "\" %s",
             path);
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof path, "%s/tracks.geojson", dir);
    assert_true(report_tracks_geojson(&h.run, path));
    snprintf(cmd, sizeof cmd,
             "python3 -c \"import json,sys\n"
             "d=json.load(open(sys.argv[1]))\n"
             "f=d['features']\n"
             "assert len(f)==1 and f[0]['geometry']['type']=='MultiLineString', f\n"
             "assert f[0]['properties']['plate']=='粤B10003' and f[0]['properties']['day']=='2026-11-02'\n"
             "l=f[0]['geometry']['coordinates'][0]\n"
             "assert len(l)>=2 and abs(l[0][0]-113.9049)<0.001 and abs(l[-1][0]-114.0651)<0.001, f\n"
             "\" %s",
             path);
    assert_int_equal(system(cmd), 0);
    /* the zone's name cannot close the page's data block; the vehicle's
     * map draws the zone its event names; every fix of the evidence has
     * the zone's limit, not the class cap */
    h.run.opt.map_coord = CC_WGS84;
    h.run.opt.quiet = true;
    char *s = write_and_read(&h, report_html, "report.html", dir);
    assert_non_null(strstr(s, "id=\"rl-zones\""));
    assert_non_null(strstr(s, "\\u003c/script\\u003e\\u003cb\\u003ex"));
    assert_int_equal(count_of(s, "</script>"), count_of(s, "<script"));
    assert_non_null(strstr(s, "\"zi\":[\"z1\"]"));
    assert_non_null(strstr(s, "&lt;/script&gt;&lt;b&gt;x")); /* the evidence names the zone */
    assert_non_null(strstr(s, "\"zone_id\":\"z1\""));
    assert_int_equal(count_of(s, "<td class=\"n\">100</td><td class=\"n\">60</td><td>z1 &lt;/script&gt;"), 11);
    assert_null(strstr(s, "<td class=\"n\">80</td>"));
    free(s);
    /* an event still running where the data ends says so (RUNS.md §2) */
    h.run.events.e[0].status = EV_STATUS_OPEN;
    s = write_and_read(&h, report_html, "report.html", dir);
    char want[128];
    snprintf(want, sizeof want, "<th>%s</th><td>%s</td>", i18n_label(L_STATUS, report_lang_zh(h.run.opt.lang)),
             i18n_label(L_STATUS_OPEN, report_lang_zh(h.run.opt.lang)));
    assert_non_null(strstr(s, want));
    h.run.events.e[0].status = EV_STATUS_CLOSED;
    free(s);
    /* tests/browser.sh looks at this page in a browser (zones drawn) */
    const char *keep = getenv("ROADLOG_TEST_REPORT_DIR");
    if (keep && *keep) {
        char kp[512];
        snprintf(kp, sizeof kp, "%s/report.html", keep);
        assert_true(report_html(&h.run, kp));
    }
    rm_rf(dir);
    h_free(&h);
}

static void map_helpers(void **state)
{
    (void)state;
    char why[160], origin[128];
    assert_true(tiles_template_ok("http://10.1.2.3:8080/tiles/{z}/{x}/{y}.png", why, sizeof why));
    tiles_origin("http://10.1.2.3:8080/tiles/{z}/{x}/{y}.png", origin, sizeof origin);
    assert_string_equal(origin, "http://10.1.2.3:8080");
    assert_true(tiles_template_ok("https://tiles.local/{z}/{x}/{y}", why, sizeof why));
    assert_false(tiles_template_ok("ftp://x/{z}/{x}/{y}", why, sizeof why));
    assert_false(tiles_template_ok("http://x/{z}/{x}.png", why, sizeof why));
    assert_false(tiles_template_ok("http://x/{z}/{x}/{y}.png\" onerror=\"", why, sizeof why));
    assert_false(tiles_template_ok("http://x;script-src */{z}/{x}/{y}", why, sizeof why));
    assert_false(tiles_template_ok("http:///{z}/{x}/{y}", why, sizeof why));
    /* no offset outside China */
    double lat, lon;
    map_coord(CC_GCJ02, 48856600, 2352200, &lat, &lon);
    assert_true(fabs(lat - 48.8566) < 1e-9 && fabs(lon - 2.3522) < 1e-9);
    /* Beijing: GCJ-02 is a few hundred metres off, BD-09 farther */
    map_coord(CC_GCJ02, 39908700, 116397500, &lat, &lon);
    assert_true(lat - 39.9087 > 0.0008 && lat - 39.9087 < 0.0020);
    assert_true(lon - 116.3975 > 0.0050 && lon - 116.3975 < 0.0070);
    double blat, blon;
    map_coord(CC_BD09, 39908700, 116397500, &blat, &blon);
    assert_true(blat - lat > 0.004 && blon - lon > 0.005);
    rl_buf b = {0};
    map_shift_geojson("{\"name\":\"coordinates\",\"coordinates\":[116.3975,39.9087,12]}", CC_WGS84, &b);
    assert_string_equal(b.p, "{\"name\":\"coordinates\",\"coordinates\":[116.3975,39.9087,12]}");
    b.len = 0;
    map_shift_geojson("{\"name\":\"coordinates\",\"coordinates\":[116.3975,39.9087,12]}", CC_GCJ02, &b);
    buf_putc(&b, 0);
    /* the published pair: Tiananmen 116.3975, 39.9087 -> 116.4037, 39.9101 */
    assert_true(strncmp(b.p, "{\"name\":\"coordinates\",\"coordinates\":[116.4037", 43) == 0);
    assert_non_null(strstr(b.p, ",39.910"));
    assert_non_null(strstr(b.p, ",12]}"));
    /* every position of nested arrays (a polygon's ring), not only the first */
    b.len = 0;
    map_shift_geojson("{\"type\":\"Polygon\",\"coordinates\":[[[116.3975,39.9087],[116.3975,39.9087, 5],"
                      "[116.3975,39.9087]],[]]}",
                      CC_GCJ02, &b);
    buf_putc(&b, 0);
    assert_int_equal(count_of(b.p, "[116.4037"), 3);
    assert_null(strstr(b.p, "116.3975"));
    assert_non_null(strstr(b.p, ", 5]"));
    assert_non_null(strstr(b.p, "]],[]]}"));
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(labels_complete),   cmocka_unit_test(basis_in_chinese),  cmocka_unit_test(ids_masked),
        cmocka_unit_test(risk_ranking),      cmocka_unit_test(driver_cycles),     cmocka_unit_test(weighing_evidence),
        cmocka_unit_test(geojson_geometries), cmocka_unit_test(map_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
