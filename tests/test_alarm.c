/*
 * test_alarm.c - what the terminal itself reported (RULES.md §8,
 * JT808.md §14): the code lists, terminal_alarm from the alarm word,
 * the active-safety items paired by start and end, terminal_silent, the
 * cross-check, order invariance, pairs across 0x0704 batches and across
 * a state carried from one run to the next.
 */
#include "harness.h"

#include "alarmcode.h"
#include "detect.h"
#include "jt808.h"
#include "xcheck.h"

/* ------------------------------------------------------------------ */
/* Positions with an alarm word and items.                             */

typedef struct tctx {
    harness h;
    rl_safety saf[128];      /* items of held positions live until fed */
    int nsaf;
    int64_t last_t;
} tctx;

static tctx *t_new(void)
{
    tctx *c = calloc(1, sizeof *c);
    h_init(&c->h);
    h_register(&c->h, "粤B10001", 2, CLASS_TRUCK);
    c->last_t = INT64_MIN;
    return c;
}

static void t_free(tctx *c)
{
    h_free(&c->h);
    free(c);
}

static rl_safety *t_saf(tctx *c)
{
    assert_true(c->nsaf < 128);
    rl_safety *s = &c->saf[c->nsaf++];
    memset(s, 0, sizeof *s);
    return s;
}

/* An item of kind k on s, at its own time t. */
static rl_as_item *t_item(rl_safety *s, rl_as_kind k, uint32_t id, int flag, int type, int level, int64_t t)
{
    assert_true(s->nitems < RL_AS_MAX_ITEMS);
    rl_as_item *it = &s->items[s->nitems++];
    memset(it, 0, sizeof *it);
    it->kind = (uint8_t)k;
    it->alarm_id = id;
    it->flag = (uint8_t)flag;
    it->type = (uint8_t)type;
    it->level = (uint8_t)level;
    it->time = t;
    it->lat_e6 = 22500000;
    it->lon_e6 = 113900000;
    return it;
}

static void t_tyre(rl_as_item *it, int pos, uint16_t alarm)
{
    it->tyres[it->ntyres].position = (uint8_t)pos;
    it->tyres[it->ntyres++].alarm = alarm;
}

/* One position of 粤B10001 (unless plate given) at t, moving east at kmh
 * since the last one; `word` < 0: no alarm column at all. */
static void t_pos_of(tctx *c, const char *plate, int64_t t, double kmh, int64_t word, const rl_safety *s, bool fixed)
{
    harness *h = &c->h;
    if (c->last_t != INT64_MIN && t > c->last_t)
        h->lon += kmh * (double)(t - c->last_t) / 3600.0 / (111.32 * cos(h->lat * M_PI / 180));
    c->last_t = t;
    rl_position p;
    memset(&p, 0, sizeof p);
    p.origin = RL_ORIGIN(0, ++h->line);
    p.time = t;
    p.lat_e6 = (int32_t)llround(h->lat * 1e6);
    p.lon_e6 = (int32_t)llround(h->lon * 1e6);
    p.speed_mkmh = (int32_t)llround(kmh * 1000);
    p.plate = plate;
    p.plate_len = strlen(plate);
    p.color = 2;
    p.have = RL_HAVE_STATUS;
    p.status = fixed ? 3 : 1;
    if (word >= 0) {
        p.have |= RL_HAVE_ALARM;
        p.alarm = (uint32_t)word;
    }
    p.safety = s;
    h_put(h, &p);
}

static void t_pos(tctx *c, int64_t t, double kmh, int64_t word, const rl_safety *s)
{
    t_pos_of(c, "粤B10001", t, kmh, word, s, true);
}

/* The k-th event of a type and rule. */
static const rl_event *t_ev(const tctx *c, event_type type, const char *rule, size_t k)
{
    const rl_events *l = &c->h.run.events;
    for (size_t i = 0; i < l->n; i++)
        if (l->e[i].type == type && (!rule || (l->e[i].rule && !strcmp(l->e[i].rule, rule))) && k-- == 0)
            return &l->e[i];
    fail_msg("no %s %s", event_type_name(type), rule ? rule : "");
    return NULL;
}

static size_t t_count(const tctx *c, event_type type, const char *rule)
{
    size_t n = 0;
    const rl_events *l = &c->h.run.events;
    for (size_t i = 0; i < l->n; i++)
        n += l->e[i].type == type && (!rule || (l->e[i].rule && !strcmp(l->e[i].rule, rule)));
    return n;
}

static uint64_t t_counter(const tctx *c, const char *name) { return counters_get(&c->h.run.counters, name); }

#define BIT(n) (1u << (n))

/* ------------------------------------------------------------------ */
/* The code lists (alarmcode.h): every code of both dialects.          */

