/* test_patent_number: CN patent application numbers, valid ones and every kind of invalid one. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "domain/patent_number.h"

/*
 * Check characters worked by hand: digits weighted 2,3,4,5,6,7,8,9,2,3,4,5, sum mod 11,
 * 10 written as X.
 *
 * 202110123456: 4+0+8+5+6+0+8+18+6+12+20+30 = 117; 117 mod 11 = 7  -> .7
 * 201310123456: 4+0+4+15+6+0+8+18+6+12+20+30 = 123; 123 mod 11 = 2 -> .2
 * 200310000001: 4+0+0+15+6+0+0+0+0+0+0+5 = 30; 30 mod 11 = 8       -> .8
 * 202420001234: 4+0+8+20+12+0+0+0+2+6+12+20 = 84; 84 mod 11 = 7    -> .7
 * 202330456789: 4+0+8+15+18+0+32+45+12+21+32+45 = 232; mod 11 = 1  -> .1
 * 202110101002: 4+0+8+5+6+0+8+0+2+0+0+10 = 43; 43 mod 11 = 10      -> .X
 * 202110101000: 4+0+8+5+6+0+8+0+2+0+0+0 = 33; 33 mod 11 = 0       -> .0
 * 98123456:     18+24+4+10+18+28+40+54 = 196; 196 mod 11 = 9       -> .9
 * 85100001:     16+15+4+0+0+0+0+9 = 44; 44 mod 11 = 0              -> .0
 * 03212345:     0+9+8+5+12+21+32+45 = 132; 132 mod 11 = 0          -> .0
 * 98101013:     18+24+4+0+6+0+8+27 = 87; 87 mod 11 = 10            -> .X
 * 202180012345 -> .7 and 202290054321 -> .8 come from a separate implementation.
 */

static void assert_valid(const char *number)
{
    const char *problem = patent_number_problem(number);
    ck_assert_msg(problem == NULL, "%s rejected: %s", number, problem);
}

static void assert_problem(const char *number, const char *expected)
{
    const char *problem = patent_number_problem(number);
    ck_assert_msg(problem != NULL, "%s accepted, expected \"%s\"", number, expected);
    ck_assert_msg(strcmp(problem, expected) == 0, "%s: got \"%s\", expected \"%s\"", number,
                  problem, expected);
}

START_TEST(patent_number_accepts_2003_form_with_and_without_prefix)
{
    assert_valid("ZL202110123456.7");
    assert_valid("CN202110123456.7");
    assert_valid("202110123456.7");
    assert_valid("ZL201310123456.2");
    assert_valid("200310000001.8");
}
END_TEST

START_TEST(patent_number_accepts_every_application_type)
{
    assert_valid("ZL202110123456.7"); /* invention */
    assert_valid("ZL202420001234.7"); /* utility model */
    assert_valid("ZL202330456789.1"); /* design */
    assert_valid("CN202180012345.7"); /* PCT invention */
    assert_valid("CN202290054321.8"); /* PCT utility model */
}
END_TEST

START_TEST(patent_number_accepts_check_x_and_zero)
{
    assert_valid("ZL202110101002.X");
    assert_valid("ZL202110101000.0");
}
END_TEST

START_TEST(patent_number_accepts_pre_2003_form)
{
    assert_valid("ZL98123456.9");
    assert_valid("85100001.0");
    assert_valid("CN03212345.0");
    assert_valid("98101013.X");
}
END_TEST

START_TEST(patent_number_rejects_missing_or_empty)
{
    assert_problem(NULL, "must be an application number such as ZL202110123456.7");
    assert_problem("", "must be an application number such as ZL202110123456.7");
}
END_TEST

START_TEST(patent_number_rejects_other_or_lower_case_prefix)
{
    assert_problem("zl202110123456.7", "may start only with ZL or CN before the digits");
    assert_problem("US202110123456.7", "may start only with ZL or CN before the digits");
    assert_problem(".202110123456.7", "may start only with ZL or CN before the digits");
}
END_TEST

START_TEST(patent_number_rejects_missing_dot)
{
    assert_problem("ZL2021101234567", "missing the '.' before the check character");
    assert_problem("ZL", "missing the '.' before the check character");
}
END_TEST

START_TEST(patent_number_rejects_non_digits)
{
    assert_problem("ZL2021101234A6.7", "must have only digits before the '.'");
    assert_problem("ZL 202110123456.7", "must have only digits before the '.'");
    assert_problem("ZLCN202110123456.7", "must have only digits before the '.'");
    assert_problem("ZL2021-10123456.7", "must have only digits before the '.'");
}
END_TEST

