/**
 * @file sctp_int.h  lib/sctp internals shared by sctp.c (usrsctp glue) and
 * sctp_chan.c (channels: DCEP, messages, stream resets). Not for users.
 */
#ifndef CALLS_SCTP_INT_H
#define CALLS_SCTP_INT_H

enum {
	CALLS_SCTP_LABEL_MAX = 65535,
};

struct chan {
	struct le le;
	struct calls_sctp_chan pub;
	char *label;
	char *protocol;
	bool acked;
	bool out_reset;           /* we reset our outgoing stream    */
};

struct calls_sctp {
	struct le le;
	uintptr_t id;
	struct socket *lsock;     /* listening socket (server role)  */
	struct socket *sock;      /* the association                 */
	struct calls_sctp_conf conf;
	struct list chans;
	struct mbuf *rx;          /* message being reassembled       */
	bool rx_skip;             /* dropping an oversized message   */
	bool pending;             /* an upcall fired: read the socket */
	bool established;
	bool closed;
	uint16_t next_sid;
	calls_sctp_send_h *sendh;
	calls_sctp_estab_h *estabh;
	calls_sctp_chan_h *chanh;
	calls_sctp_msg_h *msgh;
	calls_sctp_close_h *closeh;
	calls_sctp_chan_close_h *chan_closeh;
	void *arg;
};

/* sctp.c */
int  calls_sctp_send_raw(struct calls_sctp *s, uint16_t sid, uint32_t ppid,
			 bool unordered, const struct chan *c,
			 const uint8_t *data, size_t len);
int  calls_sctp_reset_out(struct calls_sctp *s, uint16_t sid);
bool calls_sctp_gone(const struct calls_sctp *s);
void calls_sctp_run_pending(void);

/* sctp_chan.c */
void calls_sctp_handle_msg(struct calls_sctp *s, uint16_t sid,
			   uint32_t ppid, const uint8_t *buf, size_t len);
void calls_sctp_chan_reset_in(struct calls_sctp *s, uint16_t sid);

#endif
