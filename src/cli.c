/*
 * cli.c - option parsing (see cli.h).
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "coordconv.h"
#include "map.h"
#include "plate.h"
#include "timeutil.h"
#include "util.h"

/* ---- what each subcommand takes: one table for parsing and --help ---- */

enum { C_ANALYZE = 1, C_DECODE = 2, C_SUMMARY = 4, C_RULES = 8, C_MERGE = 16, C_ALL = 31 };

typedef struct {
    const char *name;
    unsigned bit;
    const char *synopsis;    /* after "roadlog NAME " */
    const char *about;       /* one line for the general usage */
    const char *text;        /* what it does, for --help */
    const char *example;
    const char *exit1;       /* what exit status 1 means for it, NULL: none */
} cli_command;

static const cli_command commands[] = {
    {"analyze", C_ANALYZE, "[OPTIONS] INPUT...", "detect violations, write the outputs",
     "Reads GPS CSV, weighbridge CSV, registry CSV, raw JT/T 808 frames and pcap/pcapng\n"
     "captures (plain or .gz; '-' reads stdin; the kind is told from the content), finds\n"
     "the violations of RULES.md vehicle by vehicle and writes events.csv, events.jsonl,\n"
     "vehicles.csv, vehicle_days.csv, report.html, events.xlsx, events.geojson,\n"
     "tracks.geojson, rejects.csv and run.json into --out.  Nothing is written when no\n"
     "input can be read.\n",
     "roadlog analyze --registry vehicles.csv --out 2026-11-02/ \\\n"
     "      gps-2026-11-02.csv.gz terminals.808 capture.pcapng weighbridge.csv\n"
     "  roadlog analyze --registry vehicles.csv --company 苏运渣土 --from 2026-11-01 --to 2026-11-30 \\\n"
     "      --out self-check/ export-2026-11.csv\n",
     "an input cannot be read, a bad record under --strict, a --plate or --company\n"
     "     that matches no vehicle, --require-registry with vehicles not in the registry,\n"
     "     an output that cannot be written"},
    {"decode", C_DECODE, "[OPTIONS] INPUT...", "normalised positions as CSV on stdout",
     "Prints every position of every input (GPS CSV, JT/T 808, pcap/pcapng) as one\n"
     "normalised CSV on stdout: plate, plate_color, phone, time, lon, lat, speed, heading,\n"
     "altitude, status, alarm, mileage, driver, source.  Duplicates and invalid fixes are\n"
     "included; rejected records are reported on stderr.\n",
     "roadlog decode --registry vehicles.csv capture.pcapng > positions.csv\n",
     "an input cannot be read, a bad record under --strict, a --plate that matches\n"
     "     no vehicle"},
    {"summary", C_SUMMARY, "[OPTIONS] DIR|FILE...", "period summary from earlier outputs",
     "Merges earlier outputs of `roadlog analyze` (output folders, a folder of daily\n"
     "output folders, or events.csv files) into the period indicators of RULES.md §7,\n"
     "counts by type, class, company and day, and the repeat offenders: summary.csv and\n"
     "summary.html into --out, the table on stdout.\n",
     "roadlog summary --registry vehicles.csv --from 2026-11-01 --to 2026-11-30 \\\n"
     "      --out 2026-11-summary/ daily/\n",
     "nothing could be read, no data in the period, a --plate or --company that\n"
     "     matches no vehicle, a damaged line under --strict, an output that cannot be written"},
    {"merge", C_MERGE, "[OPTIONS] [--out OUT] DIR...", "one output from parts or a --resume chain",
     "Combines outputs of `roadlog analyze` (parts of one run, or the runs of a --resume\n"
     "chain) into one output, as one run over all the data would have written it\n"
     "(RUNS.md §2-3): the latest version of each event, withdrawn ones dropped, drivers'\n"
     "fatigue walked again across parts, tables combined, every file analyze writes.\n"
     "Outputs analysed with other rules, zones or time zone, or one output given twice,\n"
     "are a usage error (exit 2).\n",
     "roadlog merge --out OUT/all OUT/part-*\n",
     "an output cannot be read or is damaged, an output that cannot be written"},
    {"rules", C_RULES, "[--rules FILE]", "print the rules in force (rules-file syntax)",
     "Prints every rule id with the value in force (the default of RULES.md, or what\n"
     "--rules FILE sets) and its legal basis, in the syntax a rules file takes.\n",
     "roadlog rules > local.rules      # edit, then: roadlog analyze --rules local.rules ...\n", NULL},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

typedef struct {
    const char *name;
    const char *arg;         /* metavar, NULL for a flag */
    unsigned cmds;
    const char *help;
} cli_optdoc;

static const cli_optdoc optdocs[] = {
    {"registry", "FILE", C_ANALYZE | C_DECODE | C_SUMMARY,
     "vehicle registry (class, company, masses, seats, terminal phone)"},
    {"require-registry", NULL, C_ANALYZE,
     "stop (exit 1) when a vehicle is not in the registry, instead of\n"
     "checking it as class 'other'"},
    {"rules", "FILE", C_ANALYZE | C_RULES, "override rules (id = value; see `roadlog rules`)"},
    {"tz", "+HH:MM", C_ANALYZE | C_DECODE | C_SUMMARY, "analysis time zone (default +08:00)"},
    {"out", "DIR", C_ANALYZE | C_SUMMARY | C_MERGE, "output folder (default roadlog-out)"},
    {"resume", "DIR", C_ANALYZE, "go on from an earlier run's output (its carry/, RUNS.md §2)"},
    {"format", "LIST", C_ANALYZE | C_MERGE, "outputs: csv,jsonl,html,xlsx,geojson (default all)"},
    {"detect", "LIST", C_ANALYZE, "detectors: speeding,fatigue,night_ban,gap,weigh,alarm,zone (default all)"},
    {"zones", "FILE", C_ANALYZE | C_MERGE,
     "zones (GeoJSON, ZONES.md): restricted areas, speed zones, roads, routes;\n"
     "repeatable"},
    {"zones-coord", "C", C_ANALYZE | C_MERGE,
     "datum of every zone file: wgs84, gcj02 (AMap, Tencent) or bd09 (Baidu);\n"
     "default: each file's \"coord\" member, else wgs84"},
    {"company", "NAME", C_ANALYZE | C_SUMMARY,
     "only this company's vehicles (业户名称; the whole name, or a part of\n"
     "only one name); repeat it or give a comma list"},
    {"plate", "PLATE", C_ANALYZE | C_DECODE | C_SUMMARY, "only these vehicles; repeat it or give a comma list"},
    {"from", "TIME", C_ANALYZE | C_DECODE | C_SUMMARY, "only data at or after TIME (YYYY-MM-DD[ HH:MM:SS])"},
    {"to", "TIME", C_ANALYZE | C_DECODE | C_SUMMARY, "only data at or before TIME (a bare date: through its end)"},
    {"port", "N", C_ANALYZE | C_DECODE, "pcap: only TCP/UDP traffic on port N"},
    {"alarms", NULL, C_DECODE, "one row per alarm bit and alarm item instead of positions"},
    {"lang", "zh|en", C_ANALYZE | C_SUMMARY | C_MERGE,
     "language of report.html / summary.html (default from the locale)"},
    {"excel-csv", NULL, C_ANALYZE | C_SUMMARY | C_MERGE, "write CSV with a UTF-8 BOM so Excel shows Chinese text"},
    {"repeat", "N", C_SUMMARY, "repeat offenders have at least N events (default 3)"},
    {"threads", "N", C_ANALYZE, "cores to use (default: the CPUs roadlog may run on; 1: one thread)"},
    {"memory", "SIZE", C_ANALYZE,
     "budget for buffered records (512M, 4G; default 4G or half the RAM);\n"
     "past it sorted runs spill to --tmp"},
    {"tmp", "DIR", C_ANALYZE, "where spills go (default $TMPDIR, else /tmp)"},
    {"tiles", "URL", C_ANALYZE | C_MERGE,
     "base map tiles from an intranet server, e.g. http://tiles.local/{z}/{x}/{y}.png\n"
     "(the page may fetch from that origin only; default: plain background)"},
    {"map-coord", "C", C_ANALYZE | C_MERGE,
     "coordinates the maps draw and the GeoJSON files export: wgs84 (default),\n"
     "gcj02 (AMap, Tencent) or bd09 (Baidu); events.csv stays WGS-84"},
    {"by", "driver|company", C_ANALYZE | C_SUMMARY | C_MERGE,
     "analyze, merge: --by driver also writes drivers.html, one printable sheet\n"
     "per driver (events, points); summary: --by company, the company 考核 table\n"
     "of each month (company.csv, company.html)"},
    {"ledger", "DB", C_ANALYZE, "show each event's case status (report.html, events.xlsx) from the ledger DB"},
    {"show-ids", NULL, C_ANALYZE | C_SUMMARY | C_MERGE,
     "ID-card numbers (身份证号) of drivers in full; default masked to the\n"
     "first 6 and the last 4 characters in every output"},
    {"strict", NULL, C_ANALYZE | C_DECODE | C_SUMMARY,
     "stop at the first bad record (summary: damaged line) with exit 1"},
    {"quiet", NULL, C_ANALYZE | C_DECODE | C_SUMMARY | C_MERGE,
     "no progress bar, notes, warnings or summary on stderr"},
    {"help", NULL, C_ALL, "this help"},
};
#define NOPTDOCS (sizeof optdocs / sizeof optdocs[0])

static const cli_command *command_named(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (name && strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static const cli_optdoc *optdoc_named(const char *name)
{
    for (size_t i = 0; i < NOPTDOCS; i++)
        if (strcmp(optdocs[i].name, name) == 0)
            return &optdocs[i];
    return NULL;
}

/* Help text lines after the first are indented under the column. */
static void put_help(FILE *f, const char *help)
{
    for (const char *p = help; *p; p++) {
        fputc(*p, f);
        if (*p == '\n')
            fputs("                           ", f);
    }
    fputc('\n', f);
}

static void put_options(FILE *f, unsigned bit)
{
    for (size_t i = 0; i < NOPTDOCS; i++) {
        const cli_optdoc *o = &optdocs[i];
        if (!(o->cmds & bit))
            continue;
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        fprintf(f, "  %-24s ", left);
        put_help(f, o->help);
    }
}

void cli_usage(FILE *f)
{
    fputs("usage:\n", f);
    for (size_t i = 0; i < NCOMMANDS; i++) {
        char left[64];
        snprintf(left, sizeof left, "%s %s", commands[i].name, commands[i].synopsis);
        fprintf(f, "  roadlog %-28s %s\n", left, commands[i].about);
    }
    static const char *const own[][2] = {
        {"ledger [--db DB] COMMAND", "the case ledger: import, list, show, set, blacklist, report"},
        {"shard --parts N --out DIR INPUT...", "split the inputs by vehicle into parts"},
        {"slurm --parts N --work DIR --out OUT INPUT...", "shard, analyse and merge on a Slurm cluster"},
    };
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) {
        if (strlen(own[i][0]) <= 28)
            fprintf(f, "  roadlog %-28s %s\n", own[i][0], own[i][1]);
        else
            fprintf(f, "  roadlog %s\n  %-36s %s\n", own[i][0], "", own[i][1]);
    }
    fputs("\n"
          "INPUT: GPS CSV, weighbridge CSV, registry CSV, raw JT/T 808 frames, pcap/pcapng;\n"
          "       plain or .gz; '-' reads stdin; a folder of parts (roadlog shard).\n"
          "       The kind is told from the content.\n"
          "\n"
          "`roadlog COMMAND --help` (or `roadlog help COMMAND`) lists a command's options.\n"
          "\n"
          "example:\n"
          "  roadlog analyze --registry vehicles.csv --out 2026-11-02/ gps-2026-11-02.csv.gz\n"
          "\n"
          "exit status: 0 ok, 1 bad or unreadable input (see each command), 2 usage\n",
          f);
}

bool cli_help(FILE *f, const char *name)
{
    const cli_command *c = command_named(name);
    if (!c)
        return false;
    fprintf(f, "usage: roadlog %s %s\n\n%s\noptions:\n", c->name, c->synopsis, c->text);
    put_options(f, c->bit);
    fprintf(f, "\nexample:\n  %s\nexit status:\n  0  ok%s\n", c->example,
            c->bit == C_ANALYZE ? " (an input with nothing usable in it is a warning)" : "");
    if (c->exit1)
        fprintf(f, "  1  %s\n", c->exit1);
    fprintf(f, "  2  usage: an unknown option, an option without its value, a bad value%s\n",
            c->bit & (C_ANALYZE | C_RULES) ? ", a bad rules file" : "");
    return true;
}

bool cli_parse_time(const char *s, int32_t tz, bool end, int64_t *out)
{
    tu_parser tp;
    tu_parser_init(&tp, tz);
    size_t n = strlen(s);
    if (n == 10 && (s[4] == '-' || s[4] == '/')) {
        char full[32];
        snprintf(full, sizeof full, "%s %s", s, end ? "23:59:59" : "00:00:00");
        return tu_parse(&tp, full, strlen(full), out) == NULL;
    }
    return tu_parse(&tp, s, n, out) == NULL;
}

/* Digits at s[i..i+k) as a number, or -1. */
static int digits_at(const char *s, size_t n, size_t i, size_t k)
{
    if (i + k > n)
        return -1;
    int v = 0;
    for (size_t j = i; j < i + k; j++) {
        if (s[j] < '0' || s[j] > '9')
            return -1;
        v = v * 10 + (s[j] - '0');
    }
    return v;
}

void cli_time_problem(const char *s, char *why, size_t cap)
{
    static const char *const month_en[] = {"January", "February", "March",     "April",   "May",      "June",
                                           "July",    "August",   "September", "October", "November", "December"};
    size_t n = strlen(s);
    int y = digits_at(s, n, 0, 4), m = digits_at(s, n, 5, 2), d = digits_at(s, n, 8, 2);
    bool date = y >= 0 && m >= 0 && d >= 0 && (s[4] == '-' || s[4] == '/') && s[7] == s[4];
    if (date && (m < 1 || m > 12)) {
        snprintf(why, cap, "month %d does not exist", m);
        return;
    }
    if (date && d < 1) {
        snprintf(why, cap, "day %d does not exist", d);
        return;
    }
    if (date && !tu_valid_date(y, (unsigned)m, (unsigned)d)) {
        int last = 28;
        while (last < 31 && tu_valid_date(y, (unsigned)m, (unsigned)last + 1))
            last++;
        snprintf(why, cap, "day %d does not exist: %s %d has %d days", d, month_en[m - 1], y, last);
        return;
    }
    if (date && n > 10 && (s[10] == ' ' || s[10] == 'T')) {
        int hh = digits_at(s, n, 11, 2), mm = digits_at(s, n, 14, 2), ss = n >= 19 ? digits_at(s, n, 17, 2) : 0;
        if (hh > 23) {
            snprintf(why, cap, "hour %d does not exist (00-23)", hh);
            return;
        }
        if (mm > 59) {
            snprintf(why, cap, "minute %d does not exist (00-59)", mm);
            return;
        }
        if (ss > 59) {
            snprintf(why, cap, "second %d does not exist (00-59)", ss);
            return;
        }
    }
    snprintf(why, cap, "not a time: expected YYYY-MM-DD[ HH:MM:SS], ISO 8601 with an offset, or epoch seconds");
}

static bool parse_detectors(const char *s, unsigned *out)
{
    unsigned d = 0;
    char *dup = xstrdup(s), *save = NULL;
    bool ok = true;
    for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        unsigned bit = strcmp(t, "all") == 0 ? DET_ALL : detector_bit(t);
        if (!bit)
            ok = false;
        d |= bit;
    }
    free(dup);
    *out = d;
    return ok && d;
}

static bool parse_formats(const char *s, unsigned *out)
{
    unsigned f = 0;
    char *dup = xstrdup(s), *save = NULL;
    bool ok = true;
    for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (strcmp(t, "csv") == 0)
            f |= FMT_CSV;
        else if (strcmp(t, "jsonl") == 0 || strcmp(t, "json") == 0)
            f |= FMT_JSONL;
        else if (strcmp(t, "html") == 0)
            f |= FMT_HTML;
        else if (strcmp(t, "xlsx") == 0)
            f |= FMT_XLSX;
        else if (strcmp(t, "geojson") == 0)
            f |= FMT_GEOJSON;
        else if (strcmp(t, "all") == 0)
            f |= FMT_ALL;
        else
            ok = false;
    }
    free(dup);
    *out = f;
    return ok && f;
}

