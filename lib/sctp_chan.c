/**
 * @file sctp_chan.c  Data channels on a calls_sctp association: DCEP open
 * and ack (RFC 8832), messages by PPID (RFC 8831 8), channel close by
 * stream reset (RFC 8831 6.7). Handlers run from sctp.c's run_pending,
 * never inside usrsctp.
 */
#include <string.h>
#include "re_inc.h"
#include "sctp.h"
#include "sctp_int.h"

#define LOG_MODULE "sctp"
#include "log.h"


static void chan_destructor(void *arg)
{
	struct chan *c = arg;

	list_unlink(&c->le);
	mem_deref(c->label);
	mem_deref(c->protocol);
}


static struct chan *chan_find(const struct calls_sctp *s, uint16_t sid)
{
	struct le *le;

	for (le = s->chans.head; le; le = le->next) {
		struct chan *c = le->data;

		if (c->pub.sid == sid)
			return c;
	}

	return NULL;
}


static int chan_add(struct calls_sctp *s, uint16_t sid,
		    const struct calls_sctp_dcep_open *op, struct chan **cp)
{
	struct chan *c;
	int err;

	c = mem_zalloc(sizeof(*c), chan_destructor);
	if (!c)
		return ENOMEM;

	err  = pl_strdup(&c->label, &op->label);
	err |= pl_strdup(&c->protocol, &op->protocol);
	if (err) {
		mem_deref(c);
		return ENOMEM;
	}

	c->pub.sid = sid;
	c->pub.chan_type = op->chan_type;
	c->pub.priority = op->priority;
	c->pub.reliability = op->reliability;
	c->pub.label = c->label;
	c->pub.protocol = c->protocol;
	list_append(&s->chans, &c->le, c);
	*cp = c;

	return 0;
}


static void handle_dcep(struct calls_sctp *s, uint16_t sid,
			const uint8_t *buf, size_t len)
{
	static const uint8_t ack = CALLS_SCTP_DCEP_ACK;
	struct calls_sctp_dcep_open op;
	struct chan *c;
	uint8_t type;
	int err;

	err = calls_sctp_dcep_decode(&op, &type, buf, len);
	if (err) {
		log_info("bad DCEP message on stream %u", sid);
		return;
	}

	if (type == CALLS_SCTP_DCEP_ACK) {
		c = chan_find(s, sid);
		if (!c || c->acked)
			return;

		c->acked = true;
		if (s->chanh)
			s->chanh(&c->pub, s->arg);
		return;
	}

	if (chan_find(s, sid)) {
		log_info("DATA_CHANNEL_OPEN on stream %u in use", sid);
		return;
	}

	if (chan_add(s, sid, &op, &c))
		return;

	c->acked = true;
	err = calls_sctp_send_raw(s, sid, CALLS_SCTP_PPID_DCEP, false, NULL,
				  &ack, 1);
	if (err)
		log_info("DATA_CHANNEL_ACK: %m", err);

	log_debug("channel '%s' opened by the peer on stream %u", c->label,
		  sid);

	if (s->chanh)
		s->chanh(&c->pub, s->arg);
}


void calls_sctp_handle_msg(struct calls_sctp *s, uint16_t sid,
			   uint32_t ppid, const uint8_t *buf, size_t len)
{
	const struct chan *c;
	bool text;

	if (ppid == CALLS_SCTP_PPID_DCEP) {
		handle_dcep(s, sid, buf, len);
		return;
	}

	c = chan_find(s, sid);
	if (!c) {
		log_debug("message on unknown stream %u dropped", sid);
		return;
	}

	switch (ppid) {

	case CALLS_SCTP_PPID_STRING:       text = true;  break;
	case CALLS_SCTP_PPID_BINARY:       text = false; break;
	case CALLS_SCTP_PPID_STRING_EMPTY: text = true;  len = 0; break;
	case CALLS_SCTP_PPID_BINARY_EMPTY: text = false; len = 0; break;
	default:
		log_debug("PPID %u dropped", ppid);
		return;
	}

	if (s->msgh)
		s->msgh(&c->pub, text, len ? buf : (const uint8_t *)"", len,
			s->arg);
}


/* The peer reset its outgoing stream (RFC 8831 6.7): reset ours too if
 * we have not, and the channel is closed */
