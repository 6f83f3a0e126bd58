/*
 * csvhdr.c - header aliases and table classification (see csvhdr.h).
 */
#include "csvhdr.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "plate.h"
#include "util.h"

#define L(...) {__VA_ARGS__, NULL}
const char *const HDR_PLATE[] = L("plate", "plate_no", "vehicle", "车牌号", "车牌号码", "车牌");
const char *const HDR_PLATE_COLOR[] = L("plate_color", "color", "车牌颜色");
const char *const HDR_TIME[] = L("time", "gps_time", "timestamp", "定位时间", "GPS时间", "时间");
const char *const HDR_LON[] = L("lon", "lng", "longitude", "经度");
const char *const HDR_LAT[] = L("lat", "latitude", "纬度");
const char *const HDR_SPEED[] = L("speed", "gps_speed", "速度");
const char *const HDR_HEADING[] = L("heading", "direction", "course", "方向");
const char *const HDR_ALTITUDE[] = L("altitude", "alt", "elevation", "海拔", "高程");
const char *const HDR_STATUS[] = L("status", "状态");
const char *const HDR_ALARM[] = L("alarm", "alarm_flags", "报警", "报警标志");
const char *const HDR_MILEAGE[] = L("mileage", "odometer", "里程");
const char *const HDR_DRIVER[] = L("driver", "driver_id", "驾驶员", "从业资格证号");

const char *const HDR_W_TIME[] = L("time", "检测时间", "过磅时间");
const char *const HDR_STATION[] = L("station", "station_id", "站点", "检测站");
const char *const HDR_AXLES[] = L("axles", "axle_count", "轴数");
const char *const HDR_GROSS[] = L("gross_kg", "gross", "总重", "车货总重");
const char *const HDR_AXLE_KG[] = L("axle_kg", "axle_weights", "轴重");
const char *const HDR_W_SPEED[] = L("speed", "车速");
const char *const HDR_MODE[] = L("mode", "检测方式");
const char *const HDR_PASSENGERS[] = L("passengers", "载客人数", "乘员");

const char *const HDR_CLASS[] = L("class", "车辆类型", "类别");
const char *const HDR_COMPANY[] = L("company", "业户名称");
const char *const HDR_R_AXLES[] = L("axles", "轴数");
const char *const HDR_RATED_LOAD[] = L("rated_load_kg", "核定载质量");
const char *const HDR_CURB[] = L("curb_kg", "整备质量");
const char *const HDR_MAX_GROSS[] = L("max_gross_kg", "总质量", "最大允许总质量");
const char *const HDR_SEATS[] = L("seats", "核定载客");
const char *const HDR_PHONE[] = L("terminal_phone", "终端手机号");
const char *const HDR_SPEED_LIMIT[] = L("speed_limit_kmh", "限速");
const char *const HDR_NIGHT_EXEMPT[] = L("night_exempt", "夜间豁免");

/* Split "name(unit)" / "name（unit）" into the name and the unit. */
static void split_unit(const char *s, size_t n, size_t *name_len, const char **unit, size_t *unit_len)
{
    *unit = NULL;
    *unit_len = 0;
    *name_len = n;
    if (n >= 2 && s[n - 1] == ')') {
        const char *open = NULL;
        for (size_t i = n - 1; i-- > 0;)
            if (s[i] == '(') {
                open = s + i;
                break;
            }
        if (open) {
            *unit = open + 1;
            *unit_len = (size_t)(s + n - 1 - *unit);
            *name_len = (size_t)(open - s);
        }
    } else if (n >= 6 && memcmp(s + n - 3, "\xEF\xBC\x89", 3) == 0) { /* U+FF09 ） */
        for (size_t i = n - 3; i-- > 0;) {
            if (i + 3 <= n && memcmp(s + i, "\xEF\xBC\x88", 3) == 0) { /* U+FF08 （ */
                *unit = s + i + 3;
                *unit_len = n - 3 - (i + 3);
                *name_len = i;
                break;
            }
        }
    }
    while (*name_len > 0 && (s[*name_len - 1] == ' ' || s[*name_len - 1] == '\t'))
        (*name_len)--;
}

