/*
 * fuzz_registry_csv.c - libFuzzer target for the vehicle registry CSV
 * (parsers/registry_csv.c behind parsers/csvin.c), FORMATS.md §5.
 *
 * Mode byte as in fuzz_table.h.  Every row must be added to the registry
 * or rejected, one or the other; what was added must be found again by
 * plate and colour (and by terminal phone) and hold sane values.
 */
#include "fuzz_table.h"
#include "plate.h"
#include "registry.h"
#include "registry_csv.h"
#include "strtab.h"

typedef struct {
    rl_registry reg;
    strtab *str;
} regstate;

static bool r_open(ftable *t, const csv_row *h)
{
    if (csvhdr_classify(h) != TABLE_REGISTRY && !t->flag)
        return false;
    regstate *s = t->target;
    t->parser = regcsv_new(h, &s->reg, s->str, &t->sink, 1);
    return true;
}

static bool r_row(ftable *t, const csv_row *row)
{
    regstate *s = t->target;
    uint64_t before = regcsv_rows(t->parser);
    size_t n = s->reg.n;
    bool go = regcsv_row(t->parser, row);
    if (regcsv_rows(t->parser) == before + 1) {
        ft_record_common(t, RL_ORIGIN(1, row->line));
        FUZZ_CHECK(s->reg.n == n || s->reg.n == n + 1);
        /* the row just added (or replacing its plate + colour) is found */
        const reg_entry *e = NULL;
        for (size_t i = 0; i < s->reg.n; i++)
            if (s->reg.e[i].origin == RL_ORIGIN(1, row->line))
                e = &s->reg.e[i];
        FUZZ_CHECK(e != NULL);
        FUZZ_CHECK(registry_lookup(&s->reg, e->plate, e->color) != NULL);
        const char *plate = strtab_get(s->str, e->plate);
        FUZZ_CHECK(plate && strlen(plate) >= 1 && strlen(plate) <= RL_PLATE_MAX);
        FUZZ_CHECK(e->cls < CLASS_COUNT);
        FUZZ_CHECK(e->color >= 0 && (e->color <= 5 || e->color == 9));
        FUZZ_CHECK(e->seats >= -1 && e->rated_load_kg >= -1 && e->curb_kg >= -1 && e->max_gross_kg >= -1);
        if (e->phone)
            FUZZ_CHECK(registry_by_phone(&s->reg, e->phone) != NULL);
    } else {
        FUZZ_CHECK(regcsv_rows(t->parser) == before && s->reg.n == n);
    }
    return go;
}

static void r_close(ftable *t) { regcsv_free(t->parser); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const headers[3] = {
        "plate,plate_color,class,company,axles,rated_load_kg,curb_kg,max_gross_kg,seats,terminal_phone,"
        "speed_limit_kmh,night_exempt\n",
        "\xEF\xBB\xBF车牌号,车牌颜色,车辆类型,业户名称,轴数,核定载质量(吨),整备质量,总质量,核定载客,终端手机号,限速,夜间豁免\n",
        "plate;class\n",
    };
    regstate s;
    memset(&s, 0, sizeof s);
    registry_init(&s.reg);
    s.str = strtab_new();
    ftable t;
    memset(&t, 0, sizeof t);
    t.ops = (ftable_ops){r_open, r_row, r_close};
    t.target = &s;
    ft_run(&t, data, size, headers);
    buf_free(&t.log);
    registry_free(&s.reg);
    strtab_free(s.str);
    return 0;
}
