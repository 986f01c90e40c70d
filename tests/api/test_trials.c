/* test_trials: the trial endpoints against a real daemon — every transition and every refused
 * one, who may see and do what, the open-trial and exclusive rules, conversion, lists, and
 * expiry when the service's date moves on, read at once and stored by the daemon's sweep. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fixtures.h"
#include "harness.h"

#define TODAY "2026-03-01"
#define PURPOSE "{\"purpose\":\"中试线验证\",\"planned_months\":6}"
#define LUMP_SUM                                           \
    "{\"payment_mode\":\"lump_sum\",\"total_fen\":800000," \
    "\"installments\":[{\"due_on\":\"2026-06-30\",\"amount_fen\":800000}]}"

static void setup(void)
{
    fixture_start_on("trials", "TECHPOOL_TODAY=" TODAY);
}

static void teardown(void)
{
    ck_assert_int_eq(harness_stop(), 0);
}

static const char *text_at(const struct http_reply *r, const char *key)
{
    const char *value = json_string_value(json_object_get(r->json, key));
    return value != NULL ? value : "(none)";
}

static const char *trial_status(int64_t trial)
{
    return fixture_sql("SELECT status FROM trials WHERE id = %lld", (long long)trial);
}

static const char *trial_path(int64_t trial, const char *action)
{
    return fixture_text("/api/v1/trials/%lld%s%s", (long long)trial, action[0] ? "/" : "", action);
}

static long long audit_count(const char *action, int64_t id)
{
    return atoll(fixture_sql("SELECT count(*) FROM audit_events WHERE action = '%s'"
                             " AND entity_id = %lld",
                             action, (long long)id));
}

START_TEST(trial_request_is_requested_with_both_parties)
{
    struct fixture_user inst = fixture_institution("SH");
    struct fixture_user ent = fixture_enterprise("ZJ");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    struct http_reply *r = fixture_expect(&ent, "POST",
                                          fixture_text("/api/v1/achievements/%lld/trials",
                                                       (long long)achievement),
                                          PURPOSE, 201, NULL);
    int64_t trial = json_integer_value(json_object_get(r->json, "id"));
    ck_assert_str_eq(text_at(r, "status"), "requested");
    ck_assert_str_eq(text_at(r, "institution_province"), "SH");
    ck_assert_str_eq(text_at(r, "enterprise_province"), "ZJ");
    ck_assert_str_eq(text_at(r, "purpose"), "中试线验证");
    ck_assert_ptr_nonnull(strstr(text_at(r, "achievement_title"), "石墨烯"));
    ck_assert_ptr_nonnull(strstr(text_at(r, "enterprise_name"), "测试科技"));
    ck_assert_str_eq(text_at(r, "institution_name"),
                     fixture_sql("SELECT name FROM institutions WHERE id = %lld",
                                 (long long)inst.org_id));
    ck_assert_str_eq(text_at(r, "institution_contact_name"), "王老师");
    ck_assert_str_eq(text_at(r, "enterprise_contact_name"), "李经理");
    ck_assert_int_eq(json_integer_value(json_object_get(r->json, "planned_months")), 6);
    ck_assert(json_is_null(json_object_get(r->json, "started_on")));
    ck_assert_str_eq(harness_shanghai_day(text_at(r, "requested_at")), TODAY);
    http_reply_free(r);
    ck_assert_int_eq(audit_count("trial.request", trial), 1);
}
END_TEST

START_TEST(trial_request_refusals_change_nothing)
{
    struct fixture_user inst = fixture_institution("JS");
    struct fixture_user ent = fixture_enterprise("JS");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 3, false);
    const char *path = fixture_text("/api/v1/achievements/%lld/trials", (long long)achievement);
    char own_path[96];
    snprintf(own_path, sizeof own_path, "%s", path);
    fixture_check(&ent, "POST", own_path, PURPOSE, 422, "invalid_field"); /* 6 > 3 months */
    fixture_check(&ent, "POST", own_path, "{\"purpose\":\"x\"}", 422, "invalid_field");
    fixture_check(&ent, "POST", own_path, "{\"purpose\":\" \",\"planned_months\":1}", 422,
                  "invalid_field");
    fixture_check(&ent, "POST", own_path, "{\"purpose\":\"x\",\"planned_months\":1,\"y\":1}", 400,
                  "bad_request");
    fixture_check(&inst, "POST", own_path, "{\"purpose\":\"x\",\"planned_months\":1}", 403,
                  "forbidden");
    fixture_check(NULL, "POST", own_path, "{\"purpose\":\"x\",\"planned_months\":1}", 401,
                  "unauthenticated");
    /* free trials are for small and medium enterprises */
    struct fixture_user large = fixture_enterprise("JS");
    fixture_sql("UPDATE enterprises SET scale = 'large' WHERE id = %lld", (long long)large.org_id);
    fixture_check(&large, "POST", own_path, "{\"purpose\":\"x\",\"planned_months\":1}", 403,
                  "not_sme");
    fixture_check(&ent, "POST", "/api/v1/achievements/999999/trials",
                  "{\"purpose\":\"x\",\"planned_months\":1}", 404, "not_found");
    fixture_sql("UPDATE achievements SET status = 'withdrawn' WHERE id = %lld",
                (long long)achievement);
    fixture_check(&ent, "POST", own_path, "{\"purpose\":\"x\",\"planned_months\":1}", 404,
                  "not_found");
    ck_assert_str_eq(fixture_sql("SELECT count(*) FROM trials WHERE achievement_id = %lld",
                                 (long long)achievement),
                     "0");
}
END_TEST

