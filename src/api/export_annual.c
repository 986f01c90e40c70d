/* export_annual: the annual report workbook. api_annual_report (0029_annual_report.sql) gives
 * one row per institution the caller may see, ordered by province; the workbook has a sheet per
 * province in those rows (上海, 江苏, 浙江, 安徽) and a total sheet (合计), each with Chinese
 * headings, one row per institution and a total row. A few hundred rows: built on a deferred job
 * like the other workbooks, so a worker never waits for the database's figures. */
#include "api/export_annual.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "api/dbcall.h"
#include "api/stats.h"
#include "api/workbook_file.h"
#include "db/dedicated.h"
#include "domain/vocabulary.h"

static const char REPORT_SQL[] = "SELECT * FROM api_annual_report($1::bigint, $2::integer)";

/* The report's columns after province and institution id (0, 1): heading, width, and whether
 * the figure is money (fen, shown in yuan). */
static const struct {
    const char *heading;
    double width;
    bool money;
} COLUMNS[] = {
    { "机构名称", 36, false },          { "试用转化许可数", 14, false },
    { "开放许可数", 12, false },        { "许可合同金额（元）", 20, true },
    { "当年到账金额（元）", 20, true }, { "技术合同登记数", 14, false },
    { "登记合同金额（元）", 20, true }, { "开始试用数", 12, false },
    { "退回试用数", 12, false },        { "转化许可的试用数", 16, false },
};
#define COLUMN_COUNT (sizeof COLUMNS / sizeof COLUMNS[0])
#define FIRST_FIELD 2 /* the columns above are the result's fields from 2 on */

struct annual_job {
    char actor[24];
    char year[8];
};

struct sheet_formats {
    lxw_format *heading;
    lxw_format *money;
    lxw_format *total;
    lxw_format *total_money;
};

static bool formats_add(lxw_workbook *book, struct sheet_formats *f)
{
    f->heading = workbook_add_format(book);
    f->money = workbook_add_format(book);
    f->total = workbook_add_format(book);
    f->total_money = workbook_add_format(book);
    if (f->heading == NULL || f->money == NULL || f->total == NULL || f->total_money == NULL)
        return false;
    format_set_bold(f->heading);
    format_set_text_wrap(f->heading);
    format_set_num_format(f->money, "#,##0.00");
    format_set_bold(f->total);
    format_set_bold(f->total_money);
    format_set_num_format(f->total_money, "#,##0.00");
    return true;
}

/* One sheet: the headings, the rows of res whose province is province (NULL: every row), and
 * their total. */
static lxw_error sheet_write(lxw_worksheet *sheet, const struct sheet_formats *f,
                             const PGresult *res, const char *province, const char *year)
{
    char title[64];
    snprintf(title, sizeof title, "%s 年度科技成果转化情况", year);
    lxw_error err = worksheet_write_string(sheet, 0, 0, title, f->heading);
    for (lxw_col_t c = 0; c < COLUMN_COUNT && err == LXW_NO_ERROR; c++) {
        worksheet_set_column(sheet, c, c, COLUMNS[c].width, NULL);
        err = worksheet_write_string(sheet, 1, c, COLUMNS[c].heading, f->heading);
    }
    double totals[COLUMN_COUNT] = { 0 };
    lxw_row_t row = 2;
    for (int r = 0; r < PQntuples(res) && err == LXW_NO_ERROR; r++) {
        if (province != NULL && strcmp(PQgetvalue(res, r, 0), province) != 0)
            continue;
        err = worksheet_write_string(sheet, row, 0, PQgetvalue(res, r, FIRST_FIELD), NULL);
        for (lxw_col_t c = 1; c < COLUMN_COUNT && err == LXW_NO_ERROR; c++) {
            double value = strtod(PQgetvalue(res, r, FIRST_FIELD + (int)c), NULL);
            if (COLUMNS[c].money)
                value /= 100;
            totals[c] += value;
            err = worksheet_write_number(sheet, row, c, value, COLUMNS[c].money ? f->money : NULL);
        }
        row++;
    }
    if (err == LXW_NO_ERROR)
        err = worksheet_write_string(sheet, row, 0, "合计", f->total);
    for (lxw_col_t c = 1; c < COLUMN_COUNT && err == LXW_NO_ERROR; c++)
        err = worksheet_write_number(sheet, row, c, totals[c],
                                     COLUMNS[c].money ? f->total_money : f->total);
    return err;
}

