/*
 * outfiles.h - the files of --out are written under "NAME.part" and
 * renamed when the whole run is done (RUNS.md §1): a run that fails (no
 * temporary space, an unreadable input set) or is stopped by SIGINT or
 * SIGTERM leaves --out as it was, its parts removed.
 *
 * The list of parts is the program's one piece of global state: a signal
 * handler can reach nothing else.  It is filled before any thread starts
 * writing and only read by the handler.
 */
#ifndef RL_OUTFILES_H
#define RL_OUTFILES_H

#include <stdbool.h>

/* Remove the parts at exit and on SIGINT / SIGTERM (then die of it). */
void outfiles_guard(void);
/* "DIR/NAME.part", registered for commit or removal; the caller frees. */
char *outfiles_part(const char *dir, const char *name);
/* Rename every registered part to its name; false (errno set) on the
 * first that fails. */
bool outfiles_commit(void);
/* A folder parts go in: removed with them when they leave it empty. */
void outfiles_dir(const char *dir);
/* Forget the parts in dir (unlinked, never put in place) and remove dir
 * if outfiles_dir made it and it is empty. */
void outfiles_drop(const char *dir);
/* Remove every registered part. */
void outfiles_discard(void);

#endif