static void test_codes(void **st)
{
    (void)st;
    /* the alarm word: 32 distinct rules, held and ack bits as JT808.md §14 */
    for (unsigned b = 0; b < 32; b++) {
        assert_int_equal(strncmp(acode_bit_rule(b), "alarm.", 6), 0);
        assert_string_equal(acode_bit_rule(b) + 6, acode_bit_name(b));
        assert_true(strlen(acode_bit_zh(b)) > 0);
        assert_string_equal(acode_label_zh(acode_bit_rule(b)), acode_bit_zh(b));
        for (unsigned c = 0; c < b; c++)
            assert_string_not_equal(acode_bit_rule(b), acode_bit_rule(c));
    }
    static const unsigned held[] = {1, 2, 13, 14, 18, 19, 23, 29, 30}, ack[] = {0, 3, 20, 21, 22, 27, 28};
    uint32_t h = 0, a = 0;
    for (size_t i = 0; i < sizeof held / sizeof held[0]; i++)
        h |= BIT(held[i]);
    for (size_t i = 0; i < sizeof ack / sizeof ack[0]; i++)
        a |= BIT(ack[i]);
    assert_int_equal(ACODE_HELD_BITS, h);
    assert_int_equal(ACODE_ACK_BITS, a);
    assert_int_equal(__builtin_popcount(ACODE_EVENT_BITS), ALARM_EVENT_BITS_N);
    assert_string_equal(acode_bit_rule(1), "alarm.overspeed");
    assert_string_equal(acode_bit_rule(29), "alarm.collision");

    /* active safety: code, GDRTA only, alarm, rule, label */
    static const struct {
        rl_as_kind k;
        unsigned code;
        bool gdrta_only, alarm;
        const char *rule, *zh;
    } codes[] = {
        {RL_AS_ADAS, 0x01, false, true, "adas.forward_collision", "前向碰撞报警"},
        {RL_AS_ADAS, 0x02, false, true, "adas.lane_departure", "车道偏离报警"},
        {RL_AS_ADAS, 0x03, false, true, "adas.headway", "车距过近报警"},
        {RL_AS_ADAS, 0x04, false, true, "adas.pedestrian_collision", "行人碰撞报警"},
        {RL_AS_ADAS, 0x05, false, true, "adas.frequent_lane_change", "频繁变道报警"},
        {RL_AS_ADAS, 0x06, false, true, "adas.road_sign_exceeded", "道路标识超限报警"},
        {RL_AS_ADAS, 0x07, false, true, "adas.obstacle", "障碍物报警"},
        {RL_AS_ADAS, 0x10, false, false, "adas.sign_recognised", "道路标志识别事件"},
        {RL_AS_ADAS, 0x11, false, false, "adas.snapshot", "主动抓拍事件"},
        {RL_AS_ADAS, 0x12, true, true, "adas.solid_line_lane_change", "实线变道报警"},
        {RL_AS_ADAS, 0x13, true, true, "adas.aisle_pedestrian", "车厢过道行人检测报警"},
        {RL_AS_DSM, 0x01, false, true, "dsm.fatigue", "生理疲劳"},
        {RL_AS_DSM, 0x02, false, true, "dsm.phone", "接打手持电话"},
        {RL_AS_DSM, 0x03, false, true, "dsm.smoking", "抽烟"},
        {RL_AS_DSM, 0x04, false, true, "dsm.distraction", "不目视前方"},
        {RL_AS_DSM, 0x05, false, true, "dsm.driver_abnormal", "驾驶员异常"},
        {RL_AS_DSM, 0x06, true, true, "dsm.camera_blocked", "遮挡摄像头"},
        {RL_AS_DSM, 0x08, true, true, "dsm.overtime_driving", "超时驾驶"},
        {RL_AS_DSM, 0x0A, true, true, "dsm.no_seatbelt", "未系安全带"},
        {RL_AS_DSM, 0x0B, true, true, "dsm.ir_blocking", "红外阻断型墨镜"},
        {RL_AS_DSM, 0x0C, true, true, "dsm.hands_off_wheel", "双手脱离方向盘"},
        {RL_AS_DSM, 0x0D, true, true, "dsm.phone_play", "玩手机"},
        {RL_AS_DSM, 0x10, false, false, "dsm.snapshot", "自动抓拍事件"},
        {RL_AS_DSM, 0x11, false, false, "dsm.driver_change", "驾驶员变更事件"},
        {RL_AS_TPMS, 0, false, false, "tpms.report", "胎压定时上报"},
        {RL_AS_TPMS, 1, false, true, "tpms.pressure_high", "胎压过高"},
        {RL_AS_TPMS, 2, false, true, "tpms.pressure_low", "胎压过低"},
        {RL_AS_TPMS, 3, false, true, "tpms.temperature_high", "胎温过高"},
        {RL_AS_TPMS, 4, false, true, "tpms.sensor_fault", "传感器异常"},
        {RL_AS_TPMS, 5, false, true, "tpms.imbalance", "胎压不平衡"},
        {RL_AS_TPMS, 6, false, true, "tpms.slow_leak", "慢漏气"},
        {RL_AS_TPMS, 7, false, true, "tpms.battery_low", "电池电量低"},
        {RL_AS_BSD, 0x01, false, true, "bsd.rear", "后方接近报警"},
        {RL_AS_BSD, 0x02, false, true, "bsd.left_rear", "左侧后方接近报警"},
        {RL_AS_BSD, 0x03, false, true, "bsd.right_rear", "右侧后方接近报警"},
    };
    size_t listed[RL_AS_KINDS] = {0};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        for (int d = 0; d < 2; d++) {
            bool known = !codes[i].gdrta_only || d == RULE_DIALECT_GDRTA;
            char unknown[32];
            snprintf(unknown, sizeof unknown, "%s.code_0x%02x", acode_kind_name(codes[i].k), codes[i].code);
            assert_string_equal(acode_rule(codes[i].k, codes[i].code, d), known ? codes[i].rule : unknown);
            if (known) {
                assert_string_equal(acode_zh(codes[i].k, codes[i].code, d), codes[i].zh);
                assert_int_equal(acode_is_alarm(codes[i].k, codes[i].code, d), codes[i].alarm);
            } else {
                assert_null(acode_zh(codes[i].k, codes[i].code, d));
                assert_true(acode_is_alarm(codes[i].k, codes[i].code, d)); /* unknown: an alarm, counted */
            }
        }
        assert_string_equal(acode_label_zh(codes[i].rule), codes[i].zh);
        assert_non_null(acode_basis(codes[i].rule));
        listed[codes[i].k]++;
    }
    /* nothing in the lists that this table does not have */
    for (int k = 0; k < RL_AS_KINDS; k++) {
        size_t known = 0;
        for (unsigned code = 0; code < 256; code++)
            known += acode_zh((rl_as_kind)k, code, RULE_DIALECT_GDRTA) != NULL;
        assert_int_equal(known, listed[k]);
    }
    /* unknown codes keep their number, in every kind */
    assert_string_equal(acode_rule(RL_AS_DSM, 0x21, RULE_DIALECT_JSATL), "dsm.code_0x21");
    assert_string_equal(acode_rule(RL_AS_ADAS, 0x00, RULE_DIALECT_GDRTA), "adas.code_0x00");
    assert_string_equal(acode_rule(RL_AS_TPMS, 15, RULE_DIALECT_JSATL), "tpms.code_0x0f");
    assert_string_equal(acode_rule(RL_AS_BSD, 0xff, RULE_DIALECT_JSATL), "bsd.code_0xff");
    assert_non_null(acode_basis("bsd.code_0xff"));
    assert_null(acode_label_zh("bsd.code_0xff"));
    /* the DSM kinds the bureaux publish */
    static const char *const published_zh[] = {"生理疲劳", "接打手持电话", "抽烟", "未系安全带", "不目视前方"};
    for (int i = 0; i < ACODE_PUBLISHED_DSM; i++)
        assert_string_equal(acode_label_zh(acode_published_dsm[i]), published_zh[i]);
    /* JT/T 1078 */
    assert_string_equal(acode_video_bit(0x14, 0), "video.signal_loss");
    assert_string_equal(acode_video_bit(0x18, 2), "video.smoking");
    assert_null(acode_video_bit(0x18, 3));
    assert_null(acode_video_bit(0x15, 0));
}

