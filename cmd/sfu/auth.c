/**
 * @file auth.c  calls-sfu: clients, bcrypt, bearer tokens, rate limit
 *
 * Threads: bcrypt runs on AUTH_WORKERS pthreads. The main thread
 * appends a job to the queue (under the mutex); a worker takes it, waits
 * for the job's rate-limit slot, hashes, and hands the job back with
 * mqueue_push(); the rest (store, tokens, the caller's handler) runs on
 * the main loop. Workers touch nothing but the job's own fields, the
 * queue and the mqueue.
 *
 * Rate limit (rtcd: rate.NewLimiter(12 * NumCPU, 1), Wait with 10 s):
 * jobs get slots 1/rate apart; a job whose slot is more than 10 s away
 * fails at once with EAGAIN.
 */
#include <crypt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include "re_inc.h"
#define LOG_MODULE "auth"
#include "log.h"
#include "config.h"
#include "store.h"
#include "auth.h"

enum {
	AUTH_WORKERS     = 2,
	AUTH_RATE_PER_CPU = 12,
	AUTH_MAX_WAIT_MS = 10000,
	HASH_SIZE        = 128,
};

/** What an unknown client's key is compared with, so that the reply
 *  takes as long as for a known one (a bcrypt hash of random bytes) */
static const char dummy_hash[] =
	"$2b$10$Ar9hY59T3/UxZkJCBhJFPuRn4FjPLoREbsacyXyOCh04SfZUlLT0W";

static const char err_auth[] = "authentication failed";

enum job_op {
	OP_AUTH,        /**< verify, then report the clientID     */
	OP_LOGIN,       /**< verify, then make a token            */
	OP_REGISTER,    /**< hash, then store                     */
};

struct job {
	struct le le;           /**< in a->jobs (main thread)      */
	struct le qle;          /**< in a->queue (under a->mtx)    */
	struct sfu_auth *a;
	enum job_op op;
	double start_ms;        /**< rate-limit slot (monotonic)   */
	char *client_id;
	char key[AUTH_MAX_KEY_LEN + 1];
	char hash[HASH_SIZE];   /**< verify: in; register: out     */
	bool ok;                /**< worker's verdict              */
	bool unknown;           /**< no such client: fail anyway   */
	auth_done_h *doneh;
	void *arg;
};

struct token {
	struct le le;
	char *client_id;
	char value[AUTH_TOKEN_LEN + 1];
	double expires_ms;
};

struct sfu_auth {
	struct sfu_store *store;
	bool enable_admin;
	char *admin_secret;
	double token_ttl_ms;
	double interval_ms;     /**< 1000 / rate                   */
	double max_wait_ms;
	double next_slot_ms;
	struct list tokens;
	struct list jobs;       /**< every job not yet finished    */
	struct mqueue *mq;
	pthread_mutex_t mtx;
	pthread_cond_t cond;
	struct list queue;      /**< jobs waiting for a worker     */
	bool stop;
	pthread_t thr[AUTH_WORKERS];
	unsigned nthr;
};


static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);

	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}


/** Compares without an early exit (timing says nothing of where) */
static bool same(const char *a, size_t alen, const char *b, size_t blen)
{
	unsigned char d = alen != blen;
	size_t n = alen < blen ? alen : blen;

	for (size_t i = 0; i < n; i++)
		d |= (unsigned char)(a[i] ^ b[i]);

	return d == 0;
}


int auth_bcrypt_hash(char *out, size_t outsz, const char *key)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd;
	const char *h;
	int err = 0;

	if (!out || !key)
		return EINVAL;

	if (!crypt_gensalt_rn("$2b$", AUTH_BCRYPT_COST, NULL, 0, setting,
			      sizeof(setting)))
		return errno ? errno : EIO;

	cd = calloc(1, sizeof(*cd));
	if (!cd)
		return ENOMEM;

	h = crypt_r(key, setting, cd);
	if (!h || h[0] == '*' || strlen(h) >= outsz)
		err = EIO;
	else
		strcpy(out, h);

	explicit_bzero(cd, sizeof(*cd));
	free(cd);

	return err;
}


