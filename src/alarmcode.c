/*
 * alarmcode.c - code lists of terminal alarms (see alarmcode.h).
 *
 * Sources: JT/T 808-2013 table 24 (alarm word, JT808.md §3), JT/T
 * 1078-2016 tables 13-14 (video items), T/JSATL 12-2017 §4.4 and T/GDRTA
 * 002-2020 §5.4 (active safety, JT808.md §14), the TPMS alarm type bits
 * as yezhihao/jt808-server's AlarmTPMS reads T/JSATL 12-2017.  Chinese
 * labels of the DSM kinds are the ones the bureaux publish.
 */
#include "alarmcode.h"

#include <stddef.h>
#include <string.h>

#include "rules.h"

/* ---- the alarm word ---- */

static const struct {
    const char *name, *rule, *zh;
} bits[32] = {
    {"sos", "alarm.sos", "紧急报警"},
    {"overspeed", "alarm.overspeed", "超速报警"},
    {"fatigue", "alarm.fatigue", "疲劳驾驶报警"},
    {"danger", "alarm.danger", "危险预警"},
    {"gnss_fault", "alarm.gnss_fault", "GNSS模块故障"},
    {"gnss_antenna_open", "alarm.gnss_antenna_open", "GNSS天线未接或被剪断"},
    {"gnss_antenna_short", "alarm.gnss_antenna_short", "GNSS天线短路"},
    {"power_low", "alarm.power_low", "终端主电源欠压"},
    {"power_off", "alarm.power_off", "终端主电源掉电"},
    {"lcd_fault", "alarm.lcd_fault", "终端LCD或显示器故障"},
    {"tts_fault", "alarm.tts_fault", "TTS模块故障"},
    {"camera_fault", "alarm.camera_fault", "摄像头故障"},
    {"ic_card_fault", "alarm.ic_card_fault", "道路运输证IC卡模块故障"},
    {"overspeed_warning", "alarm.overspeed_warning", "超速预警"},
    {"fatigue_warning", "alarm.fatigue_warning", "疲劳驾驶预警"},
    {"violation_driving", "alarm.violation_driving", "违规行驶报警"},
    {"tyre_pressure_warning", "alarm.tyre_pressure_warning", "胎压预警"},
    {"blind_zone", "alarm.blind_zone", "右转盲区异常报警"},
    {"daily_driving", "alarm.daily_driving", "当天累计驾驶超时"},
    {"overtime_parking", "alarm.overtime_parking", "超时停车"},
    {"area", "alarm.area", "进出区域"},
    {"route", "alarm.route", "进出路线"},
    {"segment_time", "alarm.segment_time", "路段行驶时间不足/过长"},
    {"route_deviation", "alarm.route_deviation", "路线偏离报警"},
    {"vss_fault", "alarm.vss_fault", "车辆VSS故障"},
    {"fuel_abnormal", "alarm.fuel_abnormal", "车辆油量异常"},
    {"stolen", "alarm.stolen", "车辆被盗"},
    {"illegal_ignition", "alarm.illegal_ignition", "车辆非法点火"},
    {"illegal_displacement", "alarm.illegal_displacement", "车辆非法位移"},
    {"collision", "alarm.collision", "碰撞预警"},
    {"rollover", "alarm.rollover", "侧翻预警"},
    {"illegal_door", "alarm.illegal_door", "非法开门报警"},
};

const char *acode_bit_name(unsigned bit) { return bit < 32 ? bits[bit].name : "?"; }
const char *acode_bit_rule(unsigned bit) { return bit < 32 ? bits[bit].rule : "alarm.?"; }
const char *acode_bit_zh(unsigned bit) { return bit < 32 ? bits[bit].zh : "?"; }

/* ---- active safety ---- */

enum { BOTH, GDRTA_ONLY };

typedef struct {
    uint8_t code;
    uint8_t which;           /* BOTH or GDRTA_ONLY */
    bool alarm;              /* false: an event the terminal reports, not an alarm */
    const char *rule, *zh;
} as_code;

static const as_code adas_codes[] = {
    {0x01, BOTH, true, "adas.forward_collision", "前向碰撞报警"},
    {0x02, BOTH, true, "adas.lane_departure", "车道偏离报警"},
    {0x03, BOTH, true, "adas.headway", "车距过近报警"},
    {0x04, BOTH, true, "adas.pedestrian_collision", "行人碰撞报警"},
    {0x05, BOTH, true, "adas.frequent_lane_change", "频繁变道报警"},
    {0x06, BOTH, true, "adas.road_sign_exceeded", "道路标识超限报警"},
    {0x07, BOTH, true, "adas.obstacle", "障碍物报警"},
    {0x10, BOTH, false, "adas.sign_recognised", "道路标志识别事件"},
    {0x11, BOTH, false, "adas.snapshot", "主动抓拍事件"},
    {0x12, GDRTA_ONLY, true, "adas.solid_line_lane_change", "实线变道报警"},
    {0x13, GDRTA_ONLY, true, "adas.aisle_pedestrian", "车厢过道行人检测报警"},
};

