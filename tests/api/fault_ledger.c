/* fault_ledger: checks the fault clients' log of writes against the database, and sends the
 * writes again under their keys (see ledger_check and ledger_retry in fault_load.h). The log
 * goes into a table of the test database so that one query per rule checks all of it. */
#include "fault_load.h"

#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

#define RETRY_POLLS 500 /* 20 ms each: how long a dead session's claim may last */

/* Each rule selects "<violations> <first offender>"; "0 -" when it holds. */
static const struct {
    const char *rule;
    const char *sql;
} RULES[] = {
    { "an acknowledged payment is stored once, as acknowledged",
      "SELECT count(*) || ' ' || coalesce(min(c.key), '-') FROM fault_client_log c"
      " LEFT JOIN (SELECT reference, count(*) AS n, min(id) AS id, min(license_id) AS license_id,"
      "            min(amount_fen) AS amount_fen FROM payments GROUP BY reference) p"
      "   ON p.reference = c.key"
      " WHERE c.kind = 'payment' AND c.acked AND (p.n IS DISTINCT FROM 1"
      "   OR p.id IS DISTINCT FROM (c.reply->>'id')::bigint"
      "   OR p.license_id IS DISTINCT FROM c.target"
      "   OR p.amount_fen IS DISTINCT FROM c.amount_fen)" },
    { "an acknowledged conversion signed one license, the acknowledged one",
      "SELECT count(*) || ' ' || coalesce(min(c.key), '-') FROM fault_client_log c"
      " LEFT JOIN (SELECT trial_id, count(*) AS n, min(id) AS id FROM licenses GROUP BY trial_id) l"
      "   ON l.trial_id = c.target"
      " LEFT JOIN trials t ON t.id = c.target"
      " WHERE c.kind = 'convert' AND c.acked AND (l.n IS DISTINCT FROM 1"
      "   OR l.id IS DISTINCT FROM (c.reply->'license'->>'id')::bigint"
      "   OR t.status IS DISTINCT FROM 'converted' OR t.license_id IS DISTINCT FROM l.id)" },
    { "an unacknowledged write is applied at most once, and exactly when its key holds a reply",
      "SELECT count(*) || ' ' || coalesce(min(c.key), '-') FROM fault_client_log c"
      " LEFT JOIN (SELECT reference, count(*) AS n FROM payments GROUP BY reference) p"
      "   ON c.kind = 'payment' AND p.reference = c.key"
      " LEFT JOIN (SELECT trial_id, count(*) AS n FROM licenses GROUP BY trial_id) l"
      "   ON c.kind = 'convert' AND l.trial_id = c.target"
      " LEFT JOIN idempotency_keys k ON k.key = c.key AND k.status IS NOT NULL"
      " WHERE NOT c.acked AND coalesce(p.n, l.n, 0) <> (k.key IS NOT NULL)::int" },
    { "no key is claimed without its reply",
      "SELECT count(*) || ' ' || coalesce(min(key), '-') FROM idempotency_keys"
      " WHERE status IS NULL" },
    { "licenses.paid_fen = sum(payments) = sum(installments.paid_fen), installments add up",
      "SELECT count(*) || ' ' || coalesce(min(l.id)::text, '-') FROM licenses l"
      " LEFT JOIN (SELECT license_id, sum(amount_fen) AS fen FROM payments GROUP BY license_id) p"
      "   ON p.license_id = l.id"
      " LEFT JOIN (SELECT license_id, sum(paid_fen) AS paid, sum(amount_fen) AS due"
      "            FROM installments GROUP BY license_id) i ON i.license_id = l.id"
      " WHERE l.paid_fen <> coalesce(p.fen, 0) OR l.paid_fen <> coalesce(i.paid, 0)"
      "    OR l.total_fen <> coalesce(i.due, 0)" },
    { "a trial is converted exactly when it has a license, and then one, its own",
      "SELECT count(*) || ' ' || coalesce(min(t.id)::text, '-') FROM trials t"
      " LEFT JOIN (SELECT trial_id, count(*) AS n, min(id) AS id FROM licenses GROUP BY trial_id) l"
      "   ON l.trial_id = t.id"
      " WHERE (t.status = 'converted') <> (l.n IS NOT NULL) OR l.n > 1"
      "    OR (t.status = 'converted' AND t.license_id IS DISTINCT FROM l.id)" },
    { "every payment has its audit event",
      "SELECT count(*) || ' ' || coalesce(min(p.reference), '-') FROM payments p"
      " WHERE NOT EXISTS (SELECT 1 FROM audit_events a WHERE a.entity = 'payment'"
      "   AND a.entity_id = p.id AND a.action = 'payment.record')" },
    { "every license has its audit event",
      "SELECT count(*) || ' ' || coalesce(min(l.id)::text, '-') FROM licenses l"
      " WHERE NOT EXISTS (SELECT 1 FROM audit_events a WHERE a.entity = 'license'"
      "   AND a.entity_id = l.id AND a.action = 'license.sign')" },
};

static const char TOTALS_RULE[] =
    "SELECT count(*) || ' ' || coalesce(min(l.id)::text, '-') FROM licenses l"
    " JOIN (SELECT target, sum(amount_fen) AS fen FROM fault_client_log WHERE kind = 'payment'"
    "       GROUP BY target) c ON c.target = l.id"
    " WHERE l.paid_fen <> c.fen";

