/* test_idempotency: the Idempotency-Key convention on the (idem) endpoints — trial request,
 * conversion and payment — against a real daemon: byte-identical replay, 422 for another body
 * under the same key, 409 while the first request holds the key, nothing stored for a failed
 * request, keys per user, and plain requests without a key. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "harness.h"

#define TODAY "2026-03-01"
#define CONVERT                                                                  \
    "{\"payment_mode\":\"installments\",\"total_fen\":600000,\"installments\":[" \
    "{\"due_on\":\"2026-06-01\",\"amount_fen\":200000},"                         \
    "{\"due_on\":\"2026-12-01\",\"amount_fen\":400000}]}"
/* the same request with its keys in another order and other spacing */
#define CONVERT_REORDERED                                    \
    "{ \"installments\": ["                                  \
    "{\"amount_fen\": 200000, \"due_on\": \"2026-06-01\"},"  \
    "{\"amount_fen\": 400000, \"due_on\": \"2026-12-01\"}]," \
    " \"total_fen\": 600000, \"payment_mode\": \"installments\" }"

static void setup(void)
{
    static const char *const env[] = { "TECHPOOL_TODAY=" TODAY, NULL };
    harness_start("idempotency", env);
    fixture_set_today(TODAY);
}

static void teardown(void)
{
    ck_assert_int_eq(harness_stop(), 0);
}

/* POST with an Idempotency-Key header; the reply must have status. */
static struct http_reply *post_keyed(const struct fixture_user *user, const char *path,
                                     const char *body, const char *key, long status)
{
    char header[300];
    snprintf(header, sizeof header, "Idempotency-Key: %s", key);
    const char *headers[] = { header, NULL };
    struct http_reply *r = http_call("POST", path, user->token, body, headers);
    ck_assert_msg(r != NULL, "POST %s: no reply", path);
    ck_assert_msg(r->status == status, "POST %s (key %s): expected %ld, got %ld %s", path, key,
                  status, r->status, r->body);
    return r;
}

static void assert_same_reply(const struct http_reply *a, const struct http_reply *b)
{
    ck_assert_int_eq(a->status, b->status);
    ck_assert_uint_eq(a->body_len, b->body_len);
    ck_assert_msg(memcmp(a->body, b->body, a->body_len) == 0, "replay differs:\n%s\n%s", a->body,
                  b->body);
}

static long long count_of(const char *sql_count)
{
    return atoll(fixture_sql("%s", sql_count));
}

START_TEST(replayed_conversion_returns_the_first_reply_byte_for_byte)
{
    struct fixture_user inst = fixture_institution("SH");
    struct fixture_user ent = fixture_enterprise("ZJ");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, true);
    int64_t trial = fixture_trial_active(&ent, &inst, achievement, 6);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/trials/%lld/convert", (long long)trial);
    struct http_reply *first = post_keyed(&inst, path, CONVERT, "convert-1", 201);
    struct http_reply *again = post_keyed(&inst, path, CONVERT, "convert-1", 201);
    assert_same_reply(first, again);
    struct http_reply *reordered = post_keyed(&inst, path, CONVERT_REORDERED, "convert-1", 201);
    assert_same_reply(first, reordered);
    ck_assert_str_eq(http_header(again, "Content-Type"), "application/json");
    http_reply_free(first);
    http_reply_free(again);
    http_reply_free(reordered);
    ck_assert_int_eq(count_of(fixture_text("SELECT count(*) FROM licenses WHERE trial_id = %lld",
                                           (long long)trial)),
                     1);
    ck_assert_str_eq(fixture_sql("SELECT status FROM idempotency_keys WHERE user_id = %lld"
                                 " AND key = 'convert-1'",
                                 (long long)inst.id),
                     "201");
    /* without the key the proposal is a new request, refused: one open proposal per trial */
    fixture_check(&inst, "POST", path, CONVERT, 409, "conflict");
}
END_TEST

