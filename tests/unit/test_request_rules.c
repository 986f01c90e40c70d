/* test_request_rules: the contract's request checks — JSON content type, Idempotency-Key
 * syntax, and strict UTF-8 for paths and query values. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "http/exchange.h"

START_TEST(json_content_types_are_accepted)
{
    static const char *const types[] = {
        "application/json",
        "application/json; charset=utf-8",
        "application/json;charset=utf-8",
        "application/json; charset=UTF-8",
        "Application/JSON",
        "APPLICATION/JSON; CHARSET=UTF-8",
        " application/json",
        "application/json ",
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        ck_assert_msg(content_type_is_json(types[i]), "\"%s\" should be accepted", types[i]);
}
END_TEST

START_TEST(other_content_types_are_refused)
{
    static const char *const types[] = {
        "application/json-patch+json",
        "application/jsonx",
        "application/jso",
        "application/json5",
        "text/plain",
        "text/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json; charset=latin1",
        "application/json; charset=utf-16",
        "application/json; charset=utf-8x",
        "application/json,text/plain",
        "",
        ";",
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        ck_assert_msg(!content_type_is_json(types[i]), "\"%s\" should be refused", types[i]);
    ck_assert_msg(!content_type_is_json(NULL), "a missing Content-Type should be refused");
}
END_TEST

START_TEST(idempotency_keys_of_visible_ascii_are_accepted)
{
    ck_assert(idempotency_key_valid("a"));
    ck_assert(idempotency_key_valid("9f1c2b0e-6c1a-4f0a-8f5e-3b1d2a4c5e6f"));
    ck_assert(idempotency_key_valid("!~\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}"));

    char longest[256];
    memset(longest, 'k', 255);
    longest[255] = '\0';
    ck_assert_msg(idempotency_key_valid(longest), "a 255-character key should be accepted");
}
END_TEST

START_TEST(idempotency_keys_out_of_rule_are_refused)
{
    static const char *const keys[] = {
        "",          " ",       "with space", " leading", "trailing ",   "tab\there",
        "new\nline", "del\x7f", "\x01",       "键",       "caf\xc3\xa9", "\xff",
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        ck_assert_msg(!idempotency_key_valid(keys[i]), "key %zu should be refused", i);

    char too_long[257];
    memset(too_long, 'k', 256);
    too_long[256] = '\0';
    ck_assert_msg(!idempotency_key_valid(too_long), "a 256-character key should be refused");
}
END_TEST

static bool valid(const char *text)
{
    return utf8_valid(text, strlen(text));
}

START_TEST(well_formed_utf8_is_accepted)
{
    ck_assert(valid(""));
    ck_assert(valid("plain ascii /api/v1/achievements?q=x"));
    ck_assert(valid("长三角技术许可池"));
    ck_assert(valid("芯片"));
    ck_assert(valid("caf\xc3\xa9"));      /* U+00E9 */
    ck_assert(valid("\xc2\x80"));         /* U+0080, smallest two-byte */
    ck_assert(valid("\xdf\xbf"));         /* U+07FF */
    ck_assert(valid("\xe0\xa0\x80"));     /* U+0800, smallest three-byte */
    ck_assert(valid("\xed\x9f\xbf"));     /* U+D7FF, just below the surrogates */
    ck_assert(valid("\xee\x80\x80"));     /* U+E000, just above */
    ck_assert(valid("\xef\xbf\xbf"));     /* U+FFFF */
    ck_assert(valid("\xf0\x90\x80\x80")); /* U+10000 */
    ck_assert(valid("\xf0\x9f\x98\x80")); /* U+1F600 */
    ck_assert(valid("\xf4\x8f\xbf\xbf")); /* U+10FFFF, the last code point */
}
END_TEST

START_TEST(overlong_encodings_are_refused)
{
    ck_assert(!valid("\xc0\xaf")); /* "/" in two bytes */
    ck_assert(!valid("\xc0\x80")); /* NUL in two bytes */
    ck_assert(!valid("\xc1\xbf"));
    ck_assert(!valid("\xe0\x80\xaf"));     /* "/" in three bytes */
    ck_assert(!valid("\xe0\x9f\xbf"));     /* U+07FF in three bytes */
    ck_assert(!valid("\xf0\x80\x80\xaf")); /* "/" in four bytes */
    ck_assert(!valid("\xf0\x8f\xbf\xbf")); /* U+FFFF in four bytes */
}
END_TEST

START_TEST(surrogates_are_refused)
{
    ck_assert(!valid("\xed\xa0\x80"));             /* U+D800 */
    ck_assert(!valid("\xed\xaf\xbf"));             /* U+DBFF */
    ck_assert(!valid("\xed\xb0\x80"));             /* U+DC00 */
    ck_assert(!valid("\xed\xbf\xbf"));             /* U+DFFF */
    ck_assert(!valid("\xed\xa0\xbd\xed\xb8\x80")); /* a CESU-8 pair */
}
END_TEST

START_TEST(truncated_sequences_are_refused)
{
    ck_assert(!valid("\xc3"));
    ck_assert(!valid("abc\xc3"));
    ck_assert(!valid("\xe8\x8a")); /* "芯" without its last byte */
    ck_assert(!valid("\xe8"));
    ck_assert(!valid("\xf0\x9f\x98"));
    ck_assert(!valid("\xe8\x8a"
                     "a")); /* interrupted by ASCII */
    ck_assert(!valid("\xc3"
                     "\xc3\xa9"));
    /* the length bounds the check: the sequence is complete in memory, cut by len */
    ck_assert(!utf8_valid("\xe8\x8a\xaf", 2));
    ck_assert(utf8_valid("\xe8\x8a\xaf", 3));
}
END_TEST

START_TEST(stray_and_impossible_bytes_are_refused)
{
    ck_assert(!valid("\x80")); /* continuation without a lead */
    ck_assert(!valid("a\xbf"
                     "b"));
    ck_assert(!valid("\xfe"));
    ck_assert(!valid("\xff"));
    ck_assert(!valid("\xf8\x88\x80\x80\x80")); /* five-byte form */
}
END_TEST

START_TEST(code_points_above_10ffff_are_refused)
{
    ck_assert(!valid("\xf4\x90\x80\x80")); /* U+110000 */
    ck_assert(!valid("\xf5\x80\x80\x80"));
    ck_assert(!valid("\xf7\xbf\xbf\xbf"));
}
END_TEST

static Suite *request_rules_suite(void)
{
    Suite *suite = suite_create("request_rules");

    TCase *content_type = tcase_create("content_type");
    tcase_add_test(content_type, json_content_types_are_accepted);
    tcase_add_test(content_type, other_content_types_are_refused);
    suite_add_tcase(suite, content_type);

    TCase *idempotency = tcase_create("idempotency_key");
    tcase_add_test(idempotency, idempotency_keys_of_visible_ascii_are_accepted);
    tcase_add_test(idempotency, idempotency_keys_out_of_rule_are_refused);
    suite_add_tcase(suite, idempotency);

    TCase *utf8 = tcase_create("utf8");
    tcase_add_test(utf8, well_formed_utf8_is_accepted);
    tcase_add_test(utf8, overlong_encodings_are_refused);
    tcase_add_test(utf8, surrogates_are_refused);
    tcase_add_test(utf8, truncated_sequences_are_refused);
    tcase_add_test(utf8, stray_and_impossible_bytes_are_refused);
    tcase_add_test(utf8, code_points_above_10ffff_are_refused);
    suite_add_tcase(suite, utf8);

    return suite;
}

int main(void)
{
    SRunner *runner = srunner_create(request_rules_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
