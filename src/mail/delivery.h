/* delivery: the thread that sends the e-mail outbox (0022, 0024) through the SMTP server of
 * TECHPOOL_SMTP_URL with libcurl: it claims due rows (several daemons can share one outbox),
 * sends each notice in its user's language with a link to its page, marks it sent, or leaves it
 * for a later try with a growing wait, failed after 24 hours. */
#ifndef TECHPOOL_MAIL_DELIVERY_H
#define TECHPOOL_MAIL_DELIVERY_H

#include <stdbool.h>

/* Starts the thread when smtp_url is set (NULL or "": nothing to do, true); false when it could
 * not start. from is the sender's address, origin the public origin for links; all three must
 * outlive the thread. */
bool mail_delivery_start(const char *smtp_url, const char *from, const char *origin);
/* Stops and joins it; safe when it was never started. */
void mail_delivery_stop(void);

/* The outbox as last seen by the thread (for /metrics); all 0 without mail. */
long long mail_queued(void);
long long mail_sent_total(void);
long long mail_failed_total(void);

#endif
