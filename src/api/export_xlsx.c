/* export_xlsx: the trials of the statistics filter as an Excel workbook for officials (?labels=,
 * Chinese by default) — sheet "试用明细"/"Trials" with typed cells (numbers, real dates, Beijing
 * time, money in yuan, labelled enums) and sheet "统计摘要"/"Summary" with the summary figures
 * and the cross-provincial flows, both read in one snapshot. libxlsxwriter writes it in
 * constant-memory mode to a temporary file, which is then streamed and removed. Building it
 * takes seconds for a million trials, so it runs as a deferred job (src/http/deferred.h), not
 * on the worker thread that received the request. */
#include "api/export_xlsx.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "api/dbcall.h"
#include "api/export_columns.h"
#include "api/export_csv.h"
#include "api/stats.h"
#include "api/workbook_file.h"
#include "domain/calendar.h"
#include "domain/vocabulary.h"
#include "http/deferred.h"

#define FETCH_ROWS 1000

static const char STATS_SQL[] =
    "SELECT api_stats_summary($1::bigint, $2::date, $3::date, $4::text), "
    "api_stats_flows($1::bigint, $2::date, $3::date, $4::text)";

struct workbook_formats {
    lxw_format *heading;
    lxw_format *date;
    lxw_format *instant;
    lxw_format *money;
    lxw_format *ratio;
};

/* Writes one value of the rows' text form as a typed cell, as officials read it in labels:
 * enums by their label, instants in Asia/Shanghai time, money in yuan. */
static lxw_error write_cell(lxw_worksheet *sheet, const struct workbook_formats *formats,
                            enum export_labels labels, lxw_row_t row, lxw_col_t col,
                            const char *value)
{
    struct date day;
    double epoch;
    struct minute_of_day at;
    lxw_datetime cell = { 0 };
    switch (EXPORT_COLUMNS[col].kind) {
    case EXPORT_NUMBER:
        return worksheet_write_number(sheet, row, col, strtod(value, NULL), NULL);
    case EXPORT_MONEY:
        return worksheet_write_number(sheet, row, col, strtod(value, NULL) / 100.0, formats->money);
    case EXPORT_DATE:
        if (!date_parse(value, &day))
            return LXW_ERROR_PARAMETER_VALIDATION;
        cell = (lxw_datetime){ day.year, day.month, day.day, 0, 0, 0 };
        return worksheet_write_datetime(sheet, row, col, &cell, formats->date);
    case EXPORT_INSTANT:
        if (!instant_parse(value, &epoch))
            return LXW_ERROR_PARAMETER_VALIDATION;
        at = minute_in_shanghai(epoch);
        cell = (lxw_datetime){ at.date.year, at.date.month, at.date.day, at.hour, at.minute, 0 };
        return worksheet_write_datetime(sheet, row, col, &cell, formats->instant);
    case EXPORT_ENUM:
    case EXPORT_TEXT:
    default: {
        char buf[32];
        return worksheet_write_string(sheet, row, col,
                                      export_cell_text(col, value, labels, buf, sizeof buf), NULL);
    }
    }
}

/* Fills sheet "Trials" from the cursor. Returns false with the problem in rep. */
static bool write_trials(lxw_worksheet *sheet, const struct workbook_formats *formats,
                         enum export_labels labels, struct db_cursor *cursor, struct reply *rep)
{
    worksheet_freeze_panes(sheet, 1, 0);
    lxw_error err = LXW_NO_ERROR;
    for (lxw_col_t col = 0; err == LXW_NO_ERROR && col < EXPORT_COLUMN_COUNT; col++)
        err = worksheet_set_column(sheet, col, col, EXPORT_COLUMNS[col].width, NULL);
    for (lxw_col_t col = 0; err == LXW_NO_ERROR && col < EXPORT_COLUMN_COUNT; col++)
        err = worksheet_write_string(sheet, 0, col, export_heading(col, labels), formats->heading);
    lxw_row_t row = 1;
    PGresult *res = NULL;
    while (err == LXW_NO_ERROR && (res = db_cursor_fetch(cursor, FETCH_ROWS)) != NULL &&
           PQntuples(res) > 0) {
        if (deferred_cancelled()) {
            PQclear(res);
            reply_error(rep, ERR_UNAVAILABLE, "the service is stopping");
            return false;
        }
        if ((size_t)PQnfields(res) != EXPORT_COLUMN_COUNT) {
            PQclear(res);
            reply_error(rep, ERR_INTERNAL, "the export rows have an unexpected shape");
            return false;
        }
        if ((size_t)row + (size_t)PQntuples(res) > LXW_ROW_MAX) {
            PQclear(res);
            reply_invalid_field(rep, "from",
                                "more trials than one Excel sheet holds "
                                "(1,048,575): narrow the dates, or export trials.csv");
            return false;
        }
        for (int r = 0; err == LXW_NO_ERROR && r < PQntuples(res); r++, row++)
            for (lxw_col_t col = 0; err == LXW_NO_ERROR && col < EXPORT_COLUMN_COUNT; col++)
                if (!PQgetisnull(res, r, col))
                    err = write_cell(sheet, formats, labels, row, col, PQgetvalue(res, r, col));
        PQclear(res);
        res = NULL;
    }
    bool read_failed = err == LXW_NO_ERROR && res == NULL;
    PQclear(res);
    if (read_failed)
        api_db_problem(rep, DB_UNAVAILABLE, NULL);
    else if (err != LXW_NO_ERROR)
        reply_error(rep, ERR_INTERNAL, lxw_strerror(err));
    return !read_failed && err == LXW_NO_ERROR;
}

