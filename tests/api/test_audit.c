/* test_audit: the audit log list (newest first, keyset pages that neither repeat nor skip, the
 * entity filters, what a province_admin sees, the refusals) and `techpool audit verify`, which
 * must pass an untouched chain and name the first event of one that was edited or cut; writers
 * that overlap take lanes of the chain of their own, and tampering with a lane is seen. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "harness.h"

static char *admin_token;

/* Events on objects of every province (the fixture's ids): after the bootstrap admin's
 * user.create (event 1) these are events 2 to 12. */
static const char EVENTS[] =
    "SET techpool.today = '2026-06-15';"
    "SELECT audit_write(101, 'achievement.approve', 'achievement', 1, "
    "                   '{\"status\": \"pending\"}', '{\"status\": \"listed\"}');" /* ZJ */
    "SELECT audit_write(103, 'trial.request', 'trial', 4, NULL, "
    "                   '{\"status\": \"requested\"}');" /* SH-ZJ */
    "SELECT audit_write(NULL, 'trial.expire', 'trial', 6, '{\"status\": \"active\"}', "
    "                   '{\"status\": \"expired\"}');" /* JS-AH */
    "SELECT audit_write(104, 'trial.approve', 'trial', 4, '{\"status\": \"requested\"}', "
    "                   '{\"status\": \"active\"}');" /* SH-ZJ */
    "SELECT audit_write(NULL, 'license.default', 'license', 11, '{\"status\": \"active\"}', "
    "                   '{\"status\": \"defaulted\"}');" /* SH-JS */
    "SELECT audit_write(104, 'payment.record', 'payment', 1, NULL, "
    "                   '{\"amount_fen\": 30000}');" /* SH-ZJ */
    "SELECT audit_write(101, 'compensation.approve', 'compensation', 1, "
    "                   '{\"status\": \"pending\"}', '{\"status\": \"approved\"}');" /* ZJ */
    "SELECT audit_write(NULL, 'enterprise.create', 'enterprise', 1, NULL, "
    "                   '{\"name\": \"上海微电子有限公司\"}');" /* SH */
    "SELECT audit_write(NULL, 'user.create', 'user', 104, NULL, "
    "                   '{\"role\": \"institution\"}');"                    /* ZJ */
    "SELECT audit_write(102, 'session.start', 'session', 102, NULL, NULL);" /* SH */
    "SELECT audit_write(NULL, 'institution.create', 'institution', 3, NULL, "
    "                   '{\"name\": \"浙江大学\"}');"; /* ZJ */

static void setup(void)
{
    static const char *const env[] = { "TECHPOOL_TODAY=2026-06-15", NULL };
    harness_start("audit", env);
    fixture_stats_load();
    harness_sql_script(EVENTS);
    /* the fixture's session, not a sign-in: signing in is itself audited and would shift the
     * event ids that these tests name */
    admin_token = strdup(fixture_stats_token("stats-admin"));
}

static void teardown(void)
{
    free(admin_token);
    ck_assert_int_eq(harness_stop(), 0);
}

/* The ids of a page's items, in order, as "12,11,..." */
static void page_ids(const json_t *page, char *out, size_t size)
{
    const json_t *items = json_object_get(page, "items");
    out[0] = '\0';
    for (size_t i = 0; i < json_array_size(items); i++) {
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%s%lld", i > 0 ? "," : "",
                 json_integer_value(json_object_get(json_array_get(items, i), "id")));
    }
}

