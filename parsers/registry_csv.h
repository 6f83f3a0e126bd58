/*
 * registry_csv.h - the vehicle registry CSV (FORMATS.md §5) into an
 * rl_registry.  Bad rows are rejected through the sink with their line.
 */
#ifndef RL_REGISTRY_CSV_H
#define RL_REGISTRY_CSV_H

#include <stdbool.h>

#include "csvin.h"
#include "sink.h"
#include "registry.h"
#include "strtab.h"

typedef struct regcsv regcsv;

regcsv *regcsv_new(const csv_row *header, rl_registry *reg, strtab *str, const rl_sink *sink, unsigned file_index);
void regcsv_free(regcsv *r);
bool regcsv_row(regcsv *r, const csv_row *row);
/* Rows added so far. */
uint64_t regcsv_rows(const regcsv *r);

#endif
