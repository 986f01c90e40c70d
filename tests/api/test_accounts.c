/* test_accounts: enterprise sign-up, institutions and users — every field check (credit code
 * and organisation code check digits, password policy, email shape), duplicates, who may create
 * and see what, the institutions list, and that every refused request left the database as it
 * was. */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/credit_code.h"
#include "harness.h"

#define MISSING_ID "999999"

/* The people every test starts from, made through the API once per run. */
struct member {
    long id;
    long org_id;
    char email[64];
    char *token;
};

static struct {
    char *admin;
    struct member ent_a;    /* enterprise in ZJ */
    struct member ent_b;    /* enterprise in SH */
    struct member inst_a;   /* university in ZJ */
    struct member inst_b;   /* institute in JS */
    struct member admin_zj; /* province_admin of ZJ */
    struct member admin_sh; /* province_admin of SH */
} cast;

static int serial;

/* A registering division (GB/T 2260) in province. */
static const char *division_of(const char *province)
{
    return strcmp(province, "SH") == 0   ? "310115"
           : strcmp(province, "JS") == 0 ? "320506"
           : strcmp(province, "ZJ") == 0 ? "330106"
                                         : "340104";
}

/* A valid credit code (both check digits right) registered in division whose organisation code
 * body is n. */
static void credit_code_in(const char *division, long n, char out[19])
{
    static const char ORG_CHECKS[] = "0123456789X";
    static const char CHECKS[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    for (size_t i = 0; ORG_CHECKS[i] != '\0'; i++) {
        for (size_t j = 0; CHECKS[j] != '\0'; j++) {
            snprintf(out, 19, "91%s%08ld%c%c", division, n % 100000000, ORG_CHECKS[i], CHECKS[j]);
            if (credit_code_problem(out) == NULL)
                return;
        }
    }
    ck_abort_msg("no valid credit code for %ld", n);
}

/* The same in a division of province. */
static void credit_code_make(long n, const char *province, char out[19])
{
    credit_code_in(division_of(province), n, out);
}

static struct http_reply *post(const char *path, const char *token, json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    struct http_reply *r = http_post(path, token, text);
    free(text);
    ck_assert_ptr_nonnull(r);
    return r;
}

static json_t *enterprise_body(const char *email, const char *credit_code, const char *province)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "name", "杭州测试科技有限公司",
                     "credit_code", credit_code, "province", province, "scale", "small",
                     "contact_name", "张三", "email", email, "password", "enterprise-password-1");
}

static json_t *institution_body(const char *email, const char *province)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "name", "测试大学", "name_en",
                     "Test University", "province", province, "kind", "university", "email", email,
                     "password", "institution-password-1", "contact_name", "李四");
}

static json_t *user_body(const char *email, const char *role)
{
    return json_pack("{s:s, s:s, s:s, s:s}", "email", email, "password", "user-password-12", "role",
                     role, "contact_name", "王五");
}

/* Rows of every table that account requests touch: compared before and after a refusal. */
static char *database_state(void)
{
    const char *state = harness_sql(
        "SELECT (SELECT count(*) FROM users) || '|' || (SELECT count(*) FROM enterprises) || '|'"
        " || (SELECT count(*) FROM institutions) || '|' || (SELECT count(*) FROM audit_events)"
        " || '|' || (SELECT count(*) FROM sessions)");
    ck_assert_ptr_nonnull(state);
    return strdup(state);
}

static void assert_unchanged(const char *before)
{
    char *after = database_state();
    ck_assert_msg(strcmp(before, after) == 0, "the database changed: %s -> %s", before, after);
    free(after);
}

static void assert_problem(struct http_reply *r, long status, const char *code)
{
    ck_assert_msg(r->status == status, "expected %ld, got %ld: %s", status, r->status, r->body);
    ck_assert_str_eq(problem_code(r), code);
}

/* A 422 whose errors name exactly field, with a message containing message (or any). */
static void assert_invalid_field(struct http_reply *r, const char *field, const char *message)
{
    assert_problem(r, 422, "invalid_field");
    json_t *errors = json_object_get(r->json, "errors");
    ck_assert_msg(json_array_size(errors) == 1, "expected one error: %s", r->body);
    json_t *error = json_array_get(errors, 0);
    ck_assert_str_eq(json_string_value(json_object_get(error, "field")), field);
    const char *said = json_string_value(json_object_get(error, "message"));
    ck_assert_msg(message == NULL || strstr(said, message) != NULL, "%s: \"%s\" lacks \"%s\"",
                  field, said, message);
}

