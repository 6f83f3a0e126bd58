/*
 * util.c - see util.h.
 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void oom(size_t n)
{
    fprintf(stderr, "roadlog: out of memory (asked for %zu bytes)\n", n);
    exit_now(3);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *xaligned_alloc(size_t align, size_t n)
{
    n = (n + align - 1) / align * align;
    void *p = aligned_alloc(align, n ? n : align);
    if (!p)
        oom(n);
    return p;
}

void *xcalloc(size_t n, size_t m)
{
    void *p = calloc(n ? n : 1, m ? m : 1);
    if (!p)
        oom(n * m);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

char *xstrndup(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

void buf_put(rl_buf *b, const void *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->p = xrealloc(b->p, cap);
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

void buf_puts(rl_buf *b, const char *s) { buf_put(b, s, strlen(s)); }
void buf_putc(rl_buf *b, char c) { buf_put(b, &c, 1); }

void buf_printf(rl_buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        buf_put(b, tmp, (size_t)n);
        return;
    }
    char *big = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    buf_put(b, big, (size_t)n);
    free(big);
}

void buf_free(rl_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

bool make_dirs(const char *path)
{
    char *p = xstrdup(path);
    bool ok = true;
    for (char *s = p + 1; ok; s++) {
        if (*s == '/' || *s == 0) {
            char c = *s;
            *s = 0;
            if (mkdir(p, 0777) != 0 && errno != EEXIST)
                ok = false;
            *s = c;
            if (!c)
                break;
        }
    }
    free(p);
    struct stat st;
    return ok && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Names between their creation and their unlink (the mkstemp path), for
 * a signal handler in any thread to remove (tmp_unlink_pending). */
enum { TMP_SLOTS = 16 };
static char tmp_names[TMP_SLOTS][4096];
static atomic_int tmp_used[TMP_SLOTS]; /* 0 free, 1 taken, 2 its name may exist */

void tmp_unlink_pending(void)
{
    for (int i = 0; i < TMP_SLOTS; i++)
        if (atomic_load(&tmp_used[i]) == 2)
            unlink(tmp_names[i]); /* async-signal-safe */
}

static void (*_Atomic exit_now_fn)(void);

void at_exit_now(void (*fn)(void)) { atomic_store(&exit_now_fn, fn); }

_Noreturn void exit_now(int status)
{
    void (*fn)(void) = atomic_load(&exit_now_fn);
    if (fn)
        fn();
    tmp_unlink_pending();
    fflush(stdout);
    _exit(status);
}

int tmp_fd(const char *dir, const char *prefix)
{
    /* O_TMPFILE: a file without a name, so nothing is left behind
     * whatever happens (a SIGINT between mkstemp and unlink left one) */
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0)
        return fd;
    /* where the filesystem cannot: a name made here, published before the
     * file is created so that the signal handler removes it too */
    static atomic_uint counter;
    /* a name nobody can guess ahead (pre-made files would make every try
     * meet EEXIST, or have the signal handler unlink another's file) */
    uint64_t salt = 0;
    if (getrandom(&salt, sizeof salt, 0) != (ssize_t)sizeof salt)
        salt = (uint64_t)(uintptr_t)&salt ^ (uint64_t)time(NULL) << 20;
    int slot = -1;
    for (int i = 0; i < TMP_SLOTS && slot < 0; i++) {
        int expect = 0;
        if (atomic_compare_exchange_strong(&tmp_used[i], &expect, 1))
            slot = i;
    }
    rl_buf p = {0};
    int e = 0;
    for (int tries = 0; tries < 100; tries++) {
        p.len = 0;
        buf_printf(&p, "%s/%s-%d-%016llx-%u", dir, prefix, (int)getpid(), (unsigned long long)salt,
                   atomic_fetch_add(&counter, 1));
        if (slot >= 0 && p.len < sizeof tmp_names[0]) {
            memcpy(tmp_names[slot], p.p, p.len + 1);
            atomic_store(&tmp_used[slot], 2);
        }
        fd = open(p.p, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
        e = errno;
        if (fd >= 0)
            unlink(p.p); /* gone when closed */
        if (slot >= 0)
            atomic_store(&tmp_used[slot], 1);
        if (fd >= 0 || e != EEXIST)
            break;
    }
    if (slot >= 0)
        atomic_store(&tmp_used[slot], 0);
    buf_free(&p);
    errno = e;
    return fd;
}

