/* test_lifecycle: the daemon's life around its requests — draining on SIGTERM, surviving a
 * database outage, and migrations that refuse an edited file or a newer schema. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

/* Polls /metrics until at least n requests are in flight (bounded). */
static bool wait_in_flight(int n)
{
    for (int i = 0; i < 200; i++) {
        struct http_reply *r = http_get("/metrics", NULL);
        const char *gauge = r != NULL ? strstr(r->body, "\ntechpool_http_requests_in_flight ")
                                      : NULL;
        bool seen = gauge != NULL &&
                    atoi(gauge + strlen("\ntechpool_http_requests_in_flight ")) >= n;
        http_reply_free(r);
        if (seen)
            return true;
        usleep(10 * 1000);
    }
    return false;
}

/* Polls the daemon's log until a line contains needle (bounded). */
static bool wait_log_line(const char *needle)
{
    for (int i = 0; i < 200; i++) {
        if (harness_log_has(needle))
            return true;
        usleep(10 * 1000);
    }
    return false;
}

START_TEST(sigterm_finishes_the_request_in_flight_and_exits_zero)
{
    harness_start("lifecycle_drain", NULL);
    int fd = harness_connect();
    const char *head = "POST /api/v1/session HTTP/1.1\r\nHost: x\r\n"
                       "Content-Type: application/json\r\nContent-Length: 10\r\n\r\n{\"a\":";
    ck_assert_int_eq(send(fd, head, strlen(head), MSG_NOSIGNAL), (ssize_t)strlen(head));
    ck_assert_msg(wait_in_flight(2), "the daemon never saw the request"); /* it + /metrics */
    pid_t pid = harness_pid();
    kill(pid, SIGTERM);
    ck_assert_msg(wait_log_line("\"event\":\"stopping\""), "the daemon did not take SIGTERM");
    ck_assert_msg(kill(pid, 0) == 0, "the daemon exited with a request in flight");
    const char *rest = "\"bcd\"}";
    ck_assert_int_eq(send(fd, rest, strlen(rest), MSG_NOSIGNAL), (ssize_t)strlen(rest));
    char reply[4096];
    ssize_t n = recv(fd, reply, sizeof reply - 1, 0);
    ck_assert_int_gt(n, 12);
    reply[n] = '\0';
    ck_assert_msg(strncmp(reply, "HTTP/1.1 ", 9) == 0, "no HTTP reply: %s", reply);
    close(fd);
    ck_assert_int_eq(harness_stop(), 0);
}
END_TEST

START_TEST(database_outage_gives_503_and_recovers_without_restart)
{
    char dir[128];
    snprintf(dir, sizeof dir, "/tmp/techpool-outage-%d", (int)getpid());
    char cmd[1024];
    char url[512];
    snprintf(cmd, sizeof cmd, "%s/deploy/pg.sh start %s --throwaway", harness_repo_root(), dir);
    ck_assert_int_eq(harness_command(cmd, url, sizeof url), 0);
    url[strcspn(url, "\n")] = '\0';
    static char env[600];
    snprintf(env, sizeof env, "TECHPOOL_DATABASE_URL=%s", url);
    const char *extra[] = { env, NULL };
    harness_start("lifecycle_outage", extra);

    struct http_reply *r = http_get("/readyz", NULL);
    ck_assert_int_eq(r->status, 200);
    http_reply_free(r);

    char out[256];
    snprintf(cmd, sizeof cmd, "%s/deploy/pg.sh stop %s", harness_repo_root(), dir);
    ck_assert_int_eq(harness_command(cmd, out, sizeof out), 0);
    r = http_get("/readyz", NULL);
    ck_assert_int_eq(r->status, 503);
    http_reply_free(r);
    r = http_get("/healthz", NULL);
    ck_assert_int_eq(r->status, 200);
    http_reply_free(r);
    r = http_post("/api/v1/session", NULL, "{\"email\":\"a@b.cn\",\"password\":\"0123456789\"}");
    ck_assert_int_eq(r->status, 503);
    ck_assert_str_eq(problem_code(r), "unavailable");
    http_reply_free(r);

    snprintf(cmd, sizeof cmd, "%s/deploy/pg.sh start %s --throwaway", harness_repo_root(), dir);
    ck_assert_int_eq(harness_command(cmd, out, sizeof out), 0);
    r = http_get("/readyz", NULL);
    ck_assert_int_eq(r->status, 200);
    http_reply_free(r);
    ck_assert_int_eq(harness_stop(), 0);
    snprintf(cmd, sizeof cmd, "%s/deploy/pg.sh stop %s; rm -rf %s", harness_repo_root(), dir, dir);
    ck_assert_int_eq(harness_command(cmd, out, sizeof out), 0);
}
END_TEST

