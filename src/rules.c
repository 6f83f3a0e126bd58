/*
 * rules.c - the rules table: ids, defaults, bounds and the basis of each
 * number (RULES.md, REGULATIONS.md), the rules-file reader and printer.
 *
 * A rules file has the syntax `roadlog rules` prints: one `id = value`
 * per line, `#` starts a comment.  An unknown id or a value outside the
 * rule's bounds is an error naming file:line, never silently ignored.
 */
#include "rules.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alarmcode.h"
#include "event.h"
#include "util.h"

enum { K_NUM, K_INT, K_WINDOW, K_NAME };

/* The names a K_NAME rule takes, by value (0, 1, ...). */
static const char *const dialect_names[] = {"jsatl", "gdrta", NULL};
/* speeding.default_road: value + ROAD_EXPRESSWAY is the road_type (event.h) */
static const char *const road_names[] = {"expressway", "urban_expressway", "other", NULL};

typedef struct {
    const char *id;
    int kind;
    double def;       /* numbers; the index of the default name for K_NAME */
    const char *wdef; /* windows "HH:MM-HH:MM" */
    double min, max;
    const char *section; /* printed before the rule when non-NULL */
    const char *basis;
} rule_def;

static const rule_def defs[R_COUNT] = {
    [R_TRACK_LON_MIN] = {"track.invalid.lon_min", K_NUM, 73, NULL, -180, 180,
                         "RULES.md §1 preparing a track.\n"
                         "track.duplicate (fixed): same vehicle, same second -> one copy kept, a valid one if any, else the first in input order\n"
                         "track.invalid: lon outside [lon_min,lon_max], lat outside [lat_min,lat_max], speed outside [0,speed_max], or JT/T 808 status bit 1 (fixed) = 0",
                         "mainland China bounding box"},
    [R_TRACK_LON_MAX] = {"track.invalid.lon_max", K_NUM, 136, NULL, -180, 180, NULL, "mainland China bounding box"},
    [R_TRACK_LAT_MIN] = {"track.invalid.lat_min", K_NUM, 3, NULL, -90, 90, NULL, "mainland China bounding box"},
    [R_TRACK_LAT_MAX] = {"track.invalid.lat_max", K_NUM, 54, NULL, -90, 90, NULL, "mainland China bounding box"},
    [R_TRACK_SPEED_MAX_KMH] = {"track.invalid.speed_max_kmh", K_NUM, 220, NULL, 1, 2000, NULL,
                               "GB/T 19056 recorder speed range 0-220 km/h"},
    [R_TRACK_DRIFT_KMH] = {"track.drift_kmh", K_NUM, 160, NULL, 1, 100000, NULL,
                           "implied speed above this from the previous accepted fix is drift (platform practice)"},
    [R_TRACK_DRIFT_MIN_KM] = {"track.drift_min_km", K_NUM, 1, NULL, 0, 100000, NULL,
                              "a jump must also exceed this distance to be drift (RULES.md §1)"},
    [R_TRACK_REANCHOR_N] = {"track.reanchor_n", K_INT, 3, NULL, 1, 1000, NULL,
                            "the N-th drift fix in a row is accepted and becomes the new reference"},
    [R_TRACK_MOVING_KMH] = {"track.moving_kmh", K_NUM, 5, NULL, 0, 220, NULL,
                            "a fix is moving when its reported speed >= this"},
    [R_TRACK_GAP_S] = {"track.gap_s", K_INT, 300, NULL, 1, 86400 * 30, NULL,
                       "longer than this between accepted fixes is a gap"},
    [R_SPEEDING_COACH] = {"speeding.coach", K_NUM, 100, NULL, 1, 220,
                          "RULES.md §2 speeding (km/h; a registry speed_limit_kmh overrides the class cap)",
                          "实施条例 art. 78 (expressway, vehicles other than small passenger cars)"},
    [R_SPEEDING_CHARTER] = {"speeding.charter", K_NUM, 100, NULL, 1, 220, NULL, "实施条例 art. 78"},
    [R_SPEEDING_HAZMAT] = {"speeding.hazmat", K_NUM, 80, NULL, 1, 220, NULL,
                           "危险货物道路运输安全管理办法 (2019) art. 46"},
    [R_SPEEDING_MUCK] = {"speeding.muck", K_NUM, 60, NULL, 1, 220, NULL,
                         "city rules vary (Shenzhen 80/60/40): set locally"},
    [R_SPEEDING_HEAVY_TRUCK] = {"speeding.heavy_truck", K_NUM, 100, NULL, 1, 220, NULL, "实施条例 art. 78"},
    [R_SPEEDING_TRUCK] = {"speeding.truck", K_NUM, 100, NULL, 1, 220, NULL, "实施条例 art. 78"},
    [R_SPEEDING_OTHER] = {"speeding.other", K_NUM, 120, NULL, 1, 220, NULL,
                          "实施条例 art. 78 (small passenger cars)"},
    [R_SPEEDING_NIGHT_FACTOR] = {"speeding.night_factor", K_NUM, 0.8, NULL, 0.01, 1, NULL,
                                 "coaches and charters at night: 80 % of the day limit (道路运输车辆动态监督管理办法; 国发〔2012〕30号)"},
    [R_SPEEDING_MIN_DURATION_S] = {"speeding.min_duration_s", K_INT, 60, NULL, 0, 86400, NULL,
                                   "platform practice: shorter runs are GPS noise"},
    [R_SPEEDING_DEFAULT_ROAD] = {"speeding.default_road", K_NAME, 0, NULL, 0, 2,
                                 NULL,
                                 "road type (expressway, urban_expressway, other) outside every road zone, for the "
                                 "points of 记分办法 2022 (高速公路、城市快速路 vs 其他道路); the class caps are expressway "
                                 "caps (实施条例 art. 78)"},
    [R_FATIGUE_REST_MIN_S] = {"fatigue.rest_min_s", K_INT, 1200, NULL, 1, 86400, "RULES.md §3 fatigue (seconds)",
                              "实施条例 art. 62 (7): stop at least 20 min"},
    [R_FATIGUE_CONTINUOUS_MAX_S] = {"fatigue.continuous_max_s", K_INT, 14400, NULL, 1, 7 * 86400, NULL,
                                    "实施条例 art. 62 (7): at most 4 h continuous driving"},
    [R_FATIGUE_NIGHT_CONTINUOUS_MAX_S] = {"fatigue.night_continuous_max_s", K_INT, 7200, NULL, 1, 86400, NULL,
                                          "道路运输车辆动态监督管理办法: coach drivers at most 2 h continuous at night"},
    [R_FATIGUE_DAILY_MAX_S] = {"fatigue.daily_max_s", K_INT, 28800, NULL, 1, 86400, NULL,
                               "道路运输车辆动态监督管理办法; JT/T 808 parameter 0x0058: coach drivers at most 8 h a day"},
    [R_NIGHT_WINDOW] = {"night.window", K_WINDOW, 0, "22:00-06:00", 0, 0, NULL,
                        "platform convention for night (night speeding, night fatigue)"},
    [R_NIGHT_BAN_WINDOW] = {"night_ban.window", K_WINDOW, 0, "02:00-05:00", 0, 0, "RULES.md §4 coach night ban",
                            "道路旅客运输企业安全管理规范 (2018) art. 38 (5): coaches stop 02:00-05:00"},
    [R_NIGHT_BAN_MIN_DRIVING_S] = {"night_ban.min_driving_s", K_INT, 300, NULL, 0, 86400, NULL,
                                   "debounce: driving seconds in the window of one night above this"},
    [R_GAP_EVENT_MIN_S] = {"gap_event.min_s", K_INT, 1800, NULL, 1, 86400 * 30, "RULES.md §6 track gaps (疑似屏蔽/断电)",
                           "consecutive accepted fixes at least this far apart in time"},
    [R_GAP_EVENT_MIN_KM] = {"gap_event.min_km", K_NUM, 20, NULL, 0, 100000, NULL,
                            "and more than this far apart in space: moved with no reports"},
    [R_OVERLIMIT_AXLES_2] = {"overlimit.axles_2", K_INT, 18000, NULL, 1, 1000000,
                             "RULES.md §5 weighbridge (kg; the tolerance of the weighing's mode applies to every mass check)\n"
                             RULE_ID_OVERLIMIT_MAX_GROSS " (fixed): the registry's max_gross_kg replaces overlimit.axles_N when lower "
                             "(令62号 art. 3; 交公路发〔2016〕124号 annex)\n"
                             RULE_ID_OVERLOAD_RATED_LOAD " (fixed): overload when gross - curb_kg > rated_load_kg (道交法 art. 92)\n"
                             RULE_ID_OVERLOAD_MAX_GROSS " (fixed): without curb_kg and rated_load_kg, overload when gross > "
                             "max_gross_kg (记分办法 2022)\n"
                             RULE_ID_CAPACITY_SEATS " (fixed): over_capacity when passengers > the registry's seats "
                             "(道交法 art. 92; 记分办法 2022)\n"
                             "axle_overload names axle.steer_kg or axle.other_kg; position_mismatch weigh.mismatch_km",
                             "超限运输车辆行驶公路管理规定 (2016 令62号) art. 3: 2-axle truck"},
    [R_OVERLIMIT_AXLES_3] = {"overlimit.axles_3", K_INT, 25000, NULL, 1, 1000000, NULL, "令62号 art. 3: 3-axle truck"},
    [R_OVERLIMIT_AXLES_4] = {"overlimit.axles_4", K_INT, 31000, NULL, 1, 1000000, NULL, "令62号 art. 3: 4-axle truck"},
    [R_OVERLIMIT_AXLES_5] = {"overlimit.axles_5", K_INT, 43000, NULL, 1, 1000000, NULL, "令62号 art. 3: 5-axle combination"},
    [R_OVERLIMIT_AXLES_6] = {"overlimit.axles_6", K_INT, 49000, NULL, 1, 1000000, NULL,
                             "令62号 art. 3: 6 and more axles"},
    [R_WEIGH_WIM_TOLERANCE_PCT] = {"weigh.wim_tolerance_pct", K_NUM, 5, NULL, 0, 100, NULL,
                                   "JJG 907 class-5 weigh-in-motion scales"},
    [R_WEIGH_STATIC_TOLERANCE_PCT] = {"weigh.static_tolerance_pct", K_NUM, 0, NULL, 0, 100, NULL,
                                      "static weighbridge: no tolerance"},
    [R_AXLE_STEER_KG] = {"axle.steer_kg", K_INT, 7000, NULL, 1, 100000, NULL,
                         "GB 1589-2016: single axle, single tyres (steer axle)"},
    [R_AXLE_OTHER_KG] = {"axle.other_kg", K_INT, 11500, NULL, 1, 100000, NULL,
                         "GB 1589-2016: drive axle, twin tyres"},
    [R_WEIGH_GPS_WINDOW_S] = {"weigh.gps_window_s", K_INT, 600, NULL, 0, 86400, NULL,
                              "a GPS fix within this many seconds of a weighing is compared with the station"},
    [R_WEIGH_MISMATCH_KM] = {"weigh.mismatch_km", K_NUM, 5, NULL, 0, 100000, NULL,
                             "nearest fix farther than this from the station: position_mismatch (cloned or misread plate)"},
    [R_JT808_DIALECT] = {"jt808.dialect", K_NAME, RULE_DIALECT_JSATL, NULL, 0, 1,
                         "RULES.md §8 what the terminal reported (JT/T 808 alarm word, active safety; JT808.md §14)\n"
                         "alarm.BIT (fixed): terminal_alarm, one per run of positions with a held bit (overspeed, fatigue,\n"
                         "  overspeed_warning, fatigue_warning, daily_driving, overtime_parking, route_deviation, collision,\n"
                         "  rollover) or one at each rising edge of a bit the platform clears (sos, danger, area, route,\n"
                         "  segment_time, illegal_ignition, illegal_displacement) (JT/T 808-2013 table 24)\n"
                         "adas.TYPE, dsm.TYPE, tpms.TYPE, bsd.TYPE (fixed): adas_alarm ... bsd_alarm, by the code lists of\n"
                         "  T/JSATL 12-2017 §4.4 and T/GDRTA 002-2020 §5.4 (dsm.fatigue, dsm.phone, dsm.smoking,\n"
                         "  dsm.distraction, dsm.no_seatbelt, adas.forward_collision, adas.lane_departure, tpms.pressure_low,\n"
                         "  bsd.rear, ...); a code neither list names keeps its number (dsm.code_0x21)",
                         "jsatl (苏标 T/JSATL 12-2017) or gdrta (粤标 T/GDRTA 002-2020): the layout of items 0x64-0x67; "
                         "an item of another length is skipped and counted"},
    [R_ALARM_SILENT_MIN_EVENTS] = {"alarm.silent_min_events", K_INT, 3, NULL, 1, 1000000, NULL,
                                   "terminal_silent: this many speeding events and no overspeed alarm from a terminal "
                                   "that reports an alarm word (limit set too high, or tampered with)"},
    [R_ALARM_PAIR_MAX_S] = {"alarm.pair_max_s", K_INT, 3600, NULL, 1, 86400 * 30, NULL,
                            "an active-safety start whose end has not come when the vehicle's data is this much "
                            "later ends at its own time (roadlog's choice; RULES.md §8 pairs start and end)"},
    [R_ZONE_MIN_S] = {"zone.min_s", K_INT, 60, NULL, 0, 7 * 86400,
                      "ZONES.md zones (--zones): restricted areas, speed zones, road types, approved routes\n"
                      "zone:ID (fixed): zone_restricted and route_deviation name their zone; so does speeding when a "
                      "zone set the limit (禁令标志 道交法 art. 39, 44; 危险化学品安全管理条例 arts. 49-50; "
                      "城市建筑垃圾管理规定 (建设部令第139号) art. 14: muck trucks on the approved route and hours)",
                      "a zone_restricted or route_deviation run shorter than this (last - first, s) is no event "
                      "(GPS noise at the edge; a zone's min_s overrides)"},
    [R_ZONE_BUFFER_M] = {"zone.buffer_m", K_NUM, 25, NULL, 0.1, 100000, NULL,
                         "corridor half-width (m) around a line zone without buffer_m: a road section or an approved "
                         "route (a lane and a hard shoulder either side, plus GPS error)"},
};

