/* test_notifications: decisions reach the other party's users in their language, in the same
 * transaction as the change (a refused change leaves none); the inbox (unread count, read, read
 * all, only one's own) and the preferences; deadline notices written once per object and
 * threshold by the scan that runs with the expiry sweep, also after a long stop. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fixtures.h"
#include "harness.h"

#define TODAY "2026-03-01"

static void setup(void)
{
    fixture_start_on("notifications", "TECHPOOL_TODAY=" TODAY);
}

static void teardown(void)
{
    ck_assert_int_eq(harness_stop(), 0);
}

static long long count_of(const char *kind, const struct fixture_user *user)
{
    return atoll(fixture_sql("SELECT count(*) FROM notifications WHERE kind = '%s'"
                             " AND user_id = %lld",
                             kind, (long long)user->id));
}

/* The caller's inbox, and its unread count. */
static struct http_reply *inbox(const struct fixture_user *user, const char *query)
{
    return fixture_expect(user, "GET", fixture_text("/api/v1/notifications%s", query), NULL, 200,
                          NULL);
}

START_TEST(a_trial_request_notifies_every_user_of_the_institution_once)
{
    struct fixture_user inst = fixture_institution("SH");
    struct fixture_user colleague = fixture_colleague(&inst);
    struct fixture_user ent = fixture_enterprise("ZJ");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    const char *path = fixture_text("/api/v1/achievements/%lld/trials", (long long)achievement);
    /* refused: nothing is written */
    fixture_check(&ent, "POST", path, "{\"purpose\":\"x\",\"planned_months\":13}", 422,
                  "invalid_field");
    ck_assert_int_eq(count_of("trial.requested", &inst), 0);
    fixture_check(&ent, "POST", path, "{\"purpose\":\"中试\",\"planned_months\":3}", 201, NULL);
    ck_assert_int_eq(count_of("trial.requested", &inst), 1);
    ck_assert_int_eq(count_of("trial.requested", &colleague), 1);
    ck_assert_int_eq(count_of("trial.requested", &ent), 0);

    struct http_reply *r = inbox(&inst, "");
    /* the listing's approval came first */
    ck_assert_int_eq(json_integer_value(json_object_get(r->json, "unread")),
                     atoll(fixture_sql("SELECT count(*) FROM notifications WHERE user_id = %lld"
                                       " AND read_at IS NULL",
                                       (long long)inst.id)));
    ck_assert_int_eq(count_of("achievement.approved", &inst), 1);
    json_t *first = json_array_get(json_object_get(r->json, "items"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(first, "kind")), "trial.requested");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(first, "subject"), "type")),
                     "trial");
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(first, "title")),
                                 "新的试用申请"));
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(first, "body")), "测试科技"));
    ck_assert(json_is_null(json_object_get(first, "read_at")));
    http_reply_free(r);
}
END_TEST

START_TEST(decisions_reach_the_enterprise_in_its_language)
{
    struct fixture_user inst = fixture_institution("JS");
    struct fixture_user ent = fixture_enterprise("AH");
    fixture_check(&ent, "PUT", "/api/v1/me/preferences", "{\"email\":false,\"language\":\"en\"}",
                  200, NULL);
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    int64_t trial = fixture_trial_active(&ent, &inst, achievement, 6);
    (void)trial;
    struct http_reply *r = inbox(&ent, "?unread=true");
    json_t *approved = json_array_get(json_object_get(r->json, "items"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(approved, "kind")), "trial.approved");
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(approved, "title")),
                                 "Trial approved"));
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(approved, "body")),
                                 "2026-09-01"));
    http_reply_free(r);
}
END_TEST

