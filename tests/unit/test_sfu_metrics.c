/* calls-sfu metrics: rtcd_* families, rendering, promtool, cpu_load */
#include <stdlib.h>
#include <unistd.h>
#include <pthread.h>
#include <sys/wait.h>
#include "runner.h"
#include "re_inc.h"
#include "../../cmd/sfu/metrics.h"


static int render(struct sfu_metrics *m, char **outp)
{
	return re_sdprintf(outp, "%H", sfu_metrics_render, m);
}


/* Every rtcd family with some traffic */
static void populate(struct sfu_metrics *m)
{
	sfu_metrics_ws_conn(m, "c1", +1);
	sfu_metrics_ws_conn(m, "c2", +1);
	sfu_metrics_ws_conn(m, "c2", -1);
	sfu_metrics_ws_msg(m, "c1", "join", false);
	sfu_metrics_ws_msg(m, "c1", "join", false);
	sfu_metrics_ws_msg(m, "c1", "rtc", true);
	sfu_metrics_session(m, "c1", +1);
	sfu_metrics_rtc_error(m, "c1", "signaling");
	sfu_metrics_conn_state(m, "connected");
	sfu_metrics_conn_state(m, "closed");
	sfu_metrics_tracks(m, "c1", false, "audio/opus", +1);
	sfu_metrics_tracks(m, "c1", true, "video/VP8", +2);
	sfu_metrics_tracks(m, "c1", true, NULL, +1);
	sfu_metrics_observe_track_write(m, "c1", "voice", 0.0001);
	sfu_metrics_observe(m, SFU_HIST_CONNECTION_TIME, "c1", 0.8);
	sfu_metrics_observe(m, SFU_HIST_DC_OPEN_TIME, "c1", 1.2);
	sfu_metrics_observe(m, SFU_HIST_LOCK_GRAB_TIME, "c1", 0.002);
	sfu_metrics_observe(m, SFU_HIST_LOCK_LOCKED_TIME, "c1", 0.3);
	sfu_metrics_observe(m, SFU_HIST_CLIENT_LOSS_RATE, "c1", 0.02);
	sfu_metrics_observe(m, SFU_HIST_CLIENT_RTT, "c1", 0.04);
	sfu_metrics_observe(m, SFU_HIST_CLIENT_JITTER, "c1", 0.006);
	/* a label value that needs escaping */
	sfu_metrics_ws_conn(m, "we\"ird\\id\nx", +1);
	/* and one that is not UTF-8 (twice: the same series) */
	sfu_metrics_ws_msg(m, "c1", "bad\xff\xc3(", false);
	sfu_metrics_ws_msg(m, "c1", "bad\xff\xc3(", false);
}


