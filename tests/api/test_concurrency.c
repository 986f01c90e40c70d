/* test_concurrency: real parallel clients (one thread and one curl handle per request) against
 * a real daemon — simultaneous payments all land, simultaneous approvals on an exclusive
 * achievement leave one active trial, one conversion sent many times under one key signs one
 * license, fifty conversions and acceptances on one trial sign one license, fifty takes of an
 * open license by one enterprise give one — and a daemon killed while payments are being recorded leaves whole books. */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fixtures.h"
#include "harness.h"

#define TODAY "2026-03-01"
#define PARALLEL 20
#define SHOTS_MAX 50

static void setup(void)
{
    static const char *const env[] = { "TECHPOOL_TODAY=" TODAY, NULL };
    harness_start("concurrency", env);
    fixture_set_today(TODAY);
}

static void setup_own_daemon(void)
{
    static const char *const env[] = { "TECHPOOL_TODAY=" TODAY, NULL };
    harness_start("concurrency_crash", env);
    fixture_set_today(TODAY);
}

static void teardown(void)
{
    ck_assert_int_eq(harness_stop(), 0);
}

/* One request of a burst: all threads wait at the barrier, then send at once. */
struct shot {
    pthread_barrier_t *start;
    const char *token;
    char path[96];
    char body[512];
    char key_header[128]; /* "" for none */
    struct http_reply *reply;
};

static void *shoot(void *arg)
{
    struct shot *s = arg;
    const char *headers[] = { s->key_header, NULL };
    pthread_barrier_wait(s->start);
    s->reply = http_call("POST", s->path, s->token, s->body, s->key_header[0] ? headers : NULL);
    return NULL;
}

/* Sends every shot at once and waits for all replies. */
static void fire(struct shot *shots, size_t count)
{
    pthread_t threads[SHOTS_MAX];
    pthread_barrier_t start;
    ck_assert(count <= SHOTS_MAX);
    pthread_barrier_init(&start, NULL, (unsigned)count);
    for (size_t i = 0; i < count; i++) {
        shots[i].start = &start;
        ck_assert_int_eq(pthread_create(&threads[i], NULL, shoot, &shots[i]), 0);
    }
    for (size_t i = 0; i < count; i++)
        pthread_join(threads[i], NULL);
    pthread_barrier_destroy(&start);
    for (size_t i = 0; i < count; i++)
        ck_assert_msg(shots[i].reply != NULL, "shot %zu got no reply", i);
}

static void shots_free(struct shot *shots, size_t count)
{
    for (size_t i = 0; i < count; i++)
        http_reply_free(shots[i].reply);
}

START_TEST(twenty_simultaneous_one_fen_payments_are_all_recorded)
{
    struct fixture_user inst = fixture_institution("SH");
    struct fixture_user ent = fixture_enterprise("SH");
    int64_t license = fixture_license(&ent, &inst,
                                      fixture_listed_achievement(inst.org_id, 12, false), 30,
                                      "[{\"due_on\":\"2026-04-01\",\"amount_fen\":5},"
                                      "{\"due_on\":\"2026-05-01\",\"amount_fen\":25}]");
    struct shot shots[PARALLEL] = { 0 };
    for (int i = 0; i < PARALLEL; i++) {
        shots[i].token = inst.token;
        snprintf(shots[i].path, sizeof shots[i].path, "/api/v1/licenses/%lld/payments",
                 (long long)license);
        snprintf(shots[i].body, sizeof shots[i].body,
                 "{\"amount_fen\":1,\"paid_on\":\"" TODAY "\",\"reference\":\"fen-%d\"}", i);
    }
    fire(shots, PARALLEL);
    for (int i = 0; i < PARALLEL; i++)
        ck_assert_msg(shots[i].reply->status == 201, "payment %d: %ld %s", i,
                      shots[i].reply->status, shots[i].reply->body);
    shots_free(shots, PARALLEL);
    ck_assert_str_eq(fixture_sql("SELECT paid_fen || '/' || (SELECT count(DISTINCT reference)"
                                 " FROM payments WHERE license_id = %1$lld) || '/' ||"
                                 " (SELECT string_agg(paid_fen::text, ',' ORDER BY seq) FROM"
                                 " installments WHERE license_id = %1$lld) FROM licenses"
                                 " WHERE id = %1$lld",
                                 (long long)license),
                     "20/20/5,15");
}
END_TEST

