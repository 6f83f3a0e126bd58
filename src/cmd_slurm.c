/*
 * cmd_slurm.c - `roadlog slurm`: shard, analyze and merge on a Slurm
 * cluster (RUNS.md §4), the data on a filesystem every node sees.
 *
 *   roadlog slurm --parts N [--shard-tasks M] [--partition P] [--account A]
 *                 --work SHARED --out OUT [analyze's options] INPUT...
 *
 * Three sbatch scripts under SHARED/scripts: a shard job array (M tasks,
 * `roadlog shard --task I/M`: every task gets the whole input list and
 * shards its group, so registrations anywhere in the inputs route every
 * terminal), an analyze job array (N tasks, one a part, afterok on the
 * shards) and a merge job (afterok on the analyses) writing OUT.  The
 * command then waits, polling squeue (sbatch --wait would cost ~10 s a
 * job), with a progress line on stderr; it exits 0 only when the merge
 * has finished.
 *
 * What is done is on the shared filesystem, so running the same command
 * again goes on where the last one stopped: a task's script writes
 * SHARED/state/KIND-I.done when roadlog exited 0 (its outputs are put in
 * place by renames before that) or KIND-I.failed with the exit status;
 * tasks done are not run again; jobs of an earlier run still in the queue
 * are waited for, not submitted twice.  A shard task run again replaces
 * its own record files (their names are its inputs'), and every analysis
 * after it and the merge are run again, so nothing is counted twice.
 * SHARED/plan holds the command (inputs, their sizes and times, options,
 * parts): another command on the same folder is refused.
 *
 * A task that fails (a non-zero exit, or gone from the queue without its
 * mark: scancel, a time limit, a node lost) is named with its log file
 * and its exit status or Slurm state; the jobs of the run still queued
 * are cancelled and the command exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/file.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "timeutil.h"
#include "util.h"

#ifndef RL_VERSION
#define RL_VERSION "0.1.0"
#endif

typedef enum { K_SHARD, K_ANALYZE, K_MERGE, K_N } task_kind;
static const char *const kind_name[K_N] = {"shard", "analyze", "merge"};

typedef enum { T_IDLE, T_PENDING, T_RUNNING, T_DONE, T_FAILED } task_state;

typedef struct {
    task_state st;
    unsigned long job;       /* the job (array) it runs in; 0: not queued by this run */
    int gone;                /* polls it has been out of the queue without a mark */
    char why[200];           /* how it failed */
    bool by_dependency;      /* cancelled because a task before it failed */
} task;

typedef struct {
    unsigned long id;
    task_kind kind;
} job;

typedef struct slurm {
    unsigned parts, shard_tasks;
    const char *partition, *account;
    char *work, *out, *cwd, *self;
    bool dry_run, tty, quiet;
    double poll;
    char **inputs;
    int ninputs;
    char **aopts;            /* analyze's options, as given */
    int naopts;
    rl_buf sopts;            /* shard's share of them, quoted for sh */
    rl_buf mopts;            /* merge's */
    unsigned cpus;           /* --threads: CPUs an analysis asks for */
    task *t[K_N];
    unsigned n[K_N];
    job *jobs;
    size_t njobs;
    char progress[256];
    double started;
} slurm;

/* ---- small helpers ---- */

/* A token for sh, in single quotes. */
static void put_quoted(rl_buf *b, const char *s)
{
    buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            buf_puts(b, "'\\''");
        else
            buf_putc(b, *s);
    }
    buf_putc(b, '\'');
}

static char *absolute(const char *cwd, const char *p)
{
    rl_buf b = {0};
    if (p[0] == '/')
        buf_puts(&b, p);
    else
        buf_printf(&b, "%s/%s", cwd, p);
    return b.p;
}

