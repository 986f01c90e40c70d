/* test_todo: GET /api/v1/me/todo counts what waits for each role, the caller's own only —
 * requests and extensions to decide, money due and recordings for an institution; proposals,
 * reports and payments for an enterprise; listings and claims to review for administrators,
 * a province admin's of its province alone. */
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
    fixture_start_on("todo", "TECHPOOL_TODAY=" TODAY);
}

static void setup_own_daemon(void)
{
    fixture_start_on("todo_time", "TECHPOOL_TODAY=" TODAY);
}

static void teardown(void)
{
    ck_assert_int_eq(harness_stop(), 0);
}

/* The count of kind in user's to-do list, after checking that total adds the items up and
 * that the list holds exactly the kinds expected for the role (comma-separated, in order). */
static long long todo_count(const struct fixture_user *user, const char *kinds, const char *kind)
{
    struct http_reply *r = fixture_expect(user, "GET", "/api/v1/me/todo", NULL, 200, NULL);
    json_t *items = json_object_get(r->json, "items");
    char seen[256] = "";
    long long sum = 0, found = -1;
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) {
        const char *name = json_string_value(json_object_get(item, "kind"));
        long long n = json_integer_value(json_object_get(item, "count"));
        ck_assert_ptr_nonnull(name);
        ck_assert_int_ge(n, 0);
        snprintf(seen + strlen(seen), sizeof seen - strlen(seen), "%s%s", i > 0 ? "," : "", name);
        sum += n;
        if (strcmp(name, kind) == 0)
            found = n;
    }
    ck_assert_str_eq(seen, kinds);
    ck_assert_int_eq(json_integer_value(json_object_get(r->json, "total")), sum);
    http_reply_free(r);
    ck_assert_msg(found >= 0, "no %s in the to-do list", kind);
    return found;
}

#define INSTITUTION_KINDS "trial_requests,extension_requests,payments_due,recordings_due"
#define ENTERPRISE_KINDS "proposals,reports_due,payments_due"
#define ADMIN_KINDS "listings_to_review,claims_to_review"

START_TEST(institution_and_enterprise_count_their_own)
{
    struct fixture_user inst = fixture_institution("SH");
    struct fixture_user other_inst = fixture_institution("SH");
    struct fixture_user ent = fixture_enterprise("ZJ");
    struct fixture_user other_ent = fixture_enterprise("ZJ");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    ck_assert_int_eq(todo_count(&inst, INSTITUTION_KINDS, "trial_requests"), 0);

    /* a request waits for the institution, not for another one */
    int64_t requested = fixture_trial_requested(&ent, achievement, 3);
    ck_assert_int_eq(todo_count(&inst, INSTITUTION_KINDS, "trial_requests"), 1);
    ck_assert_int_eq(todo_count(&other_inst, INSTITUTION_KINDS, "trial_requests"), 0);
    fixture_check(&inst, "POST", fixture_text("/api/v1/trials/%lld/approve", (long long)requested),
                  NULL, 200, NULL);
    ck_assert_int_eq(todo_count(&inst, INSTITUTION_KINDS, "trial_requests"), 0);

    /* an extension asked */
    fixture_check(&ent, "POST", fixture_text("/api/v1/trials/%lld/extension", (long long)requested),
                  "{\"months\":2,\"reason\":\"中试线改造延期\"}", 200, NULL);
    ck_assert_int_eq(todo_count(&inst, INSTITUTION_KINDS, "extension_requests"), 1);

    /* an installment due today: the institution records it, the enterprise pays it; the one
     * due in 30 days waits for neither yet */
    fixture_license(&ent, &inst, fixture_listed_achievement(inst.org_id, 12, false), 300000,
                    "[{\"due_on\":\"" TODAY "\",\"amount_fen\":100000},"
                    "{\"due_on\":\"2026-03-31\",\"amount_fen\":200000}]");
    ck_assert_int_eq(todo_count(&inst, INSTITUTION_KINDS, "payments_due"), 1);
    ck_assert_int_eq(todo_count(&ent, ENTERPRISE_KINDS, "payments_due"), 1);
    ck_assert_int_eq(todo_count(&other_ent, ENTERPRISE_KINDS, "payments_due"), 0);

    /* a proposal waits for the enterprise's answer until it answers */
    int64_t proposed_trial =
        fixture_trial_active(&ent, &inst, fixture_listed_achievement(inst.org_id, 12, false), 6);
    struct http_reply *r = fixture_expect(
        &inst, "POST", fixture_text("/api/v1/trials/%lld/convert", (long long)proposed_trial),
        "{\"payment_mode\":\"installments\",\"total_fen\":500000,"
        "\"installments\":[{\"due_on\":\"2026-04-01\",\"amount_fen\":500000}]}",
        201, NULL);
    long long proposal = json_integer_value(json_object_get(json_object_get(r->json, "license"),
                                                            "id"));
    http_reply_free(r);
    ck_assert_int_eq(todo_count(&ent, ENTERPRISE_KINDS, "proposals"), 1);
    ck_assert_int_eq(todo_count(&other_ent, ENTERPRISE_KINDS, "proposals"), 0);
    fixture_check(&ent, "POST", fixture_text("/api/v1/licenses/%lld/decline", proposal),
                  "{\"reason\":\"价格高于约定\"}", 200, NULL);
    ck_assert_int_eq(todo_count(&ent, ENTERPRISE_KINDS, "proposals"), 0);
}
END_TEST

