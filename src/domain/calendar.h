/* calendar: YYYY-MM-DD dates and YYYY-Qn quarters — parsing, validation and month arithmetic. */
#ifndef TECHPOOL_CALENDAR_H
#define TECHPOOL_CALENDAR_H

#include <stdbool.h>

struct date {
    int year, month, day;
};

/* Parses exactly "YYYY-MM-DD" (a real day, years 1900..9999). */
bool date_parse(const char *text, struct date *out);
/* NULL when text is a valid date, else a static message (for field validation). */
const char *date_problem(const char *text);
/* NULL when text is a calendar quarter "YYYY-Qn" (n 1..4, years 1900..9999), else a static
 * message. */
const char *quarter_problem(const char *text);
/* start plus months (may be negative); a day past the end of the target month becomes its
 * last day (2026-01-31 + 1 month = 2026-02-28). False when the result leaves 1900..9999. */
bool date_add_months(struct date start, int months, struct date *out);

/* Parses an RFC 3339 instant "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)" (a 't' and a
 * space also separate date and time, as RFC 3339 allows) into seconds since 1970-01-01 UTC. */
bool instant_parse(const char *text, double *epoch_seconds);
/* The Asia/Shanghai calendar day (UTC+8, no daylight saving) of an instant. */
struct date date_in_shanghai(double epoch_seconds);
/* A wall-clock minute: a day and the hour and minute on it. */
struct minute_of_day {
    struct date date;
    int hour, minute;
};
/* The Asia/Shanghai wall-clock time of an instant, to the minute (seconds dropped). */
struct minute_of_day minute_in_shanghai(double epoch_seconds);
/* Writes date as "YYYY-MM-DD" into out. */
void date_format(struct date date, char out[11]);

#endif
