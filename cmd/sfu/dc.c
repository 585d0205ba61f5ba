/**
 * @file dc.c  calls-sfu: rtcd's `calls-dc` protocol on a peer (media.h)
 *
 * Ping -> Pong, text "ping" -> "pong"; Lock is TryLock on the session's
 * signaling lock (reply bool), Unlock releases it and lets queued track
 * actions run; SDP over the channel (zlib JSON) goes to the same offer
 * and answer handling as the WebSocket path, and marks the client as
 * signaling on the DC (our offers follow it there); LossRate, RTT and
 * Jitter feed the client histograms. The MediaMap goes out before every
 * server offer. When the channel opens, every track the other peers of
 * the call publish is queued (rtcd's tracksInitDone).
 */
#include <string.h>
#include "re_inc.h"
#define LOG_MODULE "media"
#include "log.h"
#include "dcmsg.h"
#include "rtc.h"
#include "metrics.h"
#include "peer.h"
#include "fwd.h"


int media_dc_send(struct peer *p, const struct calls_dcmsg *msg)
{
	struct mbuf *mb = mbuf_alloc(64);
	int err;

	if (!mb)
		return ENOMEM;

	err = calls_dcmsg_encode(mb, msg);
	if (!err)
		err = peer_dc_send(p, false, mb->buf, mb->end);

	mem_deref(mb);

	return err;
}


static int mp_str(struct mbuf *mb, const struct pl *pl)
{
	int err;

	if (pl->l < 32)
		err = mbuf_write_u8(mb, 0xa0 | (uint8_t)pl->l);
	else if (pl->l < 256)
		err = mbuf_write_u8(mb, 0xd9) |
			mbuf_write_u8(mb, (uint8_t)pl->l);
	else if (pl->l < 65536)
		err = mbuf_write_u8(mb, 0xda) |
			mbuf_write_u16(mb, htons((uint16_t)pl->l));
	else
		return EOVERFLOW;

	return err ? err : mbuf_write_pl(mb, pl);
}


int media_dc_map_encode(struct mbuf *mb, const struct calls_dcmsg_media *v,
			size_t n)
{
	static const struct pl k_type = PL("type"),
		k_sender = PL("sender_id");
	size_t i;
	int err;

	if (!mb || (n && !v) || n > 65535)
		return EINVAL;

	/* cc 09, then map16 or fixmap: the whole map, no entry limit */
	err  = mbuf_write_u8(mb, 0xcc);
	err |= mbuf_write_u8(mb, CALLS_DCMSG_MEDIA_MAP);
	if (n < 16) {
		err |= mbuf_write_u8(mb, 0x80 | (uint8_t)n);
	}
	else {
		err |= mbuf_write_u8(mb, 0xde);
		err |= mbuf_write_u16(mb, htons((uint16_t)n));
	}

	for (i = 0; i < n && !err; i++) {
		err  = mp_str(mb, &v[i].mid);
		err |= mbuf_write_u8(mb, 0x82);
		err |= mp_str(mb, &k_type);
		err |= mp_str(mb, &v[i].type);
		err |= mp_str(mb, &k_sender);
		err |= mp_str(mb, &v[i].sender_id);
	}

	return err;
}


/* The MediaMap is written here, not by calls_dcmsg_encode(): that one
 * carries at most CALLS_DCMSG_MEDIA_MAX entries, fewer than a large
 * call forwards to one receiver */
int media_dc_media_map(struct peer *p)
{
	struct calls_dcmsg_media *v;
	struct mbuf *mb;
	struct le *le;
	size_t n = 0;
	int err;

	v = mem_zalloc((list_count(&p->otracks) + 1) * sizeof(*v), NULL);
	mb = mbuf_alloc(256);
	if (!v || !mb) {
		err = ENOMEM;
		goto out;
	}

	LIST_FOREACH(&p->otracks, le) {
		struct otrack *ot = le->data;

		if (ot->st != OT_ADDING && ot->st != OT_LIVE &&
		    ot->st != OT_DEL)
			continue;

		pl_set_str(&v[n].mid, ot->mid);
		pl_set_str(&v[n].type, sfu_track_kind_name(ot->kind));
		pl_set_str(&v[n].sender_id, ot->sender);
		++n;
	}

	err = media_dc_map_encode(mb, v, n);
	if (!err)
		err = peer_dc_send(p, false, mb->buf, mb->end);

 out:
	mem_deref(mb);
	mem_deref(v);

	return err;
}


