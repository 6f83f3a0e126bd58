/*
 * fuzz_analyze.c - libFuzzer target for the whole engine: an input file
 * of any kind through ingest_input (kind detection, gzip, CSV tables,
 * JT/T 808, pcap), analyze_finish (identities, registry, tracks, every
 * detector, fatigue across vehicles) and the writers.
 *
 * Mode byte: bit 0 --strict; bit 1 a registry (the sample one) read first;
 * bit 2 also write report.html and events.xlsx (slower); bit 3 gzip the
 * data; bit 4 a --from/--to window; bit 5 --plate 粤B12345; bit 6 expand
 * runs (fuzz_common.h); bit 7 the data as two inputs, cut in the middle.
 * Outputs go to a scratch folder under $TMPDIR (tests/fuzz/run.sh points
 * it into build-fuzz/).
 *
 * Checks: every event names a live vehicle, ends no earlier than it
 * starts and points at an input that exists; every writer succeeds;
 * rejects counted per input add up to the run's count.
 */
#include <stdbool.h>
#include <zlib.h>

#include "analyze.h"
#include "ingest.h"
#include "fuzz_common.h"
#include "fuzz_gz.h"
#include "reports.h"
#include "timeutil.h"
#include "util.h"

static const char registry_csv[] =
    "plate,plate_color,class,company,axles,rated_load_kg,curb_kg,max_gross_kg,seats,terminal_phone,"
    "speed_limit_kmh,night_exempt\n"
    "粤B12345,2,hazmat,=HYPERLINK(\"x\"),3,15000,10000,25000,,13800000001,,\n"
    "粤B·K2345,2,coach,<b>客运</b>,2,,,18000,45,013800000002,,0\n"
    "粤B56789,,truck,@co,2,10500,7000,18000,,13800000003,60,\n";

static char *scratch(void)
{
    static char dir[512];
    if (!dir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/roadlog-fuzz-XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(dir))
            abort();
    }
    return dir;
}

static bool write_ok(rl_run *run, const char *name, bool (*w)(const rl_run *, const char *))
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", scratch(), name);
    return w(run, path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > (1 << 20))
        return 0;
    uint8_t mode = data[0];
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    uint8_t *big = NULL;
    if (mode & 0x40) {
        big = fuzz_expand(p, n, &n);
        p = big;
    }
    rl_buf gz = {0};
    if (mode & 8) {
        fuzz_gz_member(&gz, p, n, 6);
        p = (const uint8_t *)gz.p;
        n = gz.len;
    }

    rl_run run;
    run_init(&run);
    run.opt.quiet = true;
    run.opt.strict = mode & 1;
    run.opt.out_dir = scratch();
    if (mode & 0x10) {
        tu_parser tp;
        tu_parser_init(&tp, run.opt.tz);
        tu_parse(&tp, "2026-11-02 06:00:00", 19, &run.opt.from);
        tu_parse(&tp, "2026-11-02 20:00:00", 19, &run.opt.to);
        run.opt.have_from = run.opt.have_to = true;
    }
    if (mode & 0x20) {
        snprintf(run.opt.plate_norm, sizeof run.opt.plate_norm, "粤B12345");
        run.opt.plate = run.opt.plate_norm;
    }
    if (!run_open_rejects(&run, "/dev/null"))
        abort();
    rl_sink sink;
    analyze_sink(&run, &sink);
    char path[64];
    int rfd = -1;
    if (mode & 2) {
        rfd = fuzz_memfile(registry_csv, sizeof registry_csv - 1, path);
        FUZZ_CHECK(ingest_input(&run, path, &sink, WANT_REGISTRY));
    }
    int fds[2] = {-1, -1};
    size_t cut = (mode & 0x80) ? n / 2 : n;
    fds[0] = fuzz_memfile(p, cut, path);
    bool go = ingest_input(&run, path, &sink, WANT_ANY);
    if ((mode & 0x80) && go) {
        fds[1] = fuzz_memfile(p + cut, n - cut, path);
        ingest_input(&run, path, &sink, WANT_ANY);
    }
    FUZZ_CHECK(!run.stop || run.opt.strict);
    uint64_t per_input = 0;
    for (size_t i = 0; i < run.ninputs; i++)
        per_input += run.inputs[i].rejected;
    FUZZ_CHECK(per_input == run.rejected);
    if (!run.stop) {
        analyze_finish(&run);
        size_t nv = vtable_count(run.vt);
        for (size_t i = 0; i < run.events.n; i++) {
            const rl_event *e = &run.events.e[i];
            FUZZ_CHECK(e->vehicle < nv);
            FUZZ_CHECK(!vtable_at(run.vt, e->vehicle)->dead);
            FUZZ_CHECK(e->end >= e->start);
            FUZZ_CHECK(e->type < EV_TYPE_COUNT);
            FUZZ_CHECK(RL_ORIGIN_FILE(e->origin) < run.ninputs);
            FUZZ_CHECK(e->id[16] == 0 && strlen(e->id) == 16);
        }
        FUZZ_CHECK(write_ok(&run, "events.csv", report_events_csv));
        FUZZ_CHECK(write_ok(&run, "events.jsonl", report_events_jsonl));
        FUZZ_CHECK(write_ok(&run, "vehicles.csv", report_vehicles_csv));
        FUZZ_CHECK(write_ok(&run, "vehicle_days.csv", report_vehicle_days_csv));
        FUZZ_CHECK(write_ok(&run, "events.geojson", report_geojson));
        if (mode & 4) {
            FUZZ_CHECK(write_ok(&run, "report.html", report_html));
            FUZZ_CHECK(write_ok(&run, "events.xlsx", report_xlsx));
        }
    }
    fclose(run.rejects);
    run.rejects = NULL;
    char jp[600];
    snprintf(jp, sizeof jp, "%s/run.json", scratch());
    FUZZ_CHECK(report_run_json(&run, jp, "analyze", 0));
    run_free(&run);
    for (int i = 0; i < 2; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    if (rfd >= 0)
        close(rfd);
    buf_free(&gz);
    free(big);
    return 0;
}
