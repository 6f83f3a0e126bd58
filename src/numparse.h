/*
 * numparse.h - numbers from text fields, into fixed-point integers.
 *
 * Coordinates become 1e-6 degrees, speeds 1e-3 km/h, masses kg: integers
 * from the field to the output, so that "100.0 km/h" is never above a
 * 100 km/h limit by a rounding accident.  Locale-independent.
 */
#ifndef RL_NUMPARSE_H
#define RL_NUMPARSE_H

#include <stddef.h>
#include <stdint.h>

/* Parse a decimal number (optional sign, digits, optional fraction; an
 * exponent such as Excel's 1.2E+05 is accepted) into value x 10^scale,
 * rounded half away from zero.  Returns NULL on success or a reason: empty,
 * not a number, NaN/infinity, too large. */
const char *num_fixed(const char *s, size_t n, int scale, int64_t *out);

/* A whole number (a count, seconds): "12", also Excel's "12.0"; a
 * fraction is refused ("not a whole number"), as is all num_fixed
 * refuses. */
const char *num_whole(const char *s, size_t n, int64_t *out);

/* A JT/T 808 word: decimal or 0x-hex, 0 .. 2^32-1. */
const char *num_word(const char *s, size_t n, uint32_t *out);

/* Write a fixed-point value with up to `scale` decimals, trailing zeros
 * dropped ("85.3", "120", "-0.5").  Returns the length written (< 32). */
int num_format_fixed(char out[32], int64_t v, int scale);

#endif
