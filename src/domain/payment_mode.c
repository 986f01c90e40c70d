/* payment_mode: the payment modes and the royalty rate rule. */
#include "domain/payment_mode.h"

#include <stddef.h>
#include <string.h>

bool payment_mode_royalty(const char *mode)
{
    return mode != NULL &&
           (strcmp(mode, "royalty") == 0 || strcmp(mode, "lump_sum_plus_royalty") == 0);
}

const char *payment_royalty_problem(const char *mode, long long royalty_bp)
{
    if (payment_mode_royalty(mode) && royalty_bp <= 0)
        return "must be positive for a royalty payment mode";
    if (!payment_mode_royalty(mode) && royalty_bp != 0)
        return "must be 0 for a payment mode without royalty";
    return NULL;
}
