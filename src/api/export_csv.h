/* export_csv: GET /api/v1/exports/trials.csv, and what both trial exports share — opening the
 * rows of the statistics filter on a connection of their own, and the attachment's file name. */
#ifndef TECHPOOL_EXPORT_CSV_H
#define TECHPOOL_EXPORT_CSV_H

#include <stddef.h>

#include "api/stats.h"
#include "db/dedicated.h"
#include "http/reply.h"
#include "http/request.h"

/* The rows the actor (request_actor) may export under filter (export_trial_rows, 16 text columns
 * in the contract's order) behind a cursor in one read-only snapshot on a dedicated connection,
 * as the database decides them (api_export_trials): filter->province becomes the province the
 * rows cover (a province_admin's own when it named none). NULL with the problem in rep on
 * failure, a refusal included. */
struct db_cursor *export_rows_open(const char *actor, struct stats_filter *filter,
                                   struct reply *rep);

/* The file name of an export: "trials-ZJ-2026-01-01_2026-06-30.<extension>", each part present
 * only when filtered ("trials-all.<extension>" without a filter), into out. */
void export_file_name(const struct stats_filter *filter, const char *extension, char *out,
                      size_t size);
/* Adds Content-Disposition: attachment with that file name. */
void export_disposition(struct reply *rep, const struct stats_filter *filter,
                        const char *extension);

void export_trials_csv(struct request *req, struct reply *rep);

#endif
