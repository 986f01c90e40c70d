/* test_exports: the trials exports — CSV parsed back with an RFC 4180 parser and compared with the
 * database (byte-order mark, CRLF, formula guard also behind a line feed or spaces, Chinese), the
 * same rows as the statistics under every filter, the attachment names, the Excel workbook's
 * sheets and typed cells, the refusals (decided by the SQL functions themselves, also when called
 * straight), a database failure mid-export that must end the response visibly broken, and a
 * daemon with one worker thread that answers others while a workbook is being built. */
#include <check.h>
#include <curl/curl.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fixtures.h"
#include "harness.h"

static char *admin_token;

/* The daemon's TMPDIR: the workbook and libxlsxwriter's scratch files go there. */
static char tmpdir[64];

/* Starts the daemon on database name; threads: its TECHPOOL_THREADS, or NULL for the default. */
static void start(const char *name, const char *threads)
{
    static char tmpdir_env[96];
    snprintf(tmpdir, sizeof tmpdir, "/tmp/techpool-exports-%d", (int)getpid());
    snprintf(tmpdir_env, sizeof tmpdir_env, "TMPDIR=%s", tmpdir);
    char command[160];
    snprintf(command, sizeof command, "rm -rf %s && mkdir -p %s", tmpdir, tmpdir);
    ck_assert_int_eq(system(command), 0);
    const char *const env[] = { "TECHPOOL_TODAY=2026-06-15", tmpdir_env, threads, NULL };
    harness_start(name, env);
    fixture_stats_load();
    admin_token = harness_login(HARNESS_ADMIN_EMAIL, HARNESS_ADMIN_PASSWORD);
    if (admin_token == NULL)
        admin_token = strdup(fixture_stats_token("stats-admin"));
}

static void setup(void)
{
    start("exports", NULL);
}

static void teardown(void)
{
    free(admin_token);
    ck_assert_int_eq(harness_stop(), 0);
    char command[160];
    snprintf(command, sizeof command, "rm -rf %s", tmpdir);
    ck_assert_int_eq(system(command), 0);
}

/* ---------------------------------------------------------------------------------------------
 * A strict RFC 4180 reader: records end with CRLF, fields are separated by commas, a quoted field
 * may hold commas, CR, LF and doubled quotes. Returns an array of arrays of strings, or NULL
 * (with the reason in *error) when the text is not RFC 4180. */
static json_t *csv_parse(const char *text, size_t len, const char **error)
{
    json_t *rows = json_array();
    json_t *row = json_array();
    char *field = malloc(len + 1);
    size_t flen = 0;
    size_t i = 0;
    bool field_started = false;
    *error = NULL;
    while (i < len && *error == NULL) {
        if (text[i] == '"' && flen == 0 && !field_started) {
            field_started = true;
            for (i++;; i++) {
                if (i >= len) {
                    *error = "unterminated quoted field";
                    break;
                }
                if (text[i] == '"' && i + 1 < len && text[i + 1] == '"') {
                    field[flen++] = '"';
                    i++;
                } else if (text[i] == '"') {
                    i++;
                    break;
                } else {
                    field[flen++] = text[i];
                }
            }
            if (*error == NULL && i < len && text[i] != ',' && text[i] != '\r')
                *error = "text after a closing quote";
            continue;
        }
        if (text[i] == ',') {
            json_array_append_new(row, json_stringn(field, flen));
            flen = 0;
            field_started = false;
            i++;
        } else if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n') {
            json_array_append_new(row, json_stringn(field, flen));
            json_array_append_new(rows, row);
            row = json_array();
            flen = 0;
            field_started = false;
            i += 2;
        } else if (text[i] == '\r' || text[i] == '\n') {
            *error = "a line break outside quotes that is not CRLF";
        } else if (text[i] == '"') {
            *error = "a quote inside an unquoted field";
        } else {
            field[flen++] = text[i++];
            field_started = true;
        }
    }
    if (*error == NULL && (flen > 0 || json_array_size(row) > 0))
        *error = "the last record does not end with CRLF";
    free(field);
    json_decref(row);
    if (*error != NULL) {
        json_decref(rows);
        return NULL;
    }
    return rows;
}

static const char *cell(const json_t *rows, size_t row, size_t col)
{
    const char *value = json_string_value(json_array_get(json_array_get(rows, row), col));
    ck_assert_msg(value != NULL, "no cell %zu,%zu", row, col);
    return value;
}

static const char BOM[] = "\xEF\xBB\xBF";
static const char *const HEADER[] = {
    "trial_id",
    "achievement_id",
    "achievement_title",
    "field",
    "institution",
    "institution_province",
    "enterprise",
    "enterprise_credit_code",
    "enterprise_province",
    "status",
    "requested_at",
    "started_on",
    "ends_on",
    "closed_at",
    "license_total_fen",
    "paid_fen",
};

/* The headings of the labelled exports (?labels=zh, ?labels=en). */
static const char *const HEADER_ZH[] = {
    "试用编号", "成果编号",         "成果名称",         "技术领域",   "成果方",   "成果方省份",
    "企业",     "统一社会信用代码", "企业省份",         "状态",       "申请时间", "开始日期",
    "结束日期", "结束时间",         "许可费总额（元）", "已付（元）",
};
static const char *const HEADER_EN[] = {
    "Trial ID",
    "Achievement ID",
    "Achievement",
    "Field",
    "Institution",
    "Institution's province",
    "Enterprise",
    "Unified social credit code",
    "Enterprise's province",
    "Status",
    "Requested at",
    "Started on",
    "Ends on",
    "Closed at",
    "License total (yuan)",
    "Paid (yuan)",
};

/* Downloads the CSV export and parses it; checks the BOM and the header row (header). */
static json_t *csv_get_headed(const char *query, const char *token, const char *const *header,
                              struct http_reply **reply)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/exports/trials.csv%s", query);
    struct http_reply *r = http_get(path, token);
    ck_assert_msg(r != NULL, "no reply to %s", path);
    ck_assert_msg(r->status == 200, "%s: %ld %s", path, r->status, r->body);
    ck_assert_msg(r->body_len >= 3 && memcmp(r->body, BOM, 3) == 0, "%s: no byte-order mark", path);
    const char *error;
    json_t *rows = csv_parse(r->body + 3, r->body_len - 3, &error);
    ck_assert_msg(rows != NULL, "%s is not RFC 4180: %s", path, error);
    ck_assert_msg(json_array_size(rows) >= 1, "%s has no header row", path);
    for (size_t col = 0; col < 16; col++)
        ck_assert_str_eq(cell(rows, 0, col), header[col]);
    for (size_t row = 0; row < json_array_size(rows); row++)
        ck_assert_msg(json_array_size(json_array_get(rows, row)) == 16, "row %zu has %zu cells",
                      row, json_array_size(json_array_get(rows, row)));
    *reply = r;
    return rows;
}

