/* achievements_import: POST /api/v1/achievements/import — an institution's spreadsheet (CSV in
 * UTF-8 or GB18030, or .xlsx) read, every cell checked, and all rows stored in one transaction
 * or none (api_achievements_import, 0018_import.sql). Reading and storing 5,000 rows takes a
 * second or more, so it runs as a deferred job (src/http/deferred.h) with a database connection
 * of its own, not on the worker thread that received the file. */
#include "api/achievements_import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/dbcall.h"
#include "api/import_rows.h"
#include "db/dedicated.h"
#include "import/csv_reader.h"
#include "import/encoding.h"
#include "import/xlsx_reader.h"

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define ATTEMPTS_MAX 3

static const char IMPORT_SQL[] =
    "SELECT api_achievements_import($1::bigint, $2::jsonb, $3::boolean)";

enum import_format { FORMAT_CSV, FORMAT_XLSX };

/* What the job needs, copied out of the request; the file itself stays in the request's body,
 * which lives until the connection is done with, after the job has answered. */
struct import_job {
    enum import_format format;
    bool dry_run;
    char actor[24];
    const char *file;
    size_t file_len;
};

/* Whether content_type is type, with or without parameters (charset=...). */
static bool media_type_is(const char *content_type, const char *type)
{
    if (content_type == NULL)
        return false;
    while (*content_type == ' ')
        content_type++;
    size_t n = strlen(type);
    return strncasecmp(content_type, type, n) == 0 &&
           (content_type[n] == '\0' || content_type[n] == ';' || content_type[n] == ' ');
}

/* 422 invalid_field with the problems of the rows (borrowed) and the number of rows read. */
static void reply_row_problems(struct reply *rep, const json_t *errors, size_t rows)
{
    const json_t *first = json_array_get(errors, 0);
    char detail[300];
    snprintf(detail, sizeof detail, "%zu problem%s in the file, nothing was imported%s%s",
             json_array_size(errors), json_array_size(errors) == 1 ? "" : "s",
             json_is_null(json_object_get(first, "row")) ? ": " : "",
             json_is_null(json_object_get(first, "row"))
                 ? json_string_value(json_object_get(first, "message"))
                 : "");
    json_t *members = json_pack("{s:O, s:I}", "errors", errors, "rows", (json_int_t)rows);
    if (members == NULL) {
        reply_error(rep, ERR_INTERNAL, "out of memory");
        return;
    }
    reply_error_extended(rep, ERR_INVALID_FIELD, detail, NULL, members);
}

/* Reads the file into rows; false when the reader failed (its problem is then among the
 * rows' errors). */
static bool file_read(const struct import_job *job, struct import_rows *rows)
{
    char error[300] = "";
    bool ok;
    if (job->format == FORMAT_XLSX) {
        ok = xlsx_read(job->file, job->file_len, import_rows_add, rows, error, sizeof error);
    } else {
        const char *text;
        size_t text_len;
        char *converted = NULL;
        ok = text_as_utf8(job->file, job->file_len, &text, &text_len, &converted, error,
                          sizeof error) &&
             csv_read(text, text_len, import_rows_add, rows, error, sizeof error);
        free(converted);
    }
    if (!ok && error[0] != '\0')
        import_rows_fail(rows, error);
    return ok;
}

/* Stores (or, dry, only classifies) the valid rows: the import function's reply, or NULL with
 * the problem in rep. */
static json_t *rows_store(const struct import_job *job, const char *rows_json, struct reply *rep)
{
    PGconn *conn = db_connect_dedicated("techpool import");
    if (conn == NULL) {
        api_db_problem(rep, DB_UNAVAILABLE, NULL);
        return NULL;
    }
    const char *params[] = { job->actor, rows_json, job->dry_run ? "true" : "false" };
    json_t *outcome = NULL;
    PGresult *res = NULL;
    enum db_status status = DB_RETRY;
    for (int attempt = 0; attempt < ATTEMPTS_MAX && status == DB_RETRY; attempt++) {
        PQclear(res);
        res = PQexecParams(conn, IMPORT_SQL, 3, NULL, params, NULL, NULL, 0);
        status = res != NULL ? db_status_of(res) : DB_UNAVAILABLE;
    }
    if (status != DB_OK || PQntuples(res) != 1) {
        api_db_problem(rep, status == DB_OK ? DB_FAILED : status, res);
        goto cleanup;
    }
    outcome = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
    if (outcome == NULL)
        reply_error(rep, ERR_INTERNAL, "the import's outcome could not be read");
cleanup:
    PQclear(res);
    PQfinish(conn);
    return outcome;
}

static void import_run(void *ctx, struct reply *rep)
{
    const struct import_job *job = ctx;
    json_t *outcome = NULL;
    struct import_rows *rows = import_rows_new();
    if (rows == NULL) {
        reply_error(rep, ERR_INTERNAL, "out of memory");
        return;
    }
    bool read = file_read(job, rows);
    const char *rows_json = read ? import_rows_json(rows) : NULL;
    if (read && rows_json == NULL && json_array_size(import_rows_errors(rows)) == 0)
        import_rows_fail(rows, "the file has no header row");
    if (json_array_size(import_rows_errors(rows)) > 0) {
        reply_row_problems(rep, import_rows_errors(rows), import_rows_count(rows));
        goto cleanup;
    }
    if (rows_json == NULL) {
        reply_error(rep, ERR_INTERNAL, "the file could not be read");
        goto cleanup;
    }
    outcome = rows_store(job, rows_json, rep);
    if (outcome == NULL)
        goto cleanup;
    if (json_array_size(json_object_get(outcome, "errors")) > 0)
        reply_row_problems(rep, json_object_get(outcome, "errors"), import_rows_count(rows));
    else
        reply_json(rep, 200, outcome);
cleanup:
    json_decref(outcome);
    import_rows_free(rows);
}

void achievements_import(struct request *req, struct reply *rep)
{
    enum import_format format;
    if (media_type_is(req->content_type, "text/csv")) {
        format = FORMAT_CSV;
    } else if (media_type_is(req->content_type, XLSX_TYPE)) {
        format = FORMAT_XLSX;
    } else {
        reply_error(rep, ERR_UNSUPPORTED_MEDIA_TYPE, "send the file as text/csv or as " XLSX_TYPE);
        return;
    }
    const char *dry_run = request_query(req, "dry_run");
    if (dry_run != NULL && strcmp(dry_run, "true") != 0 && strcmp(dry_run, "false") != 0) {
        reply_invalid_field(rep, "dry_run", "must be true or false");
        return;
    }
    if (req->file_len == 0) {
        reply_invalid_field(rep, "file", "the file is empty");
        return;
    }
    struct import_job *job = calloc(1, sizeof *job);
    if (job == NULL) {
        reply_error(rep, ERR_INTERNAL, "out of memory");
        return;
    }
    job->format = format;
    job->dry_run = dry_run != NULL && strcmp(dry_run, "true") == 0;
    snprintf(job->actor, sizeof job->actor, "%s", req->caller.user_id_text);
    job->file = req->file;
    job->file_len = req->file_len;
    reply_defer(rep, import_run, free, job);
}