static char *path2(const char *a, const char *b)
{
    rl_buf x = {0};
    buf_printf(&x, "%s/%s", a, b);
    return x.p;
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The marks a task's script leaves: SHARED/state/KIND-I.done|failed. */
static char *mark(const slurm *s, task_kind k, unsigned i, const char *what)
{
    rl_buf b = {0};
    if (k == K_MERGE)
        buf_printf(&b, "%s/state/merge.%s", s->work, what);
    else
        buf_printf(&b, "%s/state/%s-%u.%s", s->work, kind_name[k], i, what);
    return b.p;
}

static char *log_path(const slurm *s, task_kind k, unsigned i)
{
    rl_buf b = {0};
    if (k == K_MERGE)
        buf_printf(&b, "%s/logs/merge.log", s->work);
    else
        buf_printf(&b, "%s/logs/%s-%u.log", s->work, kind_name[k], i);
    return b.p;
}

/* Read a small file (a mark) into a string; NULL when absent. */
static char *read_small(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char buf[512];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
        n--;
    return xstrndup(buf, n);
}

/* Write a file whole or not at all (PATH.tmp renamed). */
static bool write_file(const char *path, const char *text)
{
    rl_buf b = {0};
    buf_printf(&b, "%s.tmp", path);
    char *tmp = b.p;
    FILE *f = fopen(tmp, "w");
    bool ok = f && fputs(text, f) >= 0;
    if (f && fclose(f) != 0)
        ok = false;
    if (ok && rename(tmp, path) != 0)
        ok = false;
    if (!ok)
        unlink(tmp);
    free(tmp);
    return ok;
}

/* Run a command; what it prints (stdout and stderr) into out; its exit
 * status, or -1 when it could not be started. */
static int run_cmd(char *const argv[], rl_buf *out)
{
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(fd[1], 1);
        dup2(fd[1], 2);
        close(fd[0]);
        close(fd[1]);
        execvp(argv[0], argv);
        dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(fd[1]);
    char buf[4096];
    ssize_t n;
    while ((n = read(fd[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0)
            buf_put(out, buf, (size_t)n);
    close(fd[0]);
    buf_putc(out, 0);
    out->len--;
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* ---- the scripts ---- */

static void script_head(const slurm *s, rl_buf *b, task_kind k)
{
    buf_puts(b, "#!/bin/sh\n");
    buf_printf(b, "#SBATCH --job-name=roadlog-%s\n", kind_name[k]);
    buf_printf(b, "#SBATCH --output=%s/logs/%s%s.log\n", s->work, kind_name[k], k == K_MERGE ? "" : "-%a");
    buf_puts(b, "#SBATCH --open-mode=append\n");
    buf_printf(b, "#SBATCH --chdir=%s\n", s->cwd);
    buf_puts(b, "#SBATCH --ntasks=1\n");
    if (k != K_SHARD && s->cpus > 1)
        buf_printf(b, "#SBATCH --cpus-per-task=%u\n", s->cpus);
    if (s->partition)
        buf_printf(b, "#SBATCH --partition=%s\n", s->partition);
    if (s->account)
        buf_printf(b, "#SBATCH --account=%s\n", s->account);
    buf_printf(b, "# written by roadlog slurm (RUNS.md §4); run again the command that wrote it to go on\n");
    buf_puts(b, "set -u\n");
    if (k == K_MERGE)
        buf_puts(b, "name=merge\n");
    else
        buf_printf(b, "task=$SLURM_ARRAY_TASK_ID\nname=%s-$task\n", kind_name[k]);
    buf_puts(b, "state=");
    put_quoted(b, s->work);
    buf_puts(b, "/state\n");
    buf_puts(b, "echo \"roadlog slurm: $name, job ${SLURM_JOB_ID:-?} on $(hostname), $(date '+%F %T')\"\n");
    buf_puts(b, "rm -f \"$state/$name.done\" \"$state/$name.failed\"\n");
    put_quoted(b, s->self);
}

/* Marks: done when roadlog exited 0, else failed with its status. */
static void script_tail(rl_buf *b, const char *done_text)
{
    buf_puts(b, "\nrc=$?\n");
    buf_printf(b, "if [ $rc -eq 0 ]; then\n    printf '%%s\\n' %s >\"$state/$name.done.tmp\" && "
                  "mv \"$state/$name.done.tmp\" \"$state/$name.done\" || rc=1\n",
               done_text);
    buf_puts(b, "fi\n[ $rc -eq 0 ] || echo $rc >\"$state/$name.failed\"\n");
    buf_puts(b, "echo \"roadlog slurm: $name ended with exit status $rc, $(date '+%F %T')\"\nexit $rc\n");
}

static char *script(const slurm *s, task_kind k)
{
    rl_buf b = {0};
    script_head(s, &b, k);
    switch (k) {
    case K_SHARD:
        buf_printf(&b, " shard --parts %u --task \"$task/%u\" --out ", s->parts, s->shard_tasks);
        put_quoted(&b, s->work);
        buf_puts(&b, "/shards");
        buf_put(&b, s->sopts.p, s->sopts.len);
        buf_puts(&b, " --");
        for (int i = 0; i < s->ninputs; i++) {
            buf_puts(&b, " \\\n    ");
            put_quoted(&b, s->inputs[i]);
        }
        script_tail(&b, "done");
        break;
    case K_ANALYZE:
        buf_puts(&b, " analyze");
        for (int i = 0; i < s->naopts; i++) {
            buf_putc(&b, ' ');
            put_quoted(&b, s->aopts[i]);
        }
        /* what merge reads; the documents are merge's to write */
        buf_puts(&b, " --format csv,jsonl --out ");
        put_quoted(&b, s->work);
        buf_puts(&b, "/out/\"$(printf 'part-%04d' \"$task\")\" ");
        put_quoted(&b, s->work);
        buf_puts(&b, "/shards/\"$(printf 'part-%04d' \"$task\")\"");
        script_tail(&b, "done");
        break;
    case K_MERGE:
        buf_puts(&b, " merge");
        buf_put(&b, s->mopts.p, s->mopts.len);
        buf_puts(&b, " --out ");
        put_quoted(&b, s->out);
        for (unsigned p = 0; p < s->parts; p++) {
            buf_puts(&b, " \\\n    ");
            put_quoted(&b, s->work);
            buf_printf(&b, "/out/part-%04u", p);
        }
        {
            rl_buf q = {0};
            put_quoted(&q, s->out);
            script_tail(&b, q.p);
            buf_free(&q);
        }
        break;
    default:
        break;
    }
    return b.p;
}

static char *script_path(const slurm *s, task_kind k)
{
    rl_buf b = {0};
    buf_printf(&b, "%s/scripts/%s.sbatch", s->work, kind_name[k]);
    return b.p;
}

/* "0-3,5,7-9" */
static void array_spec(rl_buf *b, const unsigned *idx, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && idx[j + 1] == idx[j] + 1)
            j++;
        buf_printf(b, "%s%u", i ? "," : "", idx[i]);
        if (j > i)
            buf_printf(b, "-%u", idx[j]);
        i = j + 1;
    }
}

/* ---- the plan: the command a work folder belongs to ---- */

static char *plan_text(const slurm *s)
{
    rl_buf b = {0};
    buf_printf(&b, "roadlog slurm plan 1\nversion %s\ncwd %s\nparts %u\nshard-tasks %u\n", RL_VERSION, s->cwd,
               s->parts, s->shard_tasks);
    for (int i = 0; i < s->naopts; i++) {
        buf_puts(&b, "option ");
        put_quoted(&b, s->aopts[i]);
        buf_putc(&b, '\n');
    }
    for (int i = 0; i < s->ninputs; i++) {
        struct stat st;
        buf_puts(&b, "input ");
        put_quoted(&b, s->inputs[i]);
        if (stat(s->inputs[i], &st) == 0 && S_ISREG(st.st_mode))
            buf_printf(&b, " %lld %lld", (long long)st.st_size, (long long)st.st_mtime);
        buf_putc(&b, '\n');
    }
    return b.p;
}

/* ---- the queue ---- */

static void record_job(slurm *s, task_kind k, unsigned long id, const char *tasks)
{
    s->jobs = xrealloc(s->jobs, (s->njobs + 1) * sizeof *s->jobs);
    s->jobs[s->njobs++] = (job){id, k};
    char *p = path2(s->work, "state/jobs");
    FILE *f = fopen(p, "a");
    if (f) {
        fprintf(f, "%s %lu %s\n", kind_name[k], id, tasks);
        fclose(f);
    }
    free(p);
}

/* Jobs of earlier runs of this command (SHARED/state/jobs). */
static void earlier_jobs(slurm *s)
{
    char *p = path2(s->work, "state/jobs");
    FILE *f = fopen(p, "r");
    free(p);
    if (!f)
        return;
    char kind[16];
    unsigned long id;
    char rest[64];
    while (fscanf(f, "%15s %lu %63s", kind, &id, rest) == 3)
        for (int k = 0; k < K_N; k++)
            if (strcmp(kind, kind_name[k]) == 0) {
                s->jobs = xrealloc(s->jobs, (s->njobs + 1) * sizeof *s->jobs);
                s->jobs[s->njobs++] = (job){id, (task_kind)k};
            }
    fclose(f);
}

static task_kind job_kind(const slurm *s, unsigned long id, bool *known)
{
    for (size_t i = 0; i < s->njobs; i++)
        if (s->jobs[i].id == id) {
            *known = true;
            return s->jobs[i].kind;
        }
    *known = false;
    return K_N;
}

/* One look at the queue: every task of our jobs still in it, pending or
 * running.  False when squeue could not answer. */
static bool look_at_queue(slurm *s, bool *alive)
{
    for (int k = 0; k < K_N; k++)
        for (unsigned i = 0; i < s->n[k]; i++)
            if (s->t[k][i].st == T_PENDING || s->t[k][i].st == T_RUNNING)
                s->t[k][i].st = T_IDLE; /* until squeue says otherwise */
    *alive = false;
    if (s->njobs == 0)
        return true;
    rl_buf ids = {0};
    for (size_t i = 0; i < s->njobs; i++)
        buf_printf(&ids, "%s%lu", i ? "," : "", s->jobs[i].id);
    /* %F the array job, %K the task in it (N/A: not an array) */
    char *argv[] = {"squeue", "-h", "-r", "-o", "%F|%K|%T", "-j", ids.p, NULL};
    rl_buf out = {0};
    int rc = run_cmd(argv, &out);
    buf_free(&ids);
    if (rc != 0 && !(out.p && strstr(out.p, "Invalid job id"))) {
        buf_free(&out);
        return false;
    }
    for (char *line = out.p, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        unsigned long jid;
        char idx[32], state[32];
        if (sscanf(line, "%lu|%31[^|]|%31s", &jid, idx, state) != 3)
            continue;
        bool known;
        task_kind k = job_kind(s, jid, &known);
        if (!known)
            continue;
        unsigned i = k == K_MERGE ? 0 : (unsigned)strtoul(idx, NULL, 10);
        if (i >= s->n[k])
            continue;
        task *t = &s->t[k][i];
        if (t->st == T_DONE || t->st == T_FAILED)
            continue;
        t->st = strcmp(state, "RUNNING") == 0 || strcmp(state, "COMPLETING") == 0 ? T_RUNNING : T_PENDING;
        t->job = jid;
        t->gone = 0;
        *alive = true;
    }
    buf_free(&out);
    return true;
}

/* What Slurm says of a task that left the queue without its mark. */
static void ask_slurm(const slurm *s, task_kind k, unsigned i, task *t)
{
    char id[64];
    if (k == K_MERGE)
        snprintf(id, sizeof id, "%lu", t->job);
    else
        snprintf(id, sizeof id, "%lu_%u", t->job, i);
    char *argv[] = {"scontrol", "-o", "show", "job", id, NULL};
    rl_buf out = {0};
    const char *state = NULL, *reason = NULL, *exitc = NULL;
    if (run_cmd(argv, &out) == 0 && out.p) {
        for (char *w = strtok(out.p, " \n"); w; w = strtok(NULL, " \n")) {
            if (strncmp(w, "JobState=", 9) == 0)
                state = w + 9;
            else if (strncmp(w, "Reason=", 7) == 0)
                reason = w + 7;
            else if (strncmp(w, "ExitCode=", 9) == 0)
                exitc = w + 9;
        }
    }
    if (!state) {
        /* gone from the controller's memory: the accounting, if any */
        buf_free(&out);
        char *av[] = {"sacct", "-n", "-P", "-X", "-o", "State,ExitCode", "-j", id, NULL};
        if (run_cmd(av, &out) == 0 && out.p && strchr(out.p, '|')) {
            char *bar = strchr(out.p, '|');
            *bar = 0;
            state = out.p;
            exitc = strtok(bar + 1, "\n");
        }
    }
    t->by_dependency = reason && strcmp(reason, "DependencyNeverSatisfied") == 0;
    if (state)
        snprintf(t->why, sizeof t->why, "left the queue without finishing: Slurm says %s%s%s%s%s", state,
                 exitc ? ", exit code " : "", exitc ? exitc : "", reason && strcmp(reason, "None") ? ", " : "",
                 reason && strcmp(reason, "None") ? reason : "");
    else
        snprintf(t->why, sizeof t->why, "left the queue without finishing (cancelled, killed or its node lost)");
    buf_free(&out);
}

/* Marks on the shared filesystem, and tasks gone from the queue.  A task
 * gone without a mark gets three polls' grace (a mark written just
 * before the job ended may take that long to show on a shared
 * filesystem). */
static void look_at_marks(slurm *s)
{
    for (int k = 0; k < K_N; k++)
        for (unsigned i = 0; i < s->n[k]; i++) {
            task *t = &s->t[k][i];
            if (t->st == T_DONE || t->st == T_FAILED || !t->job)
                continue;
            char *done = mark(s, (task_kind)k, i, "done"), *failed = mark(s, (task_kind)k, i, "failed");
            char *status = read_small(failed);
            if (exists(done)) {
                t->st = T_DONE;
            } else if (status) {
                t->st = T_FAILED;
                snprintf(t->why, sizeof t->why, "failed with exit status %s", status);
            } else if (t->st == T_IDLE && ++t->gone >= 3) {
                ask_slurm(s, (task_kind)k, i, t);
                t->st = T_FAILED;
            }
            free(status);
            free(done);
            free(failed);
        }
}

static void show_progress(slurm *s, bool final)
{
    rl_buf b = {0};
    buf_puts(&b, "roadlog slurm:");
    for (int k = 0; k < K_N; k++) {
        unsigned done = 0, run = 0, pend = 0, failed = 0, skipped = 0, ending = 0;
        for (unsigned i = 0; i < s->n[k]; i++) {
            const task *t = &s->t[k][i];
            done += t->st == T_DONE;
            run += t->st == T_RUNNING;
            pend += t->st == T_PENDING;
            failed += t->st == T_FAILED && !t->by_dependency;
            skipped += t->st == T_FAILED && t->by_dependency;
            ending += t->st == T_IDLE && t->job;
        }
        buf_printf(&b, "%s %s %u/%u done", k ? " |" : "", kind_name[k], done, s->n[k]);
        if (run)
            buf_printf(&b, ", %u running", run);
        if (pend)
            buf_printf(&b, ", %u pending", pend);
        if (ending)
            buf_printf(&b, ", %u leaving the queue", ending);
        if (failed)
            buf_printf(&b, ", %u failed", failed);
        if (skipped)
            buf_printf(&b, ", %u not run (a task before failed)", skipped);
    }
    int el = (int)(run_clock() - s->started);
    if (s->tty) {
        fprintf(stderr, "\r%s | %d:%02d\033[K%s", b.p, el / 60, el % 60, final ? "\n" : "");
    } else if (strcmp(b.p, s->progress) != 0) {
        fprintf(stderr, "%s (%d:%02d)\n", b.p, el / 60, el % 60);
    }
    snprintf(s->progress, sizeof s->progress, "%s", b.p);
    buf_free(&b);
}

/* The last lines of a log, indented. */
static void log_tail(const char *path, int lines)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char *ring[8] = {0};
    int n = 0;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        free(ring[n % lines]);
        ring[n % lines] = xstrdup(line);
        n++;
    }
    free(line);
    fclose(f);
    for (int i = n > lines ? n - lines : 0; i < n; i++) {
        fprintf(stderr, "    | %s", ring[i % lines]);
        free(ring[i % lines]);
    }
}

/* Cancel what is left of our jobs. */
static void cancel_all(slurm *s)
{
    rl_buf ids = {0};
    size_t n = 0;
    for (size_t i = 0; i < s->njobs; i++) {
        bool queued = false;
        for (int k = 0; k < K_N && !queued; k++)
            for (unsigned t = 0; t < s->n[k]; t++)
                if (s->t[k][t].job == s->jobs[i].id && (s->t[k][t].st == T_PENDING || s->t[k][t].st == T_RUNNING))
                    queued = true;
        if (queued)
            buf_printf(&ids, "%s%lu", n++ ? "," : "", s->jobs[i].id);
    }
    if (n) {
        char *argv[] = {"scancel", ids.p, NULL};
        rl_buf out = {0};
        run_cmd(argv, &out);
        buf_free(&out);
        fprintf(stderr, "roadlog slurm: cancelled the rest of this run's jobs (%s)\n", ids.p);
    }
    buf_free(&ids);
}

/* Wait until none of our tasks is queued.  False when a task failed (it
 * is reported). */
static bool watch(slurm *s)
{
    int squeue_errors = 0;
    for (;;) {
        bool alive;
        if (!look_at_queue(s, &alive)) {
            if (++squeue_errors * s->poll > 300) {
                fprintf(stderr, "\nroadlog slurm: squeue has not answered for 5 minutes; the jobs may go on: "
                                "run the same command again to wait for them\n");
                return false;
            }
            sleep_s(s->poll);
            continue;
        }
        squeue_errors = 0;
        look_at_marks(s);
        show_progress(s, false);
        unsigned failed = 0, root = 0;
        bool waiting = false;
        for (int k = 0; k < K_N; k++)
            for (unsigned i = 0; i < s->n[k]; i++) {
                task *t = &s->t[k][i];
                failed += t->st == T_FAILED;
                root += t->st == T_FAILED && !t->by_dependency;
                waiting |= t->job && (t->st == T_PENDING || t->st == T_RUNNING || t->st == T_IDLE);
            }
        if (failed) {
            show_progress(s, true);
            for (int k = 0; k < K_N; k++)
                for (unsigned i = 0; i < s->n[k]; i++) {
                    task *t = &s->t[k][i];
                    if (t->st != T_FAILED || (t->by_dependency && root))
                        continue;
                    char *lp = log_path(s, (task_kind)k, i);
                    if (k == K_MERGE)
                        fprintf(stderr, "roadlog slurm: the merge job %lu %s; log: %s\n", t->job, t->why, lp);
                    else
                        fprintf(stderr, "roadlog slurm: %s task %u (job %lu_%u) %s; log: %s\n", kind_name[k], i,
                                t->job, i, t->why, lp);
                    log_tail(lp, 5);
                    free(lp);
                }
            cancel_all(s);
            fprintf(stderr, "roadlog slurm: run the same command again to go on: finished tasks are not run again\n");
            return false;
        }
        if (!waiting)
            return true;
        sleep_s(s->poll);
    }
}

/* ---- submitting ---- */

static bool submit(slurm *s, task_kind k, const unsigned *idx, size_t n, unsigned long after, unsigned long *id)
{
    rl_buf arr = {0}, dep = {0}, spec = {0}, out = {0};
    char *sp = script_path(s, k);
    char *argv[8];
    int a = 0;
    argv[a++] = "sbatch";
    argv[a++] = "--parsable";
    if (k != K_MERGE) {
        array_spec(&spec, idx, n);
        buf_printf(&arr, "--array=%s", spec.p);
        argv[a++] = arr.p;
    }
    if (after) {
        if (s->dry_run)
            buf_printf(&dep, "--dependency=afterok:<the %s job>", kind_name[k - 1]);
        else
            buf_printf(&dep, "--dependency=afterok:%lu", after);
        argv[a++] = dep.p;
        argv[a++] = "--kill-on-invalid-dep=yes";
    }
    argv[a++] = sp;
    argv[a] = NULL;
    bool ok = false;
    if (s->dry_run) {
        printf("# ");
        for (int i = 0; i < a; i++)
            printf("%s%s", i ? " " : "", argv[i]);
        printf("\n");
        *id = 1; /* a job id to depend on */
        ok = true;
    } else {
        int rc = run_cmd(argv, &out);
        char *end = NULL;
        unsigned long got = out.p ? strtoul(out.p, &end, 10) : 0;
        if (rc == 0 && got && end && (*end == 0 || *end == ';' || *end == '\n')) {
            *id = got;
            ok = true;
            for (size_t i = 0; i < n; i++) {
                task *t = &s->t[k][k == K_MERGE ? 0 : idx[i]];
                t->job = got;
                t->st = T_PENDING;
                t->gone = 0;
            }
            record_job(s, k, got, k == K_MERGE ? "0" : spec.p);
        } else {
            fprintf(stderr, "roadlog slurm: sbatch %s failed (exit status %d): %s\n", sp, rc,
                    out.p && *out.p ? out.p : "no message");
        }
    }
    buf_free(&arr);
    buf_free(&dep);
    buf_free(&spec);
    buf_free(&out);
    free(sp);
    return ok;
}

/* Is a task's work there?  Done marks, and the outputs they vouch for. */
static bool task_done(const slurm *s, task_kind k, unsigned i)
{
    char *m = mark(s, k, i, "done");
    char *text = read_small(m);
    free(m);
    bool done = text != NULL;
    if (done && k == K_ANALYZE) {
        rl_buf b = {0};
        buf_printf(&b, "%s/out/part-%04u/run.json", s->work, i);
        done = exists(b.p);
        buf_free(&b);
    }
    if (done && k == K_MERGE) {
        /* the merge wrote the OUT its mark names, and it is still there */
        char *rj = path2(s->out, "run.json");
        done = strcmp(text, s->out) == 0 && exists(rj);
        free(rj);
    }
    free(text);
    return done;
}

/* Submit what is not done: a shard run again makes every analysis run
 * again, an analysis the merge. */
static bool submit_missing(slurm *s, bool *any)
{
    unsigned *idx = xmalloc((s->parts > s->shard_tasks ? s->parts : s->shard_tasks) * sizeof *idx);
    unsigned long after = 0;
    bool ok = true, redo = false;
    *any = false;
    for (int k = 0; k < K_N && ok; k++) {
        size_t n = 0;
        for (unsigned i = 0; i < s->n[k]; i++) {
            task *t = &s->t[k][i];
            if (!redo && task_done(s, (task_kind)k, i)) {
                t->st = T_DONE;
                continue;
            }
            char *m = mark(s, (task_kind)k, i, "done");
            unlink(m);
            free(m);
            m = mark(s, (task_kind)k, i, "failed");
            unlink(m);
            free(m);
            t->st = T_IDLE;
            t->why[0] = 0;
            t->by_dependency = false;
            idx[n++] = i;
        }
        if (n == 0)
            continue;
        unsigned long id = 0;
        ok = submit(s, (task_kind)k, idx, n, after, &id);
        after = id;
        redo = true;
        *any = true;
    }
    free(idx);
    return ok;
}

/* ---- the command ---- */

static void usage(FILE *f)
{
    fputs("usage: roadlog slurm --parts N --work SHARED --out OUT [OPTIONS] INPUT...\n"
          "\n"
          "Shard, analyze and merge on a Slurm cluster (RUNS.md §4): a shard job array, an analyze\n"
          "job array (one task a part) after it, a merge job after them, writing OUT; waits with a\n"
          "progress line.  SHARED (and the inputs, OUT) must be on a filesystem every node sees.\n"
          "Run the same command again after a failure or an interruption: what is done is kept.\n"
          "\n"
          "  --parts N           parts the vehicles are split into: analyze tasks (1-9999;\n"
          "                      at most the cluster's MaxArraySize - 1)\n"
          "  --shard-tasks M     shard tasks over groups of the inputs (default: the inputs,\n"
          "                      at most N)\n"
          "  --work SHARED       record files, part outputs, scripts, logs and marks\n"
          "  --out OUT           the merged output (what one analyze --out writes)\n"
          "  --partition P       Slurm partition of every job\n"
          "  --account A         Slurm account of every job\n"
          "  --poll SECONDS      how often to ask squeue (default 5)\n"
          "  --dry-run           print the sbatch scripts and commands, submit nothing\n"
          "\n"
          "Every option of analyze (--registry, --rules, --tz, --format, --threads, ...) is\n"
          "passed on to each analysis (--registry, --rules, --tz, --port and --strict to the shards too;\n"
          "--format, --lang and --excel-csv to the merge; --threads N asks N CPUs a task).\n"
          "\n"
          "example:\n"
          "  roadlog slurm --parts 16 --work /shared/roadlog-work --out /shared/out/2026-11-02 \\\n"
          "      --registry vehicles.csv /shared/dumps/2026-11-02/*\n"
          "\n"
          "exit status: 0 when the merge has finished, 1 a task failed or an input cannot be\n"
          "read, 2 usage\n",
          f);
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (end == s || *end || errno || v > max || *s == '-')
        return false;
    *out = v;
    return true;
}

/* The options shard and merge take, from what analyze's parsed. */
static void derived_options(slurm *s, const rl_run *run)
{
    char tz[8];
    tu_format_tz(run->opt.tz, tz);
    if (run->opt.registry_path) {
        buf_puts(&s->sopts, " --registry ");
        put_quoted(&s->sopts, run->opt.registry_path);
    }
    buf_printf(&s->sopts, " --tz '%s'", tz);
    if (run->opt.rules_path) { /* jt808.dialect: how shard reads active-safety items */
        buf_puts(&s->sopts, " --rules ");
        put_quoted(&s->sopts, run->opt.rules_path);
    }
    if (run->opt.port)
        buf_printf(&s->sopts, " --port %u", run->opt.port);
    if (run->opt.strict)
        buf_puts(&s->sopts, " --strict");
    if (run->opt.quiet) {
        buf_puts(&s->sopts, " --quiet");
        buf_puts(&s->mopts, " --quiet");
    }
    static const struct {
        unsigned bit;
        const char *name;
    } fmts[] = {{FMT_CSV, "csv"}, {FMT_JSONL, "jsonl"}, {FMT_HTML, "html"}, {FMT_XLSX, "xlsx"},
                {FMT_GEOJSON, "geojson"}};
    buf_puts(&s->mopts, " --format ");
    for (size_t i = 0, n = 0; i < sizeof fmts / sizeof fmts[0]; i++)
        if (run->opt.formats & fmts[i].bit)
            buf_printf(&s->mopts, "%s%s", n++ ? "," : "", fmts[i].name);
    if (run->opt.lang)
        buf_printf(&s->mopts, " --lang %s", run->opt.lang);
    if (run->opt.excel_csv)
        buf_puts(&s->mopts, " --excel-csv");
}

static void slurm_free(slurm *s)
{
    for (int k = 0; k < K_N; k++)
        free(s->t[k]);
    free(s->jobs);
    free(s->work);
    free(s->out);
    free(s->cwd);
    free(s->self);
    buf_free(&s->sopts);
    buf_free(&s->mopts);
    free(s);
}

int cmd_slurm(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        }
    }
    const char *parts_s = NULL, *tasks_s = NULL, *work = NULL, *out = NULL, *poll_s = NULL;
    slurm *s = xcalloc(1, sizeof *s);
    s->started = run_clock();
    int dry = 0;
    if (cli_take_option(&argc, argv, "parts", &parts_s) < 0 || cli_take_option(&argc, argv, "shard-tasks", &tasks_s) < 0 ||
        cli_take_option(&argc, argv, "work", &work) < 0 || cli_take_option(&argc, argv, "out", &out) < 0 ||
        cli_take_option(&argc, argv, "partition", &s->partition) < 0 ||
        cli_take_option(&argc, argv, "account", &s->account) < 0 || cli_take_option(&argc, argv, "poll", &poll_s) < 0 ||
        (dry = cli_take_option(&argc, argv, "dry-run", NULL)) < 0) {
        fprintf(stderr, "roadlog slurm: an option is missing its value\nrun `roadlog slurm --help` for the options\n");
        slurm_free(s);
        return EXIT_USAGE;
    }
    s->dry_run = dry > 0;
    /* the rest is analyze's: checked here as analyze checks it */
    rl_run run;
    run_init(&run);
    char **inputs;
    int ninputs;
    int rc = cli_parse(&run, "slurm", argc, argv, &inputs, &ninputs);
    if (rc) {
        run_free(&run);
        slurm_free(s);
        return rc;
    }
    s->aopts = argv + 1;
    s->naopts = (int)(inputs - argv - 1);
    if (s->naopts > 0 && strcmp(s->aopts[s->naopts - 1], "--") == 0)
        s->naopts--;
    s->inputs = inputs;
    s->ninputs = ninputs;
    s->quiet = run.opt.quiet;
    unsigned long parts = 0, tasks = 0;
    double poll = 5;
    const char *why = NULL;
    if (!parts_s || !parse_uint(parts_s, 9999, &parts) || parts == 0)
        why = "--parts N (1-9999) is required";
    else if (!work || !*work)
        why = "--work SHARED is required (a folder every node sees)";
    else if (!out || !*out)
        why = "--out OUT is required";
    else if (ninputs == 0)
        why = "no input files";
    else if (run.resumed_from)
        why = "--resume: each part would resume the same output; a cluster run starts fresh (merge the days after)";
    else if (tasks_s && (!parse_uint(tasks_s, 1000000, &tasks) || tasks == 0))
        why = "--shard-tasks M: a number of tasks, 1 or more";
    else if (poll_s && (!(poll = strtod(poll_s, NULL)) || poll < 0.1 || poll > 600))
        why = "--poll SECONDS: 0.1 to 600";
    if (why) {
        fprintf(stderr, "roadlog slurm: %s\nrun `roadlog slurm --help` for the options\n", why);
        run_free(&run);
        slurm_free(s);
        return EXIT_USAGE;
    }
    /* the tasks read the inputs later, elsewhere: what is missing now
     * is said now (exit 1, as analyze says it), before any job runs */
    for (int i = 0; i < ninputs; i++) {
        struct stat st;
        if (strcmp(inputs[i], "-") == 0) {
            fprintf(stderr, "roadlog slurm: stdin (-) cannot be an input of cluster tasks: give files\n");
            run_free(&run);
            slurm_free(s);
            return EXIT_USAGE;
        }
        const char *bad = NULL;
        if (stat(inputs[i], &st) != 0 || access(inputs[i], R_OK) != 0)
            bad = strerror(errno);
        else if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode))
            bad = S_ISDIR(st.st_mode) ? "is a directory, not a log file" : "not a file";
        if (bad) {
            fprintf(stderr, "roadlog slurm: %s: cannot open: %s\n", inputs[i], bad);
            run_free(&run);
            slurm_free(s);
            return EXIT_INPUT;
        }
    }
    s->parts = (unsigned)parts;
    s->shard_tasks = tasks ? (unsigned)tasks : (unsigned)ninputs < s->parts ? (unsigned)ninputs : s->parts;
    if (s->shard_tasks > (unsigned)ninputs)
        s->shard_tasks = (unsigned)ninputs; /* a task with no input does nothing */
    s->poll = poll;
    derived_options(s, &run);
    /* --threads N: as many CPUs an analysis and the merge ask; else
     * Slurm's default (one), and analyze uses what it is given */
    for (int i = 0; i < s->naopts; i++)
        if (strncmp(s->aopts[i], "--threads", 9) == 0)
            s->cpus = run.opt.threads;
    run_free(&run);
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) {
        fprintf(stderr, "roadlog slurm: cannot tell the current folder: %s\n", strerror(errno));
        slurm_free(s);
        return EXIT_INPUT;
    }
    s->cwd = xstrdup(cwd);
    s->work = absolute(cwd, work);
    s->out = absolute(cwd, out);
    char *self = realpath("/proc/self/exe", NULL);
    s->self = self ? self : xstrdup("roadlog");
    s->tty = isatty(2) && !s->quiet;
    s->n[K_SHARD] = s->shard_tasks;
    s->n[K_ANALYZE] = s->parts;
    s->n[K_MERGE] = 1;
    for (int k = 0; k < K_N; k++)
        s->t[k] = xcalloc(s->n[k], sizeof *s->t[k]);

    if (s->dry_run) {
        for (int k = 0; k < K_N; k++) {
            char *sp = script_path(s, (task_kind)k), *text = script(s, (task_kind)k);
            printf("# ---- %s ----\n%s\n", sp, text);
            free(sp);
            free(text);
        }
        unsigned *idx = xmalloc((s->parts > s->shard_tasks ? s->parts : s->shard_tasks) * sizeof *idx);
        unsigned long after = 0;
        for (int k = 0; k < K_N; k++) {
            for (unsigned i = 0; i < s->n[k]; i++)
                idx[i] = i;
            unsigned long id;
            submit(s, (task_kind)k, idx, s->n[k], after, &id);
            after = id;
        }
        free(idx);
        slurm_free(s);
        return 0;
    }

    /* the work folder: this command's, or new */
    static const char *const sub[] = {"scripts", "logs", "state", "shards", "out"};
    for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++) {
        char *d = path2(s->work, sub[i]);
        if (!make_dirs(d)) {
            fprintf(stderr, "roadlog slurm: cannot create %s: %s\n", d, strerror(errno));
            free(d);
            slurm_free(s);
            return EXIT_INPUT;
        }
        free(d);
    }
    bool ok;
    char *plan_path = path2(s->work, "plan");
    char *plan = plan_text(s), *old = NULL;
    {
        FILE *f = fopen(plan_path, "r");
        if (f) {
            rl_buf b = {0};
            char buf[4096];
            size_t n;
            while ((n = fread(buf, 1, sizeof buf, f)) > 0)
                buf_put(&b, buf, n);
            fclose(f);
            buf_putc(&b, 0);
            old = b.p;
        }
    }
    if (old && strcmp(old, plan) != 0) {
        /* the first line that differs says what changed */
        const char *a = old, *b = plan;
        while (*a && *a == *b) {
            const char *na = strchr(a, '\n'), *nb = strchr(b, '\n');
            if (!na || !nb || na - a != nb - b || strncmp(a, b, (size_t)(na - a)) != 0)
                break;
            a = na + 1;
            b = nb + 1;
        }
        fprintf(stderr,
                "roadlog slurm: %s holds the work of another command (it has \"%.*s\" where this one has \"%.*s\"):"
                " give another --work, or remove it\n",
                s->work, (int)strcspn(a, "\n"), a, (int)strcspn(b, "\n"), b);
        free(old);
        free(plan);
        free(plan_path);
        slurm_free(s);
        return EXIT_USAGE;
    }
    ok = old || write_file(plan_path, plan);
    free(old);
    free(plan);
    free(plan_path);
    for (int k = 0; k < K_N && ok; k++) {
        char *sp = script_path(s, (task_kind)k), *text = script(s, (task_kind)k);
        ok = write_file(sp, text);
        if (!ok)
            fprintf(stderr, "roadlog slurm: cannot write %s: %s\n", sp, strerror(errno));
        free(sp);
        free(text);
    }
    if (!ok) {
        slurm_free(s);
        return EXIT_INPUT;
    }

    /* one client a work folder: two would submit the same tasks twice */
    char *lock = path2(s->work, "state/lock");
    int lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    free(lock);
    if (lock_fd < 0 || flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
        fprintf(stderr, "roadlog slurm: another roadlog slurm is at work on %s: wait for it, or stop it\n", s->work);
        if (lock_fd >= 0)
            close(lock_fd);
        slurm_free(s);
        return EXIT_INPUT;
    }
    /* jobs of an earlier run still queued: wait for them, submit nothing twice */
    earlier_jobs(s);
    bool alive = false;
    if (s->njobs && look_at_queue(s, &alive) && alive) {
        if (!s->quiet)
            fprintf(stderr, "roadlog slurm: jobs of an earlier run are in the queue: waiting for them\n");
        if (!watch(s)) {
            close(lock_fd);
            slurm_free(s);
            return EXIT_INPUT;
        }
    }
    /* submit what is missing and watch it; then everything is done (a
     * task that ended without its mark failed, and watch said so) */
    int status = 0;
    bool any = false;
    ok = submit_missing(s, &any) && (!any || watch(s));
    if (ok && any)
        for (int k = 0; k < K_N && ok; k++)
            for (unsigned i = 0; i < s->n[k] && ok; i++)
                if (!task_done(s, (task_kind)k, i)) {
                    fprintf(stderr, "roadlog slurm: %s task %u ended, but its outputs are not there: run again\n",
                            kind_name[k], i);
                    ok = false;
                }
    if (!ok) {
        cancel_all(s);
        status = EXIT_INPUT;
    } else {
        show_progress(s, true);
        if (!s->quiet) {
            int el = (int)(run_clock() - s->started);
            fprintf(stderr, "roadlog slurm: done (%d:%02d): the merged outputs are in %s\n", el / 60, el % 60, s->out);
        }
    }
    close(lock_fd);
    slurm_free(s);
    return status;
}