static const struct {
    const char *en, *zh, *zh2;
} class_names[CLASS_COUNT] = {
    [CLASS_COACH] = {"coach", "班线客车", "客车"},
    [CLASS_CHARTER] = {"charter", "旅游包车", "包车"},
    [CLASS_HAZMAT] = {"hazmat", "危险货物运输车", "危货"},
    [CLASS_MUCK] = {"muck", "渣土车", "泥头车"},
    [CLASS_HEAVY_TRUCK] = {"heavy_truck", "重型货车", "重货"},
    [CLASS_TRUCK] = {"truck", "货车", "普通货车"},
    [CLASS_OTHER] = {"other", "其他", "其它"},
};

const char *class_name(vehicle_class c) { return c < CLASS_COUNT ? class_names[c].en : "other"; }
const char *class_name_zh(vehicle_class c) { return c < CLASS_COUNT ? class_names[c].zh : "其他"; }

bool class_parse(const char *s, size_t n, vehicle_class *c)
{
    trim_span(&s, &n);
    for (int i = 0; i < CLASS_COUNT; i++) {
        const char *names[3] = {class_names[i].en, class_names[i].zh, class_names[i].zh2};
        for (int k = 0; k < 3; k++) {
            if (strlen(names[k]) == n && strncasecmp(names[k], s, n) == 0) {
                *c = (vehicle_class)i;
                return true;
            }
        }
    }
    /* Common spellings: "heavy truck", "heavy-truck", 危险货物运输车辆, 危险品车. */
    char low[64];
    if (n < sizeof low) {
        for (size_t i = 0; i < n; i++)
            low[i] = (s[i] == ' ' || s[i] == '-') ? '_' : s[i];
        low[n] = 0;
        if (strcasecmp(low, "heavy_truck") == 0) {
            *c = CLASS_HEAVY_TRUCK;
            return true;
        }
        /* Chinese registry exports spell classes many ways (大型普通客车,
         * 重型半挂牵引车, 危险品运输车); the first matching key decides. */
        static const struct {
            const char *key;
            vehicle_class c;
        } keys[] = {
            {"危", CLASS_HAZMAT},       {"渣土", CLASS_MUCK},     {"泥头", CLASS_MUCK},
            {"旅游", CLASS_CHARTER},    {"包车", CLASS_CHARTER},  {"班线", CLASS_COACH},
            {"客", CLASS_COACH},        {"重型", CLASS_HEAVY_TRUCK}, {"牵引", CLASS_HEAVY_TRUCK},
            {"货", CLASS_TRUCK},
        };
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
            if (strstr(low, keys[i].key)) {
                *c = keys[i].c;
                return true;
            }
    }
    return false;
}

