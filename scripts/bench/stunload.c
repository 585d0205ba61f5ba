/**
 * @file stunload.c  STUN Binding load generator for scripts/bench/stun
 *
 *     stunload [-b] [-d SECONDS] [-w WINDOW] [-s SOCKETS] HOST PORT
 *
 * Keeps WINDOW Binding requests outstanding on each of SOCKETS connected
 * UDP sockets (different source ports), counts the success responses
 * and prints one line: "sent N received N seconds S rate R".
 * A window whose answers stop coming for 200 ms is refilled (the
 * requests are counted as lost). With -b it never sleeps in poll(2)
 * (busy polling), so the server's sends never have to wake it up.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum {
	MAX_SOCKS = 64,
	BATCH = 64,
	REQ_LEN = 20,
};

struct lsock {
	int fd;
	unsigned outstanding;
	double last_rx;
	uint32_t seq;
};


static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);

	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}


static void usage(void)
{
	fprintf(stderr, "usage: stunload [-b] [-d SECONDS] [-w WINDOW] "
		"[-s SOCKETS] HOST PORT\n");
	exit(2);
}


/* Sends up to n requests on s; returns how many went out */
static unsigned fill(struct lsock *s, unsigned n)
{
	static uint8_t req[BATCH][REQ_LEN];
	static struct iovec iov[BATCH];
	static struct mmsghdr msg[BATCH];
	unsigned i;
	int r;

	if (n > BATCH)
		n = BATCH;

	for (i = 0; i < n; i++) {
		uint8_t *p = req[i];
		uint32_t seq = s->seq++;

		memset(p, 0, REQ_LEN);
		p[1] = 0x01;                         /* Binding request */
		p[4] = 0x21; p[5] = 0x12; p[6] = 0xa4; p[7] = 0x42;
		memcpy(p + 8, &s->fd, sizeof(int));
		memcpy(p + 12, &seq, sizeof(seq));
		iov[i].iov_base = p;
		iov[i].iov_len = REQ_LEN;
		memset(&msg[i], 0, sizeof(msg[i]));
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
	}

	r = sendmmsg(s->fd, msg, n, MSG_DONTWAIT);

	return r > 0 ? (unsigned)r : 0;
}


/* Reads what is there; returns the success responses */
static unsigned drain(struct lsock *s)
{
	static uint8_t buf[BATCH][1500];
	static struct iovec iov[BATCH];
	static struct mmsghdr msg[BATCH];
	unsigned got = 0;
	int i, r;

	for (;;) {
		for (i = 0; i < BATCH; i++) {
			iov[i].iov_base = buf[i];
			iov[i].iov_len = sizeof(buf[i]);
			memset(&msg[i], 0, sizeof(msg[i]));
			msg[i].msg_hdr.msg_iov = &iov[i];
			msg[i].msg_hdr.msg_iovlen = 1;
		}

		r = recvmmsg(s->fd, msg, BATCH, MSG_DONTWAIT, NULL);
		if (r <= 0)
			break;

		for (i = 0; i < r; i++) {
			if (msg[i].msg_len >= 20 && buf[i][0] == 0x01 &&
			    buf[i][1] == 0x01)
				++got;
		}

		if (r < BATCH)
			break;
	}

	return got;
}


int main(int argc, char **argv)
{
	struct lsock socks[MAX_SOCKS];
	struct pollfd pfd[MAX_SOCKS];
	struct addrinfo hints, *ai;
	unsigned long long sent = 0, received = 0;
	double duration = 5, t0, t;
	unsigned window = 256, nsocks = 4, i;
	int c, wait_ms = 10;

	while ((c = getopt(argc, argv, "bd:w:s:")) != -1) {
		switch (c) {
		case 'b': wait_ms = 0;                               break;
		case 'd': duration = atof(optarg);                   break;
		case 'w': window = (unsigned)atoi(optarg);            break;
		case 's': nsocks = (unsigned)atoi(optarg);            break;
		default:  usage();
		}
	}

	if (argc - optind != 2 || !window || !nsocks || nsocks > MAX_SOCKS ||
	    duration <= 0)
		usage();

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	if (getaddrinfo(argv[optind], argv[optind + 1], &hints, &ai)) {
		fprintf(stderr, "stunload: cannot resolve %s\n",
			argv[optind]);
		return 4;
	}

	for (i = 0; i < nsocks; i++) {
		int sz = 1 << 21;

		socks[i].fd = socket(ai->ai_family, SOCK_DGRAM, 0);
		if (socks[i].fd < 0 ||
		    connect(socks[i].fd, ai->ai_addr, ai->ai_addrlen) < 0) {
			perror("stunload: socket");
			return 4;
		}
		(void)setsockopt(socks[i].fd, SOL_SOCKET, SO_RCVBUF, &sz,
				 sizeof(sz));
		(void)setsockopt(socks[i].fd, SOL_SOCKET, SO_SNDBUF, &sz,
				 sizeof(sz));
		socks[i].outstanding = 0;
		socks[i].seq = 0;
		pfd[i].fd = socks[i].fd;
		pfd[i].events = POLLIN;
	}
	freeaddrinfo(ai);

	t0 = now();
	for (i = 0; i < nsocks; i++)
		socks[i].last_rx = t0;

	while ((t = now()) - t0 < duration) {
		for (i = 0; i < nsocks; i++) {
			struct lsock *s = &socks[i];
			unsigned n;

			if (t - s->last_rx > 0.2) {
				s->outstanding = 0;  /* lost */
				s->last_rx = t;
			}
			while (s->outstanding < window) {
				n = fill(s, window - s->outstanding);
				if (!n)
					break;
				s->outstanding += n;
				sent += n;
			}
		}

		if (poll(pfd, nsocks, wait_ms) <= 0)
			continue;

		t = now();
		for (i = 0; i < nsocks; i++) {
			unsigned got;

			if (!(pfd[i].revents & POLLIN))
				continue;
			got = drain(&socks[i]);
			received += got;
			socks[i].outstanding -= got < socks[i].outstanding ?
				got : socks[i].outstanding;
			if (got)
				socks[i].last_rx = t;
		}
	}

	t = now() - t0;
	printf("sent %llu received %llu seconds %.3f rate %.0f\n", sent,
	       received, t, (double)received / t);

	return received ? 0 : 1;
}
