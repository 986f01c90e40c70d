/* fuzz_fields: any bytes as a JSON body through the declarative parser (the check, the values it
 * fills, their release) and problem rendering. */
#include <stdint.h>
#include <stdlib.h>

#include "domain/credit_code.h"
#include "domain/patent_number.h"
#include "http/fields.h"

static const char *const MODES[] = { "lump_sum", "installments", "royalty", NULL };

static const struct field_spec INSTALLMENT[] = {
    { .name = "due_on", .type = FIELD_DATE, .required = true },
    { .name = "amount_fen", .type = FIELD_INT, .required = true, .min = 1, .max = INT64_MAX },
};

struct body {
    struct field_value title, credit_code, maturity, exclusive, payment_mode, due_on,
        patent_numbers, installments, terms, fee_fen, territory;
};
#define AT(member) FIELD_AT(struct body, member)

/* a table: one field a row, as the handlers' specs are written */
/* clang-format off */
static const struct field_spec TERMS[] = {
    { .name = "fee_fen", .type = FIELD_INT, .min = 0, .max = INT64_MAX, AT(fee_fen) },
    { .name = "territory", .type = FIELD_STRING, .min = 1, .max = 500, AT(territory) },
};
static const struct field_spec BODY[] = {
    { .name = "title", .type = FIELD_STRING, .required = true, .min = 1, .max = 300, AT(title) },
    { .name = "credit_code", .type = FIELD_STRING, .check = credit_code_problem, .min = 18,
      .max = 18, AT(credit_code) },
    { .name = "maturity", .type = FIELD_INT, .min = 1, .max = 9, AT(maturity) },
    { .name = "exclusive", .type = FIELD_BOOL, AT(exclusive) },
    { .name = "payment_mode", .type = FIELD_ENUM, .values = MODES, AT(payment_mode) },
    { .name = "due_on", .type = FIELD_DATE, AT(due_on) },
    { .name = "patent_numbers", .type = FIELD_STRING_ARRAY, .max = 100, .item_max = 40,
      .check = patent_number_problem, AT(patent_numbers) },
    { .name = "installments", .type = FIELD_ARRAY, .min = 1, .max = 120, .items = INSTALLMENT,
      .item_count = FIELD_COUNT(INSTALLMENT), AT(installments) },
    { .name = "terms", .type = FIELD_OBJECT, .items = TERMS, .item_count = FIELD_COUNT(TERMS),
      AT(terms) },
};
/* clang-format on */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    struct reply rep = { 0 };
    struct body in;
    if (fields_parse(body, BODY, FIELD_COUNT(BODY), &in, &rep))
        fields_release(BODY, FIELD_COUNT(BODY), &in);
    reply_release(&rep);
    json_decref(body);
    return 0;
}
