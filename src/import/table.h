/* table: what the spreadsheet readers hand on — one row of text cells at a time. */
#ifndef TECHPOOL_TABLE_H
#define TECHPOOL_TABLE_H

#include <stdbool.h>
#include <stddef.h>

/* One row as the spreadsheet numbers it (the first row is 1). cells[i] is the text of column i
 * (NUL-terminated, lengths[i] bytes, "" when empty); both arrays live until the callback
 * returns. */
struct table_row {
    size_t number;
    size_t count;
    const char *const *cells;
    const size_t *lengths;
};

/* Receives each row in order; returns false to stop reading (the reader then fails with the
 * message that the callback left in its context). */
typedef bool (*table_row_fn)(void *ctx, const struct table_row *row);

/* A row of cells being collected: a reader appends bytes to the current cell, ends cells, and
 * hands the row over. Cells past TABLE_COLUMNS_MAX are refused. */
#define TABLE_COLUMNS_MAX 64

struct table_builder {
    char *text; /* the row's cells, each NUL-terminated, one after another */
    size_t len;
    size_t cap;
    size_t count; /* ended cells */
    size_t starts[TABLE_COLUMNS_MAX];
    size_t lengths[TABLE_COLUMNS_MAX];
    const char *cells[TABLE_COLUMNS_MAX];
};

/* False when out of memory. */
bool table_builder_append(struct table_builder *b, const char *bytes, size_t len);
/* Ends the current cell; false when the row would have more than TABLE_COLUMNS_MAX cells or
 * memory ran out. */
bool table_builder_end_cell(struct table_builder *b);
/* Pads the row with empty cells up to column index (exclusive); false as end_cell. */
bool table_builder_pad(struct table_builder *b, size_t columns);
/* Hands the ended cells over as row number and starts a new row. Returns on_row's answer. */
bool table_builder_emit(struct table_builder *b, size_t number, table_row_fn on_row, void *ctx);
void table_builder_free(struct table_builder *b);

#endif
