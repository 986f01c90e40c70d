/* export_csv: the trials as RFC 4180 CSV (UTF-8 with a byte-order mark so that Excel keeps the
 * Chinese, CRLF line ends, every cell guarded against formulas), as the contract has them or
 * with ?labels= for officials (src/api/export_columns.h), streamed from a server-side
 * cursor 1,000 rows at a time so that memory stays flat whatever the number of trials (the
 * next batch is read while one is written out: db_cursor_fetch). A database failure mid-way
 * ends the response broken, never as a silently short file. */
#include "api/export_csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/dbcall.h"
#include "api/export_columns.h"
#include "domain/csv.h"

#define FETCH_ROWS 1000

static const char ROWS_SQL[] =
    "SELECT rows, province FROM api_export_trials($1::bigint, $2::date, $3::date, $4::text)";

static const char BYTE_ORDER_MARK[] = "\xEF\xBB\xBF";

struct csv_export {
    struct db_cursor *cursor; /* NULL once every row was read */
    char *buf;                /* the formatted rows of the last batch */
    size_t cap;
    size_t len;
    size_t sent; /* bytes of buf already handed to the server */
    enum export_labels labels;
};

struct db_cursor *export_rows_open(const char *actor, struct stats_filter *filter,
                                   struct reply *rep)
{
    const char *params[] = { actor, filter->from, filter->to,
                             filter->province[0] ? filter->province : NULL };
    enum db_status status;
    PGresult *opened;
    struct db_cursor *cursor = db_cursor_open(ROWS_SQL, 4, params, &status, &opened);
    if (cursor == NULL)
        api_db_problem(rep, status, opened);
    else /* NULL: every province */
        snprintf(filter->province, sizeof filter->province, "%s",
                 PQgetisnull(opened, 0, 1) ? "" : PQgetvalue(opened, 0, 1));
    PQclear(opened);
    return cursor;
}

void export_file_name(const struct stats_filter *filter, const char *extension, char *out,
                      size_t size)
{
    char name[96] = "trials";
    size_t used = strlen(name);
    if (filter->province[0] != '\0')
        used += (size_t)snprintf(name + used, sizeof name - used, "-%s", filter->province);
    if (filter->from != NULL || filter->to != NULL)
        used += (size_t)snprintf(name + used, sizeof name - used, "-%s_%s",
                                 filter->from != NULL ? filter->from : "",
                                 filter->to != NULL ? filter->to : "");
    if (used == strlen("trials"))
        snprintf(name + used, sizeof name - used, "-all");
    snprintf(out, size, "%s.%s", name, extension);
}

void export_disposition(struct reply *rep, const struct stats_filter *filter, const char *extension)
{
    char name[128];
    export_file_name(filter, extension, name, sizeof name);
    char value[160];
    snprintf(value, sizeof value, "attachment; filename=\"%s\"", name);
    reply_header_add(rep, "Content-Disposition", value);
}

static bool buffer_reserve(struct csv_export *e, size_t extra)
{
    if (e->len + extra <= e->cap)
        return true;
    size_t cap = e->cap > 0 ? e->cap : 64 * 1024;
    while (cap < e->len + extra)
        cap *= 2;
    char *grown = realloc(e->buf, cap);
    if (grown == NULL)
        return false;
    e->buf = grown;
    e->cap = cap;
    return true;
}

/* Appends one CSV line: the cells of the columns in order, lengths[col] bytes each. */
static bool append_line(struct csv_export *e, const char *const *cells, const size_t *lengths)
{
    for (size_t col = 0; col < EXPORT_COLUMN_COUNT; col++) {
        /* a comma, then at most: an apostrophe, two quotes, every byte a doubled quote */
        if (!buffer_reserve(e, 1 + 2 * lengths[col] + 3))
            return false;
        if (col > 0)
            e->buf[e->len++] = ',';
        e->len += csv_cell(e->buf + e->len, e->cap - e->len, cells[col], lengths[col]);
    }
    if (!buffer_reserve(e, 2))
        return false;
    e->buf[e->len++] = '\r';
    e->buf[e->len++] = '\n';
    return true;
}

