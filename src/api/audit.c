/* audit: the audit log list — ?entity= and ?entity_id= narrow it to one kind of object or one
 * object's history; an admin sees every event, a province_admin those on its province's objects
 * (api_audit_list in 0008_stats.sql says which). */
#include "api/audit.h"

#include <string.h>

#include "api/listing.h"
#include "domain/vocabulary.h"
#include "http/router.h"

static const struct statement LIST = {
    "audit_list", "SELECT items, next_position "
                  "FROM api_audit_list($1::bigint, $2::text, $3::bigint, $4::integer, $5::text)"
};

void audit_list(struct request *req, struct reply *rep)
{
    const char *entity = request_query(req, "entity");
    const char *entity_id = request_query(req, "entity_id");
    int64_t id;
    struct list_page page;
    if (entity != NULL && entity[0] == '\0')
        entity = NULL;
    if (entity_id != NULL && entity_id[0] == '\0')
        entity_id = NULL;
    if (entity != NULL && !vocabulary_has(AUDIT_ENTITIES, entity)) {
        reply_invalid_field(rep, "entity", "is not one of the allowed values");
        return;
    }
    if (entity_id != NULL && !router_parse_id(entity_id, strlen(entity_id), &id)) {
        reply_invalid_field(rep, "entity_id", "must be a positive integer");
        return;
    }
    if (entity_id != NULL && entity == NULL) {
        reply_invalid_field(rep, "entity_id", "needs entity (the kind of object it names)");
        return;
    }
    if (!list_page_parse(req, "audit", &page, rep))
        return;
    const char *params[] = {
        request_actor(req),
        entity,
        entity_id,
        page.limit,
        page.position[0] != '\0' ? page.position : NULL,
    };
    list_reply(rep, "audit", &LIST, 5, params);
}
