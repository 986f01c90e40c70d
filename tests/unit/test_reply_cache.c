/* test_reply_cache: kept replies come back only for the same key and generation, with their
 * headers; errors, streams and oversized replies are not kept; the byte budget holds, and new
 * replies still find room when it is spent. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/reply_cache.h"

static void put_text(const char *key, uint64_t generation, int status, const char *body)
{
    struct reply rep = { 0 };
    reply_text(&rep, status, "application/json", body, strlen(body));
    reply_header_add(&rep, "ETag", "\"7\"");
    reply_cache_put(key, strlen(key), generation, &rep);
    reply_release(&rep);
}

/* The body kept for key at generation (a static copy), or NULL. */
static const char *get_text(const char *key, uint64_t generation)
{
    static char body[256];
    struct reply rep = { 0 };
    if (!reply_cache_get(key, strlen(key), generation, &rep))
        return NULL;
    ck_assert_int_eq(rep.status, 200);
    ck_assert_str_eq(rep.content_type, "application/json");
    snprintf(body, sizeof body, "%.*s", (int)rep.body_len, rep.body);
    reply_release(&rep);
    return body;
}

static void teardown(void)
{
    reply_cache_clear();
}

START_TEST(a_kept_reply_comes_back_with_its_headers)
{
    put_text("/api/v1/achievements/1", 3, 200, "{\"id\":1}");
    struct reply rep = { 0 };
    ck_assert(reply_cache_get("/api/v1/achievements/1", 22, 3, &rep));
    ck_assert_uint_eq(rep.body_len, 8);
    ck_assert_mem_eq(rep.body, "{\"id\":1}", 8);
    ck_assert_uint_eq(rep.header_count, 1);
    ck_assert_str_eq(rep.headers[0].name, "ETag");
    ck_assert_str_eq(rep.headers[0].value, "\"7\"");
    reply_release(&rep);
    ck_assert_uint_eq(reply_cache_entries(), 1);
}
END_TEST

START_TEST(another_generation_or_key_misses)
{
    put_text("/api/v1/achievements\x1Eprovince\x1FZJ", 5, 200, "[1]");
    ck_assert_str_eq(get_text("/api/v1/achievements\x1Eprovince\x1FZJ", 5), "[1]");
    ck_assert_ptr_null(get_text("/api/v1/achievements\x1Eprovince\x1FZJ", 7));
    ck_assert_ptr_null(get_text("/api/v1/achievements\x1Eprovince\x1FJS", 5));
    ck_assert_ptr_null(get_text("/api/v1/achievements", 5));
}
END_TEST

START_TEST(generation_zero_keeps_and_finds_nothing)
{
    put_text("/a", 0, 200, "{}");
    ck_assert_uint_eq(reply_cache_entries(), 0);
    ck_assert_ptr_null(get_text("/a", 0));
}
END_TEST

START_TEST(problems_streams_and_large_replies_are_not_kept)
{
    put_text("/problem", 3, 404, "{\"code\":\"not_found\"}");
    ck_assert_ptr_null(get_text("/problem", 3));

    struct reply large = { 0 };
    size_t size = REPLY_CACHE_BODY_MAX + 1;
    char *body = malloc(size);
    ck_assert_ptr_nonnull(body);
    memset(body, 'x', size);
    reply_body_steal(&large, 200, "application/json", body, size);
    reply_cache_put("/large", 6, 3, &large);
    reply_release(&large);
    ck_assert_ptr_null(get_text("/large", 3));

    char long_key[REPLY_CACHE_KEY_MAX + 2];
    memset(long_key, 'k', sizeof long_key - 1);
    long_key[sizeof long_key - 1] = '\0';
    put_text(long_key, 3, 200, "{}");
    ck_assert_ptr_null(get_text(long_key, 3));
    ck_assert_uint_eq(reply_cache_entries(), 0);
}
END_TEST

START_TEST(an_older_generation_does_not_replace_a_newer_reply)
{
    put_text("/slot", 9, 200, "new");
    put_text("/slot", 7, 200, "old"); /* a slow reader that began before the change */
    ck_assert_str_eq(get_text("/slot", 9), "new");
    put_text("/slot", 11, 200, "newer");
    ck_assert_str_eq(get_text("/slot", 11), "newer");
}
END_TEST

/* Fills the cache with replies of about 16 KiB at generation; returns how many were offered. */
static int fill(uint64_t generation, const char *prefix)
{
    static char body[16 * 1024];
    memset(body, 'y', sizeof body - 1);
    body[sizeof body - 1] = '\0';
    int offered = 0;
    for (; offered < 3000; offered++) {
        char key[64];
        snprintf(key, sizeof key, "%s/%d", prefix, offered);
        put_text(key, generation, 200, body);
    }
    return offered;
}

START_TEST(the_byte_budget_holds_and_new_replies_find_room)
{
    fill(3, "/old");
    ck_assert_uint_le(reply_cache_bytes(), REPLY_CACHE_BYTES_MAX);
    ck_assert_uint_gt(reply_cache_bytes(), REPLY_CACHE_BYTES_MAX / 2);
    size_t old_entries = reply_cache_entries();
    ck_assert_uint_lt(old_entries, 3000); /* 3000 x 16 KiB would be 47 MiB */

    ck_assert_ptr_nonnull(get_text("/old/2999", 3)); /* the last one found room */

    /* the pool changed: the replies of generation 5 take the place of those of 3 */
    fill(5, "/new");
    ck_assert_uint_le(reply_cache_bytes(), REPLY_CACHE_BYTES_MAX);
    ck_assert_ptr_nonnull(get_text("/new/2999", 5));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("reply_cache");
    TCase *tc = tcase_create("reply_cache");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, a_kept_reply_comes_back_with_its_headers);
    tcase_add_test(tc, another_generation_or_key_misses);
    tcase_add_test(tc, generation_zero_keeps_and_finds_nothing);
    tcase_add_test(tc, problems_streams_and_large_replies_are_not_kept);
    tcase_add_test(tc, an_older_generation_does_not_replace_a_newer_reply);
    tcase_add_test(tc, the_byte_budget_holds_and_new_replies_find_room);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
