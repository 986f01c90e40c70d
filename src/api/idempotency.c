/* idempotency: runs an (idem) endpoint's statement together with its Idempotency-Key claim in
 * one transaction (idempotency_begin / idempotency_finish of 0002_core.sql). */
#include "api/idempotency.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/dbcall.h"

/* "\x" + 64 hex digits + NUL: a bytea literal */
#define REQUEST_HASH_TEXT (2 + 2 * crypto_hash_sha256_BYTES + 1)

static const struct statement BEGIN_CLAIM = {
    "idempotency_begin",
    "SELECT outcome, status, body FROM idempotency_begin($1::bigint, $2::text, $3::bytea)"
};
static const struct statement FINISH_CLAIM = {
    "idempotency_finish", "SELECT idempotency_finish($1::bigint, $2::text, $3::integer, $4::text)"
};

enum claim_outcome {
    CLAIM_NONE,      /* nothing decided yet (or the attempt failed: see error) */
    CLAIM_DONE,      /* the statement ran and its reply is stored */
    CLAIM_REPLAY,    /* the key's stored reply */
    CLAIM_MISMATCH,  /* the key was used for another request */
    CLAIM_IN_FLIGHT, /* the first request with the key is still running */
    CLAIM_NOT_FOUND, /* the statement answered no object */
};

/* One run: the inputs, and what the last attempt of the transaction produced. */
struct claimed_run {
    const char *user_id;
    const char *key;
    const char *request_hash;
    const struct statement *st;
    int nparams;
    const char *const *params;
    int ok_status;

    enum claim_outcome outcome;
    int status; /* of the reply to send */
    char *body; /* owned */
    size_t body_len;
    PGresult *error; /* owned: the failed statement, mapped after the transaction */
    enum db_status error_status;
};

static void run_clear(struct claimed_run *run)
{
    run->outcome = CLAIM_NONE;
    run->status = 0;
    free(run->body);
    run->body = NULL;
    run->body_len = 0;
    PQclear(run->error);
    run->error = NULL;
    run->error_status = DB_OK;
}

/* Keeps a failed result (owned) for the reply; returns its status for db_transaction. */
static enum db_status run_fail(struct claimed_run *run, PGresult *res, enum db_status status)
{
    PQclear(run->error);
    run->error = res;
    run->error_status = status;
    return status;
}

/* Copies the reply text (status and body) into the run. */
static enum db_status run_keep_reply(struct claimed_run *run, int status, const char *body,
                                     size_t len)
{
    run->body = malloc(len + 1);
    if (run->body == NULL)
        return DB_FAILED;
    memcpy(run->body, body, len);
    run->body[len] = '\0';
    run->body_len = len;
    run->status = status;
    return DB_OK;
}

/* Runs the statement for a new claim and stores its reply under the key. */
static enum db_status run_statement(struct claimed_run *run)
{
    enum db_status status;
    PGresult *res = db_exec(run->st, run->nparams, run->params, &status);
    if (status != DB_OK)
        return run_fail(run, res, status);
    if (PQntuples(res) == 0 || PQnfields(res) == 0 || PQgetisnull(res, 0, 0)) {
        PQclear(res);
        run->outcome = CLAIM_NOT_FOUND;
        return DB_FAILED;
    }
    status = run_keep_reply(run, run->ok_status, PQgetvalue(res, 0, 0),
                            (size_t)PQgetlength(res, 0, 0));
    PQclear(res);
    if (status != DB_OK)
        return status;
    char status_text[8];
    snprintf(status_text, sizeof status_text, "%d", run->status);
    const char *params[] = { run->user_id, run->key, status_text, run->body };
    res = db_exec(&FINISH_CLAIM, 4, params, &status);
    if (status != DB_OK)
        return run_fail(run, res, status);
    bool finished = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    PQclear(res);
    if (!finished)
        return DB_FAILED;
    run->outcome = CLAIM_DONE;
    return DB_OK;
}

