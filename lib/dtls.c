/**
 * @file dtls.c  DTLS 1.2 (OpenSSL) over memory BIOs, for DTLS-SRTP and SCTP
 *
 * Reading: each datagram is written into a memory BIO and OpenSSL runs
 * (handshake or SSL_read) on it. Writing: a small BIO method hands every
 * datagram OpenSSL writes to the send handler, so record boundaries and
 * the MTU are kept. One SSL_CTX and one ECDSA P-256 certificate serve the
 * whole process. The peer's certificate is checked in OpenSSL's verify
 * callback against the SDP fingerprint, so a mismatch fails the handshake
 * (and the peer sees a bad_certificate alert).
 */
#include <string.h>
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include "re_inc.h"
#include "dtls.h"

#define LOG_MODULE "dtls"
#include "log.h"

enum {
	MTU_DEFAULT = 1200,
	HS_TIMEOUT_DEFAULT = 30000,
	TIMER_INITIAL_US = 250000,
	TIMER_MAX_US = 8000000,
	COOKIE_LEN = 16,
	FP_MAX = 64,
};

struct calls_dtls {
	SSL *ssl;
	BIO *rbio;
	struct tmr tmr;           /* handshake retransmission      */
	struct tmr tmr_hs;        /* whole-handshake deadline      */
	struct calls_dtls_conf conf;
	int fp_md;                /* 0 none, else digest NID       */
	uint8_t fp[FP_MAX];
	size_t fp_len;
	uint8_t salt[16];         /* cookie input                  */
	bool established;
	bool closed;
	bool fp_mismatch;
	bool alert_rcvd;
	calls_dtls_send_h *sendh;
	calls_dtls_estab_h *estabh;
	calls_dtls_data_h *datah;
	calls_dtls_close_h *closeh;
	void *arg;
};

static struct {
	SSL_CTX *ctx;
	EVP_PKEY *key;
	X509 *cert;
	BIO_METHOD *meth;
	uint8_t cookie_secret[32];
	char fingerprint[8 + 3 * 32 + 1];
} g;


static void fail(struct calls_dtls *d, int err);


static int bio_write(BIO *b, const char *buf, int len)
{
	struct calls_dtls *d = BIO_get_data(b);
	int err;

	if (!d || len < 0)
		return -1;

	if (!d->sendh)
		return len;

	err = d->sendh((const uint8_t *)buf, (size_t)len, d->arg);
	if (err)
		log_debug("send: %m", err);

	return len;  /* a lost datagram is like one lost on the network */
}


static long bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	struct calls_dtls *d = BIO_get_data(b);
	(void)num;
	(void)ptr;

	switch (cmd) {

	case BIO_CTRL_FLUSH:
		return 1;

	case BIO_CTRL_DGRAM_QUERY_MTU:
	case BIO_CTRL_DGRAM_GET_FALLBACK_MTU:
		return d ? (long)d->conf.mtu : MTU_DEFAULT;

	case BIO_CTRL_WPENDING:
	case BIO_CTRL_PENDING:
		return 0;

	default:
		return 0;
	}
}


static int bio_create(BIO *b)
{
	BIO_set_init(b, 1);
	return 1;
}


static int digest_nid(const struct pl *name)
{
	static const struct {
		const char *name;
		int nid;
	} tab[] = {
		{"sha-1", NID_sha1}, {"sha-224", NID_sha224},
		{"sha-256", NID_sha256}, {"sha-384", NID_sha384},
		{"sha-512", NID_sha512},
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (!pl_strcasecmp(name, tab[i].name))
			return tab[i].nid;
	}

	return 0;
}


static int cert_digest(X509 *cert, int nid, uint8_t *md, size_t *lenp)
{
	const EVP_MD *type = EVP_get_digestbynid(nid);
	unsigned n = 0;

	if (!type || !X509_digest(cert, type, md, &n))
		return EINVAL;

	*lenp = n;

	return 0;
}