/* ------------------------------------------------------------------ */
/* terminal_alarm from the alarm word.                                 */

static void test_word_runs(void **st)
{
    (void)st;
    tctx *c = t_new();
    int64_t t0 = T("2026-11-02 10:00:00");
    for (int k = 0; k < 20; k++) {
        uint32_t w = 0;
        if (k >= 2 && k <= 6)
            w |= BIT(1); /* overspeed held at 5 positions */
        if (k == 3 || k == 4 || k == 9)
            w |= BIT(0); /* SOS: rising edges at 3 and 9 */
        if (k == 3)
            w |= BIT(20); /* area at the same position as an SOS */
        if (k >= 12)
            w |= BIT(19) | BIT(8); /* overtime parking to the end; power off is no event bit */
        t_pos(c, t0 + 30 * k, k < 12 ? 60 : 0, w, NULL);
    }
    h_finish(&c->h);
    const rl_event *e = t_ev(c, EV_TERMINAL_ALARM, "alarm.overspeed", 0);
    assert_int_equal(e->start, t0 + 60);
    assert_int_equal(e->end, t0 + 180);
    assert_int_equal(e->value, 5);
    assert_int_equal(e->evidence_points, 5);
    assert_string_equal(e->severity, "review");
    assert_int_equal(e->status, EV_STATUS_CLOSED);
    assert_true(e->have_pos);
    assert_int_equal(t_count(c, EV_TERMINAL_ALARM, "alarm.sos"), 2);
    e = t_ev(c, EV_TERMINAL_ALARM, "alarm.sos", 0);
    assert_int_equal(e->start, t0 + 90);
    assert_int_equal(e->end, t0 + 90); /* the rising edge */
    assert_int_equal(e->value, 2);     /* positions until the ack cleared it */
    const rl_event *area = t_ev(c, EV_TERMINAL_ALARM, "alarm.area", 0);
    assert_int_equal(area->start, e->start);
    assert_string_not_equal(area->id, e->id); /* one moment, two rules, two events */
    e = t_ev(c, EV_TERMINAL_ALARM, "alarm.sos", 1);
    assert_int_equal(e->start, t0 + 270);
    assert_int_equal(e->value, 1);
    e = t_ev(c, EV_TERMINAL_ALARM, "alarm.overtime_parking", 0);
    assert_int_equal(e->start, t0 + 360);
    assert_int_equal(e->end, t0 + 570);
    assert_int_equal(e->value, 8);
    assert_int_equal(e->status, EV_STATUS_OPEN); /* still set when the data ends */
    assert_int_equal(t_count(c, EV_TERMINAL_ALARM, NULL), 5);
    t_free(c);
}

/* An invalid fix keeps the run going (the alarm word needs no GNSS fix);
 * a dropped duplicate's bits do not count; coordinates are left out when
 * an end of the run is not a valid fix. */
static void test_word_invalid_and_duplicates(void **st)
{
    (void)st;
    tctx *c = t_new();
    int64_t t0 = T("2026-11-02 10:00:00");
    t_pos(c, t0, 60, 0, NULL);
    t_pos(c, t0 + 30, 60, BIT(29), NULL);
    t_pos_of(c, "粤B10001", t0 + 60, 60, BIT(29), NULL, false); /* not positioned */
    t_pos(c, t0 + 90, 60, BIT(29), NULL);
    t_pos(c, t0 + 120, 60, 0, NULL);
    /* the same second twice: the valid copy (without the bit) is kept */
    t_pos_of(c, "粤B10001", t0 + 150, 60, BIT(0), NULL, false);
    t_pos(c, t0 + 150, 60, 0, NULL);
    t_pos(c, t0 + 180, 60, BIT(2), NULL);
    t_pos_of(c, "粤B10001", t0 + 210, 60, BIT(2), NULL, false);
    t_pos(c, t0 + 240, 60, 0, NULL);
    h_finish(&c->h);
    const rl_event *e = t_ev(c, EV_TERMINAL_ALARM, "alarm.collision", 0);
    assert_int_equal(e->start, t0 + 30);
    assert_int_equal(e->end, t0 + 90);
    assert_int_equal(e->value, 3);
    assert_true(e->have_pos);
    assert_int_equal(t_count(c, EV_TERMINAL_ALARM, "alarm.sos"), 0);
    e = t_ev(c, EV_TERMINAL_ALARM, "alarm.fatigue", 0);
    assert_int_equal(e->value, 2);
    assert_false(e->have_pos); /* it ends at a fix without a position */
    t_free(c);
}

/* ------------------------------------------------------------------ */
/* Active-safety items.                                                */

