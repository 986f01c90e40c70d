/* accounts: enterprise sign-up, institutions and users — bodies checked here (credit code check
 * digits, password policy, email shape); duplicates and too many accounts refused before any
 * hash; passwords hashed off the worker threads (a password job) and never sent to the
 * database; the SQL functions (0004_accounts.sql) decide who may do what and write the audit
 * events. */
#include "api/accounts.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/dbcall.h"
#include "api/listing.h"
#include "domain/credit_code.h"
#include "domain/password.h"
#include "domain/text.h"
#include "domain/vocabulary.h"
#include "http/client.h"
#include "http/deferred.h"
#include "http/fields.h"

static const char LIST_SCOPE[] = "institutions";

static const struct statement ENTERPRISE_CREATE = {
    "accounts_enterprise_create", "SELECT api_enterprise_create($1::bigint, $2::jsonb, $3::text)"
};
static const struct statement ENTERPRISE_GET = {
    "accounts_enterprise_get", "SELECT api_enterprise_get($1::bigint, $2::bigint)"
};
static const struct statement INSTITUTION_CREATE = {
    "accounts_institution_create", "SELECT api_institution_create($1::bigint, $2::jsonb, $3::text)"
};
static const struct statement INSTITUTION_GET = { "accounts_institution_get",
                                                  "SELECT api_institution_get($1::bigint)" };
static const struct statement INSTITUTIONS_LIST = {
    "accounts_institutions_list",
    "SELECT items, next_position FROM api_institutions_list($1::text, $2::integer, $3::bigint)"
};
static const struct statement ACCOUNT_ADMIT = {
    "accounts_admit", "SELECT api_account_admit($1::bigint, $2::text, $3::text, $4::text)"
};
static const struct statement USER_CREATE = {
    "accounts_user_create", "SELECT api_user_create($1::bigint, $2::jsonb, $3::text)"
};

/* name@domain in printable ASCII: one @, something on both sides, a dot inside the domain, no
 * spaces. Mail servers decide the rest; the address is stored lower-cased. */
static const char *email_problem(const char *email)
{
    for (const char *c = email; *c != '\0'; c++)
        if (*c <= ' ' || *c > '~')
            return "must be an email address in ASCII characters without spaces";
    const char *at = strchr(email, '@');
    if (at == NULL || at == email || strchr(at + 1, '@') != NULL)
        return "must be an email address: name@domain";
    const char *dot = strchr(at + 1, '.');
    if (dot == NULL || dot == at + 1 || email[strlen(email) - 1] == '.')
        return "must be an email address: name@domain";
    return NULL;
}

#define EMAIL_SPEC                                                                     \
    {                                                                                  \
        .name = "email", .type = FIELD_STRING, .required = true, .min = 3, .max = 254, \
        .check = email_problem                                                         \
    }
#define PASSWORD_SPEC                                                                      \
    {                                                                                      \
        .name = "password", .type = FIELD_STRING, .required = true, .min = 1, .max = 1024, \
        .check = password_problem                                                          \
    }
#define CONTACT_NAME_SPEC                                                                     \
    {                                                                                         \
        .name = "contact_name", .type = FIELD_STRING, .required = true, .min = 1, .max = 100, \
        .check = text_not_blank                                                               \
    }
#define PROVINCE_SPEC(REQUIRED)                                                           \
    {                                                                                     \
        .name = "province", .type = FIELD_ENUM, .required = REQUIRED, .values = PROVINCES \
    }

/* clang-format off */
static const struct field_spec ENTERPRISE_SPECS[] = {
    { .name = "name", .type = FIELD_STRING, .required = true, .min = 1, .max = 200,
      .check = text_not_blank },
    /* the length is the check's to explain: "must be 18 characters" */
    { .name = "credit_code", .type = FIELD_STRING, .required = true, .min = 1, .max = 64,
      .check = credit_code_problem },
    PROVINCE_SPEC(true),
    /* the national SME classification; whether the credit code lies in the province is the
     * database's to say (api_enterprise_create) */
    { .name = "scale", .type = FIELD_ENUM, .required = true, .values = ENTERPRISE_SCALES },
    CONTACT_NAME_SPEC,
    EMAIL_SPEC,
    PASSWORD_SPEC,
};
/* clang-format on */

/* clang-format off */
static const struct field_spec INSTITUTION_SPECS[] = {
    { .name = "name", .type = FIELD_STRING, .required = true, .min = 1, .max = 200,
      .check = text_not_blank },
    { .name = "name_en", .type = FIELD_STRING, .min = 1, .max = 300, .check = text_not_blank },
    PROVINCE_SPEC(true),
    { .name = "kind", .type = FIELD_ENUM, .required = true, .values = INSTITUTION_KINDS },
    EMAIL_SPEC,
    PASSWORD_SPEC,
    CONTACT_NAME_SPEC,
};
/* clang-format on */

/* institution_id and enterprise_id are additions to the contract: the organisation of a staff
 * member that an admin adds (staff adding a colleague may leave theirs out). */
