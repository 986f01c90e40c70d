/* deferred: the threads that make deferred replies (see deferred.h). */
#include "http/deferred.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "background.h"

enum job_state { JOB_NONE, JOB_RUNNING, JOB_DONE };

/* jobs under way, by reply_job_kind */
static atomic_int jobs_running[2];
static const int JOBS_MAX[2] = { DEFERRED_JOBS_MAX, DEFERRED_PASSWORD_JOBS_MAX };
static atomic_bool cancelled;

bool deferred_cancelled(void)
{
    return atomic_load(&cancelled);
}

bool deferred_done(const struct exchange *x)
{
    return atomic_load(&x->job_state) == JOB_DONE;
}

static void *job_run(void *arg)
{
    struct exchange *x = arg;
    struct reply *rep = &x->rep;
    enum reply_job_kind kind = rep->job_kind;
    reply_job_fn fn = rep->job;
    reply_stream_free_fn free_fn = rep->job_free;
    void *ctx = rep->job_ctx;
    rep->job = NULL;
    rep->job_free = NULL;
    rep->job_ctx = NULL;
    fn(ctx, rep);
    if (free_fn != NULL)
        free_fn(ctx);
    if (rep->status == 0)
        reply_error(rep, ERR_INTERNAL, "the request was not answered");
    atomic_store(&x->job_state, JOB_DONE);
    /* from here on x belongs to the worker thread again, which may free it at once */
    MHD_resume_connection(x->conn);
    atomic_fetch_sub(&jobs_running[kind], 1);
    return NULL;
}

static void refuse(struct exchange *x, const char *detail, const char *retry_after)
{
    reply_release(&x->rep);
    reply_error(&x->rep, ERR_UNAVAILABLE, detail);
    reply_header_add(&x->rep, "Retry-After", retry_after);
}

bool deferred_has_room(enum reply_job_kind kind)
{
    return !atomic_load(&cancelled) && atomic_load(&jobs_running[kind]) < JOBS_MAX[kind];
}

void deferred_refuse_busy(struct reply *rep, enum reply_job_kind kind)
{
    if (kind == REPLY_JOB_PASSWORD) {
        reply_error(rep, ERR_UNAVAILABLE,
                    "too many sign-ins and sign-ups at once; try again in a moment");
        reply_header_add(rep, "Retry-After", "2");
    } else {
        reply_error(rep, ERR_UNAVAILABLE,
                    "other exports or imports are being prepared; try again in a few seconds");
        reply_header_add(rep, "Retry-After", "10");
    }
}

bool deferred_start(struct exchange *x)
{
    enum reply_job_kind kind = x->rep.job_kind;
    if (atomic_load(&cancelled)) {
        refuse(x, "the service is stopping", "10");
        return false;
    }
    if (atomic_fetch_add(&jobs_running[kind], 1) >= JOBS_MAX[kind]) {
        atomic_fetch_sub(&jobs_running[kind], 1);
        reply_release(&x->rep);
        deferred_refuse_busy(&x->rep, kind);
        return false;
    }
    atomic_store(&x->job_state, JOB_RUNNING);
    MHD_suspend_connection(x->conn);
    pthread_attr_t attr;
    pthread_t thread;
    int created = pthread_attr_init(&attr);
    if (created == 0) {
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        created = thread_create_without_signals(&thread, &attr, job_run, x);
        pthread_attr_destroy(&attr);
    }
    if (created != 0) {
        atomic_store(&x->job_state, JOB_NONE);
        MHD_resume_connection(x->conn);
        atomic_fetch_sub(&jobs_running[kind], 1);
        refuse(x, "no thread for the request; try again in a few seconds", "10");
        return false;
    }
    return true;
}

bool deferred_stop(void)
{
    atomic_store(&cancelled, true);
    /* a job gives up between two steps (a thousand rows), so this waits a moment; the bound is
     * for a job stuck in a call to an unresponsive database */
    for (int i = 0; i < 3000 && atomic_load(&jobs_running[0]) + atomic_load(&jobs_running[1]) > 0;
         i++) {
        struct timespec pause = { .tv_sec = 0, .tv_nsec = 10 * 1000 * 1000 };
        nanosleep(&pause, NULL);
    }
    return atomic_load(&jobs_running[0]) + atomic_load(&jobs_running[1]) == 0;
}
