/*
 * spill.c - sorted runs of fixes in temporary files (see spill.h).
 *
 * A block is one vehicle's fixes from one spill, in time order, each as
 * six varints (varint.h) of its differences from the fix before (time,
 * latitude, longitude, speed, input order; flags and driver as the XOR
 * of the two, the driver an id of the spill's strings), then compressed
 * with LZ4 (Debian liblz4).  What a block holds is known from the index
 * (file, offset, sizes, count), so reading one back is one pread.
 * Consecutive fixes of a vehicle differ little, so a fix takes a few
 * bytes instead of 32: the 50 M-row run with --memory 1G
 * spills 381-438 MB where LZ4 alone on the records left 761-768 MB, and
 * LZ4 (7 % of that run's CPU) has far less to do.  LZ4 rather than zstd: a
 * spill is written once and read once, on the critical path of both
 * reading and the per-vehicle pass, and LZ4 decompresses several times
 * faster.
 */
#include "spill.h"

#include <errno.h>
#include <lz4.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "u64map.h"
#include "util.h"
#include "varint.h"

/* Fixes in one block at most (FIX_VARINT_MAX bytes each at most before
 * compression, 40 MiB): LZ4 blocks are bounded, and so is the buffer a
 * reader of it needs. */
#define BLOCK_MAX_FIXES (1u << 20)
#define FIX_VARINT_MAX (10 + 5 + 5 + 5 + 5 + 10)
/* Bytes a spill gathers before it writes them. */
#define SPILL_WRITE (1u << 20)

typedef struct {
    uint32_t file;
    uint32_t n;              /* fixes */
    uint64_t offset;
    uint32_t clen;           /* compressed bytes */
    uint32_t rawlen;         /* bytes of varints */
    uint32_t owner;          /* the reader that wrote it (spill_forget) */
} block_ref;

typedef struct {
    block_ref *b;
    size_t n, cap;
} block_list;

struct spill {
    uint64_t budget;
    unsigned readers;
    char *dir;
    atomic_uint_fast64_t held;   /* bytes the readers hold together */
    pthread_mutex_t lock;        /* everything below */
    int *fds;
    size_t nfiles;
    /* by owner: its file + 1 (0: none yet).  A reader appends every spill
     * to one file, so a long input on a small budget holds a file a
     * reader, not one a spill (hundreds of spills would meet the
     * open-files limit, 1024 by default) */
    uint32_t *owner_file;
    size_t nowners;
    uint64_t written;
    strtab *str;                 /* vehicle labels and drivers */
    u64map keys;                 /* vehicle key -> index in lists */
    block_list *lists;
    size_t nlists;
    uint32_t *driver_map;        /* after spill_settle: str id -> the run's id */
    size_t ndriver_map;
    atomic_uint owners;          /* spill_owner */
};

spill *spill_new(uint64_t budget, const char *tmp_dir, unsigned readers)
{
    spill *sp = xcalloc(1, sizeof *sp);
    sp->budget = budget;
    sp->readers = readers ? readers : 1;
    const char *dir = tmp_dir && *tmp_dir ? tmp_dir : getenv("TMPDIR");
    sp->dir = xstrdup(dir && *dir ? dir : "/tmp");
    atomic_init(&sp->held, 0);
    atomic_init(&sp->owners, 1);
    pthread_mutex_init(&sp->lock, NULL);
    sp->str = strtab_new();
    u64map_init(&sp->keys);
    return sp;
}

void spill_free(spill *sp)
{
    if (!sp)
        return;
    for (size_t i = 0; i < sp->nfiles; i++)
        close(sp->fds[i]);
    free(sp->fds);
    free(sp->owner_file);
    for (size_t i = 0; i < sp->nlists; i++)
        free(sp->lists[i].b);
    free(sp->lists);
    free(sp->driver_map);
    u64map_free(&sp->keys);
    strtab_free(sp->str);
    pthread_mutex_destroy(&sp->lock);
    free(sp->dir);
    free(sp);
}

uint64_t spill_bytes(const spill *sp) { return sp ? sp->written : 0; }
uint64_t spill_budget(const spill *sp) { return sp ? sp->budget : 0; }