static int test_metrics_families(void)
{
	static const char *const want[] = {
		"# TYPE rtcd_ws_connections_total gauge\n",
		"rtcd_ws_connections_total{clientID=\"c1\"} 1\n",
		"rtcd_ws_connections_total{clientID=\"c2\"} 0\n",
		"rtcd_ws_connections_total{clientID="
		"\"we\\\"ird\\\\id\\nx\"} 1\n",
		"# TYPE rtcd_ws_messages_total counter\n",
		"rtcd_ws_messages_total{clientID=\"c1\",type=\"bad"
		"\xef\xbf\xbd\xef\xbf\xbd(\",direction=\"in\"} 2\n",
		"rtcd_ws_messages_total{clientID=\"c1\",type=\"join\","
		"direction=\"in\"} 2\n",
		"rtcd_ws_messages_total{clientID=\"c1\",type=\"rtc\","
		"direction=\"out\"} 1\n",
		"# TYPE rtcd_rtc_sessions_total gauge\n",
		"rtcd_rtc_sessions_total{groupID=\"c1\"} 1\n",
		"# TYPE rtcd_rtc_errors_total counter\n",
		"rtcd_rtc_errors_total{groupID=\"c1\",type=\"signaling\"}"
		" 1\n",
		"# TYPE rtcd_rtc_conn_states_total counter\n",
		"rtcd_rtc_conn_states_total{type=\"closed\"} 1\n",
		"rtcd_rtc_conn_states_total{type=\"connected\"} 1\n",
		"# TYPE rtcd_rtc_rtp_tracks_total gauge\n",
		"rtcd_rtc_rtp_tracks_total{groupID=\"c1\",direction=\"in\","
		"type=\"audio/opus\"} 1\n",
		"rtcd_rtc_rtp_tracks_total{groupID=\"c1\",direction=\"out\","
		"type=\"unknown\"} 1\n",
		"rtcd_rtc_rtp_tracks_total{groupID=\"c1\",direction=\"out\","
		"type=\"video/VP8\"} 2\n",
		"# TYPE rtcd_rtc_rtp_tracks_writes_time histogram\n",
		/* latency buckets */
		"rtcd_rtc_rtp_tracks_writes_time_bucket{groupID=\"c1\","
		"type=\"voice\",le=\"0.001\"} 1\n",
		"rtcd_rtc_rtp_tracks_writes_time_bucket{groupID=\"c1\","
		"type=\"voice\",le=\"0.0075\"} 1\n",
		"rtcd_rtc_rtp_tracks_writes_time_bucket{groupID=\"c1\","
		"type=\"voice\",le=\"+Inf\"} 1\n",
		"rtcd_rtc_rtp_tracks_writes_time_sum{groupID=\"c1\","
		"type=\"voice\"} 0.0001\n",
		"rtcd_rtc_rtp_tracks_writes_time_count{groupID=\"c1\","
		"type=\"voice\"} 1\n",
		/* default buckets */
		"# TYPE rtcd_rtc_connection_time histogram\n",
		"rtcd_rtc_connection_time_bucket{groupID=\"c1\","
		"le=\"0.5\"} 0\n",
		"rtcd_rtc_connection_time_bucket{groupID=\"c1\","
		"le=\"1\"} 1\n",
		"rtcd_rtc_connection_time_bucket{groupID=\"c1\","
		"le=\"10\"} 1\n",
		"rtcd_rtc_dc_open_time_bucket{groupID=\"c1\","
		"le=\"2.5\"} 1\n",
		"rtcd_rtc_signaling_lock_grab_time_count{groupID=\"c1\"}"
		" 1\n",
		"rtcd_rtc_signaling_lock_locked_time_bucket{groupID=\"c1\""
		",le=\"0.25\"} 0\n",
		/* loss buckets: no 0.3/0.4 */
		"rtcd_rtc_client_loss_rate_bucket{groupID=\"c1\","
		"le=\"0.025\"} 1\n",
		"rtcd_rtc_client_rtt_bucket{groupID=\"c1\",le=\"0.4\"} 1\n",
		"rtcd_rtc_client_jitter_bucket{groupID=\"c1\","
		"le=\"0.005\"} 0\n",
		"rtcd_rtc_client_jitter_bucket{groupID=\"c1\","
		"le=\"0.0075\"} 1\n",
		"# TYPE rtcd_process_cpu_seconds_total counter\n",
		"# TYPE rtcd_process_resident_memory_bytes gauge\n",
		"# TYPE rtcd_process_virtual_memory_bytes gauge\n",
		"# TYPE rtcd_process_open_fds gauge\n",
		"# TYPE rtcd_process_max_fds gauge\n",
		"# TYPE rtcd_process_start_time_seconds gauge\n",
	};
	struct sfu_metrics *m = NULL;
	char *out = NULL;
	size_t i;

	TEST_ERR(sfu_metrics_alloc(&m));
	populate(m);
	TEST_ERR(render(m, &out));

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		if (!strstr(out, want[i])) {
			unit_fail(__FILE__, __LINE__, "missing: %s", want[i]);
			mem_deref(out);
			mem_deref(m);
			return EINVAL;
		}
	}

	/* loss buckets end at 0.25, 0.5 (no 0.3); latency has 0.3 */
	TEST_ASSERT(!strstr(out, "rtcd_rtc_client_loss_rate_bucket{groupID="
			    "\"c1\",le=\"0.3\"}"));
	TEST_ASSERT(strstr(out, "rtcd_rtc_client_rtt_bucket{groupID="
			   "\"c1\",le=\"0.3\"}"));
	/* every family has HELP */
	TEST_ASSERT(strstr(out, "# HELP rtcd_rtc_client_jitter "));

	mem_deref(out);
	mem_deref(m);

	return 0;
}


/* An empty registry renders only the process families (as Go omits
 * vectors without children) */
static int test_metrics_empty(void)
{
	struct sfu_metrics *m = NULL;
	char *out = NULL;

	TEST_ERR(sfu_metrics_alloc(&m));
	TEST_ERR(render(m, &out));
	TEST_ASSERT(strstr(out, "rtcd_process_open_fds ") != NULL);
	TEST_ASSERT(strstr(out, "rtcd_rtc_") == NULL);
	TEST_ASSERT(strstr(out, "rtcd_ws_") == NULL);
	mem_deref(out);
	mem_deref(m);

	/* NULL is accepted and ignored by the event functions */
	sfu_metrics_ws_conn(NULL, "x", 1);
	sfu_metrics_observe(NULL, SFU_HIST_CLIENT_RTT, "x", 1);
	TEST_EQ(0, (long long)sfu_metrics_cpu_load(NULL));
	TEST_FAILS(EINVAL, sfu_metrics_render(NULL, NULL));

	return 0;
}


/*
 * promtool (Debian's prometheus package) parses the scrape. Its linter
 * also flags what rtcd itself does (camelCase groupID/clientID labels,
 * gauges named *_total): those lines are expected, with exit code 3;
 * a parse error (exit 1) or any other lint message fails the test.
 */