START_TEST(simultaneous_approvals_on_an_exclusive_achievement_leave_one_active)
{
    struct fixture_user inst = fixture_institution("JS");
    struct fixture_user first = fixture_enterprise("JS");
    struct fixture_user second = fixture_enterprise("ZJ");
    for (int round = 0; round < 5; round++) {
        int64_t achievement = fixture_listed_achievement(inst.org_id, 12, true);
        int64_t trials[2] = { fixture_trial_requested(&first, achievement, 6),
                              fixture_trial_requested(&second, achievement, 6) };
        struct shot shots[2] = { 0 };
        for (int i = 0; i < 2; i++) {
            shots[i].token = inst.token;
            snprintf(shots[i].path, sizeof shots[i].path, "/api/v1/trials/%lld/approve",
                     (long long)trials[i]);
            snprintf(shots[i].body, sizeof shots[i].body, "{}");
        }
        fire(shots, 2);
        int approved = 0;
        for (int i = 0; i < 2; i++) {
            if (shots[i].reply->status == 200)
                approved++;
            else
                ck_assert_msg(shots[i].reply->status == 409 &&
                                  strcmp(problem_code(shots[i].reply), "conflict") == 0,
                              "round %d: %ld %s", round, shots[i].reply->status,
                              shots[i].reply->body);
        }
        shots_free(shots, 2);
        ck_assert_int_eq(approved, 1);
        ck_assert_str_eq(fixture_sql("SELECT count(*) FROM trials WHERE achievement_id = %lld"
                                     " AND status = 'active'",
                                     (long long)achievement),
                         "1");
    }
}
END_TEST

START_TEST(one_conversion_sent_twenty_times_under_one_key_signs_one_license)
{
    struct fixture_user inst = fixture_institution("ZJ");
    struct fixture_user ent = fixture_enterprise("AH");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, true);
    int64_t trial = fixture_trial_active(&ent, &inst, achievement, 6);
    struct shot shots[PARALLEL] = { 0 };
    for (int i = 0; i < PARALLEL; i++) {
        shots[i].token = inst.token;
        snprintf(shots[i].path, sizeof shots[i].path, "/api/v1/trials/%lld/convert",
                 (long long)trial);
        snprintf(shots[i].body, sizeof shots[i].body,
                 "{\"payment_mode\":\"lump_sum\",\"total_fen\":990000,\"installments\":"
                 "[{\"due_on\":\"2026-12-31\",\"amount_fen\":990000}]}");
        snprintf(shots[i].key_header, sizeof shots[i].key_header, "Idempotency-Key: convert-%lld",
                 (long long)trial);
    }
    fire(shots, PARALLEL);
    const struct http_reply *created = NULL;
    for (int i = 0; i < PARALLEL; i++) {
        const struct http_reply *r = shots[i].reply;
        if (r->status == 201) {
            if (created == NULL)
                created = r;
            ck_assert_msg(r->body_len == created->body_len &&
                              memcmp(r->body, created->body, r->body_len) == 0,
                          "replies differ:\n%s\n%s", r->body, created->body);
        } else {
            ck_assert_msg(r->status == 409 && strcmp(problem_code(r), "idempotency_conflict") == 0,
                          "shot %d: %ld %s", i, r->status, r->body);
        }
    }
    ck_assert_msg(created != NULL, "no conversion succeeded");
    shots_free(shots, PARALLEL);
    ck_assert_str_eq(fixture_sql("SELECT count(*) FROM licenses WHERE trial_id = %lld",
                                 (long long)trial),
                     "1");
}
END_TEST

