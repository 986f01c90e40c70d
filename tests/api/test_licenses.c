/* test_licenses: licenses, payments, default and risk compensation against a real daemon —
 * the books (oldest installment first, no overpayment, settled when paid), who may see and do
 * what, and, with the service's date moved on, overdue installments, the 90-day default and
 * the compensation claim at the province's ratio. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "harness.h"

#define TODAY "2026-03-01"
/* given out of order: numbered by due date, 06-01 first */
#define TWO_INSTALLMENTS                                  \
    "[{\"due_on\":\"2026-09-01\",\"amount_fen\":200000}," \
    "{\"due_on\":\"2026-06-01\",\"amount_fen\":100000}]"
#define TOTAL 300000

static void setup(void)
{
    fixture_start_on("licenses", "TECHPOOL_TODAY=" TODAY);
}

static void setup_own_daemon(void)
{
    fixture_start_on("licenses_time", "TECHPOOL_TODAY=" TODAY);
}

static void teardown(void)
{
    ck_assert_int_eq(harness_stop(), 0);
}

/* An institution and an enterprise of the given provinces with a license between them. */
struct deal {
    struct fixture_user parties[2]; /* institution, enterprise */
    int64_t license;
};

static struct deal deal_new(const char *institution_province, const char *enterprise_province)
{
    struct deal d = { .parties = { fixture_institution(institution_province),
                                   fixture_enterprise(enterprise_province) } };
    int64_t achievement = fixture_listed_achievement(d.parties[0].org_id, 12, false);
    d.license = fixture_license(&d.parties[1], &d.parties[0], achievement, TOTAL, TWO_INSTALLMENTS);
    return d;
}

static const char *license_path(int64_t license, const char *tail)
{
    return fixture_text("/api/v1/licenses/%lld%s", (long long)license, tail);
}

static const char *payment_body(long long amount, const char *paid_on, const char *reference)
{
    return fixture_text("{\"amount_fen\":%lld,\"paid_on\":\"%s\",\"reference\":\"%s\"}", amount,
                        paid_on, reference);
}

static long long number_at(const json_t *object, const char *key)
{
    return json_integer_value(json_object_get(object, key));
}

static const char *text_at(const json_t *object, const char *key)
{
    const char *value = json_string_value(json_object_get(object, key));
    return value != NULL ? value : "(none)";
}

static json_t *installment(const struct http_reply *r, size_t index)
{
    return json_array_get(json_object_get(r->json, "installments"), index);
}

/* The names a reply about a license carries, as the license's parties hold them today. */
static void assert_names_of_license(const json_t *object, int64_t license, const char *reply)
{
    static const struct {
        const char *key;
        const char *sql;
    } NAMES[] = {
        { "achievement_title", "SELECT a.title FROM licenses l JOIN achievements a"
                               " ON a.id = l.achievement_id WHERE l.id = %lld" },
        { "institution_name", "SELECT i.name FROM licenses l JOIN institutions i"
                              " ON i.id = l.institution_id WHERE l.id = %lld" },
        { "institution_province", "SELECT institution_province FROM licenses WHERE id = %lld" },
        { "institution_contact_name", "SELECT i.contact_name FROM licenses l JOIN institutions i"
                                      " ON i.id = l.institution_id WHERE l.id = %lld" },
        { "enterprise_name", "SELECT e.name FROM licenses l JOIN enterprises e"
                             " ON e.id = l.enterprise_id WHERE l.id = %lld" },
        { "enterprise_province", "SELECT enterprise_province FROM licenses WHERE id = %lld" },
        { "enterprise_contact_name", "SELECT e.contact_name FROM licenses l JOIN enterprises e"
                                     " ON e.id = l.enterprise_id WHERE l.id = %lld" },
    };
    for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++) {
        const char *got = text_at(object, NAMES[i].key);
        const char *want = fixture_sql(NAMES[i].sql, (long long)license);
        ck_assert_msg(want != NULL && strcmp(got, want) == 0, "%s: %s is \"%s\", not \"%s\"", reply,
                      NAMES[i].key, got, want != NULL ? want : "(no row)");
    }
}

