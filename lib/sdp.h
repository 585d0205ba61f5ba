/**
 * @file sdp.h  WebRTC SDP (RFC 8866, JSEP RFC 8829, BUNDLE RFC 8843)
 *
 * Parse: calls_sdp_parse() copies the text once and fills one struct
 * whose strings (struct pl) point into that copy; the media sections
 * are one array. Two allocations per description, none per line.
 * Unknown attributes are skipped; lines that are not `x=...`, an
 * unknown version, or a malformed m=, c=, rtpmap, extmap, ssrc or
 * candidate line give EBADMSG. CRLF and LF both work. Session-level
 * ICE credentials, fingerprint, setup and direction are copied into
 * every media section that has none of its own, so readers look only
 * at the media level.
 *
 * Build: calls_sdp_answer() answers an offer with our codec set
 * (rtcd's): Opus/48000/2 (offer's PT, normally 111) with fmtp
 * minptime=10;useinbandfec=1 and the ssrc-audio-level extension; VP8
 * (offer's PT, normally 96) with rtcp-fb goog-remb, ccm fir, nack,
 * nack pli (those of them the offer lists); webrtc-datachannel over
 * UDP/DTLS/SCTP with sctp-port 5000. Anything else is rejected with
 * port 0. Mids are echoed, accepted sections are BUNDLEd when the offer
 * bundles. calls_sdp_offer() builds an offer: a subsequent one (server
 * renegotiation) keeps every m-line of the current description in order
 * and adds m-lines for new tracks; an initial one (client side, e.g.
 * calls-lt) has the tracks and, if asked, a data channel.
 *
 * Track removal: a track given with `removed` keeps its m-line, written
 * as a=inactive without msid/ssrc (as pion/rtcd does: the transceiver
 * stays and the browser fires removetrack); with `stop` as well, the
 * m-line gets port 0 (rejected, RFC 8843 says it leaves the bundle).
 * M-line recycling: this module does not pick the mid for a new track;
 * a caller that gives a new track the mid of an inactive m-line reuses
 * that m-line (same media type, port not 0, and only the new track in
 * the list for that mid; EINVAL otherwise); calls_sdp_next_mid() gives
 * a fresh numeric mid. Port-0 m-lines are not reused (they stay, port
 * 0, in every later offer).
 */
#ifndef CALLS_SDP_H
#define CALLS_SDP_H

#include "re_inc.h"

enum {
	CALLS_SDP_MAX_CODECS = 48,  /* payload types per m-line  */
	CALLS_SDP_MAX_FB     = 128, /* rtcp-fb lines per m-line  */
	CALLS_SDP_MAX_EXTMAP = 16,
	CALLS_SDP_MAX_SSRC   = 16,  /* a=ssrc:N lines per m-line */
	CALLS_SDP_MAX_GROUP  = 4,   /* a=ssrc-group per m-line   */
	CALLS_SDP_MAX_CAND   = 16,
	CALLS_SDP_MAX_RID    = 8,
	CALLS_SDP_MAX_MEDIA  = 256,
	CALLS_SDP_MAX_BUNDLE = 256,
};

/** Direction bits: send = 1, recv = 2 (so sendrecv is 3) */
enum calls_sdp_dir {
	CALLS_SDP_INACTIVE = 0,
	CALLS_SDP_SENDONLY = 1,
	CALLS_SDP_RECVONLY = 2,
	CALLS_SDP_SENDRECV = 3,
};

enum calls_sdp_setup {
	CALLS_SDP_SETUP_NONE = 0,
	CALLS_SDP_SETUP_ACTPASS,
	CALLS_SDP_SETUP_ACTIVE,
	CALLS_SDP_SETUP_PASSIVE,
	CALLS_SDP_SETUP_HOLDCONN,
};

enum calls_sdp_mtype {
	CALLS_SDP_OTHER = 0,
	CALLS_SDP_AUDIO,
	CALLS_SDP_VIDEO,
	CALLS_SDP_APPLICATION,
};

