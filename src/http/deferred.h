/* deferred: replies made off the worker threads. A handler that defers its reply (reply_defer:
 * a workbook that takes seconds to build; reply_defer_kind: a password hash) has its connection
 * suspended while a thread of its own runs the job, so the worker goes on serving everyone
 * else; when the job has answered, the connection is resumed and the reply sent. Of each kind at
 * most so many are under way at once (DEFERRED_JOBS_MAX long jobs; DEFERRED_PASSWORD_JOBS_MAX
 * password jobs, most of them queued on the argon2id slots); beyond that the request gets 503
 * with Retry-After at once. */
#ifndef TECHPOOL_DEFERRED_H
#define TECHPOOL_DEFERRED_H

#include <stdbool.h>

#include "http/exchange.h"

#define DEFERRED_JOBS_MAX 2
#define DEFERRED_PASSWORD_JOBS_MAX 16

/* Suspends x's connection and starts its reply's job. False when it could not (too many jobs,
 * no thread): the reply is then a 503 problem to send at once. */
bool deferred_start(struct exchange *x);
/* Whether a job of kind could start now: a handler checks it before work that only leads to one,
 * so that a request which would be refused anyway costs nothing more. Advisory: deferred_start
 * decides. */
bool deferred_has_room(enum reply_job_kind kind);
/* Answers 503 with Retry-After as deferred_start does when kind has no room. */
void deferred_refuse_busy(struct reply *rep, enum reply_job_kind kind);
/* True once the job of x has answered (the connection was resumed to send it). */
bool deferred_done(const struct exchange *x);
/* Asks running jobs to give up (deferred_cancelled) and waits until none runs (30 s at most;
 * false when one still does). At shutdown, before the daemon stops: a suspended connection
 * must be resumed first. */
bool deferred_stop(void);
/* Whether jobs are asked to give up: long jobs look at it between steps. */
bool deferred_cancelled(void);

#endif
