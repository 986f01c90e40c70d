/* test_faults: the daemon under faults while client threads keep paying and converting with
 * Idempotency-Keys — SIGKILLed again and again, its PostgreSQL stopped dead, its database
 * sessions terminated, SIGTERM with requests in flight — and proof from the clients' own log and
 * from the database that every acknowledged write is there once, nothing is half done, and the
 * unanswered requests sent again under their keys finish exactly once.
 * FAULT_ROUNDS (environment) is how often each fault strikes: a few for make check, more for a
 * soak run. */
#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fault_load.h"
#include "fixtures.h"
#include "harness.h"

#define DEFAULT_ROUNDS 3
#define TRIALS_PER_ROUND 6   /* conversions a converter can make in one round */
#define PROGRESS_ROUNDS 3000 /* 10 ms polls: how long the load may take to move on */
#define QUIET_REQUESTS 12    /* after a quiet cut: more than the daemon has threads */

static const char *const TODAY_ENV[] = { "TECHPOOL_TODAY=" LOAD_TODAY, NULL };

static int fault_rounds(void)
{
    const char *value = getenv("FAULT_ROUNDS");
    int rounds = value != NULL ? atoi(value) : 0;
    return rounds > 0 ? rounds : DEFAULT_ROUNDS;
}

static void pause_briefly(void)
{
    nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
}

/* A failed check ends the test process: take its daemon along. */
static void kill_daemon_at_exit(void)
{
    harness_kill();
}

static void start_daemon(const char *name)
{
    harness_start(name, TODAY_ENV);
    fixture_set_today(LOAD_TODAY);
    atexit(kill_daemon_at_exit);
}

/* Waits until the clients have had `more` further writes acknowledged. */
static void wait_for_acknowledged(int more)
{
    int target = load_acknowledged() + more;
    for (int i = 0; i < PROGRESS_ROUNDS && load_acknowledged() < target; i++)
        pause_briefly();
    ck_assert_msg(load_acknowledged() >= target, "the load stalled at %d acknowledged writes",
                  load_acknowledged());
}

static void assert_daemon_alive(void)
{
    int status = 0;
    pid_t pid = harness_pid();
    ck_assert_msg(pid > 0 && waitpid(pid, &status, WNOHANG) == 0, "the daemon died (status %d)",
                  status);
}

static int run_command(const char *command, char *out, size_t out_size)
{
    FILE *p = popen(command, "r");
    ck_assert_ptr_nonnull(p);
    size_t n = fread(out, 1, out_size - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ------------------------------------------------------------------------------------------ */

START_TEST(daemon_killed_again_and_again_under_payments_and_conversions_loses_nothing)
{
    start_daemon("faults_kill");
    static struct load load;
    load_setup(&load, "kill", false, true);
    int rounds = fault_rounds();
    int cut_in_flight = 0;
    for (int round = 0; round < rounds; round++) {
        load_add_trials(&load, TRIALS_PER_ROUND);
        size_t first[LOAD_CLIENTS];
        for (int k = 0; k < LOAD_CLIENTS; k++)
            first[k] = load.clients[k].count;
        load_start(&load);
        /* the kill lands after a different number of acknowledged writes each round */
        wait_for_acknowledged(4 + (round * 7) % 11);
        double killed_at = harness_clock();
        harness_kill();
        load_join(&load);
        for (int k = 0; k < LOAD_CLIENTS; k++) {
            for (size_t i = first[k]; i < load.clients[k].count; i++) {
                const struct op *op = &load.clients[k].ops[i];
                ck_assert_msg(op->status == 201 || op->status == 0, "round %d, %s: %ld %s", round,
                              op_name(op), op->status, op->code);
                ck_assert_msg(op->status != 0 || op->answered >= killed_at,
                              "round %d, %s had no reply before the kill", round, op_name(op));
                cut_in_flight += op->status == 0 && op->sent < killed_at;
            }
        }
        harness_restart(TODAY_ENV);
    }
    ck_assert_msg(cut_in_flight > 0, "no kill struck a request in flight");
    ledger_check(&load, false);
    ledger_retry(&load);
    ledger_check(&load, true);
    ck_assert_int_eq(harness_stop(), 0);
    load_free(&load);
}
END_TEST

/* ------------------------------------------------------------------------------------------ */

/* The outage test's own cluster (made and removed by the runner around the test). */
static char outage_dir[128];
static char outage_url[512];

static void outage_cluster_start(void)
{
    char command[512];
    snprintf(command, sizeof command, "%s/deploy/pg.sh start %s --throwaway", harness_repo_root(),
             outage_dir);
    ck_assert_int_eq(run_command(command, outage_url, sizeof outage_url), 0);
    outage_url[strcspn(outage_url, "\n")] = '\0';
}

static void outage_cluster_stop(void)
{
    char command[512];
    char out[256];
    snprintf(command, sizeof command, "%s/deploy/pg.sh stop %s", harness_repo_root(), outage_dir);
    ck_assert_int_eq(run_command(command, out, sizeof out), 0);
}

/* A throwaway cluster commits asynchronously, which a PostgreSQL crash punishes by losing the
 * last commits: here a commit the daemon acknowledged must survive the crash. And it listens on
 * the socket only: the clients' connections take so many local ports that the cluster's TCP
 * port may be one of them when it comes back. */
static void outage_cluster_create(void)
{
    snprintf(outage_dir, sizeof outage_dir, "/tmp/techpool-faults-%d", (int)getpid());
    outage_cluster_start();
    PGconn *admin = PQconnectdb(outage_url);
    ck_assert_msg(PQstatus(admin) == CONNECTION_OK, "%s", PQerrorMessage(admin));
    const char *settings[] = { "ALTER SYSTEM SET synchronous_commit = on",
                               "ALTER SYSTEM SET listen_addresses = ''" };
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        PGresult *res = PQexec(admin, settings[i]);
        ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK, "%s: %s", settings[i],
                      PQerrorMessage(admin));
        PQclear(res);
    }
    PQfinish(admin);
    outage_cluster_stop();
    outage_cluster_start();
}

