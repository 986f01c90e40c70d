/* fault_load: the client threads that keep writing while test_faults injures the daemon, each
 * logging what it sent and what came back (see fault_load.h; fault_ledger.c checks the log). */
#include "fault_load.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define OPS_MAX 50000     /* per client: bounds one that spins on quick refusals */
#define CONVERT_BODY "{}" /* the enterprise keeps the achievement at the agreed terms */

static atomic_int acknowledged;
static atomic_bool stopping;

int load_acknowledged(void)
{
    return atomic_load(&acknowledged);
}

void load_setup(struct load *load, const char *prefix, bool reads, bool stop_at_silence)
{
    load->institution = fixture_institution("ZJ");
    load->enterprise = fixture_enterprise("AH");
    for (int i = 0; i < LOAD_LICENSES; i++)
        load->licenses[i] = fixture_license(&load->enterprise, &load->institution,
                                            fixture_listed_achievement(load->institution.org_id, 12,
                                                                       false),
                                            100000000,
                                            "[{\"due_on\":\"2026-04-01\",\"amount_fen\":50},"
                                            "{\"due_on\":\"2026-05-01\",\"amount_fen\":150},"
                                            "{\"due_on\":\"2026-06-01\",\"amount_fen\":99999800}]");
    for (int k = 0; k < LOAD_CLIENTS; k++) {
        struct client *c = &load->clients[k];
        *c = (struct client){ .index = k,
                              .converter = k >= LOAD_PAYERS,
                              .reads = reads,
                              .stop_at_silence = stop_at_silence,
                              .token = k >= LOAD_PAYERS ? load->enterprise.token
                                                        : load->institution.token,
                              .prefix = prefix,
                              .licenses = load->licenses };
        atomic_init(&c->answered, 0);
    }
}

void load_add_trials(struct load *load, int per_converter)
{
    for (int k = LOAD_PAYERS; k < LOAD_CLIENTS; k++) {
        struct client *c = &load->clients[k];
        for (int i = 0; i < per_converter; i++) {
            if (c->trials_count == c->trials_cap) {
                c->trials_cap = c->trials_cap * 2 + 16;
                c->trials = realloc(c->trials, c->trials_cap * sizeof *c->trials);
                ck_assert_ptr_nonnull(c->trials);
            }
            c->trials[c->trials_count++] = fixture_trial_active(
                &load->enterprise, &load->institution,
                fixture_listed_achievement(load->institution.org_id, 12, false), 6);
        }
    }
}

/* The client's next request, appended to its log; NULL when it has nothing more to send. */
static struct op *client_next(struct client *c)
{
    if (c->count == OPS_MAX)
        return NULL;
    if (c->count == c->cap) {
        struct op *grown = realloc(c->ops, (c->cap * 2 + 64) * sizeof *c->ops);
        if (grown == NULL)
            return NULL;
        c->ops = grown;
        c->cap = c->cap * 2 + 64;
    }
    struct op *op = &c->ops[c->count];
    *op = (struct op){ 0 };
    int n = c->serial++;
    bool read = c->reads && n % 3 == 2;
    if (!c->converter) {
        op->target = c->licenses[(c->index + n) % LOAD_LICENSES];
        op->kind = read ? OP_READ_LICENSE : OP_PAYMENT;
        op->amount_fen = 1 + n % 7;
    } else if (read) {
        op->kind = OP_HEALTH;
    } else if (c->trials_used < c->trials_count) {
        op->kind = OP_CONVERT;
        op->target = c->trials[c->trials_used++];
    } else if (c->stop_at_silence) {
        return NULL;
    } else {
        op->kind = OP_LIST_TRIALS;
    }
    if (op->kind == OP_PAYMENT || op->kind == OP_CONVERT)
        snprintf(op->key, sizeof op->key, "%s-%d-%d", c->prefix, c->index, n);
    c->count++;
    return op;
}

