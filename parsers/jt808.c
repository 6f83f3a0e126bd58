/*
 * jt808.c - JT/T 808 frame decoder (see jt808.h for the contract).
 *
 * Layers, each a few functions:
 *   cursor      tcpdump-style checked reads (GET_BE_U_2 and friends): a
 *               read past the end returns 0 and marks the cursor bad, so
 *               no field access can leave the frame.
 *   framing     0x7e delimiting over any chunking, 0x7d unescaping, XOR
 *               checksum, header layout (JT808.md sections 1-2, quirks 1-2).
 *   messages    0x0200 / 0x0704 / 0x0100 / 0x0702 / 0x0102 / 0x0002
 *               (JT808.md sections 3-8).
 *   session     phone -> driver, a small open-addressing table.
 *
 * Speed: a frame that arrives whole inside one chunk is decoded straight
 * from the caller's buffer (memchr for the flags, unescaping only when a
 * 0x7d is present); only frames split across chunks are copied.
 */
#include "jt808.h"

#include "plate.h"
#include "timeutil.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Cursor: every read is bounds-checked (STYLE.md, tcpdump's GET_*).   */

typedef struct cursor {
    const uint8_t *p;
    size_t len, off;
    bool bad; /* a read went past the end; later reads return 0 */
} cursor;

static inline cursor cur_make(const uint8_t *p, size_t n)
{
    cursor c = {p, n, 0, false};
    return c;
}

static inline size_t cur_left(const cursor *c) { return c->len - c->off; }

static inline bool cur_need(cursor *c, size_t n)
{
    if (c->bad || cur_left(c) < n) {
        c->bad = true;
        c->off = c->len;
        return false;
    }
    return true;
}

static inline uint8_t get_u1(cursor *c)
{
    if (!cur_need(c, 1))
        return 0;
    return c->p[c->off++];
}

static inline uint16_t get_be_u2(cursor *c)
{
    if (!cur_need(c, 2))
        return 0;
    const uint8_t *q = c->p + c->off;
    c->off += 2;
    return (uint16_t)((unsigned)q[0] << 8 | q[1]);
}

static inline uint32_t get_be_u4(cursor *c)
{
    if (!cur_need(c, 4))
        return 0;
    const uint8_t *q = c->p + c->off;
    c->off += 4;
    return (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
}

/* n bytes in place, or NULL (cursor marked bad) when fewer are left. */
static inline const uint8_t *get_bytes(cursor *c, size_t n)
{
    if (!cur_need(c, n))
        return NULL;
    const uint8_t *q = c->p + c->off;
    c->off += n;
    return q;
}

/* ------------------------------------------------------------------ */
/* Counters, handed to sink->count by jt808_finish.                    */

enum {
    C_FRAMES, C_POSITIONS, C_REGISTRATIONS, C_REG_NO_PLATE, C_BAD_REG, C_DRIVER_IDS,
    C_DRIVER_OUT, C_DRIVER_READ_FAIL, C_BAD_DRIVER, C_AUTH, C_HEARTBEATS, C_BAD_CHECKSUM,
    C_BAD_ESCAPE, C_TRUNCATED, C_LENGTH_MISMATCH, C_OVERSIZE, C_UNSYNCED_BYTES, C_CUT,
    C_Q_UNESCAPED, C_Q_RAW7E, C_Q_LAYOUT, C_Q_TWOS, C_Q_ITEM_LEN, C_ITEMS_TRUNC,
    C_BAD_TIME, C_BAD_LOCATION, C_BATCHES, C_BATCH_BLIND, C_BATCH_SHORT, C_SUB_PARTS,
    C_SUB_DONE, C_SUB_INCOMPLETE, C_SUB_ORPHAN, C_ENCRYPTED, C_DOWNLINK, C_SKIPPED_OTHER,
    C_DRIVER_FULL, C_POS_REPLIES, C_AS_ITEMS, C_AS_BAD_LEN, C_AS_BAD_TIME, C_AS_DROPPED, C_VIDEO_ITEMS, C_N
};

static const char *const counter_name[C_N] = {
    [C_FRAMES] = "jt808.frames",
    [C_POSITIONS] = "jt808.positions",
    [C_REGISTRATIONS] = "jt808.registrations",
    [C_REG_NO_PLATE] = "jt808.registration_without_plate",
    [C_BAD_REG] = "jt808.bad_registration",
    [C_DRIVER_IDS] = "jt808.driver_ids",
    [C_DRIVER_OUT] = "jt808.driver_card_out",
    [C_DRIVER_READ_FAIL] = "jt808.driver_card_read_failed",
    [C_BAD_DRIVER] = "jt808.bad_driver_id",
    [C_AUTH] = "jt808.auth",
    [C_HEARTBEATS] = "jt808.heartbeats",
    [C_BAD_CHECKSUM] = "jt808.bad_checksum",
    [C_BAD_ESCAPE] = "jt808.bad_escape",
    [C_TRUNCATED] = "jt808.truncated",
    [C_LENGTH_MISMATCH] = "jt808.length_mismatch",
    [C_OVERSIZE] = "jt808.oversize",
    [C_UNSYNCED_BYTES] = "jt808.unsynced_bytes",
    [C_CUT] = "jt808.cut_by_gap",
    [C_Q_UNESCAPED] = "jt808.quirk.unescaped_0x7d",
    [C_Q_RAW7E] = "jt808.quirk.raw_0x7e",
    [C_Q_LAYOUT] = "jt808.quirk.version_flag_2013_header",
    [C_Q_TWOS] = "jt808.quirk.twos_complement_coords",
    [C_Q_ITEM_LEN] = "jt808.quirk.item_length",
    [C_ITEMS_TRUNC] = "jt808.items_truncated",
    [C_BAD_TIME] = "jt808.bad_time",
    [C_BAD_LOCATION] = "jt808.bad_location",
    [C_BATCHES] = "jt808.batches",
    [C_BATCH_BLIND] = "jt808.blind_area_positions",
    [C_BATCH_SHORT] = "jt808.batch_short",
    [C_SUB_PARTS] = "jt808.subpackage.parts",
    [C_SUB_DONE] = "jt808.subpackage.reassembled",
    [C_SUB_INCOMPLETE] = "jt808.subpackage.incomplete",
    [C_SUB_ORPHAN] = "jt808.subpackage.orphan",
    [C_ENCRYPTED] = "jt808.encrypted",
    [C_DOWNLINK] = "jt808.downlink",
    [C_SKIPPED_OTHER] = "jt808.skipped.other",
    [C_DRIVER_FULL] = "jt808.driver_table_full",
    [C_POS_REPLIES] = "jt808.position_replies",
    [C_AS_ITEMS] = "jt808.safety.items",
    [C_AS_BAD_LEN] = "jt808.safety.bad_length",
    [C_AS_BAD_TIME] = "jt808.safety.bad_time",
    [C_AS_DROPPED] = "jt808.safety.over_capacity",
    [C_VIDEO_ITEMS] = "jt808.video_items",
};

/* Skipped message ids counted by id; more distinct ids than this go to
 * jt808.skipped.other so hostile input cannot grow the table. */
#define SKIP_IDS 64

/* ------------------------------------------------------------------ */
/* Session: phone -> driver.                                           */

#define PHONE_MAX 31
#define DRIVER_MAX 63
/* Terminals whose driver the session remembers (about 100 bytes each,
 * twice for the open-addressing slack); far above any real fleet. */
#define SESSION_MAX_TERMINALS (1u << 20)

typedef struct drv_entry {
    uint8_t phone_len, driver_len; /* phone_len 0 = empty slot */
    char phone[PHONE_MAX + 1];
    char driver[DRIVER_MAX + 1];   /* driver_len 0 = no driver (card out) */
} drv_entry;

/* Terminal table: raw phone field -> digits and driver-table slot, so a
 * stream that interleaves thousands of terminals formats each phone once.
 * Open addressing, at most half full, at most SESSION_MAX_TERMINALS
 * entries (past that phones are formatted per frame); `gen` says which
 * session generation `slot` is from. */
typedef struct term_entry {
    uint64_t k0;  /* raw phone field bytes 0-7, 8-9 and length */
    uint32_t k1;
    uint8_t phone_len;
    char phone[PHONE_MAX + 1];
    long slot;    /* index in the driver table, -1 = none (as of gen) */
    uint64_t gen;
} term_entry;

struct jt808_session {
    term_entry *terms; /* phone_len 0 = empty */
    size_t tcap, tused;
    drv_entry *tab;
    size_t cap, used;
    uint64_t generation; /* bumped when a terminal gets a slot: slot caches look again */
    iconv_t gbk;         /* GB18030 (a superset of GBK) -> UTF-8, opened lazily */
    bool gbk_tried;
    jt808_dialect dialect; /* of the active-safety items 0x64-0x67 */
    /* Work area for one frame at a time (single-threaded by contract):
     * the unescaped frame. */
    uint8_t plain[2 * JT808_MAX_FRAME + 8];
};

static uint64_t hash_bytes(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (uint8_t)p[i];
        h *= 1099511628211ull;
    }
    return h;
}

