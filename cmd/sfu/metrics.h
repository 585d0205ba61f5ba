/**
 * @file metrics.h  calls-sfu: rtcd's Prometheus metrics and /system load
 *
 * The same families as rtcd (namespace `rtcd`, service/perf/metrics.go):
 * names, types, labels and bucket lists, plus rtcd_process_* read from
 * /proc/self at scrape time. Every event function is safe to call from
 * any thread: one mutex guards the registry; an event is a lock and a
 * hash lookup, about 100 ns uncontended (per-packet callers such as
 * the track write histogram should still sample or batch). A NULL
 * registry is accepted everywhere and ignored, so code under test can
 * pass none. Label values are copied; a series, once seen, stays (as in
 * the Go client), including gauges that went back to 0.
 */
#ifndef SFU_METRICS_H
#define SFU_METRICS_H

#include <stdbool.h>
#include <stdint.h>

struct re_printf;
struct sfu_metrics;

/** The groupID-labelled histograms (seconds, or a ratio for loss) */
enum sfu_metrics_hist {
	SFU_HIST_CONNECTION_TIME = 0,  /**< rtcd_rtc_connection_time       */
	SFU_HIST_DC_OPEN_TIME,         /**< rtcd_rtc_dc_open_time          */
	SFU_HIST_LOCK_GRAB_TIME,       /**< ..._signaling_lock_grab_time   */
	SFU_HIST_LOCK_LOCKED_TIME,     /**< ..._signaling_lock_locked_time */
	SFU_HIST_CLIENT_LOSS_RATE,     /**< rtcd_rtc_client_loss_rate      */
	SFU_HIST_CLIENT_RTT,           /**< rtcd_rtc_client_rtt            */
	SFU_HIST_CLIENT_JITTER,        /**< rtcd_rtc_client_jitter         */
};

int  sfu_metrics_alloc(struct sfu_metrics **mp);

/* rtcd_ws_connections_total{clientID} += delta */
void sfu_metrics_ws_conn(struct sfu_metrics *m, const char *client_id,
			 int delta);
/* rtcd_ws_messages_total{clientID,type,direction="in"|"out"}++
 * (rtcd counts out only for rtc and vad, not hello/close) */
void sfu_metrics_ws_msg(struct sfu_metrics *m, const char *client_id,
			const char *type, bool out);
/* rtcd_rtc_sessions_total{groupID} += delta */
void sfu_metrics_session(struct sfu_metrics *m, const char *group_id,
			 int delta);
/* rtcd_rtc_errors_total{groupID,type}++; type: rtp, ice, signaling,
 * signaling_lock_timeout, track */
void sfu_metrics_rtc_error(struct sfu_metrics *m, const char *group_id,
			   const char *type);
/* rtcd_rtc_conn_states_total{type}++; connected, disconnected, failed,
 * closed */
void sfu_metrics_conn_state(struct sfu_metrics *m, const char *state);
/* rtcd_rtc_rtp_tracks_total{groupID,direction,type=mime} += delta;
 * mime: audio/opus, video/VP8, video/AV1, unknown */
void sfu_metrics_tracks(struct sfu_metrics *m, const char *group_id,
			bool out, const char *mime, int delta);
/* rtcd_rtc_rtp_tracks_writes_time{groupID,type}; type: voice,
 * screen-audio, screen (rtcd labels every video write "screen") */
void sfu_metrics_observe_track_write(struct sfu_metrics *m,
				     const char *group_id, const char *type,
				     double seconds);
/* One of the groupID histograms above */
void sfu_metrics_observe(struct sfu_metrics *m, enum sfu_metrics_hist h,
			 const char *group_id, double v);

/** Prometheus text format 0.0.4 (Content-Type
 *  "text/plain; version=0.0.4; charset=utf-8"), for GET /metrics */
int  sfu_metrics_render(struct re_printf *pf, struct sfu_metrics *m);

/**
 * /system cpu_load. Starts a 1 s libre timer on the calling (re_main)
 * thread that samples /proc/stat's aggregate idle time, as rtcd does:
 * load = Δwall / Δidle (the inverse of the number of idle CPUs).
 */
int  sfu_metrics_sampler_start(struct sfu_metrics *m);
void sfu_metrics_sampler_stop(struct sfu_metrics *m);
/** The last load: 0 before two samples; never Inf or NaN (see calc) */
double sfu_metrics_cpu_load(const struct sfu_metrics *m);
/** Takes one sample now (the timer's work; tests call it directly) */
int  sfu_metrics_cpu_sample(struct sfu_metrics *m);
/**
 * The load from one interval: idle ticks (USER_HZ) and wall ms. An idle
 * delta of 0 (every CPU busy) counts as one tick, so a saturated host
 * reports a large finite load (100 per second of wall at 100 Hz)
 * instead of rtcd's +Inf; a wall delta of 0 gives 0.
 */
double sfu_metrics_cpu_load_calc(uint64_t idle_ticks, uint64_t wall_ms,
				 long hz);

#endif
