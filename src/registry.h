/*
 * registry.h - the vehicle registry (FORMATS.md §5): class, company,
 * masses, seats, terminal phone, speed-limit override, night exemption.
 *
 * Rows are joined to vehicles by plate + colour.  A colour of 0 (unknown)
 * matches when the plate is unique in the registry; a terminal phone maps
 * JT/T 808 positions to a plate.  Phones compare with leading zeros
 * stripped ("013800138000" is "13800138000").
 */
#ifndef RL_REGISTRY_H
#define RL_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "rules.h"
#include "strtab.h"
#include "u64map.h"

typedef struct reg_entry {
    uint32_t plate;         /* strtab id */
    int color;
    vehicle_class cls;
    uint32_t company;       /* strtab id, 0 = none */
    int axles;              /* 0 = not given */
    int64_t rated_load_kg;  /* -1 = not given */
    int64_t curb_kg;
    int64_t max_gross_kg;
    int seats;              /* -1 = not given */
    uint32_t phone;         /* strtab id of the phone without leading zeros */
    int32_t speed_limit_mkmh; /* 0 = none */
    bool night_exempt;
    rl_origin origin;
} reg_entry;

typedef struct rl_registry {
    reg_entry *e;
    size_t n, cap;
    u64map by_plate_color; /* (plate, colour) -> index */
    u64map by_plate;       /* plate -> index + (count > 1 ? 0x80000000 : 0) */
    u64map by_phone;       /* phone id -> index */
    size_t duplicates;     /* rows that repeated a plate + colour (last one wins) */
} rl_registry;

void registry_init(rl_registry *r);
void registry_free(rl_registry *r);
/* Add a row (the last row for a plate + colour wins). */
void registry_add(rl_registry *r, const reg_entry *e);
/* The row for plate + colour; colour 0 matches a plate unique in the
 * registry.  NULL when none. */
const reg_entry *registry_lookup(const rl_registry *r, uint32_t plate, int color);
/* How many colours the registry has for a plate: 0, 1 or 2 (meaning
 * two or more). */
int registry_plate_colors(const rl_registry *r, uint32_t plate);
/* The row whose terminal_phone is this (phone strtab id, leading zeros
 * stripped). */
const reg_entry *registry_by_phone(const rl_registry *r, uint32_t phone);

/* Strip leading zeros of a phone number (the empty result stays "0"). */
void phone_canon(const char *s, size_t n, const char **out, size_t *outlen);

#endif