const char *rule_name(rule_id id) { return id < R_COUNT ? defs[id].id : "?"; }

bool rule_is_text(rule_id id) { return id < R_COUNT && (defs[id].kind == K_WINDOW || defs[id].kind == K_NAME); }

int rules_default_road(const rl_rules *r) { return (int)r->v[R_SPEEDING_DEFAULT_ROAD] + ROAD_EXPRESSWAY; }

static const char *const *name_values(rule_id id)
{
    return id == R_SPEEDING_DEFAULT_ROAD ? road_names : dialect_names;
}

/* Rule ids events carry that are not numbers of their own: the limit
 * comes from the registry. */
static const struct {
    const char *id, *basis;
} fixed_rules[] = {
    {RULE_ID_OVERLIMIT_MAX_GROSS, "令62号 art. 3; 交公路发〔2016〕124号 annex: the licence total mass when lower"},
    {RULE_ID_OVERLOAD_RATED_LOAD, "道交法 art. 92: payload over the rated load (核定载质量)"},
    {RULE_ID_OVERLOAD_MAX_GROSS, "记分办法 2022: gross over the maximum permitted total mass (最大允许总质量)"},
    {RULE_ID_CAPACITY_SEATS, "道交法 art. 92; 记分办法 2022 art. 8, 10: passengers over the rated seats (核定载客)"},
};