START_TEST(admin_sees_every_event_newest_first_with_its_contents)
{
    struct http_reply *r = http_get_ok("/api/v1/audit?limit=100", admin_token);
    char ids[256];
    page_ids(r->json, ids, sizeof ids);
    ck_assert_str_eq(ids, "12,11,10,9,8,7,6,5,4,3,2,1");
    ck_assert(json_is_null(json_object_get(r->json, "next_cursor")));
    const json_t *item = json_array_get(json_object_get(r->json, "items"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(item, "action")), "institution.create");
    ck_assert_str_eq(json_string_value(json_object_get(item, "entity")), "institution");
    ck_assert_int_eq(json_integer_value(json_object_get(item, "entity_id")), 3);
    ck_assert(json_is_null(json_object_get(item, "actor_id")));
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(item, "after"), "name")),
                     "浙江大学");
    ck_assert_int_eq(strlen(json_string_value(json_object_get(item, "hash"))), 64);
    ck_assert_int_eq(strlen(json_string_value(json_object_get(item, "at"))), 20);
    http_reply_free(r);
    r = http_get_ok("/api/v1/audit", admin_token);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 12);
    http_reply_free(r);
}
END_TEST

START_TEST(entity_and_entity_id_narrow_the_log)
{
    char ids[256];
    struct http_reply *r = http_get_ok("/api/v1/audit?entity=trial", admin_token);
    page_ids(r->json, ids, sizeof ids);
    ck_assert_str_eq(ids, "5,4,3");
    http_reply_free(r);
    r = http_get_ok("/api/v1/audit?entity=trial&entity_id=4", admin_token);
    page_ids(r->json, ids, sizeof ids);
    ck_assert_str_eq(ids, "5,3");
    http_reply_free(r);
    r = http_get_ok("/api/v1/audit?entity=user&entity_id=1", admin_token);
    page_ids(r->json, ids, sizeof ids);
    ck_assert_str_eq(ids, "1");
    http_reply_free(r);
    r = http_get_ok("/api/v1/audit?entity=trial&entity_id=999", admin_token);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 0);
    http_reply_free(r);
}
END_TEST

START_TEST(province_admin_sees_the_events_on_its_provinces_objects)
{
    char ids[256];
    /* ZJ: achievement 1, trial 4 (ZJ enterprise) twice, payment 1 on license 4, compensation 1,
     * user 104 (ZJ institution staff), institution 3 */
    struct http_reply *r = http_get_ok("/api/v1/audit", fixture_stats_token("stats-pa-zj"));
    page_ids(r->json, ids, sizeof ids);
    ck_assert_str_eq(ids, "12,10,8,7,5,3,2");
    http_reply_free(r);
    /* SH: trial 4 (SH institution) twice, license 11, payment 1, enterprise 1, session of 102 */
    r = http_get_ok("/api/v1/audit", fixture_stats_token("stats-pa-sh"));
    page_ids(r->json, ids, sizeof ids);
    ck_assert_str_eq(ids, "11,9,7,6,5,3");
    http_reply_free(r);
    /* another province's object: nothing, not an error */
    r = http_get_ok("/api/v1/audit?entity=trial&entity_id=6", fixture_stats_token("stats-pa-zj"));
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 0);
    http_reply_free(r);
    r = http_get_ok("/api/v1/audit?entity=trial&limit=1", fixture_stats_token("stats-pa-zj"));
    page_ids(r->json, ids, sizeof ids);
    ck_assert_str_eq(ids, "5");
    ck_assert(json_is_string(json_object_get(r->json, "next_cursor")));
    http_reply_free(r);
}
END_TEST

static void assert_refused(const char *path, const char *token, long status, const char *code,
                           const char *field)
{
    struct http_reply *r = http_get(path, token);
    ck_assert_msg(r != NULL, "no reply to %s", path);
    ck_assert_msg(r->status == status, "%s: %ld, expected %ld", path, r->status, status);
    ck_assert_str_eq(problem_code(r), code);
    if (field != NULL) {
        const json_t *error = json_array_get(json_object_get(r->json, "errors"), 0);
        ck_assert_str_eq(json_string_value(json_object_get(error, "field")), field);
    }
    http_reply_free(r);
}

START_TEST(staff_are_forbidden_and_anonymous_callers_unauthenticated)
{
    assert_refused("/api/v1/audit", fixture_stats_token("stats-ent-zj"), 403, "forbidden", NULL);
    assert_refused("/api/v1/audit", fixture_stats_token("stats-inst-zj"), 403, "forbidden", NULL);
    assert_refused("/api/v1/audit", NULL, 401, "unauthenticated", NULL);
}
END_TEST

