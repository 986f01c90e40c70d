/* test_agreement: the use-first agreement against a real daemon — standard terms on an
 * achievement, terms fixed at a trial's request and agreed by its approval (whatever happens to
 * the achievement afterwards, and refused even to plain SQL), conversion at the agreed terms,
 * and a royalty license billed from its quarterly reports through default and claim. */
#include <check.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "harness.h"

#define TODAY "2026-03-01"
#define PURPOSE "\"purpose\":\"中试线验证\",\"planned_months\":6"

static void setup(void)
{
    fixture_start_on("agreement", "TECHPOOL_TODAY=" TODAY);
}

static void teardown(void)
{
    ck_assert_int_eq(harness_stop(), 0);
}

static const char *trials_path(int64_t achievement)
{
    return fixture_text("/api/v1/achievements/%lld/trials", (long long)achievement);
}

static const char *license_path(int64_t license, const char *action)
{
    return fixture_text("/api/v1/licenses/%lld%s", (long long)license, action);
}

static long long number_at(const json_t *object, const char *key)
{
    return json_integer_value(json_object_get(object, key));
}

static const char *text_at(const json_t *object, const char *key)
{
    const char *value = json_string_value(json_object_get(object, key));
    return value != NULL ? value : "(none)";
}

/* The field named by the first error of a 422 reply. */
static const char *error_field(const struct http_reply *r)
{
    return text_at(json_array_get(json_object_get(r->json, "errors"), 0), "field");
}

static void expect_invalid(const struct fixture_user *user, const char *method, const char *path,
                           const char *body, const char *field)
{
    struct http_reply *r = fixture_expect(user, method, path, body, 422, "invalid_field");
    ck_assert_str_eq(error_field(r), field);
    http_reply_free(r);
}

START_TEST(standard_terms_are_checked_on_the_offer)
{
    struct fixture_user inst = fixture_institution("SH");
    const char *create = "{\"title\":\"高导热石墨烯膜\",\"abstract\":\"低成本制备方法。\","
                         "\"field\":\"new_materials\",\"kind\":\"invention_patent\","
                         "\"maturity\":6,\"trial_months\":12,%s}";
    expect_invalid(&inst, "POST", "/api/v1/achievements",
                   fixture_text(create, "\"payment_mode\":\"installments\","
                                        "\"reference_fee_fen\":1000,\"fee_schedule\":"
                                        "[{\"after_days\":30,\"amount_fen\":400}]"),
                   "fee_schedule");
    expect_invalid(&inst, "POST", "/api/v1/achievements",
                   fixture_text(create, "\"payment_mode\":\"lump_sum\",\"royalty_bp\":300"),
                   "royalty_bp");
    expect_invalid(&inst, "POST", "/api/v1/achievements",
                   fixture_text(create, "\"payment_mode\":\"lump_sum\",\"license_years\":21"),
                   "license_years");
    struct http_reply *r = fixture_expect(
        &inst, "POST", "/api/v1/achievements",
        fixture_text(create, "\"payment_mode\":\"installments\",\"reference_fee_fen\":1000"), 201,
        NULL);
    const json_t *terms = json_object_get(r->json, "standard_terms");
    ck_assert_int_eq(number_at(terms, "fee_fen"), 1000);
    ck_assert_int_eq(number_at(terms, "license_years"), 5);
    ck_assert_str_eq(text_at(terms, "royalty_base"), "net_sales");
    const json_t *due = json_array_get(json_object_get(terms, "fee_schedule"), 0);
    ck_assert_int_eq(number_at(due, "after_days"), 30);
    ck_assert_int_eq(number_at(due, "amount_fen"), 1000);
    long long id = number_at(r->json, "id");
    http_reply_free(r);
    /* a new fee without a schedule is due 30 days after conversion again */
    r = fixture_expect(&inst, "PATCH", fixture_text("/api/v1/achievements/%lld", id),
                       "{\"reference_fee_fen\":2500}", 200, NULL);
    due = json_array_get(json_object_get(r->json, "fee_schedule"), 0);
    ck_assert_int_eq(number_at(due, "amount_fen"), 2500);
    http_reply_free(r);
}
END_TEST