START_TEST(replayed_trial_request_and_payment_change_nothing)
{
    struct fixture_user inst = fixture_institution("JS");
    struct fixture_user ent = fixture_enterprise("JS");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/achievements/%lld/trials", (long long)achievement);
    const char *body = "{\"purpose\":\"小批量试产\",\"planned_months\":6}";
    struct http_reply *first = post_keyed(&ent, path, body, "request-1", 201);
    struct http_reply *again = post_keyed(&ent, path, body, "request-1", 201);
    assert_same_reply(first, again);
    http_reply_free(first);
    http_reply_free(again);
    ck_assert_int_eq(count_of(fixture_text("SELECT count(*) FROM trials WHERE achievement_id"
                                           " = %lld",
                                           (long long)achievement)),
                     1);

    int64_t license = fixture_license(&ent, &inst,
                                      fixture_listed_achievement(inst.org_id, 12, false), 1000,
                                      "[{\"due_on\":\"2026-06-01\",\"amount_fen\":1000}]");
    snprintf(path, sizeof path, "/api/v1/licenses/%lld/payments", (long long)license);
    body = "{\"amount_fen\":300,\"paid_on\":\"" TODAY "\",\"reference\":\"回单 A\"}";
    first = post_keyed(&inst, path, body, "pay-1", 201);
    again = post_keyed(&inst, path, body, "pay-1", 201);
    assert_same_reply(first, again);
    http_reply_free(first);
    http_reply_free(again);
    ck_assert_str_eq(fixture_sql("SELECT paid_fen || '/' || (SELECT count(*) FROM payments"
                                 " WHERE license_id = %1$lld) FROM licenses WHERE id = %1$lld",
                                 (long long)license),
                     "300/1");
}
END_TEST

START_TEST(same_key_with_another_request_is_422)
{
    struct fixture_user inst = fixture_institution("AH");
    struct fixture_user ent = fixture_enterprise("AH");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    int64_t license = fixture_license(&ent, &inst, achievement, 1000,
                                      "[{\"due_on\":\"2026-06-01\",\"amount_fen\":1000}]");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/licenses/%lld/payments", (long long)license);
    http_reply_free(post_keyed(&inst, path,
                               "{\"amount_fen\":100,\"paid_on\":\"" TODAY "\",\"reference\":\"r\"}",
                               "pay-x", 201));
    struct http_reply *r = post_keyed(&inst, path,
                                      "{\"amount_fen\":200,\"paid_on\":\"" TODAY
                                      "\",\"reference\":\"r\"}",
                                      "pay-x", 422);
    ck_assert_str_eq(problem_code(r), "idempotency_conflict");
    http_reply_free(r);
    /* the same body on another path is another request too */
    int64_t other = fixture_license(&ent, &inst, fixture_listed_achievement(inst.org_id, 12, false),
                                    1000, "[{\"due_on\":\"2026-06-01\",\"amount_fen\":1000}]");
    snprintf(path, sizeof path, "/api/v1/licenses/%lld/payments", (long long)other);
    r = post_keyed(&inst, path,
                   "{\"amount_fen\":100,\"paid_on\":\"" TODAY "\",\"reference\":\"r\"}", "pay-x",
                   422);
    ck_assert_str_eq(problem_code(r), "idempotency_conflict");
    http_reply_free(r);
    ck_assert_str_eq(fixture_sql("SELECT string_agg(paid_fen::text, ',' ORDER BY id) FROM"
                                 " licenses WHERE id IN (%lld, %lld)",
                                 (long long)license, (long long)other),
                     "100,0");
}
END_TEST

START_TEST(request_while_the_first_holds_the_key_is_409)
{
    struct fixture_user inst = fixture_institution("ZJ");
    struct fixture_user ent = fixture_enterprise("SH");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/achievements/%lld/trials", (long long)achievement);
    const char *body = "{\"purpose\":\"试用\",\"planned_months\":2}";
    /* the first request's transaction holds the key's advisory lock until it ends */
    PGconn *first = PQconnectdb(harness_conninfo());
    ck_assert_int_eq(PQstatus(first), CONNECTION_OK);
    char lock[200];
    snprintf(lock, sizeof lock,
             "SELECT pg_advisory_xact_lock(7401, hashtext('%lld' || ' ' ||"
             " 'held-key'))",
             (long long)ent.id);
    PQclear(PQexec(first, "BEGIN"));
    PGresult *res = PQexec(first, lock);
    ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
    PQclear(res);
    struct http_reply *r = post_keyed(&ent, path, body, "held-key", 409);
    ck_assert_str_eq(problem_code(r), "idempotency_conflict");
    http_reply_free(r);
    ck_assert_int_eq(count_of(fixture_text("SELECT count(*) FROM trials WHERE achievement_id"
                                           " = %lld",
                                           (long long)achievement)),
                     0);
    PQclear(PQexec(first, "ROLLBACK"));
    PQfinish(first);
    http_reply_free(post_keyed(&ent, path, body, "held-key", 201));
}
END_TEST

