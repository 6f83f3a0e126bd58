/*
 * rlrec.c - record files (see rlrec.h for the layout).
 *
 * The writer gathers records into a block and compresses it with LZ4
 * (Debian liblz4, already what the memory spill uses): a position is
 * about 40 raw bytes, and a block of a day's interleaved vehicles
 * compresses 2-3 times, since plates and drivers repeat.  The reader is
 * push-style like every parser: bytes in any chunk size, one block held
 * at a time; reads inside a block go through a checked cursor, so a
 * damaged file stops with its offset and a reason, never reads past a
 * block.
 */
#include "rlrec.h"

#include <dirent.h>
#include <errno.h>
#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "util.h"

enum { T_INPUT = 0x01, T_BEGIN = 0x02, T_END = 0x03, T_POS = 0x10, T_WEIGH = 0x11, T_REG = 0x12, T_REJECT = 0x13,
       T_COUNT = 0x14 };
enum { F_GZIP = 1, F_TRUNCATED = 2, F_UNREADABLE = 4 };
enum { W_WIM = 1, W_SPEED = 2, W_POS = 4 };
#define BLOCK_HEAD 14
#define HAVE_ALL (RL_HAVE_HEADING | RL_HAVE_ALTITUDE | RL_HAVE_STATUS | RL_HAVE_ALARM | RL_HAVE_MILEAGE)

/* Block heads are little-endian whatever the machine. */
static void store_le32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t load_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ==== writing ==== */

struct rlrec_writer {
    FILE *f;
    unsigned char *blk;      /* the open data block */
    size_t len, cap, block_size;
    char *packed;            /* its LZ4 form */
    size_t packed_cap;
    uint64_t blocks, records;
    bool failed;
    int err;
};

static void reserve(rlrec_writer *w, size_t n)
{
    if (w->len + n <= w->cap)
        return;
    while (w->len + n > w->cap)
        w->cap *= 2;
    w->blk = xrealloc(w->blk, w->cap);
}

/* Room for the fixed-size fields of a record (11 varints of 10 bytes). */
#define REC_FIXED 160

static inline void put_u(rlrec_writer *w, uint64_t v)
{
    unsigned char *p = w->blk + w->len;
    while (v >= 0x80) {
        *p++ = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    *p++ = (unsigned char)v;
    w->len = (size_t)(p - w->blk);
}

static inline void put_s(rlrec_writer *w, int64_t v) { put_u(w, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63)); }

static void put_str(rlrec_writer *w, const char *s, size_t n)
{
    if (!s)
        n = 0;
    reserve(w, n + 10);
    put_u(w, n);
    if (n)
        memcpy(w->blk + w->len, s, n);
    w->len += n;
}

static void put_cstr(rlrec_writer *w, const char *s) { put_str(w, s, s ? strlen(s) : 0); }

static void write_block(rlrec_writer *w, char type, const unsigned char *raw, size_t n, bool compress)
{
    if (w->failed)
        return;
    unsigned char head[BLOCK_HEAD];
    unsigned char *packed = NULL;
    const unsigned char *data = raw;
    size_t dn = n;
    if (compress && n > 0) {
        int bound = LZ4_compressBound((int)n);
        if (w->packed_cap < (size_t)bound) {
            free(w->packed);
            w->packed_cap = (size_t)bound;
            w->packed = xmalloc(w->packed_cap);
        }
        packed = (unsigned char *)w->packed;
        int k = LZ4_compress_default((const char *)raw, (char *)packed, (int)n, bound);
        if (k > 0 && (size_t)k < n) {
            data = packed;
            dn = (size_t)k;
        }
    }
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, raw, (uInt)n);
    head[0] = (unsigned char)type;
    head[1] = data == raw ? 0 : 1;
    store_le32(head + 2, (uint32_t)n);
    store_le32(head + 6, (uint32_t)dn);
    store_le32(head + 10, (uint32_t)crc);
    if (fwrite(head, 1, sizeof head, w->f) != sizeof head || (dn && fwrite(data, 1, dn, w->f) != dn)) {
        w->failed = true;
        w->err = errno ? errno : EIO;
    }
}

static void flush_data(rlrec_writer *w)
{
    if (w->len == 0)
        return;
    write_block(w, 'D', w->blk, w->len, true);
    w->blocks++;
    w->len = 0;
}

/* A record is complete: count it, and close the block when it is full. */
static void rec_done(rlrec_writer *w)
{
    w->records++;
    if (w->len >= w->block_size)
        flush_data(w);
}

