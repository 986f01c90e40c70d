/* test_cursor: cursors round-trip; forged, damaged and foreign ones are refused. */
#include <check.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/cursor.h"

static const char *const SCOPE = "achievements";
static const char *const POSITION = "2026-03-01T08:00:00.123456Z,42";

static unsigned char test_key[CURSOR_KEY_BYTES];

static void set_test_key(void)
{
    for (size_t i = 0; i < CURSOR_KEY_BYTES; i++)
        test_key[i] = (unsigned char)(i * 7 + 1);
    cursor_set_key(test_key);
}

/* Seals position the way the format says, with libsodium's one-shot hash, so the test
 * does not share code with the implementation. */
static void seal_by_hand(const char *scope, const unsigned char *position, size_t length, char *out,
                         size_t out_size)
{
    unsigned char message[256];
    unsigned char sealed[256];
    size_t scope_length = strlen(scope);
    ck_assert(scope_length + 1 + length <= sizeof message && 1 + length + 16 <= sizeof sealed);
    memcpy(message, scope, scope_length + 1);
    memcpy(message + scope_length + 1, position, length);
    sealed[0] = 1;
    memcpy(sealed + 1, position, length);
    ck_assert_int_eq(crypto_generichash(sealed + 1 + length, 16, message, scope_length + 1 + length,
                                        test_key, sizeof test_key),
                     0);
    ck_assert_ptr_nonnull(sodium_bin2base64(out, out_size, sealed, 1 + length + 16,
                                            sodium_base64_VARIANT_URLSAFE_NO_PADDING));
}

START_TEST(cursor_round_trip_returns_the_position)
{
    char text[CURSOR_MAX_TEXT + 1];
    char position[128];
    ck_assert(cursor_encode(SCOPE, POSITION, text, sizeof text));
    ck_assert(cursor_decode(SCOPE, text, position, sizeof position));
    ck_assert_str_eq(position, POSITION);
}
END_TEST

START_TEST(cursor_text_is_url_safe_without_padding)
{
    char text[CURSOR_MAX_TEXT + 1];
    /* many different MACs, so that the symbols that differ from plain base64 turn up */
    for (int n = 0; n < 64; n++) {
        char position[64];
        snprintf(position, sizeof position, "~~~%d,%d", n, n * 31);
        ck_assert(cursor_encode(SCOPE, position, text, sizeof text));
        ck_assert_msg(strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                   "0123456789-_") == strlen(text),
                      "cursor %s has a character that needs escaping in a URL", text);
    }
}
END_TEST

START_TEST(cursor_matches_the_documented_format)
{
    char by_hand[CURSOR_MAX_TEXT + 1];
    char encoded[CURSOR_MAX_TEXT + 1];
    seal_by_hand(SCOPE, (const unsigned char *)POSITION, strlen(POSITION), by_hand, sizeof by_hand);
    ck_assert(cursor_encode(SCOPE, POSITION, encoded, sizeof encoded));
    ck_assert_str_eq(encoded, by_hand);
}
END_TEST

START_TEST(cursor_decode_rejects_every_tampered_character)
{
    char text[CURSOR_MAX_TEXT + 1];
    char position[128];
    ck_assert(cursor_encode(SCOPE, POSITION, text, sizeof text));
    size_t length = strlen(text);
    for (size_t i = 0; i < length; i++) {
        char tampered[CURSOR_MAX_TEXT + 1];
        memcpy(tampered, text, length + 1);
        tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
        ck_assert_msg(!cursor_decode(SCOPE, tampered, position, sizeof position),
                      "cursor with character %zu changed was accepted", i);
    }
}
END_TEST

START_TEST(cursor_decode_rejects_truncated)
{
    char text[CURSOR_MAX_TEXT + 1];
    char position[128];
    ck_assert(cursor_encode(SCOPE, POSITION, text, sizeof text));
    for (size_t keep = strlen(text) - 1; keep > 0; keep--) {
        text[keep] = '\0';
        ck_assert_msg(!cursor_decode(SCOPE, text, position, sizeof position),
                      "cursor cut to %zu characters was accepted", keep);
    }
}
END_TEST

