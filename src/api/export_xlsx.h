/* export_xlsx: GET /api/v1/exports/trials.xlsx — the trials export as an Excel workbook. */
#ifndef TECHPOOL_EXPORT_XLSX_H
#define TECHPOOL_EXPORT_XLSX_H

#include "http/reply.h"
#include "http/request.h"

void export_trials_xlsx(struct request *req, struct reply *rep);

#endif