START_TEST(the_inbox_reads_one_or_all_and_only_ones_own)
{
    struct fixture_user inst = fixture_institution("ZJ");
    struct fixture_user ent = fixture_enterprise("ZJ");
    struct fixture_user stranger = fixture_enterprise("SH");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    fixture_check(&inst, "POST", "/api/v1/notifications/read-all", NULL, 200, NULL);
    fixture_trial_requested(&ent, achievement, 3);
    fixture_trial_requested(&stranger, achievement, 3);
    struct http_reply *r = inbox(&inst, "?limit=1");
    ck_assert_int_eq(json_integer_value(json_object_get(r->json, "unread")), 2);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 1);
    ck_assert(json_is_string(json_object_get(r->json, "next_cursor")));
    long long id = json_integer_value(
        json_object_get(json_array_get(json_object_get(r->json, "items"), 0), "id"));
    http_reply_free(r);

    const char *read = fixture_text("/api/v1/notifications/%lld/read", id);
    fixture_check(&stranger, "POST", read, NULL, 404, "not_found");
    fixture_check(NULL, "POST", read, NULL, 401, "unauthenticated");
    r = fixture_expect(&inst, "POST", read, NULL, 200, NULL);
    ck_assert(json_is_string(json_object_get(r->json, "read_at")));
    http_reply_free(r);
    r = inbox(&inst, "");
    ck_assert_int_eq(json_integer_value(json_object_get(r->json, "unread")), 1);
    http_reply_free(r);
    r = inbox(&inst, "?unread=false"); /* the listing's approval, and this one */
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(
                         json_array_get(json_object_get(r->json, "items"), 0), "id")),
                     id);
    http_reply_free(r);
    fixture_check(&inst, "GET", "/api/v1/notifications?unread=yes", NULL, 422, "invalid_field");

    r = fixture_expect(&inst, "POST", "/api/v1/notifications/read-all", NULL, 200, NULL);
    ck_assert_int_eq(json_integer_value(json_object_get(r->json, "marked")), 1);
    http_reply_free(r);
    r = inbox(&inst, "");
    ck_assert_int_eq(json_integer_value(json_object_get(r->json, "unread")), 0);
    http_reply_free(r);
    /* without an SMTP server nothing is queued for mail */
    ck_assert_str_eq(fixture_sql("SELECT count(*) FROM mail_outbox"), "0");
}
END_TEST

START_TEST(preferences_are_checked_and_kept)
{
    struct fixture_user ent = fixture_enterprise("SH");
    struct http_reply *r = fixture_expect(&ent, "GET", "/api/v1/me/preferences", NULL, 200, NULL);
    ck_assert(json_is_true(json_object_get(r->json, "email")));
    ck_assert_str_eq(json_string_value(json_object_get(r->json, "language")), "zh");
    http_reply_free(r);
    fixture_check(&ent, "PUT", "/api/v1/me/preferences", "{\"email\":true,\"language\":\"fr\"}",
                  422, "invalid_field");
    fixture_check(&ent, "PUT", "/api/v1/me/preferences", "{\"email\":\"no\",\"language\":\"en\"}",
                  422, "invalid_field");
    fixture_check(&ent, "PUT", "/api/v1/me/preferences", "{\"language\":\"en\"}", 422,
                  "invalid_field");
    fixture_check(&ent, "PUT", "/api/v1/me/preferences",
                  "{\"email\":true,\"language\":\"en\",\"sms\":true}", 400, "bad_request");
    fixture_check(NULL, "GET", "/api/v1/me/preferences", NULL, 401, "unauthenticated");
    fixture_check(&ent, "PUT", "/api/v1/me/preferences", "{\"email\":false,\"language\":\"en\"}",
                  200, NULL);
    r = fixture_expect(&ent, "GET", "/api/v1/me/preferences", NULL, 200, NULL);
    ck_assert(json_is_false(json_object_get(r->json, "email")));
    ck_assert_str_eq(json_string_value(json_object_get(r->json, "language")), "en");
    http_reply_free(r);
    ck_assert_str_eq(fixture_sql("SELECT count(*) FROM audit_events WHERE action ="
                                 " 'user.preferences' AND entity_id = %lld",
                                 (long long)ent.id),
                     "1");
}
END_TEST

/* Restarts the daemon on day with its sweep (and so the deadline scan) on, signs users in
 * again, and waits until the scan has run (its log line, or a notice of kind appearing). */
static void restart_scanning_on(const char *env_today, struct fixture_user *users, size_t count,
                                const char *kind, long long at_least)
{
    const char *env[] = { env_today, "TECHPOOL_SWEEP_MINUTES=60", NULL };
    harness_restart(env);
    fixture_set_today(env_today + strlen("TECHPOOL_TODAY="));
    for (size_t i = 0; i < count; i++)
        fixture_sign_in(&users[i]);
    double deadline = harness_clock() + 10;
    while (harness_clock() < deadline &&
           atoll(fixture_sql("SELECT count(*) FROM notifications WHERE kind = '%s'", kind)) <
               at_least) {
        struct timespec pause = { 0, 50 * 1000 * 1000 };
        nanosleep(&pause, NULL);
    }
}

