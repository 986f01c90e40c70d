/* test_search: the pool's list over HTTP — what each caller sees, filters and their validation,
 * keyset pages that neither repeat nor skip while rows are inserted, tamper-checked cursors,
 * search (Chinese one-, two- and four-character terms, English case-insensitively, ranking),
 * and that the search statement runs on the gram index. */
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
    INSTITUTION_C,
    PROVINCE_ADMIN_ZJ,
    PROVINCE_ADMIN_JS,
    ADMIN,
    PEOPLE
};
static struct fixture_person people[PEOPLE] = {
    { .name = "anonymous" },         { .name = "enterprise" },    { .name = "institution_a" },
    { .name = "institution_b" },     { .name = "institution_c" }, { .name = "province_admin_zj" },
    { .name = "province_admin_js" }, { .name = "admin" },
};
static char institution_ids[PEOPLE][24]; /* for INSTITUTION_A..C */

#define MAX_IDS 400

/* ---- fixture: institutions A (Zhejiang), B (Jiangsu) and C (Anhui, for the paging tests), an
 * enterprise, two province admins and the bootstrap admin, each signed in. Users share the
 * bootstrap admin's password hash (and so its password). */

static void institution_sign_in(PGconn *conn, enum person who, const char *name,
                                const char *province)
{
    const char *params[] = { name, province };
    char *id = fixture_value(conn,
                             "INSERT INTO institutions (name, province, kind, contact_name) "
                             "VALUES ($1, $2, 'university', '联系人') RETURNING id",
                             2, params);
    snprintf(institution_ids[who], sizeof institution_ids[who], "%s", id);
    fixture_person(conn, &people[who], "institution", NULL, id, NULL);
    free(id);
}

static void setup_people(const char *database)
{
    harness_start(database, NULL);
    PGconn *conn = PQconnectdb(harness_conninfo());
    ck_assert_int_eq(PQstatus(conn), CONNECTION_OK);
    institution_sign_in(conn, INSTITUTION_A, "浙江工业大学", "ZJ");
    institution_sign_in(conn, INSTITUTION_B, "江苏材料研究所", "JS");
    institution_sign_in(conn, INSTITUTION_C, "安徽农业大学", "AH");
    char *e = fixture_value(conn,
                            "INSERT INTO enterprises (name, credit_code, province, "
                            "scale, contact_name) VALUES ('杭州小微科技', "
                            "'913301001234567890', 'ZJ', 'micro', '王经理') RETURNING id",
                            0, NULL);
    fixture_person(conn, &people[ENTERPRISE], "enterprise", NULL, NULL, e);
    fixture_person(conn, &people[PROVINCE_ADMIN_ZJ], "province_admin", "ZJ", NULL, NULL);
    fixture_person(conn, &people[PROVINCE_ADMIN_JS], "province_admin", "JS", NULL, NULL);
    fixture_person(conn, &people[ADMIN], "admin", NULL, NULL, NULL);
    free(e);
    PQfinish(conn);
}

static void setup(void)
{
    setup_people("achievements_search");
}

static void setup_plan(void)
{
    setup_people("achievements_plan");
}

static void teardown(void)
{
    ck_assert_int_eq(harness_stop(), 0);
}

/* ---- helpers */

static struct http_reply *get(enum person who, const char *path)
{
    return http_get(path, who == ANONYMOUS ? NULL : people[who].token);
}

static struct http_reply *post(enum person who, const char *path, const char *body)
{
    return http_post(path, who == ANONYMOUS ? NULL : people[who].token, body);
}

/* Creates an achievement of institution who with these texts (keyword and title_en may be
 * NULL; extra: more JSON members or ""), and takes it to status (draft, pending or listed). */
static long long create_in(enum person who, const char *status, const char *title,
                           const char *title_en, const char *abstract, const char *keyword,
                           const char *extra)
{
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:s}", "title", title, "abstract",
                             abstract, "field", "new_materials", "kind", "invention_patent",
                             "maturity", 5, "trial_months", 6, "payment_mode", "lump_sum");
    if (title_en != NULL)
        json_object_set_new(body, "title_en", json_string(title_en));
    if (keyword != NULL)
        json_object_set_new(body, "keywords", json_pack("[s]", keyword));
    if (extra != NULL && extra[0] != '\0') {
        json_t *more = json_loads(extra, 0, NULL);
        ck_assert_ptr_nonnull(more);
        json_object_update(body, more);
        json_decref(more);
    }
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    struct http_reply *r = post(who, "/api/v1/achievements", text);
    free(text);
    ck_assert_msg(r->status == 201, "create failed: %ld %s", r->status, r->body);
    long long id = json_integer_value(json_object_get(r->json, "id"));
    http_reply_free(r);
    char path[96];
    if (strcmp(status, "draft") != 0) {
        snprintf(path, sizeof path, "/api/v1/achievements/%lld/submit", id);
        r = post(who, path, "{}");
        ck_assert_int_eq(r->status, 200);
        http_reply_free(r);
    }
    if (strcmp(status, "listed") == 0) {
        snprintf(path, sizeof path, "/api/v1/achievements/%lld/approve", id);
        r = post(ADMIN, path, "{}");
        ck_assert_int_eq(r->status, 200);
        http_reply_free(r);
    }
    return id;
}

static long long listed(enum person who, const char *title, const char *abstract)
{
    return create_in(who, "listed", title, NULL, abstract, NULL, "");
}

struct id_list {
    long long ids[MAX_IDS];
    size_t count;
};

static bool contains(const struct id_list *list, long long id)
{
    for (size_t i = 0; i < list->count; i++)
        if (list->ids[i] == id)
            return true;
    return false;
}

/* Appends the ids of one page's items; returns its next_cursor (copied into cursor, "" when
 * null). Asserts the reply is a page. */
static void page_ids(struct http_reply *r, struct id_list *list, char *cursor, size_t size)
{
    ck_assert_msg(r->status == 200, "list failed: %ld %s", r->status, r->body);
    json_t *items = json_object_get(r->json, "items");
    ck_assert(json_is_array(items));
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) {
        ck_assert_uint_lt(list->count, MAX_IDS);
        list->ids[list->count++] = json_integer_value(json_object_get(item, "id"));
    }
    const char *next = json_string_value(json_object_get(r->json, "next_cursor"));
    ck_assert(next != NULL || json_is_null(json_object_get(r->json, "next_cursor")));
    snprintf(cursor, size, "%s", next != NULL ? next : "");
}

