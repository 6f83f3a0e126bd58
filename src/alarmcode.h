/*
 * alarmcode.h - the names of what terminals report: the bits of the JT/T
 * 808 alarm word, the JT/T 1078 video items and the active-safety code
 * lists of both dialects (JT808.md §3, §14; RULES.md §8).
 *
 * One table per list, each entry with the rule id an event carries
 * (`alarm.overspeed`, `dsm.phone`), its Chinese label as the bureaux
 * publish it, and whether it is an alarm at all (a snapshot or a periodic
 * tyre report is not).  A code neither dialect names keeps its number:
 * `dsm.code_0x21`.  Every string returned lives for the whole program.
 */
#ifndef RL_ALARMCODE_H
#define RL_ALARMCODE_H

#include <stdbool.h>
#include <stdint.h>

#include "record.h"

/* Alarm-word bits that are held while the condition lasts: a run of
 * positions with the bit is one episode (JT808.md §14): 1 overspeed,
 * 2 fatigue, 13/14 pre-warnings, 18 daily driving, 19 overtime parking,
 * 23 route deviation, 29 collision, 30 rollover. */
#define ACODE_HELD_BITS                                                                                             \
    ((1u << 1) | (1u << 2) | (1u << 13) | (1u << 14) | (1u << 18) | (1u << 19) | (1u << 23) | (1u << 29) |        \
     (1u << 30))
/* Bits the platform's ack clears: one event at each rising edge: 0 SOS,
 * 3 danger, 20 area, 21 route, 22 segment time, 27 illegal ignition, 28
 * illegal displacement. */
#define ACODE_ACK_BITS ((1u << 0) | (1u << 3) | (1u << 20) | (1u << 21) | (1u << 22) | (1u << 27) | (1u << 28))
/* The bits terminal_alarm events come from; the others (module faults,
 * power, VSS, fuel, doors) are decoded but raise no event. */
#define ACODE_EVENT_BITS (ACODE_HELD_BITS | ACODE_ACK_BITS)

#define ACODE_BIT_OVERSPEED 1
#define ACODE_BIT_FATIGUE 2

/* Alarm word bit 0-31: name ("overspeed"), rule id ("alarm.overspeed"),
 * Chinese label ("超速报警"). */
const char *acode_bit_name(unsigned bit);
const char *acode_bit_rule(unsigned bit);
const char *acode_bit_zh(unsigned bit);

/* "adas", "dsm", "tpms", "bsd". */
const char *acode_kind_name(rl_as_kind k);

/* Active-safety codes: the ADAS, DSM and BSD alarm type BYTE; for TPMS
 * the bit number (0-15) of a tyre's alarm type WORD.  `dialect` is
 * RULE_DIALECT_* (a code only GDRTA names is unknown under JSATL). */
const char *acode_rule(rl_as_kind k, unsigned code, int dialect);  /* "dsm.phone", "dsm.code_0x21" */
const char *acode_zh(rl_as_kind k, unsigned code, int dialect);    /* "接打手持电话"; NULL when unknown */
/* False for the codes that report an event rather than an alarm (sign
 * recognised, snapshots, driver change, the periodic tyre report): they
 * are decoded and listed, not counted. */
bool acode_is_alarm(rl_as_kind k, unsigned code, int dialect);

/* JT/T 1078-2016 table 13/14: the name of bit `bit` of item 0x14 (video
 * alarm) or 0x18 (abnormal driving); NULL when reserved. */
const char *acode_video_bit(unsigned item, unsigned bit);

/* By rule id (any of the above): the standard behind it, and the
 * Chinese label; NULL when the id is not an alarm id. */
const char *acode_basis(const char *rule);
const char *acode_label_zh(const char *rule);

/* The DSM kinds the bureaux publish rates of (生理疲劳, 接打手持电话,
 * 抽烟, 未系安全带, 不目视前方), in that order. */
#define ACODE_PUBLISHED_DSM 5
extern const char *const acode_published_dsm[ACODE_PUBLISHED_DSM];

#endif
