/*
 * weigh_csv.c - weighbridge / weigh-in-motion CSV rows to weighings (see
 * weigh_csv.h).
 *
 * Required: plate, time, axles, gross.  A bad required field rejects the
 * row with the field named.  The axle count's column is required but its
 * value is not (RULES.md §5): an empty one is a weighing of unknown axle
 * count (axles = 0), which over_limit takes from the registry.  So does a mode that is neither static nor
 * WIM: the mode picks the tolerance (JJG 907 class 5 for WIM scales), so
 * guessing it could turn a compliant reading into a violation.  The other
 * optional columns (axle weights, speed, passengers, station position)
 * follow the GPS parser's rule: a value that does not parse is left out
 * and counted ("weighbridge.bad_optional_field"), the weighing itself is
 * kept.
 *
 * Choices where FORMATS.md §4 is silent:
 *   - time: the weighbridge names (time, 检测时间, 过磅时间) first, then the
 *     GPS ones (timestamp, 时间, ...), which exporters also use;
 *   - axle_kg: ';' as FORMATS.md says, and also '|', '/', ',' (inside a
 *     quoted field), and the full-width '；', '，', '、' typed in Chinese
 *     spreadsheets; a trailing separator is allowed;
 *   - mode: static, 静态 (also 静态称重/静态检测) or wim, dynamic,
 *     weigh-in-motion, 动态, 不停车 (and any text containing 动态 or
 *     不停车); empty = static;
 *   - counts written "3.0" (Excel) are whole numbers;
 *   - a station position of exactly 0,0 is "not given" (exporters' filler).
 */
#include "weigh_csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csvhdr.h"
#include "numparse.h"
#include "plate.h"
#include "timeutil.h"
#include "util.h"

/* Plausibility of a reading, not rules: a gross mass below 100 kg is a
 * tonnes column without its "(t)" (the reject says so), above 1000 t it
 * is no road vehicle; both bounds also keep the checks' integer
 * arithmetic far from overflow. */
#define GROSS_MIN_KG 100
#define GROSS_MAX_KG 1000000
#define AXLE_MAX_KG 100000
#define AXLES_MAX 99
#define PASSENGERS_MAX 1000

enum {
    C_TIME, C_STATION, C_PLATE, C_COLOR, C_AXLES, C_GROSS, C_AXLE_KG, C_SPEED, C_MODE, C_PASSENGERS, C_LON, C_LAT,
    C_N
};

struct weighcsv {
    rl_sink sink;
    unsigned file_index;
    int col[C_N];
    int gross_scale, axle_scale; /* 0: kg, 3: tonnes -> kg */
    size_t nheader;
    tu_parser tp;
    char why[200];
};

static const char *const *const aliases[C_N] = {
    HDR_W_TIME, HDR_STATION, HDR_PLATE, HDR_PLATE_COLOR, HDR_AXLES, HDR_GROSS,
    HDR_AXLE_KG, HDR_W_SPEED, HDR_MODE, HDR_PASSENGERS, HDR_LON, HDR_LAT,
};

static int find_time(const csv_row *header)
{
    int c = csvhdr_find(header, HDR_W_TIME, NULL);
    return c >= 0 ? c : csvhdr_find(header, HDR_TIME, NULL);
}

static const char *unit_text(const csv_row *h, int c)
{
    return c >= 0 ? h->f[c] : "";
}

bool weighcsv_check_header(const csv_row *header, char *why, size_t n)
{
    if (find_time(header) < 0) {
        snprintf(why, n, "weighbridge log without a time column (time, 检测时间, 过磅时间): its rows cannot be dated");
        return false;
    }
    static const struct {
        const char *const *aliases;
        const char *name;
    } mass[] = {{HDR_GROSS, "gross"}, {HDR_AXLE_KG, "axle_kg"}};
    for (size_t i = 0; i < sizeof mass / sizeof mass[0]; i++) {
        hdr_unit u = UNIT_NONE;
        int c = csvhdr_find(header, mass[i].aliases, &u);
        if (c >= 0 && u == UNIT_OTHER) {
            snprintf(why, n, "weighbridge %s column '%.*s': its unit is neither kg nor t (吨)", mass[i].name,
                     (int)(header->len[c] < 60 ? header->len[c] : 60), unit_text(header, c));
            return false;
        }
    }
    return true;
}

