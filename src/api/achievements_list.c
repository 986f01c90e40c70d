/* achievements_list: GET /api/v1/achievements — filters and ?sort= checked here, the page (items
 * JSON, keyset position and the count of matches) built by PostgreSQL and passed through. By
 * default with q a ranked search through the gram index, without q newest first; ?sort= also
 * orders by reference fee, or newest first with q. */
#include "api/achievements.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/listing.h"
#include "domain/vocabulary.h"
#include "http/fields.h"

#define QUERY_MAX_CHARS 100
#define ID_TEXT 24

/* Each order has cursors of its own: a position is 'id' in the newest list without q, 'rank|id'
 * in the ranked search and 'sort_key|tie' in the others (see migration 0033). */
static const char LIST_SCOPE[] = "achievements";
static const char SEARCH_SCOPE[] = "achievements.search";

enum sort { SORT_NEWEST, SORT_RELEVANCE, SORT_FEE_ASC, SORT_FEE_DESC };
static const char *const SORTS[] = { "newest", "relevance", "fee_asc", "fee_desc", NULL };
/* the cursor scopes of the orders that api_achievements_sorted pages */
static const char *const SORTED_SCOPES[] = { "achievements.newest", NULL, "achievements.fee_asc",
                                             "achievements.fee_desc" };

static const char *const BOOLEANS[] = { "true", "false", NULL };

/* A first page (no cursor) asked with ?count=true also counts the matches (the last parameter
 * says whether): the count is the same on every page, and costs more than a page of a large pool.
 * The lists visitors browse (newest first, by province, by field) go through
 * api_achievements_browse, which keeps one plan a session (migration 0054); the others are
 * planned for their filters. */
static const struct statement LIST_BROWSED = {
    "achievements_list_browsed",
    "SELECT items, next_position, CASE WHEN $6::boolean THEN achievements_count($1::bigint, "
    "NULL, $2::text, $3::text, NULL, NULL, NULL, NULL) END FROM "
    "api_achievements_browse($1::bigint, $2::text, $3::text, $4::integer, $5::bigint)"
};
static const struct statement LIST = {
    "achievements_list",
    "SELECT items, next_position, CASE WHEN $10::boolean THEN achievements_count($1::bigint, "
    "NULL, $2::text, $3::text, $4::text, $5::bigint, $6::boolean, $7::text) END "
    "FROM api_achievements_list($1::bigint, $2::text, $3::text, $4::text, $5::bigint, "
    "$6::boolean, $7::text, $8::integer, $9::bigint)"
};
static const struct statement SEARCH = {
    "achievements_search",
    "SELECT items, next_position, CASE WHEN $12::boolean THEN "
    "achievements_count($1::bigint, $2::text, $3::text, $4::text, $5::text, $6::bigint, "
    "$7::boolean, $8::text) END FROM api_achievements_search($1::bigint, $2::text, $3::text, "
    "$4::text, $5::text, $6::bigint, $7::boolean, $8::text, $9::integer, $10::integer, "
    "$11::bigint)"
};
static const struct statement SORTED = {
    "achievements_sorted",
    "SELECT items, next_position, CASE WHEN $13::boolean THEN "
    "achievements_count($1::bigint, $2::text, $3::text, $4::text, $5::text, $6::bigint, "
    "$7::boolean, $8::text) END FROM api_achievements_sorted($1::bigint, $2::text, $3::text, "
    "$4::text, $5::text, $6::bigint, $7::boolean, $8::text, $9::text, $10::integer, "
    "$11::bigint, $12::bigint)"
};

/* The filters of the list, each NULL when absent (for SQL NULL). */
struct filters {
    const char *q;
    const char *province;
    const char *field;
    const char *kind;
    const char *institution_id;
    const char *open_license;
    const char *status;
    enum sort sort;
    bool count; /* ?count=true */
};

/* A positive decimal integer of at most 18 digits (fits bigint), without sign or leading 0. */
static bool positive_integer(const char *text)
{
    size_t len = strlen(text);
    return len >= 1 && len <= 18 && text[0] != '0' && strspn(text, "0123456789") == len;
}

