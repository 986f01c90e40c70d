/* xlsx_reader: package (libzip) -> workbook part -> relationships -> shared strings -> first
 * sheet, each part streamed through its own expat parser (see xlsx_reader.h). */
#include "import/xlsx_reader.h"

#include <expat.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define CHUNK_BYTES (64 * 1024)
#define PART_NAME_MAX 256

/* What one part's handlers share: the package-wide byte budget, the error and a text buffer. */
struct part_reader {
    XML_Parser parser;
    char *error;
    size_t error_size;
    bool failed;
    char *text; /* character data being collected */
    size_t text_len;
    size_t text_cap;
    bool collecting;
};

static void part_fail(struct part_reader *p, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static void part_fail(struct part_reader *p, const char *format, ...)
{
    if (!p->failed) {
        va_list ap;
        va_start(ap, format);
        vsnprintf(p->error, p->error_size, format, ap);
        va_end(ap);
        p->failed = true;
    }
    if (p->parser != NULL)
        XML_StopParser(p->parser, XML_FALSE);
}

static void text_collect(void *data, const XML_Char *s, int len)
{
    struct part_reader *p = data;
    if (!p->collecting || p->failed || len <= 0)
        return;
    size_t need = p->text_len + (size_t)len + 1;
    if (need > p->text_cap) {
        size_t cap = p->text_cap > 0 ? p->text_cap : 256;
        while (cap < need)
            cap *= 2;
        char *grown = realloc(p->text, cap);
        if (grown == NULL) {
            part_fail(p, "out of memory");
            return;
        }
        p->text = grown;
        p->text_cap = cap;
    }
    memcpy(p->text + p->text_len, s, (size_t)len);
    p->text_len += (size_t)len;
    p->text[p->text_len] = '\0';
}

static void text_reset(struct part_reader *p)
{
    p->text_len = 0;
    if (p->text != NULL)
        p->text[0] = '\0';
}

/* OOXML parts never declare a document type; one that does may define entities: refused. */
static void refuse_doctype(void *data, const XML_Char *name, const XML_Char *sysid,
                           const XML_Char *pubid, int has_internal_subset)
{
    (void)name;
    (void)sysid;
    (void)pubid;
    (void)has_internal_subset;
    part_fail(data, "the workbook declares a document type, which spreadsheets never do");
}

/* Element and attribute names arrive as "namespace|local" (or "local"): the local part. */
static const char *local_name(const XML_Char *name)
{
    const char *bar = strrchr(name, '|');
    return bar != NULL ? bar + 1 : name;
}

static const char *attribute(const XML_Char **attrs, const char *local)
{
    for (size_t i = 0; attrs[i] != NULL; i += 2)
        if (strcmp(local_name(attrs[i]), local) == 0)
            return attrs[i + 1];
    return NULL;
}

/* Streams one part of the package through a parser with the given handlers. *budget is the
 * package's remaining allowance of unpacked bytes. False with the error in p. */
static bool part_parse(zip_t *zip, const char *name, struct part_reader *p,
                       XML_StartElementHandler start, XML_EndElementHandler end,
                       zip_uint64_t *budget)
{
    zip_int64_t index = zip_name_locate(zip, name, 0);
    if (index < 0) {
        part_fail(p, "the workbook has no part %s", name);
        return false;
    }
    zip_file_t *file = zip_fopen_index(zip, (zip_uint64_t)index, 0);
    XML_Parser parser = XML_ParserCreateNS(NULL, '|');
    char *chunk = malloc(CHUNK_BYTES);
    bool ok = false;
    if (file == NULL || parser == NULL || chunk == NULL) {
        part_fail(p, file == NULL ? "the workbook part %s cannot be unpacked" : "out of memory",
                  name);
        goto cleanup;
    }
    p->parser = parser;
    XML_SetUserData(parser, p);
    XML_SetElementHandler(parser, start, end);
    XML_SetCharacterDataHandler(parser, text_collect);
    XML_SetStartDoctypeDeclHandler(parser, refuse_doctype);
    zip_uint64_t part_bytes = 0;
    for (;;) {
        zip_int64_t n = zip_fread(file, chunk, CHUNK_BYTES);
        if (n < 0) {
            part_fail(p, "the workbook part %s is damaged", name);
            goto cleanup;
        }
        part_bytes += (zip_uint64_t)n;
        if (part_bytes > XLSX_PART_BYTES_MAX || (zip_uint64_t)n > *budget) {
            part_fail(p, "the workbook unpacks to more than %u MiB: not read",
                      (unsigned)((part_bytes > XLSX_PART_BYTES_MAX ? XLSX_PART_BYTES_MAX
                                                                   : XLSX_TOTAL_BYTES_MAX) >>
                                 20));
            goto cleanup;
        }
        *budget -= (zip_uint64_t)n;
        if (XML_Parse(parser, chunk, (int)n, n == 0) != XML_STATUS_OK) {
            if (!p->failed)
                part_fail(p, "the workbook part %s is not well-formed XML (line %lu: %s)", name,
                          (unsigned long)XML_GetCurrentLineNumber(parser),
                          XML_ErrorString(XML_GetErrorCode(parser)));
            goto cleanup;
        }
        if (p->failed)
            goto cleanup;
        if (n == 0)
            break;
    }
    ok = true;
cleanup:
    p->parser = NULL;
    if (parser != NULL)
        XML_ParserFree(parser);
    if (file != NULL)
        zip_fclose(file);
    free(chunk);
    return ok;
}

/* ---------------------------------------------------------------------------------------------
 * xl/workbook.xml and its relationships: where the first sheet and the shared strings are */

struct workbook_reader {
    struct part_reader part;
    char sheet_rel_id[PART_NAME_MAX];
    char sheet_part[PART_NAME_MAX];
    char strings_part[PART_NAME_MAX];
};

static void workbook_start(void *data, const XML_Char *name, const XML_Char **attrs)
{
    struct workbook_reader *w = data;
    if (strcmp(local_name(name), "sheet") != 0 || w->sheet_rel_id[0] != '\0')
        return;
    const char *id = attribute(attrs, "id");
    if (id != NULL)
        snprintf(w->sheet_rel_id, sizeof w->sheet_rel_id, "%s", id);
}

static void ignore_end(void *data, const XML_Char *name)
{
    (void)data;
    (void)name;
}

/* A relationship's target as a part name: absolute ("/xl/worksheets/sheet1.xml") or relative
 * to xl/. False for a target that leaves the package's folders. */
static bool part_name_of(const char *target, char *out, size_t size)
{
    if (strstr(target, "..") != NULL || strstr(target, "://") != NULL)
        return false;
    int n = target[0] == '/' ? snprintf(out, size, "%s", target + 1)
                             : snprintf(out, size, "xl/%s", target);
    return n > 0 && (size_t)n < size;
}

static void relationships_start(void *data, const XML_Char *name, const XML_Char **attrs)
{
    struct workbook_reader *w = data;
    if (strcmp(local_name(name), "Relationship") != 0)
        return;
    const char *id = attribute(attrs, "Id");
    const char *type = attribute(attrs, "Type");
    const char *target = attribute(attrs, "Target");
    const char *mode = attribute(attrs, "TargetMode");
    if (id == NULL || type == NULL || target == NULL ||
        (mode != NULL && strcmp(mode, "External") == 0))
        return;
    size_t type_len = strlen(type);
    static const char STRINGS[] = "/sharedStrings";
    if (strcmp(id, w->sheet_rel_id) == 0) {
        if (!part_name_of(target, w->sheet_part, sizeof w->sheet_part))
            part_fail(&w->part, "the first sheet's location is not inside the workbook");
    } else if (type_len >= strlen(STRINGS) &&
               strcmp(type + type_len - strlen(STRINGS), STRINGS) == 0) {
        if (!part_name_of(target, w->strings_part, sizeof w->strings_part))
            w->strings_part[0] = '\0';
    }
}

/* ---------------------------------------------------------------------------------------------
 * Shared strings: every <si>'s text (its <t> runs, phonetic guides left out), one after another */

struct strings_reader {
    struct part_reader part;
    char *bytes; /* each string NUL-terminated, one after another */
    size_t len;
    size_t cap;
    size_t *starts;
    size_t count;
    size_t starts_cap;
    unsigned phonetic_depth;
    bool in_item;
};

static void strings_start(void *data, const XML_Char *name, const XML_Char **attrs)
{
    (void)attrs;
    struct strings_reader *s = data;
    const char *local = local_name(name);
    if (strcmp(local, "si") == 0) {
        s->in_item = true;
        text_reset(&s->part);
    } else if (strcmp(local, "rPh") == 0) {
        s->phonetic_depth++;
    } else if (strcmp(local, "t") == 0 && s->in_item && s->phonetic_depth == 0) {
        s->part.collecting = true;
    }
}

static bool strings_keep(struct strings_reader *s)
{
    const char *text = s->part.text != NULL ? s->part.text : "";
    size_t len = s->part.text_len;
    if (s->len + len + 1 > XLSX_STRINGS_BYTES_MAX) {
        part_fail(&s->part, "the workbook's shared strings exceed %u MiB",
                  XLSX_STRINGS_BYTES_MAX >> 20);
        return false;
    }
    if (s->count == s->starts_cap) {
        size_t cap = s->starts_cap > 0 ? 2 * s->starts_cap : 1024;
        size_t *grown = realloc(s->starts, cap * sizeof *grown);
        if (grown == NULL)
            goto out_of_memory;
        s->starts = grown;
        s->starts_cap = cap;
    }
    if (s->len + len + 1 > s->cap) {
        size_t cap = s->cap > 0 ? s->cap : 64 * 1024;
        while (cap < s->len + len + 1)
            cap *= 2;
        char *grown = realloc(s->bytes, cap);
        if (grown == NULL)
            goto out_of_memory;
        s->bytes = grown;
        s->cap = cap;
    }
    s->starts[s->count++] = s->len;
    memcpy(s->bytes + s->len, text, len);
    s->bytes[s->len + len] = '\0';
    s->len += len + 1;
    return true;
out_of_memory:
    part_fail(&s->part, "out of memory");
    return false;
}

static void strings_end(void *data, const XML_Char *name)
{
    struct strings_reader *s = data;
    const char *local = local_name(name);
    if (strcmp(local, "t") == 0) {
        s->part.collecting = false;
    } else if (strcmp(local, "rPh") == 0 && s->phonetic_depth > 0) {
        s->phonetic_depth--;
    } else if (strcmp(local, "si") == 0 && s->in_item) {
        s->in_item = false;
        strings_keep(s);
        text_reset(&s->part);
    }
}

/* ---------------------------------------------------------------------------------------------
 * The sheet: rows of cells */

struct sheet_reader {
    struct part_reader part;
    const struct strings_reader *strings;
    struct table_builder row;
    table_row_fn on_row;
    void *ctx;
    bool stopped;
    size_t row_number;      /* of the open row */
    size_t next_row_number; /* when a row does not say its own */
    size_t column;          /* of the open cell */
    char type[16];          /* its t attribute */
    bool in_cell;
    bool in_inline;
};

/* "BC12" -> column index 54 (A is 0); SIZE_MAX when the reference has no letters. */
static size_t column_of(const char *reference)
{
    size_t column = 0;
    size_t letters = 0;
    for (; *reference >= 'A' && *reference <= 'Z' && letters < 4; reference++, letters++)
        column = column * 26 + (size_t)(*reference - 'A' + 1);
    return letters == 0 ? SIZE_MAX : column - 1;
}

static void sheet_start(void *data, const XML_Char *name, const XML_Char **attrs)
{
    struct sheet_reader *s = data;
    const char *local = local_name(name);
    if (strcmp(local, "row") == 0) {
        const char *r = attribute(attrs, "r");
        char *end = NULL;
        unsigned long n = r != NULL ? strtoul(r, &end, 10) : 0;
        s->row_number = r != NULL && *end == '\0' && n > 0 ? n : s->next_row_number;
        s->next_row_number = s->row_number + 1;
        s->row.len = 0;
        s->row.count = 0;
    } else if (strcmp(local, "c") == 0) {
        const char *r = attribute(attrs, "r");
        const char *t = attribute(attrs, "t");
        size_t column = r != NULL ? column_of(r) : SIZE_MAX;
        s->column = column != SIZE_MAX ? column : s->row.count;
        snprintf(s->type, sizeof s->type, "%s", t != NULL ? t : "n");
        s->in_cell = true;
        text_reset(&s->part);
    } else if (strcmp(local, "is") == 0 && s->in_cell) {
        s->in_inline = true;
    } else if ((strcmp(local, "v") == 0 && s->in_cell && !s->in_inline) ||
               (strcmp(local, "t") == 0 && s->in_inline)) {
        s->part.collecting = true;
    }
}

/* The cell's text: a shared string's, else what the cell holds. */
static void sheet_cell_end(struct sheet_reader *s)
{
    const char *text = s->part.text != NULL ? s->part.text : "";
    size_t len = s->part.text_len;
    if (strcmp(s->type, "s") == 0) {
        char *end = NULL;
        unsigned long index = strtoul(text, &end, 10);
        if (len == 0 || *end != '\0' || index >= s->strings->count) {
            part_fail(&s->part, "row %zu: a cell refers to shared string %s, which is missing",
                      s->row_number, text);
            return;
        }
        text = s->strings->bytes + s->strings->starts[index];
        len = strlen(text);
    }
    if (len == 0)
        return; /* an empty cell is the padding of the next one */
    if (s->column >= TABLE_COLUMNS_MAX) {
        part_fail(&s->part, "row %zu: a cell beyond column %d", s->row_number, TABLE_COLUMNS_MAX);
        return;
    }
    if (s->column < s->row.count) {
        part_fail(&s->part, "row %zu: cells out of order", s->row_number);
        return;
    }
    if (!table_builder_pad(&s->row, s->column) || !table_builder_append(&s->row, text, len) ||
        !table_builder_end_cell(&s->row))
        part_fail(&s->part, "out of memory");
}

static void sheet_end(void *data, const XML_Char *name)
{
    struct sheet_reader *s = data;
    const char *local = local_name(name);
    if (strcmp(local, "v") == 0 || strcmp(local, "t") == 0) {
        s->part.collecting = false;
    } else if (strcmp(local, "is") == 0) {
        s->in_inline = false;
    } else if (strcmp(local, "c") == 0 && s->in_cell) {
        s->in_cell = false;
        sheet_cell_end(s);
    } else if (strcmp(local, "row") == 0 && s->row.count > 0 && !s->part.failed) {
        if (!table_builder_emit(&s->row, s->row_number, s->on_row, s->ctx)) {
            s->stopped = true;
            part_fail(&s->part, "stopped");
        }
    }
}

/* ---------------------------------------------------------------------------------------------
 * The package */

static bool package_within_limits(zip_t *zip, char *error, size_t error_size)
{
    zip_int64_t entries = zip_get_num_entries(zip, 0);
    if (entries < 0 || entries > XLSX_ENTRIES_MAX) {
        snprintf(error, error_size, "the workbook holds more than %d files: not read",
                 XLSX_ENTRIES_MAX);
        return false;
    }
    return true;
}

bool xlsx_read(const void *data, size_t len, table_row_fn on_row, void *ctx, char *error,
               size_t error_size)
{
    error[0] = '\0';
    struct workbook_reader book = { .part = { .error = error, .error_size = error_size } };
    struct strings_reader strings = { .part = { .error = error, .error_size = error_size } };
    struct sheet_reader sheet = { .part = { .error = error, .error_size = error_size },
                                  .strings = &strings,
                                  .on_row = on_row,
                                  .ctx = ctx,
                                  .next_row_number = 1 };
    zip_uint64_t budget = XLSX_TOTAL_BYTES_MAX;
    bool ok = false;
    zip_error_t zip_error;
    zip_error_init(&zip_error);
    zip_t *zip = NULL;
    zip_source_t *source = zip_source_buffer_create(data, len, 0, &zip_error);
    if (source != NULL) {
        zip = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &zip_error);
        if (zip == NULL)
            zip_source_free(source);
    }
    if (zip == NULL) {
        snprintf(error, error_size, "the file is not an .xlsx workbook (not a zip package)");
        goto cleanup;
    }
    if (!package_within_limits(zip, error, error_size) ||
        !part_parse(zip, "xl/workbook.xml", &book.part, workbook_start, ignore_end, &budget))
        goto cleanup;
    if (book.sheet_rel_id[0] == '\0') {
        snprintf(error, error_size, "the workbook has no sheet");
        goto cleanup;
    }
    if (!part_parse(zip, "xl/_rels/workbook.xml.rels", &book.part, relationships_start, ignore_end,
                    &budget))
        goto cleanup;
    if (book.sheet_part[0] == '\0') {
        snprintf(error, error_size, "the workbook's first sheet is missing");
        goto cleanup;
    }
    if (book.strings_part[0] != '\0' && zip_name_locate(zip, book.strings_part, 0) >= 0 &&
        !part_parse(zip, book.strings_part, &strings.part, strings_start, strings_end, &budget))
        goto cleanup;
    ok = part_parse(zip, book.sheet_part, &sheet.part, sheet_start, sheet_end, &budget);
    if (sheet.stopped)
        error[0] = '\0';
cleanup:
    if (zip != NULL)
        zip_discard(zip);
    zip_error_fini(&zip_error);
    free(book.part.text);
    free(strings.part.text);
    free(strings.bytes);
    free(strings.starts);
    free(sheet.part.text);
    table_builder_free(&sheet.row);
    return ok;
}
