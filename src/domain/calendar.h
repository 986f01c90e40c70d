/* calendar: YYYY-MM-DD dates — parsing, validation and month arithmetic. */
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
/* start plus months (may be negative); a day past the end of the target month becomes its
 * last day (2026-01-31 + 1 month = 2026-02-28). False when the result leaves 1900..9999. */
bool date_add_months(struct date start, int months, struct date *out);

#endif
