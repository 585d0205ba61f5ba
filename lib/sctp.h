/**
 * @file sctp.h  WebRTC data channels: SCTP (usrsctp) and DCEP (RFC 8832)
 *
 * A struct calls_sctp is one SCTP association over any packet transport
 * (AF_CONN): outgoing SCTP packets go to the send handler (the owner
 * wraps them in DTLS with calls_dtls_send()), incoming ones are fed with
 * calls_sctp_recv(). usrsctp runs without threads
 * (usrsctp_init_nothreads, once per process); its timers are driven by a
 * libre tmr ticking every 10 ms while at least one association exists.
 *
 * Roles: conf.client connects to the peer's port; otherwise the
 * association listens and accepts (both on port 5000 by default, RFC
 * 8841). Browsers always connect: either role works against them (a
 * client-client pair is an SCTP simultaneous open, tested). Stream ids
 * for channels we open follow the DTLS role (RFC 8832 section 6: even
 * for the DTLS client, odd for the DTLS server).
 *
 * DCEP: calls_sctp_open() sends DATA_CHANNEL_OPEN (PPID 50); an OPEN from
 * the peer is answered with DATA_CHANNEL_ACK and reported through the
 * channel handler, as is the ACK of one of ours. Messages use PPID 51
 * (string), 53 (binary), 56/57 (empty string/binary).
 *
 *     err = calls_sctp_alloc(&s, &conf, send_h, estab_h, chan_h, msg_h,
 *                            close_h, arg);
 *     err = calls_sctp_start(s);                 after DTLS is up
 *     calls_sctp_recv(s, buf, len);              DTLS application data
 *     err = calls_sctp_open(s, "calls-dc", "", NULL, &sid);
 *     err = calls_sctp_send(s, sid, true, "ping", 4);
 *
 * Ownership: the caller holds the association and may dereference it from
 * inside any of its handlers; the usrsctp socket is then closed after
 * usrsctp has returned (a zero-time tmr), never under its feet. The send
 * handler runs from inside usrsctp: it must not feed packets back into
 * any calls_sctp synchronously (queue them, as a socket would).
 * Single-threaded: everything on the one re_main thread.
 *
 * Memory: about 13 KB per association with one channel (64 streams;
 * usrsctp allocates its stream tables up front, ~200 B per stream).
 *
 * Limitations: SCTP zero-checksum (RFC 9653) is not negotiated (usrsctp
 * 0.9.5 predates it); no AUTH/ASCONF (not used over DTLS).
 */
#ifndef CALLS_SCTP_H
#define CALLS_SCTP_H

#include "re_inc.h"

struct calls_sctp;

/** PPIDs (RFC 8831 section 8) */
enum calls_sctp_ppid {
	CALLS_SCTP_PPID_DCEP         = 50,
	CALLS_SCTP_PPID_STRING       = 51,
	CALLS_SCTP_PPID_BINARY       = 53,
	CALLS_SCTP_PPID_STRING_EMPTY = 56,
	CALLS_SCTP_PPID_BINARY_EMPTY = 57,
};

/** DCEP message types and channel types (RFC 8832 sections 5.1, 8.2) */
enum {
	CALLS_SCTP_DCEP_ACK  = 0x02,
	CALLS_SCTP_DCEP_OPEN = 0x03,
};

enum calls_sctp_chan_type {
	CALLS_SCTP_RELIABLE                   = 0x00,
	CALLS_SCTP_PARTIAL_RELIABLE_REXMIT    = 0x01,
	CALLS_SCTP_PARTIAL_RELIABLE_TIMED     = 0x02,
	CALLS_SCTP_RELIABLE_UNORDERED         = 0x80,
	CALLS_SCTP_PARTIAL_RELIABLE_REXMIT_UNORDERED = 0x81,
	CALLS_SCTP_PARTIAL_RELIABLE_TIMED_UNORDERED  = 0x82,
};

/** A DATA_CHANNEL_OPEN message; label/protocol point into the buffer */
struct calls_sctp_dcep_open {
	uint8_t chan_type;       /**< enum calls_sctp_chan_type          */
	uint16_t priority;       /**< 256 normal (RFC 8831 6.4)          */
	uint32_t reliability;    /**< rexmits or lifetime ms; 0 reliable */
	struct pl label;
	struct pl protocol;
};

