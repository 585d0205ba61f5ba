/**
 * @file mtu.c  ping --mtu: the largest payload that passes with DF set
 *
 * Binary search over the probe size with fragmentation forbidden
 * (IP_PMTUDISC_DO, IPV6_DONTFRAG): a size passes when its echo comes
 * back. A send that fails with EMSGSIZE fails at once, and the kernel's
 * path MTU (IP_MTU/IPV6_MTU) then narrows the search. A size that gets
 * no reply is tried three times before it counts as too large, so one
 * lost packet does not shrink the result.
 */
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "re_inc.h"
#include "exitcode.h"
#include "app.h"
#include "json.h"
#define LOG_MODULE "mtu"
#include "log.h"
#include "probe.h"

#define MTU_TRIES 3
#define UDP4_MAX  65507   /* 65535 - 20 (IPv4) - 8 (UDP)  */
#define UDP6_MAX  65527   /* 65535 - 8: IPv6's payload length field */

struct mtu {
	const struct probe_opts *o;
	int fd;
	int af;
	struct sa dst;
	char peer[64];
	uint32_t session;
	uint32_t seq;
	size_t good;              /* largest size that passed, or 0 */
	size_t bad;               /* smallest size that failed      */
	size_t cur;
	unsigned tries;
	unsigned probes;
	bool refused;
	bool narrowed;            /* bad came from the kernel's MTU */
	struct tmr tmr;
	int ret;
	uint8_t buf[PROBE_MAX_LEN + 1];
};

static void trial(void *arg);


static size_t ip_overhead(int af)
{
	return af == AF_INET6 ? 48 : 28;
}


static void done(struct mtu *m)
{
	struct calls_jw w;

	if (!m->good) {
		log_error("no reply from udp %s (%u probes%s)", m->peer,
			  m->probes, m->refused ? "; ICMP port unreachable:"
			  " nothing listens there" : "");
		m->ret = CALLS_EXIT_FAIL;
	}
	else if (m->o->json && !calls_jw_init(&w)) {
		calls_jw_obj_begin(&w, NULL);
		calls_jw_str(&w, "type", "mtu");
		calls_jw_str(&w, "proto", "udp");
		calls_jw_str(&w, "peer", m->peer);
		calls_jw_uint(&w, "payload", m->good);
		calls_jw_uint(&w, "ip_packet", m->good + ip_overhead(m->af));
		calls_jw_uint(&w, "probes", m->probes);
		calls_jw_obj_end(&w);
		calls_jw_line(&w, stdout);
		calls_jw_close(&w);
	}
	else if (!m->o->json) {
		re_printf("udp %s: largest payload with DF set: %zu bytes"
			  " (IP packet %zu bytes), %u probes\n", m->peer,
			  m->good, m->good + ip_overhead(m->af), m->probes);
		fflush(stdout);
	}

	re_cancel();
}


/* The next size to try, or 0 when the search is over */
static size_t next_size(const struct mtu *m)
{
	size_t lo = m->good ? m->good : PROBE_HDR_LEN - 1;

	if (m->bad - lo <= 1)
		return 0;

	/* the cap first: on a clean path one probe settles it; then the
	 * smallest, so a port that answers nothing is found out soon */
	if (!m->probes)
		return m->bad - 1;
	if (!m->good)
		return m->cur == PROBE_HDR_LEN ? 0 : PROBE_HDR_LEN;

	return lo + (m->bad - lo) / 2;
}


static void settle(struct mtu *m, bool passed)
{
	if (passed) {
		m->good = m->cur;
	}
	else if (++m->tries < MTU_TRIES) {
		tmr_start(&m->tmr, 0, trial, m);
		return;
	}
	else if (m->cur < m->bad) {
		m->bad = m->cur;
	}

	m->tries = 0;
	if (m->narrowed && m->bad - 1 > (m->good ? m->good : 0) &&
	    m->bad - 1 >= PROBE_HDR_LEN)
		m->cur = m->bad - 1;   /* what the kernel says fits */
	else
		m->cur = next_size(m);
	m->narrowed = false;
	if (!m->cur) {
		done(m);
		return;
	}

	tmr_start(&m->tmr, 0, trial, m);
}