START_TEST(a_request_takes_the_standard_terms_or_proposes_its_own)
{
    struct fixture_user inst = fixture_institution("JS");
    struct fixture_user ent = fixture_enterprise("ZJ");
    struct fixture_user other = fixture_enterprise("AH");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    struct http_reply *r = fixture_expect(&ent, "POST", trials_path(achievement), "{" PURPOSE "}",
                                          201, NULL);
    const json_t *terms = json_object_get(r->json, "terms");
    ck_assert(json_is_true(json_object_get(r->json, "terms_standard")));
    ck_assert(json_is_null(json_object_get(r->json, "terms_agreed_on")));
    ck_assert_str_eq(text_at(terms, "payment_mode"), "installments");
    ck_assert_int_eq(number_at(terms, "fee_fen"), 5000000);
    ck_assert_int_eq(number_at(terms, "max_trial_months"), 12);
    http_reply_free(r);

    /* proposed terms: shape in the daemon, how they fit together in the database */
    const char *path = trials_path(achievement);
    expect_invalid(&other, "POST", path, "{" PURPOSE ",\"terms\":{\"exclusive\":true}}",
                   "terms.exclusive");
    expect_invalid(&other, "POST", path, "{" PURPOSE ",\"terms\":{\"payment_mode\":\"royalty\"}}",
                   "terms.royalty_bp");
    expect_invalid(&other, "POST", path,
                   "{" PURPOSE ",\"terms\":{\"fee_fen\":3000000,\"fee_schedule\":"
                   "[{\"after_days\":10,\"amount_fen\":1000000}]}}",
                   "terms.fee_schedule");
    expect_invalid(&other, "POST", path, "{" PURPOSE ",\"terms\":{\"license_years\":0}}",
                   "terms.license_years");
    fixture_check(&other, "POST", path, "{" PURPOSE ",\"terms\":{\"max_trial_months\":36}}", 400,
                  "bad_request");
    ck_assert_str_eq(fixture_sql("SELECT count(*) FROM trials WHERE enterprise_id = %lld",
                                 (long long)other.org_id),
                     "0");
    r = fixture_expect(&other, "POST", path,
                       "{" PURPOSE ",\"terms\":{\"fee_fen\":3000000,\"license_years\":8,"
                       "\"field_of_use\":\"储能电池散热\"}}",
                       201, NULL);
    terms = json_object_get(r->json, "terms");
    ck_assert(json_is_false(json_object_get(r->json, "terms_standard")));
    ck_assert_int_eq(number_at(terms, "fee_fen"), 3000000);
    ck_assert_int_eq(number_at(terms, "license_years"), 8);
    ck_assert_str_eq(text_at(terms, "field_of_use"), "储能电池散热");
    ck_assert_int_eq(number_at(json_array_get(json_object_get(terms, "fee_schedule"), 0),
                               "amount_fen"),
                     3000000);
    http_reply_free(r);
}
END_TEST

START_TEST(agreed_terms_outlast_any_edit_of_the_achievement)
{
    struct fixture_user inst = fixture_institution("SH");
    struct fixture_user ent = fixture_enterprise("SH");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    int64_t trial = fixture_trial_active(&ent, &inst, achievement, 6);
    struct http_reply *r = fixture_expect(&ent, "GET",
                                          fixture_text("/api/v1/trials/%lld", (long long)trial),
                                          NULL, 200, NULL);
    ck_assert_str_eq(text_at(r->json, "terms_agreed_on"), TODAY);
    http_reply_free(r);
    /* the institution raises its price after the trial has shown its value */
    fixture_check(&inst, "PATCH", fixture_text("/api/v1/achievements/%lld", (long long)achievement),
                  "{\"reference_fee_fen\":90000000}", 200, NULL);
    ck_assert_str_eq(fixture_sql("SELECT terms->>'fee_fen' FROM trials WHERE id = %lld",
                                 (long long)trial),
                     "5000000");
    /* and not even plain SQL changes agreed terms */
    PGresult *res = PQexec(
        harness_db(),
        fixture_text(
            "UPDATE trials SET terms = jsonb_set(terms, '{fee_fen}', '90000000') WHERE id = %lld",
            (long long)trial));
    ck_assert_int_eq(PQresultStatus(res), PGRES_FATAL_ERROR);
    ck_assert_str_eq(PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME), "trials_terms_fixed");
    PQclear(res);
    res = PQexec(
        harness_db(),
        fixture_text("UPDATE trials SET terms_agreed_on = terms_agreed_on + 1 WHERE id = %lld",
                     (long long)trial));
    ck_assert_int_eq(PQresultStatus(res), PGRES_FATAL_ERROR);
    PQclear(res);
    /* the enterprise keeps it at the price agreed */
    r = fixture_expect(&ent, "POST", fixture_text("/api/v1/trials/%lld/convert", (long long)trial),
                       NULL, 201, NULL);
    ck_assert_int_eq(number_at(json_object_get(r->json, "license"), "total_fen"), 5000000);
    http_reply_free(r);
}
END_TEST

