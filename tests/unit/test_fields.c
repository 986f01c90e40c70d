/* test_fields: declarative body validation — every field type, bounds, unknown and missing
 * fields, nested arrays of objects, and the problem each failure produces. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "http/fields.h"

static const char *not_blank(const char *value)
{
    return strspn(value, " ") == strlen(value) ? "must not be blank" : NULL;
}

static const char *const MODES[] = { "upfront", "installments", NULL };

static const struct field_spec INSTALLMENT_SPECS[] = {
    { .name = "due_on", .type = FIELD_DATE, .required = true },
    { .name = "amount_fen", .type = FIELD_INT, .required = true, .min = 1, .max = 1000000000000 },
};

/* a table: one field a row, as the handlers' specs are written */
/* clang-format off */
static const struct field_spec SPECS[] = {
    { .name = "title", .type = FIELD_STRING, .required = true, .min = 1, .max = 4,
      .check = not_blank },
    { .name = "note", .type = FIELD_STRING, .max = 10 },
    { .name = "months", .type = FIELD_INT, .required = true, .min = 1, .max = 36 },
    { .name = "exclusive", .type = FIELD_BOOL },
    { .name = "mode", .type = FIELD_ENUM, .required = true, .values = MODES },
    { .name = "starts_on", .type = FIELD_DATE },
    { .name = "keywords", .type = FIELD_STRING_ARRAY, .min = 0, .max = 3, .item_max = 4,
      .check = not_blank },
    { .name = "installments", .type = FIELD_ARRAY, .min = 0, .max = 3,
      .items = INSTALLMENT_SPECS, .item_count = FIELD_COUNT(INSTALLMENT_SPECS) },
    { .name = "first", .type = FIELD_OBJECT, .items = INSTALLMENT_SPECS,
      .item_count = FIELD_COUNT(INSTALLMENT_SPECS) },
};
/* clang-format on */

static const struct field_spec OPTIONAL_SPECS[] = {
    { .name = "note", .type = FIELD_STRING, .max = 10 },
};

/* A valid body to start from; tests add or replace one member. */
static const char VALID[] = "{\"title\": \"芯片芯片\", \"months\": 12, \"mode\": \"upfront\"}";

struct outcome {
    bool ok;
    struct reply rep;
    json_t *problem; /* the parsed reply body, NULL when ok */
};

static json_t *load(const char *text)
{
    json_error_t error;
    json_t *json = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &error);
    ck_assert_msg(json != NULL, "test body is not JSON (%s): %s", error.text, text);
    return json;
}

static void run(const json_t *body, const struct field_spec *specs, size_t count,
                struct outcome *out)
{
    memset(out, 0, sizeof *out);
    out->ok = fields_check(body, specs, count, &out->rep);
    if (out->ok) {
        ck_assert_msg(out->rep.status == 0 && out->rep.body == NULL,
                      "a passing check must leave the reply alone");
        return;
    }
    ck_assert_str_eq(out->rep.content_type, "application/problem+json");
    json_error_t error;
    out->problem = json_loadb(out->rep.body, out->rep.body_len, 0, &error);
    ck_assert_msg(out->problem != NULL, "problem is not JSON: %s", error.text);
    ck_assert_int_eq(json_integer_value(json_object_get(out->problem, "status")), out->rep.status);
}

/* VALID with member (a JSON "key": value text) added, replacing any of the same name. */
static void run_with(const char *member, struct outcome *out)
{
    json_t *body = load(VALID);
    char text[512];
    ck_assert(snprintf(text, sizeof text, "{%s}", member) < (int)sizeof text);
    json_t *extra = load(text);
    ck_assert_int_eq(json_object_update(body, extra), 0);
    run(body, SPECS, FIELD_COUNT(SPECS), out);
    json_decref(extra);
    json_decref(body);
}

static void run_text(const char *text, struct outcome *out)
{
    json_t *body = load(text);
    run(body, SPECS, FIELD_COUNT(SPECS), out);
    json_decref(body);
}

static void done(struct outcome *out)
{
    json_decref(out->problem);
    reply_release(&out->rep);
}

