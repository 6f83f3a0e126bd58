/*
 * test_reports.c - the documents of issue 6, checked from fixture runs:
 * report.html (structure, escaping, no network, paging and file names),
 * events.xlsx (titles, frozen header, filter, numbers, neutralised
 * formulas), events.geojson (RFC 7946 shape, lon/lat order, the ledger's
 * properties), the track samples (bounded memory, gap km), --excel-csv
 * BOMs, and `roadlog summary` against indicators computed by hand.
 *
 * The xlsx and GeoJSON checks read the files back with python3 (zipfile,
 * json from its standard library); they are skipped when it is missing.
 */
#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "testfiles.h"

#include "cli.h"
#include "ingest.h"
#include "reports.h"
#include "track.h"
#include "tracksample.h"
#include "map.h"
#include "privacy.h"

#include <openssl/evp.h>

/* ---- helpers ---- */

static bool have_python(void) { return system("python3 -c 'import zipfile, json' >/dev/null 2>&1") == 0; }

static bool file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* A fix of any colour (harness.h's h_fix is yellow only). */
static void fix_c(harness *h, const char *plate, int color, int64_t t, double lat, double lon, double kmh)
{
    rl_position p;
    memset(&p, 0, sizeof p);
    p.origin = RL_ORIGIN(0, ++h->line);
    p.time = t;
    p.lat_e6 = (int32_t)llround(lat * 1e6);
    p.lon_e6 = (int32_t)llround(lon * 1e6);
    p.speed_mkmh = (int32_t)llround(kmh * 1000);
    p.plate = plate;
    p.plate_len = strlen(plate);
    p.color = color;
    h->sink.position(h->sink.ud, &p);
}

static void set_company(harness *h, const char *plate, const char *company)
{
    uint32_t id = strtab_intern(h->run.str, plate, strlen(plate));
    for (size_t i = 0; i < h->run.reg.n; i++)
        if (h->run.reg.e[i].plate == id)
            h->run.reg.e[i].company = strtab_intern(h->run.str, company, strlen(company));
}

/* Two vehicles: a hazmat truck speeding (100 km/h against 80) with an
 * injected company and driver name, and a truck without events. */
static void small_fleet(harness *h, const char *driver)
{
    h_init(h);
    h_register(h, "粤B10001", 2, CLASS_HAZMAT);
    h_register(h, "粤B10002", 2, CLASS_TRUCK);
    set_company(h, "粤B10001", "<script>alert(1)</script>&\"Co\"");
    set_company(h, "粤B10002", "@SUM(1)");
    h_drive(h, "粤B10001", T("2026-11-02 08:50:00"), T("2026-11-02 09:00:00"), 30, 60, driver);
    h_drive(h, "粤B10001", T("2026-11-02 09:00:30"), T("2026-11-02 09:10:00"), 30, 100, driver);
    h_drive(h, "粤B10001", T("2026-11-02 09:10:30"), T("2026-11-02 09:20:00"), 30, 60, driver);
    h->lat += 0.2;
    h_drive(h, "粤B10002", T("2026-11-02 10:00:00"), T("2026-11-02 10:10:00"), 30, 50, NULL);
    h_finish(h);
    assert_int_equal(h->run.events.n, 1);
    assert_int_equal(h->run.events.e[0].type, EV_SPEEDING);
}

/* ---- report.html ---- */

/* The text of the page without its inline script (Leaflet's code names
 * web addresses it never fetches: the CSP is what forbids fetching). */
static char *without_script(const char *s)
{
    char *c = strdup(s);
    char *p = strstr(c, "<script>");
    if (p) {
        char *e = strstr(p, "</script>");
        assert_non_null(e);
        memmove(p, e + 9, strlen(e + 9) + 1);
    }
    return c;
}

/* The CSP names the page's one inline script by its SHA-256. */
static void check_csp_hash(const char *s)
{
    const char *p = strstr(s, "<script>");
    assert_non_null(p);
    p += 8;
    const char *e = strstr(p, "</script>");
    assert_non_null(e);
    unsigned char md[32];
    unsigned int n = 0;
    EVP_Digest(p, (size_t)(e - p), md, &n, EVP_sha256(), NULL);
    unsigned char b64[64];
    EVP_EncodeBlock(b64, md, 32);
    char want[128];
    snprintf(want, sizeof want, "script-src 'sha256-%s'", b64);
    assert_non_null(strstr(s, want));
    assert_non_null(strstr(s, "default-src 'none'"));
    assert_null(strstr(s, "unsafe-eval"));
    assert_int_equal(count_of(s, "<script>"), 1);
}

static void html_single_page(void **state)
{
    (void)state;
    harness h;
    small_fleet(&h, "<b>D1</b>");
    char dir[64], path[128];
    make_tmp(dir);
    snprintf(path, sizeof path, "%s/report.html", dir);
    h.run.opt.lang = "en";
    assert_true(report_html(&h.run, path));
    char *s = slurp(path, NULL);
    assert_non_null(s);
    assert_true(strncmp(s, "<!DOCTYPE html>", 15) == 0);
    assert_non_null(strstr(s, "<html lang=\"en\">"));
    /* self-contained: one inline script allowed by its hash, nothing fetched */
    check_csp_hash(s);
    char *rest = without_script(s);
    assert_null(strstr(rest, "http://"));
    assert_null(strstr(rest, "https://"));
    assert_null(strstr(rest, "<link"));
    assert_null(strstr(rest, "<img"));
    assert_null(strstr(rest, "@import"));
    assert_null(strstr(rest, " src=\""));
    free(rest);
    /* Leaflet's images are inlined: its CSS fetches nothing */
    assert_null(strstr(s, "url(images/"));
    /* input text escaped, in HTML and in the maps' JSON */
    assert_non_null(strstr(s, "&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;Co&quot;"));
    assert_non_null(strstr(s, "&lt;b&gt;D1&lt;/b&gt;"));
    assert_null(strstr(s, "<b>D1"));
    assert_null(strstr(s, "<script>alert"));
    /* the maps: the overview of every event, a map of the vehicle */
    assert_int_equal(count_of(s, "class=\"rl-map\""), 2);
    assert_non_null(strstr(s, "id=\"rl-map-all\""));
    assert_non_null(strstr(s, "id=\"rl-map-v1\""));
    assert_non_null(strstr(s, "\"kind\":\"all\""));
    /* ranking by the risk index, stated; points per event, not summed */
    const char *a = strstr(s, "粤B10001"), *b = strstr(s, "粤B10002");
    assert_non_null(a);
    assert_non_null(b);
    assert_true(a < b);
    assert_non_null(strstr(s, "Risk index = the sum over the vehicle's events"));
    assert_int_equal(count_of(s, "<section class=\"veh\">"), 1);
    assert_non_null(strstr(s, "1 vehicles without violations"));
    /* the event row: type, value vs limit, points, regulation and basis */
    assert_non_null(strstr(s, "Speeding"));
    assert_non_null(strstr(s, "100 / 80 km/h"));
    assert_non_null(strstr(s, "+25%"));
    assert_non_null(strstr(s, "12 pts; warning or 20-200 yuan"));
    assert_non_null(strstr(s, "<code>speeding.hazmat</code>"));
    assert_non_null(strstr(s, rule_basis("speeding.hazmat", false)));
    assert_non_null(strstr(s, h.run.events.e[0].id));
    /* the road type was assumed: said */
    assert_non_null(strstr(s, "road type not known: taken as an expressway"));
    /* evidence: opened by the marker's link, a chart and the fixes */
    char want[64];
    snprintf(want, sizeof want, "<details class=\"evd\" id=\"x%s\">", h.run.events.e[0].id);
    assert_non_null(strstr(s, want));
    assert_non_null(strstr(s, "class=\"fxd in\""));
    assert_non_null(strstr(s, "<table class=\"fx\">"));
    /* the evidence chart and one day chart */
    assert_int_equal(count_of(s, "<svg"), 2);
    assert_non_null(strstr(s, "class=\"lim\""));
    assert_non_null(strstr(s, "class=\"spd\""));
    assert_non_null(strstr(s, "class=\"ev ev-s\""));
    /* sortable, filterable tables */
    assert_non_null(strstr(s, "<table class=\"idx sortable\" id=\"idx\">"));
    assert_non_null(strstr(s, "data-filter=\"idx\""));
    free(s);

    /* Chinese: labels, penalty, the citation in 《…》第…条 form */
    h.run.opt.lang = "zh";
    assert_true(report_html(&h.run, path));
    s = slurp(path, NULL);
    assert_non_null(strstr(s, "<html lang=\"zh-CN\">"));
    assert_non_null(strstr(s, "超速"));
    assert_non_null(strstr(s, "记12分；警告或罚款20-200元"));
    assert_non_null(strstr(s, "《危险货物道路运输安全管理办法》（2019年）第四十六条"));
    assert_non_null(strstr(s, "危险货物运输车"));
    assert_non_null(strstr(s, "风险指数"));
    assert_non_null(strstr(s, "驾驶员记分"));
    assert_null(strstr(s, " art. "));
    assert_null(strstr(s, ">Speeding<"));
    free(s);

    /* without Leaflet: no map, a warning naming the package, the tables work */
    setenv("ROADLOG_LEAFLET_DIR", "/nonexistent", 1);
    h.run.opt.quiet = true;
    assert_true(report_html(&h.run, path));
    unsetenv("ROADLOG_LEAFLET_DIR");
    s = slurp(path, NULL);
    assert_non_null(strstr(s, "libjs-leaflet"));
    assert_int_equal(count_of(s, "class=\"rl-map\""), 0);
    check_csp_hash(s);
    assert_non_null(strstr(s, "sortable"));
    free(s);

    /* --tiles: its origin, and only it, may be fetched (images) */
    h.run.opt.tiles = "http://tiles.intranet:8080/osm/{z}/{x}/{y}.png";
    assert_true(report_html(&h.run, path));
    s = slurp(path, NULL);
    assert_non_null(strstr(s, "img-src data: http://tiles.intranet:8080;"));
    assert_non_null(strstr(s, "\"tiles\":\"http://tiles.intranet:8080/osm/{z}/{x}/{y}.png\""));
    free(s);
    rm_rf(dir);
    h_free(&h);
}

static void html_language_from_locale(void **state)
{
    (void)state;
    assert_true(report_lang_zh("zh"));
    assert_false(report_lang_zh("en"));
    setenv("LC_ALL", "", 1);
    setenv("LC_MESSAGES", "", 1);
    setenv("LANG", "zh_CN.UTF-8", 1);
    assert_true(report_lang_zh(NULL));
    setenv("LC_ALL", "C", 1);
    assert_false(report_lang_zh(NULL));
    setenv("LC_ALL", "zh_TW.UTF-8", 1);
    assert_true(report_lang_zh(NULL));
    unsetenv("LC_ALL");
    unsetenv("LC_MESSAGES");
    setenv("LANG", "en_US.UTF-8", 1);
    assert_false(report_lang_zh(NULL));
}

static void html_large_fleet(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    /* 520 vehicles with a speeding event each (class other: 130 > 120),
     * among them a plate with a path in it and one plate in two colours */
    char plates[520][32];
    for (int i = 0; i < 520; i++)
        snprintf(plates[i], sizeof plates[i], "粤A%05d", i);
    snprintf(plates[0], sizeof plates[0], "粤B/../X1");
    snprintf(plates[1], sizeof plates[1], "粤C00001");
    for (int i = 0; i < 521; i++) {
        const char *p = i < 520 ? plates[i] : "粤C00001";
        int color = i < 520 ? 2 : 1;
        double lat = 22.5 + i * 0.001;
        for (int k = 0; k <= 4; k++)
            fix_c(&h, p, color, T("2026-11-02 09:00:00") + 30 * k, lat, 113.9 + k * 0.01, i < 10 ? 150 : 130);
    }
    h_finish(&h);
    assert_int_equal(h.run.events.n, 521);
    char dir[64], path[160];
    make_tmp(dir);
    snprintf(path, sizeof path, "%s/report.html", dir);
    h.run.opt.lang = "en";
    assert_true(report_html(&h.run, path));
    char *s = slurp(path, NULL);
    /* page 1 of 2 (500 rows a page), no inline sections */
    assert_non_null(strstr(s, "Page 1 of 2"));
    assert_int_equal(count_of(s, "<tr id=\"r"), 500);
    assert_int_equal(count_of(s, "<section"), 0);
    assert_non_null(strstr(s, "href=\"vehicles/index-2.html\""));
    /* hrefs percent-encoded */
    assert_non_null(strstr(s, "href=\"vehicles/%E7%B2%A4C00001"));
    free(s);
    snprintf(path, sizeof path, "%s/vehicles/index-2.html", dir);
    s = slurp(path, NULL);
    assert_non_null(s);
    assert_int_equal(count_of(s, "<tr id=\"r"), 21);
    assert_non_null(strstr(s, "href=\"../report.html\""));
    free(s);
    /* file names: sanitised, and a clash gets the colour */
    snprintf(path, sizeof path, "%s/vehicles/粤B____X1.html", dir);
    assert_true(file_exists(path));
    snprintf(path, sizeof path, "%s/vehicles/粤C00001.html", dir);
    assert_true(file_exists(path));
    char p1[160], p2[160];
    snprintf(p1, sizeof p1, "%s/vehicles/粤C00001-1.html", dir);
    snprintf(p2, sizeof p2, "%s/vehicles/粤C00001-2.html", dir);
    assert_true(file_exists(p1) != file_exists(p2));
    /* one page per vehicle with events, plus index-2 */
    DIR *d = opendir(strcat(strcpy(path, dir), "/vehicles"));
    size_t files = 0;
    for (struct dirent *de; (de = readdir(d)) != NULL;)
        files += de->d_name[0] != '.';
    closedir(d);
    assert_int_equal(files, 521 + 1 + 2); /* and the map code once: roadlog-map.js, .css */
    snprintf(path, sizeof path, "%s/vehicles/粤B____X1.html", dir);
    s = slurp(path, NULL);
    assert_non_null(strstr(s, "../report.html#r"));
    assert_non_null(strstr(s, "粤B/../X1"));
    assert_int_equal(count_of(s, "<svg"), 2);
    free(s);
    rm_rf(dir);
    h_free(&h);
}

/* ---- events.xlsx ---- */

static void xlsx_ledger(void **state)
{
    (void)state;
    if (!have_python())
        skip();
    harness h;
    small_fleet(&h, "=HYPERLINK(\"http://x\")");
    /* the zone columns as a zone file names them (its text is input:
     * neutralised like the driver's) */
    assert_true(h.run.events.n >= 1);
    h.run.events.e[0].zone_id = "z-17";
    h.run.events.e[0].zone_name = "@centre";
    h.run.events.e[0].road_type = ROAD_URBAN_EXPRESSWAY;
    char dir[64], path[128], cmd[512];
    make_tmp(dir);
    snprintf(path, sizeof path, "%s/events.xlsx", dir);
    assert_true(report_xlsx(&h.run, path));
    snprintf(cmd, sizeof cmd,
             "python3 -c \"import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); "
             "open(sys.argv[2],'wb').write(z.read('xl/worksheets/sheet1.xml'))\" %s %s/sheet1.xml",
             path, dir);
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof path, "%s/sheet1.xml", dir);
    char *s = slurp(path, NULL);
    assert_non_null(s);
    assert_non_null(strstr(s, "state=\"frozen\""));
    /* events.csv's 27 columns then 单位 */
    assert_non_null(strstr(s, "<autoFilter ref=\"A1:AB2\"/>"));
    assert_non_null(strstr(s, "车牌号"));
    /* the zone columns and the status, in Chinese */
    assert_non_null(strstr(s, "区域编号"));
    assert_non_null(strstr(s, "区域名称"));
    assert_non_null(strstr(s, "道路类型"));
    assert_non_null(strstr(s, ">状态<"));
    assert_non_null(strstr(s, ">已结束<"));
    assert_non_null(strstr(s, ">z-17<"));
    assert_non_null(strstr(s, ">'@centre<"));
    assert_non_null(strstr(s, ">城市快速路<"));
    assert_non_null(strstr(s, "违规类型"));
    assert_non_null(strstr(s, "<cols>"));
    /* the driver cell is text with a leading ', never a formula */
    assert_non_null(strstr(s, "'=HYPERLINK"));
    assert_null(strstr(s, "<f>"));
    free(s);
    /* the second sheet: each rule the events name with its Chinese basis */
    snprintf(cmd, sizeof cmd,
             "python3 -c \"import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); "
             "open(sys.argv[2],'wb').write(z.read('xl/worksheets/sheet2.xml')+z.read('xl/workbook.xml'))\" "
             "%s/events.xlsx %s/sheet2.xml",
             dir, dir);
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof path, "%s/sheet2.xml", dir);
    s = slurp(path, NULL);
    assert_non_null(strstr(s, "规则依据"));
    assert_non_null(strstr(s, "speeding.hazmat"));
    assert_non_null(strstr(s, "《危险货物道路运输安全管理办法》（2019年）第四十六条"));
    free(s);
    snprintf(path, sizeof path, "%s/sheet1.xml", dir);
    s = slurp(path, NULL);
    /* value (O2) and limit (P2) are numbers */
    const char *c = strstr(s, "r=\"O2\"");
    assert_non_null(c);
    const char *end = strstr(c, "</c>");
    assert_non_null(end);
    assert_true(strstr(c, "<v>100</v>") && strstr(c, "<v>100</v>") < end);
    assert_true(!strstr(c, "inlineStr") || strstr(c, "inlineStr") > end);
    c = strstr(s, "r=\"P2\"");
    assert_true(c && strstr(c, "<v>80</v>") && strstr(c, "<v>80</v>") < strstr(c, "</c>"));
    free(s);
    rm_rf(dir);
    h_free(&h);
}

