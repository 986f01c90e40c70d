/* harness: the throwaway daemon and HTTP client behind the API tests. The test cluster comes
 * from TECHPOOL_TEST_PG (a libpq string for its postgres database), set by tests/run-all.sh. */
#include "harness.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "domain/calendar.h"

static pid_t daemon_pid;
static int daemon_port;
static char base_url[64];
static char db_name[64];
static char conninfo[1024];
static char log_path[PATH_MAX];
static char repo_root[PATH_MAX];
static char daemon_bin[PATH_MAX];
static char daemon_program[PATH_MAX];
static PGconn *db;

static void die(const char *what)
{
    fprintf(stderr, "harness: %s\n", what);
    if (daemon_pid > 0)
        kill(daemon_pid, SIGKILL);
    exit(99);
}

static void find_paths(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        die("cannot find own executable");
    exe[n] = '\0';
    /* build/<kind>/tests/api/test_x -> build/<kind>/techpool and the repository root */
    char *cut = strstr(exe, "/build/");
    if (cut == NULL)
        die("test binary is not under build/");
    char *kind_end = strchr(cut + 7, '/');
    if (kind_end == NULL)
        die("unexpected build path");
    snprintf(daemon_program, sizeof daemon_program, "%.*s/techpool", (int)(kind_end - exe), exe);
    snprintf(daemon_bin, sizeof daemon_bin, "%s", daemon_program);
    snprintf(repo_root, sizeof repo_root, "%.*s", (int)(cut - exe), exe);
    const char *override = getenv("TECHPOOL_TEST_DAEMON");
    if (override != NULL)
        snprintf(daemon_bin, sizeof daemon_bin, "%s", override);
}

int harness_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof addr;
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
        getsockname(fd, (struct sockaddr *)&addr, &len) != 0)
        die("cannot find a free port");
    close(fd);
    return ntohs(addr.sin_port);
}

static void notice_ignore(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static void admin_sql(const char *cluster, const char *sql)
{
    PGconn *conn = PQconnectdb(cluster);
    if (PQstatus(conn) != CONNECTION_OK)
        die(PQerrorMessage(conn));
    PQsetNoticeProcessor(conn, notice_ignore, NULL);
    PGresult *res = PQexec(conn, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        fprintf(stderr, "harness: %s: %s", sql, PQerrorMessage(conn));
        die("cluster command failed");
    }
    PQclear(res);
    PQfinish(conn);
}

static bool wait_ready(void)
{
    const char *seconds = getenv("TECHPOOL_TEST_READY_SECONDS");
    int rounds = (seconds != NULL ? atoi(seconds) : 15) * 20;
    for (int i = 0; i < rounds; i++) {
        int status;
        if (waitpid(daemon_pid, &status, WNOHANG) == daemon_pid) {
            daemon_pid = 0;
            return false;
        }
        struct http_reply *r = http_get("/readyz", NULL);
        bool ready = r != NULL && r->status == 200;
        http_reply_free(r);
        if (ready)
            return true;
        struct timespec pause = { 0, 50 * 1000 * 1000 };
        nanosleep(&pause, NULL);
    }
    return false;
}

const char *harness_test_time(void)
{
    const char *time = getenv("TECHPOOL_TEST_TIME");
    return time != NULL && time[0] != '\0' ? time : NULL;
}

/* In the daemon's process: TECHPOOL_TODAY=YYYY-MM-DD moved to TECHPOOL_TEST_TIME of that day. */
static void apply_test_time(void)
{
    const char *day = getenv("TECHPOOL_TODAY");
    static char instant[64];
    if (harness_test_time() == NULL || day == NULL || strlen(day) != 10)
        return;
    snprintf(instant, sizeof instant, "%sT%s+08:00", day, harness_test_time());
    setenv("TECHPOOL_TODAY", instant, 1);
}

static void spawn_daemon(const char *const *extra_env)
{
    daemon_port = harness_free_port();
    snprintf(base_url, sizeof base_url, "http://127.0.0.1:%d", daemon_port);
    pid_t pid = fork();
    if (pid < 0)
        die("fork failed");
    if (pid == 0) {
        int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, STDERR_FILENO);
            dup2(fd, STDOUT_FILENO);
            close(fd);
        }
        char buf[PATH_MAX + 64];
        setenv("TECHPOOL_DATABASE_URL", conninfo, 1);
        snprintf(buf, sizeof buf, "127.0.0.1:%d", daemon_port);
        setenv("TECHPOOL_LISTEN", buf, 1);
        snprintf(buf, sizeof buf, "%s/static", repo_root);
        if (getenv("TECHPOOL_STATIC_DIR") == NULL)
            setenv("TECHPOOL_STATIC_DIR", buf, 1);
        snprintf(buf, sizeof buf, "%s/sql/migrations", repo_root);
        if (getenv("TECHPOOL_MIGRATIONS_DIR") == NULL)
            setenv("TECHPOOL_MIGRATIONS_DIR", buf, 1);
        setenv("TECHPOOL_BOOTSTRAP_ADMIN", HARNESS_ADMIN_EMAIL ":" HARNESS_ADMIN_PASSWORD, 1);
        if (getenv("TECHPOOL_THREADS") == NULL)
            setenv("TECHPOOL_THREADS", "4", 1);
        /* suites load trials past their end on purpose (reads must show them expired): no
         * expiry sweep unless a suite asks for one in extra_env */
        setenv("TECHPOOL_SWEEP_MINUTES", "0", 1);
        for (size_t i = 0; extra_env != NULL && extra_env[i] != NULL; i++)
            putenv((char *)extra_env[i]);
        apply_test_time();
        execl(daemon_bin, daemon_bin, "serve", (char *)NULL);
        _exit(127);
    }
    daemon_pid = pid;
    if (!wait_ready()) {
        fprintf(stderr, "harness: the daemon did not become ready; log %s\n", log_path);
        die("daemon start failed");
    }
}

