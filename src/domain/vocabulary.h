/* vocabulary: every enum of the domain — its values in their order, each with a Chinese and an
 * English label — defined once, in vocabulary.c. Field specs and query checks take the
 * NULL-terminated value lists; GET /api/v1/meta, the exports and the annual report take the
 * labels. The database holds the same values once per enum (a domain over text, 0041). */
#ifndef TECHPOOL_VOCABULARY_H
#define TECHPOOL_VOCABULARY_H

#include <stdbool.h>
#include <stddef.h>

struct vocabulary_term {
    const char *value;
    const char *zh;
    const char *en;
};

struct vocabulary {
    const char *name; /* its key in GET /api/v1/meta ("provinces", "trial_statuses", ...) */
    bool in_meta;     /* served by GET /api/v1/meta */
    const struct vocabulary_term *terms;
    size_t count;
    const char *const *values; /* the values of terms, NULL-terminated */
};

/* The values of each enum, in order, NULL-terminated (a FIELD_ENUM's values). */
extern const char *const PROVINCES[];
extern const char *const ACHIEVEMENT_FIELDS[];
extern const char *const ACHIEVEMENT_KINDS[];
extern const char *const PAYMENT_MODES[];
extern const char *const ACHIEVEMENT_STATUSES[];
extern const char *const TRIAL_STATUSES[];
extern const char *const ENTERPRISE_SCALES[];
extern const char *const RETURN_REASON_CODES[];
extern const char *const ROYALTY_BASES[];
extern const char *const FEE_KINDS[];
extern const char *const RECORDING_STATUSES[];
extern const char *const LICENSE_STATUSES[];
extern const char *const COMPENSATION_STATUSES[];
extern const char *const INSTITUTION_KINDS[];
extern const char *const ROLES[];
extern const char *const OPEN_LICENSE_STATUSES[];
extern const char *const AUDIT_ENTITIES[];
extern const char *const LANGUAGES[];

/* Every enum, in the order GET /api/v1/meta lists those it serves. */
extern const struct vocabulary VOCABULARIES[];
extern const size_t VOCABULARY_COUNT;

/* The enum called name, NULL for none. */
const struct vocabulary *vocabulary_find(const char *name);

/* The term of value in vocabulary, NULL when it is not one of its values. */
const struct vocabulary_term *vocabulary_term(const struct vocabulary *vocabulary,
                                              const char *value);

/* True when value is one of values (a NULL-terminated list). */
bool vocabulary_has(const char *const *values, const char *value);

#endif