/* Every id of a list query (path with '?'), following next_cursor to the end. */
static void all_ids(enum person who, const char *path, struct id_list *list)
{
    list->count = 0;
    char cursor[600] = "";
    do {
        char url[1024];
        snprintf(url, sizeof url, "%s%s%s", path, cursor[0] != '\0' ? "&cursor=" : "", cursor);
        struct http_reply *r = get(who, url);
        page_ids(r, list, cursor, sizeof cursor);
        http_reply_free(r);
    } while (cursor[0] != '\0');
}

static void assert_problem_field(struct http_reply *r, long status, const char *field)
{
    ck_assert_msg(r->status == status, "expected %ld for %s, got %ld: %s", status, field, r->status,
                  r->body);
    const char *f = json_string_value(
        json_object_get(json_array_get(json_object_get(r->json, "errors"), 0), "field"));
    ck_assert_str_eq(f != NULL ? f : "", field);
}

/* ---- visibility and filters */

START_TEST(list_shows_each_caller_what_it_may_see)
{
    const char *statuses[] = { "draft", "pending", "listed" };
    long long a[3], b[3];
    for (int s = 0; s < 3; s++) {
        a[s] = create_in(INSTITUTION_A, statuses[s], "可见性A", NULL, "摘要", NULL, "");
        b[s] = create_in(INSTITUTION_B, statuses[s], "可见性B", NULL, "摘要", NULL, "");
    }
    for (int who = 0; who < PEOPLE; who++) {
        struct id_list seen;
        all_ids((enum person)who, "/api/v1/achievements?limit=100", &seen);
        for (int s = 0; s < 3; s++) {
            bool is_listed = s == 2;
            bool sees_a = is_listed || who == INSTITUTION_A || who == PROVINCE_ADMIN_ZJ ||
                          who == ADMIN;
            bool sees_b = is_listed || who == INSTITUTION_B || who == PROVINCE_ADMIN_JS ||
                          who == ADMIN;
            ck_assert_msg(contains(&seen, a[s]) == sees_a, "%s and A's %s achievement",
                          people[who].name, statuses[s]);
            ck_assert_msg(contains(&seen, b[s]) == sees_b, "%s and B's %s achievement",
                          people[who].name, statuses[s]);
        }
    }
}
END_TEST

START_TEST(status_filter_applies_within_what_the_caller_may_see)
{
    long long a_draft = create_in(INSTITUTION_A, "draft", "草稿A", NULL, "摘要", NULL, "");
    long long b_draft = create_in(INSTITUTION_B, "draft", "草稿B", NULL, "摘要", NULL, "");
    struct id_list seen;
    all_ids(ANONYMOUS, "/api/v1/achievements?status=draft", &seen);
    ck_assert_uint_eq(seen.count, 0);
    all_ids(ENTERPRISE, "/api/v1/achievements?status=pending", &seen);
    ck_assert_uint_eq(seen.count, 0);
    all_ids(PROVINCE_ADMIN_JS, "/api/v1/achievements?status=draft&limit=100", &seen);
    ck_assert(contains(&seen, b_draft) && !contains(&seen, a_draft));
    all_ids(INSTITUTION_A, "/api/v1/achievements?status=draft&limit=100", &seen);
    ck_assert(contains(&seen, a_draft) && !contains(&seen, b_draft));
    all_ids(ADMIN, "/api/v1/achievements?status=draft&limit=100", &seen);
    ck_assert(contains(&seen, a_draft) && contains(&seen, b_draft));
    struct http_reply *r = get(ADMIN, "/api/v1/achievements?status=draft&limit=100");
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(r->json, "items"), i, item)
        ck_assert_str_eq(json_string_value(json_object_get(item, "status")), "draft");
    http_reply_free(r);
}
END_TEST

START_TEST(filters_narrow_the_list_to_matching_items)
{
    long long bio = create_in(INSTITUTION_B, "listed", "筛选测试", NULL, "摘要", NULL,
                              "{\"field\":\"biomedicine\",\"kind\":\"utility_model\","
                              "\"patent_numbers\":[\"ZL202420001234.7\"]}");
    /* open-licensed by a declaration (the flag itself is read-only) */
    char declare[96];
    snprintf(declare, sizeof declare, "/api/v1/achievements/%lld/open-licenses", bio);
    struct http_reply *d = post(INSTITUTION_B, declare,
                                "{\"patent_numbers\":[\"ZL202420001234.7\"],"
                                "\"fee_kind\":\"lump_sum\",\"fee_fen\":100000,\"years\":3}");
    ck_assert_msg(d->status == 201, "declare failed: %ld %s", d->status, d->body);
    http_reply_free(d);
    const struct {
        const char *query;
        const char *member;
        const char *value;
    } cases[] = {
        { "province=JS", "province", "JS" },
        { "field=biomedicine", "field", "biomedicine" },
        { "field=biomedicine&province=JS", "field", "biomedicine" },
        { "province=JS&field=biomedicine", "province", "JS" },
        { "kind=utility_model", "kind", "utility_model" },
        { "open_license=true", "open_license", "true" },
        { "status=listed", "status", "listed" },
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char path[256];
        snprintf(path, sizeof path, "/api/v1/achievements?limit=100&%s", cases[c].query);
        struct http_reply *r = get(ANONYMOUS, path);
        ck_assert_int_eq(r->status, 200);
        bool found = false;
        size_t i;
        json_t *item;
        json_array_foreach(json_object_get(r->json, "items"), i, item) {
            json_t *v = json_object_get(item, cases[c].member);
            const char *text = json_is_boolean(v) ? (json_is_true(v) ? "true" : "false")
                                                  : json_string_value(v);
            ck_assert_msg(strcmp(text, cases[c].value) == 0, "%s gave %s", cases[c].query, text);
            found = found || json_integer_value(json_object_get(item, "id")) == bio;
        }
        ck_assert_msg(found, "%s left out the matching achievement", cases[c].query);
        http_reply_free(r);
    }
    char path[128];
    snprintf(path, sizeof path, "/api/v1/achievements?institution_id=%s&limit=100",
             institution_ids[INSTITUTION_B]);
    struct id_list seen;
    all_ids(ANONYMOUS, path, &seen);
    ck_assert(contains(&seen, bio));
    all_ids(ANONYMOUS, "/api/v1/achievements?open_license=false&field=biomedicine", &seen);
    ck_assert(!contains(&seen, bio));
    all_ids(ANONYMOUS, "/api/v1/achievements?province=ZJ&kind=technical_secret", &seen);
    ck_assert(!contains(&seen, bio));
}
END_TEST