/** An open channel, as given to the channel handler */
struct calls_sctp_chan {
	uint16_t sid;
	uint8_t chan_type;
	uint16_t priority;
	uint32_t reliability;
	const char *label;
	const char *protocol;
	bool local;              /**< we opened it (our OPEN was ACKed)  */
};

/** Association settings; a NULL conf or 0 field takes the default */
struct calls_sctp_conf {
	bool client;             /**< connect; else listen and accept    */
	bool dtls_client;        /**< our DTLS role: even stream ids     */
	uint16_t port;           /**< local SCTP port, default 5000      */
	uint16_t remote_port;    /**< peer's SCTP port, default 5000     */
	size_t max_msg;          /**< largest message in, default 256 KiB*/
	uint16_t streams;        /**< in/out streams, default 64 (each
				      costs usrsctp ~200 B)         */
};

/** Sends one SCTP packet over the transport; runs inside usrsctp */
typedef int (calls_sctp_send_h)(const uint8_t *buf, size_t len, void *arg);
/** The association is up: channels can be opened */
typedef void (calls_sctp_estab_h)(void *arg);
/** A channel opened: the peer's OPEN (we ACKed it) or the ACK of ours */
typedef void (calls_sctp_chan_h)(const struct calls_sctp_chan *chan,
				 void *arg);
/** One whole message on an open channel */
typedef void (calls_sctp_msg_h)(const struct calls_sctp_chan *chan,
				bool is_text, const uint8_t *data,
				size_t len, void *arg);
/** A channel closed (both directions of its stream reset); optional,
 *  see calls_sctp_set_chan_close_handler() */
typedef void (calls_sctp_chan_close_h)(const struct calls_sctp_chan *chan,
				       void *arg);
/** Association over: 0 shutdown by either side, ECONNRESET abort or
 *  loss, ETIMEDOUT setup timeout */
typedef void (calls_sctp_close_h)(int err, void *arg);

int  calls_sctp_alloc(struct calls_sctp **sctpp,
		      const struct calls_sctp_conf *conf,
		      calls_sctp_send_h *sendh, calls_sctp_estab_h *estabh,
		      calls_sctp_chan_h *chanh, calls_sctp_msg_h *msgh,
		      calls_sctp_close_h *closeh, void *arg);
/** Client: sends INIT. Server: already listening since alloc */
int  calls_sctp_start(struct calls_sctp *sctp);
/** Feeds one SCTP packet from the transport */
int  calls_sctp_recv(struct calls_sctp *sctp, const uint8_t *buf,
		     size_t len);
/** Opens a channel (DCEP OPEN); params NULL means reliable, ordered,
 *  priority 256. The channel can carry messages at once */
int  calls_sctp_open(struct calls_sctp *sctp, const char *label,
		     const char *protocol,
		     const struct calls_sctp_dcep_open *params,
		     uint16_t *sidp);
/** Sends one message (len 0: the empty-message PPID); ENOBUFS when
 *  usrsctp's send buffer is full, ENOENT for an unknown stream */
int  calls_sctp_send(struct calls_sctp *sctp, uint16_t sid, bool is_text,
		     const uint8_t *data, size_t len);
int  calls_sctp_send_str(struct calls_sctp *sctp, uint16_t sid,
			 const char *str);
/** Closes one channel (RFC 8831 6.7: resets our outgoing stream; the
 *  peer resets its own, then the channel close handler runs and the
 *  stream id is free). Sending on it fails with ENOENT from now on */
int  calls_sctp_close_chan(struct calls_sctp *sctp, uint16_t sid);
void calls_sctp_set_chan_close_handler(struct calls_sctp *sctp,
				       calls_sctp_chan_close_h *h);
/** Graceful SHUTDOWN of the association */
int  calls_sctp_shutdown(struct calls_sctp *sctp);
bool calls_sctp_established(const struct calls_sctp *sctp);
/** A channel by stream id, or NULL */
const struct calls_sctp_chan *calls_sctp_chan(const struct calls_sctp *s,
					      uint16_t sid);
int  calls_sctp_debug(struct re_printf *pf, const struct calls_sctp *sctp);

/** Releases usrsctp at exit (after every association is gone) */
void calls_sctp_close(void);

/* DCEP codec (RFC 8832 section 5), also used by the fuzz target */
int  calls_sctp_dcep_decode(struct calls_sctp_dcep_open *open,
			    uint8_t *msg_type, const uint8_t *buf,
			    size_t len);
int  calls_sctp_dcep_encode_open(struct mbuf *mb,
				 const struct calls_sctp_dcep_open *open);

#endif