rlrec_writer *rlrec_create(const char *path, const rlrec_head *h, size_t block_size)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return NULL;
    rlrec_writer *w = xcalloc(1, sizeof *w);
    w->f = f;
    w->block_size = block_size < 1024 ? 1024 : block_size;
    w->cap = w->block_size + 4096;
    w->blk = xmalloc(w->cap);
    if (fwrite(RLREC_MAGIC, 1, RLREC_MAGIC_LEN, f) != RLREC_MAGIC_LEN) {
        w->failed = true;
        w->err = errno ? errno : EIO;
    }
    reserve(w, REC_FIXED);
    put_u(w, RLREC_VERSION);
    put_u(w, h->parts);
    put_u(w, h->part);
    put_u(w, h->first_global);
    put_s(w, h->tz);
    put_cstr(w, h->version);
    put_u(w, h->jt808_dialect);
    write_block(w, 'H', w->blk, w->len, false);
    w->len = 0;
    return w;
}

void rlrec_input(rlrec_writer *w, unsigned j, uint32_t global, const char *name, const char *path)
{
    reserve(w, REC_FIXED);
    w->blk[w->len++] = T_INPUT;
    put_u(w, j);
    put_u(w, global);
    put_cstr(w, name);
    put_cstr(w, path);
    rec_done(w);
}

void rlrec_begin(rlrec_writer *w, unsigned j, rl_loc_kind loc, const char *kind)
{
    reserve(w, REC_FIXED);
    w->blk[w->len++] = T_BEGIN;
    put_u(w, j);
    put_u(w, (uint64_t)loc);
    put_cstr(w, kind);
    rec_done(w);
}

void rlrec_end(rlrec_writer *w, unsigned j, const rlrec_stats *st)
{
    reserve(w, REC_FIXED);
    w->blk[w->len++] = T_END;
    put_u(w, j);
    put_u(w, (st->gzip ? F_GZIP : 0) | (st->truncated ? F_TRUNCATED : 0) | (st->unreadable ? F_UNREADABLE : 0));
    put_u(w, st->size);
    put_cstr(w, st->sha256);
    put_cstr(w, st->encoding);
    reserve(w, REC_FIXED);
    w->blk[w->len++] = (unsigned char)st->delimiter;
    put_u(w, st->records);
    put_cstr(w, st->error);
    rec_done(w);
}

static void put_origin(rlrec_writer *w, rl_origin o)
{
    put_u(w, RL_ORIGIN_FILE(o));
    put_u(w, RL_ORIGIN_POS(o));
}

/* A terminal's video and active-safety items (JT808.md §14), every field. */
static void put_safety(rlrec_writer *w, const rl_safety *sf)
{
    reserve(w, REC_FIXED);
    put_u(w, sf != NULL);
    if (!sf)
        return;
    const rl_video *v = &sf->video;
    unsigned n = sf->nitems > RL_AS_MAX_ITEMS ? RL_AS_MAX_ITEMS : sf->nitems;
    put_u(w, v->have);
    put_u(w, v->alarm);
    put_u(w, v->signal_loss);
    put_u(w, v->occlusion);
    put_u(w, v->storage);
    put_u(w, v->driving);
    put_u(w, v->fatigue);
    put_u(w, n);
    for (unsigned i = 0; i < n; i++) {
        const rl_as_item *it = &sf->items[i];
        unsigned nt = it->ntyres > RL_AS_MAX_TYRES ? RL_AS_MAX_TYRES : it->ntyres;
        size_t idn = it->terminal_id_len < sizeof it->terminal_id ? it->terminal_id_len : sizeof it->terminal_id - 1;
        reserve(w, REC_FIXED + 60 + sizeof it->terminal_id + (size_t)nt * 50);
        const uint64_t small[] = {it->kind,       it->flag,       it->type,     it->level,      it->fatigue,
                                  it->lead_speed_kmh, it->headway_ds, it->ldw_side, it->sign_type, it->sign_value,
                                  it->speed_kmh,  it->seq,        it->attachments, it->altitude_m, it->vstatus,
                                  it->alarm_id};
        for (size_t k = 0; k < sizeof small / sizeof small[0]; k++)
            put_u(w, small[k]);
        put_s(w, it->lat_e6);
        put_s(w, it->lon_e6);
        put_s(w, it->time);
        put_u(w, idn);
        memcpy(w->blk + w->len, it->terminal_id, idn);
        w->len += idn;
        put_u(w, nt);
        for (unsigned t = 0; t < nt; t++) {
            const rl_tyre *ty = &it->tyres[t];
            put_u(w, ty->position);
            put_u(w, ty->alarm);
            put_u(w, ty->kpa);
            put_s(w, ty->celsius);
            put_u(w, ty->battery_pct);
        }
    }
}