START_TEST(invalid_list_parameters_are_422_naming_the_parameter)
{
    char q_too_long[120] = "q=";
    memset(q_too_long + 2, 'x', 101);
    q_too_long[103] = '\0';
    const struct {
        const char *query;
        const char *field;
    } cases[] = {
        { "province=SC", "province" },
        { "province=", "province" },
        { "province=zj", "province" },
        { "field=space", "field" },
        { "kind=trademark", "kind" },
        { "institution_id=0", "institution_id" },
        { "institution_id=-3", "institution_id" },
        { "institution_id=abc", "institution_id" },
        { "institution_id=012", "institution_id" },
        { "institution_id=99999999999999999999", "institution_id" },
        { "open_license=yes", "open_license" },
        { "open_license=1", "open_license" },
        { "count=yes", "count" },
        { "count=", "count" },
        { "status=archived", "status" },
        { "limit=0", "limit" },
        { "limit=101", "limit" },
        { "limit=ten", "limit" },
        { "cursor=not-a-cursor", "cursor" },
        { "q=", "q" },
        { "q=%20%20", "q" },
        { q_too_long, "q" },
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char path[300];
        snprintf(path, sizeof path, "/api/v1/achievements?%s", cases[c].query);
        struct http_reply *r = get(ANONYMOUS, path);
        assert_problem_field(r, 422, cases[c].field);
        ck_assert_str_eq(problem_code(r), "invalid_field");
        http_reply_free(r);
    }
    /* 100 characters are allowed */
    char q_longest[200];
    snprintf(q_longest, sizeof q_longest, "/api/v1/achievements?%s", q_too_long);
    q_longest[strlen(q_longest) - 1] = '\0';
    struct http_reply *r = get(ANONYMOUS, q_longest);
    ck_assert_int_eq(r->status, 200);
    http_reply_free(r);
    /* characters, not bytes: 100 Chinese characters pass, 101 do not */
    char chinese[1100] = "/api/v1/achievements?q=";
    for (int i = 0; i < 100; i++)
        strcat(chinese, "%E8%8D%AF");
    r = get(ANONYMOUS, chinese);
    ck_assert_int_eq(r->status, 200);
    http_reply_free(r);
    strcat(chinese, "%E8%8D%AF");
    r = get(ANONYMOUS, chinese);
    assert_problem_field(r, 422, "q");
    http_reply_free(r);
}
END_TEST

/* ---- pages */

/* Pages through path (a list query with its limit) as anonymous, listing new achievements of
 * institution C before each next page: the pages must hold exactly the rows that were there at
 * the start, newest first, none twice. Returns how many that was. */
static size_t assert_pages_stable_while_inserting(const char *path)
{
    struct id_list snapshot;
    all_ids(ANONYMOUS, path, &snapshot);
    for (size_t i = 1; i < snapshot.count; i++)
        ck_assert_int_lt(snapshot.ids[i], snapshot.ids[i - 1]);
    struct id_list paged = { .count = 0 };
    char cursor[600];
    struct http_reply *r = get(ANONYMOUS, path);
    page_ids(r, &paged, cursor, sizeof cursor);
    http_reply_free(r);
    while (cursor[0] != '\0') {
        for (int i = 0; i < 2; i++)
            listed(INSTITUTION_C, "翻页时新增", "新增摘要");
        char url[900];
        snprintf(url, sizeof url, "%s&cursor=%s", path, cursor);
        r = get(ANONYMOUS, url);
        page_ids(r, &paged, cursor, sizeof cursor);
        http_reply_free(r);
    }
    ck_assert_uint_eq(paged.count, snapshot.count);
    for (size_t i = 0; i < snapshot.count; i++)
        ck_assert_int_eq(paged.ids[i], snapshot.ids[i]);
    return snapshot.count;
}

START_TEST(filtered_list_pages_never_repeat_or_skip_while_rows_are_inserted)
{
    for (int i = 0; i < 25; i++)
        listed(INSTITUTION_C, "分页成果", "分页摘要");
    char path[160];
    snprintf(path, sizeof path, "/api/v1/achievements?institution_id=%s&limit=10",
             institution_ids[INSTITUTION_C]);
    ck_assert_uint_eq(assert_pages_stable_while_inserting(path), 25);
}
END_TEST

START_TEST(unfiltered_list_pages_never_repeat_or_skip_while_rows_are_inserted)
{
    for (int i = 0; i < 25; i++)
        listed(INSTITUTION_C, "分页成果", "分页摘要");
    ck_assert_uint_ge(assert_pages_stable_while_inserting("/api/v1/achievements?limit=7"), 25);
}
END_TEST

START_TEST(tampered_or_foreign_cursor_is_422)
{
    for (int i = 0; i < 3; i++)
        listed(INSTITUTION_A, "游标成果", "游标摘要");
    struct http_reply *r = get(ANONYMOUS, "/api/v1/achievements?limit=1");
    char cursor[600];
    struct id_list ids = { .count = 0 };
    page_ids(r, &ids, cursor, sizeof cursor);
    http_reply_free(r);
    ck_assert_uint_gt(strlen(cursor), 4);
    char url[900];
    cursor[2] = cursor[2] == 'A' ? 'B' : 'A';
    snprintf(url, sizeof url, "/api/v1/achievements?limit=1&cursor=%s", cursor);
    r = get(ANONYMOUS, url);
    assert_problem_field(r, 422, "cursor");
    http_reply_free(r);

    r = get(ANONYMOUS, "/api/v1/achievements?limit=1&q=%E6%B8%B8%E6%A0%87"); /* 游标 */
    ids.count = 0;
    page_ids(r, &ids, cursor, sizeof cursor);
    http_reply_free(r);
    ck_assert_uint_gt(strlen(cursor), 0);
    snprintf(url, sizeof url, "/api/v1/achievements?limit=1&cursor=%s", cursor);
    r = get(ANONYMOUS, url);
    assert_problem_field(r, 422, "cursor");
    http_reply_free(r);
}
END_TEST

/* ---- search */

/* Whether an item contains text in its title, title_en, abstract or keywords (case-sensitive;
 * callers pass what the stored text holds). */
static bool item_mentions(const json_t *item, const char *text)
{
    const char *fields[] = { "title", "title_en", "abstract" };
    for (size_t f = 0; f < 3; f++) {
        const char *v = json_string_value(json_object_get(item, fields[f]));
        if (v != NULL && strstr(v, text) != NULL)
            return true;
    }
    size_t i;
    json_t *k;
    json_array_foreach(json_object_get(item, "keywords"), i, k)
        if (strstr(json_string_value(k), text) != NULL)
            return true;
    return false;
}

/* Runs q (URL-encoded) through every page; asserts that each item mentions expected_text and
 * collects the ids. */
