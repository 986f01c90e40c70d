/* patent_number: checks Chinese patent application numbers, both the 12-digit form used
 * since October 2003 (YYYY T NNNNNNN . C) and the 8-digit form before it (YY T NNNNN . C). */
#include "domain/patent_number.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define DIGITS_SINCE_2003 12
#define DIGITS_BEFORE_2003 8

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Weights 2..9, starting again at 2 from the ninth digit. */
static char check_char(const char *digits, size_t count)
{
    int sum = 0;
    for (size_t i = 0; i < count; i++)
        sum += (digits[i] - '0') * (int)(2 + i % 8);
    int check = sum % 11;
    return check == 10 ? 'X' : (char)('0' + check);
}

static int digits_value(const char *digits, size_t count)
{
    int value = 0;
    for (size_t i = 0; i < count; i++)
        value = value * 10 + (digits[i] - '0');
    return value;
}

/* Type digit: 1 invention, 2 utility model, 3 design; since 2003 also 8 and 9 for
 * international (PCT) invention and utility model applications entering China. */
static const char *type_problem(char type, size_t count)
{
    if (type == '1' || type == '2' || type == '3')
        return NULL;
    if (count == DIGITS_SINCE_2003 && (type == '8' || type == '9'))
        return NULL;
    return count == DIGITS_SINCE_2003 ? "application type digit must be 1, 2, 3, 8 or 9"
                                      : "application type digit must be 1, 2 or 3";
}

/* Chinese patent law took effect in 1985; the 12-digit form started in 2003. */
static const char *year_problem(const char *digits, size_t count)
{
    if (count == DIGITS_SINCE_2003) {
        int year = digits_value(digits, 4);
        if (year < 2003 || year > 2099)
            return "year must be 2003..2099 (earlier applications have 8 digits)";
        return NULL;
    }
    int year = digits_value(digits, 2);
    if (year > 3 && year < 85)
        return "year must be 85..99 or 00..03 (later applications have 12 digits)";
    return NULL;
}

const char *patent_number_problem(const char *number)
{
    if (number == NULL || number[0] == '\0')
        return "must be an application number such as ZL202110123456.7";

    const char *digits = number;
    if (strncmp(digits, "ZL", 2) == 0 || strncmp(digits, "CN", 2) == 0)
        digits += 2;
    else if (!is_digit(digits[0]))
        return "may start only with ZL or CN before the digits";

    const char *dot = strchr(digits, '.');
    if (dot == NULL)
        return "missing the '.' before the check character";

    size_t count = (size_t)(dot - digits);
    for (size_t i = 0; i < count; i++) {
        if (!is_digit(digits[i]))
            return "must have only digits before the '.'";
    }
    if (count != DIGITS_SINCE_2003 && count != DIGITS_BEFORE_2003)
        return "must have 12 digits before the '.' (8 for applications filed before October 2003)";

    const char *check = dot + 1;
    if (check[0] == '\0' || check[1] != '\0')
        return "must have exactly one check character after the '.'";
    if (check[0] == 'x')
        return "check character X must be upper case";
    if (!is_digit(check[0]) && check[0] != 'X')
        return "check character must be a digit or X";

    const char *problem = type_problem(digits[count == DIGITS_SINCE_2003 ? 4 : 2], count);
    if (problem == NULL)
        problem = year_problem(digits, count);
    if (problem != NULL)
        return problem;

    if (check_char(digits, count) != check[0])
        return "check digit mismatch";
    return NULL;
}
