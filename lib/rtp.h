/**
 * @file rtp.h  RTP and RTCP on the wire (RFC 3550, 8285, 6464, 4585, 5104)
 *
 * Zero allocation: every function reads or writes a caller's buffer.
 * Parsing never modifies its input; the rewrite helpers change a packet
 * in place (SSRC, payload type, sequence number, timestamp) and the
 * extension helpers copy into a caller buffer.
 *
 * RTCP builders append one packet at *offp into buf of size bytes and
 * advance *offp, so a compound packet is several calls in a row:
 *
 *     size_t off = 0;
 *     err  = calls_rtcp_build_rr(buf, sizeof(buf), &off, ssrc, NULL, 0);
 *     err |= calls_rtcp_build_sdes_cname(buf, sizeof(buf), &off, ssrc, cn);
 *
 * Errors: EINVAL bad argument, EBADMSG malformed input, ENOENT not found,
 * EOVERFLOW the output does not fit.
 */
#ifndef CALLS_RTP_H
#define CALLS_RTP_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

enum {
	CALLS_RTP_HDR_MIN   = 12,
	CALLS_RTCP_HDR_MIN  = 8,
	CALLS_RTP_EXT_ONE   = 0xbede,  /* one-byte header extensions */
	CALLS_RTP_EXT_TWO   = 0x1000,  /* two-byte: 0x100X, X appbits */
};

/** A parsed RTP header; offsets point into the parsed buffer */
struct calls_rtp_hdr {
	uint8_t  ver;          /**< always 2 after a successful parse   */
	bool     pad;
	bool     ext;
	uint8_t  cc;           /**< number of CSRCs                     */
	bool     marker;
	uint8_t  pt;
	uint16_t seq;
	uint32_t ts;
	uint32_t ssrc;
	uint32_t csrc[15];
	uint16_t ext_profile;  /**< 0xBEDE, 0x100X or other; 0 if none  */
	size_t   ext_off;      /**< offset of extension data (after the
				    4-byte extension header)            */
	size_t   ext_len;      /**< bytes of extension data             */
	size_t   hdr_len;      /**< offset of the payload               */
	size_t   pay_len;      /**< payload bytes (padding excluded)    */
	size_t   pad_len;      /**< padding bytes at the end            */
};

/** True if the first bytes look like RTCP (RFC 5761: PT 192-223) */
bool calls_rtp_is_rtcp(const uint8_t *buf, size_t len);

/** Parses an RTP header; EBADMSG if not valid RTP version 2 */
int  calls_rtp_parse(struct calls_rtp_hdr *hdr, const uint8_t *buf,
		     size_t len);

/**
 * Finds header extension element id (1-14 one-byte, 1-255 two-byte)
 * in a parsed packet; *datap and *lenp point into buf. ENOENT if absent.
 */
int  calls_rtp_ext_find(const struct calls_rtp_hdr *hdr, const uint8_t *buf,
			uint8_t id, const uint8_t **datap, size_t *lenp);

/**
 * Reads the client-to-mixer audio level (RFC 6464) carried as
 * extension id: *levelp is -dBov 0..127 (0 loudest), *vadp the V bit.
 */
int  calls_rtp_audio_level(const struct calls_rtp_hdr *hdr,
			   const uint8_t *buf, uint8_t id, uint8_t *levelp,
			   bool *vadp);

/* In-place rewrite of a packet that parsed (len >= 12) */
void calls_rtp_set_ssrc(uint8_t *buf, uint32_t ssrc);
void calls_rtp_set_pt(uint8_t *buf, uint8_t pt);
void calls_rtp_set_seq(uint8_t *buf, uint16_t seq);
void calls_rtp_set_ts(uint8_t *buf, uint32_t ts);
void calls_rtp_set_marker(uint8_t *buf, bool marker);

/**
 * Copies the packet to out without its header extension (X bit
 * cleared), CSRCs, payload and padding kept. *outlenp gets the length.
 */
int  calls_rtp_strip_ext(const uint8_t *buf, size_t len, uint8_t *out,
			 size_t outsz, size_t *outlenp);

/**
 * Copies the packet to out keeping only the extension elements whose
 * idmap[id] is not 0, renumbered to idmap[id] (same one-/two-byte form
 * as the input; EINVAL if a new id does not fit the form). No element
 * left: no extension at all. idmap has 256 entries.
 */
int  calls_rtp_ext_rewrite(const uint8_t *buf, size_t len,
			   const uint8_t idmap[256], uint8_t *out,
			   size_t outsz, size_t *outlenp);


