/* deferred: the threads that make deferred replies, and the password requests waiting for one
 * (see deferred.h). */
#include "http/deferred.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include "background.h"

enum job_state { JOB_NONE, JOB_RUNNING, JOB_DONE };

/* jobs under way, by reply_job_kind */
static atomic_int jobs_running[2];
static const int JOBS_MAX[2] = { DEFERRED_JOBS_MAX, DEFERRED_PASSWORD_JOBS_MAX };
static atomic_bool cancelled;

/* Password requests that found every job taken, oldest first, each with the time it stops
 * waiting. waiting_lock guards the ring and every change of the password jobs' count, so that a
 * request never waits with no job left to pass it on. */
struct waiter {
    struct exchange *x;
    uint64_t until_micros;
};
static pthread_mutex_t waiting_lock = PTHREAD_MUTEX_INITIALIZER;
static struct waiter waiting[DEFERRED_PASSWORD_WAITING_MAX];
static size_t waiting_head, waiting_count;
static atomic_size_t waiting_seen; /* waiting_count, for deferred_has_room */
static atomic_ullong waits_refused;
/* how often the sweeper looks for waiters whose time is up */
#define WAITERS_SWEEP_MS 100
static struct background waiters_sweeper;

enum seat { SEAT_TAKEN, SEAT_WAITING, SEAT_NONE };

bool deferred_cancelled(void)
{
    return atomic_load(&cancelled);
}

bool deferred_done(const struct exchange *x)
{
    return atomic_load(&x->job_state) == JOB_DONE;
}

static uint64_t monotonic_now_micros(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_nsec / 1000u;
}

static void refuse(struct exchange *x, const char *detail, const char *retry_after)
{
    reply_release(&x->rep);
    reply_error(&x->rep, ERR_UNAVAILABLE, detail);
    reply_header_add(&x->rep, "Retry-After", retry_after);
}

/* Hands x's connection back to its worker thread to send the reply; x is the worker's again. */
static void answered(struct exchange *x)
{
    atomic_store(&x->job_state, JOB_DONE);
    MHD_resume_connection(x->conn);
}

/* Refuses a waiting request: its time is up, or the service is stopping. */
static void refuse_waiter(struct exchange *x, bool stopping)
{
    if (stopping) {
        refuse(x, "the service is stopping", "10");
    } else {
        reply_release(&x->rep);
        deferred_refuse_busy(&x->rep, REPLY_JOB_PASSWORD);
    }
    atomic_fetch_add(&waits_refused, 1);
    answered(x);
}

/* Takes a job's seat for x, or a place among the waiters, or neither. */
static enum seat seat_take(struct exchange *x)
{
    enum reply_job_kind kind = x->rep.job_kind;
    if (kind != REPLY_JOB_PASSWORD) {
        if (atomic_fetch_add(&jobs_running[kind], 1) < JOBS_MAX[kind])
            return SEAT_TAKEN;
        atomic_fetch_sub(&jobs_running[kind], 1);
        return SEAT_NONE;
    }
    enum seat seat = SEAT_NONE;
    pthread_mutex_lock(&waiting_lock);
    if (atomic_load(&jobs_running[kind]) < JOBS_MAX[kind]) {
        atomic_fetch_add(&jobs_running[kind], 1);
        seat = SEAT_TAKEN;
    } else if (waiting_count < DEFERRED_PASSWORD_WAITING_MAX) {
        waiting[(waiting_head + waiting_count) % DEFERRED_PASSWORD_WAITING_MAX] = (struct waiter){
            .x = x, .until_micros = monotonic_now_micros() + DEFERRED_PASSWORD_WAIT_MS * 1000u
        };
        atomic_store(&waiting_seen, ++waiting_count);
        seat = SEAT_WAITING;
    }
    pthread_mutex_unlock(&waiting_lock);
    return seat;
}

/* The oldest waiter, taken from the ring; under waiting_lock, with one waiting. */
static struct exchange *waiting_pop(void)
{
    struct exchange *x = waiting[waiting_head].x;
    waiting_head = (waiting_head + 1) % DEFERRED_PASSWORD_WAITING_MAX;
    atomic_store(&waiting_seen, --waiting_count);
    return x;
}

/* Takes the waiters whose time is up (all of them when the service is stopping) from the front
 * of the ring into late; under waiting_lock. Every waiter waits as long, so those whose time is
 * up are the oldest. */
static size_t waiters_take_late(struct exchange *late[], bool stopping)
{
    uint64_t now = monotonic_now_micros();
    size_t late_count = 0;
    while (waiting_count > 0 && (stopping || waiting[waiting_head].until_micros <= now))
        late[late_count++] = waiting_pop();
    return late_count;
}

