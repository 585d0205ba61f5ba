/**
 * @file sdp.c  WebRTC SDP: parse into one struct, and lookups
 *
 * The parser walks the text once after counting the m= lines: every
 * string is a struct pl into our copy of the text. The builders are in
 * sdp_build.c.
 */
#include <string.h>
#include <ctype.h>
#include "re_inc.h"
#include "sdp.h"
#include "sdp_int.h"

static void destructor(void *arg)
{
	struct calls_sdp *sdp = arg;

	mem_deref(sdp->mediav);
	mem_deref(sdp->text);
}


/* Cuts the next space-separated token off *rest; false if none */
static bool token(struct pl *rest, struct pl *tok)
{
	const char *p, *end;

	if (!rest->p || !rest->l)
		return false;

	p = rest->p;
	end = p + rest->l;

	while (p < end && *p == ' ')
		++p;
	if (p == end)
		return false;

	tok->p = p;
	while (p < end && *p != ' ')
		++p;
	tok->l = p - tok->p;

	rest->l = end - p;
	rest->p = p;

	return true;
}


/* Strict unsigned decimal of at most max */
static int num(const struct pl *pl, uint64_t max, uint64_t *vp)
{
	uint64_t v = 0;
	size_t i;

	if (!pl->l || pl->l > 20)
		return EBADMSG;

	for (i = 0; i < pl->l; i++) {
		if (!isdigit((unsigned char)pl->p[i]))
			return EBADMSG;
		v = v * 10 + (uint64_t)(pl->p[i] - '0');
		if (v > max)
			return EBADMSG;
	}

	*vp = v;

	return 0;
}


static int tok_num(struct pl *rest, uint64_t max, uint64_t *vp)
{
	struct pl t;

	if (!token(rest, &t))
		return EBADMSG;

	return num(&t, max, vp);
}


/* Splits "name:value" (value may be empty; no colon: value empty) */
static void attr_split(const struct pl *a, struct pl *name, struct pl *val)
{
	const char *c = memchr(a->p, ':', a->l);

	if (!c) {
		*name = *a;
		val->p = a->p + a->l;
		val->l = 0;
		return;
	}

	name->p = a->p;
	name->l = c - a->p;
	val->p  = c + 1;
	val->l  = a->l - name->l - 1;
}


static enum calls_sdp_setup setup_parse(const struct pl *v)
{
	if (!pl_strcasecmp(v, "actpass"))  return CALLS_SDP_SETUP_ACTPASS;
	if (!pl_strcasecmp(v, "active"))   return CALLS_SDP_SETUP_ACTIVE;
	if (!pl_strcasecmp(v, "passive"))  return CALLS_SDP_SETUP_PASSIVE;
	if (!pl_strcasecmp(v, "holdconn")) return CALLS_SDP_SETUP_HOLDCONN;
	return CALLS_SDP_SETUP_NONE;
}


static bool dir_parse(const struct pl *name, enum calls_sdp_dir *dirp)
{
	static const char *const names[] = {
		"inactive", "sendonly", "recvonly", "sendrecv",
	};
	unsigned i;

	for (i = 0; i < 4; i++) {
		if (!pl_strcmp(name, names[i])) {
			*dirp = (enum calls_sdp_dir)i;
			return true;
		}
	}

	return false;
}


/* Transport attributes shared by session and media level */
struct transport {
	struct pl *ufrag, *pwd, *options, *fp_hash, *fp;
	enum calls_sdp_setup *setup;
	enum calls_sdp_dir *dir;
	bool *dir_set;
};


static int transport_attr(const struct transport *t, const struct pl *name,
			  const struct pl *val, bool *handled)
{
	struct pl rest = *val, a, b;

	*handled = true;

	if (!pl_strcmp(name, "ice-ufrag"))
		*t->ufrag = *val;
	else if (!pl_strcmp(name, "ice-pwd"))
		*t->pwd = *val;
	else if (!pl_strcmp(name, "ice-options"))
		*t->options = *val;
	else if (!pl_strcmp(name, "fingerprint")) {
		if (!token(&rest, &a) || !token(&rest, &b))
			return EBADMSG;
		/* several (aiortc): the first, or sha-256 if listed */
		if (!t->fp->p || (!pl_strcasecmp(&a, "sha-256") &&
				  pl_strcasecmp(t->fp_hash, "sha-256"))) {
			*t->fp_hash = a;
			*t->fp = b;
		}
	}
	else if (!pl_strcmp(name, "setup"))
		*t->setup = setup_parse(val);
	else if (!val->l && dir_parse(name, t->dir))
		*t->dir_set = true;
	else
		*handled = false;

	return 0;
}