/* Signs up an enterprise; returns its staff member, signed in. */
static struct member enterprise_signup(const char *email, const char *province)
{
    char code[19];
    credit_code_make(10000 + serial++, province, code);
    struct http_reply *r = post("/api/v1/enterprises", NULL,
                                enterprise_body(email, code, province));
    ck_assert_msg(r->status == 201, "sign-up of %s: %ld %s", email, r->status, r->body);
    struct member m = { 0 };
    m.id = (long)json_integer_value(json_object_get(json_object_get(r->json, "user"), "id"));
    m.org_id = (long)json_integer_value(json_object_get(json_object_get(r->json, "enterprise"),
                                                        "id"));
    snprintf(m.email, sizeof m.email, "%s", email);
    http_reply_free(r);
    m.token = harness_login(email, "enterprise-password-1");
    ck_assert_ptr_nonnull(m.token);
    return m;
}

static struct member institution_add(const char *email, const char *province)
{
    struct http_reply *r = post("/api/v1/institutions", cast.admin,
                                institution_body(email, province));
    ck_assert_msg(r->status == 201, "institution %s: %ld %s", email, r->status, r->body);
    struct member m = { 0 };
    m.id = (long)json_integer_value(json_object_get(json_object_get(r->json, "user"), "id"));
    m.org_id = (long)json_integer_value(json_object_get(json_object_get(r->json, "institution"),
                                                        "id"));
    snprintf(m.email, sizeof m.email, "%s", email);
    http_reply_free(r);
    m.token = harness_login(email, "institution-password-1");
    ck_assert_ptr_nonnull(m.token);
    return m;
}

static struct member province_admin_add(const char *email, const char *province)
{
    json_t *body = user_body(email, "province_admin");
    json_object_set_new(body, "province", json_string(province));
    struct http_reply *r = post("/api/v1/users", cast.admin, body);
    ck_assert_msg(r->status == 201, "province admin %s: %ld %s", email, r->status, r->body);
    struct member m = { 0 };
    m.id = (long)json_integer_value(json_object_get(json_object_get(r->json, "user"), "id"));
    snprintf(m.email, sizeof m.email, "%s", email);
    http_reply_free(r);
    m.token = harness_login(email, "user-password-12");
    ck_assert_ptr_nonnull(m.token);
    return m;
}

/* Runs in the parent process: HTTP only (a database connection must not cross the fork). */
static void setup(void)
{
    harness_start("accounts", NULL);
    cast.admin = harness_login(HARNESS_ADMIN_EMAIL, HARNESS_ADMIN_PASSWORD);
    ck_assert_ptr_nonnull(cast.admin);
    cast.ent_a = enterprise_signup("staff@ent-a.test", "ZJ");
    cast.ent_b = enterprise_signup("staff@ent-b.test", "SH");
    cast.inst_a = institution_add("staff@inst-a.test", "ZJ");
    cast.inst_b = institution_add("staff@inst-b.test", "JS");
    cast.admin_zj = province_admin_add("admin@zj.test", "ZJ");
    cast.admin_sh = province_admin_add("admin@sh.test", "SH");
}

static void teardown(void)
{
    ck_assert_int_eq(harness_stop(), 0);
}

static long get_status(const char *path, const char *token)
{
    struct http_reply *r = http_get(path, token);
    long status = r->status;
    http_reply_free(r);
    return status;
}

/* ---------------------------------------------------------------------------------------- */
/* Enterprises */

