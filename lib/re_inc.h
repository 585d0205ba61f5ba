/**
 * @file re_inc.h  The one way to include libre
 *
 * libre 1.1.0's headers need <stdint.h>, <stdbool.h> and <sys/types.h>
 * first, and the defines of its own build (RE_DEFS in configure.ac).
 */
#ifndef CALLS_RE_INC_H
#define CALLS_RE_INC_H

#include <stdint.h>
#include <stdbool.h>
#include <sys/types.h>
#include <re.h>

#endif
