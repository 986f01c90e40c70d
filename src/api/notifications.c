/* notifications: the endpoints over 0022_notifications.sql — each one SQL function of the
 * caller's own rows; here queries and bodies are checked. */
#include "api/notifications.h"

#include <string.h>

#include "api/dbcall.h"
#include "api/listing.h"
#include "domain/vocabulary.h"
#include "http/fields.h"

static const char LIST_SCOPE[] = "notifications";

/* clang-format off */
struct preference_body {
    struct field_value email, language;
};
static const struct field_spec PREFERENCE_SPECS[] = {
    { .name = "email", .type = FIELD_BOOL, .required = true,
      FIELD_AT(struct preference_body, email) },
    { .name = "language", .type = FIELD_ENUM, .required = true, .values = LANGUAGES,
      FIELD_AT(struct preference_body, language) },
};
/* clang-format on */

static const struct statement LIST = {
    "notifications_list",
    "SELECT * FROM api_notifications_list($1::bigint, $2::boolean, $3::integer, $4::bigint)"
};
static const struct statement READ = { "notification_read",
                                       "SELECT api_notification_read($1::bigint, $2::bigint)" };
static const struct statement READ_ALL = { "notifications_read_all",
                                           "SELECT api_notifications_read_all($1::bigint)" };
static const struct statement PREFERENCES_GET = { "preferences_get",
                                                  "SELECT api_preferences_get($1::bigint)" };
static const struct statement PREFERENCES_PUT = {
    "preferences_put", "SELECT api_preferences_put($1::bigint, $2::boolean, $3::text)"
};

void notifications_list(struct request *req, struct reply *rep)
{
    const char *unread = request_query(req, "unread");
    if (unread != NULL && strcmp(unread, "true") != 0 && strcmp(unread, "false") != 0) {
        reply_invalid_field(rep, "unread", "must be true or false");
        return;
    }
    struct list_page page;
    if (!list_page_parse(req, LIST_SCOPE, &page, rep))
        return;
    const char *params[] = { req->caller.user_id_text, unread, page.limit,
                             page.position[0] != '\0' ? page.position : NULL };
    list_reply(rep, LIST_SCOPE, &LIST, 4, params);
}

void notification_read(struct request *req, struct reply *rep)
{
    if (!fields_check(req->body, NULL, 0, rep))
        return;
    const char *params[] = { req->caller.user_id_text, req->id_text[0] };
    api_db_json(rep, 200, &READ, 2, params);
}

void notifications_read_all(struct request *req, struct reply *rep)
{
    if (!fields_check(req->body, NULL, 0, rep))
        return;
    const char *params[] = { req->caller.user_id_text };
    api_db_json(rep, 200, &READ_ALL, 1, params);
}

void preferences_get(struct request *req, struct reply *rep)
{
    const char *params[] = { req->caller.user_id_text };
    api_db_json(rep, 200, &PREFERENCES_GET, 1, params);
}

void preferences_put(struct request *req, struct reply *rep)
{
    struct preference_body in;
    if (!fields_parse(req->body, PREFERENCE_SPECS, FIELD_COUNT(PREFERENCE_SPECS), &in, rep))
        return;
    const char *params[] = { req->caller.user_id_text, in.email.text, in.language.text };
    api_db_json(rep, 200, &PREFERENCES_PUT, 3, params);
}