bool spill_charge(spill *sp, uint64_t *own, uint64_t bytes)
{
    *own += bytes;
    uint64_t held = atomic_fetch_add_explicit(&sp->held, bytes, memory_order_relaxed) + bytes;
    /* a reader's share: half the budget split among the readers running
     * at once; the other half for readers done and waiting to be put
     * together (spill_at_end) */
    return held > sp->budget || *own > sp->budget / 2 / sp->readers;
}

void spill_release(spill *sp, uint64_t *own)
{
    atomic_fetch_sub_explicit(&sp->held, *own, memory_order_relaxed);
    *own = 0;
}

bool spill_at_end(const spill *sp, uint64_t own)
{
    return own && atomic_load_explicit(&sp->held, memory_order_relaxed) > sp->budget / 2;
}

_Noreturn static void no_space(const spill *sp, int err)
{
    fprintf(stderr, "roadlog: cannot write temporary data to %s: %s\n", sp->dir, strerror(err));
    exit_now(1);
}

static uint64_t key_of(uint32_t label, int color, bool by_phone)
{
    return ((uint64_t)label << 9 | (uint64_t)(color & 0xFF) << 1 | (by_phone ? 1u : 0u)) + 1;
}

/* The block list of a vehicle key (lock held). */
static block_list *list_for(spill *sp, const char *label, int color, bool by_phone)
{
    uint32_t id = strtab_intern(sp->str, label, strlen(label));
    uint32_t *slot = u64map_put(&sp->keys, key_of(id, color, by_phone), (uint32_t)sp->nlists);
    if (*slot == sp->nlists) {
        sp->lists = xrealloc(sp->lists, (sp->nlists + 1) * sizeof *sp->lists);
        memset(&sp->lists[sp->nlists], 0, sizeof *sp->lists);
        sp->nlists++;
    }
    return &sp->lists[*slot];
}

static void list_add(block_list *l, block_ref r)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4;
        l->b = xrealloc(l->b, l->cap * sizeof *l->b);
    }
    l->b[l->n++] = r;
}

static int new_file(spill *sp)
{
    int fd = tmp_fd(sp->dir, "roadlog-spill");
    if (fd < 0)
        no_space(sp, errno);
    return fd;
}

static void write_all(spill *sp, int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            no_space(sp, w < 0 ? errno : ENOSPC);
        c += w;
        n -= (size_t)w;
    }
}

uint32_t spill_owner(spill *sp) { return atomic_fetch_add(&sp->owners, 1); }

void spill_forget(spill *sp, uint32_t owner)
{
    if (!sp || !owner)
        return;
    pthread_mutex_lock(&sp->lock);
    for (size_t i = 0; i < sp->nlists; i++) {
        block_list *l = &sp->lists[i];
        size_t k = 0;
        for (size_t j = 0; j < l->n; j++)
            if (l->b[j].owner != owner)
                l->b[k++] = l->b[j];
        l->n = k;
    }
    pthread_mutex_unlock(&sp->lock);
}

/* A vehicle's fixes f[0..n) in time order as varints into x (room for
 * n * FIX_VARINT_MAX bytes); returns the bytes written. */
static size_t fixes_put(unsigned char *x, const rl_fix *f, uint32_t n)
{
    rl_fix p = {0};
    size_t len = 0;
    for (uint32_t k = 0; k < n; k++) {
        len += uvar_put(x + len, zigzag((int64_t)((uint64_t)f[k].time - (uint64_t)p.time)));
        len += uvar_put(x + len, zigzag((int64_t)f[k].lat_e6 - p.lat_e6));
        len += uvar_put(x + len, zigzag((int64_t)f[k].lon_e6 - p.lon_e6));
        len += uvar_put(x + len, zigzag((int64_t)f[k].speed_mkmh - p.speed_mkmh));
        len += uvar_put(x + len, f[k].driver_flags ^ p.driver_flags);
        len += uvar_put(x + len, zigzag((int64_t)(f[k].origin - p.origin)));
        p = f[k];
    }
    return len;
}

/* prev + the zigzagged difference zz, when it is an int32 (the difference
 * of two int32 is: a damaged block's may not be). */
static bool add_i32(int32_t prev, uint64_t zz, int32_t *out)
{
    if (zz >= (uint64_t)1 << 33)
        return false;
    int64_t r = prev + unzigzag(zz);
    if (r < INT32_MIN || r > INT32_MAX)
        return false;
    *out = (int32_t)r;
    return true;
}

