/* test_trial_extensions: more time for a running trial (the enterprise asks, the institution
 * decides, never past the trial's limit), and why a trial was given back (reason code and
 * rating). */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "harness.h"

#define TODAY "2026-03-01"

static void setup(void)
{
    fixture_start_on("trial_extensions", "TECHPOOL_TODAY=" TODAY);
}

static void teardown(void)
{
    ck_assert_int_eq(harness_stop(), 0);
}

static const char *trial_path(int64_t trial, const char *action)
{
    return fixture_text("/api/v1/trials/%lld%s", (long long)trial, action);
}

static const char *text_at(const json_t *object, const char *key)
{
    const char *value = json_string_value(json_object_get(object, key));
    return value != NULL ? value : "(none)";
}

static long long audit_count(const char *action, int64_t trial)
{
    return atoll(fixture_sql("SELECT count(*) FROM audit_events WHERE action = '%s'"
                             " AND entity_id = %lld",
                             action, (long long)trial));
}

START_TEST(extension_approved_moves_the_end_within_the_limit)
{
    struct fixture_user inst = fixture_institution("SH");
    struct fixture_user ent = fixture_enterprise("ZJ");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    int64_t trial = fixture_trial_active(&ent, &inst, achievement, 6);
    const char *ask = trial_path(trial, "/extension");

    /* only the enterprise asks, and never past the limit of 12 months */
    fixture_check(&inst, "POST", ask, "{\"months\":2,\"reason\":\"中试延期\"}", 403, "forbidden");
    fixture_check(&ent, "POST", ask, "{\"months\":7,\"reason\":\"中试延期\"}", 422,
                  "invalid_field");
    fixture_check(&ent, "POST", ask, "{\"months\":0,\"reason\":\"中试延期\"}", 422,
                  "invalid_field");
    fixture_check(&ent, "POST", ask, "{\"months\":2}", 422, "invalid_field");
    fixture_check(&ent, "POST", ask, "{\"months\":2,\"reason\":\"x\",\"extra\":1}", 400, NULL);
    struct http_reply *r = fixture_expect(&ent, "POST", ask,
                                          "{\"months\":6,\"reason\":\"中试线改造延期\"}", 200,
                                          NULL);
    json_t *extension = json_object_get(r->json, "extension");
    ck_assert_str_eq(text_at(extension, "status"), "pending");
    ck_assert_int_eq(json_integer_value(json_object_get(extension, "months")), 6);
    ck_assert_str_eq(text_at(r->json, "ends_on"), "2026-09-01");
    ck_assert_int_eq(json_integer_value(json_object_get(r->json, "max_trial_months")), 12);
    http_reply_free(r);
    /* one pending request at a time */
    fixture_check(&ent, "POST", ask, "{\"months\":1,\"reason\":\"再延\"}", 409, "conflict");

    fixture_check(&ent, "POST", trial_path(trial, "/extension/approve"), NULL, 403, "forbidden");
    r = fixture_expect(&inst, "POST", trial_path(trial, "/extension/approve"), NULL, 200, NULL);
    ck_assert_str_eq(text_at(json_object_get(r->json, "extension"), "status"), "approved");
    ck_assert_int_eq(json_integer_value(json_object_get(r->json, "planned_months")), 12);
    ck_assert_str_eq(text_at(r->json, "ends_on"), "2027-03-01");
    ck_assert_str_eq(text_at(r->json, "status"), "active");
    http_reply_free(r);
    fixture_check(&inst, "POST", trial_path(trial, "/extension/approve"), NULL, 409,
                  "invalid_transition");
    /* the limit is reached: no month more */
    fixture_check(&ent, "POST", ask, "{\"months\":1,\"reason\":\"再延\"}", 422, "invalid_field");
    ck_assert_int_eq(audit_count("trial.extension_request", trial), 1);
    ck_assert_int_eq(audit_count("trial.extension_approve", trial), 1);
}
END_TEST