static void test_items(void **st)
{
    (void)st;
    for (int dialect = 0; dialect < 2; dialect++) {
        tctx *c = t_new();
        if (dialect) {
            char err[128];
            assert_true(rules_set(&c->h.run.rules, "jt808.dialect", "gdrta", err, sizeof err));
        }
        int64_t t0 = T("2026-11-02 09:00:00");
        rl_safety *s;
        for (int k = 0; k <= 240; k++) {
            int64_t t = t0 + 30 * k;
            s = NULL;
            switch (k) {
            case 1: /* DSM fatigue start; its end two positions on */
                s = t_saf(c);
                t_item(s, RL_AS_DSM, 1, 1, 0x01, 1, t - 2)->fatigue = 7;
                break;
            case 3:
                s = t_saf(c);
                t_item(s, RL_AS_DSM, 1, 2, 0x01, 1, t - 1)->fatigue = 7;
                break;
            case 4: /* a point alarm, and the same item again on the next position */
            case 5:
                s = t_saf(c);
                t_item(s, RL_AS_DSM, 2, 0, 0x02, 2, t0 + 4 * 30);
                break;
            case 6: /* a GDRTA-only code, an unknown one, a snapshot (no alarm) */
                s = t_saf(c);
                t_item(s, RL_AS_DSM, 3, 0, 0x0A, 2, t);
                t_item(s, RL_AS_DSM, 4, 0, 0x21, 1, t);
                t_item(s, RL_AS_DSM, 5, 0, 0x10, 1, t);
                t_item(s, RL_AS_ADAS, 6, 0, 0x10, 1, t);
                break;
            case 7: /* TPMS: two tyres low, one hot; then its end; then a periodic report */
                s = t_saf(c);
                {
                    rl_as_item *it = t_item(s, RL_AS_TPMS, 7, 1, 0, 0, t);
                    t_tyre(it, 0, BIT(2));
                    t_tyre(it, 1, BIT(2) | BIT(0));
                    t_tyre(it, 5, BIT(3));
                }
                break;
            case 9:
                s = t_saf(c);
                t_item(s, RL_AS_TPMS, 7, 2, 0, 0, t); /* no tyres: it only ends */
                {
                    rl_as_item *it = t_item(s, RL_AS_TPMS, 8, 0, 0, 0, t);
                    t_tyre(it, 0, BIT(0));
                }
                break;
            case 10: /* an end whose start is not in the data; a BSD point alarm */
                s = t_saf(c);
                t_item(s, RL_AS_ADAS, 9, 2, 0x03, 1, t);
                t_item(s, RL_AS_BSD, 10, 0, 0x01, 0, t);
                break;
            case 11: /* a start never ended, and a start restarted */
                s = t_saf(c);
                t_item(s, RL_AS_ADAS, 11, 1, 0x02, 2, t);
                t_item(s, RL_AS_ADAS, 12, 1, 0x01, 1, t);
                break;
            case 12:
                s = t_saf(c);
                t_item(s, RL_AS_ADAS, 12, 1, 0x01, 2, t);
                break;
            case 238: /* started near the end of the data: open */
                s = t_saf(c);
                t_item(s, RL_AS_DSM, 13, 1, 0x03, 1, t);
                break;
            }
            t_pos(c, t, 60, 0, s);
        }
        h_finish(&c->h);
        const rl_event *e = t_ev(c, EV_DSM_ALARM, "dsm.fatigue", 0);
        assert_int_equal(e->start, t0 + 28);
        assert_int_equal(e->end, t0 + 89);
        assert_int_equal(e->value, 7); /* the fatigue degree */
        assert_int_equal(e->evidence_points, 2);
        assert_int_equal(e->status, EV_STATUS_CLOSED);
        assert_int_equal(t_count(c, EV_DSM_ALARM, "dsm.phone"), 1);
        e = t_ev(c, EV_DSM_ALARM, "dsm.phone", 0);
        assert_int_equal(e->start, t0 + 120);
        assert_int_equal(e->end, t0 + 120);
        assert_int_equal(e->value, 2);
        assert_int_equal(t_count(c, EV_DSM_ALARM, dialect ? "dsm.no_seatbelt" : "dsm.code_0x0a"), 1);
        assert_int_equal(t_count(c, EV_DSM_ALARM, "dsm.code_0x21"), 1);
        assert_int_equal(t_count(c, EV_DSM_ALARM, "dsm.snapshot"), 0);
        assert_int_equal(t_count(c, EV_ADAS_ALARM, "adas.sign_recognised"), 0);
        assert_int_equal(t_counter(c, "alarm.items_not_alarms"), 3);
        e = t_ev(c, EV_TPMS_ALARM, "tpms.pressure_low", 0);
        assert_int_equal(e->value, 2);
        assert_int_equal(e->start, t0 + 210);
        assert_int_equal(e->end, t0 + 270);
        e = t_ev(c, EV_TPMS_ALARM, "tpms.temperature_high", 0);
        assert_int_equal(e->value, 1);
        assert_int_equal(e->end, t0 + 270);
        assert_int_equal(t_count(c, EV_TPMS_ALARM, NULL), 2);
        e = t_ev(c, EV_ADAS_ALARM, "adas.headway", 0);
        assert_int_equal(e->start, t0 + 300);
        assert_int_equal(e->end, t0 + 300);
        e = t_ev(c, EV_BSD_ALARM, "bsd.rear", 0);
        assert_int_equal(e->value, 0);
        /* never ended, and over an hour of data after: at its own time */
        e = t_ev(c, EV_ADAS_ALARM, "adas.lane_departure", 0);
        assert_int_equal(e->start, t0 + 330);
        assert_int_equal(e->end, t0 + 330);
        assert_int_equal(e->status, EV_STATUS_CLOSED);
        /* restarted: the first ends at its own time, the second runs on */
        assert_int_equal(t_count(c, EV_ADAS_ALARM, "adas.forward_collision"), 2);
        assert_int_equal(t_ev(c, EV_ADAS_ALARM, "adas.forward_collision", 0)->end, t0 + 330);
        assert_int_equal(t_ev(c, EV_ADAS_ALARM, "adas.forward_collision", 1)->start, t0 + 360);
        assert_int_equal(t_ev(c, EV_ADAS_ALARM, "adas.forward_collision", 1)->value, 2);
        e = t_ev(c, EV_DSM_ALARM, "dsm.smoking", 0);
        assert_int_equal(e->start, t0 + 238 * 30);
        assert_int_equal(e->status, EV_STATUS_OPEN);
        t_free(c);
    }
}

/* alarm.pair_max_s: exactly that long still waits; a second more ends it. */
static void test_pair_window(void **st)
{
    (void)st;
    for (int extra = 0; extra < 2; extra++) {
        tctx *c = t_new();
        int64_t t0 = T("2026-11-02 09:00:00");
        rl_safety *s = t_saf(c);
        t_item(s, RL_AS_DSM, 1, 1, 0x02, 1, t0);
        t_pos(c, t0, 0, 0, s);
        t_pos(c, t0 + 3600 + extra, 0, 0, NULL);
        h_finish(&c->h);
        const rl_event *e = t_ev(c, EV_DSM_ALARM, "dsm.phone", 0);
        assert_int_equal(e->start, t0);
        assert_int_equal(e->end, t0);
        assert_int_equal(e->status, extra ? EV_STATUS_CLOSED : EV_STATUS_OPEN);
        t_free(c);
    }
}

/* More starts waiting than ALARM_OPEN_MAX: the oldest ends, counted. */
static void test_open_overflow(void **st)
{
    (void)st;
    tctx *c = t_new();
    int64_t t0 = T("2026-11-02 09:00:00");
    for (int k = 0; k < ALARM_OPEN_MAX + 1; k++) {
        rl_safety *s = t_saf(c);
        t_item(s, RL_AS_DSM, (uint32_t)(100 + k), 1, 0x03, 1, t0 + 30 * k);
        t_pos(c, t0 + 30 * k, 40, 0, s);
    }
    h_finish(&c->h);
    assert_int_equal(t_count(c, EV_DSM_ALARM, "dsm.smoking"), ALARM_OPEN_MAX + 1);
    assert_int_equal(t_ev(c, EV_DSM_ALARM, "dsm.smoking", 0)->status, EV_STATUS_CLOSED);
    assert_int_equal(t_ev(c, EV_DSM_ALARM, "dsm.smoking", 1)->status, EV_STATUS_OPEN);
    assert_int_equal(t_counter(c, "alarm.open_overflow"), 1);
    t_free(c);
}

