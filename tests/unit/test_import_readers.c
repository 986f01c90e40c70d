/* test_import_readers: the pure readers behind bulk import — RFC 4180 CSV (quotes, doubled
 * quotes, line breaks inside cells, CRLF, LF and CR, row numbers as a spreadsheet counts them),
 * the choice between UTF-8 and GB18030 and the conversion, and the refusal of what is not an
 * .xlsx package. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/csv_reader.h"
#include "import/encoding.h"
#include "import/xlsx_reader.h"

/* The rows read, flattened: "2:a|b;3:c;" (row number, cells joined by |). */
struct capture {
    char text[1024];
    size_t rows;
    size_t stop_after; /* 0: never stop */
};

static bool capture_row(void *ctx, const struct table_row *row)
{
    struct capture *c = ctx;
    size_t used = strlen(c->text);
    used += (size_t)snprintf(c->text + used, sizeof c->text - used, "%zu:", row->number);
    for (size_t i = 0; i < row->count; i++) {
        ck_assert_uint_eq(strlen(row->cells[i]), row->lengths[i]);
        used += (size_t)snprintf(c->text + used, sizeof c->text - used, "%s%s", i > 0 ? "|" : "",
                                 row->cells[i]);
    }
    snprintf(c->text + used, sizeof c->text - used, ";");
    c->rows++;
    return c->stop_after == 0 || c->rows < c->stop_after;
}

static const char *csv(const char *text)
{
    static struct capture c;
    memset(&c, 0, sizeof c);
    char error[128];
    ck_assert_msg(csv_read(text, strlen(text), capture_row, &c, error, sizeof error), "%s", error);
    return c.text;
}

START_TEST(csv_plain_rows_with_crlf_lf_and_cr)
{
    ck_assert_str_eq(csv("a,b\r\nc,d\ne,f\rg,h"), "1:a|b;2:c|d;3:e|f;4:g|h;");
    ck_assert_str_eq(csv("a,b\r\n"), "1:a|b;");
    ck_assert_str_eq(csv(""), "");
}
END_TEST

START_TEST(csv_quoted_cells_keep_commas_quotes_and_line_breaks)
{
    ck_assert_str_eq(csv("\"a,1\",\"say \"\"hi\"\"\"\n"), "1:a,1|say \"hi\";");
    /* a line break inside quotes does not start a row: the next record is still row 2 */
    ck_assert_str_eq(csv("\"line one\r\nline two\",x\ny,z\n"), "1:line one\r\nline two|x;2:y|z;");
    ck_assert_str_eq(csv("\"\",\"\"\n"), "1:|;");
}
END_TEST

START_TEST(csv_empty_cells_and_empty_lines_keep_their_place)
{
    ck_assert_str_eq(csv("a,,c\n\nd,\n"), "1:a||c;2:;3:d|;");
}
END_TEST

START_TEST(csv_stray_quotes_are_read_as_spreadsheets_read_them)
{
    ck_assert_str_eq(csv("5\" disk,b\n"), "1:5\" disk|b;");
    ck_assert_str_eq(csv("\"ab\"cd,e\n"), "1:abcd|e;");
}
END_TEST

START_TEST(csv_chinese_text_passes_through)
{
    ck_assert_str_eq(csv("成果名称,关键词\n石墨烯,导热；散热\n"),
                     "1:成果名称|关键词;2:石墨烯|导热；散热;");
}
END_TEST

START_TEST(csv_unclosed_quote_is_an_error_naming_its_row)
{
    struct capture c = { 0 };
    char error[128];
    ck_assert(!csv_read("a\n\"open,\nmore", 13, capture_row, &c, error, sizeof error));
    ck_assert_str_eq(error, "row 2: a quoted cell is never closed");
}
END_TEST

START_TEST(csv_too_many_columns_is_an_error)
{
    char line[256] = "";
    for (int i = 0; i < TABLE_COLUMNS_MAX + 1; i++)
        strcat(line, "x,");
    struct capture c = { 0 };
    char error[128];
    ck_assert(!csv_read(line, strlen(line), capture_row, &c, error, sizeof error));
    ck_assert_str_eq(error, "row 1: more than 64 columns");
}
END_TEST

START_TEST(csv_callback_stops_the_reader_without_a_message)
{
    struct capture c = { .stop_after = 1 };
    char error[128];
    ck_assert(!csv_read("a\nb\nc\n", 6, capture_row, &c, error, sizeof error));
    ck_assert_uint_eq(c.rows, 1);
    ck_assert_str_eq(error, "");
}
END_TEST

static bool first_cell_length(void *ctx, const struct table_row *row)
{
    *(size_t *)ctx = row->lengths[0];
    return true;
}

