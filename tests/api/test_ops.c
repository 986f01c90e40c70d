/* test_ops: operations endpoints, the contract's error replies, and static file serving
 * (MIME types, ETag, security headers, no way out of the static directory). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static char static_dir[256];

static void make_static_dir(void)
{
    snprintf(static_dir, sizeof static_dir, "/tmp/techpool-static-%d", (int)getpid());
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "rm -rf %1$s && mkdir -p %1$s/js %1$s/sub && "
             "printf '<!doctype html><title>t</title>' > %1$s/index.html && "
             "printf 'export const x = 1;' > %1$s/js/app.js && "
             "printf 'body{}' > %1$s/sub/site.css && printf '<p>sub</p>' > %1$s/sub/index.html && "
             "printf 'secret' > %1$s/.hidden && printf 'outside' > %1$s.outside && "
             "ln -s %1$s.outside %1$s/leak.txt && ln -s /etc %1$s/etc && "
             "ln -s js/app.js %1$s/alias.js",
             static_dir);
    ck_assert_int_eq(system(cmd), 0);
}

static void setup(void)
{
    make_static_dir();
    static char env[300];
    snprintf(env, sizeof env, "TECHPOOL_STATIC_DIR=%s", static_dir);
    const char *extra[] = { env, NULL };
    harness_start("ops", extra);
}

static void teardown(void)
{
    ck_assert_int_eq(harness_stop(), 0);
}

static void assert_problem(struct http_reply *r, long status, const char *code)
{
    ck_assert_msg(r != NULL, "no reply");
    ck_assert_int_eq(r->status, status);
    ck_assert_str_eq(http_header(r, "Content-Type"), "application/problem+json");
    ck_assert_str_eq(problem_code(r), code);
    ck_assert_int_eq(json_integer_value(json_object_get(r->json, "status")), status);
    ck_assert_str_eq(json_string_value(json_object_get(r->json, "type")), "about:blank");
    ck_assert_ptr_nonnull(json_string_value(json_object_get(r->json, "title")));
}

START_TEST(healthz_answers_ok)
{
    struct http_reply *r = http_get("/healthz", NULL);
    ck_assert_int_eq(r->status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(r->json, "status")), "ok");
    ck_assert_str_eq(http_header(r, "Cache-Control"), "no-store");
    http_reply_free(r);
}
END_TEST

START_TEST(readyz_answers_ok_with_database)
{
    struct http_reply *r = http_get("/readyz", NULL);
    ck_assert_int_eq(r->status, 200);
    http_reply_free(r);
}
END_TEST

START_TEST(metrics_counts_requests_by_route_and_status)
{
    http_reply_free(http_get("/healthz", NULL));
    http_reply_free(http_get("/api/v1/no-such-thing", NULL));
    struct http_reply *r = http_get("/metrics", NULL);
    ck_assert_int_eq(r->status, 200);
    ck_assert_ptr_nonnull(strstr(http_header(r, "Content-Type"), "text/plain"));
    ck_assert_ptr_nonnull(
        strstr(r->body, "techpool_http_requests_total{route=\"GET /healthz\",status=\"200\"}"));
    ck_assert_ptr_nonnull(
        strstr(r->body, "techpool_http_requests_total{route=\"unmatched\",status=\"404\"}"));
    ck_assert_ptr_nonnull(strstr(r->body,
                                 "techpool_http_request_duration_seconds_bucket{le=\"+Inf\"}"));
    ck_assert_ptr_nonnull(strstr(r->body, "techpool_db_connections_in_use"));
    ck_assert_ptr_nonnull(strstr(r->body, "techpool_http_errors_total"));
    http_reply_free(r);
}
END_TEST

START_TEST(meta_lists_enums_in_chinese_and_english)
{
    struct http_reply *r = http_get("/api/v1/meta", NULL);
    ck_assert_int_eq(r->status, 200);
    json_t *provinces = json_object_get(r->json, "provinces");
    ck_assert_int_eq(json_array_size(provinces), 4);
    json_t *sh = json_array_get(provinces, 0);
    ck_assert_str_eq(json_string_value(json_object_get(sh, "value")), "SH");
    ck_assert_str_eq(json_string_value(json_object_get(sh, "zh")), "上海");
    ck_assert_str_eq(json_string_value(json_object_get(sh, "en")), "Shanghai");
    const char *lists[] = { "fields",
                            "kinds",
                            "payment_modes",
                            "achievement_statuses",
                            "trial_statuses",
                            "license_statuses",
                            "institution_kinds",
                            "roles",
                            "royalty_bases",
                            "fee_kinds",
                            "recording_statuses" };
    size_t sizes[] = { 10, 8, 5, 6, 7, 5, 4, 4, 2, 3, 3 };
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        ck_assert_msg(json_array_size(json_object_get(r->json, lists[i])) == sizes[i],
                      "meta.%s has the wrong size", lists[i]);
    http_reply_free(r);
}
END_TEST

START_TEST(unknown_api_path_is_404_problem)
{
    struct http_reply *r = http_get("/api/v1/nothing-here", NULL);
    assert_problem(r, 404, "not_found");
    http_reply_free(r);
}
END_TEST

START_TEST(wrong_method_is_405_with_allow)
{
    struct http_reply *r = http_call("DELETE", "/healthz", NULL, NULL, NULL);
    assert_problem(r, 405, "method_not_allowed");
    ck_assert_str_eq(http_header(r, "Allow"), "GET, HEAD");
    http_reply_free(r);
}
END_TEST

START_TEST(declared_oversized_body_is_413_before_reading)
{
    char request[512];
    int n =
        snprintf(request, sizeof request,
                 "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 "Content-Length: %d\r\n\r\n{",
                 10 * 1024 * 1024);
    char *reply = http_raw(request, (size_t)n);
    ck_assert_msg(strncmp(reply, "HTTP/1.1 413", 12) == 0, "got: %.80s", reply);
    ck_assert_ptr_nonnull(strstr(reply, "\"code\":\"payload_too_large\""));
    free(reply);
}
END_TEST

START_TEST(chunked_oversized_body_is_413)
{
    size_t size = 1024 * 1024 + 10;
    char *body = malloc(size + 1);
    memset(body, ' ', size);
    body[0] = '{';
    body[size - 1] = '}';
    body[size] = '\0';
    const char *headers[] = { "Transfer-Encoding: chunked", NULL };
    struct http_reply *r = http_call("POST", "/api/v1/session", NULL, body, headers);
    assert_problem(r, 413, "payload_too_large");
    http_reply_free(r);
    free(body);
}
END_TEST

START_TEST(static_index_is_served_with_security_headers)
{
    struct http_reply *r = http_get("/", NULL);
    ck_assert_int_eq(r->status, 200);
    ck_assert_str_eq(http_header(r, "Content-Type"), "text/html; charset=utf-8");
    ck_assert_str_eq(http_header(r, "X-Content-Type-Options"), "nosniff");
    const char *csp = http_header(r, "Content-Security-Policy");
    ck_assert_ptr_nonnull(csp);
    ck_assert_ptr_nonnull(strstr(csp, "default-src 'self'"));
    ck_assert_ptr_null(strstr(csp, "unsafe-inline"));
    ck_assert_ptr_nonnull(strstr(csp, "frame-ancestors 'none'"));
    ck_assert_ptr_nonnull(http_header(r, "Referrer-Policy"));
    ck_assert_str_eq(r->body, "<!doctype html><title>t</title>");
    http_reply_free(r);
}
END_TEST

START_TEST(static_files_have_their_mime_types)
{
    struct http_reply *r = http_get("/js/app.js", NULL);
    ck_assert_int_eq(r->status, 200);
    ck_assert_str_eq(http_header(r, "Content-Type"), "text/javascript; charset=utf-8");
    http_reply_free(r);
    r = http_get("/sub/site.css", NULL);
    ck_assert_str_eq(http_header(r, "Content-Type"), "text/css; charset=utf-8");
    http_reply_free(r);
    r = http_get("/sub/", NULL);
    ck_assert_int_eq(r->status, 200);
    ck_assert_str_eq(r->body, "<p>sub</p>");
    http_reply_free(r);
}
END_TEST

START_TEST(static_etag_gives_304_on_match)
{
    struct http_reply *r = http_get("/js/app.js", NULL);
    char etag[64];
    snprintf(etag, sizeof etag, "%s", http_header(r, "ETag"));
    ck_assert_int_eq(etag[0], '"');
    http_reply_free(r);
    char header[100];
    snprintf(header, sizeof header, "If-None-Match: %s", etag);
    const char *headers[] = { header, NULL };
    r = http_call("GET", "/js/app.js", NULL, NULL, headers);
    ck_assert_int_eq(r->status, 304);
    ck_assert_int_eq(r->body_len, 0);
    http_reply_free(r);
}
END_TEST

static void assert_raw_refused(const char *target)
{
    char request[512];
    int n = snprintf(request, sizeof request,
                     "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", target);
    char *reply = http_raw(request, (size_t)n);
    ck_assert_msg(strncmp(reply, "HTTP/1.1 404", 12) == 0 ||
                      strncmp(reply, "HTTP/1.1 400", 12) == 0,
                  "%s answered: %.60s", target, reply);
    ck_assert_msg(strstr(reply, "root:") == NULL && strstr(reply, "outside") == NULL &&
                      strstr(reply, "secret") == NULL,
                  "%s leaked a file", target);
    free(reply);
}

START_TEST(static_traversal_attempts_are_refused)
{
    assert_raw_refused("/../../../../etc/passwd");
    assert_raw_refused("/js/../../etc/passwd");
    assert_raw_refused("/%2e%2e/%2e%2e/etc/passwd");
    assert_raw_refused("/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd");
    assert_raw_refused("/js/%2e%2e/%2e%2e/%2e%2e/etc/passwd");
    assert_raw_refused("/index.html%00.png");
    assert_raw_refused("/.hidden");
    assert_raw_refused("/leak.txt");
    assert_raw_refused("/etc/passwd");
    assert_raw_refused("//etc/passwd");
    assert_raw_refused("/js\\..\\..\\etc\\passwd");
}
END_TEST

START_TEST(symlink_inside_static_is_served)
{
    struct http_reply *r = http_get("/alias.js", NULL);
    ck_assert_int_eq(r->status, 200);
    ck_assert_str_eq(r->body, "export const x = 1;");
    http_reply_free(r);
}
END_TEST

START_TEST(missing_static_file_is_404)
{
    struct http_reply *r = http_get("/nope.html", NULL);
    assert_problem(r, 404, "not_found");
    http_reply_free(r);
}
END_TEST

START_TEST(every_reply_has_a_request_id)
{
    struct http_reply *r = http_get("/healthz", NULL);
    const char *id = http_header(r, "X-Request-Id");
    ck_assert_ptr_nonnull(id);
    ck_assert_int_eq(strlen(id), 32);
    http_reply_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ops");
    TCase *tc = tcase_create("ops");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, healthz_answers_ok);
    tcase_add_test(tc, readyz_answers_ok_with_database);
    tcase_add_test(tc, metrics_counts_requests_by_route_and_status);
    tcase_add_test(tc, meta_lists_enums_in_chinese_and_english);
    tcase_add_test(tc, unknown_api_path_is_404_problem);
    tcase_add_test(tc, wrong_method_is_405_with_allow);
    tcase_add_test(tc, declared_oversized_body_is_413_before_reading);
    tcase_add_test(tc, chunked_oversized_body_is_413);
    tcase_add_test(tc, static_index_is_served_with_security_headers);
    tcase_add_test(tc, static_files_have_their_mime_types);
    tcase_add_test(tc, static_etag_gives_304_on_match);
    tcase_add_test(tc, static_traversal_attempts_are_refused);
    tcase_add_test(tc, symlink_inside_static_is_served);
    tcase_add_test(tc, missing_static_file_is_404);
    tcase_add_test(tc, every_reply_has_a_request_id);
    suite_add_tcase(s, tc);
    return harness_run_suite(s);
}
