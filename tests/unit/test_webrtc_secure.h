/* Shared by test_dtls.c and test_sctp.c: two DTLS endpoints wired back to
 * back in memory. Datagrams are queued and delivered from a zero-time tmr
 * (as a socket would), never from inside the sender's call. */
#ifndef CALLS_TEST_WEBRTC_SECURE_H
#define CALLS_TEST_WEBRTC_SECURE_H

#include "re_inc.h"
#include "dtls.h"
#include "sctp.h"

struct wend {
	struct calls_dtls *dtls;
	struct calls_sctp *sctp;
	struct wend *peer;
	struct list q;               /* datagrams to the peer          */
	struct tmr tmr;
	unsigned sent;               /* datagrams sent (dropped too)   */
	size_t max_len;              /* largest datagram sent          */
	int drop;                    /* drop the next N datagrams      */
	int drop_ccs;                /* drop N datagrams of the last
					flight (CCS, or epoch 1)       */
	uint8_t first[64];           /* start of the first datagram    */
	size_t first_len;
	struct calls_dtls_keys keys;
	bool established;
	bool closed;
	int close_err;
	struct mbuf *rx;             /* application data received      */
	void (*on_estab)(struct wend *e);
	void (*on_data)(struct wend *e, const uint8_t *buf, size_t len);
	void *user;
};

struct wpair {
	struct wend c;               /* DTLS client                    */
	struct wend s;               /* DTLS server                    */
};

struct wwait {
	bool (*cond)(void *arg);
	void *arg;
	struct tmr poll;
	bool met;
};

int  wpair_alloc(struct wpair *p, const struct calls_dtls_conf *cc,
		 const struct calls_dtls_conf *sc);
int  wpair_handshake(struct wpair *p);
void wpair_free(struct wpair *p);
/** Runs re_main until cond(arg) holds (polled) or ms pass: ETIMEDOUT */
int  wait_for(bool (*cond)(void *arg), void *arg, uint32_t ms);

#endif