START_TEST(a_royalty_license_is_billed_from_reports_through_default_and_claim)
{
    struct fixture_user inst = fixture_institution("ZJ");
    struct fixture_user ent = fixture_enterprise("ZJ");
    int64_t achievement = fixture_listed_royalty_achievement(inst.org_id, 500);
    int64_t trial = fixture_trial_active(&ent, &inst, achievement, 6);
    struct http_reply *r = fixture_expect(&ent, "POST",
                                          fixture_text("/api/v1/trials/%lld/convert",
                                                       (long long)trial),
                                          "{}", 201, NULL);
    int64_t license = number_at(json_object_get(r->json, "license"), "id");
    ck_assert_int_eq(number_at(json_object_get(r->json, "license"), "issued_fen"), 0);
    http_reply_free(r);
    const char *reports = license_path(license, "/reports");
    const char *payments = license_path(license, "/payments");
    /* a quarter that has not ended, or lies before the term, takes no report */
    fixture_check(&ent, "POST", reports, "{\"period\":\"2026-Q1\",\"net_sales_fen\":100}", 409,
                  "conflict");
    fixture_check(&ent, "POST", reports, "{\"period\":\"2025-Q4\",\"net_sales_fen\":100}", 409,
                  "conflict");
    expect_invalid(&ent, "POST", reports, "{\"period\":\"2026-Q5\",\"net_sales_fen\":100}",
                   "period");
    fixture_check(&inst, "POST", reports, "{\"period\":\"2026-Q1\",\"net_sales_fen\":100}", 403,
                  "forbidden");

    struct fixture_user parties[] = { inst, ent };
    fixture_restart_on("TECHPOOL_TODAY=2026-04-15", parties, 2);
    r = fixture_expect(&parties[1], "GET", license_path(license, ""), NULL, 200, NULL);
    const json_t *due = json_array_get(json_object_get(r->json, "reports_due"), 0);
    ck_assert_str_eq(text_at(due, "period"), "2026-Q1");
    ck_assert_str_eq(text_at(due, "due_on"), "2026-04-30");
    ck_assert(json_is_false(json_object_get(due, "overdue")));
    http_reply_free(r);
    /* 5 % of 12,345,679 fen is 617,283.95: 617,284 fen, due in 30 days */
    r = fixture_expect(&parties[1], "POST", reports,
                       "{\"period\":\"2026-Q1\",\"net_sales_fen\":12345679,\"note\":\"一季度\"}",
                       201, NULL);
    ck_assert_int_eq(number_at(json_object_get(r->json, "report"), "royalty_fen"), 617284);
    const json_t *installment = json_object_get(r->json, "installment");
    ck_assert_int_eq(number_at(installment, "amount_fen"), 617284);
    ck_assert_str_eq(text_at(installment, "due_on"), "2026-05-15");
    ck_assert_str_eq(text_at(installment, "kind"), "royalty");
    http_reply_free(r);
    fixture_check(&parties[1], "POST", reports, "{\"period\":\"2026-Q1\",\"net_sales_fen\":1}", 409,
                  "conflict");
    /* more than is issued is refused and changes nothing */
    fixture_check(&parties[0], "POST", payments,
                  "{\"amount_fen\":617285,\"paid_on\":\"2026-04-15\",\"reference\":\"多付\"}", 409,
                  "conflict");
    ck_assert_str_eq(fixture_sql("SELECT paid_fen || ' ' || (SELECT count(*) FROM payments"
                                 " WHERE license_id = %lld) FROM licenses WHERE id = %lld",
                                 (long long)license, (long long)license),
                     "0 0");
    fixture_check(&parties[0], "POST", payments,
                  "{\"amount_fen\":600000,\"paid_on\":\"2026-04-15\",\"reference\":\"一季度\"}",
                  201, NULL);

    /* the rest stays unpaid past 90 days: the institution marks a default, the claim is for
     * what was issued and not paid */
    fixture_restart_on("TECHPOOL_TODAY=2026-08-14", parties, 2);
    r = fixture_expect(&parties[0], "GET", license_path(license, ""), NULL, 200, NULL);
    ck_assert_int_eq(number_at(r->json, "outstanding_fen"), 17284);
    ck_assert(json_is_true(
        json_object_get(json_array_get(json_object_get(r->json, "installments"), 0), "overdue")));
    http_reply_free(r);
    r = fixture_expect(&parties[0], "POST", license_path(license, "/default"),
                       "{\"reason\":\"二季度起未付提成\"}", 201, NULL);
    const json_t *claim = json_object_get(r->json, "compensation");
    ck_assert_int_eq(number_at(claim, "outstanding_fen"), 17284);
    ck_assert_int_eq(number_at(claim, "amount_fen"), 8642);
    http_reply_free(r);
    r = fixture_expect(&parties[1], "GET", license_path(license, "/reports"), NULL, 200, NULL);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 1);
    http_reply_free(r);
}
END_TEST