/* ------------------------------------------------------------------ */
/* Results do not depend on the input's order.                          */

static void feed_mixed(tctx *c)
{
    int64_t t0 = T("2026-11-02 09:00:00");
    for (int k = 0; k < 120; k++) {
        int64_t t = t0 + 30 * k;
        uint32_t w = (k >= 10 && k < 20 ? BIT(1) : 0) | (k == 30 || k == 31 ? BIT(3) : 0) | (k >= 100 ? BIT(2) : 0);
        rl_safety *s = NULL;
        if (k % 13 == 1) {
            s = t_saf(c);
            t_item(s, RL_AS_DSM, (uint32_t)k, 1, 0x01 + k % 3, 1, t - 1);
            t_item(s, RL_AS_ADAS, (uint32_t)k, 0, 0x01, 2, t);
        }
        if (k % 13 == 4) {
            s = t_saf(c);
            t_item(s, RL_AS_DSM, (uint32_t)(k - 3), 2, 0x01 + (k - 3) % 3, 1, t);
        }
        t_pos(c, t, k < 60 ? 95 : 30, w, s);
        if (k == 40)
            t_pos(c, t, 95, BIT(0), s); /* the same second again */
    }
}

static void test_order_invariance(void **st)
{
    (void)st;
    tctx *a = t_new();
    feed_mixed(a);
    h_finish(&a->h);
    assert_true(a->h.run.events.n > 10);
    for (uint64_t seed = 1; seed <= 3; seed++) {
        tctx *b = t_new();
        b->h.hold = true;
        feed_mixed(b);
        h_feed_shuffled(&b->h, seed);
        h_finish(&b->h);
        assert_int_equal(a->h.run.events.n, b->h.run.events.n);
        for (size_t i = 0; i < a->h.run.events.n; i++) {
            const rl_event *x = &a->h.run.events.e[i], *y = &b->h.run.events.e[i];
            assert_string_equal(x->id, y->id);
            assert_int_equal(x->end, y->end);
            assert_int_equal(x->value, y->value);
            assert_int_equal(x->status, y->status);
        }
        t_free(b);
    }
    t_free(a);
}

/* ------------------------------------------------------------------ */
/* terminal_silent and the cross-check.                                */

/* n speeding episodes of 90 s at 110 km/h (truck limit 100), the
 * overspeed bit on the first `alarmed` of them. */
static void speed_episodes(tctx *c, int n, int alarmed, int64_t word)
{
    int64_t t = T("2026-11-02 08:00:00");
    for (int e = 0; e < n; e++) {
        for (int k = 0; k < 10; k++, t += 30)
            t_pos(c, t, 60, word < 0 ? -1 : 0, NULL);
        for (int k = 0; k < 4; k++, t += 30)
            t_pos(c, t, 110, word < 0 ? -1 : e < alarmed ? (int64_t)BIT(1) : 0, NULL);
    }
    for (int k = 0; k < 10; k++, t += 30)
        t_pos(c, t, 60, word < 0 ? -1 : 0, NULL);
}

static void test_terminal_silent(void **st)
{
    (void)st;
    static const struct {
        int episodes, alarmed;
        int64_t word;   /* -1: no alarm column */
        const char *min;
        int silent;
    } cases[] = {
        {3, 0, 0, NULL, 1},   /* three, never an alarm: silent */
        {2, 0, 0, NULL, 0},   /* two: below alarm.silent_min_events */
        {2, 0, 0, "2", 1},    /* unless the rule says 2 */
        {3, 1, 0, NULL, 0},   /* one alarm: the terminal is not silent */
        {3, 0, -1, NULL, 0},  /* an export without the alarm column says nothing */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tctx *c = t_new();
        if (cases[i].min) {
            char err[128];
            assert_true(rules_set(&c->h.run.rules, "alarm.silent_min_events", cases[i].min, err, sizeof err));
        }
        speed_episodes(c, cases[i].episodes, cases[i].alarmed, cases[i].word);
        h_finish(&c->h);
        assert_int_equal(t_count(c, EV_SPEEDING, NULL), (size_t)cases[i].episodes);
        assert_int_equal(t_count(c, EV_TERMINAL_SILENT, NULL), (size_t)cases[i].silent);
        if (cases[i].silent) {
            const rl_event *e = t_ev(c, EV_TERMINAL_SILENT, NULL, 0);
            assert_int_equal(e->start, t_ev(c, EV_SPEEDING, NULL, 0)->start);
            assert_int_equal(e->end, t_ev(c, EV_SPEEDING, NULL, (size_t)cases[i].episodes - 1)->end);
            assert_int_equal(e->value, cases[i].episodes);
            assert_int_equal(e->limit, cases[i].min ? 2 : 3);
            assert_string_equal(e->rule, "alarm.silent_min_events");
            assert_string_equal(e->severity, "review");
        }
        const rl_vstats *vs = &c->h.run.vstats[t_ev(c, EV_SPEEDING, NULL, 0)->vehicle];
        assert_int_equal(vs->xc.speeding, cases[i].episodes);
        assert_int_equal(vs->xc.speeding_alarmed, cases[i].alarmed);
        assert_int_equal(vs->xc.overspeed_alarms, cases[i].alarmed);
        assert_int_equal(vs->xc.overspeed_confirmed, cases[i].alarmed);
        t_free(c);
    }
}

/* With the alarm detector off: no alarm event, no terminal_silent. */
static void test_detector_off(void **st)
{
    (void)st;
    tctx *c = t_new();
    c->h.run.opt.detect = DET_ALL & ~DET_ALARM;
    speed_episodes(c, 3, 0, 0);
    t_pos(c, T("2026-11-02 10:00:00"), 0, BIT(0), NULL);
    h_finish(&c->h);
    assert_int_equal(t_count(c, EV_SPEEDING, NULL), 3);
    assert_int_equal(t_count(c, EV_TERMINAL_SILENT, NULL), 0);
    assert_int_equal(t_count(c, EV_TERMINAL_ALARM, NULL), 0);
    t_free(c);
}

