/* test_open_licenses: patent open licensing against a real daemon — who declares what (patent
 * kinds and numbers, the national fee guidance, exclusivity, one active declaration), taking a
 * license at once, withdrawal that leaves taken licenses intact — and the recording and
 * registration of licenses. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "harness.h"

#define TODAY "2026-03-01"
#define PATENT "ZL202110123456.7"
#define OTHER_PATENT "ZL202010654321.9"
#define DECLARE_LUMP_SUM                                              \
    "{\"patent_numbers\":[\"" PATENT "\"],\"fee_kind\":\"lump_sum\"," \
    "\"fee_fen\":3000000,\"years\":5}"

static void setup(void)
{
    fixture_start_on("open_licenses", "TECHPOOL_TODAY=" TODAY);
}

static void teardown(void)
{
    ck_assert_int_eq(harness_stop(), 0);
}

static const char *text_at(const json_t *object, const char *key)
{
    const char *value = json_string_value(json_object_get(object, key));
    return value != NULL ? value : "(none)";
}

/* The field named by the first error of a refusal. */
static const char *error_field(const struct http_reply *r)
{
    return text_at(json_array_get(json_object_get(r->json, "errors"), 0), "field");
}

/* A listed invention patent of the institution with PATENT and OTHER_PATENT. */
static int64_t patented(int64_t institution_id, bool exclusive)
{
    int64_t id = fixture_listed_achievement(institution_id, 12, exclusive);
    fixture_sql("UPDATE achievements SET patent_numbers = '{" PATENT "," OTHER_PATENT "}'"
                " WHERE id = %lld",
                (long long)id);
    return id;
}

static const char *declare_path(int64_t achievement)
{
    return fixture_text("/api/v1/achievements/%lld/open-licenses", (long long)achievement);
}

static int64_t declared(const struct fixture_user *inst, int64_t achievement, const char *body)
{
    struct http_reply *r = fixture_expect(inst, "POST", declare_path(achievement), body, 201, NULL);
    int64_t id = json_integer_value(json_object_get(r->json, "id"));
    http_reply_free(r);
    return id;
}

static void expect_refused(const struct fixture_user *user, const char *path, const char *body,
                           long status, const char *code, const char *field)
{
    struct http_reply *r = fixture_expect(user, "POST", path, body, status, code);
    ck_assert_str_eq(error_field(r), field);
    http_reply_free(r);
}

START_TEST(a_declaration_follows_the_law_and_the_guidance)
{
    struct fixture_user inst = fixture_institution("SH");
    struct fixture_user stranger = fixture_institution("JS");
    int64_t achievement = patented(inst.org_id, false);
    const char *path = declare_path(achievement);
    /* patents of the achievement only, of a patent kind */
    expect_refused(&inst, path,
                   "{\"patent_numbers\":[\"ZL201310123456.2\"],\"fee_kind\":\"lump_sum\","
                   "\"fee_fen\":100,\"years\":5}",
                   422, "invalid_field", "patent_numbers");
    int64_t software = fixture_listed_achievement(inst.org_id, 12, false);
    fixture_sql("UPDATE achievements SET kind = 'software_copyright' WHERE id = %lld",
                (long long)software);
    expect_refused(&inst, declare_path(software), DECLARE_LUMP_SUM, 422, "invalid_field", "kind");
    /* a fee, or a rate, exactly where the kind has one */
    expect_refused(&inst, path,
                   "{\"patent_numbers\":[\"" PATENT "\"],\"fee_kind\":\"royalty\","
                   "\"fee_fen\":100,\"royalty_bp\":300,\"years\":5}",
                   422, "invalid_field", "fee_fen");
    expect_refused(&inst, path,
                   "{\"patent_numbers\":[\"" PATENT "\"],\"fee_kind\":\"lump_sum\","
                   "\"fee_fen\":100,\"royalty_bp\":300,\"years\":5}",
                   422, "invalid_field", "royalty_bp");
    expect_refused(&inst, path,
                   "{\"patent_numbers\":[\"" PATENT "\"],\"fee_kind\":\"entry_plus_royalty\","
                   "\"fee_fen\":100,\"years\":5}",
                   422, "invalid_field", "royalty_bp");
    /* above the national guidance only with a public reason */
    expect_refused(&inst, path,
                   "{\"patent_numbers\":[\"" PATENT "\"],\"fee_kind\":\"lump_sum\","
                   "\"fee_fen\":2000000001,\"years\":5}",
                   422, "above_guideline", "fee_fen");
    expect_refused(&inst, path,
                   "{\"patent_numbers\":[\"" PATENT "\"],\"fee_kind\":\"royalty\","
                   "\"royalty_bp\":2001,\"years\":5}",
                   422, "above_guideline", "royalty_bp");
    fixture_check(&stranger, "POST", path, DECLARE_LUMP_SUM, 403, "forbidden");
    ck_assert_str_eq(fixture_sql("SELECT count(*) FROM open_license_declarations"), "0");

    /* 40 % of profit is within the guidance */
    struct http_reply *r = fixture_expect(
        &inst, "POST", path,
        "{\"patent_numbers\":[\"" PATENT "\"],\"fee_kind\":\"royalty\",\"royalty_bp\":4000,"
        "\"royalty_base\":\"profit\",\"years\":8,\"announcement_number\":\"CN-OL-2026-001\"}",
        201, NULL);
    ck_assert_str_eq(text_at(r->json, "status"), "active");
    ck_assert_str_eq(text_at(r->json, "declared_on"), TODAY);
    http_reply_free(r);
    r = fixture_expect(NULL, "GET",
                       fixture_text("/api/v1/achievements/%lld", (long long)achievement), NULL, 200,
                       NULL);
    ck_assert(json_is_true(json_object_get(r->json, "open_license")));
    http_reply_free(r);
    /* one active declaration; never exclusive and open at once; the flag is not written */
    fixture_check(&inst, "POST", path, DECLARE_LUMP_SUM, 409, "conflict");
    const char *edit = fixture_text("/api/v1/achievements/%lld", (long long)achievement);
    fixture_check(&inst, "PATCH", edit, "{\"exclusive\":true}", 409, "exclusive_conflict");
    fixture_check(&inst, "PATCH", edit, "{\"open_license\":false}", 422, "invalid_field");
    int64_t exclusive = patented(inst.org_id, true);
    fixture_check(&inst, "POST", declare_path(exclusive), DECLARE_LUMP_SUM, 409,
                  "exclusive_conflict");
    /* a large fee with its reason, shown publicly */
    int64_t big = patented(inst.org_id, false);
    r = fixture_expect(&inst, "POST", declare_path(big),
                       "{\"patent_numbers\":[\"" PATENT "\"],\"fee_kind\":\"lump_sum\","
                       "\"fee_fen\":3000000000,\"years\":5,"
                       "\"guideline_exception\":\"核心工艺专利包，研发投入逾五亿元\"}",
                       201, NULL);
    long long id = json_integer_value(json_object_get(r->json, "id"));
    http_reply_free(r);
    r = fixture_expect(NULL, "GET", fixture_text("/api/v1/open-licenses/%lld", id), NULL, 200,
                       NULL);
    ck_assert_str_eq(text_at(r->json, "guideline_exception"), "核心工艺专利包，研发投入逾五亿元");
    http_reply_free(r);
    r = fixture_expect(NULL, "GET", "/api/v1/open-licenses?status=active", NULL, 200, NULL);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 2);
    http_reply_free(r);
}
END_TEST

