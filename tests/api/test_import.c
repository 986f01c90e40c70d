/* test_import: bulk import of achievements over HTTP with real files — CSV in GB18030 as Excel
 * saves it on Chinese Windows and in UTF-8 with a byte-order mark, an .xlsx written by another
 * tool (openpyxl) and the service's own templates; every bad cell reported and nothing stored;
 * a second import of the same file changing nothing; updates through external_ref; and files
 * that must be refused (too large, zip bombs, not spreadsheets) without harm to the daemon. */
#include <check.h>
#include <curl/curl.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixtures.h"
#include "harness.h"

#define CSV_TYPE "text/csv"
#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define IMPORT "/api/v1/achievements/import"

static const char HEADER_ZH[] =
    "外部编号,成果名称,英文名称,成果简介,技术领域,成果类型,专利号,关键词,技术成熟度,"
    "最长试用期（月）,付款方式,参考许可费（分）,提成比例（基点）,是否独占\r\n";
static const char HEADER_EN[] =
    "external_ref,title,abstract,field,kind,patent_numbers,keywords,maturity,trial_months,"
    "payment_mode\n";

static void setup(void)
{
    harness_start("import", NULL);
}

static void teardown(void)
{
    ck_assert_int_eq(harness_stop(), 0);
}

/* ---- helpers */

struct sink {
    char *data;
    size_t len;
};

static size_t sink_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct sink *s = userdata;
    char *grown = realloc(s->data, s->len + size * nmemb + 1);
    ck_assert(grown != NULL);
    s->data = grown;
    memcpy(s->data + s->len, ptr, size * nmemb);
    s->len += size * nmemb;
    s->data[s->len] = '\0';
    return size * nmemb;
}

/* POSTs len bytes of data as content_type to path as user; the reply (free it). */
static struct http_reply *post_file(const struct fixture_user *user, const char *path,
                                    const char *content_type, const char *data, size_t len)
{
    CURL *curl = curl_easy_init();
    ck_assert(curl != NULL);
    char url[512], auth[160], type[160];
    snprintf(url, sizeof url, "%s%s", harness_url(), path);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", user->token);
    snprintf(type, sizeof type, "Content-Type: %s", content_type);
    struct curl_slist *list = curl_slist_append(NULL, auth);
    list = curl_slist_append(list, type);
    list = curl_slist_append(list, "Expect:");
    struct sink out = { 0 };
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, data);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, sink_write);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    CURLcode rc = curl_easy_perform(curl);
    ck_assert_msg(rc == CURLE_OK, "POST %s: %s", path, curl_easy_strerror(rc));
    struct http_reply *reply = calloc(1, sizeof *reply);
    ck_assert(reply != NULL);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply->status);
    reply->body = out.data != NULL ? out.data : strdup("");
    reply->body_len = out.len;
    reply->headers = strdup("");
    reply->json = json_loadb(reply->body, reply->body_len, 0, NULL);
    curl_slist_free_all(list);
    curl_easy_cleanup(curl);
    return reply;
}

static struct http_reply *import_text(const struct fixture_user *user, const char *query,
                                      const char *text)
{
    return post_file(user, fixture_text("%s%s", IMPORT, query), CSV_TYPE, text, strlen(text));
}

static long long reply_int(const struct http_reply *r, const char *key)
{
    const json_t *value = json_object_get(r->json, key);
    ck_assert_msg(json_is_integer(value), "no %s in %s", key, r->body);
    return (long long)json_integer_value(value);
}

static long long count_of(const char *sql_format, long long id)
{
    return atoll(fixture_sql(sql_format, id));
}

static long long achievements_of(const struct fixture_user *inst)
{
    return count_of("SELECT count(*) FROM achievements WHERE institution_id = %lld",
                    (long long)inst->org_id);
}

static long long audit_events_by(const struct fixture_user *inst)
{
    return count_of("SELECT count(*) FROM audit_events WHERE actor_id = %lld", (long long)inst->id);
}