/* ---- events.geojson ---- */

static void geojson_features(void **state)
{
    (void)state;
    harness h;
    small_fleet(&h, "D1");
    char dir[64], path[128];
    make_tmp(dir);
    snprintf(path, sizeof path, "%s/events.geojson", dir);
    assert_true(report_geojson(&h.run, path));
    char *s = slurp(path, NULL);
    assert_true(strncmp(s, "{\"type\":\"FeatureCollection\"", 27) == 0);
    assert_null(strstr(s, "\"crs\""));
    assert_non_null(strstr(s, "\"type\":\"LineString\""));
    /* longitude first */
    assert_non_null(strstr(s, "\"coordinates\":[[113."));
    free(s);
    if (have_python()) {
        /* every feature: RFC 7946 shape, lon/lat ranges, and exactly the
         * events.csv columns as properties, in order */
        char cmd[1024];
        snprintf(cmd, sizeof cmd,
                 "python3 -c \"import json,sys\n"
                 "d=json.load(open(sys.argv[1]))\n"
                 "cols=sys.argv[2].split(',')\n"
                 "assert d['type']=='FeatureCollection' and len(d['features'])==1\n"
                 "for f in d['features']:\n"
                 "  assert f['type']=='Feature' and f['id']==f['properties']['event_id']\n"
                 "  g=f['geometry']; assert g['type'] in ('LineString','Point')\n"
                 "  pts=g['coordinates'] if g['type']=='LineString' else [g['coordinates']]\n"
                 "  assert all(73<=p[0]<=136 and 3<=p[1]<=54 for p in pts)\n"
                 "  assert list(f['properties'].keys())==cols, list(f['properties'].keys())\n"
                 "  assert f['properties']['value']==100 and f['properties']['limit']==80\n"
                 "\" %s '%s'",
                 path, EVENTS_CSV_COLUMNS);
        assert_int_equal(system(cmd), 0);
    }
    rm_rf(dir);
    h_free(&h);
}

