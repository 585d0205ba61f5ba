/*
 * srtpbench: ns per packet of SRTP protect and unprotect, lib/srtp
 * (libre, OpenSSL) against Debian's libsrtp2, both suites, for an audio
 * sized (160-byte payload) and a video sized (1100-byte) packet.
 *
 *   srtpbench [PACKETS]      (default 200000 per case)
 *
 * Packets are processed in batches of 256 (protect the batch, then
 * unprotect it), so the clock is read twice per batch, not per packet.
 * Every unprotect must succeed, so a broken transform cannot look fast.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <srtp2/srtp.h>
#include "re_inc.h"
#include "srtp.h"

enum { BATCH = 256, MAXPKT = 1400 };

static uint8_t pkts[BATCH][MAXPKT];
static size_t lens[BATCH];


static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);

	return ts.tv_sec * 1e9 + ts.tv_nsec;
}


static void mk(uint8_t *b, uint32_t i, size_t pay)
{
	memset(b, 0x5a, 12 + pay);
	b[0] = 0x80;
	b[1] = 111;
	b[2] = (i >> 8) & 0xff;
	b[3] = i & 0xff;
	b[4] = i >> 24; b[5] = i >> 16; b[6] = i >> 8; b[7] = i;
	b[8] = 0x12; b[9] = 0x34; b[10] = 0x56; b[11] = 0x78;
}


struct result {
	double prot, unprot;
};


static int run_ours(enum calls_srtp_suite suite, uint32_t n, size_t pay,
		    struct result *r)
{
	struct calls_srtp *tx = NULL, *rx = NULL;
	uint8_t key[16] = {1, 2, 3, 4}, salt[14] = {5, 6, 7};
	uint32_t i = 0;
	size_t k;
	double t0;
	int err;

	r->prot = r->unprot = 0;
	err  = calls_srtp_alloc(&tx, suite, key, 16, salt,
				calls_srtp_salt_len(suite));
	err |= calls_srtp_alloc(&rx, suite, key, 16, salt,
				calls_srtp_salt_len(suite));
	if (err)
		goto out;

	r->prot = r->unprot = 0;
	while (i < n) {
		for (k = 0; k < BATCH; k++) {
			mk(pkts[k], i + (uint32_t)k, pay);
			lens[k] = 12 + pay;
		}

		t0 = now_ns();
		for (k = 0; k < BATCH; k++)
			err |= calls_srtp_protect(tx, pkts[k], &lens[k],
						  MAXPKT);
		r->prot += now_ns() - t0;

		t0 = now_ns();
		for (k = 0; k < BATCH; k++)
			err |= calls_srtp_unprotect(rx, pkts[k], &lens[k]);
		r->unprot += now_ns() - t0;

		if (err)
			goto out;
		i += BATCH;
	}

	r->prot /= i;
	r->unprot /= i;

 out:
	mem_deref(tx);
	mem_deref(rx);

	return err;
}


static int run_libsrtp(enum calls_srtp_suite suite, uint32_t n, size_t pay,
		       struct result *r)
{
	srtp_t tx = NULL, rx = NULL;
	srtp_policy_t pol;
	uint8_t master[30] = {1, 2, 3, 4};
	uint32_t i = 0;
	size_t k;
	double t0;
	int err = 0, len;

	r->prot = r->unprot = 0;
	memset(&pol, 0, sizeof(pol));
	if (suite == CALLS_SRTP_AES_CM_128_HMAC_SHA1_80) {
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtp);
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtcp);
	}
	else {
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtp);
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtcp);
	}
	master[16] = 5; master[17] = 6; master[18] = 7;
	pol.key = master;
	pol.window_size = 128;
	pol.ssrc.type = ssrc_any_outbound;
	if (srtp_create(&tx, &pol))
		return EPROTO;
	pol.ssrc.type = ssrc_any_inbound;
	if (srtp_create(&rx, &pol)) {
		srtp_dealloc(tx);
		return EPROTO;
	}

	r->prot = r->unprot = 0;
	while (i < n) {
		for (k = 0; k < BATCH; k++) {
			mk(pkts[k], i + (uint32_t)k, pay);
			lens[k] = 12 + pay;
		}

		t0 = now_ns();
		for (k = 0; k < BATCH; k++) {
			len = (int)lens[k];
			err |= srtp_protect(tx, pkts[k], &len);
			lens[k] = (size_t)len;
		}
		r->prot += now_ns() - t0;

		t0 = now_ns();
		for (k = 0; k < BATCH; k++) {
			len = (int)lens[k];
			err |= srtp_unprotect(rx, pkts[k], &len);
		}
		r->unprot += now_ns() - t0;

		if (err) {
			err = EPROTO;
			goto out;
		}
		i += BATCH;
	}

	r->prot /= i;
	r->unprot /= i;

 out:
	srtp_dealloc(tx);
	srtp_dealloc(rx);

	return err;
}


int main(int argc, char **argv)
{
	static const enum calls_srtp_suite suites[] = {
		CALLS_SRTP_AES_CM_128_HMAC_SHA1_80,
		CALLS_SRTP_AEAD_AES_128_GCM,
	};
	static const size_t pays[] = {160, 1100};
	uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10)
			      : 200000;
	size_t s, p;
	int err = 0;

	if (libre_init() || srtp_init())
		return 4;

	printf("%-24s %7s %10s %10s %10s %10s\n", "suite", "payload",
	       "ours_prot", "ours_unpr", "srtp2_prot", "srtp2_unpr");

	for (s = 0; s < 2; s++) {
		for (p = 0; p < 2; p++) {
			struct result ours, theirs;

			err = run_ours(suites[s], n, pays[p], &ours);
			err |= run_libsrtp(suites[s], n, pays[p], &theirs);
			if (err) {
				fprintf(stderr, "srtpbench: %s failed\n",
					calls_srtp_suite_name(suites[s]));
				goto out;
			}

			printf("%-24s %7zu %10.0f %10.0f %10.0f %10.0f\n",
			       calls_srtp_suite_name(suites[s]), pays[p],
			       ours.prot, ours.unprot, theirs.prot,
			       theirs.unprot);
		}
	}
	printf("(ns per packet, %u packets per case)\n", n);

 out:
	srtp_shutdown();
	libre_close();

	return err ? 1 : 0;
}