static void outage_cluster_remove(void)
{
    char command[512];
    char out[256];
    snprintf(command, sizeof command, "%s/deploy/pg.sh stop %s; rm -rf %s", harness_repo_root(),
             outage_dir, outage_dir);
    run_command(command, out, sizeof out);
}

/* pg_ctl stop -m immediate: PostgreSQL quits at once, as if it had crashed (no checkpoint, no
 * waiting for its sessions). */
static void outage_cluster_crash(void)
{
    const char *bin = getenv("PGBIN") != NULL ? getenv("PGBIN") : "/usr/lib/postgresql/15/bin";
    char command[512];
    char out[512];
    snprintf(command, sizeof command, "%s %s/pg_ctl -D %s/data stop -m immediate 2>&1",
             geteuid() == 0 ? "runuser -u postgres --" : "", bin, outage_dir);
    ck_assert_msg(run_command(command, out, sizeof out) == 0, "pg_ctl stop: %s", out);
}

static void assert_status(const char *path, long status)
{
    struct http_reply *r = http_get(path, NULL);
    ck_assert_msg(r != NULL && r->status == status, "GET %s: expected %ld, got %ld", path, status,
                  r != NULL ? r->status : 0L);
    http_reply_free(r);
}

/* Waits until every client has had `more` further replies. */
static void wait_for_replies(const struct load *load, int more)
{
    int target[LOAD_CLIENTS];
    for (int k = 0; k < LOAD_CLIENTS; k++)
        target[k] = atomic_load(&load->clients[k].answered) + more;
    for (int k = 0; k < LOAD_CLIENTS; k++) {
        const atomic_int *answered = &load->clients[k].answered;
        for (int i = 0; i < PROGRESS_ROUNDS && atomic_load(answered) < target[k]; i++)
            pause_briefly();
        ck_assert_msg(atomic_load(answered) >= target[k], "client %d stalled", k);
    }
}

