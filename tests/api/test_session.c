/* test_session: signing in and out — tokens and cookies, the same 401 for every wrong
 * credential, throttling per account and per client with 429 and Retry-After, password rehash,
 * logout, idle expiry, GET /me, and the cookie's cross-origin guard. */
#include <check.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define TOKEN_LENGTH 43

static void setup(void)
{
    harness_start("session", NULL);
}

static void setup_tls(void)
{
    static char origin[] = "TECHPOOL_PUBLIC_ORIGIN=https://pool.example";
    const char *extra[] = { origin, NULL };
    harness_start("session_tls", extra);
}

static void teardown(void)
{
    ck_assert_int_eq(harness_stop(), 0);
}

static const char *sql_value(const char *format, ...) __attribute__((format(printf, 1, 2)));

static const char *sql_value(const char *format, ...)
{
    char sql[2048];
    va_list args;
    va_start(args, format);
    vsnprintf(sql, sizeof sql, format, args);
    va_end(args);
    return harness_sql(sql);
}

static long sql_count(const char *format, const char *arg)
{
    char sql[2048];
    snprintf(sql, sizeof sql, format, arg);
    const char *value = harness_sql(sql);
    ck_assert_ptr_nonnull(value);
    return atol(value);
}

/* POST /api/v1/session with extra headers (NULL-terminated, or NULL). */
static struct http_reply *login(const char *email, const char *password, const char *const *headers)
{
    json_t *body = json_pack("{s:s, s:s}", "email", email, "password", password);
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    struct http_reply *r = http_call("POST", "/api/v1/session", NULL, text, headers);
    free(text);
    ck_assert_ptr_nonnull(r);
    return r;
}

/* Signs in from a forwarded client address (the daemon trusts X-Forwarded-For from loopback). */
static struct http_reply *login_from(const char *address, const char *email, const char *password)
{
    char header[128];
    snprintf(header, sizeof header, "X-Forwarded-For: %s", address);
    const char *headers[] = { header, NULL };
    return login(email, password, headers);
}

/* Adds an enterprise user with a fresh enterprise directly in the database; returns its id. */
static long user_add(const char *email, const char *password, const char *role)
{
    char hash[crypto_pwhash_STRBYTES];
    ck_assert_int_eq(crypto_pwhash_str(hash, password, strlen(password),
                                       crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                       crypto_pwhash_MEMLIMIT_INTERACTIVE),
                     0);
    const char *id;
    if (strcmp(role, "enterprise") == 0)
        id = sql_value("WITH e AS (INSERT INTO enterprises (name, credit_code, province, "
                       "scale, contact_name) VALUES ('企业 %1$s', upper(substr(md5('%1$s'), 1, 8)) "
                       "|| '0000000000', 'JS', 'small', '联系人') RETURNING id) "
                       "INSERT INTO users (email, password_hash, role, enterprise_id, "
                       "contact_name) SELECT '%1$s', '%2$s', 'enterprise', e.id, '联系人' "
                       "FROM e RETURNING id",
                       email, hash);
    else
        id = sql_value("WITH i AS (INSERT INTO institutions (name, province, kind, "
                       "contact_name) VALUES ('大学 %1$s', 'SH', 'university', '联系人') "
                       "RETURNING id) INSERT INTO users (email, password_hash, role, "
                       "institution_id, contact_name) SELECT '%1$s', '%2$s', 'institution', "
                       "i.id, '联系人' FROM i RETURNING id",
                       email, hash);
    ck_assert_ptr_nonnull(id);
    return atol(id);
}

static char *token_of(const struct http_reply *r)
{
    ck_assert_int_eq(r->status, 200);
    const char *token = json_string_value(json_object_get(r->json, "token"));
    ck_assert_ptr_nonnull(token);
    return strdup(token);
}

static long me_status(const char *token)
{
    struct http_reply *r = http_get("/api/v1/me", token);
    long status = r->status;
    http_reply_free(r);
    return status;
}