/* RFC 3550 Appendix A.1 / A.8: sequence tracking and jitter */

struct calls_rtp_seq {
	uint16_t max_seq;       /**< highest seq seen                    */
	uint32_t cycles;        /**< shifted count of wraps (<< 16)      */
	uint32_t base_seq;
	uint32_t bad_seq;
	uint32_t probation;
	uint32_t received;
	uint32_t expected_prior;
	uint32_t received_prior;
	bool     init;
};

/** Starts tracking at seq (the source is considered valid at once) */
void calls_rtp_seq_init(struct calls_rtp_seq *s, uint16_t seq);
/**
 * Updates with a received seq (initialises on first use). Returns 0 if
 * counted, EALREADY for a duplicate or old packet, EBADMSG for a jump
 * beyond 3000 (RFC 3550 MAX_DROPOUT; two in a row restart the source).
 * *extp, if given, gets the packet's 32-bit extended sequence number.
 */
int  calls_rtp_seq_update(struct calls_rtp_seq *s, uint16_t seq,
			  uint32_t *extp);
/** Extended highest sequence number received */
uint32_t calls_rtp_seq_ext_max(const struct calls_rtp_seq *s);
/** Extended value of seq nearest the highest one seen (wrap-aware) */
uint32_t calls_rtp_seq_extend(const struct calls_rtp_seq *s, uint16_t seq);
/**
 * Loss figures for a report block, then marks the interval: cumulative
 * lost (24-bit signed clamp) and fraction lost since the last call.
 */
void calls_rtp_seq_report(struct calls_rtp_seq *s, int32_t *lostp,
			  uint8_t *fractionp);

struct calls_rtp_jitter {
	int32_t  transit;
	uint32_t jitter;        /**< scaled by 16 (RFC 3550 A.8)        */
	bool     init;
};

/** arrival and rtp_ts in the same clock units (e.g. 48 kHz ticks) */
void calls_rtp_jitter_update(struct calls_rtp_jitter *j, uint32_t arrival,
			     uint32_t rtp_ts);
/** Interarrival jitter in timestamp units, as put in a report block */
uint32_t calls_rtp_jitter_get(const struct calls_rtp_jitter *j);


/* RTCP */

enum calls_rtcp_type {
	CALLS_RTCP_FIR   = 192,  /* RFC 2032 (old) */
	CALLS_RTCP_SR    = 200,
	CALLS_RTCP_RR    = 201,
	CALLS_RTCP_SDES  = 202,
	CALLS_RTCP_BYE   = 203,
	CALLS_RTCP_APP   = 204,
	CALLS_RTCP_RTPFB = 205,
	CALLS_RTCP_PSFB  = 206,
	CALLS_RTCP_XR    = 207,
};

enum {
	CALLS_RTCP_RTPFB_NACK = 1,   /* generic NACK (RFC 4585)           */
	CALLS_RTCP_PSFB_PLI   = 1,
	CALLS_RTCP_PSFB_FIR   = 4,   /* RFC 5104                          */
	CALLS_RTCP_PSFB_AFB   = 15,  /* application layer FB, e.g. REMB   */
};

/** One packet of a compound RTCP packet */
struct calls_rtcp_pkt {
	uint8_t  count;        /**< RC/SC/FMT field                     */
	bool     pad;
	uint8_t  pt;
	const uint8_t *p;      /**< start of this packet (its header)   */
	size_t   len;          /**< whole packet, header and padding    */
	size_t   body_len;     /**< after the 4-byte header, no padding */
};

struct calls_rtcp_iter {
	const uint8_t *buf;
	size_t len;
	size_t off;
};

/**
 * Validates a compound packet (RFC 3550 A.2 relaxed for RFC 5506
 * reduced-size: version 2 everywhere, lengths add up exactly, padding
 * only in the last packet). 0 or EBADMSG.
 */
int  calls_rtcp_validate(const uint8_t *buf, size_t len);

void calls_rtcp_iter_init(struct calls_rtcp_iter *it, const uint8_t *buf,
			  size_t len);
/** Next packet: 0, ENOENT at the end, EBADMSG if malformed */
int  calls_rtcp_iter_next(struct calls_rtcp_iter *it,
			  struct calls_rtcp_pkt *pkt);

/** Sender info of an SR; for an RR only ssrc is set */
struct calls_rtcp_sr {
	uint32_t ssrc;
	uint64_t ntp;          /**< 32.32 fixed point NTP timestamp      */
	uint32_t rtp_ts;
	uint32_t pkt_count;
	uint32_t octet_count;
};

