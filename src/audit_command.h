/* audit_command: `techpool audit verify` — checks the audit log's hash chain. */
#ifndef TECHPOOL_AUDIT_COMMAND_H
#define TECHPOOL_AUDIT_COMMAND_H

#include "config.h"

/* Recomputes the chain in the database (audit_verify) and prints the verdict. Returns 0 when
 * it is intact, 1 when an event was changed, removed or added outside the chain (naming the
 * first bad event), 2 when it could not be checked. */
int command_audit_verify(const struct config *cfg);

#endif
