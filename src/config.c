/* config: reads and checks the TECHPOOL_* environment variables. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "domain/calendar.h"

struct config techpool_config;

static const char *env_or(const char *name, const char *fallback)
{
    const char *value = getenv(name);
    return value != NULL && value[0] != '\0' ? value : fallback;
}

static bool env_unsigned(const char *name, unsigned fallback, unsigned min, unsigned max,
                         unsigned *out)
{
    const char *text = getenv(name);
    if (text == NULL || text[0] == '\0') {
        *out = fallback;
        return true;
    }
    char *end;
    unsigned long value = strtoul(text, &end, 10);
    if (*end != '\0' || value < min || value > max) {
        fprintf(stderr, "techpool: %s must be a number from %u to %u, not \"%s\"\n", name, min, max,
                text);
        return false;
    }
    *out = (unsigned)value;
    return true;
}

static double real_now(void)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (double)now.tv_sec + now.tv_nsec / 1e9;
}

void config_service_today(const struct config *cfg, char out[11])
{
    double instant;
    if (cfg->today != NULL && date_problem(cfg->today) == NULL) {
        snprintf(out, 11, "%s", cfg->today);
        return;
    }
    double now = real_now();
    if (cfg->today != NULL && instant_parse(cfg->today, &instant))
        now = instant + (now - cfg->clock_origin);
    date_format(date_in_shanghai(now), out);
}

bool config_db_options(const struct config *cfg, char *out, size_t size)
{
    const char *mail = cfg->smtp_url != NULL ? "-c techpool.mail=on" : "";
    if (cfg->today == NULL || cfg->today[0] == '\0') {
        int n = snprintf(out, size, "%s", mail);
        return n >= 0 && (size_t)n < size;
    }
    char today[64];
    int n = snprintf(today, sizeof today, "%s", cfg->today);
    if (n < 0 || (size_t)n >= sizeof today)
        return false;
    /* a space between date and time would end the option in libpq's options string */
    for (char *c = today; *c != '\0'; c++)
        if (*c == ' ')
            *c = 'T';
    n = snprintf(out, size, "-c techpool.today=%s -c techpool.clock_origin=%.6f %s", today,
                 cfg->clock_origin, mail);
    return n >= 0 && (size_t)n < size;
}

static bool parse_listen(const char *text, struct config *cfg)
{
    const char *colon = strrchr(text, ':');
    if (colon == NULL || colon == text || (size_t)(colon - text) >= sizeof cfg->listen_host) {
        fprintf(stderr, "techpool: TECHPOOL_LISTEN must be host:port, not \"%s\"\n", text);
        return false;
    }
    memcpy(cfg->listen_host, text, (size_t)(colon - text));
    cfg->listen_host[colon - text] = '\0';
    char *end;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (*end != '\0' || port == 0 || port > 65535) {
        fprintf(stderr, "techpool: TECHPOOL_LISTEN has an invalid port: \"%s\"\n", text);
        return false;
    }
    cfg->listen_port = (unsigned)port;
    return true;
}

bool config_load(struct config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->database_url = env_or("TECHPOOL_DATABASE_URL", "");
    cfg->static_dir = env_or("TECHPOOL_STATIC_DIR", "static");
    cfg->migrations_dir = env_or("TECHPOOL_MIGRATIONS_DIR", "sql/migrations");
    cfg->bootstrap_admin = env_or("TECHPOOL_BOOTSTRAP_ADMIN", NULL);
    cfg->smtp_url = env_or("TECHPOOL_SMTP_URL", NULL);
    cfg->mail_from = env_or("TECHPOOL_MAIL_FROM", "techpool@localhost");
    if (cfg->smtp_url != NULL && strncmp(cfg->smtp_url, "smtp://", 7) != 0 &&
        strncmp(cfg->smtp_url, "smtps://", 8) != 0) {
        fprintf(stderr, "techpool: TECHPOOL_SMTP_URL must start smtp:// or smtps://\n");
        return false;
    }
    if (strpbrk(cfg->mail_from, "\r\n<> ") != NULL || strchr(cfg->mail_from, '@') == NULL) {
        fprintf(stderr, "techpool: TECHPOOL_MAIL_FROM must be an e-mail address\n");
        return false;
    }
    cfg->today = env_or("TECHPOOL_TODAY", NULL);
    cfg->clock_origin = real_now();
    double instant;
    if (cfg->today != NULL && date_problem(cfg->today) != NULL &&
        !instant_parse(cfg->today, &instant)) {
        fprintf(stderr,
                "techpool: TECHPOOL_TODAY must be a date YYYY-MM-DD or an RFC 3339 "
                "instant, not \"%s\"\n",
                cfg->today);
        return false;
    }
    const char *listen = env_or("TECHPOOL_LISTEN", "127.0.0.1:8080");
    if (!parse_listen(listen, cfg))
        return false;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (!env_unsigned("TECHPOOL_THREADS", cores > 0 ? (unsigned)cores : 2, 1, 256, &cfg->threads) ||
        !env_unsigned("TECHPOOL_SESSION_IDLE_MINUTES", 480, 1, 43200, &cfg->session_idle_minutes) ||
        !env_unsigned("TECHPOOL_MAX_CONNECTIONS", 8192, 16, 65536, &cfg->connection_limit) ||
        !env_unsigned("TECHPOOL_PER_IP_CONNECTIONS", 512, 1, 65536, &cfg->per_ip_limit) ||
        !env_unsigned("TECHPOOL_CONNECTION_TIMEOUT", 30, 1, 3600, &cfg->connection_timeout) ||
        !env_unsigned("TECHPOOL_SWEEP_MINUTES", 15, 0, 1440, &cfg->sweep_minutes))
        return false;
    const char *origin = getenv("TECHPOOL_PUBLIC_ORIGIN");
    if (origin != NULL && origin[0] != '\0') {
        size_t len = strlen(origin);
        while (len > 0 && origin[len - 1] == '/')
            len--;
        if (len >= sizeof cfg->public_origin ||
            (strncmp(origin, "http://", 7) != 0 && strncmp(origin, "https://", 8) != 0)) {
            fprintf(stderr, "techpool: TECHPOOL_PUBLIC_ORIGIN must be an http(s) origin\n");
            return false;
        }
        memcpy(cfg->public_origin, origin, len);
        cfg->public_origin[len] = '\0';
    } else {
        snprintf(cfg->public_origin, sizeof cfg->public_origin, "http://%s", listen);
    }
    cfg->secure_cookies = strncmp(cfg->public_origin, "https://", 8) == 0;
    return true;
}