void rlrec_position(rlrec_writer *w, const rl_position *p)
{
    reserve(w, REC_FIXED);
    w->blk[w->len++] = T_POS;
    put_origin(w, p->origin);
    put_s(w, p->time);
    put_s(w, p->lat_e6);
    put_s(w, p->lon_e6);
    put_s(w, p->speed_mkmh);
    unsigned have = p->have & HAVE_ALL;
    put_u(w, have);
    if (have & RL_HAVE_HEADING)
        put_s(w, p->heading);
    if (have & RL_HAVE_ALTITUDE)
        put_s(w, p->altitude_m);
    if (have & RL_HAVE_STATUS)
        put_u(w, p->status);
    if (have & RL_HAVE_ALARM)
        put_u(w, p->alarm);
    if (have & RL_HAVE_MILEAGE)
        put_s(w, p->mileage_m);
    put_s(w, p->color);
    put_str(w, p->plate, p->plate_len);
    put_str(w, p->phone, p->phone_len);
    put_str(w, p->driver, p->driver_len);
    put_safety(w, p->safety);
    rec_done(w);
}

void rlrec_weighing(rlrec_writer *w, const rl_weighing *x)
{
    reserve(w, REC_FIXED);
    w->blk[w->len++] = T_WEIGH;
    put_origin(w, x->origin);
    put_s(w, x->time);
    put_str(w, x->station, x->station_len);
    put_str(w, x->plate, x->plate_len);
    int naxle = x->naxle_kg < 0 ? 0 : x->naxle_kg > RL_MAX_AXLES ? RL_MAX_AXLES : x->naxle_kg;
    reserve(w, REC_FIXED + 10 * RL_MAX_AXLES);
    put_s(w, x->color);
    put_s(w, x->axles);
    put_s(w, x->gross_kg);
    put_u(w, (uint64_t)naxle);
    for (int i = 0; i < naxle; i++)
        put_s(w, x->axle_kg[i]);
    put_u(w, (x->wim ? W_WIM : 0) | (x->have_speed ? W_SPEED : 0) | (x->have_pos ? W_POS : 0));
    if (x->have_speed)
        put_s(w, x->speed_mkmh);
    put_s(w, x->passengers);
    if (x->have_pos) {
        put_s(w, x->lat_e6);
        put_s(w, x->lon_e6);
    }
    rec_done(w);
}

void rlrec_registration(rlrec_writer *w, rl_origin o, const char *phone, size_t phone_len, const char *plate,
                        size_t plate_len, int color)
{
    reserve(w, REC_FIXED);
    w->blk[w->len++] = T_REG;
    put_origin(w, o);
    put_str(w, phone, phone_len);
    put_str(w, plate, plate_len);
    reserve(w, REC_FIXED);
    put_s(w, color);
    rec_done(w);
}

void rlrec_reject(rlrec_writer *w, rl_origin o, const char *reason, const void *raw, size_t raw_len)
{
    reserve(w, REC_FIXED);
    w->blk[w->len++] = T_REJECT;
    put_origin(w, o);
    put_cstr(w, reason);
    put_str(w, raw, raw_len > RLREC_EXCERPT_MAX ? RLREC_EXCERPT_MAX : raw_len);
    rec_done(w);
}

void rlrec_count(rlrec_writer *w, const char *name, uint64_t n)
{
    reserve(w, REC_FIXED);
    w->blk[w->len++] = T_COUNT;
    put_cstr(w, name);
    reserve(w, REC_FIXED);
    put_u(w, n);
    rec_done(w);
}

uint64_t rlrec_records(const rlrec_writer *w) { return w->records; }

bool rlrec_close(rlrec_writer *w)
{
    flush_data(w);
    reserve(w, REC_FIXED);
    put_u(w, w->blocks);
    put_u(w, w->records);
    write_block(w, 'E', w->blk, w->len, false);
    bool ok = !w->failed;
    int err = w->err;
    if (fflush(w->f) != 0 || ferror(w->f)) {
        if (ok)
            err = errno ? errno : EIO;
        ok = false;
    }
    if (fclose(w->f) != 0 && ok) {
        err = errno ? errno : EIO;
        ok = false;
    }
    free(w->blk);
    free(w->packed);
    free(w);
    if (!ok)
        errno = err;
    return ok;
}

/* ==== reading ==== */

/* A checked cursor over one block's raw bytes. */
typedef struct {
    const unsigned char *p, *e;
    bool bad;
} cur;

static uint64_t get_u(cur *c)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (c->p >= c->e) {
            c->bad = true;
            return 0;
        }
        unsigned char b = *c->p++;
        if (shift == 63 && b > 1) {
            c->bad = true;
            return 0;
        }
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return v;
    }
    c->bad = true;
    return 0;
}