START_TEST(a_royalty_on_profit_needs_the_profit_reported)
{
    struct fixture_user inst = fixture_institution("ZJ");
    struct fixture_user ent = fixture_enterprise("ZJ");
    int64_t achievement = fixture_listed_royalty_achievement(inst.org_id, 500);
    fixture_sql("UPDATE achievements SET royalty_base = 'profit' WHERE id = %lld",
                (long long)achievement);
    int64_t trial = fixture_trial_active(&ent, &inst, achievement, 6);
    struct http_reply *r = fixture_expect(&ent, "POST",
                                          fixture_text("/api/v1/trials/%lld/convert",
                                                       (long long)trial),
                                          "{}", 201, NULL);
    int64_t license = number_at(json_object_get(r->json, "license"), "id");
    http_reply_free(r);
    const char *reports = license_path(license, "/reports");
    struct fixture_user parties[] = { inst, ent };
    fixture_restart_on("TECHPOOL_TODAY=2026-04-15", parties, 2);
    /* absent or JSON null, the profit is missing: nothing is billed */
    expect_invalid(&parties[1], "POST", reports, "{\"period\":\"2026-Q1\",\"net_sales_fen\":100}",
                   "profit_fen");
    expect_invalid(&parties[1], "POST", reports,
                   "{\"period\":\"2026-Q1\",\"net_sales_fen\":100,\"profit_fen\":null}",
                   "profit_fen");
    ck_assert_str_eq(fixture_sql("SELECT count(*) FROM royalty_reports WHERE license_id = %lld",
                                 (long long)license),
                     "0");
    /* 5 % of a profit of 10,000 fen */
    r = fixture_expect(&parties[1], "POST", reports,
                       "{\"period\":\"2026-Q1\",\"net_sales_fen\":100,\"profit_fen\":10000}", 201,
                       NULL);
    ck_assert_int_eq(number_at(json_object_get(r->json, "report"), "royalty_fen"), 500);
    http_reply_free(r);
}
END_TEST

START_TEST(a_report_ninety_days_overdue_allows_a_default)
{
    struct fixture_user inst = fixture_institution("AH");
    struct fixture_user ent = fixture_enterprise("AH");
    int64_t achievement = fixture_listed_royalty_achievement(inst.org_id, 300);
    int64_t trial = fixture_trial_active(&ent, &inst, achievement, 6);
    struct http_reply *r = fixture_expect(&ent, "POST",
                                          fixture_text("/api/v1/trials/%lld/convert",
                                                       (long long)trial),
                                          "{}", 201, NULL);
    int64_t license = number_at(json_object_get(r->json, "license"), "id");
    http_reply_free(r);
    struct fixture_user parties[] = { inst, ent };
    /* the 2026-Q1 report was due on 2026-04-30: 89 days later no default yet, 90 days later */
    fixture_restart_on("TECHPOOL_TODAY=2026-07-28", parties, 2);
    fixture_check(&parties[0], "POST", license_path(license, "/default"),
                  "{\"reason\":\"未报销售额\"}", 409, "invalid_transition");
    fixture_restart_on("TECHPOOL_TODAY=2026-07-29", parties, 2);
    fixture_check(&parties[0], "POST", license_path(license, "/default"),
                  "{\"reason\":\"未报销售额\"}", 201, NULL);
}
END_TEST