START_TEST(trial_second_open_request_of_one_enterprise_conflicts)
{
    struct fixture_user inst = fixture_institution("AH");
    struct fixture_user ent = fixture_enterprise("AH");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    int64_t first = fixture_trial_requested(&ent, achievement, 6);
    const char *path = fixture_text("/api/v1/achievements/%lld/trials", (long long)achievement);
    fixture_check(&ent, "POST", path, PURPOSE, 409, "conflict");
    fixture_check(&ent, "POST", trial_path(first, "cancel"), NULL, 200, NULL);
    path = fixture_text("/api/v1/achievements/%lld/trials", (long long)achievement);
    fixture_check(&ent, "POST", path, PURPOSE, 201, NULL); /* closed trials do not count */
}
END_TEST

START_TEST(trial_approve_starts_today_for_planned_months)
{
    struct fixture_user inst = fixture_institution("SH");
    struct fixture_user ent = fixture_enterprise("SH");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    int64_t trial = fixture_trial_requested(&ent, achievement, 6);
    struct http_reply *r = fixture_expect(&inst, "POST", trial_path(trial, "approve"), NULL, 200,
                                          NULL);
    ck_assert_str_eq(text_at(r, "status"), "active");
    ck_assert_str_eq(text_at(r, "started_on"), TODAY);
    ck_assert_str_eq(text_at(r, "ends_on"), "2026-09-01");
    http_reply_free(r);
    ck_assert_int_eq(audit_count("trial.approve", trial), 1);
    fixture_check(&inst, "POST", trial_path(trial, "approve"), NULL, 409, "invalid_transition");
    fixture_check(&inst, "POST", trial_path(trial, "decline"), "{\"reason\":\"迟了\"}", 409,
                  "invalid_transition");
    fixture_check(&ent, "POST", trial_path(trial, "cancel"), NULL, 409, "invalid_transition");
    ck_assert_str_eq(trial_status(trial), "active");
}
END_TEST

START_TEST(trial_actions_by_the_wrong_party_are_refused)
{
    struct fixture_user inst = fixture_institution("SH");
    struct fixture_user ent = fixture_enterprise("JS");
    struct fixture_user other_inst = fixture_institution("SH");
    struct fixture_user other_ent = fixture_enterprise("JS");
    struct fixture_user admin = fixture_admin();
    struct fixture_user sh_admin = fixture_province_admin("SH");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    int64_t trial = fixture_trial_requested(&ent, achievement, 6);
    fixture_check(&ent, "POST", trial_path(trial, "approve"), NULL, 403, "forbidden");
    fixture_check(&admin, "POST", trial_path(trial, "approve"), NULL, 403, "forbidden");
    fixture_check(&sh_admin, "POST", trial_path(trial, "approve"), NULL, 403, "forbidden");
    fixture_check(&other_inst, "POST", trial_path(trial, "approve"), NULL, 404, "not_found");
    fixture_check(&other_inst, "POST", trial_path(trial, "decline"), "{\"reason\":\"不\"}", 404,
                  "not_found");
    fixture_check(&inst, "POST", trial_path(trial, "cancel"), NULL, 403, "forbidden");
    fixture_check(&other_ent, "POST", trial_path(trial, "cancel"), NULL, 404, "not_found");
    fixture_check(NULL, "POST", trial_path(trial, "approve"), NULL, 401, "unauthenticated");
    fixture_check(&inst, "POST", "/api/v1/trials/999999/approve", NULL, 404, "not_found");
    struct fixture_user colleague = fixture_colleague(&inst);
    fixture_check(&colleague, "POST", trial_path(trial, "approve"), NULL, 200, NULL);
    fixture_check(&other_ent, "POST", trial_path(trial, "return"), "{\"reason\":\"x\"}", 404,
                  "not_found");
    fixture_check(&inst, "POST", trial_path(trial, "return"), "{\"reason\":\"x\"}", 403,
                  "forbidden");
    ck_assert_str_eq(trial_status(trial), "active");
}
END_TEST