static struct calls_sdp_codec *codec_get(struct calls_sdp_media *m,
					 uint64_t pt)
{
	unsigned i;

	for (i = 0; i < m->codecc; i++) {
		if (m->codecv[i].pt == pt)
			return &m->codecv[i];
	}

	return NULL;
}


static int rtpmap_parse(struct calls_sdp_media *m, const struct pl *val)
{
	struct calls_sdp_codec *c;
	struct pl rest = *val, enc, name, clock, ch;
	uint64_t pt, v;
	int err;

	err = tok_num(&rest, 127, &pt);
	if (err || !token(&rest, &enc))
		return EBADMSG;

	if (re_regex(enc.p, enc.l, "[^/]+/[0-9]+[/]*[0-9]*", &name, &clock,
		     NULL, &ch))
		return EBADMSG;

	c = codec_get(m, pt);
	if (!c)
		return 0;  /* not in the m= line: ignored */

	c->has_rtpmap = true;
	c->name = name;
	err = num(&clock, UINT32_MAX, &v);
	if (err)
		return err;
	c->clock = (uint32_t)v;
	if (ch.l) {
		err = num(&ch, 255, &v);
		if (err)
			return err;
		c->channels = (uint8_t)v;
	}

	return 0;
}


static int pt_value(const struct pl *val, uint64_t *ptp, struct pl *rest,
		    bool star)
{
	struct pl t;

	*rest = *val;
	if (!token(rest, &t))
		return EBADMSG;

	while (rest->l && rest->p[0] == ' ') {
		++rest->p;
		--rest->l;
	}

	if (star && pl_strcmp(&t, "*") == 0) {
		*ptp = 256;
		return 0;
	}

	return num(&t, 127, ptp);
}


static int extmap_parse(struct calls_sdp_media *m, const struct pl *val)
{
	struct calls_sdp_extmap *e;
	struct pl rest = *val, idt, uri, id, dir;
	uint64_t v;

	if (!token(&rest, &idt) || !token(&rest, &uri))
		return EBADMSG;

	if (re_regex(idt.p, idt.l, "[0-9]+[^]*", &id, &dir))
		return EBADMSG;
	if (num(&id, 255, &v) || !v)
		return EBADMSG;

	if (m->extc >= CALLS_SDP_MAX_EXTMAP)
		return 0;

	e = &m->extv[m->extc++];
	e->id  = (uint16_t)v;
	e->dir = dir;
	e->uri = uri;

	return 0;
}


static int ssrc_parse(struct calls_sdp_media *m, const struct pl *val)
{
	struct calls_sdp_ssrc *s = NULL;
	struct pl rest = *val, an, av, attr;
	uint64_t v;
	unsigned i;
	int err;

	err = tok_num(&rest, UINT32_MAX, &v);
	if (err)
		return err;

	while (rest.l && rest.p[0] == ' ') {
		++rest.p;
		--rest.l;
	}
	attr = rest;
	attr_split(&attr, &an, &av);

	for (i = 0; i < m->ssrcc; i++) {
		if (m->ssrcv[i].ssrc == v)
			s = &m->ssrcv[i];
	}

	if (!s) {
		if (m->ssrcc >= CALLS_SDP_MAX_SSRC)
			return 0;
		s = &m->ssrcv[m->ssrcc++];
		s->ssrc = (uint32_t)v;
	}

	if (!pl_strcmp(&an, "cname"))
		s->cname = av;
	else if (!pl_strcmp(&an, "msid"))
		s->msid = av;

	return 0;
}