/* Whether errors holds one for row and column whose message contains text. */
static bool has_error(const struct http_reply *r, long long row, const char *column,
                      const char *text)
{
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(r->json, "errors"), i, e) {
        const char *c = json_string_value(json_object_get(e, "column"));
        const char *m = json_string_value(json_object_get(e, "message"));
        if (json_integer_value(json_object_get(e, "row")) == row && c != NULL &&
            strcmp(c, column) == 0 && m != NULL && strstr(m, text) != NULL)
            return true;
    }
    return false;
}

/* Reads a whole file (binary) into memory; the caller frees. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc((size_t)size + 1);
    ck_assert(data != NULL);
    ck_assert_int_eq(fread(data, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    *len = (size_t)size;
    return data;
}

/* Runs a Python program (python3 with openpyxl, zipfile) that writes a file at $OUT. */
static char *python_file(const char *program, size_t *len)
{
    char path[] = "/tmp/techpool-import-test-XXXXXX";
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    close(fd);
    char script[] = "/tmp/techpool-import-py-XXXXXX";
    fd = mkstemp(script);
    ck_assert(fd >= 0);
    ck_assert(write(fd, program, strlen(program)) == (ssize_t)strlen(program));
    close(fd);
    char command[256], out[512];
    snprintf(command, sizeof command, "OUT=%s /usr/bin/python3 %s 2>&1", path, script);
    int rc = harness_command(command, out, sizeof out);
    ck_assert_msg(rc == 0, "python failed: %s", out);
    char *data = slurp(path, len);
    unlink(path);
    unlink(script);
    return data;
}

/* ---- templates */

START_TEST(templates_are_for_institution_staff_and_read_back)
{
    struct fixture_user inst = fixture_institution("ZJ");
    struct fixture_user ent = fixture_enterprise("ZJ");
    struct http_reply *r = fixture_expect(&inst, "GET", "/api/v1/achievements/import-template.csv",
                                          NULL, 200, NULL);
    ck_assert_msg(memcmp(r->body, "\xEF\xBB\xBF外部编号,成果名称", 3 + 25) == 0, "%s", r->body);
    ck_assert_ptr_nonnull(strstr(r->body, "\r\nexternal_ref,title,"));
    /* the untouched template reads back: the field-name row is skipped, the example is a row */
    struct http_reply *dry = import_text(&inst, "?dry_run=true", r->body);
    ck_assert_msg(dry->status == 200, "%ld %s", dry->status, dry->body);
    ck_assert_int_eq(reply_int(dry, "rows"), 1);
    ck_assert_int_eq(reply_int(dry, "created"), 1);
    http_reply_free(dry);
    http_reply_free(r);

    r = fixture_expect(&inst, "GET", "/api/v1/achievements/import-template.xlsx", NULL, 200, NULL);
    ck_assert(r->body_len > 1000 && memcmp(r->body, "PK", 2) == 0);
    dry = post_file(&inst, IMPORT "?dry_run=true", XLSX_TYPE, r->body, r->body_len);
    ck_assert_msg(dry->status == 200, "%ld %s", dry->status, dry->body);
    ck_assert_int_eq(reply_int(dry, "rows"), 1);
    http_reply_free(dry);
    http_reply_free(r);
    ck_assert_int_eq(achievements_of(&inst), 0);

    fixture_check(&ent, "GET", "/api/v1/achievements/import-template.xlsx", NULL, 403, "forbidden");
    fixture_check(NULL, "GET", "/api/v1/achievements/import-template.csv", NULL, 401,
                  "unauthenticated");
}
END_TEST

/* ---- encodings and formats */

