/* test_openapi: the built-in OpenAPI document is valid JSON of version 3.1, and it and the
 * route table describe the same endpoints, so that neither can drift from the other. */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "api/api.h"
#include "api/openapi.h"
#include "http/router.h"

static const char *const HTTP_METHODS[] = {
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
};

static json_t *load_document(void)
{
    size_t len = 0;
    const char *text = openapi_text(&len);
    json_error_t error;
    json_t *doc = json_loadb(text, len, 0, &error);
    ck_assert_msg(doc != NULL, "api/openapi.json is not JSON: line %d: %s", error.line, error.text);
    return doc;
}

static void lower_copy(const char *in, char *out, size_t size)
{
    size_t i = 0;
    for (; in[i] != '\0' && i + 1 < size; i++)
        out[i] = (char)tolower((unsigned char)in[i]);
    out[i] = '\0';
}

static bool is_http_method(const char *key)
{
    for (size_t i = 0; i < sizeof HTTP_METHODS / sizeof HTTP_METHODS[0]; i++) {
        if (strcmp(key, HTTP_METHODS[i]) == 0)
            return true;
    }
    return false;
}

static bool route_exists(const char *method, const char *path)
{
    for (size_t i = 0; i < ROUTE_COUNT; i++) {
        char lower[16];
        lower_copy(ROUTES[i].method, lower, sizeof lower);
        if (strcmp(lower, method) == 0 && strcmp(ROUTES[i].pattern, path) == 0)
            return true;
    }
    return false;
}

/* Appends "what, " to list (a fixed buffer), for one message naming every mismatch. */
static void note(char *list, size_t size, const char *method, const char *path)
{
    size_t used = strlen(list);
    snprintf(list + used, size - used, "%s%s %s", used > 0 ? ", " : "", method, path);
}

START_TEST(openapi_document_is_json_of_version_3_1)
{
    json_t *doc = load_document();
    const char *version = json_string_value(json_object_get(doc, "openapi"));
    ck_assert_ptr_nonnull(version);
    ck_assert_msg(strncmp(version, "3.1.", 4) == 0, "openapi is %s, not 3.1.x", version);
    ck_assert_ptr_nonnull(json_object_get(doc, "info"));
    ck_assert_msg(json_is_object(json_object_get(doc, "paths")), "no paths object");
    json_decref(doc);
}
END_TEST

START_TEST(openapi_document_describes_every_route)
{
    json_t *doc = load_document();
    json_t *paths = json_object_get(doc, "paths");
    char missing[4096] = "";
    for (size_t i = 0; i < ROUTE_COUNT; i++) {
        char method[16];
        lower_copy(ROUTES[i].method, method, sizeof method);
        json_t *item = json_object_get(paths, ROUTES[i].pattern);
        if (!json_is_object(json_object_get(item, method)))
            note(missing, sizeof missing, ROUTES[i].method, ROUTES[i].pattern);
    }
    ck_assert_msg(missing[0] == '\0', "routes missing from api/openapi.json: %s", missing);
    json_decref(doc);
}
END_TEST

START_TEST(every_documented_operation_has_a_route)
{
    json_t *doc = load_document();
    json_t *paths = json_object_get(doc, "paths");
    char missing[4096] = "";
    const char *path;
    json_t *item;
    json_object_foreach(paths, path, item) {
        const char *key;
        json_t *operation;
        json_object_foreach(item, key, operation) {
            if (is_http_method(key) && !route_exists(key, path))
                note(missing, sizeof missing, key, path);
        }
    }
    ck_assert_msg(missing[0] == '\0', "documented but not routed: %s", missing);
    json_decref(doc);
}
END_TEST

/* Every "$ref" inside the document names a component that is there. */
static void check_refs(const json_t *doc, const json_t *node, char *broken, size_t size)
{
    if (json_is_array(node)) {
        size_t i;
        json_t *child;
        json_array_foreach(node, i, child)
            check_refs(doc, child, broken, size);
        return;
    }
    if (!json_is_object(node))
        return;
    const char *ref = json_string_value(json_object_get(node, "$ref"));
    if (ref != NULL) {
        char section[64];
        char name[128];
        const json_t *components = json_object_get(doc, "components");
        if (sscanf(ref, "#/components/%63[^/]/%127s", section, name) != 2 ||
            json_object_get(json_object_get(components, section), name) == NULL)
            note(broken, size, "$ref", ref);
    }
    const char *key;
    json_t *child;
    json_object_foreach((json_t *)node, key, child)
        check_refs(doc, child, broken, size);
}

START_TEST(openapi_references_resolve)
{
    json_t *doc = load_document();
    char broken[4096] = "";
    check_refs(doc, doc, broken, sizeof broken);
    ck_assert_msg(broken[0] == '\0', "unresolved references: %s", broken);
    json_decref(doc);
}
END_TEST

START_TEST(every_operation_states_its_responses_and_security)
{
    json_t *doc = load_document();
    char lacking[4096] = "";
    const char *path;
    json_t *item;
    json_object_foreach(json_object_get(doc, "paths"), path, item) {
        const char *key;
        json_t *operation;
        json_object_foreach(item, key, operation) {
            if (!is_http_method(key))
                continue;
            json_t *responses = json_object_get(operation, "responses");
            if (!json_is_object(responses) || json_object_size(responses) == 0 ||
                !json_is_array(json_object_get(operation, "security")) ||
                json_object_get(operation, "operationId") == NULL)
                note(lacking, sizeof lacking, key, path);
        }
    }
    ck_assert_msg(lacking[0] == '\0', "operations without responses, security or id: %s", lacking);
    json_decref(doc);
}
END_TEST

START_TEST(openapi_handler_serves_the_document)
{
    struct request req = { .method = "GET", .path = "/api/v1/openapi.json" };
    struct reply rep = { 0 };
    openapi_document(&req, &rep);
    size_t len = 0;
    const char *text = openapi_text(&len);
    ck_assert_int_eq(rep.status, 200);
    ck_assert_str_eq(rep.content_type, "application/json");
    ck_assert_uint_eq(rep.body_len, len);
    ck_assert_msg(memcmp(rep.body, text, len) == 0, "the reply is not the document");
    ck_assert_uint_eq(strlen(text), len);
    reply_release(&rep);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("openapi");
    TCase *tc = tcase_create("openapi");
    tcase_add_test(tc, openapi_document_is_json_of_version_3_1);
    tcase_add_test(tc, openapi_document_describes_every_route);
    tcase_add_test(tc, every_documented_operation_has_a_route);
    tcase_add_test(tc, openapi_references_resolve);
    tcase_add_test(tc, every_operation_states_its_responses_and_security);
    tcase_add_test(tc, openapi_handler_serves_the_document);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
