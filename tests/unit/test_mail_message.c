/* test_mail_message: the e-mail of a notice — headers, the subject as encoded words that decode
 * back to the title whole, both parts in base64 holding the text and the link, and the refusal
 * of addresses that would inject headers; the link to each kind of page. */
#include <check.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "mail/message.h"

/* Decodes every "=?UTF-8?B?...?=" word of the Subject header, concatenated. */
static void subject_of(const char *message, char *out, size_t size)
{
    const char *at = strstr(message, "\r\nSubject:");
    ck_assert_ptr_nonnull(at);
    size_t used = 0;
    out[0] = '\0';
    for (const char *w = strstr(at, "=?UTF-8?B?"); w != NULL && w < strstr(at, "\r\nMIME");
         w = strstr(w, "=?UTF-8?B?")) {
        w += strlen("=?UTF-8?B?");
        const char *end = strstr(w, "?=");
        ck_assert_ptr_nonnull(end);
        size_t decoded;
        ck_assert_int_eq(sodium_base642bin((unsigned char *)out + used, size - used - 1, w,
                                           (size_t)(end - w), NULL, &decoded, NULL,
                                           sodium_base64_VARIANT_ORIGINAL),
                         0);
        used += decoded;
        out[used] = '\0';
        w = end;
    }
}

/* The first base64 part after marker (a Content-Type line), decoded. */
static void part_of(const char *message, const char *marker, char *out, size_t size)
{
    const char *at = strstr(message, marker);
    ck_assert_ptr_nonnull(at);
    at = strstr(at, "\r\n\r\n");
    ck_assert_ptr_nonnull(at);
    at += 4;
    const char *end = strstr(at, "--techpool-");
    ck_assert_ptr_nonnull(end);
    size_t decoded;
    ck_assert_int_eq(sodium_base642bin((unsigned char *)out, size - 1, at, (size_t)(end - at),
                                       "\r\n", &decoded, NULL, sodium_base64_VARIANT_ORIGINAL),
                     0);
    out[decoded] = '\0';
}

static const char LONG_TITLE[] =
    "新的试用申请：一种用于车规级芯片的石墨烯散热结构及其制备方法与应用";

START_TEST(message_carries_title_text_and_link)
{
    struct mail_notice notice = {
        .outbox_id = 42,
        .from = "pool@techpool.example",
        .to = "tto@sjtu.example",
        .title = LONG_TITLE,
        .body = "苏州测试科技 申请试用 <3 个月> & 更多。",
        .language = "zh",
        .link = "https://pool.example/#/inst/trials",
        .date = 1772323200,
    };
    char *m = mail_message_build(&notice);
    ck_assert_ptr_nonnull(m);
    ck_assert_ptr_nonnull(strstr(m, "From: <pool@techpool.example>\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "To: <tto@sjtu.example>\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "Date: Sun, 01 Mar 2026 00:00:00 +0000\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "Message-ID: <outbox-42."));
    ck_assert_ptr_nonnull(strstr(m, "multipart/alternative"));
    char subject[512];
    subject_of(m, subject, sizeof subject);
    ck_assert_str_eq(subject, LONG_TITLE);
    char text[2048];
    part_of(m, "Content-Type: text/plain", text, sizeof text);
    ck_assert_ptr_nonnull(strstr(text, "苏州测试科技 申请试用 <3 个月> & 更多。"));
    ck_assert_ptr_nonnull(strstr(text, "打开页面: https://pool.example/#/inst/trials"));
    char html[4096];
    part_of(m, "Content-Type: text/html", html, sizeof html);
    ck_assert_ptr_nonnull(strstr(html, "&lt;3 个月&gt; &amp; 更多"));
    ck_assert_ptr_nonnull(strstr(html, "<a href=\"https://pool.example/#/inst/trials\">"));
    for (const char *line = m; (line = strstr(line, "\r\n")) != NULL; line += 2) {
        const char *next = strstr(line + 2, "\r\n");
        ck_assert_msg(next == NULL || next - line - 2 <= 78, "a line longer than 78 characters");
    }
    free(m);
}
END_TEST

START_TEST(english_notice_has_english_words_and_no_link_without_origin)
{
    struct mail_notice notice = {
        .outbox_id = 7,
        .from = "pool@techpool.example",
        .to = "ceo@example.com",
        .title = "Trial approved",
        .body = "It runs until 2026-09-01.",
        .language = "en",
        .link = NULL,
        .date = 0,
    };
    char *m = mail_message_build(&notice);
    ck_assert_ptr_nonnull(m);
    char text[2048];
    part_of(m, "Content-Type: text/plain", text, sizeof text);
    ck_assert_ptr_nonnull(strstr(text, "Trial approved\n\nIt runs until 2026-09-01."));
    ck_assert_ptr_null(strstr(text, "Open the page"));
    ck_assert_ptr_nonnull(strstr(text, "Notifications page"));
    free(m);
}
END_TEST

START_TEST(addresses_that_would_add_headers_are_refused)
{
    struct mail_notice notice = {
        .outbox_id = 1,
        .from = "pool@techpool.example",
        .to = "a@b.example\r\nBcc: x@y.example",
        .title = "t",
        .body = "b",
        .language = "en",
        .link = NULL,
        .date = 0,
    };
    ck_assert_ptr_null(mail_message_build(&notice));
    notice.to = "a@b.example>";
    ck_assert_ptr_null(mail_message_build(&notice));
    notice.to = "";
    ck_assert_ptr_null(mail_message_build(&notice));
}
END_TEST

START_TEST(links_open_the_page_of_the_subject)
{
    char link[128];
    ck_assert(mail_link("https://p.example", "trial", "5", "institution", link, sizeof link));
    ck_assert_str_eq(link, "https://p.example/#/inst/trials");
    ck_assert(mail_link("https://p.example", "trial", "5", "enterprise", link, sizeof link));
    ck_assert_str_eq(link, "https://p.example/#/me/trials");
    ck_assert(mail_link("https://p.example", "license", "9", "enterprise", link, sizeof link));
    ck_assert_str_eq(link, "https://p.example/#/licenses/9");
    ck_assert(mail_link("https://p.example", "achievement", "3", "institution", link, sizeof link));
    ck_assert_str_eq(link, "https://p.example/#/achievements/3");
    ck_assert(!mail_link("https://a-rather-long-origin.example", "license", "9", "x", link, 16));
}
END_TEST

int main(void)
{
    if (sodium_init() < 0)
        return EXIT_FAILURE;
    Suite *s = suite_create("mail_message");
    TCase *tc = tcase_create("mail_message");
    tcase_add_test(tc, message_carries_title_text_and_link);
    tcase_add_test(tc, english_notice_has_english_words_and_no_link_without_origin);
    tcase_add_test(tc, addresses_that_would_add_headers_are_refused);
    tcase_add_test(tc, links_open_the_page_of_the_subject);
    suite_add_tcase(s, tc);
    SRunner *runner = srunner_create(s);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