static int verify_cb(X509_STORE_CTX *xctx, void *arg)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(xctx,
					 SSL_get_ex_data_X509_STORE_CTX_idx());
	struct calls_dtls *d = ssl ? SSL_get_app_data(ssl) : NULL;
	X509 *cert = X509_STORE_CTX_get0_cert(xctx);
	uint8_t md[EVP_MAX_MD_SIZE];
	size_t n;
	(void)arg;

	if (!d || !cert)
		return 0;

	if (d->conf.insecure_no_verify)
		return 1;

	if (!d->fp_md || cert_digest(cert, d->fp_md, md, &n) ||
	    n != d->fp_len || memcmp(md, d->fp, n)) {
		d->fp_mismatch = true;
		X509_STORE_CTX_set_error(xctx, X509_V_ERR_CERT_REJECTED);
		log_info("peer certificate does not match the SDP "
			 "fingerprint");
		return 0;
	}

	return 1;
}


static void info_cb(const SSL *ssl, int where, int ret)
{
	struct calls_dtls *d = SSL_get_app_data(ssl);

	if (d && (where & SSL_CB_READ_ALERT)) {
		d->alert_rcvd = true;
		log_debug("alert received: %s",
			  SSL_alert_desc_string_long(ret));
	}
}


static int cookie_make(SSL *ssl, unsigned char *cookie, unsigned *len)
{
	struct calls_dtls *d = SSL_get_app_data(ssl);
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned n = 0;

	if (!d || !HMAC(EVP_sha256(), g.cookie_secret,
			sizeof(g.cookie_secret), d->salt, sizeof(d->salt),
			md, &n) || n < COOKIE_LEN)
		return 0;

	memcpy(cookie, md, COOKIE_LEN);
	*len = COOKIE_LEN;

	return 1;
}


static int cookie_check(SSL *ssl, const unsigned char *cookie,
			unsigned len)
{
	unsigned char exp[COOKIE_LEN];
	unsigned n;

	if (!cookie_make(ssl, exp, &n) || len != n)
		return 0;

	return CRYPTO_memcmp(exp, cookie, n) == 0;
}


static unsigned timer_cb(SSL *ssl, unsigned us)
{
	(void)ssl;

	if (!us)
		return TIMER_INITIAL_US;

	return us * 2 > TIMER_MAX_US ? TIMER_MAX_US : us * 2;
}


static int make_cert(void)
{
	X509_NAME *name;
	uint8_t md[EVP_MAX_MD_SIZE];
	size_t n, i;
	char *p;

	g.key = EVP_EC_gen("P-256");
	g.cert = X509_new();
	if (!g.key || !g.cert)
		return ENOMEM;

	if (!X509_set_version(g.cert, 2) ||
	    !ASN1_INTEGER_set(X509_get_serialNumber(g.cert),
			      (long)(rand_u32() & 0x7fffffff)) ||
	    !X509_gmtime_adj(X509_getm_notBefore(g.cert), -86400L) ||
	    !X509_gmtime_adj(X509_getm_notAfter(g.cert), 365L * 86400L) ||
	    !X509_set_pubkey(g.cert, g.key))
		return ENOMEM;

	name = X509_get_subject_name(g.cert);
	if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					(const unsigned char *)"calls",
					-1, -1, 0) ||
	    !X509_set_issuer_name(g.cert, name) ||
	    !X509_sign(g.cert, g.key, EVP_sha256()))
		return ENOMEM;

	if (cert_digest(g.cert, NID_sha256, md, &n))
		return ENOMEM;

	p = g.fingerprint;
	p += sprintf(p, "sha-256 ");
	for (i = 0; i < n; i++)
		p += sprintf(p, "%s%02X", i ? ":" : "", md[i]);

	return 0;
}


