/* hooks: what the server asks of the layers behind it. */
#ifndef TECHPOOL_HOOKS_H
#define TECHPOOL_HOOKS_H

#include "http/request.h"

/* Who a session token belongs to. */
enum auth_result {
    AUTH_OK,          /* a signed-in user: the caller is filled */
    AUTH_UNKNOWN,     /* no one: the token was never issued, has ended, or its user is disabled */
    AUTH_UNAVAILABLE, /* cannot be told now (the database is down or failed): try again */
};

#endif