/* Whether res has a row of province. */
static bool has_province(const PGresult *res, const char *province)
{
    for (int r = 0; r < PQntuples(res); r++)
        if (strcmp(PQgetvalue(res, r, 0), province) == 0)
            return true;
    return false;
}

/* Writes the workbook of res to path. False with the problem in rep. */
static bool workbook_write(const struct workbook_file *file, const PGresult *res, const char *year,
                           struct reply *rep)
{
    lxw_workbook_options options = { .constant_memory = LXW_TRUE,
                                     .tmpdir = (char *)file->tmpdir,
                                     .use_zip64 = LXW_FALSE };
    lxw_workbook *book = workbook_new_opt(file->path, &options);
    if (book == NULL) {
        reply_error(rep, ERR_INTERNAL, "could not start the workbook");
        return false;
    }
    struct sheet_formats formats;
    lxw_error err = formats_add(book, &formats) ? LXW_NO_ERROR : LXW_ERROR_MEMORY_MALLOC_FAILED;
    /* a sheet per province, named in Chinese, in the vocabulary's order */
    const struct vocabulary *provinces = vocabulary_find("provinces");
    for (size_t p = 0; p < provinces->count && err == LXW_NO_ERROR; p++) {
        const struct vocabulary_term *province = &provinces->terms[p];
        if (!has_province(res, province->value))
            continue;
        lxw_worksheet *sheet = workbook_add_worksheet(book, province->zh);
        err = sheet != NULL ? sheet_write(sheet, &formats, res, province->value, year)
                            : LXW_ERROR_MEMORY_MALLOC_FAILED;
    }
    lxw_worksheet *total = err == LXW_NO_ERROR ? workbook_add_worksheet(book, "合计") : NULL;
    if (err == LXW_NO_ERROR)
        err = total != NULL ? sheet_write(total, &formats, res, NULL, year)
                            : LXW_ERROR_MEMORY_MALLOC_FAILED;
    /* closing also frees the workbook, whatever happened before */
    lxw_error closed = workbook_close(book);
    if (err == LXW_NO_ERROR)
        err = closed;
    if (err != LXW_NO_ERROR) {
        reply_error(rep, ERR_INTERNAL, lxw_strerror(err));
        return false;
    }
    return true;
}

/* Reads the year's rows on a connection of its own (the job runs off the worker threads) and
 * answers with the workbook. The database decides what the caller may see. */
static void annual_build(void *ctx, struct reply *rep)
{
    struct annual_job *job = ctx;
    PGconn *conn = db_connect_dedicated("techpool annual report");
    if (conn == NULL) {
        api_db_problem(rep, DB_UNAVAILABLE, NULL);
        return;
    }
    const char *params[] = { job->actor[0] != '\0' ? job->actor : NULL, job->year };
    PGresult *res = PQexecParams(conn, REPORT_SQL, 2, NULL, params, NULL, NULL, 0);
    enum db_status status = res != NULL ? db_status_of(res) : DB_UNAVAILABLE;
    struct workbook_file file = { .path = "" };
    if (status != DB_OK) {
        api_db_problem(rep, status, res);
    } else if (PQnfields(res) != FIRST_FIELD + (int)COLUMN_COUNT) {
        reply_error(rep, ERR_INTERNAL, "the report's figures could not be read");
    } else if (workbook_file_create(&file, "annual", rep) &&
               workbook_write(&file, res, job->year, rep)) {
        char name[64];
        snprintf(name, sizeof name, "annual-report-%s.xlsx", job->year);
        workbook_file_reply(&file, name, rep);
    }
    workbook_file_remove(&file);
    PQclear(res);
    PQfinish(conn);
}

void export_annual_report_xlsx(struct request *req, struct reply *rep)
{
    const char *year = request_query(req, "year");
    if (year == NULL || strlen(year) != 4 || strspn(year, "0123456789") != 4) {
        reply_invalid_field(rep, "year", "must be a calendar year such as 2026");
        return;
    }
    struct annual_job *job = calloc(1, sizeof *job);
    if (job == NULL) {
        reply_error(rep, ERR_INTERNAL, "out of memory");
        return;
    }
    const char *actor = request_actor(req);
    snprintf(job->actor, sizeof job->actor, "%s", actor != NULL ? actor : "");
    snprintf(job->year, sizeof job->year, "%s", year);
    reply_defer(rep, annual_build, free, job);
}