START_TEST(license_shows_installments_in_due_order_with_balances)
{
    struct deal d = deal_new("SH", "ZJ");
    struct http_reply *r = fixture_expect(&d.parties[1], "GET", license_path(d.license, ""), NULL,
                                          200, NULL);
    ck_assert_str_eq(text_at(r->json, "status"), "active");
    ck_assert_str_eq(text_at(r->json, "payment_mode"), "installments");
    ck_assert_int_eq(number_at(r->json, "total_fen"), TOTAL);
    ck_assert_int_eq(number_at(r->json, "paid_fen"), 0);
    ck_assert_int_eq(number_at(r->json, "outstanding_fen"), TOTAL);
    ck_assert_int_eq(number_at(r->json, "institution_id"), d.parties[0].org_id);
    ck_assert_int_eq(number_at(r->json, "enterprise_id"), d.parties[1].org_id);
    ck_assert_str_eq(harness_shanghai_day(text_at(r->json, "signed_at")), TODAY);
    ck_assert_str_eq(text_at(installment(r, 0), "due_on"), "2026-06-01");
    ck_assert_int_eq(number_at(installment(r, 0), "amount_fen"), 100000);
    ck_assert_int_eq(number_at(installment(r, 0), "paid_fen"), 0);
    ck_assert(json_is_false(json_object_get(installment(r, 0), "overdue")));
    ck_assert_str_eq(text_at(installment(r, 1), "due_on"), "2026-09-01");
    assert_names_of_license(r->json, d.license, "the license");
    ck_assert_str_eq(text_at(r->json, "institution_province"), "SH");
    ck_assert_str_eq(text_at(r->json, "institution_contact_name"), "王老师");
    ck_assert_str_eq(text_at(r->json, "enterprise_province"), "ZJ");
    ck_assert_str_eq(text_at(r->json, "enterprise_contact_name"), "李经理");
    http_reply_free(r);
}
END_TEST

START_TEST(license_is_visible_to_both_parties_and_their_admins_only)
{
    struct deal d = deal_new("SH", "ZJ");
    struct fixture_user seeing[] = { d.parties[0], d.parties[1], fixture_admin(),
                                     fixture_province_admin("SH"), fixture_province_admin("ZJ") };
    struct fixture_user blind[] = { fixture_institution("SH"), fixture_enterprise("ZJ"),
                                    fixture_province_admin("AH") };
    for (size_t i = 0; i < sizeof seeing / sizeof seeing[0]; i++) {
        fixture_check(&seeing[i], "GET", license_path(d.license, ""), NULL, 200, NULL);
        fixture_check(&seeing[i], "GET", license_path(d.license, "/payments"), NULL, 200, NULL);
    }
    for (size_t i = 0; i < sizeof blind / sizeof blind[0]; i++) {
        fixture_check(&blind[i], "GET", license_path(d.license, ""), NULL, 404, "not_found");
        fixture_check(&blind[i], "GET", license_path(d.license, "/payments"), NULL, 404,
                      "not_found");
        struct http_reply *r = fixture_expect(&blind[i], "GET", "/api/v1/licenses", NULL, 200,
                                              NULL);
        json_t *items = json_object_get(r->json, "items");
        for (size_t k = 0; k < json_array_size(items); k++)
            ck_assert_int_ne(number_at(json_array_get(items, k), "id"), d.license);
        http_reply_free(r);
    }
    fixture_check(NULL, "GET", license_path(d.license, ""), NULL, 401, "unauthenticated");
    struct http_reply *r = fixture_expect(&d.parties[1], "GET", "/api/v1/licenses", NULL, 200,
                                          NULL);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 1);
    http_reply_free(r);
}
END_TEST