START_TEST(extension_declined_leaves_the_trial_as_it_was)
{
    struct fixture_user inst = fixture_institution("JS");
    struct fixture_user ent = fixture_enterprise("AH");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    int64_t requested = fixture_trial_requested(&ent, achievement, 3);
    fixture_check(&ent, "POST", trial_path(requested, "/extension"),
                  "{\"months\":1,\"reason\":\"延期\"}", 409, "invalid_transition");
    fixture_check(&inst, "POST", trial_path(requested, "/approve"), NULL, 200, NULL);
    fixture_check(&ent, "POST", trial_path(requested, "/extension"),
                  "{\"months\":3,\"reason\":\"延期\"}", 200, NULL);
    const char *decline = trial_path(requested, "/extension/decline");
    fixture_check(&inst, "POST", decline, "{}", 422, "invalid_field");
    struct http_reply *r = fixture_expect(&inst, "POST", decline, "{\"reason\":\"不再延长\"}", 200,
                                          NULL);
    json_t *extension = json_object_get(r->json, "extension");
    ck_assert_str_eq(text_at(extension, "status"), "declined");
    ck_assert_str_eq(text_at(extension, "decision_reason"), "不再延长");
    ck_assert_int_eq(json_integer_value(json_object_get(r->json, "planned_months")), 3);
    ck_assert_str_eq(text_at(r->json, "ends_on"), "2026-06-01");
    http_reply_free(r);
    fixture_check(&inst, "POST", decline, "{\"reason\":\"again\"}", 409, "invalid_transition");
    /* after a decline the enterprise may ask again */
    fixture_check(&ent, "POST", trial_path(requested, "/extension"),
                  "{\"months\":1,\"reason\":\"最后一次\"}", 200, NULL);
}
END_TEST

START_TEST(return_records_its_reason_code_and_rating)
{
    struct fixture_user inst = fixture_institution("ZJ");
    struct fixture_user ent = fixture_enterprise("ZJ");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    int64_t trial = fixture_trial_active(&ent, &inst, achievement, 6);
    const char *path = trial_path(trial, "/return");
    fixture_check(&ent, "POST", path, "{\"reason\":\"x\",\"reason_code\":\"too_cheap\"}", 422,
                  "invalid_field");
    fixture_check(&ent, "POST", path, "{\"reason\":\"x\",\"rating\":6}", 422, "invalid_field");
    fixture_check(&ent, "POST", path, "{\"reason\":\"x\",\"rating\":\"5\"}", 422, "invalid_field");
    ck_assert_str_eq(fixture_sql("SELECT status FROM trials WHERE id = %lld", (long long)trial),
                     "active");
    struct http_reply *r = fixture_expect(
        &ent, "POST", path,
        "{\"reason\":\"良率不达标\",\"reason_code\":\"technical_failure\",\"rating\":2}", 200,
        NULL);
    ck_assert_str_eq(text_at(r->json, "status"), "returned");
    ck_assert_str_eq(text_at(r->json, "reason_code"), "technical_failure");
    ck_assert_int_eq(json_integer_value(json_object_get(r->json, "rating")), 2);
    http_reply_free(r);
    fixture_check(&ent, "POST", path, "{\"reason\":\"again\"}", 409, "invalid_transition");
}
END_TEST

START_TEST(return_without_a_code_is_other)
{
    struct fixture_user inst = fixture_institution("AH");
    struct fixture_user ent = fixture_enterprise("JS");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    int64_t trial = fixture_trial_active(&ent, &inst, achievement, 6);
    struct http_reply *r = fixture_expect(&ent, "POST", trial_path(trial, "/return"),
                                          "{\"reason\":\"市场变化\"}", 200, NULL);
    ck_assert_str_eq(text_at(r->json, "reason_code"), "other");
    ck_assert(json_is_null(json_object_get(r->json, "rating")));
    http_reply_free(r);
    ck_assert_pstr_eq(fixture_sql("SELECT after->>'reason_code' FROM audit_events"
                                  " WHERE action = 'trial.return' AND entity_id = %lld",
                                  (long long)trial),
                      "other");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("trial_extensions");
    TCase *tc = tcase_create("trial_extensions");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, extension_approved_moves_the_end_within_the_limit);
    tcase_add_test(tc, extension_declined_leaves_the_trial_as_it_was);
    tcase_add_test(tc, return_records_its_reason_code_and_rating);
    tcase_add_test(tc, return_without_a_code_is_other);
    suite_add_tcase(s, tc);
    return harness_run_suite(s);
}