const char *rule_basis(const char *id_text)
{
    if (!id_text)
        return NULL;
    const char *alarm = acode_basis(id_text);
    if (alarm)
        return alarm;
    for (int i = 0; i < R_COUNT; i++)
        if (strcmp(defs[i].id, id_text) == 0)
            return defs[i].basis;
    for (size_t i = 0; i < sizeof fixed_rules / sizeof fixed_rules[0]; i++)
        if (strcmp(fixed_rules[i].id, id_text) == 0)
            return fixed_rules[i].basis;
    if (strncmp(id_text, RULE_ID_ZONE_PREFIX, strlen(RULE_ID_ZONE_PREFIX)) == 0 && id_text[strlen(RULE_ID_ZONE_PREFIX)])
        return "a zone of --zones (ZONES.md): 道交法 art. 39, 44, 48; 危险化学品安全管理条例 arts. 49-50; "
               "记分办法 2022 art. 10 (hazmat in a restricted area), art. 12 (against a prohibition sign)";
    return NULL;
}

rule_id rule_speeding_for(vehicle_class c)
{
    static const rule_id m[CLASS_COUNT] = {
        [CLASS_COACH] = R_SPEEDING_COACH, [CLASS_CHARTER] = R_SPEEDING_CHARTER,
        [CLASS_HAZMAT] = R_SPEEDING_HAZMAT, [CLASS_MUCK] = R_SPEEDING_MUCK,
        [CLASS_HEAVY_TRUCK] = R_SPEEDING_HEAVY_TRUCK, [CLASS_TRUCK] = R_SPEEDING_TRUCK,
        [CLASS_OTHER] = R_SPEEDING_OTHER,
    };
    return c < CLASS_COUNT ? m[c] : R_SPEEDING_OTHER;
}

