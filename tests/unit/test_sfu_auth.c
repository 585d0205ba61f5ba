/* cmd/sfu/auth.c, authhdr.c: header parsing, bcrypt, tokens, and the
 * service on a real event loop (worker pool, mqueue, rate limit) */
#include <stdlib.h>
#include <unistd.h>
#include "re_inc.h"
#include "runner.h"
#include "../../cmd/sfu/config.h"  /* not the autoconf one */
#include "store.h"
#include "auth.h"

#define KEY1 "0123456789abcdef0123456789abcdef"      /* 32 chars */
#define ADMIN "the-admin-secret-of-this-unit-test"


static int parse(struct auth_hdr *h, const char *s)
{
	return auth_hdr_parse(h, s, s ? strlen(s) : 0);
}


static int test_authhdr_basic(void)
{
	static struct auth_hdr h;

	/* "c1:pw" */
	TEST_ERR(parse(&h, "Basic YzE6cHc="));
	TEST_EQ(AUTH_SCHEME_BASIC, h.scheme);
	TEST_STREQ("c1", h.user);
	TEST_STREQ("pw", h.pass);
	TEST_EQ(2, h.pass_len);

	/* scheme in any case, blanks trimmed (Go) */
	TEST_ERR(parse(&h, "  bAsIc YzE6cHc=\t"));
	TEST_EQ(AUTH_SCHEME_BASIC, h.scheme);
	TEST_STREQ("c1", h.user);

	/* split at the first colon: "c1:p:w" */
	TEST_ERR(parse(&h, "Basic YzE6cDp3"));
	TEST_STREQ("c1", h.user);
	TEST_STREQ("p:w", h.pass);

	/* empty user and password: ":" */
	TEST_ERR(parse(&h, "Basic Og=="));
	TEST_STREQ("", h.user);
	TEST_STREQ("", h.pass);

	/* no colon: "c1pw" */
	TEST_FAILS(EBADMSG, parse(&h, "Basic YzFwdw=="));
	TEST_EQ(AUTH_SCHEME_OTHER, h.scheme);
	/* padding is required (StdEncoding) */
	TEST_FAILS(EBADMSG, parse(&h, "Basic YzE6cHc"));
	/* bad characters, misplaced padding, data after padding */
	TEST_FAILS(EBADMSG, parse(&h, "Basic YzE6c*c="));
	TEST_FAILS(EBADMSG, parse(&h, "Basic Y===="));
	TEST_FAILS(EBADMSG, parse(&h, "Basic YzE6cHc=YzE6cHc="));
	TEST_FAILS(EBADMSG, parse(&h, "Basic"));
	/* a NUL in the user: "a\0b:pw" */
	TEST_FAILS(EBADMSG, parse(&h, "Basic YQBiOnB3"));
	/* a NUL in the password is kept, its length says so: "a:p\0w" */
	TEST_ERR(parse(&h, "Basic YTpwAHc="));
	TEST_EQ(3, h.pass_len);

	return 0;
}


static int test_authhdr_bearer(void)
{
	static struct auth_hdr h;

	TEST_ERR(parse(&h, NULL));
	TEST_EQ(AUTH_SCHEME_NONE, h.scheme);

	TEST_ERR(parse(&h, "Bearer abc-_DEF"));
	TEST_EQ(AUTH_SCHEME_BEARER, h.scheme);
	TEST_STREQ("abc-_DEF", h.token);

	/* rtcd's prefix is case-sensitive */
	TEST_FAILS(EBADMSG, parse(&h, "bearer abc"));
	TEST_FAILS(EBADMSG, parse(&h, "Digest x"));
	TEST_FAILS(EBADMSG, parse(&h, ""));

	return 0;
}


static int test_bcrypt(void)
{
	char h1[128], h2[128];

	TEST_ERR(auth_bcrypt_hash(h1, sizeof(h1), KEY1));
	TEST_ERR(auth_bcrypt_hash(h2, sizeof(h2), KEY1));
	TEST_ASSERT(!strncmp(h1, "$2b$10$", 7));
	TEST_EQ(60, strlen(h1));
	TEST_ASSERT(strcmp(h1, h2) != 0);       /* salted */
	TEST_ASSERT(auth_bcrypt_verify(KEY1, h1));
	TEST_ASSERT(auth_bcrypt_verify(KEY1, h2));
	TEST_ASSERT(!auth_bcrypt_verify(KEY1 "x", h1));
	TEST_ASSERT(!auth_bcrypt_verify(KEY1, "plain"));

	return 0;
}


static int test_token(void)
{
	char t1[AUTH_TOKEN_LEN + 1], t2[AUTH_TOKEN_LEN + 1];

	TEST_ERR(auth_token_new(t1));
	TEST_ERR(auth_token_new(t2));
	TEST_EQ(AUTH_TOKEN_LEN, strlen(t1));
	TEST_EQ(AUTH_TOKEN_LEN, strspn(t1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "abcdefghijklmnopqrstuvwxyz0123456789-_"));
	TEST_ASSERT(strcmp(t1, t2) != 0);

	return 0;
}