START_TEST(deadline_notices_come_once_per_threshold)
{
    struct fixture_user users[] = { fixture_institution("SH"), fixture_enterprise("JS") };
    int64_t achievement = fixture_listed_achievement(users[0].org_id, 12, false);
    fixture_trial_active(&users[1], &users[0], achievement, 1); /* ends 2026-04-01 */

    /* four days before the end: the 7-day notice only (not the 30-day one it slept through) */
    restart_scanning_on("TECHPOOL_TODAY=2026-03-28", users, 2, "trial.ends_soon", 2);
    ck_assert_int_eq(count_of("trial.ends_soon", &users[0]), 1);
    ck_assert_int_eq(count_of("trial.ends_soon", &users[1]), 1);
    const char *trial = fixture_text("%s", fixture_sql("SELECT id FROM trials LIMIT 1"));
    ck_assert_str_eq(fixture_sql("SELECT dedupe_key FROM notifications WHERE kind ="
                                 " 'trial.ends_soon' AND user_id = %lld",
                                 (long long)users[1].id),
                     fixture_text("trial.ends_soon:%s:7", trial));
    /* the same day again (as a second daemon would scan): nothing new */
    ck_assert_str_eq(fixture_sql("SELECT set_config('techpool.today', '2026-03-28', false),"
                                 " notifications_scan_deadlines()"),
                     "2026-03-28");
    ck_assert_str_eq(fixture_sql("SELECT notifications_scan_deadlines()"), "0");
    ck_assert_int_eq(count_of("trial.ends_soon", &users[1]), 1);
    /* the last day: the 1-day notice */
    restart_scanning_on("TECHPOOL_TODAY=2026-03-31", users, 2, "trial.ends_soon", 4);
    ck_assert_int_eq(count_of("trial.ends_soon", &users[1]), 2);
    const char *want = fixture_text(
        "%s",
        fixture_sql(
            "SELECT format('“%%s”的试用于 2026-04-01 结束。请在此之前决定转为许可或退还。', title)"
            " FROM achievements WHERE id = %lld",
            (long long)achievement));
    ck_assert_str_eq(fixture_sql("SELECT body FROM notifications WHERE kind = 'trial.ends_soon'"
                                 " AND user_id = %lld ORDER BY id DESC LIMIT 1",
                                 (long long)users[1].id),
                     want);
}
END_TEST

START_TEST(royalty_reports_and_their_deadlines_are_announced)
{
    struct fixture_user users[] = { fixture_institution("ZJ"), fixture_enterprise("ZJ") };
    int64_t achievement = fixture_listed_royalty_achievement(users[0].org_id, 500);
    int64_t trial = fixture_trial_active(&users[1], &users[0], achievement, 6);
    struct http_reply *r = fixture_expect(&users[1], "POST",
                                          fixture_text("/api/v1/trials/%lld/convert",
                                                       (long long)trial),
                                          "{}", 201, NULL);
    long long license = json_integer_value(json_object_get(json_object_get(r->json, "license"),
                                                           "id"));
    http_reply_free(r);
    ck_assert_int_eq(count_of("trial.converted", &users[0]), 1);
    /* the 2026-Q1 report is due on 2026-04-30: five days before, the licensee is reminded */
    restart_scanning_on("TECHPOOL_TODAY=2026-04-25", users, 2, "report.due_soon", 1);
    ck_assert_int_eq(count_of("report.due_soon", &users[1]), 1);
    ck_assert_int_eq(count_of("report.due_soon", &users[0]), 0);
    fixture_check(&users[1], "POST", fixture_text("/api/v1/licenses/%lld/reports", license),
                  "{\"period\":\"2026-Q1\",\"net_sales_fen\":2000000}", 201, NULL);
    ck_assert_int_eq(count_of("royalty.reported", &users[0]), 1);
    ck_assert_ptr_nonnull(strstr(fixture_sql("SELECT body FROM notifications WHERE kind ="
                                             " 'royalty.reported' AND user_id = %lld",
                                             (long long)users[0].id),
                                 "¥1,000.00"));
    /* the 2026-Q2 report, due 2026-07-30, missing 91 days later: both parties hear of it */
    restart_scanning_on("TECHPOOL_TODAY=2026-10-29", users, 2, "report.overdue", 2);
    ck_assert_int_eq(count_of("report.overdue", &users[1]), 1);
    ck_assert_int_eq(count_of("report.overdue", &users[0]), 1);
}
END_TEST

