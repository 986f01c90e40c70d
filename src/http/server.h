/* server: the libmicrohttpd daemon — limits, dispatch, graceful shutdown. */
#ifndef TECHPOOL_SERVER_H
#define TECHPOOL_SERVER_H

#include <stdbool.h>

#include "config.h"

/* Serves until SIGTERM or SIGINT, then drains requests in flight. Returns the exit code. */
int server_run(const struct config *cfg);

/* Requests received and not yet completed (for /metrics). */
int server_requests_in_flight(void);

#endif
