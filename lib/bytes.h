/**
 * @file bytes.h  Big-endian (network order) loads and stores
 *
 * For wire formats read and written in place (RTP, RTCP, STUN, probe
 * packets): no alignment needed, no bounds checked; the caller has
 * checked that p has the bytes.
 */
#ifndef CALLS_BYTES_H
#define CALLS_BYTES_H

#include <stdint.h>


static inline uint16_t calls_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}


static inline uint32_t calls_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}


static inline uint64_t calls_rd64(const uint8_t *p)
{
	return (uint64_t)calls_rd32(p) << 32 | calls_rd32(p + 4);
}


static inline void calls_wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}


static inline void calls_wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}


static inline void calls_wr64(uint8_t *p, uint64_t v)
{
	calls_wr32(p, (uint32_t)(v >> 32));
	calls_wr32(p + 4, (uint32_t)v);
}

#endif
