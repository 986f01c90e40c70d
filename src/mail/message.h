/* message: the e-mail of one notice — RFC 5322 headers and a multipart/alternative body (plain
 * text and HTML) in UTF-8, with a link to the page the notice is about. No I/O. */
#ifndef TECHPOOL_MAIL_MESSAGE_H
#define TECHPOOL_MAIL_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct mail_notice {
    long long outbox_id;  /* for the Message-ID */
    const char *from;     /* the sender's address */
    const char *to;       /* the recipient's address */
    const char *title;    /* the subject line (UTF-8) */
    const char *body;     /* the text (UTF-8) */
    const char *language; /* "zh" or "en": the words around the text */
    const char *link;     /* the page to open, or NULL */
    time_t date;
};

/* The page of a notice about subject_type/subject_id for a user of role, under origin
 * (TECHPOOL_PUBLIC_ORIGIN), written into out; false when it does not fit. */
bool mail_link(const char *origin, const char *subject_type, const char *subject_id,
               const char *role, char *out, size_t size);

/* The whole message (CRLF line ends), malloc'd; NULL when memory ran out or an address holds a
 * line break. The caller frees it. */
char *mail_message_build(const struct mail_notice *notice);

#endif