/* The CSV export for programs (the contract's header). */
static json_t *csv_get(const char *query, const char *token, struct http_reply **reply)
{
    return csv_get_headed(query, token, HEADER, reply);
}

/* What the export must write for a text: the value with an apostrophe before a formula start,
 * also one behind leading whitespace (the ASCII kind is all these rows hold). */
static void guarded(const char *value, char *out, size_t size)
{
    size_t lead = strspn(value, " \t\r\n");
    bool formula = (value[0] != '\0' && strchr("\t\r\n", value[0]) != NULL) ||
                   (value[lead] != '\0' && strchr("=+-@", value[lead]) != NULL);
    snprintf(out, size, "%s%s", formula ? "'" : "", value);
}

START_TEST(csv_starts_with_a_bom_and_the_contract_header_and_ends_lines_with_crlf)
{
    struct http_reply *r;
    json_t *rows = csv_get("", admin_token, &r);
    ck_assert_str_eq(http_header(r, "Content-Type"), "text/csv; charset=utf-8");
    ck_assert_str_eq(http_header(r, "Content-Disposition"),
                     "attachment; filename=\"trials-all.csv\"");
    ck_assert_int_eq(json_array_size(rows), 13);
    const char *header_line = "trial_id,achievement_id,achievement_title,field,institution,"
                              "institution_province,enterprise,enterprise_credit_code,"
                              "enterprise_province,status,requested_at,started_on,ends_on,"
                              "closed_at,license_total_fen,paid_fen\r\n";
    ck_assert_int_eq(strncmp(r->body + 3, header_line, strlen(header_line)), 0);
    json_decref(rows);
    http_reply_free(r);
}
END_TEST

START_TEST(csv_rows_are_the_trials_as_the_database_has_them)
{
    harness_sql("SET techpool.today = '2026-06-15'");
    struct http_reply *r;
    json_t *rows = csv_get("", admin_token, &r);
    PGresult *res = PQexec(
        harness_db(),
        "SELECT t.id, t.achievement_id, a.title, a.field, i.name, t.institution_province, "
        "       e.name, e.credit_code, t.enterprise_province, "
        "       trial_effective_status(t.status, t.ends_on), "
        "       to_char(t.requested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
        "       coalesce(to_char(t.started_on, 'YYYY-MM-DD'), ''), "
        "       coalesce(to_char(t.ends_on, 'YYYY-MM-DD'), ''), "
        "       coalesce(to_char(coalesce(t.closed_at, CASE WHEN t.ends_on < tp_today() "
        "           THEN (t.ends_on + 1)::timestamp AT TIME ZONE 'Asia/Shanghai' END) "
        "           AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''), "
        "       coalesce(l.total_fen::text, ''), coalesce(l.paid_fen::text, '') "
        "  FROM trials t JOIN achievements a ON a.id = t.achievement_id "
        "  JOIN institutions i ON i.id = t.institution_id "
        "  JOIN enterprises e ON e.id = t.enterprise_id "
        "  LEFT JOIN licenses l ON l.id = t.license_id ORDER BY t.id");
    ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
    ck_assert_int_eq(PQntuples(res), 12);
    ck_assert_int_eq(json_array_size(rows), 13);
    for (int row = 0; row < 12; row++) {
        for (int col = 0; col < 16; col++) {
            char want[1024];
            guarded(PQgetvalue(res, row, col), want, sizeof want);
            ck_assert_msg(strcmp(cell(rows, (size_t)row + 1, (size_t)col), want) == 0,
                          "trial %s, %s: \"%s\", expected \"%s\"", PQgetvalue(res, row, 0),
                          HEADER[col], cell(rows, (size_t)row + 1, (size_t)col), want);
        }
    }
    PQclear(res);
    /* one row worked out by hand: converted, both dates, money */
    const char *trial4[] = {
        "4",
        "2",
        "'+药物筛选平台",
        "biomedicine",
        "复旦大学",
        "SH",
        "杭州智造有限公司",
        "91330100MA2B000033",
        "ZJ",
        "converted",
        "2026-03-15T02:00:00Z",
        "2026-03-16",
        "2026-09-16",
        "2026-04-01T02:00:00Z",
        "100000",
        "30000",
    };
    for (size_t col = 0; col < 16; col++)
        ck_assert_str_eq(cell(rows, 4, col), trial4[col]);
    /* trial 3: stored active, ended 2026-02-10, so expired at the start of the 11th in Shanghai */
    ck_assert_str_eq(cell(rows, 3, 9), "expired");
    ck_assert_str_eq(cell(rows, 3, 13), "2026-02-10T16:00:00Z");
    ck_assert_str_eq(cell(rows, 1, 10), "2025-12-31T16:30:00Z");
    json_decref(rows);
    http_reply_free(r);
}
END_TEST

START_TEST(csv_with_labels_reads_for_officials_in_chinese_and_in_english)
{
    struct http_reply *r;
    json_t *rows = csv_get_headed("?labels=zh", admin_token, HEADER_ZH, &r);
    ck_assert_int_eq(json_array_size(rows), 13);
    /* trial 4 as an official reads it: labels, yuan with two decimals, Beijing time */
    const char *trial4_zh[] = {
        "4",
        "2",
        "'+药物筛选平台",
        "生物医药",
        "复旦大学",
        "上海",
        "杭州智造有限公司",
        "91330100MA2B000033",
        "浙江",
        "已转许可",
        "2026-03-15 10:00",
        "2026-03-16",
        "2026-09-16",
        "2026-04-01 10:00",
        "1000.00",
        "300.00",
    };
    for (size_t col = 0; col < 16; col++)
        ck_assert_msg(strcmp(cell(rows, 4, col), trial4_zh[col]) == 0, "zh, %s: \"%s\"",
                      HEADER[col], cell(rows, 4, col));
    /* 16:30 UTC on New Year's Eve is half past midnight on New Year's Day in Beijing */
    ck_assert_str_eq(cell(rows, 1, 10), "2026-01-01 00:30");
    ck_assert_str_eq(cell(rows, 3, 9), "已到期");
    ck_assert_str_eq(cell(rows, 3, 13), "2026-02-11 00:00");
    json_decref(rows);
    http_reply_free(r);

    rows = csv_get_headed("?labels=en", admin_token, HEADER_EN, &r);
    ck_assert_str_eq(cell(rows, 4, 3), "Biomedicine");
    ck_assert_str_eq(cell(rows, 4, 5), "Shanghai");
    ck_assert_str_eq(cell(rows, 4, 8), "Zhejiang");
    ck_assert_str_eq(cell(rows, 4, 9), "Converted");
    ck_assert_str_eq(cell(rows, 4, 4), "复旦大学");
    ck_assert_str_eq(cell(rows, 4, 10), "2026-03-15 10:00");
    ck_assert_str_eq(cell(rows, 4, 14), "1000.00");
    ck_assert_str_eq(cell(rows, 1, 10), "2026-01-01 00:30");
    ck_assert_str_eq(cell(rows, 3, 9), "Expired");
    json_decref(rows);
    http_reply_free(r);
}
END_TEST

