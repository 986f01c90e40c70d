/* calendar: strict YYYY-MM-DD dates of the proleptic Gregorian calendar, 1900..9999, adding
 * whole months to them, YYYY-Qn quarters, RFC 3339 instants and the Asia/Shanghai day of an
 * instant. */
#include "domain/calendar.h"

#include <ctype.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define YEAR_MIN 1900
#define YEAR_MAX 9999
#define DATE_TEXT_LENGTH 10
#define SECONDS_PER_DAY 86400
#define SHANGHAI_UTC_OFFSET_SECONDS (8 * 3600)

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
    if (text == NULL || strlen(text) != DATE_TEXT_LENGTH || text[4] != '-' || text[7] != '-' ||
        !read_digits(text, 4, &parsed.year) || !read_digits(text + 5, 2, &parsed.month) ||
        !read_digits(text + 8, 2, &parsed.day))
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

const char *quarter_problem(const char *text)
{
    static const char message[] = "must be a calendar quarter such as 2027-Q1";
    if (strlen(text) != 7 || text[4] != '-' || text[5] != 'Q' || text[6] < '1' || text[6] > '4')
        return message;
    int year = 0;
    for (int i = 0; i < 4; i++) {
        if (!isdigit((unsigned char)text[i]))
            return message;
        year = year * 10 + (text[i] - '0');
    }
    return year >= YEAR_MIN && year <= YEAR_MAX ? NULL : message;
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

/* Days from 1970-01-01 to a date (negative before it); Howard Hinnant's days_from_civil. */
static long days_from_civil(struct date d)
{
    long year = d.month <= 2 ? d.year - 1 : d.year;
    long era = (year >= 0 ? year : year - 399) / 400;
    long year_of_era = year - era * 400;
    long day_of_year = (153 * (d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 + d.day - 1;
    long day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

/* The inverse of days_from_civil. */
static struct date civil_from_days(long days)
{
    days += 719468;
    long era = (days >= 0 ? days : days - 146096) / 146097;
    long day_of_era = days - era * 146097;
    long year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) /
                       365;
    long day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    long month_index = (5 * day_of_year + 2) / 153;
    struct date out;
    out.day = (int)(day_of_year - (153 * month_index + 2) / 5 + 1);
    out.month = (int)(month_index < 10 ? month_index + 3 : month_index - 9);
    out.year = (int)(year_of_era + era * 400 + (out.month <= 2 ? 1 : 0));
    return out;
}

/* Reads "HH:MM:SS[.fraction]" at text; returns the text after it, or NULL. */
static const char *read_time_of_day(const char *text, double *seconds)
{
    int hour, minute, second;
    if (!read_digits(text, 2, &hour) || text[2] != ':' || !read_digits(text + 3, 2, &minute) ||
        text[5] != ':' || !read_digits(text + 6, 2, &second))
        return NULL;
    if (hour > 23 || minute > 59 || second > 59)
        return NULL;
    const char *rest = text + 8;
    double fraction = 0, scale = 0.1;
    if (*rest == '.') {
        rest++;
        if (*rest < '0' || *rest > '9')
            return NULL;
        for (; *rest >= '0' && *rest <= '9'; rest++, scale /= 10)
            fraction += (*rest - '0') * scale;
    }
    *seconds = hour * 3600.0 + minute * 60.0 + second + fraction;
    return rest;
}

/* Reads "Z", "+HH:MM" or "-HH:MM" that ends the text. */
static bool read_utc_offset(const char *text, int *offset_seconds)
{
    if ((text[0] == 'Z' || text[0] == 'z') && text[1] == '\0') {
        *offset_seconds = 0;
        return true;
    }
    int hours, minutes;
    if ((text[0] != '+' && text[0] != '-') || !read_digits(text + 1, 2, &hours) || text[3] != ':' ||
        !read_digits(text + 4, 2, &minutes) || text[6] != '\0' || hours > 23 || minutes > 59)
        return false;
    *offset_seconds = (text[0] == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
    return true;
}

bool instant_parse(const char *text, double *epoch_seconds)
{
    char day_text[DATE_TEXT_LENGTH + 1];
    struct date day;
    double seconds;
    int offset;
    if (text == NULL || strlen(text) < DATE_TEXT_LENGTH + 1)
        return false;
    memcpy(day_text, text, DATE_TEXT_LENGTH);
    day_text[DATE_TEXT_LENGTH] = '\0';
    char separator = text[DATE_TEXT_LENGTH];
    if (!date_parse(day_text, &day) || (separator != 'T' && separator != 't' && separator != ' '))
        return false;
    const char *rest = read_time_of_day(text + DATE_TEXT_LENGTH + 1, &seconds);
    if (rest == NULL || !read_utc_offset(rest, &offset))
        return false;
    *epoch_seconds = (double)days_from_civil(day) * SECONDS_PER_DAY + seconds - offset;
    return true;
}

struct date date_in_shanghai(double epoch_seconds)
{
    return minute_in_shanghai(epoch_seconds).date;
}

struct minute_of_day minute_in_shanghai(double epoch_seconds)
{
    double local = floor(epoch_seconds) + SHANGHAI_UTC_OFFSET_SECONDS;
    double day = floor(local / SECONDS_PER_DAY);
    long minutes = (long)(local - day * SECONDS_PER_DAY) / 60;
    return (struct minute_of_day){ civil_from_days((long)day), (int)(minutes / 60),
                                   (int)(minutes % 60) };
}

void date_format(struct date date, char out[11])
{
    snprintf(out, 11, "%04d-%02d-%02d", date.year % 10000, date.month % 100, date.day % 100);
}
