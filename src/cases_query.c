/*
 * cases_query.c - reading cases back: `list` with its filters, `show`
 * with the history, the selection of `set`, and the statuses `analyze
 * --ledger` shows (see cases.h).
 *
 * Filters become WHERE clauses with bound values, one clause per filter
 * given; no text from the command line is ever part of the SQL.
 */
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "util.h"

void cases_filter_init(cases_filter *f)
{
    memset(f, 0, sizeof *f);
    f->type = -1;
    f->plate_color = -1;
}

#define CASE_COLUMNS                                                                                               \
    "c.event_id, c.status, c.deadline, c.changed_at, c.changed_by, c.opened_at, v.plate, v.plate_color, co.name, " \
    "d.name, c.type, c.start_time, c.end_time, c.points, c.event_status"
#define CASE_FROM                                                                                                  \
    " FROM cases c JOIN vehicles v ON v.id = c.vehicle_id JOIN companies co ON co.id = c.company_id "              \
    "JOIN drivers d ON d.id = c.driver_id"
enum { Q_ID, Q_STATUS, Q_DEADLINE, Q_CHANGED_AT, Q_CHANGED_BY, Q_OPENED_AT, Q_PLATE, Q_COLOR, Q_COMPANY, Q_DRIVER,
       Q_TYPE, Q_START, Q_END, Q_POINTS, Q_EVSTATUS, Q_TEXT0 };

/* The SELECT for a filter, and its values in order. */
typedef struct query_arg {
    bool text;
    const char *s;
    int64_t v;
} query_arg;

typedef struct query {
    rl_buf sql;
    query_arg arg[24];
    int narg;
    bool have_where;
} query;

static void arg_text(query *q, const char *s) { q->arg[q->narg++] = (query_arg){true, s, 0}; }
static void arg_int(query *q, int64_t v) { q->arg[q->narg++] = (query_arg){false, NULL, v}; }

static void where(query *q, const char *clause)
{
    buf_puts(&q->sql, q->have_where ? " AND " : " WHERE ");
    buf_puts(&q->sql, clause);
    q->have_where = true;
}

static void build(query *q, const cases_ledger *lg, const cases_filter *f, const char *columns, bool order)
{
    memset(q, 0, sizeof *q);
    buf_printf(&q->sql, "SELECT %s" CASE_FROM, columns);
    if (f->status_mask) {
        rl_buf c = {0};
        buf_puts(&c, "c.status IN (");
        for (int s = 0; s < CASE_NSTATUS; s++)
            if (f->status_mask & (1u << s)) {
                buf_puts(&c, c.p[c.len - 1] == '(' ? "?" : ", ?");
                arg_text(q, case_status_name((case_status)s));
            }
        buf_puts(&c, ")");
        where(q, c.p);
        buf_free(&c);
    }
    if (f->type >= 0) {
        where(q, "c.type = ?");
        arg_text(q, event_type_name((event_type)f->type));
    }
    if (f->company) {
        where(q, "co.name = ?");
        arg_text(q, f->company);
    }
    if (f->plate) {
        where(q, "v.plate = ?");
        arg_text(q, f->plate);
    }
    if (f->plate_color >= 0) {
        where(q, "v.plate_color = ?");
        arg_int(q, f->plate_color);
    }
    if (f->driver) {
        where(q, "d.name = ?");
        arg_text(q, f->driver);
    }
    if (f->have_from) {
        where(q, "c.start_time >= ?");
        arg_int(q, f->from);
    }
    if (f->have_to) {
        where(q, "c.start_time <= ?");
        arg_int(q, f->to);
    }
    if (f->overdue) {
        where(q, "c.status IN ('open', 'notified', 'supervised') AND c.deadline < ?");
        arg_int(q, lg->now);
    }
    if (order)
        buf_puts(&q->sql, " ORDER BY c.start_time, v.plate, v.plate_color, c.type, c.event_id");
}