START_TEST(trial_decline_closes_with_its_reason)
{
    struct fixture_user inst = fixture_institution("ZJ");
    struct fixture_user ent = fixture_enterprise("ZJ");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    int64_t trial = fixture_trial_requested(&ent, achievement, 6);
    fixture_check(&inst, "POST", trial_path(trial, "decline"), NULL, 422, "invalid_field");
    fixture_check(&inst, "POST", trial_path(trial, "decline"), "{\"reason\":\"\"}", 422,
                  "invalid_field");
    struct http_reply *r = fixture_expect(&inst, "POST", trial_path(trial, "decline"),
                                          "{\"reason\":\"产能不足\"}", 200, NULL);
    ck_assert_str_eq(text_at(r, "status"), "declined");
    ck_assert_str_eq(text_at(r, "close_reason"), "产能不足");
    ck_assert_str_eq(harness_shanghai_day(text_at(r, "closed_at")), TODAY);
    http_reply_free(r);
    ck_assert_int_eq(audit_count("trial.decline", trial), 1);
    fixture_check(&inst, "POST", trial_path(trial, "approve"), NULL, 409, "invalid_transition");
    fixture_check(&ent, "POST", trial_path(trial, "cancel"), NULL, 409, "invalid_transition");
    ck_assert_str_eq(trial_status(trial), "declined");
}
END_TEST

START_TEST(trial_cancel_by_the_enterprise_while_requested)
{
    struct fixture_user inst = fixture_institution("ZJ");
    struct fixture_user ent = fixture_enterprise("AH");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    int64_t trial = fixture_trial_requested(&ent, achievement, 6);
    fixture_check(&ent, "POST", trial_path(trial, "return"), "{\"reason\":\"x\"}", 409,
                  "invalid_transition");
    struct http_reply *r = fixture_expect(&ent, "POST", trial_path(trial, "cancel"), "{}", 200,
                                          NULL);
    ck_assert_str_eq(text_at(r, "status"), "cancelled");
    http_reply_free(r);
    ck_assert_int_eq(audit_count("trial.cancel", trial), 1);
    fixture_check(&ent, "POST", trial_path(trial, "cancel"), NULL, 409, "invalid_transition");
    fixture_check(&inst, "POST", trial_path(trial, "approve"), NULL, 409, "invalid_transition");
}
END_TEST

START_TEST(trial_return_by_the_enterprise_while_active)
{
    struct fixture_user inst = fixture_institution("SH");
    struct fixture_user ent = fixture_enterprise("SH");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    int64_t trial = fixture_trial_active(&ent, &inst, achievement, 3);
    fixture_check(&ent, "POST", trial_path(trial, "return"), "{}", 422, "invalid_field");
    struct http_reply *r = fixture_expect(&ent, "POST", trial_path(trial, "return"),
                                          "{\"reason\":\"效果未达预期\"}", 200, NULL);
    ck_assert_str_eq(text_at(r, "status"), "returned");
    ck_assert_str_eq(text_at(r, "close_reason"), "效果未达预期");
    http_reply_free(r);
    ck_assert_int_eq(audit_count("trial.return", trial), 1);
    fixture_check(&ent, "POST", trial_path(trial, "return"), "{\"reason\":\"x\"}", 409,
                  "invalid_transition");
    fixture_check(&inst, "POST", trial_path(trial, "convert"), LUMP_SUM, 409, "invalid_transition");
    ck_assert_str_eq(fixture_sql("SELECT count(*) FROM licenses WHERE trial_id = %lld",
                                 (long long)trial),
                     "0");
}
END_TEST

START_TEST(trial_second_approval_on_exclusive_conflicts)
{
    struct fixture_user inst = fixture_institution("JS");
    struct fixture_user first = fixture_enterprise("JS");
    struct fixture_user second = fixture_enterprise("SH");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, true);
    int64_t a = fixture_trial_requested(&first, achievement, 6);
    int64_t b = fixture_trial_requested(&second, achievement, 6);
    fixture_check(&inst, "POST", trial_path(a, "approve"), NULL, 200, NULL);
    fixture_check(&inst, "POST", trial_path(b, "approve"), NULL, 409, "conflict");
    ck_assert_str_eq(trial_status(b), "requested");
    /* once the first is given back, the second may start */
    fixture_check(&first, "POST", trial_path(a, "return"), "{\"reason\":\"不适用\"}", 200, NULL);
    fixture_check(&inst, "POST", trial_path(b, "approve"), NULL, 200, NULL);
}
END_TEST

