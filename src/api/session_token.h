/* session_token: session tokens — 32 random bytes as URL-safe base64, stored only as a hash. */
#ifndef TECHPOOL_SESSION_TOKEN_H
#define TECHPOOL_SESSION_TOKEN_H

#include <stdbool.h>

#define SESSION_TOKEN_TEXT 44 /* 43 characters + NUL */
#define SESSION_HASH_TEXT 67  /* "\x" + 64 hex + NUL: a bytea literal for SQL */

/* A new random token. */
void session_token_new(char out[SESSION_TOKEN_TEXT]);
/* True when token has the shape of one we issue. */
bool session_token_well_formed(const char *token);
/* The SHA-256 of the token as a bytea text literal. */
void session_token_hash(const char *token, char out[SESSION_HASH_TEXT]);

#endif