START_TEST(enterprise_signup_creates_the_enterprise_and_its_first_user)
{
    char code[19];
    credit_code_make(20000, "AH", code);
    struct http_reply *r = post("/api/v1/enterprises", NULL,
                                enterprise_body("Founder@New-Ent.TEST", code, "AH"));
    ck_assert_int_eq(r->status, 201);
    json_t *enterprise = json_object_get(r->json, "enterprise");
    json_t *user = json_object_get(r->json, "user");
    ck_assert_str_eq(json_string_value(json_object_get(enterprise, "credit_code")), code);
    ck_assert_str_eq(json_string_value(json_object_get(enterprise, "province")), "AH");
    ck_assert_str_eq(json_string_value(json_object_get(enterprise, "scale")), "small");
    ck_assert_str_eq(json_string_value(json_object_get(enterprise, "division_code")), "340104");
    ck_assert_str_eq(json_string_value(json_object_get(enterprise, "name")),
                     "杭州测试科技有限公司");
    ck_assert_str_eq(json_string_value(json_object_get(user, "role")), "enterprise");
    ck_assert_str_eq(json_string_value(json_object_get(user, "email")), "founder@new-ent.test");
    ck_assert_int_eq(json_integer_value(json_object_get(user, "enterprise_id")),
                     json_integer_value(json_object_get(enterprise, "id")));
    ck_assert_msg(strstr(r->body, "password") == NULL && strstr(r->body, "argon2") == NULL,
                  "the reply shows the password: %s", r->body);
    long user_id = (long)json_integer_value(json_object_get(user, "id"));
    long enterprise_id = (long)json_integer_value(json_object_get(enterprise, "id"));
    http_reply_free(r);

    char sql[256];
    snprintf(sql, sizeof sql, "SELECT password_hash LIKE '$argon2id$%%' FROM users WHERE id = %ld",
             user_id);
    ck_assert_str_eq(harness_sql(sql), "t");
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_events WHERE (entity, entity_id, action)"
             " IN (('enterprise', %ld, 'enterprise.create'), ('user', %ld, 'user.create'))",
             enterprise_id, user_id);
    ck_assert_str_eq(harness_sql(sql), "2");
    /* the password was never sent to the database */
    ck_assert_str_eq(harness_sql("SELECT count(*) FROM audit_events "
                                 "WHERE after::text LIKE '%enterprise-password-1%'"),
                     "0");
    char *token = harness_login("founder@new-ent.test", "enterprise-password-1");
    ck_assert_ptr_nonnull(token);
    free(token);
}
END_TEST

START_TEST(enterprise_signup_checks_every_field_and_changes_nothing)
{
    static const struct {
        const char *field;
        const char *value; /* JSON text */
        const char *message;
    } CASES[] = {
        { "credit_code", "\"91350100M000100Y44\"", "check digit mismatch" },
        { "credit_code", "\"91350100M000100Y53\"", "organisation code check digit mismatch" },
        { "credit_code", "\"91350100m000100y43\"", "upper case" },
        { "credit_code", "\"91350100M0001O0Y43\"", "not allowed" },
        { "credit_code", "\"9135010\"", "18 characters" },
        { "credit_code", "null", "is required" },
        { "name", "\"   \"", "blank" },
        { "name", "\"\"", "empty" },
        { "name", "42", "string" },
        { "province", "\"SD\"", "allowed values" },
        { "province", "\"zj\"", "allowed values" },
        { "scale", "\"huge\"", "allowed values" },
        { "scale", "null", "is required" },
        { "contact_name", "\"\"", "empty" },
        { "email", "\"zhang.new-ent.test\"", "name@domain" },
        { "email", "\"zhang@localhost\"", "name@domain" },
        { "email", "\"zh ang@new-ent.test\"", "spaces" },
        { "email", "\"张@例子.cn\"", "ASCII" },
        { "password", "\"short-pw\"", "at least 10" },
        { "password", "\"0123456789012\"", "only digits" },
        { "password", "\"aaaaaaaaaaaa\"", "repeated" },
        { "password", "null", "is required" },
    };
    char *before = database_state();
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        char code[19];
        credit_code_make(20100 + (long)i, "ZJ", code);
        json_t *body = enterprise_body("new@bad-input.test", code, "ZJ");
        json_t *value = json_loads(CASES[i].value, JSON_DECODE_ANY, NULL);
        ck_assert_ptr_nonnull(value);
        json_object_set_new(body, CASES[i].field, value);
        struct http_reply *r = post("/api/v1/enterprises", NULL, body);
        assert_invalid_field(r, CASES[i].field, CASES[i].message);
        http_reply_free(r);
    }
    assert_unchanged(before);
    free(before);
}
END_TEST