bool auth_bcrypt_verify(const char *key, const char *hash)
{
	struct crypt_data *cd;
	const char *h;
	bool ok = false;

	if (!key || !hash || strncmp(hash, "$2", 2))
		return false;

	cd = calloc(1, sizeof(*cd));
	if (!cd)
		return false;

	h = crypt_r(key, hash, cd);
	if (h && h[0] != '*')
		ok = same(h, strlen(h), hash, strlen(hash));

	explicit_bzero(cd, sizeof(*cd));
	free(cd);

	return ok;
}


int auth_token_new(char out[AUTH_TOKEN_LEN + 1])
{
	static const char b64url[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789-_";
	uint8_t rnd[AUTH_TOKEN_LEN * 3 / 4];
	size_t o = 0;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return EIO;

	for (size_t i = 0; i < sizeof(rnd); i += 3) {
		uint32_t v = (uint32_t)rnd[i] << 16 |
			(uint32_t)rnd[i + 1] << 8 | rnd[i + 2];

		out[o++] = b64url[(v >> 18) & 63];
		out[o++] = b64url[(v >> 12) & 63];
		out[o++] = b64url[(v >> 6) & 63];
		out[o++] = b64url[v & 63];
	}
	out[o] = '\0';
	explicit_bzero(rnd, sizeof(rnd));

	return 0;
}


/* Workers */

static void *worker(void *arg)
{
	struct sfu_auth *a = arg;

	pthread_mutex_lock(&a->mtx);

	for (;;) {
		struct job *job;
		struct le *le;

		while (!a->stop && !a->queue.head)
			pthread_cond_wait(&a->cond, &a->mtx);
		if (a->stop)
			break;

		le = a->queue.head;
		job = le->data;
		list_unlink(le);

		/* wait for the slot; a stop wakes us */
		for (;;) {
			double now = mono_ms(), wait = job->start_ms - now;
			struct timespec ts;

			if (wait <= 0 || a->stop)
				break;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += (time_t)(wait / 1000);
			ts.tv_nsec += (long)((wait - (long)(wait / 1000) * 1000)
					     * 1e6);
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&a->cond, &a->mtx, &ts);
		}
		if (a->stop)
			break;

		pthread_mutex_unlock(&a->mtx);

		if (job->op == OP_REGISTER)
			job->ok = !auth_bcrypt_hash(job->hash,
						    sizeof(job->hash),
						    job->key);
		else
			job->ok = auth_bcrypt_verify(job->key, job->hash);
		explicit_bzero(job->key, sizeof(job->key));

		/* the mqueue is a non-blocking pipe: when it is full, wait
		 * for the main loop to drain it (a->mq outlives us: the
		 * destructor joins the workers first) */
		pthread_mutex_lock(&a->mtx);
		while (!a->stop && mqueue_push(a->mq, 0, job) == EAGAIN) {
			pthread_mutex_unlock(&a->mtx);
			usleep(1000);
			pthread_mutex_lock(&a->mtx);
		}
		if (a->stop)
			break;
	}

	pthread_mutex_unlock(&a->mtx);

	return NULL;
}


static void job_destructor(void *arg)
{
	struct job *job = arg;

	list_unlink(&job->le);
	explicit_bzero(job->key, sizeof(job->key));
	mem_deref(job->client_id);
}


static void token_destructor(void *arg)
{
	struct token *t = arg;

	list_unlink(&t->le);
	explicit_bzero(t->value, sizeof(t->value));
	mem_deref(t->client_id);
}


