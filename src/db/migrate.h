/* migrate: applies sql/migrations in order, each in its own transaction, with checksums. */
#ifndef TECHPOOL_MIGRATE_H
#define TECHPOOL_MIGRATE_H

#include <stdbool.h>
#include <libpq-fe.h>

/* Applies every pending migration in dir. Refuses (returns false, says why on stderr)
 * when an applied migration was edited, when the database has a migration this build
 * does not know (a newer schema), or when one fails. */
bool migrate_run(PGconn *conn, const char *dir);

#endif
