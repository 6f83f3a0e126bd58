/*
 * fuzz_rules.c - libFuzzer target for the rules file (src/rules.c).
 *
 * The data is a rules file.  Loading it either succeeds or fails with a
 * message naming file:line; a loaded file printed by rules_print (what
 * `roadlog rules` writes) loads again to the same values; a failed load
 * may have set rules up to the bad line, never past it.  Classes too:
 * class_parse on each line.
 */
#include <stdbool.h>

#include "fuzz_common.h"
#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    /* class names: any text, never past its end */
    const char *s = (const char *)data;
    for (size_t i = 0, st = 0; i <= size; i++) {
        if (i == size || s[i] == '\n') {
            vehicle_class c;
            if (class_parse(s + st, i - st, &c))
                FUZZ_CHECK(c < CLASS_COUNT);
            st = i + 1;
        }
    }
    char path[64];
    int fd = fuzz_memfile(data, size, path);
    rl_rules r;
    rules_defaults(&r);
    char err[512] = "";
    bool ok = rules_load(&r, path, err, sizeof err);
    close(fd);
    if (!ok) {
        FUZZ_CHECK(strncmp(err, path, strlen(path)) == 0 && err[strlen(path)] == ':');
        return 0;
    }
    /* print, load the print, print again: the same text */
    char *a = NULL, *b = NULL;
    size_t an = 0, bn = 0;
    FILE *f = open_memstream(&a, &an);
    rules_print(&r, f);
    fclose(f);
    fd = fuzz_memfile(a, an, path);
    rl_rules r2;
    rules_defaults(&r2);
    ok = rules_load(&r2, path, err, sizeof err);
    close(fd);
    if (!ok) {
        fprintf(stderr, "printed rules do not load: %s\n", err);
        FUZZ_CHECK(!"rules_print output is not a valid rules file");
    }
    f = open_memstream(&b, &bn);
    rules_print(&r2, f);
    fclose(f);
    FUZZ_CHECK(an == bn && memcmp(a, b, an) == 0);
    for (int i = 0; i < R_COUNT; i++) {
        char va[64], vb[64];
        rules_format_value(&r, (rule_id)i, va, sizeof va);
        rules_format_value(&r2, (rule_id)i, vb, sizeof vb);
        FUZZ_CHECK(strcmp(va, vb) == 0);
        FUZZ_CHECK(rule_basis(rule_name((rule_id)i), false) != NULL && rule_basis(rule_name((rule_id)i), true) != NULL);
    }
    free(a);
    free(b);
    return 0;
}
