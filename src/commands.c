/* commands: serve, migrate, seed-demo and admin create — the work behind each subcommand; serve
 * also hands the server the hooks by which it reaches the api and database layers. */
#include "commands.h"

#include <libpq-fe.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "db/change_feed.h"
#include "db/conninfo.h"
#include "db/db.h"
#include "db/expiry_sweep.h"
#include "db/migrate.h"
#include "domain/cursor.h"
#include "domain/password.h"
#include "domain/password_workers.h"
#include "http/reply_cache.h"
#include "http/server.h"
#include "http/static_files.h"
#include "mail/delivery.h"

static PGconn *connect_or_explain(const struct config *cfg)
{
    PGconn *conn = PQconnectdb(cfg->database_url);
    if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
        char shown[1024];
        conninfo_printable(cfg->database_url, shown, sizeof shown);
        fprintf(stderr, "techpool: cannot connect to the database (TECHPOOL_DATABASE_URL: %s): %s",
                shown, conn != NULL ? PQerrorMessage(conn) : "out of memory\n");
        PQfinish(conn);
        return NULL;
    }
    PGresult *res = PQexec(conn, "SET client_min_messages = warning");
    PQclear(res);
    return conn;
}

static bool load_cursor_key(PGconn *conn)
{
    PGresult *res = PQexecParams(conn, "SELECT value FROM server_secrets WHERE name = 'cursor_key'",
                                 0, NULL, NULL, NULL, NULL, 1);
    bool ok = res != NULL && PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
              PQgetlength(res, 0, 0) >= CURSOR_KEY_BYTES;
    if (ok)
        cursor_set_key((const unsigned char *)PQgetvalue(res, 0, 0));
    else
        fprintf(stderr, "techpool: the database has no cursor key (server_secrets)\n");
    PQclear(res);
    return ok;
}