START_TEST(enterprise_signup_needs_a_credit_code_of_its_province)
{
    char *before = database_state();
    char fujian[19];
    credit_code_in("350100", 20400, fujian); /* registered in Fuzhou */
    struct http_reply *r = post("/api/v1/enterprises", NULL,
                                enterprise_body("fuzhou@outside.test", fujian, "ZJ"));
    assert_invalid_field(r, "credit_code", "outside the province ZJ");
    http_reply_free(r);
    char shanghai[19];
    credit_code_make(20401, "SH", shanghai);
    r = post("/api/v1/enterprises", NULL, enterprise_body("sh@outside.test", shanghai, "JS"));
    assert_invalid_field(r, "credit_code", "outside the province JS");
    http_reply_free(r);
    assert_unchanged(before);
    free(before);
    /* registered nationally (division 10xxxx): any province */
    char national[19];
    credit_code_in("100000", 20402, national);
    r = post("/api/v1/enterprises", NULL, enterprise_body("national@inside.test", national, "AH"));
    ck_assert_msg(r->status == 201, "%ld %s", r->status, r->body);
    http_reply_free(r);
}
END_TEST

START_TEST(enterprise_signup_refuses_unknown_fields_bad_json_and_other_media)
{
    char *before = database_state();
    char code[19];
    credit_code_make(20200, "ZJ", code);
    json_t *body = enterprise_body("extra@bad-input.test", code, "ZJ");
    json_object_set_new(body, "role", json_string("admin"));
    struct http_reply *r = post("/api/v1/enterprises", NULL, body);
    assert_problem(r, 400, "bad_request");
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(r->json, "errors"), 0), "field")),
                     "role");
    http_reply_free(r);
    r = http_post("/api/v1/enterprises", NULL, "{\"name\": \"x\", ");
    assert_problem(r, 400, "invalid_json");
    http_reply_free(r);
    r = http_post("/api/v1/enterprises", NULL, "[1, 2]");
    assert_problem(r, 400, "bad_request");
    http_reply_free(r);
    const char *raw = "POST /api/v1/enterprises HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                      "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 6\r\n"
                      "\r\nname=x";
    char *reply = http_raw(raw, strlen(raw));
    ck_assert_msg(strncmp(reply, "HTTP/1.1 415 ", 13) == 0, "expected 415: %.60s", reply);
    free(reply);
    assert_unchanged(before);
    free(before);
}
END_TEST

START_TEST(second_signup_with_the_same_credit_code_or_email_is_409)
{
    char code[19];
    credit_code_make(20300, "JS", code);
    struct http_reply *r = post("/api/v1/enterprises", NULL,
                                enterprise_body("first@dup.test", code, "JS"));
    ck_assert_int_eq(r->status, 201);
    http_reply_free(r);
    char *before = database_state();

    r = post("/api/v1/enterprises", NULL, enterprise_body("second@dup.test", code, "JS"));
    assert_problem(r, 409, "conflict");
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(r->json, "detail")),
                                 "credit_code"));
    http_reply_free(r);

    char other[19];
    credit_code_make(20301, "JS", other);
    r = post("/api/v1/enterprises", NULL, enterprise_body("FIRST@dup.test", other, "JS"));
    assert_problem(r, 409, "conflict");
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(r->json, "detail")), "email"));
    http_reply_free(r);

    /* an email taken by any user, not only by enterprise staff */
    r = post("/api/v1/enterprises", NULL, enterprise_body(HARNESS_ADMIN_EMAIL, other, "JS"));
    assert_problem(r, 409, "conflict");
    http_reply_free(r);
    assert_unchanged(before);
    free(before);
}
END_TEST

START_TEST(an_enterprise_is_seen_by_its_staff_and_its_admins_only)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/enterprises/%ld", cast.ent_a.org_id);
    struct http_reply *r = http_get(path, cast.ent_a.token);
    ck_assert_int_eq(r->status, 200);
    ck_assert_int_eq(json_integer_value(json_object_get(r->json, "id")), cast.ent_a.org_id);
    ck_assert_str_eq(json_string_value(json_object_get(r->json, "province")), "ZJ");
    ck_assert_ptr_nonnull(json_string_value(json_object_get(r->json, "credit_code")));
    http_reply_free(r);
    ck_assert_int_eq(get_status(path, cast.admin), 200);
    ck_assert_int_eq(get_status(path, cast.admin_zj.token), 200);
    ck_assert_int_eq(get_status(path, cast.admin_sh.token), 404);
    ck_assert_int_eq(get_status(path, cast.ent_b.token), 404);
    ck_assert_int_eq(get_status(path, cast.inst_a.token), 404);
    ck_assert_int_eq(get_status(path, NULL), 401);
    ck_assert_int_eq(get_status("/api/v1/enterprises/" MISSING_ID, cast.admin), 404);
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
/* Institutions */