START_TEST(database_stopped_dead_gives_503_meanwhile_and_recovers_without_restart)
{
    char cluster[600];
    snprintf(cluster, sizeof cluster, "%s", outage_url);
    char *db = strstr(cluster, "dbname=techpool");
    ck_assert_ptr_nonnull(db);
    memcpy(db, "dbname=postgres", strlen("dbname=postgres"));
    setenv("TECHPOOL_TEST_PG", cluster, 1);
    start_daemon("faults_outage");
    static struct load load;
    load_setup(&load, "outage", true, false);
    load_add_trials(&load, TRIALS_PER_ROUND);
    int rounds = fault_rounds();
    struct window down[rounds]; /* from the stop's start to the restart's end */
    struct window dead[rounds]; /* from the stop's end to the restart's start */
    load_start(&load);
    for (int round = 0; round < rounds; round++) {
        wait_for_acknowledged(6);
        down[round].from = harness_clock();
        outage_cluster_crash();
        dead[round].from = harness_clock();
        assert_status("/readyz", 503);
        assert_status("/healthz", 200);
        wait_for_replies(&load, 2);
        dead[round].to = harness_clock();
        outage_cluster_start();
        down[round].to = harness_clock();
        PQreset(harness_db());
        assert_status("/readyz", 200);
        assert_daemon_alive();
    }
    wait_for_acknowledged(6);
    load_stop(&load);
    int refused = 0;
    for (int k = 0; k < LOAD_CLIENTS; k++) {
        for (size_t i = 0; i < load.clients[k].count; i++) {
            const struct op *op = &load.clients[k].ops[i];
            op_assert_timely(op);
            if (op->kind == OP_HEALTH) {
                ck_assert_msg(op->status == 200, "%s: %ld", op_name(op), op->status);
            } else if (op_within(op, dead, (size_t)rounds)) {
                ck_assert_msg(op->status == 503 && strcmp(op->code, "unavailable") == 0,
                              "%s during the outage: %ld %s", op_name(op), op->status, op->code);
                refused++;
            } else if (!op_overlaps(op, down, (size_t)rounds)) {
                ck_assert_msg(op_succeeded(op), "%s with the database up: %ld %s", op_name(op),
                              op->status, op->code);
            } else {
                ck_assert_msg(op_succeeded(op) ||
                                  (op->status == 503 && strcmp(op->code, "unavailable") == 0),
                              "%s around the outage: %ld %s", op_name(op), op->status, op->code);
            }
        }
    }
    ck_assert_int_ge(refused, rounds);
    ledger_check(&load, false);
    ck_assert_int_eq(harness_stop(), 0);
    load_free(&load);
}
END_TEST

/* ------------------------------------------------------------------------------------------ */

START_TEST(terminated_database_sessions_cost_at_most_the_requests_in_flight)
{
    start_daemon("faults_terminate");
    static struct load load;
    load_setup(&load, "terminate", true, false);
    int rounds = fault_rounds();
    load_add_trials(&load, TRIALS_PER_ROUND * (rounds + 1));
    struct window cut[rounds];
    load_start(&load);
    for (int round = 0; round < rounds; round++) {
        wait_for_acknowledged(6);
        cut[round].from = harness_clock();
        /* the timeout makes each call wait until its backend is gone */
        int terminated =
            atoi(harness_sql("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM"
                             " pg_stat_activity WHERE application_name = 'techpool'"
                             " AND datname = current_database()"));
        cut[round].to = harness_clock();
        ck_assert_msg(terminated > 0, "round %d: no daemon session to terminate", round);
        assert_daemon_alive();
    }
    wait_for_acknowledged(6);
    load_stop(&load);
    for (int k = 0; k < LOAD_CLIENTS; k++) {
        for (size_t i = 0; i < load.clients[k].count; i++) {
            const struct op *op = &load.clients[k].ops[i];
            op_assert_timely(op);
            if (op_overlaps(op, cut, (size_t)rounds))
                ck_assert_msg(op_succeeded(op) ||
                                  (op->status == 503 && strcmp(op->code, "unavailable") == 0),
                              "%s in flight at a cut: %ld %s", op_name(op), op->status, op->code);
            else
                ck_assert_msg(op_succeeded(op), "%s between cuts: %ld %s", op_name(op), op->status,
                              op->code);
        }
    }
    /* a cut with nothing in flight costs no request at all: every daemon thread notices that
     * its session is gone before it uses it */
    harness_sql("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
                " WHERE application_name = 'techpool' AND datname = current_database()");
    for (int i = 0; i < QUIET_REQUESTS; i++)
        fixture_check(&load.institution, "GET",
                      fixture_text("/api/v1/licenses/%lld", (long long)load.licenses[0]), NULL, 200,
                      NULL);
    assert_status("/readyz", 200);
    ledger_check(&load, false);
    ledger_retry(&load);
    ledger_check(&load, true);
    ck_assert_int_eq(harness_stop(), 0);
    load_free(&load);
}
END_TEST

/* ------------------------------------------------------------------------------------------ */