weighcsv *weighcsv_new(const csv_row *header, const rl_sink *sink, unsigned file_index, int32_t tz)
{
    weighcsv *w = xcalloc(1, sizeof *w);
    w->sink = *sink;
    w->file_index = file_index;
    w->nheader = header->n;
    for (int i = 0; i < C_N; i++)
        w->col[i] = csvhdr_find(header, aliases[i], NULL);
    w->col[C_TIME] = find_time(header);
    hdr_unit u = UNIT_NONE;
    csvhdr_find(header, HDR_GROSS, &u);
    w->gross_scale = u == UNIT_TONNES ? 3 : 0;
    u = UNIT_NONE;
    csvhdr_find(header, HDR_AXLE_KG, &u);
    w->axle_scale = u == UNIT_TONNES ? 3 : 0;
    tu_parser_init(&w->tp, tz);
    return w;
}

void weighcsv_free(weighcsv *w) { free(w); }

static bool reject(weighcsv *w, const csv_row *row, const char *why)
{
    return w->sink.reject(w->sink.ud, RL_ORIGIN(w->file_index, row->line), why, row->raw, row->raw_len);
}

static bool bad_field(weighcsv *w, const csv_row *row, const char *name, const char *s, size_t n, const char *why)
{
    csv_field_reason(w->why, sizeof w->why, "", name, s, n, why);
    return reject(w, row, w->why);
}

static void bad_optional(weighcsv *w) { w->sink.count(w->sink.ud, "weighbridge.bad_optional_field", 1); }

/* The plain form nearly every exporter writes ("26000", "35.150",
 * "113.640180"): digits, optionally a point and at most `scale` digits,
 * nothing else.  Anything else (signs, spaces, more decimals to round,
 * exponents) goes through num_fixed.  A weighbridge row has about ten
 * numbers, so this is a good part of the row's cost. */
static inline bool fast_fixed(const char *s, size_t n, int scale, int64_t *out)
{
    if (n == 0 || n > 12)
        return false;
    /* one pass over a known length: digits accumulate, one '.' marks
     * where the fraction starts (no data-dependent loop exit to mispredict) */
    uint64_t v = 0;
    size_t dot = n;
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d < 10)
            v = v * 10 + d;
        else if (s[i] == '.' && dot == n)
            dot = i;
        else
            return false;
    }
    size_t frac = dot == n ? 0 : n - dot - 1;
    if ((dot == 0 && n == 1) || frac > (size_t)scale)
        return false; /* "." alone; more decimals than kept: round in num_fixed */
    static const uint64_t p10[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
    *out = (int64_t)(v * p10[(size_t)scale - frac]);
    return true;
}

static inline const char *number(const char *s, size_t n, int scale, int64_t *out)
{
    if (s && fast_fixed(s, n, scale, out))
        return NULL;
    return num_fixed(s ? s : "", n, scale, out);
}

/* A whole number ("3", also Excel's "3.0"): digits alone on the fast
 * path, the rest through num_whole. */
static const char *whole(const char *s, size_t n, int64_t *out)
{
    if (s && fast_fixed(s, n, 0, out))
        return NULL;
    return num_whole(s ? s : "", n, out);
}

/* The length of an axle-list separator at s (0 when none). */
static inline size_t separator(const char *s, const char *e)
{
    if (*s == ';' || *s == '|' || *s == '/' || *s == ',')
        return 1;
    if ((unsigned char)*s >= 0x80 && e - s >= 3 && (memcmp(s, "\xEF\xBC\x9B", 3) == 0 ||  /* ； */
                       memcmp(s, "\xEF\xBC\x8C", 3) == 0 ||  /* ， */
                       memcmp(s, "\xE3\x80\x81", 3) == 0))   /* 、 */
        return 3;
    return 0;
}

