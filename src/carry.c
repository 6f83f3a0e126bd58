/*
 * carry.c - the carry folder (see carry.h).
 *
 *   manifest        text, written last: "roadlog-carry 1", version, tz,
 *                   run, chain, "rule ID = VALUE" for every rule, then
 *                   "file NAME SIZE SHA256" for every other file
 *   vehicles-N.bin  blocks: "RLCV", key (label, colour, by_phone),
 *                   raw and compressed sizes, the LZ4-compressed record
 *   rest.bin        raw and compressed sizes, the compressed rest
 */
#include "carry.h"

#include <errno.h>
#include <fcntl.h>
#include <lz4.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source.h"
#include "util.h"

#define CARRY_FORMAT "roadlog-carry 1"
#define BLOCK_MAGIC 0x56434c52u /* "RLCV" */
/* A record or the rest is at most this once decompressed: a bound on
 * what a damaged (or hostile) carry can make us allocate. */
#define RECORD_MAX ((size_t)1 << 31)

/* ---- bytes ---- */

static void cb_room(cbuf *b, size_t n)
{
    if (b->n + n <= b->cap)
        return;
    size_t cap = b->cap ? b->cap * 2 : 256;
    while (cap < b->n + n)
        cap *= 2;
    b->p = xrealloc(b->p, cap);
    b->cap = cap;
}