const char *op_request(const struct op *op, char *path, size_t path_size, char *body,
                       size_t body_size)
{
    body[0] = '\0';
    switch (op->kind) {
    case OP_PAYMENT:
        snprintf(path, path_size, "/api/v1/licenses/%lld/payments", (long long)op->target);
        snprintf(body, body_size,
                 "{\"amount_fen\":%d,\"paid_on\":\"" LOAD_TODAY "\","
                 "\"reference\":\"%s\"}",
                 op->amount_fen, op->key);
        return "POST";
    case OP_CONVERT:
        snprintf(path, path_size, "/api/v1/trials/%lld/convert", (long long)op->target);
        snprintf(body, body_size, "%s", CONVERT_BODY);
        return "POST";
    case OP_READ_LICENSE:
        snprintf(path, path_size, "/api/v1/licenses/%lld", (long long)op->target);
        return "GET";
    case OP_LIST_TRIALS:
        snprintf(path, path_size, "/api/v1/trials?limit=5");
        return "GET";
    case OP_HEALTH:
        snprintf(path, path_size, "/healthz");
        return "GET";
    }
    return "GET";
}

/* Notes a reply: its status and code, and the body of an acknowledged write. */
static void op_note_reply(struct op *op, long status, const char *code, const char *body)
{
    op->status = status;
    snprintf(op->code, sizeof op->code, "%s", code);
    if (op->key[0] != '\0' && status / 100 == 2) {
        op->body = strdup(body);
        atomic_fetch_add(&acknowledged, 1);
    }
}

static void op_send(struct op *op, const char *token)
{
    char path[96];
    char body[512];
    const char *method = op_request(op, path, sizeof path, body, sizeof body);
    char key_header[80];
    snprintf(key_header, sizeof key_header, "Idempotency-Key: %s", op->key);
    const char *headers[] = { key_header, NULL };
    bool write = op->key[0] != '\0';
    op->sent = harness_clock();
    /* /healthz must answer without the database: no session to look up */
    struct http_reply *r = http_call(method, path, op->kind == OP_HEALTH ? NULL : token,
                                     write ? body : NULL, write ? headers : NULL);
    op->answered = harness_clock();
    if (r != NULL)
        op_note_reply(op, r->status, problem_code(r), r->body);
    http_reply_free(r);
}

/* A whole HTTP/1.1 reply: status line, headers, and as many body bytes as Content-Length. */
static bool raw_reply_whole(const char *reply, size_t len, long *status, const char **body)
{
    const char *end = strstr(reply, "\r\n\r\n");
    if (strncmp(reply, "HTTP/1.1 ", 9) != 0 || end == NULL)
        return false;
    *status = strtol(reply + 9, NULL, 10);
    *body = end + 4;
    for (const char *line = strstr(reply, "\r\n"); line != NULL && line < end;
         line = strstr(line + 2, "\r\n")) {
        if (strncasecmp(line + 2, "Content-Length:", 15) == 0)
            return strtoull(line + 17, NULL, 10) == len - (size_t)(*body - reply);
    }
    return false;
}

