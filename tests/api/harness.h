/* harness: starts a real techpool daemon against a fresh database in the throwaway test
 * cluster, and speaks HTTP to it with libcurl. */
#ifndef TECHPOOL_TEST_HARNESS_H
#define TECHPOOL_TEST_HARNESS_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include <libpq-fe.h>

#define HARNESS_ADMIN_EMAIL "root@techpool.test"
#define HARNESS_ADMIN_PASSWORD "root-password-2026"

struct http_reply {
    long status;
    char *body;
    size_t body_len;
    char *headers; /* raw header block of the final response */
    json_t *json;  /* parsed body when it is JSON, else NULL */
};

/* Creates database <name> in the test cluster (dropping an old one) and starts the daemon
 * on it. extra_env: NULL-terminated "NAME=value" strings, or NULL. Aborts on failure. */
void harness_start(const char *name, const char *const *extra_env);
/* Stops the daemon with SIGTERM; returns its exit status (0 expected). */
int harness_stop(void);
/* Restarts the daemon on the same database with other extra_env. */
void harness_restart(const char *const *extra_env);
/* SIGKILLs the daemon (no cleanup), for crash tests. */
void harness_kill(void);
/* The daemon's pid, base URL ("http://127.0.0.1:PORT") and log path. */
int harness_pid(void);
const char *harness_url(void);
/* A loopback TCP port that no socket holds now (the kernel's pick), for a server a test starts. */
int harness_free_port(void);
const char *harness_log_path(void);
/* The repository root and the daemon binary under test. */
const char *harness_repo_root(void);
const char *harness_daemon_bin(void);
/* The build's own program, even where TECHPOOL_TEST_DAEMON starts it through a launcher
 * (make valgrind): what a test copies to run the daemon from a file of its own. */
const char *harness_daemon_program(void);
/* Starts the daemon from path (NULL: the build's own) on the next start or restart. */
void harness_use_daemon_bin(const char *path);
/* libpq connection string of the test database / of the cluster's postgres database. */
const char *harness_conninfo(void);
/* A direct connection to the test database (owned by the harness). */
PGconn *harness_db(void);
/* Runs SQL on the test database; aborts when it fails. Returns the first value or NULL
 * (static buffer, valid until the next call). */
const char *harness_sql(const char *sql);
/* Runs SQL text (one or more statements) on a connection of its own, closed after, so that
 * harness_db() stays unopened (forked tests open their own); aborts when it fails. */
void harness_sql_script(const char *sql);
/* Returns once the daemon has heard every pool change committed so far (it keeps anonymous
 * pool replies until it hears of a change: see src/db/change_feed.h). harness_sql and
 * harness_sql_script call it; tests that change achievements or institutions on connections
 * of their own call it before reading the pool over HTTP. */
void harness_pool_settle(void);
/* Seconds on the monotonic clock, for deadlines and for ordering events across threads. */
double harness_clock(void);
/* The Asia/Shanghai calendar day ("YYYY-MM-DD") of an RFC 3339 instant from a reply (static
 * buffer, valid until the next call); aborts when it is not one. Compare instants with the
 * service's day only through this: the UTC date of an instant is another day from 16:00 UTC. */
const char *harness_shanghai_day(const char *instant);
/* TECHPOOL_TEST_TIME (HH:MM:SS, Asia/Shanghai) or NULL: when set, a daemon given
 * TECHPOOL_TODAY=YYYY-MM-DD starts at that time of that day instead of the real time of day,
 * so that a suite can run just before or just after midnight. */
const char *harness_test_time(void);
/* Whether the daemon's log holds a line containing text (as it is, not a pattern). */
bool harness_log_has(const char *text);
/* Runs a shell command; its standard output goes into out (NUL-terminated, cut at out_size - 1).
 * Returns its exit status, or -1 when it did not exit. */
int harness_command(const char *command, char *out, size_t out_size);
/* A TCP connection to the daemon (the caller closes it); aborts when it cannot connect. */
int harness_connect(void);
/* Runs every test of suite with Check's normal output; EXIT_SUCCESS when all passed. */
int harness_run_suite(Suite *suite);

/* One HTTP exchange. token: bearer token or NULL. body: JSON text or NULL.
 * headers: NULL-terminated "Name: value" strings or NULL. */
struct http_reply *http_call(const char *method, const char *path, const char *token,
                             const char *body, const char *const *headers);
struct http_reply *http_get(const char *path, const char *token);
struct http_reply *http_post(const char *path, const char *token, const char *body);
/* GETs path with token (or NULL) and insists on 200 with a JSON body; the caller frees. */
struct http_reply *http_get_ok(const char *path, const char *token);
/* The value of an unlabelled metric of /metrics (the test fails when it is missing). */
unsigned long long http_metric(const char *name);
/* The value of a response header (case-insensitive), copied into a static buffer, or NULL. */
const char *http_header(const struct http_reply *reply, const char *name);
void http_reply_free(struct http_reply *reply);
/* Sends raw bytes over a TCP connection and returns what came back (caller frees). */
char *http_raw(const char *request, size_t len);

/* The "code" of a problem reply, or "". */
const char *problem_code(const struct http_reply *reply);

/* Signs in and returns a bearer token (caller frees), or NULL. */
char *harness_login(const char *email, const char *password);

#endif
