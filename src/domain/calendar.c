/* calendar: strict YYYY-MM-DD dates of the proleptic Gregorian calendar, 1900..9999,
 * and adding whole months to them. */
#include "domain/calendar.h"

#include <stddef.h>
#include <string.h>

#define YEAR_MIN 1900
#define YEAR_MAX 9999
#define DATE_TEXT_LENGTH 10

static bool is_leap_year(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
    static const int DAYS[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (month == 2 && is_leap_year(year))
        return 29;
    return DAYS[month - 1];
}

/* Reads count digits at text; false when any of them is not a digit. */
static bool read_digits(const char *text, int count, int *out)
{
    int value = 0;
    for (int i = 0; i < count; i++) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        value = value * 10 + (text[i] - '0');
    }
    *out = value;
    return true;
}

/* The one place that decides; date_parse and date_problem both ask it. */
static const char *date_check(const char *text, struct date *out)
{
    struct date parsed;
    if (text == NULL || strlen(text) != DATE_TEXT_LENGTH || text[4] != '-' || text[7] != '-'
        || !read_digits(text, 4, &parsed.year) || !read_digits(text + 5, 2, &parsed.month)
        || !read_digits(text + 8, 2, &parsed.day))
        return "must be a date written YYYY-MM-DD";
    if (parsed.year < YEAR_MIN || parsed.year > YEAR_MAX)
        return "year must be 1900..9999";
    if (parsed.month < 1 || parsed.month > 12)
        return "month must be 01..12";
    if (parsed.day < 1 || parsed.day > days_in_month(parsed.year, parsed.month))
        return "day does not exist in that month";
    if (out != NULL)
        *out = parsed;
    return NULL;
}

bool date_parse(const char *text, struct date *out)
{
    return date_check(text, out) == NULL;
}

const char *date_problem(const char *text)
{
    return date_check(text, NULL);
}

bool date_add_months(struct date start, int months, struct date *out)
{
    long index = (long)start.year * 12 + (start.month - 1) + months;
    long year = index / 12;
    if (year < YEAR_MIN || year > YEAR_MAX)
        return false;
    out->year = (int)year;
    out->month = (int)(index % 12) + 1;
    int last = days_in_month(out->year, out->month);
    out->day = start.day > last ? last : start.day;
    return true;
}
