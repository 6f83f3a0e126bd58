/*
 * fuzz_weigh_csv.c - libFuzzer target for weighbridge / weigh-in-motion
 * CSV (parsers/weigh_csv.c behind parsers/csvin.c), FORMATS.md §4.
 *
 * Mode byte as in fuzz_table.h.  A header the table refuses
 * (weighcsv_check_header) reads no row; otherwise every row must give one
 * weighing or one reject, and a weighing must be plausible: a normalised
 * plate, a known colour, axle weights inside the array, masses and counts
 * that cannot overflow the checks downstream.
 */
#include "fuzz_table.h"
#include "plate.h"
#include "weigh_csv.h"

static void on_weighing(void *ud, const rl_weighing *w)
{
    ftable *t = ud;
    ft_record_common(t, w->origin);
    FUZZ_CHECK(w->plate && w->plate_len >= 1 && w->plate_len <= RL_PLATE_MAX);
    for (size_t i = 0; i < w->plate_len; i++)
        FUZZ_CHECK((unsigned char)w->plate[i] >= 0x20 && w->plate[i] != 0x7F);
    FUZZ_CHECK(w->color >= 0 && (w->color <= 5 || w->color == 9));
    FUZZ_CHECK(w->naxle_kg >= 0 && w->naxle_kg <= RL_MAX_AXLES);
    for (int i = 0; i < w->naxle_kg; i++)
        FUZZ_CHECK(w->axle_kg[i] >= 0);
    FUZZ_CHECK(w->axles >= 0 && w->axles < 1000);
    FUZZ_CHECK(w->gross_kg >= 0 && w->gross_kg < 100000000000ll);
    FUZZ_CHECK(w->passengers >= -1);
    FUZZ_CHECK(w->time > -100000000000ll && w->time < 400000000000ll);
    FUZZ_CHECK(!w->station || w->station_len <= 4 * (size_t)CSVIN_MAX_LINE);
}

static bool w_open(ftable *t, const csv_row *h)
{
    if (csvhdr_classify(h) != TABLE_WEIGHBRIDGE)
        return false;
    char why[300];
    if (!weighcsv_check_header(h, why, sizeof why)) {
        FUZZ_CHECK(why[0] != 0);
        return false;
    }
    t->parser = weighcsv_new(h, &t->sink, 1, t->flag ? 0 : 8 * 3600);
    return true;
}

static bool w_row(ftable *t, const csv_row *row) { return weighcsv_row(t->parser, row); }
static void w_close(ftable *t) { weighcsv_free(t->parser); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const headers[3] = {
        "time,station,plate,plate_color,axles,gross_kg,axle_kg,speed,mode,passengers,lon,lat\n",
        "\xEF\xBB\xBF检测时间,检测站,车牌号,车牌颜色,轴数,车货总重(吨),轴重（吨）,车速,检测方式,乘员,经度,纬度\n",
        "过磅时间\t站点\t车牌\t轴数\t总重\t轴重\n",
    };
    ftable t;
    memset(&t, 0, sizeof t);
    t.ops = (ftable_ops){w_open, w_row, w_close};
    t.sink.weighing = on_weighing;
    ft_run(&t, data, size, headers);
    buf_free(&t.log);
    return 0;
}
