/* test_stats: the administrators' statistics (summary, flows, monthly, fields) against figures
 * worked out by hand from tests/api/stats_fixture.sql — every trial state and province, the
 * inclusive Shanghai-day filters, expiry without a sweep — their agreement with each other and
 * with the trials as the lists see them, the province scoping and the refusals, also as the SQL
 * functions decide them when called straight. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "harness.h"

static char *admin_token;

static void setup(void)
{
    static const char *const env[] = { "TECHPOOL_TODAY=2026-06-15", NULL };
    harness_start("stats", env);
    fixture_stats_load();
    admin_token = harness_login(HARNESS_ADMIN_EMAIL, HARNESS_ADMIN_PASSWORD);
    if (admin_token == NULL)
        admin_token = strdup(fixture_stats_token("stats-admin"));
}

static void teardown(void)
{
    free(admin_token);
    ck_assert_int_eq(harness_stop(), 0);
}

static long long num(const json_t *object, const char *key)
{
    const json_t *value = json_object_get(object, key);
    ck_assert_msg(json_is_integer(value), "%s is not an integer", key);
    return json_integer_value(value);
}

struct summary {
    long long listed, requested, active, converted, returned, expired, declined;
    double rate; /* negative: null */
    long long licensed, paid, outstanding, compensated;
};

static void assert_summary(const char *query, const char *token, struct summary want)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/stats/summary%s", query);
    struct http_reply *r = http_get_ok(path, token);
    const json_t *s = r->json;
    ck_assert_int_eq(json_object_size(s), 22); /* 12 of 1.0, 10 of 1.1 */
    ck_assert_int_eq(num(s, "achievements_listed"), want.listed);
    ck_assert_int_eq(num(s, "trials_requested"), want.requested);
    ck_assert_int_eq(num(s, "trials_active"), want.active);
    ck_assert_int_eq(num(s, "trials_converted"), want.converted);
    ck_assert_int_eq(num(s, "trials_returned"), want.returned);
    ck_assert_int_eq(num(s, "trials_expired"), want.expired);
    ck_assert_int_eq(num(s, "trials_declined"), want.declined);
    const json_t *rate = json_object_get(s, "conversion_rate");
    if (want.rate < 0) {
        ck_assert_msg(json_is_null(rate), "%s: conversion_rate should be null", path);
    } else {
        ck_assert_msg(json_is_number(rate), "%s: conversion_rate is not a number", path);
        ck_assert_msg(fabs(json_number_value(rate) - want.rate) < 1e-12,
                      "%s: conversion_rate %.17g, expected %.17g", path, json_number_value(rate),
                      want.rate);
    }
    ck_assert_int_eq(num(s, "licensed_fen"), want.licensed);
    ck_assert_int_eq(num(s, "paid_fen"), want.paid);
    ck_assert_int_eq(num(s, "outstanding_fen"), want.outstanding);
    ck_assert_int_eq(num(s, "compensated_fen"), want.compensated);
    http_reply_free(r);
}

START_TEST(summary_counts_every_state_of_the_whole_pool)
{
    /* 12 trials: active 2 and 12; converted 4, 9, 10, 11; returned 6; expired 3 (stored active,
     * ended 2026-02-10) and 7; declined 5; licenses 100,000 + 250,000 + 80,000 + 60,000 fen,
     * paid 30,000 + 250,000 + 10,000; compensation approved on license 10 only */
    ck_assert_str_eq(harness_sql("SELECT status FROM trials WHERE id = 3"), "active");
    assert_summary("", admin_token,
                   (struct summary){ .listed = 5,
                                     .requested = 12,
                                     .active = 2,
                                     .converted = 4,
                                     .returned = 1,
                                     .expired = 2,
                                     .declined = 1,
                                     .rate = 4.0 / 7.0,
                                     .licensed = 490000,
                                     .paid = 290000,
                                     .outstanding = 200000,
                                     .compensated = 35000 });
}
END_TEST