static int make_ctx(void)
{
	g.ctx = SSL_CTX_new(DTLS_method());
	if (!g.ctx)
		return ENOMEM;

	if (!SSL_CTX_set_min_proto_version(g.ctx, DTLS1_2_VERSION) ||
	    !SSL_CTX_set_max_proto_version(g.ctx, DTLS1_2_VERSION) ||
	    !SSL_CTX_use_certificate(g.ctx, g.cert) ||
	    !SSL_CTX_use_PrivateKey(g.ctx, g.key) ||
	    !SSL_CTX_check_private_key(g.ctx) ||
	    !SSL_CTX_set1_groups_list(g.ctx, "X25519:P-256:P-384"))
		return EINVAL;

	SSL_CTX_set_verify(g.ctx, SSL_VERIFY_PEER |
			   SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	SSL_CTX_set_cert_verify_callback(g.ctx, verify_cb, NULL);
	SSL_CTX_set_cookie_generate_cb(g.ctx, cookie_make);
	SSL_CTX_set_cookie_verify_cb(g.ctx, cookie_check);
	SSL_CTX_set_info_callback(g.ctx, info_cb);
	/* an idle connection keeps no record buffers (memory per session) */
	SSL_CTX_set_mode(g.ctx, SSL_MODE_RELEASE_BUFFERS);
	/* WebRTC never resumes a session: no tickets, no session cache */
	SSL_CTX_set_options(g.ctx, SSL_OP_NO_TICKET);
	SSL_CTX_set_session_cache_mode(g.ctx, SSL_SESS_CACHE_OFF);

	g.meth = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK,
			      "calls_dtls");
	if (!g.meth)
		return ENOMEM;

	BIO_meth_set_write(g.meth, bio_write);
	BIO_meth_set_ctrl(g.meth, bio_ctrl);
	BIO_meth_set_create(g.meth, bio_create);

	if (RAND_bytes(g.cookie_secret, sizeof(g.cookie_secret)) != 1)
		return ENOMEM;

	return 0;
}


int calls_dtls_init(void)
{
	int err;

	if (g.ctx)
		return 0;

	err = make_cert();
	if (!err)
		err = make_ctx();

	if (err) {
		log_error("cannot create the DTLS certificate/context");
		ERR_clear_error();
		calls_dtls_close();
	}

	return err;
}


void calls_dtls_close(void)
{
	SSL_CTX_free(g.ctx);
	X509_free(g.cert);
	EVP_PKEY_free(g.key);
	BIO_meth_free(g.meth);
	memset(&g, 0, sizeof(g));
}


const char *calls_dtls_fingerprint(void)
{
	if (calls_dtls_init())
		return NULL;

	return g.fingerprint;
}


static void destructor(void *arg)
{
	struct calls_dtls *d = arg;

	tmr_cancel(&d->tmr);
	tmr_cancel(&d->tmr_hs);
	SSL_free(d->ssl);   /* frees both BIOs */
}


int calls_dtls_set_peer_fingerprint(struct calls_dtls *d, const char *fp)
{
	struct pl alg, hex;
	size_t n = 0, i;
	int nid;

	if (!d || !fp)
		return EINVAL;

	if (re_regex(fp, strlen(fp), "[^ \t]+[ \t]+[0-9A-Fa-f:]+",
		     &alg, NULL, &hex))
		return EINVAL;

	nid = digest_nid(&alg);
	if (!nid)
		return ENOTSUP;

	for (i = 0; i < hex.l; ) {
		if (n == FP_MAX || i + 2 > hex.l || hex.p[i] == ':' ||
		    hex.p[i + 1] == ':')
			return EINVAL;

		d->fp[n++] = (uint8_t)(ch_hex(hex.p[i]) << 4 |
				       ch_hex(hex.p[i + 1]));
		i += 2;

		if (i < hex.l) {
			if (hex.p[i] != ':' || i + 1 == hex.l)
				return EINVAL;
			++i;
		}
	}

	if (n != (size_t)EVP_MD_get_size(EVP_get_digestbynid(nid)))
		return EINVAL;

	d->fp_md = nid;
	d->fp_len = n;

	return 0;
}


static const char *profile_list(unsigned profiles)
{
	switch (profiles) {

	case CALLS_DTLS_PROFILE_GCM:
		return "SRTP_AEAD_AES_128_GCM";

	case CALLS_DTLS_PROFILE_CM80:
		return "SRTP_AES128_CM_SHA1_80";

	default:
		return "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80";
	}
}


