/* test_password: the policy (in characters), argon2id hashing, verifying, rehash advice. */
#include <check.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/password.h"

#define ZHONG "\xe4\xb8\xad"    /* 中: three bytes, one character */
#define TREE "\xf0\x9f\x8c\xb3" /* U+1F333: four bytes, one character */

static void assert_problem(const char *password, const char *expected)
{
    const char *problem = password_problem(password);
    ck_assert_msg(problem != NULL, "\"%s\" accepted, expected \"%s\"", password, expected);
    ck_assert_msg(strcmp(problem, expected) == 0, "\"%s\": got \"%s\", expected \"%s\"", password,
                  problem, expected);
}

/* count copies of unit (itself one or more characters) followed by tail. */
static char *repeat(const char *unit, size_t count, const char *tail)
{
    size_t unit_length = strlen(unit);
    size_t tail_length = strlen(tail);
    char *text = malloc(unit_length * count + tail_length + 1);
    ck_assert_ptr_nonnull(text);
    for (size_t i = 0; i < count; i++)
        memcpy(text + i * unit_length, unit, unit_length);
    memcpy(text + unit_length * count, tail, tail_length + 1);
    return text;
}

START_TEST(password_policy_accepts_ten_characters)
{
    ck_assert_ptr_null(password_problem("correcthor"));
    ck_assert_ptr_null(password_problem("123456789a"));
    ck_assert_ptr_null(password_problem("ababababab"));
}
END_TEST

START_TEST(password_policy_rejects_nine_characters)
{
    assert_problem("correctho", "must be at least 10 characters");
    assert_problem("", "must be at least 10 characters");
    assert_problem(NULL, "must be at least 10 characters");
}
END_TEST

START_TEST(password_policy_counts_characters_not_bytes)
{
    /* nine Chinese characters are 27 bytes but still too short */
    char *nine = repeat(ZHONG, 8, "a");
    assert_problem(nine, "must be at least 10 characters");
    free(nine);
    char *ten = repeat(ZHONG, 9, "a");
    ck_assert_ptr_null(password_problem(ten));
    free(ten);
    char *trees = repeat(TREE, 9, "a");
    ck_assert_ptr_null(password_problem(trees));
    free(trees);
}
END_TEST

START_TEST(password_policy_limits_to_256_characters)
{
    char *longest = repeat("ab", 128, "");
    ck_assert_ptr_null(password_problem(longest));
    free(longest);
    char *too_long = repeat("ab", 128, "c");
    assert_problem(too_long, "must be at most 256 characters");
    free(too_long);
    /* 256 Chinese characters are 768 bytes and allowed */
    char *chinese = repeat(ZHONG, 255, "a");
    ck_assert_ptr_null(password_problem(chinese));
    free(chinese);
    char *chinese_too_long = repeat(ZHONG, 256, "a");
    assert_problem(chinese_too_long, "must be at most 256 characters");
    free(chinese_too_long);
}
END_TEST

START_TEST(password_policy_rejects_one_character_repeated)
{
    assert_problem("aaaaaaaaaa", "must not be one character repeated");
    assert_problem("0000000000", "must not be one character repeated");
    char *chinese = repeat(ZHONG, 12, "");
    assert_problem(chinese, "must not be one character repeated");
    free(chinese);
    char *trees = repeat(TREE, 10, "");
    assert_problem(trees, "must not be one character repeated");
    free(trees);
}
END_TEST

START_TEST(password_policy_rejects_only_digits)
{
    assert_problem("1234567890", "must not be only digits");
    assert_problem("13800138000", "must not be only digits");
}
END_TEST

START_TEST(password_hash_makes_argon2id_that_verifies)
{
    char hash[PASSWORD_HASH_MAX];
    ck_assert(password_hash("Lotus-pond 2026", hash));
    ck_assert_msg(strncmp(hash, "$argon2id$", 10) == 0, "not argon2id: %s", hash);
    ck_assert(password_verify(hash, "Lotus-pond 2026"));
}
END_TEST

START_TEST(password_verify_rejects_wrong_passwords)
{
    char hash[PASSWORD_HASH_MAX];
    ck_assert(password_hash("Lotus-pond 2026", hash));
    ck_assert(!password_verify(hash, "lotus-pond 2026"));
    ck_assert(!password_verify(hash, "Lotus-pond 202"));
    ck_assert(!password_verify(hash, ""));
    ck_assert(!password_verify(hash, NULL));
}
END_TEST

