/**
 * @file tunings.c  tunings: the host settings the deployment guide asks for
 *
 * The guide's performance section raises net.core.rmem_max, wmem_max and
 * optmem_max to 16 MiB; UDP buffer errors in /proc/net/snmp show whether
 * smaller buffers already overflowed; an SFU holds a socket or two per
 * participant, so the open-files limit matters too. Everything is read
 * under --proc-root (default /proc), so tests feed fixture trees.
 *
 * The parsers take (buffer, length) without a terminating NUL: they read
 * files from outside and have a fuzz target (tests/fuzz/fuzz_probe_proc.c).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include "re_inc.h"
#include "exitcode.h"
#include "json.h"
#define LOG_MODULE "tunings"
#include "log.h"
#include "probe.h"

#define WANT_MEM    16777216ull   /* 16 MiB, the guide's value */
#define WANT_NOFILE 65536ull
#define PROC_MAX    65536

enum tun_status {
	TUN_PASS = 0,
	TUN_WARN,
	TUN_FAIL,
};

struct tun {
	const struct probe_opts *o;
	struct calls_jw jw;
	unsigned n[3];
};

static const char *status_names[] = {"pass", "warn", "fail"};


static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}


/* Whole decimal number at s[0..len) (after blanks); false if none */
static bool parse_u64(uint64_t *vp, const char *s, size_t len, size_t *used)
{
	uint64_t v = 0;
	size_t i = 0, start;

	while (i < len && is_blank(s[i]))
		++i;
	start = i;
	while (i < len && s[i] >= '0' && s[i] <= '9') {
		uint64_t d = (uint64_t)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
		++i;
	}
	if (i == start)
		return false;

	*vp = v;
	if (used)
		*used = i;

	return true;
}


/** A sysctl file: one number, optional blanks and newline */
int tun_parse_number(uint64_t *vp, const char *buf, size_t len)
{
	size_t used, i;

	if (!vp || !buf || !parse_u64(vp, buf, len, &used))
		return EBADMSG;

	for (i = used; i < len; i++) {
		if (!is_blank(buf[i]) && buf[i] != '\n')
			return EBADMSG;
	}

	return 0;
}


/* The next line of buf at *pos: [*startp, *endp) without the newline */
static bool next_line(const char *buf, size_t len, size_t *pos,
		      size_t *startp, size_t *endp)
{
	const char *nl;

	if (*pos >= len)
		return false;

	*startp = *pos;
	nl = memchr(buf + *pos, '\n', len - *pos);
	*endp = nl ? (size_t)(nl - buf) : len;
	*pos = *endp + 1;

	return true;
}


/* The index-th blank-separated word of line[0..len) */
static bool word(const char *line, size_t len, unsigned index,
		 size_t *offp, size_t *lenp)
{
	size_t i = 0;

	for (;;) {
		size_t start;

		while (i < len && is_blank(line[i]))
			++i;
		if (i >= len)
			return false;
		start = i;
		while (i < len && !is_blank(line[i]))
			++i;
		if (!index--) {
			*offp = start;
			*lenp = i - start;
			return true;
		}
	}
}


/**
 * /proc/net/snmp: a header line "Udp: InDatagrams NoPorts ..." and a
 * value line "Udp: 1 2 ..."; the value of field in section proto.
 */
int tun_parse_snmp(uint64_t *vp, const char *buf, size_t len,
		   const char *proto, const char *field)
{
	size_t pos = 0, s, e, hs = 0, he = 0, plen, flen;
	bool header = false;
	unsigned i;

	if (!vp || !buf || !proto || !field)
		return EINVAL;

	plen = strlen(proto);
	flen = strlen(field);

	while (next_line(buf, len, &pos, &s, &e)) {
		size_t wo, wl, vo, vl;

		if (e - s <= plen || memcmp(buf + s, proto, plen) ||
		    buf[s + plen] != ':')
			continue;

		if (!header) {
			hs = s;
			he = e;
			header = true;
			continue;
		}

		/* the value line: the same word position as the name */
		for (i = 1; word(buf + hs, he - hs, i, &wo, &wl); i++) {
			if (wl != flen || memcmp(buf + hs + wo, field, flen))
				continue;
			if (!word(buf + s, e - s, i, &vo, &vl))
				return EBADMSG;
			return tun_parse_number(vp, buf + s + vo, vl);
		}

		return ENOENT;
	}

	return ENOENT;
}