START_TEST(overdue_installments_are_announced_at_the_tightest_threshold)
{
    struct fixture_user users[] = { fixture_institution("AH"), fixture_enterprise("AH") };
    int64_t achievement = fixture_listed_achievement(users[0].org_id, 12, false);
    fixture_license(&users[1], &users[0], achievement, 5000,
                    "[{\"due_on\":\"2026-06-01\",\"amount_fen\":5000}]");
    /* 106 days late on the first scan: the 90-day notice, to the licensee and the licensor */
    restart_scanning_on("TECHPOOL_TODAY=2026-09-15", users, 2, "installment.overdue", 2);
    ck_assert_int_eq(count_of("installment.overdue", &users[1]), 1);
    ck_assert_int_eq(count_of("installment.overdue", &users[0]), 1);
    ck_assert_ptr_nonnull(strstr(fixture_sql("SELECT title FROM notifications WHERE kind ="
                                             " 'installment.overdue' AND user_id = %lld",
                                             (long long)users[1].id),
                                 "逾期 90 天"));
    ck_assert_int_eq(count_of("installment.due_soon", &users[1]), 0);
}
END_TEST

/* How many notices of kind each of the users has (as "a,b,c"). */
static const char *counts(const char *kind, const struct fixture_user *users, size_t n)
{
    static char out[64];
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(out + used, sizeof out - used, "%s%lld", i ? "," : "",
                                 count_of(kind, &users[i]));
    return out;
}