/* ---- track samples ---- */

static void samples_bounded(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    h_register(&h, "粤B20001", 2, CLASS_HAZMAT);
    h_register(&h, "粤B20002", 2, CLASS_TRUCK);
    h_register(&h, "粤B20003", 2, CLASS_TRUCK);
    /* a fix every second for a whole day, with a speeding episode */
    h_drive(&h, "粤B20001", T("2026-11-02 00:00:00"), T("2026-11-02 09:59:59"), 1, 60, NULL);
    h_drive(&h, "粤B20001", T("2026-11-02 10:00:00"), T("2026-11-02 10:10:00"), 1, 95, NULL);
    h_drive(&h, "粤B20001", T("2026-11-02 10:10:01"), T("2026-11-02 23:59:59"), 1, 60, NULL);
    /* a day of driving without events, and a parked day */
    h_drive(&h, "粤B20002", T("2026-11-02 06:00:00"), T("2026-11-02 18:00:00"), 10, 60, NULL);
    h_park(&h, "粤B20003", T("2026-11-02 06:00:00"), T("2026-11-02 18:00:00"), 60, NULL);
    h_finish(&h);
    assert_int_equal(h_count(&h, EV_SPEEDING), 1);
    int64_t day = tu_local_day(T("2026-11-02 12:00:00"), h.run.opt.tz);
    uint32_t v1 = h.run.events.e[0].vehicle;
    tracksample_view sv;
    assert_true(tracksample_day(h.run.samples, v1, day, &sv));
    assert_int_equal(sv.slot_min, 1);
    assert_int_equal(sv.n, 1440);
    /* the per-day cost stays under 20 KB whatever the fix rate */
    assert_true(sizeof(ts_point) * sv.n + 64 <= 20 * 1024);
    /* highest speed in the minute of the episode */
    assert_int_equal(sv.p[600].slot & TS_SLOT_MASK, 600);
    assert_int_equal(sv.p[600].speed_dkmh, 950);
    size_t kept_driving = 0, kept_parked = 0;
    for (uint32_t i = 0; i < h.run.norder; i++) {
        uint32_t vi = h.run.order[i];
        const char *plate = run_vehicle_label(&h.run, vtable_at(h.run.vt, vi));
        bool have = tracksample_day(h.run.samples, vi, day, &sv);
        if (strcmp(plate, "粤B20002") == 0) {
            /* driving without events: thinned to 5 minutes */
            assert_true(have);
            assert_int_equal(sv.slot_min, 5);
            assert_true(sv.n <= 288);
            kept_driving = sv.n;
        } else if (strcmp(plate, "粤B20003") == 0) {
            kept_parked = have ? sv.n : 0;
        }
    }
    assert_int_equal(kept_driving, 12 * 12 + 1);
    assert_int_equal(kept_parked, 0);
    /* the episode's fixes: 600 s at 1 Hz and the margins, more than a
     * capture holds: thinned, the top speed kept, every one a real fix */
    tracksample_fixes fx;
    const rl_event *sp = h_event(&h, EV_SPEEDING, 0);
    assert_true(tracksample_event(h.run.samples, v1, sp->start, sp->end, &fx));
    assert_true(fx.thinned);
    assert_true(fx.n <= TS_CAPTURE_MAX && fx.n > TS_CAPTURE_MAX / 2);
    int top = 0;
    size_t inside = 0;
    for (size_t i = 0; i < fx.n; i++) {
        top = fx.f[i].speed_dkmh > top ? fx.f[i].speed_dkmh : top;
        inside += (fx.f[i].flags & TSF_IN_EVENT) != 0;
        assert_int_equal(fx.f[i].limit_dkmh, 800);
        if (i)
            assert_true(fx.f[i].time > fx.f[i - 1].time);
    }
    assert_int_equal(top, 950);
    assert_true(inside > 0 && inside < fx.n);
    size_t bytes = tracksample_bytes(h.run.samples);
    assert_true(bytes < 1440 * sizeof(ts_point) + 145 * sizeof(ts_point) + TS_CAPTURE_MAX * sizeof(ts_fix) + 1024);
    h_free(&h);

    /* nothing kept for charts when report.html is not asked for */
    h_init(&h);
    h.run.opt.formats = FMT_CSV;
    h_register(&h, "粤B20001", 2, CLASS_HAZMAT);
    h_drive(&h, "粤B20001", T("2026-11-02 10:00:00"), T("2026-11-02 10:10:00"), 1, 95, NULL);
    h_finish(&h);
    assert_false(tracksample_day(h.run.samples, h.run.events.e[0].vehicle, day, &sv));
    h_free(&h);
}