START_TEST(cursor_decode_rejects_other_scope)
{
    char text[CURSOR_MAX_TEXT + 1];
    char position[128];
    ck_assert(cursor_encode("trials", POSITION, text, sizeof text));
    ck_assert(!cursor_decode(SCOPE, text, position, sizeof position));
    /* the NUL separator keeps "trial"+"s..." from meeting "trials"+"..." */
    ck_assert(!cursor_decode("trial", text, position, sizeof position));
}
END_TEST

START_TEST(cursor_decode_rejects_other_key)
{
    char text[CURSOR_MAX_TEXT + 1];
    char position[128];
    unsigned char other_key[CURSOR_KEY_BYTES];
    ck_assert(cursor_encode(SCOPE, POSITION, text, sizeof text));
    memcpy(other_key, test_key, sizeof other_key);
    other_key[0] ^= 1;
    cursor_set_key(other_key);
    ck_assert(!cursor_decode(SCOPE, text, position, sizeof position));
}
END_TEST

START_TEST(cursor_decode_rejects_garbage_and_padding)
{
    static const char *const garbage[] = {
        "!!!!",
        "abc=",
        "AQID AQID",
        "not a cursor at all",
        "AQ==",
        "%41%42",
        "\xe4\xb8\xad",
        /* plain base64 symbols that the URL-safe alphabet replaces */
        "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA+",
        "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA/",
    };
    char position[128];
    for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++)
        ck_assert_msg(!cursor_decode(SCOPE, garbage[i], position, sizeof position),
                      "garbage \"%s\" was accepted", garbage[i]);
}
END_TEST

START_TEST(cursor_decode_rejects_empty_and_null)
{
    char position[128];
    ck_assert(!cursor_decode(SCOPE, "", position, sizeof position));
    ck_assert(!cursor_decode(SCOPE, NULL, position, sizeof position));
    ck_assert(!cursor_decode(NULL, "AAAA", position, sizeof position));
}
END_TEST

