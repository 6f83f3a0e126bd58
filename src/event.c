/*
 * event.c - event list, type names, ids and speeding severity.
 */
#include "event.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numparse.h"
#include "util.h"

static const char *const type_names[EV_TYPE_COUNT][2] = {
    [EV_SPEEDING] = {"speeding", "超速"},
    [EV_NIGHT_SPEEDING] = {"night_speeding", "夜间超速"},
    [EV_FATIGUE_CONTINUOUS] = {"fatigue_continuous", "连续疲劳驾驶"},
    [EV_FATIGUE_NIGHT] = {"fatigue_night", "夜间疲劳驾驶"},
    [EV_FATIGUE_DAILY] = {"fatigue_daily", "日累计驾驶超时"},
    [EV_NIGHT_BAN] = {"night_ban", "凌晨2-5时违规运行"},
    [EV_OVERLOAD] = {"overload", "超载"},
    [EV_OVER_LIMIT] = {"over_limit", "超限"},
    [EV_AXLE_OVERLOAD] = {"axle_overload", "轴载超限"},
    [EV_OVER_CAPACITY] = {"over_capacity", "超员"},
    [EV_POSITION_MISMATCH] = {"position_mismatch", "过磅位置不符"},
    [EV_GPS_GAP] = {"gps_gap", "疑似屏蔽/断电"},
    [EV_ZONE_RESTRICTED] = {"zone_restricted", "违规驶入限行区域"},
    [EV_ROUTE_DEVIATION] = {"route_deviation", "偏离核定路线"},
    [EV_TERMINAL_ALARM] = {"terminal_alarm", "终端报警"},
    [EV_ADAS_ALARM] = {"adas_alarm", "高级驾驶辅助报警"},
    [EV_DSM_ALARM] = {"dsm_alarm", "驾驶员状态监测报警"},
    [EV_TPMS_ALARM] = {"tpms_alarm", "胎压监测报警"},
    [EV_BSD_ALARM] = {"bsd_alarm", "盲区监测报警"},
    [EV_TERMINAL_SILENT] = {"terminal_silent", "终端未报警"},
};

const char *event_status_name(event_status s)
{
    static const char *const names[] = {"closed", "open", "withdrawn"};
    return (unsigned)s < 3 ? names[s] : "?";
}

const char *road_type_name(road_type r)
{
    static const char *const names[] = {"", "expressway", "urban_expressway", "other"};
    return (unsigned)r < 4 ? names[r] : "";
}

const char *event_type_name(event_type t) { return t < EV_TYPE_COUNT ? type_names[t][0] : "?"; }
const char *event_type_name_zh(event_type t) { return t < EV_TYPE_COUNT ? type_names[t][1] : "?"; }

bool event_type_parse(const char *s, event_type *t)
{
    for (int i = 0; i < EV_TYPE_COUNT; i++)
        if (strcmp(type_names[i][0], s) == 0) {
            *t = (event_type)i;
            return true;
        }
    return false;
}

void events_add(rl_events *l, const rl_event *e)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->e = xrealloc(l->e, l->cap * sizeof *l->e);
    }
    l->e[l->n++] = *e;
}

void event_over_fixes(rl_event *e, uint32_t vehicle, event_type t, const rl_fix *first, const rl_fix *last,
                      uint32_t n)
{
    memset(e, 0, sizeof *e);
    e->vehicle = vehicle;
    e->driver = fix_driver(first);
    e->type = t;
    e->start = first->time;
    e->end = last->time;
    e->have_pos = true;
    e->start_lat_e6 = first->lat_e6;
    e->start_lon_e6 = first->lon_e6;
    e->end_lat_e6 = last->lat_e6;
    e->end_lon_e6 = last->lon_e6;
    e->origin = first->origin;
    e->evidence_points = n;
}

void events_free(rl_events *l)
{
    free(l->e);
    memset(l, 0, sizeof *l);
}

double event_excess_pct(const rl_event *e)
{
    if (e->limit == 0)
        return 0;
    return (double)(e->value - e->limit) * 100.0 / (double)e->limit;
}

struct event_idgen {
    EVP_MD_CTX *ctx;
    EVP_MD *md;
};

