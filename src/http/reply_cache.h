/* reply_cache: the replies every anonymous visitor gets alike (the pool's lists, searches and
 * details), kept by request target and the pool generation they were read at (change_feed).
 * A reply is served again only while the generation is unchanged, so a change of the pool is
 * never hidden from a reader once it has been heard or made here. Memory is bounded: a fixed
 * table of slots, each holding the latest reply that hashed to it, within a byte budget. */
#ifndef TECHPOOL_REPLY_CACHE_H
#define TECHPOOL_REPLY_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/reply.h"

#define REPLY_CACHE_KEY_MAX 512
#define REPLY_CACHE_BODY_MAX (256 * 1024)
#define REPLY_CACHE_BYTES_MAX (16 * 1024 * 1024)

/* Fills rep (status 200, body and headers copied) with the reply kept for key at generation;
 * false when there is none. generation 0 never matches. */
bool reply_cache_get(const char *key, size_t key_len, uint64_t generation, struct reply *rep);
/* Keeps a copy of rep (a 200 with a body, not streamed) for key at generation, in place of
 * what its slot held unless that is of a newer generation; other replies give way when the
 * budget is spent. Replies larger than REPLY_CACHE_BODY_MAX are not kept. */
void reply_cache_put(const char *key, size_t key_len, uint64_t generation, const struct reply *rep);
/* Replies and bytes kept now, and lookups answered and not answered so far (for /metrics). */
size_t reply_cache_entries(void);
size_t reply_cache_bytes(void);
unsigned long long reply_cache_hits(void);
unsigned long long reply_cache_misses(void);
/* Drops every reply (at shutdown, so that leak checks see a clean heap). */
void reply_cache_clear(void);

#endif