static void gap_km_and_accepted(void **state)
{
    (void)state;
    harness h;
    h_init(&h);
    h_register(&h, "粤B30001", 2, CLASS_TRUCK);
    h_drive(&h, "粤B30001", T("2026-11-02 08:00:00"), T("2026-11-02 08:10:00"), 30, 60, NULL);
    /* 40 minutes without reports, 0.3 degrees of latitude further on */
    double lat0 = h.lat, lon0 = h.lon;
    h.lat += 0.3;
    h_drive(&h, "粤B30001", T("2026-11-02 08:50:00"), T("2026-11-02 09:00:00"), 30, 60, NULL);
    h_finish(&h);
    int64_t day = tu_local_day(T("2026-11-02 12:00:00"), h.run.opt.tz);
    uint32_t vi = h.run.order[0];
    double want = haversine_km((int32_t)llround(lat0 * 1e6), (int32_t)llround(lon0 * 1e6),
                               (int32_t)llround(h.lat * 1e6),
                               (int32_t)llround((lon0) * 1e6));
    double got = -1;
    for (size_t i = 0; i < h.run.vdays.n; i++)
        if (h.run.vdays.d[i].vehicle == vi && h.run.vdays.d[i].day == day)
            got = (double)h.run.vdays.d[i].gap_mm / 1e6;
    assert_true(fabs(got - want) < 0.01);
    assert_true(got > 33 && got < 34);
    char dir[64], path[128];
    make_tmp(dir);
    snprintf(path, sizeof path, "%s/vehicle_days.csv", dir);
    assert_true(report_vehicle_days_csv(&h.run, path));
    char *s = slurp(path, NULL);
    assert_non_null(strstr(s, ",accepted,gap_km"));
    /* 21 + 21 accepted fixes, and the gap's km */
    char frag[64];
    snprintf(frag, sizeof frag, ",42,%.3f", got);
    while (frag[strlen(frag) - 1] == '0')
        frag[strlen(frag) - 1] = 0;
    assert_non_null(strstr(s, frag));
    free(s);
    rm_rf(dir);
    h_free(&h);
}

