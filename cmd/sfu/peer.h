/**
 * @file peer.h  calls-sfu: one session's peer connection
 *
 * A peer is created at attach (join): random ICE credentials and an
 * endpoint on the RTC port (rtcnet), so connectivity checks can start as
 * soon as the answer is out. The client's first offer gives its DTLS
 * fingerprint: peer_dtls_start() creates the DTLS server (we answer
 * a=setup:passive; the client is the DTLS client). On DTLS up, SRTP
 * contexts come from the exported keys (ours to receive = the client's
 * write key) and the SCTP server starts; the client's `calls-dc`
 * channel is accepted through DCEP.
 *
 * Connection states go to rtcd_rtc_conn_states_total and the
 * connection/DC-open time histograms; ICE consent loss, DTLS failure
 * (a fingerprint mismatch included) and SCTP loss close the session.
 */
#ifndef SFU_PEER_H
#define SFU_PEER_H

#include "media.h"

int  peer_alloc(struct peer **pp, struct sfu_media *med,
		struct sfu_session *s);
/** Starts the DTLS server with the client's a=fingerprint value
 *  ("sha-256 AB:..."); later calls only update the fingerprint */
int  peer_dtls_start(struct peer *p, const char *fp);
/** The answer is out: the client must connect within the consent
 *  timeout (30 s) or the session ends (pion's ICE failure) */
void peer_answered(struct peer *p);
/** Sends one DC message on `calls-dc` (ENOTCONN before it opened) */
int  peer_dc_send(struct peer *p, bool is_text, const uint8_t *buf,
		  size_t len);
/** Ends the session on a failure: rtcd_rtc_conn_states_total "failed",
 *  and rtcd_rtc_errors_total err_type unless NULL */
void peer_fail(struct peer *p, const char *err_type, const char *reason);
/** Ends the session because the client closed its side */
void peer_end(struct peer *p, const char *reason);
/** Milliseconds since attach */
uint64_t peer_age_ms(const struct peer *p);

#endif
