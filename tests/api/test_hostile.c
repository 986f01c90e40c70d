/* test_hostile: hostile HTTP — ambiguous body framing, huge headers, slow clients, oversized
 * bodies with flat memory, invalid UTF-8, absurd chunk sizes — is refused cleanly and the
 * service keeps serving; hostile values — a formula behind a line feed in an exported title,
 * titles of invisible characters, royalty terms without a rate — are guarded or refused. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fixtures.h"
#include "harness.h"

static void setup(void)
{
    /* under AddressSanitizer freed memory waits in a quarantine that RSS would count: keep
     * it small so that the memory test measures what the daemon holds, not what ASan does */
    const char *extra[] = { "TECHPOOL_CONNECTION_TIMEOUT=2", "TECHPOOL_PER_IP_CONNECTIONS=64",
                            "ASAN_OPTIONS=quarantine_size_mb=1:detect_leaks=1", NULL };
    harness_start("hostile", extra);
}

static void teardown(void)
{
    ck_assert_int_eq(harness_stop(), 0);
}

static void assert_still_serving(void)
{
    struct http_reply *r = http_get("/healthz", NULL);
    ck_assert_msg(r != NULL && r->status == 200, "the daemon stopped serving");
    http_reply_free(r);
}

static long daemon_rss_kib(void)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/status", harness_pid());
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    char line[256];
    long rss = -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "VmRSS: %ld kB", &rss) == 1)
            break;
    fclose(f);
    return rss;
}

START_TEST(conflicting_content_lengths_are_refused)
{
    const char req[] =
        "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}";
    char *reply = http_raw(req, sizeof req - 1);
    ck_assert_msg(strncmp(reply, "HTTP/1.1 400", 12) == 0, "got %.60s", reply);
    ck_assert_ptr_nonnull(strstr(reply, "Connection: close"));
    free(reply);
    assert_still_serving();
}
END_TEST

START_TEST(content_length_with_transfer_encoding_is_refused)
{
    const char req[] =
        "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n";
    char *reply = http_raw(req, sizeof req - 1);
    ck_assert_msg(strncmp(reply, "HTTP/1.1 400", 12) == 0, "got %.60s", reply);
    free(reply);
    assert_still_serving();
}
END_TEST