START_TEST(payment_goes_to_the_oldest_unpaid_installment_first)
{
    struct deal d = deal_new("JS", "JS");
    struct http_reply *r = fixture_expect(&d.parties[0], "POST",
                                          license_path(d.license, "/payments"),
                                          payment_body(150000, TODAY, "银行回单 0001"), 201, NULL);
    int64_t payment = number_at(r->json, "id");
    ck_assert_int_eq(number_at(r->json, "license_id"), d.license);
    ck_assert_int_eq(number_at(r->json, "amount_fen"), 150000);
    ck_assert_str_eq(text_at(r->json, "paid_on"), TODAY);
    ck_assert_str_eq(text_at(r->json, "reference"), "银行回单 0001");
    ck_assert_int_eq(number_at(r->json, "recorded_by"), d.parties[0].id);
    assert_names_of_license(r->json, d.license, "the recorded payment");
    http_reply_free(r);
    r = fixture_expect(&d.parties[1], "GET", license_path(d.license, ""), NULL, 200, NULL);
    ck_assert_int_eq(number_at(installment(r, 0), "paid_fen"), 100000);
    ck_assert_int_eq(number_at(installment(r, 1), "paid_fen"), 50000);
    ck_assert_int_eq(number_at(r->json, "paid_fen"), 150000);
    ck_assert_int_eq(number_at(r->json, "outstanding_fen"), 150000);
    ck_assert_str_eq(text_at(r->json, "status"), "active");
    http_reply_free(r);
    r = fixture_expect(&d.parties[1], "GET", license_path(d.license, "/payments"), NULL, 200, NULL);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 1);
    ck_assert_int_eq(number_at(json_array_get(json_object_get(r->json, "items"), 0), "id"),
                     payment);
    assert_names_of_license(json_array_get(json_object_get(r->json, "items"), 0), d.license,
                            "the listed payment");
    http_reply_free(r);
    ck_assert_str_eq(fixture_sql("SELECT count(*) FROM audit_events WHERE action ="
                                 " 'payment.record' AND entity_id = %lld",
                                 (long long)payment),
                     "1");
}
END_TEST

START_TEST(overpayment_conflicts_and_changes_nothing)
{
    struct deal d = deal_new("AH", "SH");
    fixture_check(&d.parties[0], "POST", license_path(d.license, "/payments"),
                  payment_body(TOTAL + 1, TODAY, "too much"), 409, "conflict");
    fixture_check(&d.parties[0], "POST", license_path(d.license, "/payments"),
                  payment_body(TOTAL - 1, TODAY, "almost"), 201, NULL);
    fixture_check(&d.parties[0], "POST", license_path(d.license, "/payments"),
                  payment_body(2, TODAY, "one too many"), 409, "conflict");
    ck_assert_str_eq(fixture_sql("SELECT paid_fen || '/' || (SELECT sum(paid_fen) FROM"
                                 " installments WHERE license_id = %1$lld) || '/' || (SELECT"
                                 " count(*) FROM payments WHERE license_id = %1$lld) FROM"
                                 " licenses WHERE id = %1$lld",
                                 (long long)d.license),
                     "299999/299999/1");
}
END_TEST

START_TEST(full_payment_settles_the_license)
{
    struct deal d = deal_new("ZJ", "ZJ");
    fixture_check(&d.parties[0], "POST", license_path(d.license, "/payments"),
                  payment_body(100000, TODAY, "first"), 201, NULL);
    fixture_check(&d.parties[0], "POST", license_path(d.license, "/payments"),
                  payment_body(200000, TODAY, "second"), 201, NULL);
    struct http_reply *r = fixture_expect(&d.parties[1], "GET", license_path(d.license, ""), NULL,
                                          200, NULL);
    ck_assert_str_eq(text_at(r->json, "status"), "settled");
    ck_assert_int_eq(number_at(r->json, "outstanding_fen"), 0);
    http_reply_free(r);
    fixture_check(&d.parties[0], "POST", license_path(d.license, "/payments"),
                  payment_body(1, TODAY, "after"), 409, "invalid_transition");
    fixture_check(&d.parties[0], "POST", license_path(d.license, "/default"), "{\"reason\":\"x\"}",
                  409, "invalid_transition");
    ck_assert_str_eq(fixture_sql("SELECT count(*) FROM audit_events WHERE action ="
                                 " 'license.settle' AND entity_id = %lld",
                                 (long long)d.license),
                     "1");
}
END_TEST

