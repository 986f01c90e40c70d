/* credit_code: the Unified Social Credit Code (GB 32100-2015) and the organisation code inside it (GB 11714). */
#ifndef TECHPOOL_CREDIT_CODE_H
#define TECHPOOL_CREDIT_CODE_H

/* NULL when code is a valid 18-character credit code (both check digits right),
 * else a static English message saying what is wrong. */
const char *credit_code_problem(const char *code);

#endif