/* GET /api/v1/me sending the token as the session cookie. */
static long me_status_by_cookie(const char *token)
{
    char cookie[128];
    snprintf(cookie, sizeof cookie, "Cookie: techpool_session=%s", token);
    const char *headers[] = { cookie, NULL };
    struct http_reply *r = http_call("GET", "/api/v1/me", NULL, NULL, headers);
    long status = r->status;
    http_reply_free(r);
    return status;
}

START_TEST(login_returns_the_user_a_token_and_an_http_only_cookie)
{
    long logins_before = sql_count("SELECT count(*) FROM audit_events WHERE action = "
                                   "'session.create' AND actor_id = (SELECT id FROM users WHERE "
                                   "email = '%s')",
                                   HARNESS_ADMIN_EMAIL);
    struct http_reply *r = login(HARNESS_ADMIN_EMAIL, HARNESS_ADMIN_PASSWORD, NULL);
    ck_assert_int_eq(r->status, 200);
    json_t *user = json_object_get(r->json, "user");
    ck_assert_str_eq(json_string_value(json_object_get(user, "email")), HARNESS_ADMIN_EMAIL);
    ck_assert_str_eq(json_string_value(json_object_get(user, "role")), "admin");
    ck_assert_msg(json_object_get(user, "password_hash") == NULL, "the reply has the hash");
    ck_assert_msg(strstr(r->body, "argon2") == NULL, "the reply shows a password hash");
    char *token = token_of(r);
    ck_assert_int_eq(strlen(token), TOKEN_LENGTH);
    char expected[160];
    snprintf(expected, sizeof expected, "techpool_session=%s; HttpOnly; SameSite=Strict; Path=/",
             token);
    ck_assert_str_eq(http_header(r, "Set-Cookie"), expected);
    /* stored only as its SHA-256 */
    ck_assert_int_eq(sql_count("SELECT count(*) FROM sessions WHERE token_hash = "
                               "sha256(convert_to('%s', 'UTF8'))",
                               token),
                     1);
    ck_assert_int_eq(sql_count("SELECT count(*) FROM audit_events WHERE action = "
                               "'session.create' AND actor_id = (SELECT id FROM users WHERE "
                               "email = '%s')",
                               HARNESS_ADMIN_EMAIL),
                     logins_before + 1);
    ck_assert_int_eq(me_status(token), 200);
    free(token);
    http_reply_free(r);
}
END_TEST

START_TEST(every_login_gets_a_new_token_and_both_work)
{
    struct http_reply *a = login(HARNESS_ADMIN_EMAIL, HARNESS_ADMIN_PASSWORD, NULL);
    struct http_reply *b = login(HARNESS_ADMIN_EMAIL, HARNESS_ADMIN_PASSWORD, NULL);
    char *first = token_of(a);
    char *second = token_of(b);
    ck_assert_str_ne(first, second);
    ck_assert_int_eq(me_status(first), 200);
    ck_assert_int_eq(me_status(second), 200);
    free(first);
    free(second);
    http_reply_free(a);
    http_reply_free(b);
}
END_TEST

START_TEST(email_is_matched_without_regard_to_case_or_surrounding_spaces)
{
    struct http_reply *r = login(" ROOT@Techpool.TEST ", HARNESS_ADMIN_PASSWORD, NULL);
    ck_assert_int_eq(r->status, 200);
    http_reply_free(r);
}
END_TEST

START_TEST(wrong_password_and_unknown_email_get_the_same_401)
{
    user_add("same401@ent.test", "right-password-1", "enterprise");
    struct http_reply *wrong = login_from("192.0.2.10", "same401@ent.test", "wrong-password-1");
    struct http_reply *unknown = login_from("192.0.2.10", "nobody@ent.test", "wrong-password-1");
    ck_assert_int_eq(wrong->status, 401);
    ck_assert_int_eq(unknown->status, 401);
    ck_assert_str_eq(problem_code(wrong), "unauthenticated");
    ck_assert_str_eq(wrong->body, unknown->body);
    ck_assert_str_eq(http_header(wrong, "Content-Type"), "application/problem+json");
    ck_assert_ptr_null(http_header(wrong, "Set-Cookie"));
    ck_assert_int_eq(sql_count("SELECT count(*) FROM sessions WHERE user_id = (SELECT id FROM "
                               "users WHERE email = '%s')",
                               "same401@ent.test"),
                     0);
    http_reply_free(wrong);
    http_reply_free(unknown);
}
END_TEST

