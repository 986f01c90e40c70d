/* test_achievements: one achievement over HTTP — create, detail with ETag, partial edit under
 * If-Match, and the review workflow, each against every kind of caller; refused requests must
 * change nothing and every change must be audited. */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "harness.h"

enum person {
    ANONYMOUS,
    ENTERPRISE,
    INSTITUTION_A,
    INSTITUTION_B,
    PROVINCE_ADMIN_ZJ,
    PROVINCE_ADMIN_JS,
    ADMIN,
    PEOPLE
};
static struct fixture_person people[PEOPLE] = {
    { .name = "anonymous" },     { .name = "enterprise" },        { .name = "institution_a" },
    { .name = "institution_b" }, { .name = "province_admin_zj" }, { .name = "province_admin_js" },
    { .name = "admin" },
};

#define VALID_PATENT "ZL202110123456.7"
#define OTHER_VALID_PATENT "ZL202010654321.9"
#define WRONG_CHECK_DIGIT_PATENT "ZL202110123456.8"

/* ---- fixture: two institutions (A in Zhejiang, B in Jiangsu), an enterprise, two province
 * admins and the bootstrap admin, each signed in. Users share the bootstrap admin's password
 * hash (and so its password). */

static void setup(void)
{
    harness_start("achievements", NULL);
    PGconn *conn = PQconnectdb(harness_conninfo());
    ck_assert_int_eq(PQstatus(conn), CONNECTION_OK);
    char *a = fixture_value(conn,
                            "INSERT INTO institutions (name, province, kind, contact_name) "
                            "VALUES ('浙江工业大学', 'ZJ', 'university', '张老师') RETURNING id",
                            0, NULL);
    char *b = fixture_value(conn,
                            "INSERT INTO institutions (name, province, kind, contact_name) "
                            "VALUES ('江苏材料研究所', 'JS', 'institute', '李老师') RETURNING id",
                            0, NULL);
    char *e = fixture_value(conn,
                            "INSERT INTO enterprises (name, credit_code, province, "
                            "scale, contact_name) VALUES ('杭州小微科技', "
                            "'913301001234567890', 'ZJ', 'micro', '王经理') RETURNING id",
                            0, NULL);
    fixture_person(conn, &people[ENTERPRISE], "enterprise", NULL, NULL, e);
    fixture_person(conn, &people[INSTITUTION_A], "institution", NULL, a, NULL);
    fixture_person(conn, &people[INSTITUTION_B], "institution", NULL, b, NULL);
    fixture_person(conn, &people[PROVINCE_ADMIN_ZJ], "province_admin", "ZJ", NULL, NULL);
    fixture_person(conn, &people[PROVINCE_ADMIN_JS], "province_admin", "JS", NULL, NULL);
    fixture_person(conn, &people[ADMIN], "admin", NULL, NULL, NULL);
    free(a);
    free(b);
    free(e);
    PQfinish(conn);
}

static void teardown(void)
{
    ck_assert_int_eq(harness_stop(), 0);
}

/* ---- helpers */

static struct http_reply *call(enum person who, const char *method, const char *path,
                               const char *body, const char *if_match)
{
    char header[128];
    const char *headers[] = { header, NULL };
    if (if_match != NULL)
        snprintf(header, sizeof header, "If-Match: %s", if_match);
    return http_call(method, path, who == ANONYMOUS ? NULL : people[who].token, body,
                     if_match != NULL ? headers : NULL);
}

static const char *sqlf(const char *format, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, format);
    vsnprintf(sql, sizeof sql, format, ap);
    va_end(ap);
    return harness_sql(sql);
}

static long long sql_int(const char *format, long long id)
{
    const char *v = sqlf(format, id);
    ck_assert_ptr_nonnull(v);
    return atoll(v);
}

static void assert_problem(struct http_reply *r, long status, const char *code)
{
    ck_assert_ptr_nonnull(r);
    ck_assert_msg(r->status == status, "expected %ld %s, got %ld: %s", status, code, r->status,
                  r->body);
    ck_assert_str_eq(problem_code(r), code);
}

/* The "field" of the problem's errors[i], or "". */
static const char *error_field(const struct http_reply *r, size_t i)
{
    const char *f = json_string_value(
        json_object_get(json_array_get(json_object_get(r->json, "errors"), i), "field"));
    return f != NULL ? f : "";
}

static json_t *valid_body(const char *title)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:[s], s:[s,s], s:i, s:i, s:s}", "title", title,
                     "abstract", "一种石墨烯复合材料的制备方法，适用于电池电极。", "field",
                     "new_materials", "kind", "invention_patent", "patent_numbers", VALID_PATENT,
                     "keywords", "石墨烯", "电池", "maturity", 6, "trial_months", 12,
                     "payment_mode", "installments");
}

static struct http_reply *post_json(enum person who, const char *path, json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    struct http_reply *r = call(who, "POST", path, text, NULL);
    free(text);
    return r;
}

static long long create(const char *title)
{
    struct http_reply *r = post_json(INSTITUTION_A, "/api/v1/achievements", valid_body(title));
    ck_assert_msg(r->status == 201, "create failed: %ld %s", r->status, r->body);
    long long id = json_integer_value(json_object_get(r->json, "id"));
    http_reply_free(r);
    return id;
}

