/* session: turns a session token into the caller (role, organisation, province); signs in
 * (password checked here, throttled per account and per client), signs out, and says who is
 * signed in. The SQL side is in 0004_accounts.sql. */
#include "api/session.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/dbcall.h"
#include "api/session_token.h"
#include "config.h"
#include "domain/password.h"
#include "http/client.h"
#include "http/deferred.h"
#include "http/fields.h"

/* The one answer to every wrong email or password, whichever it was. */
#define LOGIN_REFUSED "wrong email or password"

static const struct statement RESOLVE = {
    "session_resolve", "SELECT user_id, role, institution_id, enterprise_id, province "
                       "FROM session_resolve($1::bytea, $2::int)"
};
static const struct statement LOOKUP = {
    "session_lookup", "SELECT user_id, password_hash FROM api_session_lookup($1::text, $2::text)"
};
static const struct statement REFUSED = { "session_refused",
                                          "SELECT api_session_refused($1::text, $2::text)" };
static const struct statement START = {
    "session_start",
    "SELECT api_session_start($1::bigint, $2::text, $3::bytea, $4::text, $5::text, $6::int)"
};
static const struct statement END = { "session_end", "SELECT api_session_end($1::bytea)" };
static const struct statement ME = { "session_me", "SELECT * FROM api_me($1::bigint)" };

/* Login takes any text: the policy applies when a password is set, not when it is tried. */
/* clang-format off */
struct login_body {
    struct field_value email, password;
};
static const struct field_spec LOGIN_SPECS[] = {
    { .name = "email", .type = FIELD_STRING, .required = true, .min = 1, .max = 254,
      FIELD_AT(struct login_body, email) },
    { .name = "password", .type = FIELD_STRING, .required = true, .min = 1, .max = 1024,
      FIELD_AT(struct login_body, password) },
};
/* clang-format on */

static void idle_minutes_text(char out[16])
{
    snprintf(out, 16, "%u", techpool_config.session_idle_minutes);
}

enum auth_result session_authenticate(const char *token, struct caller *caller)
{
    if (!session_token_well_formed(token))
        return AUTH_UNKNOWN;
    char hash[SESSION_HASH_TEXT];
    session_token_hash(token, hash);
    char idle[16];
    idle_minutes_text(idle);
    const char *params[] = { hash, idle };
    enum db_status status;
    PGresult *res = db_exec_retrying(&RESOLVE, 2, params, &status);
    if (status != DB_OK) {
        if (status == DB_FAILED)
            fprintf(stderr, "{\"event\":\"database_error\",\"sqlstate\":\"%s\"}\n",
                    db_sqlstate(res));
        PQclear(res);
        return AUTH_UNAVAILABLE;
    }
    struct caller found = { 0 };
    if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0)) {
        found.user_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        found.role = role_from_name(PQgetvalue(res, 0, 1));
        found.institution_id = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
        found.enterprise_id = strtoll(PQgetvalue(res, 0, 3), NULL, 10);
        snprintf(found.province, sizeof found.province, "%s", PQgetvalue(res, 0, 4));
        snprintf(found.user_id_text, sizeof found.user_id_text, "%lld", (long long)found.user_id);
    }
    PQclear(res);
    if (found.role == 0)
        return AUTH_UNKNOWN;
    *caller = found;
    return AUTH_OK;
}

/* Sets the session cookie to token, or clears it. */
static void cookie_set(struct reply *rep, const char *token, bool clear)
{
    char cookie[SESSION_TOKEN_TEXT + 96];
    snprintf(cookie, sizeof cookie, "techpool_session=%s; HttpOnly; SameSite=Strict; Path=/%s%s",
             token, clear ? "; Max-Age=0" : "", techpool_config.secure_cookies ? "; Secure" : "");
    reply_header_add(rep, "Set-Cookie", cookie);
}

/* Counts a failed login against the account and the client, then answers 401. */
static void login_refuse(struct reply *rep, const char *email, const char *address)
{
    const char *params[] = { email, address };
    PGresult *res = api_db_exec(rep, &REFUSED, 2, params);
    if (res == NULL)
        return;
    PQclear(res);
    reply_error(rep, ERR_UNAUTHENTICATED, LOGIN_REFUSED);
}

/* A sign-in waiting for its password check, off the worker thread. */
struct sign_in {
    char *email; /* both owned, as long as the request sent them */
    char *password;
    char address[CLIENT_ADDRESS_MAX];
    char user_id[24]; /* "" when no account has the email */
    char stored_hash[PASSWORD_HASH_MAX];
};

static void sign_in_free(void *arg)
{
    struct sign_in *job = arg;
    if (job->password != NULL)
        sodium_memzero(job->password, strlen(job->password));
    free(job->password);
    free(job->email);
    sodium_memzero(job, sizeof *job);
    free(job);
}