static void search_ids(enum person who, const char *q_encoded, const char *expected_text,
                       struct id_list *list)
{
    list->count = 0;
    char cursor[600] = "";
    do {
        char url[1024];
        snprintf(url, sizeof url, "/api/v1/achievements?limit=100&q=%s%s%s", q_encoded,
                 cursor[0] != '\0' ? "&cursor=" : "", cursor);
        struct http_reply *r = get(who, url);
        ck_assert_msg(r->status == 200, "search failed: %ld %s", r->status, r->body);
        size_t i;
        json_t *item;
        json_array_foreach(json_object_get(r->json, "items"), i, item)
            ck_assert_msg(expected_text == NULL || item_mentions(item, expected_text),
                          "item %lld does not mention %s",
                          (long long)json_integer_value(json_object_get(item, "id")),
                          expected_text);
        page_ids(r, list, cursor, sizeof cursor);
        http_reply_free(r);
    } while (cursor[0] != '\0');
}

START_TEST(one_character_chinese_query_finds_every_text_containing_it)
{
    long long in_title = listed(INSTITUTION_A, "中药有效成分提取", "提取工艺");
    long long in_abstract = listed(INSTITUTION_B, "植物提取工艺", "可用于制药行业");
    long long in_keyword = create_in(INSTITUTION_A, "listed", "缓释技术", NULL, "一种缓释技术",
                                     "药物", "");
    long long without = listed(INSTITUTION_A, "芯片散热", "散热结构");
    struct id_list found;
    search_ids(ANONYMOUS, "%E8%8D%AF", "药", &found); /* 药 */
    ck_assert(contains(&found, in_title));
    ck_assert(contains(&found, in_abstract));
    ck_assert(contains(&found, in_keyword));
    ck_assert(!contains(&found, without));
}
END_TEST

START_TEST(two_character_chinese_query_needs_both_characters_together)
{
    long long together = listed(INSTITUTION_A, "低功耗芯片设计", "设计方法");
    long long apart = listed(INSTITUTION_A, "芯材与切片工艺", "芯材切片");
    struct id_list found;
    search_ids(ANONYMOUS, "%E8%8A%AF%E7%89%87", "芯片", &found); /* 芯片 */
    ck_assert(contains(&found, together));
    ck_assert(!contains(&found, apart));
}
END_TEST

START_TEST(four_character_chinese_query_matches_the_whole_term)
{
    long long whole = listed(INSTITUTION_B, "石墨烯电池负极材料", "负极材料");
    long long spaced = listed(INSTITUTION_B, "石墨烯 电池", "两个词之间有空格");
    long long other = listed(INSTITUTION_B, "石墨烯导电薄膜", "导电薄膜");
    struct id_list found;
    search_ids(ANONYMOUS, "%E7%9F%B3%E5%A2%A8%E7%83%AF%E7%94%B5", "石墨烯电", &found);
    ck_assert(contains(&found, whole));
    ck_assert(!contains(&found, spaced));
    ck_assert(!contains(&found, other));
}
END_TEST

START_TEST(english_query_is_case_insensitive)
{
    long long en = create_in(INSTITUTION_A, "listed", "柔性传感器", "Flexible Graphene Sensor",
                             "A sensor for wearables", NULL, "");
    long long graphite = listed(INSTITUTION_A, "石墨电极", "Graphite electrodes");
    const char *queries[] = { "graphene", "GRAPHENE", "gRaPhEnE%20sEnSoR", "flexible" };
    for (size_t i = 0; i < 4; i++) {
        struct id_list found;
        search_ids(ANONYMOUS, queries[i], NULL, &found);
        ck_assert_msg(contains(&found, en), "%s missed the title_en match", queries[i]);
        ck_assert_msg(!contains(&found, graphite), "%s matched graphite", queries[i]);
    }
}
END_TEST

START_TEST(search_ranks_title_over_keyword_over_abstract_then_newest)
{
    /* 钙钛矿光伏 appears only in this test */
    long long title_old = listed(INSTITUTION_A, "钙钛矿光伏组件", "组件");
    long long abstract = listed(INSTITUTION_A, "太阳能组件", "采用钙钛矿光伏叠层");
    long long keyword = create_in(INSTITUTION_A, "listed", "叠层电池", NULL, "叠层", "钙钛矿光伏",
                                  "");
    long long title_en = create_in(INSTITUTION_A, "listed", "新型电池", "钙钛矿光伏 cells", "电池",
                                   NULL, "");
    struct id_list found;
    search_ids(ANONYMOUS, "%E9%92%99%E9%92%9B%E7%9F%BF%E5%85%89%E4%BC%8F", "钙钛矿光伏", &found);
    ck_assert_uint_eq(found.count, 4);
    ck_assert_int_eq(found.ids[0], title_en);
    ck_assert_int_eq(found.ids[1], title_old);
    ck_assert_int_eq(found.ids[2], keyword);
    ck_assert_int_eq(found.ids[3], abstract);
}
END_TEST

START_TEST(search_shows_only_what_the_caller_may_see_and_takes_filters)
{
    long long draft = create_in(INSTITUTION_A, "draft", "蓝莓花青素草稿", NULL, "草稿", NULL, "");
    long long in_zj = listed(INSTITUTION_A, "蓝莓花青素提取", "提取");
    long long in_js = listed(INSTITUTION_B, "蓝莓花青素保鲜", "保鲜");
    const char *q = "%E8%93%9D%E8%8E%93%E8%8A%B1%E9%9D%92%E7%B4%A0"; /* 蓝莓花青素 */
    struct id_list found;
    search_ids(ANONYMOUS, q, "蓝莓花青素", &found);
    ck_assert(!contains(&found, draft) && contains(&found, in_zj) && contains(&found, in_js));
    search_ids(INSTITUTION_A, q, "蓝莓花青素", &found);
    ck_assert(contains(&found, draft));
    search_ids(PROVINCE_ADMIN_JS, q, "蓝莓花青素", &found);
    ck_assert(!contains(&found, draft));
    char filtered[200];
    snprintf(filtered, sizeof filtered, "%s&province=JS", q);
    search_ids(ANONYMOUS, filtered, "蓝莓花青素", &found);
    ck_assert_uint_eq(found.count, 1);
    ck_assert_int_eq(found.ids[0], in_js);
}
END_TEST

