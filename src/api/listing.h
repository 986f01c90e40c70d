/* listing: the contract's list conventions — ?limit= (1..100, default 20), opaque tamper-checked
 * ?cursor=, and the {"items": [...], "next_cursor": ...} reply. */
#ifndef TECHPOOL_LISTING_H
#define TECHPOOL_LISTING_H

#include <stdbool.h>

#include "db/db.h"
#include "domain/cursor.h"
#include "http/reply.h"
#include "http/request.h"

struct list_page {
    char limit[8];                  /* as text, for SQL parameters */
    char position[CURSOR_MAX_TEXT]; /* the decoded keyset position, "" on the first page */
};

/* Reads limit and cursor. scope names the list (a cursor from another list is refused).
 * On bad input writes 400/422 into rep and returns false. */
bool list_page_parse(const struct request *req, const char *scope, struct list_page *page,
                     struct reply *rep);

/* The value of query parameter name when it is one of values (NULL-terminated; *out NULL when
 * the parameter is absent); false with 422 on name in rep otherwise. */
bool list_query_enum(const struct request *req, const char *name, const char *const *values,
                     const char **out, struct reply *rep);
/* The value of query parameter name when it is a positive id (*out NULL when absent); false
 * with 422 on name in rep otherwise. */
bool list_query_id(const struct request *req, const char *name, const char **out,
                   struct reply *rep);

/* Runs a list statement and answers 200 {"items","next_cursor"}. The statement returns one row:
 * column 0 the items as a JSON array, column 1 the keyset position after the last item when
 * more rows follow (NULL on the last page), and optionally column 2: more members of the reply
 * object as JSON text without braces ("unread":3). */
void list_reply(struct reply *rep, const char *scope, const struct statement *st, int nparams,
                const char *const *params);

#endif