static void hs_timeout(void *arg)
{
	struct calls_dtls *d = arg;

	log_info("handshake timed out");
	fail(d, ETIMEDOUT);
}


static int ssl_setup(struct calls_dtls *d)
{
	BIO *wbio;

	d->ssl = SSL_new(g.ctx);
	if (!d->ssl)
		return ENOMEM;

	SSL_set_app_data(d->ssl, d);

	d->rbio = BIO_new(BIO_s_mem());
	wbio = BIO_new(g.meth);
	if (!d->rbio || !wbio) {
		BIO_free(d->rbio);
		BIO_free(wbio);
		d->rbio = NULL;
		return ENOMEM;
	}

	BIO_set_mem_eof_return(d->rbio, -1);
	BIO_set_data(wbio, d);
	SSL_set_bio(d->ssl, d->rbio, wbio);

	SSL_set_options(d->ssl, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_RENEGOTIATION);
	SSL_set_mtu(d->ssl, (long)d->conf.mtu);
	DTLS_set_timer_cb(d->ssl, timer_cb);

	/* SSL_set_tlsext_use_srtp() returns 0 on success */
	if (SSL_set_tlsext_use_srtp(d->ssl,
				    profile_list(d->conf.profiles)))
		return EINVAL;

	if (d->conf.role == CALLS_DTLS_SERVER) {
		if (!d->conf.skip_helloverify)
			SSL_set_options(d->ssl, SSL_OP_COOKIE_EXCHANGE);
		SSL_set_accept_state(d->ssl);
	}
	else {
		SSL_set_connect_state(d->ssl);
	}

	return 0;
}


int calls_dtls_alloc(struct calls_dtls **dtlsp,
		     const struct calls_dtls_conf *conf,
		     calls_dtls_send_h *sendh, calls_dtls_estab_h *estabh,
		     calls_dtls_data_h *datah, calls_dtls_close_h *closeh,
		     void *arg)
{
	struct calls_dtls *d;
	int err;

	if (!dtlsp || !conf || !sendh)
		return EINVAL;

	err = calls_dtls_init();
	if (err)
		return err;

	d = mem_zalloc(sizeof(*d), destructor);
	if (!d)
		return ENOMEM;

	d->conf = *conf;
	d->conf.peer_fingerprint = NULL;
	if (!d->conf.mtu)
		d->conf.mtu = MTU_DEFAULT;
	if (!d->conf.handshake_timeout_ms)
		d->conf.handshake_timeout_ms = HS_TIMEOUT_DEFAULT;
	d->sendh = sendh;
	d->estabh = estabh;
	d->datah = datah;
	d->closeh = closeh;
	d->arg = arg;
	tmr_init(&d->tmr);
	tmr_init(&d->tmr_hs);
	rand_bytes(d->salt, sizeof(d->salt));

	if (conf->peer_fingerprint) {
		err = calls_dtls_set_peer_fingerprint(d,
						     conf->peer_fingerprint);
		if (err)
			goto out;
	}

	err = ssl_setup(d);

 out:
	if (err) {
		ERR_clear_error();
		mem_deref(d);
	}
	else {
		*dtlsp = d;
	}

	return err;
}


/* true once the owner has dropped the connection from a handler (we hold
 * one reference while calling out) */
static bool gone(const struct calls_dtls *d)
{
	return mem_nrefs(d) <= 1;
}


static void fail(struct calls_dtls *d, int err)
{
	calls_dtls_close_h *closeh = d->closeh;

	if (d->closed)
		return;

	d->closed = true;
	tmr_cancel(&d->tmr);
	tmr_cancel(&d->tmr_hs);
	ERR_clear_error();

	if (closeh)
		closeh(err, d->arg);
}


static void timeout_h(void *arg);


