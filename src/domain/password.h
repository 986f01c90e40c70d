/* password: the password policy and argon2id hashing. */
#ifndef TECHPOOL_PASSWORD_H
#define TECHPOOL_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#define PASSWORD_HASH_MAX 128
/* The policy's longest password: 256 characters of up to 4 bytes each. */
#define PASSWORD_BYTES_MAX (256 * 4)

/* NULL when password satisfies the policy (10..256 characters, not all one character,
 * not only digits), else a static message. */
const char *password_problem(const char *password);
/* argon2id at least the interactive limits; out gets the encoded string. */
bool password_hash(const char *password, char out[PASSWORD_HASH_MAX]);
/* Constant-time check of password against an encoded hash. */
bool password_verify(const char *hash, const char *password);
/* True when the hash was made with weaker limits than the current ones. */
bool password_needs_rehash(const char *hash);
/* Spends the same time as a verify, for unknown accounts. */
void password_burn_time(const char *password);
/* How many hashes and checks run at once (one fewer than the cores, 1..4); the rest wait. */
unsigned password_concurrency(void);

#endif
