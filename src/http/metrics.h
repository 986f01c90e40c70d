/* metrics: request counters by route and status, a latency histogram, rendered for Prometheus. */
#ifndef TECHPOOL_METRICS_H
#define TECHPOOL_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "http/hooks.h"

/* Route index into the hooks' route table, or one of these for requests outside the table. */
#define METRICS_ROUTE_STATIC ((size_t)-1)
#define METRICS_ROUTE_UNMATCHED ((size_t)-2)

/* The route table the counts are labelled by and the gauges appended after the server's own;
 * hooks is borrowed and must outlive every metrics_render. Set once before serving. */
void metrics_configure(const struct server_hooks *hooks);
void metrics_record(size_t route_index, int status, uint64_t micros);
/* The Prometheus text exposition; caller frees. */
char *metrics_render(size_t *len);

#endif
