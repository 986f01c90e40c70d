/* deferred: replies made off the worker threads. A handler that defers its reply (reply_defer:
 * a workbook that takes seconds to build; reply_defer_kind: a password hash) has its connection
 * suspended while a thread of its own runs the job, so the worker goes on serving everyone
 * else; when the job has answered, the connection is resumed and the reply sent. Of each kind at
 * most so many are under way at once (DEFERRED_JOBS_MAX long jobs; DEFERRED_PASSWORD_JOBS_MAX
 * password jobs, most of them queued on the argon2id slots). A long job beyond that gets 503
 * with Retry-After at once. A password request beyond that waits, suspended, for a job to pass
 * its seat on, oldest first, up to DEFERRED_PASSWORD_WAIT_MS, and is then refused the same way;
 * only when DEFERRED_PASSWORD_WAITING_MAX already wait is it refused at once. Waiting costs no
 * work: a flood of sign-ins that were refused at once came back at once, tens of thousands of
 * times a second, and took the processors from everyone else. Waiters whose time is up are
 * refused when a job answers, or by a sweeper thread within a tenth of a second when none does
 * (every job held up by a slow database). */
#ifndef TECHPOOL_DEFERRED_H
#define TECHPOOL_DEFERRED_H

#include <stdbool.h>

#include "http/exchange.h"

#define DEFERRED_JOBS_MAX 2
#define DEFERRED_PASSWORD_JOBS_MAX 16
#define DEFERRED_PASSWORD_WAIT_MS 1000u
#define DEFERRED_PASSWORD_WAITING_MAX 256

/* Suspends x's connection and starts its reply's job, or has it wait for one (a password job).
 * False when it could not (too many jobs or waiters, no thread): the reply is then a 503 problem
 * to send at once. */
bool deferred_start(struct exchange *x);
/* Whether a job of kind could start or wait now: a handler checks it before work that only leads to one,
 * so that a request which would be refused anyway costs nothing more. Advisory: deferred_start
 * decides. */
bool deferred_has_room(enum reply_job_kind kind);
/* Answers 503 with Retry-After as deferred_start does when kind has no room. */
void deferred_refuse_busy(struct reply *rep, enum reply_job_kind kind);
/* True once the job of x has answered (the connection was resumed to send it). */
bool deferred_done(const struct exchange *x);
/* Starts the thread that refuses waiters whose time is up; false when it could not. Stopped
 * after deferred_stop, when nobody waits any more. */
bool deferred_sweeper_start(void);
void deferred_sweeper_stop(void);
/* Asks running jobs to give up (deferred_cancelled) and waits until none runs (30 s at most;
 * false when one still does). At shutdown, before the daemon stops: a suspended connection
 * must be resumed first. */
bool deferred_stop(void);
/* Password jobs under way, password requests waiting for one, and those refused after waiting
 * (for /metrics). */
int deferred_password_jobs(void);
unsigned deferred_password_waiting(void);
unsigned long long deferred_password_waits_refused(void);
/* Whether jobs are asked to give up: long jobs look at it between steps. */
bool deferred_cancelled(void);

#endif