static void act(enum person who, long long id, const char *action, const char *body)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/achievements/%lld/%s", id, action);
    struct http_reply *r = call(who, "POST", path, body, NULL);
    ck_assert_msg(r->status == 200, "%s failed: %ld %s", action, r->status, r->body);
    http_reply_free(r);
}

/* An achievement of institution A in the given status, reached through the endpoints. */
static long long achievement_in(const char *status)
{
    long long id = create("状态测试成果");
    if (strcmp(status, "draft") == 0)
        return id;
    act(INSTITUTION_A, id, "submit", NULL);
    if (strcmp(status, "rejected") == 0)
        act(ADMIN, id, "reject", "{\"reason\":\"材料不全\"}");
    if (strcmp(status, "listed") == 0 || strcmp(status, "withdrawn") == 0)
        act(ADMIN, id, "approve", "{}");
    if (strcmp(status, "withdrawn") == 0)
        act(INSTITUTION_A, id, "withdraw", NULL);
    ck_assert_str_eq(sqlf("SELECT status FROM achievements WHERE id = %lld", id), status);
    return id;
}

static long long audit_count(long long id)
{
    return sql_int("SELECT count(*) FROM audit_events WHERE entity = 'achievement' "
                   "AND entity_id = %lld",
                   id);
}

/* The latest audit event of the achievement: action, before and after (as JSON text). */
static void assert_last_audit(long long id, const char *action, const char *before_status,
                              const char *after_status)
{
    ck_assert_str_eq(sqlf("SELECT action FROM audit_events WHERE entity = 'achievement' AND "
                          "entity_id = %lld ORDER BY id DESC LIMIT 1",
                          id),
                     action);
    const char *before = sqlf("SELECT before->>'status' FROM audit_events WHERE entity = "
                              "'achievement' AND entity_id = %lld ORDER BY id DESC LIMIT 1",
                              id);
    ck_assert_str_eq(before != NULL ? before : "(none)", before_status);
    const char *after = sqlf("SELECT after->>'status' FROM audit_events WHERE entity = "
                             "'achievement' AND entity_id = %lld ORDER BY id DESC LIMIT 1",
                             id);
    ck_assert_str_eq(after != NULL ? after : "(none)", after_status);
}

/* ---- create */

START_TEST(create_by_institution_is_201_draft_with_defaults_etag_and_audit)
{
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:s}", "title", "量子芯片封装",
                             "abstract", "低温封装工艺", "field", "integrated_circuits", "kind",
                             "invention_patent", "maturity", 4, "trial_months", 6, "payment_mode",
                             "lump_sum");
    struct http_reply *r = post_json(INSTITUTION_A, "/api/v1/achievements", body);
    ck_assert_msg(r->status == 201, "%ld %s", r->status, r->body);
    json_t *a = r->json;
    long long id = json_integer_value(json_object_get(a, "id"));
    ck_assert_int_gt(id, 0);
    ck_assert_str_eq(json_string_value(json_object_get(a, "status")), "draft");
    ck_assert_str_eq(json_string_value(json_object_get(a, "province")), "ZJ");
    ck_assert_str_eq(json_string_value(json_object_get(a, "institution_name")), "浙江工业大学");
    ck_assert_str_eq(json_string_value(json_object_get(a, "title")), "量子芯片封装");
    ck_assert(json_is_null(json_object_get(a, "title_en")));
    ck_assert_int_eq(json_array_size(json_object_get(a, "patent_numbers")), 0);
    ck_assert_int_eq(json_array_size(json_object_get(a, "keywords")), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(a, "reference_fee_fen")), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(a, "royalty_bp")), 0);
    ck_assert(json_is_false(json_object_get(a, "exclusive")));
    ck_assert(json_is_false(json_object_get(a, "open_license")));
    ck_assert_int_eq(json_integer_value(json_object_get(a, "version")), 1);
    ck_assert_ptr_nonnull(json_string_value(json_object_get(a, "created_at")));
    ck_assert_str_eq(http_header(r, "ETag"), "\"1\"");
    assert_last_audit(id, "achievement.create", "(none)", "draft");
    http_reply_free(r);
}
END_TEST

START_TEST(create_takes_json_null_as_an_absent_field)
{
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:n, s:n, s:n, s:n, s:n}",
                             "title", "空值即未填", "abstract", "各可选字段为 null", "field",
                             "integrated_circuits", "kind", "invention_patent", "maturity", 4,
                             "trial_months", 6, "payment_mode", "lump_sum", "title_en",
                             "patent_numbers", "keywords", "open_license", "fee_schedule");
    struct http_reply *r = post_json(INSTITUTION_A, "/api/v1/achievements", body);
    ck_assert_msg(r->status == 201, "%ld %s", r->status, r->body);
    ck_assert(json_is_null(json_object_get(r->json, "title_en")));
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "patent_numbers")), 0);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "keywords")), 0);
    ck_assert(json_is_false(json_object_get(r->json, "open_license")));
    http_reply_free(r);
}
END_TEST