START_TEST(trial_convert_by_the_enterprise_signs_at_the_agreed_terms)
{
    struct fixture_user inst = fixture_institution("SH");
    struct fixture_user ent = fixture_enterprise("AH");
    struct fixture_user later = fixture_enterprise("AH");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, true);
    int64_t waiting = fixture_trial_requested(&later, achievement, 6);
    int64_t trial = fixture_trial_active(&ent, &inst, achievement, 6);
    /* the enterprise names no price: any field is refused */
    fixture_check(&ent, "POST", trial_path(trial, "convert"), LUMP_SUM, 422, "invalid_field");
    struct http_reply *r = fixture_expect(&ent, "POST", trial_path(trial, "convert"), "{}", 201,
                                          NULL);
    json_t *license = json_object_get(r->json, "license");
    int64_t license_id = json_integer_value(json_object_get(license, "id"));
    ck_assert_int_gt(license_id, 0);
    ck_assert_str_eq(json_string_value(json_object_get(license, "status")), "active");
    /* the fixture's offer: 5,000,000 fen in installments, due 30 days after conversion */
    ck_assert_str_eq(json_string_value(json_object_get(license, "payment_mode")), "installments");
    ck_assert_int_eq(json_integer_value(json_object_get(license, "total_fen")), 5000000);
    ck_assert_int_eq(json_integer_value(json_object_get(license, "issued_fen")), 5000000);
    ck_assert_int_eq(json_integer_value(json_object_get(license, "outstanding_fen")), 5000000);
    ck_assert_int_eq(json_integer_value(json_object_get(license, "trial_id")), trial);
    ck_assert_str_eq(json_string_value(json_object_get(license, "signed_on")), TODAY);
    ck_assert_str_eq(json_string_value(json_object_get(license, "ends_on")), "2031-03-01");
    const json_t *first = json_array_get(json_object_get(license, "installments"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(first, "due_on")), "2026-03-31");
    ck_assert_str_eq(json_string_value(json_object_get(first, "kind")), "fixed");
    http_reply_free(r);
    r = fixture_expect(&inst, "GET", trial_path(trial, ""), NULL, 200, NULL);
    ck_assert_str_eq(text_at(r, "status"), "converted");
    ck_assert_int_eq(json_integer_value(json_object_get(r->json, "license_id")), license_id);
    http_reply_free(r);
    ck_assert_str_eq(fixture_sql("SELECT status FROM achievements WHERE id = %lld",
                                 (long long)achievement),
                     "licensed");
    ck_assert_int_eq(audit_count("trial.convert", trial), 1);
    ck_assert_int_eq(audit_count("license.sign", license_id), 1);
    /* a licensed exclusive achievement takes no new requests and starts no waiting trial */
    fixture_check(&inst, "POST", trial_path(waiting, "approve"), NULL, 409, "invalid_transition");
    struct fixture_user newcomer = fixture_enterprise("SH");
    fixture_check(&newcomer, "POST",
                  fixture_text("/api/v1/achievements/%lld/trials", (long long)achievement), PURPOSE,
                  404, "not_found");
    fixture_check(&ent, "POST", trial_path(trial, "convert"), "{}", 409, "invalid_transition");
    fixture_check(&inst, "POST", trial_path(trial, "convert"), LUMP_SUM, 409, "invalid_transition");
}
END_TEST

