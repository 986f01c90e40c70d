/* migrate: applies sql/migrations/NNNN_name.sql files in order, records each with its
 * SHA-256 in schema_migrations, and refuses edited or unknown migrations. */
#include "db/migrate.h"

#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIGRATIONS_MAX 512
#define MIGRATION_LOCK "7203561100"

struct migration {
    int version;
    char name[256];
    char checksum[65];
    char *sql;
};

static int compare_versions(const void *a, const void *b)
{
    return ((const struct migration *)a)->version - ((const struct migration *)b)->version;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *data = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&data, &size);
    char buf[8192];
    size_t n;
    bool ok = out != NULL;
    while (ok && (n = fread(buf, 1, sizeof buf, f)) > 0)
        ok = fwrite(buf, 1, n, out) == n;
    ok = !ferror(f) && ok;
    fclose(f);
    if (out != NULL && fclose(out) != 0)
        ok = false;
    if (!ok) {
        free(data);
        return NULL;
    }
    return data;
}

/* Reads the migration files; returns the count or -1. */
static int load_migrations(const char *dir, struct migration *list)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "techpool: cannot read migrations directory %s\n", dir);
        return -1;
    }
    int count = 0;
    bool ok = true;
    struct dirent *entry;
    while (ok && (entry = readdir(d)) != NULL) {
        const char *name = entry->d_name;
        size_t len = strlen(name);
        if (len < 10 || strcmp(name + len - 4, ".sql") != 0 || name[4] != '_' ||
            strspn(name, "0123456789") != 4)
            continue;
        if (count >= MIGRATIONS_MAX || len >= sizeof list[0].name) {
            ok = false;
            break;
        }
        struct migration *m = &list[count];
        m->version = atoi(name);
        snprintf(m->name, sizeof m->name, "%s", name);
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        m->sql = read_file(path);
        if (m->sql == NULL) {
            fprintf(stderr, "techpool: cannot read %s\n", path);
            ok = false;
            break;
        }
        unsigned char digest[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(digest, (unsigned char *)m->sql, strlen(m->sql));
        sodium_bin2hex(m->checksum, sizeof m->checksum, digest, sizeof digest);
        count++;
    }
    closedir(d);
    qsort(list, (size_t)count, sizeof list[0], compare_versions);
    for (int i = 1; ok && i < count; i++) {
        if (list[i].version == list[i - 1].version) {
            fprintf(stderr, "techpool: two migrations share version %04d\n", list[i].version);
            ok = false;
        }
    }
    if (!ok) {
        for (int i = 0; i < count; i++)
            free(list[i].sql);
        return -1;
    }
    return count;
}

static bool exec_ok(PGconn *conn, const char *sql, const char *what)
{
    PGresult *res = PQexec(conn, sql);
    bool ok = res != NULL &&
              (PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK);
    if (!ok)
        fprintf(stderr, "techpool: %s failed: %s", what, PQerrorMessage(conn));
    PQclear(res);
    return ok;
}

static const struct migration *find(const struct migration *list, int count, int version)
{
    for (int i = 0; i < count; i++)
        if (list[i].version == version)
            return &list[i];
    return NULL;
}

/* Checks the applied migrations against the files; fills applied[] flags. */
static bool verify_applied(PGconn *conn, const struct migration *list, int count, bool *applied)
{
    PGresult *res =
        PQexec(conn, "SELECT version, name, checksum FROM schema_migrations ORDER BY version");
    if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
        fprintf(stderr, "techpool: cannot read schema_migrations: %s", PQerrorMessage(conn));
        PQclear(res);
        return false;
    }
    bool ok = true;
    int newest_known = count > 0 ? list[count - 1].version : 0;
    for (int r = 0; ok && r < PQntuples(res); r++) {
        int version = atoi(PQgetvalue(res, r, 0));
        const struct migration *m = find(list, count, version);
        if (m == NULL) {
            if (version > newest_known)
                fprintf(stderr,
                        "techpool: the database schema is newer than this build: it has "
                        "migration %s, this build knows up to %04d; run a newer techpool\n",
                        PQgetvalue(res, r, 1), newest_known);
            else
                fprintf(stderr, "techpool: applied migration %s is missing from %s\n",
                        PQgetvalue(res, r, 1), "the migrations directory");
            ok = false;
        } else if (strcmp(m->checksum, PQgetvalue(res, r, 2)) != 0) {
            fprintf(stderr,
                    "techpool: migration %s was edited after it was applied (checksum "
                    "%s, recorded %s); never edit an applied migration, add a new one\n",
                    m->name, m->checksum, PQgetvalue(res, r, 2));
            ok = false;
        } else {
            applied[m - list] = true;
        }
    }
    PQclear(res);
    return ok;
}

static bool apply_one(PGconn *conn, const struct migration *m)
{
    if (!exec_ok(conn, "BEGIN", "BEGIN"))
        return false;
    PGresult *res = PQexec(conn, m->sql);
    bool ok = res != NULL &&
              (PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK);
    if (!ok)
        fprintf(stderr, "techpool: migration %s failed: %s", m->name, PQerrorMessage(conn));
    PQclear(res);
    if (ok) {
        char version[16];
        snprintf(version, sizeof version, "%d", m->version);
        const char *params[] = { version, m->name, m->checksum };
        res = PQexecParams(conn,
                           "INSERT INTO schema_migrations (version, name, checksum) "
                           "VALUES ($1, $2, $3)",
                           3, NULL, params, NULL, NULL, 0);
        ok = res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK;
        PQclear(res);
    }
    if (ok && exec_ok(conn, "COMMIT", "COMMIT")) {
        fprintf(stderr, "{\"event\":\"migration_applied\",\"name\":\"%s\"}\n", m->name);
        return true;
    }
    exec_ok(conn, "ROLLBACK", "ROLLBACK");
    return false;
}

bool migrate_run(PGconn *conn, const char *dir)
{
    if (sodium_init() < 0)
        return false;
    struct migration *list = calloc(MIGRATIONS_MAX, sizeof *list);
    bool *applied = calloc(MIGRATIONS_MAX, sizeof *applied);
    int count = list != NULL && applied != NULL ? load_migrations(dir, list) : -1;
    bool ok = count >= 0 &&
              exec_ok(conn, "SELECT pg_advisory_lock(" MIGRATION_LOCK ")", "migration lock") &&
              exec_ok(conn, "SET client_min_messages = warning", "settings") &&
              exec_ok(conn,
                      "CREATE TABLE IF NOT EXISTS schema_migrations ("
                      " version integer PRIMARY KEY, name text NOT NULL,"
                      " checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
                      "creating schema_migrations") &&
              verify_applied(conn, list, count, applied);
    for (int i = 0; ok && i < count; i++)
        if (!applied[i])
            ok = apply_one(conn, &list[i]);
    if (count >= 0)
        exec_ok(conn, "SELECT pg_advisory_unlock(" MIGRATION_LOCK ")", "migration unlock");
    for (int i = 0; i < count; i++)
        free(list[i].sql);
    free(list);
    free(applied);
    return ok;
}
