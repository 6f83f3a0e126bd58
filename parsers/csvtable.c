/*
 * csvtable.c - reading roadlog's own CSV outputs by column name (see
 * csvtable.h).
 */
#include "csvtable.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csvout.h"
#include "numparse.h"
#include "timeutil.h"
#include "util.h"

static bool on_header(void *ud, const csv_row *r)
{
    csvtable *t = ud;
    for (int k = 0; t->want[k] && k < CSVTABLE_MAXCOL; k++) {
        t->col[k] = -1;
        for (size_t i = 0; i < r->n; i++) {
            const char *s = r->f[i];
            size_t n = r->len[i];
            trim_span(&s, &n);
            if (strlen(t->want[k]) == n && memcmp(s, t->want[k], n) == 0) {
                t->col[k] = (int)i;
                break;
            }
        }
    }
    return true;
}

static bool on_row(void *ud, const csv_row *r)
{
    csvtable *t = ud;
    t->rows++;
    if (!t->row(t, r)) {
        t->stopped = true;
        return false;
    }
    return true;
}

static bool on_reject(void *ud, uint64_t line, const char *reason, const void *raw, size_t raw_len)
{
    (void)raw;
    (void)raw_len;
    csvtable *t = ud;
    if (t->reject && !t->reject(t, line, reason)) {
        t->stopped = true;
        return false;
    }
    return true; /* a damaged line of an output is skipped */
}

bool csvtable_read(csvtable *t, const char *path)
{
    for (int k = 0; k < CSVTABLE_MAXCOL; k++)
        t->col[k] = -1;
    t->rows = 0;
    t->stopped = false;
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    csvin_handler h = {t, on_header, on_row, on_reject};
    csvin *r = csvin_new(&h);
    char *buf = xmalloc(1 << 20);
    size_t n;
    bool ok = true;
    while ((n = fread(buf, 1, 1 << 20, f)) > 0)
        if (!csvin_feed(r, buf, n))
            break;
    int saved = errno;
    if (ferror(f))
        ok = false;
    if (!t->stopped)
        csvin_finish(r);
    csvin_free(r);
    free(buf);
    fclose(f);
    errno = saved;
    return ok;
}

const char *csvtable_field(const csvtable *t, const csv_row *r, int k, size_t *n)
{
    int c = t->col[k];
    if (c < 0 || (size_t)c >= r->n) {
        *n = 0;
        return "";
    }
    *n = r->len[c];
    return r->f[c];
}

const char *csvtable_text(const csvtable *t, const csv_row *r, int k, size_t *n)
{
    const char *s = csvtable_field(t, r, k, n);
    csvtable_unneutralise(&s, n);
    return s;
}

int64_t csvtable_int(const csvtable *t, const csv_row *r, int k)
{
    size_t n;
    const char *s = csvtable_field(t, r, k, &n);
    int64_t v = 0;
    bool neg = n > 0 && s[0] == '-';
    for (size_t i = neg; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        if (v > (INT64_MAX - 9) / 10)
            return 0; /* out of range: not a count roadlog wrote */
        v = v * 10 + (s[i] - '0');
    }
    return neg ? -v : v;
}

void csvtable_unneutralise(const char **s, size_t *n)
{
    if (*n >= 2 && (*s)[0] == '\'' && text_is_formula((*s) + 1, *n - 1)) {
        (*s)++;
        (*n)--;
    }
}

const char *const CSVTABLE_VDAY_COLS[] = {"plate",       "plate_color", "day",      "points", "valid", "drift",
                                          "distance_km", "driving_s",   "accepted", "gap_km", NULL};
enum { D_PLATE, D_COLOR, D_DAY, D_POINTS, D_VALID, D_DRIFT, D_KM, D_DRIVING };

static int64_t metres(const csvtable *t, const csv_row *r, int k)
{
    size_t n;
    const char *s = csvtable_field(t, r, k, &n);
    int64_t m;
    return n && num_fixed(s, n, 3, &m) == NULL ? m : 0;
}

const char *csvtable_vday_read(const csvtable *t, const csv_row *r, csvtable_vday *v)
{
    size_t dn;
    v->plate = csvtable_text(t, r, D_PLATE, &v->plate_len);
    const char *ds = csvtable_field(t, r, D_DAY, &dn);
    if (!v->plate_len)
        return "vehicle-day without a plate";
    if (!tu_parse_date(ds, dn, &v->day))
        return "day is not a date (YYYY-MM-DD)";
    v->color = (int)csvtable_int(t, r, D_COLOR);
    v->points = (uint64_t)csvtable_int(t, r, D_POINTS);
    v->drift = (uint64_t)csvtable_int(t, r, D_DRIFT);
    v->accepted = csvtable_has(t, CSVTABLE_VDAY_ACCEPTED)
                      ? (uint64_t)csvtable_int(t, r, CSVTABLE_VDAY_ACCEPTED)
                      : (uint64_t)(csvtable_int(t, r, D_VALID) - csvtable_int(t, r, D_DRIFT));
    v->distance_m = metres(t, r, D_KM);
    v->have_gap = csvtable_has(t, CSVTABLE_VDAY_GAPKM);
    v->gap_m = v->have_gap ? metres(t, r, CSVTABLE_VDAY_GAPKM) : 0;
    v->driving_s = csvtable_int(t, r, D_DRIVING);
    return NULL;
}

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

size_t csvtable_outputs(const char *path, char ***out)
{
    *out = NULL;
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    char **names = NULL;
    size_t n = 0;
    rl_buf p = {0};
    buf_printf(&p, "%s/events.csv", path);
    if (S_ISREG(st.st_mode) || is_file(p.p)) {
        names = xmalloc(sizeof *names);
        names[n++] = xstrdup(path);
    } else if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *de;
        while (d && (de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.')
                continue;
            p.len = 0;
            buf_printf(&p, "%s/%s/events.csv", path, de->d_name);
            if (!is_file(p.p))
                continue;
            p.len = 0;
            buf_printf(&p, "%s/%s", path, de->d_name);
            names = xrealloc(names, (n + 1) * sizeof *names);
            names[n++] = xstrdup(p.p);
        }
        if (d)
            closedir(d);
        qsort(names, n, sizeof *names, cmp_str);
    }
    buf_free(&p);
    *out = names;
    return n;
}
