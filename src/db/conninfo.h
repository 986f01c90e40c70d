/* conninfo: a libpq connection string fit to print — every setting but the password. */
#ifndef TECHPOOL_CONNINFO_H
#define TECHPOOL_CONNINFO_H

#include <stdbool.h>
#include <stddef.h>

/* Writes conninfo (a key=value string or a postgresql:// URL) into out as key=value pairs with
 * the password (and any other secret setting) shown as ***; "(not a connection string)" when
 * libpq cannot read it. False when out is too small (out then holds what fitted). */
bool conninfo_printable(const char *conninfo, char *out, size_t size);

#endif