START_TEST(gb18030_csv_as_excel_saves_it_creates_drafts_with_audit)
{
    struct fixture_user inst = fixture_institution("ZJ");
    char utf8[2048];
    snprintf(utf8, sizeof utf8,
             "%s"
             "GB-1,石墨烯导热膜,,以氧化石墨烯为原料，卷对卷连续制备。,新材料,发明专利,"
             "ZL202110123456.7；ZL202010654321.9,石墨烯；导热,6,12,分期付款,5000000,0,否\r\n"
             "GB-2,\"量子芯片, 第二代\",Quantum chip,\"低温控制\r\n读出电路\",集成电路,"
             "技术秘密,,,4,6,royalty,0,500,是\r\n",
             HEADER_ZH);
    /* as Excel on Chinese Windows: GB18030, no byte-order mark */
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    ck_assert(cd != (iconv_t)-1);
    char gb[2048];
    char *in = utf8, *out = gb;
    size_t in_left = strlen(utf8), out_left = sizeof gb;
    ck_assert(iconv(cd, &in, &in_left, &out, &out_left) != (size_t)-1);
    iconv_close(cd);
    struct http_reply *r = post_file(&inst, IMPORT, CSV_TYPE, gb, (size_t)(out - gb));
    ck_assert_msg(r->status == 200, "%ld %s", r->status, r->body);
    ck_assert_int_eq(reply_int(r, "rows"), 2);
    ck_assert_int_eq(reply_int(r, "created"), 2);
    ck_assert_int_eq(reply_int(r, "updated"), 0);
    http_reply_free(r);
    ck_assert_str_eq(
        fixture_sql("SELECT title || '|' || abstract || '|' || field || '|' || "
                    "array_to_string(patent_numbers, ';') || '|' || status FROM "
                    "achievements WHERE institution_id = %lld AND external_ref = 'GB-1'",
                    (long long)inst.org_id),
        "石墨烯导热膜|以氧化石墨烯为原料，卷对卷连续制备。|new_materials|"
        "ZL202110123456.7;ZL202010654321.9|draft");
    ck_assert_str_eq(fixture_sql("SELECT title || '|' || abstract || '|' || payment_mode || '|' "
                                 "|| royalty_bp || '|' || exclusive FROM achievements WHERE "
                                 "institution_id = %lld AND external_ref = 'GB-2'",
                                 (long long)inst.org_id),
                     "量子芯片, 第二代|低温控制\r\n读出电路|royalty|500|true");
    ck_assert_int_eq(count_of("SELECT count(*) FROM audit_events WHERE actor_id = %lld AND "
                              "action = 'achievement.create'",
                              (long long)inst.id),
                     2);
}
END_TEST

START_TEST(utf8_csv_with_bom_and_english_headers_and_lf)
{
    struct fixture_user inst = fixture_institution("JS");
    char text[1024];
    snprintf(text, sizeof text,
             "\xEF\xBB\xBF%s"
             "U-1,智能焊接机器人,视觉引导的焊缝跟踪。,advanced_manufacturing,utility_model,"
             "ZL202420001234.7,,7,3,lump_sum\n",
             HEADER_EN);
    struct http_reply *r = import_text(&inst, "", text);
    ck_assert_msg(r->status == 200, "%ld %s", r->status, r->body);
    ck_assert_int_eq(reply_int(r, "created"), 1);
    const json_t *item = json_array_get(json_object_get(r->json, "items"), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(item, "row")), 2);
    ck_assert_str_eq(json_string_value(json_object_get(item, "action")), "create");
    ck_assert(json_integer_value(json_object_get(item, "id")) > 0);
    http_reply_free(r);
    ck_assert_str_eq(fixture_sql("SELECT title || '|' || kind || '|' || maturity FROM achievements "
                                 "WHERE institution_id = %lld",
                                 (long long)inst.org_id),
                     "智能焊接机器人|utility_model|7");
}
END_TEST

