/*
 * runjson.c - run.json, the manifest of a run: what was read (size,
 * SHA-256, kind, records, rejects), what was counted, the rules in force,
 * the version and how long it took.  Enough to reproduce and to audit.
 */
#include <string.h>

#include "csvout.h"
#include "detect.h"
#include "map.h"
#include "reports.h"
#include "spill.h"
#include "timeutil.h"
#include "zones.h"

#ifndef RL_VERSION
#include "version.h"
#endif

static void kv_u(FILE *f, const char *k, uint64_t v, bool comma)
{
    fprintf(f, "%s\"%s\":%llu", comma ? "," : "", k, (unsigned long long)v);
}

/* An input's fields (path, kind, size, SHA-256, ...), without braces. */
static void input_json(FILE *f, const rl_input *in)
{
    fputs("\"path\":", f);
    json_str(f, in->name);
    fprintf(f, ",\"kind\":\"%s\",\"size\":%llu,\"sha256\":\"%s\",\"gzip\":%s", in->kind,
            (unsigned long long)in->size, in->sha256, in->gzip ? "true" : "false");
    if (in->encoding)
        fprintf(f, ",\"encoding\":\"%s\"", in->encoding);
    if (in->delimiter)
        fprintf(f, ",\"delimiter\":\"%s\"", in->delimiter == '\t' ? "\\t" : in->delimiter == ';' ? ";" : ",");
    kv_u(f, "records", in->records, true);
    kv_u(f, "rejected", in->rejected, true);
    fprintf(f, ",\"truncated\":%s,\"error\":", in->truncated ? "true" : "false");
    if (in->error)
        json_str(f, in->error);
    else
        fputs("null", f);
}

