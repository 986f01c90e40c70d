/* test_credit_code: Unified Social Credit Codes, valid ones and every kind of invalid one. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "domain/credit_code.h"

/*
 * Worked by hand (alphabet index: A=10 .. H=17, J=18 .. N=22, P=23, Q=24, R=25, T=26, U=27,
 * W=28, X=29, Y=30; GB 11714 values: letter = 10 + position in A..Z, so M=22, Y=34):
 *
 * 91350100M000100Y43
 *   organisation body M000100Y, weights 3,7,9,10,5,8,4,2:
 *     22*3 + 1*5 + 34*2 = 66 + 5 + 68 = 139; 139 mod 11 = 7; 11 - 7 = 4 -> '4'
 *   first 17 "91350100M000100Y4", weights 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28:
 *     9 + 3 + 27 + 135 + 0 + 26 + 0 + 0 + 21*20 + 0 + 0 + 0 + 8 + 0 + 0 + 30*30 + 4*28 = 1640;
 *     1640 mod 31 = 28; 31 - 28 = 3 -> '3'
 *
 * 91110000600037341L
 *   organisation body 60003734: 18 + 15 + 56 + 12 + 8 = 109; 109 mod 11 = 10; 11 - 10 = 1 -> '1'
 *   first 17: 9 + 3 + 9 + 27 + 6*20 + 3*8 + 7*24 + 3*10 + 4*30 + 1*28 = 538;
 *     538 mod 31 = 11; 31 - 11 = 20 -> 'L'
 *
 * The other valid codes below were computed by a separate implementation of both checks.
 */

START_TEST(credit_code_accepts_commonly_cited_valid_codes)
{
    ck_assert_ptr_null(credit_code_problem("91350100M000100Y43"));
    ck_assert_ptr_null(credit_code_problem("91110000600037341L"));
}
END_TEST

START_TEST(credit_code_accepts_computed_valid_codes)
{
    static const char *const valid[] = {
        "91330106MA27XY5875", "12340000000000000D", "52320000MJ50123412",
        "Y1310115ABCDEFGH5U", "93310000KL12345645",
    };
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++)
        ck_assert_msg(credit_code_problem(valid[i]) == NULL, "%s rejected: %s", valid[i],
                      credit_code_problem(valid[i]));
}
END_TEST

START_TEST(credit_code_accepts_organisation_check_x_and_zero)
{
    /* 00000006: 6*2 = 12, 12 mod 11 = 1, 11 - 1 = 10 -> 'X' */
    ck_assert_ptr_null(credit_code_problem("9133000000000006X4"));
    /* 00000000: sum 0, 11 - 0 = 11 -> '0' */
    ck_assert_ptr_null(credit_code_problem("913300000000000004"));
}
END_TEST

START_TEST(credit_code_accepts_final_check_zero_and_y)
{
    /* 31 - (sum mod 31) = 31 wraps to '0'; 30 is 'Y', the last letter of the alphabet */
    ck_assert_ptr_null(credit_code_problem("91330000MA00000660"));
    ck_assert_ptr_null(credit_code_problem("91330000MA0000410Y"));
}
END_TEST

START_TEST(credit_code_rejects_wrong_length)
{
    ck_assert_str_eq(credit_code_problem(""), "must be 18 characters");
    ck_assert_str_eq(credit_code_problem("91350100M000100Y4"), "must be 18 characters");
    ck_assert_str_eq(credit_code_problem("91350100M000100Y433"), "must be 18 characters");
    ck_assert_str_eq(credit_code_problem(" 91350100M000100Y43"), "must be 18 characters");
    ck_assert_str_eq(credit_code_problem(NULL), "must be 18 characters");
}
END_TEST

START_TEST(credit_code_rejects_lower_case_saying_upper_case)
{
    const char *problem = credit_code_problem("91350100m000100y43");
    ck_assert_ptr_nonnull(problem);
    ck_assert_ptr_nonnull(strstr(problem, "not allowed"));
    ck_assert_ptr_nonnull(strstr(problem, "upper case"));
}
END_TEST

