/**
 * @file metrics.c  calls-sfu: rtcd's Prometheus metrics and /system load
 *
 * A fixed table of families (fams[], sorted by name as the Go client
 * renders them). Each family keeps its series in a list sorted by label
 * values, so a scrape is deterministic. One pthread mutex guards every
 * family and the CPU sampler state; an event costs a lock, a hash
 * lookup of the label set and, the first time a label set is seen,
 * one allocation and an ordered insert.
 *
 * Families without series are not rendered, as the Go client does.
 */
#include <string.h>
#include <stdlib.h>
#include <math.h>
#include <dirent.h>
#include <unistd.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/time.h>
#include "re_inc.h"
#include "metrics.h"

enum { MAX_LABELS = 3 };

enum mtype {
	M_COUNTER,
	M_GAUGE,
	M_HIST,
};

/* rtcd's bucket lists (service/perf/metrics.go) and Prometheus' default */
static const double b_default[] = {.005, .01, .025, .05, .1, .25, .5, 1,
				   2.5, 5, 10};
static const double b_latency[] = {.001, .005, .0075, .01, .025, .05,
				   .075, .1, .25, .3, .4, .5, .75, 1};
static const double b_loss[] = {.001, .005, .0075, .01, .025, .05, .075,
				.1, .25, .5, .75, 1};

struct family {
	const char *name;
	const char *help;
	enum mtype type;
	const char *labv[MAX_LABELS];
	const double *bucketv;
	size_t bucketc;
};

/* Indexes into fams[] */
enum fam_id {
	F_CLIENT_JITTER = 0,
	F_CLIENT_LOSS,
	F_CLIENT_RTT,
	F_CONN_STATES,
	F_CONNECTION_TIME,
	F_DC_OPEN_TIME,
	F_ERRORS,
	F_TRACKS,
	F_TRACK_WRITES,
	F_SESSIONS,
	F_LOCK_GRAB,
	F_LOCK_LOCKED,
	F_WS_CONNS,
	F_WS_MSGS,
	F_MAX,
};

#define BUCKETS(b) b, ARRAY_SIZE(b)

static const struct family fams[F_MAX] = {
	[F_CLIENT_JITTER] = {"rtcd_rtc_client_jitter",
		"Jitter reported by clients over the data channel, "
		"in seconds.",
		M_HIST, {"groupID"}, BUCKETS(b_latency)},
	[F_CLIENT_LOSS] = {"rtcd_rtc_client_loss_rate",
		"Packet loss rate (0 to 1) reported by clients over the "
		"data channel.",
		M_HIST, {"groupID"}, BUCKETS(b_loss)},
	[F_CLIENT_RTT] = {"rtcd_rtc_client_rtt",
		"Round-trip time reported by clients over the data "
		"channel, in seconds.",
		M_HIST, {"groupID"}, BUCKETS(b_latency)},
	[F_CONN_STATES] = {"rtcd_rtc_conn_states_total",
		"Peer connection state changes, by new state.",
		M_COUNTER, {"type"}, NULL, 0},
	[F_CONNECTION_TIME] = {"rtcd_rtc_connection_time",
		"Seconds from session start to a connected peer "
		"connection.",
		M_HIST, {"groupID"}, BUCKETS(b_default)},
	[F_DC_OPEN_TIME] = {"rtcd_rtc_dc_open_time",
		"Seconds from session start to an open data channel.",
		M_HIST, {"groupID"}, BUCKETS(b_default)},
	[F_ERRORS] = {"rtcd_rtc_errors_total",
		"Errors in the RTC layer, by kind.",
		M_COUNTER, {"groupID", "type"}, NULL, 0},
	[F_TRACKS] = {"rtcd_rtc_rtp_tracks_total",
		"RTP tracks currently open, by direction and codec.",
		M_GAUGE, {"groupID", "direction", "type"}, NULL, 0},
	[F_TRACK_WRITES] = {"rtcd_rtc_rtp_tracks_writes_time",
		"Seconds spent writing one RTP packet to an outgoing "
		"track.",
		M_HIST, {"groupID", "type"}, BUCKETS(b_latency)},
	[F_SESSIONS] = {"rtcd_rtc_sessions_total",
		"RTC sessions currently open.",
		M_GAUGE, {"groupID"}, NULL, 0},
	[F_LOCK_GRAB] = {"rtcd_rtc_signaling_lock_grab_time",
		"Seconds waited to take a session's signaling lock.",
		M_HIST, {"groupID"}, BUCKETS(b_default)},
	[F_LOCK_LOCKED] = {"rtcd_rtc_signaling_lock_locked_time",
		"Seconds a session's signaling lock was held.",
		M_HIST, {"groupID"}, BUCKETS(b_default)},
	[F_WS_CONNS] = {"rtcd_ws_connections_total",
		"WebSocket connections currently open, by client.",
		M_GAUGE, {"clientID"}, NULL, 0},
	[F_WS_MSGS] = {"rtcd_ws_messages_total",
		"WebSocket messages, by client, message type and "
		"direction.",
		M_COUNTER, {"clientID", "type", "direction"}, NULL, 0},
};