/* The service */

struct res {
	bool done;
	int err;
	bool admin;
	char client[64];
	char token[AUTH_TOKEN_LEN + 1];
	char error[128];
};

struct fix {
	char dir[64];
	struct sfu_config cfg;
	struct sfu_store *st;
	struct sfu_auth *a;
};


static void done_h(int err, const struct auth_result *r, void *arg)
{
	struct res *x = arg;

	x->done = true;
	x->err = err;
	x->admin = r->admin;
	str_ncpy(x->client, r->client_id ? r->client_id : "(null)",
		 sizeof(x->client));
	str_ncpy(x->token, r->token ? r->token : "", sizeof(x->token));
	str_ncpy(x->error, r->error ? r->error : "", sizeof(x->error));
	re_cancel();
}


static void timeout_h(void *arg)
{
	(void)arg;
	re_cancel();
}


/** Runs the loop until x is done (20 s at most) */
static int wait_done(struct res *x)
{
	struct tmr t;

	if (x->done)
		return 0;

	tmr_init(&t);
	tmr_start(&t, 20000, timeout_h, NULL);
	re_main(NULL);
	tmr_cancel(&t);

	return x->done ? 0 : ETIMEDOUT;
}


static int fix_open(struct fix *f)
{
	char errbuf[256];
	int err;

	memset(f, 0, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/unit-sfu-auth-XXXXXX");
	if (!mkdtemp(f->dir))
		return errno;

	f->cfg.security.enable_admin = true;
	f->cfg.security.admin_secret_key = ADMIN;
	f->cfg.security.session_cache_expiration_minutes = 1440;

	err = store_open(&f->st, f->dir, errbuf, sizeof(errbuf));
	if (err)
		return err;

	return auth_alloc(&f->a, &f->cfg, f->st);
}


static void fix_close(struct fix *f)
{
	char cmd[128];

	f->a = mem_deref(f->a);
	f->st = mem_deref(f->st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd)) {
		/* harmless */
	}
}


static int do_register(struct fix *f, const char *id, const char *key,
		       struct res *x)
{
	memset(x, 0, sizeof(*x));
	TEST_ERR(auth_register(f->a, id, key, strlen(key), done_h, x));

	return wait_done(x);
}


static int test_auth_flow(void)
{
	static struct auth_hdr h;
	struct fix f;
	struct res x;
	int err;

	err = fix_open(&f);
	if (err)
		goto out;

	TEST_ERR(do_register(&f, "c1", KEY1, &x));
	TEST_EQ(0, x.err);
	TEST_STREQ("c1", x.client);

	/* rtcd's refusals */
	TEST_ERR(do_register(&f, "c1", KEY1, &x));
	TEST_EQ(EEXIST, x.err);
	TEST_STREQ("already registered", x.error);
	TEST_ERR(do_register(&f, "c2", "short", &x));
	TEST_EQ(EINVAL, x.err);
	TEST_STREQ("key not long enough", x.error);
	TEST_ERR(do_register(&f, "", KEY1, &x));
	TEST_EQ(EINVAL, x.err);
	TEST_STREQ("error: empty key", x.error);

	/* Basic: right, wrong, unknown client */
	memset(&x, 0, sizeof(x));
	TEST_ERR(auth_authenticate(f.a, "c1", KEY1, strlen(KEY1), done_h,
				   &x));
	TEST_ERR(wait_done(&x));
	TEST_EQ(0, x.err);
	TEST_STREQ("c1", x.client);

	memset(&x, 0, sizeof(x));
	TEST_ERR(auth_authenticate(f.a, "c1", KEY1 "x", strlen(KEY1) + 1,
				   done_h, &x));
	TEST_ERR(wait_done(&x));
	TEST_EQ(EACCES, x.err);

	memset(&x, 0, sizeof(x));
	TEST_ERR(auth_authenticate(f.a, "nobody", KEY1, strlen(KEY1), done_h,
				   &x));
	TEST_ERR(wait_done(&x));
	TEST_EQ(EACCES, x.err);

	/* admin: any user name with the secret */
	TEST_ERR(parse(&h, "Basic eDp0aGUtYWRtaW4tc2VjcmV0LW9mLXRo"
		       "aXMtdW5pdC10ZXN0"));
	memset(&x, 0, sizeof(x));
	TEST_ERR(auth_request(f.a, &h, done_h, &x));
	TEST_ERR(wait_done(&x));
	TEST_EQ(0, x.err);
	TEST_ASSERT(x.admin);
	TEST_STREQ("", x.client);

	/* login, then Bearer */
	memset(&x, 0, sizeof(x));
	TEST_ERR(auth_login(f.a, "c1", KEY1, strlen(KEY1), done_h, &x));
	TEST_ERR(wait_done(&x));
	TEST_EQ(0, x.err);
	TEST_EQ(AUTH_TOKEN_LEN, strlen(x.token));
	TEST_STREQ("c1", auth_token_client(f.a, x.token));

	{
		char hv[64];
		char tok[AUTH_TOKEN_LEN + 1];

		str_ncpy(tok, x.token, sizeof(tok));
		snprintf(hv, sizeof(hv), "Bearer %s", tok);
		TEST_ERR(parse(&h, hv));
		memset(&x, 0, sizeof(x));
		TEST_ERR(auth_request(f.a, &h, done_h, &x));
		TEST_ERR(wait_done(&x));
		TEST_EQ(0, x.err);
		TEST_STREQ("c1", x.client);

		/* a second login replaces the token */
		memset(&x, 0, sizeof(x));
		TEST_ERR(auth_login(f.a, "c1", KEY1, strlen(KEY1), done_h,
				    &x));
		TEST_ERR(wait_done(&x));
		TEST_ASSERT(auth_token_client(f.a, tok) == NULL);
		TEST_STREQ("c1", auth_token_client(f.a, x.token));

		/* unregister drops the client and its token */
		str_ncpy(tok, x.token, sizeof(tok));
		TEST_ERR(auth_unregister(f.a, "c1"));
		TEST_ASSERT(auth_token_client(f.a, tok) == NULL);
		TEST_FAILS(ENOENT, auth_unregister(f.a, "c1"));
	}

	/* no header, other schemes */
	memset(&x, 0, sizeof(x));
	TEST_ERR(auth_request(f.a, NULL, done_h, &x));
	TEST_EQ(EACCES, x.err);

	TEST_EQ(0, auth_pending(f.a));

 out:
	fix_close(&f);

	return err;
}