START_TEST(password_verify_rejects_damaged_hashes)
{
    char hash[PASSWORD_HASH_MAX];
    ck_assert(password_hash("Lotus-pond 2026", hash));
    size_t length = strlen(hash);
    hash[length - 2] = hash[length - 2] == 'A' ? 'B' : 'A';
    ck_assert(!password_verify(hash, "Lotus-pond 2026"));
    ck_assert(!password_verify("", "Lotus-pond 2026"));
    ck_assert(!password_verify("$argon2id$", "Lotus-pond 2026"));
    ck_assert(!password_verify(NULL, "Lotus-pond 2026"));
}
END_TEST

START_TEST(password_hash_salts_each_hash)
{
    char first[PASSWORD_HASH_MAX];
    char second[PASSWORD_HASH_MAX];
    ck_assert(password_hash("Lotus-pond 2026", first));
    ck_assert(password_hash("Lotus-pond 2026", second));
    ck_assert_str_ne(first, second);
    ck_assert(password_verify(second, "Lotus-pond 2026"));
}
END_TEST

START_TEST(password_needs_no_rehash_at_current_limits)
{
    char hash[PASSWORD_HASH_MAX];
    ck_assert(password_hash("Lotus-pond 2026", hash));
    ck_assert(!password_needs_rehash(hash));
}
END_TEST

START_TEST(password_needs_rehash_for_weaker_limits_or_other_algorithm)
{
    char weak[crypto_pwhash_STRBYTES];
    ck_assert_int_eq(crypto_pwhash_str_alg(weak, "Lotus-pond 2026", 15, crypto_pwhash_OPSLIMIT_MIN,
                                           crypto_pwhash_MEMLIMIT_MIN,
                                           crypto_pwhash_ALG_ARGON2ID13),
                     0);
    ck_assert(password_verify(weak, "Lotus-pond 2026"));
    ck_assert(password_needs_rehash(weak));

    char argon2i[crypto_pwhash_argon2i_STRBYTES];
    ck_assert_int_eq(crypto_pwhash_argon2i_str(argon2i, "Lotus-pond 2026", 15,
                                               crypto_pwhash_argon2i_OPSLIMIT_INTERACTIVE,
                                               crypto_pwhash_argon2i_MEMLIMIT_INTERACTIVE),
                     0);
    ck_assert(password_needs_rehash(argon2i));

    ck_assert(password_needs_rehash("not a hash"));
    ck_assert(password_needs_rehash(NULL));
}
END_TEST

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    ck_assert_int_eq(clock_gettime(CLOCK_MONOTONIC, &now), 0);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

START_TEST(password_burn_time_does_the_work_of_a_verify)
{
    /* Not a speed assertion: a lower bound showing that an argon2id computation ran
     * (one pass over 64 MiB cannot finish in 5 ms), for the first call, which makes the
     * stored hash, and for later ones, which only verify against it. */
    struct timespec start;
    for (int call = 0; call < 2; call++) {
        ck_assert_int_eq(clock_gettime(CLOCK_MONOTONIC, &start), 0);
        password_burn_time("Lotus-pond 2026");
        double elapsed = seconds_since(&start);
        ck_assert_msg(elapsed > 0.005, "call %d took %.6f s: no hashing happened", call, elapsed);
    }
    ck_assert_int_eq(clock_gettime(CLOCK_MONOTONIC, &start), 0);
    password_burn_time(NULL);
    ck_assert_msg(seconds_since(&start) > 0.005, "burn for a NULL password did no hashing");
}
END_TEST

static Suite *password_suite(void)
{
    Suite *suite = suite_create("password");
    TCase *policy = tcase_create("policy");
    tcase_add_test(policy, password_policy_accepts_ten_characters);
    tcase_add_test(policy, password_policy_rejects_nine_characters);
    tcase_add_test(policy, password_policy_counts_characters_not_bytes);
    tcase_add_test(policy, password_policy_limits_to_256_characters);
    tcase_add_test(policy, password_policy_rejects_one_character_repeated);
    tcase_add_test(policy, password_policy_rejects_only_digits);
    suite_add_tcase(suite, policy);

    /* argon2id is slow on purpose, and slower still under the sanitizers */
    TCase *hashing = tcase_create("hashing");
    tcase_set_timeout(hashing, 120);
    tcase_add_test(hashing, password_hash_makes_argon2id_that_verifies);
    tcase_add_test(hashing, password_verify_rejects_wrong_passwords);
    tcase_add_test(hashing, password_verify_rejects_damaged_hashes);
    tcase_add_test(hashing, password_hash_salts_each_hash);
    tcase_add_test(hashing, password_needs_no_rehash_at_current_limits);
    tcase_add_test(hashing, password_needs_rehash_for_weaker_limits_or_other_algorithm);
    tcase_add_test(hashing, password_burn_time_does_the_work_of_a_verify);
    suite_add_tcase(suite, hashing);
    return suite;
}

int main(void)
{
    if (sodium_init() < 0)
        return EXIT_FAILURE;
    SRunner *runner = srunner_create(password_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
