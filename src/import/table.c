/* table: collects the cells of one row for the spreadsheet readers (see table.h). */
#include "import/table.h"

#include <stdlib.h>
#include <string.h>

bool table_builder_append(struct table_builder *b, const char *bytes, size_t len)
{
    if (b->len + len + 1 > b->cap) {
        size_t cap = b->cap > 0 ? b->cap : 1024;
        while (cap < b->len + len + 1)
            cap *= 2;
        char *grown = realloc(b->text, cap);
        if (grown == NULL)
            return false;
        b->text = grown;
        b->cap = cap;
    }
    memcpy(b->text + b->len, bytes, len);
    b->len += len;
    return true;
}

bool table_builder_end_cell(struct table_builder *b)
{
    if (b->count >= TABLE_COLUMNS_MAX || !table_builder_append(b, "", 1))
        return false;
    size_t start = b->count > 0 ? b->starts[b->count - 1] + b->lengths[b->count - 1] + 1 : 0;
    b->starts[b->count] = start;
    b->lengths[b->count] = b->len - 1 - start;
    b->count++;
    return true;
}

bool table_builder_pad(struct table_builder *b, size_t columns)
{
    while (b->count < columns)
        if (!table_builder_end_cell(b))
            return false;
    return true;
}

bool table_builder_emit(struct table_builder *b, size_t number, table_row_fn on_row, void *ctx)
{
    /* the text may have moved while it grew: point at the cells only now */
    for (size_t i = 0; i < b->count; i++)
        b->cells[i] = b->text + b->starts[i];
    struct table_row row = {
        .number = number, .count = b->count, .cells = b->cells, .lengths = b->lengths
    };
    bool go_on = on_row(ctx, &row);
    b->len = 0;
    b->count = 0;
    return go_on;
}

void table_builder_free(struct table_builder *b)
{
    free(b->text);
    b->text = NULL;
    b->len = b->cap = b->count = 0;
}