struct series {
	struct le le;            /* in seriesv[], sorted by labels   */
	struct le he;            /* in idxv[], by hash of the labels */
	char *labv[MAX_LABELS];
	double value;            /* counter or gauge                 */
	uint64_t *countv;        /* per bucket, not cumulative       */
	uint64_t count;
	double sum;
};

struct sfu_metrics {
	pthread_mutex_t mtx;
	bool mtx_ok;
	struct list seriesv[F_MAX];
	struct hash *idxv[F_MAX];
	struct tmr tmr;
	/* the CPU sampler (under mtx) */
	uint64_t last_idle;
	uint64_t last_ms;
	bool have_sample;
	double load;
};


static void series_destructor(void *arg)
{
	struct series *s = arg;
	size_t i;

	for (i = 0; i < MAX_LABELS; i++)
		mem_deref(s->labv[i]);
	mem_deref(s->countv);
}


static void destructor(void *arg)
{
	struct sfu_metrics *m = arg;
	size_t i;

	tmr_cancel(&m->tmr);
	for (i = 0; i < F_MAX; i++) {
		hash_clear(m->idxv[i]);   /* the lists own the series */
		mem_deref(m->idxv[i]);
		list_flush(&m->seriesv[i]);
	}
	if (m->mtx_ok)
		pthread_mutex_destroy(&m->mtx);
}


int sfu_metrics_alloc(struct sfu_metrics **mp)
{
	struct sfu_metrics *m;
	size_t i;

	if (!mp)
		return EINVAL;

	m = mem_zalloc(sizeof(*m), destructor);
	if (!m)
		return ENOMEM;

	tmr_init(&m->tmr);
	if (pthread_mutex_init(&m->mtx, NULL)) {
		mem_deref(m);
		return ENOMEM;
	}
	m->mtx_ok = true;

	for (i = 0; i < F_MAX; i++) {
		if (hash_alloc(&m->idxv[i], 256)) {
			mem_deref(m);
			return ENOMEM;
		}
	}

	*mp = m;

	return 0;
}


static size_t fam_labelc(const struct family *f)
{
	size_t n = 0;

	while (n < MAX_LABELS && f->labv[n])
		++n;

	return n;
}


static int labcmp(const char *const *a, const char *const *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int r = strcmp(a[i], b[i]);

		if (r)
			return r;
	}

	return 0;
}


/* Length of the valid UTF-8 sequence at s, or 0 */
static size_t utf8_seq(const unsigned char *s)
{
	uint32_t cp;
	size_t k, j;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		k = 1;
		cp = s[0] & 0x1f;
	}
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		k = 2;
		cp = s[0] & 0x0f;
	}
	else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		k = 3;
		cp = s[0] & 0x07;
	}
	else {
		return 0;
	}

	for (j = 1; j <= k; j++) {
		if ((s[j] & 0xc0) != 0x80)   /* also stops at the NUL */
			return 0;
		cp = (cp << 6) | (s[j] & 0x3f);
	}
	if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;

	return k + 1;
}


enum { LABEL_MAX = 256 };

/*
 * The text format wants UTF-8 label values: values from the network
 * that are not get each bad byte replaced by U+FFFD (in buf, cut to
 * LABEL_MAX bytes), so a scrape always parses.
 */
