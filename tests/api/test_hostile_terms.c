/* test_hostile_terms: the terms and money abuses that a hostile probe found, replayed through
 * the API: exclusivity and the trial limit changed after trials started, licenses dated into
 * the past, claims opened on the day of signing, and claims larger than a province covers. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "harness.h"

#define TODAY "2026-03-01"
#define PURPOSE_12 "{\"purpose\":\"中试线验证\",\"planned_months\":12}"
#define LUMP_SUM                                           \
    "{\"payment_mode\":\"lump_sum\",\"total_fen\":800000," \
    "\"installments\":[{\"due_on\":\"2026-06-30\",\"amount_fen\":800000}]}"

static void setup(void)
{
    fixture_start_on("hostile_terms", "TECHPOOL_TODAY=" TODAY);
}

static void teardown(void)
{
    ck_assert_int_eq(harness_stop(), 0);
}

static const char *trial_path(int64_t trial, const char *action)
{
    return fixture_text("/api/v1/trials/%lld/%s", (long long)trial, action);
}

static const char *achievement_path(int64_t achievement)
{
    return fixture_text("/api/v1/achievements/%lld", (long long)achievement);
}

static const char *achievement_terms(int64_t achievement)
{
    return fixture_sql("SELECT exclusive || '/' || trial_months || '/v' || version"
                       " FROM achievements WHERE id = %lld",
                       (long long)achievement);
}

START_TEST(exclusivity_and_trial_length_cannot_change_under_open_trials)
{
    struct fixture_user inst = fixture_institution("SH");
    struct fixture_user ent[3] = { fixture_enterprise("ZJ"), fixture_enterprise("JS"),
                                   fixture_enterprise("AH") };
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    int64_t trial[3];
    for (int i = 0; i < 3; i++)
        trial[i] = fixture_trial_requested(&ent[i], achievement, 12);
    fixture_check(&inst, "POST", trial_path(trial[0], "approve"), NULL, 200, NULL);
    fixture_check(&inst, "POST", trial_path(trial[1], "approve"), NULL, 200, NULL);
    const char *before = fixture_text("%s", achievement_terms(achievement));

    /* the probe's PATCH, and each half of it alone: refused, nothing changes */
    fixture_check(&inst, "PATCH", achievement_path(achievement),
                  "{\"exclusive\":true,\"trial_months\":1}", 409, "conflict");
    fixture_check(&inst, "PATCH", achievement_path(achievement), "{\"exclusive\":true}", 409,
                  "conflict");
    fixture_check(&inst, "PATCH", achievement_path(achievement), "{\"trial_months\":11}", 409,
                  "conflict");
    ck_assert_str_eq(achievement_terms(achievement), before);

    /* the third trial starts on the terms it was requested under; converting two gives two
     * non-exclusive licenses, which is what was offered */
    fixture_check(&inst, "POST", trial_path(trial[2], "approve"), NULL, 200, NULL);
    fixture_check(&ent[0], "POST", trial_path(trial[0], "convert"), "{}", 201, NULL);
    fixture_check(&ent[1], "POST", trial_path(trial[1], "convert"), "{}", 201, NULL);
    ck_assert_str_eq(fixture_sql("SELECT count(*) FROM licenses WHERE achievement_id = %lld"
                                 " AND NOT exclusive",
                                 (long long)achievement),
                     "2");

    /* with every trial closed, licenses in force still keep the achievement non-exclusive */
    fixture_check(&ent[2], "POST", trial_path(trial[2], "return"), "{\"reason\":\"不适用\"}", 200,
                  NULL);
    fixture_check(&inst, "PATCH", achievement_path(achievement), "{\"exclusive\":true}", 409,
                  "conflict");
    /* a longer trial limit, and a shorter one once no trial is open, are fine */
    fixture_check(&inst, "PATCH", achievement_path(achievement), "{\"trial_months\":3}", 200, NULL);
    ck_assert_str_eq(fixture_sql("SELECT exclusive || '/' || trial_months FROM achievements"
                                 " WHERE id = %lld",
                                 (long long)achievement),
                     "false/3");
}
END_TEST

START_TEST(an_exclusive_achievement_never_has_two_licenses_in_force)
{
    struct fixture_user inst = fixture_institution("JS");
    struct fixture_user first = fixture_enterprise("JS");
    struct fixture_user second = fixture_enterprise("SH");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    int64_t a = fixture_trial_active(&first, &inst, achievement, 6);
    int64_t b = fixture_trial_active(&second, &inst, achievement, 6);
    /* bypass the achievement's guard as a buggy or hostile writer of the database would */
    fixture_sql("ALTER TABLE achievements DISABLE TRIGGER achievements_30_terms_in_use;"
                "UPDATE achievements SET exclusive = true WHERE id = %lld;"
                "ALTER TABLE achievements ENABLE TRIGGER achievements_30_terms_in_use",
                (long long)achievement);
    fixture_check(&first, "POST", trial_path(a, "convert"), "{}", 201, NULL);
    fixture_check(&second, "POST", trial_path(b, "convert"), "{}", 409, "conflict");
    /* nor by accepting a proposal */
    struct http_reply *r = fixture_expect(&inst, "POST", trial_path(b, "convert"), LUMP_SUM, 201,
                                          NULL);
    long long proposal = json_integer_value(json_object_get(json_object_get(r->json, "license"),
                                                            "id"));
    http_reply_free(r);
    fixture_check(&second, "POST", fixture_text("/api/v1/licenses/%lld/accept", proposal), NULL,
                  409, "conflict");
    ck_assert_str_eq(fixture_sql("SELECT count(*) FROM licenses WHERE achievement_id = %lld"
                                 " AND status NOT IN ('proposed', 'declined')",
                                 (long long)achievement),
                     "1");
    ck_assert_str_eq(fixture_sql("SELECT status FROM trials WHERE id = %lld", (long long)b),
                     "active");
}
END_TEST

