/* client: what a handler may learn about the other end of its request beyond the parsed
 * request — the client's network address and the session token it presented. */
#ifndef TECHPOOL_CLIENT_H
#define TECHPOOL_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "http/request.h"

/* Room for any address text that request_client_address writes (an IPv6 address). */
#define CLIENT_ADDRESS_MAX 46

/* The client's IP address as text into out (size at least CLIENT_ADDRESS_MAX). A connection
 * from the loopback interface is a reverse proxy on this host (deploy/nginx-techpool.conf):
 * then the last address of its X-Forwarded-For header, the one the proxy itself saw, is the
 * client. Returns false when the address is unknown. */
bool request_client_address(const struct request *req, char *out, size_t size);

/* The session token the request presented: the bearer token, else the techpool_session
 * cookie; NULL when it presented none. The string lives as long as the request. */
const char *request_session_token(const struct request *req);

#endif