static const char OPENPYXL_PROGRAM[] =
    "import os, openpyxl\n"
    "wb = openpyxl.Workbook()\n"
    "ws = wb.active\n"
    "ws.title = 'Sheet'\n"
    "ws.append(['外部编号', '成果名称', '成果简介', '技术领域', '成果类型', '技术成熟度',\n"
    "           '最长试用期（月）', '付款方式', '关键词', '是否独占', '参考许可费（分）'])\n"
    "ws.append(['X-1', '新型锂电池隔膜', '耐高温陶瓷涂层隔膜。', '新能源', '发明专利', 5, 12,\n"
    "           '一次性付款', '锂电; 隔膜', False, 1200000])\n"
    "ws.append([None])\n"
    "ws.append(['X-2', '水稻抗倒伏品种', '秆粗抗倒。', 'agriculture', '植物新品种', 8, 24,\n"
    "           'equity', None, True, 0])\n"
    "wb.save(os.environ['OUT'])\n";

START_TEST(xlsx_written_by_openpyxl_imports)
{
    struct fixture_user inst = fixture_institution("AH");
    size_t len;
    char *data = python_file(OPENPYXL_PROGRAM, &len);
    struct http_reply *r = post_file(&inst, IMPORT, XLSX_TYPE, data, len);
    ck_assert_msg(r->status == 200, "%ld %s", r->status, r->body);
    ck_assert_int_eq(reply_int(r, "rows"), 2);
    ck_assert_int_eq(reply_int(r, "created"), 2);
    http_reply_free(r);
    free(data);
    ck_assert_str_eq(fixture_sql("SELECT string_agg(external_ref || ':' || title || ':' || field "
                                 "|| ':' || array_to_string(keywords, '/') || ':' || exclusive || "
                                 "':' || reference_fee_fen, ' ' ORDER BY external_ref) FROM "
                                 "achievements WHERE institution_id = %lld",
                                 (long long)inst.org_id),
                     "X-1:新型锂电池隔膜:new_energy:锂电/隔膜:false:1200000 "
                     "X-2:水稻抗倒伏品种:agriculture::true:0");
}
END_TEST

/* ---- validation */

START_TEST(errors_in_several_rows_are_all_reported_and_nothing_is_stored)
{
    struct fixture_user inst = fixture_institution("ZJ");
    char text[2048];
    snprintf(text, sizeof text,
             "%s"
             "E-1,好成果,简介,new_materials,invention_patent,ZL202110123456.8,,6,6,lump_sum\n"
             "E-2,,简介,materials,invention_patent,,,12,6,lump_sum\n"
             "E-3,好成果,简介,new_materials,invention_patent,,,6,40,barter\n"
             "E-1,重复,简介,new_materials,invention_patent,,,6,6,lump_sum\n"
             ",无编号,简介,new_materials,invention_patent,,,six,6,lump_sum\n"
             "E-6,好成果,简介,new_materials,invention_patent,,,6,6,lump_sum\n",
             HEADER_EN);
    long long audits = audit_events_by(&inst);
    struct http_reply *r = import_text(&inst, "", text);
    ck_assert_msg(r->status == 422, "%ld %s", r->status, r->body);
    ck_assert_str_eq(problem_code(r), "invalid_field");
    ck_assert_msg(has_error(r, 2, "patent_numbers", "check digit"), "%s", r->body);
    ck_assert_msg(strstr(r->body, "\"value\":\"ZL202110123456.8\"") != NULL, "%s", r->body);
    ck_assert_msg(has_error(r, 3, "title", "required"), "%s", r->body);
    ck_assert_msg(has_error(r, 3, "field", "allowed"), "%s", r->body);
    ck_assert_msg(has_error(r, 3, "maturity", "between 1 and 9"), "%s", r->body);
    ck_assert_msg(has_error(r, 4, "trial_months", "between 1 and 36"), "%s", r->body);
    ck_assert_msg(has_error(r, 4, "payment_mode", "allowed"), "%s", r->body);
    ck_assert_msg(has_error(r, 5, "external_ref", "row 2"), "%s", r->body);
    ck_assert_msg(has_error(r, 6, "external_ref", "required"), "%s", r->body);
    ck_assert_msg(has_error(r, 6, "maturity", "integer"), "%s", r->body);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "errors")), 9);
    http_reply_free(r);
    ck_assert_int_eq(achievements_of(&inst), 0);
    ck_assert_int_eq(audit_events_by(&inst), audits);

    /* an unknown or missing column stops at the header */
    r = import_text(&inst, "", "external_ref,title,colour\nA,b,c\n");
    ck_assert_int_eq(r->status, 422);
    ck_assert_msg(strstr(r->body, "unknown column \\\"colour\\\"") != NULL, "%s", r->body);
    ck_assert_msg(has_error(r, 1, "abstract", "missing"), "%s", r->body);
    http_reply_free(r);
}
END_TEST