#define CALLS_SDP_EXT_AUDIO_LEVEL "urn:ietf:params:rtp-hdrext:ssrc-audio-level"

struct calls_sdp_codec {
	uint8_t  pt;
	bool     has_rtpmap;
	struct pl name;                 /**< "opus", "VP8" (as written)   */
	uint32_t clock;
	uint8_t  channels;              /**< 0 if not given               */
	struct pl fmtp;                 /**< parameters after "a=fmtp:PT "*/
};

/** a=rtcp-fb:PT VALUE */
struct calls_sdp_fb {
	uint16_t  pt;                   /**< 256 for "*"                  */
	struct pl val;                  /**< "nack pli", "goog-remb"      */
};

struct calls_sdp_extmap {
	uint16_t id;
	struct pl dir;                  /**< "/sendonly" part, or empty   */
	struct pl uri;
};

struct calls_sdp_ssrc {
	uint32_t  ssrc;
	struct pl cname;
	struct pl msid;                 /**< "stream track" or empty      */
};

struct calls_sdp_cand {
	struct pl raw;                  /**< "candidate:..." (a= value)   */
	struct pl foundation;
	uint16_t  component;
	struct pl transport;            /**< "udp" / "tcp"                */
	uint32_t  priority;
	struct pl addr;
	uint16_t  port;
	struct pl type;                 /**< "host", "srflx", ...         */
	struct pl tcptype;              /**< "passive", ... or empty      */
};

struct calls_sdp_media {
	enum calls_sdp_mtype type;
	struct pl media;                /**< "audio", "video", ...        */
	uint16_t  port;
	struct pl proto;                /**< "UDP/TLS/RTP/SAVPF"          */
	struct pl fmts;                 /**< the format list, raw         */
	struct pl conn;                 /**< c= address                   */
	struct pl mid;
	struct pl ice_ufrag, ice_pwd, ice_options;
	struct pl fp_hash;              /**< "sha-256"                    */
	struct pl fp;                   /**< "AB:CD:..."                  */
	enum calls_sdp_setup setup;
	enum calls_sdp_dir dir;         /**< sendrecv if not given        */
	bool      dir_set;
	bool      rtcp_mux, rtcp_rsize, bundle_only, eoc;
	struct pl msid;                 /**< a=msid value                 */
	struct calls_sdp_codec codecv[CALLS_SDP_MAX_CODECS]; /* m= order */
	unsigned  codecc;
	struct calls_sdp_fb fbv[CALLS_SDP_MAX_FB];
	unsigned  fbc;
	struct calls_sdp_extmap extv[CALLS_SDP_MAX_EXTMAP];
	unsigned  extc;
	struct calls_sdp_ssrc ssrcv[CALLS_SDP_MAX_SSRC];
	unsigned  ssrcc;
	struct pl ssrc_groupv[CALLS_SDP_MAX_GROUP]; /**< "FID 1 2"        */
	unsigned  ssrc_groupc;
	uint16_t  sctp_port;
	uint32_t  max_message_size;
	struct calls_sdp_cand candv[CALLS_SDP_MAX_CAND];
	unsigned  candc;
	struct pl ridv[CALLS_SDP_MAX_RID];  /**< raw a=rid values         */
	unsigned  ridc;
	struct pl simulcast;            /**< raw a=simulcast value        */
};

struct calls_sdp {
	char     *text;                 /**< our copy; pl point into it   */
	struct pl origin_user;
	uint64_t  sess_id;
	uint64_t  sess_version;
	bool      ice_lite;
	struct pl bundle;               /**< mids of the first BUNDLE group*/
	struct pl msid_semantic;
	bool      extmap_allow_mixed;
	struct calls_sdp_media *mediav;
	unsigned  mediac;
};

/** Parses text (len bytes, need not be terminated) */
int  calls_sdp_parse(struct calls_sdp **sdpp, const char *text, size_t len);
int  calls_sdp_debug(struct re_printf *pf, const struct calls_sdp *sdp);

const struct calls_sdp_media *calls_sdp_media_by_mid(
	const struct calls_sdp *sdp, const char *mid);