START_TEST(administrators_count_listings_and_claims_in_their_scope)
{
    struct fixture_user inst = fixture_institution("SH");
    struct fixture_user ent = fixture_enterprise("JS");
    struct fixture_user sh = fixture_province_admin("SH");
    struct fixture_user js = fixture_province_admin("JS");
    struct fixture_user admin = fixture_admin();
    long long listings_before = todo_count(&admin, ADMIN_KINDS, "listings_to_review");

    /* an achievement submitted for review in Shanghai */
    long long pending = atoll(fixture_sql(
        "INSERT INTO achievements (institution_id, title, abstract, field, kind, maturity,"
        " trial_months, payment_mode, reference_fee_fen) VALUES (%lld, '待审成果',"
        " '一种待审的方法。', 'new_materials', 'invention_patent', 5, 6, 'lump_sum', 100000)"
        " RETURNING id",
        (long long)inst.org_id));
    fixture_sql("UPDATE achievements SET status = 'pending' WHERE id = %lld", pending);
    ck_assert_int_eq(todo_count(&sh, ADMIN_KINDS, "listings_to_review"), 1);
    ck_assert_int_eq(todo_count(&js, ADMIN_KINDS, "listings_to_review"), 0);
    ck_assert_int_eq(todo_count(&admin, ADMIN_KINDS, "listings_to_review"), listings_before + 1);

    /* a license 90 days overdue is defaulted: its claim waits for Shanghai and the admin */
    int64_t license = fixture_license(&ent, &inst,
                                      fixture_listed_achievement(inst.org_id, 12, false), 100000,
                                      "[{\"due_on\":\"" TODAY "\",\"amount_fen\":100000}]");
    struct fixture_user people[] = { inst, sh, js, admin };
    fixture_restart_on("TECHPOOL_TODAY=2026-06-01", people, 4);
    fixture_check(&people[0], "POST",
                  fixture_text("/api/v1/licenses/%lld/default", (long long)license),
                  "{\"reason\":\"逾期九十二天未付\"}", 201, NULL);
    ck_assert_int_eq(todo_count(&people[1], ADMIN_KINDS, "claims_to_review"), 1);
    ck_assert_int_eq(todo_count(&people[2], ADMIN_KINDS, "claims_to_review"), 0);
    ck_assert_int_eq(todo_count(&people[3], ADMIN_KINDS, "claims_to_review"), 1);
    /* the institution no longer chases a defaulted license's installment */
    ck_assert_int_eq(todo_count(&people[0], INSTITUTION_KINDS, "payments_due"), 0);
}
END_TEST

START_TEST(todo_needs_a_session)
{
    fixture_check(NULL, "GET", "/api/v1/me/todo", NULL, 401, "unauthenticated");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("todo");
    TCase *tc = tcase_create("todo");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, institution_and_enterprise_count_their_own);
    tcase_add_test(tc, todo_needs_a_session);
    suite_add_tcase(s, tc);
    TCase *time = tcase_create("time");
    tcase_add_checked_fixture(time, setup_own_daemon, teardown);
    tcase_set_timeout(time, 120);
    tcase_add_test(time, administrators_count_listings_and_claims_in_their_scope);
    suite_add_tcase(s, time);
    return harness_run_suite(s);
}
