/* conninfo: a libpq connection string fit to print — every setting but the password. */
#include "db/conninfo.h"

#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

/* Appends text to out[*used..size), keeping it NUL-terminated; false when it did not fit. */
static bool append(char *out, size_t size, size_t *used, const char *text)
{
    size_t length = strlen(text);
    if (*used + length >= size)
        return false;
    memcpy(out + *used, text, length + 1);
    *used += length;
    return true;
}

bool conninfo_printable(const char *conninfo, char *out, size_t size)
{
    size_t used = 0;
    bool ok = size > 0;
    if (ok)
        out[0] = '\0';
    PQconninfoOption *options = PQconninfoParse(conninfo != NULL ? conninfo : "", NULL);
    if (options == NULL)
        return ok && append(out, size, &used, "(not a connection string)");
    for (PQconninfoOption *o = options; ok && o->keyword != NULL; o++) {
        if (o->val == NULL || o->val[0] == '\0')
            continue;
        bool secret = strcmp(o->keyword, "password") == 0 || strchr(o->dispchar, '*') != NULL;
        ok = (used == 0 || append(out, size, &used, " ")) && append(out, size, &used, o->keyword) &&
             append(out, size, &used, "=") && append(out, size, &used, secret ? "***" : o->val);
    }
    PQconninfoFree(options);
    return ok;
}