/* clang-format off */
static const struct field_spec USER_SPECS[] = {
    EMAIL_SPEC,
    PASSWORD_SPEC,
    { .name = "role", .type = FIELD_ENUM, .required = true, .values = ROLES },
    PROVINCE_SPEC(false),
    CONTACT_NAME_SPEC,
    { .name = "institution_id", .type = FIELD_INT, .min = 1, .max = INT64_MAX },
    { .name = "enterprise_id", .type = FIELD_INT, .min = 1, .max = INT64_MAX },
};
/* clang-format on */

/* A new account waiting for its password hash, off the worker thread. */
struct account_job {
    const struct statement *st;
    char *actor;       /* all owned */
    char *stored_text; /* the body without the password */
    char *password;
};

static void account_job_free(void *arg)
{
    struct account_job *job = arg;
    if (job->password != NULL)
        sodium_memzero(job->password, strlen(job->password));
    free(job->password);
    free(job->stored_text);
    free(job->actor);
    free(job);
}

/* Hashes the password and runs the statement (actor, body without the password, hash). */
static void account_job_run(void *arg, struct reply *rep)
{
    struct account_job *job = arg;
    char hash[PASSWORD_HASH_MAX];
    if (!password_hash(job->password, hash)) {
        reply_error(rep, ERR_INTERNAL, "could not hash the password");
        return;
    }
    const char *params[] = { job->actor, job->stored_text, hash };
    api_db_json(rep, 201, job->st, 3, params);
}

/* Checks the body against specs; on the worker, refuses a taken e-mail or credit code and an
 * address making too many accounts (api_account_admit, before any hash is spent); then defers
 * the hash and st to a password job, answering 201 with what st returns. */
static void account_create(struct request *req, struct reply *rep, const struct field_spec *specs,
                           size_t count, const struct statement *st)
{
    json_t *stored = NULL;
    struct account_job *job = NULL;
    PGresult *admitted = NULL;
    if (!fields_check(req->body, specs, count, rep))
        goto cleanup;
    /* no room for the hash: refuse before spending the database on the checks */
    if (!deferred_has_room(REPLY_JOB_PASSWORD)) {
        deferred_refuse_busy(rep, REPLY_JOB_PASSWORD);
        goto cleanup;
    }
    char address[CLIENT_ADDRESS_MAX];
    if (!request_client_address(req, address, sizeof address))
        snprintf(address, sizeof address, "unknown");
    const char *admit[] = { request_actor(req), address,
                            json_string_value(json_object_get(req->body, "email")),
                            json_string_value(json_object_get(req->body, "credit_code")) };
    admitted = api_db_exec(rep, &ACCOUNT_ADMIT, 4, admit);
    if (admitted == NULL)
        goto cleanup;
    /* the password in clear stays here: not in statement logs, not in the database */
    stored = json_copy(req->body);
    job = calloc(1, sizeof *job);
    if (stored == NULL || job == NULL || json_object_del(stored, "password") != 0 ||
        (job->stored_text = json_dumps(stored, JSON_COMPACT)) == NULL ||
        (job->password = strdup(json_string_value(json_object_get(req->body, "password")))) ==
            NULL ||
        (request_actor(req) != NULL && (job->actor = strdup(request_actor(req))) == NULL)) {
        reply_error(rep, ERR_INTERNAL, "out of memory");
        goto cleanup;
    }
    job->st = st;
    reply_defer_kind(rep, REPLY_JOB_PASSWORD, account_job_run, account_job_free, job);
    job = NULL;
cleanup:
    if (job != NULL)
        account_job_free(job);
    PQclear(admitted);
    json_decref(stored);
}

void enterprise_signup(struct request *req, struct reply *rep)
{
    account_create(req, rep, ENTERPRISE_SPECS, FIELD_COUNT(ENTERPRISE_SPECS), &ENTERPRISE_CREATE);
}

void enterprise_get(struct request *req, struct reply *rep)
{
    const char *params[] = { request_actor(req), req->id_text[0] };
    api_db_json(rep, 200, &ENTERPRISE_GET, 2, params);
}

void institution_create(struct request *req, struct reply *rep)
{
    account_create(req, rep, INSTITUTION_SPECS, FIELD_COUNT(INSTITUTION_SPECS),
                   &INSTITUTION_CREATE);
}

void institution_get(struct request *req, struct reply *rep)
{
    const char *params[] = { req->id_text[0] };
    api_db_json(rep, 200, &INSTITUTION_GET, 1, params);
}

void institutions_list(struct request *req, struct reply *rep)
{
    struct list_page page;
    if (!list_page_parse(req, LIST_SCOPE, &page, rep))
        return;
    const char *province;
    if (!list_query_enum(req, "province", PROVINCES, &province, rep))
        return;
    const char *params[] = { province, page.limit,
                             page.position[0] != '\0' ? page.position : NULL };
    list_reply(rep, LIST_SCOPE, &INSTITUTIONS_LIST, 3, params);
}

void user_create(struct request *req, struct reply *rep)
{
    account_create(req, rep, USER_SPECS, FIELD_COUNT(USER_SPECS), &USER_CREATE);
}
