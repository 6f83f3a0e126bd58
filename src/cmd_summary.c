/*
 * cmd_summary.c - `roadlog summary`: the period summary over earlier
 * outputs (issue 6).  Until it lands it says so plainly.
 */
#include "cli.h"

int cmd_summary(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "roadlog summary: not available yet in this version\n");
    return EXIT_USAGE;
}