START_TEST(search_pages_never_repeat_or_skip_while_rows_are_inserted)
{
    /* 量子点 in titles (rank 2) and abstracts (rank 0), interleaved by age */
    for (int i = 0; i < 12; i++) {
        if (i % 2 == 0)
            listed(INSTITUTION_A, "量子点显示", "显示");
        else
            listed(INSTITUTION_A, "显示材料", "含量子点的薄膜");
    }
    const char *path = "/api/v1/achievements?limit=4&q=%E9%87%8F%E5%AD%90%E7%82%B9";
    struct id_list snapshot;
    all_ids(ANONYMOUS, path, &snapshot);
    ck_assert_uint_eq(snapshot.count, 12);
    struct id_list paged = { .count = 0 };
    char cursor[600];
    struct http_reply *r = get(ANONYMOUS, path);
    page_ids(r, &paged, cursor, sizeof cursor);
    http_reply_free(r);
    while (cursor[0] != '\0') {
        /* one new row ranks before the position, one after it */
        listed(INSTITUTION_A, "量子点新标题", "新增");
        listed(INSTITUTION_A, "新增摘要", "量子点");
        char url[900];
        snprintf(url, sizeof url, "%s&cursor=%s", path, cursor);
        r = get(ANONYMOUS, url);
        page_ids(r, &paged, cursor, sizeof cursor);
        http_reply_free(r);
    }
    for (size_t i = 0; i < paged.count; i++)
        for (size_t j = i + 1; j < paged.count; j++)
            ck_assert_msg(paged.ids[i] != paged.ids[j], "id %lld repeated", paged.ids[i]);
    /* every snapshot row came, in the snapshot's order */
    size_t next = 0;
    for (size_t i = 0; i < paged.count && next < snapshot.count; i++)
        if (paged.ids[i] == snapshot.ids[next])
            next++;
    ck_assert_uint_eq(next, snapshot.count);
}
END_TEST

/* ---- orders (?sort=) and the count of matches */

/* Creates a listed achievement of institution B titled 排序成果 with fee (in fen). */
static long long listed_with_fee(long long fee)
{
    char extra[64];
    snprintf(extra, sizeof extra, "{\"reference_fee_fen\": %lld}", fee);
    return create_in(INSTITUTION_B, "listed", "排序成果", NULL, "按许可费排序", NULL, extra);
}

/* The fee of achievement id, read from the database. */
static long long fee_of(long long id)
{
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT reference_fee_fen FROM achievements WHERE id = %lld", id);
    PGresult *res = PQexec(harness_db(), sql);
    ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
    long long fee = atoll(PQgetvalue(res, 0, 0));
    PQclear(res);
    return fee;
}

/* Whether a comes before b in the order sort ("fee_asc", "fee_desc" or "newest"). */
static bool ordered(const char *sort, long long a, long long b)
{
    long long fa = fee_of(a), fb = fee_of(b);
    if (strcmp(sort, "fee_asc") == 0)
        return fa < fb || (fa == fb && a < b);
    if (strcmp(sort, "fee_desc") == 0)
        return fa > fb || (fa == fb && a > b);
    return a > b;
}

/* Pages through path (limit 2) while rows with fees before and after the position are listed
 * meanwhile: no row repeats, and the rows of a snapshot taken first all come, in their order. */
static void assert_sorted_pages_stable(const char *path, const char *sort, size_t want)
{
    struct id_list snapshot;
    all_ids(ENTERPRISE, path, &snapshot);
    ck_assert_uint_eq(snapshot.count, want);
    for (size_t i = 1; i < snapshot.count; i++)
        ck_assert_msg(ordered(sort, snapshot.ids[i - 1], snapshot.ids[i]), "%s: %lld before %lld",
                      sort, snapshot.ids[i - 1], snapshot.ids[i]);
    struct id_list paged = { .count = 0 };
    char cursor[600];
    struct http_reply *r = get(ENTERPRISE, path);
    page_ids(r, &paged, cursor, sizeof cursor);
    http_reply_free(r);
    while (cursor[0] != '\0') {
        listed_with_fee(0);
        listed_with_fee(1000000);
        char url[900];
        snprintf(url, sizeof url, "%s&cursor=%s", path, cursor);
        r = get(ENTERPRISE, url);
        page_ids(r, &paged, cursor, sizeof cursor);
        http_reply_free(r);
    }
    for (size_t i = 0; i < paged.count; i++)
        for (size_t j = i + 1; j < paged.count; j++)
            ck_assert_msg(paged.ids[i] != paged.ids[j], "%s: id %lld repeated", sort, paged.ids[i]);
    for (size_t i = 1; i < paged.count; i++)
        ck_assert_msg(ordered(sort, paged.ids[i - 1], paged.ids[i]), "%s: page order broken", sort);
    size_t next = 0;
    for (size_t i = 0; i < paged.count && next < snapshot.count; i++)
        if (paged.ids[i] == snapshot.ids[next])
            next++;
    ck_assert_msg(next == snapshot.count, "%s: a row of the snapshot was skipped", sort);
}

START_TEST(each_order_pages_without_repeating_or_skipping)
{
    /* fees with ties, so that the order also falls back on the id */
    const long long fees[] = { 50000, 10000, 30000, 10000, 90000, 30000, 20000 };
    for (size_t i = 0; i < sizeof fees / sizeof fees[0]; i++)
        listed_with_fee(fees[i]);
    const char *sorts[] = { "fee_asc", "fee_desc", "newest" };
    for (size_t i = 0; i < 3; i++) {
        char path[200];
        /* each order with q, and the fee orders without (q 排序 = %E6%8E%92%E5%BA%8F) */
        harness_sql("UPDATE achievements SET status = 'withdrawn' "
                    "WHERE title = '排序成果' AND reference_fee_fen IN (0, 1000000)");
        snprintf(path, sizeof path,
                 "/api/v1/achievements?q=%%E6%%8E%%92%%E5%%BA%%8F&sort=%s&limit=2", sorts[i]);
        assert_sorted_pages_stable(path, sorts[i], 7);
        harness_sql("UPDATE achievements SET status = 'withdrawn' "
                    "WHERE title = '排序成果' AND reference_fee_fen IN (0, 1000000)");
        snprintf(path, sizeof path, "/api/v1/achievements?institution_id=%s&sort=%s&limit=2",
                 institution_ids[INSTITUTION_B], sorts[i]);
        /* with what other tests listed of institution B */
        char count[160];
        snprintf(
            count, sizeof count,
            "SELECT count(*) FROM achievements WHERE institution_id = %s AND status = 'listed'",
            institution_ids[INSTITUTION_B]);
        PGresult *res = PQexec(harness_db(), count);
        ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
        size_t want = (size_t)atoll(PQgetvalue(res, 0, 0));
        PQclear(res);
        ck_assert_uint_ge(want, 7);
        assert_sorted_pages_stable(path, sorts[i], want);
    }
}
END_TEST

