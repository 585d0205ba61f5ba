/**
 * @file peer.c  calls-sfu: one session's peer connection (see peer.h)
 *
 * Receive path: rtcnet hands DTLS records to calls_dtls_recv() and
 * SRTP/SRTCP to fwd.c. DTLS application data is SCTP, fed to usrsctp;
 * SCTP packets go out through calls_dtls_send(). Everything is one
 * thread; handlers may end the session (sfu_session_close() runs
 * detach, which frees the peer), so each one returns right after.
 */
#include <string.h>
#include "re_inc.h"
#define LOG_MODULE "peer"
#include "log.h"
#include "dtls.h"
#include "sctp.h"
#include "srtp.h"
#include "rtc.h"
#include "rtcnet.h"
#include "metrics.h"
#include "peer.h"
#include "fwd.h"

#define DC_LABEL "calls-dc"


uint64_t peer_age_ms(const struct peer *p)
{
	return tmr_jiffies() - p->t_attach;
}


static void peer_close(struct peer *p, const char *reason)
{
	p->closing = true;
	log_info("session %s: %s", p->sid, reason);
	if (p->s)
		sfu_session_close(p->s, reason);
}


void peer_fail(struct peer *p, const char *err_type, const char *reason)
{
	if (!p || p->closing)
		return;

	if (err_type)
		sfu_metrics_rtc_error(p->med->m, p->gid, err_type);
	sfu_metrics_conn_state(p->med->m, "failed");
	peer_close(p, reason);
}


void peer_end(struct peer *p, const char *reason)
{
	if (p && !p->closing)
		peer_close(p, reason);
}


/* ---- SCTP and the data channel ---- */

static int on_sctp_send(const uint8_t *buf, size_t len, void *arg)
{
	struct peer *p = arg;

	if (!p->dtls)
		return ENOTCONN;

	return calls_dtls_send(p->dtls, buf, len);
}


static void on_sctp_estab(void *arg)
{
	struct peer *p = arg;

	log_debug("session %s: SCTP up", p->sid);
}


static void on_sctp_chan(const struct calls_sctp_chan *chan, void *arg)
{
	struct peer *p = arg;

	if (p->dc_open || chan->local || !chan->label ||
	    strcmp(chan->label, DC_LABEL)) {
		log_debug("session %s: data channel '%s' ignored", p->sid,
			  chan->label ? chan->label : "");
		return;
	}

	p->dc_sid = chan->sid;
	p->dc_open = true;
	sfu_metrics_observe(p->med->m, SFU_HIST_DC_OPEN_TIME, p->gid,
			    peer_age_ms(p) / 1000.0);
	log_info("session %s: data channel open (%llu ms)", p->sid,
		 (unsigned long long)peer_age_ms(p));

	media_dc_open(p);
}


static void on_sctp_msg(const struct calls_sctp_chan *chan, bool is_text,
		       const uint8_t *data, size_t len, void *arg)
{
	struct peer *p = arg;

	if (!p->dc_open || chan->sid != p->dc_sid)
		return;

	media_dc_msg(p, is_text, data, len);
}


static void on_sctp_close(int err, void *arg)
{
	struct peer *p = arg;

	p->dc_open = false;
	/* a client closing its PeerConnection aborts the association:
	 * an end, not a failure (ICE consent catches a vanished one) */
	peer_end(p, err ? "SCTP association aborted" :
		 "SCTP association shut down");
}


int peer_dc_send(struct peer *p, bool is_text, const uint8_t *buf,
		 size_t len)
{
	if (!p)
		return EINVAL;

	if (p->dc_txh) {
		p->dc_txh(p, is_text, buf, len, p->dc_arg);
		return 0;
	}

	if (!p->dc_open || !p->sctp)
		return ENOTCONN;

	return calls_sctp_send(p->sctp, p->dc_sid, is_text, buf, len);
}


/* ---- DTLS ---- */

static int on_dtls_send(const uint8_t *buf, size_t len, void *arg)
{
	struct peer *p = arg;

	if (!p->ep)
		return ENOTCONN;

	return sfu_rtcnet_send(p->ep, buf, len);
}


static int srtp_setup(struct peer *p, const struct calls_dtls_keys *k)
{
	enum calls_srtp_suite suite;
	int err;

	suite = calls_srtp_suite_from_profile((uint16_t)k->profile);
	if (!suite)
		return ENOTSUP;

	/* we are the DTLS server: the client's keys protect what it
	 * sends us, the server's what we send */
	err = calls_srtp_alloc(&p->srtp_rx, suite, k->client_key,
			       k->key_len, k->client_salt, k->salt_len);
	if (err)
		return err;

	return calls_srtp_alloc(&p->srtp_tx, suite, k->server_key,
				k->key_len, k->server_salt, k->salt_len);
}


static void on_dtls_estab(const struct calls_dtls_keys *keys, void *arg)
{
	struct peer *p = arg;
	struct calls_sctp_conf conf;
	int err;

	log_debug("session %s: DTLS up (%s)", p->sid,
		  calls_dtls_srtp_name(keys->profile));

	if (keys->profile != CALLS_DTLS_SRTP_NONE) {
		err = srtp_setup(p, keys);
		if (err) {
			peer_fail(p, "ice", "SRTP set-up failed");
			return;
		}
	}

	memset(&conf, 0, sizeof(conf));
	conf.client = false;
	conf.dtls_client = false;

	err = calls_sctp_alloc(&p->sctp, &conf, on_sctp_send, on_sctp_estab,
			       on_sctp_chan, on_sctp_msg, on_sctp_close, p);
	if (!err)
		err = calls_sctp_start(p->sctp);
	if (err) {
		log_warn("session %s: SCTP: %m", p->sid, err);
		peer_fail(p, "ice", "SCTP set-up failed");
	}
}


