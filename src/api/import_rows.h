/* import_rows: the rows of an imported spreadsheet as achievements — the header names the
 * columns (in Chinese or as the English field names), each cell is read as its field's kind
 * (enums by value or by their label in GET /api/v1/meta, lists split at ; or ；), and each row is
 * checked with the rules of POST /api/v1/achievements (ACHIEVEMENT_CREATE_SPECS). Every problem
 * is kept with its row and column; valid rows become the JSON array that the import function of
 * the database takes. */
#ifndef TECHPOOL_IMPORT_ROWS_H
#define TECHPOOL_IMPORT_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "import/table.h"

#define IMPORT_ROWS_MAX 5000

enum import_cell { CELL_TEXT, CELL_INT, CELL_BOOL, CELL_ENUM, CELL_LIST };

/* The columns of an import file, in the templates' order (import_columns.c). */
struct import_column {
    const char *name; /* the field's name (the English header) */
    const char *zh;   /* the Chinese header */
    enum import_cell kind;
    const char *labels; /* CELL_ENUM: its enum in the vocabulary (its GET /api/v1/meta key) */
    bool required;
    const char *example; /* the template's example row */
    const char *help_zh; /* the template's explanation of the column */
    const char *help_en;
};

extern const struct import_column IMPORT_COLUMNS[];
extern const size_t IMPORT_COLUMN_COUNT;

struct import_rows;

struct import_rows *import_rows_new(void);
void import_rows_free(struct import_rows *rows);
/* A table_row_fn: reads the header (the first row with a cell), then each row. Returns false to
 * stop the reader when the header is unusable or the file has more than IMPORT_ROWS_MAX rows
 * (the problem is among the errors). */
bool import_rows_add(void *rows, const struct table_row *row);
/* After the reader has failed: records its problem, one of the file as a whole. */
void import_rows_fail(struct import_rows *rows, const char *message);

/* The data rows read, and the problems found: [{"row", "column", "message", "value"?}]
 * (borrowed; value: the cell as read, cut to 60 characters; row and column null for a problem
 * of the whole file; a last problem says how many were left out when
 * there were more than the list keeps). */
size_t import_rows_count(const struct import_rows *rows);
const json_t *import_rows_errors(struct import_rows *rows);
/* The valid rows as a JSON array text, for the database (borrowed; valid while rows lives), once
 * reading is over: rows added later are refused. NULL when a header was never read or memory
 * ran out. */
const char *import_rows_json(struct import_rows *rows);

#endif
