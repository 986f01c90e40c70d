/* router: matches method and path against the route table, capturing {id} segments. */
#include "http/router.h"

#include <stdio.h>
#include <string.h>

bool router_parse_id(const char *text, size_t len, int64_t *out)
{
    if (len == 0 || len > 18 || text[0] == '0')
        return false;
    int64_t value = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        value = value * 10 + (text[i] - '0');
    }
    *out = value;
    return true;
}

/* Matches path against pattern segment by segment; captures ids into req when given. */
static bool pattern_matches(const char *pattern, const char *path, struct request *req)
{
    size_t captured = 0;
    const char *p = pattern;
    const char *s = path;
    while (*p != '\0' && *s != '\0') {
        if (strncmp(p, "{id}", 4) == 0) {
            size_t len = strcspn(s, "/");
            int64_t id;
            if (captured >= REQUEST_MAX_CAPTURES || !router_parse_id(s, len, &id))
                return false;
            if (req != NULL) {
                req->ids[captured] = id;
                snprintf(req->id_text[captured], sizeof req->id_text[captured], "%lld",
                         (long long)id);
            }
            captured++;
            p += 4;
            s += len;
            continue;
        }
        if (*p != *s)
            return false;
        p++;
        s++;
    }
    if (*p != '\0' || *s != '\0')
        return false;
    if (req != NULL)
        req->id_count = captured;
    return true;
}

static void allow_append(char *allow, size_t allow_size, const char *method)
{
    if (strstr(allow, method) != NULL)
        return;
    size_t used = strlen(allow);
    snprintf(allow + used, allow_size - used, "%s%s", used > 0 ? ", " : "", method);
}

enum route_match router_match(const struct route *routes, size_t count, const char *method,
                              const char *path, const struct route **found, struct request *req,
                              char *allow, size_t allow_size)
{
    const char *wanted = strcmp(method, "HEAD") == 0 ? "GET" : method;
    bool path_known = false;
    if (allow_size > 0)
        allow[0] = '\0';
    for (size_t i = 0; i < count; i++) {
        if (!pattern_matches(routes[i].pattern, path, NULL))
            continue;
        path_known = true;
        if (strcmp(routes[i].method, wanted) == 0) {
            pattern_matches(routes[i].pattern, path, req);
            *found = &routes[i];
            return ROUTE_FOUND;
        }
    }
    if (!path_known)
        return ROUTE_NO_PATH;
    for (size_t i = 0; i < count; i++) {
        if (pattern_matches(routes[i].pattern, path, NULL)) {
            allow_append(allow, allow_size, routes[i].method);
            if (strcmp(routes[i].method, "GET") == 0)
                allow_append(allow, allow_size, "HEAD");
        }
    }
    return ROUTE_NO_METHOD;
}