/* the field rules then refuse the cell: its length says more than the string holds */
START_TEST(csv_nul_bytes_stay_inside_their_cell)
{
    size_t length = 0;
    char error[128];
    ck_assert(csv_read("a\0b,c\n", 6, first_cell_length, &length, error, sizeof error));
    ck_assert_uint_eq(length, 3);
}
END_TEST

/* ---- encodings */

/* "石墨烯,导热" in GB18030 */
static const char GB18030_TEXT[] = "\xca\xaf\xc4\xab\xcf\xa9,\xb5\xbc\xc8\xc8";

START_TEST(encoding_is_detected_by_well_formed_utf8)
{
    ck_assert_int_eq(text_encoding_detect("title,abstract", 14), TEXT_UTF8);
    ck_assert_int_eq(text_encoding_detect("石墨烯", strlen("石墨烯")), TEXT_UTF8);
    ck_assert_int_eq(text_encoding_detect("\xEF\xBB\xBF石墨烯", 3 + strlen("石墨烯")),
                     TEXT_UTF8_BOM);
    ck_assert_int_eq(text_encoding_detect(GB18030_TEXT, strlen(GB18030_TEXT)), TEXT_GB18030);
    ck_assert_int_eq(text_encoding_detect("", 0), TEXT_UTF8);
}
END_TEST

START_TEST(utf8_text_is_used_in_place_without_its_bom)
{
    const char bytes[] = "\xEF\xBB\xBF"
                         "a,b";
    const char *text;
    size_t len;
    char *owned;
    char error[128];
    ck_assert(text_as_utf8(bytes, sizeof bytes - 1, &text, &len, &owned, error, sizeof error));
    ck_assert_ptr_null(owned);
    ck_assert_ptr_eq(text, bytes + 3);
    ck_assert_uint_eq(len, 3);
}
END_TEST

START_TEST(gb18030_text_is_converted_to_utf8)
{
    const char *text;
    size_t len;
    char *owned;
    char error[128];
    ck_assert(text_as_utf8(GB18030_TEXT, strlen(GB18030_TEXT), &text, &len, &owned, error,
                           sizeof error));
    ck_assert_ptr_nonnull(owned);
    ck_assert_str_eq(text, "石墨烯,导热");
    ck_assert_uint_eq(len, strlen("石墨烯,导热"));
    free(owned);
}
END_TEST

START_TEST(bytes_that_are_neither_encoding_are_refused)
{
    const char *text;
    size_t len;
    char *owned;
    char error[128];
    /* 0x80 0x30 is not a GB18030 sequence */
    ck_assert(!text_as_utf8("ab\x80\x30", 4, &text, &len, &owned, error, sizeof error));
    ck_assert_ptr_null(owned);
    ck_assert_msg(strstr(error, "neither UTF-8 nor GB18030") != NULL, "%s", error);
    /* a GB18030 file cut in the middle of a character */
    ck_assert(!text_as_utf8("\xca\xaf\xc4", 3, &text, &len, &owned, error, sizeof error));
    ck_assert_msg(strstr(error, "mid-character") != NULL, "%s", error);
}
END_TEST

/* ---- xlsx */

START_TEST(xlsx_reader_refuses_what_is_not_a_package)
{
    struct capture c = { 0 };
    char error[128];
    ck_assert(!xlsx_read("a,b\n", 4, capture_row, &c, error, sizeof error));
    ck_assert_str_eq(error, "the file is not an .xlsx workbook (not a zip package)");
    ck_assert(!xlsx_read("PK\x03\x04", 4, capture_row, &c, error, sizeof error));
    ck_assert_uint_eq(c.rows, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("import_readers");
    TCase *tc = tcase_create("import_readers");
    tcase_add_test(tc, csv_plain_rows_with_crlf_lf_and_cr);
    tcase_add_test(tc, csv_quoted_cells_keep_commas_quotes_and_line_breaks);
    tcase_add_test(tc, csv_empty_cells_and_empty_lines_keep_their_place);
    tcase_add_test(tc, csv_stray_quotes_are_read_as_spreadsheets_read_them);
    tcase_add_test(tc, csv_chinese_text_passes_through);
    tcase_add_test(tc, csv_unclosed_quote_is_an_error_naming_its_row);
    tcase_add_test(tc, csv_too_many_columns_is_an_error);
    tcase_add_test(tc, csv_callback_stops_the_reader_without_a_message);
    tcase_add_test(tc, csv_nul_bytes_stay_inside_their_cell);
    tcase_add_test(tc, encoding_is_detected_by_well_formed_utf8);
    tcase_add_test(tc, utf8_text_is_used_in_place_without_its_bom);
    tcase_add_test(tc, gb18030_text_is_converted_to_utf8);
    tcase_add_test(tc, bytes_that_are_neither_encoding_are_refused);
    tcase_add_test(tc, xlsx_reader_refuses_what_is_not_a_package);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