START_TEST(every_decision_reaches_the_other_side_only)
{
    /* people: the institution's two staff, the enterprise's two staff, a stranger of each kind */
    struct fixture_user p[6];
    p[0] = fixture_institution("SH");
    p[1] = fixture_colleague(&p[0]);
    p[2] = fixture_enterprise("JS");
    p[3] = fixture_colleague(&p[2]);
    p[4] = fixture_institution("ZJ");
    p[5] = fixture_enterprise("ZJ");
    const char *INSTITUTION = "1,1,0,0,0,0", *ENTERPRISE = "0,0,1,1,0,0";
    int64_t a = fixture_listed_achievement(p[0].org_id, 12, false);
    ck_assert_str_eq(counts("achievement.approved", p, 6), INSTITUTION);

    int64_t declined = fixture_trial_requested(&p[2], a, 3);
    ck_assert_str_eq(counts("trial.requested", p, 6), INSTITUTION);
    fixture_check(&p[0], "POST", fixture_text("/api/v1/trials/%lld/decline", (long long)declined),
                  "{\"reason\":\"名额已满\"}", 200, NULL);
    ck_assert_str_eq(counts("trial.declined", p, 6), ENTERPRISE);
    int64_t cancelled = fixture_trial_requested(&p[2], a, 3);
    fixture_check(&p[2], "POST", fixture_text("/api/v1/trials/%lld/cancel", (long long)cancelled),
                  NULL, 200, NULL);
    ck_assert_str_eq(counts("trial.cancelled", p, 6), INSTITUTION);
    int64_t trial = fixture_trial_active(&p[2], &p[0], a, 3);
    ck_assert_str_eq(counts("trial.approved", p, 6), ENTERPRISE);
    fixture_check(&p[2], "POST", fixture_text("/api/v1/trials/%lld/extension", (long long)trial),
                  "{\"months\":1,\"reason\":\"延期\"}", 200, NULL);
    ck_assert_str_eq(counts("trial.extension_requested", p, 6), INSTITUTION);
    fixture_check(&p[0], "POST",
                  fixture_text("/api/v1/trials/%lld/extension/approve", (long long)trial), NULL,
                  200, NULL);
    ck_assert_str_eq(counts("trial.extension_decided", p, 6), ENTERPRISE);
    fixture_check(&p[2], "POST", fixture_text("/api/v1/trials/%lld/return", (long long)trial),
                  "{\"reason\":\"不适用\"}", 200, NULL);
    ck_assert_str_eq(counts("trial.returned", p, 6), INSTITUTION);

    int64_t license = fixture_license(&p[2], &p[0], a, 5000,
                                      "[{\"due_on\":\"2026-06-01\",\"amount_fen\":5000}]");
    /* the institution proposed, the enterprise accepted */
    ck_assert_str_eq(counts("license.proposed", p, 6), ENTERPRISE);
    ck_assert_str_eq(counts("license.accepted", p, 6), INSTITUTION);
    ck_assert_str_eq(counts("trial.converted", p, 6), "0,0,0,0,0,0");
    fixture_check(&p[0], "POST", fixture_text("/api/v1/licenses/%lld/payments", (long long)license),
                  "{\"amount_fen\":1000,\"paid_on\":\"" TODAY "\",\"reference\":\"r\"}", 201, NULL);
    ck_assert_str_eq(counts("payment.recorded", p, 6), ENTERPRISE);
    struct fixture_user admin = fixture_admin();
    fixture_restart_on("TECHPOOL_TODAY=2026-09-01", p, 6);
    fixture_sign_in(&admin);
    fixture_check(&p[0], "POST", fixture_text("/api/v1/licenses/%lld/default", (long long)license),
                  "{\"reason\":\"逾期\"}", 201, NULL);
    ck_assert_str_eq(counts("license.defaulted", p, 6), ENTERPRISE);
    const char *claim = fixture_text("%s", fixture_sql("SELECT id FROM compensations"
                                                       " WHERE license_id = %lld",
                                                       (long long)license));
    fixture_check(&admin, "POST", fixture_text("/api/v1/compensations/%s/reject", claim),
                  "{\"reason\":\"材料不全\"}", 200, NULL);
    ck_assert_str_eq(counts("compensation.decided", p, 6), INSTITUTION);

    /* an achievement sent back to its institution */
    int64_t draft = atoll(fixture_sql("INSERT INTO achievements (institution_id, title, abstract,"
                                      " field, kind, maturity, trial_months, payment_mode)"
                                      " VALUES (%lld, '待审成果', '摘要', 'other', 'other', 3, 6,"
                                      " 'lump_sum') RETURNING id",
                                      (long long)p[0].org_id));
    fixture_check(&p[0], "POST", fixture_text("/api/v1/achievements/%lld/submit", (long long)draft),
                  NULL, 200, NULL);
    fixture_check(&admin, "POST",
                  fixture_text("/api/v1/achievements/%lld/reject", (long long)draft),
                  "{\"reason\":\"材料不全\"}", 200, NULL);
    ck_assert_str_eq(counts("achievement.rejected", p, 6), INSTITUTION);
}
END_TEST

START_TEST(a_crash_right_after_the_change_loses_no_notice)
{
    struct fixture_user inst = fixture_institution("AH");
    struct fixture_user ent = fixture_enterprise("AH");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    fixture_trial_requested(&ent, achievement, 3);
    harness_kill();
    harness_restart(NULL);
    fixture_set_today(TODAY);
    ck_assert_int_eq(count_of("trial.requested", &inst), 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("notifications");
    TCase *tc = tcase_create("notifications");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, a_trial_request_notifies_every_user_of_the_institution_once);
    tcase_add_test(tc, decisions_reach_the_enterprise_in_its_language);
    tcase_add_test(tc, the_inbox_reads_one_or_all_and_only_ones_own);
    tcase_add_test(tc, preferences_are_checked_and_kept);
    tcase_add_test(tc, deadline_notices_come_once_per_threshold);
    tcase_add_test(tc, royalty_reports_and_their_deadlines_are_announced);
    tcase_add_test(tc, overdue_installments_are_announced_at_the_tightest_threshold);
    tcase_add_test(tc, every_decision_reaches_the_other_side_only);
    tcase_add_test(tc, a_crash_right_after_the_change_loses_no_notice);
    suite_add_tcase(s, tc);
    return harness_run_suite(s);
}
