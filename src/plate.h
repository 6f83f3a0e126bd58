/*
 * plate.h - vehicle identity: plate normalisation and plate colours.
 *
 * A vehicle is plate + colour (FORMATS.md "Vehicles").  Plates arrive as
 * people and exporters type them: "粤b 12345", "粤Ｂ·12345", "粤B-12345";
 * all of these are 粤B12345.
 */
#ifndef RL_PLATE_H
#define RL_PLATE_H

#include <stdbool.h>
#include <stddef.h>

#define RL_PLATE_MAX 48 /* bytes of a normalised plate, NUL excluded */

/* Normalise a plate: trim, full-width ASCII to half-width, drop spaces,
 * '-', '·', '•', '・', upper-case Latin letters.  Writes at most
 * RL_PLATE_MAX bytes + NUL to out.  Returns NULL on success or a reason
 * (empty, too long, control characters). */
const char *plate_normalize(const char *s, size_t n, char out[RL_PLATE_MAX + 1], size_t *outlen);

/* Parse a plate colour: a code (0-5, 9) or a name (blue/蓝/蓝色, yellow/黄,
 * black/黑, white/白, green/绿, 渐变绿, 黄绿, other/其他, unknown/未知).
 * Empty means unknown (0).  Returns false when the text is no colour. */
bool plate_color_parse(const char *s, size_t n, int *color);

/* English name of a colour code ("yellow"), Chinese ("黄色"). */
const char *plate_color_name(int color);
const char *plate_color_name_zh(int color);

/* Length of the longest prefix of s (at most max bytes) that does not
 * end inside a UTF-8 sequence. */
size_t utf8_cut(const char *s, size_t n, size_t max);

/* Is this byte string valid UTF-8?  (Used to tell UTF-8 from GBK.) */
bool utf8_valid(const char *s, size_t n);

#endif