START_TEST(bad_parameters_are_422_naming_the_parameter)
{
    assert_refused("/api/v1/audit?entity=contract", admin_token, 422, "invalid_field", "entity");
    assert_refused("/api/v1/audit?entity=trial&entity_id=0", admin_token, 422, "invalid_field",
                   "entity_id");
    assert_refused("/api/v1/audit?entity=trial&entity_id=4x", admin_token, 422, "invalid_field",
                   "entity_id");
    assert_refused("/api/v1/audit?entity_id=4", admin_token, 422, "invalid_field", "entity_id");
    assert_refused("/api/v1/audit?limit=0", admin_token, 422, "invalid_field", "limit");
    assert_refused("/api/v1/audit?limit=101", admin_token, 422, "invalid_field", "limit");
    assert_refused("/api/v1/audit?cursor=bm90LWEtY3Vyc29y", admin_token, 422, "invalid_field",
                   "cursor");
}
END_TEST

START_TEST(pages_neither_repeat_nor_skip_while_events_are_written)
{
    char seen[512] = "";
    char cursor_path[512] = "/api/v1/audit?limit=5";
    int pages = 0;
    for (;;) {
        struct http_reply *r = http_get_ok(cursor_path, admin_token);
        char ids[256];
        page_ids(r->json, ids, sizeof ids);
        size_t used = strlen(seen);
        snprintf(seen + used, sizeof seen - used, "%s%s", used > 0 && ids[0] ? "," : "", ids);
        if (pages++ == 0)
            harness_sql("SELECT audit_write(NULL, 'trial.expire', 'trial', 2, NULL, NULL)");
        const char *next = json_string_value(json_object_get(r->json, "next_cursor"));
        if (next == NULL) {
            http_reply_free(r);
            break;
        }
        snprintf(cursor_path, sizeof cursor_path, "/api/v1/audit?limit=5&cursor=%s", next);
        http_reply_free(r);
    }
    ck_assert_int_eq(pages, 3);
    ck_assert_str_eq(seen, "12,11,10,9,8,7,6,5,4,3,2,1");
    struct http_reply *r = http_get_ok("/api/v1/audit?limit=1", admin_token);
    char ids[32];
    page_ids(r->json, ids, sizeof ids);
    ck_assert_str_eq(ids, "13");
    http_reply_free(r);
}
END_TEST

/* Runs `techpool audit verify` on the test database; returns its exit status, output in out. */
static int audit_verify(char *out, size_t size)
{
    char command[2048];
    snprintf(command, sizeof command, "TECHPOOL_DATABASE_URL='%s' %s audit verify 2>&1",
             harness_conninfo(), harness_daemon_bin());
    int status = harness_command(command, out, size);
    ck_assert_msg(status >= 0, "audit verify did not exit");
    return status;
}

/* Asserts that audit verify passes and counts every event. */
static void assert_chain_intact(void)
{
    char out[512];
    char want[64];
    snprintf(want, sizeof want, "audit chain intact: %s events\n",
             harness_sql("SELECT count(*) FROM audit_events"));
    ck_assert_int_eq(audit_verify(out, sizeof out), 0);
    ck_assert_str_eq(out, want);
}

START_TEST(audit_verify_passes_an_untouched_chain)
{
    assert_chain_intact();
}
END_TEST

START_TEST(audit_verify_names_an_edited_event)
{
    char out[512];
    harness_sql("CREATE TABLE audit_saved AS SELECT * FROM audit_events WHERE id = 7");
    harness_sql("ALTER TABLE audit_events DISABLE TRIGGER ALL");
    harness_sql("UPDATE audit_events SET after = '{\"amount_fen\": 3}' WHERE id = 7");
    harness_sql("ALTER TABLE audit_events ENABLE TRIGGER ALL");
    ck_assert_int_eq(audit_verify(out, sizeof out), 1);
    ck_assert_msg(strstr(out, "broken at event 7 ") != NULL, "%s", out);
    /* put it back as it was: the chain verifies again */
    harness_sql("ALTER TABLE audit_events DISABLE TRIGGER ALL");
    harness_sql("UPDATE audit_events e SET after = s.after FROM audit_saved s WHERE e.id = s.id");
    harness_sql("ALTER TABLE audit_events ENABLE TRIGGER ALL");
    harness_sql("DROP TABLE audit_saved");
    ck_assert_int_eq(audit_verify(out, sizeof out), 0);
}
END_TEST

