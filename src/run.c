/*
 * run.c - the run context (see run.h).
 */
#include "run.h"

#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "jt808.h"
#include "numparse.h"
#include "resume.h"
#include "spill.h"
#include "util.h"
#include "zones.h"

/* RUNS.md §1: 4 GiB or half the RAM, whichever is lower. */
static uint64_t default_memory_budget(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    uint64_t half = pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page / 2 : (4ull << 30);
    return half < (4ull << 30) ? half : (4ull << 30);
}

void run_init(rl_run *run)
{
    memset(run, 0, sizeof *run);
    rules_defaults(&run->rules);
    run->opt.tz = 8 * 3600;
    run->opt.formats = FMT_ALL;
    run->opt.detect = DET_ALL;
    run->opt.out_dir = "roadlog-out";
    run->opt.repeat = 3;
    run->opt.threads = cpus_available();
    run->opt.memory = default_memory_budget();
    run->opt.zones_coord = -1;
    run->data_end = INT64_MIN;
    run->str = strtab_new();
    registry_init(&run->reg);
    run->vt = vtable_new();
    u64map_init(&run->phone_plate);
    run->started = run_clock();
    run->started_wall = (int64_t)time(NULL);
}

void run_free(rl_run *run)
{
    run_load_zones_wait(run);
    if (run->rejects)
        fclose(run->rejects);
    sel_free(&run->opt.plates);
    sel_free(&run->opt.companies);
    for (size_t i = 0; i < run->ninputs; i++) {
        free(run->inputs[i].name);
        free(run->inputs[i].error);
    }
    free(run->inputs);
    counters_free(&run->counters);
    events_free(&run->events);
    free(run->case_status);
    vdays_free(&run->vdays);
    free(run->vstats);
    free(run->order);
    free(run->vcache);
    free(run->posq);
    weigh_store_close(run->weigh, run->vt);
    fatigue_segs_free(&run->segs);
    jt808_session_free(run->jt808_session);
    tracksample_store_free(run->samples);
    spill_free(run->spill);
    resume_free(run->resume);
    u64map_free(&run->phone_plate);
    zones_free(run->zones);
    free(run->opt.zone_paths);
    vtable_free(run->vt);
    registry_free(&run->reg);
    strtab_free(run->str);
    memset(run, 0, sizeof *run);
}

/* Loading a city's zones takes as long as reading a day of a fleet (a
 * 13 MB file of 10 000 polygons: 0.5 s of JSON decoding and GEOS
 * validity checks and indexes, measured on the bench): it goes on in a
 * thread of its own while the inputs are read. */
typedef struct zone_loader {
    pthread_t tid;
    rl_run *run;
    const char *cmd;
    int rc;
} zone_loader;

static void *load_zones_thread(void *arg)
{
    zone_loader *zl = arg;
    zl->rc = run_load_zones(zl->run, zl->cmd);
    return NULL;
}

void run_load_zones_start(rl_run *run, const char *cmd)
{
    if (!run->opt.nzone_paths || run->zone_loader)
        return;
    zone_loader *zl = xcalloc(1, sizeof *zl);
    zl->run = run;
    zl->cmd = cmd;
    /* On one CPU a thread of its own gains nothing: it takes turns with
     * the readers, and each turn evicts the other's tables from the
     * caches (the bench's 10 000 zones on one core, best of 5: 1.56 s
     * with the thread, 1.47 s loaded first; 0.83 s without zones) */
    zones_prepare();
    if (cpus_available() == 1 || pthread_create(&zl->tid, NULL, load_zones_thread, zl) != 0) {
        zl->rc = run_load_zones(run, cmd); /* no thread: here and now */
        zl->cmd = NULL;
    }
    run->zone_loader = zl;
}

bool run_zones_failed(const rl_run *run)
{
    const zone_loader *zl = run->zone_loader;
    return zl && !zl->cmd && zl->rc != 0;
}

int run_load_zones_wait(rl_run *run)
{
    zone_loader *zl = run->zone_loader;
    if (!zl)
        return 0;
    if (zl->cmd)
        pthread_join(zl->tid, NULL);
    int rc = zl->rc;
    free(zl);
    run->zone_loader = NULL;
    return rc;
}

