/*
 * strtab.h - string interning: plates, drivers, companies, stations.
 *
 * Each distinct string is stored once and named by a small integer id, so
 * a buffered fix carries a 4-byte driver id instead of a string.  Id 0 is
 * the empty string ("none").  Open addressing, power-of-two table.
 */
#ifndef RL_STRTAB_H
#define RL_STRTAB_H

#include <stddef.h>
#include <stdint.h>

typedef struct strtab strtab;

strtab *strtab_new(void);
void strtab_free(strtab *t);
/* Id of the string (adding it if new); 0 for an empty string. */
uint32_t strtab_intern(strtab *t, const char *s, size_t n);
/* Id of the string or UINT32_MAX when absent (never adds). */
uint32_t strtab_find(const strtab *t, const char *s, size_t n);
const char *strtab_get(const strtab *t, uint32_t id); /* NUL-terminated */
size_t strtab_len(const strtab *t, uint32_t id);
uint32_t strtab_count(const strtab *t);

/* 64-bit hash of bytes (FNV-1a folded with a multiply; good enough for
 * short keys, deterministic across runs). */
uint64_t rl_hash(const void *p, size_t n, uint64_t seed);

#endif
