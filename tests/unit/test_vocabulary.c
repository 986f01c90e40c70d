/* test_vocabulary: the vocabulary and the contract name the same values in the same order, every
 * value has a Chinese and an English label, and each value list matches its term table. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "api/openapi.h"
#include "domain/vocabulary.h"

/* Where api/openapi.json lists each enum: a schema of components/schemas, or a property of one
 * (property NULL: the schema itself). */
static const struct {
    const char *vocabulary;
    const char *schema;
    const char *property;
} SCHEMA_ENUMS[] = {
    { "provinces", "Province", NULL },
    { "fields", "Field", NULL },
    { "kinds", "Kind", NULL },
    { "payment_modes", "PaymentMode", NULL },
    { "achievement_statuses", "AchievementStatus", NULL },
    { "trial_statuses", "TrialStatus", NULL },
    { "enterprise_scales", "EnterpriseScale", NULL },
    { "return_reason_codes", "ReturnReasonCode", NULL },
    { "royalty_bases", "RoyaltyBase", NULL },
    { "fee_kinds", "FeeKind", NULL },
    { "recording_statuses", "LicenseRecording", "status" },
    { "license_statuses", "LicenseStatus", NULL },
    { "compensation_statuses", "CompensationStatus", NULL },
    { "institution_kinds", "InstitutionKind", NULL },
    { "roles", "Role", NULL },
    { "open_license_statuses", "OpenLicense", "status" },
    { "languages", "Preferences", "language" },
};

/* Query parameters whose enum is written out at the endpoint. */
static const struct {
    const char *vocabulary;
    const char *path;
    const char *parameter;
} PARAMETER_ENUMS[] = {
    { "audit_entities", "/api/v1/audit", "entity" },
    { "recording_statuses", "/api/v1/licenses", "recording" },
    { "open_license_statuses", "/api/v1/open-licenses", "status" },
};

static json_t *document;

static void document_load(void)
{
    size_t len = 0;
    const char *text = openapi_text(&len);
    json_error_t error;
    document = json_loadb(text, len, 0, &error);
    ck_assert_msg(document != NULL, "api/openapi.json is not JSON: %s", error.text);
}

static void document_free(void)
{
    json_decref(document);
    document = NULL;
}

/* The enum's values as the contract lists them, in order, against the vocabulary's. */
static void enum_matches(const char *name, const json_t *values, const char *where)
{
    const struct vocabulary *vocabulary = vocabulary_find(name);
    ck_assert_msg(vocabulary != NULL, "no vocabulary %s", name);
    ck_assert_msg(json_is_array(values), "%s has no enum", where);
    ck_assert_msg(json_array_size(values) == vocabulary->count,
                  "%s lists %zu values, the vocabulary %s %zu", where, json_array_size(values),
                  name, vocabulary->count);
    for (size_t i = 0; i < vocabulary->count; i++) {
        const char *value = json_string_value(json_array_get(values, i));
        ck_assert_msg(value != NULL && strcmp(value, vocabulary->terms[i].value) == 0,
                      "%s value %zu is %s, the vocabulary %s has %s", where, i,
                      value != NULL ? value : "(not a string)", name, vocabulary->terms[i].value);
    }
}

START_TEST(schema_enums_are_the_vocabulary)
{
    const json_t *schemas = json_object_get(json_object_get(document, "components"), "schemas");
    for (size_t i = 0; i < sizeof SCHEMA_ENUMS / sizeof SCHEMA_ENUMS[0]; i++) {
        const json_t *schema = json_object_get(schemas, SCHEMA_ENUMS[i].schema);
        ck_assert_msg(schema != NULL, "no schema %s", SCHEMA_ENUMS[i].schema);
        if (SCHEMA_ENUMS[i].property != NULL)
            schema = json_object_get(json_object_get(schema, "properties"),
                                     SCHEMA_ENUMS[i].property);
        char where[160];
        snprintf(where, sizeof where, "schema %s%s%s", SCHEMA_ENUMS[i].schema,
                 SCHEMA_ENUMS[i].property != NULL ? "." : "",
                 SCHEMA_ENUMS[i].property != NULL ? SCHEMA_ENUMS[i].property : "");
        enum_matches(SCHEMA_ENUMS[i].vocabulary, json_object_get(schema, "enum"), where);
    }
}
END_TEST