static hdr_unit unit_of(const char *u, size_t n)
{
    if (!u)
        return UNIT_NONE;
    trim_span(&u, &n);
    if ((n == 1 && (u[0] == 't' || u[0] == 'T')) || (n == 3 && memcmp(u, "吨", 3) == 0) ||
        (n == 6 && strncasecmp(u, "tonnes", 6) == 0) || (n == 4 && strncasecmp(u, "tons", 4) == 0) ||
        (n == 5 && strncasecmp(u, "tonne", 5) == 0))
        return UNIT_TONNES;
    if ((n == 2 && strncasecmp(u, "kg", 2) == 0) || (n == 6 && memcmp(u, "千克", 6) == 0) ||
        (n == 6 && memcmp(u, "公斤", 6) == 0))
        return UNIT_KG;
    return UNIT_OTHER;
}

int csvhdr_find(const csv_row *hdr, const char *const *aliases, hdr_unit *unit)
{
    for (size_t i = 0; i < hdr->n; i++) {
        const char *s = hdr->f[i];
        size_t n = hdr->len[i];
        trim_span(&s, &n);
        size_t name_len, ulen;
        const char *u;
        split_unit(s, n, &name_len, &u, &ulen);
        for (const char *const *a = aliases; *a; a++) {
            size_t al = strlen(*a);
            /* exact (case-insensitive) on the whole name, or on the name
             * without its unit suffix */
            if ((al == n && strncasecmp(*a, s, n) == 0) || (al == name_len && strncasecmp(*a, s, name_len) == 0)) {
                if (unit)
                    *unit = al == n ? UNIT_NONE : unit_of(u, ulen);
                return (int)i;
            }
        }
    }
    return -1;
}

table_kind csvhdr_classify(const csv_row *hdr)
{
    bool plate = csvhdr_find(hdr, HDR_PLATE, NULL) >= 0;
    if (plate && csvhdr_find(hdr, HDR_CLASS, NULL) >= 0 && csvhdr_find(hdr, HDR_TIME, NULL) < 0)
        return TABLE_REGISTRY;
    if (plate && csvhdr_find(hdr, HDR_AXLES, NULL) >= 0 && csvhdr_find(hdr, HDR_GROSS, NULL) >= 0)
        return TABLE_WEIGHBRIDGE;
    if (plate && csvhdr_find(hdr, HDR_TIME, NULL) >= 0 && csvhdr_find(hdr, HDR_LON, NULL) >= 0 &&
        csvhdr_find(hdr, HDR_LAT, NULL) >= 0 && csvhdr_find(hdr, HDR_SPEED, NULL) >= 0)
        return TABLE_GPS;
    return TABLE_UNKNOWN;
}

void csvhdr_missing(const csv_row *hdr, table_kind k, char *out, size_t n)
{
    static const struct {
        const char *name;
        const char *const *aliases;
        unsigned kinds; /* bit per table_kind */
    } req[] = {
        {"plate", HDR_PLATE, 1u << TABLE_GPS | 1u << TABLE_WEIGHBRIDGE | 1u << TABLE_REGISTRY},
        {"time", HDR_TIME, 1u << TABLE_GPS | 1u << TABLE_WEIGHBRIDGE},
        {"lon", HDR_LON, 1u << TABLE_GPS},
        {"lat", HDR_LAT, 1u << TABLE_GPS},
        {"speed", HDR_SPEED, 1u << TABLE_GPS},
        {"axles", HDR_AXLES, 1u << TABLE_WEIGHBRIDGE},
        {"gross_kg", HDR_GROSS, 1u << TABLE_WEIGHBRIDGE},
        {"class", HDR_CLASS, 1u << TABLE_REGISTRY},
    };
    out[0] = 0;
    size_t used = 0;
    for (size_t i = 0; i < sizeof req / sizeof req[0]; i++) {
        if (!(req[i].kinds & (1u << k)) || csvhdr_find(hdr, req[i].aliases, NULL) >= 0)
            continue;
        int w = snprintf(out + used, n - used, "%s%s", used ? ", " : "", req[i].name);
        if (w < 0 || (size_t)w >= n - used)
            break;
        used += (size_t)w;
    }
}

void csv_field_reason(char *out, size_t outlen, const char *prefix, const char *name, const char *s, size_t n,
                      const char *why)
{
    if (!s || n == 0) {
        snprintf(out, outlen, "%s%s is empty", prefix, name);
        return;
    }
    size_t k = utf8_cut(s, n, 40);
    char shown[41];
    for (size_t i = 0; i < k; i++)
        shown[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7F ? '?' : s[i];
    snprintf(out, outlen, "%s%s '%.*s%s': %s", prefix, name, (int)k, shown, k < n ? "..." : "", why);
}