/* ---- --excel-csv: every CSV output starts with a BOM ---- */

static bool has_bom(const char *path)
{
    char *s = slurp(path, NULL);
    bool b = s && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF;
    free(s);
    return b;
}

static void excel_csv_bom(void **state)
{
    (void)state;
    harness h;
    small_fleet(&h, "D1");
    h.run.opt.excel_csv = true;
    char dir[64], path[128];
    make_tmp(dir);
    snprintf(path, sizeof path, "%s/events.csv", dir);
    assert_true(report_events_csv(&h.run, path));
    assert_true(has_bom(path));
    snprintf(path, sizeof path, "%s/vehicles.csv", dir);
    assert_true(report_vehicles_csv(&h.run, path));
    assert_true(has_bom(path));
    snprintf(path, sizeof path, "%s/vehicle_days.csv", dir);
    assert_true(report_vehicle_days_csv(&h.run, path));
    assert_true(has_bom(path));
    snprintf(path, sizeof path, "%s/rejects.csv", dir);
    assert_true(run_open_rejects(&h.run, path));
    fclose(h.run.rejects);
    h.run.rejects = NULL;
    assert_true(has_bom(path));
    h.run.opt.excel_csv = false;
    assert_true(report_events_csv(&h.run, strcat(strcpy(path, dir), "/plain.csv")));
    assert_false(has_bom(path));
    rm_rf(dir);
    h_free(&h);
}

/* ---- roadlog summary against a hand computation ----
 *
 * fixtures/reports/summary: two daily output folders and a registry of
 * four vehicles (粤B00001 hazmat, 粤B00002 coach, 粤B00003 truck of
 * 甲运输公司; 粤B00004 truck of 乙物流公司).  By hand:
 *
 *   vehicle-days (day2 repeats 粤B00001 2026-11-02 with 600 points: the
 *   fuller day1 row, 1000 points, is the one kept)
 *     B1  11-02 points 1000 accepted 988 drift 0 km 200 gap 20
 *     B1  11-03 points  800 accepted 800 drift 0 km 150 gap  0
 *     B2  11-02 points  500 accepted 500 drift 0 km 100 gap  0
 *     B2  11-03 points  400 accepted 392 drift 4 km  80 gap  8
 *     B3  11-02 points  100 accepted   0 (only invalid fixes: not online)
 *     B4  no data;  粤Z99999 (not registered) 300/300, 50 km
 *   events (e2 is in both folders: counted once)
 *     e1 B1 speeding, e2 B1 fatigue_continuous 16200-14400 = 1800 s,
 *     e3 B2 night_speeding, e4 Z speeding (not registered),
 *     e5 B1 fatigue_continuous 15000-14400 = 600 s, e6 B2 speeding
 *
 *   over the registry (4 vehicles): online B1, B2 = 2
 *     上线率        2 / 4                               = 0.5
 *     数据合格率    (988+800+500+392+0) / (1000+800+500+400+100)
 *                  = 2680 / 2800                       = 0.957142857
 *     轨迹完整率    (350-20 + 180-8) / (350+180) = 502/530 = 0.947169811
 *     漂移率        B2 only: 1 / 2                      = 0.5
 *     平均超速次数  e1, e3, e6: 3 / 2                   = 1.5
 *     平均疲劳驾驶时长 (1800 + 600) / 2                 = 1200 s
 *   --company 甲运输公司: 3 vehicles, 2 online: 上线率 2/3
 *   no registry: the 4 vehicles seen (B1 B2 B3 Z), 3 online: 上线率 3/4,
 *     数据合格率 (2680+300)/(2800+300) = 2980/3100, 平均超速次数 (3+1)/3
 *   repeat offenders (>= 3): vehicle B1 (e1 e2 e5); driver D1 (e1 e2 e5
 *   e6, 2 vehicles)
 */

static const char *fixture_dir(char *out, size_t n, const char *sub)
{
    const char *file = __FILE__;
    const char *slash = strrchr(file, '/');
    snprintf(out, n, "%.*s%sfixtures/reports/summary%s", slash ? (int)(slash - file + 1) : 0, file,
             slash ? "../" : "../", sub);
    return out;
}

typedef struct {
    char section[32], key[96];
    double events, vehicles, online, points, value, num, den;
    bool have_value;
} sum_row;

static size_t read_summary(const char *path, sum_row *rows, size_t cap)
{
    char *s = slurp(path, NULL);
    assert_non_null(s);
    size_t n = 0;
    char *save = NULL;
    bool header = true;
    for (char *line = strtok_r(s, "\n", &save); line && n < cap; line = strtok_r(NULL, "\n", &save)) {
        if (header) {
            header = false;
            continue;
        }
        /* ten fields, no quoted commas in this fixture */
        char *f[10] = {0};
        int k = 0;
        char *p = line;
        f[k++] = p;
        while (*p && k < 10) {
            if (*p == ',') {
                *p = 0;
                f[k++] = p + 1;
            }
            p++;
        }
        sum_row *r = &rows[n++];
        memset(r, 0, sizeof *r);
        snprintf(r->section, sizeof r->section, "%s", f[0]);
        snprintf(r->key, sizeof r->key, "%s", f[1]);
        r->events = f[3] ? atof(f[3]) : 0;
        r->vehicles = f[4] ? atof(f[4]) : 0;
        r->online = f[5] ? atof(f[5]) : 0;
        r->points = f[6] ? atof(f[6]) : 0;
        r->have_value = f[7] && *f[7];
        r->value = r->have_value ? atof(f[7]) : 0;
        r->num = f[8] ? atof(f[8]) : 0;
        r->den = f[9] ? atof(f[9]) : 0;
    }
    free(s);
    return n;
}