START_TEST(cursor_decode_rejects_over_long_text)
{
    char text[CURSOR_MAX_TEXT + 2];
    char position[CURSOR_MAX_TEXT];
    memset(text, 'A', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    ck_assert(!cursor_decode(SCOPE, text, position, sizeof position));
}
END_TEST

START_TEST(cursor_decode_rejects_wrong_version)
{
    char text[CURSOR_MAX_TEXT + 1];
    char position[128];
    unsigned char sealed[64];
    size_t sealed_length = 0;
    ck_assert(cursor_encode(SCOPE, POSITION, text, sizeof text));
    ck_assert_int_eq(sodium_base642bin(sealed, sizeof sealed, text, strlen(text), NULL,
                                       &sealed_length, NULL,
                                       sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                     0);
    sealed[0] = 2;
    ck_assert_ptr_nonnull(sodium_bin2base64(text, sizeof text, sealed, sealed_length,
                                            sodium_base64_VARIANT_URLSAFE_NO_PADDING));
    ck_assert(!cursor_decode(SCOPE, text, position, sizeof position));
}
END_TEST

START_TEST(cursor_decode_rejects_sealed_position_with_control_bytes)
{
    /* correctly sealed with the key, so only the content check can refuse them */
    static const unsigned char with_nul[] = { '4', '2', 0, '1' };
    static const unsigned char with_newline[] = { '4', '2', '\n', '1' };
    static const unsigned char with_high_byte[] = { '4', '2', 0xe4, '1' };
    char text[CURSOR_MAX_TEXT + 1];
    char position[128];
    seal_by_hand(SCOPE, with_nul, sizeof with_nul, text, sizeof text);
    ck_assert(!cursor_decode(SCOPE, text, position, sizeof position));
    seal_by_hand(SCOPE, with_newline, sizeof with_newline, text, sizeof text);
    ck_assert(!cursor_decode(SCOPE, text, position, sizeof position));
    seal_by_hand(SCOPE, with_high_byte, sizeof with_high_byte, text, sizeof text);
    ck_assert(!cursor_decode(SCOPE, text, position, sizeof position));
    /* and the same construction with a clean position is accepted */
    seal_by_hand(SCOPE, (const unsigned char *)"42,1", 4, text, sizeof text);
    ck_assert(cursor_decode(SCOPE, text, position, sizeof position));
    ck_assert_str_eq(position, "42,1");
}
END_TEST

START_TEST(cursor_decode_refuses_too_small_position_buffer)
{
    char text[CURSOR_MAX_TEXT + 1];
    char position[sizeof "2026-03-01T08:00:00.123456Z,42"];
    ck_assert(cursor_encode(SCOPE, POSITION, text, sizeof text));
    ck_assert(!cursor_decode(SCOPE, text, position, sizeof position - 1));
    ck_assert(cursor_decode(SCOPE, text, position, sizeof position));
}
END_TEST

START_TEST(cursor_encode_refuses_too_small_output)
{
    char text[CURSOR_MAX_TEXT + 1];
    ck_assert(cursor_encode(SCOPE, POSITION, text, sizeof text));
    size_t needed = strlen(text) + 1;
    ck_assert(!cursor_encode(SCOPE, POSITION, text, needed - 1));
    ck_assert(cursor_encode(SCOPE, POSITION, text, needed));
}
END_TEST

START_TEST(cursor_encode_refuses_unfit_positions)
{
    char text[CURSOR_MAX_TEXT + 1];
    char position[CURSOR_MAX_TEXT];
    ck_assert(!cursor_encode(SCOPE, "", text, sizeof text));
    ck_assert(!cursor_encode(SCOPE, "42\n1", text, sizeof text));
    ck_assert(!cursor_encode(SCOPE, "\xe4\xb8\xad", text, sizeof text));

    /* the longest position that still fits CURSOR_MAX_TEXT, and one more */
    size_t longest = CURSOR_MAX_TEXT / 4 * 3 - 1 - 16;
    memset(position, 'x', longest);
    position[longest] = '\0';
    ck_assert(cursor_encode(SCOPE, position, text, sizeof text));
    ck_assert_uint_le(strlen(text), CURSOR_MAX_TEXT);
    char decoded[CURSOR_MAX_TEXT];
    ck_assert(cursor_decode(SCOPE, text, decoded, sizeof decoded));
    ck_assert_str_eq(decoded, position);
    position[longest] = 'x';
    position[longest + 1] = '\0';
    ck_assert(!cursor_encode(SCOPE, position, text, sizeof text));
}
END_TEST

START_TEST(cursor_refuses_to_work_without_a_key)
{
    char text[CURSOR_MAX_TEXT + 1];
    ck_assert(!cursor_encode(SCOPE, POSITION, text, sizeof text));
}
END_TEST

static Suite *cursor_suite(void)
{
    Suite *suite = suite_create("cursor");
    /* first, so that no key is set even when CK_FORK=no runs every test in one process */
    TCase *unkeyed = tcase_create("unkeyed");
    tcase_add_test(unkeyed, cursor_refuses_to_work_without_a_key);
    suite_add_tcase(suite, unkeyed);

    TCase *keyed = tcase_create("keyed");
    tcase_add_checked_fixture(keyed, set_test_key, NULL);
    tcase_add_test(keyed, cursor_round_trip_returns_the_position);
    tcase_add_test(keyed, cursor_text_is_url_safe_without_padding);
    tcase_add_test(keyed, cursor_matches_the_documented_format);
    tcase_add_test(keyed, cursor_decode_rejects_every_tampered_character);
    tcase_add_test(keyed, cursor_decode_rejects_truncated);
    tcase_add_test(keyed, cursor_decode_rejects_other_scope);
    tcase_add_test(keyed, cursor_decode_rejects_other_key);
    tcase_add_test(keyed, cursor_decode_rejects_garbage_and_padding);
    tcase_add_test(keyed, cursor_decode_rejects_empty_and_null);
    tcase_add_test(keyed, cursor_decode_rejects_over_long_text);
    tcase_add_test(keyed, cursor_decode_rejects_wrong_version);
    tcase_add_test(keyed, cursor_decode_rejects_sealed_position_with_control_bytes);
    tcase_add_test(keyed, cursor_decode_refuses_too_small_position_buffer);
    tcase_add_test(keyed, cursor_encode_refuses_too_small_output);
    tcase_add_test(keyed, cursor_encode_refuses_unfit_positions);
    suite_add_tcase(suite, keyed);

    return suite;
}

int main(void)
{
    if (sodium_init() < 0)
        return EXIT_FAILURE;
    SRunner *runner = srunner_create(cursor_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