static int test_metrics_promtool(void)
{
	static const char *const inherited[] = {
		"label names should be written in 'snake_case' not "
		"'camelCase'",
		"non-counter metrics should not have \"_total\" suffix",
	};
	char path[] = "/tmp/sfu-metrics-XXXXXX";
	char cmd[256], line[512];
	struct sfu_metrics *m = NULL;
	char *out = NULL;
	FILE *f, *p;
	int fd, st, lines = 0;
	size_t i;

	if (access("/usr/bin/promtool", X_OK)) {
		unit_fail(__FILE__, __LINE__, "promtool not found: apt-get "
			  "install prometheus (scripts/bootstrap)");
		return ENOENT;
	}

	TEST_ERR(sfu_metrics_alloc(&m));
	populate(m);
	TEST_ERR(render(m, &out));
	mem_deref(m);

	fd = mkstemp(path);
	TEST_ASSERT(fd >= 0);
	f = fdopen(fd, "w");
	TEST_ASSERT(f != NULL);
	fputs(out, f);
	fclose(f);
	mem_deref(out);

	snprintf(cmd, sizeof(cmd), "/usr/bin/promtool check metrics <%s 2>&1",
		 path);
	p = popen(cmd, "r");
	TEST_ASSERT(p != NULL);
	while (fgets(line, sizeof(line), p)) {
		bool known = false;

		for (i = 0; i < ARRAY_SIZE(inherited); i++)
			known |= strstr(line, inherited[i]) != NULL;
		if (!known) {
			unit_fail(__FILE__, __LINE__, "promtool: %s", line);
			pclose(p);
			unlink(path);
			return EINVAL;
		}
		++lines;
	}
	st = pclose(p);
	unlink(path);

	TEST_ASSERT(WIFEXITED(st));
	TEST_ASSERT(WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 3);
	/* the inherited lint lines are there: promtool really ran */
	TEST_ASSERT(lines > 0);

	return 0;
}


static int test_metrics_cpu_load(void)
{
	struct sfu_metrics *m = NULL;
	double load;

	/* two idle CPUs over 1 s: 1 / 2 */
	TEST_ASSERT(sfu_metrics_cpu_load_calc(200, 1000, 100) == 0.5);
	/* one idle CPU */
	TEST_ASSERT(sfu_metrics_cpu_load_calc(100, 1000, 100) == 1.0);
	/* nothing idle: finite, and larger than any partly idle value */
	load = sfu_metrics_cpu_load_calc(0, 1000, 100);
	TEST_ASSERT(load == 100.0);
	TEST_ASSERT(load == sfu_metrics_cpu_load_calc(1, 1000, 100));
	TEST_ASSERT(load > sfu_metrics_cpu_load_calc(2, 1000, 100));
	/* no time passed */
	TEST_ASSERT(sfu_metrics_cpu_load_calc(100, 0, 100) == 0);
	TEST_ASSERT(sfu_metrics_cpu_load_calc(100, 1000, 0) == 0);

	TEST_ERR(sfu_metrics_alloc(&m));
	TEST_ASSERT(sfu_metrics_cpu_load(m) == 0);   /* no samples yet */
	TEST_ERR(sfu_metrics_cpu_sample(m));
	TEST_ASSERT(sfu_metrics_cpu_load(m) == 0);   /* one sample */
	usleep(30000);
	TEST_ERR(sfu_metrics_cpu_sample(m));
	load = sfu_metrics_cpu_load(m);
	TEST_ASSERT(load >= 0 && load < 1e9);
	mem_deref(m);

	return 0;
}


static void *hammer(void *arg)
{
	struct sfu_metrics *m = arg;
	int i;

	for (i = 0; i < 2000; i++) {
		sfu_metrics_ws_msg(m, "c", "rtc", true);
		sfu_metrics_observe(m, SFU_HIST_CLIENT_RTT, "g", 0.01);
	}

	return NULL;
}


/* Events from several threads while another scrapes */
static int test_metrics_threads(void)
{
	struct sfu_metrics *m = NULL;
	pthread_t tid[4];
	char *out = NULL;
	int i;

	TEST_ERR(sfu_metrics_alloc(&m));
	for (i = 0; i < 4; i++)
		TEST_EQ(0, pthread_create(&tid[i], NULL, hammer, m));
	for (i = 0; i < 3; i++) {
		TEST_ERR(render(m, &out));
		out = mem_deref(out);
	}
	for (i = 0; i < 4; i++)
		pthread_join(tid[i], NULL);

	TEST_ERR(render(m, &out));
	TEST_ASSERT(strstr(out, "rtcd_ws_messages_total{clientID=\"c\","
			   "type=\"rtc\",direction=\"out\"} 8000\n"));
	TEST_ASSERT(strstr(out, "rtcd_rtc_client_rtt_count{groupID=\"g\"} "
			   "8000\n"));
	mem_deref(out);
	mem_deref(m);

	return 0;
}


const struct unit_suite suite_sfu_metrics = {"sfu_metrics", {
	UNIT_CASE(test_metrics_families),
	UNIT_CASE(test_metrics_empty),
	UNIT_CASE(test_metrics_promtool),
	UNIT_CASE(test_metrics_cpu_load),
	UNIT_CASE(test_metrics_threads),
	{NULL, NULL},
}};
