/* csv_reader: a one-pass RFC 4180 reader over text in memory (see csv_reader.h). */
#include "import/csv_reader.h"

#include <stdio.h>
#include <string.h>

enum csv_state { CELL_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED };

static bool fail(char *error, size_t error_size, const char *message, size_t row)
{
    snprintf(error, error_size, "row %zu: %s", row, message);
    return false;
}

bool csv_read(const char *text, size_t len, table_row_fn on_row, void *ctx, char *error,
              size_t error_size)
{
    struct table_builder b = { 0 };
    enum csv_state state = CELL_START;
    size_t row = 1;
    size_t quote_row = 1;
    bool ok = true;
    bool row_has_content = false;
    bool stopped = false;
    error[0] = '\0';
    size_t i = 0;
    while (ok && i < len) {
        char c = text[i];
        if (state == QUOTED) {
            /* copy the run up to the next quote at once */
            const char *quote = memchr(text + i, '"', len - i);
            size_t run = quote != NULL ? (size_t)(quote - (text + i)) : len - i;
            ok = table_builder_append(&b, text + i, run);
            i += run;
            if (quote != NULL) {
                state = QUOTE_IN_QUOTED;
                i++;
            }
            continue;
        }
        if (c == '"' && state == QUOTE_IN_QUOTED) {
            ok = table_builder_append(&b, "\"", 1);
            state = QUOTED;
            i++;
            continue;
        }
        if (c == '"' && state == CELL_START) {
            state = QUOTED;
            quote_row = row;
            row_has_content = true;
            i++;
            continue;
        }
        if (c == ',') {
            ok = table_builder_end_cell(&b);
            state = CELL_START;
            row_has_content = true;
            i++;
            continue;
        }
        if (c == '\r' || c == '\n') {
            ok = table_builder_end_cell(&b);
            stopped = ok && !table_builder_emit(&b, row, on_row, ctx);
            ok = ok && !stopped;
            row++;
            state = CELL_START;
            row_has_content = false;
            i += c == '\r' && i + 1 < len && text[i + 1] == '\n' ? 2 : 1;
            continue;
        }
        /* ordinary text (a quote inside it is text); after a closing quote it joins the cell */
        size_t run = 1;
        while (i + run < len && !strchr(",\r\n\"", text[i + run]) && text[i + run] != '\0')
            run++;
        ok = table_builder_append(&b, text + i, run);
        state = UNQUOTED;
        row_has_content = true;
        i += run;
    }
    if (ok && state == QUOTED)
        ok = fail(error, error_size, "a quoted cell is never closed", quote_row);
    else if (ok && row_has_content) {
        ok = table_builder_end_cell(&b);
        stopped = ok && !table_builder_emit(&b, row, on_row, ctx);
        ok = ok && !stopped;
    }
    if (!ok && !stopped && error[0] == '\0')
        fail(error, error_size,
             b.count >= TABLE_COLUMNS_MAX ? "more than 64 columns" : "out of memory", row);
    table_builder_free(&b);
    return ok;
}
