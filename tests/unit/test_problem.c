/* test_problem: the table of error codes against the contract, problem+json documents as
 * rendered, read back with jansson, and the replies that carry them. */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "http/reply.h"

static json_t *parse(const char *text, size_t len)
{
    json_error_t error;
    json_t *doc = json_loadb(text, len, 0, &error);
    ck_assert_msg(doc != NULL, "not JSON (%s): %.*s", error.text, (int)len, text);
    ck_assert_msg(json_is_object(doc), "not an object: %.*s", (int)len, text);
    return doc;
}

static const char *member_string(const json_t *doc, const char *name)
{
    const json_t *value = json_object_get(doc, name);
    ck_assert_msg(json_is_string(value), "\"%s\" is missing or not a string", name);
    return json_string_value(value);
}

START_TEST(render_has_every_member)
{
    json_t *errors = json_pack("[{s:s, s:s}]", "field", "credit_code", "message",
                               "check digit mismatch");
    ck_assert_ptr_nonnull(errors);
    char *text = problem_render(ERR_INVALID_FIELD, "invalid field: credit_code", errors);
    ck_assert_ptr_nonnull(text);
    json_t *doc = parse(text, strlen(text));

    ck_assert_str_eq(member_string(doc, "type"), "about:blank");
    ck_assert_str_eq(member_string(doc, "title"), "Unprocessable Content");
    ck_assert(json_is_integer(json_object_get(doc, "status")));
    ck_assert_int_eq(json_integer_value(json_object_get(doc, "status")), 422);
    ck_assert_str_eq(member_string(doc, "code"), "invalid_field");
    ck_assert_str_eq(member_string(doc, "detail"), "invalid field: credit_code");
    const json_t *list = json_object_get(doc, "errors");
    ck_assert(json_is_array(list));
    ck_assert_uint_eq(json_array_size(list), 1);
    ck_assert_str_eq(member_string(json_array_get(list, 0), "field"), "credit_code");
    ck_assert_str_eq(member_string(json_array_get(list, 0), "message"), "check digit mismatch");
    ck_assert_uint_eq(json_object_size(doc), 6);

    /* errors is borrowed: still ours after the call */
    ck_assert_uint_eq(errors->refcount, 1);
    json_decref(errors);
    json_decref(doc);
    free(text);
}
END_TEST

START_TEST(render_leaves_out_absent_detail_and_errors)
{
    char *text = problem_render(ERR_NOT_FOUND, NULL, NULL);
    ck_assert_ptr_nonnull(text);
    json_t *doc = parse(text, strlen(text));
    ck_assert_str_eq(member_string(doc, "type"), "about:blank");
    ck_assert_str_eq(member_string(doc, "title"), "Not Found");
    ck_assert_int_eq(json_integer_value(json_object_get(doc, "status")), 404);
    ck_assert_str_eq(member_string(doc, "code"), "not_found");
    ck_assert_ptr_null(json_object_get(doc, "detail"));
    ck_assert_ptr_null(json_object_get(doc, "errors"));
    json_decref(doc);
    free(text);
}
END_TEST

START_TEST(render_keeps_chinese_and_quotes_intact)
{
    const char *detail = "名称\"芯片\"已存在\n";
    char *text = problem_render(ERR_CONFLICT, detail, NULL);
    ck_assert_ptr_nonnull(text);
    json_t *doc = parse(text, strlen(text));
    ck_assert_str_eq(member_string(doc, "detail"), detail);
    json_decref(doc);
    free(text);
}
END_TEST

