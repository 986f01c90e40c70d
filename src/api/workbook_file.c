/* workbook_file: a workbook export's temporary file — created with mkstemp, streamed back from
 * an open descriptor, and unlinked at once so that nothing is left behind whatever happens to
 * the stream. */
#include "api/workbook_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct file_stream {
    int fd;
};

static ssize_t file_stream_read(void *ctx, char *out, size_t max)
{
    struct file_stream *f = ctx;
    ssize_t n;
    do
        n = read(f->fd, out, max);
    while (n < 0 && errno == EINTR);
    return n < 0 ? -1 : n;
}

static void file_stream_close(void *ctx)
{
    struct file_stream *f = ctx;
    close(f->fd);
    free(f);
}

bool workbook_file_create(struct workbook_file *file, const char *prefix, struct reply *rep)
{
    const char *env_tmpdir = getenv("TMPDIR");
    snprintf(file->tmpdir, sizeof file->tmpdir, "%s",
             env_tmpdir != NULL && env_tmpdir[0] != '\0' ? env_tmpdir : "/tmp");
    snprintf(file->path, sizeof file->path, "%s/techpool-%s-XXXXXX", file->tmpdir, prefix);
    int fd = mkstemp(file->path);
    if (fd < 0) {
        file->path[0] = '\0';
        reply_error(rep, ERR_INTERNAL, "could not create the workbook file");
        return false;
    }
    close(fd);
    return true;
}

bool workbook_file_reply(const struct workbook_file *file, const char *filename, struct reply *rep)
{
    struct file_stream *stream = malloc(sizeof *stream);
    if (stream == NULL || (stream->fd = open(file->path, O_RDONLY | O_CLOEXEC)) < 0) {
        free(stream);
        reply_error(rep, ERR_INTERNAL, "could not read the workbook back");
        return false;
    }
    reply_stream(rep, 200, WORKBOOK_TYPE, file_stream_read, file_stream_close, stream);
    char value[160];
    snprintf(value, sizeof value, "attachment; filename=\"%s\"", filename);
    reply_header_add(rep, "Content-Disposition", value);
    return true;
}

void workbook_file_remove(struct workbook_file *file)
{
    if (file->path[0] != '\0')
        unlink(file->path);
    file->path[0] = '\0';
}
