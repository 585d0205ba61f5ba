/**
 * @file shim.c  calls-sfu: TEMPORARY weak stand-ins for modules that
 * have not landed in the build yet (config.c, metrics.c, rtc.c, ws.c
 * come from the other two engineers through config.mk and ws.mk).
 * A real definition wins over these at link time. Removed once all
 * four are in SFU_EXTRA_SOURCES.
 */
#include <errno.h>
#include "re_inc.h"
#include "config.h"
#include "metrics.h"
#include "rtc.h"
#include "ws.h"

#define WEAK __attribute__((weak))

WEAK int sfu_config_alloc(struct sfu_config **cfgp)
{ (void)cfgp; return ENOSYS; }
WEAK int sfu_config_load(struct sfu_config *cfg, const char *path,
			 char *const *envp, char *errbuf, size_t errsz)
{ (void)cfg; (void)path; (void)envp; (void)errbuf; (void)errsz;
  return ENOSYS; }
WEAK int sfu_config_set(struct sfu_config *cfg, const char *key,
			const char *value, char *errbuf, size_t errsz)
{ (void)cfg; (void)key; (void)value; (void)errbuf; (void)errsz;
  return ENOSYS; }
WEAK int sfu_config_validate(const struct sfu_config *cfg, char *errbuf,
			     size_t errsz)
{ (void)cfg; (void)errbuf; (void)errsz; return ENOSYS; }
WEAK int sfu_config_print_json(struct re_printf *pf,
			       const struct sfu_config *cfg)
{ (void)pf; (void)cfg; return ENOSYS; }
WEAK int sfu_config_apply_logger(const struct sfu_config *cfg, char *errbuf,
				 size_t errsz)
{ (void)cfg; (void)errbuf; (void)errsz; return 0; }

WEAK int sfu_metrics_alloc(struct sfu_metrics **mp)
{ *mp = NULL; return 0; }
WEAK int sfu_metrics_sampler_start(struct sfu_metrics *m)
{ (void)m; return 0; }
WEAK void sfu_metrics_sampler_stop(struct sfu_metrics *m) { (void)m; }
WEAK double sfu_metrics_cpu_load(const struct sfu_metrics *m)
{ (void)m; return 0; }
WEAK int sfu_metrics_render(struct re_printf *pf, struct sfu_metrics *m)
{ (void)m; return re_hprintf(pf, ""); }

WEAK int sfu_rtc_alloc(struct sfu_rtc **rtcp, const struct sfu_config *cfg,
		       struct sfu_metrics *m)
{ (void)cfg; (void)m; *rtcp = NULL; return 0; }
WEAK void sfu_rtc_set_idle_handler(struct sfu_rtc *rtc, sfu_rtc_idle_h *h,
				   void *arg)
{ (void)rtc; (void)h; (void)arg; }
WEAK void sfu_rtc_set_draining(struct sfu_rtc *rtc, bool on)
{ (void)rtc; (void)on; }
WEAK unsigned sfu_rtc_session_count(const struct sfu_rtc *rtc)
{ (void)rtc; return 0; }
WEAK unsigned sfu_rtc_call_count(const struct sfu_rtc *rtc)
{ (void)rtc; return 0; }
WEAK void sfu_rtc_close_all(struct sfu_rtc *rtc, const char *reason)
{ (void)rtc; (void)reason; }
WEAK int sfu_rtc_sessions_json(struct re_printf *pf,
			       const struct sfu_rtc *rtc,
			       const char *group_id, const char *call_id,
			       const char *session_id, const char **errp)
{ (void)pf; (void)rtc; (void)group_id; (void)call_id; (void)session_id;
  *errp = "group not found"; return ENOENT; }

WEAK int sfu_ws_alloc(struct sfu_ws **wsp, struct sfu_rtc *rtc,
		      struct sfu_metrics *m)
{ (void)rtc; (void)m; *wsp = NULL; return 0; }
WEAK int sfu_ws_accept(struct sfu_ws *ws, struct http_conn *conn,
		       const struct http_msg *msg, const char *client_id)
{ (void)ws; (void)conn; (void)msg; (void)client_id; return ENOSYS; }
WEAK void sfu_ws_close_all(struct sfu_ws *ws) { (void)ws; }