struct calls_rtcp_rb {
	uint32_t ssrc;
	uint8_t  fraction;
	int32_t  lost;         /**< 24-bit signed cumulative lost        */
	uint32_t ext_seq;
	uint32_t jitter;
	uint32_t lsr;
	uint32_t dlsr;
};

/** Sender SSRC (and sender info for an SR) of an SR or RR */
int  calls_rtcp_sr_parse(const struct calls_rtcp_pkt *pkt,
			 struct calls_rtcp_sr *sr);
/** Report block idx (< pkt->count) of an SR or RR */
int  calls_rtcp_rb_get(const struct calls_rtcp_pkt *pkt, unsigned idx,
		       struct calls_rtcp_rb *rb);
/**
 * CNAME of SDES chunk idx: *cnamep points into the packet, not
 * terminated. ENOENT if the chunk has no CNAME or idx is beyond.
 */
int  calls_rtcp_sdes_cname(const struct calls_rtcp_pkt *pkt, unsigned idx,
			   uint32_t *ssrcp, const char **cnamep,
			   size_t *lenp);
/** SSRC idx (< pkt->count) of a BYE */
int  calls_rtcp_bye_ssrc(const struct calls_rtcp_pkt *pkt, unsigned idx,
			 uint32_t *ssrcp);

/** Common part of RTPFB/PSFB (RFC 4585 6.1) */
struct calls_rtcp_fb {
	uint8_t  fmt;
	uint32_t sender_ssrc;
	uint32_t media_ssrc;
	const uint8_t *fci;
	size_t   fci_len;
};

int  calls_rtcp_fb_parse(const struct calls_rtcp_pkt *pkt,
			 struct calls_rtcp_fb *fb);
/**
 * Expands a generic NACK (RTPFB fmt 1) into sequence numbers, in
 * packet order. Up to max are stored; *np gets how many the packet
 * lists (may be more than max).
 */
int  calls_rtcp_nack_seqs(const struct calls_rtcp_pkt *pkt, uint16_t *seqv,
			  size_t max, size_t *np);
/** FIR entry idx (PSFB fmt 4): target SSRC and command seq nr */
int  calls_rtcp_fir_get(const struct calls_rtcp_pkt *pkt, unsigned idx,
			uint32_t *ssrcp, uint8_t *seqnrp);
/**
 * REMB (PSFB fmt 15, "REMB"): bitrate in bit/s and up to max SSRCs;
 * *np gets the number listed. ENOENT if the AFB is not REMB.
 */
int  calls_rtcp_remb_parse(const struct calls_rtcp_pkt *pkt,
			   uint64_t *bitratep, uint32_t *ssrcv, size_t max,
			   size_t *np);

/* Builders (see the file comment) */
int  calls_rtcp_build_sr(uint8_t *buf, size_t size, size_t *offp,
			 const struct calls_rtcp_sr *sr,
			 const struct calls_rtcp_rb *rbv, unsigned rbc);
int  calls_rtcp_build_rr(uint8_t *buf, size_t size, size_t *offp,
			 uint32_t ssrc, const struct calls_rtcp_rb *rbv,
			 unsigned rbc);
int  calls_rtcp_build_sdes_cname(uint8_t *buf, size_t size, size_t *offp,
				 uint32_t ssrc, const char *cname);
int  calls_rtcp_build_bye(uint8_t *buf, size_t size, size_t *offp,
			  const uint32_t *ssrcv, unsigned ssrcc);
int  calls_rtcp_build_pli(uint8_t *buf, size_t size, size_t *offp,
			  uint32_t sender_ssrc, uint32_t media_ssrc);
int  calls_rtcp_build_fir(uint8_t *buf, size_t size, size_t *offp,
			  uint32_t sender_ssrc, uint32_t media_ssrc,
			  uint8_t seqnr);
/** Generic NACK; seqv in any order, packed into PID/BLP pairs */
int  calls_rtcp_build_nack(uint8_t *buf, size_t size, size_t *offp,
			   uint32_t sender_ssrc, uint32_t media_ssrc,
			   const uint16_t *seqv, size_t seqc);
int  calls_rtcp_build_remb(uint8_t *buf, size_t size, size_t *offp,
			   uint32_t sender_ssrc, uint64_t bitrate,
			   const uint32_t *ssrcv, unsigned ssrcc);

#endif