static bool append_header(struct csv_export *e)
{
    const char *cells[EXPORT_COLUMN_COUNT];
    size_t lengths[EXPORT_COLUMN_COUNT];
    for (size_t col = 0; col < EXPORT_COLUMN_COUNT; col++) {
        cells[col] = export_heading(col, e->labels);
        lengths[col] = strlen(cells[col]);
    }
    return append_line(e, cells, lengths);
}

static bool append_row(struct csv_export *e, const PGresult *res, int row)
{
    if ((size_t)PQnfields(res) != EXPORT_COLUMN_COUNT)
        return false;
    const char *cells[EXPORT_COLUMN_COUNT];
    size_t lengths[EXPORT_COLUMN_COUNT];
    char buffers[EXPORT_COLUMN_COUNT][32];
    for (size_t col = 0; col < EXPORT_COLUMN_COUNT; col++) {
        const char *value = PQgetvalue(res, row, (int)col);
        cells[col] = export_cell_text(col, value, e->labels, buffers[col], sizeof buffers[col]);
        lengths[col] = cells[col] == value ? (size_t)PQgetlength(res, row, (int)col)
                                           : strlen(cells[col]);
    }
    return append_line(e, cells, lengths);
}

/* Replaces the buffer with the next batch of rows; at the end closes the cursor. */
static bool export_fill(struct csv_export *e)
{
    PGresult *res = db_cursor_fetch(e->cursor, FETCH_ROWS);
    if (res == NULL)
        return false;
    e->len = 0;
    e->sent = 0;
    int rows = PQntuples(res);
    bool ok = true;
    for (int row = 0; ok && row < rows; row++)
        ok = append_row(e, res, row);
    PQclear(res);
    if (ok && rows == 0) {
        db_cursor_close(e->cursor);
        e->cursor = NULL;
    }
    return ok;
}

static ssize_t export_stream(void *ctx, char *out, size_t max)
{
    struct csv_export *e = ctx;
    while (e->sent == e->len && e->cursor != NULL) {
        if (!export_fill(e)) {
            fprintf(stderr, "{\"event\":\"export_broken\",\"export\":\"trials.csv\"}\n");
            return -1;
        }
    }
    db_cursor_pump(e->cursor);
    size_t n = e->len - e->sent;
    if (n > max)
        n = max;
    memcpy(out, e->buf + e->sent, n);
    e->sent += n;
    return (ssize_t)n;
}

static void export_free(void *ctx)
{
    struct csv_export *e = ctx;
    db_cursor_close(e->cursor);
    free(e->buf);
    free(e);
}

void export_trials_csv(struct request *req, struct reply *rep)
{
    struct stats_filter filter;
    enum export_labels labels;
    struct csv_export *e = NULL;
    if (!stats_filter_parse(req, &filter, rep) ||
        !export_labels_parse(req, EXPORT_LABELS_NONE, &labels, rep))
        goto out;
    e = calloc(1, sizeof *e);
    if (e == NULL || !buffer_reserve(e, sizeof BYTE_ORDER_MARK)) {
        reply_error(rep, ERR_INTERNAL, "out of memory");
        goto out;
    }
    e->labels = labels;
    memcpy(e->buf, BYTE_ORDER_MARK, sizeof BYTE_ORDER_MARK - 1);
    e->len = sizeof BYTE_ORDER_MARK - 1;
    if (!append_header(e)) {
        reply_error(rep, ERR_INTERNAL, "out of memory");
        goto out;
    }
    e->cursor = export_rows_open(request_actor(req), &filter, rep);
    if (e->cursor == NULL)
        goto out;
    reply_stream(rep, 200, "text/csv; charset=utf-8", export_stream, export_free, e);
    export_disposition(rep, &filter, "csv");
    e = NULL; /* owned by the reply now */
out:
    if (e != NULL)
        export_free(e);
}
