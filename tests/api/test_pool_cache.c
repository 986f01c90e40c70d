/* test_pool_cache: anonymous reads of the pool are answered from the reply cache, and no change
 * is hidden by it — a change made through the daemon shows at once, one made with plain SQL as
 * soon as its notification is heard, and a lost or silent notification connection empties the
 * cache; signed-in callers are never given an anonymous reply. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fixtures.h"
#include "harness.h"

#define TODAY "2026-03-01"

static void setup(void)
{
    fixture_start_on("pool_cache", "TECHPOOL_TODAY=" TODAY);
}

static void teardown(void)
{
    ck_assert_int_eq(harness_stop(), 0);
}

static const char *detail_path(int64_t achievement)
{
    return fixture_text("/api/v1/achievements/%lld", (long long)achievement);
}

/* The title in an anonymous GET of the achievement's detail (a static copy). */
static const char *anonymous_title(int64_t achievement)
{
    static char title[256];
    struct http_reply *r = http_get_ok(detail_path(achievement), NULL);
    snprintf(title, sizeof title, "%s", json_string_value(json_object_get(r->json, "title")));
    http_reply_free(r);
    return title;
}

/* Whether the anonymous pool list of the province holds an item titled title. */
static bool listed_with_title(const char *province, const char *title)
{
    struct http_reply *r = http_get_ok(fixture_text("/api/v1/achievements?province=%s", province),
                                       NULL);
    bool found = false;
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(r->json, "items"), i, item)
        found = found || strcmp(json_string_value(json_object_get(item, "title")), title) == 0;
    http_reply_free(r);
    return found;
}

/* Changes the title with plain SQL on a connection of its own, as an operator would. */
static void retitle_outside(int64_t achievement, const char *title)
{
    PGconn *conn = PQconnectdb(harness_conninfo());
    ck_assert_int_eq(PQstatus(conn), CONNECTION_OK);
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)achievement);
    const char *params[] = { title, id };
    PGresult *res = PQexecParams(conn, "UPDATE achievements SET title = $1 WHERE id = $2", 2, NULL,
                                 params, NULL, NULL, 0);
    ck_assert_int_eq(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    PQfinish(conn);
}

/* A listed achievement of a new institution in province, its detail read anonymously twice:
 * kept in the cache now. */
static int64_t kept_achievement(const char *province)
{
    struct fixture_user inst = fixture_institution(province);
    int64_t achievement = fixture_listed_achievement(inst.org_id, 6, false);
    anonymous_title(achievement);
    anonymous_title(achievement);
    return achievement;
}

START_TEST(anonymous_reads_are_answered_again_with_the_same_reply)
{
    struct fixture_user inst = fixture_institution("ZJ");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 6, false);
    struct http_reply *first = http_get_ok(detail_path(achievement), NULL);
    char etag[64];
    snprintf(etag, sizeof etag, "%s", http_header(first, "ETag"));
    unsigned long long hits = http_metric("techpool_reply_cache_hits_total");
    struct http_reply *again = http_get_ok(detail_path(achievement), NULL);
    ck_assert_uint_eq(http_metric("techpool_reply_cache_hits_total"), hits + 1);
    ck_assert_str_eq(again->body, first->body);
    ck_assert_str_eq(http_header(again, "ETag"), etag);
    ck_assert_str_eq(http_header(again, "Cache-Control"), "no-store");
    ck_assert_ptr_nonnull(http_header(again, "Content-Security-Policy"));
    http_reply_free(first);
    http_reply_free(again);

    /* Cache-Control: no-cache asks for a fresh read */
    const char *fresh[] = { "Cache-Control: no-cache", NULL };
    struct http_reply *r = http_call("GET", detail_path(achievement), NULL, NULL, fresh);
    ck_assert_int_eq(r->status, 200);
    http_reply_free(r);
    ck_assert_uint_eq(http_metric("techpool_reply_cache_hits_total"), hits + 1);
}
END_TEST

START_TEST(a_change_through_the_daemon_shows_at_once)
{
    struct fixture_user inst = fixture_institution("ZJ");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 6, false);
    char old_title[256];
    snprintf(old_title, sizeof old_title, "%s", anonymous_title(achievement));
    ck_assert(listed_with_title("ZJ", old_title));
    ck_assert(listed_with_title("ZJ", old_title)); /* kept now */

    fixture_check(&inst, "PATCH", detail_path(achievement), "{\"title\":\"新标题：导热膜二代\"}",
                  200, NULL);
    ck_assert_str_eq(anonymous_title(achievement), "新标题：导热膜二代");
    ck_assert(listed_with_title("ZJ", "新标题：导热膜二代"));
    ck_assert(!listed_with_title("ZJ", old_title));

    fixture_check(&inst, "POST", fixture_text("%s/withdraw", detail_path(achievement)), NULL, 200,
                  NULL);
    fixture_check(NULL, "GET", detail_path(achievement), NULL, 404, "not_found");
    ck_assert(!listed_with_title("ZJ", "新标题：导热膜二代"));
}
END_TEST

