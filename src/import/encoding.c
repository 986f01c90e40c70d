/* encoding: detection by well-formed UTF-8, conversion from GB18030 with iconv (see encoding.h). */
#include "import/encoding.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/utf8.h"

static const char BOM[] = "\xEF\xBB\xBF";
#define BOM_LEN 3

enum text_encoding text_encoding_detect(const char *bytes, size_t len)
{
    if (len >= BOM_LEN && memcmp(bytes, BOM, BOM_LEN) == 0 &&
        utf8_valid(bytes + BOM_LEN, len - BOM_LEN))
        return TEXT_UTF8_BOM;
    return utf8_valid(bytes, len) ? TEXT_UTF8 : TEXT_GB18030;
}

/* A GB18030 sequence of 1, 2 or 4 bytes becomes at most 1, 3 or 4 bytes of UTF-8: one and a
 * half times the input always suffices. */
static bool gb18030_to_utf8(const char *bytes, size_t len, char **out, size_t *out_len, char *error,
                            size_t error_size)
{
    bool ok = false;
    char *buffer = NULL;
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1) {
        snprintf(error, error_size, "GB18030 is not available for conversion");
        return false;
    }
    size_t cap = len + len / 2 + 2;
    buffer = malloc(cap);
    if (buffer == NULL) {
        snprintf(error, error_size, "out of memory");
        goto cleanup;
    }
    char *in = (char *)bytes;
    size_t in_left = len;
    char *next = buffer;
    size_t out_left = cap - 1;
    if (iconv(cd, &in, &in_left, &next, &out_left) == (size_t)-1) {
        snprintf(error, error_size,
                 "the file is neither UTF-8 nor GB18030 text (byte %zu cannot be read%s)",
                 (size_t)(in - bytes) + 1, errno == EINVAL ? ": the file ends mid-character" : "");
        goto cleanup;
    }
    *next = '\0';
    *out_len = (size_t)(next - buffer);
    *out = buffer;
    buffer = NULL;
    ok = true;
cleanup:
    free(buffer);
    iconv_close(cd);
    return ok;
}

bool text_as_utf8(const char *bytes, size_t len, const char **text, size_t *text_len, char **owned,
                  char *error, size_t error_size)
{
    *owned = NULL;
    switch (text_encoding_detect(bytes, len)) {
    case TEXT_UTF8_BOM:
        *text = bytes + BOM_LEN;
        *text_len = len - BOM_LEN;
        return true;
    case TEXT_UTF8:
        *text = bytes;
        *text_len = len;
        return true;
    case TEXT_GB18030:
    default:
        if (!gb18030_to_utf8(bytes, len, owned, text_len, error, error_size))
            return false;
        *text = *owned;
        return true;
    }
}
