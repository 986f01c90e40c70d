/* test_conninfo: connection strings printed without their passwords. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "db/conninfo.h"

START_TEST(url_password_is_hidden)
{
    char out[512];
    ck_assert(conninfo_printable("postgresql://techpool:s3cret-pw@db.example:5433/techpool", out,
                                 sizeof out));
    ck_assert_ptr_null(strstr(out, "s3cret-pw"));
    ck_assert_ptr_nonnull(strstr(out, "password=***"));
    ck_assert_ptr_nonnull(strstr(out, "host=db.example"));
    ck_assert_ptr_nonnull(strstr(out, "port=5433"));
    ck_assert_ptr_nonnull(strstr(out, "user=techpool"));
}
END_TEST

START_TEST(keyword_password_is_hidden)
{
    char out[512];
    ck_assert(conninfo_printable("host=/tmp/pg port=5432 dbname=t password='a b c' user=x", out,
                                 sizeof out));
    ck_assert_ptr_null(strstr(out, "a b c"));
    ck_assert_ptr_nonnull(strstr(out, "password=***"));
    ck_assert_ptr_nonnull(strstr(out, "dbname=t"));
}
END_TEST

START_TEST(without_password_nothing_is_hidden)
{
    char out[512];
    ck_assert(conninfo_printable("host=/tmp/pg dbname=techpool", out, sizeof out));
    ck_assert_str_eq(out, "dbname=techpool host=/tmp/pg"); /* in libpq's order */
    ck_assert(conninfo_printable("", out, sizeof out));
    ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(unreadable_or_too_long_is_said_so)
{
    char out[512];
    ck_assert(conninfo_printable("host='unterminated password=x", out, sizeof out));
    ck_assert_str_eq(out, "(not a connection string)");
    char small[16];
    ck_assert(!conninfo_printable("host=a-rather-long-host-name password=x", small, sizeof small));
    ck_assert_ptr_null(strstr(small, "password=x"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("conninfo");
    TCase *tc = tcase_create("conninfo");
    tcase_add_test(tc, url_password_is_hidden);
    tcase_add_test(tc, keyword_password_is_hidden);
    tcase_add_test(tc, without_password_nothing_is_hidden);
    tcase_add_test(tc, unreadable_or_too_long_is_said_so);
    suite_add_tcase(s, tc);
    SRunner *runner = srunner_create(s);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
