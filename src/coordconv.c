/*
 * coordconv.c - WGS-84, GCJ-02 and BD-09 (see coordconv.h).
 */
#include "coordconv.h"

#include <math.h>
#include <strings.h>

/* Krasovsky 1940, as the GCJ-02 formula uses it. */
#define KRASOVSKY_A 6378245.0
#define KRASOVSKY_EE 0.006693421622966
/* BD-09's rotation constant. */
#define BD_X_PI (M_PI * 3000.0 / 180.0)

bool cc_datum_parse(const char *s, cc_datum *out)
{
    static const struct {
        const char *name;
        cc_datum d;
    } names[] = {{"wgs84", CC_WGS84}, {"wgs-84", CC_WGS84}, {"gcj02", CC_GCJ02},
                 {"gcj-02", CC_GCJ02}, {"bd09", CC_BD09},   {"bd-09", CC_BD09}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(s, names[i].name) == 0) {
            *out = names[i].d;
            return true;
        }
    return false;
}

const char *cc_datum_name(cc_datum d)
{
    return d == CC_GCJ02 ? "gcj02" : d == CC_BD09 ? "bd09" : "wgs84";
}

bool cc_in_china(double lon, double lat) { return lon >= 73.66 && lon <= 135.05 && lat >= 3.86 && lat <= 53.55; }

static double offset_lat(double x, double y)
{
    double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(fabs(x));
    r += (20.0 * sin(6.0 * x * M_PI) + 20.0 * sin(2.0 * x * M_PI)) * 2.0 / 3.0;
    r += (20.0 * sin(y * M_PI) + 40.0 * sin(y / 3.0 * M_PI)) * 2.0 / 3.0;
    r += (160.0 * sin(y / 12.0 * M_PI) + 320.0 * sin(y * M_PI / 30.0)) * 2.0 / 3.0;
    return r;
}

static double offset_lon(double x, double y)
{
    double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(fabs(x));
    r += (20.0 * sin(6.0 * x * M_PI) + 20.0 * sin(2.0 * x * M_PI)) * 2.0 / 3.0;
    r += (20.0 * sin(x * M_PI) + 40.0 * sin(x / 3.0 * M_PI)) * 2.0 / 3.0;
    r += (150.0 * sin(x / 12.0 * M_PI) + 300.0 * sin(x / 30.0 * M_PI)) * 2.0 / 3.0;
    return r;
}

void cc_gcj02_from_wgs84(double lon, double lat, double *olon, double *olat)
{
    if (!cc_in_china(lon, lat)) {
        *olon = lon;
        *olat = lat;
        return;
    }
    double dlat = offset_lat(lon - 105.0, lat - 35.0);
    double dlon = offset_lon(lon - 105.0, lat - 35.0);
    double radlat = lat / 180.0 * M_PI;
    double magic = sin(radlat);
    magic = 1 - KRASOVSKY_EE * magic * magic;
    double sqrtmagic = sqrt(magic);
    dlat = (dlat * 180.0) / ((KRASOVSKY_A * (1 - KRASOVSKY_EE)) / (magic * sqrtmagic) * M_PI);
    dlon = (dlon * 180.0) / (KRASOVSKY_A / sqrtmagic * cos(radlat) * M_PI);
    *olon = lon + dlon;
    *olat = lat + dlat;
}

void cc_bd09_from_gcj02(double lon, double lat, double *olon, double *olat)
{
    double z = sqrt(lon * lon + lat * lat) + 0.00002 * sin(lat * BD_X_PI);
    double theta = atan2(lat, lon) + 0.000003 * cos(lon * BD_X_PI);
    *olon = z * cos(theta) + 0.0065;
    *olat = z * sin(theta) + 0.006;
}

void cc_from_wgs84(cc_datum d, double lon, double lat, double *olon, double *olat)
{
    *olon = lon;
    *olat = lat;
    if (d == CC_WGS84)
        return;
    cc_gcj02_from_wgs84(lon, lat, olon, olat);
    if (d == CC_BD09)
        cc_bd09_from_gcj02(*olon, *olat, olon, olat);
}

bool cc_to_wgs84(cc_datum d, double lon, double lat, double *olon, double *olat)
{
    *olon = lon;
    *olat = lat;
    if (!isfinite(lon) || !isfinite(lat))
        return false;
    if (d == CC_WGS84)
        return true;
    /* Fixed-point iteration w <- w - (F(w) - p): F is the identity plus an
     * offset that changes by well under 1 % per degree, so each step
     * gains two or three digits; 1e-9 degrees is reached in 3-5 steps.
     * At the edge of China's box F jumps (no offset outside), so the
     * iteration is bounded and keeps the best point it saw. */
    double wlon = lon, wlat = lat, best = INFINITY;
    for (int i = 0; i < 40; i++) {
        double flon, flat;
        cc_from_wgs84(d, wlon, wlat, &flon, &flat);
        double elon = flon - lon, elat = flat - lat;
        double err = fabs(elon) + fabs(elat);
        if (err < best) {
            best = err;
            *olon = wlon;
            *olat = wlat;
        }
        if (err < 1e-9)
            break;
        wlon -= elon;
        wlat -= elat;
    }
    return true;
}