static int cand_parse(struct calls_sdp_media *m, const struct pl *val)
{
	struct calls_sdp_cand *c, tmp;
	struct pl rest = *val, t;
	uint64_t v;

	memset(&tmp, 0, sizeof(tmp));
	tmp.raw = *val;

	/* the foundation token follows "candidate:" in the a= value */
	if (!token(&rest, &tmp.foundation))
		return EBADMSG;
	if (tok_num(&rest, 256, &v) || !v)
		return EBADMSG;
	tmp.component = (uint16_t)v;
	if (!token(&rest, &tmp.transport))
		return EBADMSG;
	if (tok_num(&rest, UINT32_MAX, &v))
		return EBADMSG;
	tmp.priority = (uint32_t)v;
	if (!token(&rest, &tmp.addr))
		return EBADMSG;
	if (tok_num(&rest, 65535, &v))
		return EBADMSG;
	tmp.port = (uint16_t)v;
	if (!token(&rest, &t) || pl_strcmp(&t, "typ") ||
	    !token(&rest, &tmp.type))
		return EBADMSG;

	while (token(&rest, &t)) {
		struct pl t2;

		if (!token(&rest, &t2))
			break;
		if (!pl_strcmp(&t, "tcptype"))
			tmp.tcptype = t2;
	}

	if (m->candc >= CALLS_SDP_MAX_CAND)
		return 0;

	c = &m->candv[m->candc++];
	*c = tmp;

	return 0;
}


static int media_attr(struct calls_sdp_media *m, const struct pl *name,
		      const struct pl *val)
{
	struct transport t = {
		&m->ice_ufrag, &m->ice_pwd, &m->ice_options, &m->fp_hash,
		&m->fp, &m->setup, &m->dir, &m->dir_set,
	};
	struct calls_sdp_codec *c;
	struct pl rest;
	uint64_t v;
	bool handled;
	int err;

	err = transport_attr(&t, name, val, &handled);
	if (err || handled)
		return err;

	if (!pl_strcmp(name, "mid"))
		m->mid = *val;
	else if (!pl_strcmp(name, "rtpmap"))
		return rtpmap_parse(m, val);
	else if (!pl_strcmp(name, "fmtp")) {
		if (pt_value(val, &v, &rest, false))
			return EBADMSG;
		c = codec_get(m, v);
		if (c)
			c->fmtp = rest;
	}
	else if (!pl_strcmp(name, "rtcp-fb")) {
		if (pt_value(val, &v, &rest, true) || !rest.l)
			return EBADMSG;
		if (m->fbc < CALLS_SDP_MAX_FB) {
			m->fbv[m->fbc].pt = (uint16_t)v;
			m->fbv[m->fbc++].val = rest;
		}
	}
	else if (!pl_strcmp(name, "extmap"))
		return extmap_parse(m, val);
	else if (!pl_strcmp(name, "ssrc"))
		return ssrc_parse(m, val);
	else if (!pl_strcmp(name, "ssrc-group")) {
		if (m->ssrc_groupc < CALLS_SDP_MAX_GROUP)
			m->ssrc_groupv[m->ssrc_groupc++] = *val;
	}
	else if (!pl_strcmp(name, "msid"))
		m->msid = *val;
	else if (!pl_strcmp(name, "rtcp-mux"))
		m->rtcp_mux = true;
	else if (!pl_strcmp(name, "rtcp-rsize"))
		m->rtcp_rsize = true;
	else if (!pl_strcmp(name, "bundle-only"))
		m->bundle_only = true;
	else if (!pl_strcmp(name, "end-of-candidates"))
		m->eoc = true;
	else if (!pl_strcmp(name, "candidate"))
		return cand_parse(m, val);
	else if (!pl_strcmp(name, "sctp-port")) {
		if (num(val, 65535, &v))
			return EBADMSG;
		m->sctp_port = (uint16_t)v;
	}
	else if (!pl_strcmp(name, "sctpmap")) {
		rest = *val;
		if (tok_num(&rest, 65535, &v))
			return EBADMSG;
		m->sctp_port = (uint16_t)v;
	}
	else if (!pl_strcmp(name, "max-message-size")) {
		if (num(val, UINT32_MAX, &v))
			return EBADMSG;
		m->max_message_size = (uint32_t)v;
	}
	else if (!pl_strcmp(name, "rid")) {
		if (m->ridc < CALLS_SDP_MAX_RID)
			m->ridv[m->ridc++] = *val;
	}
	else if (!pl_strcmp(name, "simulcast"))
		m->simulcast = *val;

	return 0;
}


