/**
 * @file ping.c  ping: loss, RTT and jitter against listen --echo
 *
 * Sends --count probes, one every --interval, over a connected UDP socket
 * (or one TCP connection, framed by the packets' length field). A probe
 * is lost when no reply comes within --timeout of its sending; a reply
 * after that counts as late, a second reply as duplicated. The summary
 * goes to stdout as text, or as a final JSON line with "type":"summary".
 */
#include <math.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include "re_inc.h"
#include "exitcode.h"
#include "app.h"
#include "json.h"
#define LOG_MODULE "ping"
#include "log.h"
#include "probe.h"

struct slot {
	uint64_t tx_ns;
	bool answered;
	bool expired;
};

struct ping {
	const struct probe_opts *o;
	int fd;
	struct sa dst;
	char peer[64];
	bool connecting;
	bool closed;              /* TCP: the responder went away   */
	uint32_t session;
	uint32_t next;            /* next sequence number to send   */
	uint32_t first_open;      /* lowest seq not yet settled     */
	uint32_t refused;
	struct slot *slots;       /* [count], by seq - 1            */
	struct probe_stats st;
	struct tmr tmr_send;
	struct tmr tmr_wait;
	struct calls_jw jw;
	int ret;
	size_t rlen;
	uint8_t rbuf[PROBE_MAX_LEN + 1];
	uint8_t sbuf[PROBE_MAX_LEN + 1];
};

static void finish(struct ping *p);


static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}


/* JSON numbers in ms to the nanosecond: 0.081234, not 0.08123399999 */
static double ns_round(double v)
{
	return round(v * 1e6) / 1e6;
}


static void probe_line(struct ping *p, uint32_t seq, const char *status,
		       double rtt_ms)
{
	if (p->o->json) {
		calls_jw_obj_begin(&p->jw, NULL);
		calls_jw_str(&p->jw, "type", "probe");
		calls_jw_str(&p->jw, "proto", proto_name(p->o->proto));
		calls_jw_str(&p->jw, "peer", p->peer);
		calls_jw_uint(&p->jw, "seq", seq);
		calls_jw_uint(&p->jw, "size", p->o->size);
		calls_jw_str(&p->jw, "status", status);
		if (rtt_ms >= 0)
			calls_jw_dbl(&p->jw, "rtt_ms", ns_round(rtt_ms));
		else
			calls_jw_null(&p->jw, "rtt_ms");
		calls_jw_obj_end(&p->jw);
		calls_jw_line(&p->jw, stdout);
		return;
	}

	if (rtt_ms >= 0)
		re_printf("%lu bytes from %s: seq=%u rtt=%.3f ms%s%s\n",
			  p->o->size, p->peer, seq, rtt_ms,
			  strcmp(status, "ok") ? " " : "",
			  strcmp(status, "ok") ? status : "");
	else
		re_printf("no reply from %s: seq=%u %s\n", p->peer, seq,
			  status);
	fflush(stdout);
}


/* Settles the probes whose time is up, in sending order */
static void expire(struct ping *p, uint64_t now)
{
	uint64_t tmo = (uint64_t)(p->o->timeout * 1e9);

	while (p->first_open + 1 < p->next) {
		struct slot *s = &p->slots[p->first_open];

		if (!s->answered && !s->expired) {
			if (!p->closed && now - s->tx_ns < tmo)
				break;
			s->expired = true;
			probe_line(p, p->first_open + 1, "lost", -1);
		}
		++p->first_open;
	}
}


static bool all_settled(const struct ping *p)
{
	return p->next > p->o->count && p->first_open >= p->o->count;
}


static void wait_h(void *arg)
{
	struct ping *p = arg;

	expire(p, probe_now_ns());
	if (all_settled(p))
		finish(p);
	else
		tmr_start(&p->tmr_wait, 10, wait_h, p);
}