START_TEST(payment_refusals_change_nothing)
{
    struct deal d = deal_new("SH", "SH");
    struct fixture_user other = fixture_institution("SH");
    struct fixture_user sh_admin = fixture_province_admin("SH");
    const struct fixture_user *inst = &d.parties[0];
    char path[64];
    snprintf(path, sizeof path, "%s", license_path(d.license, "/payments"));
    fixture_check(&d.parties[1], "POST", path, payment_body(1, TODAY, "r"), 403, "forbidden");
    fixture_check(&sh_admin, "POST", path, payment_body(1, TODAY, "r"), 403, "forbidden");
    fixture_check(&other, "POST", path, payment_body(1, TODAY, "r"), 404, "not_found");
    fixture_check(inst, "POST", "/api/v1/licenses/999999/payments", payment_body(1, TODAY, "r"),
                  404, "not_found");
    fixture_check(inst, "POST", path, payment_body(0, TODAY, "r"), 422, "invalid_field");
    fixture_check(inst, "POST", path, payment_body(-5, TODAY, "r"), 422, "invalid_field");
    fixture_check(inst, "POST", path, payment_body(1, "2026-03-02", "r"), 422, "invalid_field");
    fixture_check(inst, "POST", path, payment_body(1, "2026-13-01", "r"), 422, "invalid_field");
    fixture_check(inst, "POST", path, "{\"amount_fen\":1,\"paid_on\":\"" TODAY "\"}", 422,
                  "invalid_field");
    fixture_check(inst, "POST", path,
                  "{\"amount_fen\":1.5,\"paid_on\":\"" TODAY "\","
                  "\"reference\":\"\"}",
                  422, "invalid_field");
    fixture_check(NULL, "POST", path, payment_body(1, TODAY, "r"), 401, "unauthenticated");
    ck_assert_str_eq(fixture_sql("SELECT count(*) FROM payments WHERE license_id = %lld",
                                 (long long)d.license),
                     "0");
}
END_TEST

START_TEST(licenses_list_filters_by_status_and_pages)
{
    struct fixture_user inst = fixture_institution("AH");
    struct fixture_user ent = fixture_enterprise("AH");
    int64_t ids[3];
    for (int i = 0; i < 3; i++)
        ids[i] = fixture_license(&ent, &inst, fixture_listed_achievement(inst.org_id, 12, false),
                                 TOTAL, TWO_INSTALLMENTS);
    fixture_check(&inst, "POST", license_path(ids[1], "/payments"),
                  payment_body(TOTAL, TODAY, "all"), 201, NULL);
    struct http_reply *r = fixture_expect(&ent, "GET", "/api/v1/licenses?status=settled", NULL, 200,
                                          NULL);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 1);
    ck_assert_int_eq(number_at(json_array_get(json_object_get(r->json, "items"), 0), "id"), ids[1]);
    assert_names_of_license(json_array_get(json_object_get(r->json, "items"), 0), ids[1],
                            "the listed license");
    http_reply_free(r);
    r = fixture_expect(&ent, "GET", "/api/v1/licenses?status=active&limit=1", NULL, 200, NULL);
    ck_assert_int_eq(number_at(json_array_get(json_object_get(r->json, "items"), 0), "id"), ids[2]);
    const char *next = json_string_value(json_object_get(r->json, "next_cursor"));
    ck_assert_ptr_nonnull(next);
    struct http_reply *page2 = fixture_expect(
        &ent, "GET", fixture_text("/api/v1/licenses?status=active&limit=1&cursor=%s", next), NULL,
        200, NULL);
    ck_assert_int_eq(number_at(json_array_get(json_object_get(page2->json, "items"), 0), "id"),
                     ids[0]);
    ck_assert(json_is_null(json_object_get(page2->json, "next_cursor")));
    http_reply_free(page2);
    http_reply_free(r);
    fixture_check(&ent, "GET", "/api/v1/licenses?status=paid", NULL, 422, "invalid_field");
    fixture_check(&ent, "GET", "/api/v1/licenses?cursor=forged", NULL, 422, "invalid_field");
}
END_TEST

