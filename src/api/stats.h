/* stats: the administrators' statistics — summary, cross-provincial flows, monthly trend, by
 * field — and the filter (?from=, ?to=, ?province=) that the exports share with them. */
#ifndef TECHPOOL_STATS_H
#define TECHPOOL_STATS_H

#include <stdbool.h>

#include "http/reply.h"
#include "http/request.h"

struct stats_filter {
    const char *from; /* YYYY-MM-DD (inclusive, Asia/Shanghai), or NULL: no lower bound */
    const char *to;   /* YYYY-MM-DD (inclusive), or NULL: no upper bound */
    char province[3]; /* "" for every province */
};

/* Reads and checks ?from=, ?to= and ?province= (an empty value counts as absent). On bad input
 * writes 422 naming the parameter into rep and returns false. The strings live as long as req. */
bool stats_filter_parse(const struct request *req, struct stats_filter *filter, struct reply *rep);

void stats_summary(struct request *req, struct reply *rep);
void stats_flows(struct request *req, struct reply *rep);
void stats_monthly(struct request *req, struct reply *rep);
void stats_fields(struct request *req, struct reply *rep);
/* GET /api/v1/stats/regions: per city of the enterprise; /returns: per return reason code */
void stats_regions(struct request *req, struct reply *rep);
void stats_returns(struct request *req, struct reply *rep);

#endif
