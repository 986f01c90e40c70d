/* session_token: makes, checks and hashes session tokens. */
#include "api/session_token.h"

#include <sodium.h>
#include <string.h>

void session_token_new(char out[SESSION_TOKEN_TEXT])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, SESSION_TOKEN_TEXT, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

bool session_token_well_formed(const char *token)
{
    if (strlen(token) != SESSION_TOKEN_TEXT - 1)
        return false;
    return strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
           SESSION_TOKEN_TEXT - 1;
}

void session_token_hash(const char *token, char out[SESSION_HASH_TEXT])
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)token, strlen(token));
    out[0] = '\\';
    out[1] = 'x';
    sodium_bin2hex(out + 2, SESSION_HASH_TEXT - 2, digest, sizeof digest);
}