/* ---------------------------------------------------------------------------------------------
 * Sheet "Summary" */

enum figure_kind { FIGURE_COUNT, FIGURE_RATIO, FIGURE_MONEY };

static const struct {
    const char *key;
    const char *label;
    enum figure_kind kind;
} FIGURES[] = {
    { "achievements_listed", "上架成果 Achievements listed", FIGURE_COUNT },
    { "trials_requested", "试用申请 Trials requested", FIGURE_COUNT },
    { "trials_active", "试用中 Active trials", FIGURE_COUNT },
    { "trials_converted", "已转许可 Converted", FIGURE_COUNT },
    { "trials_returned", "已退还 Returned", FIGURE_COUNT },
    { "trials_expired", "已到期 Expired", FIGURE_COUNT },
    { "trials_declined", "被拒绝 Declined", FIGURE_COUNT },
    { "conversion_rate", "转化率 Conversion rate", FIGURE_RATIO },
    { "licensed_fen", "许可费总额（元）Licensed (yuan)", FIGURE_MONEY },
    { "paid_fen", "已付（元）Paid (yuan)", FIGURE_MONEY },
    { "outstanding_fen", "未付（元）Outstanding (yuan)", FIGURE_MONEY },
    { "compensated_fen", "已补偿（元）Compensated (yuan)", FIGURE_MONEY },
};

/* The flow matrices have one row and one column per province, in the vocabulary's order. */
#define PROVINCE_COUNT ((lxw_col_t)vocabulary_find("provinces")->count)
#define PROVINCE_LABEL_SIZE 64

/* "上海 Shanghai (SH)": a province as a heading of the matrices. */
static const char *province_label(size_t index, char *buf, size_t size)
{
    const struct vocabulary_term *term = &vocabulary_find("provinces")->terms[index];
    snprintf(buf, size, "%s %s (%s)", term->zh, term->en, term->value);
    return buf;
}

/* A 4×4 matrix under its title: rows the institution's province, columns the enterprise's.
 * Returns the row after it. */
static lxw_row_t write_matrix(lxw_worksheet *sheet, const struct workbook_formats *formats,
                              lxw_row_t row, const char *title, const json_t *matrix,
                              lxw_error *err)
{
    if (*err == LXW_NO_ERROR)
        *err = worksheet_write_string(sheet, row, 0, title, formats->heading);
    row++;
    if (*err == LXW_NO_ERROR)
        *err = worksheet_write_string(sheet, row, 0, "成果方 \\ 企业 Institution \\ Enterprise",
                                      formats->heading);
    char label[PROVINCE_LABEL_SIZE];
    for (lxw_col_t c = 0; *err == LXW_NO_ERROR && c < PROVINCE_COUNT; c++)
        *err = worksheet_write_string(sheet, row, c + 1, province_label(c, label, sizeof label),
                                      formats->heading);
    row++;
    for (size_t r = 0; r < PROVINCE_COUNT; r++, row++) {
        if (*err == LXW_NO_ERROR)
            *err = worksheet_write_string(sheet, row, 0, province_label(r, label, sizeof label),
                                          formats->heading);
        const json_t *cells = json_array_get(matrix, r);
        for (lxw_col_t c = 0; *err == LXW_NO_ERROR && c < PROVINCE_COUNT; c++)
            *err = worksheet_write_number(sheet, row, c + 1,
                                          (double)json_integer_value(json_array_get(cells, c)),
                                          NULL);
    }
    return row;
}