/* Creates an admin unless a user has that email. Returns 0 created, 1 existed, -1 error. */
static int create_admin(PGconn *conn, const char *email, const char *password)
{
    const char *problem = password_problem(password);
    if (problem != NULL) {
        fprintf(stderr, "techpool: the password %s\n", problem);
        return -1;
    }
    char hash[PASSWORD_HASH_MAX];
    if (!password_hash(password, hash)) {
        fprintf(stderr, "techpool: could not hash the password\n");
        return -1;
    }
    const char *params[] = { email, hash };
    PGresult *res = PQexecParams(conn, "SELECT admin_create($1, $2)", 2, NULL, params, NULL, NULL,
                                 0);
    int outcome = -1;
    if (res != NULL && PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
        outcome = PQgetisnull(res, 0, 0) ? 1 : 0;
    else
        fprintf(stderr, "techpool: could not create the admin: %s", PQerrorMessage(conn));
    PQclear(res);
    return outcome;
}

static bool bootstrap_admin(PGconn *conn, const char *spec)
{
    const char *colon = strchr(spec, ':');
    if (colon == NULL || colon == spec) {
        fprintf(stderr, "techpool: TECHPOOL_BOOTSTRAP_ADMIN must be email:password\n");
        return false;
    }
    char *email = strndup(spec, (size_t)(colon - spec));
    if (email == NULL)
        return false;
    int outcome = create_admin(conn, email, colon + 1);
    if (outcome == 0)
        fprintf(stderr, "{\"event\":\"bootstrap_admin_created\",\"email\":\"%s\"}\n", email);
    free(email);
    return outcome >= 0;
}

int command_migrate(const struct config *cfg)
{
    PGconn *conn = connect_or_explain(cfg);
    if (conn == NULL)
        return 1;
    bool ok = migrate_run(conn, cfg->migrations_dir);
    PQfinish(conn);
    return ok ? 0 : 1;
}

/* The gauges of the layers behind the server, after the server's own in /metrics. */
static void append_gauges(FILE *out)
{
    fprintf(out,
            "# HELP techpool_db_connections_in_use Database connections running a statement.\n"
            "# TYPE techpool_db_connections_in_use gauge\n"
            "techpool_db_connections_in_use %d\n"
            "# HELP techpool_db_connections_open Database connections open.\n"
            "# TYPE techpool_db_connections_open gauge\n"
            "techpool_db_connections_open %d\n",
            db_pool_in_use(), db_pool_open());
    fprintf(out,
            "# HELP techpool_mail_queued E-mails in the outbox waiting to be sent.\n"
            "# TYPE techpool_mail_queued gauge\n"
            "techpool_mail_queued %lld\n"
            "# HELP techpool_mail_sent E-mails sent from the outbox.\n"
            "# TYPE techpool_mail_sent gauge\n"
            "techpool_mail_sent %lld\n"
            "# HELP techpool_mail_failed E-mails given up after 24 hours of retries.\n"
            "# TYPE techpool_mail_failed gauge\n"
            "techpool_mail_failed %lld\n",
            mail_queued(), mail_sent_total(), mail_failed_total());
    fprintf(
        out,
        "# HELP techpool_password_workers Processes running argon2id for sign-ins and sign-ups.\n"
        "# TYPE techpool_password_workers gauge\n"
        "techpool_password_workers %u\n"
        "# HELP techpool_password_workers_replaced_total Password workers replaced after "
        "dying or not answering.\n"
        "# TYPE techpool_password_workers_replaced_total counter\n"
        "techpool_password_workers_replaced_total %llu\n",
        password_workers_running(), password_workers_replaced());
    fprintf(out,
            "# HELP techpool_change_feed_listening 1 while pool changes are heard.\n"
            "# TYPE techpool_change_feed_listening gauge\n"
            "techpool_change_feed_listening %d\n"
            "# HELP techpool_pool_generation Pool changes heard or made, 0 unheard.\n"
            "# TYPE techpool_pool_generation gauge\n"
            "techpool_pool_generation %llu\n",
            change_feed_listening() ? 1 : 0, (unsigned long long)change_feed_generation());
}

/* What the server asks of the api and database layers (http/hooks.h). Static: a daemon that
 * stops with an export still running is left to exit with it, its threads still reading this. */
static struct server_hooks serve_hooks;

static void serve_hooks_fill(void)
{
    serve_hooks = (struct server_hooks){
        .routes = ROUTES,
        .route_count = ROUTE_COUNT,
        .file_handlers = FILE_HANDLERS,
        .file_handler_count = FILE_HANDLER_COUNT,
        .authenticate = session_authenticate,
        .pool_generation = change_feed_generation,
        .pool_changed = change_feed_bump,
        .after_request = db_end_open_transaction,
        .metrics_append = append_gauges,
    };
}

int command_serve(const struct config *cfg)
{
    if (sodium_init() < 0)
        return 1;
    PGconn *conn = connect_or_explain(cfg);
    if (conn == NULL)
        return 1;
    bool ok = migrate_run(conn, cfg->migrations_dir) && load_cursor_key(conn) &&
              (cfg->bootstrap_admin == NULL || bootstrap_admin(conn, cfg->bootstrap_admin));
    PQfinish(conn);
    if (!ok)
        return 1;
    if (!static_load(cfg->static_dir)) {
        fprintf(stderr, "techpool: cannot read the static directory %s\n", cfg->static_dir);
        return 1;
    }
    char db_options[200];
    if (!config_db_options(cfg, db_options, sizeof db_options)) {
        fprintf(stderr, "techpool: TECHPOOL_TODAY is too long\n");
        static_unload();
        return 1;
    }
    db_configure(cfg->database_url, db_options);
    if (!change_feed_start() || !expiry_sweep_start(cfg->sweep_minutes) ||
        !mail_delivery_start(cfg->smtp_url, cfg->mail_from, cfg->public_origin)) {
        fprintf(stderr, "techpool: cannot start the change feed, expiry sweep and mail threads\n");
        expiry_sweep_stop();
        change_feed_stop();
        static_unload();
        return 1;
    }
    password_workers_start(password_concurrency());
    serve_hooks_fill();
    int code = server_run(cfg, &serve_hooks);
    password_workers_stop();
    mail_delivery_stop();
    expiry_sweep_stop();
    change_feed_stop();
    reply_cache_clear();
    static_unload();
    return code;
}

int command_admin_create(const struct config *cfg, const char *email)
{
    if (sodium_init() < 0)
        return 1;
    char password[1024];
    if (fgets(password, sizeof password, stdin) == NULL) {
        fprintf(stderr, "techpool: give the password on standard input\n");
        return 2;
    }
    password[strcspn(password, "\r\n")] = '\0';
    PGconn *conn = connect_or_explain(cfg);
    if (conn == NULL)
        return 1;
    int outcome = -1;
    if (migrate_run(conn, cfg->migrations_dir))
        outcome = create_admin(conn, email, password);
    PQfinish(conn);
    sodium_memzero(password, sizeof password);
    if (outcome == 1)
        fprintf(stderr, "techpool: a user with email %s already exists\n", email);
    else if (outcome == 0)
        printf("admin %s created\n", email);
    return outcome == 0 ? 0 : 1;
}

/* The demo accounts all share this password; it is printed by make run (demo only). */
#define DEMO_PASSWORD "techpool-demo-2026"

static char *read_text_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *text = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long size = ftell(f);
        if (size >= 0 && fseek(f, 0, SEEK_SET) == 0 && (text = malloc((size_t)size + 1)) != NULL) {
            if (fread(text, 1, (size_t)size, f) == (size_t)size) {
                text[size] = '\0';
            } else {
                free(text);
                text = NULL;
            }
        }
    }
    fclose(f);
    return text;
}