START_TEST(create_keeps_every_given_field)
{
    json_t *body = valid_body("全部字段");
    json_object_set_new(body, "title_en", json_string("All fields"));
    json_object_set_new(body, "reference_fee_fen", json_integer(10000000000000LL));
    json_object_set_new(body, "payment_mode", json_string("lump_sum_plus_royalty"));
    json_object_set_new(body, "royalty_bp", json_integer(10000));
    json_object_set_new(body, "royalty_base", json_string("profit"));
    json_object_set_new(body, "license_years", json_integer(20));
    json_object_set_new(body, "fee_schedule",
                        json_pack("[{s:i,s:I},{s:i,s:I}]", "after_days", 0, "amount_fen",
                                  (json_int_t)4000000000000LL, "after_days", 3650, "amount_fen",
                                  (json_int_t)6000000000000LL));
    json_object_set_new(body, "exclusive", json_true());
    json_object_set_new(body, "open_license", json_false()); /* read-only: as it is */
    json_object_set_new(body, "patent_numbers",
                        json_pack("[s,s]", VALID_PATENT, OTHER_VALID_PATENT));
    struct http_reply *r = post_json(INSTITUTION_A, "/api/v1/achievements", body);
    ck_assert_msg(r->status == 201, "%ld %s", r->status, r->body);
    json_t *a = r->json;
    ck_assert_str_eq(json_string_value(json_object_get(a, "title_en")), "All fields");
    ck_assert_int_eq(json_integer_value(json_object_get(a, "reference_fee_fen")), 10000000000000LL);
    ck_assert_int_eq(json_integer_value(json_object_get(a, "royalty_bp")), 10000);
    ck_assert(json_is_true(json_object_get(a, "exclusive")));
    ck_assert(json_is_false(json_object_get(a, "open_license")));
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(a, "patent_numbers"), 1)),
                     OTHER_VALID_PATENT);
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(a, "keywords"), 1)), "电池");
    ck_assert_int_eq(json_integer_value(json_object_get(a, "maturity")), 6);
    ck_assert_int_eq(json_integer_value(json_object_get(a, "trial_months")), 12);
    ck_assert_str_eq(json_string_value(json_object_get(a, "payment_mode")),
                     "lump_sum_plus_royalty");
    ck_assert_str_eq(json_string_value(json_object_get(a, "royalty_base")), "profit");
    ck_assert_int_eq(json_integer_value(json_object_get(a, "license_years")), 20);
    /* the standard terms carry the offer as a trial's terms will */
    const json_t *terms = json_object_get(a, "standard_terms");
    ck_assert_int_eq(json_integer_value(json_object_get(terms, "fee_fen")), 10000000000000LL);
    ck_assert_int_eq(json_integer_value(json_object_get(terms, "max_trial_months")), 12);
    ck_assert(json_is_true(json_object_get(terms, "exclusive")));
    const json_t *last = json_array_get(json_object_get(terms, "fee_schedule"), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(last, "after_days")), 3650);
    ck_assert_int_eq(json_integer_value(json_object_get(last, "amount_fen")), 6000000000000LL);
    http_reply_free(r);
}
END_TEST

