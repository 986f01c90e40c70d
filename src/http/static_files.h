/* static_files: the browser UI's files from static/, loaded once, served from memory. */
#ifndef TECHPOOL_STATIC_FILES_H
#define TECHPOOL_STATIC_FILES_H

#include <stdbool.h>
#include <stddef.h>

struct static_file {
    char *path; /* "/js/app.js" */
    char *data;
    size_t size;
    char etag[24]; /* quoted */
    const char *mime;
};

/* Loads every regular file under dir (no hidden files; symlinks only when their target
 * stays inside dir). Returns false when dir cannot be read. */
bool static_load(const char *dir);
void static_unload(void);

/* The file for a request path ("/" and "/x/" mean their index.html), or NULL. */
const struct static_file *static_lookup(const char *path);

/* True when path is a clean absolute URL path: no "." or ".." segment, no empty
 * segment inside, no hidden segment, no backslash, no control character. */
bool static_path_safe(const char *path);

/* The MIME type for a file name, by extension. */
const char *static_mime_type(const char *name);

#endif