static bool exec_checked(PGconn *conn, const char *sql, int nparams, const char *const *params)
{
    PGresult *res = nparams > 0 ? PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0)
                                : PQexec(conn, sql);
    bool ok = res != NULL &&
              (PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK);
    if (!ok)
        fprintf(stderr, "techpool: seed-demo failed: %s", PQerrorMessage(conn));
    PQclear(res);
    return ok;
}

int command_seed_demo(const struct config *cfg)
{
    if (sodium_init() < 0)
        return 1;
    char path[4096];
    snprintf(path, sizeof path, "%s/../demo.sql", cfg->migrations_dir);
    char *sql = read_text_file(path);
    if (sql == NULL) {
        fprintf(stderr, "techpool: cannot read %s\n", path);
        return 1;
    }
    char hash[PASSWORD_HASH_MAX];
    PGconn *conn = connect_or_explain(cfg);
    bool ok = conn != NULL && migrate_run(conn, cfg->migrations_dir) &&
              password_hash(DEMO_PASSWORD, hash);
    if (ok) {
        const char *params[] = { hash };
        /* demo.sql reads the hash from demo_settings and does nothing when the pool has data */
        /* the demo's dates follow the service's calendar day */
        char origin[32];
        snprintf(origin, sizeof origin, "%.6f", cfg->clock_origin);
        const char *clock[] = { cfg->today != NULL ? cfg->today : "", origin };
        ok = exec_checked(conn,
                          "SELECT set_config('techpool.today', $1, false), "
                          "set_config('techpool.clock_origin', $2, false)",
                          2, clock) &&
             exec_checked(conn, "BEGIN", 0, NULL) &&
             exec_checked(conn,
                          "CREATE TEMP TABLE demo_settings (password_hash text) ON COMMIT DROP", 0,
                          NULL) &&
             exec_checked(conn, "INSERT INTO demo_settings VALUES ($1)", 1, params) &&
             exec_checked(conn, sql, 0, NULL) && exec_checked(conn, "COMMIT", 0, NULL);
    }
    free(sql);
    PQfinish(conn);
    if (ok)
        printf("demo data loaded (every demo account's password: %s)\n", DEMO_PASSWORD);
    return ok ? 0 : 1;
}