START_TEST(a_license_is_not_dated_into_the_past)
{
    struct fixture_user inst = fixture_institution("ZJ");
    struct fixture_user ent = fixture_enterprise("ZJ");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    int64_t trial = fixture_trial_active(&ent, &inst, achievement, 6);
    const char *path = trial_path(trial, "convert");
    fixture_check(&inst, "POST", path,
                  "{\"payment_mode\":\"installments\",\"total_fen\":5000000000000,\"installments\":"
                  "[{\"due_on\":\"1900-01-01\",\"amount_fen\":5000000000000}]}",
                  422, "invalid_field");
    fixture_check(&inst, "POST", path,
                  "{\"payment_mode\":\"lump_sum\",\"total_fen\":100,\"installments\":"
                  "[{\"due_on\":\"2026-02-28\",\"amount_fen\":100}]}",
                  422, "invalid_field");
    fixture_check(&inst, "POST", path,
                  "{\"payment_mode\":\"lump_sum\",\"total_fen\":100,\"installments\":"
                  "[{\"due_on\":\"2036-03-02\",\"amount_fen\":100}]}",
                  422, "invalid_field");
    ck_assert_str_eq(fixture_sql("SELECT count(*) FROM licenses WHERE trial_id = %lld",
                                 (long long)trial),
                     "0");
    /* due on the day of signing and ten years on are the bounds */
    struct http_reply *r =
        fixture_expect(&inst, "POST", path,
                       "{\"payment_mode\":\"installments\",\"total_fen\":300,\"installments\":"
                       "[{\"due_on\":\"2026-03-01\",\"amount_fen\":100},"
                       "{\"due_on\":\"2036-03-01\",\"amount_fen\":200}]}",
                       201, NULL);
    long long license = json_integer_value(json_object_get(json_object_get(r->json, "license"),
                                                           "id"));
    http_reply_free(r);
    fixture_check(&ent, "POST", fixture_text("/api/v1/licenses/%lld/accept", license), NULL, 200,
                  NULL);
    const char *payments = fixture_text("/api/v1/licenses/%lld/payments", license);
    fixture_check(&inst, "POST", payments,
                  "{\"amount_fen\":100,\"paid_on\":\"1900-01-01\",\"reference\":\"x\"}", 422,
                  "invalid_field");
    fixture_check(&inst, "POST", payments,
                  "{\"amount_fen\":100,\"paid_on\":\"2026-02-28\",\"reference\":\"x\"}", 422,
                  "invalid_field");
    ck_assert_str_eq(fixture_sql("SELECT count(*) FROM payments WHERE license_id = %lld", license),
                     "0");
    fixture_check(&inst, "POST", payments,
                  "{\"amount_fen\":100,\"paid_on\":\"" TODAY "\",\"reference\":\"x\"}", 201, NULL);
}
END_TEST

START_TEST(a_claim_needs_90_days_and_a_large_one_the_delta_admin)
{
    struct fixture_user inst = fixture_institution("AH");
    struct fixture_user ent = fixture_enterprise("SH");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    /* the due day as soon as allowed: the installment is 90 days overdue on 2026-05-30 */
    int64_t license = fixture_license(&ent, &inst, achievement, 2000000000000LL,
                                      "[{\"due_on\":\"" TODAY "\",\"amount_fen\":2000000000000}]");
    const char *path = fixture_text("/api/v1/licenses/%lld/default", (long long)license);
    fixture_check(&inst, "POST", path, "{\"reason\":\"逾期\"}", 409, "invalid_transition");

    struct fixture_user users[] = { inst, ent, fixture_province_admin("AH"), fixture_admin() };
    fixture_restart_on("TECHPOOL_TODAY=2026-05-30", users, 4);
    struct http_reply *r = fixture_expect(&users[0], "POST", path, "{\"reason\":\"逾期\"}", 201,
                                          NULL);
    json_t *claim = json_object_get(r->json, "compensation");
    long long claim_id = json_integer_value(json_object_get(claim, "id"));
    ck_assert_int_eq(json_integer_value(json_object_get(claim, "amount_fen")), 1000000000000LL);
    ck_assert(json_is_true(json_object_get(claim, "above_province_cap")));
    http_reply_free(r);
    const char *approve = fixture_text("/api/v1/compensations/%lld/approve", claim_id);
    fixture_check(&users[2], "POST", approve, "{}", 403, "forbidden");
    ck_assert_str_eq(fixture_sql("SELECT status FROM compensations WHERE id = %lld", claim_id),
                     "pending");
    fixture_check(&users[3], "POST", approve, "{}", 200, NULL);
    ck_assert_str_eq(fixture_sql("SELECT status FROM compensations WHERE id = %lld", claim_id),
                     "approved");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hostile_terms");
    TCase *tc = tcase_create("hostile_terms");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, exclusivity_and_trial_length_cannot_change_under_open_trials);
    tcase_add_test(tc, an_exclusive_achievement_never_has_two_licenses_in_force);
    tcase_add_test(tc, a_license_is_not_dated_into_the_past);
    tcase_add_test(tc, a_claim_needs_90_days_and_a_large_one_the_delta_admin);
    suite_add_tcase(s, tc);
    return harness_run_suite(s);
}
