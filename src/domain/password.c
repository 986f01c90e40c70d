/* password: the password policy, and argon2id hashing and verification through libsodium. */
#include "domain/password.h"

#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#include "domain/password_workers.h"

#define PASSWORD_MIN_CHARACTERS 10
#define PASSWORD_MAX_CHARACTERS 256
_Static_assert(PASSWORD_BYTES_MAX >= PASSWORD_MAX_CHARACTERS * 4, "longest password");

/* The current cost: libsodium's interactive limits for argon2id. */
#define PASSWORD_OPSLIMIT crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PASSWORD_MEMLIMIT crypto_pwhash_MEMLIMIT_INTERACTIVE

_Static_assert(PASSWORD_HASH_MAX >= crypto_pwhash_STRBYTES, "hash buffer too small");

/* Each hash or verify takes PASSWORD_MEMLIMIT (64 MiB) and a core for a tenth of a second or
 * more: at most one per core but one run at once (at least one, at most PASSWORD_CONCURRENCY_MAX),
 * so that a burst of sign-ins waits instead of taking every core and 64 MiB per thread from the
 * requests that need neither. */
#define PASSWORD_CONCURRENCY_MAX 4

_Static_assert(PASSWORD_CONCURRENCY_MAX <= PASSWORD_WORKERS_MAX, "a worker for every slot");

static sem_t argon2_slots;
static pthread_once_t argon2_slots_once = PTHREAD_ONCE_INIT;

unsigned password_concurrency(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    long slots = cores > 1 ? cores - 1 : 1;
    return (unsigned)(slots < PASSWORD_CONCURRENCY_MAX ? slots : PASSWORD_CONCURRENCY_MAX);
}

static void argon2_slots_make(void)
{
    sem_init(&argon2_slots, 0, password_concurrency());
}

static void argon2_slot_take(void)
{
    pthread_once(&argon2_slots_once, argon2_slots_make);
    while (sem_wait(&argon2_slots) != 0)
        ; /* EINTR: try again */
}

static void argon2_slot_give(void)
{
    sem_post(&argon2_slots);
}

/* Bytes of the UTF-8 character that starts at text (1 for a stray byte). */
static size_t character_bytes(const char *text)
{
    size_t bytes = 1;
    while (((unsigned char)text[bytes] & 0xC0) == 0x80)
        bytes++;
    return bytes;
}

const char *password_problem(const char *password)
{
    if (password == NULL)
        return "must be at least 10 characters";

    size_t characters = 0;
    bool only_digits = true;
    bool one_character = true;
    size_t first_bytes = password[0] != '\0' ? character_bytes(password) : 0;
    for (const char *at = password; *at != '\0'; at += character_bytes(at)) {
        characters++;
        if (*at < '0' || *at > '9')
            only_digits = false;
        if (character_bytes(at) != first_bytes || memcmp(at, password, first_bytes) != 0)
            one_character = false;
    }

    if (characters < PASSWORD_MIN_CHARACTERS)
        return "must be at least 10 characters";
    if (characters > PASSWORD_MAX_CHARACTERS)
        return "must be at most 256 characters";
    if (one_character)
        return "must not be one character repeated";
    if (only_digits)
        return "must not be only digits";
    return NULL;
}

bool password_hash(const char *password, char out[PASSWORD_HASH_MAX])
{
    if (password == NULL || sodium_init() < 0)
        return false;
    argon2_slot_take();
    enum password_work work = password_workers_hash(password, out);
    bool ok = work == PASSWORD_WORK_UNAVAILABLE
                  ? crypto_pwhash_str(out, password, strlen(password), PASSWORD_OPSLIMIT,
                                      PASSWORD_MEMLIMIT) == 0
                  : work == PASSWORD_WORK_YES;
    argon2_slot_give();
    return ok;
}

bool password_verify(const char *hash, const char *password)
{
    if (hash == NULL || password == NULL || sodium_init() < 0)
        return false;
    /* No one can have set a longer password: refused without a hash, for a known account and
     * an unknown one alike (password_burn_time comes here too), so the time tells nothing. */
    if (strlen(password) > PASSWORD_BYTES_MAX)
        return false;
    argon2_slot_take();
    enum password_work work = password_workers_verify(hash, password);
    bool ok = work == PASSWORD_WORK_UNAVAILABLE
                  ? crypto_pwhash_str_verify(hash, password, strlen(password)) == 0
                  : work == PASSWORD_WORK_YES;
    argon2_slot_give();
    return ok;
}

bool password_needs_rehash(const char *hash)
{
    /* libsodium answers 1 for other limits and -1 for another algorithm or a
     * malformed string: a fresh hash is due in every one of those cases. */
    return hash == NULL || sodium_init() < 0 ||
           crypto_pwhash_str_needs_rehash(hash, PASSWORD_OPSLIMIT, PASSWORD_MEMLIMIT) != 0;
}

/* A hash of a random password no one knows, made on first use. */
static char burn_hash[PASSWORD_HASH_MAX];
static bool burn_hash_ready;
static pthread_once_t burn_hash_once = PTHREAD_ONCE_INIT;

static void burn_hash_make(void)
{
    unsigned char secret[32];
    char secret_text[sizeof secret * 2 + 1];
    if (sodium_init() < 0)
        return;
    randombytes_buf(secret, sizeof secret);
    sodium_bin2hex(secret_text, sizeof secret_text, secret, sizeof secret);
    burn_hash_ready = password_hash(secret_text, burn_hash);
    sodium_memzero(secret, sizeof secret);
    sodium_memzero(secret_text, sizeof secret_text);
}

void password_burn_time(const char *password)
{
    const char *attempt = password != NULL ? password : "";
    char scratch[PASSWORD_HASH_MAX];
    if (pthread_once(&burn_hash_once, burn_hash_make) == 0 && burn_hash_ready)
        (void)password_verify(burn_hash, attempt);
    else
        /* Without the stored hash, hashing costs the same time as verifying. */
        (void)password_hash(attempt, scratch);
}