START_TEST(create_by_any_other_caller_is_refused_and_inserts_nothing)
{
    const char *before = sqlf("SELECT count(*) FROM achievements");
    long long count = atoll(before);
    const struct {
        enum person who;
        long status;
        const char *code;
    } cases[] = {
        { ANONYMOUS, 401, "unauthenticated" },
        { ENTERPRISE, 403, "forbidden" },
        { PROVINCE_ADMIN_ZJ, 403, "forbidden" },
        { ADMIN, 403, "forbidden" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct http_reply *r = post_json(cases[i].who, "/api/v1/achievements",
                                         valid_body("不该创建"));
        assert_problem(r, cases[i].status, cases[i].code);
        http_reply_free(r);
    }
    ck_assert_int_eq(atoll(sqlf("SELECT count(*) FROM achievements")), count);
}
END_TEST

START_TEST(create_without_required_fields_names_each_one)
{
    struct http_reply *r = call(INSTITUTION_A, "POST", "/api/v1/achievements", "{}", NULL);
    assert_problem(r, 422, "invalid_field");
    const char *required[] = { "title",    "abstract",     "field",       "kind",
                               "maturity", "trial_months", "payment_mode" };
    size_t n = json_array_size(json_object_get(r->json, "errors"));
    ck_assert_int_eq(n, sizeof required / sizeof required[0]);
    for (size_t i = 0; i < n; i++)
        ck_assert_str_eq(error_field(r, i), required[i]);
    http_reply_free(r);
}
END_TEST

START_TEST(create_refuses_each_invalid_value_naming_its_field)
{
    char long_title[400] = "";
    memset(long_title, 'x', 301);
    char long_abstract[5100] = "";
    memset(long_abstract, 'y', 5001);
    json_t *many = json_array();
    for (int i = 0; i < 31; i++)
        json_array_append_new(many, json_string("词"));
    const struct {
        const char *field;
        json_t *value;
        const char *reported;
    } cases[] = {
        { "title", json_string(long_title), "title" },
        { "title", json_string("   "), "title" },
        { "title", json_string("\xe2\x80\x8b\xe2\x80\x8e\xe2\x80\xae"), "title" },
        { "title", json_string("\xe3\x80\x80\xc2\xad"), "title" },
        { "abstract", json_string("\xef\xbb\xbf\xe2\x81\xa0"), "abstract" },
        { "title_en", json_string(""), "title_en" },
        { "abstract", json_string(long_abstract), "abstract" },
        { "field", json_string("space"), "field" },
        { "kind", json_string("trademark"), "kind" },
        { "payment_mode", json_string("barter"), "payment_mode" },
        { "maturity", json_integer(0), "maturity" },
        { "maturity", json_integer(10), "maturity" },
        { "maturity", json_real(5.5), "maturity" },
        { "trial_months", json_integer(37), "trial_months" },
        { "reference_fee_fen", json_integer(-1), "reference_fee_fen" },
        { "reference_fee_fen", json_integer(10000000000001LL), "reference_fee_fen" },
        { "royalty_bp", json_integer(10001), "royalty_bp" },
        { "payment_mode", json_string("royalty"), "royalty_bp" },
        { "payment_mode", json_string("lump_sum_plus_royalty"), "royalty_bp" },
        { "exclusive", json_string("yes"), "exclusive" },
        { "open_license", json_integer(1), "open_license" },
        { "keywords", many, "keywords" },
        { "keywords", json_pack("[s,s]", "好", " "), "keywords[1]" },
        { "patent_numbers", json_string(VALID_PATENT), "patent_numbers" },
    };
    long long count = atoll(sqlf("SELECT count(*) FROM achievements"));
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *body = valid_body("无效值");
        json_object_set_new(body, cases[i].field, cases[i].value);
        struct http_reply *r = post_json(INSTITUTION_A, "/api/v1/achievements", body);
        assert_problem(r, 422, "invalid_field");
        ck_assert_msg(strcmp(error_field(r, 0), cases[i].reported) == 0, "case %zu: %s", i,
                      r->body);
        http_reply_free(r);
    }
    ck_assert_int_eq(atoll(sqlf("SELECT count(*) FROM achievements")), count);
}
END_TEST

START_TEST(create_patent_number_with_wrong_check_digit_names_the_element)
{
    json_t *body = valid_body("专利号校验");
    json_object_set_new(body, "patent_numbers", json_pack("[s]", WRONG_CHECK_DIGIT_PATENT));
    struct http_reply *r = post_json(INSTITUTION_A, "/api/v1/achievements", body);
    assert_problem(r, 422, "invalid_field");
    ck_assert_str_eq(error_field(r, 0), "patent_numbers[0]");
    ck_assert_ptr_nonnull(strstr(r->body, "check digit mismatch"));
    http_reply_free(r);

    body = valid_body("专利号校验");
    json_object_set_new(body, "patent_numbers",
                        json_pack("[s,s,s]", VALID_PATENT, WRONG_CHECK_DIGIT_PATENT, "ZL2021"));
    r = post_json(INSTITUTION_A, "/api/v1/achievements", body);
    assert_problem(r, 422, "invalid_field");
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "errors")), 2);
    ck_assert_str_eq(error_field(r, 0), "patent_numbers[1]");
    ck_assert_str_eq(error_field(r, 1), "patent_numbers[2]");
    http_reply_free(r);
}
END_TEST

START_TEST(create_with_unknown_field_is_400_and_bad_json_is_invalid_json)
{
    json_t *body = valid_body("未知字段");
    json_object_set_new(body, "status", json_string("listed"));
    struct http_reply *r = post_json(INSTITUTION_A, "/api/v1/achievements", body);
    assert_problem(r, 400, "bad_request");
    ck_assert_str_eq(error_field(r, 0), "status");
    http_reply_free(r);
    r = call(INSTITUTION_A, "POST", "/api/v1/achievements", "{\"title\":", NULL);
    assert_problem(r, 400, "invalid_json");
    http_reply_free(r);
}
END_TEST

/* ---- detail */

START_TEST(detail_is_visible_by_status_and_caller)
{
    const char *statuses[] = { "draft", "pending", "listed", "rejected", "withdrawn" };
    for (size_t s = 0; s < sizeof statuses / sizeof statuses[0]; s++) {
        long long id = achievement_in(statuses[s]);
        char path[64];
        snprintf(path, sizeof path, "/api/v1/achievements/%lld", id);
        bool listed = strcmp(statuses[s], "listed") == 0;
        for (int who = 0; who < PEOPLE; who++) {
            bool sees = listed || who == INSTITUTION_A || who == PROVINCE_ADMIN_ZJ || who == ADMIN;
            struct http_reply *r = call((enum person)who, "GET", path, NULL, NULL);
            ck_assert_msg(r->status == (sees ? 200 : 404), "%s achievement, %s: got %ld",
                          statuses[s], people[who].name, r->status);
            if (sees)
                ck_assert_str_eq(json_string_value(json_object_get(r->json, "status")),
                                 statuses[s]);
            else
                ck_assert_str_eq(problem_code(r), "not_found");
            http_reply_free(r);
        }
    }
}
END_TEST