START_TEST(dry_run_classifies_and_stores_nothing)
{
    struct fixture_user inst = fixture_institution("ZJ");
    char text[1024];
    snprintf(text, sizeof text, "%sD-1,成果,简介,other,other,,,1,1,lump_sum\n", HEADER_EN);
    struct http_reply *r = import_text(&inst, "?dry_run=true", text);
    ck_assert_msg(r->status == 200, "%ld %s", r->status, r->body);
    ck_assert_int_eq(reply_int(r, "created"), 1);
    http_reply_free(r);
    ck_assert_int_eq(achievements_of(&inst), 0);
    fixture_check(&inst, "POST", IMPORT "?dry_run=maybe", NULL, 415, "unsupported_media_type");
    r = import_text(&inst, "?dry_run=maybe", text);
    ck_assert_int_eq(r->status, 422);
    http_reply_free(r);
}
END_TEST

/* ---- updates and idempotence */

START_TEST(reimport_changes_nothing_and_external_ref_updates_as_patch_does)
{
    struct fixture_user inst = fixture_institution("ZJ");
    char first[1024], second[1024];
    snprintf(first, sizeof first,
             "%sR-1,导热膜,简介一,new_materials,invention_patent,,膜,6,6,lump_sum\n"
             "R-2,芯片,简介二,integrated_circuits,ic_layout,,,5,12,lump_sum\n"
             "R-3,疫苗,简介三,biomedicine,other,,,3,3,lump_sum\n",
             HEADER_EN);
    struct http_reply *r = import_text(&inst, "", first);
    ck_assert_msg(r->status == 200, "%ld %s", r->status, r->body);
    http_reply_free(r);
    const char *versions_sql =
        "SELECT string_agg(external_ref || '@' || version || status, ',' "
        "ORDER BY external_ref) FROM achievements WHERE institution_id = %lld";
    char versions[256];
    snprintf(versions, sizeof versions, "%s", fixture_sql(versions_sql, (long long)inst.org_id));
    long long audits = audit_events_by(&inst);

    r = import_text(&inst, "", first);
    ck_assert_msg(r->status == 200, "%ld %s", r->status, r->body);
    ck_assert_int_eq(reply_int(r, "created"), 0);
    ck_assert_int_eq(reply_int(r, "updated"), 0);
    ck_assert_int_eq(reply_int(r, "unchanged"), 3);
    http_reply_free(r);
    ck_assert_str_eq(fixture_sql(versions_sql, (long long)inst.org_id), versions);
    ck_assert_int_eq(audit_events_by(&inst), audits);

    /* R-2 goes through review to listed, R-3 waits in review: as PATCH, a listed one stays
     * listed when edited, and a pending one cannot be edited */
    fixture_sql("UPDATE achievements SET status = 'pending' WHERE institution_id = %lld AND "
                "external_ref IN ('R-2', 'R-3')",
                (long long)inst.org_id);
    fixture_sql("UPDATE achievements SET status = 'listed' WHERE institution_id = %lld AND "
                "external_ref = 'R-2'",
                (long long)inst.org_id);
    snprintf(second, sizeof second,
             "%sR-1,导热膜（改）,简介一,new_materials,invention_patent,,膜,6,6,lump_sum\n"
             "R-2,芯片,简介二,integrated_circuits,ic_layout,,,6,12,lump_sum\n",
             HEADER_EN);
    audits = audit_events_by(&inst);
    r = import_text(&inst, "", second);
    ck_assert_msg(r->status == 200, "%ld %s", r->status, r->body);
    ck_assert_int_eq(reply_int(r, "updated"), 2);
    http_reply_free(r);
    ck_assert_str_eq(fixture_sql(versions_sql, (long long)inst.org_id),
                     "R-1@2draft,R-2@4listed,R-3@2pending");
    ck_assert_int_eq(audit_events_by(&inst), audits + 2);
    ck_assert_str_eq(fixture_sql("SELECT (before->>'title') || '>' || (after->>'title') || ' ' || "
                                 "(before->>'version') || '>' || (after->>'version') FROM "
                                 "audit_events WHERE actor_id = %lld AND action = "
                                 "'achievement.update' ORDER BY id LIMIT 1",
                                 (long long)inst.id),
                     "导热膜>导热膜（改） 1>2");

    snprintf(second, sizeof second, "%sR-3,疫苗,简介三（改）,biomedicine,other,,,3,3,lump_sum\n",
             HEADER_EN);
    r = import_text(&inst, "", second);
    ck_assert_int_eq(r->status, 422);
    ck_assert_msg(has_error(r, 2, "external_ref", "pending"), "%s", r->body);
    http_reply_free(r);
    ck_assert_int_eq(audit_events_by(&inst), audits + 2);
}
END_TEST

