/*
 * cli.c - option parsing (see cli.h).
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "coordconv.h"
#include "plate.h"
#include "timeutil.h"
#include "util.h"

void cli_usage(FILE *f)
{
    fputs("usage:\n"
          "  roadlog analyze [OPTIONS] INPUT...    detect violations, write the outputs\n"
          "  roadlog decode  [OPTIONS] INPUT...    normalised positions as CSV on stdout\n"
          "  roadlog summary [OPTIONS] DIR|FILE... period summary from earlier outputs\n"
          "  roadlog rules   [--rules FILE]        print the rules in force (rules-file syntax)\n"
          "  roadlog shard   --parts N --out DIR INPUT...   split the inputs by vehicle (--help)\n"
          "  roadlog slurm   --parts N --work DIR --out OUT INPUT...   on a Slurm cluster (--help)\n"
          "\n"
          "INPUT: GPS CSV, weighbridge CSV, registry CSV, raw JT/T 808 frames, pcap/pcapng;\n"
          "       plain or .gz; '-' reads stdin; a folder of parts (roadlog shard).\n"
          "       The kind is told from the content.\n"
          "\n"
          "options:\n"
          "  --registry FILE     vehicle registry (class, company, masses, seats, terminal phone)\n"
          "  --rules FILE        override rules (id = value; see `roadlog rules`)\n"
          "  --tz +HH:MM         analysis time zone (default +08:00)\n"
          "  --out DIR           output folder (default roadlog-out)\n"
          "  --format LIST       outputs: csv,jsonl,html,xlsx,geojson (default all)\n"
          "  --detect LIST       detectors to run: speeding,fatigue,night_ban,gap,weigh,alarm,zone (default all)\n"
          "  --zones FILE        zones (GeoJSON, ZONES.md): restricted areas, speed zones, roads, routes;\n"
          "                      repeatable\n"
          "  --zones-coord C     datum of every zone file: wgs84, gcj02 (AMap, Tencent) or bd09 (Baidu);\n"
          "                      default: each file's \"coord\" member, else wgs84\n"
          "  --company NAME      only this company's vehicles (业户名称)\n"
          "  --plate PLATE       only this vehicle\n"
          "  --from TIME         only fixes at or after TIME (YYYY-MM-DD[ HH:MM:SS])\n"
          "  --to TIME           only fixes at or before TIME (a bare date: through its end)\n"
          "  --port N            pcap: only TCP/UDP traffic on port N\n"
          "  --alarms            decode: one row per alarm bit and alarm item instead of positions\n"
          "  --lang zh|en        language of report.html and summary.html (default from the locale)\n"
          "  --excel-csv         write CSV with a UTF-8 BOM so Excel shows Chinese text\n"
          "  --repeat N          summary: repeat offenders have at least N events (default 3)\n"
          "                      (summary also takes --registry, --company, --from/--to, --lang, --excel-csv)\n"
          "  --strict            stop at the first bad record (exit 1)\n"
          "  --quiet             no progress bar, warnings or summary on stderr\n"
          "\n"
          "exit status: 0 ok, 1 bad input under --strict or an unreadable file, 2 usage\n",
          f);
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

static bool parse_detectors(const char *s, unsigned *out)
{
    static const struct {
        const char *name;
        unsigned bit;
    } names[] = {{"speeding", DET_SPEEDING}, {"fatigue", DET_FATIGUE}, {"night_ban", DET_NIGHT_BAN},
                 {"gap", DET_GAP},           {"weigh", DET_WEIGH},     {"alarm", DET_ALARM},
                 {"zone", DET_ZONE},
                 {"all", DET_ALL}};
    unsigned d = 0;
    char *dup = xstrdup(s), *save = NULL;
    bool ok = true;
    for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        size_t i = 0;
        while (i < sizeof names / sizeof names[0] && strcmp(names[i].name, t) != 0)
            i++;
        if (i == sizeof names / sizeof names[0])
            ok = false;
        else
            d |= names[i].bit;
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

int cli_parse(rl_run *run, const char *cmd, int argc, char **argv, char ***args, int *nargs)
{
    enum { O_REGISTRY = 256, O_RULES, O_TZ, O_OUT, O_FORMAT, O_COMPANY, O_PLATE, O_FROM, O_TO, O_STRICT, O_QUIET,
           O_PORT, O_LANG, O_EXCEL, O_REPEAT, O_DETECT, O_HELP, O_THREADS, O_MEMORY, O_TMP, O_RESUME, O_ALARMS,
           O_ZONES, O_ZONES_COORD };
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
        {"help", no_argument, 0, O_HELP},
        {"threads", required_argument, 0, O_THREADS},   {"memory", required_argument, 0, O_MEMORY},
        {"tmp", required_argument, 0, O_TMP},           {"resume", required_argument, 0, O_RESUME},
        {"alarms", no_argument, 0, O_ALARMS},
        {0, 0, 0, 0},
    };
    const char *from = NULL, *to = NULL;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "hqo:", longopts, NULL)) != -1) {
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
        case O_ZONES_COORD: {
            cc_datum d;
            if (!cc_datum_parse(optarg, &d)) {
                fprintf(stderr, "roadlog %s: --zones-coord '%s': expected wgs84, gcj02 or bd09\n", cmd, optarg);
                return EXIT_USAGE;
            }
            run->opt.zones_coord = (int)d;
            break;
        }
        case O_COMPANY: run->opt.company = optarg; break;
        case O_PLATE: {
            size_t n;
            const char *why = plate_normalize(optarg, strlen(optarg), run->opt.plate_norm, &n);
            if (why) {
                fprintf(stderr, "roadlog %s: --plate '%s': %s\n", cmd, optarg, why);
                return EXIT_USAGE;
            }
            run->opt.plate = run->opt.plate_norm;
            break;
        }
        case O_FROM: from = optarg; break;
        case O_TO: to = optarg; break;
        case O_STRICT: run->opt.strict = true; break;
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
        case O_ALARMS: run->opt.alarms = true; break;
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
        case O_HELP: cli_usage(stdout); exit(0);
        default:
            if (optopt && optopt < 256)
                fprintf(stderr, "roadlog %s: unknown option -%c\n", cmd, optopt);
            else
                fprintf(stderr, "roadlog %s: unknown option or missing value: %s\n", cmd, argv[optind - 1]);
            fprintf(stderr, "run `roadlog --help` for the options\n");
            return EXIT_USAGE;
        }
    }
    /* times are read after --tz, whatever the order on the line */
    if (from) {
        if (!cli_parse_time(from, run->opt.tz, false, &run->opt.from)) {
            fprintf(stderr, "roadlog %s: --from '%s': expected YYYY-MM-DD[ HH:MM:SS]\n", cmd, from);
            return EXIT_USAGE;
        }
        run->opt.have_from = true;
    }
    if (to) {
        if (!cli_parse_time(to, run->opt.tz, true, &run->opt.to)) {
            fprintf(stderr, "roadlog %s: --to '%s': expected YYYY-MM-DD[ HH:MM:SS]\n", cmd, to);
            return EXIT_USAGE;
        }
        run->opt.have_to = true;
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
