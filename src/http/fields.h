/* fields: declarative validation of JSON request bodies — one spec line per field. */
#ifndef TECHPOOL_FIELDS_H
#define TECHPOOL_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "http/reply.h"

enum field_type {
    FIELD_STRING, /* min/max: length in characters (code points) */
    FIELD_INT,    /* min/max: inclusive range of a JSON integer */
    FIELD_BOOL,
    FIELD_ENUM,         /* one of values[] */
    FIELD_DATE,         /* "YYYY-MM-DD", a real calendar day */
    FIELD_STRING_ARRAY, /* min/max: element count; item_max: characters per element */
    FIELD_ARRAY,        /* array of objects checked by items[]; min/max: element count */
    FIELD_OBJECT,       /* an object checked by items[] */
};

/* Extra check of a string value (after type and length). Returns NULL when valid,
 * else a static message. */
typedef const char *(*field_check_fn)(const char *value);

struct field_spec {
    const char *name;
    enum field_type type;
    bool required;
    int64_t min;
    int64_t max;
    const char *const *values;      /* FIELD_ENUM: NULL-terminated */
    field_check_fn check;           /* FIELD_STRING and each FIELD_STRING_ARRAY element */
    int64_t item_max;               /* FIELD_STRING_ARRAY: max characters per element */
    const struct field_spec *items; /* FIELD_ARRAY: spec of each element; FIELD_OBJECT: fields */
    size_t item_count;
    size_t offset; /* fields_parse: where the field's struct field_value goes in the caller's
                    * struct; a FIELD_OBJECT's items write into the same struct, a FIELD_ARRAY's
                    * items nowhere (the array goes whole, as JSON text) */
};

/* A field as fields_parse decoded it, ready to be a SQL parameter in text form. */
struct field_value {
    const char *text; /* NULL when absent or JSON null; strings and dates point into the body,
                       * numbers and booleans into buffer, arrays to json, objects to "true" */
    bool present;     /* the body named the field, JSON null included (null clears on update) */
    int64_t number;   /* FIELD_INT: the value; FIELD_BOOL: 0 or 1 */
    char buffer[24];
    char *json; /* FIELD_ARRAY and FIELD_STRING_ARRAY: the array as compact JSON, owned */
};

#define FIELD_AT(type, member) .offset = offsetof(type, member)

#define FIELD_COUNT(specs) (sizeof(specs) / sizeof((specs)[0]))

/* Checks body against specs. On failure writes the problem into rep and returns false:
 * 400 bad_request for a body that is not an object or has unknown fields, 422
 * invalid_field (with every problem, each naming its field) otherwise. A NULL body
 * counts as an empty object; JSON null counts as an absent field. */
bool fields_check(const json_t *body, const struct field_spec *specs, size_t count,
                  struct reply *rep);

/* fields_check, then writes each field's struct field_value into out (see field_spec.offset).
 * Strings point into body, which must outlive out. Returns false with the problem in rep (out
 * untouched); on true, specs with a FIELD_ARRAY or FIELD_STRING_ARRAY own memory in out, which
 * the caller frees with fields_release (for other specs it frees nothing). */
bool fields_parse(const json_t *body, const struct field_spec *specs, size_t count, void *out,
                  struct reply *rep);

/* Frees what fields_parse allocated in out (the arrays' JSON text). */
void fields_release(const struct field_spec *specs, size_t count, void *out);

/* Appends every problem of object (a JSON object) to errors as {"field", "message"}, and each
 * unknown field to unknown likewise: fields_check without the reply, for callers that report
 * problems their own way (the rows of an imported file). */
void fields_collect(const json_t *object, const struct field_spec *specs, size_t count,
                    json_t *errors, json_t *unknown);

/* Number of Unicode code points in a valid UTF-8 string. */
size_t utf8_length(const char *s);

#endif