static bool names_field(const struct outcome *out, const char *field)
{
    size_t index;
    const json_t *error;
    json_array_foreach(json_object_get(out->problem, "errors"), index, error) {
        const char *name = json_string_value(json_object_get(error, "field"));
        const char *message = json_string_value(json_object_get(error, "message"));
        ck_assert_msg(name != NULL && message != NULL && message[0] != '\0',
                      "each error needs a field and a message");
        if (strcmp(name, field) == 0)
            return true;
    }
    return false;
}

static size_t error_count(const struct outcome *out)
{
    return json_array_size(json_object_get(out->problem, "errors"));
}

/* The body was refused with status and code, naming field among its errors. */
static void assert_refused(const struct outcome *out, int status, const char *code,
                           const char *field, const char *why)
{
    ck_assert_msg(!out->ok, "%s: should be refused", why);
    ck_assert_msg(out->rep.status == status, "%s: status %d, expected %d", why, out->rep.status,
                  status);
    ck_assert_msg(strcmp(json_string_value(json_object_get(out->problem, "code")), code) == 0,
                  "%s: code %s, expected %s", why,
                  json_string_value(json_object_get(out->problem, "code")), code);
    ck_assert_msg(names_field(out, field), "%s: errors do not name %s (body %s)", why, field,
                  out->rep.body);
}

/* member on VALID is refused with 422 naming field. */
static void assert_invalid(const char *member, const char *field)
{
    struct outcome out;
    run_with(member, &out);
    assert_refused(&out, 422, "invalid_field", field, member);
    done(&out);
}

static void assert_valid(const char *member)
{
    struct outcome out;
    run_with(member, &out);
    ck_assert_msg(out.ok, "%s should pass, got %s", member, out.rep.body);
    done(&out);
}

START_TEST(valid_bodies_pass)
{
    struct outcome out;
    run_text(VALID, &out);
    ck_assert(out.ok);
    done(&out);

    run_text("{\"title\": \"abcd\", \"note\": \"two\\nlines\", \"months\": 36,"
             " \"exclusive\": false, \"mode\": \"installments\", \"starts_on\": \"2026-03-01\","
             " \"keywords\": [\"芯片\", \"电池组件\", \"x\"],"
             " \"installments\": [{\"due_on\": \"2026-04-01\", \"amount_fen\": 1},"
             "                    {\"amount_fen\": 250000, \"due_on\": \"2026-05-01\"}]}",
             &out);
    ck_assert_msg(out.ok, "full body refused: %s", out.rep.body);
    done(&out);
}
END_TEST

START_TEST(required_missing_is_422_naming_each_field)
{
    struct outcome out;
    run_text("{}", &out);
    assert_refused(&out, 422, "invalid_field", "title", "empty object");
    ck_assert(names_field(&out, "months"));
    ck_assert(names_field(&out, "mode"));
    ck_assert_uint_eq(error_count(&out), 3);
    ck_assert_msg(strstr(json_string_value(json_object_get(out.problem, "detail")), "title") !=
                      NULL,
                  "detail should name the first field");
    ck_assert_str_eq(out.rep.code, "invalid_field");
    done(&out);

    run_text("{\"title\": \"芯片\", \"mode\": \"upfront\"}", &out);
    assert_refused(&out, 422, "invalid_field", "months", "months missing");
    ck_assert_uint_eq(error_count(&out), 1);
    done(&out);
}
END_TEST

START_TEST(json_null_counts_as_absent)
{
    assert_invalid("\"title\": null", "title");
    assert_invalid("\"months\": null", "months");
    assert_valid("\"note\": null");
    assert_valid("\"starts_on\": null");
    assert_valid("\"installments\": null");
}
END_TEST

START_TEST(null_body_counts_as_empty_object)
{
    struct outcome out;
    run(NULL, OPTIONAL_SPECS, FIELD_COUNT(OPTIONAL_SPECS), &out);
    ck_assert_msg(out.ok, "no body with only optional fields should pass");
    done(&out);

    run(NULL, SPECS, FIELD_COUNT(SPECS), &out);
    assert_refused(&out, 422, "invalid_field", "title", "no body");
    ck_assert_uint_eq(error_count(&out), 3);
    done(&out);
}
END_TEST