static const char *label_clean(const char *v, char *buf)
{
	const unsigned char *p;
	size_t o = 0, n;

	for (p = (const unsigned char *)v; *p; p += n) {
		n = utf8_seq(p);
		if (!n)
			break;
	}
	if (!*p)
		return v;

	for (p = (const unsigned char *)v; *p; p += n ? n : 1) {
		n = utf8_seq(p);
		if (n && o + n < LABEL_MAX) {
			memcpy(buf + o, p, n);
			o += n;
		}
		else if (!n && o + 3 < LABEL_MAX) {
			memcpy(buf + o, "\xef\xbf\xbd", 3);
			o += 3;
		}
		else {
			break;
		}
	}
	buf[o] = '\0';

	return buf;
}


struct labref {
	const char *const *vals;
	size_t n;
};


static bool labels_eq(struct le *le, void *arg)
{
	const struct series *s = le->data;
	const struct labref *lr = arg;

	return !labcmp((const char *const *)s->labv, lr->vals, lr->n);
}


/* The series with these label values; created (in order) if new.
 * Called with the lock held. */
static struct series *series_get(struct sfu_metrics *m, enum fam_id id,
				 const char *const *raw)
{
	const struct family *f = &fams[id];
	const size_t n = fam_labelc(f);
	char bufv[MAX_LABELS][LABEL_MAX];
	const char *vals[MAX_LABELS];
	struct labref lr = {vals, n};
	struct series *s;
	struct le *le;
	uint32_t h = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		vals[i] = label_clean(raw[i], bufv[i]);
		h = h * 31 + hash_joaat_str(vals[i]);
	}

	le = hash_lookup(m->idxv[id], h, labels_eq, &lr);
	if (le)
		return le->data;

	/* a new series: find its place in label order */
	for (le = list_head(&m->seriesv[id]); le; le = le->next) {
		s = le->data;
		if (labcmp((const char *const *)s->labv, vals, n) > 0)
			break;
	}

	s = mem_zalloc(sizeof(*s), series_destructor);
	if (!s)
		return NULL;

	for (i = 0; i < n; i++) {
		if (str_dup(&s->labv[i], vals[i]))
			goto fail;
	}
	if (f->type == M_HIST) {
		s->countv = mem_zalloc(f->bucketc * sizeof(*s->countv), NULL);
		if (!s->countv)
			goto fail;
	}

	if (le)
		list_insert_before(&m->seriesv[id], le, &s->le, s);
	else
		list_append(&m->seriesv[id], &s->le, s);
	hash_append(m->idxv[id], h, &s->he, s);

	return s;

 fail:
	mem_deref(s);
	return NULL;
}


static const char *nz(const char *s)
{
	return s ? s : "";
}


static void add(struct sfu_metrics *m, enum fam_id id,
		const char *const *vals, double delta)
{
	struct series *s;

	if (!m)
		return;

	pthread_mutex_lock(&m->mtx);
	s = series_get(m, id, vals);
	if (s)
		s->value += delta;
	pthread_mutex_unlock(&m->mtx);
}


static void observe(struct sfu_metrics *m, enum fam_id id,
		    const char *const *vals, double v)
{
	const struct family *f = &fams[id];
	struct series *s;
	size_t i;

	if (!m || isnan(v))
		return;

	pthread_mutex_lock(&m->mtx);
	s = series_get(m, id, vals);
	if (s) {
		for (i = 0; i < f->bucketc; i++) {
			if (v <= f->bucketv[i]) {
				++s->countv[i];
				break;
			}
		}
		++s->count;
		s->sum += v;
	}
	pthread_mutex_unlock(&m->mtx);
}


void sfu_metrics_ws_conn(struct sfu_metrics *m, const char *client_id,
			 int delta)
{
	const char *v[] = {nz(client_id)};

	add(m, F_WS_CONNS, v, delta);
}


void sfu_metrics_ws_msg(struct sfu_metrics *m, const char *client_id,
			const char *type, bool out)
{
	const char *v[] = {nz(client_id), nz(type), out ? "out" : "in"};

	add(m, F_WS_MSGS, v, 1);
}


void sfu_metrics_session(struct sfu_metrics *m, const char *group_id,
			 int delta)
{
	const char *v[] = {nz(group_id)};

	add(m, F_SESSIONS, v, delta);
}


void sfu_metrics_rtc_error(struct sfu_metrics *m, const char *group_id,
			   const char *type)
{
	const char *v[] = {nz(group_id), nz(type)};

	add(m, F_ERRORS, v, 1);
}


void sfu_metrics_conn_state(struct sfu_metrics *m, const char *state)
{
	const char *v[] = {nz(state)};

	add(m, F_CONN_STATES, v, 1);
}