START_TEST(summary_by_province_counts_trials_with_either_side_there)
{
    /* ZJ: institution side 1, 2, 3, 10; enterprise side 4, 7 */
    assert_summary("?province=ZJ", admin_token,
                   (struct summary){ .listed = 1,
                                     .requested = 6,
                                     .active = 1,
                                     .converted = 2,
                                     .returned = 0,
                                     .expired = 2,
                                     .declined = 0,
                                     .rate = 0.5,
                                     .licensed = 180000,
                                     .paid = 40000,
                                     .outstanding = 140000,
                                     .compensated = 35000 });
    /* SH: institution side 4, 5, 11; enterprise side 2, 5, 12 */
    assert_summary("?province=SH", admin_token,
                   (struct summary){ .listed = 1,
                                     .requested = 5,
                                     .active = 2,
                                     .converted = 2,
                                     .returned = 0,
                                     .expired = 0,
                                     .declined = 1,
                                     .rate = 1.0,
                                     .licensed = 160000,
                                     .paid = 30000,
                                     .outstanding = 130000,
                                     .compensated = 0 });
}
END_TEST

START_TEST(summary_date_range_includes_both_end_days)
{
    /* requested 2026-01-01 .. 2026-04-30 (Shanghai): 1, 2, 4, 5, 6 (23:59 on the 30th), 11 */
    assert_summary("?from=2026-01-01&to=2026-04-30", admin_token,
                   (struct summary){ .listed = 5,
                                     .requested = 6,
                                     .active = 1,
                                     .converted = 2,
                                     .returned = 1,
                                     .expired = 0,
                                     .declined = 1,
                                     .rate = 2.0 / 3.0,
                                     .licensed = 160000,
                                     .paid = 30000,
                                     .outstanding = 130000,
                                     .compensated = 0 });
}
END_TEST

START_TEST(date_filters_count_shanghai_days_at_the_edges)
{
    struct http_reply *r;
    /* trial 1: 2026-01-01 00:30 in Shanghai, 2025-12-31 in UTC */
    r = http_get_ok("/api/v1/stats/summary?from=2026-01-01&to=2026-01-01", admin_token);
    ck_assert_int_eq(num(r->json, "trials_requested"), 1);
    http_reply_free(r);
    r = http_get_ok("/api/v1/stats/summary?from=2025-12-31&to=2025-12-31", admin_token);
    ck_assert_int_eq(num(r->json, "trials_requested"), 0);
    http_reply_free(r);
    /* trial 6: 23:59 on 2026-04-30 in Shanghai */
    r = http_get_ok("/api/v1/stats/summary?from=2026-04-30&to=2026-04-30", admin_token);
    ck_assert_int_eq(num(r->json, "trials_requested"), 1);
    ck_assert_int_eq(num(r->json, "trials_returned"), 1);
    http_reply_free(r);
    r = http_get_ok("/api/v1/stats/summary?from=2026-05-01", admin_token);
    ck_assert_int_eq(num(r->json, "trials_requested"), 3); /* 8, 9, 12 */
    http_reply_free(r);
    r = http_get_ok("/api/v1/stats/summary?to=2025-12-01", admin_token);
    ck_assert_int_eq(num(r->json, "trials_requested"), 3); /* 3, 7, 10 */
    http_reply_free(r);
}
END_TEST

START_TEST(summary_of_an_empty_range_has_zeros_and_a_null_rate)
{
    assert_summary("?from=2030-01-01", admin_token, (struct summary){ .listed = 5, .rate = -1 });
}
END_TEST

static void assert_matrix(const json_t *matrix, const int want[4][4], const char *name)
{
    ck_assert_msg(json_array_size(matrix) == 4, "%s has %zu rows", name, json_array_size(matrix));
    for (size_t r = 0; r < 4; r++) {
        const json_t *row = json_array_get(matrix, r);
        ck_assert_msg(json_array_size(row) == 4, "%s row %zu has %zu cells", name, r,
                      json_array_size(row));
        for (size_t c = 0; c < 4; c++)
            ck_assert_msg(json_integer_value(json_array_get(row, c)) == want[r][c],
                          "%s[%zu][%zu] = %lld, expected %d", name, r, c,
                          json_integer_value(json_array_get(row, c)), want[r][c]);
    }
}