START_TEST(fifty_converts_and_accepts_on_one_trial_sign_one_license)
{
    struct fixture_user inst = fixture_institution("SH");
    struct fixture_user ent = fixture_enterprise("JS");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, true);
    int64_t trial = fixture_trial_active(&ent, &inst, achievement, 6);
    struct http_reply *r =
        fixture_expect(&inst, "POST", fixture_text("/api/v1/trials/%lld/convert", (long long)trial),
                       "{\"payment_mode\":\"lump_sum\",\"total_fen\":990000,\"installments\":"
                       "[{\"due_on\":\"2026-12-31\",\"amount_fen\":990000}]}",
                       201, NULL);
    long long proposal = json_integer_value(json_object_get(json_object_get(r->json, "license"),
                                                            "id"));
    http_reply_free(r);
    /* the enterprise's conversions at the agreed terms race its acceptances of the proposal */
    struct shot shots[SHOTS_MAX] = { 0 };
    for (int i = 0; i < SHOTS_MAX; i++) {
        shots[i].token = ent.token;
        if (i % 2 == 0)
            snprintf(shots[i].path, sizeof shots[i].path, "/api/v1/trials/%lld/convert",
                     (long long)trial);
        else
            snprintf(shots[i].path, sizeof shots[i].path, "/api/v1/licenses/%lld/accept", proposal);
        snprintf(shots[i].body, sizeof shots[i].body, "{}");
    }
    fire(shots, SHOTS_MAX);
    int signed_count = 0;
    for (int i = 0; i < SHOTS_MAX; i++) {
        const struct http_reply *shot = shots[i].reply;
        if (shot->status == 200 || shot->status == 201)
            signed_count++;
        else
            ck_assert_msg(shot->status == 409, "shot %d: %ld %s", i, shot->status, shot->body);
    }
    shots_free(shots, SHOTS_MAX);
    ck_assert_int_eq(signed_count, 1);
    ck_assert_str_eq(fixture_sql("SELECT count(*) FROM licenses WHERE trial_id = %lld"
                                 " AND status = 'active'",
                                 (long long)trial),
                     "1");
    ck_assert_str_eq(fixture_sql("SELECT t.status || ' ' || (t.license_id = l.id)"
                                 " FROM trials t JOIN licenses l ON l.trial_id = t.id"
                                 " AND l.status = 'active' WHERE t.id = %lld",
                                 (long long)trial),
                     "converted true");
}
END_TEST

START_TEST(fifty_takes_of_one_open_license_by_one_enterprise_give_one_license)
{
    struct fixture_user inst = fixture_institution("AH");
    struct fixture_user ent = fixture_enterprise("SH");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    fixture_sql("UPDATE achievements SET patent_numbers = '{ZL202110123456.7}' WHERE id = %lld",
                (long long)achievement);
    struct http_reply *r = fixture_expect(
        &inst, "POST",
        fixture_text("/api/v1/achievements/%lld/open-licenses", (long long)achievement),
        "{\"patent_numbers\":[\"ZL202110123456.7\"],\"fee_kind\":\"lump_sum\","
        "\"fee_fen\":500000,\"years\":3}",
        201, NULL);
    long long declaration = json_integer_value(json_object_get(r->json, "id"));
    http_reply_free(r);
    struct shot shots[SHOTS_MAX] = { 0 };
    for (int i = 0; i < SHOTS_MAX; i++) {
        shots[i].token = ent.token;
        snprintf(shots[i].path, sizeof shots[i].path, "/api/v1/open-licenses/%lld/take",
                 declaration);
        snprintf(shots[i].body, sizeof shots[i].body, "{}");
    }
    fire(shots, SHOTS_MAX);
    int taken = 0;
    for (int i = 0; i < SHOTS_MAX; i++) {
        const struct http_reply *shot = shots[i].reply;
        if (shot->status == 201)
            taken++;
        else
            ck_assert_msg(shot->status == 409 && strcmp(problem_code(shot), "conflict") == 0,
                          "shot %d: %ld %s", i, shot->status, shot->body);
    }
    shots_free(shots, SHOTS_MAX);
    ck_assert_int_eq(taken, 1);
    ck_assert_str_eq(fixture_sql("SELECT count(*) FROM licenses WHERE open_license_id = %lld",
                                 declaration),
                     "1");
}
END_TEST

