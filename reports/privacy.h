/*
 * privacy.h - driver identities as the outputs show them (issue 17).
 *
 * A driver id shaped like a resident identity card number (身份证号,
 * GB 11643: 18 characters, 17 digits and a digit or X) is masked to its
 * first 6 and last 4 characters ("440301********4417") in every output
 * unless --show-ids; other ids (qualification certificate codes, names)
 * are shown as given.  Masking happens when writing, never on input:
 * fatigue follows each driver by the full id.
 */
#ifndef RL_PRIVACY_H
#define RL_PRIVACY_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

static inline bool id_is_citizen_id(const char *s, size_t n)
{
    if (n != 18)
        return false;
    for (size_t i = 0; i < 17; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return (s[17] >= '0' && s[17] <= '9') || s[17] == 'X' || s[17] == 'x';
}

/* The text of a driver id as written: `id` itself, or `buf` holding it
 * masked.  `buf` needs 19 bytes. */
static inline const char *driver_shown(const char *id, bool show_ids, char buf[19])
{
    if (!id || show_ids)
        return id ? id : "";
    size_t n = strlen(id);
    if (!id_is_citizen_id(id, n))
        return id;
    memcpy(buf, id, 6);
    memset(buf + 6, '*', 8);
    memcpy(buf + 14, id + 14, 4);
    buf[18] = 0;
    return buf;
}

#endif
