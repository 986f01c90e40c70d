/* export_annual: GET /api/v1/exports/annual-report.xlsx?year= — a year's figures per institution,
 * as institutions file them in their annual report on the transformation of achievements. */
#ifndef TECHPOOL_EXPORT_ANNUAL_H
#define TECHPOOL_EXPORT_ANNUAL_H

#include "http/reply.h"
#include "http/request.h"

void export_annual_report_xlsx(struct request *req, struct reply *rep);

#endif
