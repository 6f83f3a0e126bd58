/*
 * run.h - one invocation of roadlog: options, rules, inputs, the tables
 * built while reading, counters and the events found.
 *
 * There is no global state: cmd_analyze / cmd_decode create an rl_run and
 * pass it down.  The ingest layer (ingest.c) reads every input into it
 * through an rl_sink; analyze.c turns it into events; reports/ write it.
 */
#ifndef RL_RUN_H
#define RL_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "counters.h"
#include "detect.h"
#include "event.h"
#include "registry.h"
#include "rules.h"
#include "select.h"
#include "sink.h"
#include "source.h"
#include "strtab.h"
#include "tracksample.h"
#include "u64map.h"
#include "vdays.h"
#include "vehicle.h"

enum {
    FMT_CSV = 1u << 0,
    FMT_JSONL = 1u << 1,
    FMT_HTML = 1u << 2,
    FMT_XLSX = 1u << 3,
    FMT_GEOJSON = 1u << 4,
    FMT_ALL = 0x1F
};

typedef struct rl_options {
    const char *registry_path;
    const char *rules_path;
    const char *out_dir;
    sel_list plates;         /* --plate, normalised (select.h) */
    sel_list companies;      /* --company; the registry's names once resolved */
    const char *company;     /* the selected companies, joined ("A, B"), NULL = all */
    const char *plate;       /* the selected plates, joined, NULL = all */
    bool require_registry;   /* --require-registry */
    const char *lang;        /* --lang zh|en */
    int32_t tz;              /* --tz, seconds east of UTC */
    bool strict, quiet, excel_csv, progress;
    bool have_from, have_to;
    int64_t from, to;        /* UTC, inclusive */
    unsigned formats;
    unsigned detect;         /* DET_* */
    unsigned port;           /* --port, 0 = all */
    bool alarms;             /* decode --alarms: the alarms listing instead of positions */
    unsigned threads;        /* --threads (RUNS.md §1), default the CPUs we may use */
    uint64_t memory;         /* --memory: the budget for buffered records, bytes */
    const char *tmp_dir;     /* --tmp: where spills go ($TMPDIR, else /tmp) */
    int repeat;              /* summary --repeat */
    /* the documents (reports/README.md) */
    const char *tiles;       /* --tiles URL template of an intranet tile server, or NULL */
    int map_coord;           /* --map-coord: the datum (cc_datum) maps draw and GeoJSON exports */
    bool show_ids;           /* --show-ids: ID-card numbers in full (else masked) */
    bool by_driver;          /* --by driver: drivers.html, one sheet per driver */
    const char **zone_paths; /* --zones, in the order given */
    size_t nzone_paths;
    int zones_coord;         /* --zones-coord (cc_datum), -1: each file's own */
    const char *ledger;      /* analyze --ledger DB: show case statuses */
    const char *by;          /* summary --by company */
} rl_options;

typedef struct rl_input {
    char *name;              /* as given on the command line ("-" = stdin) */
    const char *kind;        /* "gps", "weighbridge", "registry", "jt808", "pcap", ... */
    rl_loc_kind loc;
    uint64_t size;           /* raw bytes */
    char sha256[65];
    bool gzip, truncated;
    const char *encoding;    /* CSV: "utf-8", "gbk", "ascii" */
    char delimiter;
    uint64_t records;        /* records read (rows, frames) */
    uint64_t rejected;
    char *error;             /* the file could not be read, or a warning */
    const char *via;         /* the record file it was read from (roadlog shard), or NULL */
    bool carried;            /* a file of an earlier run of a --resume chain that carried sources name */
} rl_input;