START_TEST(disabled_user_gets_the_same_401_as_a_wrong_password)
{
    user_add("disabled@ent.test", "right-password-1", "enterprise");
    struct http_reply *wrong = login_from("192.0.2.11", "disabled@ent.test", "wrong-password-1");
    harness_sql("UPDATE users SET disabled = true WHERE email = 'disabled@ent.test'");
    struct http_reply *r = login_from("192.0.2.11", "disabled@ent.test", "right-password-1");
    ck_assert_int_eq(r->status, 401);
    ck_assert_str_eq(r->body, wrong->body);
    http_reply_free(wrong);
    http_reply_free(r);
}
END_TEST

START_TEST(disabling_a_user_ends_its_sessions_at_once)
{
    user_add("disable-me@ent.test", "right-password-1", "enterprise");
    struct http_reply *r = login("disable-me@ent.test", "right-password-1", NULL);
    char *token = token_of(r);
    ck_assert_int_eq(me_status(token), 200);
    harness_sql("UPDATE users SET disabled = true WHERE email = 'disable-me@ent.test'");
    ck_assert_int_eq(me_status(token), 401);
    free(token);
    http_reply_free(r);
}
END_TEST

START_TEST(login_with_bad_input_is_refused_before_any_check)
{
    struct http_reply *r = http_post("/api/v1/session", NULL,
                                     "{\"email\":\"a@b.cn\",\"password\":\"x\",\"remember\":true}");
    ck_assert_int_eq(r->status, 400);
    ck_assert_str_eq(problem_code(r), "bad_request");
    http_reply_free(r);

    r = http_post("/api/v1/session", NULL, "{\"email\":\"a@b.cn\",");
    ck_assert_int_eq(r->status, 400);
    ck_assert_str_eq(problem_code(r), "invalid_json");
    http_reply_free(r);

    const char *plain = "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                        "Content-Type: text/plain\r\nContent-Length: 33\r\n\r\n"
                        "{\"email\":\"a@b.cn\",\"password\":\"x\"}";
    char *raw = http_raw(plain, strlen(plain));
    ck_assert_msg(strncmp(raw, "HTTP/1.1 415 ", 13) == 0, "expected 415: %.60s", raw);
    ck_assert_ptr_nonnull(strstr(raw, "unsupported_media_type"));
    free(raw);

    r = http_post("/api/v1/session", NULL, "{\"email\":\"a@b.cn\"}");
    ck_assert_int_eq(r->status, 422);
    ck_assert_str_eq(problem_code(r), "invalid_field");
    json_t *error = json_array_get(json_object_get(r->json, "errors"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(error, "field")), "password");
    http_reply_free(r);

    r = http_post("/api/v1/session", NULL, "{\"email\":42,\"password\":\"0123456789a\"}");
    ck_assert_int_eq(r->status, 422);
    error = json_array_get(json_object_get(r->json, "errors"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(error, "field")), "email");
    http_reply_free(r);
    /* none of these counted as a failed login */
    ck_assert_int_eq(sql_count("SELECT count(*) FROM login_failures WHERE key = '%s'",
                               "email:a@b.cn"),
                     0);
}
END_TEST

/* Retry-After of a 429 reply, as a number of seconds (aborts without one). */
static int retry_after_of(const struct http_reply *r)
{
    ck_assert_int_eq(r->status, 429);
    ck_assert_str_eq(problem_code(r), "rate_limited");
    const char *retry = http_header(r, "Retry-After");
    ck_assert_ptr_nonnull(retry);
    return atoi(retry);
}