/* The n fixes of x[0..len); false when x is not exactly that. */
static bool fixes_get(const unsigned char *x, size_t len, rl_fix *f, uint32_t n)
{
    rl_fix p = {0};
    size_t at = 0;
    uint64_t v[6];
    for (uint32_t k = 0; k < n; k++) {
        for (int i = 0; i < 6; i++)
            if (!uvar_get(x, len, &at, &v[i]))
                return false;
        f[k].time = (int64_t)((uint64_t)p.time + (uint64_t)unzigzag(v[0]));
        if (!add_i32(p.lat_e6, v[1], &f[k].lat_e6) || !add_i32(p.lon_e6, v[2], &f[k].lon_e6) ||
            !add_i32(p.speed_mkmh, v[3], &f[k].speed_mkmh) || v[4] > UINT32_MAX)
            return false;
        f[k].driver_flags = (uint32_t)v[4] ^ p.driver_flags;
        f[k].origin = p.origin + (uint64_t)unzigzag(v[5]);
        p = f[k];
    }
    return at == len;
}

void spill_out(spill *sp, vtable *vt, const strtab *str, uint64_t *own, uint32_t owner)
{
    /* the owner's file, made on its first spill; only the owner's thread
     * writes to it, so the lock is not held while writing, and its next
     * block goes where the last one ended */
    pthread_mutex_lock(&sp->lock);
    if (owner >= sp->nowners) {
        size_t n = owner + 16;
        sp->owner_file = xrealloc(sp->owner_file, n * sizeof *sp->owner_file);
        memset(sp->owner_file + sp->nowners, 0, (n - sp->nowners) * sizeof *sp->owner_file);
        sp->nowners = n;
    }
    uint32_t file = sp->owner_file[owner];
    int fd = file ? sp->fds[file - 1] : -1;
    pthread_mutex_unlock(&sp->lock);
    if (fd < 0) {
        fd = new_file(sp);
        pthread_mutex_lock(&sp->lock);
        sp->fds = xrealloc(sp->fds, (sp->nfiles + 1) * sizeof *sp->fds);
        sp->fds[sp->nfiles++] = fd;
        file = (uint32_t)sp->nfiles;
        sp->owner_file[owner] = file;
        pthread_mutex_unlock(&sp->lock);
    }
    file--;
    off_t end = lseek(fd, 0, SEEK_END);
    if (end < 0)
        no_space(sp, errno);
    uint64_t offset = (uint64_t)end;

    rl_fix *buf = xmalloc(BLOCK_MAX_FIXES * sizeof *buf);
    unsigned char *vbuf = xmalloc((size_t)BLOCK_MAX_FIXES * FIX_VARINT_MAX);
    /* the compressed blocks are gathered and written SPILL_WRITE bytes at
     * a time: a vehicle's block is a few hundred bytes, and a write each
     * (with ext4 zeroing the rest of each new page) was 7 % of the CPU of
     * the 50 M-row run with --memory 1G */
    int cbound = LZ4_compressBound((int)(BLOCK_MAX_FIXES * FIX_VARINT_MAX));
    char *cbuf = xmalloc((size_t)cbound + SPILL_WRITE);
    size_t staged = 0;
    uint32_t *dmap = xcalloc((size_t)strtab_count(str) + 1, sizeof *dmap);
    for (size_t i = 0, nv = vtable_count(vt); i < nv; i++) {
        rl_vehicle *v = vtable_at(vt, i);
        if (v->dead || !v->nfix)
            continue;
        const char *label = strtab_get(str, v->by_phone ? v->phone : v->plate);
        uint64_t nfix = v->nfix;
        fixstream fs;
        fixstream_open(&fs, v);
        const rl_fix *f;
        bool more = true;
        while (more) {
            uint32_t n = 0;
            while (n < BLOCK_MAX_FIXES && (f = fixstream_next(&fs))) {
                buf[n] = *f;
                uint32_t d = fix_driver(f);
                if (d) {
                    if (!dmap[d]) {
                        const char *name = strtab_get(str, d);
                        pthread_mutex_lock(&sp->lock);
                        dmap[d] = strtab_intern(sp->str, name, strlen(name));
                        pthread_mutex_unlock(&sp->lock);
                    }
                    buf[n].driver_flags = (f->driver_flags & ~FIX_DRIVER_MASK) | dmap[d];
                }
                n++;
            }
            more = n == BLOCK_MAX_FIXES;
            if (!n)
                break;
            size_t rawlen = fixes_put(vbuf, buf, n);
            int clen = LZ4_compress_default((const char *)vbuf, cbuf + staged, (int)rawlen, cbound);
            if (clen <= 0)
                die("cannot compress temporary data");
            staged += (size_t)clen;
            if (staged >= SPILL_WRITE) {
                write_all(sp, fd, cbuf, staged);
                staged = 0;
            }
            pthread_mutex_lock(&sp->lock);
            list_add(list_for(sp, label, v->color, v->by_phone),
                     (block_ref){file, n, offset, (uint32_t)clen, (uint32_t)rawlen, owner});
            sp->written += (uint64_t)clen;
            pthread_mutex_unlock(&sp->lock);
            offset += (uint64_t)clen;
        }
        fixstream_close(&fs);
        v->nspilled += nfix;
    }
    if (staged)
        write_all(sp, fd, cbuf, staged);
    free(dmap);
    free(cbuf);
    free(vbuf);
    free(buf);
    atomic_fetch_sub_explicit(&sp->held, *own, memory_order_relaxed);
    *own = 0;
}

