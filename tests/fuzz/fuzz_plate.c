/*
 * fuzz_plate.c - libFuzzer target for plate normalisation and plate
 * colours (src/plate.c), FORMATS.md "Vehicles".
 *
 * A normalised plate is never empty, at most RL_PLATE_MAX bytes, has no
 * control character, space, '-' or lower-case Latin letter, and is valid
 * UTF-8 when the input was; normalising it again changes nothing (so the
 * registry and the GPS rows, each normalised once, meet on the same key).
 * A colour that parses is one of the JT/T 415 codes.  The UTF-8 helpers
 * agree with each other.
 */
#include <stdbool.h>

#include "csvout.h"
#include "fuzz_common.h"
#include "plate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    char out[RL_PLATE_MAX + 1];
    size_t n = 0;
    const char *why = plate_normalize(s, size, out, &n);
    if (why) {
        FUZZ_CHECK(*why);
    } else {
        FUZZ_CHECK(n >= 1 && n <= RL_PLATE_MAX && out[n] == 0);
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)out[i];
            FUZZ_CHECK(c >= 0x20 && c != 0x7F && c != ' ' && c != '-' && !(c >= 'a' && c <= 'z'));
        }
        if (utf8_valid(s, size)) {
            FUZZ_CHECK(utf8_valid(out, n));
            char again[RL_PLATE_MAX + 1];
            size_t m = 0;
            FUZZ_CHECK(plate_normalize(out, n, again, &m) == NULL);
            if (m != n || memcmp(again, out, n) != 0) {
                fprintf(stderr, "'%.*s' -> '%s' -> '%s'\n", (int)size, s, out, again);
                FUZZ_CHECK(!"normalising a normalised plate changed it");
            }
        }
    }
    int color = -1;
    if (plate_color_parse(s, size, &color))
        FUZZ_CHECK(color >= 0 && (color <= 5 || color == 9));

    /* utf8_valid against utf8_seq, and utf8_cut never cuts a character */
    const unsigned char *p = data, *e = data + size;
    bool all = true;
    while (p < e) {
        size_t k = utf8_seq(p, e);
        if (!k) {
            all = false;
            break;
        }
        p += k;
    }
    FUZZ_CHECK(all == utf8_valid(s, size));
    for (size_t max = 0; max <= size && max < 64; max += 5) {
        size_t k = utf8_cut(s, size, max);
        FUZZ_CHECK(k <= max || (k == size && size <= max));
        if (all)
            FUZZ_CHECK(utf8_valid(s, k));
    }
    return 0;
}
