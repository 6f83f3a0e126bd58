/*
 * registry_csv.c - registry rows (see registry_csv.h).
 *
 * The registry is configuration: a value that does not parse rejects the
 * row (so the vehicle shows up as unregistered and the reject says why)
 * rather than guessing.  Masses may be in tonnes when the header's unit
 * suffix says so (核定载质量(吨)).
 */
#include "registry_csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csvhdr.h"
#include "numparse.h"
#include "plate.h"
#include "util.h"

enum { C_PLATE, C_COLOR, C_CLASS, C_COMPANY, C_AXLES, C_RATED, C_CURB, C_MAXGROSS, C_SEATS, C_PHONE, C_LIMIT,
       C_EXEMPT, C_N };

struct regcsv {
    rl_registry *reg;
    strtab *str;
    rl_sink sink;
    unsigned file_index;
    int col[C_N];
    hdr_unit unit[C_N];
    size_t nheader;
    uint64_t rows;
    char why[160];
};

regcsv *regcsv_new(const csv_row *header, rl_registry *reg, strtab *str, const rl_sink *sink, unsigned file_index)
{
    static const char *const *const aliases[C_N] = {
        HDR_PLATE, HDR_PLATE_COLOR, HDR_CLASS, HDR_COMPANY, HDR_R_AXLES, HDR_RATED_LOAD,
        HDR_CURB, HDR_MAX_GROSS, HDR_SEATS, HDR_PHONE, HDR_SPEED_LIMIT, HDR_NIGHT_EXEMPT,
    };
    regcsv *r = xcalloc(1, sizeof *r);
    r->reg = reg;
    r->str = str;
    r->sink = *sink;
    r->file_index = file_index;
    r->nheader = header->n;
    for (int i = 0; i < C_N; i++)
        r->col[i] = csvhdr_find(header, aliases[i], &r->unit[i]);
    return r;
}

void regcsv_free(regcsv *r) { free(r); }
uint64_t regcsv_rows(const regcsv *r) { return r->rows; }

static const char *field(const csv_row *row, int c, size_t *n)
{
    if (c < 0 || (size_t)c >= row->n) {
        *n = 0;
        return "";
    }
    const char *s = row->f[c];
    *n = row->len[c];
    trim_span(&s, n);
    return s;
}

static bool bad(regcsv *r, const csv_row *row, const char *name, const char *s, size_t n, const char *why)
{
    csv_field_reason(r->why, sizeof r->why, "registry ", name, s, n, why);
    return r->sink.reject(r->sink.ud, RL_ORIGIN(r->file_index, row->line), r->why, row->raw, row->raw_len);
}

/* The mass in column `which` (C_RATED, ...) in kg, tonnes when its header
 * says so; -1 when empty. */
static const char *mass(regcsv *r, const csv_row *row, int which, int64_t *kg)
{
    size_t n;
    const char *s = field(row, r->col[which], &n);
    *kg = -1;
    if (n == 0)
        return NULL;
    int64_t v;
    const char *why = num_fixed(s, n, r->unit[which] == UNIT_TONNES ? 3 : 0, &v);
    if (why)
        return why;
    if (v < 0)
        return "negative";
    *kg = v;
    return NULL;
}

