/* listing: limit and cursor parsing, and the page reply built around the items PostgreSQL made. */
#include "api/listing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/dbcall.h"
#include "domain/vocabulary.h"
#include "http/router.h"

bool list_page_parse(const struct request *req, const char *scope, struct list_page *page,
                     struct reply *rep)
{
    const char *limit = request_query(req, "limit");
    snprintf(page->limit, sizeof page->limit, "20");
    page->position[0] = '\0';
    if (limit != NULL) {
        char *end;
        long n = strtol(limit, &end, 10);
        if (limit[0] == '\0' || *end != '\0' || n < 1 || n > 100) {
            reply_invalid_field(rep, "limit", "must be an integer from 1 to 100");
            return false;
        }
        snprintf(page->limit, sizeof page->limit, "%ld", n);
    }
    const char *cursor = request_query(req, "cursor");
    if (cursor != NULL && cursor[0] != '\0' &&
        !cursor_decode(scope, cursor, page->position, sizeof page->position)) {
        reply_invalid_field(rep, "cursor", "is not a cursor of this list");
        return false;
    }
    return true;
}

bool list_query_enum(const struct request *req, const char *name, const char *const *values,
                     const char **out, struct reply *rep)
{
    *out = request_query(req, name);
    if (*out == NULL)
        return true;
    if (vocabulary_has(values, *out))
        return true;
    reply_invalid_field(rep, name, "is not one of the allowed values");
    return false;
}

bool list_query_id(const struct request *req, const char *name, const char **out, struct reply *rep)
{
    *out = request_query(req, name);
    int64_t parsed;
    if (*out != NULL && !router_parse_id(*out, strlen(*out), &parsed)) {
        reply_invalid_field(rep, name, "must be a positive integer");
        return false;
    }
    return true;
}

void list_reply(struct reply *rep, const char *scope, const struct statement *st, int nparams,
                const char *const *params)
{
    PGresult *res = api_db_exec(rep, st, nparams, params);
    if (res == NULL)
        return;
    if (PQntuples(res) != 1 || PQnfields(res) < 2) {
        PQclear(res);
        reply_error(rep, ERR_INTERNAL, "list statement returned no page");
        return;
    }
    const char *items = PQgetisnull(res, 0, 0) ? "[]" : PQgetvalue(res, 0, 0);
    char cursor[CURSOR_MAX_TEXT + 2] = "null";
    if (!PQgetisnull(res, 0, 1)) {
        char encoded[CURSOR_MAX_TEXT];
        if (!cursor_encode(scope, PQgetvalue(res, 0, 1), encoded, sizeof encoded)) {
            PQclear(res);
            reply_error(rep, ERR_INTERNAL, "could not make the next cursor");
            return;
        }
        snprintf(cursor, sizeof cursor, "\"%s\"", encoded);
    }
    /* a third column: more members of the reply, as JSON object members ("unread":3) */
    const char *more = PQnfields(res) > 2 && !PQgetisnull(res, 0, 2) ? PQgetvalue(res, 0, 2) : "";
    size_t size = strlen(items) + strlen(cursor) + strlen(more) + 32;
    char *body = malloc(size);
    if (body == NULL) {
        PQclear(res);
        reply_error(rep, ERR_INTERNAL, "out of memory");
        return;
    }
    int len = snprintf(body, size, "{\"items\":%s,\"next_cursor\":%s%s%s}", items, cursor,
                       more[0] != '\0' ? "," : "", more);
    PQclear(res);
    reply_body_steal(rep, 200, "application/json", body, (size_t)len);
}
