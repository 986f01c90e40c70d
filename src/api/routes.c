/* routes: the map of the service — every endpoint, its handler and who may call it. */
#include "api/api.h"
#include "api/openapi.h"
#include "http/router.h"

const struct route ROUTES[] = {
    /* operations */
    { "GET", "/healthz", ops_healthz, ROLE_ANYONE },
    { "GET", "/readyz", ops_readyz, ROLE_ANYONE },
    { "GET", "/metrics", ops_metrics, ROLE_ANYONE },
    { "GET", "/api/v1/meta", ops_meta, ROLE_ANYONE },
    { "GET", "/api/v1/openapi.json", openapi_document, ROLE_ANYONE },

    /* accounts and sessions */

    /* achievements */

    /* trials */

    /* licenses, payments and compensation */

    /* statistics, exports and audit */
};

const size_t ROUTE_COUNT = sizeof ROUTES / sizeof ROUTES[0];