static int session_attr(struct calls_sdp *sdp, struct calls_sdp_media *sm,
			const struct pl *name, const struct pl *val)
{
	struct transport t = {
		&sm->ice_ufrag, &sm->ice_pwd, &sm->ice_options, &sm->fp_hash,
		&sm->fp, &sm->setup, &sm->dir, &sm->dir_set,
	};
	bool handled;
	int err;

	err = transport_attr(&t, name, val, &handled);
	if (err || handled)
		return err;

	if (!pl_strcmp(name, "ice-lite"))
		sdp->ice_lite = true;
	else if (!pl_strcmp(name, "group")) {
		struct pl rest = *val, sem;

		if (!token(&rest, &sem))
			return EBADMSG;
		if (!pl_strcmp(&sem, "BUNDLE") && !sdp->bundle.p) {
			while (rest.l && rest.p[0] == ' ') {
				++rest.p;
				--rest.l;
			}
			sdp->bundle = rest;
		}
	}
	else if (!pl_strcmp(name, "msid-semantic"))
		sdp->msid_semantic = *val;
	else if (!pl_strcmp(name, "extmap-allow-mixed"))
		sdp->extmap_allow_mixed = true;

	return 0;
}


static bool is_rtp_proto(const struct pl *proto)
{
	return pl_has(proto, "RTP/");
}


static int mline_parse(struct calls_sdp_media *m, const struct pl *val)
{
	struct pl rest = *val, port, t;
	uint64_t v;

	if (!token(&rest, &m->media) || !token(&rest, &port) ||
	    !token(&rest, &m->proto))
		return EBADMSG;

	/* port[/count] */
	t = port;
	if (pl_strchr(&port, '/'))
		t.l = pl_strchr(&port, '/') - port.p;
	if (num(&t, 65535, &v))
		return EBADMSG;
	m->port = (uint16_t)v;

	while (rest.l && rest.p[0] == ' ') {
		++rest.p;
		--rest.l;
	}
	m->fmts = rest;
	if (!m->fmts.l)
		return EBADMSG;

	if (!pl_strcmp(&m->media, "audio"))
		m->type = CALLS_SDP_AUDIO;
	else if (!pl_strcmp(&m->media, "video"))
		m->type = CALLS_SDP_VIDEO;
	else if (!pl_strcmp(&m->media, "application"))
		m->type = CALLS_SDP_APPLICATION;
	else
		m->type = CALLS_SDP_OTHER;

	m->dir = CALLS_SDP_SENDRECV;

	if (!is_rtp_proto(&m->proto))
		return 0;

	while (token(&rest, &t)) {
		if (num(&t, 127, &v))
			return EBADMSG;
		if (m->codecc < CALLS_SDP_MAX_CODECS)
			m->codecv[m->codecc++].pt = (uint8_t)v;
	}

	return 0;
}


static int conn_parse(const struct pl *val, struct pl *addr)
{
	struct pl rest = *val, nt, at;

	if (!token(&rest, &nt) || pl_strcmp(&nt, "IN") ||
	    !token(&rest, &at) || !token(&rest, addr))
		return EBADMSG;

	if (pl_strcmp(&at, "IP4") && pl_strcmp(&at, "IP6"))
		return EBADMSG;

	return 0;
}


static int origin_parse(struct calls_sdp *sdp, const struct pl *val)
{
	struct pl rest = *val;
	uint64_t v;

	if (!token(&rest, &sdp->origin_user))
		return EBADMSG;
	if (tok_num(&rest, UINT64_MAX, &v))
		return EBADMSG;
	sdp->sess_id = v;
	if (tok_num(&rest, UINT64_MAX, &v))
		return EBADMSG;
	sdp->sess_version = v;

	return 0;
}


/* Session-level values into media sections without their own */
static void inherit(struct calls_sdp *sdp, const struct calls_sdp_media *s)
{
	unsigned i;

	for (i = 0; i < sdp->mediac; i++) {
		struct calls_sdp_media *m = &sdp->mediav[i];

		if (!m->ice_ufrag.p)   m->ice_ufrag = s->ice_ufrag;
		if (!m->ice_pwd.p)     m->ice_pwd = s->ice_pwd;
		if (!m->ice_options.p) m->ice_options = s->ice_options;
		if (!m->fp.p) {
			m->fp_hash = s->fp_hash;
			m->fp = s->fp;
		}
		if (!m->setup)         m->setup = s->setup;
		if (!m->conn.p)        m->conn = s->conn;
		if (!m->dir_set && s->dir_set) {
			m->dir = s->dir;
			m->dir_set = true;
		}
	}
}


