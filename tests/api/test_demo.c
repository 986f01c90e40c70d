/* test_demo: `techpool seed-demo` loads a living pool once — the accounts that make run prints
 * sign in, search finds Chinese terms, every field, kind, province and state is there, and the
 * identifiers pass the daemon's own validators — and a second run changes nothing. */
#include <check.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/credit_code.h"
#include "domain/patent_number.h"
#include "harness.h"

#define DEMO_PASSWORD "techpool-demo-2026"
#define DEMO_ACCOUNTS_MAX 32

/* What the demo adds, in one row of counts; equal before and after a second run. */
static const char COUNTS_SQL[] =
    "SELECT concat_ws(',', (SELECT count(*) FROM users), (SELECT count(*) FROM institutions),"
    " (SELECT count(*) FROM enterprises), (SELECT count(*) FROM achievements),"
    " (SELECT max(version) FROM achievements), (SELECT count(*) FROM trials),"
    " (SELECT count(*) FROM licenses), (SELECT count(*) FROM installments),"
    " (SELECT count(*) FROM payments), (SELECT count(*) FROM compensations),"
    " (SELECT count(*) FROM audit_events))";

/* Runs `techpool seed-demo` on the test database; returns its exit status, output in out. */
static int seed_demo(char *out, size_t out_size)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "TECHPOOL_DATABASE_URL='%s' TECHPOOL_MIGRATIONS_DIR='%s/sql/migrations' "
             "%s seed-demo 2>&1",
             harness_conninfo(), harness_repo_root(), harness_daemon_bin());
    return harness_command(cmd, out, out_size);
}

static void start_seeded(const char *name)
{
    harness_start(name, NULL);
    char out[4096];
    int code = seed_demo(out, sizeof out);
    ck_assert_msg(code == 0, "seed-demo exited %d: %s", code, out);
}

static long sql_count(const char *sql)
{
    const char *value = harness_sql(sql);
    ck_assert_msg(value != NULL, "no value from %s", sql);
    return atol(value);
}

/* The demo accounts that deploy/run.sh prints for make run, in accounts[]; returns how many. */
static size_t printed_accounts(char accounts[][128], size_t max)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/deploy/run.sh", harness_repo_root());
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot read %s", path);
    regex_t email;
    ck_assert_int_eq(regcomp(&email, "[a-z0-9.-]+@[a-z0-9.-]+\\.demo", REG_EXTENDED), 0);
    size_t count = 0;
    char line[1024];
    while (fgets(line, sizeof line, f) != NULL) {
        const char *at = line;
        regmatch_t m;
        while (count < max && regexec(&email, at, 1, &m, 0) == 0) {
            snprintf(accounts[count++], 128, "%.*s", (int)(m.rm_eo - m.rm_so), at + m.rm_so);
            at += m.rm_eo;
        }
    }
    regfree(&email);
    fclose(f);
    return count;
}

START_TEST(seed_demo_loads_once_and_a_second_run_changes_nothing)
{
    harness_start("demo_once", NULL);
    ck_assert_int_eq(sql_count("SELECT count(*) FROM institutions"), 0);
    char out[4096];
    int code = seed_demo(out, sizeof out);
    ck_assert_msg(code == 0, "first seed-demo exited %d: %s", code, out);
    ck_assert_msg(strstr(out, DEMO_PASSWORD) != NULL, "seed-demo did not print the password");
    char first[256];
    snprintf(first, sizeof first, "%s", harness_sql(COUNTS_SQL));
    ck_assert_int_gt(sql_count("SELECT count(*) FROM institutions"), 0);

    code = seed_demo(out, sizeof out);
    ck_assert_msg(code == 0, "second seed-demo exited %d: %s", code, out);
    ck_assert_str_eq(harness_sql(COUNTS_SQL), first);
    ck_assert_int_eq(harness_stop(), 0);
}
END_TEST

START_TEST(seed_demo_does_nothing_when_the_pool_has_an_institution)
{
    harness_start("demo_existing", NULL);
    harness_sql("INSERT INTO institutions (name, province, kind, contact_name) "
                "VALUES ('既有研究院', 'SH', 'institute', '管理员')");
    char before[256];
    snprintf(before, sizeof before, "%s", harness_sql(COUNTS_SQL));
    char out[4096];
    int code = seed_demo(out, sizeof out);
    ck_assert_msg(code == 0, "seed-demo exited %d: %s", code, out);
    ck_assert_str_eq(harness_sql(COUNTS_SQL), before);
    ck_assert_int_eq(sql_count("SELECT count(*) FROM users WHERE email LIKE '%.demo'"), 0);
    ck_assert_int_eq(harness_stop(), 0);
}
END_TEST