static void destructor(void *arg)
{
	struct sfu_auth *a = arg;

	pthread_mutex_lock(&a->mtx);
	a->stop = true;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->mtx);

	for (unsigned i = 0; i < a->nthr; i++)
		pthread_join(a->thr[i], NULL);

	/* jobs still queued, running or in the mqueue: dropped, their
	 * handlers never run */
	mem_deref(a->mq);
	list_flush(&a->jobs);
	list_flush(&a->tokens);

	pthread_cond_destroy(&a->cond);
	pthread_mutex_destroy(&a->mtx);
	if (a->admin_secret)
		explicit_bzero(a->admin_secret, strlen(a->admin_secret));
	mem_deref(a->admin_secret);
}


static void done(struct job *job, int err, const char *client_id,
		 const char *token, const char *error)
{
	struct auth_result res = {
		.client_id = client_id,
		.token = token,
		.error = err ? error : NULL,
	};

	job->doneh(err, &res, job->arg);
}


static struct token *token_of_client(struct sfu_auth *a,
				     const char *client_id)
{
	for (struct le *le = a->tokens.head; le; le = le->next) {
		struct token *t = le->data;

		if (!strcmp(t->client_id, client_id))
			return t;
	}

	return NULL;
}


static int token_make(struct sfu_auth *a, const char *client_id,
		      const char **valuep)
{
	struct token *t;
	int err;

	/* one token per client: a new login replaces the old one */
	mem_deref(token_of_client(a, client_id));

	t = mem_zalloc(sizeof(*t), token_destructor);
	if (!t)
		return ENOMEM;

	err = str_dup(&t->client_id, client_id);
	if (!err)
		err = auth_token_new(t->value);
	if (err) {
		mem_deref(t);
		return err;
	}

	t->expires_ms = mono_ms() + a->token_ttl_ms;
	list_append(&a->tokens, &t->le, t);
	*valuep = t->value;

	return 0;
}


/* The job came back from a worker: finish on the main loop */
static void mq_handler(int id, void *data, void *arg)
{
	struct job *job = data;
	struct sfu_auth *a = arg;
	const char *token = NULL;
	int err;
	(void)id;

	list_unlink(&job->le);

	switch (job->op) {

	case OP_AUTH:
		if (job->ok && !job->unknown)
			done(job, 0, job->client_id, NULL, NULL);
		else
			done(job, EACCES, NULL, NULL, err_auth);
		break;

	case OP_LOGIN:
		if (!job->ok || job->unknown) {
			done(job, EACCES, NULL, NULL, err_auth);
			break;
		}
		err = token_make(a, job->client_id, &token);
		if (err)
			done(job, EIO, NULL, NULL, "token error");
		else
			done(job, 0, job->client_id, token, NULL);
		break;

	case OP_REGISTER:
		if (!job->ok) {
			done(job, EIO, NULL, NULL, "hashing failed");
			break;
		}
		/* a register that raced us may have won */
		err = store_add(a->store, job->client_id, job->hash);
		if (err == EEXIST)
			done(job, EEXIST, NULL, NULL, "already registered");
		else if (err)
			done(job, EIO, NULL, NULL, "store error");
		else {
			log_info("registered client '%s'", job->client_id);
			done(job, 0, job->client_id, NULL, NULL);
		}
		break;
	}

	mem_deref(job);
}


static double env_num(const char *name, double def)
{
	const char *s = getenv(name);
	double v;
	char *end;

	if (!s || !*s)
		return def;

	v = strtod(s, &end);
	if (*end || !(v > 0) || v > 1e9) {
		log_warn("ignoring %s='%s'", name, s);
		return def;
	}

	log_warn("test knob %s=%s", name, s);

	return v;
}


int auth_alloc(struct sfu_auth **ap, const struct sfu_config *cfg,
	       struct sfu_store *store)
{
	struct sfu_auth *a;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int err;

	if (!ap || !cfg || !store)
		return EINVAL;

	a = mem_zalloc(sizeof(*a), destructor);
	if (!a)
		return ENOMEM;

	/* before anything can fail: the destructor destroys them */
	pthread_mutex_init(&a->mtx, NULL);
	pthread_cond_init(&a->cond, NULL);

	a->store = store;
	a->enable_admin = cfg->security.enable_admin;
	if (cfg->security.admin_secret_key) {
		err = str_dup(&a->admin_secret,
			      cfg->security.admin_secret_key);
		if (err)
			goto out;
	}