/* Checks the password (an unknown account costs the same time as a wrong password), then
 * refuses and counts the failure, or starts the session. */
static void sign_in_run(void *arg, struct reply *rep)
{
    struct sign_in *job = arg;
    PGresult *started = NULL;
    json_t *body = NULL;
    char token[SESSION_TOKEN_TEXT] = "";
    char fresh_hash[PASSWORD_HASH_MAX] = "";
    bool known = job->user_id[0] != '\0';
    bool verified = false;
    if (known)
        verified = password_verify(job->stored_hash, job->password);
    else
        password_burn_time(job->password);
    if (!verified) {
        login_refuse(rep, job->email, job->address);
        goto cleanup;
    }
    if (password_needs_rehash(job->stored_hash) && !password_hash(job->password, fresh_hash))
        fresh_hash[0] = '\0'; /* keep the old hash; the next sign-in tries again */
    session_token_new(token);
    char token_hash[SESSION_HASH_TEXT];
    session_token_hash(token, token_hash);
    char idle[16];
    idle_minutes_text(idle);
    const char *start[] = { job->user_id,
                            job->stored_hash,
                            token_hash,
                            job->address,
                            fresh_hash[0] != '\0' ? fresh_hash : NULL,
                            idle };
    started = api_db_exec(rep, &START, 6, start);
    if (started == NULL)
        goto cleanup;
    if (PQntuples(started) != 1 || PQgetisnull(started, 0, 0)) {
        /* the account was disabled or its password changed since the lookup */
        reply_error(rep, ERR_UNAUTHENTICATED, LOGIN_REFUSED);
        goto cleanup;
    }
    body = json_loads(PQgetvalue(started, 0, 0), 0, NULL);
    if (body == NULL || json_object_set_new(body, "token", json_string(token)) != 0) {
        reply_error(rep, ERR_INTERNAL, "could not build the reply");
        goto cleanup;
    }
    reply_json(rep, 200, body);
    cookie_set(rep, token, false);
cleanup:
    sodium_memzero(token, sizeof token);
    sodium_memzero(fresh_hash, sizeof fresh_hash);
    json_decref(body);
    PQclear(started);
}

/* On the worker: the throttle and the account's lookup (cheap); the password check, which takes
 * an argon2id computation, is deferred to a job so that no worker waits behind it. */
void session_create(struct request *req, struct reply *rep)
{
    PGresult *account = NULL;
    struct sign_in *job = NULL;
    struct login_body in;
    if (!fields_parse(req->body, LOGIN_SPECS, FIELD_COUNT(LOGIN_SPECS), &in, rep))
        goto cleanup;
    /* no room for the check: refuse before spending the database on it */
    if (!deferred_has_room(REPLY_JOB_PASSWORD)) {
        deferred_refuse_busy(rep, REPLY_JOB_PASSWORD);
        goto cleanup;
    }
    job = calloc(1, sizeof *job);
    if (job != NULL) {
        job->email = strdup(in.email.text);
        job->password = strdup(in.password.text);
    }
    if (job == NULL || job->email == NULL || job->password == NULL) {
        reply_error(rep, ERR_INTERNAL, "out of memory");
        goto cleanup;
    }
    if (!request_client_address(req, job->address, sizeof job->address))
        snprintf(job->address, sizeof job->address, "unknown");

    const char *lookup[] = { job->email, job->address };
    account = api_db_exec(rep, &LOOKUP, 2, lookup);
    if (account == NULL)
        goto cleanup;
    if (PQntuples(account) == 1) {
        snprintf(job->user_id, sizeof job->user_id, "%s", PQgetvalue(account, 0, 0));
        snprintf(job->stored_hash, sizeof job->stored_hash, "%s", PQgetvalue(account, 0, 1));
    }
    reply_defer_kind(rep, REPLY_JOB_PASSWORD, sign_in_run, sign_in_free, job);
    job = NULL;
cleanup:
    if (job != NULL)
        sign_in_free(job);
    PQclear(account);
}

void session_delete(struct request *req, struct reply *rep)
{
    PGresult *res = NULL;
    const char *token = request_session_token(req);
    /* a token we never issued names no session: there is nothing to end */
    if (token != NULL && session_token_well_formed(token)) {
        char hash[SESSION_HASH_TEXT];
        session_token_hash(token, hash);
        const char *params[] = { hash };
        res = api_db_exec(rep, &END, 1, params);
        if (res == NULL)
            goto cleanup;
    }
    reply_empty(rep, 204);
    cookie_set(rep, "", true);
cleanup:
    PQclear(res);
}

void me_get(struct request *req, struct reply *rep)
{
    const char *params[] = { req->caller.user_id_text };
    api_db_json(rep, 200, &ME, 1, params);
}