static void arm_timer(struct calls_dtls *d)
{
	struct timeval tv;
	uint64_t ms;

	if (d->closed || d->established || !DTLSv1_get_timeout(d->ssl, &tv))
		return;

	ms = (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000;
	tmr_start(&d->tmr, ms ? ms : 1, timeout_h, d);
}


static void timeout_h(void *arg)
{
	struct calls_dtls *d = arg;

	if (DTLSv1_handle_timeout(d->ssl) < 0) {
		log_info("handshake retransmission failed");
		fail(d, ETIMEDOUT);
		return;
	}

	arm_timer(d);
}


static int export_keys(struct calls_dtls *d, struct calls_dtls_keys *k)
{
	static const char label[] = "EXTRACTOR-dtls_srtp";
	const SRTP_PROTECTION_PROFILE *prof;
	uint8_t km[2 * (CALLS_DTLS_KEY_MAX + CALLS_DTLS_SALT_MAX)];
	size_t kl, sl;

	memset(k, 0, sizeof(*k));
	k->local_is_client = d->conf.role == CALLS_DTLS_CLIENT;

	prof = SSL_get_selected_srtp_profile(d->ssl);
	if (!prof)
		return 0;

	switch (prof->id) {

	case SRTP_AEAD_AES_128_GCM:
		k->profile = CALLS_DTLS_SRTP_AEAD_AES_128_GCM;
		kl = 16;
		sl = 12;
		break;

	case SRTP_AES128_CM_SHA1_80:
		k->profile = CALLS_DTLS_SRTP_AES128_CM_SHA1_80;
		kl = 16;
		sl = 14;
		break;

	default:
		return EPROTO;
	}

	if (SSL_export_keying_material(d->ssl, km, 2 * (kl + sl), label,
				       sizeof(label) - 1, NULL, 0, 0) != 1)
		return EPROTO;

	/* RFC 5764 4.2: client key, server key, client salt, server salt */
	k->key_len = kl;
	k->salt_len = sl;
	memcpy(k->client_key, km, kl);
	memcpy(k->server_key, km + kl, kl);
	memcpy(k->client_salt, km + 2 * kl, sl);
	memcpy(k->server_salt, km + 2 * kl + sl, sl);
	OPENSSL_cleanse(km, sizeof(km));

	return 0;
}


static int handshake_err(struct calls_dtls *d)
{
	if (d->fp_mismatch)
		return EAUTH;

	return d->alert_rcvd ? ECONNRESET : EPROTO;
}


static const char *ssl_reason(void)
{
	const char *s = ERR_reason_error_string(ERR_peek_last_error());

	return s ? s : "unknown";
}


/* Runs the handshake; returns true if the caller may go on */
static bool handshake(struct calls_dtls *d)
{
	struct calls_dtls_keys keys;
	int r, e, err;

	r = SSL_do_handshake(d->ssl);
	if (r != 1) {
		e = SSL_get_error(d->ssl, r);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			arm_timer(d);
			return false;
		}

		log_info("handshake failed: %s", ssl_reason());
		fail(d, handshake_err(d));
		return false;
	}

	if (!d->conf.insecure_no_verify && !SSL_get0_peer_certificate(d->ssl))
	{
		fail(d, EAUTH);
		return false;
	}

	err = export_keys(d, &keys);
	if (err) {
		fail(d, err);
		return false;
	}

	d->established = true;
	tmr_cancel(&d->tmr);
	tmr_cancel(&d->tmr_hs);
	log_debug("established (%s, %s)", SSL_get_cipher(d->ssl),
		  calls_dtls_srtp_name(keys.profile));

	if (d->estabh)
		d->estabh(&keys, d->arg);

	OPENSSL_cleanse(&keys, sizeof(keys));

	return !gone(d) && !d->closed;
}


static void read_app(struct calls_dtls *d)
{
	uint8_t buf[16384];
	int r, e;

	for (;;) {
		r = SSL_read(d->ssl, buf, sizeof(buf));
		if (r > 0) {
			if (d->datah)
				d->datah(buf, (size_t)r, d->arg);
			if (gone(d) || d->closed)
				return;
			continue;
		}

		e = SSL_get_error(d->ssl, r);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
			return;

		if (e == SSL_ERROR_ZERO_RETURN) {
			log_debug("close_notify received");
			fail(d, 0);
		}
		else {
			log_info("read failed: %s", ssl_reason());
			fail(d, d->alert_rcvd ? ECONNRESET : EPROTO);
		}
		return;
	}
}


