/**
 * @file sctp_dcep.c  DCEP messages (RFC 8832 section 5): DATA_CHANNEL_OPEN
 * and DATA_CHANNEL_ACK, decoded without allocation (label and protocol
 * point into the buffer) and encoded into an mbuf
 */
#include <string.h>
#include "re_inc.h"
#include "sctp.h"
#include "bytes.h"

enum { LABEL_MAX = 65535 };


int calls_sctp_dcep_decode(struct calls_sctp_dcep_open *op,
			   uint8_t *msg_type, const uint8_t *buf, size_t len)
{
	uint16_t ll, pl_;

	if (!op || !msg_type || !buf)
		return EINVAL;

	memset(op, 0, sizeof(*op));

	if (len < 1)
		return EBADMSG;

	*msg_type = buf[0];

	if (buf[0] == CALLS_SCTP_DCEP_ACK)
		return len == 1 ? 0 : EBADMSG;

	if (buf[0] != CALLS_SCTP_DCEP_OPEN)
		return EPROTO;

	if (len < 12)
		return EBADMSG;

	op->chan_type = buf[1];
	op->priority = calls_rd16(buf + 2);
	op->reliability = calls_rd32(buf + 4);
	ll = calls_rd16(buf + 8);
	pl_ = calls_rd16(buf + 10);

	if ((size_t)12 + ll + pl_ != len)
		return EBADMSG;

	switch (op->chan_type) {

	case CALLS_SCTP_RELIABLE:
	case CALLS_SCTP_PARTIAL_RELIABLE_REXMIT:
	case CALLS_SCTP_PARTIAL_RELIABLE_TIMED:
	case CALLS_SCTP_RELIABLE_UNORDERED:
	case CALLS_SCTP_PARTIAL_RELIABLE_REXMIT_UNORDERED:
	case CALLS_SCTP_PARTIAL_RELIABLE_TIMED_UNORDERED:
		break;

	default:
		return EPROTO;
	}

	op->label.p = (const char *)buf + 12;
	op->label.l = ll;
	op->protocol.p = (const char *)buf + 12 + ll;
	op->protocol.l = pl_;

	return 0;
}


int calls_sctp_dcep_encode_open(struct mbuf *mb,
				const struct calls_sctp_dcep_open *op)
{
	int err;

	if (!mb || !op || op->label.l > LABEL_MAX ||
	    op->protocol.l > LABEL_MAX)
		return EINVAL;

	err  = mbuf_write_u8(mb, CALLS_SCTP_DCEP_OPEN);
	err |= mbuf_write_u8(mb, op->chan_type);
	err |= mbuf_write_u16(mb, htons(op->priority));
	err |= mbuf_write_u32(mb, htonl(op->reliability));
	err |= mbuf_write_u16(mb, htons((uint16_t)op->label.l));
	err |= mbuf_write_u16(mb, htons((uint16_t)op->protocol.l));
	if (op->label.l)
		err |= mbuf_write_pl(mb, &op->label);
	if (op->protocol.l)
		err |= mbuf_write_pl(mb, &op->protocol);

	return err ? ENOMEM : 0;
}