bool report_run_json(const rl_run *run, const char *path, const char *command, int exit_status)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    char t[32];
    tu_format_iso(run->started_wall, run->opt.tz, t);
    int32_t a = run->opt.tz < 0 ? -run->opt.tz : run->opt.tz;
    fprintf(f, "{\n\"tool\":\"roadlog\",\"version\":\"%s\",\"command\":\"%s\",\"started\":\"%s\","
               "\"duration_s\":%.3f,\"tz\":\"%c%02d:%02d\",\"exit_status\":%d,\n",
            RL_VERSION, command, t, run_clock() - run->started, run->opt.tz < 0 ? '-' : '+', a / 3600,
            a / 60 % 60, exit_status);
    /* RUNS.md §2: this run's place in a --resume chain */
    fprintf(f, "\"run_id\":\"%s\",\"chain_seq\":%u,\"resumed_from\":", run->run_id, run->chain_seq);
    if (run->resumed_from) {
        fputs("{\"dir\":", f);
        json_str(f, run->resumed_from);
        fprintf(f, ",\"run_id\":\"%s\"}", run->resumed_run_id);
    } else {
        fputs("null", f);
    }
    fputs(",\n", f);
    /* RUNS.md §1: how the run was cut; nothing else depends on these */
    fprintf(f, "\"threads\":%u,\"memory\":%llu,\"spilled_bytes\":%llu,\n", run->opt.threads,
            (unsigned long long)run->opt.memory, (unsigned long long)spill_bytes(run->spill));
    fputs("\"options\":{", f);
    fprintf(f, "\"strict\":%s,\"registry\":", run->opt.strict ? "true" : "false");
    if (run->opt.registry_path)
        json_str(f, run->opt.registry_path);
    else
        fputs("null", f);
    /* the detectors that ran (--detect): summary judges terminal_silent
     * again over its period only where alarms were looked at */
    static const char *const det[] = DETECTOR_NAMES;
    fputs(",\"detect\":[", f);
    for (unsigned i = 0, n = 0; i < sizeof det / sizeof det[0]; i++)
        if (run->opt.detect & (1u << i))
            fprintf(f, "%s\"%s\"", n++ ? "," : "", det[i]);
    fputs("]", f);
    fputs(",\"rules_file\":", f);
    if (run->opt.rules_path)
        json_str(f, run->opt.rules_path);
    else
        fputs("null", f);
    fputs(",\"company\":", f);
    if (run->opt.company)
        json_str(f, run->opt.company);
    else
        fputs("null", f);
    fputs(",\"plate\":", f);
    if (run->opt.plate)
        json_str(f, run->opt.plate);
    else
        fputs("null", f);
    fputs(",\"from\":", f);
    if (run->opt.have_from) {
        tu_format_iso(run->opt.from, run->opt.tz, t);
        fprintf(f, "\"%s\"", t);
    } else {
        fputs("null", f);
    }
    fputs(",\"to\":", f);
    if (run->opt.have_to) {
        tu_format_iso(run->opt.to, run->opt.tz, t);
        fprintf(f, "\"%s\"", t);
    } else {
        fputs("null", f);
    }
    /* privacy (issue 17): whether drivers' ID-card numbers are in full */
    fprintf(f, ",\"driver_ids\":\"%s\",\"map_coord\":\"%s\",\"tiles\":", run->opt.show_ids ? "shown" : "masked",
            cc_datum_name((cc_datum)run->opt.map_coord));
    if (run->opt.tiles)
        json_str(f, run->opt.tiles);
    else
        fputs("null", f);
    /* "inputs": the logs read; record files of roadlog shard (RUNS.md
     * §3) are listed apart, and the original inputs they carry are in
     * "inputs", each with the record file it came "via" */
    fputs("},\n\"inputs\":[", f);
    size_t listed = 0, records_files = 0, carried = 0;
    for (size_t i = 0; i < run->ninputs; i++) {
        const rl_input *in = &run->inputs[i];
        if (in->carried) {
            carried++; /* files of earlier runs that carried sources name */
            continue;
        }
        if (strcmp(in->kind, "records") == 0) {
            records_files++;
            continue;
        }
        fputs(listed++ ? ",\n  {" : "\n  {", f);
        input_json(f, in);
        if (in->via) {
            fputs(",\"via\":", f);
            json_str(f, in->via);
        }
        fputc('}', f);
    }
    /* ZONES.md: each --zones file, its hash, the datum it was read in and
     * how many zones it gave */
    fputs("],\n\"zones\":[", f);
    for (size_t i = 0; i < zones_nfiles(run->zones); i++) {
        const zone_file_info *zf = zones_file(run->zones, i);
        fputs(i ? ",\n  {" : "\n  {", f);
        fputs("\"path\":", f);
        json_str(f, zf->path);
        fprintf(f, ",\"sha256\":\"%s\",\"coord\":\"%s\",\"zones\":%u}", zf->sha256, cc_datum_name(zf->coord),
                zf->zones);
    }
    fprintf(f, "],\n\"carried_inputs\":%zu,\n", carried);
    if (records_files) {
        fputs("\"record_files\":[", f);
        listed = 0;
        for (size_t i = 0; i < run->ninputs; i++)
            if (strcmp(run->inputs[i].kind, "records") == 0 && !run->inputs[i].carried) {
                fputs(listed++ ? ",\n  {" : "\n  {", f);
                input_json(f, &run->inputs[i]);
                fputc('}', f);
            }
        fputs("],\n", f);
    }
    fputs("\"counts\":{", f);
    kv_u(f, "positions", run->positions, false);
    kv_u(f, "weighings", run->weighings, true);
    kv_u(f, "filtered_by_time", run->filtered, true);
    kv_u(f, "rejected", run->rejected, true);
    kv_u(f, "points", run->points, true);
    kv_u(f, "duplicates", run->duplicates, true);
    kv_u(f, "invalid", run->invalid, true);
    kv_u(f, "drift", run->drift, true);
    kv_u(f, "accepted", run->accepted, true);
    kv_u(f, "vehicles", run->vehicles_analysed, true);
    kv_u(f, "unregistered_vehicles", run->unregistered, true);
    kv_u(f, "registry_rows", run->merged_registry_rows ? run->merged_registry_rows : run->reg.n, true);
    kv_u(f, "registration_conflicts", run->registration_conflicts, true);
    kv_u(f, "events", run->events.n, true);
    kv_u(f, "late_beyond_carry", counters_get(&run->counters, "late_beyond_carry"), true);
    fputs(",\"events_by_type\":{", f);
    uint64_t by[EV_TYPE_COUNT] = {0};
    for (size_t i = 0; i < run->events.n; i++)
        by[run->events.e[i].type]++;
    for (int k = 0; k < EV_TYPE_COUNT; k++)
        kv_u(f, event_type_name((event_type)k), by[k], k > 0);
    fputs("}},\n\"counters\":{", f);
    for (size_t i = 0; i < run->counters.n; i++) {
        if (i)
            fputc(',', f);
        json_str(f, run->counters.c[i].name);
        fprintf(f, ":%llu", (unsigned long long)run->counters.c[i].n);
    }
    fputs("},\n\"rules\":{", f);
    for (int k = 0; k < R_COUNT; k++) {
        char v[64];
        rules_format_value(&run->rules, (rule_id)k, v, sizeof v);
        fprintf(f, "%s\"%s\":", k ? "," : "", rule_name((rule_id)k));
        if (rule_is_text((rule_id)k))
            json_str(f, v);
        else
            fputs(v, f);
    }
    fputs("}\n}\n", f);
    bool ok = !ferror(f);
    if (fclose(f) != 0)
        ok = false;
    return ok;
}