START_TEST(failures_from_anywhere_never_lock_the_owner_out)
{
    user_add("guessed@ent.test", "right-password-1", "enterprise");
    /* a thousand guesses from a hundred addresses (ten each), as a hostile probe would */
    harness_sql("INSERT INTO login_failures (key, window_start, failures, last_at)"
                " SELECT login_pair_key('guessed@ent.test', '198.51.100.' || n), now(), 10, now()"
                " FROM generate_series(1, 100) n");
    for (int i = 0; i < 5; i++) {
        struct http_reply *r = login_from("198.51.100.200", "guessed@ent.test", "wrong-password-1");
        ck_assert_msg(r->status == 401, "attempt %d got %ld", i + 1, r->status);
        http_reply_free(r);
    }
    /* the owner, from an address without failures, gets in at once */
    struct http_reply *r = login_from("192.0.2.10", "guessed@ent.test", "right-password-1");
    ck_assert_int_eq(r->status, 200);
    http_reply_free(r);
    /* and so does an admin after ten failures from elsewhere */
    for (int i = 0; i < 10; i++) {
        char address[32];
        snprintf(address, sizeof address, "198.51.101.%d", i);
        http_reply_free(login_from(address, HARNESS_ADMIN_EMAIL, "wrong-password-1"));
    }
    r = login_from("192.0.2.11", HARNESS_ADMIN_EMAIL, HARNESS_ADMIN_PASSWORD);
    ck_assert_int_eq(r->status, 200);
    http_reply_free(r);
}
END_TEST

START_TEST(repeated_failures_from_one_address_wait_longer_each_time)
{
    user_add("slow@ent.test", "right-password-1", "enterprise");
    for (int i = 0; i < 5; i++) {
        struct http_reply *r = login_from("198.51.100.50", "slow@ent.test", "wrong-password-1");
        ck_assert_msg(r->status == 401, "free attempt %d got %ld", i + 1, r->status);
        http_reply_free(r);
    }
    /* the sixth failure opens a wait of 2 s: even the right password is not looked at */
    struct http_reply *r = login_from("198.51.100.50", "slow@ent.test", "wrong-password-1");
    ck_assert_int_eq(r->status, 401);
    http_reply_free(r);
    r = login_from("198.51.100.50", "slow@ent.test", "right-password-1");
    int wait = retry_after_of(r);
    ck_assert_msg(wait >= 1 && wait <= 2, "Retry-After %d", wait);
    ck_assert_ptr_null(http_header(r, "Set-Cookie"));
    http_reply_free(r);
    /* each failure doubles the wait, up to 15 minutes */
    harness_sql("UPDATE login_failures SET failures = 12, last_at = now()"
                " WHERE key = login_pair_key('slow@ent.test', '198.51.100.50')");
    r = login_from("198.51.100.50", "slow@ent.test", "right-password-1");
    wait = retry_after_of(r);
    ck_assert_msg(wait > 100 && wait <= 128, "Retry-After %d after 12 failures", wait);
    http_reply_free(r);
    harness_sql("UPDATE login_failures SET failures = 40, last_at = now()"
                " WHERE key = login_pair_key('slow@ent.test', '198.51.100.50')");
    r = login_from("198.51.100.50", "slow@ent.test", "right-password-1");
    wait = retry_after_of(r);
    ck_assert_msg(wait > 850 && wait <= 900, "Retry-After %d after 40 failures", wait);
    http_reply_free(r);
    /* once the wait is over the right password gets in and clears the pair's count */
    harness_sql("UPDATE login_failures SET last_at = now() - interval '16 minutes'"
                " WHERE key = login_pair_key('slow@ent.test', '198.51.100.50')");
    r = login_from("198.51.100.50", "slow@ent.test", "right-password-1");
    ck_assert_int_eq(r->status, 200);
    http_reply_free(r);
    ck_assert_int_eq(sql_count("SELECT count(*) FROM login_failures WHERE key ="
                               " login_pair_key('%s', '198.51.100.50')",
                               "slow@ent.test"),
                     0);
}
END_TEST

START_TEST(unknown_emails_are_throttled_like_known_ones)
{
    for (int i = 0; i < 6; i++) {
        struct http_reply *r = login_from("198.51.100.60", "ghost@ent.test", "wrong-password-1");
        ck_assert_int_eq(r->status, 401);
        http_reply_free(r);
    }
    struct http_reply *r = login_from("198.51.100.60", "ghost@ent.test", "wrong-password-1");
    ck_assert_int_ge(retry_after_of(r), 1);
    http_reply_free(r);
}
END_TEST

