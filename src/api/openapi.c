/* openapi: serves api/openapi.json, which the assembler copies into .rodata at build time so
 * that the daemon needs no file beside it to describe its own contract. */
#include "api/openapi.h"

/* The path is relative to the repository root, where the compiler runs. The Makefile must make
 * this object depend on api/openapi.json: the compiler's dependency files do not see .incbin. */
__asm__(".pushsection .rodata\n"
        "openapi_json_start:\n"
        ".incbin \"api/openapi.json\"\n"
        "openapi_json_end:\n"
        ".byte 0\n"
        ".popsection\n");

extern const char openapi_json_start[];
extern const char openapi_json_end[];

const char *openapi_text(size_t *len)
{
    *len = (size_t)(openapi_json_end - openapi_json_start);
    return openapi_json_start;
}

void openapi_document(struct request *req, struct reply *rep)
{
    (void)req;
    size_t len = 0;
    const char *text = openapi_text(&len);
    reply_text(rep, 200, "application/json", text, len);
}