static void test_xcheck_count(void **st)
{
    (void)st;
    xc_span v[] = {
        {1000, 2000, XC_SPEEDING},        /* overlapped */
        {3000, 4000, XC_SPEEDING},        /* touched at its end */
        {5000, 6000, XC_SPEEDING},        /* alone */
        {1500, 1600, XC_OVERSPEED_ALARM}, /* inside the first */
        {4000, 4500, XC_OVERSPEED_ALARM}, /* starts where the second ends */
        {7000, 7100, XC_OVERSPEED_ALARM}, /* no speeding: the terminal's limit is lower */
        {10, 20000, XC_FATIGUE},
        {15000, 15000, XC_FATIGUE_ALARM},
        {25000, 26000, XC_FATIGUE_ALARM},
        {0, 0, XC_NONE},
    };
    alarm_xcheck x;
    xcheck_count(v, sizeof v / sizeof v[0], &x);
    assert_int_equal(x.speeding, 3);
    assert_int_equal(x.speeding_alarmed, 2);
    assert_int_equal(x.overspeed_alarms, 3);
    assert_int_equal(x.overspeed_confirmed, 2);
    assert_int_equal(x.fatigue, 1);
    assert_int_equal(x.fatigue_alarmed, 1);
    assert_int_equal(x.fatigue_alarms, 2);
    assert_int_equal(x.fatigue_confirmed, 1);
    alarm_xcheck sum = x;
    xcheck_add(&sum, &x);
    assert_int_equal(sum.overspeed_alarms, 6);
    /* which events count as what */
    assert_int_equal(xcheck_kind(EV_NIGHT_SPEEDING, "speeding.coach"), XC_SPEEDING);
    assert_int_equal(xcheck_kind(EV_TERMINAL_ALARM, "alarm.overspeed"), XC_OVERSPEED_ALARM);
    assert_int_equal(xcheck_kind(EV_TERMINAL_ALARM, "alarm.overspeed_warning"), XC_NONE);
    assert_int_equal(xcheck_kind(EV_TERMINAL_ALARM, "alarm.fatigue"), XC_FATIGUE_ALARM);
    assert_int_equal(xcheck_kind(EV_DSM_ALARM, "dsm.fatigue"), XC_FATIGUE_ALARM);
    assert_int_equal(xcheck_kind(EV_DSM_ALARM, "dsm.phone"), XC_NONE);
    assert_int_equal(xcheck_kind(EV_FATIGUE_CONTINUOUS, "fatigue.continuous_max_s"), XC_FATIGUE);
    assert_int_equal(xcheck_kind(EV_FATIGUE_DAILY, "fatigue.daily_max_s"), XC_NONE);
}

/* fatigue_continuous against the fatigue bit and DSM fatigue, through
 * the whole analysis (vehicles.csv's columns). */
static void test_xcheck_fatigue(void **st)
{
    (void)st;
    tctx *c = t_new();
    int64_t t0 = T("2026-11-02 06:00:00");
    for (int k = 0; k <= 4 * 120 + 20; k++) { /* 4 h 10 min at 60 km/h */
        int64_t t = t0 + 30 * k;
        rl_safety *s = NULL;
        if (k == 490) {
            s = t_saf(c);
            t_item(s, RL_AS_DSM, 1, 0, 0x01, 1, t)->fatigue = 6;
        }
        t_pos(c, t, 60, k >= 480 ? BIT(2) : 0, s);
    }
    /* a DSM fatigue alarm the next morning, with no long stint */
    rl_safety *s = t_saf(c);
    t_item(s, RL_AS_DSM, 2, 0, 0x01, 2, t0 + 86400);
    t_pos(c, t0 + 86400, 0, 0, s);
    h_finish(&c->h);
    assert_int_equal(t_count(c, EV_FATIGUE_CONTINUOUS, NULL), 1);
    const rl_vstats *vs = &c->h.run.vstats[t_ev(c, EV_FATIGUE_CONTINUOUS, NULL, 0)->vehicle];
    assert_int_equal(vs->xc.fatigue, 1);
    assert_int_equal(vs->xc.fatigue_alarmed, 1);
    assert_int_equal(vs->xc.fatigue_alarms, 3);
    assert_int_equal(vs->xc.fatigue_confirmed, 2);
    t_free(c);
}

/* ------------------------------------------------------------------ */
/* A start and its end in two 0x0704 batches, through the decoder.      */

typedef struct buf {
    uint8_t b[8192];
    size_t n;
} buf;

static void b1(buf *e, unsigned v) { e->b[e->n++] = (uint8_t)v; }
static void b2(buf *e, unsigned v) { b1(e, v >> 8); b1(e, v & 255); }
static void b4(buf *e, uint32_t v) { b2(e, v >> 16); b2(e, v & 0xFFFF); }
static void bbcd(buf *e, const char *d)
{
    for (size_t i = 0; d[i] && d[i + 1]; i += 2)
        b1(e, (unsigned)((d[i] - '0') << 4 | (d[i + 1] - '0')));
}

static void jframe(buf *out, unsigned id, unsigned serial, const buf *body)
{
    buf f = {.n = 0};
    b2(&f, id);
    b2(&f, (unsigned)body->n);
    bbcd(&f, "013912345678");
    b2(&f, serial);
    memcpy(f.b + f.n, body->b, body->n);
    f.n += body->n;
    uint8_t x = 0;
    for (size_t i = 0; i < f.n; i++)
        x ^= f.b[i];
    b1(&f, x);
    b1(out, 0x7e);
    for (size_t i = 0; i < f.n; i++) {
        if (f.b[i] == 0x7e || f.b[i] == 0x7d) {
            b1(out, 0x7d);
            b1(out, f.b[i] == 0x7e ? 2 : 1);
        } else {
            b1(out, f.b[i]);
        }
    }
    b1(out, 0x7e);
}

/* A location block at `time` (YYMMDDhhmmss) with a JSATL DSM item. */
static void jloc(buf *e, const char *time, uint32_t alarm, uint32_t id, unsigned flag, const char *item_time)
{
    b4(e, alarm);
    b4(e, 3);
    b4(e, 22500000);
    b4(e, 113900000);
    b2(e, 10);
    b2(e, 600);
    b2(e, 90);
    bbcd(e, time);
    if (!item_time)
        return;
    b1(e, 0x65);
    b1(e, 47);
    b4(e, id);
    b1(e, flag);
    b1(e, 0x02); /* phone call */
    b1(e, 2);
    b1(e, 0);
    b4(e, 0);
    b1(e, 60);
    b2(e, 10);
    b4(e, 22500000);
    b4(e, 113900000);
    bbcd(e, item_time);
    b2(e, 1);
    for (int i = 0; i < 7; i++)
        b1(e, '1');
    bbcd(e, item_time);
    b1(e, 0);
    b1(e, 1);
    b1(e, 0);
}

