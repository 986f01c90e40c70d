/* import_rows: header, cells and validation of an imported file's rows (see import_rows.h). */
#include "api/import_rows.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/achievements.h"
#include "domain/vocabulary.h"

#define EXTERNAL_REF_MAX 100
/* Problems kept; a file with more gets one closing problem that says how many were left out. */
#define ERRORS_MAX 10000
#define NO_COLUMN SIZE_MAX
#define VALUE_SHOWN_MAX 60

struct import_rows {
    bool header_read;
    bool header_repeat_checked;        /* whether the row after the header was looked at */
    size_t columns[TABLE_COLUMNS_MAX]; /* file column -> IMPORT_COLUMNS index, or NO_COLUMN */
    size_t column_count;
    size_t count; /* data rows read */
    size_t errors_left_out;
    json_t *errors;
    json_t *refs; /* external_ref -> the row that first used it */
    char *json;   /* "[row,row,...": the valid rows */
    size_t json_len;
    size_t json_cap;
    bool json_closed; /* "]" appended: no more rows */
    bool out_of_memory;
};

/* The enum value that text names (its value, its Chinese label, or its English label in any
 * case), or NULL. */
static const char *enum_value(const char *labels_key, const char *text)
{
    const struct vocabulary *vocabulary = vocabulary_find(labels_key);
    for (size_t i = 0; vocabulary != NULL && i < vocabulary->count; i++) {
        const struct vocabulary_term *term = &vocabulary->terms[i];
        if (strcmp(term->value, text) == 0 || strcmp(term->zh, text) == 0 ||
            strcasecmp(term->en, text) == 0)
            return term->value;
    }
    return NULL;
}

/* ---------------------------------------------------------------------------------------------
 * Problems */

/* value: the cell as read, or NULL (shown beside the message, so that the problem can be found) */
static void add_error_at(struct import_rows *rows, size_t row, size_t column, const char *value,
                         const char *message)
{
    if (json_array_size(rows->errors) >= ERRORS_MAX) {
        rows->errors_left_out++;
        return;
    }
    /* row 0: the file as a whole */
    json_t *error = json_pack("{s:o, s:s?, s:s}", "row",
                              row > 0 ? json_integer((json_int_t)row) : json_null(), "column",
                              column != NO_COLUMN ? IMPORT_COLUMNS[column].name : NULL, "message",
                              message);
    if (error != NULL && value != NULL) {
        char shown[VALUE_SHOWN_MAX + 4];
        size_t len = strlen(value);
        if (len > VALUE_SHOWN_MAX) {
            /* cut at a character boundary */
            len = VALUE_SHOWN_MAX;
            while (len > 0 && ((unsigned char)value[len] & 0xC0) == 0x80)
                len--;
        }
        snprintf(shown, sizeof shown, "%.*s%s", (int)len, value, value[len] != '\0' ? "…" : "");
        if (json_object_set_new(error, "value", json_string(shown)) != 0)
            rows->out_of_memory = true;
    }
    if (error == NULL || json_array_append_new(rows->errors, error) != 0)
        rows->out_of_memory = true;
}

static void add_error(struct import_rows *rows, size_t row, size_t column, const char *message)
{
    add_error_at(rows, row, column, NULL, message);
}

void import_rows_fail(struct import_rows *rows, const char *message)
{
    add_error(rows, 0, NO_COLUMN, message);
}

/* ---------------------------------------------------------------------------------------------
 * Cells */

/* The cell without the spaces (ASCII and the ideographic space U+3000) around it, into out. */
static void trim(const char *text, size_t len, const char **start, size_t *trimmed)
{
    const char *end = text + len;
    for (;;) {
        if (text < end && isspace((unsigned char)*text))
            text++;
        else if (end - text >= 3 && memcmp(text, "\xE3\x80\x80", 3) == 0)
            text += 3;
        else
            break;
    }
    for (;;) {
        if (end > text && isspace((unsigned char)end[-1]))
            end--;
        else if (end - text >= 3 && memcmp(end - 3, "\xE3\x80\x80", 3) == 0)
            end -= 3;
        else
            break;
    }
    *start = text;
    *trimmed = (size_t)(end - text);
}

