/* encoding: which encoding a CSV file arrived in, and its text as UTF-8. Spreadsheets on Chinese
 * Windows save CSV in GB18030 (a superset of GBK) without a byte-order mark; WPS and LibreOffice
 * save UTF-8, often with one. Well-formed UTF-8 is the cheap test that tells them apart: GB18030
 * text of any length is almost never valid UTF-8. */
#ifndef TECHPOOL_ENCODING_H
#define TECHPOOL_ENCODING_H

#include <stdbool.h>
#include <stddef.h>

enum text_encoding {
    TEXT_UTF8,     /* well-formed UTF-8 without a byte-order mark (ASCII included) */
    TEXT_UTF8_BOM, /* the same after EF BB BF */
    TEXT_GB18030,  /* anything else: read as GB18030 */
};

enum text_encoding text_encoding_detect(const char *bytes, size_t len);

/* The text of bytes as UTF-8 without a byte-order mark: *text points into bytes (nothing
 * allocated, *owned NULL) when it already is UTF-8, else at a converted copy that *owned holds
 * for the caller to free. False when GB18030 bytes do not convert (a byte sequence that is not
 * GB18030) or memory ran out; the message is then in error. */
bool text_as_utf8(const char *bytes, size_t len, const char **text, size_t *text_len, char **owned,
                  char *error, size_t error_size);

#endif