static int send_probe(struct ping *p, uint32_t seq, uint64_t now)
{
	struct probe_pkt pkt = {
		.len = (uint16_t)p->o->size, .session = p->session,
		.seq = seq, .tx_ns = now,
	};
	int err;

	err = pkt_encode(p->sbuf, sizeof(p->sbuf), &pkt);
	if (err)
		return err;

	if (p->o->proto == PROBE_TCP)
		return sock_write_all(p->fd, p->sbuf, pkt.len);

	if (send(p->fd, p->sbuf, pkt.len, 0) < 0)
		return errno;

	return 0;
}


static void send_h(void *arg)
{
	struct ping *p = arg;
	uint64_t now = probe_now_ns();
	uint32_t seq = p->next;
	int err;

	expire(p, now);

	p->slots[seq - 1].tx_ns = now;
	++p->next;
	++p->st.sent;

	err = p->closed ? ECONNRESET : send_probe(p, seq, now);
	if (err == ECONNREFUSED && p->o->proto == PROBE_UDP) {
		++p->refused;   /* an earlier probe's ICMP error */
	}
	else if (err && sock_err_unanswered(err)) {
		if (!p->closed)
			log_warn("%s: %m", p->peer, err);
		p->closed = true;
	}
	else if (err) {
		log_error("%s: send: %m", p->peer, err);
		p->ret = CALLS_EXIT_NET;
		re_cancel();
		return;
	}

	if (p->next <= p->o->count)
		tmr_start(&p->tmr_send, p->closed ? 0 :
			  (uint64_t)(p->o->interval * 1000), send_h, p);
	else
		wait_h(p);
}


static void reply(struct ping *p, const uint8_t *buf, size_t len)
{
	struct probe_pkt pkt;
	struct slot *s;
	uint64_t now = probe_now_ns();
	double rtt;

	if (pkt_decode(&pkt, buf, len) || !(pkt.flags & PROBE_F_REPLY) ||
	    pkt.session != p->session || pkt.seq < 1 ||
	    pkt.seq >= p->next || pkt.len != p->o->size) {
		log_debug("%s: ignored %zu bytes: not a reply of ours",
			  p->peer, len);
		return;
	}

	s = &p->slots[pkt.seq - 1];
	rtt = ms(now - s->tx_ns);

	if (s->expired) {
		++p->st.late;
		probe_line(p, pkt.seq, "late", rtt);
	}
	else if (s->answered) {
		stats_reply(&p->st, pkt.seq, true, rtt, 0);
		probe_line(p, pkt.seq, "duplicate", rtt);
	}
	else {
		s->answered = true;
		stats_reply(&p->st, pkt.seq, false, rtt,
			    (int64_t)(pkt.echo_ns - pkt.tx_ns));
		probe_line(p, pkt.seq, "ok", rtt);
	}

	expire(p, now);
	if (all_settled(p))
		finish(p);
}


static void tcp_gone(struct ping *p, int err)
{
	if (!p->closed)
		log_warn("%s: %s after %u replies", p->peer,
			 err ? "connection lost" : "responder closed",
			 p->st.received);
	p->closed = true;
	fd_close(p->fd);

	/* what can no longer be sent is lost */
	if (p->next <= p->o->count)
		tmr_start(&p->tmr_send, 0, send_h, p);
	else
		wait_h(p);
}


static void tcp_recv(struct ping *p)
{
	size_t done = 0, plen;
	ssize_t n;
	int err;

	n = recv(p->fd, p->rbuf + p->rlen, sizeof(p->rbuf) - p->rlen, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		tcp_gone(p, n < 0 ? errno : 0);
		return;
	}

	p->rlen += (size_t)n;

	while (!(err = pkt_frame_len(&plen, p->rbuf + done,
				     p->rlen - done)) &&
	       plen <= p->rlen - done) {
		reply(p, p->rbuf + done, plen);
		done += plen;
	}

	if (err && err != ENODATA) {
		log_warn("%s: the stream carries no probe replies (%m)",
			 p->peer, err);
		tcp_gone(p, err);
		return;
	}

	memmove(p->rbuf, p->rbuf + done, p->rlen - done);
	p->rlen -= done;
}