static void batch(buf *out, unsigned serial, unsigned type, buf *const *locs, int n)
{
    buf body = {.n = 0};
    b2(&body, (unsigned)n);
    b1(&body, type);
    for (int i = 0; i < n; i++) {
        b2(&body, (unsigned)locs[i]->n);
        memcpy(body.b + body.n, locs[i]->b, locs[i]->n);
        body.n += locs[i]->n;
    }
    jframe(out, 0x0704, serial, &body);
}

static void test_pairs_across_batches(void **st)
{
    (void)st;
    tctx *c = t_new();
    static buf l[6], out;
    memset(l, 0, sizeof l);
    out.n = 0;
    jloc(&l[0], "261102100000", 0, 0, 0, NULL);
    jloc(&l[1], "261102100030", BIT(1), 501, 1, "261102100029"); /* the start, and overspeed */
    jloc(&l[2], "261102100100", BIT(1), 0, 0, NULL);
    jloc(&l[3], "261102100130", 0, 501, 2, "261102100128"); /* its end, in the next batch */
    jloc(&l[4], "261102100200", 0, 0, 0, NULL);
    jloc(&l[5], "261102100030", BIT(1), 501, 1, "261102100029"); /* the start again, blind-area */
    buf *first[] = {&l[0], &l[1], &l[2]}, *second[] = {&l[3], &l[4]}, *again[] = {&l[5]};
    batch(&out, 1, 0, first, 3);
    batch(&out, 2, 0, second, 2);
    batch(&out, 3, 1, again, 1);
    jt808_session *s = jt808_session_new();
    jt808_dec *d = jt808_new(s, &c->h.sink, 0, RL_LOC_OFFSET);
    for (size_t i = 0; i < out.n; i += 61) /* frames split across reads too */
        assert_true(jt808_feed(d, out.b + i, out.n - i < 61 ? out.n - i : 61, i));
    assert_true(jt808_finish(d));
    jt808_free(d);
    jt808_session_free(s);
    h_finish(&c->h);
    assert_int_equal(t_count(c, EV_DSM_ALARM, NULL), 1);
    const rl_event *e = t_ev(c, EV_DSM_ALARM, "dsm.phone", 0);
    assert_int_equal(e->start, T("2026-11-02 10:00:29"));
    assert_int_equal(e->end, T("2026-11-02 10:01:28"));
    assert_int_equal(e->value, 2);
    assert_int_equal(e->status, EV_STATUS_CLOSED);
    e = t_ev(c, EV_TERMINAL_ALARM, "alarm.overspeed", 0);
    assert_int_equal(e->start, T("2026-11-02 10:00:30"));
    assert_int_equal(e->end, T("2026-11-02 10:01:00"));
    assert_int_equal(e->value, 2); /* the repeated position is a duplicate */
    t_free(c);
}

/* ------------------------------------------------------------------ */
/* The state carried over (--resume): two runs give the one run's events
 * once each run's later version of an event replaces its earlier one. */

typedef struct dpos {
    int64_t t;
    uint32_t word;
    rl_safety s;
    bool has_s;
} dpos;

/* The position of p[i] as a parser gives it. */
static rl_position dpos_position(const dpos *p, size_t i)
{
    rl_position q;
    memset(&q, 0, sizeof q);
    q.origin = RL_ORIGIN(0, i + 2);
    q.time = p[i].t;
    q.lat_e6 = 22500000;
    q.lon_e6 = 113900000;
    q.have = RL_HAVE_ALARM;
    q.alarm = p[i].word;
    q.safety = p[i].has_s ? &p[i].s : NULL;
    return q;
}

/* Positions [a, b) into v's alarm store. */
static void dstore(rl_run *run, rl_vehicle *v, const dpos *p, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++) {
        rl_position q = dpos_position(p, i);
        rl_fix f;
        memset(&f, 0, sizeof f);
        alarm_store(run, v, &q, &f);
    }
}

typedef struct carry_recs {
    alarm_rec r[64];
    size_t n;
} carry_recs;

static void keep_rec(void *ud, const alarm_rec *r)
{
    carry_recs *c = ud;
    assert_true(c->n < 64);
    c->r[c->n++] = *r;
}

/* Points [a, b) of v through the detector with state s, events to out.
 * With snap: the state at checkpoint cp (the items before it paired) is
 * copied there, and the records from cp on to carry. */
static void dpass(rl_run *run, rl_vehicle *v, uint32_t vidx, alarm_vstate *s, const dpos *p, size_t a, size_t b,
                  int64_t cp, alarm_vstate *snap, carry_recs *carry, rl_events *out)
{
    vctx cx;
    memset(&cx, 0, sizeof cx);
    cx.r = &run->rules;
    cx.v = v;
    cx.vidx = vidx;
    cx.events = out;
    cx.counters = &run->counters;
    alarm_feed fd;
    alarm_feed_open(&fd, v);
    bool taken = false;
    for (size_t i = a; i < b; i++) {
        if (snap && !taken && p[i].t >= cp) {
            alarm_items_until(s, &fd, &cx, cp - 1);
            *snap = *s;
            taken = true;
        }
        rl_position q = dpos_position(p, i);
        rl_fix f;
        memset(&f, 0, sizeof f);
        f.time = q.time;
        f.lat_e6 = q.lat_e6;
        f.lon_e6 = q.lon_e6;
        f.origin = q.origin;
        if (q.alarm & ACODE_EVENT_BITS)
            f.driver_flags |= FIX_ALARM;
        alarm_point(s, &fd, &cx, &f);
    }
    alarm_vehicle_end(s, &fd, &cx);
    if (carry)
        alarm_each(&fd, cp, keep_rec, carry);
    alarm_feed_close(&fd);
}

static bool same_event(const rl_event *x, const rl_event *y)
{
    return x->type == y->type && x->start == y->start && !strcmp(x->rule, y->rule);
}

/* The latest version of each event (type, rule, start), in order. */
static void latest(rl_events *l)
{
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++) {
        bool later = false;
        for (size_t j = i + 1; j < l->n; j++)
            later |= same_event(&l->e[i], &l->e[j]);
        if (!later)
            l->e[k++] = l->e[i];
    }
    l->n = k;
}