/**
 * /proc/PID/limits: the soft limit of "Max open files"; UINT64_MAX for
 * "unlimited".
 */
int tun_parse_limits(uint64_t *vp, const char *buf, size_t len)
{
	static const char key[] = "Max open files";
	size_t pos = 0, s, e, klen = sizeof(key) - 1, i;

	if (!vp || !buf)
		return EINVAL;

	while (next_line(buf, len, &pos, &s, &e)) {
		if (e - s < klen || memcmp(buf + s, key, klen))
			continue;

		i = s + klen;
		while (i < e && is_blank(buf[i]))
			++i;
		if (e - i >= 9 && !memcmp(buf + i, "unlimited", 9)) {
			*vp = UINT64_MAX;
			return 0;
		}
		if (!parse_u64(vp, buf + i, e - i, NULL))
			return EBADMSG;
		return 0;
	}

	return ENOENT;
}


/* Reads root/rel (at most PROC_MAX bytes); caller frees *bufp */
static int read_proc(const char *root, const char *rel, char **bufp,
		     size_t *lenp)
{
	char path[1024];
	char *buf;
	ssize_t n;
	size_t len = 0;
	int fd, err = 0;

	if (re_snprintf(path, sizeof(path), "%s/%s", root, rel) < 0)
		return ENAMETOOLONG;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;

	buf = mem_alloc(PROC_MAX, NULL);
	if (!buf) {
		close(fd);
		return ENOMEM;
	}

	while (len < PROC_MAX &&
	       (n = read(fd, buf + len, PROC_MAX - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			break;
		}
		len += (size_t)n;
	}
	close(fd);

	if (err) {
		mem_deref(buf);
		return err;
	}

	*bufp = buf;
	*lenp = len;

	return 0;
}


static void report(struct tun *t, enum tun_status st, const char *name,
		   const uint64_t *val, const char *want, const char *detail)
{
	++t->n[st];

	if (t->o->json) {
		calls_jw_obj_begin(&t->jw, NULL);
		calls_jw_str(&t->jw, "type", "check");
		calls_jw_str(&t->jw, "name", name);
		calls_jw_str(&t->jw, "status", status_names[st]);
		if (val && *val == UINT64_MAX)
			calls_jw_str(&t->jw, "value", "unlimited");
		else if (val)
			calls_jw_uint(&t->jw, "value", *val);
		else
			calls_jw_null(&t->jw, "value");
		calls_jw_str(&t->jw, "want", want);
		calls_jw_str(&t->jw, "detail", detail);
		calls_jw_obj_end(&t->jw);
		calls_jw_line(&t->jw, stdout);
		return;
	}

	if (val && *val == UINT64_MAX)
		re_printf("%-4s  %-22s unlimited (want %s)",
			  status_names[st], name, want);
	else if (val)
		re_printf("%-4s  %-22s %llu (want %s)", status_names[st],
			  name, (unsigned long long)*val, want);
	else
		re_printf("%-4s  %-22s unknown (want %s)", status_names[st],
			  name, want);
	re_printf("%s%s\n", *detail ? ": " : "", detail);
	fflush(stdout);
}


static void check_sysctl(struct tun *t, const char *name, const char *rel)
{
	char detail[160];
	char *buf = NULL;
	size_t len;
	uint64_t v;
	int err;

	err = read_proc(t->o->proc_root, rel, &buf, &len);
	if (!err)
		err = tun_parse_number(&v, buf, len);
	mem_deref(buf);

	if (err) {
		re_snprintf(detail, sizeof(detail), "cannot read %s/%s: %m",
			    t->o->proc_root, rel, err);
		report(t, TUN_WARN, name, NULL, ">= 16777216", detail);
		return;
	}

	if (v >= WANT_MEM) {
		report(t, TUN_PASS, name, &v, ">= 16777216", "");
		return;
	}

	re_snprintf(detail, sizeof(detail),
		    "too small for many RTC sessions; fix: sysctl -w %s=%llu",
		    name, WANT_MEM);
	report(t, TUN_FAIL, name, &v, ">= 16777216", detail);
}


static void check_snmp(struct tun *t, const char *buf, size_t len,
		       int rerr, const char *field, const char *why)
{
	char name[40], detail[160];
	uint64_t v;
	int err = rerr;

	re_snprintf(name, sizeof(name), "udp.%s", field);

	if (!err)
		err = tun_parse_snmp(&v, buf, len, "Udp", field);
	if (err) {
		re_snprintf(detail, sizeof(detail),
			    "cannot read it from %s/net/snmp: %m",
			    t->o->proc_root, err);
		report(t, TUN_WARN, name, NULL, "0", detail);
		return;
	}

	if (!v)
		report(t, TUN_PASS, name, &v, "0", "");
	else
		report(t, TUN_WARN, name, &v, "0", why);
}


static void check_nofile(struct tun *t)
{
	char *buf = NULL;
	const char *detail = "";
	size_t len;
	uint64_t v;
	int err;

	err = read_proc(t->o->proc_root, "self/limits", &buf, &len);
	if (!err)
		err = tun_parse_limits(&v, buf, len);
	mem_deref(buf);

	if (err) {
		struct rlimit rl;

		if (getrlimit(RLIMIT_NOFILE, &rl)) {
			report(t, TUN_WARN, "nofile", NULL, ">= 65536",
			       "cannot read the open-files limit");
			return;
		}
		v = rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : rl.rlim_cur;
	}

	if (v < WANT_NOFILE)
		detail = "few sockets for many calls; raise LimitNOFILE="
			" (systemd) or ulimit -n";

	report(t, v >= WANT_NOFILE ? TUN_PASS : TUN_WARN, "nofile", &v,
	       ">= 65536", detail);
}


static void run_checks(struct tun *t)
{
	char *snmp = NULL;
	size_t len = 0;
	int err;

	check_sysctl(t, "net.core.rmem_max", "sys/net/core/rmem_max");
	check_sysctl(t, "net.core.wmem_max", "sys/net/core/wmem_max");
	check_sysctl(t, "net.core.optmem_max", "sys/net/core/optmem_max");

	err = read_proc(t->o->proc_root, "net/snmp", &snmp, &len);
	check_snmp(t, snmp, len, err, "RcvbufErrors",
		   "receive buffers overflowed (since boot): packets were "
		   "dropped; raise net.core.rmem_max");
	check_snmp(t, snmp, len, err, "SndbufErrors",
		   "send buffers overflowed (since boot); raise "
		   "net.core.wmem_max");
	check_snmp(t, snmp, len, err, "InErrors",
		   "UDP datagrams dropped on input (since boot)");
	mem_deref(snmp);

	check_nofile(t);
}


int tunings_run(const struct probe_opts *o)
{
	struct tun t;
	struct stat st;

	memset(&t, 0, sizeof(t));
	t.o = o;

	if (stat(o->proc_root, &st) || !S_ISDIR(st.st_mode)) {
		log_error("%s: not a readable directory", o->proc_root);
		return CALLS_EXIT_NET;
	}

	if (calls_jw_init(&t.jw))
		return CALLS_EXIT_NET;

	run_checks(&t);

	if (o->json) {
		calls_jw_obj_begin(&t.jw, NULL);
		calls_jw_str(&t.jw, "type", "summary");
		calls_jw_uint(&t.jw, "pass", t.n[TUN_PASS]);
		calls_jw_uint(&t.jw, "warn", t.n[TUN_WARN]);
		calls_jw_uint(&t.jw, "fail", t.n[TUN_FAIL]);
		calls_jw_bool(&t.jw, "ok", !t.n[TUN_FAIL]);
		calls_jw_obj_end(&t.jw);
		calls_jw_line(&t.jw, stdout);
	}

	calls_jw_close(&t.jw);

	return t.n[TUN_FAIL] ? CALLS_EXIT_FAIL : CALLS_EXIT_OK;
}
