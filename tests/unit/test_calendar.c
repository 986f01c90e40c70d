/* test_calendar: strict YYYY-MM-DD parsing, its messages, adding months, RFC 3339 instants and
 * the Shanghai day of an instant. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "domain/calendar.h"

static void assert_problem(const char *text, const char *expected)
{
    struct date parsed = { 0, 0, 0 };
    const char *problem = date_problem(text);
    ck_assert_msg(problem != NULL, "\"%s\" accepted, expected \"%s\"", text, expected);
    ck_assert_msg(strcmp(problem, expected) == 0, "\"%s\": got \"%s\", expected \"%s\"", text,
                  problem, expected);
    ck_assert_msg(!date_parse(text, &parsed), "date_parse accepted \"%s\"", text);
}

static const char *const FORMAT = "must be a date written YYYY-MM-DD";

START_TEST(quarter_is_year_dash_q_and_one_to_four)
{
    ck_assert_ptr_null(quarter_problem("2027-Q1"));
    ck_assert_ptr_null(quarter_problem("1900-Q4"));
    const char *bad[] = { "2027-Q0",  "2027-Q5", "2027Q1",   "27-Q1", "2027-q1",
                          "2027-Q12", "1899-Q4", "２027-Q1", "" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(quarter_problem(bad[i]) != NULL, "accepted %s", bad[i]);
}
END_TEST

START_TEST(date_parse_reads_year_month_day)
{
    struct date parsed;
    ck_assert(date_parse("2026-03-01", &parsed));
    ck_assert_int_eq(parsed.year, 2026);
    ck_assert_int_eq(parsed.month, 3);
    ck_assert_int_eq(parsed.day, 1);
    ck_assert_ptr_null(date_problem("2026-03-01"));
}
END_TEST

START_TEST(date_parse_accepts_range_ends)
{
    struct date parsed;
    ck_assert(date_parse("1900-01-01", &parsed));
    ck_assert(date_parse("9999-12-31", &parsed));
    ck_assert_int_eq(parsed.year, 9999);
    ck_assert_int_eq(parsed.day, 31);
}
END_TEST

START_TEST(date_parse_accepts_last_day_of_every_month)
{
    static const char *const last_days[] = {
        "2025-01-31", "2025-02-28", "2025-03-31", "2025-04-30", "2025-05-31", "2025-06-30",
        "2025-07-31", "2025-08-31", "2025-09-30", "2025-10-31", "2025-11-30", "2025-12-31",
    };
    for (size_t i = 0; i < sizeof last_days / sizeof last_days[0]; i++)
        ck_assert_msg(date_problem(last_days[i]) == NULL, "%s rejected", last_days[i]);
}
END_TEST

START_TEST(date_parse_knows_leap_years)
{
    ck_assert_ptr_null(date_problem("2024-02-29")); /* divisible by 4 */
    ck_assert_ptr_null(date_problem("2000-02-29")); /* divisible by 400 */
    assert_problem("2025-02-29", "day does not exist in that month");
    assert_problem("1900-02-29", "day does not exist in that month"); /* by 100, not 400 */
    assert_problem("2100-02-29", "day does not exist in that month");
    assert_problem("2024-02-30", "day does not exist in that month");
}
END_TEST

START_TEST(date_parse_rejects_days_past_month_end_and_zero)
{
    assert_problem("2025-04-31", "day does not exist in that month");
    assert_problem("2025-06-31", "day does not exist in that month");
    assert_problem("2025-09-31", "day does not exist in that month");
    assert_problem("2025-11-31", "day does not exist in that month");
    assert_problem("2025-01-32", "day does not exist in that month");
    assert_problem("2025-01-00", "day does not exist in that month");
}
END_TEST

START_TEST(date_parse_rejects_month_out_of_range)
{
    assert_problem("2025-00-10", "month must be 01..12");
    assert_problem("2025-13-10", "month must be 01..12");
}
END_TEST

START_TEST(date_parse_rejects_year_out_of_range)
{
    assert_problem("1899-12-31", "year must be 1900..9999");
    assert_problem("0000-01-01", "year must be 1900..9999");
}
END_TEST