START_TEST(unknown_field_is_400)
{
    struct outcome out;
    run_with("\"extra\": 1", &out);
    assert_refused(&out, 400, "bad_request", "extra", "unknown top-level field");
    ck_assert_str_eq(out.rep.code, "bad_request");
    done(&out);

    /* unknown wins over invalid: the client sent something we do not speak */
    run_text("{\"titel\": \"x\"}", &out);
    assert_refused(&out, 400, "bad_request", "titel", "misspelt field");
    done(&out);
}
END_TEST

START_TEST(unknown_field_inside_array_item_is_400)
{
    struct outcome out;
    run_with("\"installments\": [{\"due_on\": \"2026-04-01\", \"amount_fen\": 5},"
             " {\"due_on\": \"2026-05-01\", \"amount_fen\": 5, \"memo\": \"x\"}]",
             &out);
    assert_refused(&out, 400, "bad_request", "installments[1].memo", "unknown nested field");
    done(&out);
}
END_TEST

START_TEST(non_object_body_is_400)
{
    static const char *const bodies[] = { "[]",  "[{\"title\": \"x\"}]", "\"text\"", "42", "true",
                                          "null" };
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        struct outcome out;
        json_t *body = load(bodies[i]);
        run(body, SPECS, FIELD_COUNT(SPECS), &out);
        ck_assert_msg(!out.ok && out.rep.status == 400, "%s: expected 400, got %d", bodies[i],
                      out.rep.status);
        ck_assert_str_eq(json_string_value(json_object_get(out.problem, "code")), "bad_request");
        json_decref(body);
        done(&out);
    }
}
END_TEST

START_TEST(wrong_types_are_422_naming_the_field)
{
    assert_invalid("\"title\": 5", "title");
    assert_invalid("\"title\": true", "title");
    assert_invalid("\"title\": [\"a\"]", "title");
    assert_invalid("\"title\": {}", "title");
    assert_invalid("\"months\": \"12\"", "months");
    assert_invalid("\"months\": 12.0", "months");
    assert_invalid("\"months\": 1.5", "months");
    assert_invalid("\"months\": true", "months");
    assert_invalid("\"exclusive\": 1", "exclusive");
    assert_invalid("\"exclusive\": \"true\"", "exclusive");
    assert_invalid("\"mode\": 1", "mode");
    assert_invalid("\"starts_on\": 20260301", "starts_on");
    assert_invalid("\"keywords\": \"芯片\"", "keywords");
    assert_invalid("\"keywords\": [1]", "keywords[0]");
    assert_invalid("\"keywords\": [\"ok\", null]", "keywords[1]");
    assert_invalid("\"installments\": {}", "installments");
    assert_invalid("\"installments\": [1]", "installments[0]");
    assert_invalid("\"installments\": [[]]", "installments[0]");
    assert_valid("\"exclusive\": true");
}
END_TEST

START_TEST(int_bounds_are_inclusive)
{
    assert_valid("\"months\": 1");
    assert_valid("\"months\": 36");
    assert_invalid("\"months\": 0", "months");
    assert_invalid("\"months\": 37", "months");
    assert_invalid("\"months\": -1", "months");
    assert_invalid("\"months\": 9223372036854775807", "months");
}
END_TEST

START_TEST(string_length_counts_characters)
{
    assert_valid("\"title\": \"芯片芯片\""); /* 4 characters, 12 bytes */
    assert_valid("\"title\": \"abcd\"");
    assert_valid("\"title\": \"a\"");
    assert_valid("\"title\": \"😀😀😀😀\""); /* four-byte characters */
    assert_invalid("\"title\": \"芯片芯片片\"", "title");
    assert_invalid("\"title\": \"abcde\"", "title");
    assert_invalid("\"title\": \"\"", "title");
    assert_valid("\"note\": \"\""); /* no minimum */
    assert_valid("\"note\": \"长三角技术许可池试用\"");
    assert_invalid("\"note\": \"长三角技术许可池试用先\"", "note");
}
END_TEST

