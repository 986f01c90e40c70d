/* test_stats_upward: the figures provinces report upward — the summary's served enterprises,
 * active institutions, signed licenses and median days, the money in the flows, the enterprises'
 * cities and the reasons for returns — against figures worked out by hand from
 * tests/api/stats_fixture.sql, the medians also against the fixture's rows read back and
 * computed here, and the province scoping of every new statistic. */
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
    harness_start("stats_upward", env);
    fixture_stats_load();
    admin_token = harness_login(HARNESS_ADMIN_EMAIL, HARNESS_ADMIN_PASSWORD);
    ck_assert_ptr_nonnull(admin_token);
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

static double real(const json_t *object, const char *key)
{
    const json_t *value = json_object_get(object, key);
    ck_assert_msg(json_is_number(value), "%s is not a number", key);
    return json_number_value(value);
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of the numbers that one column of sql returns (computed here, not by SQL). */
static double median_of(const char *sql)
{
    PGresult *res = PQexec(harness_db(), sql);
    ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s", PQerrorMessage(harness_db()));
    int n = PQntuples(res);
    ck_assert_int_gt(n, 0);
    double *values = calloc((size_t)n, sizeof *values);
    ck_assert_ptr_nonnull(values);
    for (int i = 0; i < n; i++)
        values[i] = atof(PQgetvalue(res, i, 0));
    PQclear(res);
    qsort(values, (size_t)n, sizeof *values, compare_doubles);
    double median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    free(values);
    return median;
}

struct upward {
    long long served, institutions, licenses;
    double decision_days, conversion_days;
};

static void assert_upward(const char *query, const char *token, struct upward want)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/stats/summary%s", query);
    struct http_reply *r = http_get_ok(path, token);
    ck_assert_int_eq(num(r->json, "enterprises_served"), want.served);
    ck_assert_int_eq(num(r->json, "institutions_active"), want.institutions);
    ck_assert_int_eq(num(r->json, "licenses_signed"), want.licenses);
    ck_assert_msg(fabs(real(r->json, "median_days_to_decision") - want.decision_days) < 1e-9,
                  "%s: median_days_to_decision %g, expected %g", path,
                  real(r->json, "median_days_to_decision"), want.decision_days);
    ck_assert_msg(fabs(real(r->json, "median_days_to_conversion") - want.conversion_days) < 1e-9,
                  "%s: median_days_to_conversion %g, expected %g", path,
                  real(r->json, "median_days_to_conversion"), want.conversion_days);
    http_reply_free(r);
}

START_TEST(summary_reports_served_enterprises_institutions_licenses_and_medians)
{
    /* approved trials 2, 3, 4, 6, 7, 9, 10, 11, 12 come from all four enterprises; listed
     * achievements belong to all four institutions; licenses 4, 9, 10, 11. Days to a decision:
     * 2, 5, 1, 1 (declined 5), 2, 1, 1, 1, 1, 0 -> median 1; to conversion: 16, 14, 41, 45 ->
     * median 28.5 */
    assert_upward("", admin_token, (struct upward){ 4, 4, 4, 1.0, 28.5 });
    /* ZJ: trials 1, 2, 3, 10 and 4, 7: four enterprises, one institution, licenses 4 and 10;
     * decisions 2, 5, 1, 1, 1; conversions 16, 41 */
    assert_upward("?province=ZJ", admin_token, (struct upward){ 4, 1, 2, 1.0, 28.5 });
    /* the medians again, computed here from the rows themselves */
    ck_assert(
        fabs(median_of("SELECT coalesce(started_on, tp_date(closed_at)) - tp_date(requested_at)"
                       " FROM trials WHERE started_on IS NOT NULL OR status = 'declined'") -
             1.0) < 1e-9);
    ck_assert(fabs(median_of("SELECT tp_date(l.signed_at) - t.started_on FROM trials t"
                             " JOIN licenses l ON l.id = t.license_id") -
                   28.5) < 1e-9);
    /* nothing to measure: null medians, zero counts */
    struct http_reply *r = http_get_ok("/api/v1/stats/summary?from=2020-01-01&to=2020-12-31",
                                       admin_token);
    ck_assert(json_is_null(json_object_get(r->json, "median_days_to_decision")));
    ck_assert(json_is_null(json_object_get(r->json, "median_days_to_conversion")));
    ck_assert_int_eq(num(r->json, "enterprises_served"), 0);
    ck_assert_int_eq(num(r->json, "licenses_signed"), 0);
    http_reply_free(r);
}
END_TEST

static void assert_matrix(const json_t *matrix, const long long want[4][4], const char *name)
{
    ck_assert_msg(json_array_size(matrix) == 4, "%s has %zu rows", name, json_array_size(matrix));
    for (size_t row = 0; row < 4; row++)
        for (size_t column = 0; column < 4; column++)
            ck_assert_msg(json_integer_value(json_array_get(json_array_get(matrix, row), column)) ==
                              want[row][column],
                          "%s[%zu][%zu] = %lld, expected %lld", name, row, column,
                          json_integer_value(json_array_get(json_array_get(matrix, row), column)),
                          want[row][column]);
}

