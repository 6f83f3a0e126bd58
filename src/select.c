/*
 * select.c - --plate and --company (see select.h).
 */
#include "select.h"

#include <stdlib.h>
#include <string.h>

#include "plate.h"
#include "u64map.h"
#include "util.h"

static void rejoin(sel_list *l)
{
    free(l->joined);
    l->joined = NULL;
    if (!l->n)
        return;
    rl_buf b = {0};
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            buf_puts(&b, ", ");
        buf_puts(&b, l->v[i]);
    }
    l->joined = b.p;
}

static void add(sel_list *l, const char *s, size_t n)
{
    for (size_t i = 0; i < l->n; i++)
        if (strlen(l->v[i]) == n && memcmp(l->v[i], s, n) == 0)
            return; /* named twice: one selector */
    l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
    l->v[l->n++] = xstrndup(s, n);
    rejoin(l);
}

/* Each comma-separated item of arg, trimmed, in order; empty ones skipped. */
typedef struct {
    const char *p;
} items;

static bool next_item(items *it, const char **s, size_t *n)
{
    while (*it->p) {
        const char *e = strchr(it->p, ',');
        if (!e)
            e = it->p + strlen(it->p);
        *s = it->p;
        *n = (size_t)(e - it->p);
        it->p = *e ? e + 1 : e;
        trim_span(s, n);
        if (*n)
            return true;
    }
    return false;
}

const char *sel_add_plates(sel_list *l, const char *arg, char *why, size_t cap)
{
    items it = {arg};
    const char *s;
    size_t n;
    bool any = false;
    while (next_item(&it, &s, &n)) {
        char plate[RL_PLATE_MAX + 1];
        size_t pn;
        const char *bad = plate_normalize(s, n, plate, &pn);
        if (bad) {
            snprintf(why, cap, "'%.*s': %s", (int)(n > 100 ? 100 : n), s, bad);
            return why;
        }
        add(l, plate, pn);
        any = true;
    }
    if (!any) {
        snprintf(why, cap, "no plate in '%s'", arg);
        return why;
    }
    return NULL;
}

void sel_add_names(sel_list *l, const char *arg)
{
    items it = {arg};
    const char *s;
    size_t n;
    while (next_item(&it, &s, &n))
        add(l, s, n);
}

bool sel_has(const sel_list *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return true;
    return false;
}

void sel_free(sel_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    free(l->joined);
    memset(l, 0, sizeof *l);
}

/* ---- nearest names ---- */

#define NAME_CHARS 64

/* Code points of s, at most NAME_CHARS (a longer name is compared on its
 * start: enough to rank typos).  Invalid bytes count as themselves. */
static size_t code_points(const char *s, uint32_t *out)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t k = 0;
    while (*p && k < NAME_CHARS) {
        uint32_t c = *p++;
        int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
        if (more)
            c &= 0x3Fu >> more;
        for (; more && (*p & 0xC0) == 0x80; more--)
            c = c << 6 | (*p++ & 0x3Fu);
        out[k++] = c;
    }
    return k;
}

/* Edit distances over code points of a (wanted) against b (known), two
 * rows: *whole to all of b, *part to the best-matching stretch of b (free
 * to skip b's start and end: 鹏城运输 is one edit from a part of
 * 深圳市鹏程运输有限公司). */