START_TEST(string_check_and_control_characters)
{
    assert_invalid("\"title\": \"   \"", "title");
    assert_invalid("\"title\": \"a\\u0000b\"", "title");
    assert_invalid("\"title\": \"a\\u0001\"", "title");
    assert_invalid("\"title\": \"a\\u007f\"", "title");
    assert_valid("\"note\": \"a\\r\\nb\"");
}
END_TEST

START_TEST(enum_takes_only_listed_values)
{
    assert_valid("\"mode\": \"installments\"");
    assert_invalid("\"mode\": \"Upfront\"", "mode");
    assert_invalid("\"mode\": \"upfront \"", "mode");
    assert_invalid("\"mode\": \"\"", "mode");
    assert_invalid("\"mode\": [\"upfront\"]", "mode");
}
END_TEST

START_TEST(dates_must_be_real_days)
{
    assert_valid("\"starts_on\": \"2028-02-29\"");
    assert_valid("\"starts_on\": \"2026-12-31\"");
    assert_invalid("\"starts_on\": \"2026-02-29\"", "starts_on");
    assert_invalid("\"starts_on\": \"2026-04-31\"", "starts_on");
    assert_invalid("\"starts_on\": \"2026-13-01\"", "starts_on");
    assert_invalid("\"starts_on\": \"2026-3-1\"", "starts_on");
    assert_invalid("\"starts_on\": \"2026-03-01T00:00:00Z\"", "starts_on");
    assert_invalid("\"starts_on\": \"\"", "starts_on");
}
END_TEST

START_TEST(string_array_counts_and_item_length)
{
    assert_valid("\"keywords\": []");
    assert_valid("\"keywords\": [\"电池组件\"]");
    assert_invalid("\"keywords\": [\"芯片\", \"电池组件包\"]", "keywords[1]");
    assert_invalid("\"keywords\": [\"a\", \"b\", \"c\", \"d\"]", "keywords");
    assert_invalid("\"keywords\": [\"ok\", \" \"]", "keywords[1]");
}
END_TEST

START_TEST(array_of_objects_names_item_fields)
{
    assert_valid("\"installments\": []");
    assert_invalid("\"installments\": [{\"due_on\": \"2026-04-01\", \"amount_fen\": 100},"
                   " {\"due_on\": \"2026-05-01\", \"amount_fen\": 0}]",
                   "installments[1].amount_fen");
    assert_invalid("\"installments\": [{\"amount_fen\": 100}]", "installments[0].due_on");
    assert_invalid("\"installments\": [{\"due_on\": \"2026-02-29\", \"amount_fen\": 100}]",
                   "installments[0].due_on");
    assert_invalid("\"installments\": [{\"due_on\": \"2026-04-01\", \"amount_fen\": \"100\"}]",
                   "installments[0].amount_fen");
    assert_invalid("\"installments\": [{\"due_on\": \"2026-04-01\", \"amount_fen\": 1.5}]",
                   "installments[0].amount_fen");
    assert_invalid("\"installments\": [{}, {}, {}, {}]", "installments");
}
END_TEST

START_TEST(object_names_its_fields)
{
    assert_valid("\"first\": {\"due_on\": \"2026-04-01\", \"amount_fen\": 100}");
    assert_invalid("\"first\": {\"due_on\": \"2026-04-01\", \"amount_fen\": 0}",
                   "first.amount_fen");
    assert_invalid("\"first\": {\"amount_fen\": 100}", "first.due_on");
    assert_invalid("\"first\": [1]", "first");
    struct outcome out;
    run_with("\"first\": {\"due_on\": \"2026-04-01\", \"amount_fen\": 5, \"memo\": 1}", &out);
    assert_refused(&out, 400, "bad_request", "first.memo", "unknown field of an object");
    done(&out);
}
END_TEST