/* The name of the long option whose value is `val`, for messages. */
static const char *option_name(const struct option *longopts, int val)
{
    for (const struct option *o = longopts; o->name; o++)
        if (o->val == val)
            return o->name;
    return "?";
}

bool cli_parse_size(const char *s, uint64_t *out)
{
    /* digits, then K, M, G or T (powers of 1024, an optional B or iB) */
    char *end;
    errno = 0;
    unsigned long long n = strtoull(s, &end, 10);
    if (end == s || errno || *s == '-')
        return false;
    unsigned shift = 0;
    switch (*end) {
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    case 't': case 'T': shift = 40; end++; break;
    default: break;
    }
    if (shift && *end == 'i')
        end++;
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end || n > (UINT64_MAX >> shift))
        return false;
    *out = (uint64_t)n << shift;
    return true;
}

/* --zones-coord, --map-coord: a datum (cc_datum) */
static bool parse_datum(const char *cmd, const char *opt, const char *arg, int *out)
{
    cc_datum d;
    if (!cc_datum_parse(arg, &d)) {
        fprintf(stderr, "roadlog %s: %s '%s': expected wgs84, gcj02 or bd09\n", cmd, opt, arg);
        return false;
    }
    *out = (int)d;
    return true;
}

int cli_parse(rl_run *run, const char *cmd, int argc, char **argv, char ***args, int *nargs)
{
    enum { O_REGISTRY = 256, O_RULES, O_TZ, O_OUT, O_FORMAT, O_COMPANY, O_PLATE, O_FROM, O_TO, O_STRICT, O_QUIET,
           O_PORT, O_LANG, O_EXCEL, O_REPEAT, O_DETECT, O_HELP, O_REQUIRE_REGISTRY, O_THREADS, O_MEMORY, O_TMP,
           O_RESUME, O_ALARMS, O_ZONES, O_ZONES_COORD, O_TILES, O_MAP_COORD, O_BY, O_SHOW_IDS, O_LEDGER };
    static const struct option longopts[] = {
        {"registry", required_argument, 0, O_REGISTRY}, {"rules", required_argument, 0, O_RULES},
        {"tz", required_argument, 0, O_TZ},             {"out", required_argument, 0, O_OUT},
        {"format", required_argument, 0, O_FORMAT},     {"company", required_argument, 0, O_COMPANY},
        {"plate", required_argument, 0, O_PLATE},       {"from", required_argument, 0, O_FROM},
        {"to", required_argument, 0, O_TO},             {"strict", no_argument, 0, O_STRICT},
        {"quiet", no_argument, 0, O_QUIET},             {"port", required_argument, 0, O_PORT},
        {"lang", required_argument, 0, O_LANG},         {"excel-csv", no_argument, 0, O_EXCEL},
        {"repeat", required_argument, 0, O_REPEAT},     {"detect", required_argument, 0, O_DETECT},
        {"zones", required_argument, 0, O_ZONES},       {"zones-coord", required_argument, 0, O_ZONES_COORD},
        {"help", no_argument, 0, O_HELP},               {"require-registry", no_argument, 0, O_REQUIRE_REGISTRY},
        {"ledger", required_argument, 0, O_LEDGER},
        {"threads", required_argument, 0, O_THREADS},   {"memory", required_argument, 0, O_MEMORY},
        {"tmp", required_argument, 0, O_TMP},           {"resume", required_argument, 0, O_RESUME},
        {"tiles", required_argument, 0, O_TILES},       {"map-coord", required_argument, 0, O_MAP_COORD},
        {"by", required_argument, 0, O_BY},             {"show-ids", no_argument, 0, O_SHOW_IDS},
        {"alarms", no_argument, 0, O_ALARMS},
        {0, 0, 0, 0},
    };
    const cli_command *command = command_named(cmd);
    const char *from = NULL, *to = NULL;
    optind = 1;
    opterr = 0;
    int c, longindex;
    while ((longindex = -1, c = getopt_long(argc, argv, ":hqo:", longopts, &longindex)) != -1) {
        /* the option given, as typed on the command line */
        const char *given = longindex >= 0 ? longopts[longindex].name : NULL;
        if (c == ':') {
            const char *name = optopt >= 256 ? option_name(longopts, optopt) : optopt == 'o' ? "out" : "?";
            const cli_optdoc *d = optdoc_named(name);
            fprintf(stderr, "roadlog %s: --%s needs a value%s%s%s (see roadlog %s --help)\n", cmd, name,
                    d && d->arg ? " (" : "", d && d->arg ? d->arg : "", d && d->arg ? ")" : "", cmd);
            return EXIT_USAGE;
        }
        if (c == '?') {
            if (optopt && optopt < 256)
                fprintf(stderr, "roadlog %s: unknown option -%c\n", cmd, optopt);
            else
                fprintf(stderr, "roadlog %s: unknown option %s\n", cmd, argv[optind - 1]);
            fprintf(stderr, "run `roadlog %s --help` for the options\n", cmd);
            return EXIT_USAGE;
        }
        if (c == 'o')
            given = "out";
        if (c == 'q')
            given = "quiet";
        if (c == 'h')
            given = "help";
        /* An option's value that is itself an option (`--out --from X`):
         * getopt takes it as the value; the user forgot the value.  A
         * value given with '=' (--out=--odd) is taken as typed. */
        if (optarg && optarg == argv[optind - 1] && strncmp(optarg, "--", 2) == 0) {
            const cli_optdoc *d = given ? optdoc_named(given) : NULL;
            fprintf(stderr, "roadlog %s: --%s needs a value%s%s%s, but the next argument is the option %s\n", cmd,
                    given ? given : "?", d && d->arg ? " (" : "", d && d->arg ? d->arg : "",
                    d && d->arg ? ")" : "", optarg);
            return EXIT_USAGE;
        }
        /* options of another subcommand are a mistake, not a no-op */
        const cli_optdoc *doc = given ? optdoc_named(given) : NULL;
        if (command && doc && !(doc->cmds & command->bit)) {
            fprintf(stderr, "roadlog %s: --%s does not apply to `roadlog %s` (see roadlog %s --help)\n", cmd, given,
                    cmd, cmd);
            return EXIT_USAGE;
        }
        switch (c) {
        case O_REGISTRY: run->opt.registry_path = optarg; break;
        case O_RULES: run->opt.rules_path = optarg; break;
        case O_TZ:
            if (!tu_parse_tz(optarg, &run->opt.tz)) {
                fprintf(stderr, "roadlog %s: --tz '%s': expected an offset like +08:00\n", cmd, optarg);
                return EXIT_USAGE;
            }
            break;
        case 'o':
        case O_OUT: run->opt.out_dir = optarg; break;
        case O_FORMAT:
            if (!parse_formats(optarg, &run->opt.formats)) {
                fprintf(stderr, "roadlog %s: --format '%s': expected a list of csv,jsonl,html,xlsx,geojson\n", cmd,
                        optarg);
                return EXIT_USAGE;
            }
            break;
        case O_DETECT:
            if (!parse_detectors(optarg, &run->opt.detect)) {
                fprintf(stderr,
                        "roadlog %s: --detect '%s': expected a list of speeding,fatigue,night_ban,gap,weigh,alarm,zone\n",
                        cmd, optarg);
                return EXIT_USAGE;
            }
            break;
        case O_ZONES:
            run->opt.zone_paths =
                xrealloc(run->opt.zone_paths, (run->opt.nzone_paths + 1) * sizeof *run->opt.zone_paths);
            run->opt.zone_paths[run->opt.nzone_paths++] = optarg;
            break;
        case O_ZONES_COORD:
            if (!parse_datum(cmd, "--zones-coord", optarg, &run->opt.zones_coord))
                return EXIT_USAGE;
            break;
        case O_COMPANY:
            sel_add_names(&run->opt.companies, optarg);
            if (!run->opt.companies.n) {
                fprintf(stderr, "roadlog %s: --company '%s': no company name in it\n", cmd, optarg);
                return EXIT_USAGE;
            }
            break;
        case O_PLATE: {
            char why[256];
            if (sel_add_plates(&run->opt.plates, optarg, why, sizeof why)) {
                fprintf(stderr, "roadlog %s: --plate %s\n", cmd, why);
                return EXIT_USAGE;
            }
            break;
        }
        case O_FROM: from = optarg; break;
        case O_TO: to = optarg; break;
        case O_STRICT: run->opt.strict = true; break;
        case O_REQUIRE_REGISTRY: run->opt.require_registry = true; break;
        case 'q':
        case O_QUIET: run->opt.quiet = true; break;
        case O_PORT: {
            char *end;
            long p = strtol(optarg, &end, 10);
            if (*end || p < 1 || p > 65535) {
                fprintf(stderr, "roadlog %s: --port '%s': expected 1-65535\n", cmd, optarg);
                return EXIT_USAGE;
            }
            run->opt.port = (unsigned)p;
            break;
        }
        case O_LANG:
            if (strcmp(optarg, "zh") != 0 && strcmp(optarg, "en") != 0) {
                fprintf(stderr, "roadlog %s: --lang '%s': expected zh or en\n", cmd, optarg);
                return EXIT_USAGE;
            }
            run->opt.lang = optarg;
            break;
        case O_EXCEL: run->opt.excel_csv = true; break;
        case O_TILES: {
            char why[160];
            if (!tiles_template_ok(optarg, why, sizeof why)) {
                fprintf(stderr, "roadlog %s: --tiles '%s': %s\n", cmd, optarg, why);
                return EXIT_USAGE;
            }
            run->opt.tiles = optarg;
            break;
        }
        case O_MAP_COORD:
            if (!parse_datum(cmd, "--map-coord", optarg, &run->opt.map_coord))
                return EXIT_USAGE;
            break;
        case O_BY:
            /* analyze and merge: drivers.html; summary: the company 考核 */
            if (strcmp(cmd, "summary") == 0) {
                if (strcmp(optarg, "company") != 0) {
                    fprintf(stderr, "roadlog %s: --by '%s': expected company\n", cmd, optarg);
                    return EXIT_USAGE;
                }
                run->opt.by = optarg;
            } else if (strcmp(optarg, "driver") == 0) {
                run->opt.by_driver = true;
            } else if (strcmp(optarg, "vehicle") != 0) {
                fprintf(stderr, "roadlog %s: --by '%s': expected driver or vehicle\n", cmd, optarg);
                return EXIT_USAGE;
            }
            break;
        case O_SHOW_IDS: run->opt.show_ids = true; break;
        case O_ALARMS: run->opt.alarms = true; break;
        case O_LEDGER: run->opt.ledger = optarg; break;
        case O_REPEAT: {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 1000000) {
                fprintf(stderr, "roadlog %s: --repeat '%s': expected a positive number\n", cmd, optarg);
                return EXIT_USAGE;
            }
            run->opt.repeat = (int)n;
            break;
        }
        case O_THREADS: {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || end == optarg || n < 1 || n > 1024) {
                fprintf(stderr, "roadlog %s: --threads '%s': expected a number of threads, 1 to 1024\n", cmd, optarg);
                return EXIT_USAGE;
            }
            run->opt.threads = (unsigned)n;
            break;
        }
        case O_MEMORY:
            if (!cli_parse_size(optarg, &run->opt.memory) || run->opt.memory < (1u << 20)) {
                fprintf(stderr, "roadlog %s: --memory '%s': expected a size of 1M or more, like 512M or 4G\n", cmd,
                        optarg);
                return EXIT_USAGE;
            }
            break;
        case O_TMP: run->opt.tmp_dir = optarg; break;
        case O_RESUME: run->resumed_from = optarg; break;
        case 'h':
        case O_HELP:
            if (!cli_help(stdout, cmd))
                cli_usage(stdout);
            exit(0);
        }
    }
    run->opt.company = run->opt.companies.joined;
    run->opt.plate = run->opt.plates.joined;
    /* times are read after --tz, whatever the order on the line */
    char why[160];
    if (from) {
        if (!cli_parse_time(from, run->opt.tz, false, &run->opt.from)) {
            cli_time_problem(from, why, sizeof why);
            fprintf(stderr, "roadlog %s: --from '%s': %s\n", cmd, from, why);
            return EXIT_USAGE;
        }
        run->opt.have_from = true;
    }
    if (to) {
        if (!cli_parse_time(to, run->opt.tz, true, &run->opt.to)) {
            cli_time_problem(to, why, sizeof why);
            fprintf(stderr, "roadlog %s: --to '%s': %s\n", cmd, to, why);
            return EXIT_USAGE;
        }
        run->opt.have_to = true;
    }
    if (from && to && run->opt.from > run->opt.to) {
        fprintf(stderr, "roadlog %s: --from '%s' is after --to '%s': the period is empty (swapped?)\n", cmd, from,
                to);
        return EXIT_USAGE;
    }
    if (run->opt.rules_path) {
        char err[512];
        if (!rules_load(&run->rules, run->opt.rules_path, err, sizeof err)) {
            fprintf(stderr, "roadlog %s: %s\n", cmd, err);
            return EXIT_USAGE;
        }
    }
    *args = argv + optind;
    *nargs = argc - optind;
    return 0;
}

int cli_take_option(int *argc, char **argv, const char *name, const char **value)
{
    size_t n = strlen(name);
    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0)
            break;
        if (a[0] != '-' || a[1] != '-' || strncmp(a + 2, name, n) != 0 || (a[2 + n] != 0 && a[2 + n] != '='))
            continue;
        int used = 1;
        if (!value) {
            if (a[2 + n] == '=')
                return -1;
        } else if (a[2 + n] == '=') {
            *value = a + 3 + n;
        } else if (i + 1 < *argc) {
            *value = argv[i + 1];
            used = 2;
        } else {
            return -1;
        }
        for (int k = i; k + used <= *argc; k++)
            argv[k] = argv[k + used];
        *argc -= used;
        return 1;
    }
    return 0;
}