void calls_sctp_chan_reset_in(struct calls_sctp *s, uint16_t sid)
{
	struct chan *c = chan_find(s, sid);

	if (!c)
		return;

	if (!c->out_reset) {
		c->out_reset = true;
		if (calls_sctp_reset_out(s, sid))
			log_debug("stream %u: reset failed", sid);
	}

	log_debug("channel '%s' on stream %u closed", c->label, sid);

	list_unlink(&c->le);
	if (s->chan_closeh)
		s->chan_closeh(&c->pub, s->arg);
	mem_deref(c);
}


int calls_sctp_open(struct calls_sctp *s, const char *label,
		    const char *protocol,
		    const struct calls_sctp_dcep_open *params,
		    uint16_t *sidp)
{
	struct calls_sctp_dcep_open op;
	struct mbuf *mb;
	struct chan *c;
	uint16_t sid;
	int err;

	if (!s || !label)
		return EINVAL;

	if (!s->established || s->closed || !s->sock)
		return ENOTCONN;

	if (params)
		op = *params;
	else
		memset(&op, 0, sizeof(op));
	if (!params)
		op.priority = 256;
	pl_set_str(&op.label, label);
	pl_set_str(&op.protocol, protocol ? protocol : "");

	if (op.label.l > CALLS_SCTP_LABEL_MAX ||
	    op.protocol.l > CALLS_SCTP_LABEL_MAX)
		return EINVAL;

	for (sid = s->next_sid; sid < s->conf.streams; sid += 2) {
		if (!chan_find(s, sid))
			break;
	}

	if (sid >= s->conf.streams)
		return ENOSPC;

	mb = mbuf_alloc(12 + op.label.l + op.protocol.l);
	if (!mb)
		return ENOMEM;

	err = calls_sctp_dcep_encode_open(mb, &op);
	if (err)
		goto out;

	err = chan_add(s, sid, &op, &c);
	if (err)
		goto out;

	c->pub.local = true;

	err = calls_sctp_send_raw(s, sid, CALLS_SCTP_PPID_DCEP, false, NULL,
				  mb->buf, mb->end);
	if (err) {
		mem_deref(c);
		goto out;
	}

	s->next_sid = sid + 2;
	if (sidp)
		*sidp = sid;

 out:
	mem_deref(mb);
	return err;
}


int calls_sctp_send(struct calls_sctp *s, uint16_t sid, bool is_text,
		    const uint8_t *data, size_t len)
{
	static const uint8_t zero = 0;
	const struct chan *c;
	uint32_t ppid;
	bool unordered;

	if (!s || (!data && len))
		return EINVAL;

	if (!s->established || s->closed)
		return ENOTCONN;

	c = chan_find(s, sid);
	if (!c || c->out_reset)
		return ENOENT;

	if (len)
		ppid = is_text ? CALLS_SCTP_PPID_STRING :
			CALLS_SCTP_PPID_BINARY;
	else
		ppid = is_text ? CALLS_SCTP_PPID_STRING_EMPTY :
			CALLS_SCTP_PPID_BINARY_EMPTY;

	/* RFC 8832 6: ordered until the peer has ACKed our OPEN */
	unordered = (c->pub.chan_type & 0x80) && c->acked;

	return calls_sctp_send_raw(s, sid, ppid, unordered, c,
				   len ? data : &zero, len ? len : 1);
}


int calls_sctp_send_str(struct calls_sctp *s, uint16_t sid, const char *str)
{
	if (!str)
		return EINVAL;

	return calls_sctp_send(s, sid, true, (const uint8_t *)str,
			       strlen(str));
}


int calls_sctp_close_chan(struct calls_sctp *s, uint16_t sid)
{
	struct chan *c;
	int err;

	if (!s)
		return EINVAL;

	c = chan_find(s, sid);
	if (!c || c->out_reset)
		return ENOENT;

	if (!s->established || s->closed)
		return ENOTCONN;

	err = calls_sctp_reset_out(s, sid);
	if (err)
		return err;

	c->out_reset = true;
	calls_sctp_run_pending();

	return 0;
}


void calls_sctp_set_chan_close_handler(struct calls_sctp *s,
				       calls_sctp_chan_close_h *h)
{
	if (s)
		s->chan_closeh = h;
}


const struct calls_sctp_chan *calls_sctp_chan(const struct calls_sctp *s,
					      uint16_t sid)
{
	const struct chan *c = s ? chan_find(s, sid) : NULL;

	return c ? &c->pub : NULL;
}
