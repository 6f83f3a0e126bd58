/*
 * rejects.c - the reject path every command shares (see rejects.h): a bad
 * record is counted on the run and on its input, written to rejects.csv
 * with its source, the reason and an excerpt, and under --strict stops
 * the run.
 */
#include "rejects.h"

#include <stdio.h>

#include "csvout.h"
#include "plate.h"

bool run_open_rejects(rl_run *run, const char *path)
{
    run->rejects = csvw_open(path, run->opt.excel_csv);
    if (!run->rejects)
        return false;
    fputs("source,file,line,offset,reason,excerpt\n", run->rejects);
    return true;
}

bool run_reject(rl_run *run, rl_origin where, const char *reason, const void *raw, size_t raw_len)
{
    run->rejected++;
    unsigned fi = RL_ORIGIN_FILE(where);
    if (fi < run->ninputs)
        run->inputs[fi].rejected++;
    char src[512];
    run_format_origin(run, where, src, sizeof src);
    if (run->rejects) {
        csvw w;
        csvw_init(&w, run->rejects);
        csvw_text(&w, src);
        csvw_text(&w, fi < run->ninputs ? run->inputs[fi].name : "");
        bool line = fi < run->ninputs && run->inputs[fi].loc == RL_LOC_LINE;
        if (line) {
            csvw_int(&w, (int64_t)RL_ORIGIN_POS(where));
            csvw_empty(&w);
        } else {
            csvw_empty(&w);
            csvw_int(&w, (int64_t)RL_ORIGIN_POS(where));
        }
        csvw_str(&w, reason);
        /* An excerpt of the record: printable text only, at most 200
         * bytes, so a binary line cannot break the file; binary records
         * (frames) in hex. */
        char ex[256];
        size_t k = 0;
        if (!line && raw && raw_len) {
            static const char hx[] = "0123456789abcdef";
            const unsigned char *b = raw;
            for (size_t i = 0; i < raw_len && k + 3 < sizeof ex && i < 64; i++) {
                ex[k++] = hx[b[i] >> 4];
                ex[k++] = hx[b[i] & 15];
            }
            raw_len = 0; /* done */
        }
        const unsigned char *p = raw;
        size_t take = raw_len < 200 ? raw_len : 200;
        bool utf8 = p && take && utf8_valid(raw, take);
        for (size_t i = 0; p && i < take; i++) {
            unsigned char c = p[i];
            ex[k++] = (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8)) ? '?' : (char)c;
        }
        /* do not end inside a UTF-8 sequence cut at 200 bytes */
        while (utf8 && k > 0 && !utf8_valid(ex, k))
            k--;
        ex[k] = 0;
        csvw_textn(&w, ex, k);
        csvw_end(&w);
    } else if (!run->opt.quiet && !run->opt.strict) {
        if (run->rejects_printed < 20)
            fprintf(stderr, "roadlog: %s: rejected: %s\n", src, reason);
        else if (run->rejects_printed == 20)
            fprintf(stderr, "roadlog: more rejected records follow; not shown\n");
        run->rejects_printed++;
    }
    if (run->opt.strict) {
        fprintf(stderr, "roadlog: %s: %s (stopping: --strict)\n", src, reason);
        run->stop = true;
        return false;
    }
    return true;
}

bool run_sink_reject(void *ud, rl_origin where, const char *reason, const void *raw, size_t raw_len)
{
    return run_reject(ud, where, reason, raw, raw_len);
}