static void edit_distances(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, size_t *whole, size_t *part)
{
    size_t row[2][NAME_CHARS + 1], prow[2][NAME_CHARS + 1];
    for (size_t j = 0; j <= nb; j++) {
        prow[0][j] = j; /* whole: b's start costs */
        prow[1][j] = 0; /* part: b's start is free */
    }
    for (size_t i = 1; i <= na; i++) {
        for (int k = 0; k < 2; k++) {
            row[k][0] = i;
            for (size_t j = 1; j <= nb; j++) {
                size_t sub = prow[k][j - 1] + (a[i - 1] != b[j - 1]);
                size_t del = prow[k][j] + 1, ins = row[k][j - 1] + 1;
                row[k][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            }
            memcpy(prow[k], row[k], (nb + 1) * sizeof row[k][0]);
        }
    }
    *whole = prow[0][nb];
    *part = prow[1][0];
    for (size_t j = 1; j <= nb; j++) /* b's end is free */
        if (prow[1][j] < *part)
            *part = prow[1][j];
}

size_t sel_nearest(const char *want, const char *const *known, size_t nknown, size_t *out, size_t max)
{
    uint32_t w[NAME_CHARS], k[NAME_CHARS];
    size_t nw = code_points(want, w);
    size_t rank[16];
    if (max > 16)
        max = 16;
    /* near: at most a third of the wanted characters wrong (one at least) */
    size_t far = nw / 3 > 1 ? nw / 3 : 1;
    size_t got = 0;
    for (size_t i = 0; i < nknown; i++) {
        size_t nk = code_points(known[i], k);
        size_t whole, part;
        edit_distances(w, nw, k, nk, &whole, &part);
        if (part > far)
            continue;
        /* rank: the stretch first, then the whole name (a plate one
         * digit off before a company that merely contains the text) */
        size_t r = part * (NAME_CHARS + 1) + (whole < NAME_CHARS ? whole : NAME_CHARS);
        size_t at = got;
        while (at > 0 && (rank[at - 1] > r || (rank[at - 1] == r && strcmp(known[out[at - 1]], known[i]) > 0)))
            at--;
        if (at >= max)
            continue;
        if (got < max)
            got++;
        for (size_t j = got - 1; j > at; j--) {
            rank[j] = rank[j - 1];
            out[j] = out[j - 1];
        }
        rank[at] = r;
        out[at] = i;
    }
    return got;
}

static void list_names(FILE *msg, const char *const *known, const size_t *idx, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(msg, "%s%s", i ? ", " : "", known[idx[i]]);
}

/* ---- companies ---- */

size_t sel_distinct_names(const strtab *str, const uint32_t *ids, size_t n, const char **out)
{
    u64map seen;
    u64map_init(&seen);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!ids[i] || !*strtab_get(str, ids[i]))
            continue;
        uint32_t *slot = u64map_put(&seen, (uint64_t)ids[i] + 1, 0);
        if (!*slot) {
            *slot = 1;
            out[k++] = strtab_get(str, ids[i]);
        }
    }
    u64map_free(&seen);
    return k;
}

bool sel_resolve_companies(sel_list *l, const char *const *known, size_t nknown, const char *cmd, bool quiet,
                           FILE *msg)
{
    bool ok = true;
    for (size_t i = 0; i < l->n; i++) {
        const char *want = l->v[i];
        size_t exact = nknown, first = nknown, count = 0;
        for (size_t k = 0; k < nknown && exact == nknown; k++) {
            if (strcmp(known[k], want) == 0)
                exact = k;
            else if (strstr(known[k], want) && count++ == 0)
                first = k;
        }
        if (exact < nknown)
            continue;
        if (count == 1) {
            if (!quiet)
                fprintf(msg, "roadlog %s: note: --company '%s' is taken as '%s', the only company whose name "
                             "contains it\n", cmd, want, known[first]);
            free(l->v[i]);
            l->v[i] = xstrdup(known[first]);
            continue;
        }
        ok = false;
        if (count > 1) {
            fprintf(msg, "roadlog %s: --company '%s' is part of %zu company names; give one of them whole: ", cmd,
                    want, count);
            size_t shown = 0;
            for (size_t k = 0; k < nknown && shown < 10; k++)
                if (strstr(known[k], want))
                    fprintf(msg, "%s%s", shown++ ? ", " : "", known[k]);
            fputs(count > shown ? ", ...\n" : "\n", msg);
            continue;
        }
        size_t near[5];
        size_t nn = sel_nearest(want, known, nknown, near, 5);
        fprintf(msg, "roadlog %s: --company '%s' matches no company of the registry (%zu names)", cmd, want,
                nknown);
        if (nn) {
            fputs("; nearest: ", msg);
            list_names(msg, known, near, nn);
        }
        fputc('\n', msg);
    }
    /* two spellings of one company are one selector */
    for (size_t i = 0; i < l->n; i++)
        for (size_t j = i + 1; j < l->n;)
            if (strcmp(l->v[i], l->v[j]) == 0) {
                free(l->v[j]);
                memmove(&l->v[j], &l->v[j + 1], (l->n - j - 1) * sizeof *l->v);
                l->n--;
            } else {
                j++;
            }
    rejoin(l);
    return ok;
}