/* An integer as people and spreadsheets write it: "12", "-3", "12.0". */
static bool parse_int(const char *text, json_int_t *out)
{
    char *end = NULL;
    long long n = strtoll(text, &end, 10);
    if (end == text || (*end != '\0' && *end != '.'))
        return false;
    if (*end == '.')
        for (end++; *end == '0'; end++)
            ;
    *out = n;
    return *end == '\0';
}

static bool parse_bool(const char *text, bool *out)
{
    static const char *const YES[] = { "true", "yes", "y", "1", "是", NULL };
    static const char *const NO[] = { "false", "no", "n", "0", "否", NULL };
    for (size_t i = 0; YES[i] != NULL; i++) {
        if (strcasecmp(text, YES[i]) == 0) {
            *out = true;
            return true;
        }
    }
    for (size_t i = 0; NO[i] != NULL; i++) {
        if (strcasecmp(text, NO[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

/* A list cell: items between ; or ； (U+FF1B), each trimmed, empty ones dropped. */
static json_t *parse_list(const char *text)
{
    json_t *items = json_array();
    const char *p = text;
    while (items != NULL && *p != '\0') {
        const char *ascii = strchr(p, ';');
        const char *wide = strstr(p, "\xEF\xBC\x9B");
        const char *cut = ascii == NULL ? wide : wide == NULL ? ascii : ascii < wide ? ascii : wide;
        size_t len = cut != NULL ? (size_t)(cut - p) : strlen(p);
        const char *item;
        size_t item_len;
        trim(p, len, &item, &item_len);
        if (item_len > 0 && json_array_append_new(items, json_stringn(item, item_len)) != 0) {
            json_decref(items);
            return NULL;
        }
        p = cut == NULL ? p + len : cut + (*cut == ';' ? 1 : 3);
    }
    return items;
}

/* The JSON value of a non-empty cell of column: its kind's value when it reads as one, else
 * the text itself, which the field's rules then refuse with their usual message. */
static json_t *cell_value(const struct import_column *column, const char *text)
{
    json_int_t n;
    bool flag;
    const char *value;
    switch (column->kind) {
    case CELL_INT:
        return parse_int(text, &n) ? json_integer(n) : json_string(text);
    case CELL_BOOL:
        return parse_bool(text, &flag) ? json_boolean(flag) : json_string(text);
    case CELL_ENUM:
        value = enum_value(column->labels, text);
        return json_string(value != NULL ? value : text);
    case CELL_LIST:
        return parse_list(text);
    case CELL_TEXT:
    default:
        return json_string(text);
    }
}

/* ---------------------------------------------------------------------------------------------
 * Header */

static size_t column_named(const char *name)
{
    for (size_t i = 0; i < IMPORT_COLUMN_COUNT; i++)
        if (strcasecmp(IMPORT_COLUMNS[i].name, name) == 0 ||
            strcmp(IMPORT_COLUMNS[i].zh, name) == 0)
            return i;
    return NO_COLUMN;
}

/* Maps the file's columns. Unknown or repeated headers, and missing required columns, are
 * problems of row 1: rows cannot be read without them. */
static bool header_read(struct import_rows *rows, const struct table_row *row)
{
    bool seen[TABLE_COLUMNS_MAX] = { false }; /* IMPORT_COLUMN_COUNT is far below */
    size_t problems = json_array_size(rows->errors);
    rows->column_count = row->count;
    for (size_t i = 0; i < row->count; i++) {
        const char *name;
        size_t len;
        trim(row->cells[i], row->lengths[i], &name, &len);
        char text[128];
        snprintf(text, sizeof text, "%.*s", (int)(len < sizeof text ? len : sizeof text - 1), name);
        rows->columns[i] = len > 0 ? column_named(text) : NO_COLUMN;
        char message[200];
        if (len > 0 && rows->columns[i] == NO_COLUMN) {
            snprintf(message, sizeof message, "unknown column \"%s\"", text);
            add_error(rows, row->number, NO_COLUMN, message);
        } else if (len > 0 && seen[rows->columns[i]]) {
            add_error(rows, row->number, rows->columns[i], "the column appears twice");
        } else if (len > 0) {
            seen[rows->columns[i]] = true;
        }
    }
    for (size_t c = 0; c < IMPORT_COLUMN_COUNT; c++)
        if (IMPORT_COLUMNS[c].required && !seen[c])
            add_error(rows, row->number, c, "the column is missing");
    rows->header_read = true;
    return json_array_size(rows->errors) == problems;
}

/* Whether row repeats the header as field names (the templates' second header row). */
static bool is_field_name_row(const struct import_rows *rows, const struct table_row *row)
{
    size_t named = 0;
    for (size_t i = 0; i < row->count; i++) {
        if (row->lengths[i] == 0)
            continue;
        if (i >= rows->column_count || rows->columns[i] == NO_COLUMN ||
            strcmp(row->cells[i], IMPORT_COLUMNS[rows->columns[i]].name) != 0)
            return false;
        named++;
    }
    return named > 0;
}

/* ---------------------------------------------------------------------------------------------
 * Rows */

static bool json_append(struct import_rows *rows, const char *text, size_t len)
{
    if (rows->json_len + len + 2 > rows->json_cap) {
        size_t cap = rows->json_cap > 0 ? rows->json_cap : 64 * 1024;
        while (cap < rows->json_len + len + 2)
            cap *= 2;
        char *grown = realloc(rows->json, cap);
        if (grown == NULL) {
            rows->out_of_memory = true;
            return false;
        }
        rows->json = grown;
        rows->json_cap = cap;
    }
    memcpy(rows->json + rows->json_len, text, len);
    rows->json_len += len;
    return true;
}

/* The problems of the field rules, each under its column: an item of a list names its value. */
static void add_field_errors(struct import_rows *rows, size_t row, const json_t *object,
                             const json_t *errors)
{
    size_t index;
    const json_t *error;
    json_array_foreach((json_t *)errors, index, error) {
        const char *field = json_string_value(json_object_get(error, "field"));
        const char *message = json_string_value(json_object_get(error, "message"));
        if (field == NULL || message == NULL)
            continue;
        size_t name_len = strcspn(field, "[");
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(name_len < sizeof name ? name_len : 63), field);
        size_t column = column_named(name);
        const json_t *value = json_object_get(object, name);
        if (field[name_len] == '[')
            value = json_array_get(value, strtoul(field + name_len + 1, NULL, 10));
        add_error_at(rows, row, column, json_string_value(value), message);
    }
}

/* external_ref: required, at most EXTERNAL_REF_MAX characters, once per file. */
static void check_external_ref(struct import_rows *rows, size_t row, size_t column,
                               const json_t *value)
{
    const char *ref = json_string_value(value);
    char message[120];
    if (ref == NULL) {
        add_error(rows, row, column, "is required (your own key for the achievement)");
    } else if (utf8_length(ref) > EXTERNAL_REF_MAX) {
        snprintf(message, sizeof message, "length must be between 1 and %d", EXTERNAL_REF_MAX);
        add_error(rows, row, column, message);
    } else if (json_object_get(rows->refs, ref) != NULL) {
        snprintf(message, sizeof message, "repeats the key of row %lld",
                 (long long)json_integer_value(json_object_get(rows->refs, ref)));
        add_error_at(rows, row, column, ref, message);
    } else if (json_object_set_new(rows->refs, ref, json_integer((json_int_t)row)) != 0) {
        rows->out_of_memory = true;
    }
}

static bool is_blank(const struct table_row *row)
{
    for (size_t i = 0; i < row->count; i++) {
        const char *start;
        size_t len;
        trim(row->cells[i], row->lengths[i], &start, &len);
        if (len > 0)
            return false;
    }
    return true;
}

/* One data row: its cells as an object, checked by the rules of POST; a valid row joins the
 * JSON array with its row number and external_ref. */
static void row_read(struct import_rows *rows, const struct table_row *row)
{
    json_t *object = json_object();
    json_t *external_ref = NULL;
    json_t *errors = json_array();
    json_t *unknown = json_array();
    size_t ref_column = column_named("external_ref");
    size_t problems = json_array_size(rows->errors) + rows->errors_left_out;
    if (object == NULL || errors == NULL || unknown == NULL) {
        rows->out_of_memory = true;
        goto cleanup;
    }
    for (size_t i = 0; i < row->count && i < rows->column_count; i++) {
        size_t column = rows->columns[i];
        const char *start;
        size_t len;
        trim(row->cells[i], row->lengths[i], &start, &len);
        if (column == NO_COLUMN || len == 0)
            continue;
        char *text = strndup(start, len);
        json_t *value = text != NULL ? cell_value(&IMPORT_COLUMNS[column], text) : NULL;
        free(text);
        if (value == NULL) {
            rows->out_of_memory = true;
            goto cleanup;
        }
        if (column == ref_column)
            external_ref = value;
        else if (json_object_set_new(object, IMPORT_COLUMNS[column].name, value) != 0)
            rows->out_of_memory = true;
    }
    check_external_ref(rows, row->number, ref_column, external_ref);
    fields_collect(object, ACHIEVEMENT_CREATE_SPECS, ACHIEVEMENT_CREATE_SPEC_COUNT, errors,
                   unknown);
    add_field_errors(rows, row->number, object, errors);
    if (json_array_size(rows->errors) + rows->errors_left_out > problems || rows->out_of_memory)
        goto cleanup;
    if (json_object_set_new(object, "row", json_integer((json_int_t)row->number)) != 0 ||
        json_object_set(object, "external_ref", external_ref) != 0) {
        rows->out_of_memory = true;
        goto cleanup;
    }
    char *text = json_dumps(object, JSON_COMPACT);
    if (text == NULL)
        rows->out_of_memory = true;
    else if (json_append(rows, rows->json_len > 1 ? "," : "", rows->json_len > 1 ? 1 : 0))
        json_append(rows, text, strlen(text));
    free(text);
cleanup:
    json_decref(object);
    json_decref(external_ref);
    json_decref(errors);
    json_decref(unknown);
}

bool import_rows_add(void *ctx, const struct table_row *row)
{
    struct import_rows *rows = ctx;
    if (rows->json_closed)
        return false;
    if (is_blank(row))
        return true;
    if (!rows->header_read)
        return header_read(rows, row) && !rows->out_of_memory;
    if (!rows->header_repeat_checked) {
        rows->header_repeat_checked = true;
        if (is_field_name_row(rows, row))
            return true;
    }
    if (rows->count == IMPORT_ROWS_MAX) {
        char message[120];
        snprintf(message, sizeof message, "a file holds at most %d rows: split it",
                 IMPORT_ROWS_MAX);
        add_error(rows, row->number, NO_COLUMN, message);
        return false;
    }
    rows->count++;
    row_read(rows, row);
    return !rows->out_of_memory;
}

struct import_rows *import_rows_new(void)
{
    struct import_rows *rows = calloc(1, sizeof *rows);
    if (rows == NULL)
        return NULL;
    rows->errors = json_array();
    rows->refs = json_object();
    if (rows->errors == NULL || rows->refs == NULL || !json_append(rows, "[", 1)) {
        import_rows_free(rows);
        return NULL;
    }
    return rows;
}

void import_rows_free(struct import_rows *rows)
{
    if (rows == NULL)
        return;
    json_decref(rows->errors);
    json_decref(rows->refs);
    free(rows->json);
    free(rows);
}

size_t import_rows_count(const struct import_rows *rows)
{
    return rows->count;
}

const json_t *import_rows_errors(struct import_rows *rows)
{
    if (rows->errors_left_out > 0) {
        char message[120];
        snprintf(message, sizeof message, "and %zu more problems not listed",
                 rows->errors_left_out);
        rows->errors_left_out = 0;
        if (json_array_append_new(rows->errors, json_pack("{s:n, s:n, s:s}", "row", "column",
                                                          "message", message)) != 0)
            rows->out_of_memory = true;
    }
    return rows->errors;
}

const char *import_rows_json(struct import_rows *rows)
{
    if (!rows->header_read || rows->out_of_memory)
        return NULL;
    if (!rows->json_closed) {
        if (!json_append(rows, "]", 1))
            return NULL;
        rows->json[rows->json_len] = '\0';
        rows->json_closed = true;
    }
    return rows->json;
}