/* Per-axle weights, steer axle first; false when the list is malformed. */
static bool axle_list(const weighcsv *w, const char *s, size_t n, rl_weighing *out)
{
    const char *p = s, *e = s + n;
    int k = 0;
    while (p < e) {
        /* digits and a point cannot start a separator: skip them at once,
         * then look for the separator byte by byte */
        const char *q = p;
        size_t sl = 0;
        int64_t v;
        if (w->axle_scale == 0) {
            /* kg, the usual case: whole numbers, read as they are scanned */
            uint32_t kg = 0;
            while (q < e && (unsigned)(*q - '0') < 10 && q - p < 7)
                kg = kg * 10 + (uint32_t)(*q++ - '0');
            if (q > p && (q == e || (sl = separator(q, e)))) {
                if (k == RL_MAX_AXLES || kg == 0 || kg > AXLE_MAX_KG)
                    return false;
                out->axle_kg[k++] = (int32_t)kg;
                p = q + sl;
                continue;
            }
            q = p; /* anything else ("7 000", "7000.5"): the general path */
        }
        while (q < e && ((unsigned)(*q - '0') < 10 || *q == '.'))
            q++;
        while (q < e && !(sl = separator(q, e)))
            q++;
        const char *item = p;
        size_t il = (size_t)(q - p);
        trim_span(&item, &il);
        if (il == 0) {
            if (q == e && k > 0)
                break; /* a trailing separator */
            return false;
        }
        if (k == RL_MAX_AXLES || number(item, il, w->axle_scale, &v) || v <= 0 || v > AXLE_MAX_KG)
            return false;
        out->axle_kg[k++] = (int32_t)v;
        p = q + sl; /* a trailing separator ("7000;11500;") ends the loop here */
    }
    out->naxle_kg = k;
    return true;
}

static bool contains(const char *s, size_t n, const char *word)
{
    size_t wl = strlen(word);
    for (size_t i = 0; i + wl <= n; i++)
        if (memcmp(s + i, word, wl) == 0)
            return true;
    return false;
}

/* static / wim in the words exporters use; false when neither. */
static bool parse_mode(const char *s, size_t n, bool *wim)
{
    *wim = false;
    /* the words FORMATS.md gives, as exporters write them, first */
    if (n == 6 && memcmp(s, "static", 6) == 0)
        return true;
    if (n == 3 && memcmp(s, "wim", 3) == 0) {
        *wim = true;
        return true;
    }
    trim_span(&s, &n);
    static const char *const stat[] = {"static", "静态", "静态称重", "静态检测", "static weighing"};
    static const char *const dyn[] = {"wim", "dynamic", "weigh-in-motion", "weigh in motion", "动态"};
    if (n == 0)
        return true; /* FORMATS.md §4: default static */
    for (size_t i = 0; i < sizeof stat / sizeof stat[0]; i++)
        if (strlen(stat[i]) == n && strncasecmp(stat[i], s, n) == 0)
            return true;
    for (size_t i = 0; i < sizeof dyn / sizeof dyn[0]; i++)
        if (strlen(dyn[i]) == n && strncasecmp(dyn[i], s, n) == 0) {
            *wim = true;
            return true;
        }
    /* 动态称重, 不停车检测, 高速动态检测: Chinese names of WIM systems */
    if (contains(s, n, "动态") || contains(s, n, "不停车")) {
        *wim = true;
        return true;
    }
    return contains(s, n, "静态");
}