START_TEST(parameter_enums_are_the_vocabulary)
{
    const json_t *paths = json_object_get(document, "paths");
    for (size_t i = 0; i < sizeof PARAMETER_ENUMS / sizeof PARAMETER_ENUMS[0]; i++) {
        const json_t *parameters = json_object_get(
            json_object_get(json_object_get(paths, PARAMETER_ENUMS[i].path), "get"), "parameters");
        const json_t *found = NULL;
        size_t index;
        const json_t *parameter;
        json_array_foreach(parameters, index, parameter) {
            const char *name = json_string_value(json_object_get(parameter, "name"));
            if (name != NULL && strcmp(name, PARAMETER_ENUMS[i].parameter) == 0)
                found = parameter;
        }
        char where[160];
        snprintf(where, sizeof where, "GET %s ?%s", PARAMETER_ENUMS[i].path,
                 PARAMETER_ENUMS[i].parameter);
        ck_assert_msg(found != NULL, "%s is not described", where);
        enum_matches(PARAMETER_ENUMS[i].vocabulary,
                     json_object_get(json_object_get(found, "schema"), "enum"), where);
    }
}
END_TEST

START_TEST(every_vocabulary_is_in_the_contract)
{
    for (size_t v = 0; v < VOCABULARY_COUNT; v++) {
        bool described = false;
        for (size_t i = 0; i < sizeof SCHEMA_ENUMS / sizeof SCHEMA_ENUMS[0]; i++)
            described = described || strcmp(SCHEMA_ENUMS[i].vocabulary, VOCABULARIES[v].name) == 0;
        for (size_t i = 0; i < sizeof PARAMETER_ENUMS / sizeof PARAMETER_ENUMS[0]; i++)
            described = described ||
                        strcmp(PARAMETER_ENUMS[i].vocabulary, VOCABULARIES[v].name) == 0;
        ck_assert_msg(described, "vocabulary %s is compared with no enum of api/openapi.json",
                      VOCABULARIES[v].name);
    }
}
END_TEST

START_TEST(every_value_has_both_labels)
{
    for (size_t v = 0; v < VOCABULARY_COUNT; v++) {
        const struct vocabulary *vocabulary = &VOCABULARIES[v];
        ck_assert_msg(vocabulary->count > 0, "vocabulary %s is empty", vocabulary->name);
        for (size_t i = 0; i < vocabulary->count; i++) {
            const struct vocabulary_term *term = &vocabulary->terms[i];
            ck_assert_msg(term->value != NULL && term->value[0] != '\0',
                          "vocabulary %s has an empty value", vocabulary->name);
            ck_assert_msg(term->zh != NULL && term->zh[0] != '\0', "%s %s has no Chinese label",
                          vocabulary->name, term->value);
            ck_assert_msg(term->en != NULL && term->en[0] != '\0', "%s %s has no English label",
                          vocabulary->name, term->value);
        }
    }
}
END_TEST

START_TEST(value_lists_match_the_terms)
{
    for (size_t v = 0; v < VOCABULARY_COUNT; v++) {
        const struct vocabulary *vocabulary = &VOCABULARIES[v];
        size_t i = 0;
        for (; vocabulary->values[i] != NULL; i++) {
            ck_assert_msg(i < vocabulary->count, "%s: more values than terms", vocabulary->name);
            ck_assert_str_eq(vocabulary->values[i], vocabulary->terms[i].value);
            for (size_t j = 0; j < i; j++)
                ck_assert_msg(strcmp(vocabulary->values[j], vocabulary->values[i]) != 0,
                              "%s lists %s twice", vocabulary->name, vocabulary->values[i]);
        }
        ck_assert_msg(i == vocabulary->count, "%s: fewer values than terms", vocabulary->name);
    }
}
END_TEST

START_TEST(lookups_find_values_and_refuse_others)
{
    const struct vocabulary *provinces = vocabulary_find("provinces");
    ck_assert_ptr_nonnull(provinces);
    ck_assert_str_eq(provinces->terms[0].value, "SH");
    ck_assert_str_eq(vocabulary_term(provinces, "ZJ")->zh, "浙江");
    ck_assert_ptr_null(vocabulary_term(provinces, "BJ"));
    ck_assert_ptr_null(vocabulary_term(NULL, "SH"));
    ck_assert_ptr_null(vocabulary_find("colours"));
    ck_assert(vocabulary_has(PROVINCES, "AH"));
    ck_assert(!vocabulary_has(PROVINCES, "ah"));
    ck_assert(!vocabulary_has(PROVINCES, ""));
}
END_TEST

static Suite *vocabulary_suite(void)
{
    Suite *s = suite_create("vocabulary");
    TCase *contract = tcase_create("contract");
    tcase_add_checked_fixture(contract, document_load, document_free);
    tcase_add_test(contract, schema_enums_are_the_vocabulary);
    tcase_add_test(contract, parameter_enums_are_the_vocabulary);
    tcase_add_test(contract, every_vocabulary_is_in_the_contract);
    suite_add_tcase(s, contract);
    TCase *terms = tcase_create("terms");
    tcase_add_test(terms, every_value_has_both_labels);
    tcase_add_test(terms, value_lists_match_the_terms);
    tcase_add_test(terms, lookups_find_values_and_refuse_others);
    suite_add_tcase(s, terms);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(vocabulary_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? 0 : 1;
}