START_TEST(failed_request_stores_nothing_and_runs_again)
{
    struct fixture_user inst = fixture_institution("SH");
    struct fixture_user ent = fixture_enterprise("SH");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 3, false);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/achievements/%lld/trials", (long long)achievement);
    const char *body = "{\"purpose\":\"试用\",\"planned_months\":6}";
    struct http_reply *r = post_keyed(&ent, path, body, "retry-me", 422);
    ck_assert_str_eq(problem_code(r), "invalid_field");
    http_reply_free(r);
    ck_assert_int_eq(count_of(fixture_text("SELECT count(*) FROM idempotency_keys WHERE user_id"
                                           " = %lld",
                                           (long long)ent.id)),
                     0);
    fixture_sql("UPDATE achievements SET trial_months = 12 WHERE id = %lld",
                (long long)achievement);
    http_reply_free(post_keyed(&ent, path, body, "retry-me", 201));
    http_reply_free(post_keyed(&ent, "/api/v1/achievements/999999/trials", body, "missing", 404));
    ck_assert_int_eq(count_of(fixture_text("SELECT count(*) FROM idempotency_keys WHERE user_id"
                                           " = %lld",
                                           (long long)ent.id)),
                     1);
}
END_TEST

START_TEST(keys_belong_to_their_user)
{
    struct fixture_user inst = fixture_institution("JS");
    struct fixture_user a = fixture_enterprise("JS");
    struct fixture_user b = fixture_enterprise("AH");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/achievements/%lld/trials", (long long)achievement);
    const char *body = "{\"purpose\":\"试用\",\"planned_months\":6}";
    struct http_reply *ra = post_keyed(&a, path, body, "shared-key", 201);
    struct http_reply *rb = post_keyed(&b, path, body, "shared-key", 201);
    ck_assert_int_ne(json_integer_value(json_object_get(ra->json, "id")),
                     json_integer_value(json_object_get(rb->json, "id")));
    ck_assert_int_eq(json_integer_value(json_object_get(rb->json, "enterprise_id")), b.org_id);
    http_reply_free(ra);
    http_reply_free(rb);
}
END_TEST

START_TEST(without_a_key_every_request_runs)
{
    struct fixture_user inst = fixture_institution("ZJ");
    struct fixture_user ent = fixture_enterprise("ZJ");
    int64_t license = fixture_license(&ent, &inst,
                                      fixture_listed_achievement(inst.org_id, 12, false), 1000,
                                      "[{\"due_on\":\"2026-06-01\",\"amount_fen\":1000}]");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/licenses/%lld/payments", (long long)license);
    const char *body = "{\"amount_fen\":10,\"paid_on\":\"" TODAY "\",\"reference\":\"same\"}";
    fixture_check(&inst, "POST", path, body, 201, NULL);
    fixture_check(&inst, "POST", path, body, 201, NULL);
    ck_assert_int_eq(count_of(fixture_text("SELECT count(*) FROM payments WHERE license_id ="
                                           " %lld",
                                           (long long)license)),
                     2);
}
END_TEST

START_TEST(malformed_key_is_400)
{
    struct fixture_user inst = fixture_institution("ZJ");
    struct fixture_user ent = fixture_enterprise("ZJ");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/achievements/%lld/trials", (long long)achievement);
    char long_key[300];
    memset(long_key, 'k', 256);
    long_key[256] = '\0';
    const char *body = "{\"purpose\":\"试用\",\"planned_months\":6}";
    struct http_reply *r = post_keyed(&ent, path, body, "two words", 400);
    ck_assert_str_eq(problem_code(r), "bad_request");
    http_reply_free(r);
    http_reply_free(post_keyed(&ent, path, body, long_key, 400));
    long_key[255] = '\0';
    http_reply_free(post_keyed(&ent, path, body, long_key, 201));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("idempotency");
    TCase *tc = tcase_create("idempotency");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, replayed_conversion_returns_the_first_reply_byte_for_byte);
    tcase_add_test(tc, replayed_trial_request_and_payment_change_nothing);
    tcase_add_test(tc, same_key_with_another_request_is_422);
    tcase_add_test(tc, request_while_the_first_holds_the_key_is_409);
    tcase_add_test(tc, failed_request_stores_nothing_and_runs_again);
    tcase_add_test(tc, keys_belong_to_their_user);
    tcase_add_test(tc, without_a_key_every_request_runs);
    tcase_add_test(tc, malformed_key_is_400);
    suite_add_tcase(s, tc);
    return harness_run_suite(s);
}