START_TEST(an_address_guessing_many_accounts_slows_down_for_all_of_them)
{
    /* 20 failures from one address are free, across any accounts; the 21st makes it wait */
    harness_sql("INSERT INTO login_failures (key, window_start, failures, last_at) "
                "VALUES ('addr:203.0.113.7', now(), 21, now())");
    struct http_reply *r = login_from("203.0.113.7", HARNESS_ADMIN_EMAIL, HARNESS_ADMIN_PASSWORD);
    ck_assert_int_ge(retry_after_of(r), 1);
    http_reply_free(r);
    r = login_from("203.0.113.8", HARNESS_ADMIN_EMAIL, HARNESS_ADMIN_PASSWORD);
    ck_assert_int_eq(r->status, 200);
    http_reply_free(r);

    harness_sql("INSERT INTO login_failures (key, window_start, failures, last_at) "
                "VALUES ('addr:203.0.113.9', now(), 19, now())");
    r = login_from("203.0.113.9", "nobody-else@ent.test", "wrong-password-1");
    ck_assert_int_eq(r->status, 401);
    http_reply_free(r);
    ck_assert_int_eq(sql_count("SELECT failures FROM login_failures WHERE key = '%s'",
                               "addr:203.0.113.9"),
                     20);
    r = login_from("203.0.113.9", HARNESS_ADMIN_EMAIL, HARNESS_ADMIN_PASSWORD);
    ck_assert_int_eq(r->status, 200); /* the 20th was still free */
    http_reply_free(r);
    r = login_from("203.0.113.9", "nobody-else@ent.test", "wrong-password-1");
    ck_assert_int_eq(r->status, 401);
    http_reply_free(r);
    r = login_from("203.0.113.9", HARNESS_ADMIN_EMAIL, HARNESS_ADMIN_PASSWORD);
    ck_assert_int_ge(retry_after_of(r), 1);
    http_reply_free(r);
}
END_TEST

START_TEST(the_client_is_the_last_forwarded_address_behind_a_local_proxy)
{
    struct http_reply *r = login_from("10.9.9.9, 192.0.2.77", "proxy@ent.test", "wrong-password-1");
    ck_assert_int_eq(r->status, 401);
    http_reply_free(r);
    ck_assert_int_eq(sql_count("SELECT count(*) FROM login_failures WHERE key = '%s'",
                               "addr:192.0.2.77"),
                     1);
    ck_assert_int_eq(sql_count("SELECT count(*) FROM login_failures WHERE key = '%s'",
                               "addr:10.9.9.9"),
                     0);
    /* an entry that is no address is ignored: the peer counts */
    const char *before = harness_sql("SELECT coalesce(sum(failures), 0) FROM login_failures "
                                     "WHERE key = 'addr:127.0.0.1'");
    long peer_before = atol(before);
    r = login_from("not-an-address", "proxy@ent.test", "wrong-password-1");
    ck_assert_int_eq(r->status, 401);
    http_reply_free(r);
    ck_assert_int_eq(sql_count("SELECT coalesce(sum(failures), 0) FROM login_failures "
                               "WHERE key = '%s'",
                               "addr:127.0.0.1"),
                     peer_before + 1);
}
END_TEST