/* ---- refusals */

START_TEST(bodies_over_10_mib_are_413_and_up_to_10_mib_are_read)
{
    struct fixture_user inst = fixture_institution("ZJ");
    size_t size = 10 * 1024 * 1024 + 1;
    char *big = malloc(size);
    ck_assert(big != NULL);
    memset(big, 'a', size);
    memcpy(big, "external_ref,title\n", 19);
    for (size_t i = 19; i + 1 < size; i += 40)
        big[i] = '\n';
    struct http_reply *r = post_file(&inst, IMPORT, CSV_TYPE, big, size);
    ck_assert_msg(r->status == 413, "%ld %s", r->status, r->body);
    ck_assert_str_eq(problem_code(r), "payload_too_large");
    http_reply_free(r);
    r = post_file(&inst, IMPORT, CSV_TYPE, big, size - 1);
    ck_assert_msg(r->status == 422, "%ld %s", r->status, r->body);
    http_reply_free(r);
    free(big);
    /* the JSON endpoints keep their 1 MiB */
    fixture_check(&inst, "GET", "/healthz", NULL, 200, NULL);
}
END_TEST

static const char ZIP_BOMB_PROGRAM[] =
    "import os, zipfile\n"
    "z = zipfile.ZipFile(os.environ['OUT'], 'w', zipfile.ZIP_DEFLATED)\n"
    "ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'\n"
    "rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'\n"
    "z.writestr('xl/workbook.xml', '<workbook xmlns=\"%s\" xmlns:r=\"%s\"><sheets>'\n"
    "           '<sheet name=\"a\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>' % (ns, "
    "rel))\n"
    "z.writestr('xl/_rels/workbook.xml.rels', '<Relationships xmlns=\"http://schemas.openxmlformats"
    ".org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"%s/worksheet\" "
    "Target=\"worksheets/sheet1.xml\"/></Relationships>' % rel)\n"
    "with z.open('xl/worksheets/sheet1.xml', 'w', force_zip64=True) as f:\n"
    "    f.write(('<worksheet xmlns=\"%s\"><sheetData>' % ns).encode())\n"
    "    block = b' ' * (1 << 20)\n"
    "    for _ in range(200):\n"
    "        f.write(block)\n"
    "    f.write(b'</sheetData></worksheet>')\n"
    "z.close()\n";

