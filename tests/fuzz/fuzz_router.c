/* fuzz_router: any method and path against the service's route table. Input: METHOD NUL PATH. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "http/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 2);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    text[size + 1] = '\0';
    const char *method = text;
    const char *path = text + strlen(text) + (strlen(text) < size ? 1 : 0);
    struct request req = { 0 };
    const struct route *found = NULL;
    char allow[64];
    enum route_match match = router_match(ROUTES, ROUTE_COUNT, method, path, &found, &req, allow,
                                          sizeof allow);
    if (match == ROUTE_FOUND && (found == NULL || req.id_count > REQUEST_MAX_CAPTURES))
        abort();
    for (size_t i = 0; match == ROUTE_FOUND && i < req.id_count; i++)
        if (req.ids[i] <= 0)
            abort();
    free(text);
    return 0;
}
