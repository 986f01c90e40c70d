/* fuzz_import_csv: any bytes as an imported CSV file — encoding detection and conversion, the
 * RFC 4180 reader and the rows' checks — must end in rows or problems, never in a crash, a leak
 * or a read out of bounds; every row handed on has cells within its length. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/import_rows.h"
#include "import/csv_reader.h"
#include "import/encoding.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct import_rows *rows = import_rows_new();
    if (rows == NULL)
        return 0;
    const char *text;
    size_t len;
    char *owned = NULL;
    char error[256];
    if (text_as_utf8((const char *)data, size, &text, &len, &owned, error, sizeof error) &&
        !csv_read(text, len, import_rows_add, rows, error, sizeof error) && error[0] != '\0')
        import_rows_fail(rows, error);
    if (import_rows_count(rows) > IMPORT_ROWS_MAX)
        abort();
    (void)import_rows_json(rows);
    (void)import_rows_errors(rows);
    free(owned);
    import_rows_free(rows);
    return 0;
}