START_TEST(every_account_that_make_run_prints_signs_in)
{
    start_seeded("demo_accounts");
    char accounts[DEMO_ACCOUNTS_MAX][128];
    size_t count = printed_accounts(accounts, DEMO_ACCOUNTS_MAX);
    ck_assert_msg(count >= 4, "deploy/run.sh lists only %zu demo accounts", count);
    for (size_t i = 0; i < count; i++) {
        json_t *body = json_pack("{s:s, s:s}", "email", accounts[i], "password", DEMO_PASSWORD);
        char *text = json_dumps(body, JSON_COMPACT);
        json_decref(body);
        struct http_reply *r = http_post("/api/v1/session", NULL, text);
        free(text);
        ck_assert_msg(r != NULL && r->status == 200, "%s cannot sign in: %ld %s", accounts[i],
                      r ? r->status : 0L, r ? r->body : "");
        json_t *user = json_object_get(r->json, "user");
        ck_assert_str_eq(json_string_value(json_object_get(user, "email")), accounts[i]);
        const char *token = json_string_value(json_object_get(r->json, "token"));
        ck_assert_ptr_nonnull(token);
        struct http_reply *me = http_get("/api/v1/me", token);
        ck_assert_msg(me->status == 200, "GET /api/v1/me as %s: %ld", accounts[i], me->status);
        http_reply_free(me);
        http_reply_free(r);
    }
    /* the roles that make run promises: the whole delta, a province, each side of a trial */
    ck_assert_int_eq(sql_count("SELECT count(DISTINCT province) FROM users "
                               "WHERE role = 'province_admin' "
                               "AND email LIKE 'admin.%@techpool.demo'"),
                     4);
    ck_assert_str_eq(harness_sql("SELECT role FROM users WHERE email = 'admin@techpool.demo'"),
                     "admin");
    ck_assert_str_eq(harness_sql("SELECT i.name FROM users u JOIN institutions i "
                                 "ON i.id = u.institution_id WHERE u.email = 'tto@sjtu.demo'"),
                     "上海交通大学");
    ck_assert_str_eq(harness_sql("SELECT e.name FROM users u JOIN enterprises e "
                                 "ON e.id = u.enterprise_id "
                                 "WHERE u.email = 'engineer@xinxin-chip.demo'"),
                     "芯芯微电子（苏州）有限公司");
    /* every demo account has the one demo password */
    ck_assert_int_eq(sql_count("SELECT count(DISTINCT password_hash) FROM users "
                               "WHERE email LIKE '%.demo'"),
                     1);
    ck_assert_int_eq(harness_stop(), 0);
}
END_TEST

/* GET /api/v1/achievements?q=<encoded>: at least min listed items, each containing term. */
static void assert_search_finds(const char *encoded, const char *term, size_t min)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/achievements?q=%s&limit=50", encoded);
    struct http_reply *r = http_get(path, NULL);
    ck_assert_msg(r->status == 200, "search for %s: %ld %s", term, r->status, r->body);
    json_t *items = json_object_get(r->json, "items");
    ck_assert_msg(json_array_size(items) >= min, "search for %s found %zu, expected %zu or more",
                  term, json_array_size(items), min);
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) {
        ck_assert_str_eq(json_string_value(json_object_get(item, "status")), "listed");
        char *text = json_dumps(item, JSON_COMPACT);
        ck_assert_msg(strstr(text, term) != NULL, "item without %s: %s", term, text);
        free(text);
    }
    http_reply_free(r);
}

START_TEST(search_finds_listed_achievements_for_chip_and_drug)
{
    start_seeded("demo_search");
    assert_search_finds("%E8%8A%AF%E7%89%87", "芯片", 10); /* 芯片 */
    assert_search_finds("%E8%8D%AF", "药", 10);            /* 药 */
    ck_assert_int_eq(harness_stop(), 0);
}
END_TEST