void harness_start(const char *name, const char *const *extra_env)
{
    const char *cluster = getenv("TECHPOOL_TEST_PG");
    if (cluster == NULL)
        die("TECHPOOL_TEST_PG is not set (run the tests through make check)");
    find_paths();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    snprintf(db_name, sizeof db_name, "t_%s", name);
    char sql[256];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", db_name);
    admin_sql(cluster, sql);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", db_name);
    admin_sql(cluster, sql);
    snprintf(conninfo, sizeof conninfo, "%s dbname=%s", cluster, db_name);
    const char *logs = getenv("TECHPOOL_TEST_LOGS");
    snprintf(log_path, sizeof log_path, "%s/%s.log", logs != NULL ? logs : "/tmp", name);
    unlink(log_path);
    spawn_daemon(extra_env);
}

int harness_stop(void)
{
    if (daemon_pid <= 0)
        return -1;
    kill(daemon_pid, SIGTERM);
    int status = 0;
    if (waitpid(daemon_pid, &status, 0) != daemon_pid)
        status = -1;
    daemon_pid = 0;
    if (db != NULL) {
        PQfinish(db);
        db = NULL;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void harness_restart(const char *const *extra_env)
{
    if (daemon_pid > 0) {
        kill(daemon_pid, SIGTERM);
        waitpid(daemon_pid, NULL, 0);
    }
    spawn_daemon(extra_env);
}

void harness_kill(void)
{
    if (daemon_pid > 0) {
        kill(daemon_pid, SIGKILL);
        waitpid(daemon_pid, NULL, 0);
        daemon_pid = 0;
    }
}

int harness_pid(void)
{
    return daemon_pid;
}
const char *harness_url(void)
{
    return base_url;
}
const char *harness_log_path(void)
{
    return log_path;
}
const char *harness_repo_root(void)
{
    if (repo_root[0] == '\0')
        find_paths();
    return repo_root;
}

const char *harness_daemon_bin(void)
{
    if (daemon_bin[0] == '\0')
        find_paths();
    return daemon_bin;
}

const char *harness_daemon_program(void)
{
    if (daemon_program[0] == '\0')
        find_paths();
    return daemon_program;
}

void harness_use_daemon_bin(const char *path)
{
    find_paths();
    if (path != NULL)
        snprintf(daemon_bin, sizeof daemon_bin, "%s", path);
}
const char *harness_conninfo(void)
{
    return conninfo;
}

PGconn *harness_db(void)
{
    if (db == NULL || PQstatus(db) != CONNECTION_OK) {
        PQfinish(db);
        db = PQconnectdb(conninfo);
        if (PQstatus(db) != CONNECTION_OK)
            die(PQerrorMessage(db));
        PQclear(PQexec(db, "SET client_min_messages = warning"));
    }
    return db;
}

double harness_clock(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

const char *harness_shanghai_day(const char *instant)
{
    static char day[11];
    double epoch;
    if (instant == NULL || !instant_parse(instant, &epoch))
        die("not an RFC 3339 instant");
    date_format(date_in_shanghai(epoch), day);
    return day;
}

bool harness_log_has(const char *text)
{
    FILE *log = fopen(log_path, "r");
    if (log == NULL)
        return false;
    char line[8192];
    bool found = false;
    while (!found && fgets(line, sizeof line, log) != NULL)
        found = strstr(line, text) != NULL;
    fclose(log);
    return found;
}

/* The daemon's techpool_pool_generation from /metrics; 0 when it is not listening for pool
 * changes or cannot be asked (then it keeps no replies either). */
static unsigned long long pool_generation(void)
{
    if (daemon_pid <= 0 || kill(daemon_pid, 0) != 0)
        return 0;
    struct http_reply *r = http_get("/metrics", NULL);
    unsigned long long generation = 0;
    const char *line = r->status == 200 && r->body != NULL
                           ? strstr(r->body, "\ntechpool_pool_generation ")
                           : NULL;
    if (line != NULL)
        generation = strtoull(line + strlen("\ntechpool_pool_generation "), NULL, 10);
    http_reply_free(r);
    return generation;
}

void harness_pool_settle(void)
{
    unsigned long long before = pool_generation();
    if (before == 0)
        return;
    /* a connection of its own (never inside a test's transaction), one per process and test
     * database: notifications stay within their database */
    static PGconn *conn;
    static pid_t conn_pid;
    static char conn_database[sizeof db_name];
    bool sent = false;
    for (int attempt = 0; attempt < 2 && !sent; attempt++) {
        if (conn != NULL && (conn_pid != getpid() || PQstatus(conn) != CONNECTION_OK ||
                             strcmp(conn_database, db_name) != 0 || attempt > 0)) {
            /* a parent's connection (Check forks each test): its socket is closed here first,
             * so that PQfinish frees it without ending the parent's session */
            if (conn_pid != getpid())
                close(PQsocket(conn));
            PQfinish(conn);
            conn = NULL;
        }
        if (conn == NULL) {
            conn = PQconnectdb(conninfo);
            conn_pid = getpid();
            snprintf(conn_database, sizeof conn_database, "%s", db_name);
        }
        PGresult *res = PQexec(conn, "SELECT pg_notify('techpool_pool', 'settle')");
        sent = PQresultStatus(res) == PGRES_TUPLES_OK;
        PQclear(res);
    }
    if (!sent)
        return; /* the database is down: the daemon hears nothing and keeps nothing meanwhile */
    /* notifications arrive in commit order: once this one is heard, so are the changes before */
    double deadline = harness_clock() + 10;
    while (pool_generation() == before)
        if (harness_clock() > deadline)
            die("the daemon did not hear a pool change within 10 s");
}

const char *harness_sql(const char *sql)
{
    static char value[4096];
    PGresult *res = PQexec(harness_db(), sql);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        fprintf(stderr, "harness: %s: %s", sql, PQerrorMessage(harness_db()));
        PQclear(res);
        die("SQL failed");
    }
    const char *out = NULL;
    if (st == PGRES_TUPLES_OK && PQntuples(res) > 0 && !PQgetisnull(res, 0, 0)) {
        snprintf(value, sizeof value, "%s", PQgetvalue(res, 0, 0));
        out = value;
    }
    PQclear(res);
    harness_pool_settle();
    return out;
}

void harness_sql_script(const char *sql)
{
    PGconn *conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK)
        die(PQerrorMessage(conn));
    PGresult *res = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        fprintf(stderr, "harness: SQL script: %s", PQerrorMessage(conn));
        die("SQL script failed");
    }
    PQclear(res);
    PQfinish(conn);
    harness_pool_settle();
}