START_TEST(flows_rows_are_institution_provinces_and_columns_enterprise_provinces)
{
    static const int trials[4][4] = {
        { 1, 1, 1, 0 }, /* SH institution: 5 -> SH, 11 -> JS, 4 -> ZJ */
        { 1, 0, 1, 1 }, /* JS: 12 -> SH, 7 -> ZJ, 6 -> AH */
        { 1, 1, 1, 1 }, /* ZJ: 2 -> SH, 3 -> JS, 1 -> ZJ, 10 -> AH */
        { 0, 1, 0, 1 }, /* AH: 8 -> JS, 9 -> AH */
    };
    static const int conversions[4][4] = {
        { 0, 1, 1, 0 },
        { 0, 0, 0, 0 },
        { 0, 0, 0, 1 },
        { 0, 0, 0, 1 },
    };
    struct http_reply *r = http_get_ok("/api/v1/stats/flows", admin_token);
    const json_t *provinces = json_object_get(r->json, "provinces");
    ck_assert_int_eq(json_array_size(provinces), 4);
    const char *order[] = { "SH", "JS", "ZJ", "AH" };
    for (size_t i = 0; i < 4; i++)
        ck_assert_str_eq(json_string_value(json_array_get(provinces, i)), order[i]);
    assert_matrix(json_object_get(r->json, "trials"), trials, "trials");
    assert_matrix(json_object_get(r->json, "conversions"), conversions, "conversions");
    http_reply_free(r);
}
END_TEST

START_TEST(flows_by_province_keep_only_trials_touching_it)
{
    static const int trials[4][4] = {
        { 0, 0, 1, 0 },
        { 0, 0, 1, 0 },
        { 1, 1, 1, 1 },
        { 0, 0, 0, 0 },
    };
    static const int conversions[4][4] = {
        { 0, 0, 1, 0 },
        { 0, 0, 0, 0 },
        { 0, 0, 0, 1 },
        { 0, 0, 0, 0 },
    };
    struct http_reply *r = http_get_ok("/api/v1/stats/flows?province=ZJ", admin_token);
    assert_matrix(json_object_get(r->json, "trials"), trials, "trials");
    assert_matrix(json_object_get(r->json, "conversions"), conversions, "conversions");
    http_reply_free(r);
}
END_TEST

START_TEST(monthly_lists_every_month_from_first_to_last_request)
{
    static const struct {
        const char *month;
        int requested, converted;
        long long paid;
    } want[] = {
        { "2025-10", 1, 1, 10000 }, { "2025-11", 1, 0, 0 },      { "2025-12", 1, 0, 0 },
        { "2026-01", 1, 0, 0 },     { "2026-02", 2, 1, 0 },      { "2026-03", 2, 1, 30000 },
        { "2026-04", 1, 0, 0 },     { "2026-05", 1, 1, 250000 }, { "2026-06", 2, 0, 0 },
    };
    struct http_reply *r = http_get_ok("/api/v1/stats/monthly", admin_token);
    const json_t *items = json_object_get(r->json, "items");
    ck_assert_int_eq(json_array_size(items), sizeof want / sizeof want[0]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const json_t *item = json_array_get(items, i);
        ck_assert_str_eq(json_string_value(json_object_get(item, "month")), want[i].month);
        ck_assert_int_eq(num(item, "requested"), want[i].requested);
        ck_assert_int_eq(num(item, "converted"), want[i].converted);
        ck_assert_int_eq(num(item, "paid_fen"), want[i].paid);
    }
    http_reply_free(r);
}
END_TEST

START_TEST(monthly_fills_empty_months_inside_the_range)
{
    /* JS since 2026: 11 (February), 6 (April), 8 and 12 (June); March and May have none */
    const char *months[] = { "2026-02", "2026-03", "2026-04", "2026-05", "2026-06" };
    const int requested[] = { 1, 0, 1, 0, 2 };
    struct http_reply *r = http_get_ok("/api/v1/stats/monthly?province=JS&from=2026-01-01",
                                       admin_token);
    const json_t *items = json_object_get(r->json, "items");
    ck_assert_int_eq(json_array_size(items), 5);
    for (size_t i = 0; i < 5; i++) {
        const json_t *item = json_array_get(items, i);
        ck_assert_str_eq(json_string_value(json_object_get(item, "month")), months[i]);
        ck_assert_int_eq(num(item, "requested"), requested[i]);
    }
    http_reply_free(r);
    r = http_get_ok("/api/v1/stats/monthly?from=2030-01-01", admin_token);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 0);
    http_reply_free(r);
}
END_TEST