START_TEST(a_weaker_password_hash_is_replaced_at_login)
{
    long id = user_add("rehash@ent.test", "right-password-1", "enterprise");
    char weak[crypto_pwhash_STRBYTES];
    const char *password = "right-password-1";
    ck_assert_int_eq(crypto_pwhash_str(weak, password, strlen(password), crypto_pwhash_OPSLIMIT_MIN,
                                       crypto_pwhash_MEMLIMIT_MIN),
                     0);
    sql_value("UPDATE users SET password_hash = '%s' WHERE id = %ld", weak, id);
    struct http_reply *r = login("rehash@ent.test", password, NULL);
    ck_assert_int_eq(r->status, 200);
    http_reply_free(r);
    const char *stored = sql_value("SELECT password_hash FROM users WHERE id = %ld", id);
    ck_assert_str_ne(stored, weak);
    ck_assert_int_eq(crypto_pwhash_str_needs_rehash(stored, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                                    crypto_pwhash_MEMLIMIT_INTERACTIVE),
                     0);
    ck_assert_str_eq(sql_value("SELECT after->>'password_rehashed' FROM audit_events WHERE "
                               "action = 'session.create' AND actor_id = %ld",
                               id),
                     "true");
    r = login("rehash@ent.test", password, NULL);
    ck_assert_int_eq(r->status, 200);
    http_reply_free(r);
}
END_TEST

START_TEST(logout_ends_the_bearer_token_at_once_and_clears_the_cookie)
{
    user_add("logout@ent.test", "right-password-1", "enterprise");
    struct http_reply *r = login("logout@ent.test", "right-password-1", NULL);
    char *token = token_of(r);
    http_reply_free(r);
    ck_assert_int_eq(me_status(token), 200);
    r = http_call("DELETE", "/api/v1/session", token, NULL, NULL);
    ck_assert_int_eq(r->status, 204);
    ck_assert_int_eq(r->body_len, 0);
    ck_assert_str_eq(http_header(r, "Set-Cookie"),
                     "techpool_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    http_reply_free(r);
    ck_assert_int_eq(me_status(token), 401);
    ck_assert_int_eq(sql_count("SELECT count(*) FROM sessions WHERE token_hash = "
                               "sha256(convert_to('%s', 'UTF8'))",
                               token),
                     0);
    ck_assert_int_eq(sql_count("SELECT count(*) FROM audit_events WHERE action = "
                               "'session.delete' AND actor_id = (SELECT id FROM users WHERE "
                               "email = '%s')",
                               "logout@ent.test"),
                     1);
    /* the ended token is refused, not silently anonymous */
    r = http_call("DELETE", "/api/v1/session", token, NULL, NULL);
    ck_assert_int_eq(r->status, 401);
    http_reply_free(r);
    free(token);
}
END_TEST

START_TEST(logout_by_cookie_ends_that_session_only)
{
    user_add("cookie-out@ent.test", "right-password-1", "enterprise");
    struct http_reply *a = login("cookie-out@ent.test", "right-password-1", NULL);
    struct http_reply *b = login("cookie-out@ent.test", "right-password-1", NULL);
    char *browser = token_of(a);
    char *script = token_of(b);
    char cookie[128];
    snprintf(cookie, sizeof cookie, "Cookie: techpool_session=%s", browser);
    const char *headers[] = { cookie, NULL };
    struct http_reply *r = http_call("DELETE", "/api/v1/session", NULL, NULL, headers);
    ck_assert_int_eq(r->status, 204);
    http_reply_free(r);
    ck_assert_int_eq(me_status_by_cookie(browser), 401);
    ck_assert_int_eq(me_status(script), 200);
    free(browser);
    free(script);
    http_reply_free(a);
    http_reply_free(b);
}
END_TEST

START_TEST(cookie_and_bearer_both_authenticate_get_me)
{
    long id = user_add("me-ent@ent.test", "right-password-1", "enterprise");
    struct http_reply *r = login("me-ent@ent.test", "right-password-1", NULL);
    char *token = token_of(r);
    http_reply_free(r);
    ck_assert_int_eq(me_status_by_cookie(token), 200);
    r = http_get("/api/v1/me", token);
    ck_assert_int_eq(r->status, 200);
    ck_assert_int_eq(json_integer_value(json_object_get(r->json, "id")), id);
    ck_assert_str_eq(json_string_value(json_object_get(r->json, "role")), "enterprise");
    ck_assert_msg(strstr(r->body, "argon2") == NULL && !json_object_get(r->json, "password_hash"),
                  "GET /me shows the password hash");
    json_t *enterprise = json_object_get(r->json, "enterprise");
    ck_assert_msg(json_is_object(enterprise), "staff see their enterprise: %s", r->body);
    ck_assert_int_eq(json_integer_value(json_object_get(enterprise, "id")),
                     json_integer_value(json_object_get(r->json, "enterprise_id")));
    ck_assert_ptr_null(json_object_get(r->json, "institution"));
    http_reply_free(r);
    free(token);

    user_add("me-inst@uni.test", "right-password-1", "institution");
    token = harness_login("me-inst@uni.test", "right-password-1");
    r = http_get("/api/v1/me", token);
    ck_assert_int_eq(r->status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(r->json, "institution"),
                                                       "province")),
                     "SH");
    ck_assert_ptr_null(json_object_get(r->json, "enterprise"));
    http_reply_free(r);
    free(token);

    token = harness_login(HARNESS_ADMIN_EMAIL, HARNESS_ADMIN_PASSWORD);
    r = http_get("/api/v1/me", token);
    ck_assert_int_eq(r->status, 200);
    ck_assert_ptr_null(json_object_get(r->json, "institution"));
    ck_assert_ptr_null(json_object_get(r->json, "enterprise"));
    http_reply_free(r);
    free(token);
}
END_TEST

