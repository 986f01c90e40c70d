/* request: role names and query access for handlers. */
#include "http/request.h"

#include <string.h>

static const struct {
    enum role role;
    const char *name;
} ROLE_NAMES[] = {
    { ROLE_ANONYMOUS, "anonymous" },
    { ROLE_ENTERPRISE, "enterprise" },
    { ROLE_INSTITUTION, "institution" },
    { ROLE_PROVINCE_ADMIN, "province_admin" },
    { ROLE_ADMIN, "admin" },
};

enum role role_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof ROLE_NAMES / sizeof ROLE_NAMES[0]; i++)
        if (strcmp(ROLE_NAMES[i].name, name) == 0)
            return ROLE_NAMES[i].role;
    return 0;
}

const char *request_actor(const struct request *req)
{
    return req->caller.role == ROLE_ANONYMOUS ? NULL : req->caller.user_id_text;
}

const char *request_query(const struct request *req, const char *name)
{
    if (req->query_lookup == NULL)
        return NULL;
    return req->query_lookup(req->transport, name);
}
