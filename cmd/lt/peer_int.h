/**
 * @file peer_int.h  calls-lt: what peer.c (ICE, DTLS, SCTP, SDP) and
 *                   peer_media.c (RTP/RTCP in and out) share
 */
#ifndef CALLS_LT_PEER_INT_H
#define CALLS_LT_PEER_INT_H

#include "rtp.h"

enum {
	MAX_RCAND    = 8,
	MAX_RSTREAM  = 32,
	AUTH_SAMPLE  = 64,
	ICE_INTERVAL = 50,      /* ms between checks while connecting   */
	ICE_TIMEOUT  = 10000,
	CONSENT_MS   = 2000,
	CONNECT_TIMEOUT = 20000,
	PKT_MAX      = 1500,
	VP8_MTU      = 1150,
};

struct rstream {
	uint32_t ssrc;
	bool video;
	uint32_t clock;
	struct calls_rtp_seq seq;
	struct calls_rtp_jitter jit;
	uint32_t ext_max;
	uint64_t pkts;
	uint32_t since_auth;
	uint32_t lsr;           /* middle 32 bits of the last SR's NTP   */
	uint64_t lsr_at;        /* when it came (ms)                    */
};

struct lt_peer {
	struct le le;
	struct lt_peer_conf conf;
	struct lt_peer_h h;
	void *arg;
	struct udp_sock *us;
	struct sa bound;
	struct sa local;        /* address in our candidate             */
	char ufrag[12], pwd[28];
	char rufrag[64], rpwd[128];
	char rfp[256];
	struct sa rcand[MAX_RCAND];
	unsigned rcandc;
	struct sa sel;
	bool ice_ok, controlling, started;
	uint64_t tiebreak;
	struct tmr tmr_ice, tmr_conn;
	uint64_t ice_start;
	struct calls_dtls *dtls;
	bool dtls_client, role_set;
	struct calls_srtp *tx, *rx;
	size_t tx_over;
	struct calls_sctp *sctp;
	uint16_t dc_sid;
	bool dc_open;
	struct calls_sdp *remote;
	char amid[8], vmid[8], sid[20], vsid[20], aid[20], vid[20];
	char cname[20];
	uint32_t assrc, vssrc;
	uint16_t aseq, vseq, pic_id;
	uint32_t ats, vts;
	uint8_t opus_pt, vp8_pt, level_id;
	bool audio_on, video_on, want_key;
	size_t apos, vpos;
	uint64_t vbase;         /* ms when the video loop started       */
	uint32_t apkts, aoct, vpkts, voct;
	struct rstream rs[MAX_RSTREAM];
	unsigned rsc;
	double rtt_ms;
	bool has_rtt, connected, failed, first_audio;
};

/* peer.c */
extern struct list ltp_peers;       /* every peer, for the tickers  */
extern struct mbuf *ltp_txmb;       /* one send buffer for all      */
int  ltp_send_raw(struct lt_peer *p, const uint8_t *buf, size_t len);
uint64_t ltp_now_us(void);
uint64_t ltp_ntp_now(void);

/* peer_media.c */
void ltp_rtp_recv(struct lt_peer *p, const uint8_t *buf, size_t len);
void ltp_rtcp_recv(struct lt_peer *p, uint8_t *buf, size_t len);
void ltp_tickers_start(void);
void ltp_tickers_stop(void);

#endif