START_TEST(exports_refuse_a_labels_value_that_is_not_zh_or_en)
{
    const char *paths[] = {
        "/api/v1/exports/trials.csv?labels=fr",     "/api/v1/exports/trials.csv?labels=ZH",
        "/api/v1/exports/trials.csv?labels=",       "/api/v1/exports/trials.xlsx?labels=de",
        "/api/v1/exports/trials.xlsx?labels=zh,en",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        struct http_reply *r = http_get(paths[i], admin_token);
        ck_assert_msg(r->status == 422, "%s: %ld", paths[i], r->status);
        json_t *problem = json_loads(r->body, 0, NULL);
        ck_assert_ptr_nonnull(problem);
        ck_assert_str_eq(json_string_value(json_object_get(problem, "code")), "invalid_field");
        ck_assert_str_eq(json_string_value(json_object_get(
                             json_array_get(json_object_get(problem, "errors"), 0), "field")),
                         "labels");
        json_decref(problem);
        http_reply_free(r);
    }
}
END_TEST

START_TEST(csv_titles_that_start_a_formula_get_an_apostrophe_and_chinese_stays_intact)
{
    struct http_reply *r;
    json_t *rows = csv_get("", admin_token, &r);
    ck_assert_str_eq(cell(rows, 1, 2), "'=HYPERLINK(\"http://x.test\",\"芯片, 封装\")");
    ck_assert_str_eq(cell(rows, 4, 2), "'+药物筛选平台");
    ck_assert_str_eq(cell(rows, 6, 2), "'-视觉检测算法");
    ck_assert_str_eq(cell(rows, 8, 2), "'@储能电池管理");
    ck_assert_str_eq(cell(rows, 12, 2), "'\t水稻育种");
    ck_assert_str_eq(cell(rows, 12, 4), "南京大学");
    ck_assert_str_eq(cell(rows, 12, 6), "上海微电子有限公司");
    /* the raw bytes: the guarded formula is quoted, its quotes doubled */
    ck_assert_ptr_nonnull(
        strstr(r->body,
               ",\"'=HYPERLINK(\"\"http://x.test\"\",\"\"芯片, 封装\"\")\",integrated_circuits,"));
    ck_assert_ptr_null(strstr(r->body, ",=HYPERLINK"));
    json_decref(rows);
    http_reply_free(r);
}
END_TEST

START_TEST(csv_formula_behind_a_line_feed_or_spaces_gets_an_apostrophe)
{
    const char *titles[] = { "E'\\n=HYPERLINK(\"http://x.test\",\"y\")'", "'  -1+2'",
                             "U&'\\3000\\200B@SUM(A1)'" };
    const char *want[] = { "'\n=HYPERLINK(\"http://x.test\",\"y\")", "'  -1+2",
                           "'\xe3\x80\x80\xe2\x80\x8b@SUM(A1)" };
    for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++) {
        fixture_sql("UPDATE achievements SET title = %s WHERE id = 4", titles[i]);
        struct http_reply *r;
        json_t *rows = csv_get("", admin_token, &r);
        ck_assert_str_eq(cell(rows, 8, 0), "8");
        ck_assert_msg(strcmp(cell(rows, 8, 2), want[i]) == 0, "title %s exported as \"%s\"",
                      titles[i], cell(rows, 8, 2));
        json_decref(rows);
        http_reply_free(r);
    }
    fixture_sql("UPDATE achievements SET title = '@储能电池管理' WHERE id = 4");
}
END_TEST

/* The export's data rows under query, checked against the summary's count. */
static void assert_rows_match_summary(const char *query, const char *token, size_t want)
{
    struct http_reply *r;
    json_t *rows = csv_get(query, token, &r);
    char path[256];
    snprintf(path, sizeof path, "/api/v1/stats/summary%s", query);
    struct http_reply *s = http_get(path, token);
    ck_assert_int_eq(s->status, 200);
    long long requested = json_integer_value(json_object_get(s->json, "trials_requested"));
    ck_assert_msg(json_array_size(rows) - 1 == (size_t)requested,
                  "\"%s\": %zu rows, the summary counts %lld", query, json_array_size(rows) - 1,
                  requested);
    ck_assert_msg((size_t)requested == want, "\"%s\": %lld trials, expected %zu", query, requested,
                  want);
    json_decref(rows);
    http_reply_free(r);
    http_reply_free(s);
}

START_TEST(csv_holds_the_same_trials_as_the_statistics_under_every_filter)
{
    assert_rows_match_summary("", admin_token, 12);
    assert_rows_match_summary("?province=ZJ", admin_token, 6);
    assert_rows_match_summary("?from=2026-01-01&to=2026-04-30", admin_token, 6);
    assert_rows_match_summary("?from=2026-01-01&to=2026-01-01", admin_token, 1);
    assert_rows_match_summary("?from=2025-12-31&to=2025-12-31", admin_token, 0);
    assert_rows_match_summary("?province=JS&from=2026-01-01", admin_token, 4);
    assert_rows_match_summary("", fixture_stats_token("stats-pa-zj"), 6);
}
END_TEST

