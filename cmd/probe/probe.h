/**
 * @file probe.h  calls-probe: the private interface between its modules
 *
 * main.c parses the command line into a struct probe_opts and calls one
 * subcommand's run function, which returns an exit code (exitcode.h).
 *
 * Modules:
 *   pkt.c      the probe packet format (what ping sends, echo reflects)
 *   stats.c    loss, RTT percentiles, RFC 3550 jitter, reordering
 *   sock.c     socket helpers (plain sockets on libre's fd_listen)
 *   nc.c       listen/connect: the netcat-compatible line exchange
 *   echo.c     listen --echo: the responder ping measures against
 *   ping.c     ping and ping --mtu
 *   stunp.c    stun: does this port answer a STUN Binding request
 *   tunings.c  tunings: the host settings the deployment guide asks for
 */
#ifndef CALLS_PROBE_H
#define CALLS_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct sa;

enum probe_proto {
	PROBE_TCP = 0,
	PROBE_UDP,
};

struct probe_opts {
	enum probe_proto proto;
	int af;                   /**< AF_UNSPEC, AF_INET or AF_INET6      */
	const char *host;         /**< remote host, or local bind address  */
	uint16_t port;            /**< remote port, or local port          */
	bool has_port;
	const char *source;       /**< connect: local address (-s)         */
	uint16_t sport;           /**< connect: local port (-p)            */
	bool echo;                /**< listen --echo                       */
	unsigned long count;      /**< ping probes; echo: stop after N     */
	double interval;          /**< seconds between probes              */
	double timeout;           /**< seconds to wait for a reply         */
	double wait;              /**< nc mode idle timeout (-w), 0: none  */
	unsigned long size;       /**< probe packet size in bytes          */
	bool json;
	double max_loss;          /**< percent; < 0 when not given         */
	bool mtu;
	unsigned long mtu_max;    /**< 0: the protocol's largest           */
	const char *proc_root;
	bool proto_set;           /**< -u or -t given                      */
	const char *port_opt;     /**< -p as given                         */
};

/* pkt.c: probe packets, all integers in network byte order
 *
 *   0  magic "CPRB"     4  version (1)   5  flags      6  length (16)
 *   8  session (32)    12  sequence (32)
 *  16  sender timestamp, ns (64)
 *  24  responder timestamp, ns (64), 0 in requests
 *  32  padding, all zero, up to length
 */
#define PROBE_MAGIC     0x43505242u   /* "CPRB" */
#define PROBE_VERSION   1
#define PROBE_HDR_LEN   32
#define PROBE_MAX_LEN   65535

enum {
	PROBE_F_REPLY = 0x01,
};

struct probe_pkt {
	uint8_t  flags;
	uint16_t len;
	uint32_t session;
	uint32_t seq;
	uint64_t tx_ns;
	uint64_t echo_ns;
};

int  pkt_encode(uint8_t *buf, size_t size, const struct probe_pkt *p);
int  pkt_decode(struct probe_pkt *p, const uint8_t *buf, size_t len);
int  pkt_frame_len(size_t *lenp, const uint8_t *buf, size_t len);
int  pkt_make_reply(uint8_t *buf, size_t len, uint64_t now_ns);

/* stats.c */
struct probe_stats {
	uint32_t sent;
	uint32_t received;
	uint32_t duplicated;
	uint32_t reordered;
	uint32_t late;
	double *rtt;              /**< ms, one per received probe          */
	size_t nrtt;
	size_t cap;
	double jitter;            /**< ms, RFC 3550 estimator              */
	double last_transit;      /**< ms                                  */
	bool have_transit;
	uint32_t max_seq;
	bool have_seq;
};

struct probe_summary {
	uint32_t sent, received, duplicated, reordered, late;
	double loss_pct;
	double min, avg, p50, p95, max, jitter;   /**< ms */
};

int  stats_init(struct probe_stats *st, size_t cap);
void stats_reset(struct probe_stats *st);
int  stats_reply(struct probe_stats *st, uint32_t seq, bool dup,
		 double rtt_ms, int64_t transit_ns);
void stats_summary(const struct probe_stats *st, struct probe_summary *s);
double stats_percentile(const double *sorted, size_t n, double pct);

/* sock.c */
uint64_t probe_now_ns(void);
int  sock_open(int *fdp, int af, enum probe_proto proto);
int  sock_bind(int fd, const struct sa *local, bool reuse);
int  sock_local(int fd, struct sa *sa);
int  sock_set_df(int fd, int af);
int  sock_set_blocking(int fd, bool blocking);
int  sock_resolve(struct sa *sa, const char *host, uint16_t port, int af);
int  sock_write_all(int fd, const uint8_t *buf, size_t len);
int  sock_serve(int *fdp, struct sa *bound, const struct probe_opts *o);
int  sock_dial(int *fdp, struct sa *dst, bool *inprogress,
	       const struct probe_opts *o);
int  sock_error(int fd);
int  sock_pktinfo_enable(int fd, int af);
ssize_t sock_recv(int fd, uint8_t *buf, size_t size, struct sa *src,
		  struct sa *local);
int  sock_send(int fd, const uint8_t *buf, size_t len, const struct sa *dst,
	       const struct sa *local);
bool sock_err_unanswered(int err);
const char *proto_name(enum probe_proto proto);

/* tunings.c: parsers of /proc files (buffer, length; no NUL needed) */
int  tun_parse_number(uint64_t *vp, const char *buf, size_t len);
int  tun_parse_snmp(uint64_t *vp, const char *buf, size_t len,
		    const char *proto, const char *field);
int  tun_parse_limits(uint64_t *vp, const char *buf, size_t len);

/* subcommands: each returns an exit code */
int  nc_run(const struct probe_opts *o, bool listen);
int  echo_run(const struct probe_opts *o);
int  ping_run(const struct probe_opts *o);
int  mtu_run(const struct probe_opts *o);
int  stunp_run(const struct probe_opts *o);
int  tunings_run(const struct probe_opts *o);

#endif