static int line_parse(struct calls_sdp *sdp, struct calls_sdp_media *sess,
		      struct calls_sdp_media **curp, unsigned *mip,
		      char type, const struct pl *val)
{
	struct calls_sdp_media *m = *curp;
	struct pl name, av;

	switch (type) {

	case 'v':
		return pl_strcmp(val, "0") ? EBADMSG : 0;

	case 'o':
		return origin_parse(sdp, val);

	case 'c':
		return conn_parse(val, m ? &m->conn : &sess->conn);

	case 'm':
		if (*mip >= sdp->mediac)
			return EBADMSG;
		*curp = &sdp->mediav[(*mip)++];
		return mline_parse(*curp, val);

	case 'a':
		attr_split(val, &name, &av);
		if (!name.l)
			return EBADMSG;
		if (m)
			return media_attr(m, &name, &av);
		return session_attr(sdp, sess, &name, &av);

	default:
		/* s= t= b= i= u= e= p= k= r= z=: not used */
		return (type >= 'a' && type <= 'z') ? 0 : EBADMSG;
	}
}


/* Number of m= lines in text */
static unsigned mline_count(const char *p, const char *end)
{
	unsigned n = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);

		if (end - p >= 2 && p[0] == 'm' && p[1] == '=')
			++n;
		p = nl ? nl + 1 : end;
	}

	return n;
}


/* Parses every line of sdp->text (len bytes) */
static int lines_parse(struct calls_sdp *sdp, size_t len)
{
	struct calls_sdp_media sess, *cur = NULL;
	const char *p = sdp->text, *end = p + len;
	unsigned mi = 0, lines = 0;
	int err;

	memset(&sess, 0, sizeof(sess));

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *le = nl ? nl : end;
		struct pl val;

		if (le > p && le[-1] == '\r')
			--le;

		if (le == p) {  /* empty line (e.g. at the end) */
			p = nl ? nl + 1 : end;
			continue;
		}

		if (le - p < 2 || p[1] != '=' ||
		    (lines == 0 && p[0] != 'v'))
			return EBADMSG;

		val.p = p + 2;
		val.l = le - p - 2;

		err = line_parse(sdp, &sess, &cur, &mi, p[0], &val);
		if (err)
			return err;

		++lines;
		p = nl ? nl + 1 : end;
	}

	if (!lines)
		return EBADMSG;

	inherit(sdp, &sess);

	return 0;
}


int calls_sdp_parse(struct calls_sdp **sdpp, const char *text, size_t len)
{
	struct calls_sdp *sdp;
	unsigned n;
	int err = 0;

	if (!sdpp || !text)
		return EINVAL;

	/* text: a NUL byte has no place in it */
	if (memchr(text, '\0', len))
		return EBADMSG;

	n = mline_count(text, text + len);
	if (n > CALLS_SDP_MAX_MEDIA)
		return EBADMSG;

	sdp = mem_zalloc(sizeof(*sdp), destructor);
	if (!sdp)
		return ENOMEM;

	sdp->text = mem_alloc(len + 1, NULL);
	if (!sdp->text) {
		err = ENOMEM;
		goto out;
	}
	memcpy(sdp->text, text, len);
	sdp->text[len] = '\0';

	if (n) {
		sdp->mediav = mem_zalloc(n * sizeof(*sdp->mediav), NULL);
		if (!sdp->mediav) {
			err = ENOMEM;
			goto out;
		}
	}
	sdp->mediac = n;

	err = lines_parse(sdp, len);

 out:
	if (err)
		mem_deref(sdp);
	else
		*sdpp = sdp;

	return err;
}


int calls_sdp_debug(struct re_printf *pf, const struct calls_sdp *sdp)
{
	unsigned i;
	int err;

	if (!sdp)
		return 0;

	err = re_hprintf(pf, "sdp: %u media, bundle '%r'%s\n", sdp->mediac,
			 &sdp->bundle, sdp->ice_lite ? ", ice-lite" : "");

	for (i = 0; i < sdp->mediac; i++) {
		const struct calls_sdp_media *m = &sdp->mediav[i];

		err |= re_hprintf(pf, "  %r port %u mid '%r' %s %u codecs"
				  " %u ssrc %u cand\n", &m->media, m->port,
				  &m->mid, calls_sdp_dir_name(m->dir),
				  m->codecc, m->ssrcc, m->candc);
	}

	return err;
}