START_TEST(csv_attachment_name_carries_the_filter)
{
    struct {
        const char *query;
        const char *token;
        const char *name;
    } cases[] = {
        { "?province=ZJ&from=2026-01-01&to=2026-06-30", admin_token,
          "trials-ZJ-2026-01-01_2026-06-30.csv" },
        { "?from=2026-01-01", admin_token, "trials-2026-01-01_.csv" },
        { "?province=AH", admin_token, "trials-AH.csv" },
        { "", fixture_stats_token("stats-pa-zj"), "trials-ZJ.csv" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[256];
        char want[128];
        snprintf(path, sizeof path, "/api/v1/exports/trials.csv%s", cases[i].query);
        snprintf(want, sizeof want, "attachment; filename=\"%s\"", cases[i].name);
        struct http_reply *r = http_get(path, cases[i].token);
        ck_assert_int_eq(r->status, 200);
        ck_assert_str_eq(http_header(r, "Content-Disposition"), want);
        http_reply_free(r);
    }
}
END_TEST

static void assert_refused(const char *path, const char *token, long status, const char *code)
{
    struct http_reply *r = http_get(path, token);
    ck_assert_msg(r != NULL, "no reply to %s", path);
    ck_assert_msg(r->status == status, "%s: %ld, expected %ld", path, r->status, status);
    ck_assert_str_eq(problem_code(r), code);
    ck_assert_ptr_null(http_header(r, "Content-Disposition"));
    http_reply_free(r);
}

START_TEST(exports_are_refused_outside_the_callers_scope)
{
    const char *paths[] = { "/api/v1/exports/trials.csv", "/api/v1/exports/trials.xlsx" };
    for (size_t i = 0; i < 2; i++) {
        char path[128];
        snprintf(path, sizeof path, "%s?province=SH", paths[i]);
        assert_refused(path, fixture_stats_token("stats-pa-zj"), 403, "forbidden");
        assert_refused(paths[i], fixture_stats_token("stats-ent-zj"), 403, "forbidden");
        assert_refused(paths[i], fixture_stats_token("stats-inst-zj"), 403, "forbidden");
        assert_refused(paths[i], NULL, 401, "unauthenticated");
        snprintf(path, sizeof path, "%s?from=2026-02-30", paths[i]);
        assert_refused(path, admin_token, 422, "invalid_field");
        snprintf(path, sizeof path, "%s?from=2026-03-01&to=2026-02-01", paths[i]);
        assert_refused(path, admin_token, 422, "invalid_field");
        snprintf(path, sizeof path, "%s?province=Zhejiang", paths[i]);
        assert_refused(path, admin_token, 422, "invalid_field");
    }
    ck_assert_str_eq(harness_sql("SELECT count(*) FROM pg_stat_activity "
                                 "WHERE application_name = 'techpool-export'"),
                     "0");
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * The scope as the database decides it, asked straight, with no daemon in between: users 101 and
 * 102 are the province_admins of ZJ and SH, 103 and 104 staff of a ZJ enterprise and institution
 * (tests/api/stats_fixture.sql). */

#define ADMIN_ID "(SELECT id FROM users WHERE email = '" HARNESS_ADMIN_EMAIL "')"

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

/* Opens the export cursor of an actor in a transaction of the test database and fetches every
 * row from it; *province is the province it covers ("" for all). The caller PQclears. */
static PGresult *export_cursor_rows(const char *actor, const char *province_asked, char province[3])
{
    PGconn *db = harness_db();
    PGresult *res = PQexec(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    ck_assert_int_eq(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT rows, province FROM api_export_trials(%s, NULL, NULL, %s)",
             actor, province_asked);
    res = PQexec(db, sql);
    ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(db));
    ck_assert_int_eq(PQntuples(res), 1);
    snprintf(province, 3, "%s", PQgetvalue(res, 0, 1));
    char *name = PQescapeIdentifier(db, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0));
    PQclear(res);
    snprintf(sql, sizeof sql, "FETCH ALL FROM %s", name);
    PQfreemem(name);
    PGresult *rows = PQexec(db, sql);
    ck_assert_msg(PQresultStatus(rows) == PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(db));
    res = PQexec(db, "COMMIT");
    ck_assert_int_eq(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    return rows;
}

START_TEST(export_rows_in_sql_are_only_the_actors_province)
{
    ck_assert_str_eq(harness_sql("SELECT count(*) FROM export_trial_rows(101, NULL, NULL, 'ZJ')"),
                     "6");
    ck_assert_str_eq(harness_sql("SELECT count(*) FROM export_trial_rows(101, NULL, NULL, 'ZJ') "
                                 "WHERE 'ZJ' NOT IN (institution_province, enterprise_province)"),
                     "0");
    ck_assert_str_eq(harness_sql("SELECT count(*) FROM export_trial_rows(" ADMIN_ID
                                 ", NULL, NULL, NULL)"),
                     "12");
    /* the version without an actor is gone */
    ck_assert_str_eq(harness_sql("SELECT count(*) FROM pg_proc "
                                 "WHERE proname = 'export_trial_rows'"),
                     "1");
    ck_assert_ptr_null(harness_sql("SELECT to_regprocedure("
                                   "'export_trial_rows(date, date, text)')"));
}
END_TEST

START_TEST(export_rows_in_sql_refuse_anyone_outside_the_scope)
{
    static const struct {
        const char *call;
        const char *state;
    } cases[] = {
        { "export_trial_rows(101, NULL, NULL, 'SH')", "TP403" }, /* another province */
        { "export_trial_rows(101, NULL, NULL, NULL)", "TP403" }, /* every province */
        { "export_trial_rows(102, NULL, NULL, 'ZJ')", "TP403" },
        { "export_trial_rows(103, NULL, NULL, NULL)", "TP403" }, /* enterprise staff */
        { "export_trial_rows(103, NULL, NULL, 'ZJ')", "TP403" },
        { "export_trial_rows(104, NULL, NULL, 'ZJ')", "TP403" },  /* institution staff */
        { "export_trial_rows(NULL, NULL, NULL, NULL)", "TP401" }, /* no one signed in */
        /* refused before any trial is read: also when none is in the range */
        { "export_trial_rows(101, '2030-01-01', NULL, 'SH')", "TP403" },
        { "export_trial_rows(103, '2030-01-01', NULL, NULL)", "TP403" },
        /* the cursor behind both endpoints refuses when it is opened */
        { "api_export_trials(101, NULL, NULL, 'SH')", "TP403" },
        { "api_export_trials(103, NULL, NULL, NULL)", "TP403" },
        { "api_export_trials(104, '2030-01-01', NULL, NULL)", "TP403" },
        { "api_export_trials(NULL, NULL, NULL, NULL)", "TP401" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char sql[160];
        snprintf(sql, sizeof sql, "SELECT * FROM %s", cases[i].call);
        const char *state = sql_refusal(sql);
        ck_assert_msg(strcmp(state, cases[i].state) == 0, "%s: SQLSTATE \"%s\", expected %s",
                      cases[i].call, state, cases[i].state);
    }
}
END_TEST

START_TEST(export_cursor_in_sql_narrows_a_province_admin_to_its_own)
{
    char province[3];
    PGresult *rows = export_cursor_rows("101", "NULL", province);
    ck_assert_str_eq(province, "ZJ");
    ck_assert_int_eq(PQntuples(rows), 6);
    for (int row = 0; row < PQntuples(rows); row++)
        ck_assert_msg(strcmp(PQgetvalue(rows, row, 5), "ZJ") == 0 ||
                          strcmp(PQgetvalue(rows, row, 8), "ZJ") == 0,
                      "trial %s (%s -> %s) is not ZJ's", PQgetvalue(rows, row, 0),
                      PQgetvalue(rows, row, 5), PQgetvalue(rows, row, 8));
    PQclear(rows);
    rows = export_cursor_rows("102", "'SH'", province);
    ck_assert_str_eq(province, "SH");
    ck_assert_int_eq(PQntuples(rows), 5);
    PQclear(rows);
    rows = export_cursor_rows(ADMIN_ID, "NULL", province);
    ck_assert_str_eq(province, "");
    ck_assert_int_eq(PQntuples(rows), 12);
    PQclear(rows);
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * Excel */

/* Saves the workbook of query and returns the text of one member of it (caller frees). */
static char *xlsx_member(const struct http_reply *r, const char *member)
{
    char file[64];
    snprintf(file, sizeof file, "/tmp/techpool-test-%d.xlsx", (int)getpid());
    FILE *f = fopen(file, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(r->body, 1, r->body_len, f), r->body_len);
    fclose(f);
    char command[256];
    snprintf(command, sizeof command, "unzip -p %s %s", file, member);
    FILE *out = popen(command, "r");
    ck_assert_ptr_nonnull(out);
    char *text = NULL;
    size_t size = 0;
    FILE *collect = open_memstream(&text, &size);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, out)) > 0)
        fwrite(buf, 1, n, collect);
    int status = pclose(out);
    fclose(collect);
    unlink(file);
    ck_assert_msg(status == 0, "unzip could not read %s from the workbook", member);
    return text;
}

START_TEST(xlsx_has_a_trials_sheet_with_typed_cells_and_a_summary_sheet)
{
    struct http_reply *r = http_get("/api/v1/exports/trials.xlsx", admin_token);
    ck_assert_int_eq(r->status, 200);
    ck_assert_str_eq(http_header(r, "Content-Type"),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    ck_assert_str_eq(http_header(r, "Content-Disposition"),
                     "attachment; filename=\"trials-all.xlsx\"");
    ck_assert_int_eq(memcmp(r->body, "PK", 2), 0);
    char *workbook = xlsx_member(r, "xl/workbook.xml");
    /* without ?labels= the workbook is for officials, in Chinese */
    char *first = strstr(workbook, "<sheet name=\"试用明细\"");
    char *second = strstr(workbook, "<sheet name=\"统计摘要\"");
    ck_assert_msg(first != NULL && second != NULL && first < second,
                  "sheets are not 试用明细 then 统计摘要: %s", workbook);
    free(workbook);

    char *trials = xlsx_member(r, "xl/worksheets/sheet1.xml");
    /* the header row and 12 trials */
    ck_assert_ptr_nonnull(strstr(trials, "<row r=\"13\""));
    ck_assert_ptr_null(strstr(trials, "<row r=\"14\""));
    ck_assert_ptr_nonnull(strstr(trials, ">试用编号<"));
    ck_assert_ptr_nonnull(strstr(trials,
                                 "<c r=\"D5\" t=\"inlineStr\"><is><t>生物医药</t></is></c>"));
    /* row 5 is trial 4: ids as numbers, started_on and ends_on real dates (2026-03-16 is
     * 46097, 2026-09-16 46281), requested_at an instant (02:00 UTC, 10:00 in Beijing), the
     * license in yuan */
    const char *cells[] = {
        "<c r=\"A5\"><v>4</v></c>",
        "<c r=\"B5\"><v>2</v></c>",
        "<c r=\"C5\" t=\"inlineStr\"><is><t>+药物筛选平台</t></is></c>",
        "<c r=\"K5\" s=\"2\"><v>46096.41666666666</v></c>",
        "<c r=\"L5\" s=\"3\"><v>46097</v></c>",
        "<c r=\"M5\" s=\"3\"><v>46281</v></c>",
        "<c r=\"O5\" s=\"4\"><v>1000</v></c>",
        "<c r=\"P5\" s=\"4\"><v>300</v></c>",
        /* titles are text, never formulas, with their Chinese */
        "<c r=\"C2\" t=\"inlineStr\"><is><t>=HYPERLINK(\"http://x.test\",\"芯片, "
        "封装\")</t></is></c>",
        "<c r=\"G5\" t=\"inlineStr\"><is><t>杭州智造有限公司</t></is></c>",
    };
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++)
        ck_assert_msg(strstr(trials, cells[i]) != NULL, "sheet1.xml lacks %s", cells[i]);
    ck_assert_ptr_null(strstr(trials, "<f>"));
    free(trials);

    char *summary = xlsx_member(r, "xl/worksheets/sheet2.xml");
    ck_assert_ptr_nonnull(strstr(summary, "试用申请 Trials requested"));
    ck_assert_ptr_nonnull(strstr(summary, "浙江 Zhejiang (ZJ)"));
    ck_assert_ptr_nonnull(strstr(summary, "跨省转化为许可"));
    const char *figures[] = {
        "<c r=\"B6\"><v>12</v></c>",                          /* trials requested */
        "<c r=\"B12\" s=\"5\"><v>0.5714285714285714</v></c>", /* conversion rate, 4 / 7 */
        "<c r=\"B13\" s=\"4\"><v>4900</v></c>",               /* licensed, in yuan */
        "<c r=\"B16\" s=\"4\"><v>350</v></c>",                /* compensated, in yuan */
        "<c r=\"E22\"><v>1</v></c>",                          /* ZJ institution -> AH enterprise */
    };
    for (size_t i = 0; i < sizeof figures / sizeof figures[0]; i++)
        ck_assert_msg(strstr(summary, figures[i]) != NULL, "sheet2.xml lacks %s", figures[i]);
    free(summary);

    char *styles = xlsx_member(r, "xl/styles.xml");
    ck_assert_ptr_nonnull(strstr(styles, "formatCode=\"#,##0.00\""));
    ck_assert_ptr_nonnull(strstr(styles, "formatCode=\"yyyy-mm-dd\""));
    free(styles);
    http_reply_free(r);
}
END_TEST

/* The value of cell ref ("C5") in a sheet's XML as the CSV would write it, knowing the kind of
 * its column (col): text unescaped, numbers as integers, dates and Beijing minutes from Excel's
 * serial days, money with two decimals. "" for an absent cell. */
static void xlsx_cell_text(const char *sheet, const char *ref, size_t col, char *out, size_t size)
{
    char tag[32];
    snprintf(tag, sizeof tag, "<c r=\"%s\"", ref);
    const char *at = strstr(sheet, tag);
    out[0] = '\0';
    if (at == NULL)
        return;
    const char *end = strstr(at, "</c>");
    ck_assert_ptr_nonnull(end);
    const char *text = strstr(at, "<is><t");
    if (text != NULL && text < end) {
        text = strchr(text, '>') + 1; /* past <is> */
        text = strchr(text, '>') + 1; /* past <t> or <t xml:space="preserve"> */
        size_t n = 0;
        while (strncmp(text, "</t>", 4) != 0 && n + 1 < size) {
            static const char *const ENTITIES[][2] = {
                { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" }
            };
            bool entity = false;
            for (size_t e = 0; e < 4 && !entity; e++)
                if (strncmp(text, ENTITIES[e][0], strlen(ENTITIES[e][0])) == 0) {
                    out[n++] = ENTITIES[e][1][0];
                    text += strlen(ENTITIES[e][0]);
                    entity = true;
                }
            if (!entity)
                out[n++] = *text++;
        }
        out[n] = '\0';
        char unguarded[1024];
        snprintf(unguarded, sizeof unguarded, "%s", out);
        guarded(unguarded, out, size);
        return;
    }
    const char *v = strstr(at, "<v>");
    ck_assert_msg(v != NULL && v < end, "cell %s has neither text nor a value", ref);
    double value = strtod(v + 3, NULL);
    if (col == 14 || col == 15) {
        snprintf(out, size, "%.2f", value);
    } else if (col == 10 || col == 11 || col == 12 || col == 13) {
        /* serial days since 1899-12-30, the Beijing wall clock for instants */
        long minutes = lround(value * 24 * 60);
        time_t t = (time_t)((minutes / (24 * 60)) - 25569) * 86400 + (minutes % (24 * 60)) * 60;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(out, size, col == 11 || col == 12 ? "%Y-%m-%d" : "%Y-%m-%d %H:%M", &tm);
    } else {
        snprintf(out, size, "%.0f", value);
    }
}

START_TEST(xlsx_and_csv_with_the_same_labels_hold_the_same_values)
{
    const char *languages[] = { "zh", "en" };
    const char *const *headers[] = { HEADER_ZH, HEADER_EN };
    for (size_t l = 0; l < 2; l++) {
        char query[32];
        snprintf(query, sizeof query, "?labels=%s", languages[l]);
        struct http_reply *csv_reply;
        json_t *rows = csv_get_headed(query, admin_token, headers[l], &csv_reply);
        char path[64];
        snprintf(path, sizeof path, "/api/v1/exports/trials.xlsx%s", query);
        struct http_reply *r = http_get(path, admin_token);
        ck_assert_int_eq(r->status, 200);
        char *sheet = xlsx_member(r, "xl/worksheets/sheet1.xml");
        for (size_t row = 0; row < json_array_size(rows); row++)
            for (size_t col = 0; col < 16; col++) {
                char ref[16], value[1024];
                snprintf(ref, sizeof ref, "%c%zu", (char)('A' + col), row + 1);
                xlsx_cell_text(sheet, ref, row == 0 ? 2 : col, value, sizeof value);
                ck_assert_msg(strcmp(value, cell(rows, row, col)) == 0,
                              "%s, %s: workbook \"%s\", CSV \"%s\"", languages[l], ref, value,
                              cell(rows, row, col));
            }
        free(sheet);
        http_reply_free(r);
        json_decref(rows);
        http_reply_free(csv_reply);
    }
}
END_TEST

START_TEST(annual_report_has_a_sheet_per_province_and_a_total)
{
    struct http_reply *r = http_get("/api/v1/exports/annual-report.xlsx?year=2026", admin_token);
    ck_assert_int_eq(r->status, 200);
    ck_assert_str_eq(http_header(r, "Content-Disposition"),
                     "attachment; filename=\"annual-report-2026.xlsx\"");
    char *workbook = xlsx_member(r, "xl/workbook.xml");
    const char *order[] = { "上海", "江苏", "浙江", "安徽", "合计" };
    const char *at = workbook;
    for (size_t i = 0; i < 5; i++) {
        char tag[64];
        snprintf(tag, sizeof tag, "<sheet name=\"%s\"", order[i]);
        at = strstr(at, tag);
        ck_assert_msg(at != NULL, "sheet %s missing or out of order: %s", order[i], workbook);
    }
    free(workbook);
    /* the total sheet, row 3: institution 1 (SH) in 2026 — licenses 4 and 11 from trials and
     * 20 from its open license, 1,000 + 600 + 5,000 yuan of contracts, 300 yuan received,
     * license 4 registered for 1,000 yuan; its trials started in 2026 counted from the rows */
    char *total = xlsx_member(r, "xl/worksheets/sheet5.xml");
    char started[64];
    snprintf(started, sizeof started, "<c r=\"H3\"><v>%s</v></c>",
             harness_sql("SELECT count(*) FROM trials WHERE institution_id = 1"
                         " AND started_on BETWEEN '2026-01-01' AND '2026-12-31'"));
    const char *cells[] = {
        "<c r=\"A2\" s=\"1\" t=\"inlineStr\"><is><t>机构名称</t></is></c>",
        "<c r=\"B3\"><v>2</v></c>",
        "<c r=\"C3\"><v>1</v></c>",
        "<c r=\"D3\" s=\"2\"><v>6600</v></c>",
        "<c r=\"E3\" s=\"2\"><v>300</v></c>",
        "<c r=\"F3\"><v>1</v></c>",
        "<c r=\"G3\" s=\"2\"><v>1000</v></c>",
        started,
    };
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++)
        ck_assert_msg(strstr(total, cells[i]) != NULL, "the total sheet lacks %s:\n%s", cells[i],
                      total);
    free(total);
    http_reply_free(r);

    /* a province administrator: its province and the total only */
    r = http_get("/api/v1/exports/annual-report.xlsx?year=2026",
                 fixture_stats_token("stats-pa-zj"));
    ck_assert_int_eq(r->status, 200);
    workbook = xlsx_member(r, "xl/workbook.xml");
    ck_assert_ptr_nonnull(strstr(workbook, "<sheet name=\"浙江\""));
    ck_assert_ptr_null(strstr(workbook, "<sheet name=\"上海\""));
    free(workbook);
    http_reply_free(r);
    r = http_get("/api/v1/exports/annual-report.xlsx?year=26", admin_token);
    ck_assert_int_eq(r->status, 422);
    http_reply_free(r);
    r = http_get("/api/v1/exports/annual-report.xlsx?year=2026",
                 fixture_stats_token("stats-ent-zj"));
    ck_assert_int_eq(r->status, 403);
    http_reply_free(r);
}
END_TEST

START_TEST(xlsx_takes_the_filter_and_the_province_admins_scope)
{
    struct http_reply *r = http_get("/api/v1/exports/trials.xlsx?from=2026-01-01",
                                    fixture_stats_token("stats-pa-zj"));
    ck_assert_int_eq(r->status, 200);
    ck_assert_str_eq(http_header(r, "Content-Disposition"),
                     "attachment; filename=\"trials-ZJ-2026-01-01_.xlsx\"");
    /* ZJ since 2026: trials 1, 2, 4 */
    char *trials = xlsx_member(r, "xl/worksheets/sheet1.xml");
    ck_assert_ptr_nonnull(strstr(trials, "<row r=\"4\""));
    ck_assert_ptr_null(strstr(trials, "<row r=\"5\""));
    free(trials);
    char *summary = xlsx_member(r, "xl/worksheets/sheet2.xml");
    ck_assert_ptr_nonnull(strstr(summary, "2026-01-01"));
    ck_assert_ptr_nonnull(strstr(summary, "省份 Province: ZJ"));
    free(summary);
    http_reply_free(r);
    /* the workbook and libxlsxwriter's scratch files are gone once the download ended */
    char command[160];
    snprintf(command, sizeof command, "test -z \"$(ls -A %s)\"", tmpdir);
    ck_assert_msg(system(command) == 0, "files left in the daemon's TMPDIR %s", tmpdir);
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * A database failure in the middle of a large export */

struct slow_download {
    size_t received;
    bool terminated;
};

static size_t terminate_after_first_bytes(char *data, size_t size, size_t nmemb, void *ctx)
{
    (void)data;
    struct slow_download *d = ctx;
    d->received += size * nmemb;
    if (!d->terminated && d->received > 0) {
        d->terminated = true;
        harness_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = 'techpool-export'");
    }
    return size * nmemb;
}

/* 40,000 trials, as big_setup describes. */
static void load_big_export(void)
{
    /* 40,000 declined trials on an achievement with a 300-character title: about 40 MB of CSV,
     * far more than the socket buffers between the daemon and the client hold */
    harness_sql_script(
        "SET session_replication_role = replica;"
        "INSERT INTO achievements (id, institution_id, province, title, abstract, field, "
        "kind, maturity, trial_months, payment_mode, status) OVERRIDING SYSTEM VALUE "
        "VALUES (100, 1, 'SH', repeat('长', 300), '长标题', 'other', 'other', 5, 6, "
        "'lump_sum', 'listed');"
        "INSERT INTO trials (achievement_id, institution_id, institution_province, "
        "enterprise_id, enterprise_province, exclusive, purpose, planned_months, status, "
        "requested_at, closed_at, close_reason) "
        "SELECT 100, 1, 'SH', 1 + g % 4, (ARRAY['SH','JS','ZJ','AH'])[1 + g % 4], false, "
        "'批量', 1, 'declined', timestamptz '2026-01-01 10:00+08' + g * interval '1 minute', "
        "timestamptz '2026-04-01 10:00+08', '名额已满' FROM generate_series(1, 40000) g");
}

static void big_setup(void)
{
    start("exports_big", NULL);
    load_big_export();
}

/* One worker thread: a request that blocked it would hold up every other. */
static void one_worker_setup(void)
{
    start("exports_one_worker", "TECHPOOL_THREADS=1");
    load_big_export();
}

/* A curl handle for GET path as the admin: the caller sets what to do with the body, performs
 * it, then frees *headers and the handle. */
static CURL *export_download(const char *path, struct curl_slist **headers)
{
    CURL *curl = curl_easy_init();
    ck_assert_ptr_nonnull(curl);
    char url[256];
    char auth[128];
    snprintf(url, sizeof url, "%s%s", harness_url(), path);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", admin_token);
    *headers = curl_slist_append(NULL, auth);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, *headers);
    return curl;
}

/* GETs path as the admin, handing the body to write(data) as it arrives, for at most a minute:
 * curl's result, with the status in *status. */
static CURLcode download_through(const char *path, curl_write_callback write, void *data,
                                 long *status)
{
    struct curl_slist *headers = NULL;
    CURL *curl = export_download(path, &headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, data);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
    CURLcode rc = curl_easy_perform(curl);
    *status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return rc;
}

/* Reads a CSV download line by line as it arrives (a 40 MB reply is not kept): the trial id
 * that starts each line after the header, and whether the last line ended. */
struct id_lines {
    size_t lines;       /* line ends seen, the header's included */
    long long id;       /* the id being read at the start of a line */
    bool reading_id;    /* within the digits that start a line */
    long long previous; /* the last line's id */
    bool out_of_order;  /* an id not above the one before */
    char last[2];       /* the download's last two bytes */
};

static size_t read_id_lines(char *data, size_t size, size_t nmemb, void *ctx)
{
    struct id_lines *d = ctx;
    for (size_t i = 0; i < size * nmemb; i++) {
        char c = data[i];
        if (d->reading_id && c >= '0' && c <= '9') {
            d->id = d->id * 10 + (c - '0');
        } else if (d->reading_id) {
            d->reading_id = false;
            d->out_of_order |= d->id <= d->previous;
            d->previous = d->id;
        }
        if (c == '\n' && d->last[1] == '\r') {
            d->lines++;
            d->reading_id = true;
            d->id = 0;
        }
        d->last[0] = d->last[1];
        d->last[1] = c;
    }
    return size * nmemb;
}

/* Forty batches of the cursor, each asked for while the one before is written out: every trial
 * once, in order, the last line whole. */
START_TEST(a_large_csv_holds_every_trial_once_in_order)
{
    struct id_lines d = { 0 };
    long status;
    CURLcode rc = download_through("/api/v1/exports/trials.csv", read_id_lines, &d, &status);
    ck_assert_int_eq(rc, CURLE_OK);
    ck_assert_int_eq(status, 200);
    ck_assert(d.last[0] == '\r' && d.last[1] == '\n');
    ck_assert(!d.out_of_order);
    ck_assert_uint_ge(d.lines - 1, 40000);
    ck_assert_uint_eq(d.lines - 1, (size_t)atoll(harness_sql("SELECT count(*) FROM trials")));
    ck_assert_int_eq(d.previous, atoll(harness_sql("SELECT max(id) FROM trials")));
}
END_TEST

START_TEST(database_failure_mid_export_ends_the_csv_visibly_broken)
{
    struct slow_download d = { 0 };
    long status;
    CURLcode rc = download_through("/api/v1/exports/trials.csv", terminate_after_first_bytes, &d,
                                   &status);
    ck_assert_int_eq(status, 200);
    ck_assert_msg(d.terminated, "the export's database session was never seen");
    ck_assert_msg(rc == CURLE_PARTIAL_FILE || rc == CURLE_RECV_ERROR,
                  "the transfer ended \"%s\" after %zu bytes, not as a broken transfer",
                  curl_easy_strerror(rc), d.received);
    ck_assert_msg(d.received < 40000u * 900u, "%zu bytes: the whole export arrived", d.received);

    /* the daemon logged it as incomplete and keeps serving exports */
    char command[512];
    snprintf(command, sizeof command,
             "grep -c '\"path\":\"/api/v1/exports/trials.csv\".*\"incomplete\":true' %s",
             harness_log_path());
    char count[16];
    harness_command(command, count, sizeof count);
    ck_assert_int_eq(atoi(count), 1);
    struct http_reply *r = http_get("/api/v1/exports/trials.csv?to=2025-12-31", admin_token);
    ck_assert_int_eq(r->status, 200);
    http_reply_free(r);
}
END_TEST

static size_t abort_at_once(char *data, size_t size, size_t nmemb, void *ctx)
{
    (void)data;
    (void)size;
    (void)nmemb;
    (void)ctx;
    return 0;
}

START_TEST(client_leaving_mid_export_closes_the_exports_connection)
{
    struct curl_slist *headers = NULL;
    CURL *curl = export_download("/api/v1/exports/trials.csv", &headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, abort_at_once);
    ck_assert_int_eq(curl_easy_perform(curl), CURLE_WRITE_ERROR);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    const char *open = "1";
    for (int i = 0; i < 100 && strcmp(open, "0") != 0; i++) {
        usleep(50 * 1000);
        open = harness_sql("SELECT count(*) FROM pg_stat_activity "
                           "WHERE application_name = 'techpool-export'");
    }
    ck_assert_str_eq(open, "0");
}
END_TEST

/* A workbook download on a thread of its own: when its first bytes came, and its status. */
struct workbook_download {
    pthread_t thread;
    double first_bytes_at; /* 0 until then */
    long status;
    atomic_bool finished;
};

static size_t note_first_bytes(char *data, size_t size, size_t nmemb, void *ctx)
{
    (void)data;
    struct workbook_download *d = ctx;
    if (d->first_bytes_at == 0)
        d->first_bytes_at = harness_clock();
    return size * nmemb;
}

static void *download_workbook(void *arg)
{
    struct workbook_download *d = arg;
    struct curl_slist *headers = NULL;
    CURL *curl = export_download("/api/v1/exports/trials.xlsx", &headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, note_first_bytes);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, d);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 90L);
    if (curl_easy_perform(curl) == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &d->status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    atomic_store(&d->finished, true);
    return NULL;
}

