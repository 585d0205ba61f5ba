/* No-op rtcd metrics for unit tests of cmd/sfu/rtc.c and ws.c: they pass
 * a NULL registry, which metrics.h says is ignored anyway */
#include <stdbool.h>
#include "metrics.h"

void sfu_metrics_ws_conn(struct sfu_metrics *m, const char *client_id,
			 int delta)
{
	(void)m; (void)client_id; (void)delta;
}

void sfu_metrics_ws_msg(struct sfu_metrics *m, const char *client_id,
			const char *type, bool out)
{
	(void)m; (void)client_id; (void)type; (void)out;
}

void sfu_metrics_session(struct sfu_metrics *m, const char *group_id,
			 int delta)
{
	(void)m; (void)group_id; (void)delta;
}

void sfu_metrics_rtc_error(struct sfu_metrics *m, const char *group_id,
			   const char *type)
{
	(void)m; (void)group_id; (void)type;
}
