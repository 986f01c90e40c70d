/* csv: one RFC 4180 cell, guarded so that a spreadsheet never runs it as a formula. */
#ifndef TECHPOOL_CSV_H
#define TECHPOOL_CSV_H

#include <stddef.h>

/* Writes value (len bytes, UTF-8) as one CSV cell into out when the cell fits in cap bytes,
 * and returns the number of bytes the cell takes either way (call again with a larger buffer
 * when that exceeds cap; out may be NULL with cap 0 to measure). A value that begins with tab,
 * CR or LF, or with =, +, - or @ after any whitespace and invisible characters (text.h), gets a
 * leading apostrophe; a cell that holds a comma, a double quote, CR or LF is enclosed in double
 * quotes with its quotes doubled. Nothing else changes, and no NUL is written. */
size_t csv_cell(char *out, size_t cap, const char *value, size_t len);

#endif