START_TEST(detail_carries_the_version_as_etag_and_unknown_id_is_404)
{
    long long id = achievement_in("listed");
    char path[64];
    snprintf(path, sizeof path, "/api/v1/achievements/%lld", id);
    struct http_reply *r = call(ANONYMOUS, "GET", path, NULL, NULL);
    ck_assert_int_eq(r->status, 200);
    long long version = json_integer_value(json_object_get(r->json, "version"));
    ck_assert_int_eq(version, sql_int("SELECT version FROM achievements WHERE id = %lld", id));
    char etag[32];
    snprintf(etag, sizeof etag, "\"%lld\"", version);
    ck_assert_str_eq(http_header(r, "ETag"), etag);
    ck_assert_str_eq(json_string_value(json_object_get(r->json, "institution_name")),
                     "浙江工业大学");
    http_reply_free(r);
    r = call(ADMIN, "GET", "/api/v1/achievements/999999999", NULL, NULL);
    assert_problem(r, 404, "not_found");
    http_reply_free(r);
}
END_TEST

/* ---- edit */

static struct http_reply *patch(enum person who, long long id, const char *body,
                                const char *if_match)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/achievements/%lld", id);
    return call(who, "PATCH", path, body, if_match);
}

START_TEST(patch_by_owner_changes_only_given_fields_and_audits_them)
{
    long long id = create("原标题");
    struct http_reply *r = patch(INSTITUTION_A, id, "{\"title\":\"新标题\",\"maturity\":7}", NULL);
    ck_assert_msg(r->status == 200, "%ld %s", r->status, r->body);
    ck_assert_str_eq(json_string_value(json_object_get(r->json, "title")), "新标题");
    ck_assert_int_eq(json_integer_value(json_object_get(r->json, "maturity")), 7);
    ck_assert_int_eq(json_integer_value(json_object_get(r->json, "trial_months")), 12);
    ck_assert_str_eq(json_string_value(json_object_get(r->json, "payment_mode")), "installments");
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "keywords")), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(r->json, "version")), 2);
    ck_assert_str_eq(http_header(r, "ETag"), "\"2\"");
    http_reply_free(r);
    ck_assert_str_eq(sqlf("SELECT title FROM achievements WHERE id = %lld", id), "新标题");
    ck_assert_str_eq(sqlf("SELECT action FROM audit_events WHERE entity_id = %lld AND "
                          "entity = 'achievement' ORDER BY id DESC LIMIT 1",
                          id),
                     "achievement.update");
    ck_assert_str_eq(sqlf("SELECT before->>'title' || '>' || (after->>'title') || ' ' || "
                          "(after->>'maturity') || ' ' || (after ? 'abstract')::text "
                          "FROM audit_events WHERE entity_id = %lld AND entity = 'achievement' "
                          "ORDER BY id DESC LIMIT 1",
                          id),
                     "原标题>新标题 7 false");
}
END_TEST

START_TEST(patch_title_en_null_clears_it_and_empty_patch_changes_nothing)
{
    long long id = create("英文标题");
    struct http_reply *r = patch(INSTITUTION_A, id, "{\"title_en\":\"Graphene\"}", NULL);
    ck_assert_str_eq(json_string_value(json_object_get(r->json, "title_en")), "Graphene");
    http_reply_free(r);
    r = patch(INSTITUTION_A, id, "{\"title_en\":null,\"title\":null}", NULL);
    ck_assert_int_eq(r->status, 200);
    ck_assert(json_is_null(json_object_get(r->json, "title_en")));
    ck_assert_str_eq(json_string_value(json_object_get(r->json, "title")), "英文标题");
    http_reply_free(r);
    long long audits = audit_count(id);
    r = patch(INSTITUTION_A, id, "{}", NULL);
    ck_assert_int_eq(r->status, 200);
    ck_assert_int_eq(json_integer_value(json_object_get(r->json, "version")), 3);
    http_reply_free(r);
    ck_assert_int_eq(audit_count(id), audits);
}
END_TEST

START_TEST(patch_with_stale_if_match_is_412_and_changes_nothing)
{
    long long id = create("并发编辑");
    struct http_reply *r = patch(INSTITUTION_A, id, "{\"maturity\":2}", "\"1\"");
    ck_assert_int_eq(r->status, 200);
    ck_assert_str_eq(http_header(r, "ETag"), "\"2\"");
    http_reply_free(r);
    long long audits = audit_count(id);
    const char *stale[] = { "\"1\"", "W/\"2\"", "2", "\"abc\"", "\"99999999999\"" };
    for (size_t i = 0; i < sizeof stale / sizeof stale[0]; i++) {
        r = patch(INSTITUTION_A, id, "{\"maturity\":9,\"title\":\"覆盖\"}", stale[i]);
        assert_problem(r, 412, "precondition_failed");
        http_reply_free(r);
    }
    ck_assert_str_eq(sqlf("SELECT title || ' ' || maturity || ' ' || version FROM achievements "
                          "WHERE id = %lld",
                          id),
                     "并发编辑 2 2");
    ck_assert_int_eq(audit_count(id), audits);
    r = patch(INSTITUTION_A, id, "{\"maturity\":3}", "*");
    ck_assert_int_eq(r->status, 200);
    ck_assert_str_eq(http_header(r, "ETag"), "\"3\"");
    http_reply_free(r);
}
END_TEST