void sfu_metrics_tracks(struct sfu_metrics *m, const char *group_id,
			bool out, const char *mime, int delta)
{
	const char *v[] = {nz(group_id), out ? "out" : "in",
			   mime && *mime ? mime : "unknown"};

	add(m, F_TRACKS, v, delta);
}


void sfu_metrics_observe_track_write(struct sfu_metrics *m,
				     const char *group_id, const char *type,
				     double seconds)
{
	const char *v[] = {nz(group_id), nz(type)};

	observe(m, F_TRACK_WRITES, v, seconds);
}


void sfu_metrics_observe(struct sfu_metrics *m, enum sfu_metrics_hist h,
			 const char *group_id, double v)
{
	static const enum fam_id map[] = {
		[SFU_HIST_CONNECTION_TIME]  = F_CONNECTION_TIME,
		[SFU_HIST_DC_OPEN_TIME]     = F_DC_OPEN_TIME,
		[SFU_HIST_LOCK_GRAB_TIME]   = F_LOCK_GRAB,
		[SFU_HIST_LOCK_LOCKED_TIME] = F_LOCK_LOCKED,
		[SFU_HIST_CLIENT_LOSS_RATE] = F_CLIENT_LOSS,
		[SFU_HIST_CLIENT_RTT]       = F_CLIENT_RTT,
		[SFU_HIST_CLIENT_JITTER]    = F_CLIENT_JITTER,
	};
	const char *vals[] = {nz(group_id)};

	if ((size_t)h >= ARRAY_SIZE(map))
		return;

	observe(m, map[h], vals, v);
}


/* ------------------------------------------------------------------ */
/* Rendering */

/*
 * Shortest text that reads back as the same double, laid out as Go's
 * strconv.FormatFloat(v, 'g', -1, 64) does: an exponent below 1e-4 and
 * from 1e6 on (shortest %g decides with a precision of 6), so 10 is
 * "10", 0.0075 is "0.0075", 1e6 is "1e+06".
 */
static void fmt_double(char *buf, size_t sz, double v)
{
	char e[40];
	int prec, exp;

	if (isnan(v)) {
		re_snprintf(buf, sz, "NaN");
		return;
	}
	if (isinf(v)) {
		re_snprintf(buf, sz, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (v == 0) {
		re_snprintf(buf, sz, "0");
		return;
	}

	for (prec = 0; prec < 17; prec++) {
		snprintf(e, sizeof(e), "%.*e", prec, v);
		if (strtod(e, NULL) == v)
			break;
	}
	exp = atoi(strchr(e, 'e') + 1);

	if (exp < -4 || exp >= 6) {
		snprintf(buf, sz, "%s", e);
		return;
	}

	snprintf(buf, sz, "%.*f", prec - exp > 0 ? prec - exp : 0, v);
}


static int esc_label(struct re_printf *pf, const char *s)
{
	int err = 0;

	for (; *s && !err; s++) {
		switch (*s) {

		case '\\': err = re_hprintf(pf, "\\\\"); break;
		case '"':  err = re_hprintf(pf, "\\\""); break;
		case '\n': err = re_hprintf(pf, "\\n");  break;
		default:   err = pf->vph(s, 1, pf->arg); break;
		}
	}

	return err;
}


struct labset {
	const struct family *f;
	const struct series *s;
	const char *le;          /* a histogram bucket's bound, or NULL */
};


/* %H: {a="x",b="y"[,le="..."]}; nothing when there are no labels */
static int labels(struct re_printf *pf, const struct labset *ls)
{
	const size_t n = fam_labelc(ls->f);
	size_t i;
	int err = 0;

	if (!n && !ls->le)
		return 0;

	err |= re_hprintf(pf, "{");
	for (i = 0; i < n; i++)
		err |= re_hprintf(pf, "%s%s=\"%H\"", i ? "," : "",
				  ls->f->labv[i], esc_label, ls->s->labv[i]);
	if (ls->le)
		err |= re_hprintf(pf, "%sle=\"%s\"", n ? "," : "", ls->le);
	err |= re_hprintf(pf, "}");

	return err;
}


static int render_family(struct re_printf *pf, const struct family *f,
			 const struct list *lst)
{
	static const char *const tname[] = {"counter", "gauge",
					    "histogram"};
	struct le *le;
	char num[40];
	int err = 0;

	if (list_isempty(lst))
		return 0;

	err |= re_hprintf(pf, "# HELP %s %s\n# TYPE %s %s\n", f->name,
			  f->help, f->name, tname[f->type]);

	for (le = list_head(lst); le && !err; le = le->next) {
		const struct series *s = le->data;
		struct labset ls = {f, s, NULL};
		uint64_t cum = 0;
		size_t i;

		if (f->type != M_HIST) {
			fmt_double(num, sizeof(num), s->value);
			err |= re_hprintf(pf, "%s%H %s\n", f->name, labels,
					  &ls, num);
			continue;
		}

		for (i = 0; i < f->bucketc; i++) {
			char lev[40];

			cum += s->countv[i];
			fmt_double(lev, sizeof(lev), f->bucketv[i]);
			ls.le = lev;
			err |= re_hprintf(pf, "%s_bucket%H %llu\n", f->name,
					  labels, &ls,
					  (unsigned long long)cum);
		}
		ls.le = "+Inf";
		err |= re_hprintf(pf, "%s_bucket%H %llu\n", f->name, labels,
				  &ls, (unsigned long long)s->count);
		ls.le = NULL;
		fmt_double(num, sizeof(num), s->sum);
		err |= re_hprintf(pf, "%s_sum%H %s\n", f->name, labels, &ls,
				  num);
		err |= re_hprintf(pf, "%s_count%H %llu\n", f->name, labels,
				  &ls, (unsigned long long)s->count);
	}

	return err;
}


/* /proc/self: the standard process collector's values */
struct proc_stats {
	double cpu_seconds;
	double start_time;
	double vsize;
	double rss;
	double open_fds;
	double max_fds;
	double vmax;
	bool ok;
};


static double boot_time(void)
{
	char line[256];
	double bt = 0;
	FILE *f;

	f = fopen("/proc/stat", "re");
	if (!f)
		return 0;

	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "btime ", 6)) {
			bt = strtod(line + 6, NULL);
			break;
		}
	}
	fclose(f);

	return bt;
}


