/* payment_mode: the ways a license is paid, and what a mode needs of the terms: a royalty rate
 * exactly for the royalty modes (without one nothing could ever be billed; with one on another
 * mode it would mean nothing). The database holds the same rule (0017_text_rules.sql,
 * 0026_trial_agreement.sql). */
#ifndef TECHPOOL_PAYMENT_MODE_H
#define TECHPOOL_PAYMENT_MODE_H

#include <stdbool.h>

/* PAYMENT_MODES and ROYALTY_BASES, the value lists, are in the vocabulary. */
#include "domain/vocabulary.h"

/* True for the modes billed from royalty reports: royalty and lump_sum_plus_royalty. */
bool payment_mode_royalty(const char *mode);

/* NULL when royalty_bp (basis points) suits mode, else a static message for royalty_bp. */
const char *payment_royalty_problem(const char *mode, long long royalty_bp);

#endif