static int test_auth_rate_limit(void)
{
	struct fix f;
	struct res x1, x2;
	int err;

	/* one job per 100 s, waiting 1 s at most: the second is refused */
	setenv(AUTH_ENV_RATE, "0.01", 1);
	setenv(AUTH_ENV_WAIT, "1000", 1);
	err = fix_open(&f);
	unsetenv(AUTH_ENV_RATE);
	unsetenv(AUTH_ENV_WAIT);
	if (err)
		goto out;

	memset(&x1, 0, sizeof(x1));
	memset(&x2, 0, sizeof(x2));
	TEST_ERR(auth_authenticate(f.a, "c1", KEY1, strlen(KEY1), done_h,
				   &x1));
	TEST_ERR(auth_authenticate(f.a, "c1", KEY1, strlen(KEY1), done_h,
				   &x2));
	TEST_ASSERT(x2.done);
	TEST_EQ(EAGAIN, x2.err);
	TEST_ERR(wait_done(&x1));
	TEST_EQ(EACCES, x1.err);

 out:
	fix_close(&f);

	return err;
}


static int test_auth_pending_dropped(void)
{
	struct fix f;
	struct res x;
	int err;

	/* freeing the service with a job queued: no handler, no leak */
	setenv(AUTH_ENV_RATE, "0.01", 1);
	err = fix_open(&f);
	unsetenv(AUTH_ENV_RATE);
	if (err)
		goto out;

	memset(&x, 0, sizeof(x));
	TEST_ERR(auth_authenticate(f.a, "c1", KEY1, strlen(KEY1), done_h,
				   &x));
	TEST_ERR(auth_authenticate(f.a, "c2", KEY1, strlen(KEY1), done_h,
				   &x));
	TEST_EQ(1, auth_pending(f.a));

 out:
	fix_close(&f);
	TEST_ASSERT(!x.done || x.err == EAGAIN);

	return err;
}


static int test_auth_token_expiry(void)
{
	struct fix f;
	struct res x;
	int err;

	setenv(AUTH_ENV_TOKEN_EXPIRY, "0.05", 1);
	err = fix_open(&f);
	unsetenv(AUTH_ENV_TOKEN_EXPIRY);
	if (err)
		goto out;

	TEST_ERR(do_register(&f, "c1", KEY1, &x));
	memset(&x, 0, sizeof(x));
	TEST_ERR(auth_login(f.a, "c1", KEY1, strlen(KEY1), done_h, &x));
	TEST_ERR(wait_done(&x));
	TEST_EQ(0, x.err);

	usleep(200 * 1000);
	TEST_ASSERT(auth_token_client(f.a, x.token) == NULL);

 out:
	fix_close(&f);

	return err;
}


const struct unit_suite suite_sfu_auth = {"sfu_auth", {
	UNIT_CASE(test_authhdr_basic),
	UNIT_CASE(test_authhdr_bearer),
	UNIT_CASE(test_bcrypt),
	UNIT_CASE(test_token),
	UNIT_CASE(test_auth_flow),
	UNIT_CASE(test_auth_rate_limit),
	UNIT_CASE(test_auth_pending_dropped),
	UNIT_CASE(test_auth_token_expiry),
	{NULL, NULL},
}};