/* ---- vehicles ---- */

void sel_begin(sel_ctx *s, const sel_list *plates, const sel_list *companies)
{
    memset(s, 0, sizeof *s);
    s->plates = plates;
    s->companies = companies;
    s->plate_hits = xcalloc(plates->n + 1, sizeof *s->plate_hits);
    s->company_hits = xcalloc(companies->n + 1, sizeof *s->company_hits);
}

bool sel_check(sel_ctx *s, const char *label, const char *company)
{
    if (s->plates->n) {
        if (s->nlabels == s->caplabels) {
            s->caplabels = s->caplabels ? s->caplabels * 2 : 256;
            s->labels = xrealloc(s->labels, s->caplabels * sizeof *s->labels);
        }
        s->labels[s->nlabels++] = label;
    }
    size_t p = s->plates->n, c = s->companies->n;
    for (size_t i = 0; i < s->plates->n && p == s->plates->n; i++)
        if (strcmp(s->plates->v[i], label) == 0)
            p = i;
    for (size_t i = 0; company && i < s->companies->n && c == s->companies->n; i++)
        if (strcmp(s->companies->v[i], company) == 0)
            c = i;
    bool plate_ok = !s->plates->n || p < s->plates->n;
    bool company_ok = !s->companies->n || c < s->companies->n;
    if (plate_ok && p < s->plates->n)
        s->plate_hits[p]++;
    if (company_ok && c < s->companies->n)
        s->company_hits[c]++;
    if (plate_ok && company_ok)
        s->selected++;
    return plate_ok && company_ok;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

bool sel_end(const sel_ctx *s, const char *cmd, FILE *msg)
{
    bool ok = true;
    const char **labels = NULL;
    size_t nl = 0;
    for (size_t i = 0; i < s->plates->n; i++) {
        if (s->plate_hits[i])
            continue;
        if (!labels && s->nlabels) {
            /* distinct labels, sorted, for the nearest names */
            labels = xmalloc(s->nlabels * sizeof *labels);
            memcpy(labels, s->labels, s->nlabels * sizeof *labels);
            qsort(labels, s->nlabels, sizeof *labels, cmp_str);
            for (size_t k = 0; k < s->nlabels; k++)
                if (!nl || strcmp(labels[nl - 1], labels[k]) != 0)
                    labels[nl++] = labels[k];
        }
        ok = false;
        fprintf(msg, "roadlog %s: --plate %s matches no vehicle of the input data (%zu vehicle%s)", cmd,
                s->plates->v[i], nl, nl == 1 ? "" : "s");
        size_t near[5];
        size_t nn = sel_nearest(s->plates->v[i], labels, nl, near, 5);
        if (nn) {
            fputs("; nearest: ", msg);
            list_names(msg, labels, near, nn);
        }
        fputc('\n', msg);
    }
    free(labels);
    for (size_t i = 0; i < s->companies->n; i++)
        if (!s->company_hits[i]) {
            ok = false;
            fprintf(msg, "roadlog %s: --company '%s': none of its vehicles is in the input data\n", cmd,
                    s->companies->v[i]);
        }
    if (ok && !s->selected && (s->plates->n || s->companies->n)) {
        ok = false;
        fprintf(msg, "roadlog %s: no vehicle is both one of --plate %s and of --company '%s'\n", cmd,
                s->plates->joined ? s->plates->joined : "", s->companies->joined ? s->companies->joined : "");
    }
    return ok;
}

void sel_ctx_free(sel_ctx *s)
{
    free(s->plate_hits);
    free(s->company_hits);
    free(s->labels);
    memset(s, 0, sizeof *s);
}