/* The crash test: workers record payments, each under its own Idempotency-Key and reference,
 * until the daemon is killed under them. */
#define CRASH_WORKERS 4
#define CRASH_REQUESTS_MAX 500
#define CRASH_AFTER_ACKNOWLEDGED 40

struct crash_worker {
    int index;
    const char *token;
    char path[96];
    int sent;                        /* requests attempted, the last maybe cut off */
    long status[CRASH_REQUESTS_MAX]; /* 0: no reply (the daemon died) */
};

static atomic_int acknowledged;

static void crash_request(int worker, int i, char body[160], char key_header[64])
{
    snprintf(body, 160,
             "{\"amount_fen\":%d,\"paid_on\":\"" TODAY "\",\"reference\":"
             "\"crash-%d-%d\"}",
             1 + i % 7, worker, i);
    snprintf(key_header, 64, "Idempotency-Key: crash-%d-%d", worker, i);
}

static void *pay_until_the_daemon_dies(void *arg)
{
    struct crash_worker *w = arg;
    for (int i = 0; i < CRASH_REQUESTS_MAX; i++) {
        char body[160];
        char key_header[64];
        crash_request(w->index, i, body, key_header);
        const char *headers[] = { key_header, NULL };
        w->sent = i + 1;
        struct http_reply *r = http_call("POST", w->path, w->token, body, headers);
        if (r == NULL)
            break;
        w->status[i] = r->status;
        http_reply_free(r);
        if (w->status[i] == 201)
            atomic_fetch_add(&acknowledged, 1);
    }
    return NULL;
}

/* Sends a request again under its key until the daemon answers it (a killed daemon's database
 * session may hold the key for a moment): 201 whether it ran before or not. */
static void crash_retry(const struct crash_worker *w, int i)
{
    char body[160];
    char key_header[64];
    crash_request(w->index, i, body, key_header);
    const char *headers[] = { key_header, NULL };
    for (int attempt = 0; attempt < 100; attempt++) {
        struct http_reply *r = http_call("POST", w->path, w->token, body, headers);
        ck_assert_ptr_nonnull(r);
        long status = r->status;
        bool busy = status == 409 && strcmp(problem_code(r), "idempotency_conflict") == 0;
        ck_assert_msg(status == 201 || busy, "retry crash-%d-%d: %ld %s", w->index, i, status,
                      r->body);
        http_reply_free(r);
        if (status == 201)
            return;
        nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000 * 1000 }, NULL);
    }
    ck_abort_msg("crash-%d-%d stayed in flight", w->index, i);
}

static long long recorded(int worker, int i)
{
    return atoll(fixture_sql("SELECT count(*) FROM payments WHERE reference = 'crash-%d-%d'",
                             worker, i));
}

