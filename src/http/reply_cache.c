/* reply_cache: a direct-mapped table of kept replies (see reply_cache.h). Each slot holds the
 * last reply whose key hashed to it; slots are guarded by striped locks, so readers of
 * different slots do not wait for each other. A hit copies the reply out under the lock, which
 * costs less than the socket write that follows. When the byte budget is spent, a clock hand
 * frees slots in turn until the new reply fits. */
#include "http/reply_cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 4096 /* a power of two */
#define STRIPES 64
#define MAKE_ROOM_STEPS 64

struct kept_reply {
    uint64_t hash;
    uint64_t generation;
    size_t key_len;
    size_t body_len;
    size_t bytes;             /* what this reply holds, for the budget */
    const char *content_type; /* static */
    size_t header_count;
    struct reply_header headers[REPLY_MAX_HEADERS];
    char *body;
    char key[];
};

static struct kept_reply *slots[SLOTS];
static pthread_mutex_t stripes[STRIPES] = {
    [0 ... STRIPES - 1] = PTHREAD_MUTEX_INITIALIZER,
};
static atomic_size_t kept_bytes;
static atomic_size_t kept_entries;
static atomic_size_t hand;
static atomic_ullong hits;
static atomic_ullong misses;

static uint64_t key_hash(const char *key, size_t len)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)key[i];
        h *= 1099511628211u;
    }
    return h;
}

static pthread_mutex_t *stripe_of(size_t slot)
{
    return &stripes[slot % STRIPES];
}

static void kept_free(struct kept_reply *k)
{
    if (k == NULL)
        return;
    for (size_t i = 0; i < k->header_count; i++) {
        free(k->headers[i].name);
        free(k->headers[i].value);
    }
    free(k->body);
    free(k);
}

/* Takes a slot's reply out of the table (the slot's stripe is locked). */
static struct kept_reply *slot_take(size_t slot)
{
    struct kept_reply *k = slots[slot];
    slots[slot] = NULL;
    if (k != NULL) {
        atomic_fetch_sub(&kept_bytes, k->bytes);
        atomic_fetch_sub(&kept_entries, 1);
    }
    return k;
}

static bool copy_out(const struct kept_reply *k, struct reply *rep)
{
    char *body = malloc(k->body_len + 1);
    if (body == NULL)
        return false;
    memcpy(body, k->body, k->body_len);
    body[k->body_len] = '\0';
    reply_body_steal(rep, 200, k->content_type, body, k->body_len);
    for (size_t i = 0; i < k->header_count; i++) {
        if (!reply_header_add(rep, k->headers[i].name, k->headers[i].value)) {
            reply_release(rep);
            *rep = (struct reply){ 0 };
            return false;
        }
    }
    return true;
}

bool reply_cache_get(const char *key, size_t key_len, uint64_t generation, struct reply *rep)
{
    if (generation == 0 || key_len > REPLY_CACHE_KEY_MAX)
        return false;
    uint64_t hash = key_hash(key, key_len);
    size_t slot = (size_t)(hash & (SLOTS - 1));
    bool hit = false;
    pthread_mutex_lock(stripe_of(slot));
    const struct kept_reply *k = slots[slot];
    if (k != NULL && k->hash == hash && k->generation == generation && k->key_len == key_len &&
        memcmp(k->key, key, key_len) == 0)
        hit = copy_out(k, rep);
    pthread_mutex_unlock(stripe_of(slot));
    atomic_fetch_add_explicit(hit ? &hits : &misses, 1, memory_order_relaxed);
    return hit;
}

static struct kept_reply *kept_new(const char *key, size_t key_len, uint64_t hash,
                                   uint64_t generation, const struct reply *rep)
{
    struct kept_reply *k = calloc(1, sizeof *k + key_len);
    if (k == NULL)
        return NULL;
    k->hash = hash;
    k->generation = generation;
    k->key_len = key_len;
    memcpy(k->key, key, key_len);
    k->content_type = rep->content_type;
    k->body_len = rep->body_len;
    k->bytes = sizeof *k + key_len + rep->body_len;
    k->body = malloc(rep->body_len);
    if (k->body == NULL) {
        kept_free(k);
        return NULL;
    }
    memcpy(k->body, rep->body, rep->body_len);
    for (size_t i = 0; i < rep->header_count; i++) {
        k->headers[i].name = strdup(rep->headers[i].name);
        k->headers[i].value = strdup(rep->headers[i].value);
        k->header_count++;
        if (k->headers[i].name == NULL || k->headers[i].value == NULL) {
            kept_free(k);
            return NULL;
        }
        k->bytes += strlen(rep->headers[i].name) + strlen(rep->headers[i].value) + 2;
    }
    return k;
}

/* Frees slots in turn from where the last call stopped (a clock hand) until need bytes fit
 * in the budget; replies of every generation give way alike. Looks at most at MAKE_ROOM_STEPS
 * slots, so one put never walks the whole table. */
static void make_room(size_t need)
{
    for (int step = 0;
         step < MAKE_ROOM_STEPS && atomic_load(&kept_bytes) + need > REPLY_CACHE_BYTES_MAX;
         step++) {
        size_t slot = atomic_fetch_add(&hand, 1) & (SLOTS - 1);
        pthread_mutex_lock(stripe_of(slot));
        struct kept_reply *old = slot_take(slot);
        pthread_mutex_unlock(stripe_of(slot));
        kept_free(old);
    }
}

void reply_cache_put(const char *key, size_t key_len, uint64_t generation, const struct reply *rep)
{
    if (generation == 0 || key_len > REPLY_CACHE_KEY_MAX || rep->status != 200 ||
        rep->stream != NULL || rep->body == NULL || rep->body_len > REPLY_CACHE_BODY_MAX)
        return;
    uint64_t hash = key_hash(key, key_len);
    size_t slot = (size_t)(hash & (SLOTS - 1));
    struct kept_reply *k = kept_new(key, key_len, hash, generation, rep);
    if (k == NULL)
        return;
    make_room(k->bytes);
    pthread_mutex_lock(stripe_of(slot));
    struct kept_reply *old = NULL;
    bool newer_kept = slots[slot] != NULL && slots[slot]->generation > generation;
    if (!newer_kept)
        old = slot_take(slot);
    if (!newer_kept && atomic_load(&kept_bytes) + k->bytes <= REPLY_CACHE_BYTES_MAX) {
        slots[slot] = k;
        atomic_fetch_add(&kept_bytes, k->bytes);
        atomic_fetch_add(&kept_entries, 1);
        k = NULL;
    }
    pthread_mutex_unlock(stripe_of(slot));
    kept_free(old);
    kept_free(k);
}

size_t reply_cache_entries(void)
{
    return atomic_load(&kept_entries);
}

size_t reply_cache_bytes(void)
{
    return atomic_load(&kept_bytes);
}

unsigned long long reply_cache_hits(void)
{
    return atomic_load_explicit(&hits, memory_order_relaxed);
}

unsigned long long reply_cache_misses(void)
{
    return atomic_load_explicit(&misses, memory_order_relaxed);
}

void reply_cache_clear(void)
{
    for (size_t slot = 0; slot < SLOTS; slot++) {
        pthread_mutex_lock(stripe_of(slot));
        struct kept_reply *old = slot_take(slot);
        pthread_mutex_unlock(stripe_of(slot));
        kept_free(old);
    }
}
