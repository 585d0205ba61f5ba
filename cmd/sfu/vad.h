/**
 * @file vad.h  calls-sfu: voice activity from the audio-level extension
 *
 * rtcd's monitor (reference section 3, "VAD"): the last SFU_VAD_SAMPLES
 * RFC 6464 levels of one voice track (0 loudest .. 127 silence) are
 * kept; once the window is full, voice turns ON when the standard
 * deviation of the window, rounded, exceeds SFU_VAD_ON_STDDEV, and OFF
 * when it falls below SFU_VAD_OFF_STDDEV, but no sooner than
 * SFU_VAD_OFF_DELAY_MS after it turned on. A mute resets the window and
 * always reports OFF. Speech swings the level a lot from packet to
 * packet; silence and steady noise keep it flat.
 *
 * The monitor is a plain struct inside its track: no allocation, time
 * is passed in (milliseconds, any monotonic origin) so tests replay
 * synthetic sequences.
 */
#ifndef SFU_VAD_H
#define SFU_VAD_H

#include <stdbool.h>
#include <stdint.h>

enum {
	SFU_VAD_SAMPLES      = 50,
	SFU_VAD_ON_STDDEV    = 10,
	SFU_VAD_OFF_STDDEV   = 4,
	SFU_VAD_OFF_DELAY_MS = 2000,
};

/** What a pushed sample changed */
enum sfu_vad_event {
	SFU_VAD_NONE = 0,
	SFU_VAD_ON,
	SFU_VAD_OFF,
};

struct sfu_vad {
	uint8_t  lv[SFU_VAD_SAMPLES]; /**< ring of levels              */
	unsigned n;                   /**< samples held (<= SAMPLES)   */
	unsigned pos;                 /**< next slot                   */
	uint32_t sum;                 /**< of the levels held          */
	uint32_t sumsq;               /**< of their squares            */
	bool     active;
	uint64_t on_ms;               /**< when it turned on           */
};

void sfu_vad_init(struct sfu_vad *v);
/** One audio level (0..127; larger values count as 127) at now_ms */
enum sfu_vad_event sfu_vad_push(struct sfu_vad *v, uint8_t level,
				uint64_t now_ms);
/** Mute: clears the window; returns SFU_VAD_OFF (rtcd always emits it) */
enum sfu_vad_event sfu_vad_reset(struct sfu_vad *v);
/** Rounded standard deviation of the window (0 while empty) */
unsigned sfu_vad_stddev(const struct sfu_vad *v);

#endif