START_TEST(patch_by_anyone_but_its_institution_is_refused_and_changes_nothing)
{
    long long draft = achievement_in("draft");
    long long listed = achievement_in("listed");
    const struct {
        enum person who;
        long long id;
        long status;
        const char *code;
    } cases[] = {
        { ANONYMOUS, listed, 401, "unauthenticated" },
        { ENTERPRISE, listed, 403, "forbidden" },
        { INSTITUTION_B, listed, 403, "forbidden" },
        { INSTITUTION_B, draft, 404, "not_found" },
        { PROVINCE_ADMIN_ZJ, draft, 403, "forbidden" },
        { PROVINCE_ADMIN_JS, listed, 403, "forbidden" },
        { ADMIN, draft, 403, "forbidden" },
    };
    long long audits = audit_count(draft) + audit_count(listed);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct http_reply *r = patch(cases[i].who, cases[i].id, "{\"title\":\"篡改\"}", NULL);
        assert_problem(r, cases[i].status, cases[i].code);
        http_reply_free(r);
    }
    ck_assert_int_eq(atoll(sqlf("SELECT count(*) FROM achievements WHERE id IN (%lld, %lld) AND "
                                "title = '篡改'",
                                draft, listed)),
                     0);
    ck_assert_int_eq(audit_count(draft) + audit_count(listed), audits);
}
END_TEST

START_TEST(patch_of_pending_or_withdrawn_is_409)
{
    const char *statuses[] = { "pending", "withdrawn" };
    for (size_t i = 0; i < 2; i++) {
        long long id = achievement_in(statuses[i]);
        long long version = sql_int("SELECT version FROM achievements WHERE id = %lld", id);
        struct http_reply *r = patch(INSTITUTION_A, id, "{\"title\":\"不可编辑\"}", NULL);
        assert_problem(r, 409, "invalid_transition");
        http_reply_free(r);
        ck_assert_int_eq(sql_int("SELECT version FROM achievements WHERE id = %lld", id), version);
    }
}
END_TEST

START_TEST(patch_of_listed_keeps_it_listed_and_is_audited)
{
    long long id = achievement_in("listed");
    struct http_reply *r = patch(INSTITUTION_A, id, "{\"reference_fee_fen\":500000}", NULL);
    ck_assert_int_eq(r->status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(r->json, "status")), "listed");
    http_reply_free(r);
    ck_assert_str_eq(sqlf("SELECT action || ' ' || (before->>'reference_fee_fen') || '>' || "
                          "(after->>'reference_fee_fen') FROM audit_events WHERE entity_id = %lld "
                          "AND entity = 'achievement' ORDER BY id DESC LIMIT 1",
                          id),
                     "achievement.update 0>500000");
}
END_TEST

START_TEST(patch_refuses_invalid_values_and_unknown_fields)
{
    long long id = create("校验编辑");
    const struct {
        const char *body;
        long status;
        const char *field;
    } cases[] = {
        { "{\"maturity\":0}", 422, "maturity" },
        { "{\"patent_numbers\":[\"" WRONG_CHECK_DIGIT_PATENT "\"]}", 422, "patent_numbers[0]" },
        { "{\"keywords\":[\"\"]}", 422, "keywords[0]" },
        { "{\"title\":\"\"}", 422, "title" },
        { "{\"status\":\"listed\"}", 400, "status" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct http_reply *r = patch(INSTITUTION_A, id, cases[i].body, NULL);
        assert_problem(r, cases[i].status,
                       cases[i].status == 400 ? "bad_request" : "invalid_field");
        ck_assert_str_eq(error_field(r, 0), cases[i].field);
        http_reply_free(r);
    }
    ck_assert_int_eq(sql_int("SELECT version FROM achievements WHERE id = %lld", id), 1);
}
END_TEST

/* ---- workflow */

static struct http_reply *action(enum person who, long long id, const char *name, const char *body)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/achievements/%lld/%s", id, name);
    return call(who, "POST", path, body, NULL);
}

START_TEST(submit_moves_draft_and_rejected_to_pending_and_clears_the_reason)
{
    long long id = create("提交审核");
    struct http_reply *r = action(INSTITUTION_A, id, "submit", "{}");
    ck_assert_int_eq(r->status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(r->json, "status")), "pending");
    ck_assert_str_eq(http_header(r, "ETag"), "\"2\"");
    http_reply_free(r);
    assert_last_audit(id, "achievement.submit", "draft", "pending");
    act(PROVINCE_ADMIN_ZJ, id, "reject", "{\"reason\":\"缺少专利证书\"}");
    ck_assert_str_eq(sqlf("SELECT reject_reason FROM achievements WHERE id = %lld", id),
                     "缺少专利证书");
    r = action(INSTITUTION_A, id, "submit", NULL);
    ck_assert_int_eq(r->status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(r->json, "status")), "pending");
    ck_assert(json_is_null(json_object_get(r->json, "reject_reason")));
    http_reply_free(r);
    assert_last_audit(id, "achievement.submit", "rejected", "pending");
}
END_TEST

