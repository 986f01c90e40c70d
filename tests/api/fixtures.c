/* fixtures: makes organisations, users, achievements, trials and licenses for API tests, and
 * loads stats_fixture.sql (see fixtures.h for what each gives). */
#include "fixtures.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "domain/credit_code.h"
#include "domain/password.h"
#include "harness.h"

static char today[11];
static char clock_origin[32]; /* for TECHPOOL_TEST_TIME: when the fixtures' clock was set */
static unsigned made;

const char *fixture_sql(const char *format, ...)
{
    char sql[8192];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(sql, sizeof sql, format, args);
    va_end(args);
    ck_assert_msg(n > 0 && (size_t)n < sizeof sql, "fixture SQL too long");
    return harness_sql(sql);
}

const char *fixture_text(const char *format, ...)
{
    static char buffers[4][4096];
    static unsigned next;
    char *out = buffers[next++ % 4];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(out, sizeof buffers[0], format, args);
    va_end(args);
    ck_assert_msg(n >= 0 && (size_t)n < sizeof buffers[0], "fixture text too long");
    return out;
}

struct http_reply *fixture_expect(const struct fixture_user *user, const char *method,
                                  const char *path, const char *body, long status, const char *code)
{
    struct http_reply *r = http_call(method, path, user != NULL ? user->token : NULL, body, NULL);
    ck_assert_msg(r != NULL, "%s %s: no reply", method, path);
    ck_assert_msg(r->status == status, "%s %s: expected %ld, got %ld %s", method, path, status,
                  r->status, r->body);
    if (code != NULL)
        ck_assert_msg(strcmp(problem_code(r), code) == 0, "%s %s: expected code %s, got %s", method,
                      path, code, r->body);
    return r;
}

void fixture_check(const struct fixture_user *user, const char *method, const char *path,
                   const char *body, long status, const char *code)
{
    http_reply_free(fixture_expect(user, method, path, body, status, code));
}

void fixture_set_today(const char *date)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    snprintf(today, sizeof today, "%s", date != NULL ? date : "");
    snprintf(clock_origin, sizeof clock_origin, "%.6f", (double)now.tv_sec + now.tv_nsec / 1e9);
}

/* Rows written next take the fixtures' clock, the daemon's (the connection may be new). */
static void use_clock(void)
{
    if (harness_test_time() != NULL && today[0] != '\0')
        fixture_sql("SELECT set_config('techpool.today', '%sT%s+08:00', false), "
                    "set_config('techpool.clock_origin', '%s', false)",
                    today, harness_test_time(), clock_origin);
    else
        fixture_sql("SELECT set_config('techpool.today', '%s', false)", today);
}

/* A number unique to this process and call, for names, emails and codes. */
static unsigned next_serial(void)
{
    return (unsigned)getpid() % 100000u * 1000u + ++made;
}

static const char *password_hash_once(void)
{
    static char hash[PASSWORD_HASH_MAX];
    if (hash[0] == '\0')
        ck_assert_msg(password_hash(FIXTURE_PASSWORD, hash), "cannot hash the fixture password");
    return hash;
}

