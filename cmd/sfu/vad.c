/**
 * @file vad.c  calls-sfu: rtcd's voice activity monitor (see vad.h)
 */
#include <math.h>
#include <string.h>

#include "vad.h"


void sfu_vad_init(struct sfu_vad *v)
{
	if (v)
		memset(v, 0, sizeof(*v));
}


/* Kept as running integer sums: O(1) per packet, exact */
unsigned sfu_vad_stddev(const struct sfu_vad *v)
{
	double mean, var;

	if (!v || !v->n)
		return 0;

	mean = (double)v->sum / v->n;
	var = (double)v->sumsq / v->n - mean * mean;

	return var > 0 ? (unsigned)lround(sqrt(var)) : 0;
}


enum sfu_vad_event sfu_vad_push(struct sfu_vad *v, uint8_t level,
				uint64_t now_ms)
{
	unsigned sd;

	if (!v)
		return SFU_VAD_NONE;

	if (level > 127)
		level = 127;

	if (v->n == SFU_VAD_SAMPLES) {
		uint8_t old = v->lv[v->pos];

		v->sum -= old;
		v->sumsq -= (uint32_t)old * old;
	}
	else {
		++v->n;
	}

	v->lv[v->pos] = level;
	v->sum += level;
	v->sumsq += (uint32_t)level * level;
	v->pos = (v->pos + 1) % SFU_VAD_SAMPLES;

	if (v->n < SFU_VAD_SAMPLES)
		return SFU_VAD_NONE;

	sd = sfu_vad_stddev(v);

	if (!v->active && sd > SFU_VAD_ON_STDDEV) {
		v->active = true;
		v->on_ms = now_ms;
		return SFU_VAD_ON;
	}

	if (v->active && sd < SFU_VAD_OFF_STDDEV &&
	    now_ms - v->on_ms >= SFU_VAD_OFF_DELAY_MS) {
		v->active = false;
		return SFU_VAD_OFF;
	}

	return SFU_VAD_NONE;
}


enum sfu_vad_event sfu_vad_reset(struct sfu_vad *v)
{
	sfu_vad_init(v);

	return SFU_VAD_OFF;
}