/* Writes the log's writes into fault_client_log (replacing what was there). */
static void ledger_load(const struct load *load)
{
    json_t *rows = json_array();
    for (int k = 0; k < LOAD_CLIENTS; k++) {
        const struct client *c = &load->clients[k];
        for (size_t i = 0; i < c->count; i++) {
            const struct op *op = &c->ops[i];
            if (op->key[0] == '\0')
                continue;
            json_t *reply = op->body != NULL ? json_loads(op->body, 0, NULL) : NULL;
            json_array_append_new(rows, json_pack("{s:s, s:I, s:s, s:i, s:b, s:o?}", "kind",
                                                  op->kind == OP_PAYMENT ? "payment" : "convert",
                                                  "target", (json_int_t)op->target, "key", op->key,
                                                  "amount_fen", op->amount_fen, "acked",
                                                  op_succeeded(op), "reply", reply));
        }
    }
    char *text = json_dumps(rows, JSON_COMPACT);
    json_decref(rows);
    ck_assert_ptr_nonnull(text);
    harness_sql("CREATE TABLE IF NOT EXISTS fault_client_log (kind text NOT NULL,"
                " target bigint NOT NULL, key text PRIMARY KEY, amount_fen bigint NOT NULL,"
                " acked boolean NOT NULL, reply jsonb); TRUNCATE fault_client_log");
    const char *params[] = { text };
    PGresult *res = PQexecParams(
        harness_db(),
        "INSERT INTO fault_client_log SELECT * FROM jsonb_to_recordset($1::jsonb)"
        " AS r(kind text, target bigint, key text, amount_fen bigint, acked boolean, reply jsonb)",
        1, NULL, params, NULL, NULL, 0);
    ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK, "loading the client log: %s",
                  PQerrorMessage(harness_db()));
    PQclear(res);
    free(text);
}

/* One line for the run's log: how the faults fell. */
static void ledger_summary(const struct load *load)
{
    printf(
        "%s: %s\n", load->clients[0].prefix,
        harness_sql(
            "SELECT count(*) || ' writes, ' || count(*) FILTER (WHERE acked) || ' acknowledged, '"
            " || count(*) FILTER (WHERE NOT acked) || ' unacknowledged, of which '"
            " || count(*) FILTER (WHERE NOT acked AND EXISTS (SELECT 1 FROM idempotency_keys k"
            "    WHERE k.key = c.key AND k.status IS NOT NULL)) || ' had been applied'"
            " FROM fault_client_log c"));
    fflush(stdout);
}

static void rule_holds(const char *rule, const char *sql)
{
    const char *result = harness_sql(sql);
    ck_assert_msg(result != NULL && strncmp(result, "0 ", 2) == 0,
                  "%s: violated (count, first): %s", rule, result != NULL ? result : "NULL");
}

void ledger_check(const struct load *load, bool all_acknowledged)
{
    ledger_load(load);
    ck_assert_msg(atoi(harness_sql("SELECT count(*) FROM fault_client_log")) > 0,
                  "the clients wrote nothing");
    ledger_summary(load);
    for (size_t i = 0; i < sizeof RULES / sizeof RULES[0]; i++)
        rule_holds(RULES[i].rule, RULES[i].sql);
    if (!all_acknowledged)
        return;
    ck_assert_str_eq(harness_sql("SELECT count(*) FROM fault_client_log WHERE NOT acked"), "0");
    rule_holds("each license was paid the sum of the payments sent to it", TOTALS_RULE);
}

/* Sends op again under its key until no dead session holds the key. */
static void retry_one(struct op *op, const char *token)
{
    char path[96];
    char body[512];
    op_request(op, path, sizeof path, body, sizeof body);
    char key_header[80];
    snprintf(key_header, sizeof key_header, "Idempotency-Key: %s", op->key);
    const char *headers[] = { key_header, NULL };
    for (int poll = 0; poll < RETRY_POLLS; poll++) {
        struct http_reply *r = http_call("POST", path, token, body, headers);
        ck_assert_msg(r != NULL, "retry of %s: no reply", op->key);
        bool in_flight = r->status == 409 && strcmp(problem_code(r), "idempotency_conflict") == 0;
        if (!in_flight) {
            ck_assert_msg(r->status == 201, "retry of %s: %ld %s", op->key, r->status, r->body);
            if (op->body != NULL)
                ck_assert_msg(strcmp(op->body, r->body) == 0, "retry of %s replayed\n%s\nnot\n%s",
                              op->key, r->body, op->body);
            else
                op->body = strdup(r->body);
            op->status = r->status;
        }
        http_reply_free(r);
        if (!in_flight)
            return;
        nanosleep(&(struct timespec){ .tv_nsec = 20 * 1000 * 1000 }, NULL);
    }
    ck_abort_msg("%s stayed in flight", op->key);
}

void ledger_retry(struct load *load)
{
    for (int k = 0; k < LOAD_CLIENTS; k++) {
        struct client *c = &load->clients[k];
        for (size_t i = 0; i < c->count; i++)
            if (c->ops[i].key[0] != '\0')
                retry_one(&c->ops[i], c->token);
    }
}
