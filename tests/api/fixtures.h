/* fixtures: the people and things that API tests start from — institutions, enterprises and
 * administrators with a signed-in user each, listed achievements, trials and licenses — shared
 * by every API suite.
 *
 * Organisations, users and achievements are written straight into the test database (fast, and
 * independent of the endpoints under test); users sign in through POST /api/v1/session with
 * FIXTURE_PASSWORD. Trials
 * and licenses are made through the trial endpoints, so they carry every side effect that real
 * ones do. Every name, email and credit code is unique per process and call, so suites can make
 * as many as they need in one database. Failures abort the test with a message. */
#ifndef TECHPOOL_TEST_FIXTURES_H
#define TECHPOOL_TEST_FIXTURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libpq-fe.h>

#define FIXTURE_PASSWORD "fixture-password-2026"

struct fixture_user {
    int64_t id; /* users.id */
    char id_text[24];
    int64_t org_id;   /* the institution's or enterprise's id; 0 for administrators */
    char province[3]; /* the organisation's or the province_admin's; "" for an admin */
    char email[96];
    char token[96]; /* bearer token of a live session */
};

/* The calendar date ("YYYY-MM-DD") that rows written here take as today: pass the daemon's
 * TECHPOOL_TODAY so that both sides share one clock; NULL for the real date. */
void fixture_set_today(const char *today);

/* An institution (a university) in province with one staff user, signed in. */
struct fixture_user fixture_institution(const char *province);
/* An enterprise in province (valid credit code) with one staff user, signed in. */
struct fixture_user fixture_enterprise(const char *province);
/* Another signed-in staff user of the same organisation as staff. */
struct fixture_user fixture_colleague(const struct fixture_user *staff);
struct fixture_user fixture_province_admin(const char *province);
struct fixture_user fixture_admin(void);
/* Signs user in again (a session idles out when the daemon's clock moves on). */
void fixture_sign_in(struct fixture_user *user);
/* Restarts the daemon on another date, moves the fixtures' today with it, and signs the users
 * in again. env_today is "TECHPOOL_TODAY=YYYY-MM-DD" and must outlive the daemon (a literal):
 * the daemon's environment keeps pointing at it. */
void fixture_restart_on(const char *env_today, struct fixture_user *users, size_t count);
/* Starts the daemon on a fresh database with env_today ("TECHPOOL_TODAY=YYYY-MM-DD", a literal,
 * as for fixture_restart_on) and sets the fixtures' today to its date. */
void fixture_start_on(const char *database, const char *env_today);

/* A listed achievement of the institution, offering trials of up to trial_months. */
int64_t fixture_listed_achievement(int64_t institution_id, int trial_months, bool exclusive);

/* A listed achievement offering trials of up to 12 months and a license for a royalty of
 * royalty_bp on net sales, with no fixed fee. */
int64_t fixture_listed_royalty_achievement(int64_t institution_id, int royalty_bp);

/* A trial requested by the enterprise for planned_months; its id. */
int64_t fixture_trial_requested(const struct fixture_user *enterprise, int64_t achievement_id,
                                int planned_months);
/* The same, approved by the institution (started today). */
int64_t fixture_trial_active(const struct fixture_user *enterprise,
                             const struct fixture_user *institution, int64_t achievement_id,
                             int planned_months);
/* An active trial converted into an installments license that the institution proposes and the
 * enterprise accepts; installments is the JSON array of {"due_on","amount_fen"} and total_fen
 * their sum. Returns the license's id. */
int64_t fixture_license(const struct fixture_user *enterprise,
                        const struct fixture_user *institution, int64_t achievement_id,
                        long long total_fen, const char *installments);

/* A valid Unified Social Credit Code (both check digits right) that differs for each n. */
void fixture_credit_code(unsigned n, char out[19]);

/* One request as user (NULL: anonymous); the reply must have status and, when code is not
 * NULL, that problem code. Returns the reply (free it with http_reply_free). */
struct http_reply *fixture_expect(const struct fixture_user *user, const char *method,
                                  const char *path, const char *body, long status,
                                  const char *code);
/* The same, for a request whose reply the test does not need. */
void fixture_check(const struct fixture_user *user, const char *method, const char *path,
                   const char *body, long status, const char *code);
/* printf into one of a few rotating buffers (for paths and bodies of the next calls). */
const char *fixture_text(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* harness_sql with printf formatting (for the tests' own constants, never outside input). */
const char *fixture_sql(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* One of the cast of a suite that names its own people. */
struct fixture_person {
    const char *name; /* for messages, and the local part of its email */
    char token[48];   /* bearer token once signed in */
};

/* Signs person in with the bootstrap admin's password: for role "admin" the bootstrap admin
 * itself, else a user first added as <name>@people.test with role, province, institution_id
 * and enterprise_id (text, or NULL) and a copy of the admin's password hash. conn is the
 * suite's own connection: an unchecked setup runs before Check forks the tests, which open
 * harness_db() for themselves. */
void fixture_person(PGconn *conn, struct fixture_person *person, const char *role,
                    const char *province, const char *institution_id, const char *enterprise_id);
/* The first value of a parameterized statement on conn (a copy the caller frees; NULL without a
 * row); aborts when the statement fails. */
char *fixture_value(PGconn *conn, const char *sql, int nparams, const char *const *params);

/* tests/api/stats_fixture.sql (one institution and enterprise per province, trials in every
 * state, licenses, claims and signed-in administrators; the service date 2026-06-15), loaded on
 * a connection of its own. */
void fixture_stats_load(void);
/* The bearer token of a session of stats_fixture.sql: its name padded with '0' to 43
 * characters (one of a few rotating buffers). */
const char *fixture_stats_token(const char *name);

#endif