void media_dc_open(struct peer *p)
{
	struct le *le, *le2;

	if (p->tracks_init)
		return;

	p->tracks_init = true;

	LIST_FOREACH(&p->call->peers, le) {
		struct peer *q = le->data;

		if (q == p)
			continue;

		LIST_FOREACH(&q->itracks, le2) {
			struct itrack *in = le2->data;

			if (in->kind != SFU_TRACK_NONE)
				media_otrack_queue(p, in);
		}
	}

	media_kick(p);
}


void media_test_dc(struct peer *p, peer_dc_tx_h *txh, void *arg)
{
	if (!p)
		return;

	p->dc_txh = txh;
	p->dc_arg = arg;
	p->dc_open = true;
	media_dc_open(p);
}


/* ---- the data channel protocol ---- */

static void dc_sdp(struct peer *p, const struct pl *z)
{
	struct odict *od = NULL;
	const char *type, *sdp;
	char *json = NULL;
	size_t len;
	int err;

	err = calls_dcmsg_sdp_inflate(&json, &len, z, 0);
	if (!err)
		err = json_decode_odict(&od, 16, json, len, 4);
	if (err)
		goto bad;

	type = odict_string(od, "type");
	sdp = odict_string(od, "sdp");
	if (!type || !sdp) {
		err = EBADMSG;
		goto bad;
	}

	p->dc_sig = true;
	if (!strcmp(type, "offer"))
		(void)media_offer(p, sdp, true);
	else if (!strcmp(type, "answer"))
		(void)media_answer(p, sdp);

	goto out;

 bad:
	sfu_metrics_rtc_error(p->med->m, p->gid, "signaling");
	log_info("session %s: bad DC SDP: %m", p->sid, err);
 out:
	mem_deref(od);
	mem_deref(json);
}


static void dc_lock(struct peer *p)
{
	struct calls_dcmsg r;
	bool ok = !p->lock_client && !p->lock_server && !p->offering;

	if (ok) {
		p->lock_client = true;
		p->lock_ms = tmr_jiffies();
	}

	memset(&r, 0, sizeof(r));
	r.type = CALLS_DCMSG_LOCK;
	r.has_payload = true;
	r.lock = ok;
	(void)media_dc_send(p, &r);
}


static void dc_unlock(struct peer *p)
{
	if (!p->lock_client)
		return;

	p->lock_client = false;
	sfu_metrics_observe(p->med->m, SFU_HIST_LOCK_LOCKED_TIME, p->gid,
			    (tmr_jiffies() - p->lock_ms) / 1000.0);
	if (p->lock_wait_ms)
		tmr_cancel(&p->tmr_neg);
	media_kick(p);
}


void media_dc_msg(struct peer *p, bool is_text, const uint8_t *buf,
		  size_t len)
{
	struct calls_dcmsg *msg;
	struct calls_dcmsg r;

	if (calls_dcmsg_is_legacy_ping(is_text, buf, len)) {
		(void)peer_dc_send(p, true, (const uint8_t *)"pong", 4);
		return;
	}

	msg = mem_alloc(sizeof(*msg), NULL);
	if (!msg)
		return;

	if (calls_dcmsg_decode(msg, buf, len)) {
		log_debug("session %s: bad DC message (%zu bytes)", p->sid,
			  len);
		goto out;
	}

	switch (msg->type) {

	case CALLS_DCMSG_PING:
		memset(&r, 0, sizeof(r));
		r.type = CALLS_DCMSG_PONG;
		(void)media_dc_send(p, &r);
		break;

	case CALLS_DCMSG_SDP:
		dc_sdp(p, &msg->sdp);
		break;

	case CALLS_DCMSG_LOSS_RATE:
		sfu_metrics_observe(p->med->m, SFU_HIST_CLIENT_LOSS_RATE,
				    p->gid, msg->value);
		break;

	case CALLS_DCMSG_RTT:
		sfu_metrics_observe(p->med->m, SFU_HIST_CLIENT_RTT, p->gid,
				    msg->value);
		break;

	case CALLS_DCMSG_JITTER:
		sfu_metrics_observe(p->med->m, SFU_HIST_CLIENT_JITTER,
				    p->gid, msg->value);
		break;

	case CALLS_DCMSG_LOCK:
		if (!msg->has_payload)
			dc_lock(p);
		break;

	case CALLS_DCMSG_UNLOCK:
		dc_unlock(p);
		break;

	default:
		break;
	}

 out:
	mem_deref(msg);
}
