/*
 * fuzz_gps_csv.c - libFuzzer target for GPS track CSV (parsers/gps_csv.c
 * behind parsers/csvin.c), FORMATS.md §1.
 *
 * Mode byte as in fuzz_table.h; the flag bit reads the optional columns
 * too (`roadlog decode`).  Every row must give one position or one reject,
 * and whether it is accepted must not depend on the optional columns
 * being read: the row is read a second time with the other setting and
 * the accept/reject sequence compared.  Positions must carry a normalised
 * plate (no control characters, at most RL_PLATE_MAX bytes), a known
 * colour code, a real time, an origin inside the input.
 */
#include "fuzz_table.h"
#include "gps_csv.h"
#include "plate.h"

static void on_position(void *ud, const rl_position *p)
{
    ftable *t = ud;
    ft_record_common(t, p->origin);
    FUZZ_CHECK(p->plate && p->plate_len >= 1 && p->plate_len <= RL_PLATE_MAX);
    for (size_t i = 0; i < p->plate_len; i++) {
        unsigned char c = (unsigned char)p->plate[i];
        FUZZ_CHECK(c >= 0x20 && c != 0x7F && !(c >= 'a' && c <= 'z') && c != ' ' && c != '-');
    }
    FUZZ_CHECK(p->color >= 0 && (p->color <= 5 || p->color == 9));
    /* years 0000-9999 or a 13-digit epoch: far inside int64 */
    FUZZ_CHECK(p->time > -100000000000ll && p->time < 400000000000ll);
    FUZZ_CHECK(!p->driver || (p->driver_len > 0 && p->driver_len <= 4 * (size_t)CSVIN_MAX_LINE));
    FUZZ_CHECK(!p->phone);
}

static bool g_open(ftable *t, const csv_row *h)
{
    if (csvhdr_classify(h) != TABLE_GPS)
        return false;
    t->parser = gpscsv_new(h, &t->sink, 1, 8 * 3600, t->flag);
    /* the same header, read the other way, for the comparison */
    t->target = gpscsv_new(h, &t->sink, 1, 8 * 3600, !t->flag);
    return true;
}

static bool g_row(ftable *t, const csv_row *row)
{
    bool go = gpscsv_row(t->parser, row);
    if (!go)
        return false;
    FUZZ_CHECK(t->outcome == 1);
    /* the other reading: must decide the same, then is taken back out
     * of the counts */
    size_t mark = t->log.len;
    uint64_t rec = t->records, rej = t->rejects, out = t->outcome;
    gpscsv_row(t->target, row);
    FUZZ_CHECK(t->log.len == mark + 1 && t->log.p[mark] == t->log.p[mark - 1]);
    t->log.len = mark;
    t->records = rec;
    t->rejects = rej;
    t->outcome = out;
    return true;
}

static void g_close(ftable *t)
{
    gpscsv_free(t->parser);
    gpscsv_free(t->target);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const headers[3] = {
        "plate,plate_color,time,lon,lat,speed,heading,altitude,status,alarm,mileage,driver\n",
        "\xEF\xBB\xBF车牌号,车牌颜色,定位时间,经度,纬度,速度(km/h),方向,海拔,状态,报警标志,里程,驾驶员\n",
        "vehicle;color;gps_time;lng;latitude;gps_speed;direction\n",
    };
    ftable t;
    memset(&t, 0, sizeof t);
    t.ops = (ftable_ops){g_open, g_row, g_close};
    t.sink.position = on_position;
    ft_run(&t, data, size, headers);
    buf_free(&t.log);
    return 0;
}
