/**
 * @file fwd.h  calls-sfu: published tracks and RTP/RTCP forwarding
 *
 * Incoming tracks come from the client's descriptions (offers, and
 * answers to ours): each sending audio/video m-line with an msid is an
 * itrack (mid, stream id, SSRC, codec PT, extension ids). Classification
 * is rtcd's: audio is `voice`, or `screen-audio` when its stream id is
 * the sharer's screenStreamID; video is `screen` for the screenStreamID,
 * `video` for the videoStreamID, else not forwarded.
 *
 * Forwarding one packet: SRTP unprotect once, parse, drop voice while
 * the sender is muted, then for each receiver that negotiated the track:
 * copy into one per-thread buffer rewriting SSRC and PT (the audio-level
 * extension renumbered to the receiver's id or stripped; every extension
 * stripped on video, as rtcd), protect with the receiver's SRTP context
 * and send. Nothing is allocated per packet. Video keeps the last
 * rtc.nack_buffer_size packets per incoming track (one ring shared by
 * its receivers: the sequence numbers are not rewritten) to answer
 * NACKs. PLI/FIR from receivers reach the publisher as PLI, at most once
 * a second per SSRC. Every second each peer gets an RR for what it
 * publishes and an SR per stream we send it.
 */
#ifndef SFU_FWD_H
#define SFU_FWD_H

#include "media.h"

/** rtcd's classification; NONE: not forwarded */
enum sfu_track_kind fwd_classify(enum calls_sdp_mtype mtype,
				 const char *stream_id,
				 const char *screen_stream,
				 const char *video_stream);

/**
 * Writes the packet for one receiver into out: SSRC and PT replaced;
 * header extensions: if strip_all or rx_level_id is 0, none; otherwise
 * only the audio level (pub_level_id) renumbered to rx_level_id.
 */
int  fwd_rewrite(const uint8_t *pkt, size_t len,
		 const struct calls_rtp_hdr *hdr, uint32_t ssrc, uint8_t pt,
		 bool strip_all, uint8_t pub_level_id, uint8_t rx_level_id,
		 uint8_t *out, size_t outsz, size_t *outlenp);

/** An SRTP or SRTCP packet from p's client (buf is modified) */
void fwd_recv(struct peer *p, uint8_t *buf, size_t len);
/** The same after SRTP/SRTCP: plain RTP (modified in place) or RTCP
 *  (also the fuzz target's entry) */
void fwd_rtp_plain(struct peer *p, uint8_t *buf, size_t len);
void fwd_rtcp_plain(struct peer *p, const uint8_t *buf, size_t len);
/** Syncs p's itracks with a description the client sent */
void fwd_itracks_update(struct peer *p, const struct calls_sdp *sdp);
/** Re-runs classification of p's itracks (ScreenOn/Off, VideoOn/Off) */
void fwd_reclassify(struct peer *p);
/** Mute: resets p's voice activity monitors */
void fwd_mute(struct peer *p);
/** Takes in/out tracks of p down (session end) */
void fwd_peer_close(struct peer *p);

int  fwd_otrack_alloc(struct otrack **otp, struct peer *rx,
		      struct itrack *in);
/** The receiver's PT and audio-level id from its answer. ENOENT if the
 *  answer rejected the m-line */
int  fwd_otrack_apply(struct otrack *ot, const struct calls_sdp *answer);
void fwd_otrack_free(struct otrack *ot);
/** The receiver's answer made ot live: video asks for a key frame */
void fwd_otrack_live(struct otrack *ot);

/** Sends RTCP reports to every peer of med (the 1 s timer) */
void fwd_rtcp_reports(struct sfu_media *med);

#endif