void spill_rekey(spill *sp, const char *from_label, int from_color, bool from_phone, const char *to_label,
                 int to_color, bool to_phone)
{
    uint32_t id = strtab_find(sp->str, from_label, strlen(from_label)), at;
    if (id == UINT32_MAX || !u64map_get(&sp->keys, key_of(id, from_color, from_phone), &at) || !sp->lists[at].n)
        return;
    block_list moved = sp->lists[at];
    memset(&sp->lists[at], 0, sizeof sp->lists[at]);
    block_list *to = list_for(sp, to_label, to_color, to_phone); /* may move sp->lists */
    for (size_t i = 0; i < moved.n; i++)
        list_add(to, moved.b[i]);
    free(moved.b);
}

void spill_settle(spill *sp, strtab *str)
{
    size_t n = (size_t)strtab_count(sp->str) + 1;
    sp->driver_map = xcalloc(n, sizeof *sp->driver_map);
    sp->ndriver_map = n;
    for (uint32_t i = 1; i < n; i++) {
        uint32_t id = strtab_intern(str, strtab_get(sp->str, i), strtab_len(sp->str, i));
        sp->driver_map[i] = id <= FIX_DRIVER_MAX ? id : 0;
    }
}

bool spill_load(const spill *sp, const char *label, int color, bool by_phone, rl_vehicle *v)
{
    if (!sp)
        return true;
    uint32_t id = strtab_find(sp->str, label, strlen(label)), at;
    if (id == UINT32_MAX || !u64map_get(&sp->keys, key_of(id, color, by_phone), &at))
        return true;
    const block_list *l = &sp->lists[at];
    bool ok = true;
    for (size_t i = 0; i < l->n && ok; i++) {
        const block_ref *b = &l->b[i];
        char *cbuf = xmalloc(b->clen ? b->clen : 1);
        unsigned char *vbuf = xmalloc(b->rawlen ? b->rawlen : 1);
        rl_fix *fix = xmalloc((size_t)b->n * sizeof *fix);
        size_t got = 0;
        while (got < b->clen) {
            ssize_t r = pread(sp->fds[b->file], cbuf + got, b->clen - got, (off_t)(b->offset + got));
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        int dlen = got == b->clen ? LZ4_decompress_safe(cbuf, (char *)vbuf, (int)b->clen, (int)b->rawlen) : -1;
        if (dlen != (int)b->rawlen || !fixes_get(vbuf, b->rawlen, fix, b->n)) {
            fprintf(stderr, "roadlog: cannot read temporary data back from %s\n", sp->dir);
            ok = false;
        } else {
            for (uint32_t k = 0; k < b->n; k++) {
                uint32_t d = fix_driver(&fix[k]);
                if (d)
                    fix[k].driver_flags = (fix[k].driver_flags & ~FIX_DRIVER_MASK) |
                                          (d < sp->ndriver_map ? sp->driver_map[d] : 0);
            }
            vehicle_put_sorted(v, fix, b->n);
            v->nspilled -= b->n < v->nspilled ? b->n : v->nspilled;
        }
        free(fix);
        free(vbuf);
        free(cbuf);
    }
    return ok;
}