static lxw_error write_summary(lxw_worksheet *sheet, const struct workbook_formats *formats,
                               const struct stats_filter *filter, const json_t *summary,
                               const json_t *flows)
{
    char scope[160];
    snprintf(scope, sizeof scope, "日期 Dates: %s – %s; 省份 Province: %s",
             filter->from != NULL ? filter->from : "…", filter->to != NULL ? filter->to : "…",
             filter->province[0] != '\0' ? filter->province : "全部 all");
    lxw_error err = worksheet_set_column(sheet, 0, 0, 36, NULL);
    if (err == LXW_NO_ERROR)
        err = worksheet_set_column(sheet, 1, PROVINCE_COUNT, 20, NULL);
    if (err == LXW_NO_ERROR)
        err = worksheet_write_string(sheet, 0, 0, "统计摘要 Summary", formats->heading);
    if (err == LXW_NO_ERROR)
        err = worksheet_write_string(sheet, 1, 0, "筛选 Filter", NULL);
    if (err == LXW_NO_ERROR)
        err = worksheet_write_string(sheet, 1, 1, scope, NULL);
    if (err == LXW_NO_ERROR)
        err = worksheet_write_string(sheet, 3, 0, "指标 Figure", formats->heading);
    if (err == LXW_NO_ERROR)
        err = worksheet_write_string(sheet, 3, 1, "数值 Value", formats->heading);
    lxw_row_t row = 4;
    for (size_t i = 0; err == LXW_NO_ERROR && i < sizeof FIGURES / sizeof FIGURES[0]; i++, row++) {
        const json_t *value = json_object_get(summary, FIGURES[i].key);
        err = worksheet_write_string(sheet, row, 0, FIGURES[i].label, NULL);
        if (err != LXW_NO_ERROR)
            break;
        if (!json_is_number(value))
            err = worksheet_write_string(sheet, row, 1, "—", NULL);
        else if (FIGURES[i].kind == FIGURE_MONEY)
            err = worksheet_write_number(sheet, row, 1, json_number_value(value) / 100.0,
                                         formats->money);
        else
            err = worksheet_write_number(sheet, row, 1, json_number_value(value),
                                         FIGURES[i].kind == FIGURE_RATIO ? formats->ratio : NULL);
    }
    row = write_matrix(sheet, formats, row + 1,
                       "跨省试用申请（行：成果方省份，列：企业省份）"
                       "Trials across provinces (rows: institution's, columns: enterprise's)",
                       json_object_get(flows, "trials"), &err);
    write_matrix(sheet, formats, row + 1,
                 "跨省转化为许可（行：成果方省份，列：企业省份）"
                 "Conversions across provinces (rows: institution's, columns: enterprise's)",
                 json_object_get(flows, "conversions"), &err);
    return err;
}

static bool formats_add(lxw_workbook *book, struct workbook_formats *formats)
{
    formats->heading = workbook_add_format(book);
    formats->date = workbook_add_format(book);
    formats->instant = workbook_add_format(book);
    formats->money = workbook_add_format(book);
    formats->ratio = workbook_add_format(book);
    if (formats->heading == NULL || formats->date == NULL || formats->instant == NULL ||
        formats->money == NULL || formats->ratio == NULL)
        return false;
    format_set_bold(formats->heading);
    format_set_num_format(formats->date, "yyyy-mm-dd");
    format_set_num_format(formats->instant, "yyyy-mm-dd hh:mm");
    format_set_num_format(formats->money, "#,##0.00");
    format_set_num_format(formats->ratio, "0.00%");
    return true;
}