static void on_dtls_data(const uint8_t *buf, size_t len, void *arg)
{
	struct peer *p = arg;

	if (p->sctp)
		calls_sctp_recv(p->sctp, buf, len);
}


static void on_dtls_close(int err, void *arg)
{
	struct peer *p = arg;

	switch (err) {

	case 0:
		peer_end(p, "DTLS closed by the peer");
		break;

	case EAUTH:
		peer_fail(p, "signaling", "DTLS fingerprint mismatch");
		break;

	default:
		log_info("session %s: DTLS: %m", p->sid, err);
		peer_fail(p, "ice", "DTLS failed");
		break;
	}
}


int peer_dtls_start(struct peer *p, const char *fp)
{
	struct calls_dtls_conf conf;

	if (!p || !fp)
		return EINVAL;

	if (p->dtls)
		return calls_dtls_set_peer_fingerprint(p->dtls, fp);

	memset(&conf, 0, sizeof(conf));
	conf.role = CALLS_DTLS_SERVER;
	conf.peer_fingerprint = fp;
	conf.skip_helloverify = true;  /* ICE already authenticated it */

	return calls_dtls_alloc(&p->dtls, &conf, on_dtls_send, on_dtls_estab,
				on_dtls_data, on_dtls_close, p);
}


/* ---- the RTC port ---- */

static void on_net_recv(struct sfu_rtcnet_ep *ep, uint8_t *buf, size_t len,
		       enum sfu_rtcnet_kind kind, void *arg)
{
	struct peer *p = arg;
	(void)ep;

	if (p->closing)
		return;

	if (kind == SFU_RTCNET_DTLS) {
		if (p->dtls)
			calls_dtls_recv(p->dtls, buf, len);
		return;
	}

	fwd_recv(p, buf, len);
}


static void on_net_state(struct sfu_rtcnet_ep *ep, enum sfu_rtcnet_state st,
			void *arg)
{
	struct peer *p = arg;
	(void)ep;

	switch (st) {

	case SFU_RTCNET_CONNECTED:
		sfu_metrics_conn_state(p->med->m, "connected");
		if (!p->connected) {
			p->connected = true;
			tmr_cancel(&p->tmr_ice);
			sfu_metrics_observe(p->med->m,
					    SFU_HIST_CONNECTION_TIME, p->gid,
					    peer_age_ms(p) / 1000.0);
			log_info("session %s: connected (%llu ms)", p->sid,
				 (unsigned long long)peer_age_ms(p));
		}
		break;

	case SFU_RTCNET_DISCONNECTED:
		sfu_metrics_conn_state(p->med->m, "disconnected");
		break;

	case SFU_RTCNET_FAILED:
		peer_fail(p, NULL, "ICE consent expired");
		break;

	default:
		break;
	}
}


static void ice_timeout(void *arg)
{
	struct peer *p = arg;

	if (!p->connected)
		peer_fail(p, "ice", "ICE not connected in time");
}


void peer_answered(struct peer *p)
{
	if (!p || !p->med->net || p->connected)
		return;

	tmr_start(&p->tmr_ice, sfu_rtcnet_consent_ms(p->med->net),
		  ice_timeout, p);
}


static void destructor(void *arg)
{
	struct peer *p = arg;

	tmr_cancel(&p->tmr_ice);
	tmr_cancel(&p->tmr_neg);
	tmr_cancel(&p->tmr_kick);
	list_unlink(&p->le_all);

	if (p->connected || p->dtls)
		sfu_metrics_conn_state(p->med->m, "closed");

	fwd_peer_close(p);

	p->sctp = mem_deref(p->sctp);
	if (p->dtls && calls_dtls_established(p->dtls))
		calls_dtls_shutdown(p->dtls);
	p->dtls = mem_deref(p->dtls);
	p->ep = mem_deref(p->ep);
	p->srtp_rx = mem_deref(p->srtp_rx);
	p->srtp_tx = mem_deref(p->srtp_tx);
	mem_deref(p->remote);
	mem_deref(p->fp);
	mem_deref(p->sid);
	mem_deref(p->gid);
}


int peer_alloc(struct peer **pp, struct sfu_media *med,
	       struct sfu_session *s)
{
	struct peer *p;
	int err;

	if (!pp || !med || !s)
		return EINVAL;

	p = mem_zalloc(sizeof(*p), destructor);
	if (!p)
		return ENOMEM;

	p->med = med;
	p->s = s;
	p->t_attach = tmr_jiffies();
	p->rtcp_ssrc = rand_u32();
	p->sdp_version = 1;
	tmr_init(&p->tmr_neg);
	tmr_init(&p->tmr_kick);
	tmr_init(&p->tmr_ice);
	rand_str(p->cname, sizeof(p->cname));

	err  = str_dup(&p->sid, sfu_session_id(s));
	err |= str_dup(&p->gid, sfu_session_group_id(s));
	if (err)
		goto out;

	rand_str(p->ufrag, 17);
	rand_str(p->pwd, 33);

	if (med->net) {
		err = sfu_rtcnet_ep_alloc(&p->ep, med->net, p->ufrag,
					  p->pwd, p->gid, on_net_recv,
					  on_net_state, p);
		if (err)
			goto out;
	}

	list_append(&med->peers, &p->le_all, p);

 out:
	if (err)
		mem_deref(p);
	else
		*pp = p;

	return err;
}
