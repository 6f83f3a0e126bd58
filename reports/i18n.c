/*
 * i18n.c - the keyed table of labels (i18n.h) and the names of types,
 * classes, colours, road types and penalties in English and Chinese.
 */
#include "i18n.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *en, *zh;
} labels[L_COUNT] = {
#define I18N_ROW(id, en, zh) [id] = {en, zh},
    I18N_LABELS(I18N_ROW)
#undef I18N_ROW
};

const char *i18n_label(label_id id, bool zh)
{
    if (id >= L_COUNT)
        return "?";
    return zh ? labels[id].zh : labels[id].en;
}

bool report_lang_zh(const char *opt_lang)
{
    if (opt_lang)
        return strcmp(opt_lang, "zh") == 0;
    const char *vars[3] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (int i = 0; i < 3; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return strncasecmp(v, "zh", 2) == 0;
    }
    return false;
}

static const char *const type_en[EV_TYPE_COUNT] = {
    [EV_SPEEDING] = "Speeding",
    [EV_NIGHT_SPEEDING] = "Night speeding",
    [EV_FATIGUE_CONTINUOUS] = "Continuous driving",
    [EV_FATIGUE_NIGHT] = "Night continuous driving",
    [EV_FATIGUE_DAILY] = "Daily driving",
    [EV_NIGHT_BAN] = "Driving 02:00-05:00",
    [EV_OVERLOAD] = "Overload",
    [EV_OVER_LIMIT] = "Over the gross limit",
    [EV_AXLE_OVERLOAD] = "Axle overload",
    [EV_OVER_CAPACITY] = "Over capacity",
    [EV_POSITION_MISMATCH] = "Weighing away from GPS",
    [EV_GPS_GAP] = "Track gap",
    [EV_ZONE_RESTRICTED] = "In a restricted zone",
    [EV_ROUTE_DEVIATION] = "Off the approved route",
    [EV_TERMINAL_ALARM] = "Terminal alarm",
    [EV_ADAS_ALARM] = "ADAS alarm",
    [EV_DSM_ALARM] = "Driver monitoring alarm",
    [EV_TPMS_ALARM] = "Tyre pressure alarm",
    [EV_BSD_ALARM] = "Blind spot alarm",
    [EV_TERMINAL_SILENT] = "Terminal silent while speeding",
};

static const char *const class_en[CLASS_COUNT] = {
    [CLASS_COACH] = "coach", [CLASS_CHARTER] = "charter", [CLASS_HAZMAT] = "hazmat",
    [CLASS_MUCK] = "muck truck", [CLASS_HEAVY_TRUCK] = "heavy truck", [CLASS_TRUCK] = "truck",
    [CLASS_OTHER] = "other",
};

const char *report_type_label(event_type t, bool zh)
{
    if (t >= EV_TYPE_COUNT)
        return "?";
    return zh ? event_type_name_zh(t) : type_en[t];
}

const char *report_class_label(vehicle_class c, bool zh)
{
    if (c >= CLASS_COUNT)
        c = CLASS_OTHER;
    return zh ? class_name_zh(c) : class_en[c];
}

const char *report_color_label(int color, bool zh)
{
    switch (color) {
    case 1: return zh ? "蓝" : "blue";
    case 2: return zh ? "黄" : "yellow";
    case 3: return zh ? "黑" : "black";
    case 4: return zh ? "白" : "white";
    case 5: return zh ? "绿" : "green";
    case 9: return zh ? "其他" : "other";
    default: return zh ? "未知" : "unknown";
    }
}

const char *report_road_label(int road, bool zh)
{
    switch (road) {
    case ROAD_EXPRESSWAY: return zh ? "高速公路" : "expressway";
    case ROAD_URBAN_EXPRESSWAY: return zh ? "城市快速路" : "urban expressway";
    case ROAD_OTHER: return zh ? "其他道路" : "other road";
    default: return "";
    }
}

const char *report_unit(event_type t, bool zh)
{
    switch (t) {
    case EV_SPEEDING:
    case EV_NIGHT_SPEEDING: return "km/h";
    case EV_OVERLOAD:
    case EV_OVER_LIMIT:
    case EV_AXLE_OVERLOAD: return "kg";
    case EV_OVER_CAPACITY: return zh ? "人" : "persons";
    case EV_POSITION_MISMATCH: return "km";
    /* terminal alarms: positions with the bit, a level, a count of
     * events (RULES.md §8): no unit */
    case EV_TERMINAL_ALARM:
    case EV_ADAS_ALARM:
    case EV_DSM_ALARM:
    case EV_TPMS_ALARM:
    case EV_BSD_ALARM:
    case EV_TERMINAL_SILENT: return "";
    default: return zh ? "秒" : "s";
    }
}

static void put(char *out, size_t cap, size_t *k, const char *s, size_t n)
{
    if (*k + n >= cap)
        n = cap - 1 - *k;
    memcpy(out + *k, s, n);
    *k += n;
    out[*k] = 0;
}

/* One clause of a severity ("12 pts", "warning or 20-200 yuan",
 * "500 yuan", "licence may be revoked", "review") in Chinese. */
static void clause_zh(const char *s, size_t n, char *out, size_t cap, size_t *k)
{
    static const char pts[] = " pts", yuan[] = " yuan", wor[] = "warning or ";
    if (n > sizeof pts - 1 && memcmp(s + n - (sizeof pts - 1), pts, sizeof pts - 1) == 0) {
        put(out, cap, k, "记", strlen("记"));
        put(out, cap, k, s, n - (sizeof pts - 1));
        put(out, cap, k, "分", strlen("分"));
        return;
    }
    if (n > sizeof yuan - 1 && memcmp(s + n - (sizeof yuan - 1), yuan, sizeof yuan - 1) == 0) {
        size_t body = n - (sizeof yuan - 1);
        if (body > sizeof wor - 1 && memcmp(s, wor, sizeof wor - 1) == 0) {
            put(out, cap, k, "警告或", strlen("警告或"));
            s += sizeof wor - 1;
            body -= sizeof wor - 1;
        }
        put(out, cap, k, "罚款", strlen("罚款"));
        put(out, cap, k, s, body);
        put(out, cap, k, "元", strlen("元"));
        return;
    }
    static const struct {
        const char *en, *zh;
    } words[] = {{"warning", "警告"}, {"review", "待核查"}, {"licence may be revoked", "可吊销驾驶证"}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i].en) == n && memcmp(words[i].en, s, n) == 0) {
            put(out, cap, k, words[i].zh, strlen(words[i].zh));
            return;
        }
    put(out, cap, k, s, n);
}

void report_severity_text(const char *s, bool zh, char *out, size_t cap)
{
    if (cap == 0)
        return;
    out[0] = 0;
    if (!s)
        s = "";
    size_t k = 0;
    if (!zh) {
        put(out, cap, &k, s, strlen(s));
        return;
    }
    while (*s) {
        const char *semi = strstr(s, "; ");
        size_t n = semi ? (size_t)(semi - s) : strlen(s);
        clause_zh(s, n, out, cap, &k);
        if (!semi)
            break;
        put(out, cap, &k, "；", strlen("；"));
        s = semi + 2;
    }
}