START_TEST(taking_gives_an_active_license_at_once_and_withdrawal_keeps_it)
{
    struct fixture_user inst = fixture_institution("ZJ");
    struct fixture_user ent = fixture_enterprise("AH");
    struct fixture_user late = fixture_enterprise("JS");
    int64_t achievement = patented(inst.org_id, false);
    int64_t declaration = declared(&inst, achievement, DECLARE_LUMP_SUM);
    const char *take = fixture_text("/api/v1/open-licenses/%lld/take", (long long)declaration);
    fixture_check(&inst, "POST", take, NULL, 403, "forbidden");
    struct http_reply *r = fixture_expect(&ent, "POST", take, NULL, 201, NULL);
    json_t *license = json_object_get(r->json, "license");
    long long license_id = json_integer_value(json_object_get(license, "id"));
    ck_assert_str_eq(text_at(license, "status"), "active");
    ck_assert_str_eq(text_at(license, "source"), "open_license");
    ck_assert_int_eq(json_integer_value(json_object_get(license, "open_license_id")), declaration);
    ck_assert(json_is_false(json_object_get(license, "exclusive")));
    ck_assert_str_eq(text_at(license, "signed_on"), TODAY);
    const json_t *due = json_array_get(json_object_get(license, "installments"), 0);
    ck_assert_str_eq(text_at(due, "due_on"), "2026-03-31");
    ck_assert_int_eq(json_integer_value(json_object_get(due, "amount_fen")), 3000000);
    http_reply_free(r);
    fixture_check(&ent, "POST", take, NULL, 409, "conflict");
    ck_assert_str_eq(fixture_sql("SELECT count(*) FROM notifications n JOIN users u"
                                 " ON u.id = n.user_id WHERE n.kind = 'open_license.taken'"
                                 " AND u.institution_id = %lld",
                                 (long long)inst.org_id),
                     "1");

    /* withdrawn: no new licenses, the one taken stays as it was */
    const char *withdraw = fixture_text("/api/v1/open-licenses/%lld/withdraw",
                                        (long long)declaration);
    fixture_check(&late, "POST", withdraw, NULL, 403, "forbidden");
    fixture_check(&inst, "POST", withdraw, NULL, 200, NULL);
    fixture_check(&inst, "POST", withdraw, NULL, 409, "invalid_transition");
    fixture_check(&late, "POST", take, NULL, 409, "invalid_transition");
    r = fixture_expect(&ent, "GET", fixture_text("/api/v1/licenses/%lld", license_id), NULL, 200,
                       NULL);
    ck_assert_str_eq(text_at(r->json, "status"), "active");
    ck_assert_int_eq(json_integer_value(json_object_get(r->json, "total_fen")), 3000000);
    http_reply_free(r);
    ck_assert_str_eq(fixture_sql("SELECT open_license FROM achievements WHERE id = %lld",
                                 (long long)achievement),
                     "f");
    /* and the payments of a taken license work as any other's */
    fixture_check(&inst, "POST", fixture_text("/api/v1/licenses/%lld/payments", license_id),
                  "{\"amount_fen\":3000000,\"paid_on\":\"" TODAY "\",\"reference\":\"开放许可费\"}",
                  201, NULL);
    ck_assert_str_eq(fixture_sql("SELECT status FROM licenses WHERE id = %lld", license_id),
                     "settled");
}
END_TEST