event_idgen *event_idgen_new(void)
{
    event_idgen *g = xcalloc(1, sizeof *g);
    g->ctx = EVP_MD_CTX_new();
    g->md = EVP_MD_fetch(NULL, "SHA256", NULL);
    if (!g->ctx || !g->md) {
        fprintf(stderr, "roadlog: cannot initialise SHA-256\n");
        exit_now(3);
    }
    return g;
}

void event_idgen_free(event_idgen *g)
{
    if (!g)
        return;
    EVP_MD_CTX_free(g->ctx);
    EVP_MD_free(g->md);
    free(g);
}

void event_idgen_make(event_idgen *g, const char *plate, int color, event_type t, int64_t start, const char *rule,
                      char out[17])
{
    /* "plate|colour|type|start" without printf's format parsing.  The id
     * was first defined over a 160-byte snprintf, so a key longer than
     * 159 bytes (a plate of over a hundred bytes) is cut there. */
    enum { KEY_MAX = 159 };
    char key[KEY_MAX + 96];
    size_t n = strnlen(plate, KEY_MAX);
    memcpy(key, plate, n);
    key[n++] = '|';
    n += (size_t)num_format_fixed(key + n, color, 0);
    key[n++] = '|';
    const char *name = event_type_name(t);
    size_t name_len = strlen(name);
    memcpy(key + n, name, name_len);
    n += name_len;
    key[n++] = '|';
    n += (size_t)num_format_fixed(key + n, start, 0);
    if (rule && event_type_id_has_rule(t) && n < KEY_MAX) {
        key[n++] = '|';
        size_t rule_len = strnlen(rule, KEY_MAX - n);
        memcpy(key + n, rule, rule_len);
        n += rule_len;
    }
    if (n > KEY_MAX)
        n = KEY_MAX;
    /* EVP, the supported API.  OpenSSL 3.0 frees and allocates the
     * provider's context at every EVP_DigestInit_ex, about a third of an
     * id; the deprecated SHA256_Init/Update/Final would not. */
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestInit_ex(g->ctx, g->md, NULL);
    EVP_DigestUpdate(g->ctx, key, n);
    EVP_DigestFinal_ex(g->ctx, md, &len);
    static const char hx[] = "0123456789abcdef";
    for (int i = 0; i < 8; i++) {
        out[2 * i] = hx[md[i] >> 4];
        out[2 * i + 1] = hx[md[i] & 15];
    }
    out[16] = 0;
}

void event_make_id(const char *plate, int color, event_type t, int64_t start, const char *rule, char out[17])
{
    event_idgen *g = event_idgen_new();
    event_idgen_make(g, plate, color, t, start, rule, out);
    event_idgen_free(g);
}

void severity_speeding(vehicle_class c, int64_t value, int64_t limit, road_type road, char out[48])
{
    /* Group A: 中型以上载客载货汽车, 危险物品运输车辆 (记分办法 2022). */
    bool group_a = c == CLASS_COACH || c == CLASS_CHARTER || c == CLASS_HAZMAT || c == CLASS_HEAVY_TRUCK ||
                   c == CLASS_MUCK;
    /* Tiers on exact integers: excess x 100 against limit x pct. */
    int64_t over = value - limit;
    int tier = over * 100 >= limit * 50 ? 3 : over * 100 >= limit * 20 ? 2 : over * 100 >= limit * 10 ? 1 : 0;
    /* RULES.md §2: expressway rows (记分办法 2022 art. 8-10 on 高速公路、
     * 城市快速路), other-road rows (art. 10-12) */
    static const int pts[2][2][4] = {
        {{6, 6, 12, 12}, {0, 0, 6, 12}}, /* expressway: group A, group B */
        {{0, 1, 6, 9}, {0, 0, 3, 6}},    /* other road */
    };
    int p = pts[road == ROAD_OTHER][!group_a][tier];
    /* Fine: > 50 % is 道交法 art. 99 (200-2000 yuan); exactly 50 % stays
     * in art. 90 ("超过…百分之五十" is strict). */
    const char *fine = over * 100 > limit * 50 ? "200-2000 yuan" : "warning or 20-200 yuan";
    snprintf(out, 48, "%d pts; %s", p, fine);
}

int severity_points(const char *severity)
{
    char *end;
    long v = strtol(severity, &end, 10);
    return end != severity && strncmp(end, " pts", 4) == 0 ? (int)v : 0;
}