START_TEST(default_is_refused_until_an_installment_is_90_days_overdue)
{
    struct deal d = deal_new("SH", "JS");
    struct fixture_user *inst = &d.parties[0];
    char path[64];
    snprintf(path, sizeof path, "%s", license_path(d.license, "/default"));
    fixture_check(inst, "POST", path, "{\"reason\":\"逾期未付\"}", 409, "invalid_transition");
    fixture_check(inst, "POST", path, "{}", 422, "invalid_field");
    fixture_check(&d.parties[1], "POST", path, "{\"reason\":\"x\"}", 403, "forbidden");
    fixture_check(inst, "POST", license_path(d.license, "/payments"),
                  payment_body(50000, TODAY, "part"), 201, NULL);
    /* 2026-06-01 + 89 days: overdue, not yet 90 days */
    fixture_restart_on("TECHPOOL_TODAY=2026-08-29", d.parties, 2);
    struct http_reply *r = fixture_expect(&d.parties[1], "GET", license_path(d.license, ""), NULL,
                                          200, NULL);
    ck_assert(json_is_true(json_object_get(installment(r, 0), "overdue")));
    ck_assert(json_is_false(json_object_get(installment(r, 1), "overdue")));
    http_reply_free(r);
    fixture_check(inst, "POST", path, "{\"reason\":\"逾期未付\"}", 409, "invalid_transition");
    ck_assert_str_eq(fixture_sql("SELECT status FROM licenses WHERE id = %lld",
                                 (long long)d.license),
                     "active");

    fixture_restart_on("TECHPOOL_TODAY=2026-08-30", d.parties, 2);
    r = fixture_expect(inst, "POST", path, "{\"reason\":\"逾期未付\"}", 201, NULL);
    json_t *claim = json_object_get(r->json, "compensation");
    ck_assert_str_eq(text_at(claim, "status"), "pending");
    ck_assert_str_eq(text_at(claim, "province"), "SH");
    ck_assert_int_eq(number_at(claim, "outstanding_fen"), 250000);
    ck_assert_int_eq(number_at(claim, "ratio_bp"), 5000);
    ck_assert_int_eq(number_at(claim, "amount_fen"), 125000);
    ck_assert_str_eq(text_at(claim, "reason"), "逾期未付");
    assert_names_of_license(claim, d.license, "the opened claim");
    /* the license in brief: of two installments only the first (06-01) is past due */
    json_t *license = json_object_get(claim, "license");
    ck_assert_int_eq(number_at(license, "id"), d.license);
    ck_assert_str_eq(text_at(license, "status"), "defaulted");
    ck_assert_int_eq(number_at(license, "total_fen"), TOTAL);
    ck_assert_int_eq(number_at(license, "paid_fen"), 50000);
    json_t *overdue = json_object_get(license, "overdue_installments");
    ck_assert_uint_eq(json_array_size(overdue), 1);
    ck_assert_int_eq(number_at(json_array_get(overdue, 0), "seq"), 1);
    ck_assert_str_eq(text_at(json_array_get(overdue, 0), "due_on"), "2026-06-01");
    ck_assert_int_eq(number_at(json_array_get(overdue, 0), "amount_fen"), 100000);
    ck_assert_int_eq(number_at(json_array_get(overdue, 0), "paid_fen"), 50000);
    ck_assert_int_eq(number_at(json_array_get(overdue, 0), "days_overdue"), 90);
    ck_assert_uint_eq(json_array_size(json_object_get(license, "reports_overdue")), 0);
    http_reply_free(r);
    r = fixture_expect(inst, "GET", license_path(d.license, ""), NULL, 200, NULL);
    ck_assert_str_eq(text_at(r->json, "status"), "defaulted");
    ck_assert_str_eq(harness_shanghai_day(text_at(r->json, "defaulted_at")), "2026-08-30");
    http_reply_free(r);
    fixture_check(inst, "POST", path, "{\"reason\":\"again\"}", 409, "invalid_transition");
    fixture_check(inst, "POST", license_path(d.license, "/payments"),
                  payment_body(1, "2026-08-30", "late"), 409, "invalid_transition");
    ck_assert_str_eq(fixture_sql("SELECT count(*) FROM audit_events WHERE action IN"
                                 " ('license.default', 'compensation.open')"),
                     "2");
}
END_TEST