jt808_session *jt808_session_new(void)
{
    jt808_session *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->gbk = (iconv_t)-1;
    s->generation = 1;
    return s;
}

void jt808_session_free(jt808_session *s)
{
    if (!s)
        return;
    if (s->gbk != (iconv_t)-1)
        iconv_close(s->gbk);
    free(s->terms);
    free(s->tab);
    free(s);
}

static drv_entry *session_find(const jt808_session *s, const char *phone, size_t n)
{
    if (!s->tab || n == 0 || n > PHONE_MAX)
        return NULL;
    size_t mask = s->cap - 1;
    for (size_t i = hash_bytes(phone, n) & mask;; i = (i + 1) & mask) {
        drv_entry *e = &s->tab[i];
        if (e->phone_len == 0)
            return NULL;
        if (e->phone_len == n && memcmp(e->phone, phone, n) == 0)
            return e;
    }
}

static bool session_grow(jt808_session *s)
{
    size_t ncap = s->cap ? s->cap * 2 : 64;
    drv_entry *nt = calloc(ncap, sizeof *nt);
    if (!nt)
        return false;
    for (size_t i = 0; i < s->cap; i++) {
        drv_entry *e = &s->tab[i];
        if (!e->phone_len)
            continue;
        size_t j = hash_bytes(e->phone, e->phone_len) & (ncap - 1);
        while (nt[j].phone_len)
            j = (j + 1) & (ncap - 1);
        nt[j] = *e;
    }
    free(s->tab);
    s->tab = nt;
    s->cap = ncap;
    return true;
}

/* Set (driver_len > 0) or clear the driver of a terminal; false when the
 * table is full. */
static bool session_set_driver(jt808_session *s, const char *phone, size_t n, const char *drv, size_t dn)
{
    if (n == 0 || n > PHONE_MAX)
        return true;
    if (dn > DRIVER_MAX)
        dn = DRIVER_MAX;
    drv_entry *e = session_find(s, phone, n);
    if (!e) {
        if (dn == 0)
            return true; /* nothing to clear */
        if (s->used >= SESSION_MAX_TERMINALS)
            return false; /* hostile input cannot grow memory without end */
        if ((s->used + 1) * 2 > s->cap && !session_grow(s))
            return false;
        size_t mask = s->cap - 1;
        size_t i = hash_bytes(phone, n) & mask;
        while (s->tab[i].phone_len)
            i = (i + 1) & mask;
        e = &s->tab[i];
        e->phone_len = (uint8_t)n;
        memcpy(e->phone, phone, n);
        e->phone[n] = 0;
        s->used++;
        s->generation++; /* a new slot (and maybe a new table): caches look again */
    }
    memcpy(e->driver, drv, dn);
    e->driver[dn] = 0;
    e->driver_len = (uint8_t)dn;
    return true;
}

void jt808_session_each_driver(const jt808_session *s,
                               void (*fn)(void *ud, const char *phone, const char *driver), void *ud)
{
    for (size_t i = 0; s && i < s->cap; i++)
        if (s->tab[i].phone_len && s->tab[i].driver_len)
            fn(ud, s->tab[i].phone, s->tab[i].driver);
}

bool jt808_session_put_driver(jt808_session *s, const char *phone, const char *driver)
{
    return session_set_driver(s, phone, strlen(phone), driver, strlen(driver));
}

void jt808_session_set_dialect(jt808_session *s, jt808_dialect d) { s->dialect = d; }

const char *jt808_session_driver(const jt808_session *s, const char *phone, size_t phone_len)
{
    const drv_entry *e = session_find(s, phone, phone_len);
    return e && e->driver_len ? e->driver : NULL;
}

/* GBK (read as GB18030, its superset) -> UTF-8.  Returns the output
 * length or (size_t)-1 when the bytes are not valid GBK. */
static size_t gbk_to_utf8(jt808_session *s, const uint8_t *in, size_t n, char *out, size_t outcap)
{
    bool ascii = true;
    for (size_t i = 0; i < n; i++)
        if (in[i] & 0x80) {
            ascii = false;
            break;
        }
    if (ascii) { /* the common case for codes; no iconv round trip */
        if (n > outcap)
            n = outcap;
        memcpy(out, in, n);
        return n;
    }
    if (!s->gbk_tried) {
        s->gbk_tried = true;
        s->gbk = iconv_open("UTF-8", "GB18030");
    }
    if (s->gbk == (iconv_t)-1)
        return (size_t)-1;
    char tmp[1024];
    if (n > sizeof tmp)
        n = sizeof tmp;
    memcpy(tmp, in, n);
    char *ip = tmp, *op = out;
    size_t il = n, ol = outcap;
    iconv(s->gbk, NULL, NULL, NULL, NULL);
    if (iconv(s->gbk, &ip, &il, &op, &ol) == (size_t)-1)
        return (size_t)-1;
    return (size_t)(op - out);
}

/* ------------------------------------------------------------------ */
/* Small helpers: BCD, time, phone, plate, text fields.                */

static bool bcd2(uint8_t b, int *v)
{
    if ((b >> 4) > 9 || (b & 15) > 9)
        return false;
    *v = (b >> 4) * 10 + (b & 15);
    return true;
}

/* Last date seen by a decoder: positions of a run share their day, and
 * turning a date into days is the costly half of the conversion. */
typedef struct date_cache {
    uint32_t key; /* YYMMDD as sent; 0 = empty (00-00-00 is never valid) */
    int64_t days;
} date_cache;

static bool bcd_time(const uint8_t b[6], int64_t *out, date_cache *dc)
{
    int yy, mo, dd, hh, mi, ss;
    uint32_t key = (uint32_t)b[0] << 16 | (uint32_t)b[1] << 8 | b[2];
    int64_t days;
    if (dc && dc->key == key) {
        days = dc->days;
    } else {
        if (!bcd2(b[0], &yy) || !bcd2(b[1], &mo) || !bcd2(b[2], &dd))
            return false;
        int y = 2000 + yy; /* JT/T 808 sends two-digit years of this century */
        if (!tu_valid_date(y, (unsigned)mo, (unsigned)dd))
            return false;
        days = tu_days_from_civil(y, (unsigned)mo, (unsigned)dd);
        if (dc) {
            dc->key = key;
            dc->days = days;
        }
    }
    if (!bcd2(b[3], &hh) || !bcd2(b[4], &mi) || !bcd2(b[5], &ss) || hh > 23 || mi > 59 || ss > 59)
        return false;
    /* The terminal's clock is GMT+8 (JT808.md section 3). */
    *out = days * 86400 + hh * 3600 + mi * 60 + ss - 8 * 3600;
    return true;
}

bool jt808_bcd_time(const uint8_t b[6], int64_t *out) { return bcd_time(b, out, NULL); }

/* Phone field -> decimal digits in out[PHONE_MAX + 1]; returns length.
 * BCD (JT808.md section 2): digits with leading zeros stripped, so a
 * terminal reads the same under 6-byte and 10-byte headers.  Not BCD
 * (quirk 3: an IMEI in binary): the decimal value of the bytes; for the
 * usual 6-byte field a Luhn check digit is appended, which restores the
 * 15-digit IMEI the tracker derived the field from (as traccar does). */
static size_t phone_digits(const uint8_t *b, unsigned n, char *out)
{
    bool bcd = true;
    for (unsigned i = 0; i < n; i++)
        if ((b[i] >> 4) > 9 || (b[i] & 15) > 9)
            bcd = false;
    size_t k = 0;
    if (bcd) {
        for (unsigned i = 0; i < n; i++) {
            out[k++] = (char)('0' + (b[i] >> 4));
            out[k++] = (char)('0' + (b[i] & 15));
        }
        size_t z = 0;
        while (z + 1 < k && out[z] == '0')
            z++;
        memmove(out, out + z, k - z);
        k -= z;
        out[k] = 0;
        return k;
    }
    /* Base-256 -> base-10 by repeated division of a byte array. */
    uint8_t num[10];
    memcpy(num, b, n);
    char rev[32];
    size_t r = 0;
    bool nonzero = true;
    while (nonzero && r < 28) {
        unsigned rem = 0;
        nonzero = false;
        for (unsigned i = 0; i < n; i++) {
            unsigned cur = rem * 256 + num[i];
            num[i] = (uint8_t)(cur / 10);
            rem = cur % 10;
            if (num[i])
                nonzero = true;
        }
        rev[r++] = (char)('0' + rem);
    }
    for (size_t i = 0; i < r; i++)
        out[k++] = rev[r - 1 - i];
    if (n == 6) {
        /* Luhn: double every second digit counting from the right of the
         * payload (the rightmost payload digit is doubled). */
        unsigned sum = 0;
        for (size_t i = 0; i < k; i++) {
            unsigned dgt = (unsigned)(out[k - 1 - i] - '0');
            if (i % 2 == 0) {
                dgt *= 2;
                if (dgt > 9)
                    dgt -= 9;
            }
            sum += dgt;
        }
        out[k++] = (char)('0' + (10 - sum % 10) % 10);
    }
    out[k] = 0;
    return k;
}

