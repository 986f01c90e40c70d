/* csv_reader: RFC 4180 text (comma separated, double-quoted cells with doubled quotes inside,
 * line breaks inside quotes kept, CRLF, LF or CR between records) read into rows. Pure: no I/O. */
#ifndef TECHPOOL_CSV_READER_H
#define TECHPOOL_CSV_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "import/table.h"

/* Reads the len bytes of text (UTF-8, without a byte-order mark) and hands each record to
 * on_row, numbered from 1 as a spreadsheet numbers rows (a line break inside quotes does not
 * start a row). A quote after the start of an unquoted cell is kept as text, and text after a
 * closing quote joins the cell, as spreadsheets read them. Returns false when on_row stopped,
 * or with a message in error (error_size bytes) when a quoted cell is never closed, a record
 * has more than TABLE_COLUMNS_MAX cells, or memory ran out. */
bool csv_read(const char *text, size_t len, table_row_fn on_row, void *ctx, char *error,
              size_t error_size);

#endif