START_TEST(audit_verify_names_the_event_after_a_deleted_one)
{
    char out[512];
    harness_sql("CREATE TABLE audit_saved AS SELECT * FROM audit_events WHERE id = 4");
    harness_sql("ALTER TABLE audit_events DISABLE TRIGGER ALL");
    harness_sql("DELETE FROM audit_events WHERE id = 4");
    harness_sql("ALTER TABLE audit_events ENABLE TRIGGER ALL");
    ck_assert_int_eq(audit_verify(out, sizeof out), 1);
    ck_assert_msg(strstr(out, "broken at event 5 (3 events before it verified)") != NULL, "%s",
                  out);
    harness_sql("ALTER TABLE audit_events DISABLE TRIGGER ALL");
    harness_sql("INSERT INTO audit_events SELECT * FROM audit_saved");
    harness_sql("ALTER TABLE audit_events ENABLE TRIGGER ALL");
    harness_sql("DROP TABLE audit_saved");
    ck_assert_int_eq(audit_verify(out, sizeof out), 0);
}
END_TEST

START_TEST(audit_verify_notices_the_newest_event_missing)
{
    char out[512];
    char last[24];
    snprintf(last, sizeof last, "%s", harness_sql("SELECT max(id) FROM audit_events"));
    harness_sql("ALTER TABLE audit_events DISABLE TRIGGER ALL");
    char sql[128];
    snprintf(sql, sizeof sql, "DELETE FROM audit_events WHERE id = %s", last);
    harness_sql(sql);
    harness_sql("ALTER TABLE audit_events ENABLE TRIGGER ALL");
    ck_assert_int_eq(audit_verify(out, sizeof out), 1);
    char want[64];
    snprintf(want, sizeof want, "broken at event %s ", last);
    ck_assert_msg(strstr(out, want) != NULL, "%s", out);
}
END_TEST

START_TEST(audit_verify_without_a_database_says_so_with_exit_2)
{
    char out[512];
    char command[1024];
    snprintf(command, sizeof command,
             "TECHPOOL_DATABASE_URL='host=/nonexistent/socket dbname=none' %s audit verify 2>&1",
             harness_daemon_bin());
    ck_assert_int_eq(harness_command(command, out, sizeof out), 2);
    ck_assert_ptr_nonnull(strstr(out, "cannot connect to the database"));
}
END_TEST

/* ---- lanes: writers that overlap take lanes of their own, and the lanes are verified too */

enum { WRITERS = 8 };

static void lanes_setup(void)
{
    harness_start("audit_lanes", NULL);
}

static void lanes_teardown(void)
{
    ck_assert_int_eq(harness_stop(), 0);
}

/* Runs sql on db and returns its first value (a static buffer) or ""; fails the test on error. */
static const char *on(PGconn *db, const char *sql)
{
    static char value[128];
    PGresult *res = PQexec(db, sql);
    ExecStatusType status = PQresultStatus(res);
    ck_assert_msg(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK, "%s: %s", sql,
                  PQresultErrorMessage(res));
    snprintf(value, sizeof value, "%s",
             PQntuples(res) > 0 && PQnfields(res) > 0 ? PQgetvalue(res, 0, 0) : "");
    PQclear(res);
    return value;
}

static const char WRITE[] =
    "SELECT audit_write(NULL, 'user.create', 'user', 1, NULL, '{\"role\": \"enterprise\"}')";