static const as_code dsm_codes[] = {
    {0x01, BOTH, true, "dsm.fatigue", "生理疲劳"},
    {0x02, BOTH, true, "dsm.phone", "接打手持电话"},
    {0x03, BOTH, true, "dsm.smoking", "抽烟"},
    {0x04, BOTH, true, "dsm.distraction", "不目视前方"}, /* JSATL 分神驾驶; GDRTA and the bureaux: 不目视前方 */
    {0x05, BOTH, true, "dsm.driver_abnormal", "驾驶员异常"},
    {0x06, GDRTA_ONLY, true, "dsm.camera_blocked", "遮挡摄像头"},
    {0x08, GDRTA_ONLY, true, "dsm.overtime_driving", "超时驾驶"},
    {0x0A, GDRTA_ONLY, true, "dsm.no_seatbelt", "未系安全带"},
    {0x0B, GDRTA_ONLY, true, "dsm.ir_blocking", "红外阻断型墨镜"},
    {0x0C, GDRTA_ONLY, true, "dsm.hands_off_wheel", "双手脱离方向盘"},
    {0x0D, GDRTA_ONLY, true, "dsm.phone_play", "玩手机"},
    {0x10, BOTH, false, "dsm.snapshot", "自动抓拍事件"},
    {0x11, BOTH, false, "dsm.driver_change", "驾驶员变更事件"},
};

/* TPMS: bit numbers of a tyre's alarm type WORD. */
static const as_code tpms_codes[] = {
    {0, BOTH, false, "tpms.report", "胎压定时上报"},
    {1, BOTH, true, "tpms.pressure_high", "胎压过高"},
    {2, BOTH, true, "tpms.pressure_low", "胎压过低"},
    {3, BOTH, true, "tpms.temperature_high", "胎温过高"},
    {4, BOTH, true, "tpms.sensor_fault", "传感器异常"},
    {5, BOTH, true, "tpms.imbalance", "胎压不平衡"},
    {6, BOTH, true, "tpms.slow_leak", "慢漏气"},
    {7, BOTH, true, "tpms.battery_low", "电池电量低"},
};

static const as_code bsd_codes[] = {
    {0x01, BOTH, true, "bsd.rear", "后方接近报警"},
    {0x02, BOTH, true, "bsd.left_rear", "左侧后方接近报警"},
    {0x03, BOTH, true, "bsd.right_rear", "右侧后方接近报警"},
};

static const struct {
    const char *name;
    const as_code *codes;
    size_t n;
    const char *basis, *basis_gdrta, *basis_unknown;
} kinds[RL_AS_KINDS] = {
    [RL_AS_ADAS] = {"adas", adas_codes, sizeof adas_codes / sizeof adas_codes[0],
                    "T/JSATL 12-2017 §4.4, T/GDRTA 002-2020 §5.4: 0x64 ADAS alarm type",
                    "T/GDRTA 002-2020 §5.4: 0x64 ADAS alarm type (粤标 only)",
                    "0x64 ADAS alarm type that neither T/JSATL 12-2017 nor T/GDRTA 002-2020 names"},
    [RL_AS_DSM] = {"dsm", dsm_codes, sizeof dsm_codes / sizeof dsm_codes[0],
                   "T/JSATL 12-2017 §4.4, T/GDRTA 002-2020 §5.4: 0x65 DSM alarm type",
                   "T/GDRTA 002-2020 §5.4: 0x65 DSM alarm type (粤标 only)",
                   "0x65 DSM alarm type that neither T/JSATL 12-2017 nor T/GDRTA 002-2020 names"},
    [RL_AS_TPMS] = {"tpms", tpms_codes, sizeof tpms_codes / sizeof tpms_codes[0],
                    "T/JSATL 12-2017 §4.4, T/GDRTA 002-2020 §5.4: 0x66 TPMS tyre alarm type bit",
                    "T/GDRTA 002-2020 §5.4: 0x66 TPMS tyre alarm type bit",
                    "0x66 TPMS tyre alarm type bit reserved by T/JSATL 12-2017"},
    [RL_AS_BSD] = {"bsd", bsd_codes, sizeof bsd_codes / sizeof bsd_codes[0],
                   "T/JSATL 12-2017 §4.4, T/GDRTA 002-2020 §5.4: 0x67 BSD alarm type",
                   "T/GDRTA 002-2020 §5.4: 0x67 BSD alarm type",
                   "0x67 BSD alarm type that neither T/JSATL 12-2017 nor T/GDRTA 002-2020 names"},
};

/* "kind.code_0xNN" for every kind and byte, built by the preprocessor so
 * that an unknown code's rule id is a string that lives as long as the
 * program (events keep a pointer to it). */