START_TEST(transition_from_the_wrong_state_is_409_and_changes_nothing)
{
    const struct {
        const char *status;
        enum person who;
        const char *action;
    } cases[] = {
        { "pending", INSTITUTION_A, "submit" },
        { "listed", INSTITUTION_A, "submit" },
        { "withdrawn", INSTITUTION_A, "submit" },
        { "draft", INSTITUTION_A, "withdraw" },
        { "pending", INSTITUTION_A, "withdraw" },
        { "withdrawn", INSTITUTION_A, "withdraw" },
        { "draft", ADMIN, "approve" },
        { "listed", ADMIN, "approve" },
        { "rejected", PROVINCE_ADMIN_ZJ, "approve" },
        { "listed", ADMIN, "reject" },
        { "draft", PROVINCE_ADMIN_ZJ, "reject" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        long long id = achievement_in(cases[i].status);
        long long audits = audit_count(id);
        struct http_reply *r = action(cases[i].who, id, cases[i].action,
                                      strcmp(cases[i].action, "reject") == 0
                                          ? "{\"reason\":\"不行\"}"
                                          : NULL);
        ck_assert_msg(r->status == 409, "%s of %s: %ld", cases[i].action, cases[i].status,
                      r->status);
        ck_assert_str_eq(problem_code(r), "invalid_transition");
        http_reply_free(r);
        ck_assert_str_eq(sqlf("SELECT status FROM achievements WHERE id = %lld", id),
                         cases[i].status);
        ck_assert_int_eq(audit_count(id), audits);
    }
}
END_TEST

START_TEST(submit_and_withdraw_only_by_its_institution)
{
    long long draft = achievement_in("draft");
    long long listed = achievement_in("listed");
    const struct {
        enum person who;
        long long id;
        const char *action;
        long status;
    } cases[] = {
        { ANONYMOUS, draft, "submit", 401 },         { ENTERPRISE, listed, "withdraw", 403 },
        { INSTITUTION_B, draft, "submit", 404 },     { INSTITUTION_B, listed, "withdraw", 403 },
        { PROVINCE_ADMIN_ZJ, draft, "submit", 403 }, { ADMIN, listed, "withdraw", 403 },
        { ANONYMOUS, listed, "withdraw", 401 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct http_reply *r = action(cases[i].who, cases[i].id, cases[i].action, NULL);
        ck_assert_msg(r->status == cases[i].status, "%s by %s: %ld %s", cases[i].action,
                      people[cases[i].who].name, r->status, r->body);
        http_reply_free(r);
    }
    ck_assert_str_eq(sqlf("SELECT status FROM achievements WHERE id = %lld", draft), "draft");
    ck_assert_str_eq(sqlf("SELECT status FROM achievements WHERE id = %lld", listed), "listed");
}
END_TEST

START_TEST(approve_by_province_admin_of_its_province_or_admin_lists_it)
{
    long long by_province = achievement_in("pending");
    struct http_reply *r = action(PROVINCE_ADMIN_ZJ, by_province, "approve", "{}");
    ck_assert_int_eq(r->status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(r->json, "status")), "listed");
    http_reply_free(r);
    assert_last_audit(by_province, "achievement.approve", "pending", "listed");
    long long by_admin = achievement_in("pending");
    act(ADMIN, by_admin, "approve", NULL);
    ck_assert_str_eq(sqlf("SELECT status FROM achievements WHERE id = %lld", by_admin), "listed");
    char path[64];
    snprintf(path, sizeof path, "/api/v1/achievements/%lld", by_admin);
    r = call(ANONYMOUS, "GET", path, NULL, NULL);
    ck_assert_int_eq(r->status, 200);
    http_reply_free(r);
}
END_TEST

START_TEST(approve_and_reject_refused_to_everyone_else)
{
    long long pending = achievement_in("pending");
    long long listed = achievement_in("listed");
    const struct {
        enum person who;
        long long id;
        const char *action;
        long status;
    } cases[] = {
        { ANONYMOUS, pending, "approve", 401 },
        { ENTERPRISE, pending, "approve", 403 },
        { INSTITUTION_A, pending, "approve", 403 },
        { INSTITUTION_B, pending, "reject", 403 },
        { PROVINCE_ADMIN_JS, pending, "approve", 404 },
        { PROVINCE_ADMIN_JS, pending, "reject", 404 },
        { PROVINCE_ADMIN_JS, listed, "approve", 403 },
        { PROVINCE_ADMIN_JS, listed, "reject", 403 },
    };
    long long audits = audit_count(pending);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct http_reply *r = action(cases[i].who, cases[i].id, cases[i].action,
                                      strcmp(cases[i].action, "reject") == 0
                                          ? "{\"reason\":\"理由\"}"
                                          : NULL);
        ck_assert_msg(r->status == cases[i].status, "%s by %s: %ld %s", cases[i].action,
                      people[cases[i].who].name, r->status, r->body);
        http_reply_free(r);
    }
    ck_assert_str_eq(sqlf("SELECT status FROM achievements WHERE id = %lld", pending), "pending");
    ck_assert_int_eq(audit_count(pending), audits);
}
END_TEST