START_TEST(fields_count_listed_trials_and_conversions_per_field)
{
    static const struct {
        const char *field;
        int listed, trials, converted;
    } want[] = {
        { "integrated_circuits", 1, 4, 1 },
        { "biomedicine", 1, 3, 2 },
        { "artificial_intelligence", 1, 2, 0 },
        { "advanced_manufacturing", 0, 0, 0 },
        { "new_energy", 1, 2, 1 },
        { "new_materials", 0, 0, 0 },
        { "information_technology", 0, 0, 0 },
        { "agriculture", 1, 1, 0 },
        { "environment", 0, 0, 0 },
        { "other", 0, 0, 0 },
    };
    struct http_reply *r = http_get_ok("/api/v1/stats/fields", admin_token);
    const json_t *items = json_object_get(r->json, "items");
    ck_assert_int_eq(json_array_size(items), 10);
    for (size_t i = 0; i < 10; i++) {
        const json_t *item = json_array_get(items, i);
        ck_assert_str_eq(json_string_value(json_object_get(item, "field")), want[i].field);
        ck_assert_int_eq(num(item, "listed"), want[i].listed);
        ck_assert_int_eq(num(item, "trials"), want[i].trials);
        ck_assert_int_eq(num(item, "converted"), want[i].converted);
    }
    http_reply_free(r);
}
END_TEST

/* The sum of a number over the cells of a matrix or the items of a list. */
static long long matrix_sum(const json_t *matrix)
{
    long long sum = 0;
    for (size_t r = 0; r < json_array_size(matrix); r++)
        for (size_t c = 0; c < json_array_size(json_array_get(matrix, r)); c++)
            sum += json_integer_value(json_array_get(json_array_get(matrix, r), c));
    return sum;
}

static long long items_sum(const json_t *reply, const char *key)
{
    const json_t *items = json_object_get(reply, "items");
    long long sum = 0;
    for (size_t i = 0; i < json_array_size(items); i++)
        sum += json_integer_value(json_object_get(json_array_get(items, i), key));
    return sum;
}

START_TEST(statistics_agree_with_each_other_under_every_filter)
{
    const char *queries[] = { "", "?province=ZJ", "?province=AH", "?from=2026-01-01&to=2026-04-30",
                              "?from=2025-11-01&to=2026-03-31&province=JS" };
    for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
        char path[256];
        snprintf(path, sizeof path, "/api/v1/stats/summary%s", queries[q]);
        struct http_reply *summary = http_get_ok(path, admin_token);
        snprintf(path, sizeof path, "/api/v1/stats/flows%s", queries[q]);
        struct http_reply *flows = http_get_ok(path, admin_token);
        snprintf(path, sizeof path, "/api/v1/stats/monthly%s", queries[q]);
        struct http_reply *monthly = http_get_ok(path, admin_token);
        snprintf(path, sizeof path, "/api/v1/stats/fields%s", queries[q]);
        struct http_reply *fields = http_get_ok(path, admin_token);
        long long requested = num(summary->json, "trials_requested");
        long long converted = num(summary->json, "trials_converted");
        ck_assert_msg(matrix_sum(json_object_get(flows->json, "trials")) == requested,
                      "flows disagree with the summary for \"%s\"", queries[q]);
        ck_assert_msg(matrix_sum(json_object_get(flows->json, "conversions")) == converted,
                      "flow conversions disagree for \"%s\"", queries[q]);
        ck_assert_msg(items_sum(monthly->json, "requested") == requested,
                      "monthly disagrees for \"%s\"", queries[q]);
        ck_assert_msg(items_sum(monthly->json, "converted") == converted,
                      "monthly conversions disagree for \"%s\"", queries[q]);
        ck_assert_msg(items_sum(monthly->json, "paid_fen") == num(summary->json, "paid_fen"),
                      "monthly payments disagree for \"%s\"", queries[q]);
        ck_assert_msg(items_sum(fields->json, "trials") == requested, "fields disagree for \"%s\"",
                      queries[q]);
        ck_assert_msg(items_sum(fields->json, "converted") == converted,
                      "field conversions disagree for \"%s\"", queries[q]);
        ck_assert_msg(items_sum(fields->json, "listed") ==
                          num(summary->json, "achievements_listed"),
                      "listed achievements disagree for \"%s\"", queries[q]);
        http_reply_free(summary);
        http_reply_free(flows);
        http_reply_free(monthly);
        http_reply_free(fields);
    }
}
END_TEST

