/**
 * @file app.c  Process life cycle: libre set-up, signals, clean exit
 */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include "re_inc.h"
#include "log.h"
#include "app.h"

static struct {
	int pipe[2];
	volatile sig_atomic_t signals;
	calls_app_stop_h *stoph;
	void *arg;
	bool stopping;
} app = {.pipe = {-1, -1}};


static void on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;

	if (app.signals++ && sig == SIGINT)
		_exit(130);

	if (write(app.pipe[1], &b, 1) < 0) {
		/* the loop will see the signals counter anyway */
	}

	errno = saved;
}


static void pipe_handler(int flags, void *arg)
{
	unsigned char b;
	(void)flags;
	(void)arg;

	if (read(app.pipe[0], &b, 1) != 1)
		return;

	if (app.stopping && b == SIGTERM)
		return;

	app.stopping = true;

	if (app.stoph)
		app.stoph(b, app.arg);
	else
		re_cancel();
}


int calls_app_init(const char *prog)
{
	int err;

	err = libre_init();
	if (err)
		return err;

	calls_log_init(prog);

	if (pipe2(app.pipe, O_CLOEXEC | O_NONBLOCK))
		return errno;

	err = fd_listen(app.pipe[0], FD_READ, pipe_handler, NULL);
	if (err)
		return err;

	signal(SIGPIPE, SIG_IGN);

	return 0;
}


int calls_app_run(calls_app_stop_h *stoph, void *arg)
{
	struct sigaction sa;

	app.stoph = stoph;
	app.arg = arg;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* libre would install its own handlers; ours are already set */
	return re_main(NULL);
}


bool calls_app_stopping(void)
{
	return app.stopping;
}


void calls_app_close(void)
{
	if (app.pipe[0] >= 0) {
		fd_close(app.pipe[0]);
		close(app.pipe[0]);
		close(app.pipe[1]);
		app.pipe[0] = app.pipe[1] = -1;
	}

	calls_log_close();
	libre_close();

#ifdef CALLS_DEBUG
	mem_debug();
#endif
}
