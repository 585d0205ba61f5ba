/**
 * @file rtcnet_int.h  calls-sfu RTC port: what rtcnet.c (UDP, ICE-lite,
 * the port) and rtcnet_tcp.c (ICE-TCP) share; private to the two
 */
#ifndef SFU_RTCNET_INT_H
#define SFU_RTCNET_INT_H

#include "re_inc.h"
#include "stun.h"
#include "rtcnet.h"

enum {
	UDP_BUFSZ      = 16 * 1024 * 1024,  /* SO_RCVBUF / SO_SNDBUF     */
	RXBUF_SZ       = 65536,
	READ_BURST     = 64,                /* datagrams per wake-up     */
	EP_MAX_PAIRS   = 8,                 /* remote addresses per ep   */
	TCP_RBUF_INIT  = 4096,
	TCP_FRAME_MAX  = 2 + 65535,
	TCP_WBUF_MAX   = 4 * 1024 * 1024,   /* as rtcd's write buffer    */
	HASH_BUCKETS   = 1024,
	MAX_ADDRS      = 32,
};

struct usock {
	int fd;
	struct sa local;
	struct sfu_rtcnet *net;
};

struct tlisten {
	int fd;
	struct sa local;
	struct sfu_rtcnet *net;
};

struct tconn;

/* A remote address that authenticated for an endpoint */
struct rpair {
	struct le he;               /* in net->remotes (UDP only)         */
	struct sfu_rtcnet_ep *ep;
	struct sa remote;
	struct usock *us;           /* UDP: the socket it came on         */
	struct tconn *tc;           /* TCP: the connection it came on     */
	uint64_t last;              /* last authenticated request (ms)    */
	bool used;
};

struct tconn {
	struct le le;               /* net->tconns                        */
	struct sfu_rtcnet *net;
	int fd;                     /* -1: a pseudo-connection (tests)    */
	struct sa peer;
	struct sa local;
	struct rpair *pair;         /* the pair using it, if any          */
	uint8_t *rbuf;
	size_t rlen, rcap;
	uint8_t *wbuf;              /* pending output (partial writes)    */
	size_t wlen, wcap;
	struct tmr tmr;             /* closes it while unauthenticated    */
};

struct sfu_rtcnet_ep {
	struct le he;               /* net->eps by ufrag                  */
	struct sfu_rtcnet *net;
	char *ufrag;
	char *pwd;
	size_t pwdlen;
	char *group;
	struct rpair pairs[EP_MAX_PAIRS];
	struct rpair *sel;          /* the selected pair                  */
	struct rpair *recent;       /* latest authenticated pair          */
	enum sfu_rtcnet_state state;
	uint64_t created;
	uint64_t consent;           /* last consent from sel (ms)         */
	struct tmr tmr;
	sfu_rtcnet_recv_h *recvh;
	sfu_rtcnet_state_h *stateh;
	void *arg;
};

struct sfu_rtcnet {
	struct usock udp[MAX_ADDRS];
	unsigned udpc;
	struct tlisten tcp[MAX_ADDRS];
	unsigned tcpc;
	struct list tconns;
	struct hash *eps;
	struct hash *remotes;
	unsigned epc;
	struct sfu_metrics *m;
	uint32_t consent_ms;
	sfu_rtcnet_tx_h *txh;
	void *txarg;
	struct sfu_rtcnet_stats st;
	uint8_t txbuf[CALLS_STUN_MAX_LEN];
	uint8_t rxbuf[RXBUF_SZ];
};


/* rtcnet.c */
void pair_unbind(struct rpair *p);
int  rtcnet_demux(struct sfu_rtcnet *net, struct usock *us,
		  struct tconn *tc, const struct sa *src, uint8_t *buf,
		  size_t len);

/* rtcnet_tcp.c */
int  tconn_send(struct tconn *tc, const uint8_t *buf, size_t len);
void tlisten_h(int flags, void *arg);

#endif