size_t jt808_plate_normalise(char *s, size_t n)
{
    /* FORMATS.md "Vehicles", as for every other input; a plate that is
     * empty, too long or holds control characters is no plate */
    char out[RL_PLATE_MAX + 1];
    size_t len;
    if (plate_normalize(s, n, out, &len))
        return 0;
    memcpy(s, out, len);
    return len;
}

/* A fixed-width or counted text field, trimmed of the paddings seen in the
 * wild (right 0x00 per the standard; left 0x00 or spaces, quirk 6), then
 * GBK -> UTF-8.  Returns length or (size_t)-1 when not GBK. */
static size_t text_field(jt808_session *s, const uint8_t *p, size_t n, char *out, size_t cap)
{
    while (n && (p[n - 1] == 0 || p[n - 1] == ' ' || p[n - 1] == 0xFF))
        n--;
    while (n && (p[0] == 0 || p[0] == ' '))
        p++, n--;
    return gbk_to_utf8(s, p, n, out, cap);
}

/* ------------------------------------------------------------------ */
/* Frame validation (JT808.md sections 1-2).                           */

static uint8_t xor_bytes(const uint8_t *p, size_t n)
{
    uint64_t acc = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        acc ^= w;
    }
    acc ^= acc >> 32;
    acc ^= acc >> 16;
    acc ^= acc >> 8;
    uint8_t x = (uint8_t)acc;
    for (; i < n; i++)
        x ^= p[i];
    return x;
}

static void say(char *why, size_t wl, const char *fmt, ...)
{
    if (!why || !wl)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, wl, fmt, ap);
    va_end(ap);
}

size_t jt808_unescape(const uint8_t *in, size_t n, uint8_t *out, char *why, size_t wl)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t b = in[i];
        if (b != 0x7d) {
            out[w++] = b;
            continue;
        }
        /* 0x7d 0x01 -> 0x7d, 0x7d 0x02 -> 0x7e (JT808.md section 1). */
        if (i + 1 >= n) {
            say(why, wl, "bad escape: 0x7d just before the end flag");
            return (size_t)-1;
        }
        uint8_t nx = in[++i];
        if (nx == 0x01)
            out[w++] = 0x7d;
        else if (nx == 0x02)
            out[w++] = 0x7e;
        else {
            say(why, wl, "bad escape 0x7d 0x%02x", nx);
            return (size_t)-1;
        }
    }
    return w;
}

/* Header layout and checksum, without formatting the phone. */
static jt808_err frame_header(const uint8_t *c, size_t n, jt808_frame *f, char *why, size_t wl)
{
    if (n < 13) {
        say(why, wl, "frame truncated: %zu bytes, a message header needs 12 and a checksum", n);
        return JT808_E_SHORT;
    }
    cursor k = cur_make(c, n - 1);
    f->msg_id = get_be_u2(&k);
    f->props = get_be_u2(&k);
    f->body_len = f->props & 0x3FF;          /* bits 0-9 */
    f->encryption = (f->props >> 10) & 7;    /* bits 10-12 */
    f->subpackaged = (f->props >> 13) & 1;   /* bit 13 */
    f->version_flag = (f->props >> 14) & 1;  /* bit 14: 2019 */
    size_t sub = f->subpackaged ? 4 : 0;
    size_t h13 = 12 + sub, h19 = 17 + sub;
    /* Quirk 1: some terminals set bit 14 on a 2013 header, so the layout
     * is the one whose header + body + checksum fills the frame. */
    size_t hl;
    if (f->version_flag && h19 + f->body_len + 1 == n) {
        f->edition = JT808_ED_2019;
        hl = h19;
        f->quirk_layout = false;
    } else if (h13 + f->body_len + 1 == n) {
        f->edition = JT808_ED_2013;
        hl = h13;
        f->quirk_layout = f->version_flag;
    } else {
        hl = f->version_flag ? h19 : h13;
        if (n - 1 < hl) {
            say(why, wl, "frame truncated: %zu bytes, its header needs %zu and a checksum", n, hl);
            return JT808_E_SHORT;
        }
        size_t carried = n - 1 - hl;
        say(why, wl, "body length %u but frame carries %zu bytes", f->body_len, carried);
        return carried < f->body_len ? JT808_E_SHORT : JT808_E_LONG;
    }
    uint8_t x = xor_bytes(c, n - 1);
    if (x != c[n - 1]) {
        say(why, wl, "bad checksum (computed 0x%02x, frame says 0x%02x)", x, c[n - 1]);
        return JT808_E_CHECKSUM;
    }
    if (f->edition == JT808_ED_2019) {
        f->protocol_version = get_u1(&k);
        f->phone_raw_len = 10;
    } else {
        f->protocol_version = 0;
        f->phone_raw_len = 6;
    }
    const uint8_t *ph = get_bytes(&k, f->phone_raw_len);
    memset(f->phone_bcd, 0, sizeof f->phone_bcd); /* zero tail: compared as integers */
    if (ph)
        memcpy(f->phone_bcd, ph, f->phone_raw_len);
    f->serial = get_be_u2(&k);
    if (f->subpackaged) {
        f->pkt_total = get_be_u2(&k);
        f->pkt_index = get_be_u2(&k);
    } else {
        f->pkt_total = f->pkt_index = 0;
    }
    f->body = c + hl;
    f->phone_len = 0;
    f->phone[0] = 0;
    return k.bad ? JT808_E_SHORT : JT808_OK; /* cannot be bad: lengths checked above */
}

jt808_err jt808_parse_frame(const uint8_t *c, size_t n, jt808_frame *f, char *why, size_t wl)
{
    memset(f, 0, sizeof *f);
    if (n > 2 * JT808_MAX_FRAME) {
        say(why, wl, "frame of %zu bytes is longer than any JT/T 808 message", n);
        return JT808_E_OVERSIZE;
    }
    jt808_err e = frame_header(c, n, f, why, wl);
    if (e == JT808_OK)
        f->phone_len = phone_digits(f->phone_bcd, f->phone_raw_len, f->phone);
    return e;
}

/* ------------------------------------------------------------------ */
/* 0x0200 location block (JT808.md section 3).                         */

static int32_t coord(uint32_t raw, bool negative, bool *twos)
{
    if (raw & 0x80000000u) {
        /* Quirk 8: two's complement instead of magnitude + S/W bit. */
        *twos = true;
        return (int32_t)((int64_t)raw - 0x100000000ll);
    }
    return negative ? -(int32_t)raw : (int32_t)raw;
}

