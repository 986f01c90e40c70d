/* metrics: lock-free counters by route and status plus a latency histogram, in Prometheus text. */
#include "http/metrics.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/deadline.h"
#include "http/deferred.h"
#include "http/reply_cache.h"
#include "http/router.h"
#include "http/server.h"

#define ROUTES_MAX 128
#define ROUTE_SLOTS (ROUTES_MAX + 2) /* + static, unmatched */

static const int STATUSES[] = { 200, 201, 204, 304, 400, 401, 403, 404, 405,
                                409, 412, 413, 415, 422, 429, 500, 503 };
#define STATUS_COUNT (sizeof STATUSES / sizeof STATUSES[0])
#define STATUS_SLOTS (STATUS_COUNT + 1) /* + other */

static const double BUCKETS[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                  0.1,    0.25,  0.5,    1,     2.5,  10 };
#define BUCKET_COUNT (sizeof BUCKETS / sizeof BUCKETS[0])

static atomic_ullong requests[ROUTE_SLOTS][STATUS_SLOTS];
static atomic_ullong latency_buckets[BUCKET_COUNT + 1];
static atomic_ullong latency_micros_sum;
static atomic_ullong errors_total;
static const struct server_hooks *hooks;

void metrics_configure(const struct server_hooks *configured)
{
    hooks = configured;
}

static size_t route_slot(size_t route_index)
{
    if (route_index == METRICS_ROUTE_STATIC)
        return ROUTES_MAX;
    if (route_index >= ROUTES_MAX)
        return ROUTES_MAX + 1;
    return route_index;
}

static size_t status_slot(int status)
{
    for (size_t i = 0; i < STATUS_COUNT; i++)
        if (STATUSES[i] == status)
            return i;
    return STATUS_COUNT;
}

void metrics_record(size_t route_index, int status, uint64_t micros)
{
    atomic_fetch_add_explicit(&requests[route_slot(route_index)][status_slot(status)], 1,
                              memory_order_relaxed);
    size_t bucket = 0;
    while (bucket < BUCKET_COUNT && (double)micros / 1e6 > BUCKETS[bucket])
        bucket++;
    atomic_fetch_add_explicit(&latency_buckets[bucket], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&latency_micros_sum, micros, memory_order_relaxed);
    if (status >= 500)
        atomic_fetch_add_explicit(&errors_total, 1, memory_order_relaxed);
}

static const char *slot_label(size_t slot, char *buf, size_t size)
{
    if (slot == ROUTES_MAX)
        return "static";
    if (slot == ROUTES_MAX + 1 || hooks == NULL || slot >= hooks->route_count)
        return "unmatched";
    snprintf(buf, size, "%s %s", hooks->routes[slot].method, hooks->routes[slot].pattern);
    return buf;
}

char *metrics_render(size_t *len)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    if (out == NULL)
        return NULL;
    fputs("# HELP techpool_http_requests_total HTTP requests by route and status.\n"
          "# TYPE techpool_http_requests_total counter\n",
          out);
    for (size_t r = 0; r < ROUTE_SLOTS; r++) {
        for (size_t s = 0; s < STATUS_SLOTS; s++) {
            unsigned long long n = atomic_load_explicit(&requests[r][s], memory_order_relaxed);
            if (n == 0)
                continue;
            char label[200];
            char status[8];
            if (s < STATUS_COUNT)
                snprintf(status, sizeof status, "%d", STATUSES[s]);
            else
                snprintf(status, sizeof status, "other");
            fprintf(out, "techpool_http_requests_total{route=\"%s\",status=\"%s\"} %llu\n",
                    slot_label(r, label, sizeof label), status, n);
        }
    }
    fputs("# HELP techpool_http_request_duration_seconds Request latency.\n"
          "# TYPE techpool_http_request_duration_seconds histogram\n",
          out);
    unsigned long long cumulative = 0;
    for (size_t b = 0; b <= BUCKET_COUNT; b++) {
        cumulative += atomic_load_explicit(&latency_buckets[b], memory_order_relaxed);
        if (b < BUCKET_COUNT)
            fprintf(out, "techpool_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
                    BUCKETS[b], cumulative);
        else
            fprintf(out, "techpool_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
                    cumulative);
    }
    fprintf(out, "techpool_http_request_duration_seconds_sum %.6f\n",
            (double)atomic_load(&latency_micros_sum) / 1e6);
    fprintf(out, "techpool_http_request_duration_seconds_count %llu\n", cumulative);
    fprintf(out,
            "# HELP techpool_http_errors_total Replies with a 5xx status.\n"
            "# TYPE techpool_http_errors_total counter\n"
            "techpool_http_errors_total %llu\n",
            atomic_load(&errors_total));
    fprintf(out,
            "# HELP techpool_http_requests_in_flight Requests received and not yet answered.\n"
            "# TYPE techpool_http_requests_in_flight gauge\n"
            "techpool_http_requests_in_flight %d\n",
            server_requests_in_flight());
    fprintf(out,
            "# HELP techpool_http_connections_open HTTP connections open.\n"
            "# TYPE techpool_http_connections_open gauge\n"
            "techpool_http_connections_open %u\n"
            "# HELP techpool_http_slow_connections_closed_total Connections closed for "
            "missing the request deadline (headers in %d s, body at %d B/s).\n"
            "# TYPE techpool_http_slow_connections_closed_total counter\n"
            "techpool_http_slow_connections_closed_total %llu\n",
            deadline_connections_open(), DEADLINE_HEADERS_SECONDS,
            DEADLINE_BODY_MIN_BYTES_PER_SECOND, deadline_closed_total());
    fprintf(out,
            "# HELP techpool_reply_cache_hits_total Anonymous pool reads from the cache.\n"
            "# TYPE techpool_reply_cache_hits_total counter\n"
            "techpool_reply_cache_hits_total %llu\n"
            "# HELP techpool_reply_cache_misses_total Anonymous pool reads not in the cache.\n"
            "# TYPE techpool_reply_cache_misses_total counter\n"
            "techpool_reply_cache_misses_total %llu\n"
            "# HELP techpool_reply_cache_bytes Bytes of replies kept.\n"
            "# TYPE techpool_reply_cache_bytes gauge\n"
            "techpool_reply_cache_bytes %zu\n",
            reply_cache_hits(), reply_cache_misses(), reply_cache_bytes());
    fprintf(out,
            "# HELP techpool_password_jobs Sign-ins and sign-ups with a password job (at most "
            "%d).\n"
            "# TYPE techpool_password_jobs gauge\n"
            "techpool_password_jobs %d\n"
            "# HELP techpool_password_requests_waiting Sign-ins and sign-ups waiting for a "
            "password job (at most %d, for %u ms).\n"
            "# TYPE techpool_password_requests_waiting gauge\n"
            "techpool_password_requests_waiting %u\n"
            "# HELP techpool_password_waits_refused_total Sign-ins and sign-ups refused "
            "(503) after waiting.\n"
            "# TYPE techpool_password_waits_refused_total counter\n"
            "techpool_password_waits_refused_total %llu\n",
            DEFERRED_PASSWORD_JOBS_MAX, deferred_password_jobs(), DEFERRED_PASSWORD_WAITING_MAX,
            DEFERRED_PASSWORD_WAIT_MS, deferred_password_waiting(),
            deferred_password_waits_refused());
    if (hooks != NULL)
        hooks->metrics_append(out);
    if (fclose(out) != 0) {
        free(text);
        return NULL;
    }
    *len = size;
    return text;
}