START_TEST(list_and_search_count_what_they_show)
{
    for (int i = 0; i < 3; i++)
        listed(INSTITUTION_C, "计数成果", "计数摘要");
    create_in(INSTITUTION_C, "draft", "计数成果", NULL, "草稿", NULL, "");
    const char *sorts[] = { "", "&sort=relevance", "&sort=newest", "&sort=fee_asc" };
    for (size_t i = 0; i < 4; i++) {
        char path[200];
        /* 计数 = %E8%AE%A1%E6%95%B0; a page of one still counts all three */
        snprintf(path, sizeof path,
                 "/api/v1/achievements?q=%%E8%%AE%%A1%%E6%%95%%B0&limit=1&count=true%s", sorts[i]);
        struct http_reply *r = get(ANONYMOUS, path);
        ck_assert_int_eq(r->status, 200);
        ck_assert_int_eq(json_integer_value(json_object_get(r->json, "total")), 3);
        ck_assert(json_is_false(json_object_get(r->json, "total_capped")));
        http_reply_free(r);
        /* the institution also sees its draft */
        r = get(INSTITUTION_C, path);
        ck_assert_int_eq(json_integer_value(json_object_get(r->json, "total")), 4);
        http_reply_free(r);
    }
    char path[160];
    snprintf(path, sizeof path,
             "/api/v1/achievements?institution_id=%s&status=draft&limit=1&count=true",
             institution_ids[INSTITUTION_C]);
    struct http_reply *r = get(INSTITUTION_C, path);
    ck_assert_int_eq(json_integer_value(json_object_get(r->json, "total")), 1);
    http_reply_free(r);
    /* without ?count=true nothing is counted */
    r = get(INSTITUTION_C, "/api/v1/achievements?q=%E8%AE%A1%E6%95%B0&limit=1");
    ck_assert_int_eq(r->status, 200);
    ck_assert_ptr_null(json_object_get(r->json, "total"));
    http_reply_free(r);
}
END_TEST

START_TEST(bad_sort_and_a_cursor_of_another_order_are_422)
{
    for (int i = 0; i < 3; i++)
        listed_with_fee(100 * (i + 1));
    struct http_reply *r = get(ANONYMOUS, "/api/v1/achievements?sort=cheapest");
    assert_problem_field(r, 422, "sort");
    http_reply_free(r);
    r = get(ANONYMOUS, "/api/v1/achievements?sort=relevance");
    assert_problem_field(r, 422, "sort");
    http_reply_free(r);
    r = get(ANONYMOUS, "/api/v1/achievements?sort=fee_asc&limit=1");
    char cursor[600];
    struct id_list ids = { .count = 0 };
    page_ids(r, &ids, cursor, sizeof cursor);
    http_reply_free(r);
    ck_assert_uint_gt(strlen(cursor), 0);
    const char *others[] = { "fee_desc", "newest" };
    for (size_t i = 0; i < 2; i++) {
        char url[900];
        snprintf(url, sizeof url, "/api/v1/achievements?sort=%s&limit=1&cursor=%s", others[i],
                 cursor);
        r = get(ANONYMOUS, url);
        assert_problem_field(r, 422, "cursor");
        http_reply_free(r);
    }
}
END_TEST

START_TEST(replies_carry_the_institutions_english_name_and_contact)
{
    long long id = listed(INSTITUTION_B, "英文名成果", "摘要");
    char sql[160];
    snprintf(sql, sizeof sql,
             "UPDATE institutions SET name_en = 'Jiangsu Materials Institute' WHERE id = %s",
             institution_ids[INSTITUTION_B]);
    harness_sql(sql);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/achievements/%lld", id);
    struct http_reply *r = get(ENTERPRISE, path);
    ck_assert_int_eq(r->status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(r->json, "institution_name")),
                     "江苏材料研究所");
    ck_assert_str_eq(json_string_value(json_object_get(r->json, "institution_name_en")),
                     "Jiangsu Materials Institute");
    ck_assert_str_eq(json_string_value(json_object_get(r->json, "institution_contact_name")),
                     "联系人");
    http_reply_free(r);
    /* list items too; an institution without an English name has null */
    r = get(ENTERPRISE, "/api/v1/achievements?limit=100");
    size_t i;
    json_t *item;
    bool seen = false;
    json_array_foreach(json_object_get(r->json, "items"), i, item) {
        long long institution = json_integer_value(json_object_get(item, "institution_id"));
        if (institution == atoll(institution_ids[INSTITUTION_A]))
            ck_assert(json_is_null(json_object_get(item, "institution_name_en")));
        if (json_integer_value(json_object_get(item, "id")) == id) {
            seen = true;
            ck_assert_str_eq(json_string_value(json_object_get(item, "institution_name_en")),
                             "Jiangsu Materials Institute");
        }
    }
    ck_assert(seen);
    http_reply_free(r);
}
END_TEST

/* ---- the plan of the search statement */

/* Runs the statement in a transaction of its own and returns how many achievement rows it read:
 * rows from sequential scans and fetched through any index, as pg_stat_xact_user_tables counts
 * them before and after it (the counts may still hold earlier transactions' until they are
 * reported, which happens only between transactions). */
static long long rows_read_by(const char *statement)
{
    static const char count[] = "SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) "
                                "FROM pg_stat_xact_user_tables WHERE relname = 'achievements'";
    harness_sql("BEGIN");
    long long before = atoll(harness_sql(count));
    harness_sql(statement);
    long long rows = atoll(harness_sql(count)) - before;
    harness_sql("ROLLBACK");
    return rows;
}

/* The rows the search function of the endpoint (achievements_list.c) reads for the term: first
 * page of 20, anonymous. */
static long long rows_read_by_search(const char *term)
{
    char search[400];
    snprintf(search, sizeof search,
             "SELECT items FROM api_achievements_search(NULL, '%s', NULL, NULL, NULL, NULL, "
             "NULL, NULL, 20, NULL, NULL)",
             term);
    return rows_read_by(search);
}

/* The rows the visitors' list (achievements_list.c, statement achievements_list_browsed) reads
 * for a page of 20 by province and field (either may be NULL) below the position after ("NULL":
 * the first page). */
static long long rows_read_by_browse(const char *province, const char *field, const char *after)
{
    char browse[300];
    snprintf(browse, sizeof browse,
             "SELECT items FROM api_achievements_browse(NULL, %s, %s, 20, %s)", province, field,
             after);
    return rows_read_by(browse);
}

/* After a vacuum (as autovacuum would), more than min_matches abstracts hold term and a
 * visitor's first page of it reads fewer than max_rows achievement rows. */
static void search_reads_fewer_than(const char *term, int min_matches, long long max_rows)
{
    harness_sql("VACUUM ANALYZE achievements");
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM achievements WHERE abstract LIKE '%%%s%%'",
             term);
    int matches = atoi(harness_sql(sql));
    ck_assert_int_gt(matches, min_matches);
    long long rows = rows_read_by_search(term);
    ck_assert_msg(rows < max_rows, "a search for a term in %d achievements read %lld rows", matches,
                  rows);
}