START_TEST(titles_follow_the_status)
{
    static const struct {
        int status;
        const char *title;
    } cases[] = {
        { 400, "Bad Request" },
        { 401, "Unauthorized" },
        { 403, "Forbidden" },
        { 404, "Not Found" },
        { 405, "Method Not Allowed" },
        { 409, "Conflict" },
        { 412, "Precondition Failed" },
        { 413, "Content Too Large" },
        { 415, "Unsupported Media Type" },
        { 422, "Unprocessable Content" },
        { 429, "Too Many Requests" },
        { 503, "Service Unavailable" },
        { 500, "Internal Server Error" },
        { 502, "Internal Server Error" },
    };
    for (int err = 0; err < API_ERROR_COUNT; err++) {
        int status = api_error_status((enum api_error)err);
        size_t i = 0;
        while (i < sizeof cases / sizeof cases[0] && cases[i].status != status)
            i++;
        ck_assert_msg(i < sizeof cases / sizeof cases[0], "%s: status %d has no known title",
                      api_error_code((enum api_error)err), status);
        ck_assert_msg(strcmp(api_error_title((enum api_error)err), cases[i].title) == 0,
                      "%s (%d): expected %s, got %s", api_error_code((enum api_error)err), status,
                      cases[i].title, api_error_title((enum api_error)err));
    }
}
END_TEST

/* The codes of api.md, "Conventions", with the status that the contract fixes (0: the code's
 * status is left to the endpoint). */
static const struct {
    const char *code;
    int status;
} CONTRACT[] = {
    { "bad_request", 0 },
    { "invalid_json", 0 },
    { "invalid_field", 0 },
    { "unauthenticated", 0 },
    { "forbidden", 0 },
    { "not_found", 0 },
    { "method_not_allowed", 0 },
    { "conflict", 0 },
    { "invalid_transition", 409 },
    { "idempotency_conflict", 0 },
    { "precondition_failed", 0 },
    { "payload_too_large", 413 },
    { "unsupported_media_type", 415 },
    { "rate_limited", 0 },
    { "unavailable", 0 },
    { "internal", 0 },
    { "not_sme", 403 },
    { "above_guideline", 422 },
    { "exclusive_conflict", 409 },
};
#define CONTRACT_COUNT (sizeof CONTRACT / sizeof CONTRACT[0])

START_TEST(every_error_has_a_row_of_the_contract)
{
    for (int err = 0; err < API_ERROR_COUNT; err++) {
        const char *code = api_error_code((enum api_error)err);
        int status = api_error_status((enum api_error)err);
        ck_assert_msg(code != NULL, "error %d has no row", err);
        ck_assert_msg(status >= 400 && status <= 599, "%s: status %d is not an error", code,
                      status);
        size_t i = 0;
        while (i < CONTRACT_COUNT && strcmp(CONTRACT[i].code, code) != 0)
            i++;
        ck_assert_msg(i < CONTRACT_COUNT, "error %d: code %s is not in the contract", err, code);
        ck_assert_msg(CONTRACT[i].status == 0 || CONTRACT[i].status == status,
                      "%s: status %d, the contract says %d", code, status, CONTRACT[i].status);
        /* the internal fallback of an unknown value must not hide a missing row */
        ck_assert_msg(err == ERR_INTERNAL || strcmp(code, "internal") != 0,
                      "error %d has no row of its own", err);
    }
}
END_TEST

START_TEST(every_contract_code_has_an_error)
{
    for (size_t i = 0; i < CONTRACT_COUNT; i++) {
        bool found = false;
        for (int err = 0; err < API_ERROR_COUNT; err++)
            found = found || strcmp(api_error_code((enum api_error)err), CONTRACT[i].code) == 0;
        ck_assert_msg(found, "the contract's %s has no api_error", CONTRACT[i].code);
    }
}
END_TEST

START_TEST(idempotency_conflict_has_both_statuses)
{
    ck_assert_str_eq(api_error_code(ERR_IDEMPOTENCY_IN_FLIGHT), "idempotency_conflict");
    ck_assert_int_eq(api_error_status(ERR_IDEMPOTENCY_IN_FLIGHT), 409);
    ck_assert_str_eq(api_error_code(ERR_IDEMPOTENCY_MISMATCH), "idempotency_conflict");
    ck_assert_int_eq(api_error_status(ERR_IDEMPOTENCY_MISMATCH), 422);
}
END_TEST

