/* message: builds the e-mail of one notice (see message.h). */
#include "mail/message.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 57 bytes become one 76-character base64 line, the longest MIME allows. */
#define BASE64_LINE_BYTES 57
/* 39 bytes of the subject per encoded word: 52 characters, so that "Subject: " and the word's
 * markers stay within 78 */
#define SUBJECT_WORD_BYTES 39

/* Writes data as base64 in lines of at most 76 characters, each ended by CRLF. */
static bool put_base64(FILE *out, const char *data)
{
    size_t length = strlen(data);
    char line[sodium_base64_ENCODED_LEN(BASE64_LINE_BYTES, sodium_base64_VARIANT_ORIGINAL)];
    for (size_t at = 0; at < length; at += BASE64_LINE_BYTES) {
        size_t chunk = length - at < BASE64_LINE_BYTES ? length - at : BASE64_LINE_BYTES;
        sodium_bin2base64(line, sizeof line, (const unsigned char *)data + at, chunk,
                          sodium_base64_VARIANT_ORIGINAL);
        if (fprintf(out, "%s\r\n", line) < 0)
            return false;
    }
    return true;
}

/* The subject as RFC 2047 encoded words (UTF-8, base64), folded so that no line grows long;
 * each word holds whole UTF-8 characters. */
static bool put_subject(FILE *out, const char *title)
{
    if (fputs("Subject:", out) == EOF)
        return false;
    size_t length = strlen(title);
    size_t at = 0;
    char word[sodium_base64_ENCODED_LEN(SUBJECT_WORD_BYTES, sodium_base64_VARIANT_ORIGINAL)];
    do {
        size_t chunk = length - at < SUBJECT_WORD_BYTES ? length - at : SUBJECT_WORD_BYTES;
        /* never split a character: back up to the start of one */
        while (chunk > 0 && at + chunk < length &&
               ((unsigned char)title[at + chunk] & 0xC0) == 0x80)
            chunk--;
        sodium_bin2base64(word, sizeof word, (const unsigned char *)title + at, chunk,
                          sodium_base64_VARIANT_ORIGINAL);
        if (fprintf(out, "%s=?UTF-8?B?%s?=", at == 0 ? " " : "\r\n ", word) < 0)
            return false;
        at += chunk;
    } while (at < length);
    return fputs("\r\n", out) != EOF;
}

/* text with &, <, >, " escaped for HTML. */
static bool put_html_escaped(FILE *out, const char *text)
{
    for (const char *c = text; *c != '\0'; c++) {
        const char *entity = *c == '&'   ? "&amp;"
                             : *c == '<' ? "&lt;"
                             : *c == '>' ? "&gt;"
                             : *c == '"' ? "&quot;"
                                         : NULL;
        if ((entity != NULL ? fputs(entity, out) : fputc(*c, out)) == EOF)
            return false;
    }
    return true;
}

static bool address_safe(const char *address)
{
    return address != NULL && address[0] != '\0' && strpbrk(address, "\r\n<>") == NULL;
}

bool mail_link(const char *origin, const char *subject_type, const char *subject_id,
               const char *role, char *out, size_t size)
{
    int n;
    if (strcmp(subject_type, "trial") == 0)
        n = snprintf(out, size, "%s/#/%s", origin,
                     strcmp(role, "institution") == 0 ? "inst/trials" : "me/trials");
    else if (strcmp(subject_type, "license") == 0)
        n = snprintf(out, size, "%s/#/licenses/%s", origin, subject_id);
    else if (strcmp(subject_type, "achievement") == 0)
        n = snprintf(out, size, "%s/#/achievements/%s", origin, subject_id);
    else if (strcmp(subject_type, "compensation") == 0)
        n = snprintf(out, size, "%s/#/admin/compensations", origin);
    else
        n = snprintf(out, size, "%s/#/notifications", origin);
    return n >= 0 && (size_t)n < size;
}

char *mail_message_build(const struct mail_notice *notice)
{
    if (!address_safe(notice->from) || !address_safe(notice->to))
        return NULL;
    bool zh = strcmp(notice->language, "zh") == 0;
    const char *open = zh ? "打开页面" : "Open the page";
    const char *footer =
        zh ? "此邮件由长三角科技成果“先用后转”共享池自动发送。可在“消息通知”页关闭邮件提醒。"
           : "Sent by the Yangtze River Delta use-first, pay-later technology pool. "
             "E-mail notices can be turned off on the Notifications page.";
    char boundary[40];
    unsigned char random[12];
    randombytes_buf(random, sizeof random);
    snprintf(boundary, sizeof boundary, "techpool-");
    sodium_bin2hex(boundary + 9, sizeof boundary - 9, random, sizeof random);
    char date[64];
    struct tm utc;
    gmtime_r(&notice->date, &utc);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &utc);

    char *text = NULL, *html = NULL, *message = NULL;
    size_t text_size = 0, html_size = 0, message_size = 0;
    FILE *t = open_memstream(&text, &text_size);
    FILE *h = open_memstream(&html, &html_size);
    FILE *m = open_memstream(&message, &message_size);
    bool ok = t != NULL && h != NULL && m != NULL;
    if (ok) {
        fprintf(t, "%s\n\n%s\n", notice->title, notice->body);
        if (notice->link != NULL)
            fprintf(t, "\n%s: %s\n", open, notice->link);
        fprintf(t, "\n--\n%s\n", footer);
        fprintf(h, "<!DOCTYPE html><html lang=\"%s\"><body><h1 style=\"font-size:1.1em\">",
                zh ? "zh-CN" : "en");
        ok = put_html_escaped(h, notice->title) && fputs("</h1><p>", h) != EOF &&
             put_html_escaped(h, notice->body) && fputs("</p>", h) != EOF;
        if (ok && notice->link != NULL)
            ok = fputs("<p><a href=\"", h) != EOF && put_html_escaped(h, notice->link) &&
                 fprintf(h, "\">%s</a></p>", open) > 0;
        ok = ok && fputs("<hr><p style=\"color:#666;font-size:0.9em\">", h) != EOF &&
             put_html_escaped(h, footer) && fputs("</p></body></html>", h) != EOF;
    }
    if (t != NULL && fclose(t) != 0)
        ok = false;
    if (h != NULL && fclose(h) != 0)
        ok = false;
    if (ok) {
        fprintf(m, "Date: %s\r\nFrom: <%s>\r\nTo: <%s>\r\n", date, notice->from, notice->to);
        fprintf(m, "Message-ID: <outbox-%lld.%s@techpool>\r\n", notice->outbox_id, boundary + 9);
        ok = put_subject(m, notice->title);
        fprintf(m,
                "MIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n"
                "Content-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n\r\n",
                boundary);
        fprintf(m,
                "--%s\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                "Content-Transfer-Encoding: base64\r\n\r\n",
                boundary);
        ok = ok && put_base64(m, text);
        fprintf(m,
                "--%s\r\nContent-Type: text/html; charset=UTF-8\r\n"
                "Content-Transfer-Encoding: base64\r\n\r\n",
                boundary);
        ok = ok && put_base64(m, html) && fprintf(m, "--%s--\r\n", boundary) > 0;
    }
    if (m != NULL && fclose(m) != 0)
        ok = false;
    free(text);
    free(html);
    if (!ok) {
        free(message);
        return NULL;
    }
    return message;
}