START_TEST(signed_in_callers_get_their_own_replies)
{
    struct fixture_user inst = fixture_institution("JS");
    fixture_listed_achievement(inst.org_id, 6, false);
    fixture_check(&inst, "POST", "/api/v1/achievements",
                  "{\"title\":\"未提交的草稿成果\",\"abstract\":\"草稿\",\"field\":\"biomedicine\","
                  "\"kind\":\"technical_secret\",\"maturity\":3,\"trial_months\":6,"
                  "\"payment_mode\":\"lump_sum\"}",
                  201, NULL);
    ck_assert(!listed_with_title("JS", "未提交的草稿成果"));
    ck_assert(!listed_with_title("JS", "未提交的草稿成果")); /* kept now */
    unsigned long long hits = http_metric("techpool_reply_cache_hits_total");
    struct http_reply *own = fixture_expect(&inst, "GET",
                                            fixture_text("/api/v1/achievements?province=JS"), NULL,
                                            200, NULL);
    ck_assert_ptr_nonnull(strstr(own->body, "未提交的草稿成果"));
    http_reply_free(own);
    ck_assert_uint_eq(http_metric("techpool_reply_cache_hits_total"), hits);
}
END_TEST

START_TEST(a_change_made_with_plain_sql_is_heard)
{
    int64_t achievement = kept_achievement("AH");
    retitle_outside(achievement, "运维人员直接改的标题");
    double start = harness_clock();
    while (strcmp(anonymous_title(achievement), "运维人员直接改的标题") != 0)
        ck_assert_msg(harness_clock() - start < 10, "the change was not heard within 10 s");
}
END_TEST

START_TEST(a_lost_notification_connection_forgets_every_kept_reply)
{
    int64_t achievement = kept_achievement("SH");
    unsigned long long before = http_metric("techpool_pool_generation");
    ck_assert_uint_ne(before, 0);
    ck_assert_str_eq(fixture_sql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                                 " WHERE application_name = 'techpool-listen'"
                                 " AND datname = current_database()"),
                     "1");
    retitle_outside(achievement, "断线期间改的标题");
    double start = harness_clock();
    /* whether or not this change was heard, reconnecting moves the generation on */
    while (http_metric("techpool_change_feed_listening") != 1 ||
           http_metric("techpool_pool_generation") <= before)
        ck_assert_msg(harness_clock() - start < 10, "the change feed did not come back in 10 s");
    ck_assert_str_eq(anonymous_title(achievement), "断线期间改的标题");
    ck_assert(harness_log_has("\"event\":\"change_feed_lost\""));
}
END_TEST

/* The title in an anonymous GET of the detail, or "" when it could not be read; asserts
 * nothing, for the moments when a test must not stop before it has undone something. */
static const char *anonymous_title_or_empty(int64_t achievement)
{
    static char title[256];
    struct http_reply *r = http_get(detail_path(achievement), NULL);
    const char *value = r->status == 200 ? json_string_value(json_object_get(r->json, "title"))
                                         : NULL;
    snprintf(title, sizeof title, "%s", value != NULL ? value : "");
    http_reply_free(r);
    return title;
}

START_TEST(a_silent_database_turns_the_cache_off)
{
    struct fixture_user inst = fixture_institution("JS");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 6, false);
    char old_title[256];
    snprintf(old_title, sizeof old_title, "%s", anonymous_title(achievement));
    pid_t backend = (pid_t)atoi(fixture_sql("SELECT pid FROM pg_stat_activity"
                                            " WHERE application_name = 'techpool-listen'"
                                            " AND datname = current_database()"));
    ck_assert_int_gt(backend, 0);
    /* the daemon's listening session stops answering without closing its connection; until it
     * is continued below, nothing here may end the test (a stopped backend would hold up
     * dropping the database afterwards) */
    ck_assert_int_eq(kill(backend, SIGSTOP), 0);
    anonymous_title_or_empty(achievement); /* kept now */
    PGconn *conn = PQconnectdb(harness_conninfo());
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)achievement);
    const char *params[] = { "无人通知的修改", id };
    PGresult *res = PQexecParams(conn, "UPDATE achievements SET title = $1 WHERE id = $2", 2, NULL,
                                 params, NULL, NULL, 0);
    bool updated = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    PQfinish(conn);
    char stale[256];
    snprintf(stale, sizeof stale, "%s", anonymous_title_or_empty(achievement));
    double start = harness_clock();
    /* its notification never comes; the unanswered ping gives the connection up */
    bool fresh = false;
    while (!fresh && harness_clock() - start < 20)
        fresh = strcmp(anonymous_title_or_empty(achievement), "无人通知的修改") == 0;
    ck_assert_int_eq(kill(backend, SIGCONT), 0);
    ck_assert(updated);
    ck_assert_str_eq(stale, old_title); /* unheard: still kept */
    ck_assert_msg(fresh, "a stale reply was served for 20 s");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pool_cache");
    TCase *tc = tcase_create("pool_cache");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, anonymous_reads_are_answered_again_with_the_same_reply);
    tcase_add_test(tc, a_change_through_the_daemon_shows_at_once);
    tcase_add_test(tc, signed_in_callers_get_their_own_replies);
    tcase_add_test(tc, a_change_made_with_plain_sql_is_heard);
    tcase_add_test(tc, a_lost_notification_connection_forgets_every_kept_reply);
    suite_add_tcase(s, tc);
    TCase *silent = tcase_create("silent_database");
    tcase_set_timeout(silent, 60);
    tcase_add_checked_fixture(silent, setup, teardown);
    tcase_add_test(silent, a_silent_database_turns_the_cache_off);
    suite_add_tcase(s, silent);
    return harness_run_suite(s);
}
