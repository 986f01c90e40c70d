/* static_files: loads static/ into memory at start (guarded against leaving the directory)
 * and looks files up by URL path. Restart the daemon to pick up changed files. */
#include "http/static_files.h"

#include <dirent.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define STATIC_MAX_FILES 1024
#define STATIC_MAX_BYTES (16 * 1024 * 1024)

static struct static_file files[STATIC_MAX_FILES];
static size_t file_count;
static char root_real[PATH_MAX];

static const struct {
    const char *extension;
    const char *mime;
} MIME_TYPES[] = {
    { ".html", "text/html; charset=utf-8" },
    { ".css", "text/css; charset=utf-8" },
    { ".js", "text/javascript; charset=utf-8" },
    { ".mjs", "text/javascript; charset=utf-8" },
    { ".json", "application/json" },
    { ".map", "application/json" },
    { ".webmanifest", "application/manifest+json" },
    { ".svg", "image/svg+xml" },
    { ".png", "image/png" },
    { ".jpg", "image/jpeg" },
    { ".jpeg", "image/jpeg" },
    { ".gif", "image/gif" },
    { ".webp", "image/webp" },
    { ".ico", "image/x-icon" },
    { ".woff2", "font/woff2" },
    { ".woff", "font/woff" },
    { ".txt", "text/plain; charset=utf-8" },
};

const char *static_mime_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (dot != NULL)
        for (size_t i = 0; i < sizeof MIME_TYPES / sizeof MIME_TYPES[0]; i++)
            if (strcasecmp(dot, MIME_TYPES[i].extension) == 0)
                return MIME_TYPES[i].mime;
    return "application/octet-stream";
}

bool static_path_safe(const char *path)
{
    if (path[0] != '/')
        return false;
    for (const unsigned char *p = (const unsigned char *)path; *p != '\0'; p++)
        if (*p < 0x20 || *p == 0x7F || *p == '\\')
            return false;
    const char *segment = path + 1;
    while (*segment != '\0') {
        size_t len = strcspn(segment, "/");
        bool last = segment[len] == '\0';
        if (len == 0 && !last)
            return false; /* "//" */
        if (len > 0 && segment[0] == '.')
            return false; /* ".", "..", ".hidden" */
        segment += len + (last ? 0 : 1);
    }
    return true;
}

static bool inside_root(const char *real)
{
    size_t n = strlen(root_real);
    return strncmp(real, root_real, n) == 0 && real[n] == '/';
}

static bool load_file(const char *fs_path, const char *url_path)
{
    char real[PATH_MAX];
    if (realpath(fs_path, real) == NULL || !inside_root(real))
        return true; /* a link that leaves static/ is skipped, not fatal */
    if (file_count >= STATIC_MAX_FILES)
        return false;
    FILE *f = fopen(real, "rb");
    if (f == NULL)
        return false;
    struct stat st;
    bool ok = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= STATIC_MAX_BYTES;
    char *data = ok ? malloc((size_t)st.st_size + 1) : NULL;
    ok = data != NULL && fread(data, 1, (size_t)st.st_size, f) == (size_t)st.st_size;
    fclose(f);
    char *path_copy = ok ? strdup(url_path) : NULL;
    if (path_copy == NULL) {
        free(data);
        return false;
    }
    struct static_file *file = &files[file_count++];
    file->path = path_copy;
    file->data = data;
    file->size = (size_t)st.st_size;
    file->mime = static_mime_type(url_path);
    unsigned char digest[8];
    crypto_generichash(digest, sizeof digest, (unsigned char *)data, file->size, NULL, 0);
    char hex[17];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    snprintf(file->etag, sizeof file->etag, "\"%s\"", hex);
    return true;
}

static bool load_dir(const char *fs_dir, const char *url_dir, int depth)
{
    if (depth > 16)
        return true;
    DIR *dir = opendir(fs_dir);
    if (dir == NULL)
        return false;
    bool ok = true;
    struct dirent *entry;
    while (ok && (entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        char fs_path[PATH_MAX];
        char url_path[PATH_MAX];
        if (snprintf(fs_path, sizeof fs_path, "%s/%s", fs_dir, entry->d_name) >=
                (int)sizeof fs_path ||
            snprintf(url_path, sizeof url_path, "%s/%s", url_dir, entry->d_name) >=
                (int)sizeof url_path)
            continue;
        struct stat st;
        if (stat(fs_path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            char real[PATH_MAX];
            if (realpath(fs_path, real) != NULL && inside_root(real))
                ok = load_dir(fs_path, url_path, depth + 1);
        } else if (S_ISREG(st.st_mode)) {
            ok = load_file(fs_path, url_path);
        }
    }
    closedir(dir);
    return ok;
}

static int compare_files(const void *a, const void *b)
{
    return strcmp(((const struct static_file *)a)->path, ((const struct static_file *)b)->path);
}

bool static_load(const char *dir)
{
    static_unload();
    if (sodium_init() < 0 || realpath(dir, root_real) == NULL)
        return false;
    bool ok = load_dir(root_real, "", 0);
    qsort(files, file_count, sizeof files[0], compare_files);
    return ok;
}

void static_unload(void)
{
    for (size_t i = 0; i < file_count; i++) {
        free(files[i].path);
        free(files[i].data);
    }
    file_count = 0;
}

const struct static_file *static_lookup(const char *path)
{
    if (!static_path_safe(path))
        return NULL;
    char wanted[PATH_MAX];
    size_t len = strlen(path);
    if (len + sizeof "index.html" >= sizeof wanted)
        return NULL;
    memcpy(wanted, path, len + 1);
    if (wanted[len - 1] == '/')
        memcpy(wanted + len, "index.html", sizeof "index.html");
    struct static_file key = { .path = wanted };
    return bsearch(&key, files, file_count, sizeof files[0], compare_files);
}