	a->token_ttl_ms = env_num(AUTH_ENV_TOKEN_EXPIRY,
		cfg->security.session_cache_expiration_minutes * 60.0) *
		1000.0;
	a->interval_ms = 1000.0 / env_num(AUTH_ENV_RATE,
		(double)AUTH_RATE_PER_CPU * (ncpu > 0 ? ncpu : 1));
	a->max_wait_ms = env_num(AUTH_ENV_WAIT, AUTH_MAX_WAIT_MS);

	err = mqueue_alloc(&a->mq, mq_handler, a);
	if (err)
		goto out;

	for (unsigned i = 0; i < AUTH_WORKERS; i++) {
		err = pthread_create(&a->thr[i], NULL, worker, a);
		if (err)
			goto out;
		a->nthr++;
	}

 out:
	if (err)
		mem_deref(a);
	else
		*ap = a;

	return err;
}


/** Takes the next rate-limit slot. @return 0 or EAGAIN */
static int slot_take(struct sfu_auth *a, double *startp)
{
	double now = mono_ms();

	if (a->next_slot_ms < now)
		a->next_slot_ms = now;

	if (a->next_slot_ms - now > a->max_wait_ms)
		return EAGAIN;

	*startp = a->next_slot_ms;
	a->next_slot_ms += a->interval_ms;

	return 0;
}


static int job_start(struct sfu_auth *a, enum job_op op,
		     const char *client_id, const char *key, size_t key_len,
		     const char *hash, bool unknown, auth_done_h *doneh,
		     void *arg)
{
	struct job *job;
	int err;

	job = mem_zalloc(sizeof(*job), job_destructor);
	if (!job)
		return ENOMEM;

	job->a = a;
	job->op = op;
	job->doneh = doneh;
	job->arg = arg;
	job->unknown = unknown;
	memcpy(job->key, key, key_len);
	job->key[key_len] = '\0';
	if (hash)
		str_ncpy(job->hash, hash, sizeof(job->hash));

	err = str_dup(&job->client_id, client_id);
	if (err)
		goto out;

	err = slot_take(a, &job->start_ms);
	if (err)
		goto out;

	list_append(&a->jobs, &job->le, job);

	pthread_mutex_lock(&a->mtx);
	list_append(&a->queue, &job->qle, job);
	pthread_cond_signal(&a->cond);
	pthread_mutex_unlock(&a->mtx);

 out:
	if (err)
		mem_deref(job);

	return err;
}


static void fail(auth_done_h *doneh, void *arg, int err, const char *msg)
{
	struct auth_result res = {.error = msg};

	doneh(err, &res, arg);
}


static int verify_start(struct sfu_auth *a, enum job_op op,
			const char *client_id, const char *key,
			size_t key_len, auth_done_h *doneh, void *arg)
{
	char *hash = NULL;
	int err;

	if (!a || !client_id || !key || !doneh)
		return EINVAL;

	/* bcrypt reads 72 bytes at most and stops at a NUL: refuse keys
	 * it would not fully compare */
	if (key_len > AUTH_MAX_KEY_LEN || strlen(key) != key_len) {
		fail(doneh, arg, EACCES, err_auth);
		return 0;
	}

	err = store_get(a->store, client_id, &hash);
	if (err && err != ENOENT) {
		fail(doneh, arg, EIO, "store error");
		return 0;
	}

	/* an unknown client costs a bcrypt too (with a dummy hash), so
	 * timing does not tell who is registered */
	err = job_start(a, op, client_id, key, key_len,
			hash ? hash : dummy_hash, !hash, doneh, arg);
	mem_deref(hash);

	if (err == EAGAIN) {
		fail(doneh, arg, EAGAIN, "too many requests");
		return 0;
	}

	return err;
}