static inline uint16_t be16_at(const uint8_t *p) { return (uint16_t)((unsigned)p[0] << 8 | p[1]); }
static inline uint32_t be32_at(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ------------------------------------------------------------------ */
/* Active-safety items 0x64-0x67 (JT808.md §14).                       */

/* The "base" block every item ends with: speed BYTE, altitude WORD, lat,
 * lon DWORD, time BCD[6], vehicle status WORD, then the alarm
 * identification: terminal id BYTE[7] (GDRTA BYTE[30]), time BCD[6],
 * sequence BYTE, attachment count BYTE, reserved BYTE (GDRTA BYTE[2]). */
static size_t as_base_len(jt808_dialect d) { return d == JT808_DIALECT_GDRTA ? 59 : 35; }

size_t jt808_safety_item_len(uint8_t id, jt808_dialect d, unsigned tyres)
{
    size_t base = as_base_len(d);
    switch (id) {
    case 0x64: /* alarm id DWORD, flag, type, level, lead speed, headway, side, sign type, sign value */
    case 0x65: /* alarm id DWORD, flag, type, level, fatigue degree, reserved BYTE[4] */
        return 12 + base;
    case 0x66: /* alarm id DWORD, flag, base, count BYTE, count x 9-byte tyre */
        return 5 + base + 1 + 9 * (size_t)tyres;
    case 0x67: /* alarm id DWORD, flag, type */
        return 6 + base;
    default:
        return 0;
    }
}

/* Coordinates of the base block: 1e-6 degrees without hemisphere bits
 * (the standards are for China); a high bit set reads as two's
 * complement, as quirk 8 does for the location block. */
static int32_t as_coord(uint32_t raw) { return (int32_t)raw; }

static bool as_base(cursor *c, jt808_dialect d, rl_as_item *it, const uint8_t **time_bcd)
{
    it->speed_kmh = get_u1(c);
    it->altitude_m = get_be_u2(c);
    it->lat_e6 = as_coord(get_be_u4(c));
    it->lon_e6 = as_coord(get_be_u4(c));
    const uint8_t *t = get_bytes(c, 6);
    it->vstatus = get_be_u2(c);
    size_t tidn = d == JT808_DIALECT_GDRTA ? 30 : 7;
    const uint8_t *tid = get_bytes(c, tidn);
    get_bytes(c, 6); /* identification time: the same moment, in practice */
    it->seq = get_u1(c);
    it->attachments = get_u1(c);
    get_bytes(c, d == JT808_DIALECT_GDRTA ? 2 : 1);
    if (c->bad || !t || !tid)
        return false;
    *time_bcd = t;
    /* the terminal id is ASCII, 0x00-padded; anything else shows as '?' */
    size_t k = 0;
    for (size_t i = 0; i < tidn && tid[i] && k < sizeof it->terminal_id - 1; i++)
        it->terminal_id[k++] = tid[i] > 0x20 && tid[i] < 0x7f ? (char)tid[i] : '?';
    it->terminal_id[k] = 0;
    it->terminal_id_len = (uint8_t)k;
    return true;
}

/* One 0x64-0x67 item into L->safety; an item whose length fits no layout
 * of the dialect, or whose time is not a date, is skipped and counted:
 * vendors reuse these ids for other things (quirk 5), and a guess would
 * invent alarms. */
static void parse_safety(jt808_location *L, uint8_t id, const uint8_t *v, size_t len, jt808_dialect d,
                         date_cache *dc)
{
    unsigned tyres = 0;
    if (id == 0x66) {
        size_t at = 5 + as_base_len(d);
        if (len > at)
            tyres = v[at];
    }
    if (len != jt808_safety_item_len(id, d, tyres)) {
        L->safety_bad_length++;
        return;
    }
    if (L->safety.nitems >= RL_AS_MAX_ITEMS) {
        L->safety_dropped++;
        return;
    }
    rl_as_item *it = &L->safety.items[L->safety.nitems];
    memset(it, 0, offsetof(rl_as_item, tyres));
    cursor c = cur_make(v, len);
    it->kind = (uint8_t)(id - 0x64);
    it->alarm_id = get_be_u4(&c);
    it->flag = get_u1(&c);
    switch (id) {
    case 0x64:
        it->type = get_u1(&c);
        it->level = get_u1(&c);
        it->lead_speed_kmh = get_u1(&c);
        it->headway_ds = get_u1(&c);
        it->ldw_side = get_u1(&c);
        it->sign_type = get_u1(&c);
        it->sign_value = get_u1(&c);
        break;
    case 0x65:
        it->type = get_u1(&c);
        it->level = get_u1(&c);
        it->fatigue = get_u1(&c);
        get_bytes(&c, 4);
        break;
    case 0x67:
        it->type = get_u1(&c);
        break;
    }
    const uint8_t *when;
    if (!as_base(&c, d, it, &when)) {
        L->safety_bad_length++; /* cannot happen: the length was checked */
        return;
    }
    if (!bcd_time(when, &it->time, dc)) { /* mostly the position's date: the decoder's cache */
        L->safety_bad_time++;
        return;
    }
    if (id == 0x66) {
        get_u1(&c); /* the count, read above */
        it->ntyres = (uint8_t)tyres;
        for (unsigned i = 0; i < tyres; i++) {
            rl_tyre *t = &it->tyres[i];
            t->position = get_u1(&c);
            t->alarm = get_be_u2(&c);
            t->kpa = get_be_u2(&c);
            t->celsius = (int16_t)get_be_u2(&c);
            t->battery_pct = get_be_u2(&c);
        }
    }
    L->safety.nitems++;
}

/* Item fields are only written when the item is present (L->items says
 * which); the public wrapper clears the whole struct first. */
static bool parse_location(const uint8_t *b, size_t n, jt808_location *L, char *why, size_t wl, date_cache *dc,
                           jt808_dialect dialect)
{
    L->items = L->nitems = 0;
    L->items_truncated = L->twos_complement = L->odd_item_len = false;
    L->safety.nitems = 0;
    L->safety.video.have = 0;
    L->safety_bad_length = L->safety_bad_time = L->safety_dropped = 0;
    cursor c = cur_make(b, n);
    /* The 28-byte basic block is taken whole through the cursor (one
     * check, as tcpdump's ND_TCHECK_LEN), then read at fixed offsets. */
    const uint8_t *k = get_bytes(&c, 28);
    if (!k) {
        say(why, wl, "location has %zu bytes, needs 28", n);
        return false;
    }
    L->alarm = be32_at(k);
    L->status = be32_at(k + 4);
    L->lat_raw = be32_at(k + 8);
    L->lon_raw = be32_at(k + 12);
    L->altitude_m = (int16_t)be16_at(k + 16); /* signed, as traccar reads it */
    L->speed_dkmh = be16_at(k + 18);
    L->heading = be16_at(k + 20);
    memcpy(L->time_bcd, k + 22, 6);
    /* Status bit 2 = south, bit 3 = west. */
    L->lat_e6 = coord(L->lat_raw, L->status & 4, &L->twos_complement);
    L->lon_e6 = coord(L->lon_raw, L->status & 8, &L->twos_complement);
    L->time_ok = bcd_time(k + 22, &L->time, dc);

    /* Additional items: id BYTE, length BYTE, value.  Unknown or
     * vendor-reused ids are skipped by length; a known id with an
     * unexpected length is skipped too (quirk 5) rather than misread. */
    while (cur_left(&c) >= 2) {
        const uint8_t *il = get_bytes(&c, 2);
        uint8_t id = il[0], len = il[1];
        const uint8_t *v = get_bytes(&c, len);
        if (!v) {
            L->items_truncated = true;
            break;
        }
        L->nitems++;
        cursor iv = cur_make(v, len);
        int want;
        switch (id) {
        case 0x01: case 0x25: case 0x2B: want = 4; break;
        case 0x02: case 0x03: case 0x04: case 0x2A: want = 2; break;
        case 0x11: want = len == 5 ? 5 : 1; break;
        case 0x12: want = 6; break;
        case 0x13: want = 7; break;
        case 0x30: case 0x31: want = 1; break;
        /* JT/T 1078 table 13: 0x18 is given as 2 bytes but defines a WORD
         * and a fatigue degree BYTE; real terminals send 3 (JT808.md §14) */
        case 0x14: case 0x15: case 0x16: want = 4; break;
        case 0x17: want = 2; break;
        case 0x18: want = len == 3 ? 3 : 2; break;
        case 0x64: case 0x65: case 0x66: case 0x67:
            parse_safety(L, id, v, len, dialect, dc);
            continue;
        default: continue;
        }
        if (len != want) {
            L->odd_item_len = true;
            continue;
        }
        switch (id) {
        case 0x01: L->mileage_hm = get_be_u4(&iv); L->items |= JT808_IT_MILEAGE; break;
        case 0x02: L->fuel_dl = get_be_u2(&iv); L->items |= JT808_IT_FUEL; break;
        case 0x03: L->rec_speed_dkmh = get_be_u2(&iv); L->items |= JT808_IT_RECSPEED; break;
        case 0x04: L->event_id = get_be_u2(&iv); L->items |= JT808_IT_EVENT_ID; break;
        case 0x11:
            L->overspeed_type = get_u1(&iv);
            L->overspeed_area = len == 5 ? get_be_u4(&iv) : 0;
            L->items |= JT808_IT_OVERSPEED;
            break;
        case 0x12:
            L->area_type = get_u1(&iv);
            L->area_id = get_be_u4(&iv);
            L->area_dir = get_u1(&iv);
            L->items |= JT808_IT_AREA;
            break;
        case 0x13:
            L->route_id = get_be_u4(&iv);
            L->route_time_s = get_be_u2(&iv);
            L->route_result = get_u1(&iv);
            L->items |= JT808_IT_ROUTE;
            break;
        case 0x25: L->ext_signal = get_be_u4(&iv); L->items |= JT808_IT_EXTSIG; break;
        case 0x2A: L->io = get_be_u2(&iv); L->items |= JT808_IT_IO; break;
        case 0x2B: L->analog = get_be_u4(&iv); L->items |= JT808_IT_ANALOG; break;
        case 0x30: L->rssi = get_u1(&iv); L->items |= JT808_IT_RSSI; break;
        case 0x31: L->sats = get_u1(&iv); L->items |= JT808_IT_SATS; break;
        case 0x14: L->safety.video.alarm = get_be_u4(&iv); L->safety.video.have |= RL_VIDEO_ALARM; break;
        case 0x15: L->safety.video.signal_loss = get_be_u4(&iv); L->safety.video.have |= RL_VIDEO_SIGNAL_LOSS; break;
        case 0x16: L->safety.video.occlusion = get_be_u4(&iv); L->safety.video.have |= RL_VIDEO_OCCLUSION; break;
        case 0x17: L->safety.video.storage = get_be_u2(&iv); L->safety.video.have |= RL_VIDEO_STORAGE; break;
        case 0x18:
            L->safety.video.driving = get_be_u2(&iv);
            L->safety.video.fatigue = len == 3 ? get_u1(&iv) : 0;
            L->safety.video.have |= RL_VIDEO_DRIVING;
            break;
        }
    }
    if (cur_left(&c) == 1)
        L->items_truncated = true; /* a lone byte cannot be an item */
    return true;
}

bool jt808_parse_location_in(const uint8_t *b, size_t n, jt808_dialect dialect, jt808_location *L, char *why,
                             size_t wl)
{
    memset(L, 0, sizeof *L);
    return parse_location(b, n, L, why, wl, NULL, dialect);
}

bool jt808_parse_location(const uint8_t *b, size_t n, jt808_location *L, char *why, size_t wl)
{
    return jt808_parse_location_in(b, n, JT808_DIALECT_JSATL, L, why, wl);
}

/* ------------------------------------------------------------------ */
/* The decoder.                                                        */

enum { UNSYNC_START, UNSYNC_BREAK, UNSYNC_JUNK };

#define HELD_PIECES 8
#define HELD_CAP (2 * JT808_MAX_FRAME + 8)

struct jt808_dec {
    jt808_session *s;
    const rl_sink *sink;
    unsigned file;
    rl_loc_kind loc;
    bool stopped;

    /* Framing.  `in_frame`: a 0x7e was seen and part[] collects the bytes
     * after it.  Every 0x7e both closes the frame before it and opens the
     * next one, so back-to-back "7e 7e" and shared flags both work, and a
     * truncated frame never swallows its successor. */
    bool in_frame;
    uint8_t *part; /* grown up to JT808_MAX_FRAME, on the first split frame */
    size_t part_len, part_cap;
    uint64_t part_origin;
    int unsync_why;
    uint64_t unsync_bytes, unsync_origin;

    /* A frame shorter than its body length is held, and the next pieces
     * (each invalid on its own) are joined to it with a literal 0x7e
     * while the whole stays short: if it then adds up, a device sent 0x7e
     * unescaped (quirk 2, hylexus/jt-framework#71; TRC test frames in
     * unescaped form, quirk 10).  If it overshoots, the first piece is
     * rejected as truncated and the others are decoded again on their
     * own, in order, so a truncated frame never swallows its successors. */
    uint8_t *held; /* HELD_CAP bytes, allocated on first use */
    size_t held_len;
    unsigned held_n;
    size_t piece_off[HELD_PIECES], piece_len[HELD_PIECES];
    uint64_t piece_origin[HELD_PIECES];
    char held_why[128];

    /* Sub-package reassembly (props bit 13), one message at a time. */
    struct {
        bool active;
        uint16_t msg_id, total, next;
        jt808_frame first;     /* header of part 1 (body pointer unused) */
        uint64_t origin;
        uint8_t *buf;          /* JT808_MAX_REASSEMBLED bytes, lazily */
        size_t len;
    } ra;

    /* Phone formatting cache: terminals send runs of frames. */
    uint64_t last_k0;
    uint32_t last_k1;
    char phone[PHONE_MAX + 1];
    size_t phone_len;
    uint64_t drv_gen;
    long slot; /* the terminal's driver-table slot, -1 none */
    date_cache dates;

    uint64_t cnt[C_N];
    struct { uint16_t id; uint64_t n; } skip[SKIP_IDS];
    unsigned nskip;
};

jt808_dec *jt808_new(jt808_session *s, const rl_sink *sink, unsigned file_index, rl_loc_kind loc)
{
    jt808_dec *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->s = s;
    d->sink = sink;
    d->file = file_index;
    d->loc = loc;
    d->unsync_why = UNSYNC_START;
    d->drv_gen = (uint64_t)-1;
    return d;
}

void jt808_free(jt808_dec *d)
{
    if (!d)
        return;
    free(d->part);
    free(d->held);
    free(d->ra.buf);
    free(d);
}

static bool reject(jt808_dec *d, uint64_t pos, const char *why, const void *raw, size_t rawn)
{
    if (rawn > 64)
        rawn = 64;
    if (d->sink && d->sink->reject &&
        !d->sink->reject(d->sink->ud, RL_ORIGIN(d->file, pos), why, raw, rawn)) {
        d->stopped = true;
        return false;
    }
    return true;
}

static void count_skipped(jt808_dec *d, uint16_t id)
{
    for (unsigned i = 0; i < d->nskip; i++)
        if (d->skip[i].id == id) {
            d->skip[i].n++;
            return;
        }
    if (d->nskip < SKIP_IDS) {
        d->skip[d->nskip].id = id;
        d->skip[d->nskip].n = 1;
        d->nskip++;
    } else {
        d->cnt[C_SKIPPED_OTHER]++;
    }
}

static long session_slot(const jt808_session *s, const char *phone, size_t n)
{
    const drv_entry *e = session_find(s, phone, n);
    return e ? (long)(e - s->tab) : -1;
}

static inline size_t term_hash(uint64_t k0, uint32_t k1)
{
    uint64_t h = (k0 ^ ((uint64_t)k1 << 40) ^ k1) * 0x9E3779B97F4A7C15ull;
    return (size_t)(h ^ (h >> 29));
}

static bool terms_grow(jt808_session *s)
{
    size_t ncap = s->tcap ? s->tcap * 2 : 1024;
    term_entry *nt = calloc(ncap, sizeof *nt);
    if (!nt)
        return false;
    for (size_t i = 0; i < s->tcap; i++) {
        const term_entry *e = &s->terms[i];
        if (!e->phone_len)
            continue;
        size_t j = term_hash(e->k0, e->k1) & (ncap - 1);
        while (nt[j].phone_len)
            j = (j + 1) & (ncap - 1);
        nt[j] = *e;
    }
    free(s->terms);
    s->terms = nt;
    s->tcap = ncap;
    return true;
}

/* The entry of a raw phone field, created (digits formatted) when new;
 * NULL when the table is full or memory is short. */
static term_entry *term_get(jt808_session *s, const jt808_frame *f, uint64_t k0, uint32_t k1)
{
    if (s->tcap) {
        for (size_t i = term_hash(k0, k1) & (s->tcap - 1);; i = (i + 1) & (s->tcap - 1)) {
            term_entry *e = &s->terms[i];
            if (!e->phone_len)
                break;
            if (e->k0 == k0 && e->k1 == k1)
                return e;
        }
    }
    if (s->tused >= SESSION_MAX_TERMINALS)
        return NULL;
    if ((s->tused + 1) * 2 > s->tcap && !terms_grow(s))
        return NULL;
    size_t i = term_hash(k0, k1) & (s->tcap - 1);
    while (s->terms[i].phone_len)
        i = (i + 1) & (s->tcap - 1);
    term_entry *e = &s->terms[i];
    e->k0 = k0;
    e->k1 = k1;
    e->phone_len = (uint8_t)phone_digits(f->phone_bcd, f->phone_raw_len, e->phone);
    e->gen = 0;
    s->tused++;
    return e;
}

/* Terminal phone and driver slot of a frame: the decoder's own copy when
 * the terminal is the same as last frame's (one terminal per TCP stream),
 * else the session's terminal table.  A driver changes in its slot, so
 * only a new slot (new terminal, table growth) invalidates the caches. */
static void dec_phone(jt808_dec *d, const jt808_frame *f)
{
    jt808_session *s = d->s;
    uint64_t k0;
    memcpy(&k0, f->phone_bcd, 8);
    uint32_t k1 = (uint32_t)f->phone_bcd[8] << 16 | (uint32_t)f->phone_bcd[9] << 8 | f->phone_raw_len;
    if (d->drv_gen == s->generation && k0 == d->last_k0 && k1 == d->last_k1)
        return;
    term_entry *t = term_get(s, f, k0, k1);
    if (t) {
        if (t->gen != s->generation) {
            t->slot = session_slot(s, t->phone, t->phone_len);
            t->gen = s->generation;
        }
        memcpy(d->phone, t->phone, sizeof d->phone); /* fixed size: two vector moves */
        d->phone_len = t->phone_len;
        d->slot = t->slot;
    } else { /* table full: do it by hand */
        d->phone_len = phone_digits(f->phone_bcd, f->phone_raw_len, d->phone);
        d->slot = session_slot(s, d->phone, d->phone_len);
    }
    d->last_k0 = k0;
    d->last_k1 = k1;
    d->drv_gen = s->generation;
}

/* "position 0x0200", "position reply 0x0201" (item 1, count 0) or
 * "batch item 2 of 5", for reasons (only built when
 * something is wrong: formatting per position would cost speed). */
static void location_name(char *out, size_t cap, unsigned item, unsigned count)
{
    if (count)
        snprintf(out, cap, "batch item %u of %u", item, count);
    else if (item)
        snprintf(out, cap, "position reply 0x0201");
    else
        snprintf(out, cap, "position 0x0200");
}

/* One location (0x0200 body or 0x0704 item) -> sink->position. */
static bool emit_location(jt808_dec *d, const uint8_t *b, size_t n, uint64_t origin, unsigned item,
                          unsigned count)
{
    char what[64];
    jt808_location L;
    char why[128];
    if (!parse_location(b, n, &L, why, sizeof why, &d->dates, d->s->dialect)) {
        d->cnt[C_BAD_LOCATION]++;
        location_name(what, sizeof what, item, count);
        char msg[256];
        snprintf(msg, sizeof msg, "%s: %s", what, why);
        return reject(d, origin, msg, b, n);
    }
    if (!L.time_ok) {
        d->cnt[C_BAD_TIME]++;
        location_name(what, sizeof what, item, count);
        char msg[256];
        snprintf(msg, sizeof msg, "%s: time %02x%02x%02x%02x%02x%02x is not a valid YYMMDDhhmmss date",
                 what, L.time_bcd[0], L.time_bcd[1], L.time_bcd[2], L.time_bcd[3], L.time_bcd[4],
                 L.time_bcd[5]);
        return reject(d, origin, msg, b, n);
    }
    if (L.items_truncated)
        d->cnt[C_ITEMS_TRUNC]++;
    if (L.twos_complement)
        d->cnt[C_Q_TWOS]++;
    if (L.odd_item_len)
        d->cnt[C_Q_ITEM_LEN]++;
    const rl_safety *safety = NULL;
    if (L.safety.nitems | L.safety.video.have | L.safety_bad_length | L.safety_bad_time | L.safety_dropped) {
        d->cnt[C_AS_ITEMS] += L.safety.nitems;
        d->cnt[C_AS_BAD_LEN] += L.safety_bad_length;
        d->cnt[C_AS_BAD_TIME] += L.safety_bad_time;
        d->cnt[C_AS_DROPPED] += L.safety_dropped;
        d->cnt[C_VIDEO_ITEMS] += (unsigned)__builtin_popcount(L.safety.video.have);
        if (L.safety.nitems || L.safety.video.have)
            safety = &L.safety;
    }
    rl_position p;
    memset(&p, 0, sizeof p);
    p.origin = RL_ORIGIN(d->file, origin);
    p.time = L.time;
    p.lat_e6 = L.lat_e6;
    p.lon_e6 = L.lon_e6;
    p.speed_mkmh = (int32_t)L.speed_dkmh * 100; /* 0.1 km/h -> km/h x 1000 */
    p.heading = L.heading;
    p.altitude_m = L.altitude_m;
    p.status = L.status;
    p.alarm = L.alarm;
    p.have = RL_HAVE_HEADING | RL_HAVE_ALTITUDE | RL_HAVE_STATUS | RL_HAVE_ALARM;
    if (L.items & JT808_IT_MILEAGE) {
        p.mileage_m = (int64_t)L.mileage_hm * 100; /* 0.1 km -> m */
        p.have |= RL_HAVE_MILEAGE;
    }
    p.phone = d->phone;
    p.phone_len = d->phone_len;
    p.safety = safety;
    if (d->slot >= 0 && d->s->tab[d->slot].driver_len) {
        p.driver = d->s->tab[d->slot].driver;
        p.driver_len = d->s->tab[d->slot].driver_len;
    }
    d->cnt[C_POSITIONS]++;
    if (d->sink && d->sink->position)
        d->sink->position(d->sink->ud, &p);
    return true;
}

/* 0x0704 batch: count WORD, type BYTE, count x (length WORD, location)
 * (JT808.md section 4).  Every item shares the frame's origin. */
static bool msg_batch(jt808_dec *d, const uint8_t *b, size_t n, uint64_t origin)
{
    cursor c = cur_make(b, n);
    unsigned count = get_be_u2(&c);
    unsigned type = get_u1(&c);
    if (c.bad) {
        d->cnt[C_BATCH_SHORT]++;
        return reject(d, origin, "batch upload 0x0704: body too short for its count and type", b, n);
    }
    d->cnt[C_BATCHES]++;
    for (unsigned i = 0; i < count; i++) {
        unsigned len = get_be_u2(&c);
        const uint8_t *item = get_bytes(&c, len);
        if (!item) {
            d->cnt[C_BATCH_SHORT]++;
            char msg[128];
            snprintf(msg, sizeof msg, "batch upload 0x0704: item %u of %u runs past the body", i + 1, count);
            return reject(d, origin, msg, b, n);
        }
        if (type == 1)
            d->cnt[C_BATCH_BLIND]++;
        if (!emit_location(d, item, len, origin, i + 1, count))
            return false;
    }
    return true;
}

/* 0x0201 reply to a position query (0x8201): the serial WORD of the
 * query, then a location block as in 0x0200 (JT808.md section 3). */
static bool msg_position_reply(jt808_dec *d, const uint8_t *b, size_t n, uint64_t origin)
{
    cursor c = cur_make(b, n);
    get_be_u2(&c);
    if (c.bad) {
        d->cnt[C_BAD_LOCATION]++;
        return reject(d, origin, "position reply 0x0201: body too short for its serial number", b, n);
    }
    d->cnt[C_POS_REPLIES]++;
    return emit_location(d, b + 2, n - 2, origin, 1, 0);
}

/* 0x0100 registration (JT808.md section 5): province WORD, city WORD,
 * maker, model, terminal id (widths by edition), colour BYTE, plate GBK. */
static bool msg_registration(jt808_dec *d, const jt808_frame *f, const uint8_t *b, size_t n, uint64_t origin)
{
    /* Fixed part before the plate: 2011 = 25, 2013 = 37, 2019 = 76 bytes.
     * 2011 and 2013 are told apart by length (GO: > 36 => 2013); a 2019
     * header with a short body falls back to the older layouts. */
    static const size_t fixed_2019 = 76, fixed_2013 = 37, fixed_2011 = 25;
    size_t cand[3];
    int nc = 0;
    if (f->edition == JT808_ED_2019)
        cand[nc++] = fixed_2019;
    cand[nc++] = fixed_2013;
    cand[nc++] = fixed_2011;
    size_t fixed = 0;
    for (int i = 0; i < nc; i++) {
        if (n < cand[i])
            continue;
        uint8_t col = b[cand[i] - 1];
        if (!fixed)
            fixed = cand[i];
        if (col <= 5 || col == 9) { /* a real colour code: take this layout */
            fixed = cand[i];
            break;
        }
    }
    if (!fixed) {
        d->cnt[C_BAD_REG]++;
        char msg[128];
        snprintf(msg, sizeof msg, "registration 0x0100: body of %zu bytes is shorter than the 25-byte 2011 layout", n);
        return reject(d, origin, msg, b, n);
    }
    int color = b[fixed - 1];
    char plate[256];
    size_t pl = text_field(d->s, b + fixed, n - fixed, plate, sizeof plate);
    if (pl == (size_t)-1) {
        d->cnt[C_BAD_REG]++;
        return reject(d, origin, "registration 0x0100: plate is not valid GBK text", b, n);
    }
    pl = jt808_plate_normalise(plate, pl);
    if (pl == 0) {
        d->cnt[C_REG_NO_PLATE]++;
        return true;
    }
    d->cnt[C_REGISTRATIONS]++;
    if (d->sink && d->sink->registration)
        d->sink->registration(d->sink->ud, d->phone, d->phone_len, plate, pl, color, RL_ORIGIN(d->file, origin));
    return true;
}

/* 0x0702 driver identity (JT808.md section 7). */
typedef struct driver_id {
    int status;          /* 1 card in, 2 card out, 0 = 2011 (no status) */
    int result;          /* read result when status 1 */
    const uint8_t *name, *qual;
    size_t name_len, qual_len;
} driver_id;

static bool parse_driver_2013(const uint8_t *b, size_t n, bool y2019, driver_id *o)
{
    cursor c = cur_make(b, n);
    memset(o, 0, sizeof *o);
    o->status = get_u1(&c);
    get_bytes(&c, 6); /* time: BCD, or binary on some devices (quirk 7); not needed */
    if (c.bad || (o->status != 1 && o->status != 2))
        return false;
    if (o->status == 2)
        return true; /* card out: whatever follows is ignored (quirk 7, YZH) */
    o->result = get_u1(&c);
    if (c.bad)
        return false;
    if (o->result != 0)
        return true;
    o->name_len = get_u1(&c);
    o->name = get_bytes(&c, o->name_len);
    o->qual_len = 20;
    o->qual = get_bytes(&c, 20);
    unsigned alen = get_u1(&c);
    get_bytes(&c, alen);
    get_bytes(&c, 4); /* validity */
    (void)y2019;      /* 2019 adds the ID-card number after; not needed */
    return !c.bad;
}

static bool parse_driver_2011(const uint8_t *b, size_t n, driver_id *o)
{
    cursor c = cur_make(b, n);
    memset(o, 0, sizeof *o);
    o->name_len = get_u1(&c);
    o->name = get_bytes(&c, o->name_len);
    get_bytes(&c, 20); /* ID-card number */
    o->qual_len = 40;
    o->qual = get_bytes(&c, 40);
    unsigned alen = get_u1(&c);
    get_bytes(&c, alen);
    return !c.bad;
}

static bool msg_driver(jt808_dec *d, const jt808_frame *f, const uint8_t *b, size_t n, uint64_t origin)
{
    driver_id id;
    /* 2013+ starts with a status 0x01/0x02 (SC); 2011 with a name length. */
    bool ok = parse_driver_2013(b, n, f->edition == JT808_ED_2019, &id);
    if (!ok && f->edition != JT808_ED_2019)
        ok = parse_driver_2011(b, n, &id);
    if (!ok) {
        d->cnt[C_BAD_DRIVER]++;
        return reject(d, origin, "driver identity 0x0702: body does not fit the 2011, 2013 or 2019 layout", b, n);
    }
    if (id.status == 2) {
        d->cnt[C_DRIVER_OUT]++;
        session_set_driver(d->s, d->phone, d->phone_len, "", 0);
        return true;
    }
    if (id.status == 1 && id.result != 0) {
        /* IC card could not be read: who drives is unknown from here on. */
        d->cnt[C_DRIVER_READ_FAIL]++;
        session_set_driver(d->s, d->phone, d->phone_len, "", 0);
        return true;
    }
    char drv[256];
    size_t dl = text_field(d->s, id.qual, id.qual_len, drv, sizeof drv);
    if (dl == (size_t)-1)
        dl = 0;
    if (dl == 0 && id.name_len) { /* no certificate code: fall back to the name */
        dl = text_field(d->s, id.name, id.name_len, drv, sizeof drv);
        if (dl == (size_t)-1)
            dl = 0;
    }
    if (dl == 0) {
        d->cnt[C_BAD_DRIVER]++;
        session_set_driver(d->s, d->phone, d->phone_len, "", 0);
        return reject(d, origin, "driver identity 0x0702: neither a qualification code nor a name", b, n);
    }
    dl = utf8_cut(drv, dl, DRIVER_MAX);
    d->cnt[C_DRIVER_IDS]++;
    if (!session_set_driver(d->s, d->phone, d->phone_len, drv, dl)) {
        d->cnt[C_DRIVER_FULL]++;
        return reject(d, origin, "driver identity 0x0702: too many terminals to remember their drivers", NULL, 0);
    }
    return true;
}

static bool decodable(uint16_t id)
{
    return id == 0x0200 || id == 0x0704 || id == 0x0201 || id == 0x0100 || id == 0x0702 || id == 0x0102 ||
           id == 0x0002;
}

/* A complete message body (whole frame or reassembled). */
static bool dispatch(jt808_dec *d, const jt808_frame *f, const uint8_t *b, size_t n, uint64_t origin)
{
    dec_phone(d, f);
    if (f->encryption && (f->msg_id == 0x0200 || f->msg_id == 0x0704 || f->msg_id == 0x0201 || f->msg_id == 0x0100 ||
                          f->msg_id == 0x0702)) {
        d->cnt[C_ENCRYPTED]++;
        char msg[96];
        snprintf(msg, sizeof msg, "message 0x%04x is encrypted (props bits 10-12 = %u): cannot be read",
                 f->msg_id, f->encryption);
        return reject(d, origin, msg, b, n);
    }
    switch (f->msg_id) {
    case 0x0200:
        return emit_location(d, b, n, origin, 0, 0);
    case 0x0704:
        return msg_batch(d, b, n, origin);
    case 0x0201:
        return msg_position_reply(d, b, n, origin);
    case 0x0100:
        return msg_registration(d, f, b, n, origin);
    case 0x0702:
        return msg_driver(d, f, b, n, origin);
    case 0x0102:
        d->cnt[C_AUTH]++; /* auth code only; nothing roadlog needs */
        return true;
    case 0x0002:
        d->cnt[C_HEARTBEATS]++; /* a body is tolerated (quirk 4) */
        return true;
    default:
        if (f->msg_id & 0x8000)
            d->cnt[C_DOWNLINK]++; /* platform -> terminal (0x8xxx) */
        count_skipped(d, f->msg_id);
        return true;
    }
}

static bool ra_drop(jt808_dec *d)
{
    if (!d->ra.active)
        return true;
    d->ra.active = false;
    d->cnt[C_SUB_INCOMPLETE]++;
    char msg[128];
    snprintf(msg, sizeof msg, "sub-packaged message 0x%04x incomplete: got %u of %u parts",
             d->ra.msg_id, (unsigned)(d->ra.next - 1), d->ra.total);
    return reject(d, d->ra.origin, msg, NULL, 0);
}

/* Sub-packaged frame (props bit 13).  Parts of a message we decode are
 * joined in order, one message per stream at a time, within
 * JT808_MAX_REASSEMBLED bytes; other ids are counted per part. */
static bool subpackage(jt808_dec *d, const jt808_frame *f, uint64_t origin)
{
    d->cnt[C_SUB_PARTS]++;
    if (!decodable(f->msg_id)) {
        dec_phone(d, f);
        if (f->msg_id & 0x8000)
            d->cnt[C_DOWNLINK]++;
        count_skipped(d, f->msg_id);
        return true;
    }
    if (f->pkt_index == 1 && f->pkt_total >= 1) {
        if (!ra_drop(d))
            return false;
        if (!d->ra.buf && !(d->ra.buf = malloc(JT808_MAX_REASSEMBLED)))
            return true;
        d->ra.active = true;
        d->ra.msg_id = f->msg_id;
        d->ra.total = f->pkt_total;
        d->ra.next = 1;
        d->ra.first = *f;
        d->ra.origin = origin;
        d->ra.len = 0;
    } else if (!d->ra.active || d->ra.msg_id != f->msg_id || d->ra.next != f->pkt_index ||
               d->ra.total != f->pkt_total || d->ra.first.phone_raw_len != f->phone_raw_len ||
               memcmp(d->ra.first.phone_bcd, f->phone_bcd, f->phone_raw_len) != 0) {
        d->cnt[C_SUB_ORPHAN]++;
        if (!ra_drop(d))
            return false;
        char msg[128];
        snprintf(msg, sizeof msg, "sub-package %u of %u of message 0x%04x without its earlier parts",
                 f->pkt_index, f->pkt_total, f->msg_id);
        return reject(d, origin, msg, NULL, 0);
    }
    if (d->ra.len + f->body_len > JT808_MAX_REASSEMBLED) {
        d->ra.active = false;
        d->cnt[C_SUB_INCOMPLETE]++;
        return reject(d, d->ra.origin, "sub-packaged message longer than 64 KiB: dropped", NULL, 0);
    }
    memcpy(d->ra.buf + d->ra.len, f->body, f->body_len);
    d->ra.len += f->body_len;
    d->ra.next++;
    if (f->pkt_index < f->pkt_total)
        return true;
    d->ra.active = false;
    d->cnt[C_SUB_DONE]++;
    jt808_frame whole = d->ra.first;
    whole.subpackaged = false;
    whole.body_len = (unsigned)d->ra.len;
    whole.body = d->ra.buf;
    return dispatch(d, &whole, d->ra.buf, d->ra.len, d->ra.origin);
}

/* Validate escaped frame content c[n]; on success f describes it (its body
 * points into session work memory or into c).  Tries the literal form
 * when unescaping fails or gives a frame that does not add up: devices and
 * logs that never escaped (quirk 2, quirk 10). */
static jt808_err validate(jt808_dec *d, const uint8_t *c, size_t n, jt808_frame *f, char *why, size_t wl)
{
    if (!memchr(c, 0x7d, n))
        return frame_header(c, n, f, why, wl);
    uint8_t *u = d->s->plain;
    size_t un = jt808_unescape(c, n, u, why, wl);
    jt808_err e = un == (size_t)-1 ? JT808_E_ESCAPE : frame_header(u, un, f, why, wl);
    if (e == JT808_OK)
        return e;
    char why2[8];
    if (frame_header(c, n, f, why2, sizeof why2) == JT808_OK) {
        d->cnt[C_Q_UNESCAPED]++;
        return JT808_OK;
    }
    return e;
}

static void count_err(jt808_dec *d, jt808_err e)
{
    switch (e) {
    case JT808_E_SHORT: d->cnt[C_TRUNCATED]++; break;
    case JT808_E_LONG: d->cnt[C_LENGTH_MISMATCH]++; break;
    case JT808_E_CHECKSUM: d->cnt[C_BAD_CHECKSUM]++; break;
    case JT808_E_ESCAPE: d->cnt[C_BAD_ESCAPE]++; break;
    case JT808_E_OVERSIZE: d->cnt[C_OVERSIZE]++; break;
    case JT808_OK: break;
    }
}

static bool frame_content(jt808_dec *d, const uint8_t *c, size_t n, uint64_t origin);

/* Give up on the held frame: reject its first piece as truncated, then
 * decode the other pieces on their own (they may start a new hold). */
static bool replay(jt808_dec *d)
{
    if (!d->held_n)
        return true;
    uint8_t tmp[HELD_CAP];
    unsigned np = d->held_n;
    size_t off[HELD_PIECES], len[HELD_PIECES];
    uint64_t org[HELD_PIECES];
    memcpy(tmp, d->held, d->held_len);
    memcpy(off, d->piece_off, sizeof off);
    memcpy(len, d->piece_len, sizeof len);
    memcpy(org, d->piece_origin, sizeof org);
    d->held_n = 0;
    d->held_len = 0;
    d->cnt[C_TRUNCATED]++;
    if (!reject(d, org[0], d->held_why, tmp, len[0]))
        return false;
    for (unsigned k = 1; k < np; k++) /* fewer pieces each level: bounded */
        if (!frame_content(d, tmp + off[k], len[k], org[k]))
            return false;
    return true;
}

static bool release_held(jt808_dec *d)
{
    while (d->held_n && !d->stopped)
        if (!replay(d))
            return false;
    return !d->stopped;
}

static bool decoded(jt808_dec *d, const jt808_frame *f, uint64_t origin)
{
    d->cnt[C_FRAMES]++;
    if (f->quirk_layout)
        d->cnt[C_Q_LAYOUT]++;
    if (f->subpackaged)
        return subpackage(d, f, origin);
    return dispatch(d, f, f->body, f->body_len, origin);
}

static void hold_piece(jt808_dec *d, const uint8_t *c, size_t n, uint64_t origin)
{
    if (d->held_n)
        d->held[d->held_len++] = 0x7e;
    d->piece_off[d->held_n] = d->held_len;
    d->piece_len[d->held_n] = n;
    d->piece_origin[d->held_n] = origin;
    d->held_n++;
    memcpy(d->held + d->held_len, c, n);
    d->held_len += n;
}

/* Bytes between two 0x7e flags. */
static bool frame_content(jt808_dec *d, const uint8_t *c, size_t n, uint64_t origin)
{
    if (n == 0)
        return true; /* "7e 7e": end flag then start flag */
    jt808_frame f;
    char why[128];
    jt808_err e = validate(d, c, n, &f, why, sizeof why);
    if (d->held_n) {
        if (e != JT808_OK && d->held_n < HELD_PIECES && d->held_len + 1 + n <= HELD_CAP) {
            hold_piece(d, c, n, origin);
            jt808_frame mf;
            char mwhy[128];
            jt808_err me = validate(d, d->held, d->held_len, &mf, mwhy, sizeof mwhy);
            if (me == JT808_E_SHORT)
                return true; /* still short: wait for the next piece */
            if (me == JT808_OK || me == JT808_E_CHECKSUM) {
                /* Header + body length + checksum position add up exactly. */
                uint64_t o = d->piece_origin[0];
                d->held_n = 0;
                d->held_len = 0;
                d->cnt[C_Q_RAW7E]++;
                if (me == JT808_OK)
                    return decoded(d, &mf, o);
                d->cnt[C_BAD_CHECKSUM]++;
                char msg[192];
                snprintf(msg, sizeof msg, "%s (frame with an unescaped 0x7e inside)", mwhy);
                return reject(d, o, msg, d->held, 0);
            }
            return replay(d); /* overshoot: the first piece was truncated */
        }
        /* This piece stands on its own: the held frame was truncated. */
        if (!release_held(d))
            return false;
        e = validate(d, c, n, &f, why, sizeof why); /* work area was reused */
    }
    if (e == JT808_OK)
        return decoded(d, &f, origin);
    if (e == JT808_E_SHORT && n <= JT808_MAX_FRAME) {
        if (!d->held && !(d->held = malloc(HELD_CAP)))
            goto refuse;
        hold_piece(d, c, n, origin);
        snprintf(d->held_why, sizeof d->held_why, "%s", why);
        return true;
    }
refuse:
    count_err(d, e);
    return reject(d, origin, why, c, n);
}

/* Room for `need` bytes of a split frame: grows by doubling from 256 up to
 * JT808_MAX_FRAME, so a TCP stream of small frames holds little. */
static bool part_reserve(jt808_dec *d, size_t need)
{
    if (need <= d->part_cap)
        return true;
    size_t cap = d->part_cap ? d->part_cap : 256;
    while (cap < need)
        cap *= 2;
    if (cap > JT808_MAX_FRAME)
        cap = JT808_MAX_FRAME;
    uint8_t *np = realloc(d->part, cap);
    if (!np)
        return false;
    d->part = np;
    d->part_cap = cap;
    return true;
}

static inline uint64_t origin_at(const jt808_dec *d, uint64_t pos, size_t idx)
{
    return d->loc == RL_LOC_PACKET ? pos : pos + idx;
}

static bool report_unsynced(jt808_dec *d)
{
    if (!d->unsync_bytes)
        return true;
    uint64_t nb = d->unsync_bytes;
    d->unsync_bytes = 0;
    d->cnt[C_UNSYNCED_BYTES] += nb;
    if (d->unsync_why == UNSYNC_JUNK)
        return true; /* the tail of an oversize frame, already rejected */
    char msg[128];
    if (d->unsync_why == UNSYNC_START)
        snprintf(msg, sizeof msg, "%llu bytes before the first frame flag 0x7e skipped",
                 (unsigned long long)nb);
    else
        snprintf(msg, sizeof msg, "%llu bytes after a gap skipped up to the next frame flag 0x7e",
                 (unsigned long long)nb);
    return reject(d, d->unsync_origin, msg, NULL, 0);
}

bool jt808_feed(jt808_dec *d, const uint8_t *p, size_t n, uint64_t pos)
{
    size_t i = 0;
    while (i < n && !d->stopped) {
        if (!d->in_frame) {
            const uint8_t *q = memchr(p + i, 0x7e, n - i);
            size_t skip = q ? (size_t)(q - (p + i)) : n - i;
            if (skip) {
                if (!d->unsync_bytes)
                    d->unsync_origin = origin_at(d, pos, i);
                d->unsync_bytes += skip;
            }
            if (!q)
                return true;
            if (!report_unsynced(d))
                return false;
            d->in_frame = true;
            d->part_len = 0;
            i = (size_t)(q - p) + 1;
            d->part_origin = origin_at(d, pos, i - 1);
            continue;
        }
        const uint8_t *q = memchr(p + i, 0x7e, n - i);
        size_t take = q ? (size_t)(q - (p + i)) : n - i;
        if (d->part_len + take > JT808_MAX_FRAME) {
            /* No end flag within the limit: junk, not a frame. */
            d->cnt[C_OVERSIZE]++;
            char msg[96];
            snprintf(msg, sizeof msg, "no end flag 0x7e within %d bytes: not a JT/T 808 frame", JT808_MAX_FRAME);
            const uint8_t *raw = d->part_len ? d->part : p + i;
            if (!reject(d, d->part_origin, msg, raw, d->part_len ? d->part_len : take))
                return false;
            if (!release_held(d))
                return false;
            d->in_frame = false;
            d->part_len = 0;
            d->unsync_why = UNSYNC_JUNK;
            continue; /* the rest up to the next 0x7e is skipped as junk */
        }
        if (!part_reserve(d, d->part_len + take)) {
            d->in_frame = false; /* cannot hold it: drop it, resync */
            d->part_len = 0;
            d->unsync_why = UNSYNC_JUNK;
            if (!reject(d, d->part_origin, "out of memory holding a frame split across reads", NULL, 0))
                return false;
            continue;
        }
        if (!q) { /* frame continues in the next chunk */
            memcpy(d->part + d->part_len, p + i, take);
            d->part_len += take;
            return true;
        }
        bool ok;
        if (d->part_len == 0) {
            ok = frame_content(d, p + i, take, d->part_origin); /* zero-copy */
        } else {
            memcpy(d->part + d->part_len, p + i, take);
            d->part_len += take;
            ok = frame_content(d, d->part, d->part_len, d->part_origin);
        }
        if (!ok)
            return false;
        d->part_len = 0;
        i = (size_t)(q - p) + 1;
        if (i < n && p[i] == 0x7e) /* "7e 7e": the usual end + start, no need to search */
            i++;
        d->part_origin = origin_at(d, pos, i - 1); /* this 0x7e opens the next */
    }
    return !d->stopped;
}

bool jt808_break(jt808_dec *d, const char *why)
{
    if (d->stopped)
        return false;
    if (!release_held(d))
        return false;
    if (d->in_frame && d->part_len) {
        d->cnt[C_CUT]++;
        char msg[160];
        snprintf(msg, sizeof msg, "frame cut: %s", why ? why : "gap in the stream");
        if (!reject(d, d->part_origin, msg, d->part, d->part_len))
            return false;
    }
    if (!report_unsynced(d))
        return false;
    d->in_frame = false;
    d->part_len = 0;
    d->unsync_why = UNSYNC_BREAK;
    return true;
}

bool jt808_finish(jt808_dec *d)
{
    bool ok = !d->stopped;
    if (ok)
        ok = release_held(d);
    if (ok && d->in_frame && d->part_len) {
        d->cnt[C_TRUNCATED]++;
        ok = reject(d, d->part_origin, "frame truncated: the input ends before its end flag 0x7e",
                    d->part, d->part_len);
    }
    if (ok)
        ok = report_unsynced(d);
    if (ok)
        ok = ra_drop(d);
    d->in_frame = false;
    d->part_len = 0;
    /* Counters, then forget them so a second finish adds nothing. */
    if (d->sink && d->sink->count) {
        for (int k = 0; k < C_N; k++)
            if (d->cnt[k])
                d->sink->count(d->sink->ud, counter_name[k], d->cnt[k]);
        for (unsigned k = 0; k < d->nskip; k++) {
            char name[40];
            snprintf(name, sizeof name, "jt808.skipped.0x%04x", d->skip[k].id);
            d->sink->count(d->sink->ud, name, d->skip[k].n);
        }
    }
    memset(d->cnt, 0, sizeof d->cnt);
    d->nskip = 0;
    return ok && !d->stopped;
}
