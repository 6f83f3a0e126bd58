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

int main(int argc, char **argv)
{
    if (argc < 2) {
        cli_usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "analyze") == 0)
        return cmd_analyze(argc - 1, argv + 1);
    if (strcmp(cmd, "decode") == 0)
        return cmd_decode(argc - 1, argv + 1);
    if (strcmp(cmd, "rules") == 0)
        return cmd_rules(argc - 1, argv + 1);
    if (strcmp(cmd, "summary") == 0)
        return cmd_summary(argc - 1, argv + 1);
    if (strcmp(cmd, "shard") == 0)
        return cmd_shard(argc - 1, argv + 1);
    if (strcmp(cmd, "slurm") == 0)
        return cmd_slurm(argc - 1, argv + 1);
    if (strcmp(cmd, "merge") == 0)
        return cmd_merge(argc - 1, argv + 1);
    if (strcmp(cmd, "ledger") == 0)
        return cmd_ledger(argc - 1, argv + 1);
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("roadlog %s\n", RL_VERSION);
        return 0;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        /* `roadlog help analyze` as `roadlog analyze --help` */
        /* commands with a help of their own */
        if (argc > 2 && (strcmp(argv[2], "ledger") == 0 || strcmp(argv[2], "shard") == 0 ||
                         strcmp(argv[2], "slurm") == 0)) {
            char *help[] = {argv[2], "--help", NULL};
            return strcmp(argv[2], "ledger") == 0  ? cmd_ledger(2, help)
                   : strcmp(argv[2], "shard") == 0 ? cmd_shard(2, help)
                                                   : cmd_slurm(2, help);
        }
        if (argc > 2 && !cli_help(stdout, argv[2])) {
            fprintf(stderr, "roadlog: no command '%s'\n", argv[2]);
            cli_usage(stderr);
            return EXIT_USAGE;
        }
        if (argc <= 2)
            cli_usage(stdout);
        return 0;
    }
    fprintf(stderr, "roadlog: unknown command '%s'\n", cmd);
    cli_usage(stderr);
    return EXIT_USAGE;
}