int harness_command(const char *command, char *out, size_t out_size)
{
    FILE *p = popen(command, "r");
    if (p == NULL)
        die("cannot run a command");
    size_t n = fread(out, 1, out_size - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int harness_connect(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = { .sin_family = AF_INET,
                                .sin_port = htons((uint16_t)daemon_port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0)
        die("cannot connect to the daemon");
    return fd;
}

int harness_run_suite(Suite *suite)
{
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

struct buffer {
    char *data;
    size_t len;
};

static size_t collect(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct buffer *b = userdata;
    size_t n = size * nmemb;
    char *grown = realloc(b->data, b->len + n + 1);
    if (grown == NULL)
        return 0;
    memcpy(grown + b->len, ptr, n);
    b->data = grown;
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

static size_t collect_header(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct buffer *b = userdata;
    /* keep only the final response's headers (after 100-continue and the like) */
    if (size * nmemb > 5 && strncmp(ptr, "HTTP/", 5) == 0)
        b->len = 0;
    return collect(ptr, size, nmemb, userdata);
}

struct http_reply *http_call(const char *method, const char *path, const char *token,
                             const char *body, const char *const *headers)
{
    CURL *curl = curl_easy_init();
    if (curl == NULL)
        return NULL;
    char url[2048];
    snprintf(url, sizeof url, "%s%s", base_url, path);
    struct buffer out = { 0 };
    struct buffer head = { 0 };
    struct curl_slist *list = NULL;
    char auth[512];
    if (token != NULL) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        list = curl_slist_append(list, auth);
    }
    bool own_type = false;
    for (size_t i = 0; headers != NULL && headers[i] != NULL; i++)
        own_type = own_type || strncasecmp(headers[i], "Content-Type:", 13) == 0;
    if (body != NULL && !own_type)
        list = curl_slist_append(list, "Content-Type: application/json");
    list = curl_slist_append(list, "Expect:");
    for (size_t i = 0; headers != NULL && headers[i] != NULL; i++)
        list = curl_slist_append(list, headers[i]);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    if (body != NULL) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collect_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &head);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    CURLcode rc = curl_easy_perform(curl);
    struct http_reply *reply = NULL;
    if (rc == CURLE_OK) {
        reply = calloc(1, sizeof *reply);
        if (reply != NULL) {
            curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply->status);
            reply->body = out.data != NULL ? out.data : strdup("");
            reply->body_len = out.len;
            reply->headers = head.data != NULL ? head.data : strdup("");
            reply->json = json_loadb(reply->body, reply->body_len, 0, NULL);
            out.data = NULL;
            head.data = NULL;
        }
    }
    free(out.data);
    free(head.data);
    curl_slist_free_all(list);
    curl_easy_cleanup(curl);
    return reply;
}

struct http_reply *http_get(const char *path, const char *token)
{
    return http_call("GET", path, token, NULL, NULL);
}

struct http_reply *http_post(const char *path, const char *token, const char *body)
{
    return http_call("POST", path, token, body, NULL);
}

struct http_reply *http_get_ok(const char *path, const char *token)
{
    struct http_reply *r = http_get(path, token);
    ck_assert_msg(r != NULL, "no reply to %s", path);
    ck_assert_msg(r->status == 200, "%s: %ld %s", path, r->status, r->body);
    ck_assert_msg(r->json != NULL, "%s: not JSON", path);
    return r;
}

unsigned long long http_metric(const char *name)
{
    struct http_reply *r = http_get("/metrics", NULL);
    ck_assert_int_eq(r->status, 200);
    char prefix[128];
    snprintf(prefix, sizeof prefix, "\n%s ", name);
    const char *line = strstr(r->body, prefix);
    ck_assert_msg(line != NULL, "/metrics has no %s", name);
    unsigned long long value = strtoull(line + strlen(prefix), NULL, 10);
    http_reply_free(r);
    return value;
}

const char *http_header(const struct http_reply *reply, const char *name)
{
    static char value[1024];
    size_t name_len = strlen(name);
    for (const char *line = reply->headers; line != NULL && *line != '\0';) {
        const char *end = strstr(line, "\r\n");
        size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
        if (len > name_len && strncasecmp(line, name, name_len) == 0 && line[name_len] == ':') {
            const char *v = line + name_len + 1;
            while (*v == ' ')
                v++;
            snprintf(value, sizeof value, "%.*s", (int)(len - (size_t)(v - line)), v);
            return value;
        }
        line = end != NULL ? end + 2 : NULL;
    }
    return NULL;
}

void http_reply_free(struct http_reply *reply)
{
    if (reply == NULL)
        return;
    free(reply->body);
    free(reply->headers);
    json_decref(reply->json);
    free(reply);
}

const char *problem_code(const struct http_reply *reply)
{
    const char *code = json_string_value(json_object_get(reply->json, "code"));
    return code != NULL ? code : "";
}

char *http_raw(const char *request, size_t len)
{
    int fd = harness_connect();
    struct timeval timeout = { .tv_sec = 10 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    size_t sent = 0;
    while (sent < len) {
        ssize_t n = send(fd, request + sent, len - sent, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        sent += (size_t)n;
    }
    shutdown(fd, SHUT_WR);
    struct buffer out = { 0 };
    char chunk[4096];
    ssize_t n;
    while ((n = recv(fd, chunk, sizeof chunk, 0)) > 0)
        collect(chunk, 1, (size_t)n, &out);
    close(fd);
    return out.data != NULL ? out.data : strdup("");
}

char *harness_login(const char *email, const char *password)
{
    json_t *body = json_pack("{s:s, s:s}", "email", email, "password", password);
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    struct http_reply *r = http_post("/api/v1/session", NULL, text);
    free(text);
    char *token = NULL;
    if (r != NULL && r->status == 200)
        token = strdup(json_string_value(json_object_get(r->json, "token")));
    else
        fprintf(stderr, "harness: login of %s failed: %ld %s\n", email, r ? r->status : 0L,
                r ? r->body : "");
    http_reply_free(r);
    return token;
}