START_TEST(huge_header_is_refused_and_service_continues)
{
    size_t size = 200 * 1024;
    char *req = malloc(size + 128);
    int n = snprintf(req, 128, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ");
    memset(req + n, 'a', size);
    memcpy(req + n + size, "\r\n\r\n", 5);
    char *reply = http_raw(req, (size_t)n + size + 4);
    ck_assert_msg(strncmp(reply, "HTTP/1.1 431", 12) == 0 ||
                      strncmp(reply, "HTTP/1.1 413", 12) == 0 || reply[0] == '\0',
                  "got %.60s", reply);
    free(reply);
    free(req);
    assert_still_serving();
}
END_TEST

START_TEST(slow_clients_do_not_block_others_and_time_out)
{
    enum { SLOW = 40 };
    int fds[SLOW];
    for (int i = 0; i < SLOW; i++) {
        fds[i] = harness_connect();
        const char partial[] = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ";
        ck_assert_int_gt(send(fds[i], partial, sizeof partial - 1, MSG_NOSIGNAL), 0);
    }
    assert_still_serving();
    /* the connection timeout (2 s here) closes them: recv sees the end of the stream */
    struct timeval wait = { .tv_sec = 10 };
    setsockopt(fds[0], SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    char buf[64];
    ssize_t got = recv(fds[0], buf, sizeof buf, 0);
    ck_assert_msg(got <= 0 || strncmp(buf, "HTTP/1.1 4", 10) == 0, "slow connection was kept open");
    for (int i = 0; i < SLOW; i++)
        close(fds[i]);
    assert_still_serving();
}
END_TEST

START_TEST(ten_mebibyte_bodies_get_413_and_memory_stays_flat)
{
    long before = daemon_rss_kib();
    size_t size = 10 * 1024 * 1024;
    char *body = malloc(size + 1);
    memset(body, 'x', size);
    body[size] = '\0';
    for (int i = 0; i < 5; i++) {
        const char *headers[] = { "Transfer-Encoding: chunked", NULL };
        struct http_reply *r = http_call("POST", "/api/v1/session", NULL, body, headers);
        ck_assert_msg(r == NULL || r->status == 413, "chunked 10 MiB body got %ld",
                      r ? r->status : 0L);
        http_reply_free(r);
        r = http_call("POST", "/api/v1/session", NULL, body, NULL);
        ck_assert_msg(r == NULL || r->status == 413, "10 MiB body got %ld", r ? r->status : 0L);
        http_reply_free(r);
    }
    free(body);
    long after = daemon_rss_kib();
    ck_assert_msg(after - before < 8 * 1024, "RSS grew by %ld KiB", after - before);
    assert_still_serving();
}
END_TEST

START_TEST(invalid_utf8_in_json_is_invalid_json)
{
    struct http_reply *r = http_post("/api/v1/session", NULL,
                                     "{\"email\":\"\xff\xfe@x.cn\",\"password\":\"a\"}");
    ck_assert_int_eq(r->status, 400);
    ck_assert_str_eq(problem_code(r), "invalid_json");
    http_reply_free(r);
}
END_TEST

START_TEST(invalid_utf8_in_query_string_is_bad_request)
{
    struct http_reply *r = http_get("/api/v1/meta?q=%FF%FE", NULL);
    ck_assert_int_eq(r->status, 400);
    ck_assert_str_eq(problem_code(r), "bad_request");
    http_reply_free(r);
    r = http_get("/api/v1/meta?q=a%00b", NULL);
    ck_assert_int_eq(r->status, 400);
    http_reply_free(r);
}
END_TEST

START_TEST(malformed_json_is_invalid_json_and_wrong_type_is_415)
{
    struct http_reply *r = http_post("/api/v1/session", NULL, "{\"email\":");
    ck_assert_int_eq(r->status, 400);
    ck_assert_str_eq(problem_code(r), "invalid_json");
    http_reply_free(r);
    const char *headers[] = { "Content-Type: text/plain", NULL };
    r = http_call("POST", "/api/v1/session", NULL, "{}", headers);
    ck_assert_int_eq(r->status, 415);
    ck_assert_str_eq(problem_code(r), "unsupported_media_type");
    http_reply_free(r);
}
END_TEST

START_TEST(security_headers_on_every_reply)
{
    const char *paths[] = { "/healthz", "/api/v1/meta", "/api/v1/nothing", "/", "/nothing.html" };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        struct http_reply *r = http_get(paths[i], NULL);
        ck_assert_msg(http_header(r, "Content-Security-Policy") != NULL, "%s: no CSP", paths[i]);
        ck_assert_msg(strstr(http_header(r, "Content-Security-Policy"), "frame-ancestors 'none'") !=
                          NULL,
                      "%s: no frame-ancestors", paths[i]);
        ck_assert_msg(http_header(r, "X-Content-Type-Options") != NULL, "%s: no nosniff", paths[i]);
        ck_assert_msg(http_header(r, "Referrer-Policy") != NULL, "%s: no Referrer-Policy",
                      paths[i]);
        if (strncmp(paths[i], "/api/", 5) == 0 || strcmp(paths[i], "/healthz") == 0)
            ck_assert_msg(http_header(r, "Cache-Control") != NULL &&
                              strcmp(http_header(r, "Cache-Control"), "no-store") == 0,
                          "%s: API reply without Cache-Control: no-store", paths[i]);
        http_reply_free(r);
    }
}
END_TEST

START_TEST(chunk_size_beyond_any_body_leaves_the_service_serving)
{
    /* libmicrohttpd 0.9.75 parses the chunk sizes itself: 16 hex digits fit its 64-bit counter,
     * so it waits for that much data and never hands the size to the daemon, which can only
     * drop the connection when the client gives up (nginx in front answers 400); 17 digits
     * overflow it, and it answers 413 itself */
    const char head[] =
        "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n";
    const char *sizes[] = { "ffffffffffffffff", "7fffffffffffffff", "1ffffffffffffffff" };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char req[512];
        int n = snprintf(req, sizeof req, "%s%s\r\n{}\r\n0\r\n\r\n", head, sizes[i]);
        char *reply = http_raw(req, (size_t)n);
        bool overflows = strlen(sizes[i]) > 16;
        ck_assert_msg(overflows ? strncmp(reply, "HTTP/1.1 413", 12) == 0
                                : reply[0] == '\0' || strncmp(reply, "HTTP/1.1 4", 10) == 0,
                      "chunk size %s: got %.60s", sizes[i], reply);
        free(reply);
        assert_still_serving();
    }
}
END_TEST

/* The problem's first errors[].field, or "". */
static const char *first_error_field(const struct http_reply *r)
{
    const char *field = json_string_value(
        json_object_get(json_array_get(json_object_get(r->json, "errors"), 0), "field"));
    return field != NULL ? field : "";
}