START_TEST(a_license_of_a_patent_is_recorded_and_registered)
{
    struct fixture_user inst = fixture_institution("SH");
    struct fixture_user ent = fixture_enterprise("SH");
    int64_t achievement = patented(inst.org_id, false);
    int64_t declaration = declared(&inst, achievement, DECLARE_LUMP_SUM);
    struct http_reply *r = fixture_expect(&ent, "POST",
                                          fixture_text("/api/v1/open-licenses/%lld/take",
                                                       (long long)declaration),
                                          NULL, 201, NULL);
    json_t *license = json_object_get(r->json, "license");
    long long id = json_integer_value(json_object_get(license, "id"));
    ck_assert_str_eq(text_at(license, "recording_due_on"), "2026-06-01");
    ck_assert_str_eq(text_at(json_object_get(license, "recording"), "status"), "pending");
    ck_assert(json_is_null(json_object_get(license, "registration")));
    http_reply_free(r);
    r = fixture_expect(&inst, "GET", "/api/v1/licenses?recording=pending", NULL, 200, NULL);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 1);
    http_reply_free(r);
    fixture_check(&inst, "GET", "/api/v1/licenses?recording=late", NULL, 422, "invalid_field");

    struct fixture_user parties[] = { inst, ent };
    fixture_restart_on("TECHPOOL_TODAY=2026-06-02", parties, 2);
    r = fixture_expect(&parties[0], "GET", "/api/v1/licenses?recording=overdue", NULL, 200, NULL);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 1);
    http_reply_free(r);
    /* the institution hears of it once, the enterprise not at all */
    const char *notices = "SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id"
                          " WHERE n.kind = 'recording.overdue' AND u.%s = %lld";
    fixture_sql("SELECT set_config('techpool.today', '2026-06-02', false),"
                " notifications_scan_deadlines(), notifications_scan_deadlines()");
    ck_assert_str_eq(fixture_sql(notices, "institution_id", (long long)inst.org_id), "1");
    ck_assert_str_eq(fixture_sql(notices, "enterprise_id", (long long)ent.org_id), "0");
    const char *recording = fixture_text("/api/v1/licenses/%lld/recording", id);
    fixture_check(&parties[1], "PUT", recording,
                  "{\"record_number\":\"2026310000123\",\"recorded_on\":\"2026-06-01\"}", 403,
                  "forbidden");
    fixture_check(&parties[0], "PUT", recording,
                  "{\"record_number\":\"2026310000123\",\"recorded_on\":\"2026-02-27\"}", 422,
                  "invalid_field");
    r = fixture_expect(&parties[0], "PUT", recording,
                       "{\"record_number\":\"2026310000123\",\"recorded_on\":\"2026-06-01\"}", 200,
                       NULL);
    const json_t *record = json_object_get(r->json, "recording");
    ck_assert_str_eq(text_at(record, "status"), "done");
    ck_assert_str_eq(text_at(record, "record_number"), "2026310000123");
    http_reply_free(r);

    const char *registration = fixture_text("/api/v1/licenses/%lld/registration", id);
    fixture_check(&parties[1], "PUT", registration,
                  "{\"registration_number\":\"2026310101000456\",\"registered_on\":\"2026-05-20\","
                  "\"registry_province\":\"FJ\",\"contract_amount_fen\":3000000}",
                  422, "invalid_field");
    r = fixture_expect(&parties[1], "PUT", registration,
                       "{\"registration_number\":\"2026310101000456\","
                       "\"registered_on\":\"2026-05-20\",\"registry_province\":\"SH\","
                       "\"contract_amount_fen\":3000000}",
                       200, NULL);
    const json_t *registered = json_object_get(r->json, "registration");
    ck_assert_str_eq(text_at(registered, "registry_province"), "SH");
    ck_assert_int_eq(json_integer_value(json_object_get(registered, "contract_amount_fen")),
                     3000000);
    http_reply_free(r);
    ck_assert_str_eq(fixture_sql("SELECT count(*) FROM audit_events WHERE entity_id = %lld"
                                 " AND action IN ('license.record', 'license.register')",
                                 id),
                     "2");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("open_licenses");
    TCase *tc = tcase_create("open_licenses");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, a_declaration_follows_the_law_and_the_guidance);
    tcase_add_test(tc, taking_gives_an_active_license_at_once_and_withdrawal_keeps_it);
    tcase_add_test(tc, a_license_of_a_patent_is_recorded_and_registered);
    suite_add_tcase(s, tc);
    return harness_run_suite(s);
}
