/**
 * @file http.c  calls-lt: a small blocking HTTP/1.1 client
 *
 * Used outside the media path only: self-registration, /system of each
 * SFU host, /metrics once a second. One request per connection
 * (Connection: close), the whole response read into memory (at most
 * 4 MiB), chunked transfer coding decoded. http:// only.
 */
#include <netdb.h>
#include <stdlib.h>
#include <poll.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <fcntl.h>
#include "re_inc.h"
#include "ltint.h"

enum {
	RESP_MAX = 4u << 20,
};


struct url {
	char host[256];
	uint16_t port;
	const char *path;
};


static int url_split(struct url *u, const char *url)
{
	const char *h, *end, *colon;
	size_t hl;

	if (strncasecmp(url, "http://", 7))
		return EINVAL;
	h = url + 7;
	end = strchr(h, '/');
	u->path = end ? end : "/";
	if (!end)
		end = h + strlen(h);
	if (*h == '[') {
		const char *rb = memchr(h, ']', end - h);

		if (!rb)
			return EINVAL;
		hl = rb - h - 1;
		if (hl >= sizeof(u->host))
			return EINVAL;
		memcpy(u->host, h + 1, hl);
		u->host[hl] = '\0';
		colon = rb + 1 < end && rb[1] == ':' ? rb + 1 : NULL;
	}
	else {
		colon = memchr(h, ':', end - h);
		hl = (colon ? colon : end) - h;
		if (!hl || hl >= sizeof(u->host))
			return EINVAL;
		memcpy(u->host, h, hl);
		u->host[hl] = '\0';
	}
	u->port = 80;
	if (colon) {
		char pb[8];
		size_t pl = end - colon - 1;
		unsigned long v;
		char *e;

		if (!pl || pl >= sizeof(pb))
			return EINVAL;
		memcpy(pb, colon + 1, pl);
		pb[pl] = '\0';
		v = strtoul(pb, &e, 10);
		if (*e || !v || v > 65535)
			return EINVAL;
		u->port = (uint16_t)v;
	}

	return 0;
}


static int conn_open(const struct sa *sa, unsigned timeout_ms, int *fdp)
{
	struct pollfd pfd;
	int fd, err = 0, so = 0;
	socklen_t sl = sizeof(so);

	fd = socket(sa_af(sa), SOCK_STREAM, 0);
	if (fd < 0)
		return errno;
	(void)fcntl(fd, F_SETFL, O_NONBLOCK);
	if (connect(fd, &sa->u.sa, sa->len) && errno != EINPROGRESS) {
		err = errno;
		goto out;
	}
	pfd.fd = fd;
	pfd.events = POLLOUT;
	if (poll(&pfd, 1, (int)timeout_ms) != 1) {
		err = ETIMEDOUT;
		goto out;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &sl) || so) {
		err = so ? so : errno;
		goto out;
	}
	*fdp = fd;
	fd = -1;

 out:
	if (fd >= 0)
		close(fd);
	return err;
}


/* True once the head and Content-Length bytes of body are in */
bool lt_http_complete(const struct mbuf *mb)
{
	const char *txt = (const char *)mb->buf, *hend, *cl;
	size_t hl;
	char head[4096];

	if (!mb->end)
		return false;
	hend = memmem(txt, mb->end, "\r\n\r\n", 4);
	if (!hend)
		return false;
	hl = hend - txt;
	if (hl >= sizeof(head))
		return false;
	memcpy(head, txt, hl);
	head[hl] = '\0';
	cl = strcasestr(head, "\r\nContent-Length:");
	if (!cl)
		return false;

	return mb->end >= hl + 4 + strtoul(cl + 17, NULL, 10);
}


static int read_all(int fd, unsigned timeout_ms, struct mbuf *mb)
{
	uint8_t buf[8192];
	struct pollfd pfd = {.fd = fd, .events = POLLIN};

	for (;;) {
		ssize_t n;

		if (lt_http_complete(mb))
			return 0;

		if (poll(&pfd, 1, (int)timeout_ms) != 1)
			return ETIMEDOUT;
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			return 0;
		if (mb->end + n > RESP_MAX)
			return EMSGSIZE;
		if (mbuf_write_mem(mb, buf, n))
			return ENOMEM;
	}
}


static int dechunk(char *body, size_t len, size_t *outp)
{
	size_t in = 0, out = 0;

	for (;;) {
		unsigned long n;
		char *e;

		if (in >= len)
			return EBADMSG;
		n = strtoul(body + in, &e, 16);
		if (e == body + in)
			return EBADMSG;
		e = strstr(e, "\r\n");
		if (!e)
			return EBADMSG;
		in = (e - body) + 2;
		if (!n)
			break;
		if (n > len - in)
			return EBADMSG;
		memmove(body + out, body + in, n);
		out += n;
		in += n + 2;
	}
	*outp = out;

	return 0;
}


int lt_http_parse(struct mbuf *mb, int *statusp, char **bodyp)
{
	char *txt = (char *)mb->buf, *hend, *body;
	size_t blen;
	int err;

	if (mbuf_write_u8(mb, 0))
		return ENOMEM;
	txt = (char *)mb->buf;
	if (strncmp(txt, "HTTP/1.", 7) || strlen(txt) < 12)
		return EBADMSG;
	*statusp = atoi(txt + 9);
	hend = strstr(txt, "\r\n\r\n");
	if (!hend)
		return EBADMSG;
	*hend = '\0';
	body = hend + 4;
	blen = strlen(body);
	if (strcasestr(txt, "\r\nTransfer-Encoding: chunked")) {
		err = dechunk(body, blen, &blen);
		if (err)
			return err;
	}
	if (!bodyp)
		return 0;
	*bodyp = mem_alloc(blen + 1, NULL);
	if (!*bodyp)
		return ENOMEM;
	memcpy(*bodyp, body, blen);
	(*bodyp)[blen] = '\0';

	return 0;
}


int lt_http(const char *method, const char *url, const char *auth,
	    const char *body, unsigned timeout_ms, int *statusp,
	    char **bodyp)
{
	struct mbuf *mb = NULL;
	struct url u;
	struct sa sa;
	size_t n = 1;
	int fd = -1, err;

	if (!method || !url || !statusp)
		return EINVAL;
	err = url_split(&u, url);
	if (err)
		return err;
	err = lt_resolve(url, NULL, &sa, &n);
	if (err)
		return err;

	err = conn_open(&sa, timeout_ms, &fd);
	if (err)
		goto out;

	mb = mbuf_alloc(4096);
	if (!mb) {
		err = ENOMEM;
		goto out;
	}
	err = mbuf_printf(mb, "%s %s HTTP/1.1\r\nHost: %s:%u\r\n"
			  "Connection: close\r\n", method, u.path, u.host,
			  u.port);
	if (auth)
		err |= mbuf_printf(mb, "Authorization: %s\r\n", auth);
	if (body)
		err |= mbuf_printf(mb, "Content-Type: application/json\r\n"
				   "Content-Length: %zu\r\n\r\n%s",
				   strlen(body), body);
	else
		err |= mbuf_printf(mb, "\r\n");
	if (err)
		goto out;
	if (write(fd, mb->buf, mb->end) != (ssize_t)mb->end) {
		err = EIO;
		goto out;
	}

	mbuf_rewind(mb);
	err = read_all(fd, timeout_ms, mb);
	if (!err)
		err = lt_http_parse(mb, statusp, bodyp);

 out:
	if (fd >= 0)
		close(fd);
	mem_deref(mb);
	return err;
}
