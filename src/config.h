/* config: the daemon's settings, read once from the environment. */
#ifndef TECHPOOL_CONFIG_H
#define TECHPOOL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct config {
    const char *database_url; /* TECHPOOL_DATABASE_URL, "" = libpq defaults */
    char listen_host[64];     /* from TECHPOOL_LISTEN host:port */
    unsigned listen_port;
    const char *static_dir;        /* TECHPOOL_STATIC_DIR, default "static" */
    const char *migrations_dir;    /* TECHPOOL_MIGRATIONS_DIR, default "sql/migrations" */
    unsigned threads;              /* TECHPOOL_THREADS, default: number of cores */
    char public_origin[256];       /* TECHPOOL_PUBLIC_ORIGIN, default http://LISTEN */
    bool secure_cookies;           /* public origin is https */
    const char *bootstrap_admin;   /* TECHPOOL_BOOTSTRAP_ADMIN email:password, or NULL */
    const char *today;             /* TECHPOOL_TODAY YYYY-MM-DD or an RFC 3339 instant, or NULL */
    double clock_origin;           /* the real time (seconds since 1970) when the settings were
                                     read: an instant in TECHPOOL_TODAY was "now" then */
    unsigned session_idle_minutes; /* TECHPOOL_SESSION_IDLE_MINUTES, default 480 */
    unsigned connection_limit;     /* TECHPOOL_MAX_CONNECTIONS, default 8192 */
    unsigned per_ip_limit;         /* TECHPOOL_PER_IP_CONNECTIONS, default 512 */
    unsigned connection_timeout;   /* TECHPOOL_CONNECTION_TIMEOUT seconds, default 30 */
    const char *smtp_url;          /* TECHPOOL_SMTP_URL smtp://host:port or smtps://..., or NULL */
    const char *mail_from;         /* TECHPOOL_MAIL_FROM, default techpool@localhost */
    unsigned sweep_minutes;        /* TECHPOOL_SWEEP_MINUTES between expiry sweeps, default 15;
                                     0: none */
};

/* Reads the environment into cfg. On an invalid value prints why to stderr and returns false. */
bool config_load(struct config *cfg);

/* The service's calendar day (Asia/Shanghai) now, by the clock that TECHPOOL_TODAY sets. */
void config_service_today(const struct config *cfg, char out[11]);

/* The libpq "options" every database session of the daemon starts with, written into out: the
 * service's clock (techpool.today and techpool.clock_origin) when TECHPOOL_TODAY is set, and
 * techpool.mail=on when there is an SMTP server (notices then queue e-mails). False when the
 * text does not fit. */
bool config_db_options(const struct config *cfg, char *out, size_t size);

/* The settings in force (set once by main before serving). */
extern struct config techpool_config;

#endif
