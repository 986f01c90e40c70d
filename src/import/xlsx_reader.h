/* xlsx_reader: the first worksheet of an Office Open XML workbook (.xlsx) read into rows, from
 * the package in memory. The package is opened with libzip and its parts are streamed through
 * expat a chunk at a time: the sheet is never held whole, only the shared strings (which cells
 * refer to by number) are kept. Nothing outside the package is read: external relationships are
 * ignored, and a part with a document type declaration (entities) is refused. A zip bomb is
 * refused by the limits below, counted on the bytes actually unpacked, not on what the package
 * declares. Pure: no I/O besides reading the given bytes. */
#ifndef TECHPOOL_XLSX_READER_H
#define TECHPOOL_XLSX_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "import/table.h"

#define XLSX_ENTRIES_MAX 1000                      /* files in the package */
#define XLSX_PART_BYTES_MAX (64u * 1024 * 1024)    /* one unpacked part */
#define XLSX_TOTAL_BYTES_MAX (96u * 1024 * 1024)   /* every part read, together */
#define XLSX_STRINGS_BYTES_MAX (32u * 1024 * 1024) /* the shared strings kept */

/* Reads the first worksheet of the package in the len bytes of data and hands each row that
 * has a cell to on_row, with the sheet's own row number; cells missing before a present one are
 * empty. Shared strings, inline strings and formula results are text as they are; numbers and
 * booleans (1 or 0) are the text of their stored value. Returns false when on_row stopped, or
 * with a message in error (error_size >= 1 bytes) when the data is not such a package, breaks
 * a limit or holds a cell beyond column TABLE_COLUMNS_MAX. */
bool xlsx_read(const void *data, size_t len, table_row_fn on_row, void *ctx, char *error,
               size_t error_size);

#endif