static void proc_read(struct proc_stats *ps)
{
	const long hz = sysconf(_SC_CLK_TCK);
	const long page = sysconf(_SC_PAGESIZE);
	char buf[1024], *p;
	unsigned long long utime, stime, start, vsize;
	long long rss;
	struct rlimit rl;
	struct dirent *de;
	size_t n;
	FILE *f;
	DIR *d;

	memset(ps, 0, sizeof(*ps));

	f = fopen("/proc/self/stat", "re");
	if (!f)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';

	/* the command name may hold spaces and ')': skip to the last ')' */
	p = strrchr(buf, ')');
	if (!p || hz <= 0 || page <= 0)
		return;

	/* fields 3.. after "pid (comm)": state is field 3, utime 14,
	 * stime 15, starttime 22, vsize 23, rss 24 */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
		   "%llu %llu %*d %*d %*d %*d %*d %*d %llu %llu %lld",
		   &utime, &stime, &start, &vsize, &rss) != 5)
		return;

	ps->cpu_seconds = (double)(utime + stime) / (double)hz;
	ps->start_time = boot_time() + (double)start / (double)hz;
	ps->vsize = (double)vsize;
	ps->rss = (double)rss * (double)page;

	d = opendir("/proc/self/fd");
	if (d) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] != '.')
				ps->open_fds += 1;
		}
		closedir(d);
		ps->open_fds -= 1;   /* the directory stream itself */
	}

	if (!getrlimit(RLIMIT_NOFILE, &rl))
		ps->max_fds = rl.rlim_cur == RLIM_INFINITY ? -1 :
			(double)rl.rlim_cur;
	if (!getrlimit(RLIMIT_AS, &rl))
		ps->vmax = rl.rlim_cur == RLIM_INFINITY ? -1 :
			(double)rl.rlim_cur;

	ps->ok = true;
}