START_TEST(every_problem_is_collected)
{
    struct outcome out;
    run_text("{\"title\": \"芯片芯片片\", \"months\": 0, \"mode\": \"later\","
             " \"installments\": [{\"due_on\": \"2026-02-30\", \"amount_fen\": 0}]}",
             &out);
    ck_assert_int_eq(out.rep.status, 422);
    ck_assert(names_field(&out, "title"));
    ck_assert(names_field(&out, "months"));
    ck_assert(names_field(&out, "mode"));
    ck_assert(names_field(&out, "installments[0].due_on"));
    ck_assert(names_field(&out, "installments[0].amount_fen"));
    ck_assert_uint_eq(error_count(&out), 5);
    done(&out);
}
END_TEST

START_TEST(utf8_length_counts_code_points)
{
    ck_assert_uint_eq(utf8_length(""), 0);
    ck_assert_uint_eq(utf8_length("abc"), 3);
    ck_assert_uint_eq(utf8_length("芯片"), 2);
    ck_assert_uint_eq(utf8_length("a芯😀é"), 4);
}
END_TEST

/* What fields_parse fills: the same shapes as SPECS, each into its own member. */
struct parsed {
    struct field_value title, note, months, exclusive, mode, starts_on, keywords, installments,
        first, due_on, amount_fen;
};

/* clang-format off */
static const struct field_spec FIRST_SPECS[] = {
    { .name = "due_on", .type = FIELD_DATE, .required = true, FIELD_AT(struct parsed, due_on) },
    { .name = "amount_fen", .type = FIELD_INT, .required = true, .min = 1, .max = 1000,
      FIELD_AT(struct parsed, amount_fen) },
};
static const struct field_spec PARSE_SPECS[] = {
    { .name = "title", .type = FIELD_STRING, .required = true, .min = 1, .max = 4,
      FIELD_AT(struct parsed, title) },
    { .name = "note", .type = FIELD_STRING, .max = 10, FIELD_AT(struct parsed, note) },
    { .name = "months", .type = FIELD_INT, .min = -5, .max = 36,
      FIELD_AT(struct parsed, months) },
    { .name = "exclusive", .type = FIELD_BOOL, FIELD_AT(struct parsed, exclusive) },
    { .name = "mode", .type = FIELD_ENUM, .values = MODES, FIELD_AT(struct parsed, mode) },
    { .name = "starts_on", .type = FIELD_DATE, FIELD_AT(struct parsed, starts_on) },
    { .name = "keywords", .type = FIELD_STRING_ARRAY, .min = 0, .max = 3, .item_max = 4,
      FIELD_AT(struct parsed, keywords) },
    { .name = "installments", .type = FIELD_ARRAY, .min = 0, .max = 3,
      .items = INSTALLMENT_SPECS, .item_count = FIELD_COUNT(INSTALLMENT_SPECS),
      FIELD_AT(struct parsed, installments) },
    { .name = "first", .type = FIELD_OBJECT, .items = FIRST_SPECS,
      .item_count = FIELD_COUNT(FIRST_SPECS), FIELD_AT(struct parsed, first) },
};
/* clang-format on */

/* The strings of out point into the body: the test frees it (parsed_body) when done. */
static json_t *parsed_body;

static bool parse(const char *text, struct parsed *out, struct reply *rep)
{
    json_decref(parsed_body);
    parsed_body = load(text);
    memset(rep, 0, sizeof *rep);
    return fields_parse(parsed_body, PARSE_SPECS, FIELD_COUNT(PARSE_SPECS), out, rep);
}

static void parse_done(void)
{
    json_decref(parsed_body);
    parsed_body = NULL;
}