/* Runs `techpool migrate` on the harness database with a migrations directory. */
static int migrate_with(const char *dir, char *out, size_t out_size)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "TECHPOOL_DATABASE_URL='%s' TECHPOOL_MIGRATIONS_DIR='%s' %s migrate 2>&1",
             harness_conninfo(), dir, harness_daemon_bin());
    return harness_command(cmd, out, out_size);
}

START_TEST(migrate_refuses_an_edited_migration)
{
    harness_start("lifecycle_tamper", NULL);
    ck_assert_int_eq(harness_stop(), 0);
    char dir[128];
    snprintf(dir, sizeof dir, "/tmp/techpool-migrations-%d", (int)getpid());
    char cmd[1024];
    char out[4096];
    snprintf(cmd, sizeof cmd,
             "rm -rf %1$s && cp -r %2$s/sql/migrations %1$s && "
             "echo '-- edited' >> %1$s/0001_schema.sql",
             dir, harness_repo_root());
    ck_assert_int_eq(system(cmd), 0);
    ck_assert_int_eq(migrate_with(dir, out, sizeof out), 1);
    ck_assert_msg(strstr(out, "0001_schema.sql was edited after it was applied") != NULL,
                  "unexpected message: %s", out);
    snprintf(cmd, sizeof cmd, "%s/sql/migrations", harness_repo_root());
    ck_assert_int_eq(migrate_with(cmd, out, sizeof out), 0);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(serve_and_migrate_refuse_a_newer_schema)
{
    harness_start("lifecycle_newer", NULL);
    ck_assert_int_eq(harness_stop(), 0);
    harness_sql("INSERT INTO schema_migrations (version, name, checksum) "
                "VALUES (9999, '9999_future.sql', 'x')");
    char dir[512];
    char out[4096];
    snprintf(dir, sizeof dir, "%s/sql/migrations", harness_repo_root());
    ck_assert_int_eq(migrate_with(dir, out, sizeof out), 1);
    ck_assert_msg(strstr(out, "newer than this build") != NULL, "unexpected message: %s", out);
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "TECHPOOL_DATABASE_URL='%s' TECHPOOL_MIGRATIONS_DIR='%s' TECHPOOL_LISTEN=127.0.0.1:1 "
             "%s serve 2>&1",
             harness_conninfo(), dir, harness_daemon_bin());
    ck_assert_int_eq(harness_command(cmd, out, sizeof out), 1);
    ck_assert_msg(strstr(out, "newer than this build") != NULL, "serve said: %s", out);
    harness_sql("DELETE FROM schema_migrations WHERE version = 9999");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lifecycle");
    TCase *tc = tcase_create("lifecycle");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, sigterm_finishes_the_request_in_flight_and_exits_zero);
    tcase_add_test(tc, database_outage_gives_503_and_recovers_without_restart);
    tcase_add_test(tc, migrate_refuses_an_edited_migration);
    tcase_add_test(tc, serve_and_migrate_refuse_a_newer_schema);
    suite_add_tcase(s, tc);
    return harness_run_suite(s);
}