START_TEST(patent_number_rejects_wrong_digit_count)
{
    static const char *const numbers[] = {
        "ZL20211012345.7", "ZL2021101234567.7", "ZL9812345.0", "ZL981234567.0", "ZL.7",
    };
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        assert_problem(numbers[i],
                       "must have 12 digits before the '.' (8 for applications filed before "
                       "October 2003)");
}
END_TEST

START_TEST(patent_number_rejects_missing_or_extra_check_character)
{
    assert_problem("ZL202110123456.", "must have exactly one check character after the '.'");
    assert_problem("ZL202110123456.77", "must have exactly one check character after the '.'");
    assert_problem("ZL202110123456.7.", "must have exactly one check character after the '.'");
}
END_TEST

START_TEST(patent_number_rejects_lower_case_x)
{
    assert_problem("ZL202110101002.x", "check character X must be upper case");
}
END_TEST

START_TEST(patent_number_rejects_check_character_not_digit_or_x)
{
    assert_problem("ZL202110123456.A", "check character must be a digit or X");
    assert_problem("ZL202110123456. ", "check character must be a digit or X");
}
END_TEST

START_TEST(patent_number_rejects_unknown_type_digit)
{
    static const char *const numbers[] = {
        "ZL202100123456.0", "ZL202140123456.0", "ZL202150123456.0",
        "ZL202160123456.0", "ZL202170123456.0",
    };
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        assert_problem(numbers[i], "application type digit must be 1, 2, 3, 8 or 9");
}
END_TEST

START_TEST(patent_number_rejects_pct_type_in_pre_2003_form)
{
    assert_problem("98823456.0", "application type digit must be 1, 2 or 3");
    assert_problem("98423456.0", "application type digit must be 1, 2 or 3");
}
END_TEST

START_TEST(patent_number_rejects_year_outside_its_form)
{
    static const char *const since_2003 =
        "year must be 2003..2099 (earlier applications have 8 digits)";
    static const char *const before_2003 =
        "year must be 85..99 or 00..03 (later applications have 12 digits)";
    assert_problem("ZL199910123456.0", since_2003);
    assert_problem("ZL210010123456.0", since_2003);
    assert_problem("ZL04123456.0", before_2003);
    assert_problem("ZL84123456.0", before_2003);
}
END_TEST

START_TEST(patent_number_rejects_wrong_check_digit)
{
    assert_problem("ZL202110123456.8", "check digit mismatch");
    assert_problem("ZL202110123456.X", "check digit mismatch");
    assert_problem("ZL202110101002.0", "check digit mismatch");
    assert_problem("ZL98123456.8", "check digit mismatch");
    /* neighbouring serial digits swapped: 5 and 6 change places, sum changes by 1 */
    assert_problem("ZL202110123465.7", "check digit mismatch");
}
END_TEST

static Suite *patent_number_suite(void)
{
    Suite *suite = suite_create("patent_number");
    TCase *valid = tcase_create("valid");
    tcase_add_test(valid, patent_number_accepts_2003_form_with_and_without_prefix);
    tcase_add_test(valid, patent_number_accepts_every_application_type);
    tcase_add_test(valid, patent_number_accepts_check_x_and_zero);
    tcase_add_test(valid, patent_number_accepts_pre_2003_form);
    suite_add_tcase(suite, valid);

    TCase *invalid = tcase_create("invalid");
    tcase_add_test(invalid, patent_number_rejects_missing_or_empty);
    tcase_add_test(invalid, patent_number_rejects_other_or_lower_case_prefix);
    tcase_add_test(invalid, patent_number_rejects_missing_dot);
    tcase_add_test(invalid, patent_number_rejects_non_digits);
    tcase_add_test(invalid, patent_number_rejects_wrong_digit_count);
    tcase_add_test(invalid, patent_number_rejects_missing_or_extra_check_character);
    tcase_add_test(invalid, patent_number_rejects_lower_case_x);
    tcase_add_test(invalid, patent_number_rejects_check_character_not_digit_or_x);
    tcase_add_test(invalid, patent_number_rejects_unknown_type_digit);
    tcase_add_test(invalid, patent_number_rejects_pct_type_in_pre_2003_form);
    tcase_add_test(invalid, patent_number_rejects_year_outside_its_form);
    tcase_add_test(invalid, patent_number_rejects_wrong_check_digit);
    suite_add_tcase(suite, invalid);
    return suite;
}

int main(void)
{
    SRunner *runner = srunner_create(patent_number_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