static const sum_row *find_row(const sum_row *rows, size_t n, const char *section, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].section, section) == 0 && strcmp(rows[i].key, key) == 0)
            return &rows[i];
    fail_msg("summary.csv has no row %s,%s", section, key);
    return NULL;
}

static void expect_ind(const sum_row *rows, size_t n, const char *key, double num, double den)
{
    const sum_row *r = find_row(rows, n, "indicator", key);
    assert_true(r->have_value);
    if (fabs(r->value - num / den) > 1e-6 || fabs(r->num - num) > 1e-6 || fabs(r->den - den) > 1e-6)
        fail_msg("%s: got %g (%g / %g), want %g / %g", key, r->value, r->num, r->den, num, den);
}

static int run_summary(const char *out, const char *registry, const char *company, bool excel)
{
    char fx[512], reg[512];
    fixture_dir(fx, sizeof fx, "");
    fixture_dir(reg, sizeof reg, "/registry.csv");
    char *argv[16];
    int argc = 0;
    argv[argc++] = "summary";
    argv[argc++] = "--quiet";
    argv[argc++] = "--out";
    argv[argc++] = (char *)out;
    if (registry) {
        argv[argc++] = "--registry";
        argv[argc++] = reg;
    }
    if (company) {
        argv[argc++] = "--company";
        argv[argc++] = (char *)company;
    }
    if (excel)
        argv[argc++] = "--excel-csv";
    argv[argc++] = fx;
    argv[argc] = NULL;
    fflush(stdout);
    return cmd_summary(argc, argv);
}

static void summary_by_hand(void **state)
{
    (void)state;
    char dir[64], path[128];
    make_tmp(dir);
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    sum_row rows[256];

    assert_int_equal(run_summary(dir, "registry", NULL, true), 0);
    assert_true(has_bom(path));
    size_t n = read_summary(path, rows, 256);
    /* the BOM rides on the header line, which read_summary skips */
    expect_ind(rows, n, "online_rate", 2, 4);
    expect_ind(rows, n, "data_quality", 2680, 2800);
    expect_ind(rows, n, "track_completeness", 502, 530);
    expect_ind(rows, n, "drift_rate", 1, 2);
    expect_ind(rows, n, "avg_speeding_events", 3, 2);
    expect_ind(rows, n, "avg_fatigue_excess_s", 2400, 2);
    assert_int_equal(find_row(rows, n, "by_type", "speeding")->events, 3);
    assert_int_equal(find_row(rows, n, "by_type", "night_speeding")->events, 1);
    assert_int_equal(find_row(rows, n, "by_type", "fatigue_continuous")->events, 2);
    assert_int_equal(find_row(rows, n, "by_day", "2026-11-02")->events, 4);
    assert_int_equal(find_row(rows, n, "by_day", "2026-11-03")->events, 2);
    assert_int_equal(find_row(rows, n, "by_day", "2026-11-02")->online, 2);
    assert_int_equal(find_row(rows, n, "by_class", "hazmat")->events, 3);
    assert_int_equal(find_row(rows, n, "by_class", "truck")->vehicles, 2);
    assert_int_equal(find_row(rows, n, "by_company", "甲运输公司")->vehicles, 3);
    assert_int_equal(find_row(rows, n, "by_company", "甲运输公司")->events, 5);
    assert_int_equal(find_row(rows, n, "by_company", "甲运输公司")->points, 12 + 9 + 6 + 9 + 6);
    assert_int_equal(find_row(rows, n, "repeat_vehicle", "粤B00001/2")->events, 3);
    const sum_row *d1 = find_row(rows, n, "repeat_driver", "D1");
    assert_int_equal(d1->events, 4);
    assert_int_equal(d1->vehicles, 2);
    for (size_t i = 0; i < n; i++) {
        assert_false(strcmp(rows[i].section, "repeat_vehicle") == 0 && strcmp(rows[i].key, "粤B00002/2") == 0);
        assert_false(strcmp(rows[i].section, "repeat_driver") == 0 && strcmp(rows[i].key, "D2") == 0);
    }
    snprintf(path, sizeof path, "%s/summary.html", dir);
    char *s = slurp(path, NULL);
    assert_non_null(s);
    assert_non_null(strstr(s, "Content-Security-Policy"));
    assert_null(strstr(s, "<script"));
    assert_non_null(strstr(s, "<svg class=\"trend\""));
    assert_non_null(strstr(s, "id=\"online_rate\""));
    free(s);

    /* the fleet operator's self-check */
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    assert_int_equal(run_summary(dir, "registry", "甲运输公司", false), 0);
    assert_false(has_bom(path));
    n = read_summary(path, rows, 256);
    expect_ind(rows, n, "online_rate", 2, 3);
    expect_ind(rows, n, "data_quality", 2680, 2800);
    assert_int_equal(find_row(rows, n, "vehicle", "粤B00001/2")->events, 3);
    assert_int_equal(find_row(rows, n, "by_type", "speeding")->events, 2); /* e4 is not theirs */

    /* --from/--to keep whole days: 11-03 only (e5, e6; B1 and B2 online) */
    {
        char fx[512];
        fixture_dir(fx, sizeof fx, "");
        char *argv[] = {"summary", "--quiet", "--out", dir, "--from", "2026-11-03", "--to", "2026-11-03", fx, NULL};
        fflush(stdout);
        assert_int_equal(cmd_summary(9, argv), 0);
        n = read_summary(path, rows, 256);
        expect_ind(rows, n, "data_quality", 800 + 392, 800 + 400);
        expect_ind(rows, n, "avg_fatigue_excess_s", 600, 2);
        assert_int_equal(find_row(rows, n, "by_type", "speeding")->events, 1);
        for (size_t i = 0; i < n; i++)
            assert_false(strcmp(rows[i].section, "by_day") == 0 && strcmp(rows[i].key, "2026-11-02") == 0);
    }

    /* no registry: the vehicles seen */
    assert_int_equal(run_summary(dir, NULL, NULL, false), 0);
    n = read_summary(path, rows, 256);
    expect_ind(rows, n, "online_rate", 3, 4);
    expect_ind(rows, n, "data_quality", 2980, 3100);
    expect_ind(rows, n, "avg_speeding_events", 4, 3);
    rm_rf(dir);
}


