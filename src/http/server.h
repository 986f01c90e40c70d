/* server: the libmicrohttpd daemon — limits, dispatch, graceful shutdown. */
#ifndef TECHPOOL_SERVER_H
#define TECHPOOL_SERVER_H

#include <stdbool.h>

#include "config.h"
#include "http/hooks.h"

/* Serves until SIGTERM or SIGINT, then drains requests in flight. Returns the exit code.
 * cfg and hooks are borrowed and must outlive the daemon (static storage: a daemon that stops
 * with an export still running is left to exit with it). */
int server_run(const struct config *cfg, const struct server_hooks *hooks);

/* Requests received and not yet completed (for /metrics). */
int server_requests_in_flight(void);

#endif
