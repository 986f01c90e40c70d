/* achievements_import: bulk import of achievements from a spreadsheet, and its templates. */
#ifndef TECHPOOL_ACHIEVEMENTS_IMPORT_H
#define TECHPOOL_ACHIEVEMENTS_IMPORT_H

#include "http/reply.h"
#include "http/request.h"

/* achievements_import.c: POST /api/v1/achievements/import?dry_run= */
void achievements_import(struct request *req, struct reply *rep);

/* import_template.c: GET /api/v1/achievements/import-template.xlsx and .csv */
void import_template_xlsx(struct request *req, struct reply *rep);
void import_template_csv(struct request *req, struct reply *rep);

#endif