START_TEST(trial_convert_by_the_institution_proposes_and_the_enterprise_decides)
{
    struct fixture_user inst = fixture_institution("SH");
    struct fixture_user ent = fixture_enterprise("JS");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    int64_t trial = fixture_trial_active(&ent, &inst, achievement, 6);
    struct http_reply *r = fixture_expect(&inst, "POST", trial_path(trial, "convert"), LUMP_SUM,
                                          201, NULL);
    json_t *license = json_object_get(r->json, "license");
    int64_t first = json_integer_value(json_object_get(license, "id"));
    ck_assert_str_eq(json_string_value(json_object_get(license, "status")), "proposed");
    ck_assert(json_is_null(json_object_get(license, "signed_on")));
    ck_assert_int_eq(json_integer_value(json_object_get(license, "total_fen")), 800000);
    /* nothing is owed until the enterprise accepts */
    ck_assert_int_eq(json_integer_value(json_object_get(license, "outstanding_fen")), 0);
    http_reply_free(r);
    r = fixture_expect(&ent, "GET", trial_path(trial, ""), NULL, 200, NULL);
    ck_assert_str_eq(text_at(r, "status"), "active");
    ck_assert_int_eq(json_integer_value(json_object_get(r->json, "proposed_license_id")), first);
    http_reply_free(r);
    /* one open proposal at a time; only the enterprise answers it */
    fixture_check(&inst, "POST", trial_path(trial, "convert"), LUMP_SUM, 409, "conflict");
    const char *accept = fixture_text("/api/v1/licenses/%lld/accept", (long long)first);
    fixture_check(&inst, "POST", accept, NULL, 403, "forbidden");
    fixture_check(&ent, "POST", fixture_text("/api/v1/licenses/%lld/decline", (long long)first),
                  "{}", 422, "invalid_field");
    r = fixture_expect(&ent, "POST",
                       fixture_text("/api/v1/licenses/%lld/decline", (long long)first),
                       "{\"reason\":\"价格高于试用前约定\"}", 200, NULL);
    ck_assert_str_eq(text_at(r, "status"), "declined");
    http_reply_free(r);
    ck_assert_str_eq(trial_status(trial), "active");
    ck_assert_str_eq(fixture_sql("SELECT count(*) FROM notifications n JOIN users u ON"
                                 " u.id = n.user_id WHERE n.kind = 'license.declined'"
                                 " AND u.institution_id = %lld",
                                 (long long)inst.org_id),
                     "1");
    fixture_check(&ent, "POST", accept, NULL, 409, "invalid_transition");
    /* a second proposal, accepted: the license is signed today and the trial converted */
    r = fixture_expect(&inst, "POST", trial_path(trial, "convert"), LUMP_SUM, 201, NULL);
    int64_t second = json_integer_value(json_object_get(json_object_get(r->json, "license"), "id"));
    http_reply_free(r);
    r = fixture_expect(&ent, "POST",
                       fixture_text("/api/v1/licenses/%lld/accept", (long long)second), NULL, 200,
                       NULL);
    ck_assert_str_eq(text_at(r, "status"), "active");
    ck_assert_str_eq(text_at(r, "signed_on"), TODAY);
    http_reply_free(r);
    ck_assert_str_eq(trial_status(trial), "converted");
    ck_assert_str_eq(fixture_sql("SELECT license_id FROM trials WHERE id = %lld", (long long)trial),
                     fixture_text("%lld", (long long)second));
    ck_assert_int_eq(audit_count("license.propose", second), 1);
    ck_assert_int_eq(audit_count("license.accept", second), 1);
    ck_assert_int_eq(audit_count("license.decline", first), 1);
}
END_TEST

START_TEST(trial_proposal_lapses_when_the_trial_ends)
{
    struct fixture_user inst = fixture_institution("ZJ");
    struct fixture_user ent = fixture_enterprise("ZJ");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    int64_t trial = fixture_trial_active(&ent, &inst, achievement, 6);
    struct http_reply *r = fixture_expect(&inst, "POST", trial_path(trial, "convert"), LUMP_SUM,
                                          201, NULL);
    int64_t license = json_integer_value(json_object_get(json_object_get(r->json, "license"),
                                                         "id"));
    http_reply_free(r);
    fixture_check(&ent, "POST", trial_path(trial, "return"), "{\"reason\":\"效果未达预期\"}", 200,
                  NULL);
    r = fixture_expect(&ent, "GET", fixture_text("/api/v1/licenses/%lld", (long long)license), NULL,
                       200, NULL);
    ck_assert_str_eq(text_at(r, "status"), "declined");
    ck_assert_str_eq(text_at(r, "decline_reason"), "trial ended");
    http_reply_free(r);
    fixture_check(&ent, "POST", fixture_text("/api/v1/licenses/%lld/accept", (long long)license),
                  NULL, 409, "invalid_transition");
    r = fixture_expect(&inst, "GET", "/api/v1/licenses?status=proposed", NULL, 200, NULL);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 0);
    http_reply_free(r);
    r = fixture_expect(&inst, "GET", "/api/v1/licenses?status=declined", NULL, 200, NULL);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 1);
    http_reply_free(r);
}
END_TEST