const struct calls_sdp_media *calls_sdp_media_by_mid(
	const struct calls_sdp *sdp, const char *mid)
{
	unsigned i;

	if (!sdp || !mid)
		return NULL;

	for (i = 0; i < sdp->mediac; i++) {
		const struct pl *m = &sdp->mediav[i].mid;

		if (m->p && !pl_strcmp(m, mid))
			return &sdp->mediav[i];
	}

	return NULL;
}


const struct calls_sdp_codec *calls_sdp_codec_find(
	const struct calls_sdp_media *m, const char *name, uint32_t clock)
{
	unsigned i;

	if (!m || !name)
		return NULL;

	for (i = 0; i < m->codecc; i++) {
		const struct calls_sdp_codec *c = &m->codecv[i];

		if (c->has_rtpmap && !pl_strcasecmp(&c->name, name) &&
		    (!clock || c->clock == clock))
			return c;
	}

	return NULL;
}


const struct calls_sdp_codec *calls_sdp_codec_by_pt(
	const struct calls_sdp_media *m, uint8_t pt)
{
	unsigned i;

	if (!m)
		return NULL;

	for (i = 0; i < m->codecc; i++) {
		if (m->codecv[i].pt == pt)
			return &m->codecv[i];
	}

	return NULL;
}


bool calls_sdp_has_fb(const struct calls_sdp_media *m, uint8_t pt,
		      const char *fb)
{
	unsigned i;

	if (!m || !fb)
		return false;

	for (i = 0; i < m->fbc; i++) {
		if ((m->fbv[i].pt == pt || m->fbv[i].pt == 256) &&
		    !pl_strcmp(&m->fbv[i].val, fb))
			return true;
	}

	return false;
}


uint16_t calls_sdp_extmap_id(const struct calls_sdp_media *m,
			     const char *uri)
{
	unsigned i;

	if (!m || !uri)
		return 0;

	for (i = 0; i < m->extc; i++) {
		if (!pl_strcmp(&m->extv[i].uri, uri))
			return m->extv[i].id;
	}

	return 0;
}


bool calls_sdp_bundled(const struct calls_sdp *sdp, const struct pl *mid)
{
	struct pl rest, t;

	if (!sdp || !mid || !mid->l)
		return false;

	rest = sdp->bundle;
	while (token(&rest, &t)) {
		if (!pl_cmp(&t, mid))
			return true;
	}

	return false;
}


unsigned calls_sdp_next_mid(const struct calls_sdp *sdp)
{
	unsigned i, next = 0;
	uint64_t v;

	if (!sdp)
		return 0;

	for (i = 0; i < sdp->mediac; i++) {
		if (!num(&sdp->mediav[i].mid, UINT32_MAX - 1, &v) &&
		    v + 1 > next)
			next = (unsigned)v + 1;
	}

	return next;
}


bool calls_sdp_dtls_client(enum calls_sdp_setup remote)
{
	/* remote passive: we connect. Remote actpass: the answer builder
	 * takes passive (unless told otherwise), so we are the server */
	return remote == CALLS_SDP_SETUP_PASSIVE;
}


enum calls_sdp_dir calls_sdp_dir_reverse(enum calls_sdp_dir dir)
{
	return (enum calls_sdp_dir)(((dir & 1) << 1) | ((dir >> 1) & 1));
}


const char *calls_sdp_dir_name(enum calls_sdp_dir dir)
{
	switch (dir) {

	case CALLS_SDP_SENDONLY: return "sendonly";
	case CALLS_SDP_RECVONLY: return "recvonly";
	case CALLS_SDP_SENDRECV: return "sendrecv";
	default:                 return "inactive";
	}
}


const char *calls_sdp_setup_name(enum calls_sdp_setup setup)
{
	switch (setup) {

	case CALLS_SDP_SETUP_ACTPASS:  return "actpass";
	case CALLS_SDP_SETUP_ACTIVE:   return "active";
	case CALLS_SDP_SETUP_PASSIVE:  return "passive";
	case CALLS_SDP_SETUP_HOLDCONN: return "holdconn";
	default:                       return "";
	}
}