START_TEST(compensation_follows_the_province_ratio_and_its_admins_decide)
{
    fixture_sql("UPDATE province_compensation_ratios SET ratio_bp = 7000 WHERE province = 'ZJ'");
    struct deal zj = deal_new("ZJ", "SH");
    struct deal sh = deal_new("SH", "ZJ");
    struct fixture_user users[] = { zj.parties[0],
                                    zj.parties[1],
                                    sh.parties[0],
                                    sh.parties[1],
                                    fixture_admin(),
                                    fixture_province_admin("ZJ"),
                                    fixture_province_admin("SH"),
                                    fixture_province_admin("AH") };
    fixture_restart_on("TECHPOOL_TODAY=2027-06-01", users, 8);
    struct fixture_user *admin = &users[4], *zj_admin = &users[5], *sh_admin = &users[6],
                        *ah_admin = &users[7];
    struct http_reply *r = fixture_expect(&users[0], "POST", license_path(zj.license, "/default"),
                                          "{\"reason\":\"停产\"}", 201, NULL);
    json_t *claim = json_object_get(r->json, "compensation");
    int64_t zj_claim = number_at(claim, "id");
    ck_assert_int_eq(number_at(claim, "ratio_bp"), 7000);
    ck_assert_int_eq(number_at(claim, "amount_fen"), TOTAL * 7 / 10);
    http_reply_free(r);
    r = fixture_expect(&users[2], "POST", license_path(sh.license, "/default"),
                       "{\"reason\":\"失联\"}", 201, NULL);
    int64_t sh_claim = number_at(json_object_get(r->json, "compensation"), "id");
    ck_assert_int_eq(number_at(json_object_get(r->json, "compensation"), "amount_fen"), TOTAL / 2);
    http_reply_free(r);

    struct {
        struct fixture_user *who;
        size_t count;
    } lists[] = { { admin, 2 }, { zj_admin, 1 }, { sh_admin, 1 }, { ah_admin, 0 } };
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        r = fixture_expect(lists[i].who, "GET", "/api/v1/compensations?status=pending", NULL, 200,
                           NULL);
        ck_assert_uint_eq(json_array_size(json_object_get(r->json, "items")), lists[i].count);
        http_reply_free(r);
    }
    fixture_check(&users[0], "GET", "/api/v1/compensations", NULL, 403, "forbidden");
    /* one claim: for its province's admin and the admin; not found for another province */
    const char *claim_path = fixture_text("/api/v1/compensations/%lld", (long long)zj_claim);
    char one_zj[64];
    snprintf(one_zj, sizeof one_zj, "%s", claim_path);
    struct fixture_user *readers[] = { zj_admin, admin };
    for (size_t i = 0; i < 2; i++) {
        r = fixture_expect(readers[i], "GET", one_zj, NULL, 200, NULL);
        ck_assert_int_eq(number_at(r->json, "id"), zj_claim);
        ck_assert_str_eq(text_at(r->json, "status"), "pending");
        ck_assert_int_eq(number_at(r->json, "amount_fen"), TOTAL * 7 / 10);
        assert_names_of_license(r->json, zj.license, "the claim");
        ck_assert_str_eq(text_at(r->json, "reason"), "停产");
        /* 2026-06-01 and 2026-09-01, both unpaid a year on */
        json_t *overdue = json_object_get(json_object_get(r->json, "license"),
                                          "overdue_installments");
        ck_assert_uint_eq(json_array_size(overdue), 2);
        ck_assert_int_eq(number_at(json_array_get(overdue, 1), "amount_fen"), 200000);
        http_reply_free(r);
    }
    fixture_check(sh_admin, "GET", one_zj, NULL, 404, "not_found");
    fixture_check(&users[0], "GET", one_zj, NULL, 403, "forbidden");
    fixture_check(NULL, "GET", one_zj, NULL, 401, "unauthenticated");
    fixture_check(admin, "GET", "/api/v1/compensations/999999", NULL, 404, "not_found");
    const char *approve = fixture_text("/api/v1/compensations/%lld/approve", (long long)zj_claim);
    char approve_zj[64];
    snprintf(approve_zj, sizeof approve_zj, "%s", approve);
    fixture_check(sh_admin, "POST", approve_zj, NULL, 404, "not_found");
    fixture_check(&users[0], "POST", approve_zj, NULL, 403, "forbidden");
    r = fixture_expect(zj_admin, "POST", approve_zj, NULL, 200, NULL);
    ck_assert_str_eq(text_at(r->json, "status"), "approved");
    ck_assert_int_eq(number_at(r->json, "decided_by"), zj_admin->id);
    ck_assert_str_eq(harness_shanghai_day(text_at(r->json, "decided_at")), "2027-06-01");
    http_reply_free(r);
    fixture_check(admin, "POST", approve_zj, NULL, 409, "invalid_transition");
    const char *reject = fixture_text("/api/v1/compensations/%lld/reject", (long long)sh_claim);
    fixture_check(admin, "POST", reject, "{}", 422, "invalid_field");
    r = fixture_expect(admin, "POST", reject, "{\"reason\":\"材料不全\"}", 200, NULL);
    ck_assert_str_eq(text_at(r->json, "status"), "rejected");
    ck_assert_str_eq(text_at(r->json, "decision_reason"), "材料不全");
    http_reply_free(r);
    r = fixture_expect(admin, "GET", "/api/v1/compensations?status=approved", NULL, 200, NULL);
    ck_assert_int_eq(number_at(json_array_get(json_object_get(r->json, "items"), 0), "id"),
                     zj_claim);
    assert_names_of_license(json_array_get(json_object_get(r->json, "items"), 0), zj.license,
                            "the listed claim");
    http_reply_free(r);
    ck_assert_str_eq(fixture_sql("SELECT count(*) FROM audit_events WHERE action IN"
                                 " ('compensation.approve', 'compensation.reject')"),
                     "2");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("licenses");
    TCase *tc = tcase_create("licenses");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, license_shows_installments_in_due_order_with_balances);
    tcase_add_test(tc, license_is_visible_to_both_parties_and_their_admins_only);
    tcase_add_test(tc, payment_goes_to_the_oldest_unpaid_installment_first);
    tcase_add_test(tc, overpayment_conflicts_and_changes_nothing);
    tcase_add_test(tc, full_payment_settles_the_license);
    tcase_add_test(tc, payment_refusals_change_nothing);
    tcase_add_test(tc, licenses_list_filters_by_status_and_pages);
    suite_add_tcase(s, tc);
    TCase *time = tcase_create("time");
    tcase_add_checked_fixture(time, setup_own_daemon, teardown);
    tcase_set_timeout(time, 120);
    tcase_add_test(time, default_is_refused_until_an_installment_is_90_days_overdue);
    tcase_add_test(time, compensation_follows_the_province_ratio_and_its_admins_decide);
    suite_add_tcase(s, time);
    return harness_run_suite(s);
}