void cb_bytes(cbuf *b, const void *p, size_t n)
{
    if (!n)
        return;
    cb_room(b, n);
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

void cb_u8(cbuf *b, uint8_t v) { cb_bytes(b, &v, 1); }

void cb_u32(cbuf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
    cb_bytes(b, x, 4);
}

void cb_u64(cbuf *b, uint64_t v)
{
    cb_u32(b, (uint32_t)v);
    cb_u32(b, (uint32_t)(v >> 32));
}

void cb_i64(cbuf *b, int64_t v) { cb_u64(b, (uint64_t)v); }

void cb_str(cbuf *b, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    cb_u32(b, (uint32_t)n);
    cb_bytes(b, s, n);
}

void cb_uvar(cbuf *b, uint64_t v)
{
    unsigned char x[10];
    cb_bytes(b, x, uvar_put(x, v));
}

void cb_svar(cbuf *b, int64_t v) { cb_uvar(b, zigzag(v)); }

void cb_free(cbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

void cr_init(crd *r, const void *p, size_t n)
{
    r->p = p;
    r->n = n;
    r->at = 0;
    r->bad = false;
}

static const unsigned char *cr_take(crd *r, size_t n)
{
    if (r->bad || n > r->n - r->at) {
        r->bad = true;
        return NULL;
    }
    const unsigned char *p = r->p + r->at;
    r->at += n;
    return p;
}

uint8_t cr_u8(crd *r)
{
    const unsigned char *p = cr_take(r, 1);
    return p ? p[0] : 0;
}

uint32_t cr_u32(crd *r)
{
    const unsigned char *p = cr_take(r, 4);
    return p ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24 : 0;
}

uint64_t cr_u64(crd *r)
{
    uint64_t lo = cr_u32(r);
    return lo | (uint64_t)cr_u32(r) << 32;
}

int64_t cr_i64(crd *r) { return (int64_t)cr_u64(r); }

uint64_t cr_uvar(crd *r)
{
    uint64_t v = 0;
    if (r->bad || !uvar_get(r->p, r->n, &r->at, &v))
        r->bad = true;
    return v;
}

int64_t cr_svar(crd *r) { return unzigzag(cr_uvar(r)); }

void cr_bytes(crd *r, void *out, size_t n)
{
    const unsigned char *p = cr_take(r, n);
    if (p)
        memcpy(out, p, n);
    else
        memset(out, 0, n);
}

char *cr_str(crd *r)
{
    uint32_t n = cr_u32(r);
    const unsigned char *p = cr_take(r, n);
    return p ? xstrndup((const char *)p, n) : xstrdup("");
}

/* ---- writing ---- */

typedef struct {
    FILE *f;
    char *name;
    cbuf block;
} carry_file;

struct carry_writer {
    char *dir;
    unsigned workers;
    carry_file *veh;         /* one per worker */
    carry_file rest;
    bool failed;
    int err;
};

/* Files are written as NAME.part and put in place by the caller
 * (outfiles.h), with the rest of the run's outputs. */
static FILE *open_in(const char *dir, const char *name, char **path)
{
    rl_buf b = {0};
    buf_printf(&b, "%s/%s.part", dir, name);
    FILE *f = fopen(b.p, "wb");
    *path = b.p;
    return f;
}

const char *carry_file_name(unsigned workers, unsigned i, char *buf, size_t n)
{
    if (i < workers)
        snprintf(buf, n, "vehicles-%u.bin", i);
    else if (i == workers)
        snprintf(buf, n, "rest.bin");
    else if (i == workers + 1)
        snprintf(buf, n, "manifest");
    else
        return NULL;
    return buf;
}

carry_writer *carry_writer_new(const char *dir, unsigned workers, char *err, size_t errlen)
{
    if (!make_dirs(dir)) {
        snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
        return NULL;
    }
    carry_writer *w = xcalloc(1, sizeof *w);
    w->dir = xstrdup(dir);
    w->workers = workers ? workers : 1;
    w->veh = xcalloc(w->workers, sizeof *w->veh);
    for (unsigned i = 0; i < w->workers; i++) {
        char name[32];
        snprintf(name, sizeof name, "vehicles-%u.bin", i);
        char *path;
        w->veh[i].f = open_in(dir, name, &path);
        free(path);
        w->veh[i].name = xstrdup(name);
        if (!w->veh[i].f) {
            snprintf(err, errlen, "cannot write %s/%s: %s", dir, name, strerror(errno));
            carry_writer_free(w);
            return NULL;
        }
    }
    return w;
}

static bool write_block(FILE *f, const cbuf *head, const cbuf *raw)
{
    int bound = LZ4_compressBound((int)raw->n);
    char *c = xmalloc((size_t)bound + 1);
    int clen = raw->n ? LZ4_compress_default((const char *)raw->p, c, (int)raw->n, bound) : 0;
    cbuf h = {0};
    cb_bytes(&h, head->p, head->n);
    cb_u32(&h, (uint32_t)raw->n);
    cb_u32(&h, (uint32_t)clen);
    bool ok = clen >= 0 && fwrite(h.p, 1, h.n, f) == h.n && fwrite(c, 1, (size_t)clen, f) == (size_t)clen;
    cb_free(&h);
    free(c);
    return ok;
}

void carry_put_vehicle(carry_writer *w, unsigned worker, const char *label, int color, bool by_phone,
                       const cbuf *record)
{
    carry_file *cf = &w->veh[worker < w->workers ? worker : 0];
    if (record->n >= RECORD_MAX)
        die("a vehicle's carry record is too large");
    cbuf head = {0};
    cb_u32(&head, BLOCK_MAGIC);
    cb_str(&head, label);
    cb_u8(&head, (uint8_t)color);
    cb_u8(&head, by_phone);
    if (!write_block(cf->f, &head, record))
        w->failed = true;
    cb_free(&head);
}

void carry_put_rest(carry_writer *w, const cbuf *rest)
{
    char *path;
    w->rest.f = open_in(w->dir, "rest.bin", &path);
    free(path);
    w->rest.name = xstrdup("rest.bin");
    cbuf none = {0};
    if (!w->rest.f || !write_block(w->rest.f, &none, rest))
        w->failed = true;
}

/* Size and SHA-256 of a file. */
static bool file_digest(const char *path, uint64_t *size, char hex[65])
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return false;
    rl_sha256 *h = rl_sha256_new();
    unsigned char buf[1 << 16];
    ssize_t n;
    uint64_t total = 0;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        rl_sha256_update(h, buf, (size_t)n);
        total += (uint64_t)n;
    }
    rl_sha256_final(h, hex);
    close(fd);
    *size = total;
    return n == 0;
}

static bool close_file(carry_file *cf)
{
    if (!cf->f)
        return true;
    bool ok = !ferror(cf->f);
    if (fclose(cf->f) != 0)
        ok = false;
    cf->f = NULL;
    return ok;
}