/** First codec named name (case-insensitive) at clock (0: any) */
const struct calls_sdp_codec *calls_sdp_codec_find(
	const struct calls_sdp_media *m, const char *name, uint32_t clock);
const struct calls_sdp_codec *calls_sdp_codec_by_pt(
	const struct calls_sdp_media *m, uint8_t pt);
/** True if m has a=rtcp-fb:PT fb (or a=rtcp-fb:* fb) for codec pt */
bool calls_sdp_has_fb(const struct calls_sdp_media *m, uint8_t pt,
		      const char *fb);
/** Extension id of uri in m, or 0 */
uint16_t calls_sdp_extmap_id(const struct calls_sdp_media *m,
			     const char *uri);
/** True if mid is in the description's BUNDLE group */
bool calls_sdp_bundled(const struct calls_sdp *sdp, const struct pl *mid);
/** Smallest numeric mid above every numeric mid in sdp (0 if none) */
unsigned calls_sdp_next_mid(const struct calls_sdp *sdp);
/** DTLS role we take given the remote setup: true = we are the client */
bool calls_sdp_dtls_client(enum calls_sdp_setup remote);
enum calls_sdp_dir calls_sdp_dir_reverse(enum calls_sdp_dir dir);
const char *calls_sdp_dir_name(enum calls_sdp_dir dir);
const char *calls_sdp_setup_name(enum calls_sdp_setup setup);

/** Our side's transport parameters for a description we write */
struct calls_sdp_local {
	const char *ice_ufrag;
	const char *ice_pwd;
	bool        ice_lite;           /**< a=ice-lite (SFU)             */
	const char *fp_hash;            /**< "sha-256"                    */
	const char *fp;                 /**< "AB:CD:..."                  */
	/** answer: NONE = passive to actpass; offer: NONE = actpass */
	enum calls_sdp_setup setup;
	/** a=candidate values ("candidate:1 1 udp ..."), put in every
	 *  accepted m-line, followed by a=end-of-candidates if eoc */
	const char *const *candv;
	size_t      candc;
	bool        eoc;
	uint64_t    sess_id;
	uint64_t    sess_version;
	uint32_t    max_message_size;   /**< 0: 262144                    */
};

/** A track we send */
struct calls_sdp_track {
	enum calls_sdp_mtype type;      /**< AUDIO or VIDEO               */
	const char *mid;                /**< its m-line (existing or new) */
	const char *stream_id;          /**< msid stream part             */
	const char *track_id;           /**< msid track part              */
	uint32_t    ssrc;
	const char *cname;
	bool        removed;            /**< m-line inactive, no ssrc     */
	bool        stop;               /**< with removed: port 0         */
};

/**
 * Answers offer for our role. tracks (may be NULL) bind tracks we send
 * to offered mids (a recvonly/sendrecv m-line); an m-line without one
 * gets recvonly (or inactive if the offer does not send). *sdpp is a
 * mem-allocated string.
 */
int  calls_sdp_answer(char **sdpp, const struct calls_sdp *offer,
		      const struct calls_sdp_local *loc,
		      const struct calls_sdp_track *trackv, size_t trackc);

/**
 * Builds an offer. cur is the description the REMOTE side last made
 * (its answer to our last offer, or its last offer; never our own offer:
 * its directions are read as the remote's) or NULL for an initial
 * offer. Every
 * m-line of cur is kept in order (rejected ones stay port 0); m-lines
 * whose mid a track names carry it (sendonly, or sendrecv if the remote
 * sends); other tracks get new m-lines after them, in the given order.
 * Codec payload types and the audio-level id come from cur where it has
 * them (BUNDLE needs them consistent), else 111/96/1.
 * datachannel: add an application m-line (mid from the next free
 * number) if cur has none.
 */
int  calls_sdp_offer(char **sdpp, const struct calls_sdp *cur,
		     const struct calls_sdp_local *loc,
		     const struct calls_sdp_track *trackv, size_t trackc,
		     bool datachannel);

#endif