static int render_process(struct re_printf *pf)
{
	struct proc_stats ps;
	const struct {
		const char *name;
		const char *type;
		const char *help;
		const double *v;
	} pv[] = {
		{"rtcd_process_cpu_seconds_total", "counter",
		 "User plus system CPU time used by the process, in seconds.",
		 &ps.cpu_seconds},
		{"rtcd_process_max_fds", "gauge",
		 "The limit on open file descriptors.", &ps.max_fds},
		{"rtcd_process_open_fds", "gauge",
		 "Open file descriptors.", &ps.open_fds},
		{"rtcd_process_resident_memory_bytes", "gauge",
		 "Resident set size, in bytes.", &ps.rss},
		{"rtcd_process_start_time_seconds", "gauge",
		 "When the process started, in seconds since the Unix "
		 "epoch.", &ps.start_time},
		{"rtcd_process_virtual_memory_bytes", "gauge",
		 "Virtual memory size, in bytes.", &ps.vsize},
		{"rtcd_process_virtual_memory_max_bytes", "gauge",
		 "The limit on virtual memory, in bytes (-1: none).",
		 &ps.vmax},
	};
	char num[40];
	size_t i;
	int err = 0;

	proc_read(&ps);
	if (!ps.ok)
		return 0;

	for (i = 0; i < ARRAY_SIZE(pv); i++) {
		fmt_double(num, sizeof(num), *pv[i].v);
		err |= re_hprintf(pf, "# HELP %s %s\n# TYPE %s %s\n%s %s\n",
				  pv[i].name, pv[i].help, pv[i].name,
				  pv[i].type, pv[i].name, num);
	}

	return err;
}


int sfu_metrics_render(struct re_printf *pf, struct sfu_metrics *m)
{
	size_t i;
	int err = 0;

	if (!pf || !m)
		return EINVAL;

	/* rtcd_process_* sort before rtcd_rtc_* and rtcd_ws_* */
	err = render_process(pf);

	pthread_mutex_lock(&m->mtx);
	for (i = 0; i < F_MAX && !err; i++)
		err = render_family(pf, &fams[i], &m->seriesv[i]);
	pthread_mutex_unlock(&m->mtx);

	return err;
}


/* ------------------------------------------------------------------ */
/* /system cpu_load */

double sfu_metrics_cpu_load_calc(uint64_t idle_ticks, uint64_t wall_ms,
				 long hz)
{
	double idle_s;

	if (!wall_ms || hz <= 0)
		return 0;

	if (!idle_ticks)
		idle_ticks = 1;

	idle_s = (double)idle_ticks / (double)hz;

	return ((double)wall_ms / 1000.0) / idle_s;
}


static int read_idle(uint64_t *idlep)
{
	unsigned long long user, nice, sys, idle;
	char line[256];
	FILE *f;
	int err = EBADMSG;

	f = fopen("/proc/stat", "re");
	if (!f)
		return errno;

	if (fgets(line, sizeof(line), f) &&
	    sscanf(line, "cpu %llu %llu %llu %llu", &user, &nice, &sys,
		   &idle) == 4) {
		*idlep = idle;
		err = 0;
	}
	fclose(f);

	return err;
}


static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);

	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}


int sfu_metrics_cpu_sample(struct sfu_metrics *m)
{
	uint64_t idle, now;
	int err;

	if (!m)
		return EINVAL;

	err = read_idle(&idle);
	if (err)
		return err;
	now = mono_ms();

	pthread_mutex_lock(&m->mtx);
	if (m->have_sample && now > m->last_ms && idle >= m->last_idle)
		m->load = sfu_metrics_cpu_load_calc(idle - m->last_idle,
						    now - m->last_ms,
						    sysconf(_SC_CLK_TCK));
	m->last_idle = idle;
	m->last_ms = now;
	m->have_sample = true;
	pthread_mutex_unlock(&m->mtx);

	return 0;
}


static void tmr_handler(void *arg)
{
	struct sfu_metrics *m = arg;

	tmr_start(&m->tmr, 1000, tmr_handler, m);
	(void)sfu_metrics_cpu_sample(m);
}


int sfu_metrics_sampler_start(struct sfu_metrics *m)
{
	if (!m)
		return EINVAL;

	(void)sfu_metrics_cpu_sample(m);
	tmr_start(&m->tmr, 1000, tmr_handler, m);

	return 0;
}


void sfu_metrics_sampler_stop(struct sfu_metrics *m)
{
	if (m)
		tmr_cancel(&m->tmr);
}


double sfu_metrics_cpu_load(const struct sfu_metrics *m)
{
	double load;

	if (!m)
		return 0;

	pthread_mutex_lock((pthread_mutex_t *)&m->mtx);
	load = m->load;
	pthread_mutex_unlock((pthread_mutex_t *)&m->mtx);

	return isfinite(load) ? load : 0;
}
