/*
 * cli.h - the command line shared by the subcommands (FORMATS.md
 * "Command line").  Exit codes: 0 ok, 1 bad input under --strict or an
 * unreadable file, 2 usage.
 */
#ifndef RL_CLI_H
#define RL_CLI_H

#include "run.h"

#define EXIT_USAGE 2
#define EXIT_INPUT 1

/* Parse options into run->opt (and load --rules into run->rules).
 * Positional arguments are returned in *args.  Returns 0, or an exit
 * status after printing the problem. */
int cli_parse(rl_run *run, const char *cmd, int argc, char **argv, char ***args, int *nargs);
void cli_usage(FILE *f);
/* `roadlog CMD --help`: the command's options, an example and its exit
 * statuses.  False when there is no such command. */
bool cli_help(FILE *f, const char *cmd);

/* Parse a --from/--to time: a date (whole day), a date and time, ISO
 * 8601 or epoch, in the analysis zone.  `end` picks the day's last second
 * for a bare date. */
bool cli_parse_time(const char *s, int32_t tz, bool end, int64_t *out);
/* What is wrong with a time cli_parse_time refused, in words ("month 13
 * does not exist"). */
void cli_time_problem(const char *s, char *why, size_t cap);

int cmd_analyze(int argc, char **argv);
int cmd_decode(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_summary(int argc, char **argv);
int cmd_ledger(int argc, char **argv);
int cmd_shard(int argc, char **argv);
int cmd_slurm(int argc, char **argv);

/* Take a subcommand's own option "--name VALUE" or "--name=VALUE" (or
 * the flag "--name" when value is NULL) out of argv, before cli_parse
 * reads the common ones.  1 taken, 0 absent, -1 given without a value. */
int cli_take_option(int *argc, char **argv, const char *name, const char **value);

/* A size as `--memory` takes it: 512M, 4G, 1024 (bytes), 64MiB. */
bool cli_parse_size(const char *s, uint64_t *out);

#endif
