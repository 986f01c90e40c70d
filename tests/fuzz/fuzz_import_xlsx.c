/* fuzz_import_xlsx: any bytes as an imported .xlsx package — libzip, the workbook, relationship,
 * shared-string and sheet parts through expat, and the rows' checks — must end in rows or a
 * problem, never in a crash, a leak or a read out of bounds. Seeds are small real workbooks. */
#include <stdint.h>
#include <stdlib.h>

#include "api/import_rows.h"
#include "import/xlsx_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct import_rows *rows = import_rows_new();
    if (rows == NULL)
        return 0;
    char error[256];
    if (!xlsx_read(data, size, import_rows_add, rows, error, sizeof error) && error[0] != '\0')
        import_rows_fail(rows, error);
    if (import_rows_count(rows) > IMPORT_ROWS_MAX)
        abort();
    (void)import_rows_json(rows);
    (void)import_rows_errors(rows);
    import_rows_free(rows);
    return 0;
}