#define HEX16(p, h)                                                                                                 \
    p h "0", p h "1", p h "2", p h "3", p h "4", p h "5", p h "6", p h "7", p h "8", p h "9", p h "a", p h "b",      \
        p h "c", p h "d", p h "e", p h "f"
#define HEX256(p)                                                                                                   \
    HEX16(p, "0"), HEX16(p, "1"), HEX16(p, "2"), HEX16(p, "3"), HEX16(p, "4"), HEX16(p, "5"), HEX16(p, "6"),        \
        HEX16(p, "7"), HEX16(p, "8"), HEX16(p, "9"), HEX16(p, "a"), HEX16(p, "b"), HEX16(p, "c"), HEX16(p, "d"),    \
        HEX16(p, "e"), HEX16(p, "f")
static const char *const unknown_rule[RL_AS_KINDS][256] = {
    {HEX256("adas.code_0x")},
    {HEX256("dsm.code_0x")},
    {HEX256("tpms.code_0x")},
    {HEX256("bsd.code_0x")},
};

const char *acode_kind_name(rl_as_kind k) { return k < RL_AS_KINDS ? kinds[k].name : "?"; }

static const as_code *find(rl_as_kind k, unsigned code, int dialect)
{
    if (k >= RL_AS_KINDS)
        return NULL;
    for (size_t i = 0; i < kinds[k].n; i++) {
        const as_code *c = &kinds[k].codes[i];
        if (c->code == code)
            return c->which == GDRTA_ONLY && dialect != RULE_DIALECT_GDRTA ? NULL : c;
    }
    return NULL;
}

const char *acode_rule(rl_as_kind k, unsigned code, int dialect)
{
    const as_code *c = find(k, code, dialect);
    if (c)
        return c->rule;
    return k < RL_AS_KINDS ? unknown_rule[k][code & 0xFF] : "?";
}

const char *acode_zh(rl_as_kind k, unsigned code, int dialect)
{
    const as_code *c = find(k, code, dialect);
    return c ? c->zh : NULL;
}

bool acode_is_alarm(rl_as_kind k, unsigned code, int dialect)
{
    const as_code *c = find(k, code, dialect);
    return !c || c->alarm;
}

/* ---- JT/T 1078 ---- */

const char *acode_video_bit(unsigned item, unsigned bit)
{
    /* table 14: video alarm flags; table 13 / 0x18: abnormal driving */
    static const char *const video[7] = {"video.signal_loss", "video.occlusion", "video.storage_fault",
                                         "video.other_fault", "video.passenger_overload", "video.abnormal_driving",
                                         "video.storage_threshold"};
    static const char *const driving[3] = {"video.fatigue", "video.phone", "video.smoking"};
    if (item == 0x14 && bit < 7)
        return video[bit];
    if (item == 0x18 && bit < 3)
        return driving[bit];
    return NULL;
}

/* ---- by rule id ---- */

const char *acode_basis(const char *rule)
{
    if (!rule)
        return NULL;
    if (strncmp(rule, "alarm.", 6) == 0) {
        for (unsigned b = 0; b < 32; b++)
            if (strcmp(bits[b].rule, rule) == 0) {
                if (ACODE_HELD_BITS >> b & 1)
                    return "JT/T 808-2013 table 24: alarm bit held while the condition lasts (one event per run of "
                           "positions)";
                if (ACODE_ACK_BITS >> b & 1)
                    return "JT/T 808-2013 table 24: alarm bit cleared by the platform's ack (one event per rising "
                           "edge)";
                return "JT/T 808-2013 table 24: alarm bit";
            }
        return NULL;
    }
    for (int k = 0; k < RL_AS_KINDS; k++) {
        size_t n = strlen(kinds[k].name);
        if (strncmp(rule, kinds[k].name, n) != 0 || rule[n] != '.')
            continue;
        for (size_t i = 0; i < kinds[k].n; i++)
            if (strcmp(kinds[k].codes[i].rule, rule) == 0)
                return kinds[k].codes[i].which == GDRTA_ONLY ? kinds[k].basis_gdrta : kinds[k].basis;
        for (int c = 0; c < 256; c++)
            if (strcmp(unknown_rule[k][c], rule) == 0)
                return kinds[k].basis_unknown;
        return NULL;
    }
    return NULL;
}

const char *acode_label_zh(const char *rule)
{
    if (!rule)
        return NULL;
    for (unsigned b = 0; b < 32; b++)
        if (strcmp(bits[b].rule, rule) == 0)
            return bits[b].zh;
    for (int k = 0; k < RL_AS_KINDS; k++)
        for (size_t i = 0; i < kinds[k].n; i++)
            if (strcmp(kinds[k].codes[i].rule, rule) == 0)
                return kinds[k].codes[i].zh;
    return NULL;
}

const char *const acode_published_dsm[ACODE_PUBLISHED_DSM] = {"dsm.fatigue", "dsm.phone", "dsm.smoking",
                                                              "dsm.no_seatbelt", "dsm.distraction"};