START_TEST(admin_registers_an_institution_with_its_first_user)
{
    struct http_reply *r = post("/api/v1/institutions", cast.admin,
                                institution_body("tto@new-uni.test", "SH"));
    ck_assert_int_eq(r->status, 201);
    json_t *institution = json_object_get(r->json, "institution");
    json_t *user = json_object_get(r->json, "user");
    ck_assert_str_eq(json_string_value(json_object_get(institution, "name")), "测试大学");
    ck_assert_str_eq(json_string_value(json_object_get(institution, "name_en")), "Test University");
    ck_assert_str_eq(json_string_value(json_object_get(institution, "kind")), "university");
    ck_assert_str_eq(json_string_value(json_object_get(user, "role")), "institution");
    ck_assert_int_eq(json_integer_value(json_object_get(user, "institution_id")),
                     json_integer_value(json_object_get(institution, "id")));
    long institution_id = (long)json_integer_value(json_object_get(institution, "id"));
    http_reply_free(r);
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT actor_id FROM audit_events WHERE entity = 'institution' "
             "AND entity_id = %ld AND action = 'institution.create'",
             institution_id);
    const char *actor = harness_sql(sql);
    ck_assert_ptr_nonnull(actor);
    ck_assert_str_eq(actor,
                     harness_sql("SELECT id FROM users WHERE email = '" HARNESS_ADMIN_EMAIL "'"));

    /* name_en is optional */
    json_t *body = institution_body("tto@plain-uni.test", "AH");
    json_object_del(body, "name_en");
    r = post("/api/v1/institutions", cast.admin, body);
    ck_assert_int_eq(r->status, 201);
    ck_assert(json_is_null(json_object_get(json_object_get(r->json, "institution"), "name_en")));
    http_reply_free(r);
    char *token = harness_login("tto@new-uni.test", "institution-password-1");
    ck_assert_ptr_nonnull(token);
    free(token);
}
END_TEST

START_TEST(who_may_register_an_institution)
{
    static const struct {
        const char *who;
        long status;
    } MATRIX[] = {
        { "anonymous", 401 },         { "enterprise", 403 },        { "institution", 403 },
        { "province_admin_sh", 403 }, { "province_admin_zj", 201 }, { "admin", 201 },
    };
    const char *tokens[] = {
        NULL,      cast.ent_a.token, cast.inst_a.token, cast.admin_sh.token, cast.admin_zj.token,
        cast.admin
    };
    for (size_t i = 0; i < sizeof MATRIX / sizeof MATRIX[0]; i++) {
        char email[64];
        snprintf(email, sizeof email, "matrix%zu@zj-uni.test", i);
        char *before = database_state();
        struct http_reply *r = post("/api/v1/institutions", tokens[i],
                                    institution_body(email, "ZJ"));
        ck_assert_msg(r->status == MATRIX[i].status, "%s: expected %ld, got %ld %s", MATRIX[i].who,
                      MATRIX[i].status, r->status, r->body);
        if (MATRIX[i].status != 201)
            assert_unchanged(before);
        http_reply_free(r);
        free(before);
    }
}
END_TEST

START_TEST(institution_registration_checks_its_fields)
{
    static const struct {
        const char *field;
        const char *value;
        const char *message;
    } CASES[] = {
        { "kind", "\"college\"", "allowed values" },
        { "kind", "null", "is required" },
        { "name_en", "\"  \"", "blank" },
        { "province", "null", "is required" },
        { "password", "\"1234567890\"", "only digits" },
        { "email", "\"tto-at-uni.test\"", "name@domain" },
        { "contact_name", "\" \"", "blank" },
    };
    char *before = database_state();
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        json_t *body = institution_body("tto@invalid-uni.test", "ZJ");
        json_object_set_new(body, CASES[i].field,
                            json_loads(CASES[i].value, JSON_DECODE_ANY, NULL));
        struct http_reply *r = post("/api/v1/institutions", cast.admin, body);
        assert_invalid_field(r, CASES[i].field, CASES[i].message);
        http_reply_free(r);
    }
    json_t *body = institution_body("tto@invalid-uni.test", "ZJ");
    json_object_set_new(body, "website", json_string("https://uni.test"));
    struct http_reply *r = post("/api/v1/institutions", cast.admin, body);
    assert_problem(r, 400, "bad_request");
    http_reply_free(r);
    r = post("/api/v1/institutions", cast.admin, institution_body(cast.inst_b.email, "ZJ"));
    assert_problem(r, 409, "conflict");
    http_reply_free(r);
    assert_unchanged(before);
    free(before);
}
END_TEST