int auth_authenticate(struct sfu_auth *a, const char *client_id,
		      const char *key, size_t key_len,
		      auth_done_h *doneh, void *arg)
{
	return verify_start(a, OP_AUTH, client_id, key, key_len, doneh, arg);
}


int auth_login(struct sfu_auth *a, const char *client_id, const char *key,
	       size_t key_len, auth_done_h *doneh, void *arg)
{
	return verify_start(a, OP_LOGIN, client_id, key, key_len, doneh,
			    arg);
}


int auth_request(struct sfu_auth *a, const struct auth_hdr *h,
		 auth_done_h *doneh, void *arg)
{
	struct auth_result res = {0};
	const char *client;

	if (!a || !doneh)
		return EINVAL;

	if (!h || (h->scheme != AUTH_SCHEME_BASIC &&
		   h->scheme != AUTH_SCHEME_BEARER)) {
		fail(doneh, arg, EACCES, err_auth);
		return 0;
	}

	if (h->scheme == AUTH_SCHEME_BEARER) {
		client = auth_token_client(a, h->token);
		if (!client) {
			fail(doneh, arg, EACCES, err_auth);
			return 0;
		}
		res.client_id = client;
		doneh(0, &res, arg);
		return 0;
	}

	if (a->enable_admin && a->admin_secret && a->admin_secret[0] &&
	    same(h->pass, h->pass_len, a->admin_secret,
		 strlen(a->admin_secret))) {
		res.client_id = "";
		res.admin = true;
		doneh(0, &res, arg);
		return 0;
	}

	return auth_authenticate(a, h->user, h->pass, h->pass_len, doneh,
				 arg);
}


int auth_register(struct sfu_auth *a, const char *client_id,
		  const char *key, size_t key_len,
		  auth_done_h *doneh, void *arg)
{
	char *hash = NULL;
	int err;

	if (!a || !client_id || !key || !doneh)
		return EINVAL;

	/* rtcd's order: the key, then the store */
	if (key_len < AUTH_MIN_KEY_LEN) {
		fail(doneh, arg, EINVAL, "key not long enough");
		return 0;
	}
	if (key_len > AUTH_MAX_KEY_LEN) {
		fail(doneh, arg, EINVAL,
		     "bcrypt: password length exceeds 72 bytes");
		return 0;
	}
	if (strlen(key) != key_len) {
		fail(doneh, arg, EINVAL, "key not valid");
		return 0;
	}
	if (!client_id[0]) {
		fail(doneh, arg, EINVAL, "error: empty key");
		return 0;
	}

	err = store_get(a->store, client_id, &hash);
	mem_deref(hash);
	if (!err) {
		fail(doneh, arg, EEXIST, "already registered");
		return 0;
	}
	if (err != ENOENT) {
		fail(doneh, arg, EIO, "store error");
		return 0;
	}

	err = job_start(a, OP_REGISTER, client_id, key, key_len, NULL,
			false, doneh, arg);
	if (err == EAGAIN) {
		fail(doneh, arg, EAGAIN, "too many requests");
		return 0;
	}

	return err;
}


int auth_unregister(struct sfu_auth *a, const char *client_id)
{
	int err;

	if (!a || !client_id)
		return EINVAL;

	err = store_del(a->store, client_id);
	if (err)
		return err;

	mem_deref(token_of_client(a, client_id));
	log_info("unregistered client '%s'", client_id);

	return 0;
}


const char *auth_token_client(struct sfu_auth *a, const char *token)
{
	double now = mono_ms();

	if (!a || !token || strlen(token) != AUTH_TOKEN_LEN)
		return NULL;

	for (struct le *le = a->tokens.head; le; le = le->next) {
		struct token *t = le->data;

		if (!same(t->value, AUTH_TOKEN_LEN, token, AUTH_TOKEN_LEN))
			continue;

		if (now >= t->expires_ms) {
			mem_deref(t);
			return NULL;
		}

		return t->client_id;
	}

	return NULL;
}


unsigned auth_pending(const struct sfu_auth *a)
{
	return a ? list_count(&a->jobs) : 0;
}