static cdb_stmt *prepare_query(cases_ledger *lg, query *q)
{
    cdb_stmt *s = cdb_prepare(lg->db, q->sql.p);
    for (int i = 0; s && i < q->narg; i++) {
        if (q->arg[i].text)
            cdb_bind_str(s, i + 1, q->arg[i].s);
        else
            cdb_bind_int(s, i + 1, q->arg[i].v);
    }
    buf_free(&q->sql);
    return s;
}

static void fill_row(const cases_ledger *lg, cdb_stmt *s, case_row *r)
{
    memset(r, 0, sizeof *r);
    size_t n;
    const char *id = cdb_text(s, Q_ID, &n);
    memcpy(r->event_id, id, n < 16 ? n : 16);
    if (!case_status_parse(cdb_text(s, Q_STATUS, NULL), &r->status))
        r->status = CASE_OPEN;
    r->deadline = cdb_int(s, Q_DEADLINE);
    r->changed_at = cdb_int(s, Q_CHANGED_AT);
    r->changed_by = cdb_text(s, Q_CHANGED_BY, &r->changed_by_len);
    r->opened_at = cdb_int(s, Q_OPENED_AT);
    r->plate = cdb_text(s, Q_PLATE, &r->plate_len);
    r->plate_color = (int)cdb_int(s, Q_COLOR);
    r->company = cdb_text(s, Q_COMPANY, &r->company_len);
    r->driver = cdb_text(s, Q_DRIVER, &r->driver_len);
    if (!event_type_parse(cdb_text(s, Q_TYPE, NULL), &r->type))
        r->type = EV_SPEEDING;
    r->start = cdb_int(s, Q_START);
    r->end = cdb_int(s, Q_END);
    r->points = (int)cdb_int(s, Q_POINTS);
    r->event_status = cdb_text(s, Q_EVSTATUS, NULL);
    for (int k = 0; k < CASES_EVENT_NTEXT; k++)
        r->text[k] = cdb_text(s, Q_TEXT0 + k, &r->text_len[k]);
    r->overdue = case_status_pending(r->status) && r->deadline < lg->now;
}

/* All columns of a case row. */
static char *row_columns(void)
{
    rl_buf b = {0};
    buf_puts(&b, CASE_COLUMNS);
    for (int k = 0; k < CASES_EVENT_NTEXT; k++)
        buf_printf(&b, ", c.ev_%s", CASES_EVENT_TEXT[k]);
    return b.p;
}

bool cases_each(cases_ledger *lg, const cases_filter *f, bool (*fn)(void *ud, const case_row *r), void *ud)
{
    char *cols = row_columns();
    query q;
    build(&q, lg, f, cols, true);
    free(cols);
    cdb_stmt *s = prepare_query(lg, &q);
    if (!s)
        return false;
    int r;
    case_row row;
    while ((r = cdb_step(s)) == CDB_ROW) {
        fill_row(lg, s, &row);
        if (!fn(ud, &row))
            break;
    }
    cdb_finalize(s);
    return r != CDB_ERROR;
}

bool cases_select_ids(cases_ledger *lg, const cases_filter *f, char ***ids, size_t *n)
{
    query q;
    build(&q, lg, f, "c.event_id", true);
    cdb_stmt *s = prepare_query(lg, &q);
    *ids = NULL;
    *n = 0;
    if (!s)
        return false;
    int r;
    size_t cap = 0;
    while ((r = cdb_step(s)) == CDB_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            *ids = xrealloc(*ids, cap * sizeof **ids);
        }
        size_t len;
        const char *id = cdb_text(s, 0, &len);
        (*ids)[(*n)++] = xstrndup(id, len);
    }
    cdb_finalize(s);
    return r != CDB_ERROR;
}

