/* fault_load: client threads that keep an institution paying into licenses and converting
 * trials under Idempotency-Keys (with reads between, if asked) while a test injures the daemon
 * or its database, each logging every request it sent and what came back; and the ledger that
 * proves from that log and the database that acknowledged writes are there once, nothing is
 * half done, and retries under the same keys finish the rest. Used by test_faults. */
#ifndef TECHPOOL_TEST_FAULT_LOAD_H
#define TECHPOOL_TEST_FAULT_LOAD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fixtures.h"

#define LOAD_TODAY "2026-03-01"
#define LOAD_PAYERS 3
#define LOAD_CONVERTERS 2
#define LOAD_CLIENTS (LOAD_PAYERS + LOAD_CONVERTERS)
#define LOAD_LICENSES 3
#define LOAD_REPLY_SECONDS 10.0 /* the clients' patience: a slower reply is a hang */

enum op_kind { OP_PAYMENT, OP_CONVERT, OP_READ_LICENSE, OP_LIST_TRIALS, OP_HEALTH };

/* One request as its client saw it. Payments and conversions carry a key; reads do not. */
struct op {
    enum op_kind kind;
    int64_t target;  /* the license (payment, read) or the trial (conversion) */
    char key[48];    /* Idempotency-Key, also the payment's reference; "" for reads */
    int amount_fen;  /* payments */
    long status;     /* 0: no complete reply */
    bool partial;    /* some of a reply came, then the connection ended */
    char code[32];   /* problem code of an error reply */
    char *body;      /* reply body of an acknowledged write (owned) */
    double sent;     /* harness_clock() before connecting */
    double written;  /* after the whole request was written (raw clients), else 0 */
    double answered; /* after the reply or the failure */
};

struct client {
    int index;
    bool converter;       /* converts trials (else pays into the licenses) */
    bool reads;           /* every third request is a read */
    bool stop_at_silence; /* end at the first request without a reply */
    bool raw;             /* one plain socket per request, Connection: close */
    const char *token;
    const char *prefix; /* of the keys */
    const int64_t *licenses;
    int64_t *trials; /* active trials to convert, in order */
    size_t trials_count, trials_used, trials_cap;
    int serial;
    struct op *ops;
    size_t count, cap;
    atomic_int answered; /* requests with a reply so far */
    pthread_t thread;
};

struct load {
    struct fixture_user institution;
    struct fixture_user enterprise;
    int64_t licenses[LOAD_LICENSES];
    struct client clients[LOAD_CLIENTS];
};

/* A stretch of time on harness_clock(): a fault and what it may touch. */
struct window {
    double from, to;
};

/* An institution, an enterprise and LOAD_LICENSES licenses between them, and the clients
 * (keys start with prefix, unique per database). */
void load_setup(struct load *load, const char *prefix, bool reads, bool stop_at_silence);
/* per_converter more active trials for each converting client. */
void load_add_trials(struct load *load, int per_converter);
/* Starts the clients over libcurl, or over plain sockets that tell when a request was written
 * and whether its reply was whole (a raw client ends when the daemon refuses to connect). */
void load_start(struct load *load);
void load_start_raw(struct load *load);
/* Waits for clients that end by themselves; load_stop tells them to end first. */
void load_join(struct load *load);
void load_stop(struct load *load);
void load_free(struct load *load);
/* Writes acknowledged (2xx) by the daemon since the process started. */
int load_acknowledged(void);

/* The method, path and body ("" for none) of an op: the same every time it is sent. */
const char *op_request(const struct op *op, char *path, size_t path_size, char *body,
                       size_t body_size);
/* "payment kill-2-17 (sent at 812.345, after 0.012 s)" and the like (a few rotating
 * buffers). */
const char *op_name(const struct op *op);
bool op_succeeded(const struct op *op);
/* The exchange lies inside one of the windows / touches one of them. */
bool op_within(const struct op *op, const struct window *windows, size_t count);
bool op_overlaps(const struct op *op, const struct window *windows, size_t count);
/* The request got a reply, and soon enough. */
void op_assert_timely(const struct op *op);

/* Loads the clients' log of writes into the database and checks it against the books:
 * acknowledged writes stored once as acknowledged, unacknowledged ones stored at most once and
 * exactly when their key holds a reply, licenses' books balanced, converted trials with exactly
 * one license, every payment and license audited; prints a line of counts. all_acknowledged:
 * every write must be acknowledged (after ledger_retry), and each license's paid_fen is the sum
 * of its payments in the log. */
void ledger_check(const struct load *load, bool all_acknowledged);
/* Sends every write again under its key: an acknowledged one must replay its reply byte for
 * byte; an unacknowledged one must now succeed (waiting while a dead session's claim lasts). */
void ledger_retry(struct load *load);

#endif