static int code_value(char c)
{
    static const char ALPHABET[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const char *at = strchr(ALPHABET, c);
    return at != NULL ? (int)(at - ALPHABET) : 0;
}

void fixture_credit_code(unsigned n, char out[19])
{
    /* registration authority 9 (market regulation), category 1 (enterprise), region 310000,
     * then the GB 11714 organisation code: 8 digits and its check character */
    char body[18];
    snprintf(body, sizeof body, "91310000%08u", n % 100000000u);
    static const int ORG_WEIGHTS[8] = { 3, 7, 9, 10, 5, 8, 4, 2 };
    int sum = 0;
    for (int i = 0; i < 8; i++)
        sum += (body[8 + i] - '0') * ORG_WEIGHTS[i];
    int org_check = 11 - sum % 11;
    body[16] = org_check == 10 ? 'X' : org_check == 11 ? '0' : (char)('0' + org_check);
    body[17] = '\0';
    static const int WEIGHTS[17] = {
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
    };
    sum = 0;
    for (int i = 0; i < 17; i++)
        sum += code_value(body[i]) * WEIGHTS[i];
    int check = (31 - sum % 31) % 31;
    snprintf(out, 19, "%s%c", body, "0123456789ABCDEFGHJKLMNPQRTUWXY"[check]);
    const char *problem = credit_code_problem(out);
    ck_assert_msg(problem == NULL, "fixture credit code %s: %s", out, problem);
}

void fixture_sign_in(struct fixture_user *user)
{
    char *token = harness_login(user->email, FIXTURE_PASSWORD);
    ck_assert_msg(token != NULL, "sign-in of %s failed", user->email);
    snprintf(user->token, sizeof user->token, "%s", token);
    free(token);
}

/* The date of "TECHPOOL_TODAY=YYYY-MM-DD". */
static const char *env_date(const char *env_today)
{
    const char *prefix = "TECHPOOL_TODAY=";
    ck_assert_msg(strncmp(env_today, prefix, strlen(prefix)) == 0, "not a date: %s", env_today);
    return env_today + strlen(prefix);
}

void fixture_restart_on(const char *env_today, struct fixture_user *users, size_t count)
{
    const char *env[] = { env_today, NULL };
    harness_restart(env);
    fixture_set_today(env_date(env_today));
    for (size_t i = 0; i < count; i++)
        fixture_sign_in(&users[i]);
}

void fixture_start_on(const char *database, const char *env_today)
{
    const char *env[] = { env_today, NULL };
    harness_start(database, env);
    fixture_set_today(env_date(env_today));
}

/* A user of role: province only for a province_admin, one organisation id for staff. */
static struct fixture_user user_insert(const char *role, const char *province,
                                       int64_t institution_id, int64_t enterprise_id)
{
    struct fixture_user user = { 0 };
    char province_sql[8] = "NULL";
    char institution_sql[24] = "NULL";
    char enterprise_sql[24] = "NULL";
    if (strcmp(role, "province_admin") == 0)
        snprintf(province_sql, sizeof province_sql, "'%.2s'", province);
    if (institution_id > 0)
        snprintf(institution_sql, sizeof institution_sql, "%lld", (long long)institution_id);
    if (enterprise_id > 0)
        snprintf(enterprise_sql, sizeof enterprise_sql, "%lld", (long long)enterprise_id);
    snprintf(user.email, sizeof user.email, "%s-%u@fixture.test", role, next_serial());
    use_clock();
    user.id = atoll(fixture_sql(
        "INSERT INTO users (email, password_hash, role, province, institution_id, enterprise_id,"
        " contact_name) VALUES ('%s', '%s', '%s', %s, %s, %s, '测试联系人') RETURNING id",
        user.email, password_hash_once(), role, province_sql, institution_sql, enterprise_sql));
    snprintf(user.id_text, sizeof user.id_text, "%lld", (long long)user.id);
    snprintf(user.province, sizeof user.province, "%s", province != NULL ? province : "");
    user.org_id = institution_id > 0 ? institution_id : enterprise_id;
    fixture_sign_in(&user);
    return user;
}

struct fixture_user fixture_institution(const char *province)
{
    unsigned serial = next_serial();
    use_clock();
    int64_t id = atoll(fixture_sql(
        "INSERT INTO institutions (name, name_en, province, kind, contact_name)"
        " VALUES ('测试大学%u', 'Test University %u', '%s', 'university', '王老师') RETURNING id",
        serial, serial, province));
    return user_insert("institution", province, id, 0);
}

struct fixture_user fixture_enterprise(const char *province)
{
    char code[19];
    unsigned serial = next_serial();
    fixture_credit_code(serial, code);
    use_clock();
    int64_t id = atoll(
        fixture_sql("INSERT INTO enterprises (name, credit_code, province, scale, contact_name)"
                    " VALUES ('测试科技有限公司%u', '%s', '%s', 'small', '李经理') RETURNING id",
                    serial, code, province));
    return user_insert("enterprise", province, 0, id);
}

struct fixture_user fixture_colleague(const struct fixture_user *staff)
{
    const char *role = fixture_sql("SELECT role FROM users WHERE id = %lld", (long long)staff->id);
    ck_assert_msg(role != NULL, "no user %lld", (long long)staff->id);
    bool institution = strcmp(role, "institution") == 0;
    return user_insert(institution ? "institution" : "enterprise", staff->province,
                       institution ? staff->org_id : 0, institution ? 0 : staff->org_id);
}

struct fixture_user fixture_province_admin(const char *province)
{
    return user_insert("province_admin", province, 0, 0);
}

struct fixture_user fixture_admin(void)
{
    return user_insert("admin", NULL, 0, 0);
}

int64_t fixture_listed_achievement(int64_t institution_id, int trial_months, bool exclusive)
{
    use_clock();
    int64_t id = atoll(fixture_sql(
        "INSERT INTO achievements (institution_id, title, abstract, field, kind, keywords,"
        " maturity, trial_months, payment_mode, reference_fee_fen, exclusive)"
        " VALUES (%lld, '石墨烯导热膜制备技术%u', '一种高导热石墨烯薄膜的低成本制备方法。',"
        " 'new_materials', 'invention_patent', '{石墨烯,导热}', 6, %d, 'installments',"
        " 5000000, %s) RETURNING id",
        (long long)institution_id, next_serial(), trial_months, exclusive ? "true" : "false"));
    fixture_sql("UPDATE achievements SET status = 'pending' WHERE id = %lld", (long long)id);
    fixture_sql("UPDATE achievements SET status = 'listed' WHERE id = %lld", (long long)id);
    return id;
}

int64_t fixture_listed_royalty_achievement(int64_t institution_id, int royalty_bp)
{
    use_clock();
    int64_t id = atoll(fixture_sql(
        "INSERT INTO achievements (institution_id, title, abstract, field, kind, maturity,"
        " trial_months, payment_mode, royalty_bp)"
        " VALUES (%lld, '钠离子电池正极材料%u', '一种低成本钠离子电池正极材料。', 'new_energy',"
        " 'invention_patent', 6, 12, 'royalty', %d) RETURNING id",
        (long long)institution_id, next_serial(), royalty_bp));
    fixture_sql("UPDATE achievements SET status = 'pending' WHERE id = %lld", (long long)id);
    fixture_sql("UPDATE achievements SET status = 'listed' WHERE id = %lld", (long long)id);
    return id;
}

/* POSTs body as user and returns the id at key ("" for the top level) of the reply, which
 * must have status expected. */
static int64_t post_for_id(const struct fixture_user *user, const char *path, const char *body,
                           long expected, const char *key)
{
    struct http_reply *r = fixture_expect(user, "POST", path, body, expected, NULL);
    const json_t *object = key[0] != '\0' ? json_object_get(r->json, key) : r->json;
    int64_t id = json_integer_value(json_object_get(object, "id"));
    ck_assert_msg(id > 0, "POST %s: no id in %s", path, r->body);
    http_reply_free(r);
    return id;
}

int64_t fixture_trial_requested(const struct fixture_user *enterprise, int64_t achievement_id,
                                int planned_months)
{
    char path[96];
    char body[160];
    snprintf(path, sizeof path, "/api/v1/achievements/%lld/trials", (long long)achievement_id);
    snprintf(body, sizeof body, "{\"purpose\":\"用于新产品散热方案验证\",\"planned_months\":%d}",
             planned_months);
    return post_for_id(enterprise, path, body, 201, "");
}

int64_t fixture_trial_active(const struct fixture_user *enterprise,
                             const struct fixture_user *institution, int64_t achievement_id,
                             int planned_months)
{
    int64_t trial = fixture_trial_requested(enterprise, achievement_id, planned_months);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/trials/%lld/approve", (long long)trial);
    post_for_id(institution, path, NULL, 200, "");
    return trial;
}

int64_t fixture_license(const struct fixture_user *enterprise,
                        const struct fixture_user *institution, int64_t achievement_id,
                        long long total_fen, const char *installments)
{
    int64_t trial = fixture_trial_active(enterprise, institution, achievement_id, 6);
    char path[96];
    char body[4096];
    snprintf(path, sizeof path, "/api/v1/trials/%lld/convert", (long long)trial);
    snprintf(body, sizeof body,
             "{\"payment_mode\":\"installments\",\"total_fen\":%lld,\"installments\":%s}",
             total_fen, installments);
    int64_t license = post_for_id(institution, path, body, 201, "license");
    snprintf(path, sizeof path, "/api/v1/licenses/%lld/accept", (long long)license);
    post_for_id(enterprise, path, NULL, 200, "");
    return license;
}

char *fixture_value(PGconn *conn, const char *sql, int nparams, const char *const *params)
{
    PGresult *res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    ck_assert_msg(st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK, "fixture SQL failed: %s",
                  PQerrorMessage(conn));
    char *value = PQntuples(res) > 0 ? strdup(PQgetvalue(res, 0, 0)) : NULL;
    PQclear(res);
    return value;
}

void fixture_person(PGconn *conn, struct fixture_person *person, const char *role,
                    const char *province, const char *institution_id, const char *enterprise_id)
{
    char email[96];
    snprintf(email, sizeof email, "%s@people.test", person->name);
    if (strcmp(role, "admin") == 0) {
        snprintf(email, sizeof email, "%s", HARNESS_ADMIN_EMAIL);
    } else {
        const char *params[] = { email,          role,          province,
                                 institution_id, enterprise_id, HARNESS_ADMIN_EMAIL };
        free(fixture_value(conn,
                           "INSERT INTO users (email, password_hash, role, province, "
                           "institution_id, enterprise_id, contact_name) "
                           "SELECT $1, password_hash, $2, $3, $4::bigint, $5::bigint, '测试员' "
                           "FROM users WHERE email = $6 RETURNING id",
                           6, params));
    }
    char *token = harness_login(email, HARNESS_ADMIN_PASSWORD);
    ck_assert_ptr_nonnull(token);
    ck_assert_uint_lt(strlen(token), sizeof person->token);
    snprintf(person->token, sizeof person->token, "%s", token);
    free(token);
}

void fixture_stats_load(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/api/stats_fixture.sql", harness_repo_root());
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot read %s", path);
    static char sql[64 * 1024];
    size_t n = fread(sql, 1, sizeof sql - 1, f);
    fclose(f);
    sql[n] = '\0';
    harness_sql_script(sql);
}

const char *fixture_stats_token(const char *name)
{
    static char tokens[4][44];
    static int next;
    char *token = tokens[next++ % 4];
    snprintf(token, 44, "%s", name);
    size_t len = strlen(token);
    memset(token + len, '0', 43 - len);
    token[43] = '\0';
    return token;
}