START_TEST(trial_convert_refuses_terms_that_do_not_add_up)
{
    struct fixture_user inst = fixture_institution("ZJ");
    struct fixture_user ent = fixture_enterprise("ZJ");
    struct fixture_user other_inst = fixture_institution("ZJ");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    int64_t trial = fixture_trial_active(&ent, &inst, achievement, 6);
    const char *path = trial_path(trial, "convert");
    struct http_reply *r =
        fixture_expect(&inst, "POST", path,
                       "{\"payment_mode\":\"installments\",\"total_fen\":1000,\"installments\":["
                       "{\"due_on\":\"2026-06-01\",\"amount_fen\":400},"
                       "{\"due_on\":\"2026-09-01\",\"amount_fen\":500}]}",
                       422, "invalid_field");
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(r->json, "errors"), 0), "field")),
                     "installments");
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(r->json, "errors"), 0), "message")),
                     "amounts add up to 900 fen, not total_fen 1000");
    http_reply_free(r);
    fixture_check(&inst, "POST", path,
                  "{\"payment_mode\":\"lump_sum\",\"total_fen\":0,"
                  "\"installments\":[]}",
                  422, "invalid_field");
    fixture_check(&inst, "POST", path,
                  "{\"payment_mode\":\"lump_sum\",\"total_fen\":5,"
                  "\"installments\":[{\"due_on\":\"2026-02-30\",\"amount_fen\":5}]}",
                  422, "invalid_field");
    fixture_check(&inst, "POST", path,
                  "{\"payment_mode\":\"lump_sum\",\"total_fen\":5,"
                  "\"installments\":[{\"due_on\":\"2026-06-01\",\"amount_fen\":0}]}",
                  422, "invalid_field");
    fixture_check(&inst, "POST", path,
                  "{\"payment_mode\":\"barter\",\"total_fen\":5,"
                  "\"installments\":[{\"due_on\":\"2026-06-01\",\"amount_fen\":5}]}",
                  422, "invalid_field");
    /* a royalty mode without a royalty rate could never be billed nor settled: the rate given
     * as 0, or left to the achievement's (0: it offers installments) */
    r = fixture_expect(&inst, "POST", path,
                       "{\"payment_mode\":\"royalty\",\"total_fen\":0,"
                       "\"royalty_bp\":0,\"installments\":[]}",
                       422, "invalid_field");
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(r->json, "errors"), 0), "field")),
                     "royalty_bp");
    http_reply_free(r);
    r = fixture_expect(&inst, "POST", path,
                       "{\"payment_mode\":\"lump_sum_plus_royalty\","
                       "\"total_fen\":5,\"installments\":[{\"due_on\":\"2026-06-01\","
                       "\"amount_fen\":5}]}",
                       422, "invalid_field");
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(r->json, "errors"), 0), "field")),
                     "royalty_bp");
    http_reply_free(r);
    fixture_check(&other_inst, "POST", path, LUMP_SUM, 404, "not_found");
    ck_assert_str_eq(fixture_sql("SELECT count(*) FROM licenses WHERE trial_id = %lld",
                                 (long long)trial),
                     "0");
    ck_assert_str_eq(trial_status(trial), "active");
    /* royalty without a fixed sum: no installments */
    r = fixture_expect(&inst, "POST", path,
                       "{\"payment_mode\":\"royalty\",\"total_fen\":0,"
                       "\"royalty_bp\":350,\"installments\":[]}",
                       201, NULL);
    json_t *license = json_object_get(r->json, "license");
    ck_assert_int_eq(json_integer_value(json_object_get(license, "royalty_bp")), 350);
    http_reply_free(r);
}
END_TEST

START_TEST(trial_is_visible_to_its_parties_and_their_admins_only)
{
    struct fixture_user inst = fixture_institution("SH");
    struct fixture_user ent = fixture_enterprise("ZJ");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    int64_t trial = fixture_trial_requested(&ent, achievement, 6);
    struct fixture_user seeing[] = { ent,
                                     inst,
                                     fixture_colleague(&ent),
                                     fixture_admin(),
                                     fixture_province_admin("SH"),
                                     fixture_province_admin("ZJ") };
    struct fixture_user blind[] = { fixture_enterprise("ZJ"), fixture_institution("SH"),
                                    fixture_province_admin("JS") };
    char list[64];
    snprintf(list, sizeof list, "/api/v1/trials?achievement_id=%lld", (long long)achievement);
    for (size_t i = 0; i < sizeof seeing / sizeof seeing[0]; i++) {
        struct http_reply *r = fixture_expect(&seeing[i], "GET", trial_path(trial, ""), NULL, 200,
                                              NULL);
        ck_assert_int_eq(json_integer_value(json_object_get(r->json, "id")), trial);
        http_reply_free(r);
        r = fixture_expect(&seeing[i], "GET", list, NULL, 200, NULL);
        ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 1);
        http_reply_free(r);
    }
    for (size_t i = 0; i < sizeof blind / sizeof blind[0]; i++) {
        fixture_check(&blind[i], "GET", trial_path(trial, ""), NULL, 404, "not_found");
        struct http_reply *r = fixture_expect(&blind[i], "GET", list, NULL, 200, NULL);
        ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 0);
        http_reply_free(r);
    }
    fixture_check(NULL, "GET", trial_path(trial, ""), NULL, 401, "unauthenticated");
    fixture_check(NULL, "GET", "/api/v1/trials", NULL, 401, "unauthenticated");
}
END_TEST