static int64_t get_s(cur *c)
{
    uint64_t u = get_u(c);
    return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

/* A signed value that must fit [lo, hi]. */
static int64_t get_range(cur *c, int64_t lo, int64_t hi)
{
    int64_t v = get_s(c);
    if (v < lo || v > hi) {
        c->bad = true;
        return 0;
    }
    return v;
}

static uint32_t get_u32(cur *c)
{
    uint64_t v = get_u(c);
    if (v > UINT32_MAX) {
        c->bad = true;
        return 0;
    }
    return (uint32_t)v;
}

static unsigned get_byte(cur *c)
{
    if (c->p >= c->e) {
        c->bad = true;
        return 0;
    }
    return *c->p++;
}

/* A string: points into the block (not NUL-terminated); NULL when empty. */
static const char *get_str(cur *c, size_t *n)
{
    uint64_t len = get_u(c);
    if (c->bad || len > (uint64_t)(c->e - c->p)) {
        c->bad = true;
        *n = 0;
        return NULL;
    }
    const char *s = (const char *)c->p;
    c->p += len;
    *n = (size_t)len;
    return len ? s : NULL;
}

struct rlrec_dec {
    rl_sink sink;
    rlrec_meta meta;
    enum { S_MAGIC, S_HEAD, S_DATA, S_DONE, S_STOP } st;
    unsigned char head[BLOCK_HEAD];
    size_t head_have;
    unsigned char *data;     /* a block's bytes gathered across chunks */
    size_t data_cap, data_have, data_len, raw_len;
    unsigned char *raw;      /* a block decompressed */
    size_t raw_cap;
    unsigned type, flags;
    uint32_t crc;
    uint64_t off;            /* bytes taken so far */
    uint64_t block_off;      /* where the current block starts */
    bool head_seen, data_seen;
    uint64_t blocks, records;
    unsigned *map;           /* input j -> index */
    size_t nmap;
    rl_safety safety;        /* a position's items, while it is delivered */
    char err[256];
    uint64_t err_off;
};

rlrec_dec *rlrec_dec_new(const rl_sink *sink, const rlrec_meta *meta)
{
    rlrec_dec *d = xcalloc(1, sizeof *d);
    d->sink = *sink;
    d->meta = *meta;
    return d;
}

void rlrec_dec_free(rlrec_dec *d)
{
    if (!d)
        return;
    free(d->data);
    free(d->raw);
    free(d->map);
    free(d);
}

static bool fail(rlrec_dec *d, const char *why)
{
    if (d->st != S_STOP) {
        snprintf(d->err, sizeof d->err, "%s", why);
        d->err_off = d->block_off;
    }
    d->st = S_STOP;
    return false;
}

static bool stop(rlrec_dec *d)
{
    d->st = S_STOP;
    return false;
}

/* An origin: input j (declared) and a position of 48 bits. */
static rl_origin get_origin(rlrec_dec *d, cur *c)
{
    uint64_t j = get_u(c), pos = get_u(c);
    if (j >= d->nmap || pos > 0xFFFFFFFFFFFFull) {
        c->bad = true;
        return 0;
    }
    return RL_ORIGIN(d->map[j], pos);
}

/* A string as a C string (for callbacks that take one): copied into buf
 * of cap bytes; a string with a NUL or longer than cap - 1 is damage. */
static const char *get_cstr(cur *c, char *buf, size_t cap)
{
    size_t n;
    const char *s = get_str(c, &n);
    if (c->bad || n >= cap || (n && memchr(s, 0, n))) {
        c->bad = true;
        buf[0] = 0;
        return buf;
    }
    if (n)
        memcpy(buf, s, n);
    buf[n] = 0;
    return buf;
}

/* An unsigned value that must fit [0, max]. */
static uint64_t get_max(cur *c, uint64_t max)
{
    uint64_t v = get_u(c);
    if (v > max) {
        c->bad = true;
        return 0;
    }
    return v;
}

static bool get_safety(cur *c, rl_safety *sf)
{
    memset(sf, 0, sizeof *sf);
    rl_video *v = &sf->video;
    v->have = (unsigned)get_max(c, 0x1F);
    v->alarm = get_u32(c);
    v->signal_loss = get_u32(c);
    v->occlusion = get_u32(c);
    v->storage = (uint16_t)get_max(c, UINT16_MAX);
    v->driving = (uint16_t)get_max(c, UINT16_MAX);
    v->fatigue = (uint8_t)get_max(c, UINT8_MAX);
    sf->nitems = (unsigned)get_max(c, RL_AS_MAX_ITEMS);
    for (unsigned i = 0; i < sf->nitems && !c->bad; i++) {
        rl_as_item *it = &sf->items[i];
        it->kind = (uint8_t)get_max(c, RL_AS_KINDS - 1);
        uint8_t *const bytes[] = {&it->flag,     &it->type,      &it->level,    &it->fatigue,
                                  &it->lead_speed_kmh, &it->headway_ds, &it->ldw_side, &it->sign_type,
                                  &it->sign_value, &it->speed_kmh, &it->seq,     &it->attachments};
        for (size_t k = 0; k < sizeof bytes / sizeof bytes[0]; k++)
            *bytes[k] = (uint8_t)get_max(c, UINT8_MAX);
        it->altitude_m = (uint16_t)get_max(c, UINT16_MAX);
        it->vstatus = (uint16_t)get_max(c, UINT16_MAX);
        it->alarm_id = get_u32(c);
        it->lat_e6 = (int32_t)get_range(c, INT32_MIN, INT32_MAX);
        it->lon_e6 = (int32_t)get_range(c, INT32_MIN, INT32_MAX);
        it->time = get_s(c);
        size_t idn;
        const char *id = get_str(c, &idn);
        if (idn >= sizeof it->terminal_id)
            c->bad = true;
        else if (idn)
            memcpy(it->terminal_id, id, idn);
        it->terminal_id_len = c->bad ? 0 : (uint8_t)idn;
        it->ntyres = (uint8_t)get_max(c, RL_AS_MAX_TYRES);
        for (unsigned t = 0; t < it->ntyres && !c->bad; t++) {
            rl_tyre *ty = &it->tyres[t];
            ty->position = (uint8_t)get_max(c, UINT8_MAX);
            ty->alarm = (uint16_t)get_max(c, UINT16_MAX);
            ty->kpa = (uint16_t)get_max(c, UINT16_MAX);
            ty->celsius = (int16_t)get_range(c, INT16_MIN, INT16_MAX);
            ty->battery_pct = (uint16_t)get_max(c, UINT16_MAX);
        }
    }
    return !c->bad;
}

static bool rec_position(rlrec_dec *d, cur *c)
{
    rl_position p;
    memset(&p, 0, sizeof p);
    p.origin = get_origin(d, c);
    p.time = get_s(c);
    p.lat_e6 = (int32_t)get_range(c, INT32_MIN, INT32_MAX);
    p.lon_e6 = (int32_t)get_range(c, INT32_MIN, INT32_MAX);
    p.speed_mkmh = (int32_t)get_range(c, INT32_MIN, INT32_MAX);
    uint64_t have = get_u(c);
    if (have & ~(uint64_t)HAVE_ALL)
        c->bad = true;
    p.have = (unsigned)have & HAVE_ALL;
    if (p.have & RL_HAVE_HEADING)
        p.heading = (int32_t)get_range(c, INT32_MIN, INT32_MAX);
    if (p.have & RL_HAVE_ALTITUDE)
        p.altitude_m = (int32_t)get_range(c, INT32_MIN, INT32_MAX);
    if (p.have & RL_HAVE_STATUS)
        p.status = get_u32(c);
    if (p.have & RL_HAVE_ALARM)
        p.alarm = get_u32(c);
    if (p.have & RL_HAVE_MILEAGE)
        p.mileage_m = get_s(c);
    p.color = (int)get_range(c, 0, 255);
    p.plate = get_str(c, &p.plate_len);
    p.phone = get_str(c, &p.phone_len);
    p.driver = get_str(c, &p.driver_len);
    uint64_t safety = get_max(c, 1);
    if (safety && !get_safety(c, &d->safety))
        return false;
    p.safety = safety ? &d->safety : NULL;
    if (c->bad)
        return false;
    d->sink.position(d->sink.ud, &p);
    return true;
}

static bool rec_weighing(rlrec_dec *d, cur *c)
{
    rl_weighing w;
    memset(&w, 0, sizeof w);
    w.origin = get_origin(d, c);
    w.time = get_s(c);
    w.station = get_str(c, &w.station_len);
    w.plate = get_str(c, &w.plate_len);
    w.color = (int)get_range(c, 0, 255);
    w.axles = (int)get_range(c, INT32_MIN, INT32_MAX);
    w.gross_kg = get_s(c);
    uint64_t naxle = get_u(c);
    if (naxle > RL_MAX_AXLES)
        c->bad = true;
    w.naxle_kg = c->bad ? 0 : (int)naxle;
    for (int i = 0; i < w.naxle_kg; i++)
        w.axle_kg[i] = (int32_t)get_range(c, INT32_MIN, INT32_MAX);
    uint64_t flags = get_u(c);
    if (flags & ~(uint64_t)(W_WIM | W_SPEED | W_POS))
        c->bad = true;
    w.wim = flags & W_WIM;
    w.have_speed = flags & W_SPEED;
    w.have_pos = flags & W_POS;
    if (w.have_speed)
        w.speed_mkmh = (int32_t)get_range(c, INT32_MIN, INT32_MAX);
    w.passengers = (int)get_range(c, INT32_MIN, INT32_MAX);
    if (w.have_pos) {
        w.lat_e6 = (int32_t)get_range(c, INT32_MIN, INT32_MAX);
        w.lon_e6 = (int32_t)get_range(c, INT32_MIN, INT32_MAX);
    }
    if (c->bad)
        return false;
    d->sink.weighing(d->sink.ud, &w);
    return true;
}

static bool is_hex64(const char *s)
{
    if (strlen(s) != 64)
        return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

/* One data block's records.  False: damage (c->bad) or a stop. */
static bool data_block(rlrec_dec *d, const unsigned char *p, size_t n)
{
    cur c = {p, p + n, false};
    char name[4096], path[4096], kind[64], reason[1024];
    while (c.p < c.e) {
        unsigned tag = get_byte(&c);
        switch (tag) {
        case T_INPUT: {
            uint64_t j = get_u(&c), global = get_u(&c);
            get_cstr(&c, name, sizeof name);
            get_cstr(&c, path, sizeof path);
            if (c.bad || j != d->nmap || j >= RL_MAX_INPUTS || global > UINT32_MAX || !name[0])
                return fail(d, "record file is damaged: a bad input table");
            if (d->data_seen)
                return fail(d, "record file is damaged: an input declared after records");
            unsigned idx;
            if (!d->meta.input(d->meta.ud, (unsigned)j, (uint32_t)global, name, path, &idx))
                return stop(d);
            d->map = xrealloc(d->map, (d->nmap + 1) * sizeof *d->map);
            d->map[d->nmap++] = idx;
            d->records++;
            continue;
        }
        case T_BEGIN: {
            uint64_t j = get_u(&c), loc = get_u(&c);
            get_cstr(&c, kind, sizeof kind);
            if (c.bad || j >= d->nmap || loc > RL_LOC_PACKET)
                return fail(d, "record file is damaged: a bad input start");
            d->meta.begin(d->meta.ud, d->map[j], (rl_loc_kind)loc, kind);
            break;
        }
        case T_END: {
            rlrec_stats st;
            memset(&st, 0, sizeof st);
            uint64_t j = get_u(&c), flags = get_u(&c);
            st.size = get_u(&c);
            get_cstr(&c, st.sha256, sizeof st.sha256);
            get_cstr(&c, kind, sizeof kind);
            st.delimiter = (char)get_byte(&c);
            st.records = get_u(&c);
            get_cstr(&c, reason, sizeof reason);
            if (c.bad || j >= d->nmap || flags > 7 || (st.sha256[0] && !is_hex64(st.sha256)))
                return fail(d, "record file is damaged: a bad input summary");
            st.gzip = flags & F_GZIP;
            st.truncated = flags & F_TRUNCATED;
            st.unreadable = flags & F_UNREADABLE;
            st.encoding = kind[0] ? kind : NULL;
            st.error = reason[0] ? reason : NULL;
            if (!d->meta.end(d->meta.ud, d->map[j], &st))
                return stop(d);
            break;
        }
        case T_POS:
            if (!rec_position(d, &c))
                return fail(d, "record file is damaged: a bad position record");
            break;
        case T_WEIGH:
            if (!rec_weighing(d, &c))
                return fail(d, "record file is damaged: a bad weighing record");
            break;
        case T_REG: {
            rl_origin o = get_origin(d, &c);
            size_t phn, pln;
            const char *ph = get_str(&c, &phn);
            const char *pl = get_str(&c, &pln);
            int color = (int)get_range(&c, 0, 255);
            if (c.bad || !ph || !pl)
                return fail(d, "record file is damaged: a bad registration record");
            d->sink.registration(d->sink.ud, ph, phn, pl, pln, color, o);
            break;
        }
        case T_REJECT: {
            rl_origin o = get_origin(d, &c);
            get_cstr(&c, reason, sizeof reason);
            size_t rn;
            const char *raw = get_str(&c, &rn);
            if (c.bad)
                return fail(d, "record file is damaged: a bad reject record");
            d->records++;
            d->data_seen = true;
            if (!d->sink.reject(d->sink.ud, o, reason, raw, rn))
                return stop(d);
            continue;
        }
        case T_COUNT: {
            get_cstr(&c, name, sizeof name);
            uint64_t k = get_u(&c);
            if (c.bad || !name[0])
                return fail(d, "record file is damaged: a bad counter record");
            d->sink.count(d->sink.ud, name, k);
            break;
        }
        default: {
            char why[64];
            snprintf(why, sizeof why, "record file is damaged: unknown record type 0x%02x", tag);
            return fail(d, why);
        }
        }
        d->records++;
        d->data_seen = true;
    }
    return true;
}

static bool head_block(rlrec_dec *d, const unsigned char *p, size_t n)
{
    cur c = {p, p + n, false};
    rlrec_head h;
    memset(&h, 0, sizeof h);
    uint64_t version = get_u(&c);
    if (!c.bad && version != RLREC_VERSION) {
        char why[160];
        snprintf(why, sizeof why,
                 "record file of format version %llu: written by another roadlog version; shard its inputs again",
                 (unsigned long long)version);
        return fail(d, why);
    }
    uint64_t parts = get_u(&c), part = get_u(&c), first = get_u(&c);
    h.tz = (int32_t)get_range(&c, -86400, 86400);
    get_cstr(&c, h.version, sizeof h.version);
    h.jt808_dialect = (unsigned)get_max(&c, 255);
    if (c.bad || parts == 0 || parts > 1000000 || part >= parts || first > UINT32_MAX)
        return fail(d, "record file is damaged: a bad head");
    h.parts = (unsigned)parts;
    h.part = (unsigned)part;
    h.first_global = (uint32_t)first;
    d->head_seen = true;
    if (d->meta.head && !d->meta.head(d->meta.ud, &h))
        return stop(d);
    return true;
}

static bool end_block(rlrec_dec *d, const unsigned char *p, size_t n)
{
    cur c = {p, p + n, false};
    uint64_t blocks = get_u(&c), records = get_u(&c);
    if (c.bad || c.p != c.e)
        return fail(d, "record file is damaged: a bad end");
    if (blocks != d->blocks || records != d->records)
        return fail(d, "record file is damaged: blocks or records are missing");
    d->st = S_DONE;
    return true;
}

/* A whole block is there: check, decompress, read. */
static bool take_block(rlrec_dec *d, const unsigned char *data)
{
    const unsigned char *raw = data;
    if (d->flags & 1) {
        if (d->raw_cap < d->raw_len || !d->raw) { /* never NULL: a cursor over 0 bytes of it is fine */
            free(d->raw);
            d->raw_cap = d->raw_len ? d->raw_len : 1;
            d->raw = xmalloc(d->raw_cap);
        }
        int k = LZ4_decompress_safe((const char *)data, (char *)d->raw, (int)d->data_len, (int)d->raw_len);
        if (k < 0 || (size_t)k != d->raw_len)
            return fail(d, "record file is damaged: a block does not decompress");
        raw = d->raw;
    }
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, raw, (uInt)d->raw_len);
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION /* the fuzzer goes past it to the records */
    if ((uint32_t)crc != d->crc)
        return fail(d, "record file is damaged: a block's checksum does not match");
#endif
    if (d->type == 'H') {
        if (d->head_seen)
            return fail(d, "record file is damaged: a second head");
        return head_block(d, raw, d->raw_len);
    }
    if (!d->head_seen)
        return fail(d, "record file is damaged: no head");
    if (d->type == 'E')
        return end_block(d, raw, d->raw_len);
    d->blocks++;
    return data_block(d, raw, d->raw_len);
}

bool rlrec_feed(rlrec_dec *d, const void *buf, size_t n)
{
    const unsigned char *p = buf, *e = p + n;
    while (p < e) {
        switch (d->st) {
        case S_STOP:
            return false;
        case S_DONE:
            d->block_off = d->off;
            return fail(d, "record file is damaged: data after its end");
        case S_MAGIC: {
            size_t k = RLREC_MAGIC_LEN - d->head_have;
            if (k > (size_t)(e - p))
                k = (size_t)(e - p);
            if (memcmp(p, RLREC_MAGIC + d->head_have, k) != 0)
                return fail(d, "not a record file (bad magic)");
            d->head_have += k;
            d->off += k;
            p += k;
            if (d->head_have == RLREC_MAGIC_LEN) {
                d->head_have = 0;
                d->st = S_HEAD;
            }
            break;
        }
        case S_HEAD: {
            if (d->head_have == 0)
                d->block_off = d->off;
            size_t k = BLOCK_HEAD - d->head_have;
            if (k > (size_t)(e - p))
                k = (size_t)(e - p);
            memcpy(d->head + d->head_have, p, k);
            d->head_have += k;
            d->off += k;
            p += k;
            if (d->head_have < BLOCK_HEAD)
                break;
            d->head_have = 0;
            d->type = d->head[0];
            d->flags = d->head[1];
            d->raw_len = load_le32(d->head + 2);
            d->data_len = load_le32(d->head + 6);
            d->crc = load_le32(d->head + 10);
            if (d->type != 'H' && d->type != 'D' && d->type != 'E')
                return fail(d, "record file is damaged: unknown block type");
            if (d->flags > 1 || d->raw_len > RLREC_BLOCK_MAX ||
                (d->flags ? d->data_len > (size_t)LZ4_compressBound((int)d->raw_len) || d->data_len == 0
                          : d->data_len != d->raw_len))
                return fail(d, "record file is damaged: a bad block length");
            d->data_have = 0;
            if (d->data_len == 0) {
                /* an empty block (only a damaged file has one) */
                d->st = S_HEAD;
                if (!take_block(d, p))
                    return false;
                break;
            }
            d->st = S_DATA;
            break;
        }
        case S_DATA: {
            size_t k = d->data_len - d->data_have;
            if (d->data_have == 0 && (size_t)(e - p) >= k) {
                /* the whole block is in this chunk: read it in place */
                d->off += k;
                const unsigned char *blk = p;
                p += k;
                d->st = S_HEAD;
                if (!take_block(d, blk))
                    return false;
                break;
            }
            if (d->data_cap < d->data_len) {
                d->data = xrealloc(d->data, d->data_len);
                d->data_cap = d->data_len;
            }
            if (k > (size_t)(e - p))
                k = (size_t)(e - p);
            memcpy(d->data + d->data_have, p, k);
            d->data_have += k;
            d->off += k;
            p += k;
            if (d->data_have == d->data_len) {
                d->st = S_HEAD;
                if (!take_block(d, d->data))
                    return false;
            }
            break;
        }
        }
    }
    return d->st != S_STOP;
}

bool rlrec_finish(rlrec_dec *d)
{
    if (d->st == S_DONE)
        return true;
    if (d->st != S_STOP) {
        d->block_off = d->off;
        char why[160];
        snprintf(why, sizeof why,
                 "record file is cut short (it has no end): what followed its first %llu records is lost",
                 (unsigned long long)d->records);
        fail(d, why);
    }
    return false;
}

const char *rlrec_error(const rlrec_dec *d, uint64_t *offset)
{
    if (offset)
        *offset = d->err_off;
    return d->err[0] ? d->err : NULL;
}

uint64_t rlrec_read_records(const rlrec_dec *d) { return d->records; }

/* ---- the head alone, and directories of record files ---- */

static bool keep_head(void *ud, const rlrec_head *h)
{
    *(rlrec_head *)ud = *h;
    return false; /* that is all we want */
}
static void no_position(void *ud, const rl_position *p) { (void)ud; (void)p; }
static void no_weighing(void *ud, const rl_weighing *w) { (void)ud; (void)w; }
static bool no_reject(void *ud, rl_origin o, const char *r, const void *raw, size_t n)
{
    (void)ud; (void)o; (void)r; (void)raw; (void)n;
    return true;
}

bool rlrec_read_head(const char *path, rlrec_head *h)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    unsigned char buf[512];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    rl_sink sink = {NULL, no_position, NULL, no_weighing, no_reject, NULL};
    rlrec_meta meta = {h, keep_head, NULL, NULL, NULL};
    memset(h, 0, sizeof *h);
    rlrec_dec *d = rlrec_dec_new(&sink, &meta);
    rlrec_feed(d, buf, n);
    bool ok = d->head_seen && !d->err[0];
    rlrec_dec_free(d);
    return ok;
}