START_TEST(summary_counts_each_trial_as_the_trials_view_shows_it)
{
    /* the lists read trials_effective: count the same filter there, status by status */
    harness_sql("SET techpool.today = '2026-06-15'");
    const char *statuses[] = { "active", "converted", "returned", "expired", "declined" };
    const char *keys[] = { "trials_active", "trials_converted", "trials_returned", "trials_expired",
                           "trials_declined" };
    struct http_reply *r = http_get_ok("/api/v1/stats/summary?province=JS&from=2025-11-01",
                                       admin_token);
    for (size_t i = 0; i < 5; i++) {
        char sql[512];
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM trials_effective WHERE status = '%s' "
                 "AND tp_date(requested_at) >= '2025-11-01' "
                 "AND 'JS' IN (institution_province, enterprise_province)",
                 statuses[i]);
        long long in_view = atoll(harness_sql(sql));
        ck_assert_msg(num(r->json, keys[i]) == in_view, "%s: summary %lld, trials view %lld",
                      statuses[i], num(r->json, keys[i]), in_view);
    }
    ck_assert_int_eq(num(r->json, "trials_requested"),
                     atoll(harness_sql("SELECT count(*) FROM trials_effective "
                                       "WHERE tp_date(requested_at) >= '2025-11-01' "
                                       "AND 'JS' IN (institution_province, enterprise_province)")));
    http_reply_free(r);
}
END_TEST

START_TEST(province_admin_without_province_sees_its_own)
{
    const char *pa_zj = fixture_stats_token("stats-pa-zj");
    const char *paths[] = { "/api/v1/stats/summary", "/api/v1/stats/flows", "/api/v1/stats/monthly",
                            "/api/v1/stats/fields" };
    for (size_t i = 0; i < 4; i++) {
        char path[128];
        struct http_reply *own = http_get_ok(paths[i], pa_zj);
        snprintf(path, sizeof path, "%s?province=ZJ", paths[i]);
        struct http_reply *asked = http_get_ok(path, pa_zj);
        struct http_reply *admin = http_get_ok(path, admin_token);
        ck_assert_msg(json_equal(own->json, admin->json), "%s differs from the ZJ figures",
                      paths[i]);
        ck_assert_msg(json_equal(asked->json, admin->json), "%s?province=ZJ differs", paths[i]);
        http_reply_free(own);
        http_reply_free(asked);
        http_reply_free(admin);
    }
    assert_summary("?from=2026-01-01", fixture_stats_token("stats-pa-sh"),
                   (struct summary){ .listed = 1,
                                     .requested = 5,
                                     .active = 2,
                                     .converted = 2,
                                     .declined = 1,
                                     .rate = 1.0,
                                     .licensed = 160000,
                                     .paid = 30000,
                                     .outstanding = 130000 });
}
END_TEST

static void assert_refused(const char *path, const char *token, long status, const char *code)
{
    struct http_reply *r = http_get(path, token);
    ck_assert_msg(r != NULL, "no reply to %s", path);
    ck_assert_msg(r->status == status, "%s: %ld, expected %ld (%s)", path, r->status, status,
                  r->body);
    ck_assert_str_eq(problem_code(r), code);
    http_reply_free(r);
}

