/**
 * @file metrics.c  calls-stun serve: Prometheus text counters over HTTP
 *
 * GET /metrics (or /) answers with the server's counters in the text
 * exposition format 0.0.4; libre's HTTP server does the rest.
 */
#include "re_inc.h"
#include "stuncmd.h"


const char *srv_transport_name(unsigned t)
{
	return t == SRV_TCP ? "tcp" : "udp";
}


static int print_family(struct re_printf *pf, const char *name,
			const char *help, const char *type)
{
	return re_hprintf(pf, "# HELP %s %s\n# TYPE %s %s\n", name, help,
			  name, type);
}


static int metrics_print(struct re_printf *pf, const struct srv_stats *st)
{
	int err = 0;
	unsigned t, r;

	err |= print_family(pf, "calls_stun_packets_total",
			     "Datagrams and TCP frames received.",
			     "counter");
	for (t = 0; t < SRV_NTRANSPORT; t++)
		err |= re_hprintf(pf, "calls_stun_packets_total"
				  "{transport=\"%s\"} %llu\n",
				  srv_transport_name(t),
				  (unsigned long long)st->packets[t]);

	err |= print_family(pf, "calls_stun_requests_total",
			     "Requests answered (success or error).",
			     "counter");
	for (t = 0; t < SRV_NTRANSPORT; t++) {
		uint64_t n = 0;

		for (r = SRV_SUCCESS; r <= SRV_ERR_420; r++)
			n += st->results[t][r];
		err |= re_hprintf(pf, "calls_stun_requests_total"
				  "{transport=\"%s\"} %llu\n",
				  srv_transport_name(t),
				  (unsigned long long)n);
	}

	err |= print_family(pf, "calls_stun_responses_total",
			     "Responses sent, by class.", "counter");
	for (t = 0; t < SRV_NTRANSPORT; t++) {
		uint64_t e = st->results[t][SRV_ERR_400] +
			st->results[t][SRV_ERR_401] +
			st->results[t][SRV_ERR_420];

		err |= re_hprintf(pf, "calls_stun_responses_total"
				  "{transport=\"%s\",class=\"success\"} "
				  "%llu\n", srv_transport_name(t),
				  (unsigned long long)
				  st->results[t][SRV_SUCCESS]);
		err |= re_hprintf(pf, "calls_stun_responses_total"
				  "{transport=\"%s\",class=\"error\"} %llu\n",
				  srv_transport_name(t),
				  (unsigned long long)e);
	}

	err |= print_family(pf, "calls_stun_errors_total",
			     "Errors by type: error responses sent and "
			     "packets dropped.", "counter");
	for (t = 0; t < SRV_NTRANSPORT; t++) {
		for (r = SRV_ERR_400; r < SRV_RESULT_N; r++)
			err |= re_hprintf(pf, "calls_stun_errors_total"
					  "{transport=\"%s\",type=\"%s\"} "
					  "%llu\n", srv_transport_name(t),
					  srv_result_name(r),
					  (unsigned long long)
					  st->results[t][r]);
		err |= re_hprintf(pf, "calls_stun_errors_total"
				  "{transport=\"%s\",type=\"send_failed\"} "
				  "%llu\n", srv_transport_name(t),
				  (unsigned long long)st->send_failed[t]);
	}
	err |= re_hprintf(pf, "calls_stun_errors_total"
			  "{transport=\"tcp\",type=\"rejected\"} %llu\n",
			  (unsigned long long)st->tcp_rejected);

	err |= print_family(pf, "calls_stun_tcp_connections",
			     "Open TCP connections.", "gauge");
	err |= re_hprintf(pf, "calls_stun_tcp_connections %u\n",
			  st->tcp_conns);

	return err;
}


static void http_handler(struct http_conn *conn, const struct http_msg *msg,
			 void *arg)
{
	const struct srv_stats *st = arg;

	if (pl_strcmp(&msg->met, "GET") && pl_strcmp(&msg->met, "HEAD")) {
		(void)http_ereply(conn, 405, "Method Not Allowed");
		return;
	}

	if (pl_strcmp(&msg->path, "/metrics") && pl_strcmp(&msg->path, "/")) {
		(void)http_ereply(conn, 404, "Not Found");
		return;
	}

	(void)http_creply(conn, 200, "OK", "text/plain; version=0.0.4",
			  "%H", metrics_print, st);
}


int metrics_listen(struct http_sock **hsp, const struct sa *laddr,
		   const struct srv_stats *st, struct sa *bound)
{
	int err;

	err = http_listen(hsp, laddr, http_handler, (void *)st);
	if (err)
		return err;

	err = tcp_sock_local_get(http_sock_tcp(*hsp), bound);
	if (err)
		*hsp = mem_deref(*hsp);

	return err;
}
