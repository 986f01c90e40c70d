/* password_workers: the daemon's argon2id runs in child processes of its own ("techpool
 * password-worker"), one per argon2 slot, so that its memory never shares the daemon's map.
 *
 * libsodium maps 64 MiB for every hash and check (MAP_POPULATE: filled inside the mmap call,
 * 40-110 ms beside other work) and unmaps it after, holding the process's memory-map lock the
 * while. In the daemon, every request thread that grew its heap meanwhile (an mprotect, inside
 * malloc with its arena locked) waited for that lock, and the threads behind that arena for
 * them: beside a sign-in flood, other users' reads took 100-500 ms. A worker's map is its own.
 *
 * A worker that dies or stops answering is replaced, and the request that met it is tried once
 * on the replacement; when no worker can be had, the caller hashes in its own process (as the
 * command line always does), so a sign-in never fails for want of one. */
#ifndef TECHPOOL_PASSWORD_WORKERS_H
#define TECHPOOL_PASSWORD_WORKERS_H

#include <stdbool.h>

#include "domain/password.h"

/* At most so many workers (password.c's argon2 slots are at most as many). */
#define PASSWORD_WORKERS_MAX 4

enum password_work {
    PASSWORD_WORK_YES,         /* hashed; or the password matches the hash */
    PASSWORD_WORK_NO,          /* could not hash; or the password does not match */
    PASSWORD_WORK_UNAVAILABLE, /* no worker did it: do it in this process */
};

/* Starts count workers (1..PASSWORD_WORKERS_MAX) running this program's executable. When not one
 * can be started, says so on standard error, and argon2id runs in the daemon. */
void password_workers_start(unsigned count);
/* Closes the workers' sockets (each exits when it reads the end) and waits for them. */
void password_workers_stop(void);

/* argon2id in a worker: out gets the encoded hash on PASSWORD_WORK_YES. */
enum password_work password_workers_hash(const char *password, char out[PASSWORD_HASH_MAX]);
/* Checks password against an encoded hash in a worker. */
enum password_work password_workers_verify(const char *hash, const char *password);

/* Workers running now, and workers replaced since the start (died or stopped answering). */
unsigned password_workers_running(void);
unsigned long long password_workers_replaced(void);

/* The worker's side (`techpool password-worker`, started by the daemon): answers requests on
 * PASSWORD_WORKER_FD until the daemon closes it; the exit status. */
#define PASSWORD_WORKER_FD 3
int password_worker_main(void);

#endif
