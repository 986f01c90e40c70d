/* test_statements: the worker connection's prepared statements — more than any fixed table
 * would hold, each prepared once and run again without being prepared twice — on a real
 * PostgreSQL through the daemon's own db layer. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "harness.h"

#define STATEMENTS 600

static void setup(void)
{
    harness_start("statements", NULL);
    db_configure(harness_conninfo(), NULL);
}

static void teardown(void)
{
    ck_assert_int_eq(harness_stop(), 0);
}

START_TEST(hundreds_of_statements_are_prepared_once_each)
{
    static struct statement statements[STATEMENTS];
    static char names[STATEMENTS][32];
    static char sql[STATEMENTS][48];
    for (int i = 0; i < STATEMENTS; i++) {
        snprintf(names[i], sizeof names[i], "test_statement_%d", i);
        snprintf(sql[i], sizeof sql[i], "SELECT $1::int + %d", i);
        statements[i] = (struct statement){ names[i], sql[i] };
    }
    /* twice round: the second pass finds every statement already prepared (preparing one again
     * would fail with 42P05) */
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < STATEMENTS; i++) {
            const char *params[] = { "1" };
            enum db_status status;
            PGresult *res = db_exec(&statements[i], 1, params, &status);
            ck_assert_msg(status == DB_OK, "round %d, statement %d: status %d (%s)", round, i,
                          status, res != NULL ? db_sqlstate(res) : "no result");
            ck_assert_int_eq(atoi(PQgetvalue(res, 0, 0)), i + 1);
            PQclear(res);
        }
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("statements");
    TCase *tc = tcase_create("statements");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, hundreds_of_statements_are_prepared_once_each);
    suite_add_tcase(s, tc);
    return harness_run_suite(s);
}