START_TEST(flows_carry_the_money_between_provinces)
{
    /* licenses: 4 SH -> ZJ 100,000 (30,000 paid), 11 SH -> JS 60,000, 10 ZJ -> AH 80,000
     * (10,000 paid), 9 AH -> AH 250,000 (paid) */
    static const long long licensed[4][4] = {
        { 0, 60000, 100000, 0 },
        { 0, 0, 0, 0 },
        { 0, 0, 0, 80000 },
        { 0, 0, 0, 250000 },
    };
    static const long long paid[4][4] = {
        { 0, 0, 30000, 0 },
        { 0, 0, 0, 0 },
        { 0, 0, 0, 10000 },
        { 0, 0, 0, 250000 },
    };
    struct http_reply *r = http_get_ok("/api/v1/stats/flows", admin_token);
    assert_matrix(json_object_get(r->json, "licensed_fen"), licensed, "licensed_fen");
    assert_matrix(json_object_get(r->json, "paid_fen"), paid, "paid_fen");
    http_reply_free(r);
}
END_TEST

struct region {
    const char *division, *name, *province;
    long long enterprises, trials, converted, licensed;
};

static void assert_regions(const char *query, const char *token, const struct region *want,
                           size_t count)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/stats/regions%s", query);
    struct http_reply *r = http_get_ok(path, token);
    const json_t *items = json_object_get(r->json, "items");
    ck_assert_msg(json_array_size(items) == count, "%s: %zu cities, expected %zu: %s", path,
                  json_array_size(items), count, r->body);
    for (size_t i = 0; i < count; i++) {
        const json_t *item = json_array_get(items, i);
        ck_assert_str_eq(json_string_value(json_object_get(item, "division")), want[i].division);
        if (want[i].name == NULL)
            ck_assert(json_is_null(json_object_get(item, "name")));
        else
            ck_assert_str_eq(json_string_value(json_object_get(item, "name")), want[i].name);
        ck_assert_str_eq(json_string_value(json_object_get(item, "province")), want[i].province);
        ck_assert_int_eq(num(item, "enterprises"), want[i].enterprises);
        ck_assert_int_eq(num(item, "trials"), want[i].trials);
        ck_assert_int_eq(num(item, "converted"), want[i].converted);
        ck_assert_int_eq(num(item, "licensed_fen"), want[i].licensed);
    }
    http_reply_free(r);
}

START_TEST(regions_count_by_the_enterprise_city)
{
    /* enterprise 1 is registered at 310000 (Shanghai, no prefecture city), 2 in Suzhou (3205),
     * 3 in Hangzhou (3301), 4 in Hefei (3401); three trials each */
    static const struct region all[] = {
        { "3100", NULL, "SH", 1, 3, 0, 0 },
        { "3205", "苏州市", "JS", 1, 3, 1, 60000 },
        { "3301", "杭州市", "ZJ", 1, 3, 1, 100000 },
        { "3401", "合肥市", "AH", 1, 3, 2, 330000 },
    };
    assert_regions("", admin_token, all, 4);
    /* ZJ's trials: Hangzhou's 1, 4, 7 and one each of the others */
    static const struct region zj[] = {
        { "3301", "杭州市", "ZJ", 1, 3, 1, 100000 },
        { "3100", NULL, "SH", 1, 1, 0, 0 },
        { "3205", "苏州市", "JS", 1, 1, 0, 0 },
        { "3401", "合肥市", "AH", 1, 1, 1, 80000 },
    };
    assert_regions("?province=ZJ", admin_token, zj, 4);
    assert_regions("", fixture_stats_token("stats-pa-zj"), zj, 4);
    assert_regions("?from=2020-01-01&to=2020-01-31", admin_token, NULL, 0);
    ck_assert_str_eq(harness_sql("SELECT count(*) FROM cities"), "41");
}
END_TEST

START_TEST(returns_count_each_reason_with_its_average_rating)
{
    static const char *const codes[] = { "technical_failure", "not_mature", "too_costly",
                                         "market_changed", "other" };
    /* trial 6 was returned before reason codes: it counts as other, unrated */
    struct http_reply *r = http_get_ok("/api/v1/stats/returns", admin_token);
    const json_t *items = json_object_get(r->json, "items");
    ck_assert_int_eq(json_array_size(items), 5);
    for (size_t i = 0; i < 5; i++) {
        const json_t *item = json_array_get(items, i);
        ck_assert_str_eq(json_string_value(json_object_get(item, "reason_code")), codes[i]);
        ck_assert_int_eq(num(item, "returned"), i == 4 ? 1 : 0);
        ck_assert(json_is_null(json_object_get(item, "average_rating")));
    }
    http_reply_free(r);
    /* two more returns of trial 2's kind, rated 2 and 5: too_costly averages 3.5 */
    harness_sql("SET session_replication_role = replica;"
                "UPDATE trials SET status = 'returned', closed_at = '2026-06-01 10:00+08',"
                " close_reason = '太贵', reason_code = 'too_costly',"
                " rating = CASE id WHEN 2 THEN 2 ELSE 5 END WHERE id IN (2, 12);"
                "RESET session_replication_role");
    r = http_get_ok("/api/v1/stats/returns", admin_token);
    const json_t *too_costly = json_array_get(json_object_get(r->json, "items"), 2);
    ck_assert_int_eq(num(too_costly, "returned"), 2);
    ck_assert(fabs(real(too_costly, "average_rating") - 3.5) < 1e-9);
    http_reply_free(r);
    /* trial 2 has its institution in ZJ, trial 12 neither side: ZJ sees one, rated 2 */
    r = http_get_ok("/api/v1/stats/returns", fixture_stats_token("stats-pa-zj"));
    too_costly = json_array_get(json_object_get(r->json, "items"), 2);
    ck_assert_int_eq(num(too_costly, "returned"), 1);
    ck_assert(fabs(real(too_costly, "average_rating") - 2.0) < 1e-9);
    http_reply_free(r);
}
END_TEST

