/* fuzz_fields: any bytes as a JSON body through the declarative validator and problem rendering. */
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

/* a table: one field a row, as the handlers' specs are written */
/* clang-format off */
static const struct field_spec BODY[] = {
    { .name = "title", .type = FIELD_STRING, .required = true, .min = 1, .max = 300 },
    { .name = "credit_code", .type = FIELD_STRING, .check = credit_code_problem, .min = 18,
      .max = 18 },
    { .name = "maturity", .type = FIELD_INT, .min = 1, .max = 9 },
    { .name = "exclusive", .type = FIELD_BOOL },
    { .name = "payment_mode", .type = FIELD_ENUM, .values = MODES },
    { .name = "due_on", .type = FIELD_DATE },
    { .name = "patent_numbers", .type = FIELD_STRING_ARRAY, .max = 100, .item_max = 40,
      .check = patent_number_problem },
    { .name = "installments", .type = FIELD_ARRAY, .min = 1, .max = 120, .items = INSTALLMENT,
      .item_count = FIELD_COUNT(INSTALLMENT) },
};
/* clang-format on */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    struct reply rep = { 0 };
    fields_check(body, BODY, FIELD_COUNT(BODY), &rep);
    reply_release(&rep);
    json_decref(body);
    return 0;
}