START_TEST(province_admin_asking_for_another_province_is_forbidden)
{
    const char *pa_zj = fixture_stats_token("stats-pa-zj");
    assert_refused("/api/v1/stats/summary?province=SH", pa_zj, 403, "forbidden");
    assert_refused("/api/v1/stats/flows?province=JS", pa_zj, 403, "forbidden");
    assert_refused("/api/v1/stats/monthly?province=AH", pa_zj, 403, "forbidden");
    assert_refused("/api/v1/stats/fields?province=SH&from=2026-01-01", pa_zj, 403, "forbidden");
}
END_TEST

START_TEST(staff_are_forbidden_and_anonymous_callers_unauthenticated)
{
    const char *paths[] = { "/api/v1/stats/summary", "/api/v1/stats/flows", "/api/v1/stats/monthly",
                            "/api/v1/stats/fields" };
    for (size_t i = 0; i < 4; i++) {
        assert_refused(paths[i], fixture_stats_token("stats-ent-zj"), 403, "forbidden");
        assert_refused(paths[i], fixture_stats_token("stats-inst-zj"), 403, "forbidden");
        assert_refused(paths[i], NULL, 401, "unauthenticated");
    }
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * The scope as the database decides it, asked straight, with no daemon in between: users 101 and
 * 102 are the province_admins of ZJ and SH, 103 and 104 staff of a ZJ enterprise and institution
 * (tests/api/stats_fixture.sql). */

#define ADMIN_ID "(SELECT id FROM users WHERE email = '" HARNESS_ADMIN_EMAIL "')"

static const char *const STATISTICS[] = {
    "api_stats_summary", "api_stats_flows",   "api_stats_monthly",
    "api_stats_fields",  "api_stats_regions", "api_stats_returns",
};

/* Runs sql on the test database; the SQLSTATE it failed with, "" when it ran (static buffer). */
static const char *sql_refusal(const char *sql)
{
    static char state[8];
    PGresult *res = PQexec(harness_db(), sql);
    const char *code = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    snprintf(state, sizeof state, "%s", code != NULL ? code : "");
    PQclear(res);
    return state;
}

START_TEST(statistics_in_sql_refuse_anyone_outside_the_scope)
{
    static const struct {
        const char *arguments;
        const char *state;
    } cases[] = {
        { "101, NULL, NULL, 'SH'", "TP403" },         /* another province */
        { "102, '2030-01-01', NULL, 'AH'", "TP403" }, /* also with no trial in the range */
        { "103, NULL, NULL, NULL", "TP403" },         /* enterprise staff */
        { "103, NULL, NULL, 'ZJ'", "TP403" },
        { "104, NULL, NULL, NULL", "TP403" },  /* institution staff */
        { "NULL, NULL, NULL, NULL", "TP401" }, /* no one signed in */
    };
    for (size_t f = 0; f < sizeof STATISTICS / sizeof STATISTICS[0]; f++) {
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            char sql[160];
            snprintf(sql, sizeof sql, "SELECT %s(%s)", STATISTICS[f], cases[i].arguments);
            const char *state = sql_refusal(sql);
            ck_assert_msg(strcmp(state, cases[i].state) == 0, "%s: SQLSTATE \"%s\", expected %s",
                          sql, state, cases[i].state);
        }
    }
}
END_TEST

START_TEST(statistics_in_sql_narrow_a_province_admin_to_its_own)
{
    for (size_t f = 0; f < sizeof STATISTICS / sizeof STATISTICS[0]; f++) {
        /* the same figures as an admin's for ZJ, and not those of every province */
        char sql[512];
        snprintf(sql, sizeof sql,
                 "SELECT own::text = zj::text AND own::text <> every::text "
                 "  FROM %s(101, NULL, NULL, NULL) own, %s(" ADMIN_ID ", NULL, NULL, 'ZJ') zj, "
                 "       %s(" ADMIN_ID ", NULL, NULL, NULL) every",
                 STATISTICS[f], STATISTICS[f], STATISTICS[f]);
        const char *same = harness_sql(sql);
        ck_assert_msg(same != NULL && strcmp(same, "t") == 0,
                      "%s for ZJ's province_admin is not ZJ's figures", STATISTICS[f]);
    }
}
END_TEST