FILE *tmp_stream(const char *dir, char *err, size_t cap)
{
    if (!dir || !*dir)
        dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    int fd = tmp_fd(dir, "roadlog");
    FILE *f = NULL;
    if (fd >= 0) {
        f = fdopen(fd, "w+");
        if (!f)
            close(fd);
    }
    if (!f)
        snprintf(err, cap, "cannot write temporary data to %s: %s", dir, strerror(errno)); /* RUNS.md §1 */
    return f;
}

bool id64_parse(const char *s, uint64_t *v)
{
    uint64_t k = 0;
    size_t n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0 || n == 16)
            return false;
        k = k << 4 | (uint64_t)d;
    }
    if (n != 16)
        return false;
    *v = k;
    return true;
}

bool copy_stream(FILE *from, FILE *to)
{
    if (ferror(from) || fflush(from) != 0 || fseek(from, 0, SEEK_SET) != 0)
        return false;
    char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, from)) > 0)
        if (fwrite(buf, 1, n, to) != n)
            return false;
    return !ferror(from);
}

const char *out_dir_problem(const char *dir, char *why, size_t cap)
{
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            snprintf(why, cap, "cannot create the output folder %s: it is a file", dir);
            return why;
        }
        if (access(dir, W_OK | X_OK) != 0) {
            snprintf(why, cap, "cannot write to the output folder: %s/rejects.csv: %s", dir, strerror(errno));
            return why;
        }
        return NULL;
    }
    /* not there yet: its nearest existing ancestor must take it */
    char *p = xstrdup(dir);
    const char *problem = NULL;
    for (;;) {
        char *slash = strrchr(p, '/');
        while (slash && slash > p && slash[1] == 0) { /* trailing slashes */
            *slash = 0;
            slash = strrchr(p, '/');
        }
        if (!slash) {
            strcpy(p, ".");
        } else if (slash == p) {
            p[1] = 0;
        } else {
            *slash = 0;
        }
        if (stat(p, &st) == 0) {
            if (!S_ISDIR(st.st_mode)) {
                snprintf(why, cap, "cannot create the output folder %s: %s is a file", dir, p);
                problem = why;
            } else if (access(p, W_OK | X_OK) != 0) {
                snprintf(why, cap, "cannot create the output folder %s: %s", dir, strerror(errno));
                problem = why;
            }
            break;
        }
        if (strcmp(p, ".") == 0 || strcmp(p, "/") == 0)
            break;
    }
    free(p);
    return problem;
}

void group_by_key(const void *base, size_t n, size_t stride, size_t key_offset, size_t nkeys, size_t **first_out,
                  size_t **idx_out)
{
    const unsigned char *b = base;
    size_t *first = xcalloc(nkeys + 2, sizeof *first);
    for (size_t i = 0; i < n; i++)
        first[load_u32(b + i * stride + key_offset) + 2]++;
    for (size_t k = 0; k < nkeys; k++)
        first[k + 2] += first[k + 1];
    size_t *idx = xmalloc((n ? n : 1) * sizeof *idx);
    for (size_t i = 0; i < n; i++)
        idx[first[load_u32(b + i * stride + key_offset) + 1]++] = i;
    *first_out = first;
    *idx_out = idx;
}

_Noreturn void die(const char *what)
{
    fprintf(stderr, "roadlog: %s\n", what);
    exit_now(3);
}

unsigned cpus_available(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0)
            return (unsigned)n;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}