/* Waits until count workbooks are being built (their database sessions read the trials) or
 * one of the downloads has finished; true in the first case. */
static bool workbooks_building(int count, struct workbook_download *downloads, size_t n)
{
    for (;;) {
        for (size_t i = 0; i < n; i++)
            if (atomic_load(&downloads[i].finished))
                return false;
        PGresult *res = PQexec(harness_db(), "SELECT count(*) FROM pg_stat_activity "
                                             "WHERE application_name = 'techpool-export'");
        bool seen = PQresultStatus(res) == PGRES_TUPLES_OK && atoi(PQgetvalue(res, 0, 0)) >= count;
        PQclear(res);
        if (seen)
            return true;
    }
}

START_TEST(other_requests_are_served_while_a_workbook_is_built)
{
    struct workbook_download d = { .first_bytes_at = 0 };
    ck_assert_int_eq(pthread_create(&d.thread, NULL, download_workbook, &d), 0);
    ck_assert_msg(workbooks_building(1, &d, 1), "the workbook was sent before its build was seen");
    struct http_reply *r = http_get("/api/v1/meta", NULL);
    double answered_at = harness_clock();
    ck_assert_int_eq(r->status, 200);
    http_reply_free(r);
    ck_assert_int_eq(pthread_join(d.thread, NULL), 0);
    ck_assert_int_eq(d.status, 200);
    ck_assert_msg(answered_at < d.first_bytes_at,
                  "the one worker answered only after the workbook was ready (%.3f s later)",
                  answered_at - d.first_bytes_at);
}
END_TEST

