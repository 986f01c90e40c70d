/* fields: walks a field spec table over a JSON body and collects every problem by field name. */
#include "http/fields.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/calendar.h"
#include "domain/vocabulary.h"

size_t utf8_length(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
        if ((*p & 0xC0) != 0x80)
            n++;
    return n;
}

static void add_error(json_t *errors, const char *field, const char *message)
{
    json_array_append_new(errors, json_pack("{s:s, s:s}", "field", field, "message", message));
}

static void add_error_bounds(json_t *errors, const char *field, const char *what, int64_t min,
                             int64_t max)
{
    char message[128];
    snprintf(message, sizeof message, "%s must be between %lld and %lld", what, (long long)min,
             (long long)max);
    add_error(errors, field, message);
}

static bool has_control_characters(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
        if ((*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r') || *p == 0x7F)
            return true;
    return false;
}

static void check_string(const struct field_spec *spec, const char *name, const json_t *value,
                         int64_t max_chars, json_t *errors)
{
    if (!json_is_string(value)) {
        add_error(errors, name, "must be a string");
        return;
    }
    const char *text = json_string_value(value);
    if (strlen(text) != json_string_length(value) || has_control_characters(text)) {
        add_error(errors, name, "must not contain control characters");
        return;
    }
    int64_t length = (int64_t)utf8_length(text);
    int64_t min = spec->type == FIELD_STRING ? spec->min : 0;
    if (length < min || length > max_chars) {
        if (min > 0 && length == 0)
            add_error(errors, name, "must not be empty");
        else
            add_error_bounds(errors, name, "length", min, max_chars);
        return;
    }
    if (spec->check != NULL) {
        const char *problem = spec->check(text);
        if (problem != NULL)
            add_error(errors, name, problem);
    }
}

static void check_value(const struct field_spec *spec, const char *name, const json_t *value,
                        json_t *errors, json_t *unknown);

static void check_object(const json_t *object, const struct field_spec *specs, size_t count,
                         const char *prefix, json_t *errors, json_t *unknown)
{
    const char *key;
    const json_t *value;
    json_object_foreach((json_t *)object, key, value) {
        bool known = false;
        for (size_t i = 0; i < count && !known; i++)
            known = strcmp(specs[i].name, key) == 0;
        if (!known) {
            char name[160];
            snprintf(name, sizeof name, "%s%s", prefix, key);
            add_error(unknown, name, "unknown field");
        }
    }
    for (size_t i = 0; i < count; i++) {
        char name[160];
        snprintf(name, sizeof name, "%s%s", prefix, specs[i].name);
        const json_t *value_i = json_object_get(object, specs[i].name);
        if (value_i == NULL || json_is_null(value_i)) {
            if (specs[i].required)
                add_error(errors, name, "is required");
            continue;
        }
        check_value(&specs[i], name, value_i, errors, unknown);
    }
}

/* An object checked by spec->items (a FIELD_OBJECT, or an item of a FIELD_ARRAY), its fields
 * named "name.field". */
static void check_items(const struct field_spec *spec, const char *name, const json_t *value,
                        json_t *errors, json_t *unknown)
{
    if (!json_is_object(value)) {
        add_error(errors, name, "must be an object");
        return;
    }
    char prefix[170];
    snprintf(prefix, sizeof prefix, "%s.", name);
    check_object(value, spec->items, spec->item_count, prefix, errors, unknown);
}

/* Unknown fields, nested ones too, go to unknown: the contract answers them with 400. */
static void check_value(const struct field_spec *spec, const char *name, const json_t *value,
                        json_t *errors, json_t *unknown)
{
    switch (spec->type) {
    case FIELD_STRING:
        check_string(spec, name, value, spec->max, errors);
        break;
    case FIELD_INT:
        if (!json_is_integer(value)) {
            add_error(errors, name, "must be an integer");
        } else {
            json_int_t n = json_integer_value(value);
            if (n < spec->min || n > spec->max)
                add_error_bounds(errors, name, "value", spec->min, spec->max);
        }
        break;
    case FIELD_BOOL:
        if (!json_is_boolean(value))
            add_error(errors, name, "must be true or false");
        break;
    case FIELD_ENUM:
        if (!json_is_string(value) || !vocabulary_has(spec->values, json_string_value(value)))
            add_error(errors, name, "is not one of the allowed values");
        break;
    case FIELD_DATE: {
        const char *problem = json_is_string(value) ? date_problem(json_string_value(value))
                                                    : "must be a date YYYY-MM-DD";
        if (problem != NULL)
            add_error(errors, name, problem);
        break;
    }
    case FIELD_STRING_ARRAY:
    case FIELD_ARRAY: {
        if (!json_is_array(value)) {
            add_error(errors, name, "must be an array");
            break;
        }
        int64_t size = (int64_t)json_array_size(value);
        if (size < spec->min || size > spec->max) {
            add_error_bounds(errors, name, "number of items", spec->min, spec->max);
            break;
        }
        size_t index;
        const json_t *item;
        json_array_foreach((json_t *)value, index, item) {
            char item_name[160];
            snprintf(item_name, sizeof item_name, "%s[%zu]", name, index);
            if (spec->type == FIELD_STRING_ARRAY)
                check_string(spec, item_name, item, spec->item_max, errors);
            else
                check_items(spec, item_name, item, errors, unknown);
        }
        break;
    }
    case FIELD_OBJECT:
        check_items(spec, name, value, errors, unknown);
        break;
    }
}

void fields_collect(const json_t *object, const struct field_spec *specs, size_t count,
                    json_t *errors, json_t *unknown)
{
    check_object(object, specs, count, "", errors, unknown);
}

bool fields_check(const json_t *body, const struct field_spec *specs, size_t count,
                  struct reply *rep)
{
    json_t *empty = NULL;
    if (body == NULL) {
        empty = json_object();
        body = empty;
    }
    if (!json_is_object(body)) {
        reply_error(rep, ERR_BAD_REQUEST, "the request body must be a JSON object");
        return false;
    }
    json_t *errors = json_array();
    json_t *unknown = json_array();
    fields_collect(body, specs, count, errors, unknown);
    json_decref(empty);
    bool ok = false;
    if (json_array_size(unknown) > 0) {
        reply_error_fields(rep, ERR_BAD_REQUEST, "the request has unknown fields", unknown);
        unknown = NULL;
    } else if (json_array_size(errors) > 0) {
        const char *first = json_string_value(json_object_get(json_array_get(errors, 0), "field"));
        char detail[200];
        snprintf(detail, sizeof detail, "invalid field: %s", first != NULL ? first : "?");
        reply_error_fields(rep, ERR_INVALID_FIELD, detail, errors);
        errors = NULL;
    } else {
        ok = true;
    }
    json_decref(errors);
    json_decref(unknown);
    return ok;
}

static struct field_value *value_at(void *out, const struct field_spec *spec)
{
    return (struct field_value *)((char *)out + spec->offset);
}

/* Two specs writing one member is a table written wrong: every output must be its own. */
static bool offsets_distinct(const struct field_spec *specs, size_t count)
{
    for (size_t i = 0; i < count; i++)
        for (size_t j = i + 1; j < count; j++)
            if (specs[i].offset == specs[j].offset)
                return false;
    return true;
}

/* Fills out from a checked object (NULL: an absent object, every field absent). Returns false
 * only when out of memory. */
static bool fill_object(const json_t *object, const struct field_spec *specs, size_t count,
                        void *out)
{
    assert(offsets_distinct(specs, count));
    bool ok = true;
    for (size_t i = 0; i < count; i++) {
        const struct field_spec *spec = &specs[i];
        struct field_value *v = value_at(out, spec);
        memset(v, 0, sizeof *v);
        const json_t *value = object != NULL ? json_object_get(object, spec->name) : NULL;
        v->present = value != NULL;
        if (json_is_null(value))
            value = NULL;
        switch (spec->type) {
        case FIELD_STRING:
        case FIELD_ENUM:
        case FIELD_DATE:
            v->text = json_string_value(value);
            break;
        case FIELD_INT:
            if (value != NULL) {
                v->number = json_integer_value(value);
                snprintf(v->buffer, sizeof v->buffer, "%lld", (long long)v->number);
                v->text = v->buffer;
            }
            break;
        case FIELD_BOOL:
            if (value != NULL) {
                v->number = json_is_true(value);
                v->text = v->number ? "true" : "false";
            }
            break;
        case FIELD_STRING_ARRAY:
        case FIELD_ARRAY:
            if (value != NULL) {
                v->json = json_dumps(value, JSON_COMPACT);
                v->text = v->json;
                ok = ok && v->json != NULL;
            }
            break;
        case FIELD_OBJECT:
            v->text = value != NULL ? "true" : NULL;
            ok = fill_object(value, spec->items, spec->item_count, out) && ok;
            break;
        }
    }
    return ok;
}

bool fields_parse(const json_t *body, const struct field_spec *specs, size_t count, void *out,
                  struct reply *rep)
{
    if (!fields_check(body, specs, count, rep))
        return false;
    if (!fill_object(body, specs, count, out)) {
        fields_release(specs, count, out);
        reply_error(rep, ERR_INTERNAL, "out of memory");
        return false;
    }
    return true;
}

void fields_release(const struct field_spec *specs, size_t count, void *out)
{
    for (size_t i = 0; i < count; i++) {
        struct field_value *v = value_at(out, &specs[i]);
        free(v->json);
        v->json = NULL;
        if (specs[i].type == FIELD_OBJECT)
            fields_release(specs[i].items, specs[i].item_count, out);
    }
}