START_TEST(credit_code_rejects_letters_outside_the_alphabet)
{
    /* I, O, Z, S, V are excluded by GB 32100 even where GB 11714 would allow them */
    static const char *const codes[] = {
        "91350100I000100Y43", "91350100O000100Y43", "91350100Z000100Y43",
        "91350100S000100Y43", "91350100V000100Y43",
    };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        const char *problem = credit_code_problem(codes[i]);
        ck_assert_msg(problem != NULL && strstr(problem, "not allowed") != NULL,
                      "%s: expected a not-allowed-character problem", codes[i]);
    }
}
END_TEST

START_TEST(credit_code_rejects_punctuation_and_non_ascii)
{
    ck_assert_ptr_nonnull(strstr(credit_code_problem("91350100-000100Y43"), "not allowed"));
    ck_assert_ptr_nonnull(strstr(credit_code_problem("91350100 000100Y43"), "not allowed"));
    /* 18 bytes with a two-byte UTF-8 character in the middle */
    const char *accented = "91350100\xc3\xa9"
                           "00100Y43";
    ck_assert_ptr_nonnull(strstr(credit_code_problem(accented), "not allowed"));
}
END_TEST

START_TEST(credit_code_rejects_letters_in_division_code)
{
    ck_assert_str_eq(credit_code_problem("913A0100M000100Y43"),
                     "administrative division code (characters 3 to 8) must be digits");
}
END_TEST

START_TEST(credit_code_rejects_organisation_check_mismatch)
{
    ck_assert_str_eq(credit_code_problem("91350100M000100Y53"),
                     "organisation code check digit mismatch");
    /* a changed body character breaks the organisation check before the final one */
    ck_assert_str_eq(credit_code_problem("91350100M000200Y43"),
                     "organisation code check digit mismatch");
}
END_TEST

START_TEST(credit_code_rejects_final_check_mismatch)
{
    ck_assert_str_eq(credit_code_problem("91350100M000100Y44"), "check digit mismatch");
    ck_assert_str_eq(credit_code_problem("91110000600037341K"), "check digit mismatch");
    /* registration authority changed: organisation code still right, final check wrong */
    ck_assert_str_eq(credit_code_problem("51350100M000100Y43"), "check digit mismatch");
}
END_TEST

START_TEST(credit_code_rejects_swapped_neighbours)
{
    ck_assert_str_eq(credit_code_problem("93150100M000100Y43"), "check digit mismatch");
}
END_TEST

static Suite *credit_code_suite(void)
{
    Suite *suite = suite_create("credit_code");
    TCase *valid = tcase_create("valid");
    tcase_add_test(valid, credit_code_accepts_commonly_cited_valid_codes);
    tcase_add_test(valid, credit_code_accepts_computed_valid_codes);
    tcase_add_test(valid, credit_code_accepts_organisation_check_x_and_zero);
    tcase_add_test(valid, credit_code_accepts_final_check_zero_and_y);
    suite_add_tcase(suite, valid);

    TCase *invalid = tcase_create("invalid");
    tcase_add_test(invalid, credit_code_rejects_wrong_length);
    tcase_add_test(invalid, credit_code_rejects_lower_case_saying_upper_case);
    tcase_add_test(invalid, credit_code_rejects_letters_outside_the_alphabet);
    tcase_add_test(invalid, credit_code_rejects_punctuation_and_non_ascii);
    tcase_add_test(invalid, credit_code_rejects_letters_in_division_code);
    tcase_add_test(invalid, credit_code_rejects_organisation_check_mismatch);
    tcase_add_test(invalid, credit_code_rejects_final_check_mismatch);
    tcase_add_test(invalid, credit_code_rejects_swapped_neighbours);
    suite_add_tcase(suite, invalid);
    return suite;
}

int main(void)
{
    SRunner *runner = srunner_create(credit_code_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