START_TEST(anyone_reads_an_institution)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/institutions/%ld", cast.inst_b.org_id);
    struct http_reply *r = http_get(path, NULL);
    ck_assert_int_eq(r->status, 200);
    ck_assert_int_eq(json_integer_value(json_object_get(r->json, "id")), cast.inst_b.org_id);
    ck_assert_str_eq(json_string_value(json_object_get(r->json, "province")), "JS");
    http_reply_free(r);
    ck_assert_int_eq(get_status(path, cast.ent_a.token), 200);
    ck_assert_int_eq(get_status("/api/v1/institutions/" MISSING_ID, NULL), 404);
    ck_assert_int_eq(get_status("/api/v1/institutions/abc", NULL), 404);
}
END_TEST

/* The ids of a page's items into ids (at most max); returns how many, and the next cursor. */
static size_t page_ids(const char *path, long *ids, size_t max, char *cursor, size_t cursor_size)
{
    struct http_reply *r = http_get(path, NULL);
    ck_assert_msg(r->status == 200, "%s: %ld %s", path, r->status, r->body);
    json_t *items = json_object_get(r->json, "items");
    size_t n = json_array_size(items);
    ck_assert_uint_le(n, max);
    for (size_t i = 0; i < n; i++) {
        json_t *item = json_array_get(items, i);
        ids[i] = (long)json_integer_value(json_object_get(item, "id"));
        ck_assert_str_eq(json_string_value(json_object_get(item, "province")), "AH");
    }
    const char *next = json_string_value(json_object_get(r->json, "next_cursor"));
    snprintf(cursor, cursor_size, "%s", next != NULL ? next : "");
    http_reply_free(r);
    return n;
}

START_TEST(institutions_list_pages_newest_first_by_province_without_repeats)
{
    long made[3];
    for (int i = 0; i < 3; i++) {
        char email[64];
        snprintf(email, sizeof email, "tto%d@ah-uni.test", i);
        struct member m = institution_add(email, "AH");
        made[i] = m.org_id;
        free(m.token);
    }
    long ids[4];
    char cursor[256];
    size_t n = page_ids("/api/v1/institutions?province=AH&limit=2", ids, 4, cursor, sizeof cursor);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(ids[0], made[2]);
    ck_assert_int_eq(ids[1], made[1]);
    ck_assert_msg(cursor[0] != '\0', "the first page has a next cursor");
    /* a new institution meanwhile does not shift the next page */
    struct member late = institution_add("late@ah-uni.test", "AH");
    free(late.token);
    char path[512];
    snprintf(path, sizeof path, "/api/v1/institutions?province=AH&limit=2&cursor=%s", cursor);
    n = page_ids(path, ids, 4, cursor, sizeof cursor);
    ck_assert_uint_ge(n, 1);
    ck_assert_int_eq(ids[0], made[0]);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_lt(ids[i], made[0] + 1);

    /* without a filter every province shows, newest first */
    struct http_reply *r = http_get("/api/v1/institutions?limit=100", NULL);
    ck_assert_int_eq(r->status, 200);
    json_t *items = json_object_get(r->json, "items");
    ck_assert_uint_ge(json_array_size(items), 6);
    long previous = 0;
    for (size_t i = 0; i < json_array_size(items); i++) {
        long id = (long)json_integer_value(json_object_get(json_array_get(items, i), "id"));
        ck_assert_msg(previous == 0 || id < previous, "not newest first");
        previous = id;
    }
    ck_assert(json_is_null(json_object_get(r->json, "next_cursor")));
    http_reply_free(r);
}
END_TEST