static void op_send_raw(struct op *op, const char *token)
{
    char path[96];
    char body[512];
    const char *method = op_request(op, path, sizeof path, body, sizeof body);
    char request[2048];
    int n = snprintf(request, sizeof request,
                     "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Connection: close\r\n",
                     method, path);
    if (op->kind != OP_HEALTH)
        n += snprintf(request + n, sizeof request - (size_t)n, "Authorization: Bearer %s\r\n",
                      token);
    if (op->key[0] != '\0')
        n += snprintf(request + n, sizeof request - (size_t)n,
                      "Content-Type: application/json\r\nIdempotency-Key: %s\r\n"
                      "Content-Length: %zu\r\n",
                      op->key, strlen(body));
    n += snprintf(request + n, sizeof request - (size_t)n, "\r\n%s", body);
    int port = atoi(strrchr(harness_url(), ':') + 1);
    struct sockaddr_in addr = { .sin_family = AF_INET,
                                .sin_port = htons((uint16_t)port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    op->sent = harness_clock();
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        if (fd >= 0)
            close(fd);
        op->answered = harness_clock();
        return;
    }
    struct timeval patience = { .tv_sec = (time_t)LOAD_REPLY_SECONDS };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
    ssize_t sent = send(fd, request, (size_t)n, MSG_NOSIGNAL);
    if (sent == n)
        op->written = harness_clock();
    char reply[64 * 1024];
    size_t len = 0;
    ssize_t got;
    while (len < sizeof reply - 1 && (got = recv(fd, reply + len, sizeof reply - 1 - len, 0)) > 0)
        len += (size_t)got;
    reply[len] = '\0';
    close(fd);
    op->answered = harness_clock();
    long status;
    const char *reply_body;
    if (raw_reply_whole(reply, len, &status, &reply_body)) {
        const char *code = strstr(reply_body, "\"code\":\"");
        char code_text[32] = "";
        if (code != NULL)
            snprintf(code_text, sizeof code_text, "%.*s", (int)strcspn(code + 8, "\""), code + 8);
        op_note_reply(op, status, code_text, reply_body);
    } else {
        op->partial = len > 0;
    }
}

static void *client_run(void *arg)
{
    struct client *c = arg;
    struct op *op;
    while (!atomic_load(&stopping) && (op = client_next(c)) != NULL) {
        if (c->raw)
            op_send_raw(op, c->token);
        else
            op_send(op, c->token);
        if (op->status != 0 || op->partial)
            atomic_fetch_add(&c->answered, 1);
        /* a raw client that could not even write its request met a daemon no longer listening */
        if (op->status == 0 && (c->stop_at_silence || (c->raw && op->written == 0)))
            break;
    }
    return NULL;
}

static void start_clients(struct load *load, bool raw)
{
    atomic_store(&stopping, false);
    for (int k = 0; k < LOAD_CLIENTS; k++) {
        load->clients[k].raw = raw;
        ck_assert_int_eq(pthread_create(&load->clients[k].thread, NULL, client_run,
                                        &load->clients[k]),
                         0);
    }
}

void load_start(struct load *load)
{
    start_clients(load, false);
}

void load_start_raw(struct load *load)
{
    start_clients(load, true);
}

void load_join(struct load *load)
{
    for (int k = 0; k < LOAD_CLIENTS; k++)
        pthread_join(load->clients[k].thread, NULL);
    for (int k = 0; k < LOAD_CLIENTS; k++)
        ck_assert_msg(load->clients[k].count < OPS_MAX, "client %d ran out of log", k);
}

void load_stop(struct load *load)
{
    atomic_store(&stopping, true);
    load_join(load);
}

void load_free(struct load *load)
{
    for (int k = 0; k < LOAD_CLIENTS; k++) {
        struct client *c = &load->clients[k];
        for (size_t i = 0; i < c->count; i++)
            free(c->ops[i].body);
        free(c->ops);
        free(c->trials);
        c->ops = NULL;
        c->trials = NULL;
    }
}

const char *op_name(const struct op *op)
{
    static const char *const KINDS[] = { "payment", "conversion", "license read", "trials list",
                                         "healthz" };
    static char names[4][96];
    static unsigned next;
    char *name = names[next++ % 4];
    snprintf(name, sizeof names[0], "%s %s (sent at %.3f, after %.3f s)", KINDS[op->kind],
             op->key[0] != '\0' ? op->key : "-", op->sent, op->answered - op->sent);
    return name;
}

bool op_succeeded(const struct op *op)
{
    return op->status == (op->key[0] != '\0' ? 201 : 200);
}

bool op_within(const struct op *op, const struct window *windows, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (op->sent >= windows[i].from && op->answered <= windows[i].to)
            return true;
    return false;
}

bool op_overlaps(const struct op *op, const struct window *windows, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (op->sent <= windows[i].to && op->answered >= windows[i].from)
            return true;
    return false;
}

void op_assert_timely(const struct op *op)
{
    ck_assert_msg(op->status != 0, "%s got no reply", op_name(op));
    ck_assert_msg(op->answered - op->sent <= LOAD_REPLY_SECONDS, "%s: reply too late", op_name(op));
}