/* The rules as "ID = VALUE" lines, comments dropped. */
static void rule_lines(const char *rules, cbuf *out)
{
    const char *p = rules;
    while (p && *p) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n && p[0] != '#') {
            size_t k = n;
            const char *hash = memchr(p, '#', n);
            if (hash)
                k = (size_t)(hash - p);
            while (k && (p[k - 1] == ' ' || p[k - 1] == '\t'))
                k--;
            if (k) {
                cb_bytes(out, "rule ", 5);
                cb_bytes(out, p, k);
                cb_u8(out, '\n');
            }
        }
        p = e ? e + 1 : NULL;
    }
}

bool carry_writer_finish(carry_writer *w, const carry_head *h)
{
    bool ok = !w->failed;
    for (unsigned i = 0; i < w->workers; i++)
        ok &= close_file(&w->veh[i]);
    ok &= close_file(&w->rest);
    if (!ok) {
        errno = errno ? errno : EIO;
        return false;
    }
    cbuf m = {0};
    rl_buf b = {0};
    int32_t a = h->tz < 0 ? -h->tz : h->tz;
    buf_printf(&b, "%s\nversion %s\ntz %c%02d:%02d\nrun %s\nchain %u\n", CARRY_FORMAT, h->version,
               h->tz < 0 ? '-' : '+', a / 3600, a / 60 % 60, h->run_id, h->chain_seq);
    cb_bytes(&m, b.p, b.len);
    buf_free(&b);
    rule_lines(h->rules, &m);
    for (unsigned i = 0; i <= w->workers; i++) {
        carry_file *cf = i < w->workers ? &w->veh[i] : &w->rest;
        if (!cf->name)
            continue;
        rl_buf path = {0};
        buf_printf(&path, "%s/%s.part", w->dir, cf->name);
        uint64_t size;
        char hex[65];
        bool got = file_digest(path.p, &size, hex);
        buf_free(&path);
        if (!got)
            return false;
        rl_buf line = {0};
        buf_printf(&line, "file %s %llu %s\n", cf->name, (unsigned long long)size, hex);
        cb_bytes(&m, line.p, line.len);
        buf_free(&line);
    }
    char *path;
    FILE *f = open_in(w->dir, "manifest", &path);
    free(path);
    ok = f && fwrite(m.p, 1, m.n, f) == m.n;
    if (f && fclose(f) != 0)
        ok = false;
    cb_free(&m);
    return ok;
}

void carry_writer_free(carry_writer *w)
{
    if (!w)
        return;
    for (unsigned i = 0; i < w->workers; i++) {
        if (w->veh[i].f)
            fclose(w->veh[i].f);
        free(w->veh[i].name);
        cb_free(&w->veh[i].block);
    }
    free(w->veh);
    if (w->rest.f)
        fclose(w->rest.f);
    free(w->rest.name);
    free(w->dir);
    free(w);
}

/* ---- reading ---- */

typedef struct {
    char *label;
    int color;
    bool by_phone;
    int fd;
    uint64_t offset;         /* of the compressed bytes */
    uint32_t raw, clen;
} vref;

struct carry_in {
    char *run_id;
    unsigned chain_seq;
    int *fds;
    size_t nfds;
    vref *v;
    size_t nv, capv;
    cbuf rest;
};

/* The next line of a text, NUL-terminated in place. */
static char *next_line(char **p)
{
    char *s = *p;
    if (!s || !*s)
        return NULL;
    char *e = strchr(s, '\n');
    if (e) {
        *e = 0;
        *p = e + 1;
    } else {
        *p = s + strlen(s);
    }
    return s;
}