/* Writes the workbook to path. Returns false with the problem in rep. */
static bool workbook_write(const char *path, char *tmpdir, const struct stats_filter *filter,
                           enum export_labels labels, struct db_cursor *cursor,
                           const json_t *summary, const json_t *flows, struct reply *rep)
{
    lxw_workbook_options options = { .constant_memory = LXW_TRUE,
                                     .tmpdir = tmpdir,
                                     .use_zip64 = LXW_FALSE };
    lxw_workbook *book = workbook_new_opt(path, &options);
    if (book == NULL) {
        reply_error(rep, ERR_INTERNAL, "could not start the workbook");
        return false;
    }
    struct workbook_formats formats;
    bool zh = labels == EXPORT_LABELS_ZH;
    lxw_worksheet *trials = workbook_add_worksheet(book, zh ? "试用明细" : "Trials");
    lxw_worksheet *totals = workbook_add_worksheet(book, zh ? "统计摘要" : "Summary");
    bool ok = trials != NULL && totals != NULL && formats_add(book, &formats);
    if (!ok)
        reply_error(rep, ERR_INTERNAL, "could not lay out the workbook");
    ok = ok && write_trials(trials, &formats, labels, cursor, rep);
    lxw_error err = ok ? write_summary(totals, &formats, filter, summary, flows) : LXW_NO_ERROR;
    /* closing also frees the workbook, whatever happened before */
    lxw_error closed = workbook_close(book);
    if (ok && err == LXW_NO_ERROR)
        err = closed;
    if (ok && err != LXW_NO_ERROR) {
        reply_error(rep, ERR_INTERNAL, lxw_strerror(err));
        ok = false;
    }
    return ok;
}

/* The summary and the flows of the filter, read in the rows' snapshot. */
static bool stats_read(const char *actor, const struct stats_filter *filter,
                       struct db_cursor *cursor, json_t **summary, json_t **flows,
                       struct reply *rep)
{
    const char *params[] = { actor, filter->from, filter->to,
                             filter->province[0] ? filter->province : NULL };
    PGresult *res = db_cursor_query(cursor, STATS_SQL, 4, params);
    enum db_status status = res != NULL ? db_status_of(res) : DB_UNAVAILABLE;
    bool ok = status == DB_OK && PQntuples(res) == 1;
    if (ok) {
        *summary = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
        *flows = json_loads(PQgetvalue(res, 0, 1), 0, NULL);
        ok = *summary != NULL && *flows != NULL;
        if (!ok)
            reply_error(rep, ERR_INTERNAL, "the statistics could not be read");
    } else {
        api_db_problem(rep, status == DB_OK ? DB_FAILED : status, res);
    }
    PQclear(res);
    return ok;
}

/* What the workbook's job needs, copied out of the request: the job runs on a thread of its
 * own after the handler has returned (src/http/deferred.c). */
struct xlsx_job {
    struct stats_filter filter; /* from and to point into the buffers below; the province
                                   * becomes the one the rows cover once they are opened */
    char from[16];
    char to[16];
    char actor[24];
    enum export_labels labels;
};

/* Reads the trials and the statistics in one snapshot, writes the workbook to a temporary file
 * and answers with a stream of it. The database decides what the caller may see: a refusal is
 * the job's answer. */
static void xlsx_build(void *ctx, struct reply *rep)
{
    struct xlsx_job *job = ctx;
    struct db_cursor *cursor = NULL;
    json_t *summary = NULL;
    json_t *flows = NULL;
    struct workbook_file file = { .path = "" };
    const char *actor = job->actor[0] != '\0' ? job->actor : NULL;
    cursor = export_rows_open(actor, &job->filter, rep);
    if (cursor != NULL && stats_read(actor, &job->filter, cursor, &summary, &flows, rep) &&
        workbook_file_create(&file, "trials", rep) &&
        workbook_write(file.path, file.tmpdir, &job->filter, job->labels, cursor, summary, flows,
                       rep)) {
        char name[128];
        export_file_name(&job->filter, "xlsx", name, sizeof name);
        workbook_file_reply(&file, name, rep);
    }
    /* the open descriptor keeps the file readable until the stream closes it */
    workbook_file_remove(&file);
    json_decref(summary);
    json_decref(flows);
    db_cursor_close(cursor);
}

void export_trials_xlsx(struct request *req, struct reply *rep)
{
    struct stats_filter filter;
    enum export_labels labels;
    if (!stats_filter_parse(req, &filter, rep) ||
        !export_labels_parse(req, EXPORT_LABELS_ZH, &labels, rep))
        return;
    struct xlsx_job *job = calloc(1, sizeof *job);
    if (job == NULL) {
        reply_error(rep, ERR_INTERNAL, "out of memory");
        return;
    }
    job->filter = filter;
    job->labels = labels;
    if (filter.from != NULL) {
        snprintf(job->from, sizeof job->from, "%s", filter.from);
        job->filter.from = job->from;
    }
    if (filter.to != NULL) {
        snprintf(job->to, sizeof job->to, "%s", filter.to);
        job->filter.to = job->to;
    }
    const char *actor = request_actor(req);
    snprintf(job->actor, sizeof job->actor, "%s", actor != NULL ? actor : "");
    reply_defer(rep, xlsx_build, free, job);
}