/* ---- roadlog summary: terminal alarms (RULES.md §8) by hand ----
 *
 * Three vehicles seen (no registry: the population is 3), two runs; the
 * dsm.phone event a3 is in both (counted once):
 *   粤B1 (甲): speeding 10:00-10:05 and 12:00-12:02, alarm.overspeed
 *        10:04-10:06 (overlaps the first), fatigue_continuous 06:00-10:10,
 *        alarm.fatigue 10:00-10:10 (overlaps it), dsm.fatigue 15:00 (does
 *        not), dsm.phone 09:00
 *   粤B2 (甲): three speeding, terminal_silent
 *   粤B3 (乙): dsm.phone 09:00 and 11:00 (a3), adas.forward_collision
 * By hand: dsm.phone 3 events on 2 vehicles = 100 per 100 vehicles;
 * dsm.fatigue 1 = 33.333; dsm.smoking 0 (listed all the same);
 * 甲 4 alarms / 2 vehicles = 200, 乙 3 / 1 = 300; speeding with an
 * overspeed alarm 1 / 5, overspeed alarms with speeding 1 / 1, fatigue
 * with a fatigue alarm 1 / 1, fatigue alarms with fatigue 1 / 2; one
 * silent terminal. */
static void write_events(const char *dir, const char *rows)
{
    char path[256];
    mkdir(dir, 0777);
    snprintf(path, sizeof path, "%s/events.csv", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("event_id,plate,plate_color,class,company,driver,type,start_time,end_time,value,limit,severity,rule\n", f);
    fputs(rows, f);
    fclose(f);
}

static void summary_terminal_alarms(void **state)
{
    (void)state;
    char dir[64], a[128], b[128], path[160];
    make_tmp(dir);
    snprintf(a, sizeof a, "%s/in/a", dir);
    snprintf(b, sizeof b, "%s/in/b", dir);
    snprintf(path, sizeof path, "%s/in", dir);
    mkdir(path, 0777);
    write_events(a, "00000000000000b1,粤B1,2,truck,甲,,speeding,2026-11-02 10:00:00,2026-11-02 10:05:00,110,100,0 pts,speeding.truck\n"
                    "00000000000000b2,粤B1,2,truck,甲,,speeding,2026-11-02 12:00:00,2026-11-02 12:02:00,110,100,0 pts,speeding.truck\n"
                    "00000000000000b3,粤B1,2,truck,甲,,terminal_alarm,2026-11-02 10:04:00,2026-11-02 10:06:00,5,0,review,alarm.overspeed\n"
                    "00000000000000b4,粤B1,2,truck,甲,,fatigue_continuous,2026-11-02 06:00:00,2026-11-02 10:10:00,15000,14400,3 pts,fatigue.continuous_max_s\n"
                    "00000000000000b5,粤B1,2,truck,甲,,terminal_alarm,2026-11-02 10:00:00,2026-11-02 10:10:00,21,0,review,alarm.fatigue\n"
                    "00000000000000b6,粤B1,2,truck,甲,,dsm_alarm,2026-11-02 15:00:00,2026-11-02 15:00:00,5,0,review,dsm.fatigue\n"
                    "00000000000000b7,粤B1,2,truck,甲,,dsm_alarm,2026-11-02 09:00:00,2026-11-02 09:00:00,2,0,review,dsm.phone\n"
                    "00000000000000c1,粤B2,2,truck,甲,,speeding,2026-11-02 08:00:00,2026-11-02 08:02:00,110,100,0 pts,speeding.truck\n"
                    "00000000000000c2,粤B2,2,truck,甲,,speeding,2026-11-02 09:00:00,2026-11-02 09:02:00,110,100,0 pts,speeding.truck\n"
                    "00000000000000c3,粤B2,2,truck,甲,,speeding,2026-11-02 10:00:00,2026-11-02 10:02:00,110,100,0 pts,speeding.truck\n"
                    "00000000000000c4,粤B2,2,truck,甲,,terminal_silent,2026-11-02 08:00:00,2026-11-02 10:02:00,3,3,review,alarm.silent_min_events\n"
                    "00000000000000a1,粤B3,2,coach,乙,,dsm_alarm,2026-11-02 09:00:00,2026-11-02 09:00:00,1,0,review,dsm.phone\n"
                    "00000000000000a3,粤B3,2,coach,乙,,dsm_alarm,2026-11-02 11:00:00,2026-11-02 11:00:00,1,0,review,dsm.phone\n");
    write_events(b, "00000000000000a3,粤B3,2,coach,乙,,dsm_alarm,2026-11-02 11:00:00,2026-11-02 11:00:00,1,0,review,dsm.phone\n"
                    "00000000000000a4,粤B3,2,coach,乙,,adas_alarm,2026-11-03 11:00:00,2026-11-03 11:00:00,2,0,review,adas.forward_collision\n");
    char *argv[] = {"summary", "--quiet", "--out", dir, path, NULL};
    fflush(stdout);
    assert_int_equal(cmd_summary(5, argv), 0);
    char csv[160];
    snprintf(csv, sizeof csv, "%s/summary.csv", dir);
    sum_row rows[256];
    size_t n = read_summary(csv, rows, 256);
    const sum_row *r = find_row(rows, n, "alarm_kind", "dsm.phone");
    assert_int_equal(r->events, 3);
    assert_int_equal(r->vehicles, 2);
    assert_true(fabs(r->value - 100.0) < 1e-9 && r->den == 3);
    assert_true(fabs(find_row(rows, n, "alarm_kind", "dsm.fatigue")->value - 33.333) < 1e-3);
    assert_int_equal(find_row(rows, n, "alarm_kind", "dsm.smoking")->events, 0);
    assert_int_equal(find_row(rows, n, "alarm_kind", "dsm.no_seatbelt")->events, 0);
    assert_int_equal(find_row(rows, n, "alarm_kind", "alarm.overspeed")->events, 1);
    assert_int_equal(find_row(rows, n, "alarm_kind", "adas.forward_collision")->events, 1);
    r = find_row(rows, n, "alarm_company", "甲");
    assert_int_equal(r->events, 4);
    assert_int_equal(r->vehicles, 2);
    assert_true(fabs(r->value - 200.0) < 1e-9);
    assert_true(fabs(find_row(rows, n, "alarm_company", "乙")->value - 300.0) < 1e-9);
    r = find_row(rows, n, "terminal_check", "speeding_with_terminal_alarm");
    assert_true(r->num == 1 && r->den == 5 && fabs(r->value - 0.2) < 1e-9);
    r = find_row(rows, n, "terminal_check", "terminal_overspeed_with_speeding");
    assert_true(r->num == 1 && r->den == 1);
    r = find_row(rows, n, "terminal_check", "fatigue_with_terminal_alarm");
    assert_true(r->num == 1 && r->den == 1);
    r = find_row(rows, n, "terminal_check", "terminal_fatigue_with_fatigue");
    assert_true(r->num == 1 && r->den == 2);
    assert_int_equal(find_row(rows, n, "terminal_check", "silent_terminals")->events, 1);
    /* the published kinds lead, in the bureaux' order */
    size_t first = 0;
    while (first < n && strcmp(rows[first].section, "alarm_kind"))
        first++;
    assert_string_equal(rows[first].key, "dsm.fatigue");
    assert_string_equal(rows[first + 4].key, "dsm.distraction");
    char html[160];
    snprintf(html, sizeof html, "%s/summary.html", dir);
    char *s = slurp(html, NULL);
    assert_non_null(strstr(s, "id=\"terminal-alarms\""));
    assert_non_null(strstr(s, "id=\"terminal-check\""));
    free(s);
    rm_rf(dir);
}

static void summary_events_file_only(void **state)
{
    (void)state;
    char dir[64], path[128], fx[512];
    make_tmp(dir);
    fixture_dir(fx, sizeof fx, "/day2/events.csv");
    char *argv[] = {"summary", "--quiet", "--out", dir, fx, fx, NULL};
    fflush(stdout);
    assert_int_equal(cmd_summary(6, argv), 0);
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    sum_row rows[256];
    size_t n = read_summary(path, rows, 256);
    /* without vehicle_days.csv the indicators cannot be computed */
    assert_false(find_row(rows, n, "indicator", "online_rate")->have_value);
    assert_int_equal(find_row(rows, n, "by_type", "fatigue_continuous")->events, 2);
    assert_int_equal(find_row(rows, n, "by_type", "speeding")->events, 1);
    /* a missing folder is an input error */
    char *bad[] = {"summary", "--quiet", "--out", dir, "/nonexistent/roadlog", NULL};
    assert_int_equal(cmd_summary(5, bad), EXIT_INPUT);
    rm_rf(dir);
}

/* ---- the whole command: analyze writes every document ---- */

static void analyze_writes_documents(void **state)
{
    (void)state;
    char dir[64], gps[128], reg[128], out[128], path[192];
    make_tmp(dir);
    snprintf(gps, sizeof gps, "%s/gps.csv", dir);
    snprintf(reg, sizeof reg, "%s/registry.csv", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    FILE *f = fopen(reg, "w");
    fputs("plate,plate_color,class,company\n粤B40001,2,hazmat,=cmd|' /C calc'!A0\n", f);
    fclose(f);
    f = fopen(gps, "w");
    fputs("plate,plate_color,time,lon,lat,speed,driver\n", f);
    for (int i = 0; i <= 20; i++)
        fprintf(f, "粤B40001,2,2026-11-02 09:%02d:00,%.6f,22.5,%d,D<1>\n", i, 113.9 + i * 0.015, i >= 5 && i <= 10 ? 95 : 60);
    fclose(f);
    char *argv[] = {"analyze", "--quiet", "--lang", "zh", "--registry", reg, "--out", out, gps, NULL};
    assert_int_equal(cmd_analyze(9, argv), 0);
    const char *names[] = {"report.html", "events.xlsx", "events.geojson", "events.csv", "vehicle_days.csv"};
    for (size_t i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "%s/%s", out, names[i]);
        assert_true(file_exists(path));
    }
    snprintf(path, sizeof path, "%s/report.html", out);
    char *s = slurp(path, NULL);
    assert_non_null(strstr(s, "超速"));
    assert_non_null(strstr(s, "D&lt;1&gt;"));
    assert_non_null(strstr(s, "gps.csv:"));
    free(s);
    snprintf(path, sizeof path, "%s/events.csv", out);
    s = slurp(path, NULL);
    assert_non_null(strstr(s, "\"'=cmd|"));
    free(s);
    rm_rf(dir);
}

/* map_put_deg writes what printf's "%.6f" wrote, without trailing zeros
 * and "-0": whole millionths (WGS-84 fixes), values shifted by a datum
 * (GCJ-02 for maps), the ends of the ranges and signs. */
static void put_deg_reference(char *out, size_t cap, double deg)
{
    int n = snprintf(out, cap, "%.6f", deg);
    while (n > 0 && out[n - 1] == '0')
        out[--n] = 0;
    if (n > 0 && out[n - 1] == '.')
        out[--n] = 0;
    if (strcmp(out, "-0") == 0)
        strcpy(out, "0");
}

static void put_deg_one(double deg)
{
    char want[64], got[64] = {0};
    put_deg_reference(want, sizeof want, deg);
    FILE *f = fmemopen(got, sizeof got - 1, "w");
    assert_non_null(f);
    map_put_deg(f, deg);
    fclose(f);
    if (strcmp(want, got) != 0)
        fail_msg("map_put_deg(%.17g): '%s', printf gives '%s'", deg, got, want);
}

static void put_deg_like_printf(void **state)
{
    (void)state;
    const double fixed[] = {0, -0.0, 1e-7, -1e-7, 4e-7, -4e-7, 0.000001, -0.000001, 0.1, -0.1, 0.5, 1, -1, 10.25,
                            113.9, 22.49, -22.000010, 179.999999, 180, -180, 90, -90, 53.55, 73.66, 135.05, 3.86};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        put_deg_one(fixed[i]);
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int32_t e6 = (int32_t)(x % 360000001u) - 180000000;
        put_deg_one(e6 / 1e6); /* a fix as stored */
        double lat, lon;
        map_coord(CC_GCJ02, e6 / 2, e6, &lat, &lon);
        put_deg_one(lat);
        put_deg_one(lon);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(html_single_page),
        cmocka_unit_test(html_language_from_locale),
        cmocka_unit_test(html_large_fleet),
        cmocka_unit_test(xlsx_ledger),
        cmocka_unit_test(geojson_features),
        cmocka_unit_test(put_deg_like_printf),
        cmocka_unit_test(samples_bounded),
        cmocka_unit_test(gap_km_and_accepted),
        cmocka_unit_test(excel_csv_bom),
        cmocka_unit_test(summary_by_hand),
        cmocka_unit_test(summary_events_file_only),
        cmocka_unit_test(summary_terminal_alarms),
        cmocka_unit_test(analyze_writes_documents),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