/* Expects 422 invalid_field naming field for body sent by user. */
static void assert_invalid(const struct fixture_user *user, const char *method, const char *path,
                           const char *body, const char *field)
{
    struct http_reply *r = fixture_expect(user, method, path, body, 422, "invalid_field");
    ck_assert_msg(strcmp(first_error_field(r), field) == 0, "%s %s %s: %s", method, path, body,
                  r->body);
    http_reply_free(r);
}

/* An achievement created through the API with title and payment terms (JSON members). */
static long long achievement_created(const struct fixture_user *inst, const char *title_json,
                                     const char *terms)
{
    struct http_reply *r =
        fixture_expect(inst, "POST", "/api/v1/achievements",
                       fixture_text("{\"title\":%s,\"abstract\":\"一种用于测试的方法。\",\"field\":"
                                    "\"other\",\"kind\":\"other\","
                                    "\"maturity\":5,\"trial_months\":6,%s}",
                                    title_json, terms),
                       201, NULL);
    long long id = json_integer_value(json_object_get(r->json, "id"));
    http_reply_free(r);
    return id;
}

START_TEST(formula_behind_a_line_feed_or_whitespace_is_exported_guarded)
{
    struct fixture_user inst = fixture_institution("ZJ");
    struct fixture_user ent = fixture_enterprise("ZJ");
    struct fixture_user admin = fixture_admin();
    const char *titles[] = { "\"\\n=HYPERLINK(\\\"http://evil.test\\\",\\\"x\\\")\"",
                             "\"\\u3000 @SUM(1+1)\"", "\"\\u200b-2+3\"" };
    const char *cells[] = { "\"'\n=HYPERLINK(\"\"http://evil.test\"\",\"\"x\"\")\"",
                            "'\xe3\x80\x80 @SUM(1+1)", "'\xe2\x80\x8b-2+3" };
    for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++) {
        long long id = achievement_created(&inst, titles[i],
                                           "\"payment_mode\":\"lump_sum\","
                                           "\"reference_fee_fen\":100000");
        fixture_sql("UPDATE achievements SET status = 'pending' WHERE id = %lld", id);
        fixture_sql("UPDATE achievements SET status = 'listed' WHERE id = %lld", id);
        fixture_trial_requested(&ent, id, 3);
    }
    struct http_reply *r = http_get("/api/v1/exports/trials.csv", admin.token);
    ck_assert_msg(r->status == 200, "export: %ld", r->status);
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++)
        ck_assert_msg(strstr(r->body, fixture_text(",%s,other,", cells[i])) != NULL,
                      "no guarded cell %s in %s", cells[i], r->body);
    ck_assert_ptr_null(strstr(r->body, ",\"\n="));
    http_reply_free(r);
}
END_TEST

START_TEST(title_of_invisible_characters_is_422_and_nothing_is_stored)
{
    struct fixture_user inst = fixture_institution("SH");
    const char *titles[] = {
        "\"\\u200b\"",                                           /* zero width space */
        "\"\\u200b\\u200c\\u200d\\u2060\\ufeff\"",               /* every zero-width character */
        "\"\\u200e\\u200f\\u202a\\u202e\\u2066\\u2069\\u061c\"", /* bidi controls */
        "\"\\u00ad\\u180e\"",            /* soft hyphen, Mongolian separator */
        "\"\\u3000\\u00a0 \\t\\u200b\"", /* whitespace of every kind */
    };
    for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++)
        assert_invalid(
            &inst, "POST", "/api/v1/achievements",
            fixture_text(
                "{\"title\":%s,\"abstract\":\"摘要\",\"field\":\"other\",\"kind\":\"other\","
                "\"maturity\":5,\"trial_months\":6,\"payment_mode\":\"lump_sum\"}",
                titles[i]),
            "title");
    ck_assert_str_eq(fixture_sql("SELECT count(*) FROM achievements WHERE institution_id = %lld",
                                 (long long)inst.org_id),
                     "0");
    long long id = achievement_created(&inst, "\"\\u200b可见标题\"",
                                       "\"payment_mode\":\"lump_sum\"");
    const char *path = fixture_text("/api/v1/achievements/%lld", id);
    assert_invalid(&inst, "PATCH", path, "{\"title\":\"\\u200b\\u202e\"}", "title");
    ck_assert_str_eq(fixture_sql("SELECT title FROM achievements WHERE id = %lld", id),
                     "\xe2\x80\x8b可见标题");
}
END_TEST