static void recv_h(int flags, void *arg)
{
	struct ping *p = arg;
	ssize_t n;
	(void)flags;

	if (p->o->proto == PROBE_TCP) {
		tcp_recv(p);
		return;
	}

	n = recv(p->fd, p->rbuf, sizeof(p->rbuf), 0);
	if (n < 0) {
		if (errno == ECONNREFUSED) {
			if (!p->refused++)
				log_warn("%s: ICMP port unreachable: nothing"
					 " listens there", p->peer);
		}
		else if (errno != EAGAIN && errno != EINTR) {
			log_warn("%s: %m", p->peer, errno);
		}
		return;
	}

	reply(p, p->rbuf, (size_t)n);
}


static void summary_json(struct ping *p, const struct probe_summary *s)
{
	struct calls_jw *w = &p->jw;

	calls_jw_obj_begin(w, NULL);
	calls_jw_str(w, "type", "summary");
	calls_jw_str(w, "proto", proto_name(p->o->proto));
	calls_jw_str(w, "peer", p->peer);
	calls_jw_uint(w, "size", p->o->size);
	calls_jw_uint(w, "sent", s->sent);
	calls_jw_uint(w, "received", s->received);
	calls_jw_dbl(w, "loss_pct", ns_round(s->loss_pct));
	if (s->received) {
		calls_jw_obj_begin(w, "rtt_ms");
		calls_jw_dbl(w, "min", ns_round(s->min));
		calls_jw_dbl(w, "avg", ns_round(s->avg));
		calls_jw_dbl(w, "p50", ns_round(s->p50));
		calls_jw_dbl(w, "p95", ns_round(s->p95));
		calls_jw_dbl(w, "max", ns_round(s->max));
		calls_jw_obj_end(w);
		calls_jw_dbl(w, "jitter_ms", ns_round(s->jitter));
	}
	else {
		calls_jw_null(w, "rtt_ms");
		calls_jw_null(w, "jitter_ms");
	}
	calls_jw_uint(w, "reordered", s->reordered);
	calls_jw_uint(w, "duplicated", s->duplicated);
	calls_jw_uint(w, "late", s->late);
	calls_jw_uint(w, "unreachable", p->refused);
	calls_jw_bool(w, "ok", p->ret == CALLS_EXIT_OK);
	calls_jw_obj_end(w);
	calls_jw_line(w, stdout);
}


static void summary_text(struct ping *p, const struct probe_summary *s)
{
	re_printf("--- %s %s ---\n", proto_name(p->o->proto), p->peer);
	re_printf("%u sent, %u received, %.1f%% loss, %u reordered,"
		  " %u duplicated, %u late\n", s->sent, s->received,
		  s->loss_pct, s->reordered, s->duplicated, s->late);
	if (s->received)
		re_printf("rtt min/avg/p50/p95/max = %.3f/%.3f/%.3f/%.3f/%.3f"
			  " ms, jitter %.3f ms\n", s->min, s->avg, s->p50,
			  s->p95, s->max, s->jitter);
	fflush(stdout);
}


static void finish(struct ping *p)
{
	struct probe_summary s;

	tmr_cancel(&p->tmr_send);
	tmr_cancel(&p->tmr_wait);
	stats_summary(&p->st, &s);

	if (!s.received) {
		p->ret = CALLS_EXIT_FAIL;
		log_error("no reply from %s %s (%u probes%s)",
			  proto_name(p->o->proto), p->peer, s.sent,
			  p->refused ? "; ICMP port unreachable: nothing"
			  " listens there" : "");
	}
	else if (p->o->max_loss >= 0 && s.loss_pct > p->o->max_loss) {
		p->ret = CALLS_EXIT_FAIL;
		log_error("loss %.1f%% is above --max-loss %.1f%%",
			  s.loss_pct, p->o->max_loss);
	}

	if (p->o->json)
		summary_json(p, &s);
	else
		summary_text(p, &s);

	re_cancel();
}


