/*
 * main.c - roadlog: reads the logs Chinese road-transport enforcement runs
 * on (GPS exports, JT/T 808 traffic, pcap captures, weighbridge logs) and
 * says, vehicle by vehicle, who broke which rule, when, where, by how much
 * and under which regulation.
 *
 * One subcommand per file (cmd_*.c), each a thin layer over the library.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#include "version.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} commands[] = {
    {"analyze", cmd_analyze}, {"decode", cmd_decode}, {"rules", cmd_rules},   {"summary", cmd_summary},
    {"shard", cmd_shard},     {"slurm", cmd_slurm},   {"merge", cmd_merge},   {"ledger", cmd_ledger},
};

static int (*command(const char *name))(int, char **)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return commands[i].run;
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        cli_usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    int (*run)(int, char **) = command(cmd);
    if (run)
        return run(argc - 1, argv + 1);
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("roadlog %s\n", RL_VERSION);
        return 0;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        if (argc <= 2) {
            cli_usage(stdout);
            return 0;
        }
        /* `roadlog help analyze` is `roadlog analyze --help` */
        if (!(run = command(argv[2]))) {
            fprintf(stderr, "roadlog: no command '%s'\n", argv[2]);
            cli_usage(stderr);
            return EXIT_USAGE;
        }
        char *help[] = {argv[2], "--help", NULL};
        return run(2, help);
    }
    fprintf(stderr, "roadlog: unknown command '%s'\n", cmd);
    cli_usage(stderr);
    return EXIT_USAGE;
}