START_TEST(a_first_page_reads_a_page_not_every_hit)
{
    char sql[1200];
    snprintf(
        sql, sizeof sql,
        "INSERT INTO achievements (institution_id, province, title, abstract, field, kind, "
        "keywords, maturity, trial_months, payment_mode) "
        "SELECT %s, 'ZJ', '新材料研究' || g, "
        "'一种复合材料的制备方法与应用，涉及多种工艺。' || "
        "CASE WHEN g %% 100 = 0 THEN '用于芯片封装。' ELSE '用于建筑。' END || ' sample ' || g, "
        "'new_materials', 'invention_patent', ARRAY['材料'], 5, 6, 'lump_sum' "
        "FROM generate_series(1, 5000) g",
        institution_ids[INSTITUTION_A]);
    harness_sql(sql);
    harness_sql("UPDATE achievements SET status = 'pending'");
    harness_sql("UPDATE achievements SET status = 'listed'");
    harness_sql("ANALYZE achievements");

    /* 材料 is in every title and keyword list: the first page walks the newest few */
    long long common = rows_read_by_search("材料");
    ck_assert_msg(common < 300, "a term in all 5,000 achievements read %lld rows", common);
    /* 芯片 is in 50 abstracts: the page is collected from the gram index, not walked */
    long long rare = rows_read_by_search("芯片");
    ck_assert_msg(rare < 300, "a term in 50 achievements read %lld rows", rare);

    /* and the endpoint finds exactly the 50 rows that mention it */
    struct http_reply *r = get(ANONYMOUS, "/api/v1/achievements?q=%E8%8A%AF%E7%89%87&limit=100");
    ck_assert_int_eq(r->status, 200);
    ck_assert_uint_eq(json_array_size(json_object_get(r->json, "items")), 50);
    ck_assert(json_is_null(json_object_get(r->json, "next_cursor")));
    http_reply_free(r);
}
END_TEST

START_TEST(count_of_a_large_pool_stops_at_1000)
{
    char sql[600];
    snprintf(sql, sizeof sql,
             "INSERT INTO achievements (institution_id, province, title, abstract, field, kind, "
             "maturity, trial_months, payment_mode) "
             "SELECT %s, 'AH', '大量成果' || g, '摘要', 'agriculture', 'invention_patent', 5, 6, "
             "'lump_sum' FROM generate_series(1, 1001) g",
             institution_ids[INSTITUTION_C]);
    harness_sql(sql);
    harness_sql("UPDATE achievements SET status = 'pending' WHERE status = 'draft'");
    harness_sql("UPDATE achievements SET status = 'listed' WHERE status = 'pending'");
    struct http_reply *r = get(ENTERPRISE, "/api/v1/achievements?province=AH&limit=1&count=true");
    ck_assert_int_eq(r->status, 200);
    ck_assert_int_eq(json_integer_value(json_object_get(r->json, "total")), 1000);
    ck_assert(json_is_true(json_object_get(r->json, "total_capped")));
    http_reply_free(r);
    /* 大量成果100, 大量成果1000 and 大量成果1001: below the cap the count is exact */
    r = get(ENTERPRISE,
            "/api/v1/achievements?q=%E5%A4%A7%E9%87%8F%E6%88%90%E6%9E%9C100&limit=1&count=true");
    ck_assert_int_eq(json_integer_value(json_object_get(r->json, "total")), 3);
    ck_assert(json_is_false(json_object_get(r->json, "total_capped")));
    /* the next pages do not count again: the first page said how many there are */
    const char *cursor = json_string_value(json_object_get(r->json, "next_cursor"));
    ck_assert_ptr_nonnull(cursor);
    char next[600];
    snprintf(next, sizeof next,
             "/api/v1/achievements?q=%%E5%%A4%%A7%%E9%%87%%8F%%E6%%88%%90%%E6%%9E%%9C100&limit=1"
             "&count=true&cursor=%s",
             cursor);
    struct http_reply *page2 = get(ENTERPRISE, next);
    ck_assert_int_eq(page2->status, 200);
    ck_assert_uint_eq(json_array_size(json_object_get(page2->json, "items")), 1);
    ck_assert_ptr_null(json_object_get(page2->json, "total"));
    ck_assert_ptr_null(json_object_get(page2->json, "total_capped"));
    http_reply_free(page2);
    http_reply_free(r);
}
END_TEST

/* Unlisted achievements at the newest end (an institution's import waiting for review) are not
 * read by the visitors' list, on its first page or further down: 3,000 drafts on top of the
 * 6,000 listed achievements the tests above made (5,000 in ZJ, 1,001 in AH). */
START_TEST(the_visitors_list_steps_over_unlisted_achievements)
{
    char sql[600];
    snprintf(sql, sizeof sql,
             "INSERT INTO achievements (institution_id, province, title, abstract, field, kind, "
             "maturity, trial_months, payment_mode) "
             "SELECT %s, 'ZJ', '待审成果' || g, '摘要', 'new_materials', 'invention_patent', 5, "
             "6, 'lump_sum' FROM generate_series(1, 3000) g",
             institution_ids[INSTITUTION_A]);
    harness_sql(sql);
    /* as autovacuum would: the visibility map lets a page be read from an index alone */
    harness_sql("VACUUM ANALYZE achievements");
    const char *middle = harness_sql("SELECT id FROM achievements WHERE status = 'listed' "
                                     "AND province = 'ZJ' ORDER BY id OFFSET 2500 LIMIT 1");
    char after[32];
    snprintf(after, sizeof after, "%s", middle);
    const struct {
        const char *province, *field, *after;
    } pages[] = {
        { "NULL", "NULL", "NULL" }, { "'ZJ'", "NULL", "NULL" },
        { "'AH'", "NULL", "NULL" }, { "'ZJ'", "'new_materials'", "NULL" },
        { "'ZJ'", "NULL", after },  { "NULL", "'new_materials'", after },
    };
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        long long rows = rows_read_by_browse(pages[i].province, pages[i].field, pages[i].after);
        ck_assert_msg(rows < 200, "a page by %s, %s after %s read %lld rows", pages[i].province,
                      pages[i].field, pages[i].after, rows);
    }
}
END_TEST

/* A visitor's search starts among the listed achievements. Its first window of the newest ids
 * used to start at the newest of all, where new drafts wait for review: it held nothing a visitor
 * may see, and every match below it was read. 光伏 is put in every 25th listed abstract, under the
 * 3,000 drafts of the test before. */