START_TEST(sigterm_answers_every_request_sent_before_it_in_full_and_exits_zero)
{
    start_daemon("faults_drain");
    static struct load load;
    load_setup(&load, "drain", true, false);
    int rounds = fault_rounds();
    load_add_trials(&load, TRIALS_PER_ROUND * rounds);
    int in_flight = 0;
    for (int round = 0; round < rounds; round++) {
        size_t first[LOAD_CLIENTS];
        for (int k = 0; k < LOAD_CLIENTS; k++)
            first[k] = load.clients[k].count;
        load_start_raw(&load);
        wait_for_acknowledged(8);
        double signalled_at = harness_clock();
        kill(harness_pid(), SIGTERM);
        ck_assert_int_eq(harness_stop(), 0);
        load_stop(&load);
        for (int k = 0; k < LOAD_CLIENTS; k++) {
            for (size_t i = first[k]; i < load.clients[k].count; i++) {
                const struct op *op = &load.clients[k].ops[i];
                bool sent_before = op->written > 0 && op->written < signalled_at;
                ck_assert_msg(!op->partial, "round %d, %s: the reply was cut off", round,
                              op_name(op));
                ck_assert_msg(!sent_before || op->status != 0,
                              "round %d, %s was sent before SIGTERM and got no reply", round,
                              op_name(op));
                ck_assert_msg(op->status == 0 || op_succeeded(op), "round %d, %s: %ld", round,
                              op_name(op), op->status);
                in_flight += sent_before && op->answered > signalled_at;
            }
        }
        if (round + 1 < rounds)
            harness_restart(TODAY_ENV);
    }
    ck_assert_msg(in_flight > 0, "no request was in flight at a SIGTERM");
    ledger_check(&load, false);
    load_free(&load);
}
END_TEST

/* A session on a server that takes no writes — a standby, as when a failover came between
 * connecting and writing — answers 503 with Retry-After and is dropped, so that the thread's
 * next connection finds the primary (target_session_attrs=read-write in a cluster). Here the
 * database's own default_transaction_read_only plays the standby. */
static long login_status(void)
{
    struct http_reply *r = http_post("/api/v1/session", NULL,
                                     "{\"email\":\"" HARNESS_ADMIN_EMAIL
                                     "\",\"password\":\"" HARNESS_ADMIN_PASSWORD "\"}");
    long status = r->status;
    if (status != 200) {
        ck_assert_msg(status == 503 && strcmp(problem_code(r), "unavailable") == 0,
                      "a sign-in on a read-only server: %ld %s", status, r->body);
        ck_assert_ptr_nonnull(http_header(r, "Retry-After"));
    }
    http_reply_free(r);
    return status;
}

/* ALTER DATABASE <the test database> setting: for the sessions that begin after it */
static void set_read_only(const char *setting)
{
    harness_sql(fixture_text("DO $$ BEGIN EXECUTE format('ALTER DATABASE %%I %s',"
                             " current_database()); END $$",
                             setting));
}

START_TEST(writes_on_a_read_only_server_get_503_and_the_next_connection_writes_again)
{
    start_daemon("faults_read_only");
    ck_assert_int_eq(login_status(), 200);
    set_read_only("SET default_transaction_read_only = on");
    harness_sql("SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity"
                " WHERE application_name = 'techpool' AND datname = current_database()");
    for (int i = 0; i < QUIET_REQUESTS; i++)
        ck_assert_int_eq(login_status(), 503);
    assert_status("/readyz", 200);
    set_read_only("RESET default_transaction_read_only");
    /* each thread's connection fails once more at most, then is a new one on a writable server */
    int refused = 0;
    for (int i = 0; i < 3 * QUIET_REQUESTS; i++)
        refused += login_status() == 503;
    ck_assert_int_le(refused, QUIET_REQUESTS);
    ck_assert_int_eq(login_status(), 200);
    ck_assert_int_eq(harness_stop(), 0);
}
END_TEST

int main(void)
{
    int rounds = fault_rounds();
    Suite *s = suite_create("faults");
    TCase *kill_case = tcase_create("kill");
    tcase_set_timeout(kill_case, 60 + 15 * rounds);
    tcase_add_test(kill_case,
                   daemon_killed_again_and_again_under_payments_and_conversions_loses_nothing);
    suite_add_tcase(s, kill_case);
    TCase *outage = tcase_create("outage");
    tcase_add_unchecked_fixture(outage, outage_cluster_create, outage_cluster_remove);
    tcase_set_timeout(outage, 60 + 15 * rounds);
    tcase_add_test(outage, database_stopped_dead_gives_503_meanwhile_and_recovers_without_restart);
    suite_add_tcase(s, outage);
    TCase *terminate = tcase_create("terminate");
    tcase_set_timeout(terminate, 60 + 10 * rounds);
    tcase_add_test(terminate, terminated_database_sessions_cost_at_most_the_requests_in_flight);
    suite_add_tcase(s, terminate);
    TCase *drain = tcase_create("drain");
    tcase_set_timeout(drain, 60 + 10 * rounds);
    tcase_add_test(drain, sigterm_answers_every_request_sent_before_it_in_full_and_exits_zero);
    suite_add_tcase(s, drain);
    TCase *read_only = tcase_create("read-only");
    tcase_set_timeout(read_only, 60);
    tcase_add_test(read_only,
                   writes_on_a_read_only_server_get_503_and_the_next_connection_writes_again);
    suite_add_tcase(s, read_only);
    return harness_run_suite(s);
}