bool window_parse(const char *s, rl_window *w, bool *all_day)
{
    unsigned h1, m1, h2, m2;
    char sep[8];
    int n = 0;
    if (sscanf(s, " %2u:%2u %7[-~\xe2\x80\x93] %2u:%2u %n", &h1, &m1, sep, &h2, &m2, &n) != 5 || s[n] != 0)
        return false;
    if (h1 > 24 || h2 > 24 || m1 > 59 || m2 > 59 || (h1 == 24 && m1) || (h2 == 24 && m2))
        return false;
    w->start_s = (int32_t)((h1 % 24) * 3600 + m1 * 60);
    w->end_s = (int32_t)((h2 % 24) * 3600 + m2 * 60);
    if (all_day)
        *all_day = h1 == 0 && m1 == 0 && h2 == 24;
    return w->start_s != w->end_s || (all_day && *all_day);
}

static bool parse_window(const char *s, rl_window *w) { return window_parse(s, w, NULL); }

void rules_defaults(rl_rules *r)
{
    memset(r, 0, sizeof *r);
    for (int i = 0; i < R_COUNT; i++)
        r->v[i] = defs[i].def;
    parse_window(defs[R_NIGHT_WINDOW].wdef, &r->night);
    parse_window(defs[R_NIGHT_BAN_WINDOW].wdef, &r->night_ban);
}

