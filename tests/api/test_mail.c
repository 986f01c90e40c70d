/* test_mail: notices leave by e-mail through a real SMTP server (Debian's aiosmtpd, writing a
 * Maildir): in the recipient's language, with a link to the page, not for users who turned
 * e-mail off; an unreachable server leaves the row queued for a later try, a row unsent for 24
 * hours is given up, and /metrics counts both. */
#include <check.h>
#include <dirent.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fixtures.h"
#include "harness.h"

#define TODAY "2026-03-01"
#define ORIGIN "https://pool.techpool.example"

static char maildir[256];
static char smtp_env[64];
static pid_t smtp_pid;
static int smtp_port;
static const char *env[4]; /* the daemon's: the clock, the SMTP server, the origin */

/* Starts aiosmtpd on smtp_port, writing what it receives to maildir; waits until it listens. */
static void smtp_start(void)
{
    char port[16];
    snprintf(port, sizeof port, "127.0.0.1:%d", smtp_port);
    smtp_pid = fork();
    ck_assert_int_ge(smtp_pid, 0);
    if (smtp_pid == 0) {
        execl("/usr/bin/python3", "python3", "-m", "aiosmtpd", "-n", "-l", port, "-c",
              "aiosmtpd.handlers.Mailbox", maildir, (char *)NULL);
        _exit(127);
    }
    char command[128], out[16];
    snprintf(command, sizeof command, "exec 3<>/dev/tcp/127.0.0.1/%d && echo up", smtp_port);
    double deadline = harness_clock() + 10;
    while (harness_clock() < deadline &&
           harness_command(fixture_text("bash -c '%s' 2>/dev/null", command), out, sizeof out) !=
               0) {
        struct timespec pause = { 0, 50 * 1000 * 1000 };
        nanosleep(&pause, NULL);
    }
    ck_assert_msg(harness_clock() < deadline, "the SMTP server did not start");
}

static void smtp_stop(void)
{
    if (smtp_pid > 0) {
        kill(smtp_pid, SIGTERM);
        waitpid(smtp_pid, NULL, 0);
        smtp_pid = 0;
    }
}

static void setup(void)
{
    ck_assert_int_eq(sodium_init() < 0, 0);
    snprintf(maildir, sizeof maildir, "/tmp/techpool-mail-%d", (int)getpid());
    char out[8];
    harness_command(fixture_text("rm -rf %s", maildir), out, sizeof out);
    smtp_port = harness_free_port();
    snprintf(smtp_env, sizeof smtp_env, "TECHPOOL_SMTP_URL=smtp://127.0.0.1:%d", smtp_port);
    smtp_start();
    env[0] = "TECHPOOL_TODAY=" TODAY;
    env[1] = smtp_env;
    env[2] = "TECHPOOL_PUBLIC_ORIGIN=" ORIGIN;
    env[3] = NULL;
    harness_start("mail", env);
    fixture_set_today(TODAY);
}

static void teardown(void)
{
    ck_assert_int_eq(harness_stop(), 0);
    smtp_stop();
    char out[8];
    harness_command(fixture_text("rm -rf %s", maildir), out, sizeof out);
}

/* The text of every message received so far, joined (static; grows as needed). */
static const char *mailbox(void)
{
    static char *all;
    free(all);
    all = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&all, &size);
    ck_assert_ptr_nonnull(out);
    DIR *dir = opendir(fixture_text("%s/new", maildir));
    for (struct dirent *e = dir != NULL ? readdir(dir) : NULL; e != NULL; e = readdir(dir)) {
        if (e->d_name[0] == '.')
            continue;
        FILE *in = fopen(fixture_text("%s/new/%s", maildir, e->d_name), "r");
        char buffer[4096];
        size_t n;
        while (in != NULL && (n = fread(buffer, 1, sizeof buffer, in)) > 0)
            fwrite(buffer, 1, n, out);
        if (in != NULL)
            fclose(in);
        fputs("\n=====\n", out);
    }
    if (dir != NULL)
        closedir(dir);
    fclose(out);
    return all;
}

/* Waits until sql returns want (10 s at most). */
static void await_sql(const char *sql, const char *want)
{
    double deadline = harness_clock() + 10;
    while (strcmp(fixture_sql("%s", sql), want) != 0 && harness_clock() < deadline) {
        struct timespec pause = { 0, 50 * 1000 * 1000 };
        nanosleep(&pause, NULL);
    }
    ck_assert_str_eq(fixture_sql("%s", sql), want);
}

/* The base64 text of the first text/plain part of the message to recipient, decoded. */
static const char *plain_text_to(const char *recipient)
{
    static char text[8192];
    const char *all = mailbox();
    const char *to = strstr(all, fixture_text("To: <%s>", recipient));
    ck_assert_msg(to != NULL, "no message to %s", recipient);
    const char *part = strstr(to, "Content-Type: text/plain; charset=UTF-8");
    ck_assert_ptr_nonnull(part);
    /* the part's body follows its first blank line (the Maildir may keep CRLF or not) */
    const char *blank = strstr(part, "\n\n");
    const char *blank_crlf = strstr(part, "\r\n\r\n");
    ck_assert(blank != NULL || blank_crlf != NULL);
    part = blank_crlf != NULL && (blank == NULL || blank_crlf < blank) ? blank_crlf + 4 : blank + 2;
    const char *end = strstr(part, "--techpool-");
    size_t decoded;
    ck_assert_int_eq(sodium_base642bin((unsigned char *)text, sizeof text - 1, part,
                                       (size_t)(end - part), "\r\n", &decoded, NULL,
                                       sodium_base64_VARIANT_ORIGINAL),
                     0);
    text[decoded] = '\0';
    return text;
}

