/* background: the daemon's own threads — start, wait, stop (see background.h). */
#include "background.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

int thread_create_without_signals(pthread_t *thread, const pthread_attr_t *attr,
                                  void *(*fn)(void *), void *arg)
{
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &previous);
    int created = pthread_create(thread, attr, fn, arg);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    return created;
}

static void *background_main(void *arg)
{
    struct background *self = arg;
    self->run(self);
    return NULL;
}

bool background_start(struct background *self, void (*run)(struct background *self))
{
    if (pipe2(self->wake, O_CLOEXEC | O_NONBLOCK) != 0)
        return false;
    self->run = run;
    atomic_store(&self->stopping, false);
    if (thread_create_without_signals(&self->thread, NULL, background_main, self) != 0) {
        close(self->wake[0]);
        close(self->wake[1]);
        return false;
    }
    self->started = true;
    return true;
}

void background_stop(struct background *self)
{
    if (!self->started)
        return;
    atomic_store(&self->stopping, true);
    char byte = 1;
    while (write(self->wake[1], &byte, 1) < 0 && errno == EINTR) {
    }
    pthread_join(self->thread, NULL);
    close(self->wake[0]);
    close(self->wake[1]);
    self->started = false;
}

bool background_wait(struct background *self, int ms)
{
    struct pollfd wake = { .fd = self->wake[0], .events = POLLIN };
    while (poll(&wake, 1, ms) < 0 && errno == EINTR) {
    }
    return atomic_load(&self->stopping);
}

bool background_stopping(struct background *self)
{
    return atomic_load(&self->stopping);
}