START_TEST(overlapping_writers_take_lanes_of_their_own_and_the_chain_holds)
{
    PGconn *db[WRITERS];
    char lanes[WRITERS][8];
    for (int round = 0; round < 3; round++) {
        /* every writer holds its transaction open while the next one writes: with one head row
         * the second would wait for the first to commit (lock_timeout makes that a failure) */
        for (int w = 0; w < WRITERS; w++) {
            if (round == 0) {
                db[w] = PQconnectdb(harness_conninfo());
                ck_assert_int_eq(PQstatus(db[w]), CONNECTION_OK);
                on(db[w], "SET lock_timeout = '5s'");
            }
            on(db[w], "BEGIN");
            on(db[w], WRITE);
            snprintf(lanes[w], sizeof lanes[w], "%s",
                     on(db[w], "SELECT current_setting('techpool.audit_lane')"));
        }
        for (int w = 0; w < WRITERS; w++) {
            on(db[w], WRITE); /* the transaction's second event: the same lane */
            ck_assert_str_eq(on(db[w], "SELECT current_setting('techpool.audit_lane')"), lanes[w]);
            for (int other = 0; other < w; other++)
                ck_assert_str_ne(lanes[w], lanes[other]);
        }
        for (int w = WRITERS - 1; w >= 0; w--)
            on(db[w], "COMMIT");
    }
    for (int w = 0; w < WRITERS; w++)
        PQfinish(db[w]);
    ck_assert_str_eq(harness_sql("SELECT count(DISTINCT lane) FROM audit_events"), "8");
    assert_chain_intact();
}
END_TEST

/* Asserts that audit verify fails and names the event; then runs the repair, which must make
 * the chain verify again. */
static void assert_broken_at(const char *event, const char *repair)
{
    char out[512];
    char want[64];
    ck_assert_int_eq(audit_verify(out, sizeof out), 1);
    snprintf(want, sizeof want, "broken at event %s ", event);
    ck_assert_msg(strstr(out, want) != NULL, "want %s, got %s", want, out);
    harness_sql_script(repair);
    ck_assert_int_eq(audit_verify(out, sizeof out), 0);
}

START_TEST(tampering_with_a_lane_is_seen)
{
    /* the newest event of the busiest lane but lane 0, and that lane */
    char id[24], lane[8], before[24], before_hash[80];
    snprintf(lane, sizeof lane, "%s",
             harness_sql("SELECT lane FROM audit_events WHERE lane <> 0 "
                         "GROUP BY lane ORDER BY count(*) DESC, lane LIMIT 1"));
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT max(id) FROM audit_events WHERE lane = %s", lane);
    snprintf(id, sizeof id, "%s", harness_sql(sql));
    snprintf(sql, sizeof sql,
             "SELECT id FROM audit_events WHERE lane = %s AND id < %s ORDER BY id DESC LIMIT 1",
             lane, id);
    snprintf(before, sizeof before, "%s", harness_sql(sql));
    snprintf(sql, sizeof sql, "SELECT encode(hash, 'hex') FROM audit_events WHERE id = %s", before);
    snprintf(before_hash, sizeof before_hash, "%s", harness_sql(sql));

    /* an event moved to another lane */
    char tamper[512], repair[512];
    snprintf(tamper, sizeof tamper,
             "ALTER TABLE audit_events DISABLE TRIGGER ALL;"
             "UPDATE audit_events SET lane = 0 WHERE id = %s;"
             "ALTER TABLE audit_events ENABLE TRIGGER ALL;",
             id);
    harness_sql_script(tamper);
    snprintf(repair, sizeof repair,
             "ALTER TABLE audit_events DISABLE TRIGGER ALL;"
             "UPDATE audit_events SET lane = %s WHERE id = %s;"
             "ALTER TABLE audit_events ENABLE TRIGGER ALL;",
             lane, id);
    assert_broken_at(id, repair);

    /* the lane's head set back one event: the last event lies beyond its head */
    snprintf(tamper, sizeof tamper,
             "UPDATE audit_lanes SET last_id = %s, last_hash = decode('%s', 'hex') "
             "WHERE lane = %s",
             before, before_hash, lane);
    harness_sql(tamper);
    snprintf(repair, sizeof repair,
             "UPDATE audit_lanes SET last_id = e.id, last_hash = e.hash FROM audit_events e "
             "WHERE e.id = %s AND audit_lanes.lane = %s",
             id, lane);
    assert_broken_at(id, repair);

    /* the lane's last event deleted: its head names an event that is not there */
    snprintf(tamper, sizeof tamper,
             "CREATE TABLE audit_saved AS SELECT * FROM audit_events WHERE id = %s;"
             "ALTER TABLE audit_events DISABLE TRIGGER ALL;"
             "DELETE FROM audit_events WHERE id = %s;"
             "ALTER TABLE audit_events ENABLE TRIGGER ALL;",
             id, id);
    harness_sql_script(tamper);
    assert_broken_at(id, "ALTER TABLE audit_events DISABLE TRIGGER ALL;"
                         "INSERT INTO audit_events SELECT * FROM audit_saved;"
                         "ALTER TABLE audit_events ENABLE TRIGGER ALL;"
                         "DROP TABLE audit_saved;");
}
END_TEST