START_TEST(get_me_without_a_valid_session_is_401)
{
    ck_assert_int_eq(me_status(NULL), 401);
    ck_assert_int_eq(me_status("not-a-token"), 401);
    ck_assert_int_eq(me_status("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), 401);
    ck_assert_int_eq(me_status_by_cookie("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), 401);
}
END_TEST

START_TEST(cookie_post_from_a_foreign_origin_is_403_and_changes_nothing)
{
    char *token = harness_login(HARNESS_ADMIN_EMAIL, HARNESS_ADMIN_PASSWORD);
    char cookie[128];
    snprintf(cookie, sizeof cookie, "Cookie: techpool_session=%s", token);
    const char *body = "{\"email\":\"csrf@ent.test\",\"password\":\"csrf-password-1\","
                       "\"role\":\"admin\",\"contact_name\":\"CSRF\"}";
    const char *users_before = sql_value("SELECT count(*) FROM users");
    long users = atol(users_before);
    const char *evil[] = { cookie, "Origin: http://evil.example", NULL };
    struct http_reply *r = http_call("POST", "/api/v1/users", NULL, body, evil);
    ck_assert_int_eq(r->status, 403);
    ck_assert_str_eq(problem_code(r), "forbidden");
    http_reply_free(r);
    const char *cross_site[] = { cookie, "Sec-Fetch-Site: cross-site", NULL };
    r = http_call("POST", "/api/v1/users", NULL, body, cross_site);
    ck_assert_int_eq(r->status, 403);
    http_reply_free(r);
    ck_assert_int_eq(atol(sql_value("SELECT count(*) FROM users")), users);

    /* the daemon's own origin is fine */
    char origin[128];
    snprintf(origin, sizeof origin, "Origin: %s", harness_url());
    const char *same[] = { cookie, origin, NULL };
    r = http_call("POST", "/api/v1/users", NULL, body, same);
    ck_assert_int_eq(r->status, 201);
    http_reply_free(r);
    ck_assert_int_eq(atol(sql_value("SELECT count(*) FROM users")), users + 1);
    free(token);
}
END_TEST

START_TEST(cookie_logout_from_a_foreign_origin_is_403_and_the_session_lives)
{
    char *token = harness_login(HARNESS_ADMIN_EMAIL, HARNESS_ADMIN_PASSWORD);
    char cookie[128];
    snprintf(cookie, sizeof cookie, "Cookie: techpool_session=%s", token);
    const char *evil[] = { cookie, "Origin: http://evil.example", NULL };
    struct http_reply *r = http_call("DELETE", "/api/v1/session", NULL, NULL, evil);
    ck_assert_int_eq(r->status, 403);
    http_reply_free(r);
    ck_assert_int_eq(me_status(token), 200);
    free(token);
}
END_TEST

START_TEST(a_session_idle_for_more_than_eight_hours_has_ended)
{
    user_add("idle@ent.test", "right-password-1", "enterprise");
    char *token = harness_login("idle@ent.test", "right-password-1");
    sql_value("UPDATE sessions SET last_seen_at = now() - interval '7 hours 50 minutes' "
              "WHERE token_hash = sha256(convert_to('%s', 'UTF8'))",
              token);
    ck_assert_int_eq(me_status(token), 200);
    /* being seen moved the idle clock */
    ck_assert_int_eq(sql_count("SELECT count(*) FROM sessions WHERE last_seen_at > now() - "
                               "interval '1 minute' AND token_hash = "
                               "sha256(convert_to('%s', 'UTF8'))",
                               token),
                     1);
    sql_value("UPDATE sessions SET last_seen_at = now() - interval '9 hours' "
              "WHERE token_hash = sha256(convert_to('%s', 'UTF8'))",
              token);
    ck_assert_int_eq(me_status(token), 401);
    ck_assert_int_eq(sql_count("SELECT count(*) FROM sessions WHERE token_hash = "
                               "sha256(convert_to('%s', 'UTF8'))",
                               token),
                     0);
    free(token);
}
END_TEST

START_TEST(behind_tls_the_cookie_is_secure)
{
    struct http_reply *r = login(HARNESS_ADMIN_EMAIL, HARNESS_ADMIN_PASSWORD, NULL);
    char *token = token_of(r);
    char expected[160];
    snprintf(expected, sizeof expected,
             "techpool_session=%s; HttpOnly; SameSite=Strict; Path=/; Secure", token);
    ck_assert_str_eq(http_header(r, "Set-Cookie"), expected);
    http_reply_free(r);
    r = http_call("DELETE", "/api/v1/session", token, NULL, NULL);
    ck_assert_int_eq(r->status, 204);
    ck_assert_str_eq(http_header(r, "Set-Cookie"),
                     "techpool_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0; Secure");
    http_reply_free(r);
    free(token);
}
END_TEST

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    Suite *s = suite_create("session");
    TCase *tc = tcase_create("session");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, login_returns_the_user_a_token_and_an_http_only_cookie);
    tcase_add_test(tc, every_login_gets_a_new_token_and_both_work);
    tcase_add_test(tc, email_is_matched_without_regard_to_case_or_surrounding_spaces);
    tcase_add_test(tc, wrong_password_and_unknown_email_get_the_same_401);
    tcase_add_test(tc, disabled_user_gets_the_same_401_as_a_wrong_password);
    tcase_add_test(tc, disabling_a_user_ends_its_sessions_at_once);
    tcase_add_test(tc, login_with_bad_input_is_refused_before_any_check);
    tcase_add_test(tc, failures_from_anywhere_never_lock_the_owner_out);
    tcase_add_test(tc, repeated_failures_from_one_address_wait_longer_each_time);
    tcase_add_test(tc, unknown_emails_are_throttled_like_known_ones);
    tcase_add_test(tc, an_address_guessing_many_accounts_slows_down_for_all_of_them);
    tcase_add_test(tc, the_client_is_the_last_forwarded_address_behind_a_local_proxy);
    tcase_add_test(tc, a_weaker_password_hash_is_replaced_at_login);
    tcase_add_test(tc, logout_ends_the_bearer_token_at_once_and_clears_the_cookie);
    tcase_add_test(tc, logout_by_cookie_ends_that_session_only);
    tcase_add_test(tc, cookie_and_bearer_both_authenticate_get_me);
    tcase_add_test(tc, get_me_without_a_valid_session_is_401);
    tcase_add_test(tc, cookie_post_from_a_foreign_origin_is_403_and_changes_nothing);
    tcase_add_test(tc, cookie_logout_from_a_foreign_origin_is_403_and_the_session_lives);
    tcase_add_test(tc, a_session_idle_for_more_than_eight_hours_has_ended);
    suite_add_tcase(s, tc);
    TCase *tls = tcase_create("behind_tls");
    tcase_add_unchecked_fixture(tls, setup_tls, teardown);
    tcase_set_timeout(tls, 60);
    tcase_add_test(tls, behind_tls_the_cookie_is_secure);
    suite_add_tcase(s, tls);
    return harness_run_suite(s);
}
