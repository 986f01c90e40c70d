/* credit_code: checks the Unified Social Credit Code (GB 32100-2015), including the
 * organisation code (GB 11714) carried in characters 9..17. */
#include "domain/credit_code.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define CREDIT_CODE_LENGTH 18

/* GB 32100 leaves out I, O, Z, S and V so that they cannot be mistaken for digits. */
static const char CREDIT_ALPHABET[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
#define CREDIT_RADIX 31

static const int CREDIT_WEIGHTS[CREDIT_CODE_LENGTH - 1] = {
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
};

/* The organisation code: 8 body characters, then its own check character. */
#define ORGANISATION_START 8
#define ORGANISATION_BODY 8
static const int ORGANISATION_WEIGHTS[ORGANISATION_BODY] = { 3, 7, 9, 10, 5, 8, 4, 2 };

/* Value of c in the credit-code alphabet, or -1 when c is not in it. */
static int credit_value(char c)
{
    if (c == '\0')
        return -1;
    const char *found = strchr(CREDIT_ALPHABET, c);
    return found ? (int)(found - CREDIT_ALPHABET) : -1;
}

/* GB 11714 values: digits are themselves, A..Z are 10..35. */
static int organisation_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    return c - 'A' + 10;
}

static char organisation_check_char(const char *body)
{
    int sum = 0;
    for (int i = 0; i < ORGANISATION_BODY; i++)
        sum += organisation_value(body[i]) * ORGANISATION_WEIGHTS[i];
    int check = 11 - sum % 11;
    if (check == 10)
        return 'X';
    if (check == 11)
        return '0';
    return (char)('0' + check);
}

static char credit_check_char(const char *code)
{
    int sum = 0;
    for (int i = 0; i < CREDIT_CODE_LENGTH - 1; i++)
        sum += credit_value(code[i]) * CREDIT_WEIGHTS[i];
    int check = CREDIT_RADIX - sum % CREDIT_RADIX;
    if (check == CREDIT_RADIX)
        check = 0;
    return CREDIT_ALPHABET[check];
}

const char *credit_code_problem(const char *code)
{
    if (code == NULL || strlen(code) != CREDIT_CODE_LENGTH)
        return "must be 18 characters";

    bool lower_case = false;
    for (int i = 0; i < CREDIT_CODE_LENGTH; i++) {
        if (credit_value(code[i]) < 0) {
            if (code[i] >= 'a' && code[i] <= 'z')
                lower_case = true;
            else
                return "contains a character not allowed (I, O, Z, S, V and anything but "
                       "digits and upper-case letters)";
        }
    }
    if (lower_case)
        return "contains a character not allowed (letters must be upper case)";

    for (int i = 2; i < ORGANISATION_START; i++) {
        if (code[i] < '0' || code[i] > '9')
            return "administrative division code (characters 3 to 8) must be digits";
    }

    if (organisation_check_char(code + ORGANISATION_START) !=
        code[ORGANISATION_START + ORGANISATION_BODY])
        return "organisation code check digit mismatch";

    if (credit_check_char(code) != code[CREDIT_CODE_LENGTH - 1])
        return "check digit mismatch";

    return NULL;
}