START_TEST(a_writer_finding_every_lane_held_waits_for_one)
{
    enum { LANES = 32 };
    PGconn *holder[LANES];
    for (int i = 0; i < LANES; i++) {
        holder[i] = PQconnectdb(harness_conninfo());
        ck_assert_int_eq(PQstatus(holder[i]), CONNECTION_OK);
        on(holder[i], "BEGIN");
        on(holder[i], WRITE);
    }
    PGconn *late = PQconnectdb(harness_conninfo());
    ck_assert_int_eq(PQstatus(late), CONNECTION_OK);
    char pid[16];
    snprintf(pid, sizeof pid, "%s", on(late, "SELECT pg_backend_pid()"));
    ck_assert_int_eq(PQsendQuery(late, WRITE), 1);
    /* the 33rd writer waits on a lane's row lock (not an error, not a lane of its own) */
    char waiting[160];
    snprintf(waiting, sizeof waiting,
             "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = %s", pid);
    double deadline = harness_clock() + 10;
    while (strcmp(on(holder[0], waiting), "t") != 0)
        ck_assert_msg(harness_clock() < deadline, "the 33rd writer never waited for a lane");
    for (int i = 0; i < LANES; i++) {
        on(holder[i], "COMMIT");
        PQfinish(holder[i]);
    }
    PGresult *res;
    while ((res = PQgetResult(late)) != NULL) {
        ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s", PQresultErrorMessage(res));
        PQclear(res);
    }
    PQfinish(late);
    assert_chain_intact();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("audit");
    TCase *tc = tcase_create("audit");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, admin_sees_every_event_newest_first_with_its_contents);
    tcase_add_test(tc, entity_and_entity_id_narrow_the_log);
    tcase_add_test(tc, province_admin_sees_the_events_on_its_provinces_objects);
    tcase_add_test(tc, staff_are_forbidden_and_anonymous_callers_unauthenticated);
    tcase_add_test(tc, bad_parameters_are_422_naming_the_parameter);
    tcase_add_test(tc, pages_neither_repeat_nor_skip_while_events_are_written);
    tcase_add_test(tc, audit_verify_passes_an_untouched_chain);
    tcase_add_test(tc, audit_verify_names_an_edited_event);
    tcase_add_test(tc, audit_verify_names_the_event_after_a_deleted_one);
    tcase_add_test(tc, audit_verify_notices_the_newest_event_missing);
    tcase_add_test(tc, audit_verify_without_a_database_says_so_with_exit_2);
    suite_add_tcase(s, tc);
    TCase *lanes = tcase_create("lanes");
    tcase_add_unchecked_fixture(lanes, lanes_setup, lanes_teardown);
    tcase_set_timeout(lanes, 60);
    tcase_add_test(lanes, overlapping_writers_take_lanes_of_their_own_and_the_chain_holds);
    tcase_add_test(lanes, tampering_with_a_lane_is_seen);
    tcase_add_test(lanes, a_writer_finding_every_lane_held_waits_for_one);
    suite_add_tcase(s, lanes);
    return harness_run_suite(s);
}