bool rules_set(rl_rules *r, const char *id, const char *value, char *err, size_t errlen)
{
    int k = -1;
    for (int i = 0; i < R_COUNT; i++)
        if (strcmp(defs[i].id, id) == 0)
            k = i;
    if (k < 0) {
        snprintf(err, errlen, "unknown rule id '%s' (`roadlog rules` lists them all)", id);
        return false;
    }
    const rule_def *d = &defs[k];
    if (d->kind == K_WINDOW) {
        rl_window w;
        if (!parse_window(value, &w)) {
            snprintf(err, errlen, "%s: '%s' is not a time window like 22:00-06:00", id, value);
            return false;
        }
        if (k == R_NIGHT_WINDOW)
            r->night = w;
        else
            r->night_ban = w;
        r->set[k] = true;
        return true;
    }
    if (d->kind == K_NAME) {
        const char *const *names = name_values((rule_id)k);
        for (int i = 0; names[i]; i++)
            if (strcasecmp(names[i], value) == 0) {
                r->v[k] = i;
                r->set[k] = true;
                return true;
            }
        char list[128] = "";
        for (int i = 0; names[i]; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? " or " : "", names[i]);
        snprintf(err, errlen, "%s: '%s' is not one of %s", id, value, list);
        return false;
    }
    char *end;
    errno = 0;
    double v = strtod(value, &end);
    while (*end == ' ' || *end == '\t')
        end++;
    if (end == value || *end || errno || !isfinite(v)) {
        snprintf(err, errlen, "%s: '%s' is not a number", id, value);
        return false;
    }
    if (d->kind == K_INT && v != floor(v)) {
        snprintf(err, errlen, "%s: '%s' must be a whole number", id, value);
        return false;
    }
    if (v < d->min || v > d->max) {
        snprintf(err, errlen, "%s: %s is outside the allowed range %g..%g", id, value, d->min, d->max);
        return false;
    }
    r->v[k] = v;
    r->set[k] = true;
    return true;
}

