/* deadline: the whole-request deadline libmicrohttpd lacks. Its connection timeout closes only
 * idle connections, so a client sending a byte every few seconds kept one forever. Here request
 * headers must be complete DEADLINE_HEADERS_SECONDS after the connection was accepted or its
 * previous request answered, and a body must arrive at DEADLINE_BODY_MIN_BYTES_PER_SECOND on
 * average once DEADLINE_BODY_GRACE_SECONDS have passed; a connection that falls behind is
 * closed. Connections whose request is being answered have no deadline here. */
#ifndef TECHPOOL_DEADLINE_H
#define TECHPOOL_DEADLINE_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

#define DEADLINE_HEADERS_SECONDS 10
#define DEADLINE_BODY_GRACE_SECONDS 5
#define DEADLINE_BODY_MIN_BYTES_PER_SECOND 1024

/* Starts the thread that closes connections past their deadline; false when it could not. */
bool deadline_start(void);
/* Stops that thread; nothing when it was never started. */
void deadline_stop(void);

/* From libmicrohttpd's connection notifications: a connection was accepted (its deadline for
 * headers starts now) or closed. socket_context is the one libmicrohttpd passes. */
void deadline_connection_started(struct MHD_Connection *conn, void **socket_context);
void deadline_connection_closed(void **socket_context);

/* From the access handler: the request's headers are complete (its body's clock starts), bytes
 * of its body have arrived, its reply is being made (no deadline until it completes). */
void deadline_headers_received(struct MHD_Connection *conn);
void deadline_body_received(struct MHD_Connection *conn, size_t bytes);
void deadline_answering(struct MHD_Connection *conn);
/* The request has completed: a next request on the connection has its headers' deadline. */
void deadline_request_completed(struct MHD_Connection *conn);

/* Connections closed for missing their deadline, and connections open (for /metrics). */
unsigned long long deadline_closed_total(void);
unsigned deadline_connections_open(void);

#endif