static bool truthy(const char *s, size_t n)
{
    static const char *const yes[] = {"1", "true", "yes", "y", "是", "t"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        if (strlen(yes[i]) == n && strncasecmp(yes[i], s, n) == 0)
            return true;
    return false;
}

static bool falsy(const char *s, size_t n)
{
    static const char *const no[] = {"", "0", "false", "no", "n", "否", "f"};
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        if (strlen(no[i]) == n && strncasecmp(no[i], s, n) == 0)
            return true;
    return false;
}

bool regcsv_row(regcsv *r, const csv_row *row)
{
    /* as for GPS rows: a row shorter than the header lost its last
     * columns (a limit, a phone) and would silently mean "not given";
     * extra fields are accepted only when empty (a trailing delimiter) */
    if (row->n < r->nheader) {
        snprintf(r->why, sizeof r->why, "registry row has %zu fields but the header has %zu (truncated row?)", row->n,
                 r->nheader);
        return r->sink.reject(r->sink.ud, RL_ORIGIN(r->file_index, row->line), r->why, row->raw, row->raw_len);
    }
    for (size_t i = r->nheader; i < row->n; i++) {
        const char *s = row->f[i];
        size_t n = row->len[i];
        trim_span(&s, &n);
        if (n) {
            snprintf(r->why, sizeof r->why, "registry row has %zu fields but the header has %zu", row->n,
                     r->nheader);
            return r->sink.reject(r->sink.ud, RL_ORIGIN(r->file_index, row->line), r->why, row->raw, row->raw_len);
        }
    }
    reg_entry e;
    memset(&e, 0, sizeof e);
    e.origin = RL_ORIGIN(r->file_index, row->line);
    size_t n;
    const char *s, *why;
    char plate[RL_PLATE_MAX + 1];
    size_t plen;
    s = field(row, r->col[C_PLATE], &n);
    if ((why = plate_normalize(s, n, plate, &plen)))
        return bad(r, row, "plate", s, n, why);
    e.plate = strtab_intern(r->str, plate, plen);
    s = field(row, r->col[C_COLOR], &n);
    if (!plate_color_parse(s, n, &e.color))
        return bad(r, row, "plate colour", s, n, "not a colour code (0-5, 9) or name");
    s = field(row, r->col[C_CLASS], &n);
    if (!class_parse(s, n, &e.cls))
        return bad(r, row, "class", s, n,
                   "unknown vehicle class (coach, charter, hazmat, muck, heavy_truck, truck, other)");
    s = field(row, r->col[C_COMPANY], &n);
    e.company = strtab_intern(r->str, s, n);
    int64_t v;
    s = field(row, r->col[C_AXLES], &n);
    if (n) {
        if ((why = num_fixed(s, n, 0, &v)) || v < 0 || v > 64)
            return bad(r, row, "axles", s, n, why ? why : "not an axle count");
        e.axles = (int)v;
    }
    /* (the field is fetched before the call: C leaves unspecified whether
     * an argument `n` is read before or after field() sets it) */
    if ((why = mass(r, row, C_RATED, &e.rated_load_kg))) {
        s = field(row, r->col[C_RATED], &n);
        return bad(r, row, "rated_load_kg", s, n, why);
    }
    if ((why = mass(r, row, C_CURB, &e.curb_kg))) {
        s = field(row, r->col[C_CURB], &n);
        return bad(r, row, "curb_kg", s, n, why);
    }
    if ((why = mass(r, row, C_MAXGROSS, &e.max_gross_kg))) {
        s = field(row, r->col[C_MAXGROSS], &n);
        return bad(r, row, "max_gross_kg", s, n, why);
    }
    e.seats = -1;
    s = field(row, r->col[C_SEATS], &n);
    if (n) {
        if ((why = num_fixed(s, n, 0, &v)) || v < 0 || v > 1000)
            return bad(r, row, "seats", s, n, why ? why : "not a seat count");
        e.seats = (int)v;
    }
    s = field(row, r->col[C_PHONE], &n);
    if (n) {
        for (size_t i = 0; i < n; i++)
            if (s[i] < '0' || s[i] > '9')
                return bad(r, row, "terminal_phone", s, n, "not a phone number (digits only)");
        const char *c;
        size_t cn;
        phone_canon(s, n, &c, &cn);
        e.phone = strtab_intern(r->str, c, cn);
    }
    s = field(row, r->col[C_LIMIT], &n);
    if (n) {
        if ((why = num_fixed(s, n, 3, &v)) || v <= 0 || v > 300000)
            return bad(r, row, "speed_limit_kmh", s, n, why ? why : "not a speed limit in km/h");
        e.speed_limit_mkmh = (int32_t)v;
    }
    s = field(row, r->col[C_EXEMPT], &n);
    if (truthy(s, n))
        e.night_exempt = true;
    else if (!falsy(s, n))
        return bad(r, row, "night_exempt", s, n, "expected 1/0, yes/no, true/false, 是/否");
    registry_add(r->reg, &e);
    r->rows++;
    return true;
}