/* One attempt inside BEGIN ... COMMIT (db_transaction reruns it on DB_RETRY). */
static enum db_status run_attempt(void *ctx)
{
    struct claimed_run *run = ctx;
    run_clear(run);
    enum db_status status;
    const char *params[] = { run->user_id, run->key, run->request_hash };
    PGresult *res = db_exec(&BEGIN_CLAIM, 3, params, &status);
    if (status != DB_OK)
        return run_fail(run, res, status);
    if (PQntuples(res) != 1) {
        PQclear(res);
        return DB_FAILED;
    }
    const char *outcome = PQgetvalue(res, 0, 0);
    if (strcmp(outcome, "new") == 0) {
        PQclear(res);
        return run_statement(run);
    }
    if (strcmp(outcome, "replay") == 0) {
        status = run_keep_reply(run, atoi(PQgetvalue(res, 0, 1)), PQgetvalue(res, 0, 2),
                                (size_t)PQgetlength(res, 0, 2));
        run->outcome = status == DB_OK ? CLAIM_REPLAY : CLAIM_NONE;
    } else {
        run->outcome = strcmp(outcome, "mismatch") == 0 ? CLAIM_MISMATCH : CLAIM_IN_FLIGHT;
    }
    PQclear(res);
    return status;
}

/* sha256(method "\n" path "\n" body with sorted keys, compact) as a bytea literal. */
static bool request_hash(const struct request *req, char out[REQUEST_HASH_TEXT])
{
    char *canonical = NULL;
    if (req->body != NULL) {
        canonical = json_dumps(req->body, JSON_SORT_KEYS | JSON_COMPACT);
        if (canonical == NULL)
            return false;
    }
    crypto_hash_sha256_state state;
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&state);
    crypto_hash_sha256_update(&state, (const unsigned char *)req->method, strlen(req->method));
    crypto_hash_sha256_update(&state, (const unsigned char *)"\n", 1);
    crypto_hash_sha256_update(&state, (const unsigned char *)req->path, strlen(req->path));
    crypto_hash_sha256_update(&state, (const unsigned char *)"\n", 1);
    if (canonical != NULL)
        crypto_hash_sha256_update(&state, (const unsigned char *)canonical, strlen(canonical));
    crypto_hash_sha256_final(&state, digest);
    free(canonical);
    out[0] = '\\';
    out[1] = 'x';
    sodium_bin2hex(out + 2, REQUEST_HASH_TEXT - 2, digest, sizeof digest);
    return true;
}

void idempotent_db_json(const struct request *req, struct reply *rep, int ok_status,
                        const struct statement *st, int nparams, const char *const *params)
{
    if (req->idempotency_key == NULL || req->caller.user_id_text[0] == '\0') {
        api_db_json(rep, ok_status, st, nparams, params);
        return;
    }
    char hash[REQUEST_HASH_TEXT];
    if (!request_hash(req, hash)) {
        reply_error(rep, ERR_INTERNAL, "out of memory");
        return;
    }
    struct claimed_run run = {
        .user_id = req->caller.user_id_text,
        .key = req->idempotency_key,
        .request_hash = hash,
        .st = st,
        .nparams = nparams,
        .params = params,
        .ok_status = ok_status,
    };
    enum db_status status = db_transaction(run_attempt, &run);
    if (status == DB_OK && (run.outcome == CLAIM_DONE || run.outcome == CLAIM_REPLAY)) {
        reply_body_steal(rep, run.status, "application/json", run.body, run.body_len);
        run.body = NULL;
    } else if (status == DB_OK && run.outcome == CLAIM_MISMATCH) {
        reply_error(rep, ERR_IDEMPOTENCY_MISMATCH,
                    "this Idempotency-Key was used for a different request");
    } else if (status == DB_OK && run.outcome == CLAIM_IN_FLIGHT) {
        reply_error(rep, ERR_IDEMPOTENCY_IN_FLIGHT,
                    "a request with this Idempotency-Key is still in progress; retry later");
    } else if (run.outcome == CLAIM_NOT_FOUND) {
        reply_error(rep, ERR_NOT_FOUND, "no such object");
    } else {
        api_db_problem(rep, run.error != NULL ? run.error_status : status, run.error);
    }
    run_clear(&run);
}