START_TEST(royalty_mode_without_a_royalty_rate_is_422_on_create_patch_and_convert)
{
    struct fixture_user inst = fixture_institution("JS");
    struct fixture_user ent = fixture_enterprise("JS");
    const char *create = "{\"title\":\"提成许可\",\"abstract\":\"摘要\",\"field\":\"other\","
                         "\"kind\":\"other\",\"maturity\":5,\"trial_months\":6,%s}";
    assert_invalid(&inst, "POST", "/api/v1/achievements",
                   fixture_text(create, "\"payment_mode\":\"royalty\",\"royalty_bp\":0"),
                   "royalty_bp");
    assert_invalid(&inst, "POST", "/api/v1/achievements",
                   fixture_text(create, "\"payment_mode\":\"lump_sum_plus_royalty\""),
                   "royalty_bp");
    ck_assert_str_eq(fixture_sql("SELECT count(*) FROM achievements WHERE institution_id = %lld",
                                 (long long)inst.org_id),
                     "0");

    /* a royalty achievement cannot lose its rate; one without cannot take a royalty mode
     * (answered by the database's rule, as the stored half of the terms is there) */
    long long royalty = achievement_created(
        &inst, "\"提成许可\"", "\"payment_mode\":\"lump_sum_plus_royalty\",\"royalty_bp\":300");
    assert_invalid(&inst, "PATCH", fixture_text("/api/v1/achievements/%lld", royalty),
                   "{\"royalty_bp\":0}", "royalty_bp");
    ck_assert_str_eq(fixture_sql("SELECT royalty_bp FROM achievements WHERE id = %lld", royalty),
                     "300");
    int64_t plain = fixture_listed_achievement(inst.org_id, 12, false);
    const char *plain_path = fixture_text("/api/v1/achievements/%lld", (long long)plain);
    assert_invalid(&inst, "PATCH", plain_path, "{\"payment_mode\":\"royalty\"}", "royalty_bp");
    assert_invalid(&inst, "PATCH", plain_path, "{\"payment_mode\":\"royalty\",\"royalty_bp\":0}",
                   "royalty_bp");
    ck_assert_str_eq(fixture_sql("SELECT payment_mode FROM achievements WHERE id = %lld",
                                 (long long)plain),
                     "installments");

    /* converting to a royalty license: the rate given as 0, or the achievement's 0 */
    int64_t trial = fixture_trial_active(&ent, &inst, plain, 6);
    const char *convert = fixture_text("/api/v1/trials/%lld/convert", (long long)trial);
    assert_invalid(&inst, "POST", convert,
                   "{\"payment_mode\":\"royalty\",\"total_fen\":0,"
                   "\"royalty_bp\":0,\"installments\":[]}",
                   "royalty_bp");
    assert_invalid(&inst, "POST", convert,
                   "{\"payment_mode\":\"royalty\",\"total_fen\":0,"
                   "\"installments\":[]}",
                   "royalty_bp");
    ck_assert_str_eq(fixture_sql("SELECT count(*) FROM licenses WHERE trial_id = %lld",
                                 (long long)trial),
                     "0");
    ck_assert_str_eq(fixture_sql("SELECT status FROM trials WHERE id = %lld", (long long)trial),
                     "active");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hostile");
    TCase *tc = tcase_create("hostile");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, conflicting_content_lengths_are_refused);
    tcase_add_test(tc, content_length_with_transfer_encoding_is_refused);
    tcase_add_test(tc, huge_header_is_refused_and_service_continues);
    tcase_add_test(tc, slow_clients_do_not_block_others_and_time_out);
    tcase_add_test(tc, ten_mebibyte_bodies_get_413_and_memory_stays_flat);
    tcase_add_test(tc, invalid_utf8_in_json_is_invalid_json);
    tcase_add_test(tc, invalid_utf8_in_query_string_is_bad_request);
    tcase_add_test(tc, malformed_json_is_invalid_json_and_wrong_type_is_415);
    tcase_add_test(tc, security_headers_on_every_reply);
    tcase_add_test(tc, chunk_size_beyond_any_body_leaves_the_service_serving);
    tcase_add_test(tc, formula_behind_a_line_feed_or_whitespace_is_exported_guarded);
    tcase_add_test(tc, title_of_invisible_characters_is_422_and_nothing_is_stored);
    tcase_add_test(tc, royalty_mode_without_a_royalty_rate_is_422_on_create_patch_and_convert);
    suite_add_tcase(s, tc);
    return harness_run_suite(s);
}
