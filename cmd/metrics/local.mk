# calls-metrics: scrape Prometheus/OpenMetrics endpoints (libcurl), filter
# and check with jq (libjq), watch rates and quantiles, summarise an SFU
bin_PROGRAMS += cmd/metrics/calls-metrics
METRICS_SOURCES = cmd/metrics/metrics.h cmd/metrics/run.h \
	cmd/metrics/batch.c cmd/metrics/scrape.c cmd/metrics/jqf.c \
	cmd/metrics/watch.c cmd/metrics/output.c cmd/metrics/summary.c \
	cmd/metrics/run.c
METRICS_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cmd/metrics $(CURL_CFLAGS)
METRICS_LIBS = $(CALLS_LIBS) $(CURL_LIBS) $(JQ_LIBS)
cmd_metrics_calls_metrics_SOURCES = cmd/metrics/main.c cmd/metrics/opts.c \
	$(METRICS_SOURCES) cmd/metrics/help.inc
cmd_metrics_calls_metrics_CPPFLAGS = $(METRICS_CPPFLAGS)
cmd_metrics_calls_metrics_LDADD = $(METRICS_LIBS)
