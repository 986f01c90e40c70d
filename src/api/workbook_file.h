/* workbook_file: the temporary file a workbook export is written to, and the reply that streams
 * it back (the exports build workbooks on a deferred job: src/http/deferred.h). */
#ifndef TECHPOOL_WORKBOOK_FILE_H
#define TECHPOOL_WORKBOOK_FILE_H

#include <limits.h>
#include <stdbool.h>

#include "http/reply.h"

#define WORKBOOK_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

struct workbook_file {
    char path[PATH_MAX];   /* "" until created */
    char tmpdir[PATH_MAX]; /* $TMPDIR or /tmp: where libxlsxwriter keeps its own parts too */
};

/* Creates an empty file named after prefix in the temporary directory. False with the problem
 * in rep. */
bool workbook_file_create(struct workbook_file *file, const char *prefix, struct reply *rep);
/* Answers 200 with the written file as a stream, offered as filename. False with the problem
 * in rep. */
bool workbook_file_reply(const struct workbook_file *file, const char *filename, struct reply *rep);
/* Removes the file (an open stream keeps reading it until it closes). */
void workbook_file_remove(struct workbook_file *file);

#endif
