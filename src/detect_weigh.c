/*
 * detect_weigh.c - weighbridge checks (RULES.md §5).  Issue 5 replaces
 * this placeholder: weighings are kept and counted, not yet checked.
 */
#include <stdlib.h>

#include "detect.h"
#include "run.h"
#include "util.h"

void weigh_store(struct rl_run *run, rl_vehicle *v, const rl_weighing *w)
{
    (void)run;
    (void)w;
    weigh_node *n = xmalloc(sizeof *n);
    vehicle_add_weighing(v, n);
}

void weigh_vehicle_begin(weigh_vstate *s, const vctx *cx, struct rl_run *run, rl_vehicle *v)
{
    s->cx = cx;
    s->run = run;
    s->v = v;
    s->priv = NULL;
}

void weigh_fix(weigh_vstate *s, const rl_fix *f)
{
    (void)s;
    (void)f;
}

void weigh_vehicle_end(weigh_vstate *s) { (void)s; }
