/* cursor: keyset pagination positions sealed as opaque URL-safe text. A cursor is
 * base64url(version, position, MAC) where MAC is a 16-byte keyed BLAKE2b over
 * scope, NUL, position: a client can neither forge a position nor replay one list's
 * cursor on another. The position is not secret, only tamper-checked. */
#include "domain/cursor.h"

#include <sodium.h>
#include <stdatomic.h>
#include <string.h>

#define CURSOR_VERSION 1
#define CURSOR_MAC_BYTES 16
#define CURSOR_VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING
/* The largest sealed cursor whose text still fits CURSOR_MAX_TEXT characters. */
#define CURSOR_MAX_BINARY (CURSOR_MAX_TEXT / 4 * 3)
#define CURSOR_MAX_POSITION (CURSOR_MAX_BINARY - 1 - CURSOR_MAC_BYTES)

/* Written once at start-up before any request thread reads it; key_ready publishes it. */
static unsigned char cursor_key[CURSOR_KEY_BYTES];
static atomic_bool key_ready;

void cursor_set_key(const unsigned char key[CURSOR_KEY_BYTES])
{
    memcpy(cursor_key, key, CURSOR_KEY_BYTES);
    atomic_store_explicit(&key_ready, true, memory_order_release);
}

/* Positions are short ASCII (timestamps, ids): anything else is not ours. */
static bool position_printable(const unsigned char *position, size_t length)
{
    if (length == 0)
        return false;
    for (size_t i = 0; i < length; i++) {
        if (position[i] < 0x20 || position[i] > 0x7e)
            return false;
    }
    return true;
}

static bool cursor_mac(const char *scope, const unsigned char *position, size_t length,
                       unsigned char mac[CURSOR_MAC_BYTES])
{
    crypto_generichash_state state;
    bool ok = sodium_init() >= 0 && atomic_load_explicit(&key_ready, memory_order_acquire) &&
              crypto_generichash_init(&state, cursor_key, CURSOR_KEY_BYTES, CURSOR_MAC_BYTES) == 0
              /* strlen + 1 takes the NUL that separates scope from position */
              && crypto_generichash_update(&state, (const unsigned char *)scope,
                                           strlen(scope) + 1) == 0 &&
              crypto_generichash_update(&state, position, length) == 0 &&
              crypto_generichash_final(&state, mac, CURSOR_MAC_BYTES) == 0;
    sodium_memzero(&state, sizeof state);
    return ok;
}

bool cursor_encode(const char *scope, const char *position, char *out, size_t out_size)
{
    unsigned char sealed[CURSOR_MAX_BINARY];
    bool ok = false;
    if (scope == NULL || position == NULL || out == NULL)
        goto cleanup;
    size_t length = strlen(position);
    if (length > CURSOR_MAX_POSITION ||
        !position_printable((const unsigned char *)position, length))
        goto cleanup;
    size_t sealed_length = 1 + length + CURSOR_MAC_BYTES;
    if (out_size < sodium_base64_ENCODED_LEN(sealed_length, CURSOR_VARIANT))
        goto cleanup;

    sealed[0] = CURSOR_VERSION;
    memcpy(sealed + 1, position, length);
    if (!cursor_mac(scope, sealed + 1, length, sealed + 1 + length))
        goto cleanup;
    ok = sodium_bin2base64(out, out_size, sealed, sealed_length, CURSOR_VARIANT) != NULL;

cleanup:
    return ok;
}

bool cursor_decode(const char *scope, const char *cursor, char *position, size_t position_size)
{
    unsigned char sealed[CURSOR_MAX_BINARY];
    unsigned char expected[CURSOR_MAC_BYTES];
    size_t sealed_length = 0;
    bool ok = false;
    if (scope == NULL || cursor == NULL || position == NULL)
        goto cleanup;
    size_t text_length = strnlen(cursor, CURSOR_MAX_TEXT + 1);
    if (text_length == 0 || text_length > CURSOR_MAX_TEXT)
        goto cleanup;
    if (sodium_init() < 0 || sodium_base642bin(sealed, sizeof sealed, cursor, text_length, NULL,
                                               &sealed_length, NULL, CURSOR_VARIANT) != 0)
        goto cleanup;
    if (sealed_length < 1 + 1 + CURSOR_MAC_BYTES || sealed[0] != CURSOR_VERSION)
        goto cleanup;

    size_t length = sealed_length - 1 - CURSOR_MAC_BYTES;
    const unsigned char *found = sealed + 1;
    if (!cursor_mac(scope, found, length, expected) ||
        sodium_memcmp(expected, found + length, CURSOR_MAC_BYTES) != 0)
        goto cleanup;
    if (!position_printable(found, length) || position_size < length + 1)
        goto cleanup;

    memcpy(position, found, length);
    position[length] = '\0';
    ok = true;

cleanup:
    return ok;
}
