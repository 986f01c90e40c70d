/* test_csv: RFC 4180 cells — quoting, doubled quotes, line breaks kept inside quotes — and the
 * apostrophe that keeps a spreadsheet from running a cell as a formula, also one that hides
 * behind leading whitespace or a line feed. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "domain/csv.h"

/* The cell for value, as a NUL-terminated string (static buffer). */
static const char *cell(const char *value)
{
    static char out[256];
    size_t len = csv_cell(out, sizeof out - 1, value, strlen(value));
    ck_assert_msg(len < sizeof out, "cell for \"%s\" did not fit", value);
    out[len] = '\0';
    return out;
}

START_TEST(plain_text_is_written_as_it_is)
{
    ck_assert_str_eq(cell("converted"), "converted");
    ck_assert_str_eq(cell("2026-03-01T08:00:00Z"), "2026-03-01T08:00:00Z");
    ck_assert_str_eq(cell("12345"), "12345");
}
END_TEST

START_TEST(empty_value_is_an_empty_cell)
{
    char out[4] = "xyz";
    ck_assert_uint_eq(csv_cell(out, sizeof out, "", 0), 0);
    ck_assert_str_eq(out, "xyz");
}
END_TEST

START_TEST(chinese_text_is_untouched)
{
    ck_assert_str_eq(cell("石墨烯导热膜 量子芯片"), "石墨烯导热膜 量子芯片");
}
END_TEST

START_TEST(comma_quote_and_line_breaks_are_quoted)
{
    ck_assert_str_eq(cell("a,b"), "\"a,b\"");
    ck_assert_str_eq(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
    ck_assert_str_eq(cell("line1\nline2"), "\"line1\nline2\"");
    ck_assert_str_eq(cell("line1\r\nline2"), "\"line1\r\nline2\"");
    ck_assert_str_eq(cell("\""), "\"\"\"\"");
}
END_TEST

START_TEST(formula_starters_get_an_apostrophe)
{
    ck_assert_str_eq(cell("=1+1"), "'=1+1");
    ck_assert_str_eq(cell("+86 571"), "'+86 571");
    ck_assert_str_eq(cell("-2"), "'-2");
    ck_assert_str_eq(cell("@SUM(A1)"), "'@SUM(A1)");
    ck_assert_str_eq(cell("\tcmd"), "'\tcmd");
}
END_TEST

START_TEST(carriage_return_start_is_guarded_and_quoted)
{
    ck_assert_str_eq(cell("\rcmd"), "\"'\rcmd\"");
}
END_TEST

START_TEST(guard_and_quotes_combine)
{
    ck_assert_str_eq(cell("=HYPERLINK(\"http://x\",\"y\")"),
                     "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    ck_assert_str_eq(cell("=芯片,封装"), "\"'=芯片,封装\"");
}
END_TEST

START_TEST(line_feed_start_is_guarded_and_quoted)
{
    ck_assert_str_eq(cell("\n=HYPERLINK(\"http://x\")"), "\"'\n=HYPERLINK(\"\"http://x\"\")\"");
    ck_assert_str_eq(cell("\nplain"), "\"'\nplain\"");
}
END_TEST

START_TEST(formula_after_leading_whitespace_is_guarded)
{
    ck_assert_str_eq(cell(" =1"), "' =1");
    ck_assert_str_eq(cell("   +86"), "'   +86");
    ck_assert_str_eq(cell("\r\n-2"), "\"'\r\n-2\"");
    ck_assert_str_eq(cell("\xe3\x80\x80=1"), "'\xe3\x80\x80=1");     /* U+3000 */
    ck_assert_str_eq(cell("\xc2\xa0@SUM(A1)"), "'\xc2\xa0@SUM(A1)"); /* U+00A0 */
    ck_assert_str_eq(cell("\xe2\x80\x8b=1"), "'\xe2\x80\x8b=1");     /* U+200B */
    ck_assert_str_eq(cell("\xef\xbb\xbf\xe2\x80\xae-1"), "'\xef\xbb\xbf\xe2\x80\xae-1");
}
END_TEST

START_TEST(formula_characters_later_in_the_cell_are_left_alone)
{
    ck_assert_str_eq(cell("a=b"), "a=b");
    ck_assert_str_eq(cell(" a=1"), " a=1");
    ck_assert_str_eq(cell("芯片-封装"), "芯片-封装");
    ck_assert_str_eq(cell("\xe3\x80\x80芯片"), "\xe3\x80\x80芯片");
    ck_assert_str_eq(cell("   "), "   ");
}
END_TEST

START_TEST(invalid_utf8_ends_the_leading_whitespace)
{
    ck_assert_str_eq(cell(" \xe3\x80=1"), " \xe3\x80=1");
    ck_assert_str_eq(cell(" \xff"), " \xff");
}
END_TEST

START_TEST(too_small_buffer_reports_size_and_writes_nothing)
{
    char out[4] = { 'x', 'x', 'x', 'x' };
    size_t need = csv_cell(out, 3, "=a,b", 4);
    ck_assert_uint_eq(need, strlen("\"'=a,b\""));
    ck_assert_int_eq(out[0], 'x');
    ck_assert_int_eq(out[3], 'x');
    ck_assert_uint_eq(csv_cell(NULL, 0, "plain", 5), 5);
}
END_TEST

START_TEST(exact_fit_is_written)
{
    char out[7];
    ck_assert_uint_eq(csv_cell(out, 7, "a\"b", 3), 6);
    ck_assert_int_eq(memcmp(out, "\"a\"\"b\"", 6), 0);
}
END_TEST

START_TEST(value_is_taken_by_length_not_by_terminator)
{
    char out[16];
    size_t n = csv_cell(out, sizeof out, "abc,def", 3);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(memcmp(out, "abc", 3), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("csv");
    TCase *tc = tcase_create("csv");
    tcase_add_test(tc, plain_text_is_written_as_it_is);
    tcase_add_test(tc, empty_value_is_an_empty_cell);
    tcase_add_test(tc, chinese_text_is_untouched);
    tcase_add_test(tc, comma_quote_and_line_breaks_are_quoted);
    tcase_add_test(tc, formula_starters_get_an_apostrophe);
    tcase_add_test(tc, carriage_return_start_is_guarded_and_quoted);
    tcase_add_test(tc, guard_and_quotes_combine);
    tcase_add_test(tc, line_feed_start_is_guarded_and_quoted);
    tcase_add_test(tc, formula_after_leading_whitespace_is_guarded);
    tcase_add_test(tc, formula_characters_later_in_the_cell_are_left_alone);
    tcase_add_test(tc, invalid_utf8_ends_the_leading_whitespace);
    tcase_add_test(tc, too_small_buffer_reports_size_and_writes_nothing);
    tcase_add_test(tc, exact_fit_is_written);
    tcase_add_test(tc, value_is_taken_by_length_not_by_terminator);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