static bool filters_parse(const struct request *req, struct filters *f, struct reply *rep)
{
    if (!list_query_enum(req, "province", PROVINCES, &f->province, rep) ||
        !list_query_enum(req, "field", ACHIEVEMENT_FIELDS, &f->field, rep) ||
        !list_query_enum(req, "kind", ACHIEVEMENT_KINDS, &f->kind, rep) ||
        !list_query_enum(req, "open_license", BOOLEANS, &f->open_license, rep) ||
        !list_query_enum(req, "status", ACHIEVEMENT_STATUSES, &f->status, rep))
        return false;
    f->institution_id = request_query(req, "institution_id");
    if (f->institution_id != NULL && !positive_integer(f->institution_id)) {
        reply_invalid_field(rep, "institution_id", "must be a positive integer");
        return false;
    }
    f->q = request_query(req, "q");
    if (f->q != NULL) {
        size_t chars = utf8_length(f->q);
        if (chars < 1 || chars > QUERY_MAX_CHARS || f->q[strspn(f->q, " \t")] == '\0') {
            reply_invalid_field(rep, "q", "must be 1 to 100 characters, not only spaces");
            return false;
        }
    }
    const char *count;
    if (!list_query_enum(req, "count", BOOLEANS, &count, rep))
        return false;
    f->count = count != NULL && strcmp(count, "true") == 0;
    const char *sort;
    if (!list_query_enum(req, "sort", SORTS, &sort, rep))
        return false;
    f->sort = f->q != NULL ? SORT_RELEVANCE : SORT_NEWEST;
    for (size_t i = 0; sort != NULL && SORTS[i] != NULL; i++)
        if (strcmp(SORTS[i], sort) == 0)
            f->sort = (enum sort)i;
    if (f->sort == SORT_RELEVANCE && f->q == NULL) {
        reply_invalid_field(rep, "sort", "relevance orders a search: it needs q");
        return false;
    }
    return true;
}

/* Whether text (len bytes) is an integer of at most 18 digits, with an optional minus sign. */
static bool signed_integer(const char *text, size_t len)
{
    size_t sign = len > 0 && text[0] == '-' ? 1 : 0;
    size_t digits = len - sign;
    return digits >= 1 && digits <= 18 && strspn(text + sign, "0123456789") == digits;
}

/* Splits a position 'first|second' of two integers ('rank|id', 'sort_key|tie') into its parts;
 * false when it is not one. */
static bool position_split(const char *position, char first[ID_TEXT], char second[ID_TEXT])
{
    const char *bar = strchr(position, '|');
    if (bar == NULL)
        return false;
    size_t first_len = (size_t)(bar - position);
    if (!signed_integer(position, first_len) || !signed_integer(bar + 1, strlen(bar + 1)))
        return false;
    memcpy(first, position, first_len);
    first[first_len] = '\0';
    snprintf(second, ID_TEXT, "%s", bar + 1);
    return true;
}

static void list_newest(const struct request *req, const struct filters *f, struct reply *rep)
{
    struct list_page page;
    if (!list_page_parse(req, LIST_SCOPE, &page, rep))
        return;
    const char *after_id = page.position[0] != '\0' ? page.position : NULL;
    if (after_id != NULL && !positive_integer(after_id)) {
        reply_invalid_field(rep, "cursor", "is not a cursor of this list");
        return;
    }
    const char *actor = request_actor(req);
    const char *counting = f->count && after_id == NULL ? "true" : "false";
    bool others = f->kind != NULL || f->institution_id != NULL || f->open_license != NULL ||
                  f->status != NULL;
    if (!others) {
        const char *params[] = { actor, f->province, f->field, page.limit, after_id, counting };
        list_reply(rep, LIST_SCOPE, &LIST_BROWSED, 6, params);
    } else {
        const char *params[] = { actor,     f->province,       f->field,
                                 f->kind,   f->institution_id, f->open_license,
                                 f->status, page.limit,        after_id,
                                 counting };
        list_reply(rep, LIST_SCOPE, &LIST, 10, params);
    }
}

/* A list placed by a position of two integers ('rank|id' of the search, 'sort_key|tie' of the
 * other orders): the filters, then sort when the statement takes one, the page and the count. */
static void list_by_pair(const struct request *req, const struct filters *f, const char *scope,
                         const struct statement *st, const char *sort, struct reply *rep)
{
    struct list_page page;
    if (!list_page_parse(req, scope, &page, rep))
        return;
    char first[ID_TEXT], second[ID_TEXT];
    bool after = page.position[0] != '\0';
    if (after && !position_split(page.position, first, second)) {
        reply_invalid_field(rep, "cursor", "is not a cursor of this list");
        return;
    }
    const char *params[13] = { request_actor(req), f->q,     f->province,
                               f->field,           f->kind,  f->institution_id,
                               f->open_license,    f->status };
    int n = 8;
    if (sort != NULL)
        params[n++] = sort;
    params[n++] = page.limit;
    params[n++] = after ? first : NULL;
    params[n++] = after ? second : NULL;
    params[n++] = f->count && !after ? "true" : "false";
    list_reply(rep, scope, st, n, params);
}

void achievements_list(struct request *req, struct reply *rep)
{
    struct filters f;
    if (!filters_parse(req, &f, rep))
        return;
    if (f.sort == SORT_RELEVANCE)
        list_by_pair(req, &f, SEARCH_SCOPE, &SEARCH, NULL, rep);
    else if (f.sort == SORT_NEWEST && f.q == NULL)
        list_newest(req, &f, rep);
    else /* the orders the two lists do not have: by fee, or newest first with q */
        list_by_pair(req, &f, SORTED_SCOPES[f.sort], &SORTED, SORTS[f.sort], rep);
}
