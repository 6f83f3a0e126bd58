/*
 * coordconv.h - the Chinese map datums: WGS-84, GCJ-02 and BD-09.
 *
 * Terminals report WGS-84 (JT/T 808 §8.12, GB/T 19056), but maps drawn on
 * AMap or Tencent are GCJ-02 (国测局 02, an obfuscation of WGS-84 that moves
 * points by a few hundred metres) and maps drawn on Baidu are BD-09 (GCJ-02
 * moved again).  A zone file drawn on such a map is converted to WGS-84
 * once, when it is loaded (ZONES.md "Coordinates"); fixes are never moved.
 *
 * The forward formulas are the public ones (Krasovsky 1940 ellipsoid,
 * a = 6378245 m, ee = 0.006693421622966; BD-09 from GCJ-02 with the
 * x_pi = 3000 pi / 180 rotation).  They have no closed inverse, so the
 * inverse iterates on the forward formula until the forward image of the
 * answer is within 1e-9 degrees (0.1 mm) of the point given, far inside
 * the 0.5 m ZONES.md asks.  Outside China's box (73.66-135.05 E,
 * 3.86-53.55 N) GCJ-02 is WGS-84 (no offset), as the formula's users do.
 */
#ifndef RL_COORDCONV_H
#define RL_COORDCONV_H

#include <stdbool.h>

typedef enum { CC_WGS84, CC_GCJ02, CC_BD09 } cc_datum;

/* "wgs84", "gcj02", "bd09" (case-insensitive; also "WGS-84", "GCJ-02",
 * "BD-09"); false when unknown. */
bool cc_datum_parse(const char *s, cc_datum *out);
const char *cc_datum_name(cc_datum d); /* "wgs84" */

/* Is a WGS-84 / GCJ-02 position inside the box where GCJ-02 applies? */
bool cc_in_china(double lon, double lat);

/* Forward: WGS-84 -> GCJ-02, GCJ-02 -> BD-09, WGS-84 -> any datum. */
void cc_gcj02_from_wgs84(double lon, double lat, double *olon, double *olat);
void cc_bd09_from_gcj02(double lon, double lat, double *olon, double *olat);
void cc_from_wgs84(cc_datum d, double lon, double lat, double *olon, double *olat);

/* Inverse: a position in datum d -> WGS-84, by iteration (see above).
 * Returns false (the position unchanged) only for input that is not a
 * finite number. */
bool cc_to_wgs84(cc_datum d, double lon, double lat, double *olon, double *olat);

#endif