START_TEST(trials_list_filters_and_pages_newest_first)
{
    struct fixture_user inst = fixture_institution("JS");
    struct fixture_user sh = fixture_enterprise("SH");
    struct fixture_user ah = fixture_enterprise("AH");
    int64_t one = fixture_listed_achievement(inst.org_id, 12, false);
    int64_t two = fixture_listed_achievement(inst.org_id, 12, false);
    int64_t t1 = fixture_trial_requested(&sh, one, 6);
    int64_t t2 = fixture_trial_active(&sh, &inst, two, 6);
    int64_t t3 = fixture_trial_requested(&ah, one, 6);
    char by_achievement[48];
    snprintf(by_achievement, sizeof by_achievement, "?achievement_id=%lld", (long long)one);
    struct {
        const char *query;
        long long first;
        size_t count;
    } cases[] = {
        { "", t3, 3 },
        { "?status=requested", t3, 2 },
        { "?status=active", t2, 1 },
        { "?status=expired", 0, 0 },
        { by_achievement, t3, 2 },
        { "?province=SH", t2, 2 },
        { "?province=JS", t3, 3 },
        { "?province=AH&status=requested", t3, 1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct http_reply *r = fixture_expect(&inst, "GET",
                                              fixture_text("/api/v1/trials%s", cases[i].query),
                                              NULL, 200, NULL);
        json_t *items = json_object_get(r->json, "items");
        ck_assert_msg(json_array_size(items) == cases[i].count, "%s: %s", cases[i].query, r->body);
        if (cases[i].count > 0)
            ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(items, 0), "id")),
                             cases[i].first);
        http_reply_free(r);
    }
    long long seen[3];
    char cursor[600] = "";
    for (int page = 0; page < 3; page++) {
        struct http_reply *r = fixture_expect(&inst, "GET",
                                              fixture_text("/api/v1/trials?limit=1%s%s",
                                                           cursor[0] ? "&cursor=" : "", cursor),
                                              NULL, 200, NULL);
        seen[page] = json_integer_value(
            json_object_get(json_array_get(json_object_get(r->json, "items"), 0), "id"));
        const char *next = json_string_value(json_object_get(r->json, "next_cursor"));
        ck_assert_msg((next != NULL) == (page < 2), "page %d: %s", page, r->body);
        snprintf(cursor, sizeof cursor, "%s", next != NULL ? next : "");
        http_reply_free(r);
    }
    ck_assert(seen[0] == t3 && seen[1] == t2 && seen[2] == t1);
    fixture_check(&inst, "GET", "/api/v1/trials?status=lost", NULL, 422, "invalid_field");
    fixture_check(&inst, "GET", "/api/v1/trials?province=XX", NULL, 422, "invalid_field");
    fixture_check(&inst, "GET", "/api/v1/trials?achievement_id=-1", NULL, 422, "invalid_field");
    fixture_check(&inst, "GET", "/api/v1/trials?limit=0", NULL, 422, "invalid_field");
}
END_TEST

static void setup_own_daemon(void)
{
    fixture_start_on("trials_time", "TECHPOOL_TODAY=" TODAY);
}