struct licensing {
    long long declared, taken, registered, registered_fen, overdue;
};

static void assert_licensing(const char *query, const char *token, struct licensing want)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/stats/summary%s", query);
    struct http_reply *r = http_get_ok(path, token);
    ck_assert_int_eq(num(r->json, "open_licenses_declared"), want.declared);
    ck_assert_int_eq(num(r->json, "open_licenses_taken"), want.taken);
    ck_assert_int_eq(num(r->json, "contracts_registered"), want.registered);
    ck_assert_int_eq(num(r->json, "registered_amount_fen"), want.registered_fen);
    ck_assert_int_eq(num(r->json, "recordings_overdue"), want.overdue);
    http_reply_free(r);
}

START_TEST(summary_counts_open_licenses_registrations_and_late_recordings)
{
    /* declarations 1 (SH, 04-01) and 2 (AH, 05-20); license 20 taken on 05-01; licenses 4
     * (ZJ registry, 100,000) and 9 (250,000) registered on 05-10 and 06-01; license 10's
     * recording overdue since 03-01 */
    assert_licensing("", admin_token, (struct licensing){ 2, 1, 2, 350000, 1 });
    /* ZJ: no declaration of its institutions; license 4 (a ZJ enterprise) registered; license
     * 10 (a ZJ institution) late */
    assert_licensing("?province=ZJ", admin_token, (struct licensing){ 0, 0, 1, 100000, 1 });
    assert_licensing("?province=ZJ", fixture_stats_token("stats-pa-zj"),
                     (struct licensing){ 0, 0, 1, 100000, 1 });
    /* May to mid-June: one declaration, the take, both registrations; no license signed then
     * is late yet */
    assert_licensing("?from=2026-05-01&to=2026-06-15", admin_token,
                     (struct licensing){ 1, 1, 2, 350000, 0 });
    /* the same figures counted straight from the rows */
    ck_assert_str_eq(harness_sql("SELECT count(*) || '/' || (SELECT count(*) FROM licenses"
                                 " WHERE source = 'open_license') || '/' || (SELECT"
                                 " count(*) || ',' || sum(contract_amount_fen) FROM licenses"
                                 " WHERE registered_on IS NOT NULL) || '/' || (SELECT count(*)"
                                 " FROM licenses WHERE record_number IS NULL AND"
                                 " recording_due_on < '2026-06-15')"
                                 " FROM open_license_declarations"),
                     "2/1/2,350000/1");
}
END_TEST

START_TEST(new_statistics_keep_to_the_callers_province)
{
    const char *pa_zj = fixture_stats_token("stats-pa-zj");
    const char *paths[] = { "/api/v1/stats/regions", "/api/v1/stats/returns" };
    for (size_t i = 0; i < 2; i++) {
        char path[128];
        snprintf(path, sizeof path, "%s?province=SH", paths[i]);
        struct http_reply *r = http_get(path, pa_zj);
        ck_assert_msg(r->status == 403, "%s: %ld %s", path, r->status, r->body);
        ck_assert_str_eq(problem_code(r), "forbidden");
        http_reply_free(r);
        r = http_get(paths[i], NULL);
        ck_assert_int_eq(r->status, 401);
        http_reply_free(r);
        snprintf(path, sizeof path, "%s?from=2026-13-01", paths[i]);
        r = http_get(path, admin_token);
        ck_assert_int_eq(r->status, 422);
        http_reply_free(r);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stats_upward");
    TCase *tc = tcase_create("stats_upward");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, summary_reports_served_enterprises_institutions_licenses_and_medians);
    tcase_add_test(tc, flows_carry_the_money_between_provinces);
    tcase_add_test(tc, regions_count_by_the_enterprise_city);
    tcase_add_test(tc, returns_count_each_reason_with_its_average_rating);
    tcase_add_test(tc, summary_counts_open_licenses_registrations_and_late_recordings);
    tcase_add_test(tc, new_statistics_keep_to_the_callers_province);
    suite_add_tcase(s, tc);
    return harness_run_suite(s);
}