START_TEST(a_visitors_search_steps_over_unlisted_achievements)
{
    harness_sql("UPDATE achievements SET abstract = abstract || '，用于光伏组件。' "
                "WHERE status = 'listed' AND id % 25 = 0");
    search_reads_fewer_than("光伏", 200, 150);
    /* and the page is the newest 20 of them */
    struct http_reply *r = get(ANONYMOUS, "/api/v1/achievements?q=%E5%85%89%E4%BC%8F");
    ck_assert_int_eq(r->status, 200);
    json_t *items = json_object_get(r->json, "items");
    ck_assert_uint_eq(json_array_size(items), 20);
    ck_assert_int_eq(atoll(harness_sql("SELECT max(id) FROM achievements"
                                       " WHERE abstract LIKE '%光伏%'")),
                     json_integer_value(json_object_get(json_array_get(items, 0), "id")));
    http_reply_free(r);
}
END_TEST

/* A term held by many achievements is walked newest first; when the walk finds few of them (the
 * term is rare among the newest and common further down), what it found sizes windows below it,
 * instead of every match below being read for the rest of the page. 氮化镓 in every 40th of the
 * newest 3,000 listed abstracts and every 2nd below them. */
START_TEST(a_walk_that_finds_few_hits_reads_below_it_by_their_density)
{
    harness_sql("WITH listed AS (SELECT id, row_number() OVER (ORDER BY id DESC) AS n "
                "FROM achievements WHERE status = 'listed') "
                "UPDATE achievements a SET abstract = a.abstract || '，氮化镓涂层。' FROM listed l "
                "WHERE a.id = l.id AND CASE WHEN l.n <= 3000 THEN l.n % 40 = 0 "
                "ELSE l.n % 2 = 0 END");
    search_reads_fewer_than("氮化镓", 1000, 700);
    /* and the first two pages are the newest 40 of them */
    struct http_reply *r = get(ANONYMOUS,
                               "/api/v1/achievements?q=%E6%B0%AE%E5%8C%96%E9%95%93&limit=40");
    ck_assert_int_eq(r->status, 200);
    json_t *items = json_object_get(r->json, "items");
    ck_assert_uint_eq(json_array_size(items), 40);
    const char *newest = harness_sql("SELECT string_agg(id::text, ',' ORDER BY id DESC) FROM "
                                     "(SELECT id FROM achievements WHERE abstract LIKE "
                                     "'%氮化镓%' ORDER BY id DESC LIMIT 40) n");
    char got[1024] = "";
    for (size_t i = 0; i < json_array_size(items); i++) {
        size_t used = strlen(got);
        snprintf(got + used, sizeof got - used, "%s%lld", i ? "," : "",
                 (long long)json_integer_value(json_object_get(json_array_get(items, i), "id")));
    }
    ck_assert_str_eq(got, newest);
    http_reply_free(r);
}
END_TEST

/* The gram indexes keep no pending list for searches to scan once a write is done: what an
 * achievement's creation, review or edit adds is merged by the statement that wrote it. */
static int pending_gram_pages(void)
{
    return atoi(harness_sql("SELECT sum((pgstatginindex(i)).pending_pages) FROM unnest(ARRAY["
                            "'achievements_title_grams', 'achievements_keyword_grams', "
                            "'achievements_search_grams']::regclass[]) AS i"));
}

START_TEST(a_write_leaves_no_gram_entries_pending)
{
    harness_sql("CREATE EXTENSION IF NOT EXISTS pgstattuple");
    long long id = create_in(INSTITUTION_A, "listed", "待合并的成果", NULL,
                             "一种待合并词条的测试方法。", "合并", "");
    ck_assert_int_eq(pending_gram_pages(), 0);
    char sql[200];
    snprintf(sql, sizeof sql,
             "UPDATE achievements SET abstract = abstract || '再次修改。' "
             "WHERE id = %lld",
             id);
    harness_sql(sql);
    ck_assert_int_eq(pending_gram_pages(), 0);
    harness_sql("UPDATE achievements SET title = title || '（修订）' WHERE id IN "
                "(SELECT id FROM achievements ORDER BY id DESC LIMIT 200)");
    ck_assert_int_eq(pending_gram_pages(), 0);
    /* and the search finds the rows as written */
    struct http_reply *r = get(ANONYMOUS, "/api/v1/achievements?q=%E5%86%8D%E6%AC%A1%E4%BF%AE"
                                          "%E6%94%B9");
    ck_assert_int_eq(r->status, 200);
    json_t *items = json_object_get(r->json, "items");
    ck_assert_uint_eq(json_array_size(items), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(items, 0), "id")), id);
    http_reply_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("search");
    TCase *tc = tcase_create("list and search");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, list_shows_each_caller_what_it_may_see);
    tcase_add_test(tc, status_filter_applies_within_what_the_caller_may_see);
    tcase_add_test(tc, filters_narrow_the_list_to_matching_items);
    tcase_add_test(tc, invalid_list_parameters_are_422_naming_the_parameter);
    tcase_add_test(tc, filtered_list_pages_never_repeat_or_skip_while_rows_are_inserted);
    tcase_add_test(tc, unfiltered_list_pages_never_repeat_or_skip_while_rows_are_inserted);
    tcase_add_test(tc, tampered_or_foreign_cursor_is_422);
    tcase_add_test(tc, one_character_chinese_query_finds_every_text_containing_it);
    tcase_add_test(tc, two_character_chinese_query_needs_both_characters_together);
    tcase_add_test(tc, four_character_chinese_query_matches_the_whole_term);
    tcase_add_test(tc, english_query_is_case_insensitive);
    tcase_add_test(tc, search_ranks_title_over_keyword_over_abstract_then_newest);
    tcase_add_test(tc, search_shows_only_what_the_caller_may_see_and_takes_filters);
    tcase_add_test(tc, search_pages_never_repeat_or_skip_while_rows_are_inserted);
    tcase_add_test(tc, each_order_pages_without_repeating_or_skipping);
    tcase_add_test(tc, list_and_search_count_what_they_show);
    tcase_add_test(tc, bad_sort_and_a_cursor_of_another_order_are_422);
    tcase_add_test(tc, replies_carry_the_institutions_english_name_and_contact);
    suite_add_tcase(s, tc);
    TCase *plan = tcase_create("plan");
    tcase_add_unchecked_fixture(plan, setup_plan, teardown);
    tcase_set_timeout(plan, 300);
    tcase_add_test(plan, a_first_page_reads_a_page_not_every_hit);
    tcase_add_test(plan, count_of_a_large_pool_stops_at_1000);
    tcase_add_test(plan, the_visitors_list_steps_over_unlisted_achievements);
    tcase_add_test(plan, a_visitors_search_steps_over_unlisted_achievements);
    tcase_add_test(plan, a_walk_that_finds_few_hits_reads_below_it_by_their_density);
    tcase_add_test(plan, a_write_leaves_no_gram_entries_pending);
    suite_add_tcase(s, plan);
    return harness_run_suite(s);
}