static void test_resume_state(void **st)
{
    (void)st;
    int64_t t0 = T("2026-11-02 09:00:00");
    static dpos p[200];
    memset(p, 0, sizeof p);
    size_t n = 200;
    for (size_t i = 0; i < n; i++) {
        p[i].t = t0 + 30 * (int64_t)i;
        if (i >= 90 && i < 110)
            p[i].word |= BIT(1); /* a held run across the boundary at 100 */
        if (i == 99 || i == 100)
            p[i].word |= BIT(0); /* an ack bit set on both sides: one rising edge */
        if (i >= 190)
            p[i].word |= BIT(19); /* open at the very end */
    }
    /* a DSM start before the boundary and its end after it; a TPMS pair
     * likewise; a start that expires only in the second part */
    p[95].has_s = true;
    t_item(&p[95].s, RL_AS_DSM, 7, 1, 0x01, 1, p[95].t)->fatigue = 4;
    p[105].has_s = true;
    t_item(&p[105].s, RL_AS_DSM, 7, 2, 0x01, 1, p[105].t)->fatigue = 4;
    p[96].has_s = true;
    t_tyre(t_item(&p[96].s, RL_AS_TPMS, 8, 1, 0, 0, p[96].t), 3, BIT(6));
    p[101].has_s = true;
    t_item(&p[101].s, RL_AS_TPMS, 8, 2, 0, 0, p[101].t);
    p[60].has_s = true;
    t_item(&p[60].s, RL_AS_ADAS, 9, 1, 0x02, 2, p[60].t);

    rl_run run;
    run_init(&run);
    uint32_t plate = strtab_intern(run.str, "粤B10001", strlen("粤B10001"));
    rl_vehicle *v = vtable_get(run.vt, plate, 2, false);
    uint32_t vidx = (uint32_t)(v - vtable_at(run.vt, 0));
    /* one run */
    rl_events one = {0};
    alarm_vstate s;
    alarm_state_init(&s);
    dstore(&run, v, p, 0, n);
    dpass(&run, v, vidx, &s, p, 0, n, 0, NULL, NULL, &one);
    /* two runs, as --resume cuts them: the first sees positions up to 149
     * and leaves the state at a checkpoint (position 100) and the records
     * from there on; the second starts from that state with the carried
     * records and the new positions (150 on) */
    rl_events two = {0};
    alarm_vstate s1, cp_state;
    alarm_state_init(&s1);
    static carry_recs carry;
    carry.n = 0;
    dstore(&run, v, p, 0, 150);
    dpass(&run, v, vidx, &s1, p, 0, 150, p[100].t, &cp_state, &carry, &two);
    size_t first_part = two.n;
    size_t open_first = 0;
    for (size_t i = 0; i < two.n; i++)
        open_first += two.e[i].status == EV_STATUS_OPEN;
    assert_true(open_first >= 1);
    assert_true(carry.n > 0);
    for (size_t i = 0; i < carry.n; i++)
        alarm_put(v, &carry.r[i]);
    dstore(&run, v, p, 150, n);
    alarm_vstate s2;
    memcpy(&s2, &cp_state, sizeof s2); /* plain bytes */
    dpass(&run, v, vidx, &s2, p, 100, n, 0, NULL, NULL, &two);
    assert_true(two.n > first_part);
    latest(&two);
    assert_int_equal(one.n, two.n);
    for (size_t i = 0; i < one.n; i++) {
        const rl_event *x = &one.e[i];
        const rl_event *y = NULL;
        for (size_t j = 0; j < two.n; j++)
            if (same_event(x, &two.e[j]))
                y = &two.e[j];
        if (!y)
            fail_msg("%s %s at %lld only in the one run", event_type_name(x->type), x->rule, (long long)x->start);
        assert_int_equal(x->end, y->end);
        assert_int_equal(x->value, y->value);
        assert_int_equal(x->status, y->status);
        assert_int_equal(x->evidence_points, y->evidence_points);
    }
    /* what the one run says */
    size_t found = 0;
    for (size_t i = 0; i < one.n; i++) {
        const rl_event *e = &one.e[i];
        if (!strcmp(e->rule, "alarm.overspeed")) {
            assert_int_equal(e->start, p[90].t);
            assert_int_equal(e->end, p[109].t);
            assert_int_equal(e->value, 20);
            found++;
        } else if (!strcmp(e->rule, "alarm.sos")) {
            assert_int_equal(e->value, 2);
            found++;
        } else if (!strcmp(e->rule, "dsm.fatigue")) {
            assert_int_equal(e->end, p[105].t);
            assert_int_equal(e->value, 4);
            found++;
        } else if (!strcmp(e->rule, "tpms.slow_leak")) {
            assert_int_equal(e->end, p[101].t);
            found++;
        } else if (!strcmp(e->rule, "adas.lane_departure")) {
            assert_int_equal(e->end, e->start); /* never ended; expired in the second part */
            assert_int_equal(e->status, EV_STATUS_CLOSED);
            found++;
        } else if (!strcmp(e->rule, "alarm.overtime_parking")) {
            assert_int_equal(e->status, EV_STATUS_OPEN);
            found++;
        }
    }
    assert_int_equal(found, 6);
    events_free(&one);
    events_free(&two);
    run_free(&run);
}

/* ------------------------------------------------------------------ */
/* Nothing of an alarm in the fix: positions without one cost nothing.   */

static void test_no_cost_without_alarms(void **st)
{
    (void)st;
    assert_int_equal(sizeof(fix_rec), 28);
    tctx *c = t_new();
    int64_t t0 = T("2026-11-02 09:00:00");
    for (int k = 0; k < 50; k++)
        t_pos(c, t0 + 30 * k, 60, k == 10 ? BIT(5) : 0, NULL); /* antenna fault: no event bit */
    rl_vehicle *v = vtable_at(c->h.run.vt, 0);
    assert_int_equal(v->nalarm, 0);
    assert_null(v->ahead);
    assert_true(v->alarm_word);
    t_pos(c, t0 + 30 * 50, 60, BIT(1), NULL);
    assert_int_equal(v->nalarm, 1);
    h_finish(&c->h);
    assert_int_equal(t_count(c, EV_TERMINAL_ALARM, NULL), 1);
    t_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codes),
        cmocka_unit_test(test_word_runs),
        cmocka_unit_test(test_word_invalid_and_duplicates),
        cmocka_unit_test(test_items),
        cmocka_unit_test(test_pair_window),
        cmocka_unit_test(test_open_overflow),
        cmocka_unit_test(test_order_invariance),
        cmocka_unit_test(test_terminal_silent),
        cmocka_unit_test(test_detector_off),
        cmocka_unit_test(test_xcheck_count),
        cmocka_unit_test(test_xcheck_fatigue),
        cmocka_unit_test(test_pairs_across_batches),
        cmocka_unit_test(test_resume_state),
        cmocka_unit_test(test_no_cost_without_alarms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
