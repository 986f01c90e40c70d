/* main: the techpool command line — serve, migrate, seed-demo, admin create, --version. */
#include <stdio.h>
#include <string.h>

#include "audit_command.h"
#include "commands.h"
#include "config.h"
#include "domain/password_workers.h"

static void usage(FILE *out)
{
    fputs("usage: techpool serve | migrate | seed-demo | admin create EMAIL | audit verify\n"
          "                | --version\n"
          "  serve          apply pending migrations and serve HTTP (TECHPOOL_LISTEN)\n"
          "  migrate        apply pending migrations and exit\n"
          "  seed-demo      load the demo data into an empty pool\n"
          "  admin create   create an admin; the password is read from standard input\n"
          "  audit verify   check the audit log's hash chain: exit 0 intact, 1 tampered,\n"
          "                 2 when it cannot be checked\n"
          "configuration comes from TECHPOOL_* environment variables (see README.md)\n",
          out);
}

int main(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0)) {
        printf("techpool %s\n", TECHPOOL_VERSION);
        return 0;
    }
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    /* started by serve with its socket as descriptor 3; not for people (and not in the usage) */
    if (argc == 2 && strcmp(argv[1], "password-worker") == 0)
        return password_worker_main();
    if (!config_load(&techpool_config))
        return 2;
    if (argc == 2 && strcmp(argv[1], "serve") == 0)
        return command_serve(&techpool_config);
    if (argc == 2 && strcmp(argv[1], "migrate") == 0)
        return command_migrate(&techpool_config);
    if (argc == 2 && strcmp(argv[1], "seed-demo") == 0)
        return command_seed_demo(&techpool_config);
    if (argc == 4 && strcmp(argv[1], "admin") == 0 && strcmp(argv[2], "create") == 0)
        return command_admin_create(&techpool_config, argv[3]);
    if (argc == 3 && strcmp(argv[1], "audit") == 0 && strcmp(argv[2], "verify") == 0)
        return command_audit_verify(&techpool_config);
    usage(stderr);
    return 2;
}
