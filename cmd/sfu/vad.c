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


unsigned sfu_vad_stddev(const struct sfu_vad *v)
{
	double sum = 0, var = 0, mean;
	unsigned i;

	if (!v || !v->n)
		return 0;

	for (i = 0; i < v->n; i++)
		sum += v->lv[i];

	mean = sum / v->n;

	for (i = 0; i < v->n; i++)
		var += (v->lv[i] - mean) * (v->lv[i] - mean);

	return (unsigned)lround(sqrt(var / v->n));
}


enum sfu_vad_event sfu_vad_push(struct sfu_vad *v, uint8_t level,
				uint64_t now_ms)
{
	unsigned sd;

	if (!v)
		return SFU_VAD_NONE;

	v->lv[v->pos] = level > 127 ? 127 : level;
	v->pos = (v->pos + 1) % SFU_VAD_SAMPLES;
	if (v->n < SFU_VAD_SAMPLES)
		++v->n;

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