bool rules_load(rl_rules *r, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open rules file: %s", path, strerror(errno));
        return false;
    }
    char line[1024];
    unsigned lineno = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        lineno++;
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            snprintf(err, errlen, "%s:%u: line too long", path, lineno);
            ok = false;
            break;
        }
        char *hash = strchr(line, '#');
        if (hash)
            *hash = 0;
        char *p = line;
        if (lineno == 1 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
            p += 3;
        while (*p == ' ' || *p == '\t')
            p++;
        char *e = p + strlen(p);
        while (e > p && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
            *--e = 0;
        if (!*p)
            continue;
        char *eq = strchr(p, '=');
        if (!eq) {
            snprintf(err, errlen, "%s:%u: expected 'id = value', got '%.60s'", path, lineno, p);
            ok = false;
            break;
        }
        char *ide = eq;
        while (ide > p && (ide[-1] == ' ' || ide[-1] == '\t'))
            ide--;
        *ide = 0;
        char *val = eq + 1;
        while (*val == ' ' || *val == '\t')
            val++;
        char why[300];
        if (!rules_set(r, p, val, why, sizeof why)) {
            snprintf(err, errlen, "%s:%u: %s", path, lineno, why);
            ok = false;
        }
    }
    if (ok && ferror(f)) {
        snprintf(err, errlen, "%s: read error", path);
        ok = false;
    }
    fclose(f);
    return ok;
}

static void fmt_window(rl_window w, char *out, size_t n)
{
    snprintf(out, n, "%02d:%02d-%02d:%02d", w.start_s / 3600, w.start_s / 60 % 60, w.end_s / 3600,
             w.end_s / 60 % 60);
}

void rules_format_value(const rl_rules *r, rule_id id, char *out, size_t n)
{
    if (id == R_NIGHT_WINDOW)
        fmt_window(r->night, out, n);
    else if (id == R_NIGHT_BAN_WINDOW)
        fmt_window(r->night_ban, out, n);
    else if (id < R_COUNT && defs[id].kind == K_NAME)
        snprintf(out, n, "%s", name_values(id)[(int)r->v[id]]);
    else
        snprintf(out, n, "%.10g", r->v[id]);
}

void rules_print(const rl_rules *r, FILE *out)
{
    fprintf(out, "# roadlog rules in force. A rules file (--rules FILE) uses this syntax:\n"
                 "# one 'id = value' per line; '#' starts a comment; ids not listed keep their default.\n");
    for (int i = 0; i < R_COUNT; i++) {
        const rule_def *d = &defs[i];
        if (d->section) {
            fputs("\n", out);
            const char *s = d->section;
            while (*s) {
                const char *nl = strchr(s, '\n');
                size_t l = nl ? (size_t)(nl - s) : strlen(s);
                fprintf(out, "# %.*s\n", (int)l, s);
                s += l + (nl != NULL);
            }
        }
        char val[64];
        rules_format_value(r, (rule_id)i, val, sizeof val);
        char def[64];
        if (d->kind == K_WINDOW)
            snprintf(def, sizeof def, "%s", d->wdef);
        else if (d->kind == K_NAME)
            snprintf(def, sizeof def, "%s", name_values((rule_id)i)[(int)d->def]);
        else
            snprintf(def, sizeof def, "%.10g", d->def);
        int w = fprintf(out, "%s = %s", d->id, val);
        fprintf(out, "%*s# %s", w < 40 ? 40 - w : 1, "", d->basis);
        if (r->set[i] && strcmp(val, def) != 0)
            fprintf(out, " (default %s)", def);
        fputs("\n", out);
    }
    fputs("\n# Severity tiers (points and fines, 记分办法 2022, 道交法 art. 90/92/99, 令62号 art. 43) are\n"
          "# fixed by law and printed in each event's severity column.\n",
          out);
}