/* SIGINT/SIGTERM: the summary of what was sent so far, as ping does */
static void stop_h(int sig, void *arg)
{
	struct ping *p = arg;
	(void)sig;

	p->next = p->st.sent + 1;
	p->closed = true;
	expire(p, probe_now_ns());
	finish(p);
}


static int start(struct ping *p)
{
	struct timeval tv;
	int err;

	if (p->o->proto == PROBE_TCP) {
		tv.tv_sec = (time_t)p->o->timeout + 1;
		tv.tv_usec = 0;
		err = sock_set_blocking(p->fd, true);
		if (err)
			return err;
		(void)setsockopt(p->fd, SOL_SOCKET, SO_SNDTIMEO, &tv,
				 sizeof(tv));
	}

	err = fd_listen(p->fd, FD_READ, recv_h, p);
	if (err)
		return err;

	tmr_start(&p->tmr_send, 0, send_h, p);

	return 0;
}


static void connect_h(int flags, void *arg)
{
	struct ping *p = arg;
	int err;
	(void)flags;

	fd_close(p->fd);
	tmr_cancel(&p->tmr_wait);
	p->connecting = false;

	err = sock_error(p->fd);
	if (!err)
		err = start(p);
	if (err) {
		log_error("no answer from tcp %s: %m", p->peer, err);
		p->ret = sock_err_unanswered(err) ? CALLS_EXIT_FAIL :
			CALLS_EXIT_NET;
		re_cancel();
	}
}


static void connect_tmo_h(void *arg)
{
	struct ping *p = arg;

	log_error("no answer from tcp %s: connect timed out", p->peer);
	p->ret = CALLS_EXIT_FAIL;
	re_cancel();
}


static void destructor(void *arg)
{
	struct ping *p = arg;

	tmr_cancel(&p->tmr_send);
	tmr_cancel(&p->tmr_wait);
	if (p->fd >= 0) {
		fd_close(p->fd);
		close(p->fd);
	}
	stats_reset(&p->st);
	calls_jw_close(&p->jw);
	mem_deref(p->slots);
}


static int ping_alloc(struct ping **pp, const struct probe_opts *o)
{
	struct ping *p;
	int err;

	p = mem_zalloc(sizeof(*p), destructor);
	if (!p)
		return ENOMEM;

	p->o = o;
	p->fd = -1;
	p->next = 1;
	p->session = rand_u32();
	tmr_init(&p->tmr_send);
	tmr_init(&p->tmr_wait);

	p->slots = mem_zalloc(o->count * sizeof(*p->slots), NULL);
	err = p->slots ? stats_init(&p->st, o->count) : ENOMEM;
	if (!err)
		err = calls_jw_init(&p->jw);

	if (err)
		mem_deref(p);
	else
		*pp = p;

	return err;
}


int ping_run(const struct probe_opts *o)
{
	struct ping *p;
	bool inprogress;
	int err, ret;

	if (ping_alloc(&p, o))
		return CALLS_EXIT_NET;

	err = sock_dial(&p->fd, &p->dst, &inprogress, o);
	if (err) {
		ret = sock_err_unanswered(err) ? CALLS_EXIT_FAIL :
			CALLS_EXIT_NET;
		goto out;
	}
	re_snprintf(p->peer, sizeof(p->peer), "%J", &p->dst);

	if (inprogress) {
		p->connecting = true;
		tmr_start(&p->tmr_wait, (uint64_t)(o->timeout * 1000),
			  connect_tmo_h, p);
		err = fd_listen(p->fd, FD_WRITE, connect_h, p);
	}
	else {
		err = start(p);
	}
	if (err) {
		log_error("%s: %m", p->peer, err);
		ret = CALLS_EXIT_NET;
		goto out;
	}

	err = calls_app_run(stop_h, p);
	ret = err ? CALLS_EXIT_NET : p->ret;

 out:
	mem_deref(p);

	return ret;
}
