/**
 * @file app.h  Process life cycle: libre set-up, signals, clean exit
 *
 * Signals are turned into an event on the main loop through a self-pipe,
 * so the stop handler runs as ordinary loop code, never in signal
 * context. The first SIGINT/SIGTERM calls the stop handler (or stops the
 * loop); a second SIGINT exits at once with status 130.
 */
#ifndef CALLS_APP_H
#define CALLS_APP_H

#include <stdbool.h>

/** Called on the main loop when SIGINT or SIGTERM arrives */
typedef void (calls_app_stop_h)(int sig, void *arg);

int  calls_app_init(const char *prog);
int  calls_app_run(calls_app_stop_h *stoph, void *arg);
void calls_app_close(void);
bool calls_app_stopping(void);

#endif
