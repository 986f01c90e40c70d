/* background: a thread of the daemon's own beside the request workers (the change feed, the
 * expiry sweep), which never takes the signals meant for the main thread and can be woken from
 * its waits to stop. */
#ifndef TECHPOOL_BACKGROUND_H
#define TECHPOOL_BACKGROUND_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

struct background {
    void (*run)(struct background *self);
    pthread_t thread;
    int wake[2]; /* written to on stop; read end in wake[0] */
    atomic_bool stopping;
    bool started;
};

/* Starts run(self) on a new thread; false when it could not be started. */
bool background_start(struct background *self, void (*run)(struct background *self));
/* Asks the thread to stop, wakes it and joins it; nothing when it was never started. */
void background_stop(struct background *self);
/* Waits up to ms milliseconds (-1: until stopped); true when the thread is asked to stop. */
bool background_wait(struct background *self, int ms);
bool background_stopping(struct background *self);

/* pthread_create with every signal blocked in the new thread (signals are the main thread's:
 * SIGTERM drains the server). */
int thread_create_without_signals(pthread_t *thread, const pthread_attr_t *attr,
                                  void *(*fn)(void *), void *arg);

#endif