int calls_dtls_start(struct calls_dtls *d)
{
	if (!d)
		return EINVAL;

	if (d->conf.role != CALLS_DTLS_CLIENT || d->closed)
		return 0;

	ERR_clear_error();
	if (!tmr_isrunning(&d->tmr_hs))
		tmr_start(&d->tmr_hs, d->conf.handshake_timeout_ms,
			  hs_timeout, d);
	mem_ref(d);
	(void)handshake(d);
	mem_deref(d);

	return 0;
}


int calls_dtls_recv(struct calls_dtls *d, const uint8_t *buf, size_t len)
{
	if (!d || !buf || !len || len > INT_MAX)
		return EINVAL;

	if (d->closed)
		return ENOTCONN;

	/* the handshake deadline runs from the first datagram or start */
	if (!d->established && !tmr_isrunning(&d->tmr_hs))
		tmr_start(&d->tmr_hs, d->conf.handshake_timeout_ms,
			  hs_timeout, d);

	ERR_clear_error();
	if (BIO_write(d->rbio, buf, (int)len) != (int)len)
		return ENOMEM;

	mem_ref(d);

	if (d->established || handshake(d))
		read_app(d);

	/* a datagram that did not fit anywhere must not stay queued; an
	 * idle connection keeps no record buffers (about 35 KB: memory per
	 * session matters more than a malloc per data channel message) */
	if (!gone(d)) {
		(void)BIO_reset(d->rbio);
		if (d->established)
			(void)SSL_free_buffers(d->ssl);
	}

	mem_deref(d);

	return 0;
}


int calls_dtls_send(struct calls_dtls *d, const uint8_t *buf, size_t len)
{
	int r;

	if (!d || !buf || !len || len > INT_MAX)
		return EINVAL;

	if (!d->established || d->closed)
		return ENOTCONN;

	ERR_clear_error();

	/* OpenSSL's DTLS write path does not set its buffer up again after
	 * SSL_free_buffers() (the read path does) */
	if (!SSL_alloc_buffers(d->ssl))
		return ENOMEM;

	r = SSL_write(d->ssl, buf, (int)len);
	if (r != (int)len) {
		ERR_clear_error();
		return EIO;
	}

	(void)SSL_free_buffers(d->ssl);

	return 0;
}


int calls_dtls_shutdown(struct calls_dtls *d)
{
	if (!d)
		return EINVAL;

	if (d->closed)
		return 0;

	d->closed = true;
	tmr_cancel(&d->tmr);
	tmr_cancel(&d->tmr_hs);

	if (d->established && SSL_alloc_buffers(d->ssl))
		(void)SSL_shutdown(d->ssl);

	ERR_clear_error();

	return 0;
}


bool calls_dtls_established(const struct calls_dtls *d)
{
	return d && d->established && !d->closed;
}


const char *calls_dtls_srtp_name(enum calls_dtls_srtp profile)
{
	switch (profile) {

	case CALLS_DTLS_SRTP_AES128_CM_SHA1_80:
		return "AES_CM_128_HMAC_SHA1_80";

	case CALLS_DTLS_SRTP_AEAD_AES_128_GCM:
		return "AEAD_AES_128_GCM";

	default:
		return "none";
	}
}


bool calls_dtls_is_dtls(const uint8_t *buf, size_t len)
{
	return buf && len >= 13 && buf[0] >= 20 && buf[0] <= 63;
}


int calls_dtls_debug(struct re_printf *pf, const struct calls_dtls *d)
{
	if (!d)
		return 0;

	return re_hprintf(pf, "dtls %s %s%s%s",
			  d->conf.role == CALLS_DTLS_SERVER ? "server" :
			  "client",
			  d->established ? "established" : "handshake",
			  d->closed ? " closed" : "",
			  d->fp_mismatch ? " fingerprint-mismatch" : "");
}
