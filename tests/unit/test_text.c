/* test_text: which text counts as blank — whitespace, zero-width and bidi controls, other format
 * characters — and the invisible prefix that the CSV formula guard looks past. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "domain/text.h"

static bool blank(const char *value)
{
    return text_blank(value, strlen(value));
}

START_TEST(empty_and_ascii_whitespace_are_blank)
{
    ck_assert(blank(""));
    ck_assert(blank(" "));
    ck_assert(blank(" \t\r\n \f\v"));
}
END_TEST

START_TEST(unicode_whitespace_is_blank)
{
    ck_assert(blank("\xe3\x80\x80"));             /* U+3000 ideographic space */
    ck_assert(blank("\xc2\xa0"));                 /* U+00A0 no-break space */
    ck_assert(blank("\xe2\x80\x83\xe2\x80\xaf")); /* U+2003, U+202F */
    ck_assert(blank("\xe2\x80\xa8\xe2\x80\xa9")); /* line and paragraph separators */
    ck_assert(blank("\xc2\x85\xe1\x9a\x80"));     /* U+0085, U+1680 */
}
END_TEST

START_TEST(zero_width_characters_are_blank)
{
    ck_assert(blank("\xe2\x80\x8b"));             /* U+200B zero width space */
    ck_assert(blank("\xe2\x80\x8c\xe2\x80\x8d")); /* ZWNJ, ZWJ */
    ck_assert(blank("\xe2\x81\xa0"));             /* U+2060 word joiner */
    ck_assert(blank("\xef\xbb\xbf"));             /* U+FEFF */
}
END_TEST

START_TEST(bidi_controls_are_blank)
{
    ck_assert(blank("\xe2\x80\x8e\xe2\x80\x8f")); /* LRM, RLM */
    ck_assert(blank("\xe2\x80\xaa\xe2\x80\xae")); /* U+202A, U+202E */
    ck_assert(blank("\xe2\x81\xa6\xe2\x81\xa9")); /* U+2066, U+2069 */
    ck_assert(blank("\xd8\x9c"));                 /* U+061C Arabic letter mark */
}
END_TEST

START_TEST(other_format_and_ignorable_characters_are_blank)
{
    ck_assert(blank("\xc2\xad"));                         /* U+00AD soft hyphen */
    ck_assert(blank("\xe1\xa0\x8e"));                     /* U+180E Mongolian vowel separator */
    ck_assert(blank("\xef\xb8\x8f"));                     /* U+FE0F variation selector */
    ck_assert(blank("\xe3\x85\xa4"));                     /* U+3164 Hangul filler */
    ck_assert(blank("\xf3\xa0\x80\x81\xf3\xa0\x81\xa1")); /* U+E0001, U+E0061 tags */
    ck_assert(blank(" \xe2\x80\x8b\xe3\x80\x80\xc2\xad\xe2\x80\xae "));
}
END_TEST

START_TEST(visible_text_is_not_blank)
{
    ck_assert(!blank("a"));
    ck_assert(!blank("芯片"));
    ck_assert(!blank(" \xe2\x80\x8b x"));
    ck_assert(!blank("\xe2\x80\x8b\xe7\x9f\xb3")); /* ZWSP then 石 */
    ck_assert(!blank("-"));
    ck_assert(!blank("\xe2\x80\x90"));             /* U+2010 hyphen is visible */
    ck_assert(!blank("\xe2\x80\x8a\xe2\x80\x90")); /* hair space, hyphen */
}
END_TEST

START_TEST(invalid_utf8_counts_as_visible)
{
    ck_assert(!blank("\xff"));
    ck_assert(!blank("\xe2\x80"));         /* truncated U+200B */
    ck_assert(!blank("\xc0\xa0"));         /* overlong space */
    ck_assert(!blank("\xed\xa0\x80"));     /* a surrogate */
    ck_assert(!blank("\xf4\x90\x80\x80")); /* beyond U+10FFFF */
}
END_TEST

START_TEST(prefix_stops_at_the_first_visible_code_point)
{
    const char *value = " \xe3\x80\x80\xe2\x80\x8b=1";
    ck_assert_uint_eq(text_invisible_prefix(value, strlen(value)), 7);
    ck_assert_uint_eq(text_invisible_prefix("abc", 3), 0);
    ck_assert_uint_eq(text_invisible_prefix("  ", 2), 2);
    /* taken by length: a code point cut off by len is not decoded */
    ck_assert_uint_eq(text_invisible_prefix("\xe3\x80\x80", 2), 0);
}
END_TEST

START_TEST(not_blank_check_names_the_problem)
{
    ck_assert_str_eq(text_not_blank("\xe2\x80\x8b\xe2\x80\x8b"), "must not be blank");
    ck_assert_ptr_null(text_not_blank("石墨烯"));
}
END_TEST

START_TEST(range_edges)
{
    ck_assert(text_invisible(0x200B));
    ck_assert(text_invisible(0x200F));
    ck_assert(!text_invisible(0x2010));
    ck_assert(text_invisible(0x2028));
    ck_assert(text_invisible(0x206F));
    ck_assert(!text_invisible(0x2070));
    ck_assert(text_invisible(0xE0FFF));
    ck_assert(!text_invisible(0xE1000));
    ck_assert(!text_invisible(0x08));
    ck_assert(!text_invisible(0x10FFFF));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("text");
    TCase *tc = tcase_create("text");
    tcase_add_test(tc, empty_and_ascii_whitespace_are_blank);
    tcase_add_test(tc, unicode_whitespace_is_blank);
    tcase_add_test(tc, zero_width_characters_are_blank);
    tcase_add_test(tc, bidi_controls_are_blank);
    tcase_add_test(tc, other_format_and_ignorable_characters_are_blank);
    tcase_add_test(tc, visible_text_is_not_blank);
    tcase_add_test(tc, invalid_utf8_counts_as_visible);
    tcase_add_test(tc, prefix_stops_at_the_first_visible_code_point);
    tcase_add_test(tc, not_blank_check_names_the_problem);
    tcase_add_test(tc, range_edges);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