/* After EMSGSIZE the kernel knows the path MTU: nothing above can pass */
static void narrow(struct mtu *m)
{
	int mtu = 0;
	socklen_t len = sizeof(mtu);
	int r;

	if (m->af == AF_INET6)
		r = getsockopt(m->fd, IPPROTO_IPV6, IPV6_MTU, &mtu, &len);
	else
		r = getsockopt(m->fd, IPPROTO_IP, IP_MTU, &mtu, &len);

	if (r == 0 && (size_t)mtu > ip_overhead(m->af) &&
	    (size_t)mtu - ip_overhead(m->af) + 1 < m->bad) {
		m->bad = (size_t)mtu - ip_overhead(m->af) + 1;
		m->narrowed = true;
		log_debug("path MTU %d: payload at most %zu", mtu,
			  m->bad - 1);
	}
}


static void timeout_h(void *arg)
{
	struct mtu *m = arg;

	log_debug("%zu bytes: no reply", m->cur);
	settle(m, false);
}


static void trial(void *arg)
{
	struct mtu *m = arg;
	struct probe_pkt pkt = {
		.len = (uint16_t)m->cur, .session = m->session,
		.seq = ++m->seq, .tx_ns = probe_now_ns(),
	};

	++m->probes;
	if (pkt_encode(m->buf, sizeof(m->buf), &pkt))
		return;

	if (send(m->fd, m->buf, m->cur, 0) < 0) {
		int err = errno;

		if (err == EMSGSIZE) {
			log_debug("%zu bytes: EMSGSIZE", m->cur);
			m->tries = MTU_TRIES;
			narrow(m);
			settle(m, false);
			return;
		}
		if (err == ECONNREFUSED) {
			m->refused = true;
			if (!m->good) {
				done(m);
				return;
			}
		}
		else {
			log_error("udp %s: send: %m", m->peer, err);
			m->ret = CALLS_EXIT_NET;
			re_cancel();
			return;
		}
	}

	tmr_start(&m->tmr, (uint64_t)(m->o->timeout * 1000), timeout_h, m);
}


static void recv_h(int flags, void *arg)
{
	struct mtu *m = arg;
	struct probe_pkt pkt;
	ssize_t n;
	(void)flags;

	n = recv(m->fd, m->buf, sizeof(m->buf), 0);
	if (n < 0) {
		if (errno == ECONNREFUSED) {
			m->refused = true;
			if (!m->good) {
				tmr_cancel(&m->tmr);
				done(m);
			}
		}
		return;
	}

	if (pkt_decode(&pkt, m->buf, (size_t)n) ||
	    !(pkt.flags & PROBE_F_REPLY) || pkt.session != m->session ||
	    pkt.seq != m->seq || pkt.len != m->cur)
		return;

	tmr_cancel(&m->tmr);
	log_debug("%zu bytes: passed", m->cur);
	settle(m, true);
}


static void destructor(void *arg)
{
	struct mtu *m = arg;

	tmr_cancel(&m->tmr);
	if (m->fd >= 0) {
		fd_close(m->fd);
		close(m->fd);
	}
}


int mtu_run(const struct probe_opts *o)
{
	struct mtu *m;
	bool inprogress;
	size_t cap;
	int err, ret = CALLS_EXIT_NET;

	m = mem_zalloc(sizeof(*m), destructor);
	if (!m)
		return CALLS_EXIT_NET;

	m->o = o;
	m->fd = -1;
	m->session = rand_u32();
	tmr_init(&m->tmr);

	err = sock_dial(&m->fd, &m->dst, &inprogress, o);
	if (err) {
		ret = sock_err_unanswered(err) ? CALLS_EXIT_FAIL :
			CALLS_EXIT_NET;
		goto out;
	}

	m->af = sa_af(&m->dst);
	re_snprintf(m->peer, sizeof(m->peer), "%J", &m->dst);

	err = sock_set_df(m->fd, m->af);
	if (!err)
		err = fd_listen(m->fd, FD_READ, recv_h, m);
	if (err) {
		log_error("udp %s: %m", m->peer, err);
		goto out;
	}

	cap = m->af == AF_INET6 ? UDP6_MAX : UDP4_MAX;
	if (o->mtu_max && o->mtu_max < cap)
		cap = o->mtu_max;
	m->bad = cap + 1;
	m->cur = next_size(m);

	tmr_start(&m->tmr, 0, trial, m);

	m->ret = CALLS_EXIT_OK;
	err = calls_app_run(NULL, NULL);
	ret = err ? CALLS_EXIT_NET : m->ret;

 out:
	mem_deref(m);

	return ret;
}