static void waiters_refuse(struct exchange *late[], size_t late_count, bool stopping)
{
    for (size_t i = 0; i < late_count; i++)
        refuse_waiter(late[i], stopping);
}

/* A job of kind has answered: returns the waiting request its seat passes to, or NULL when the
 * seat is given up. Waiters whose time is up (all of them when the service is stopping) are
 * refused on the way. */
static struct exchange *seat_pass_on(enum reply_job_kind kind)
{
    if (kind != REPLY_JOB_PASSWORD) {
        atomic_fetch_sub(&jobs_running[kind], 1);
        return NULL;
    }
    struct exchange *late[DEFERRED_PASSWORD_WAITING_MAX];
    struct exchange *next = NULL;
    bool stopping = atomic_load(&cancelled);
    pthread_mutex_lock(&waiting_lock);
    size_t late_count = waiters_take_late(late, stopping);
    if (waiting_count > 0)
        next = waiting_pop();
    else
        atomic_fetch_sub(&jobs_running[kind], 1);
    pthread_mutex_unlock(&waiting_lock);
    waiters_refuse(late, late_count, stopping);
    return next;
}

/* Refuses the waiters whose time is up while no job answers (every job held up by a slow
 * database, say): a waiter is refused at most WAITERS_SWEEP_MS after its time. */
static void waiters_sweep_run(struct background *self)
{
    while (!background_wait(self, WAITERS_SWEEP_MS)) {
        if (atomic_load(&waiting_seen) == 0)
            continue; /* nobody waits: nothing to lock */
        struct exchange *late[DEFERRED_PASSWORD_WAITING_MAX];
        bool stopping = atomic_load(&cancelled);
        pthread_mutex_lock(&waiting_lock);
        size_t late_count = waiters_take_late(late, stopping);
        pthread_mutex_unlock(&waiting_lock);
        waiters_refuse(late, late_count, stopping);
    }
}

bool deferred_sweeper_start(void)
{
    return background_start(&waiters_sweeper, waiters_sweep_run);
}

void deferred_sweeper_stop(void)
{
    background_stop(&waiters_sweeper);
}

/* Runs x's job, answers it, and goes on with the waiting requests its seat passes to. */
static void *job_run(void *arg)
{
    struct exchange *x = arg;
    enum reply_job_kind kind = x->rep.job_kind;
    while (x != NULL) {
        struct reply *rep = &x->rep;
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
        /* from here on x belongs to the worker thread again, which may free it at once */
        answered(x);
        x = seat_pass_on(kind);
    }
    return NULL;
}

int deferred_password_jobs(void)
{
    return atomic_load(&jobs_running[REPLY_JOB_PASSWORD]);
}

unsigned deferred_password_waiting(void)
{
    return (unsigned)atomic_load(&waiting_seen);
}

unsigned long long deferred_password_waits_refused(void)
{
    return atomic_load(&waits_refused);
}

bool deferred_has_room(enum reply_job_kind kind)
{
    if (atomic_load(&cancelled))
        return false;
    return atomic_load(&jobs_running[kind]) < JOBS_MAX[kind] ||
           (kind == REPLY_JOB_PASSWORD &&
            atomic_load(&waiting_seen) < DEFERRED_PASSWORD_WAITING_MAX);
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
    atomic_store(&x->job_state, JOB_RUNNING);
    MHD_suspend_connection(x->conn);
    enum seat seat = seat_take(x);
    if (seat == SEAT_WAITING)
        return true;
    if (seat == SEAT_NONE) {
        atomic_store(&x->job_state, JOB_NONE);
        MHD_resume_connection(x->conn);
        reply_release(&x->rep);
        deferred_refuse_busy(&x->rep, kind);
        return false;
    }
    pthread_attr_t attr;
    pthread_t thread;
    int created = pthread_attr_init(&attr);
    if (created == 0) {
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        created = thread_create_without_signals(&thread, &attr, job_run, x);
        pthread_attr_destroy(&attr);
    }
    if (created == 0)
        return true;
    atomic_store(&x->job_state, JOB_NONE);
    MHD_resume_connection(x->conn);
    refuse(x, "no thread for the request; try again in a few seconds", "10");
    /* the seat is given up; whoever waits for it cannot have a thread either */
    for (struct exchange *next = seat_pass_on(kind); next != NULL; next = seat_pass_on(kind)) {
        refuse(next, "no thread for the request; try again in a few seconds", "10");
        answered(next);
    }
    return false;
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
