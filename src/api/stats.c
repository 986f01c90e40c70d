/* stats: GET /api/v1/stats/summary, /flows, /monthly, /fields, /regions and /returns — each one
 * SQL function that checks the caller's scope and builds the reply — and the filter they share
 * with the exports. */
#include "api/stats.h"

#include <stdio.h>
#include <string.h>

#include "api/dbcall.h"
#include "domain/calendar.h"
#include "domain/vocabulary.h"

static const struct statement SUMMARY = {
    "stats_summary", "SELECT api_stats_summary($1::bigint, $2::date, $3::date, $4::text)"
};
static const struct statement FLOWS = {
    "stats_flows", "SELECT api_stats_flows($1::bigint, $2::date, $3::date, $4::text)"
};
static const struct statement MONTHLY = {
    "stats_monthly", "SELECT api_stats_monthly($1::bigint, $2::date, $3::date, $4::text)"
};
static const struct statement FIELDS = {
    "stats_fields", "SELECT api_stats_fields($1::bigint, $2::date, $3::date, $4::text)"
};
static const struct statement REGIONS = {
    "stats_regions", "SELECT api_stats_regions($1::bigint, $2::date, $3::date, $4::text)"
};
static const struct statement RETURNS = {
    "stats_returns", "SELECT api_stats_returns($1::bigint, $2::date, $3::date, $4::text)"
};

/* The parameter's value, NULL when absent or empty. */
static const char *query_value(const struct request *req, const char *name)
{
    const char *value = request_query(req, name);
    return value != NULL && value[0] != '\0' ? value : NULL;
}

bool stats_filter_parse(const struct request *req, struct stats_filter *filter, struct reply *rep)
{
    *filter = (struct stats_filter){ 0 };
    filter->from = query_value(req, "from");
    filter->to = query_value(req, "to");
    const char *province = query_value(req, "province");
    const char *problem = filter->from != NULL ? date_problem(filter->from) : NULL;
    if (problem != NULL) {
        reply_invalid_field(rep, "from", problem);
        return false;
    }
    problem = filter->to != NULL ? date_problem(filter->to) : NULL;
    if (problem != NULL) {
        reply_invalid_field(rep, "to", problem);
        return false;
    }
    /* both are YYYY-MM-DD, so text order is date order */
    if (filter->from != NULL && filter->to != NULL && strcmp(filter->from, filter->to) > 0) {
        reply_invalid_field(rep, "to", "must not be before from");
        return false;
    }
    if (province != NULL && !vocabulary_has(PROVINCES, province)) {
        reply_invalid_field(rep, "province", "must be one of SH, JS, ZJ, AH");
        return false;
    }
    if (province != NULL)
        snprintf(filter->province, sizeof filter->province, "%s", province);
    return true;
}

static void stats_answer(const struct request *req, struct reply *rep, const struct statement *st)
{
    struct stats_filter filter;
    if (!stats_filter_parse(req, &filter, rep))
        return;
    const char *params[] = { request_actor(req), filter.from, filter.to,
                             filter.province[0] ? filter.province : NULL };
    api_db_json(rep, 200, st, 4, params);
}

void stats_summary(struct request *req, struct reply *rep)
{
    stats_answer(req, rep, &SUMMARY);
}

void stats_flows(struct request *req, struct reply *rep)
{
    stats_answer(req, rep, &FLOWS);
}

void stats_monthly(struct request *req, struct reply *rep)
{
    stats_answer(req, rep, &MONTHLY);
}

void stats_fields(struct request *req, struct reply *rep)
{
    stats_answer(req, rep, &FIELDS);
}

void stats_regions(struct request *req, struct reply *rep)
{
    stats_answer(req, rep, &REGIONS);
}

void stats_returns(struct request *req, struct reply *rep)
{
    stats_answer(req, rep, &RETURNS);
}
