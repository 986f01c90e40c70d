/* import_template: the files an institution fills in for a bulk import — a workbook (Chinese
 * headers with the field names beneath, one example row, drop-down lists for the enums, and a
 * second sheet that explains each column) and the same as CSV (UTF-8 with a byte-order mark, so
 * that Excel keeps the Chinese). Both are made from IMPORT_COLUMNS, the table the import reads. */
#include "api/achievements_import.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "api/api.h"
#include "api/import_rows.h"
#include "domain/csv.h"
#include "domain/vocabulary.h"

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define ENUM_LABELS_MAX 16
#define TEMPLATE_BYTES_MAX (1024 * 1024)
/* Rows that the drop-down lists cover: the most an import takes, below two header rows. */
#define VALIDATED_ROWS IMPORT_ROWS_MAX

static void attachment(struct reply *rep, const char *extension)
{
    char value[96];
    snprintf(value, sizeof value, "attachment; filename=\"achievements-import-template.%s\"",
             extension);
    reply_header_add(rep, "Content-Disposition", value);
}

/* ---------------------------------------------------------------------------------------------
 * CSV */

static bool csv_append(char *out, size_t cap, size_t *len, const char *value, bool last)
{
    size_t need = csv_cell(NULL, 0, value, strlen(value));
    if (*len + need + 2 > cap)
        return false;
    *len += csv_cell(out + *len, cap - *len, value, strlen(value));
    memcpy(out + *len, last ? "\r\n" : ",", last ? 2 : 1);
    *len += last ? 2 : 1;
    return true;
}

void import_template_csv(struct request *req, struct reply *rep)
{
    (void)req;
    size_t cap = 16 * 1024;
    char *out = malloc(cap);
    if (out == NULL) {
        reply_error(rep, ERR_INTERNAL, "out of memory");
        return;
    }
    memcpy(out, "\xEF\xBB\xBF", 3);
    size_t len = 3;
    bool ok = true;
    for (int line = 0; line < 3 && ok; line++)
        for (size_t c = 0; c < IMPORT_COLUMN_COUNT && ok; c++) {
            const struct import_column *column = &IMPORT_COLUMNS[c];
            const char *value = line == 0 ? column->zh : line == 1 ? column->name : column->example;
            ok = csv_append(out, cap, &len, value, c + 1 == IMPORT_COLUMN_COUNT);
        }
    if (!ok) {
        free(out);
        reply_error(rep, ERR_INTERNAL, "the template does not fit");
        return;
    }
    reply_body_steal(rep, 200, "text/csv; charset=utf-8", out, len);
    attachment(rep, "csv");
}

/* ---------------------------------------------------------------------------------------------
 * Workbook */

struct template_formats {
    lxw_format *heading;
    lxw_format *field_name;
    lxw_format *wrap;
};

/* A drop-down list of an enum column's Chinese labels (or 是/否) over the data rows. */
static lxw_error column_validation(lxw_worksheet *sheet, lxw_col_t col,
                                   const struct import_column *column)
{
    const char *labels[ENUM_LABELS_MAX + 1] = { NULL };
    if (column->kind == CELL_BOOL) {
        labels[0] = "是";
        labels[1] = "否";
    } else if (column->kind == CELL_ENUM) {
        const struct vocabulary *vocabulary = vocabulary_find(column->labels);
        for (size_t i = 0; vocabulary != NULL && i < vocabulary->count && i < ENUM_LABELS_MAX; i++)
            labels[i] = vocabulary->terms[i].zh;
    } else {
        return LXW_NO_ERROR;
    }
    lxw_data_validation validation = {
        .validate = LXW_VALIDATION_TYPE_LIST,
        .value_list = (char **)labels,
        .ignore_blank = LXW_VALIDATION_ON,
        .show_error = LXW_VALIDATION_ON,
        .error_title = "请从列表中选择 Choose from the list",
        .error_message = "请选择列表中的一项。Pick one of the listed values.",
    };
    return worksheet_data_validation_range(sheet, 2, col, 1 + VALIDATED_ROWS, col, &validation);
}

static lxw_error sheet_rows_write(lxw_worksheet *sheet, const struct template_formats *formats)
{
    worksheet_freeze_panes(sheet, 2, 0);
    lxw_error err = LXW_NO_ERROR;
    for (lxw_col_t c = 0; err == LXW_NO_ERROR && c < IMPORT_COLUMN_COUNT; c++) {
        const struct import_column *column = &IMPORT_COLUMNS[c];
        err = worksheet_set_column(sheet, c, c, column->kind == CELL_TEXT ? 28 : 18, NULL);
        if (err == LXW_NO_ERROR)
            err = worksheet_write_string(sheet, 0, c, column->zh, formats->heading);
        if (err == LXW_NO_ERROR)
            err = worksheet_write_string(sheet, 1, c, column->name, formats->field_name);
        if (err == LXW_NO_ERROR && column->kind == CELL_INT)
            err = worksheet_write_number(sheet, 2, c, strtod(column->example, NULL), NULL);
        else if (err == LXW_NO_ERROR)
            err = worksheet_write_string(sheet, 2, c, column->example, NULL);
        if (err == LXW_NO_ERROR)
            err = column_validation(sheet, c, column);
    }
    return err;
}