static bool read_all(int fd, uint64_t off, void *p, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(fd, (char *)p + got, n - got, (off_t)(off + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        got += (size_t)r;
    }
    return true;
}

/* Index a vehicles file: the block headers. */
static bool index_vehicles(carry_in *c, int fd, uint64_t size)
{
    uint64_t off = 0;
    while (off < size) {
        unsigned char h[8];
        if (!read_all(fd, off, h, 8))
            return false;
        crd r;
        cr_init(&r, h, 8);
        uint32_t magic = cr_u32(&r), llen = cr_u32(&r);
        if (magic != BLOCK_MAGIC || llen > 4096)
            return false;
        unsigned char *rest = xmalloc(llen + 10);
        bool ok = read_all(fd, off + 8, rest, llen + 10);
        if (!ok) {
            free(rest);
            return false;
        }
        cr_init(&r, rest, llen + 10);
        char *label = xstrndup((const char *)rest, llen);
        r.at = llen;
        int color = cr_u8(&r);
        bool by_phone = cr_u8(&r) != 0;
        uint32_t raw = cr_u32(&r), clen = cr_u32(&r);
        free(rest);
        uint64_t data = off + 8 + llen + 10;
        if (data + clen > size || raw >= RECORD_MAX) {
            free(label);
            return false;
        }
        if (c->nv == c->capv) {
            c->capv = c->capv ? c->capv * 2 : 256;
            c->v = xrealloc(c->v, c->capv * sizeof *c->v);
        }
        c->v[c->nv++] = (vref){label, color, by_phone, fd, data, raw, clen};
        off = data + clen;
    }
    return true;
}

static bool decompress(int fd, uint64_t off, uint32_t raw, uint32_t clen, cbuf *out)
{
    out->n = 0;
    char *c = xmalloc(clen ? clen : 1);
    bool ok = read_all(fd, off, c, clen);
    if (ok && raw) {
        cb_room(out, raw);
        ok = LZ4_decompress_safe(c, (char *)out->p, (int)clen, (int)raw) == (int)raw;
        if (ok)
            out->n = raw;
    }
    free(c);
    return ok;
}

carry_in *carry_open(const char *prev_dir, const carry_head *h, char *err, size_t errlen, bool *usage)
{
    *usage = false;
    rl_buf dir = {0};
    buf_printf(&dir, "%s/carry", prev_dir);
    rl_buf mpath = {0};
    buf_printf(&mpath, "%s/manifest", dir.p);
    carry_in *c = xcalloc(1, sizeof *c);
    char *text = NULL;
    FILE *f = fopen(mpath.p, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: no carry to resume from (%s): is it the output folder of a roadlog analyze?",
                 prev_dir, strerror(errno));
        goto fail;
    }
    {
        rl_buf t = {0};
        char b[4096];
        size_t n;
        while ((n = fread(b, 1, sizeof b, f)) > 0 && t.len < (1u << 20))
            buf_put(&t, b, n);
        fclose(f);
        text = t.p ? t.p : xstrdup("");
    }
    char *p = text, *line = next_line(&p);
    if (!line || strcmp(line, CARRY_FORMAT) != 0) {
        snprintf(err, errlen, "%s: not a carry roadlog reads (its manifest does not start with \"%s\")", dir.p,
                 CARRY_FORMAT);
        goto fail;
    }
    /* what must agree: version, zone, rules */
    cbuf want = {0};
    rule_lines(h->rules, &want);
    cb_u8(&want, 0);
    char *wp = (char *)want.p;
    int32_t a = h->tz < 0 ? -h->tz : h->tz;
    char tz[16];
    snprintf(tz, sizeof tz, "%c%02d:%02d", h->tz < 0 ? '-' : '+', a / 3600, a / 60 % 60);
    bool rules_done = false;
    while ((line = next_line(&p))) {
        if (strncmp(line, "version ", 8) == 0) {
            if (strcmp(line + 8, h->version) != 0) {
                snprintf(err, errlen, "%s was written by roadlog %s, this is %s: a carry is read by the version that "
                         "wrote it (run the chain again with one version)", dir.p, line + 8, h->version);
                *usage = true;
                cb_free(&want);
                goto fail;
            }
        } else if (strncmp(line, "tz ", 3) == 0) {
            if (strcmp(line + 3, tz) != 0) {
                snprintf(err, errlen, "%s was made with --tz %s, this run has %s: a chain keeps one time zone", dir.p,
                         line + 3, tz);
                *usage = true;
                cb_free(&want);
                goto fail;
            }
        } else if (strncmp(line, "run ", 4) == 0) {
            c->run_id = xstrdup(line + 4);
        } else if (strncmp(line, "chain ", 6) == 0) {
            c->chain_seq = (unsigned)strtoul(line + 6, NULL, 10);
        } else if (strncmp(line, "rule ", 5) == 0) {
            char *wl = next_line(&wp);
            if (!wl || strcmp(wl, line) != 0) {
                /* name the rule: "ID = VALUE" on both sides */
                const char *mine = wl ? wl + 5 : "(none)";
                snprintf(err, errlen, "%s was made with other rules: it has %s, this run has %s (a chain keeps "
                         "one set of rules)", dir.p, line + 5, mine);
                *usage = true;
                cb_free(&want);
                goto fail;
            }
        } else if (strncmp(line, "file ", 5) == 0) {
            if (!rules_done) {
                rules_done = true;
                char *wl = next_line(&wp);
                if (wl && *wl) {
                    snprintf(err, errlen, "%s was made with other rules: this run has %s, which it does not (a chain "
                             "keeps one set of rules)", dir.p, wl + 5);
                    *usage = true;
                    cb_free(&want);
                    goto fail;
                }
            }
            char name[256], hex[80];
            unsigned long long size;
            if (sscanf(line + 5, "%255s %llu %79s", name, &size, hex) != 3 || strchr(name, '/')) {
                snprintf(err, errlen, "%s: damaged manifest line: %s", dir.p, line);
                cb_free(&want);
                goto fail;
            }
            rl_buf fp = {0};
            buf_printf(&fp, "%s/%s", dir.p, name);
            uint64_t got_size;
            char got_hex[65];
            bool read_ok = file_digest(fp.p, &got_size, got_hex);
            if (!read_ok || got_size != size || strcmp(got_hex, hex) != 0) {
                snprintf(err, errlen, "%s: the carry is damaged (%s %s): it cannot be resumed from", dir.p, name,
                         read_ok ? "does not match its checksum" : "cannot be read");
                buf_free(&fp);
                cb_free(&want);
                goto fail;
            }
            int fd = open(fp.p, O_RDONLY);
            buf_free(&fp);
            if (fd < 0) {
                snprintf(err, errlen, "%s/%s: %s", dir.p, name, strerror(errno));
                cb_free(&want);
                goto fail;
            }
            c->fds = xrealloc(c->fds, (c->nfds + 1) * sizeof *c->fds);
            c->fds[c->nfds++] = fd;
            bool ok;
            if (strcmp(name, "rest.bin") == 0) {
                unsigned char hb[8];
                ok = read_all(fd, 0, hb, 8);
                crd r;
                cr_init(&r, hb, 8);
                uint32_t raw = cr_u32(&r), clen = cr_u32(&r);
                ok = ok && raw < RECORD_MAX && 8 + (uint64_t)clen == size && decompress(fd, 8, raw, clen, &c->rest);
            } else {
                ok = index_vehicles(c, fd, size);
            }
            if (!ok) {
                snprintf(err, errlen, "%s: the carry is damaged (%s cannot be read)", dir.p, name);
                cb_free(&want);
                goto fail;
            }
        }
    }
    cb_free(&want);
    if (!c->run_id) {
        snprintf(err, errlen, "%s: damaged manifest (no run id)", dir.p);
        goto fail;
    }
    free(text);
    buf_free(&dir);
    buf_free(&mpath);
    return c;
fail:
    free(text);
    buf_free(&dir);
    buf_free(&mpath);
    carry_close(c);
    return NULL;
}

void carry_close(carry_in *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nfds; i++)
        close(c->fds[i]);
    free(c->fds);
    for (size_t i = 0; i < c->nv; i++)
        free(c->v[i].label);
    free(c->v);
    cb_free(&c->rest);
    free(c->run_id);
    free(c);
}

const char *carry_run_id(const carry_in *c) { return c->run_id; }
unsigned carry_chain_seq(const carry_in *c) { return c->chain_seq; }
size_t carry_nvehicles(const carry_in *c) { return c->nv; }

void carry_vehicle_key(const carry_in *c, size_t i, const char **label, int *color, bool *by_phone)
{
    *label = c->v[i].label;
    *color = c->v[i].color;
    *by_phone = c->v[i].by_phone;
}

bool carry_vehicle_record(const carry_in *c, size_t i, cbuf *out)
{
    const vref *v = &c->v[i];
    return decompress(v->fd, v->offset, v->raw, v->clen, out);
}

const cbuf *carry_rest(const carry_in *c) { return &c->rest; }