typedef struct rl_run {
    rl_options opt;
    rl_rules rules;
    strtab *str;
    rl_registry reg;
    bool have_registry;
    vtable *vt;
    /* JT/T 808 registrations: phone id -> (plate id << 8 | colour) + 1 */
    u64map phone_plate;
    uint64_t registration_conflicts;
    rl_input *inputs;
    size_t ninputs, capinputs;
    rl_counters counters;
    /* counts */
    uint64_t positions, weighings, filtered, rejected;
    uint64_t duplicates, invalid, drift, points, accepted;
    uint64_t unregistered, vehicles_analysed;
    uint64_t unregistered_yellow;   /* of which with yellow plates (large vehicles) */
    uint64_t merged_registry_rows; /* merge: the registry's rows as the runs counted them */
    int64_t data_end;        /* the latest fix of the run (and of the chain before it) */
    struct zone_loader *zone_loader; /* run.c: the zones being loaded meanwhile */
    rl_events events;
    vday_list vdays;         /* in output order once the analysis is done */
    rl_vstats *vstats;       /* indexed like the vehicle table */
    uint32_t *order;         /* live, selected vehicles in output order */
    size_t norder;
    /* --ledger: per event, its case's status + 1 (0: not in the ledger),
     * bit 7 set when overdue (cases_status_codes) */
    uint8_t *case_status;
    FILE *rejects;           /* rejects.csv, or NULL (decode) */
    uint64_t rejects_printed;
    bool stop;               /* --strict hit a bad record */
    bool decode;             /* roadlog decode: positions go to stdout */
    FILE *decode_out;
    double started;          /* monotonic seconds at start */
    int64_t started_wall;
    /* progress */
    uint64_t bytes_total, bytes_done_files;
    double last_progress;
    /* Pieces of state, each with its owner: the module that makes,
     * fills and frees it. */
    struct vcache *vcache;   /* analyze.c: plate -> vehicle, in front of the table */
    struct posq *posq;       /* analyze.c: positions waiting for their vehicle (analyze_flush) */
    weigh_store *weigh;      /* detect_weigh.c: weighings waiting for their vehicle */
    fatigue_segs segs;       /* detect_fatigue.c: driving segments for the per-driver pass */
    ts_store *samples;       /* tracksample.c: track samples and evidence for the documents */
    struct spill *spill;     /* spill.c: the memory budget, shared by every reader */
    struct resume *resume;   /* resume.c: the carry read (--resume) and the one written */
    char run_id[17];         /* this run in a chain (RUNS.md §2) */
    unsigned chain_seq;      /* 0, or the resumed run's + 1 */
    const char *resumed_from;/* --resume DIR */
    char resumed_run_id[17]; /* that run's run_id */
    uint64_t fix_bytes;      /* bytes of fix chunks this run's readers hold (spill_charge) */
    bool any_driver;         /* some fix it buffered names a driver */
    uint32_t spill_owner;    /* tag of the blocks this run spills (spill_out) */
    struct jt808_session *jt808_session; /* parsers/jt808.c: terminals' state across inputs */
    struct zone_set *zones;  /* --zones: loaded before the inputs, then read-only and shared */
} rl_run;

void run_init(rl_run *run);
/* Load the --zones files into run->zones (and freeze them).  Returns 0,
 * or 2 after printing the problem (a bad zone file is a usage error,
 * ZONES.md). */
int run_load_zones(rl_run *run, const char *cmd);
/* The same in a thread of its own, while the inputs are read: started,
 * then waited for (its exit status) before anything needs the zones. */
void run_load_zones_start(rl_run *run, const char *cmd);
int run_load_zones_wait(rl_run *run);
/* The zones were loaded already (no thread: one CPU) and are bad: the
 * message is out, run_load_zones_wait gives the status. */
bool run_zones_failed(const rl_run *run);
void run_free(rl_run *run);
void run_count(rl_run *run, const char *name, uint64_t n);
/* "file:line", "file@offset" or "file#packet" of an origin. */
void run_format_origin(const rl_run *run, rl_origin o, char *out, size_t n);
/* Display name of a vehicle: its plate, or its terminal phone. */
const char *run_vehicle_label(const rl_run *run, const rl_vehicle *v);
const char *run_vehicle_company(const rl_run *run, const rl_vehicle *v);
double run_clock(void);
/* A new run_id: 16 hex digits, random. */
void run_new_id(char out[17]);

/* Do the documents need evidence kept while analysing (track samples,
 * the fixes of events, weighings' stations)?  report.html and
 * events.geojson do. */
static inline bool run_keeps_evidence(const rl_run *run)
{
    return (run->opt.formats & (FMT_HTML | FMT_GEOJSON)) != 0;
}

/* Is t inside --from/--to (inclusive)? */
static inline bool run_in_window(const rl_run *run, int64_t t)
{
    return !((run->opt.have_from && t < run->opt.from) || (run->opt.have_to && t > run->opt.to));
}

/* A JT/T 808 registration (0x0100): the terminal drives this plate and
 * colour.  A terminal registered again to another plate: the last wins. */
void run_register_terminal(rl_run *run, const char *phone, size_t phone_len, const char *plate, size_t plate_len,
                           int color);
/* The plate a terminal (phone strtab id, leading zeros stripped) maps to:
 * its registration, else the registry's terminal_phone.  False when
 * neither knows it. */
bool run_terminal_plate(const rl_run *run, uint32_t phone, uint32_t *plate, int *color);

/* Sink callbacks every command shares (ud is the rl_run): a named counter,
 * a JT/T 808 registration (run_register_terminal). */
void run_sink_count(void *ud, const char *what, uint64_t n);
void run_sink_registration(void *ud, const char *phone, size_t phone_len, const char *plate, size_t plate_len,
                           int color, rl_origin where);

#endif
