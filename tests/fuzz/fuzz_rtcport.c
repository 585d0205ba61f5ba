/* Fuzz target: the calls-sfu RTC port input path (cmd/sfu/rtcnet.c):
 * RFC 7983 demux, the ICE-lite Binding responder and the ICE-TCP RFC 4571
 * de-framer, with two registered endpoints (one known to the seeds).
 *
 * Input: byte 0 picks the mode (bit 0: TCP stream, else UDP datagrams)
 * and the source address (bits 1-2). UDP: the rest is a run of
 * datagrams, each prefixed with a 2-byte big-endian length. TCP: the
 * rest is the byte stream of one connection, fed in 7-byte pieces. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "re_inc.h"
#include "../../cmd/sfu/config.h"
#include "log.h"
#include "rtcnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the seeds' credentials */
#define UFRAG "fuzzUfrag"
#define PWD   "fuzzPasswordFuzzPasswordFuzz0123"

static unsigned sink;

static void tx_h(enum sfu_rtcnet_proto proto, const struct sa *local,
		 const struct sa *dst, const uint8_t *buf, size_t len,
		 void *arg)
{
	(void)proto;
	(void)local;
	(void)dst;
	(void)arg;
	if (len)
		sink += buf[0] + buf[len - 1];
}

static void recv_h(struct sfu_rtcnet_ep *ep, uint8_t *buf, size_t len,
		   enum sfu_rtcnet_kind kind, void *arg)
{
	(void)kind;
	(void)arg;
	if (len)
		buf[0] ^= 1;  /* handlers may write to the buffer */
	(void)sfu_rtcnet_send(ep, buf, len);
}

static void state_h(struct sfu_rtcnet_ep *ep, enum sfu_rtcnet_state st,
		    void *arg)
{
	(void)ep;
	(void)arg;
	sink += st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool init;
	static const char *const srcs[] = {"127.0.0.1:40000",
		"127.0.0.2:40001", "[::1]:40002", "10.1.2.3:9"};
	struct sfu_rtcnet *net = NULL;
	struct sfu_rtcnet_ep *a = NULL, *b = NULL;
	struct sfu_config cfg;
	struct sa src;
	char errbuf[128];
	size_t off;

	if (!init) {
		if (libre_init())
			abort();
		calls_log_set_level(CALLS_LOG_ERROR);
		setenv(SFU_RTCNET_PORT_ENV, "0", 1);
		init = true;
	}
	if (!size)
		return 0;

	memset(&cfg, 0, sizeof(cfg));
	cfg.rtc.ice_address_udp = "127.0.0.1";
	cfg.rtc.ice_address_tcp = "127.0.0.1";
	if (sfu_rtcnet_alloc(&net, &cfg, NULL, errbuf, sizeof(errbuf)))
		abort();
	sfu_rtcnet_set_tx_hook(net, tx_h, NULL);
	if (sfu_rtcnet_ep_alloc(&a, net, UFRAG, PWD, "g", recv_h, state_h,
				NULL) ||
	    sfu_rtcnet_ep_alloc(&b, net, "other", "otherPassword", NULL,
				recv_h, state_h, NULL))
		abort();

	if (sa_decode(&src, srcs[(data[0] >> 1) & 3],
		      strlen(srcs[(data[0] >> 1) & 3])))
		abort();

	off = 1;
	if (data[0] & 1) {
		while (off < size) {
			size_t n = size - off < 7 ? size - off : 7;

			if (sfu_rtcnet_input_tcp(net, &src, data + off, n,
						 false))
				break;
			off += n;
		}
		(void)sfu_rtcnet_input_tcp(net, &src, NULL, 0, true);
	}
	else {
		while (off + 2 <= size) {
			size_t n = (size_t)data[off] << 8 | data[off + 1];

			off += 2;
			if (n > size - off)
				n = size - off;
			sfu_rtcnet_input(net, NULL, &src, data + off, n);
			off += n;
		}
	}

	mem_deref(b);
	mem_deref(a);
	mem_deref(net);

	return 0;
}
