/* fuzz_validators: credit codes, patent numbers, dates, UTF-8, content types and idempotency
 * keys on any bytes — none may crash, and an accepted value must have its documented shape. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/calendar.h"
#include "domain/credit_code.h"
#include "domain/patent_number.h"
#include "http/exchange.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (credit_code_problem(text) == NULL && strlen(text) != 18)
        abort();
    if (patent_number_problem(text) == NULL && strchr(text, '.') == NULL)
        abort();
    struct date d;
    if (date_parse(text, &d) && (d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31))
        abort();
    (void)date_problem(text);
    (void)utf8_valid((const char *)data, size);
    (void)content_type_is_json(text);
    if (idempotency_key_valid(text) && (strlen(text) == 0 || strlen(text) > 255))
        abort();
    free(text);
    return 0;
}