START_TEST(every_statistics_and_export_function_takes_the_actor_first)
{
    static const char *const PATTERN =
        "p.pronamespace = 'public'::regnamespace "
        "AND p.proname ~ '^(api_stats_|api_export_|export_|api_audit_|stats_scope)'";
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_proc p WHERE %s", PATTERN);
    ck_assert_msg(atoi(harness_sql(sql)) >= 10, "only %s such functions", harness_sql(sql));
    snprintf(sql, sizeof sql,
             "SELECT string_agg(p.oid::regprocedure::text, ', ') FROM pg_proc p WHERE %s "
             "AND (p.pronargs = 0 OR p.proargtypes[0] <> 'bigint'::regtype "
             "     OR p.proargnames[1] IS DISTINCT FROM 'p_actor')",
             PATTERN);
    const char *without = harness_sql(sql);
    ck_assert_msg(without == NULL, "without the actor first: %s", without);
}
END_TEST

/* A 422 invalid_field whose errors name field. */
static void assert_invalid(const char *path, const char *field)
{
    struct http_reply *r = http_get(path, admin_token);
    ck_assert_msg(r->status == 422, "%s: %ld, expected 422", path, r->status);
    ck_assert_str_eq(problem_code(r), "invalid_field");
    const json_t *error = json_array_get(json_object_get(r->json, "errors"), 0);
    ck_assert_msg(error != NULL, "%s: no errors array", path);
    ck_assert_str_eq(json_string_value(json_object_get(error, "field")), field);
    http_reply_free(r);
}

START_TEST(bad_filters_are_422_naming_the_parameter)
{
    assert_invalid("/api/v1/stats/summary?from=2026-02-30", "from");
    assert_invalid("/api/v1/stats/summary?from=20260101", "from");
    assert_invalid("/api/v1/stats/flows?to=2026-13-01", "to");
    assert_invalid("/api/v1/stats/monthly?to=yesterday", "to");
    assert_invalid("/api/v1/stats/fields?province=XX", "province");
    assert_invalid("/api/v1/stats/summary?province=zj", "province");
    assert_invalid("/api/v1/stats/summary?from=2026-05-01&to=2026-04-30", "to");
    /* an empty value is no filter */
    struct http_reply *r = http_get_ok("/api/v1/stats/summary?from=&province=", admin_token);
    ck_assert_int_eq(num(r->json, "trials_requested"), 12);
    http_reply_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = tcase_create("stats");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, summary_counts_every_state_of_the_whole_pool);
    tcase_add_test(tc, summary_by_province_counts_trials_with_either_side_there);
    tcase_add_test(tc, summary_date_range_includes_both_end_days);
    tcase_add_test(tc, date_filters_count_shanghai_days_at_the_edges);
    tcase_add_test(tc, summary_of_an_empty_range_has_zeros_and_a_null_rate);
    tcase_add_test(tc, flows_rows_are_institution_provinces_and_columns_enterprise_provinces);
    tcase_add_test(tc, flows_by_province_keep_only_trials_touching_it);
    tcase_add_test(tc, monthly_lists_every_month_from_first_to_last_request);
    tcase_add_test(tc, monthly_fills_empty_months_inside_the_range);
    tcase_add_test(tc, fields_count_listed_trials_and_conversions_per_field);
    tcase_add_test(tc, statistics_agree_with_each_other_under_every_filter);
    tcase_add_test(tc, summary_counts_each_trial_as_the_trials_view_shows_it);
    tcase_add_test(tc, province_admin_without_province_sees_its_own);
    tcase_add_test(tc, province_admin_asking_for_another_province_is_forbidden);
    tcase_add_test(tc, staff_are_forbidden_and_anonymous_callers_unauthenticated);
    tcase_add_test(tc, statistics_in_sql_refuse_anyone_outside_the_scope);
    tcase_add_test(tc, statistics_in_sql_narrow_a_province_admin_to_its_own);
    tcase_add_test(tc, every_statistics_and_export_function_takes_the_actor_first);
    tcase_add_test(tc, bad_filters_are_422_naming_the_parameter);
    suite_add_tcase(s, tc);
    return harness_run_suite(s);
}