typedef struct {
    char *path;
    uint32_t first;
} rec_path;

static int rec_path_order(const void *a, const void *b)
{
    const rec_path *x = a, *y = b;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    return strcmp(x->path, y->path);
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcmp(s + n - k, suffix) == 0;
}

char **rlrec_expand(char **args, int nargs, int *nout)
{
    size_t n = 0, cap = (size_t)nargs + 1;
    char **out = xmalloc(cap * sizeof *out);
    for (int i = 0; i < nargs; i++) {
        struct stat st;
        DIR *dir = NULL;
        if (strcmp(args[i], "-") != 0 && stat(args[i], &st) == 0 && S_ISDIR(st.st_mode))
            dir = opendir(args[i]);
        rec_path *found = NULL;
        size_t nfound = 0;
        if (dir) {
            struct dirent *de;
            size_t dl = strlen(args[i]);
            bool slash = dl > 0 && args[i][dl - 1] == '/';
            while ((de = readdir(dir))) {
                if (de->d_name[0] == '.' || !has_suffix(de->d_name, ".rlrec"))
                    continue;
                rl_buf b = {0};
                buf_printf(&b, "%s%s%s", args[i], slash ? "" : "/", de->d_name);
                struct stat fs;
                if (stat(b.p, &fs) != 0 || !S_ISREG(fs.st_mode)) {
                    buf_free(&b);
                    continue;
                }
                rlrec_head h;
                found = xrealloc(found, (nfound + 1) * sizeof *found);
                found[nfound].path = b.p;
                found[nfound].first = rlrec_read_head(b.p, &h) ? h.first_global : UINT32_MAX;
                nfound++;
            }
            closedir(dir);
        }
        if (nfound == 0) {
            if (n + 1 >= cap)
                out = xrealloc(out, (cap *= 2) * sizeof *out);
            out[n++] = xstrdup(args[i]);
            continue;
        }
        qsort(found, nfound, sizeof *found, rec_path_order);
        while (n + nfound + 1 >= cap)
            cap *= 2;
        out = xrealloc(out, cap * sizeof *out);
        for (size_t k = 0; k < nfound; k++)
            out[n++] = found[k].path;
        free(found);
    }
    out[n] = NULL;
    *nout = (int)n;
    return out;
}

void rlrec_paths_free(char **paths)
{
    if (!paths)
        return;
    for (char **p = paths; *p; p++)
        free(*p);
    free(paths);
}