START_TEST(demo_pool_covers_every_field_kind_province_and_state)
{
    start_seeded("demo_coverage");
    ck_assert_int_ge(sql_count("SELECT count(*) FROM achievements"), 200);
    ck_assert_int_eq(sql_count("SELECT count(DISTINCT field) FROM achievements"), 10);
    ck_assert_int_eq(sql_count("SELECT count(DISTINCT kind) FROM achievements"), 8);
    ck_assert_int_eq(sql_count("SELECT count(DISTINCT province) FROM achievements"), 4);
    ck_assert_int_eq(sql_count("SELECT count(*) FROM (SELECT field FROM achievements "
                               "GROUP BY field HAVING count(DISTINCT province) = 4) f"),
                     10);
    ck_assert_int_eq(sql_count("SELECT count(DISTINCT province) FROM enterprises"), 4);
    ck_assert_int_eq(sql_count("SELECT count(DISTINCT province) FROM institutions"), 4);
    /* most listed; some waiting for review, being drafted, or sent back */
    ck_assert_int_gt(sql_count("SELECT count(*) FROM achievements WHERE status = 'listed'") * 2,
                     sql_count("SELECT count(*) FROM achievements"));
    ck_assert_int_eq(sql_count("SELECT count(DISTINCT status) FROM achievements"), 6);
    ck_assert_int_eq(sql_count("SELECT count(DISTINCT province) FROM achievements "
                               "WHERE status = 'pending'"),
                     4);
    ck_assert_int_ge(sql_count("SELECT count(*) FROM achievements WHERE title_en IS NOT NULL"),
                     200);
    /* trials in every state, across provinces, effective as stored */
    ck_assert_int_eq(sql_count("SELECT count(DISTINCT status) FROM trials_effective"), 7);
    ck_assert_int_eq(sql_count("SELECT count(*) FROM trials_effective "
                               "WHERE status <> stored_status"),
                     0);
    ck_assert_int_gt(sql_count("SELECT count(*) FROM trials "
                               "WHERE institution_province <> enterprise_province"),
                     0);
    /* licenses paid, being paid, overdue and defaulted, with a claim waiting for a decision */
    ck_assert_int_gt(sql_count("SELECT count(*) FROM licenses WHERE status = 'settled'"), 0);
    ck_assert_int_gt(sql_count("SELECT count(*) FROM licenses WHERE status = 'active' "
                               "AND paid_fen > 0 AND paid_fen < total_fen"),
                     0);
    ck_assert_int_gt(sql_count("SELECT count(*) FROM installments "
                               "WHERE installment_overdue(due_on, amount_fen, paid_fen)"),
                     0);
    ck_assert_int_gt(sql_count("SELECT count(*) FROM licenses l JOIN compensations c "
                               "ON c.license_id = l.id "
                               "WHERE l.status = 'defaulted' AND c.status = 'pending'"),
                     0);
    ck_assert_int_gt(sql_count("SELECT count(*) FROM compensations WHERE status = 'approved'"), 0);
    ck_assert_int_gt(sql_count("SELECT count(*) FROM achievements WHERE status = 'licensed'"), 0);
    /* nothing in the future of the service's today */
    ck_assert_int_eq(sql_count("SELECT count(*) FROM trials WHERE requested_at > tp_now() "
                               "OR started_on > tp_today() OR closed_at > tp_now()"),
                     0);
    ck_assert_int_eq(sql_count("SELECT count(*) FROM payments WHERE paid_on > tp_today()"), 0);
    /* the integrated-circuit SME of make run has trials and a license to show */
    ck_assert_int_ge(sql_count("SELECT count(DISTINCT t.status) FROM trials t JOIN users u "
                               "ON u.enterprise_id = t.enterprise_id "
                               "WHERE u.email = 'engineer@xinxin-chip.demo'"),
                     5);
    ck_assert_int_gt(sql_count("SELECT count(*) FROM licenses l JOIN users u "
                               "ON u.enterprise_id = l.enterprise_id "
                               "WHERE u.email = 'engineer@xinxin-chip.demo' AND l.total_fen > 0"),
                     0);
    ck_assert_int_eq(harness_stop(), 0);
}
END_TEST

START_TEST(demo_identifiers_pass_the_daemon_validators)
{
    start_seeded("demo_identifiers");
    PGresult *res = PQexec(harness_db(), "SELECT credit_code FROM enterprises");
    ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
    ck_assert_int_gt(PQntuples(res), 0);
    for (int i = 0; i < PQntuples(res); i++) {
        const char *code = PQgetvalue(res, i, 0);
        const char *problem = credit_code_problem(code);
        ck_assert_msg(problem == NULL, "credit code %s: %s", code, problem);
    }
    PQclear(res);
    res = PQexec(harness_db(), "SELECT unnest(patent_numbers) FROM achievements");
    ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
    ck_assert_int_ge(PQntuples(res), 100);
    for (int i = 0; i < PQntuples(res); i++) {
        const char *number = PQgetvalue(res, i, 0);
        const char *problem = patent_number_problem(number);
        ck_assert_msg(problem == NULL, "patent number %s: %s", number, problem);
    }
    PQclear(res);
    ck_assert_int_eq(harness_stop(), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("demo");
    TCase *tc = tcase_create("demo");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, seed_demo_loads_once_and_a_second_run_changes_nothing);
    tcase_add_test(tc, seed_demo_does_nothing_when_the_pool_has_an_institution);
    tcase_add_test(tc, every_account_that_make_run_prints_signs_in);
    tcase_add_test(tc, search_finds_listed_achievements_for_chip_and_drug);
    tcase_add_test(tc, demo_pool_covers_every_field_kind_province_and_state);
    tcase_add_test(tc, demo_identifiers_pass_the_daemon_validators);
    suite_add_tcase(s, tc);
    return harness_run_suite(s);
}
