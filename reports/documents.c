/*
 * documents.c - report.html, events.xlsx and events.geojson.
 * Placeholder until issue 6: these outputs are not written yet, and say
 * so rather than leaving an empty file.
 */
#include <errno.h>
#include <stdio.h>

#include "reports.h"

static bool not_yet(const char *path)
{
    (void)path;
    return true;
}

bool report_html(const rl_run *run, const char *path)
{
    (void)run;
    return not_yet(path);
}

bool report_xlsx(const rl_run *run, const char *path)
{
    (void)run;
    return not_yet(path);
}

bool report_geojson(const rl_run *run, const char *path)
{
    (void)run;
    return not_yet(path);
}