START_TEST(a_value_outside_the_table_answers_internal)
{
    enum api_error stray = (enum api_error)API_ERROR_COUNT;
    ck_assert_str_eq(api_error_code(stray), "internal");
    ck_assert_int_eq(api_error_status(stray), 500);
    ck_assert_str_eq(api_error_title(stray), "Internal Server Error");
}
END_TEST

START_TEST(reply_error_sets_status_type_and_body)
{
    struct reply rep = { 0 };
    reply_error(&rep, ERR_FORBIDDEN, "only the owning institution may do this");
    ck_assert_int_eq(rep.status, 403);
    ck_assert_str_eq(rep.content_type, "application/problem+json");
    ck_assert_str_eq(rep.code, "forbidden");
    ck_assert_ptr_nonnull(rep.body);
    ck_assert_uint_eq(rep.body_len, strlen(rep.body));
    json_t *doc = parse(rep.body, rep.body_len);
    ck_assert_int_eq(json_integer_value(json_object_get(doc, "status")), 403);
    ck_assert_str_eq(member_string(doc, "title"), "Forbidden");
    ck_assert_str_eq(member_string(doc, "code"), "forbidden");
    ck_assert_str_eq(member_string(doc, "detail"), "only the owning institution may do this");
    json_decref(doc);
    reply_release(&rep);
    ck_assert_ptr_null(rep.body);
    ck_assert_uint_eq(rep.body_len, 0);
}
END_TEST

START_TEST(reply_invalid_field_names_the_field)
{
    struct reply rep = { 0 };
    reply_invalid_field(&rep, "credit_code", "check digit mismatch");
    ck_assert_int_eq(rep.status, 422);
    ck_assert_str_eq(rep.content_type, "application/problem+json");
    ck_assert_str_eq(rep.code, "invalid_field");
    json_t *doc = parse(rep.body, rep.body_len);
    ck_assert_int_eq(json_integer_value(json_object_get(doc, "status")), 422);
    ck_assert_str_eq(member_string(doc, "code"), "invalid_field");
    const json_t *list = json_object_get(doc, "errors");
    ck_assert(json_is_array(list));
    ck_assert_uint_eq(json_array_size(list), 1);
    ck_assert_str_eq(member_string(json_array_get(list, 0), "field"), "credit_code");
    ck_assert_str_eq(member_string(json_array_get(list, 0), "message"), "check digit mismatch");
    json_decref(doc);
    reply_release(&rep);
}
END_TEST

START_TEST(reply_error_fields_takes_the_errors)
{
    struct reply rep = { 0 };
    json_t *errors = json_pack("[{s:s, s:s}, {s:s, s:s}]", "field", "title", "message",
                               "is required", "field", "installments[1].amount_fen", "message",
                               "value must be between 1 and 100");
    ck_assert_ptr_nonnull(errors);
    reply_error_fields(&rep, ERR_INVALID_FIELD, "invalid field: title", errors);
    /* errors now belongs to the reply; ASan reports a leak or a double free otherwise */
    json_t *doc = parse(rep.body, rep.body_len);
    const json_t *list = json_object_get(doc, "errors");
    ck_assert_uint_eq(json_array_size(list), 2);
    ck_assert_str_eq(member_string(json_array_get(list, 1), "field"), "installments[1].amount_fen");
    json_decref(doc);
    reply_release(&rep);
}
END_TEST

START_TEST(reply_error_extended_adds_members)
{
    struct reply rep = { 0 };
    json_t *errors = json_pack("[{s:s, s:s}]", "field", "title", "message", "is required");
    json_t *members = json_pack("{s:i}", "rows", 12);
    ck_assert_ptr_nonnull(errors);
    ck_assert_ptr_nonnull(members);
    reply_error_extended(&rep, ERR_INVALID_FIELD, "1 problem in the file", errors, members);
    ck_assert_int_eq(rep.status, 422);
    ck_assert_str_eq(rep.code, "invalid_field");
    json_t *doc = parse(rep.body, rep.body_len);
    ck_assert_str_eq(member_string(doc, "title"), "Unprocessable Content");
    ck_assert_int_eq(json_integer_value(json_object_get(doc, "rows")), 12);
    ck_assert_uint_eq(json_array_size(json_object_get(doc, "errors")), 1);
    ck_assert_uint_eq(json_object_size(doc), 7);
    json_decref(doc);
    reply_release(&rep);
}
END_TEST

