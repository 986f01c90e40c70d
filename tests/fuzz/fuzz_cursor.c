/* fuzz_cursor: any text as a cursor is refused or decodes to a printable position; a printable
 * position always survives the round trip. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/cursor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool keyed;
    if (!keyed) {
        unsigned char key[CURSOR_KEY_BYTES];
        memset(key, 7, sizeof key);
        cursor_set_key(key);
        keyed = true;
    }
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char position[CURSOR_MAX_TEXT];
    if (cursor_decode("fuzz", text, position, sizeof position))
        for (const char *p = position; *p != '\0'; p++)
            if (*p < 0x20 || *p > 0x7E)
                abort();
    char cursor[CURSOR_MAX_TEXT];
    if (cursor_encode("fuzz", text, cursor, sizeof cursor)) {
        if (!cursor_decode("fuzz", cursor, position, sizeof position) ||
            strcmp(position, text) != 0)
            abort();
        if (cursor_decode("other", cursor, position, sizeof position))
            abort();
    }
    free(text);
    return 0;
}
