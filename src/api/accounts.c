/* accounts: enterprise sign-up, institutions and users — bodies checked here (credit code check
 * digits, password policy, email shape); duplicates and too many accounts refused before any
 * hash; passwords hashed off the worker threads (a password job) and never sent to the
 * database; the SQL functions (0004_accounts.sql, with typed parameters since 0050) decide
 * who may do what and write the audit events. */
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
    "accounts_enterprise_create",
    "SELECT api_enterprise_create($1::bigint, $2::text, $3::text, $4::province, "
    "$5::enterprise_scale, $6::text, $7::text, $8::text)"
};
static const struct statement ENTERPRISE_GET = {
    "accounts_enterprise_get", "SELECT * FROM api_enterprise_get($1::bigint, $2::bigint)"
};
static const struct statement INSTITUTION_CREATE = {
    "accounts_institution_create",
    "SELECT api_institution_create($1::bigint, $2::text, $3::text, $4::province, "
    "$5::institution_kind, $6::text, $7::text, $8::text)"
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
    "accounts_user_create",
    "SELECT api_user_create($1::bigint, $2::text, $3::user_role, $4::province, $5::text, "
    "$6::bigint, $7::bigint, $8::text)"
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

/* Every field of the three kinds of account; each kind's specs fill those it has. */
struct account_body {
    struct field_value email, password, contact_name, name, name_en, credit_code, province, scale,
        kind, role, institution_id, enterprise_id;
};
#define ACCOUNT_AT(member) FIELD_AT(struct account_body, member)

#define EMAIL_SPEC                                                                     \
    {                                                                                  \
        .name = "email", .type = FIELD_STRING, .required = true, .min = 3, .max = 254, \
        .check = email_problem, ACCOUNT_AT(email)                                      \
    }
#define PASSWORD_SPEC                                                                      \
    {                                                                                      \
        .name = "password", .type = FIELD_STRING, .required = true, .min = 1, .max = 1024, \
        .check = password_problem, ACCOUNT_AT(password)                                    \
    }
#define CONTACT_NAME_SPEC                                                                     \
    {                                                                                         \
        .name = "contact_name", .type = FIELD_STRING, .required = true, .min = 1, .max = 100, \
        .check = text_not_blank, ACCOUNT_AT(contact_name)                                     \
    }
#define PROVINCE_SPEC(REQUIRED)                                                            \
    {                                                                                      \
        .name = "province", .type = FIELD_ENUM, .required = REQUIRED, .values = PROVINCES, \
        ACCOUNT_AT(province)                                                               \
    }

/* clang-format off */
static const struct field_spec ENTERPRISE_SPECS[] = {
    { .name = "name", .type = FIELD_STRING, .required = true, .min = 1, .max = 200,
      .check = text_not_blank, ACCOUNT_AT(name) },
    /* the length is the check's to explain: "must be 18 characters" */
    { .name = "credit_code", .type = FIELD_STRING, .required = true, .min = 1, .max = 64,
      .check = credit_code_problem, ACCOUNT_AT(credit_code) },
    PROVINCE_SPEC(true),
    /* the national SME classification; whether the credit code lies in the province is the
     * database's to say (api_enterprise_create) */
    { .name = "scale", .type = FIELD_ENUM, .required = true, .values = ENTERPRISE_SCALES,
      ACCOUNT_AT(scale) },
    CONTACT_NAME_SPEC,
    EMAIL_SPEC,
    PASSWORD_SPEC,
};
/* clang-format on */

/* clang-format off */
static const struct field_spec INSTITUTION_SPECS[] = {
    { .name = "name", .type = FIELD_STRING, .required = true, .min = 1, .max = 200,
      .check = text_not_blank, ACCOUNT_AT(name) },
    { .name = "name_en", .type = FIELD_STRING, .min = 1, .max = 300, .check = text_not_blank,
      ACCOUNT_AT(name_en) },
    PROVINCE_SPEC(true),
    { .name = "kind", .type = FIELD_ENUM, .required = true, .values = INSTITUTION_KINDS,
      ACCOUNT_AT(kind) },
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
    { .name = "role", .type = FIELD_ENUM, .required = true, .values = ROLES, ACCOUNT_AT(role) },
    PROVINCE_SPEC(false),
    CONTACT_NAME_SPEC,
    { .name = "institution_id", .type = FIELD_INT, .min = 1, .max = INT64_MAX,
      ACCOUNT_AT(institution_id) },
    { .name = "enterprise_id", .type = FIELD_INT, .min = 1, .max = INT64_MAX,
      ACCOUNT_AT(enterprise_id) },
};
/* clang-format on */

/* A kind of account: its fields, its statement, and the members it passes, in order, between
 * the caller ($1) and the password hash (last). */
#define ACCOUNT_FIELDS_MAX 6
struct account_kind {
    const struct field_spec *specs;
    size_t count;
    const struct statement *st;
    size_t fields[ACCOUNT_FIELDS_MAX];
    size_t field_count;
};
#define ACCOUNT_FIELD(member) offsetof(struct account_body, member)

static const struct account_kind ENTERPRISE = {
    ENTERPRISE_SPECS,
    FIELD_COUNT(ENTERPRISE_SPECS),
    &ENTERPRISE_CREATE,
    { ACCOUNT_FIELD(name), ACCOUNT_FIELD(credit_code), ACCOUNT_FIELD(province),
      ACCOUNT_FIELD(scale), ACCOUNT_FIELD(contact_name), ACCOUNT_FIELD(email) },
    6,
};
static const struct account_kind INSTITUTION = {
    INSTITUTION_SPECS,
    FIELD_COUNT(INSTITUTION_SPECS),
    &INSTITUTION_CREATE,
    { ACCOUNT_FIELD(name), ACCOUNT_FIELD(name_en), ACCOUNT_FIELD(province), ACCOUNT_FIELD(kind),
      ACCOUNT_FIELD(contact_name), ACCOUNT_FIELD(email) },
    6,
};
static const struct account_kind USER = {
    USER_SPECS,
    FIELD_COUNT(USER_SPECS),
    &USER_CREATE,
    { ACCOUNT_FIELD(email), ACCOUNT_FIELD(role), ACCOUNT_FIELD(province),
      ACCOUNT_FIELD(contact_name), ACCOUNT_FIELD(institution_id), ACCOUNT_FIELD(enterprise_id) },
    6,
};

/* A new account waiting for its password hash, off the worker thread: it outlives the
 * request, so it owns copies of what it passes. */
struct account_job {
    const struct statement *st;
    char
        *params[1 + ACCOUNT_FIELDS_MAX]; /* the caller, then the kind's fields; NULL for SQL NULL */
    size_t param_count;
    char *password;
};

static void account_job_free(void *arg)
{
    struct account_job *job = arg;
    if (job->password != NULL)
        sodium_memzero(job->password, strlen(job->password));
    free(job->password);
    for (size_t i = 0; i < job->param_count; i++)
        free(job->params[i]);
    free(job);
}

/* Hashes the password and runs the statement (the params, then the hash). */
static void account_job_run(void *arg, struct reply *rep)
{
    struct account_job *job = arg;
    char hash[PASSWORD_HASH_MAX];
    if (!password_hash(job->password, hash)) {
        reply_error(rep, ERR_INTERNAL, "could not hash the password");
        return;
    }
    const char *params[2 + ACCOUNT_FIELDS_MAX];
    for (size_t i = 0; i < job->param_count; i++)
        params[i] = job->params[i];
    params[job->param_count] = hash;
    api_db_json(rep, 201, job->st, (int)job->param_count + 1, params);
}

/* A copy of text that may be NULL; false when out of memory. */
static bool copy_text(const char *text, char **out)
{
    *out = text != NULL ? strdup(text) : NULL;
    return text == NULL || *out != NULL;
}

/* The job for kind with copies of the caller, the kind's fields and the password; NULL when out
 * of memory. */
static struct account_job *account_job_new(const struct account_kind *kind, const char *actor,
                                           const struct account_body *in)
{
    struct account_job *job = calloc(1, sizeof *job);
    if (job == NULL)
        return NULL;
    job->st = kind->st;
    job->param_count = 1 + kind->field_count;
    bool ok = copy_text(actor, &job->params[0]) && copy_text(in->password.text, &job->password);
    for (size_t i = 0; i < kind->field_count && ok; i++) {
        const struct field_value *v = (const struct field_value *)((const char *)in +
                                                                   kind->fields[i]);
        ok = copy_text(v->text, &job->params[1 + i]);
    }
    if (!ok) {
        account_job_free(job);
        return NULL;
    }
    return job;
}

/* Parses the body by kind; on the worker, refuses a taken e-mail or credit code and an
 * address making too many accounts (api_account_admit, before any hash is spent); then defers
 * the hash and the kind's statement to a password job, answering 201 with what it returns. */
static void account_create(struct request *req, struct reply *rep, const struct account_kind *kind)
{
    struct account_body in;
    memset(&in, 0, sizeof in);
    if (!fields_parse(req->body, kind->specs, kind->count, &in, rep))
        return;
    PGresult *admitted = NULL;
    /* no room for the hash: refuse before spending the database on the checks */
    if (!deferred_has_room(REPLY_JOB_PASSWORD)) {
        deferred_refuse_busy(rep, REPLY_JOB_PASSWORD);
        goto cleanup;
    }
    char address[CLIENT_ADDRESS_MAX];
    if (!request_client_address(req, address, sizeof address))
        snprintf(address, sizeof address, "unknown");
    const char *admit[] = { request_actor(req), address, in.email.text, in.credit_code.text };
    admitted = api_db_exec(rep, &ACCOUNT_ADMIT, 4, admit);
    if (admitted == NULL)
        goto cleanup;
    /* the password in clear stays here: not in statement logs, not in the database */
    struct account_job *job = account_job_new(kind, request_actor(req), &in);
    if (job == NULL) {
        reply_error(rep, ERR_INTERNAL, "out of memory");
        goto cleanup;
    }
    reply_defer_kind(rep, REPLY_JOB_PASSWORD, account_job_run, account_job_free, job);
cleanup:
    PQclear(admitted);
    fields_release(kind->specs, kind->count, &in);
}

void enterprise_signup(struct request *req, struct reply *rep)
{
    account_create(req, rep, &ENTERPRISE);
}

void enterprise_get(struct request *req, struct reply *rep)
{
    const char *params[] = { request_actor(req), req->id_text[0] };
    api_db_json(rep, 200, &ENTERPRISE_GET, 2, params);
}

void institution_create(struct request *req, struct reply *rep)
{
    account_create(req, rep, &INSTITUTION);
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
    account_create(req, rep, &USER);
}