START_TEST(a_third_workbook_at_once_is_refused_for_a_while)
{
    struct workbook_download d[2] = { { .first_bytes_at = 0 }, { .first_bytes_at = 0 } };
    for (size_t i = 0; i < 2; i++)
        ck_assert_int_eq(pthread_create(&d[i].thread, NULL, download_workbook, &d[i]), 0);
    ck_assert_msg(workbooks_building(2, d, 2), "two workbooks were never built at once");
    struct http_reply *r = http_get("/api/v1/exports/trials.xlsx", admin_token);
    ck_assert_int_eq(r->status, 503);
    ck_assert_str_eq(problem_code(r), "unavailable");
    ck_assert_str_eq(http_header(r, "Retry-After"), "10");
    http_reply_free(r);
    for (size_t i = 0; i < 2; i++) {
        ck_assert_int_eq(pthread_join(d[i].thread, NULL), 0);
        ck_assert_int_eq(d[i].status, 200);
    }
    /* once they are done, the next one is built */
    r = http_get("/api/v1/exports/trials.xlsx?to=2025-12-31", admin_token);
    ck_assert_int_eq(r->status, 200);
    http_reply_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("exports");
    TCase *tc = tcase_create("exports");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, csv_starts_with_a_bom_and_the_contract_header_and_ends_lines_with_crlf);
    tcase_add_test(tc, csv_rows_are_the_trials_as_the_database_has_them);
    tcase_add_test(tc, csv_with_labels_reads_for_officials_in_chinese_and_in_english);
    tcase_add_test(tc, exports_refuse_a_labels_value_that_is_not_zh_or_en);
    tcase_add_test(tc, csv_titles_that_start_a_formula_get_an_apostrophe_and_chinese_stays_intact);
    tcase_add_test(tc, csv_formula_behind_a_line_feed_or_spaces_gets_an_apostrophe);
    tcase_add_test(tc, csv_holds_the_same_trials_as_the_statistics_under_every_filter);
    tcase_add_test(tc, csv_attachment_name_carries_the_filter);
    tcase_add_test(tc, exports_are_refused_outside_the_callers_scope);
    tcase_add_test(tc, export_rows_in_sql_are_only_the_actors_province);
    tcase_add_test(tc, export_rows_in_sql_refuse_anyone_outside_the_scope);
    tcase_add_test(tc, export_cursor_in_sql_narrows_a_province_admin_to_its_own);
    tcase_add_test(tc, xlsx_has_a_trials_sheet_with_typed_cells_and_a_summary_sheet);
    tcase_add_test(tc, xlsx_takes_the_filter_and_the_province_admins_scope);
    tcase_add_test(tc, xlsx_and_csv_with_the_same_labels_hold_the_same_values);
    tcase_add_test(tc, annual_report_has_a_sheet_per_province_and_a_total);
    suite_add_tcase(s, tc);
    TCase *big = tcase_create("exports_big");
    tcase_add_unchecked_fixture(big, big_setup, teardown);
    tcase_set_timeout(big, 120);
    tcase_add_test(big, a_large_csv_holds_every_trial_once_in_order);
    tcase_add_test(big, database_failure_mid_export_ends_the_csv_visibly_broken);
    tcase_add_test(big, client_leaving_mid_export_closes_the_exports_connection);
    suite_add_tcase(s, big);
    TCase *one_worker = tcase_create("exports_one_worker");
    tcase_add_unchecked_fixture(one_worker, one_worker_setup, teardown);
    tcase_set_timeout(one_worker, 120);
    tcase_add_test(one_worker, other_requests_are_served_while_a_workbook_is_built);
    tcase_add_test(one_worker, a_third_workbook_at_once_is_refused_for_a_while);
    suite_add_tcase(s, one_worker);
    return harness_run_suite(s);
}
