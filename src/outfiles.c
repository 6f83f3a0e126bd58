/*
 * outfiles.c - write under a temporary name, rename when done (see
 * outfiles.h).
 */
#include "outfiles.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* analyze writes a few files; shard one a part (up to 9999) */
#define MAX_PARTS 10016

/* Written before the writers start; read by the handler, which may run at
 * any moment: complete entries only (the count is raised after the path
 * is stored). */
static char *parts[MAX_PARTS];
static volatile sig_atomic_t nparts;
/* A folder made for parts (the carry's), removed with them when empty. */
static char *made_dir;

static void discard_at_exit(void) { outfiles_discard(); }

/* The parts go, as a signal handler may do it (exit_now too, from any
 * thread): each slot is read once, as another thread may be clearing it. */
static void abandon_parts(void)
{
    for (sig_atomic_t i = 0; i < nparts; i++) {
        char *p = parts[i];
        if (p)
            unlink(p); /* async-signal-safe */
    }
    if (made_dir)
        rmdir(made_dir);
}

static void on_signal(int sig)
{
    int saved = errno; /* a handler leaves errno as it found it */
    abandon_parts();
    tmp_unlink_pending(); /* a temporary file between its creation and its unlink */
    errno = saved;
    signal(sig, SIG_DFL);
    raise(sig);
}

void outfiles_guard(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    atexit(discard_at_exit);
    at_exit_now(abandon_parts);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

char *outfiles_part(const char *dir, const char *name)
{
    rl_buf b = {0};
    buf_printf(&b, "%s/%s.part", dir, name);
    if (nparts < MAX_PARTS) {
        parts[nparts] = xstrdup(b.p);
        nparts = nparts + 1;
    }
    return b.p;
}

bool outfiles_commit(void)
{
    for (sig_atomic_t i = 0; i < nparts; i++) {
        char *p = parts[i];
        if (!p)
            continue;
        size_t n = strlen(p);
        char *final = xstrndup(p, n - 5); /* less ".part" */
        int rc = rename(p, final);
        int err = errno;
        free(final);
        if (rc != 0 && access(p, F_OK) == 0) {
            errno = err;
            return false;
        }
        parts[i] = NULL;
        free(p);
    }
    nparts = 0;
    return true;
}

/* Part i unlinked and forgotten (out of the list before it is freed: the
 * handler may look at any moment). */
static void drop_part(sig_atomic_t i)
{
    char *p = parts[i];
    parts[i] = NULL;
    unlink(p);
    free(p);
}

void outfiles_discard(void)
{
    for (sig_atomic_t i = 0; i < nparts; i++)
        if (parts[i])
            drop_part(i);
    nparts = 0;
    if (made_dir)
        rmdir(made_dir); /* only when empty: an earlier run's carry stays */
}

void outfiles_drop(const char *dir)
{
    size_t n = strlen(dir);
    for (sig_atomic_t i = 0; i < nparts; i++)
        if (parts[i] && strncmp(parts[i], dir, n) == 0 && parts[i][n] == '/')
            drop_part(i);
    if (made_dir && strcmp(made_dir, dir) == 0)
        rmdir(made_dir); /* only when empty: an earlier run's carry stays */
}

void outfiles_dir(const char *dir)
{
    if (!made_dir)
        made_dir = xstrdup(dir);
}