START_TEST(reject_requires_a_reason_of_1_to_500_characters)
{
    long long id = achievement_in("pending");
    char long_reason[700];
    snprintf(long_reason, sizeof long_reason, "{\"reason\":\"%0501d\"}", 0);
    const char *bad[] = {
        NULL, "{}", "{\"reason\":\"\"}", "{\"reason\":\"  \"}", long_reason, "{\"reason\":5}"
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct http_reply *r = action(ADMIN, id, "reject", bad[i]);
        assert_problem(r, 422, "invalid_field");
        ck_assert_str_eq(error_field(r, 0), "reason");
        http_reply_free(r);
    }
    ck_assert_str_eq(sqlf("SELECT status FROM achievements WHERE id = %lld", id), "pending");
    struct http_reply *r = action(PROVINCE_ADMIN_ZJ, id, "reject", "{\"reason\":\"成熟度偏低\"}");
    ck_assert_int_eq(r->status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(r->json, "status")), "rejected");
    ck_assert_str_eq(json_string_value(json_object_get(r->json, "reject_reason")), "成熟度偏低");
    http_reply_free(r);
    assert_last_audit(id, "achievement.reject", "pending", "rejected");
    ck_assert_str_eq(sqlf("SELECT after->>'reject_reason' FROM audit_events WHERE entity_id = "
                          "%lld AND entity = 'achievement' ORDER BY id DESC LIMIT 1",
                          id),
                     "成熟度偏低");
    r = action(ADMIN, id, "approve", "{\"note\":\"x\"}");
    assert_problem(r, 400, "bad_request");
    http_reply_free(r);
}
END_TEST

START_TEST(withdraw_takes_a_listed_achievement_out_of_public_view)
{
    long long id = achievement_in("listed");
    struct http_reply *r = action(INSTITUTION_A, id, "withdraw", "{}");
    ck_assert_int_eq(r->status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(r->json, "status")), "withdrawn");
    http_reply_free(r);
    assert_last_audit(id, "achievement.withdraw", "listed", "withdrawn");
    char path[64];
    snprintf(path, sizeof path, "/api/v1/achievements/%lld", id);
    r = call(ANONYMOUS, "GET", path, NULL, NULL);
    assert_problem(r, 404, "not_found");
    http_reply_free(r);
    r = call(INSTITUTION_A, "GET", path, NULL, NULL);
    ck_assert_int_eq(r->status, 200);
    http_reply_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("achievements");
    TCase *tc = tcase_create("achievements");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, create_by_institution_is_201_draft_with_defaults_etag_and_audit);
    tcase_add_test(tc, create_takes_json_null_as_an_absent_field);
    tcase_add_test(tc, create_keeps_every_given_field);
    tcase_add_test(tc, create_by_any_other_caller_is_refused_and_inserts_nothing);
    tcase_add_test(tc, create_without_required_fields_names_each_one);
    tcase_add_test(tc, create_refuses_each_invalid_value_naming_its_field);
    tcase_add_test(tc, create_patent_number_with_wrong_check_digit_names_the_element);
    tcase_add_test(tc, create_with_unknown_field_is_400_and_bad_json_is_invalid_json);
    tcase_add_test(tc, detail_is_visible_by_status_and_caller);
    tcase_add_test(tc, detail_carries_the_version_as_etag_and_unknown_id_is_404);
    tcase_add_test(tc, patch_by_owner_changes_only_given_fields_and_audits_them);
    tcase_add_test(tc, patch_title_en_null_clears_it_and_empty_patch_changes_nothing);
    tcase_add_test(tc, patch_with_stale_if_match_is_412_and_changes_nothing);
    tcase_add_test(tc, patch_by_anyone_but_its_institution_is_refused_and_changes_nothing);
    tcase_add_test(tc, patch_of_pending_or_withdrawn_is_409);
    tcase_add_test(tc, patch_of_listed_keeps_it_listed_and_is_audited);
    tcase_add_test(tc, patch_refuses_invalid_values_and_unknown_fields);
    tcase_add_test(tc, submit_moves_draft_and_rejected_to_pending_and_clears_the_reason);
    tcase_add_test(tc, transition_from_the_wrong_state_is_409_and_changes_nothing);
    tcase_add_test(tc, submit_and_withdraw_only_by_its_institution);
    tcase_add_test(tc, approve_by_province_admin_of_its_province_or_admin_lists_it);
    tcase_add_test(tc, approve_and_reject_refused_to_everyone_else);
    tcase_add_test(tc, reject_requires_a_reason_of_1_to_500_characters);
    tcase_add_test(tc, withdraw_takes_a_listed_achievement_out_of_public_view);
    suite_add_tcase(s, tc);
    return harness_run_suite(s);
}
