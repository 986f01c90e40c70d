/* csv: RFC 4180 quoting and the formula-injection guard for one cell. */
#include "domain/csv.h"

#include <stdbool.h>
#include <string.h>

#include "domain/text.h"

/* A spreadsheet skips leading whitespace (and a line break in a quoted cell) before it looks
 * for a formula, so the starters count after any invisible prefix too. */
static bool starts_formula(const char *value, size_t len)
{
    if (len == 0)
        return false;
    if (value[0] == '\t' || value[0] == '\r' || value[0] == '\n')
        return true;
    size_t at = text_invisible_prefix(value, len);
    return at < len && memchr("=+-@", value[at], 4) != NULL;
}

static bool needs_quotes(const char *value, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (value[i] == ',' || value[i] == '"' || value[i] == '\r' || value[i] == '\n')
            return true;
    return false;
}

size_t csv_cell(char *out, size_t cap, const char *value, size_t len)
{
    bool guard = starts_formula(value, len);
    bool quote = needs_quotes(value, len);
    size_t size = len + (guard ? 1 : 0) + (quote ? 2 : 0);
    for (size_t i = 0; quote && i < len; i++)
        if (value[i] == '"')
            size++;
    if (size > cap)
        return size;
    size_t at = 0;
    if (quote)
        out[at++] = '"';
    if (guard)
        out[at++] = '\'';
    for (size_t i = 0; i < len; i++) {
        if (value[i] == '"')
            out[at++] = '"';
        out[at++] = value[i];
    }
    if (quote)
        out[at++] = '"';
    return at;
}