START_TEST(parse_fills_each_member_as_sql_text)
{
    struct parsed in;
    struct reply rep;
    ck_assert(parse("{\"title\": \"芯片\", \"months\": -3, \"exclusive\": false, "
                    "\"mode\": \"upfront\", \"starts_on\": \"2026-02-28\", "
                    "\"keywords\": [\"a\", \"b\"], "
                    "\"installments\": [{\"due_on\": \"2026-03-01\", \"amount_fen\": 5}], "
                    "\"first\": {\"due_on\": \"2027-01-01\", \"amount_fen\": 1000}}",
                    &in, &rep));
    ck_assert_str_eq(in.title.text, "芯片");
    ck_assert_str_eq(in.months.text, "-3");
    ck_assert_int_eq(in.months.number, -3);
    ck_assert_str_eq(in.exclusive.text, "false");
    ck_assert_int_eq(in.exclusive.number, 0);
    ck_assert_str_eq(in.mode.text, "upfront");
    ck_assert_str_eq(in.starts_on.text, "2026-02-28");
    ck_assert_str_eq(in.keywords.text, "[\"a\",\"b\"]");
    ck_assert_str_eq(in.installments.text, "[{\"due_on\":\"2026-03-01\",\"amount_fen\":5}]");
    ck_assert_str_eq(in.first.text, "true");
    ck_assert_str_eq(in.due_on.text, "2027-01-01");
    ck_assert_str_eq(in.amount_fen.text, "1000");
    ck_assert(in.note.text == NULL && !in.note.present);
    fields_release(PARSE_SPECS, FIELD_COUNT(PARSE_SPECS), &in);
    ck_assert_ptr_null(in.keywords.json);
    ck_assert_ptr_null(in.installments.json);
    parse_done();
}
END_TEST

START_TEST(parse_tells_null_from_absent)
{
    struct parsed in;
    struct reply rep;
    ck_assert(parse("{\"title\": \"t\", \"note\": null, \"first\": null}", &in, &rep));
    ck_assert(in.note.present && in.note.text == NULL);
    ck_assert(!in.months.present && in.months.text == NULL);
    ck_assert(in.first.present && in.first.text == NULL);
    ck_assert(!in.due_on.present && in.due_on.text == NULL);
    ck_assert(!in.amount_fen.present && in.amount_fen.text == NULL);
    fields_release(PARSE_SPECS, FIELD_COUNT(PARSE_SPECS), &in);
    parse_done();
}
END_TEST

START_TEST(parse_refuses_like_check_and_fills_nothing)
{
    struct parsed in;
    memset(&in, 0x5A, sizeof in);
    struct reply rep;
    ck_assert(!parse("{\"title\": \"t\", \"first\": {\"due_on\": \"2027-02-30\"}}", &in, &rep));
    ck_assert_int_eq(rep.status, 422);
    ck_assert_int_eq(in.title.buffer[0], 0x5A);
    reply_release(&rep);
    ck_assert(!parse("{\"title\": \"t\", \"extra\": 1}", &in, &rep));
    ck_assert_int_eq(rep.status, 400);
    reply_release(&rep);
    parse_done();
}
END_TEST

static Suite *fields_suite(void)
{
    Suite *suite = suite_create("fields");

    TCase *shape = tcase_create("shape");
    tcase_add_test(shape, valid_bodies_pass);
    tcase_add_test(shape, required_missing_is_422_naming_each_field);
    tcase_add_test(shape, json_null_counts_as_absent);
    tcase_add_test(shape, null_body_counts_as_empty_object);
    tcase_add_test(shape, unknown_field_is_400);
    tcase_add_test(shape, unknown_field_inside_array_item_is_400);
    tcase_add_test(shape, non_object_body_is_400);
    tcase_add_test(shape, every_problem_is_collected);
    suite_add_tcase(suite, shape);

    TCase *types = tcase_create("types");
    tcase_add_test(types, wrong_types_are_422_naming_the_field);
    tcase_add_test(types, int_bounds_are_inclusive);
    tcase_add_test(types, string_length_counts_characters);
    tcase_add_test(types, string_check_and_control_characters);
    tcase_add_test(types, enum_takes_only_listed_values);
    tcase_add_test(types, dates_must_be_real_days);
    tcase_add_test(types, string_array_counts_and_item_length);
    tcase_add_test(types, array_of_objects_names_item_fields);
    tcase_add_test(types, object_names_its_fields);
    tcase_add_test(types, utf8_length_counts_code_points);
    suite_add_tcase(suite, types);

    TCase *parsing = tcase_create("parse");
    tcase_add_test(parsing, parse_fills_each_member_as_sql_text);
    tcase_add_test(parsing, parse_tells_null_from_absent);
    tcase_add_test(parsing, parse_refuses_like_check_and_fills_nothing);
    suite_add_tcase(suite, parsing);

    return suite;
}

int main(void)
{
    SRunner *runner = srunner_create(fields_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