static lxw_error sheet_help_write(lxw_worksheet *sheet, const struct template_formats *formats)
{
    static const char *const HEADINGS[] = { "列名", "Field", "必填 Required", "说明",
                                            "Description" };
    static const double WIDTHS[] = { 20, 20, 14, 50, 60 };
    lxw_error err = LXW_NO_ERROR;
    for (lxw_col_t c = 0; err == LXW_NO_ERROR && c < 5; c++) {
        err = worksheet_set_column(sheet, c, c, WIDTHS[c], formats->wrap);
        if (err == LXW_NO_ERROR)
            err = worksheet_write_string(sheet, 0, c, HEADINGS[c], formats->heading);
    }
    for (size_t i = 0; err == LXW_NO_ERROR && i < IMPORT_COLUMN_COUNT; i++) {
        const struct import_column *column = &IMPORT_COLUMNS[i];
        const char *cells[] = { column->zh, column->name, column->required ? "是 yes" : "否 no",
                                column->help_zh, column->help_en };
        for (lxw_col_t c = 0; err == LXW_NO_ERROR && c < 5; c++)
            err = worksheet_write_string(sheet, (lxw_row_t)(i + 1), c, cells[c], NULL);
    }
    lxw_row_t row = (lxw_row_t)IMPORT_COLUMN_COUNT + 2;
    if (err == LXW_NO_ERROR)
        err = worksheet_write_string(
            sheet, row, 0,
            "第 1 行为中文列名，第 2 行为字段名，第 3 行为示例：导入前请删除示例行。"
            "也可另存为 CSV（UTF-8 或 GB18030）导入。每个文件至多 5000 行、10 MiB。",
            NULL);
    if (err == LXW_NO_ERROR)
        err =
            worksheet_write_string(sheet, row + 1, 0,
                                   "Row 1: Chinese headers; row 2: field names; row 3: an example "
                                   "(delete it before importing). CSV in UTF-8 or GB18030 works "
                                   "too. At most 5,000 rows and 10 MiB per file.",
                                   NULL);
    return err;
}

/* Writes the template to path; false when libxlsxwriter failed. */
static bool template_write(const char *path)
{
    lxw_workbook *book = workbook_new(path);
    if (book == NULL)
        return false;
    struct template_formats formats = { workbook_add_format(book), workbook_add_format(book),
                                        workbook_add_format(book) };
    lxw_worksheet *rows = workbook_add_worksheet(book, "成果 Achievements");
    lxw_worksheet *help = workbook_add_worksheet(book, "说明 Columns");
    lxw_error err = LXW_ERROR_MEMORY_MALLOC_FAILED;
    if (rows != NULL && help != NULL && formats.heading != NULL && formats.field_name != NULL &&
        formats.wrap != NULL) {
        format_set_bold(formats.heading);
        format_set_italic(formats.field_name);
        format_set_font_color(formats.field_name, LXW_COLOR_GRAY);
        format_set_text_wrap(formats.wrap);
        err = sheet_rows_write(rows, &formats);
        if (err == LXW_NO_ERROR)
            err = sheet_help_write(help, &formats);
    }
    /* closing also frees the workbook, whatever happened before */
    lxw_error closed = workbook_close(book);
    return err == LXW_NO_ERROR && closed == LXW_NO_ERROR;
}

/* The whole file at path into memory (a template is tens of kilobytes); NULL on failure. */
static char *file_slurp(const char *path, size_t *len)
{
    char *data = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) != 0 || st.st_size <= 0 || st.st_size > TEMPLATE_BYTES_MAX)
        goto cleanup;
    data = malloc((size_t)st.st_size);
    size_t got = 0;
    while (data != NULL && got < (size_t)st.st_size) {
        ssize_t n = read(fd, data + got, (size_t)st.st_size - got);
        if (n <= 0) {
            free(data);
            data = NULL;
            break;
        }
        got += (size_t)n;
    }
    *len = got;
cleanup:
    close(fd);
    return data;
}

void import_template_xlsx(struct request *req, struct reply *rep)
{
    (void)req;
    const char *env_tmpdir = getenv("TMPDIR");
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/techpool-template-XXXXXX",
             env_tmpdir != NULL && env_tmpdir[0] != '\0' ? env_tmpdir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        reply_error(rep, ERR_INTERNAL, "could not create the template file");
        return;
    }
    close(fd);
    size_t len = 0;
    char *data = template_write(path) ? file_slurp(path, &len) : NULL;
    unlink(path);
    if (data == NULL) {
        reply_error(rep, ERR_INTERNAL, "could not write the template");
        return;
    }
    reply_body_steal(rep, 200, XLSX_TYPE, data, len);
    attachment(rep, "xlsx");
}