START_TEST(institutions_list_refuses_bad_parameters)
{
    struct http_reply *r = http_get("/api/v1/institutions?province=XX", NULL);
    assert_invalid_field(r, "province", NULL);
    http_reply_free(r);
    r = http_get("/api/v1/institutions?limit=0", NULL);
    assert_invalid_field(r, "limit", NULL);
    http_reply_free(r);
    r = http_get("/api/v1/institutions?limit=101", NULL);
    assert_invalid_field(r, "limit", NULL);
    http_reply_free(r);
    r = http_get("/api/v1/institutions?cursor=forged", NULL);
    assert_invalid_field(r, "cursor", NULL);
    http_reply_free(r);
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
/* Users */

/* POST /api/v1/users as token; checks the status and, on 201, that the new user signs in with
 * the role it was given. */
static void user_create_expect(const char *token, json_t *body, long status)
{
    char email[128];
    snprintf(email, sizeof email, "%s", json_string_value(json_object_get(body, "email")));
    char role[32];
    snprintf(role, sizeof role, "%s", json_string_value(json_object_get(body, "role")));
    char *before = database_state();
    struct http_reply *r = post("/api/v1/users", token, body);
    ck_assert_msg(r->status == status, "%s as %s: expected %ld, got %ld %s", email, role, status,
                  r->status, r->body);
    if (status == 201) {
        json_t *user = json_object_get(r->json, "user");
        ck_assert_str_eq(json_string_value(json_object_get(user, "role")), role);
        ck_assert_str_eq(json_string_value(json_object_get(user, "email")), email);
        ck_assert_msg(strstr(r->body, "argon2") == NULL, "the reply shows the hash");
        char *session = harness_login(email, "user-password-12");
        ck_assert_ptr_nonnull(session);
        struct http_reply *me = http_get("/api/v1/me", session);
        ck_assert_str_eq(json_string_value(json_object_get(me->json, "role")), role);
        http_reply_free(me);
        free(session);
    } else {
        assert_unchanged(before);
    }
    http_reply_free(r);
    free(before);
}

START_TEST(admin_adds_users_of_every_role)
{
    user_create_expect(cast.admin, user_body("second-admin@delta.test", "admin"), 201);
    json_t *body = user_body("pa@ah.test", "province_admin");
    json_object_set_new(body, "province", json_string("AH"));
    user_create_expect(cast.admin, body, 201);
    body = user_body("staff2@inst-a.test", "institution");
    json_object_set_new(body, "institution_id", json_integer(cast.inst_a.org_id));
    user_create_expect(cast.admin, body, 201);
    body = user_body("staff2@ent-b.test", "enterprise");
    json_object_set_new(body, "enterprise_id", json_integer(cast.ent_b.org_id));
    user_create_expect(cast.admin, body, 201);
    ck_assert_str_eq(harness_sql("SELECT count(*) FROM audit_events WHERE action = 'user.create' "
                                 "AND entity_id IN (SELECT id FROM users WHERE email IN "
                                 "('second-admin@delta.test', 'pa@ah.test', "
                                 "'staff2@inst-a.test', 'staff2@ent-b.test'))"),
                     "4");
}
END_TEST

START_TEST(a_user_scope_must_fit_its_role)
{
    static const struct {
        const char *role;
        const char *field; /* set to value, or NULL */
        const char *value;
        const char *fault; /* the field the 422 names */
    } CASES[] = {
        { "province_admin", NULL, NULL, "province" },
        { "admin", "province", "\"ZJ\"", "province" },
        { "institution", NULL, NULL, "institution_id" },
        { "institution", "institution_id", MISSING_ID, "institution_id" },
        { "enterprise", "institution_id", "1", "institution_id" },
        { "enterprise", NULL, NULL, "enterprise_id" },
        { "enterprise", "enterprise_id", MISSING_ID, "enterprise_id" },
        { "admin", "enterprise_id", "1", "enterprise_id" },
        { "superuser", NULL, NULL, "role" },
        { "admin", "province", "\"Shanghai\"", "province" },
        { "admin", "institution_id", "0", "institution_id" },
        { "admin", "password", "\"password\"", "password" },
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        char *before = database_state();
        json_t *body = user_body("scope@delta.test", CASES[i].role);
        if (CASES[i].field != NULL)
            json_object_set_new(body, CASES[i].field,
                                json_loads(CASES[i].value, JSON_DECODE_ANY, NULL));
        struct http_reply *r = post("/api/v1/users", cast.admin, body);
        assert_invalid_field(r, CASES[i].fault, NULL);
        http_reply_free(r);
        assert_unchanged(before);
        free(before);
    }
    user_create_expect(cast.admin, user_body(cast.ent_a.email, "admin"), 409);
    user_create_expect(cast.admin, user_body("Staff@ENT-A.test", "admin"), 409);
}
END_TEST

START_TEST(staff_add_colleagues_to_their_own_organisation_only)
{
    /* institution staff */
    user_create_expect(cast.inst_a.token, user_body("colleague@inst-a.test", "institution"), 201);
    ck_assert_str_eq(harness_sql("SELECT institution_id = (SELECT institution_id FROM users WHERE "
                                 "email = 'staff@inst-a.test') FROM users WHERE "
                                 "email = 'colleague@inst-a.test'"),
                     "t");
    json_t *body = user_body("own-id@inst-a.test", "institution");
    json_object_set_new(body, "institution_id", json_integer(cast.inst_a.org_id));
    user_create_expect(cast.inst_a.token, body, 201);
    body = user_body("intruder@inst-b.test", "institution");
    json_object_set_new(body, "institution_id", json_integer(cast.inst_b.org_id));
    user_create_expect(cast.inst_a.token, body, 403);
    user_create_expect(cast.inst_a.token, user_body("boss@inst-a.test", "admin"), 403);
    user_create_expect(cast.inst_a.token, user_body("buyer@inst-a.test", "enterprise"), 403);
    body = user_body("pa@inst-a.test", "province_admin");
    json_object_set_new(body, "province", json_string("ZJ"));
    user_create_expect(cast.inst_a.token, body, 403);
    body = user_body("province@inst-a.test", "institution");
    json_object_set_new(body, "province", json_string("ZJ"));
    user_create_expect(cast.inst_a.token, body, 422);

    /* enterprise staff */
    user_create_expect(cast.ent_a.token, user_body("colleague@ent-a.test", "enterprise"), 201);
    ck_assert_str_eq(harness_sql("SELECT enterprise_id = (SELECT enterprise_id FROM users WHERE "
                                 "email = 'staff@ent-a.test') FROM users WHERE "
                                 "email = 'colleague@ent-a.test'"),
                     "t");
    body = user_body("intruder@ent-b.test", "enterprise");
    json_object_set_new(body, "enterprise_id", json_integer(cast.ent_b.org_id));
    user_create_expect(cast.ent_a.token, body, 403);
    user_create_expect(cast.ent_a.token, user_body("tto@ent-a.test", "institution"), 403);
    user_create_expect(cast.ent_a.token, user_body("boss@ent-a.test", "admin"), 403);
}
END_TEST

START_TEST(province_admins_and_anonymous_callers_add_no_users)
{
    user_create_expect(cast.admin_zj.token, user_body("clerk@zj.test", "institution"), 403);
    json_t *body = user_body("deputy@zj.test", "province_admin");
    json_object_set_new(body, "province", json_string("ZJ"));
    user_create_expect(cast.admin_zj.token, body, 403);
    user_create_expect(NULL, user_body("self@anon.test", "admin"), 401);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("accounts");
    TCase *tc = tcase_create("accounts");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, enterprise_signup_creates_the_enterprise_and_its_first_user);
    tcase_add_test(tc, enterprise_signup_checks_every_field_and_changes_nothing);
    tcase_add_test(tc, enterprise_signup_refuses_unknown_fields_bad_json_and_other_media);
    tcase_add_test(tc, second_signup_with_the_same_credit_code_or_email_is_409);
    tcase_add_test(tc, enterprise_signup_needs_a_credit_code_of_its_province);
    tcase_add_test(tc, an_enterprise_is_seen_by_its_staff_and_its_admins_only);
    tcase_add_test(tc, admin_registers_an_institution_with_its_first_user);
    tcase_add_test(tc, who_may_register_an_institution);
    tcase_add_test(tc, institution_registration_checks_its_fields);
    tcase_add_test(tc, anyone_reads_an_institution);
    tcase_add_test(tc, institutions_list_pages_newest_first_by_province_without_repeats);
    tcase_add_test(tc, institutions_list_refuses_bad_parameters);
    tcase_add_test(tc, admin_adds_users_of_every_role);
    tcase_add_test(tc, a_user_scope_must_fit_its_role);
    tcase_add_test(tc, staff_add_colleagues_to_their_own_organisation_only);
    tcase_add_test(tc, province_admins_and_anonymous_callers_add_no_users);
    suite_add_tcase(s, tc);
    return harness_run_suite(s);
}
