/* commands: what each techpool subcommand does; each returns the process exit code. */
#ifndef TECHPOOL_COMMANDS_H
#define TECHPOOL_COMMANDS_H

#include "config.h"

#define TECHPOOL_VERSION "0.1.0"

int command_serve(const struct config *cfg);
int command_migrate(const struct config *cfg);
int command_seed_demo(const struct config *cfg);
int command_admin_create(const struct config *cfg, const char *email);

#endif
