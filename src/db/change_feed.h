/* change_feed: tells the daemon when the public pool changed. A thread of its own LISTENs on
 * the channel that triggers on achievements and institutions notify (migration 0009), and
 * counts a generation: a reply read at one generation is current while the generation stays
 * the same. While the feed is not connected (the database down, the connection terminated)
 * there is no generation (0), so nothing built on it is trusted; on reconnecting the count
 * moves on, because changes made meanwhile were not heard. */
#ifndef TECHPOOL_CHANGE_FEED_H
#define TECHPOOL_CHANGE_FEED_H

#include <stdbool.h>
#include <stdint.h>

/* Starts the listening thread; false when it could not be started. */
bool change_feed_start(void);
/* Stops and joins it (at shutdown); safe when it was never started. */
void change_feed_stop(void);

/* The pool's current generation, or 0 while not listening. */
uint64_t change_feed_generation(void);
/* Moves the generation on: called by this daemon after a change of the pool it made, so that
 * its next read does not wait for the notification to come round. */
void change_feed_bump(void);
/* Whether the feed is listening now (for /readyz and /metrics). */
bool change_feed_listening(void);

#endif
