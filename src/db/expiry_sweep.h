/* expiry_sweep: stores the expiry of trials whose end date has passed (status expired, closed
 * at the end of that day, an audit event each; trials_sweep_expired_batch), when the daemon starts
 * and then every TECHPOOL_SWEEP_MINUTES, so that the stored status and the audit log follow the
 * calendar without waiting for a request on the achievement. Every read already shows such a
 * trial as expired; this keeps what is stored in step. Several daemons may sweep at once: each
 * batch locks its rows and skips locked ones, so a trial expires once. After the expiries it
 * writes the deadline notices due (notifications_scan_deadlines), each object and threshold
 * once however many daemons scan. */
#ifndef TECHPOOL_EXPIRY_SWEEP_H
#define TECHPOOL_EXPIRY_SWEEP_H

#include <stdbool.h>

/* Starts the sweeping thread (minutes 0: no sweep); false when it could not be started. */
bool expiry_sweep_start(unsigned minutes);
/* Stops and joins it; safe when it was never started. */
void expiry_sweep_stop(void);

#endif