START_TEST(a_notice_is_mailed_in_the_recipients_language_with_its_link)
{
    struct fixture_user inst = fixture_institution("SH");
    struct fixture_user colleague = fixture_colleague(&inst);
    struct fixture_user quiet = fixture_colleague(&inst);
    struct fixture_user ent = fixture_enterprise("ZJ");
    fixture_check(&colleague, "PUT", "/api/v1/me/preferences",
                  "{\"email\":true,\"language\":\"en\"}", 200, NULL);
    fixture_check(&quiet, "PUT", "/api/v1/me/preferences", "{\"email\":false,\"language\":\"zh\"}",
                  200, NULL);
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    fixture_sql("UPDATE mail_outbox SET status = 'sent', sent_at = now() WHERE status = 'queued'");
    fixture_trial_requested(&ent, achievement, 3);
    /* two of the three institution users want e-mail */
    await_sql("SELECT count(*) FROM mail_outbox m JOIN notifications n ON n.id = m.notification_id"
              " WHERE n.kind = 'trial.requested' AND m.status = 'sent'",
              "2");
    ck_assert_str_eq(fixture_sql("SELECT count(*) FROM mail_outbox WHERE recipient = '%s'",
                                 quiet.email),
                     "0");
    const char *zh = plain_text_to(inst.email);
    ck_assert_ptr_nonnull(strstr(zh, "新的试用申请"));
    ck_assert_ptr_nonnull(strstr(zh, "打开页面: " ORIGIN "/#/inst/trials"));
    const char *en = plain_text_to(colleague.email);
    ck_assert_ptr_nonnull(strstr(en, "New trial request"));
    ck_assert_ptr_nonnull(strstr(en, "Open the page: " ORIGIN "/#/inst/trials"));
    ck_assert_ptr_null(strstr(mailbox(), fixture_text("To: <%s>", quiet.email)));

    struct http_reply *r = http_get("/metrics", NULL);
    ck_assert_ptr_nonnull(strstr(r->body, "\ntechpool_mail_sent "));
    http_reply_free(r);
}
END_TEST

START_TEST(an_unreachable_server_leaves_mail_queued_then_failed_after_a_day)
{
    struct fixture_user inst = fixture_institution("JS");
    struct fixture_user ent = fixture_enterprise("JS");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    fixture_sql("UPDATE mail_outbox SET status = 'sent', sent_at = now() WHERE status = 'queued'");
    smtp_stop();
    fixture_trial_requested(&ent, achievement, 3);
    /* the attempt fails: still queued, to be tried again in a minute */
    await_sql("SELECT count(*) FROM mail_outbox WHERE status = 'queued' AND attempts = 1"
              " AND last_error IS NOT NULL AND next_attempt_at > now() + interval '30 seconds'",
              "1");
    /* the server is back and the wait is over: delivered */
    smtp_start();
    fixture_sql("UPDATE mail_outbox SET next_attempt_at = now() WHERE status = 'queued'");
    await_sql("SELECT count(*) FROM mail_outbox WHERE status = 'queued'", "0");
    ck_assert_str_eq(fixture_sql("SELECT attempts FROM mail_outbox ORDER BY id DESC LIMIT 1"), "2");

    /* a notice still unsent a day after it was queued is given up */
    smtp_stop();
    fixture_check(&ent, "POST",
                  fixture_text("/api/v1/achievements/%lld/trials",
                               (long long)fixture_listed_achievement(inst.org_id, 6, false)),
                  "{\"purpose\":\"中试\",\"planned_months\":3}", 201, NULL);
    fixture_sql("UPDATE mail_outbox SET created_at = now() - interval '25 hours',"
                " next_attempt_at = now() WHERE status = 'queued'");
    await_sql("SELECT count(*) FROM mail_outbox WHERE status = 'failed'", "1");
    double deadline = harness_clock() + 5;
    struct http_reply *r = NULL;
    do {
        http_reply_free(r);
        r = http_get("/metrics", NULL);
    } while (strstr(r->body, "\ntechpool_mail_failed 1\n") == NULL && harness_clock() < deadline);
    ck_assert_msg(strstr(r->body, "\ntechpool_mail_failed 1\n") != NULL, "metrics: %s", r->body);
    http_reply_free(r);
}
END_TEST

START_TEST(a_crash_right_after_the_request_still_mails_once)
{
    struct fixture_user inst = fixture_institution("ZJ");
    struct fixture_user ent = fixture_enterprise("ZJ");
    int64_t achievement = fixture_listed_achievement(inst.org_id, 12, false);
    fixture_sql("UPDATE mail_outbox SET status = 'sent', sent_at = now() WHERE status = 'queued'");
    fixture_trial_requested(&ent, achievement, 3);
    harness_kill();
    harness_restart(env);
    await_sql(fixture_text("SELECT count(*) FROM mail_outbox WHERE recipient = '%s'"
                           " AND status = 'sent'",
                           inst.email),
              "1");
    const char *all = mailbox();
    const char *first = strstr(all, fixture_text("To: <%s>", inst.email));
    ck_assert_ptr_nonnull(first);
    ck_assert_ptr_null(strstr(first + 1, fixture_text("To: <%s>", inst.email)));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mail");
    TCase *tc = tcase_create("mail");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, a_notice_is_mailed_in_the_recipients_language_with_its_link);
    tcase_add_test(tc, an_unreachable_server_leaves_mail_queued_then_failed_after_a_day);
    tcase_add_test(tc, a_crash_right_after_the_request_still_mails_once);
    suite_add_tcase(s, tc);
    return harness_run_suite(s);
}
