/*
 * cmd_rules.c - `roadlog rules`: every rule id with the value in force
 * (the default, or what --rules FILE set) and its basis, in the syntax a
 * rules file takes, so `roadlog rules > my.rules` is a starting point.
 */
#include "cli.h"

int cmd_rules(int argc, char **argv)
{
    rl_run run;
    run_init(&run);
    char **args;
    int nargs;
    int rc = cli_parse(&run, "rules", argc, argv, &args, &nargs);
    if (!rc && nargs > 0) {
        fprintf(stderr, "roadlog rules: takes no arguments (did you mean --rules %s?)\n", args[0]);
        rc = EXIT_USAGE;
    }
    if (!rc)
        rules_print(&run.rules, stdout);
    run_free(&run);
    return rc;
}