START_TEST(killed_daemon_leaves_every_acknowledged_payment_once_and_whole_books)
{
    struct fixture_user inst = fixture_institution("AH");
    struct fixture_user ent = fixture_enterprise("SH");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    int64_t license = fixture_license(&ent, &inst, achievement, 1000000,
                                      "[{\"due_on\":\"2026-04-01\",\"amount_fen\":50},"
                                      "{\"due_on\":\"2026-05-01\",\"amount_fen\":150},"
                                      "{\"due_on\":\"2026-06-01\",\"amount_fen\":999800}]");
    static struct crash_worker workers[CRASH_WORKERS];
    pthread_t threads[CRASH_WORKERS];
    for (int k = 0; k < CRASH_WORKERS; k++) {
        workers[k] = (struct crash_worker){ .index = k, .token = inst.token };
        snprintf(workers[k].path, sizeof workers[k].path, "/api/v1/licenses/%lld/payments",
                 (long long)license);
        ck_assert_int_eq(pthread_create(&threads[k], NULL, pay_until_the_daemon_dies, &workers[k]),
                         0);
    }
    for (int wait = 0; wait < 1000 && atomic_load(&acknowledged) < CRASH_AFTER_ACKNOWLEDGED; wait++)
        nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
    harness_kill();
    for (int k = 0; k < CRASH_WORKERS; k++)
        pthread_join(threads[k], NULL);
    ck_assert_int_ge(atomic_load(&acknowledged), CRASH_AFTER_ACKNOWLEDGED);
    static const char *const env[] = { "TECHPOOL_TODAY=" TODAY, NULL };
    harness_restart(env);

    /* every acknowledged payment exactly once; an unanswered one at most once */
    long long expected_fen = 0;
    for (int k = 0; k < CRASH_WORKERS; k++) {
        ck_assert_int_lt(workers[k].sent, CRASH_REQUESTS_MAX);
        for (int i = 0; i < workers[k].sent; i++) {
            long status = workers[k].status[i];
            ck_assert_msg(status == 201 || status == 0, "crash-%d-%d: %ld", k, i, status);
            long long n = recorded(k, i);
            ck_assert_msg(status == 201 ? n == 1 : n <= 1, "crash-%d-%d (%ld) stored %lld times", k,
                          i, status, n);
            expected_fen += 1 + i % 7;
        }
    }
    const char *books = "SELECT l.paid_fen = (SELECT coalesce(sum(amount_fen), 0) FROM payments"
                        " WHERE license_id = l.id) AND l.paid_fen = (SELECT sum(paid_fen) FROM"
                        " installments WHERE license_id = l.id) FROM licenses l WHERE id = %lld";
    ck_assert_str_eq(fixture_sql(books, (long long)license), "t");

    /* the unanswered ones, sent again under their keys, complete without doubling anything */
    for (int k = 0; k < CRASH_WORKERS; k++)
        for (int i = 0; i < workers[k].sent; i++)
            if (workers[k].status[i] == 0 || i == 0)
                crash_retry(&workers[k], i);
    for (int k = 0; k < CRASH_WORKERS; k++)
        for (int i = 0; i < workers[k].sent; i++)
            ck_assert_msg(recorded(k, i) == 1, "crash-%d-%d not stored once", k, i);
    ck_assert_str_eq(fixture_sql(books, (long long)license), "t");
    ck_assert_int_eq(atoll(fixture_sql("SELECT paid_fen FROM licenses WHERE id = %lld",
                                       (long long)license)),
                     expected_fen);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("concurrency");
    TCase *tc = tcase_create("concurrency");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, twenty_simultaneous_one_fen_payments_are_all_recorded);
    tcase_add_test(tc, simultaneous_approvals_on_an_exclusive_achievement_leave_one_active);
    tcase_add_test(tc, one_conversion_sent_twenty_times_under_one_key_signs_one_license);
    tcase_add_test(tc, fifty_converts_and_accepts_on_one_trial_sign_one_license);
    tcase_add_test(tc, fifty_takes_of_one_open_license_by_one_enterprise_give_one_license);
    suite_add_tcase(s, tc);
    TCase *crash = tcase_create("crash");
    tcase_add_checked_fixture(crash, setup_own_daemon, teardown);
    tcase_set_timeout(crash, 180);
    tcase_add_test(crash, killed_daemon_leaves_every_acknowledged_payment_once_and_whole_books);
    suite_add_tcase(s, crash);
    return harness_run_suite(s);
}
