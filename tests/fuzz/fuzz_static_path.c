/* fuzz_static_path: the static path guard never admits a way out of the static directory. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/static_files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *path = malloc(size + 1);
    if (path == NULL)
        return 0;
    memcpy(path, data, size);
    path[size] = '\0';
    if (static_path_safe(path)) {
        /* an admitted path has no dot segment and no backslash */
        if (path[0] != '/' || strstr(path, "/.") != NULL || strchr(path, '\\') != NULL ||
            strstr(path, "//") != NULL)
            abort();
    }
    (void)static_mime_type(path);
    free(path);
    return 0;
}