bool cases_show(cases_ledger *lg, const char *event_id, bool *found, bool (*row)(void *ud, const case_row *r),
                bool (*hist)(void *ud, const case_history *h), void *ud)
{
    *found = false;
    int64_t key;
    if (!cases_key(event_id, &key))
        return true; /* not an event id: no such case */
    char *cols = row_columns();
    rl_buf sql = {0};
    buf_printf(&sql, "SELECT %s, c.opened_by, r.path" CASE_FROM " LEFT JOIN runs r ON r.run_id = c.opened_run "
                     "WHERE c.case_id = ?", cols);
    free(cols);
    cdb_stmt *s = cdb_prepare(lg->db, sql.p);
    buf_free(&sql);
    if (!s)
        return false;
    cdb_bind_int(s, 1, key);
    /* a case opened by an import has no history row for it (cases.c):
     * its opening is shown first, from the case */
    case_history opened = {.from_none = true, .to = CASE_OPEN};
    rl_buf by = {0}, note = {0};
    int r = cdb_step(s);
    if (r == CDB_ROW) {
        *found = true;
        case_row cr;
        fill_row(lg, s, &cr);
        row(ud, &cr);
        opened.at = cr.opened_at;
        size_t n;
        const char *t = cdb_text(s, Q_TEXT0 + CASES_EVENT_NTEXT, &n);
        buf_put(&by, t, n);
        buf_puts(&note, "imported from ");
        t = cdb_text(s, Q_TEXT0 + CASES_EVENT_NTEXT + 1, &n);
        buf_put(&note, t, n);
        r = cdb_step(s);
    }
    cdb_finalize(s);
    opened.by = by.p ? by.p : "";
    opened.by_len = by.len;
    opened.note = note.p ? note.p : "";
    opened.note_len = note.len;
    s = r != CDB_ERROR && *found ? cdb_prepare(lg->db, "SELECT from_status, to_status, by_name, at, note, deadline "
                                                       "FROM history WHERE case_id = ? ORDER BY id")
                                 : NULL;
    if (s) {
        cdb_bind_int(s, 1, key);
        bool first = true;
        while ((r = cdb_step(s)) == CDB_ROW) {
            case_history h;
            memset(&h, 0, sizeof h);
            const char *from = cdb_text(s, 0, NULL);
            h.from_none = !*from;
            if (!h.from_none && !case_status_parse(from, &h.from))
                h.from = CASE_OPEN;
            if (!case_status_parse(cdb_text(s, 1, NULL), &h.to))
                h.to = CASE_OPEN;
            h.by = cdb_text(s, 2, &h.by_len);
            h.at = cdb_int(s, 3);
            h.note = cdb_text(s, 4, &h.note_len);
            h.have_deadline = !cdb_is_null(s, 5);
            h.deadline = cdb_int(s, 5);
            if (first && !h.from_none)
                hist(ud, &opened);
            first = false;
            hist(ud, &h);
        }
        if (first && r == CDB_DONE)
            hist(ud, &opened);
        cdb_finalize(s);
    } else if (*found) {
        r = CDB_ERROR;
    }
    buf_free(&by);
    buf_free(&note);
    return r != CDB_ERROR;
}

bool cases_status_of(cases_ledger *lg, const char *const *ids, size_t n, uint8_t *status, bool *overdue)
{
    cdb_stmt *s = cdb_prepare(lg->db, "SELECT status, deadline FROM cases WHERE case_id = ?");
    if (!s)
        return false;
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        status[i] = 0;
        overdue[i] = false;
        int64_t key;
        if (!cases_key(ids[i], &key))
            continue;
        cdb_bind_int(s, 1, key);
        int r = cdb_step(s);
        if (r == CDB_ROW) {
            case_status st;
            if (case_status_parse(cdb_text(s, 0, NULL), &st)) {
                status[i] = (uint8_t)(st + 1);
                overdue[i] = case_status_pending(st) && cdb_int(s, 1) < lg->now;
            }
        } else if (r == CDB_ERROR) {
            ok = false;
        }
        cdb_reset(s);
    }
    cdb_finalize(s);
    return ok;
}