int run_load_zones(rl_run *run, const char *cmd)
{
    if (!run->opt.nzone_paths)
        return 0;
    double t0 = run_clock();
    zone_set *zs = zones_new(&run->rules);
    for (size_t i = 0; i < run->opt.nzone_paths; i++) {
        char err[768];
        if (!zones_load(zs, run->opt.zone_paths[i], run->opt.zones_coord, err, sizeof err)) {
            fprintf(stderr, "roadlog %s: --zones %s\n", cmd, err);
            zones_free(zs);
            return 2;
        }
    }
    double t1 = run_clock();
    zones_freeze(zs);
    /* ROADLOG_PHASES=1: where the time went, for the benchmarks */
    if (getenv("ROADLOG_PHASES"))
        fprintf(stderr, "roadlog: zones: reading %.3f s, indexing %.3f s\n", t1 - t0, run_clock() - t1);
    run->zones = zs;
    return 0;
}

void run_count(rl_run *run, const char *name, uint64_t n) { counters_add(&run->counters, name, n); }

/* Append n bytes of s at out[*k], as far as room for the NUL allows. */
static void append_cut(char *out, size_t cap, size_t *k, const char *s, size_t n)
{
    size_t room = cap - 1 - *k;
    if (n > room)
        n = room;
    memcpy(out + *k, s, n);
    *k += n;
}

void run_format_origin(const rl_run *run, rl_origin o, char *out, size_t n)
{
    /* "name:line", "name@offset" or "name#packet", cut to n - 1 bytes as
     * snprintf would cut it; written by hand because the ledger asks once
     * per event */
    if (n == 0)
        return;
    unsigned fi = RL_ORIGIN_FILE(o);
    const char *name = "?";
    char sep = ':';
    if (fi < run->ninputs) {
        const rl_input *in = &run->inputs[fi];
        name = strcmp(in->name, "-") == 0 ? "stdin" : in->name;
        sep = in->loc == RL_LOC_LINE ? ':' : in->loc == RL_LOC_OFFSET ? '@' : '#';
    }
    char pos[32];
    int npos = num_format_fixed(pos, (int64_t)RL_ORIGIN_POS(o), 0);
    size_t k = 0;
    append_cut(out, n, &k, name, strlen(name));
    append_cut(out, n, &k, &sep, 1);
    append_cut(out, n, &k, pos, (size_t)npos);
    out[k] = 0;
}

const char *run_vehicle_label(const rl_run *run, const rl_vehicle *v)
{
    return strtab_get(run->str, v->by_phone ? v->phone : v->plate);
}

const char *run_vehicle_company(const rl_run *run, const rl_vehicle *v)
{
    return v->reg ? strtab_get(run->str, v->reg->company) : "";
}

double run_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void run_register_terminal(rl_run *run, const char *phone, size_t phone_len, const char *plate, size_t plate_len,
                           int color)
{
    const char *c;
    size_t cn;
    phone_canon(phone, phone_len, &c, &cn);
    uint32_t pid = strtab_intern(run->str, c, cn);
    uint32_t plid = strtab_intern(run->str, plate, plate_len);
    uint32_t packed = plid << 4 | (uint32_t)(color & 15);
    uint32_t *slot = u64map_put(&run->phone_plate, (uint64_t)pid + 1, packed);
    if (*slot != packed) {
        run->registration_conflicts++;
        *slot = packed;
    }
}

bool run_terminal_plate(const rl_run *run, uint32_t phone, uint32_t *plate, int *color)
{
    uint32_t packed;
    if (u64map_get(&run->phone_plate, (uint64_t)phone + 1, &packed)) {
        *plate = packed >> 4;
        *color = (int)(packed & 15);
        return true;
    }
    const reg_entry *e = registry_by_phone(&run->reg, phone);
    if (!e)
        return false;
    *plate = e->plate;
    *color = e->color;
    return true;
}

void run_sink_count(void *ud, const char *what, uint64_t n) { run_count(ud, what, n); }

void run_sink_registration(void *ud, const char *phone, size_t phone_len, const char *plate, size_t plate_len,
                           int color, rl_origin where)
{
    (void)where;
    run_register_terminal(ud, phone, phone_len, plate, plate_len, color);
}

void run_new_id(char out[17])
{
    /* 64 random bits: runs of one chain, or of one cluster, never share one */
    unsigned char r[8];
    FILE *f = fopen("/dev/urandom", "rb");
    size_t got = f ? fread(r, 1, sizeof r, f) : 0;
    if (f)
        fclose(f);
    if (got != sizeof r) {
        uint64_t x = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32 ^ (uint64_t)(uintptr_t)out;
        memcpy(r, &x, sizeof r);
    }
    static const char hx[] = "0123456789abcdef";
    for (int i = 0; i < 8; i++) {
        out[2 * i] = hx[r[i] >> 4];
        out[2 * i + 1] = hx[r[i] & 15];
    }
    out[16] = 0;
}
