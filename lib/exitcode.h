/**
 * @file exitcode.h  Exit codes shared by every calls-* command
 *
 * Documented in each man page's EXIT STATUS section.
 */
#ifndef CALLS_EXITCODE_H
#define CALLS_EXITCODE_H

enum calls_exit {
	CALLS_EXIT_OK     = 0,  /**< done, every check passed          */
	CALLS_EXIT_FAIL   = 1,  /**< ran, and a check or probe failed  */
	CALLS_EXIT_USAGE  = 2,  /**< bad command line                  */
	CALLS_EXIT_CONFIG = 3,  /**< bad config or input               */
	CALLS_EXIT_NET    = 4,  /**< network or system error           */
};

#endif