START_TEST(trial_past_its_end_reads_expired_from_the_next_day)
{
    struct fixture_user users[] = { fixture_institution("SH"), fixture_enterprise("SH"),
                                    fixture_enterprise("JS") };
    struct fixture_user *inst = &users[0], *ent = &users[1], *other = &users[2];
    int64_t achievement = fixture_listed_achievement(inst->org_id, 12, true);
    int64_t trial = fixture_trial_active(ent, inst, achievement, 3); /* ends 2026-06-01 */
    int64_t waiting = fixture_trial_requested(other, achievement, 3);
    fixture_restart_on("TECHPOOL_TODAY=2026-06-01", users, 3);
    struct http_reply *r = fixture_expect(ent, "GET", trial_path(trial, ""), NULL, 200, NULL);
    ck_assert_str_eq(text_at(r, "status"), "active");
    http_reply_free(r);

    fixture_restart_on("TECHPOOL_TODAY=2026-06-02", users, 3);
    r = fixture_expect(ent, "GET", trial_path(trial, ""), NULL, 200, NULL);
    ck_assert_str_eq(text_at(r, "status"), "expired");
    ck_assert_str_eq(text_at(r, "closed_at"), "2026-06-01T16:00:00Z"); /* 06-02 00:00 +08 */
    http_reply_free(r);
    ck_assert_str_eq(trial_status(trial), "active"); /* not swept yet: read as expired */
    r = fixture_expect(inst, "GET", "/api/v1/trials?status=expired", NULL, 200, NULL);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 1);
    http_reply_free(r);
    r = fixture_expect(inst, "GET", "/api/v1/trials?status=active", NULL, 200, NULL);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 0);
    http_reply_free(r);
    fixture_check(ent, "POST", trial_path(trial, "return"), "{\"reason\":\"x\"}", 409,
                  "invalid_transition");
    fixture_check(inst, "POST", trial_path(trial, "convert"), LUMP_SUM, 409, "invalid_transition");
    /* the ended trial no longer holds the exclusive achievement */
    fixture_check(inst, "POST", trial_path(waiting, "approve"), NULL, 200, NULL);
    ck_assert_str_eq(trial_status(trial), "expired");
    ck_assert_int_eq(audit_count("trial.expire", trial), 1);
    /* and its enterprise may ask again */
    fixture_check(ent, "POST",
                  fixture_text("/api/v1/achievements/%lld/trials", (long long)achievement), PURPOSE,
                  201, NULL);
}
END_TEST

START_TEST(trials_past_their_end_are_swept_when_the_daemon_starts)
{
    struct fixture_user users[] = { fixture_institution("ZJ"), fixture_enterprise("AH"),
                                    fixture_enterprise("SH") };
    struct fixture_user *inst = &users[0];
    int64_t achievement = fixture_listed_achievement(inst->org_id, 12, false);
    int64_t ended = fixture_trial_active(&users[1], inst, achievement, 3);    /* ends 06-01 */
    int64_t running = fixture_trial_active(&users[2], inst, achievement, 12); /* ends 2027 */
    static const char *const env[] = { "TECHPOOL_TODAY=2026-06-02", "TECHPOOL_SWEEP_MINUTES=60",
                                       NULL };
    harness_restart(env);
    fixture_set_today("2026-06-02");
    double start = harness_clock();
    while (strcmp(trial_status(ended), "expired") != 0)
        ck_assert_msg(harness_clock() - start < 10, "the trial was not swept within 10 s");
    ck_assert_str_eq(fixture_sql("SELECT closed_at = trial_expired_at(ends_on) FROM trials"
                                 " WHERE id = %lld",
                                 (long long)ended),
                     "t");
    ck_assert_int_eq(audit_count("trial.expire", ended), 1);
    ck_assert_str_eq(fixture_sql("SELECT actor_id IS NULL FROM audit_events"
                                 " WHERE action = 'trial.expire' AND entity_id = %lld",
                                 (long long)ended),
                     "t");
    ck_assert_str_eq(trial_status(running), "active");
    ck_assert(harness_log_has("\"event\":\"trials_expired\""));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("trials");
    TCase *tc = tcase_create("trials");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, trial_request_is_requested_with_both_parties);
    tcase_add_test(tc, trial_request_refusals_change_nothing);
    tcase_add_test(tc, trial_second_open_request_of_one_enterprise_conflicts);
    tcase_add_test(tc, trial_approve_starts_today_for_planned_months);
    tcase_add_test(tc, trial_actions_by_the_wrong_party_are_refused);
    tcase_add_test(tc, trial_decline_closes_with_its_reason);
    tcase_add_test(tc, trial_cancel_by_the_enterprise_while_requested);
    tcase_add_test(tc, trial_return_by_the_enterprise_while_active);
    tcase_add_test(tc, trial_second_approval_on_exclusive_conflicts);
    tcase_add_test(tc, trial_convert_by_the_enterprise_signs_at_the_agreed_terms);
    tcase_add_test(tc, trial_convert_by_the_institution_proposes_and_the_enterprise_decides);
    tcase_add_test(tc, trial_proposal_lapses_when_the_trial_ends);
    tcase_add_test(tc, trial_convert_refuses_terms_that_do_not_add_up);
    tcase_add_test(tc, trial_is_visible_to_its_parties_and_their_admins_only);
    tcase_add_test(tc, trials_list_filters_and_pages_newest_first);
    suite_add_tcase(s, tc);
    TCase *time = tcase_create("time");
    tcase_add_checked_fixture(time, setup_own_daemon, teardown);
    tcase_set_timeout(time, 120);
    tcase_add_test(time, trial_past_its_end_reads_expired_from_the_next_day);
    tcase_add_test(time, trials_past_their_end_are_swept_when_the_daemon_starts);
    suite_add_tcase(s, time);
    return harness_run_suite(s);
}
