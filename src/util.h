/*
 * util.h - allocation that cannot fail silently, and small string helpers.
 *
 * Out of memory is not a recoverable condition for a batch analyser: the
 * x-allocators print a message and leave with exit_now(3) rather than
 * return NULL.
 */
#ifndef RL_UTIL_H
#define RL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
void *xaligned_alloc(size_t align, size_t n); /* align: a power of two; n rounded up to it */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A condition the program cannot go on from (a thread that cannot be
 * started): the message on stderr, exit_now(3) like an allocation
 * failure. */
_Noreturn void die(const char *what);
/* CPUs this process may run on (sched_getaffinity), at least 1. */
unsigned cpus_available(void);

/* A growable byte buffer. */
typedef struct {
    char *p;
    size_t len, cap;
} rl_buf;
void buf_put(rl_buf *b, const void *s, size_t n);
void buf_puts(rl_buf *b, const char *s);
void buf_putc(rl_buf *b, char c);
void buf_printf(rl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_free(rl_buf *b);

/* Unaligned loads and stores in the machine's byte order (packed records,
 * short keys): memcpy, which compilers turn into one move. */
static inline uint16_t load_u16(const void *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t load_u32(const void *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t load_u64(const void *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static inline void store_u16(void *p, uint16_t v) { memcpy(p, &v, 2); }
static inline void store_u32(void *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void store_u64(void *p, uint64_t v) { memcpy(p, &v, 8); }

/* mkdir -p: true when path is (now) a directory. */
bool make_dirs(const char *path);
/* Can --out be created or written?  Checked before any input is read,
 * creating nothing: NULL, or the reason (as the later failure would say
 * it). */
const char *out_dir_problem(const char *dir, char *why, size_t cap);
/* An anonymous temporary file in dir (NULL: $TMPDIR, else /tmp), removed
 * when closed; NULL with the reason in err. */
FILE *tmp_stream(const char *dir, char *err, size_t cap);
/* The descriptor of a file in dir that has no name (O_TMPFILE), or of one
 * made as dir/PREFIX-PID-RANDOM-N and unlinked at once; -1 with errno when neither
 * can be made. */
int tmp_fd(const char *dir, const char *prefix);
/* Remove the names tmp_fd is between making and unlinking (for a signal
 * handler: async-signal-safe). */
void tmp_unlink_pending(void);
/* Stop the process at once with `status`, from any thread: what roadlog's
 * own exit handler does (fn, set by at_exit_now: the output parts go) and
 * the pending temporary files, but not the libraries' atexit handlers,
 * which free what threads still running may be using (OpenSSL's tables,
 * say).  For fatal errors where other threads may be running. */
_Noreturn void exit_now(int status);
void at_exit_now(void (*fn)(void));
/* Copy all of `from` (rewound) to `to`; false on a read or write error. */
/* An id roadlog writes (event_id, run_id: 16 lowercase hex digits) as a
 * 64-bit number; false when s is not one. */
bool id64_parse(const char *s, uint64_t *v);
bool copy_stream(FILE *from, FILE *to);

/* The n records at base (stride bytes apart) grouped by the uint32_t at
 * key_offset in each (< nkeys): idx[first[k] .. first[k + 1]) are the
 * indices of key k, in record order.  A counting sort; both arrays are
 * allocated (first has nkeys + 2 entries). */
void group_by_key(const void *base, size_t n, size_t stride, size_t key_offset, size_t nkeys, size_t **first,
                  size_t **idx);

/* Trim spaces and tabs at both ends (in place on the pointer/length). */
static inline void trim_span(const char **s, size_t *n)
{
    while (*n > 0 && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

#endif