START_TEST(date_parse_rejects_other_layouts)
{
    static const char *const texts[] = {
        "",
        "2026-3-01",
        "2026-03-1",
        "26-03-01",
        "2026/03/01",
        "20260301",
        "2026-03-01T00:00:00Z",
        "2026-03-01 ",
        " 2026-03-01",
        "2026-0a-01",
        "+026-03-01",
        "2026--3-01",
        "10000-01-01",
        "2026-03-0\xd9",
        "２０２６-03-01",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        assert_problem(texts[i], FORMAT);
    ck_assert_str_eq(date_problem(NULL), FORMAT);
}
END_TEST

START_TEST(date_parse_leaves_output_alone_on_failure)
{
    struct date parsed = { 1, 2, 3 };
    ck_assert(!date_parse("2025-02-29", &parsed));
    ck_assert_int_eq(parsed.year, 1);
    ck_assert_int_eq(parsed.month, 2);
    ck_assert_int_eq(parsed.day, 3);
}
END_TEST

static void assert_add_months(struct date start, int months, int year, int month, int day)
{
    struct date result;
    ck_assert_msg(date_add_months(start, months, &result), "%04d-%02d-%02d %+d months failed",
                  start.year, start.month, start.day, months);
    ck_assert_msg(result.year == year && result.month == month && result.day == day,
                  "%04d-%02d-%02d %+d months: got %04d-%02d-%02d, expected %04d-%02d-%02d",
                  start.year, start.month, start.day, months, result.year, result.month, result.day,
                  year, month, day);
}

START_TEST(date_add_months_within_and_across_years)
{
    assert_add_months((struct date){ 2026, 3, 1 }, 0, 2026, 3, 1);
    assert_add_months((struct date){ 2026, 3, 1 }, 6, 2026, 9, 1);
    assert_add_months((struct date){ 2026, 11, 15 }, 3, 2027, 2, 15);
    assert_add_months((struct date){ 2026, 3, 1 }, 24, 2028, 3, 1);
    assert_add_months((struct date){ 2026, 3, 1 }, -3, 2025, 12, 1);
}
END_TEST

START_TEST(date_add_months_clamps_to_month_end)
{
    assert_add_months((struct date){ 2026, 1, 31 }, 1, 2026, 2, 28);
    assert_add_months((struct date){ 2028, 1, 31 }, 1, 2028, 2, 29);
    assert_add_months((struct date){ 2026, 5, 31 }, 1, 2026, 6, 30);
    assert_add_months((struct date){ 2024, 2, 29 }, 12, 2025, 2, 28);
}
END_TEST

START_TEST(date_add_months_refuses_to_leave_the_range)
{
    struct date result;
    ck_assert(!date_add_months((struct date){ 9999, 12, 1 }, 1, &result));
    ck_assert(!date_add_months((struct date){ 1900, 1, 1 }, -1, &result));
    ck_assert(!date_add_months((struct date){ 2026, 1, 1 }, -2000000000, &result));
    ck_assert(!date_add_months((struct date){ 2026, 1, 1 }, 2000000000, &result));
}
END_TEST

START_TEST(instant_parse_reads_utc_and_offsets)
{
    double t;
    ck_assert(instant_parse("1970-01-01T00:00:00Z", &t));
    ck_assert(t == 0);
    ck_assert(instant_parse("2026-03-01T00:00:00Z", &t));
    ck_assert(t == 1772323200);
    ck_assert(instant_parse("2026-03-01T08:00:00+08:00", &t));
    ck_assert(t == 1772323200);
    ck_assert(instant_parse("2026-02-28T19:30:00-04:30", &t));
    ck_assert(t == 1772323200);
    ck_assert(instant_parse("2026-03-01 00:00:00.250z", &t));
    ck_assert(t == 1772323200.25);
    ck_assert(instant_parse("2024-02-29T23:59:59Z", &t));
    ck_assert(t == 1709251199);
}
END_TEST

START_TEST(instant_parse_rejects_other_layouts)
{
    double t = 7;
    const char *bad[] = { "2026-03-01",
                          "2026-03-01T00:00:00",
                          "2026-03-01T24:00:00Z",
                          "2026-03-01T00:60:00Z",
                          "2026-02-30T00:00:00Z",
                          "2026-03-01T00:00Z",
                          "2026-03-01T00:00:00+8:00",
                          "2026-03-01T00:00:00+08:00x",
                          "2026-03-01X00:00:00Z",
                          "2026-03-01T00:00:00.Z",
                          "",
                          NULL };
    for (size_t i = 0; bad[i] != NULL; i++)
        ck_assert_msg(!instant_parse(bad[i], &t), "accepted %s", bad[i]);
    ck_assert(!instant_parse(NULL, &t));
    ck_assert(t == 7);
}
END_TEST

START_TEST(date_in_shanghai_turns_at_16_utc)
{
    char text[11];
    double t;
    ck_assert(instant_parse("2026-03-01T15:59:59Z", &t));
    date_format(date_in_shanghai(t), text);
    ck_assert_str_eq(text, "2026-03-01");
    ck_assert(instant_parse("2026-03-01T16:00:00Z", &t));
    date_format(date_in_shanghai(t), text);
    ck_assert_str_eq(text, "2026-03-02");
    ck_assert(instant_parse("2028-02-28T16:00:00.5Z", &t));
    date_format(date_in_shanghai(t), text);
    ck_assert_str_eq(text, "2028-02-29");
    ck_assert(instant_parse("2026-12-31T23:59:00+08:00", &t));
    date_format(date_in_shanghai(t + 120), text);
    ck_assert_str_eq(text, "2027-01-01");
}
END_TEST

START_TEST(minute_in_shanghai_is_eight_hours_ahead_without_seconds)
{
    double t;
    ck_assert(instant_parse("2025-12-31T16:30:59Z", &t));
    struct minute_of_day at = minute_in_shanghai(t);
    ck_assert_int_eq(at.date.year, 2026);
    ck_assert_int_eq(at.date.month, 1);
    ck_assert_int_eq(at.date.day, 1);
    ck_assert_int_eq(at.hour, 0);
    ck_assert_int_eq(at.minute, 30);
    ck_assert(instant_parse("2026-03-01T15:59:00Z", &t));
    at = minute_in_shanghai(t);
    ck_assert_int_eq(at.date.day, 1);
    ck_assert_int_eq(at.hour, 23);
    ck_assert_int_eq(at.minute, 59);
}
END_TEST

static Suite *calendar_suite(void)
{
    Suite *suite = suite_create("calendar");
    TCase *parse = tcase_create("parse");
    tcase_add_test(parse, date_parse_reads_year_month_day);
    tcase_add_test(parse, quarter_is_year_dash_q_and_one_to_four);
    tcase_add_test(parse, date_parse_accepts_range_ends);
    tcase_add_test(parse, date_parse_accepts_last_day_of_every_month);
    tcase_add_test(parse, date_parse_knows_leap_years);
    tcase_add_test(parse, date_parse_rejects_days_past_month_end_and_zero);
    tcase_add_test(parse, date_parse_rejects_month_out_of_range);
    tcase_add_test(parse, date_parse_rejects_year_out_of_range);
    tcase_add_test(parse, date_parse_rejects_other_layouts);
    tcase_add_test(parse, date_parse_leaves_output_alone_on_failure);
    suite_add_tcase(suite, parse);

    TCase *months = tcase_create("add_months");
    tcase_add_test(months, date_add_months_within_and_across_years);
    tcase_add_test(months, date_add_months_clamps_to_month_end);
    tcase_add_test(months, date_add_months_refuses_to_leave_the_range);
    suite_add_tcase(suite, months);

    TCase *instants = tcase_create("instants");
    tcase_add_test(instants, instant_parse_reads_utc_and_offsets);
    tcase_add_test(instants, instant_parse_rejects_other_layouts);
    tcase_add_test(instants, date_in_shanghai_turns_at_16_utc);
    tcase_add_test(instants, minute_in_shanghai_is_eight_hours_ahead_without_seconds);
    suite_add_tcase(suite, instants);
    return suite;
}

int main(void)
{
    SRunner *runner = srunner_create(calendar_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