START_TEST(a_later_answer_replaces_the_earlier_body)
{
    struct reply rep = { 0 };
    json_t *ok = json_pack("{s:i}", "id", 7);
    reply_json(&rep, 200, ok);
    json_decref(ok);
    ck_assert_str_eq(rep.content_type, "application/json");
    ck_assert_str_eq(rep.body, "{\"id\":7}");
    reply_error(&rep, ERR_CONFLICT, NULL);
    ck_assert_int_eq(rep.status, 409);
    ck_assert_str_eq(rep.content_type, "application/problem+json");
    json_t *doc = parse(rep.body, rep.body_len);
    ck_assert_str_eq(member_string(doc, "code"), "conflict");
    json_decref(doc);
    reply_release(&rep);
}
END_TEST

START_TEST(release_frees_body_and_headers)
{
    struct reply rep = { 0 };
    reply_error(&rep, ERR_PRECONDITION_FAILED, "the version has changed");
    ck_assert(reply_header_add(&rep, "ETag", "\"3\""));
    ck_assert(reply_header_add(&rep, "Retry-After", "1"));
    ck_assert_uint_eq(rep.header_count, 2);
    ck_assert_str_eq(rep.headers[0].name, "ETag");
    ck_assert_str_eq(rep.headers[0].value, "\"3\"");
    reply_release(&rep);
    ck_assert_ptr_null(rep.body);
    ck_assert_uint_eq(rep.header_count, 0);
    /* releasing twice is harmless */
    reply_release(&rep);
}
END_TEST

START_TEST(header_list_refuses_past_its_capacity)
{
    struct reply rep = { 0 };
    for (int i = 0; i < REPLY_MAX_HEADERS; i++)
        ck_assert(reply_header_add(&rep, "X-N", "v"));
    ck_assert(!reply_header_add(&rep, "X-N", "one too many"));
    ck_assert_uint_eq(rep.header_count, REPLY_MAX_HEADERS);
    reply_release(&rep);
}
END_TEST

static Suite *problem_suite(void)
{
    Suite *suite = suite_create("problem");

    TCase *render = tcase_create("render");
    tcase_add_test(render, render_has_every_member);
    tcase_add_test(render, render_leaves_out_absent_detail_and_errors);
    tcase_add_test(render, render_keeps_chinese_and_quotes_intact);
    tcase_add_test(render, titles_follow_the_status);
    suite_add_tcase(suite, render);

    TCase *table = tcase_create("table");
    tcase_add_test(table, every_error_has_a_row_of_the_contract);
    tcase_add_test(table, every_contract_code_has_an_error);
    tcase_add_test(table, idempotency_conflict_has_both_statuses);
    tcase_add_test(table, a_value_outside_the_table_answers_internal);
    suite_add_tcase(suite, table);

    TCase *replies = tcase_create("reply");
    tcase_add_test(replies, reply_error_sets_status_type_and_body);
    tcase_add_test(replies, reply_invalid_field_names_the_field);
    tcase_add_test(replies, reply_error_fields_takes_the_errors);
    tcase_add_test(replies, reply_error_extended_adds_members);
    tcase_add_test(replies, a_later_answer_replaces_the_earlier_body);
    tcase_add_test(replies, release_frees_body_and_headers);
    tcase_add_test(replies, header_list_refuses_past_its_capacity);
    suite_add_tcase(suite, replies);

    return suite;
}

int main(void)
{
    SRunner *runner = srunner_create(problem_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