bool weighcsv_row(weighcsv *w, const csv_row *row)
{
    if (row->n < w->nheader) {
        snprintf(w->why, sizeof w->why, "row has %zu fields but the header has %zu (truncated row?)", row->n,
                 w->nheader);
        return reject(w, row, w->why);
    }
    for (size_t i = w->nheader; i < row->n; i++) {
        if (csv_present(row->f[i], row->len[i])) {
            snprintf(w->why, sizeof w->why, "row has %zu fields but the header has %zu", row->n, w->nheader);
            return reject(w, row, w->why);
        }
    }
    rl_weighing r;
    r.origin = RL_ORIGIN(w->file_index, row->line);
    r.naxle_kg = 0;
    r.have_speed = false;
    r.have_pos = false;
    r.passengers = -1;
    r.station = NULL;
    r.station_len = 0;
    r.speed_mkmh = 0;
    r.lat_e6 = r.lon_e6 = 0;
    size_t n;
    const char *s, *why;

    char plate[RL_PLATE_MAX + 1];
    s = csv_field(row, w->col[C_PLATE], &n);
    if ((why = plate_normalize(s, n, plate, &r.plate_len)))
        return bad_field(w, row, "plate", s, n, why);
    r.plate = plate;

    s = csv_field(row, w->col[C_COLOR], &n);
    r.color = 0;
    if (s && !plate_color_parse(s, n, &r.color))
        return bad_field(w, row, "plate colour", s, n, "not a colour code (0-5, 9) or name");

    s = csv_field(row, w->col[C_TIME], &n);
    if ((why = tu_parse(&w->tp, s, n, &r.time)))
        return bad_field(w, row, "time", s, n, why);

    int64_t v;
    s = csv_field(row, w->col[C_AXLES], &n);
    r.axles = 0; /* empty: not read by the scale (RULES.md §5) */
    if (csv_present(s, n)) {
        if ((why = whole(s, n, &v)))
            return bad_field(w, row, "axle count", s, n, why);
        if (v < 1 || v > AXLES_MAX)
            return bad_field(w, row, "axle count", s, n, "not an axle count (1-99)");
        r.axles = (int)v;
    }

    s = csv_field(row, w->col[C_GROSS], &n);
    if ((why = number(s, n, w->gross_scale, &v)))
        return bad_field(w, row, "gross weight", s, n, why);
    if (v <= 0)
        return bad_field(w, row, "gross weight", s, n, "not a weight (zero or negative)");
    if (v < GROSS_MIN_KG && w->gross_scale == 0)
        return bad_field(w, row, "gross weight", s, n,
                         "below 100 kg: if the column is in tonnes, name it gross(t) or 车货总重(吨)");
    if (v > GROSS_MAX_KG)
        return bad_field(w, row, "gross weight", s, n, "above 1000 t: not a road vehicle");
    r.gross_kg = v;

    s = csv_field(row, w->col[C_MODE], &n);
    if (s && !parse_mode(s, n, &r.wim))
        return bad_field(w, row, "mode", s, n, "neither static (静态) nor wim (动态): the tolerance depends on it");
    if (!s)
        r.wim = false;

    s = csv_field(row, w->col[C_AXLE_KG], &n);
    if (csv_present(s, n) && !axle_list(w, s, n, &r)) {
        r.naxle_kg = 0;
        bad_optional(w);
    }

    s = csv_field(row, w->col[C_SPEED], &n);
    if (csv_present(s, n)) {
        if (!number(s, n, 3, &v) && v >= 0 && v <= INT32_MAX) {
            r.speed_mkmh = (int32_t)v;
            r.have_speed = true;
        } else {
            bad_optional(w);
        }
    }

    s = csv_field(row, w->col[C_PASSENGERS], &n);
    if (csv_present(s, n)) {
        if (!whole(s, n, &v) && v >= 0 && v <= PASSENGERS_MAX)
            r.passengers = (int)v;
        else
            bad_optional(w);
    }

    size_t ln;
    const char *ls = csv_field(row, w->col[C_LON], &ln);
    s = csv_field(row, w->col[C_LAT], &n);
    if (csv_present(ls, ln) || csv_present(s, n)) {
        int64_t lon, lat;
        if (!number(ls, ln, 6, &lon) && !number(s, n, 6, &lat) && lon >= -180000000 &&
            lon <= 180000000 && lat >= -90000000 && lat <= 90000000) {
            if (lon != 0 || lat != 0) {
                r.lon_e6 = (int32_t)lon;
                r.lat_e6 = (int32_t)lat;
                r.have_pos = true;
            }
        } else {
            bad_optional(w);
        }
    }

    s = csv_field(row, w->col[C_STATION], &n);
    if (csv_present(s, n)) {
        trim_span(&s, &n);
        r.station = s;
        r.station_len = n;
    }
    w->sink.weighing(w->sink.ud, &r);
    return true;
}
