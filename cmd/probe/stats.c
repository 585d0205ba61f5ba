/**
 * @file stats.c  What ping reports: loss, RTT percentiles, jitter, order
 *
 * Jitter is RFC 3550's interarrival jitter (section 6.4.1, A.8): for
 * consecutive replies i-1, i (in arrival order) D = transit(i) -
 * transit(i-1) and J += (|D| - J) / 16. transit is the one-way estimate
 * the RFC uses: the responder's receive timestamp minus the sender's send
 * timestamp. The two clocks differ by an unknown constant offset, which
 * cancels in D; what remains is the variation of the forward path.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#include "probe.h"


int stats_init(struct probe_stats *st, size_t cap)
{
	if (!st)
		return EINVAL;

	memset(st, 0, sizeof(*st));

	st->rtt = mem_zalloc((cap ? cap : 1) * sizeof(*st->rtt), NULL);
	if (!st->rtt)
		return ENOMEM;

	st->cap = cap ? cap : 1;

	return 0;
}


void stats_reset(struct probe_stats *st)
{
	if (!st)
		return;

	st->rtt = mem_deref(st->rtt);
	memset(st, 0, sizeof(*st));
}


/**
 * Records one reply. dup: the sequence number was answered before (it is
 * counted, nothing else). A reply whose sequence number is below the
 * highest seen so far counts as reordered.
 */
int stats_reply(struct probe_stats *st, uint32_t seq, bool dup,
		double rtt_ms, int64_t transit_ns)
{
	double transit;

	if (!st)
		return EINVAL;

	if (dup) {
		++st->duplicated;
		return 0;
	}

	if (st->have_seq && seq < st->max_seq)
		++st->reordered;
	if (!st->have_seq || seq > st->max_seq)
		st->max_seq = seq;
	st->have_seq = true;

	++st->received;
	if (st->nrtt < st->cap)
		st->rtt[st->nrtt++] = rtt_ms;

	transit = (double)transit_ns / 1e6;
	if (st->have_transit) {
		double d = fabs(transit - st->last_transit);
		st->jitter += (d - st->jitter) / 16.0;
	}
	st->last_transit = transit;
	st->have_transit = true;

	return 0;
}


static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}


/** Nearest-rank percentile of a sorted array (0 when empty) */
double stats_percentile(const double *sorted, size_t n, double pct)
{
	size_t rank;

	if (!sorted || !n)
		return 0;

	rank = (size_t)ceil(pct / 100.0 * (double)n);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;

	return sorted[rank - 1];
}


void stats_summary(const struct probe_stats *st, struct probe_summary *s)
{
	double *sorted, sum = 0;
	size_t i, n;

	if (!st || !s)
		return;

	memset(s, 0, sizeof(*s));
	s->sent       = st->sent;
	s->received   = st->received;
	s->duplicated = st->duplicated;
	s->reordered  = st->reordered;
	s->late       = st->late;
	s->jitter     = st->jitter;

	if (st->sent) {
		uint32_t lost = st->received > st->sent ?
			0 : st->sent - st->received;
		s->loss_pct = 100.0 * lost / st->sent;
	}

	n = st->nrtt;
	if (!n)
		return;

	sorted = mem_alloc(n * sizeof(*sorted), NULL);
	if (!sorted)
		return;

	memcpy(sorted, st->rtt, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_dbl);

	for (i = 0; i < n; i++)
		sum += sorted[i];

	s->min = sorted[0];
	s->max = sorted[n - 1];
	s->avg = sum / (double)n;
	s->p50 = stats_percentile(sorted, n, 50);
	s->p95 = stats_percentile(sorted, n, 95);

	mem_deref(sorted);
}