START_TEST(licenses_refuse_the_wrong_party_state_and_input)
{
    struct fixture_user inst = fixture_institution("JS");
    struct fixture_user ent = fixture_enterprise("JS");
    struct fixture_user stranger = fixture_enterprise("SH");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    int64_t trial = fixture_trial_active(&ent, &inst, achievement, 6);
    struct http_reply *r =
        fixture_expect(&inst, "POST", fixture_text("/api/v1/trials/%lld/convert", (long long)trial),
                       "{\"payment_mode\":\"lump_sum\",\"total_fen\":800000,\"installments\":"
                       "[{\"due_on\":\"2026-06-30\",\"amount_fen\":800000}]}",
                       201, NULL);
    int64_t proposal = number_at(json_object_get(r->json, "license"), "id");
    http_reply_free(r);
    /* a stranger sees no proposal; an answer needs its reason */
    fixture_check(&stranger, "POST", license_path(proposal, "/accept"), NULL, 404, "not_found");
    fixture_check(&stranger, "GET", license_path(proposal, "/reports"), NULL, 404, "not_found");
    fixture_check(&ent, "POST", license_path(proposal, "/decline"), "{\"reason\":\"  \"}", 422,
                  "invalid_field");
    fixture_check(&ent, "POST", license_path(proposal, "/accept"), "{\"extra\":1}", 400,
                  "bad_request");
    /* nothing is recorded, registered, reported or paid on a proposal */
    fixture_check(&inst, "PUT", license_path(proposal, "/recording"),
                  "{\"record_number\":\"R-1\",\"recorded_on\":\"" TODAY "\"}", 409,
                  "invalid_transition");
    fixture_check(&ent, "PUT", license_path(proposal, "/registration"),
                  "{\"registration_number\":\"G-1\",\"registered_on\":\"" TODAY "\","
                  "\"registry_province\":\"JS\",\"contract_amount_fen\":1}",
                  409, "invalid_transition");
    fixture_check(&inst, "POST", license_path(proposal, "/payments"),
                  "{\"amount_fen\":1,\"paid_on\":\"" TODAY "\",\"reference\":\"x\"}", 409,
                  "invalid_transition");
    r = fixture_expect(&ent, "POST", license_path(proposal, "/accept"), NULL, 200, NULL);
    http_reply_free(r);
    /* a license of no patent is not recorded; a fixed-fee license takes no sales report; a
     * registration is dated from the signing to today, and only by a party */
    fixture_check(&inst, "PUT", license_path(proposal, "/recording"),
                  "{\"record_number\":\"R-1\",\"recorded_on\":\"" TODAY "\"}", 409,
                  "invalid_transition");
    fixture_check(&ent, "POST", license_path(proposal, "/reports"),
                  "{\"period\":\"2026-Q1\",\"net_sales_fen\":1}", 409, "invalid_transition");
    expect_invalid(&ent, "PUT", license_path(proposal, "/registration"),
                   "{\"registration_number\":\"G-1\",\"registered_on\":\"2026-02-28\","
                   "\"registry_province\":\"JS\",\"contract_amount_fen\":1}",
                   "registered_on");
    fixture_check(&stranger, "PUT", license_path(proposal, "/registration"),
                  "{\"registration_number\":\"G-1\",\"registered_on\":\"" TODAY "\","
                  "\"registry_province\":\"JS\",\"contract_amount_fen\":1}",
                  404, "not_found");
    ck_assert_str_eq(fixture_sql("SELECT count(*) FROM licenses WHERE id = %lld"
                                 " AND (registration_number IS NOT NULL"
                                 " OR record_number IS NOT NULL)",
                                 (long long)proposal),
                     "0");
    /* open licenses: unknown declarations, bad filters, anonymous takers */
    fixture_check(NULL, "GET", "/api/v1/open-licenses/999999", NULL, 404, "not_found");
    fixture_check(NULL, "GET", "/api/v1/open-licenses?status=gone", NULL, 422, "invalid_field");
    fixture_check(NULL, "GET", "/api/v1/open-licenses?achievement_id=abc", NULL, 422,
                  "invalid_field");
    fixture_check(&ent, "POST", "/api/v1/open-licenses/999999/take", NULL, 404, "not_found");
    fixture_check(NULL, "POST", "/api/v1/open-licenses/1/take", NULL, 401, "unauthenticated");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("agreement");
    TCase *tc = tcase_create("agreement");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, standard_terms_are_checked_on_the_offer);
    tcase_add_test(tc, a_request_takes_the_standard_terms_or_proposes_its_own);
    tcase_add_test(tc, agreed_terms_outlast_any_edit_of_the_achievement);
    tcase_add_test(tc, a_royalty_license_is_billed_from_reports_through_default_and_claim);
    tcase_add_test(tc, a_royalty_on_profit_needs_the_profit_reported);
    tcase_add_test(tc, a_report_ninety_days_overdue_allows_a_default);
    tcase_add_test(tc, licenses_refuse_the_wrong_party_state_and_input);
    suite_add_tcase(s, tc);
    return harness_run_suite(s);
}
