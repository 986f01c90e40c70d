/* payment_mode: the ways a license is paid, and what a mode needs of the terms: a royalty mode
 * needs a royalty rate, else nothing could ever be billed or settled. The database holds the
 * same rule (achievements_ and licenses_royalty_bp_for_royalty_modes, 0017_text_rules.sql). */
#ifndef TECHPOOL_PAYMENT_MODE_H
#define TECHPOOL_PAYMENT_MODE_H

#include <stdbool.h>

/* Every payment mode, NULL-terminated (a FIELD_ENUM's values). */
extern const char *const PAYMENT_MODES[];

/* True for the modes billed from royalty reports: royalty and lump_sum_plus_royalty. */
bool payment_mode_royalty(const char *mode);

/* NULL when royalty_bp (basis points) suits mode, else a static message for royalty_bp. */
const char *payment_royalty_problem(const char *mode, long long royalty_bp);

#endif