START_TEST(zip_bomb_and_files_that_are_no_spreadsheet_are_refused_unharmed)
{
    struct fixture_user inst = fixture_institution("ZJ");
    size_t len;
    char *bomb = python_file(ZIP_BOMB_PROGRAM, &len);
    ck_assert_msg(len < 2 * 1024 * 1024, "the bomb is %zu bytes", len);
    struct http_reply *r = post_file(&inst, IMPORT, XLSX_TYPE, bomb, len);
    ck_assert_msg(r->status == 422, "%ld %s", r->status, r->body);
    ck_assert_msg(strstr(r->body, "more than") != NULL, "%s", r->body);
    http_reply_free(r);
    free(bomb);

    static const char PNG[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06";
    r = post_file(&inst, IMPORT, XLSX_TYPE, PNG, sizeof PNG - 1);
    ck_assert_msg(r->status == 422, "%ld %s", r->status, r->body);
    ck_assert_msg(strstr(r->body, "not an .xlsx workbook") != NULL, "%s", r->body);
    http_reply_free(r);
    r = post_file(&inst, IMPORT, "image/png", PNG, sizeof PNG - 1);
    ck_assert_int_eq(r->status, 415);
    http_reply_free(r);
    r = post_file(&inst, IMPORT, CSV_TYPE, PNG, sizeof PNG - 1);
    ck_assert_msg(r->status == 422, "%ld %s", r->status, r->body);
    http_reply_free(r);
    /* an entity declaration is never expanded */
    static const char ENTITIES_PROGRAM[] =
        "import os, zipfile\n"
        "z = zipfile.ZipFile(os.environ['OUT'], 'w')\n"
        "z.writestr('xl/workbook.xml', '<!DOCTYPE w [<!ENTITY a \"aaaaaaaaaa\">'\n"
        "           '<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><workbook>&b;</workbook>')\n"
        "z.close()\n";
    char *entities = python_file(ENTITIES_PROGRAM, &len);
    r = post_file(&inst, IMPORT, XLSX_TYPE, entities, len);
    ck_assert_msg(r->status == 422, "%ld %s", r->status, r->body);
    ck_assert_msg(strstr(r->body, "document type") != NULL, "%s", r->body);
    http_reply_free(r);
    free(entities);

    fixture_check(&inst, "GET", "/healthz", NULL, 200, NULL);
    ck_assert_int_eq(achievements_of(&inst), 0);
}
END_TEST

START_TEST(only_institution_staff_import)
{
    struct fixture_user ent = fixture_enterprise("ZJ");
    struct http_reply *r = import_text(&ent, "", "external_ref\n");
    ck_assert_int_eq(r->status, 403);
    http_reply_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("import");
    TCase *tc = tcase_create("import");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, templates_are_for_institution_staff_and_read_back);
    tcase_add_test(tc, gb18030_csv_as_excel_saves_it_creates_drafts_with_audit);
    tcase_add_test(tc, utf8_csv_with_bom_and_english_headers_and_lf);
    tcase_add_test(tc, xlsx_written_by_openpyxl_imports);
    tcase_add_test(tc, errors_in_several_rows_are_all_reported_and_nothing_is_stored);
    tcase_add_test(tc, dry_run_classifies_and_stores_nothing);
    tcase_add_test(tc, reimport_changes_nothing_and_external_ref_updates_as_patch_does);
    tcase_add_test(tc, bodies_over_10_mib_are_413_and_up_to_10_mib_are_read);
    tcase_add_test(tc, zip_bomb_and_files_that_are_no_spreadsheet_are_refused_unharmed);
    tcase_add_test(tc, only_institution_staff_import);
    suite_add_tcase(s, tc);
    return harness_run_suite(s);
}
