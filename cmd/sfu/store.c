/**
 * @file store.c  calls-sfu: registered clients in SQLite
 *
 * One table, clients(id TEXT PRIMARY KEY, hash TEXT). Statements are
 * prepared once. The database lives in a 0700 directory and is created
 * 0600 (under a umask of 077, then chmod'ed, so an existing file is
 * tightened too); SQLite gives its rollback journal the database's mode.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>
#include "re_inc.h"
#define LOG_MODULE "store"
#include "log.h"
#include "store.h"

struct sfu_store {
	sqlite3 *db;
	sqlite3_stmt *get;
	sqlite3_stmt *add;
	sqlite3_stmt *del;
	sqlite3_stmt *count;
};


static void destructor(void *arg)
{
	struct sfu_store *st = arg;

	sqlite3_finalize(st->get);
	sqlite3_finalize(st->add);
	sqlite3_finalize(st->del);
	sqlite3_finalize(st->count);
	sqlite3_close(st->db);
}


/** mkdir -p with mode 0700 for what we create; the last component is
 *  tightened to 0700 if it exists with group or other bits */
static int make_dir(const char *dir, char *errbuf, size_t errsz)
{
	char path[4096];
	struct stat sb;
	size_t len = strlen(dir);

	if (!len || len >= sizeof(path)) {
		re_snprintf(errbuf, errsz, "store.data_source: invalid "
			    "directory '%s'", dir);
		return EINVAL;
	}

	memcpy(path, dir, len + 1);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) && errno != EEXIST) {
			int err = errno;
			re_snprintf(errbuf, errsz, "store.data_source: %s: %m",
				    path, err);
			return err;
		}
		*p = '/';
	}

	if (mkdir(path, 0700) && errno != EEXIST) {
		int err = errno;
		re_snprintf(errbuf, errsz, "store.data_source: %s: %m", path,
			    err);
		return err;
	}

	if (stat(path, &sb) || !S_ISDIR(sb.st_mode)) {
		re_snprintf(errbuf, errsz, "store.data_source: %s: not a "
			    "directory", path);
		return ENOTDIR;
	}

	/* someone else's directory (e.g. planted in /tmp) is not ours */
	if (sb.st_uid != geteuid()) {
		re_snprintf(errbuf, errsz, "store.data_source: %s: owned by "
			    "uid %u, not by us", path, (unsigned)sb.st_uid);
		return EPERM;
	}

	if (sb.st_mode & 077) {
		char mode[8];

		snprintf(mode, sizeof(mode), "%03o",
			 (unsigned)(sb.st_mode & 0777));
		log_warn("%s had mode %s: tightening to 0700", path, mode);
		if (chmod(path, 0700)) {
			int err = errno;
			re_snprintf(errbuf, errsz, "store.data_source: chmod "
				    "%s: %m", path, err);
			return err;
		}
	}

	return 0;
}


static int prepare(struct sfu_store *st, sqlite3_stmt **stmtp,
		   const char *sql)
{
	return sqlite3_prepare_v2(st->db, sql, -1, stmtp, NULL) == SQLITE_OK ?
		0 : EIO;
}


int store_open(struct sfu_store **stp, const char *dir, char *errbuf,
	       size_t errsz)
{
	struct sfu_store *st;
	char *path = NULL;
	mode_t um;
	int err, rc;

	if (!stp || !dir)
		return EINVAL;

	err = make_dir(dir, errbuf, errsz);
	if (err)
		return err;

	st = mem_zalloc(sizeof(*st), destructor);
	if (!st)
		return ENOMEM;

	err = re_sdprintf(&path, "%s/%s", dir, STORE_DB_NAME);
	if (err)
		goto out;

	um = umask(077);
	rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE |
			     SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);
	umask(um);
	if (rc != SQLITE_OK) {
		re_snprintf(errbuf, errsz, "store: %s: %s", path,
			    st->db ? sqlite3_errmsg(st->db) :
			    sqlite3_errstr(rc));
		err = EIO;
		goto out;
	}

	if (chmod(path, 0600)) {
		err = errno;
		re_snprintf(errbuf, errsz, "store: chmod %s: %m", path, err);
		goto out;
	}

	sqlite3_busy_timeout(st->db, 2000);
	rc = sqlite3_exec(st->db,
			  "PRAGMA synchronous=FULL;"
			  "PRAGMA journal_mode=DELETE;"
			  "CREATE TABLE IF NOT EXISTS clients ("
			  " id TEXT PRIMARY KEY NOT NULL,"
			  " hash TEXT NOT NULL,"
			  " created INTEGER NOT NULL);",
			  NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		re_snprintf(errbuf, errsz, "store: %s: %s", path,
			    sqlite3_errmsg(st->db));
		err = EIO;
		goto out;
	}

	err  = prepare(st, &st->get, "SELECT hash FROM clients WHERE id=?1");
	err |= prepare(st, &st->add, "INSERT INTO clients(id, hash, created)"
		       " VALUES(?1, ?2, strftime('%s','now'))");
	err |= prepare(st, &st->del, "DELETE FROM clients WHERE id=?1");
	err |= prepare(st, &st->count, "SELECT count(*) FROM clients");
	if (err) {
		re_snprintf(errbuf, errsz, "store: %s: %s", path,
			    sqlite3_errmsg(st->db));
		err = EIO;
		goto out;
	}

	log_info("%s (%u clients)", path, store_count(st));

 out:
	mem_deref(path);
	if (err)
		mem_deref(st);
	else
		*stp = st;

	return err;
}


static void done(sqlite3_stmt *stmt)
{
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}


int store_get(struct sfu_store *st, const char *client_id, char **hashp)
{
	int err, rc;

	if (!st || !client_id || !hashp)
		return EINVAL;

	sqlite3_bind_text(st->get, 1, client_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st->get);
	if (rc == SQLITE_ROW) {
		const char *h = (const char *)sqlite3_column_text(st->get, 0);
		err = str_dup(hashp, h ? h : "");
	}
	else if (rc == SQLITE_DONE) {
		err = ENOENT;
	}
	else {
		log_error("get: %s", sqlite3_errmsg(st->db));
		err = EIO;
	}
	done(st->get);

	return err;
}


int store_add(struct sfu_store *st, const char *client_id,
	      const char *hash)
{
	int err = 0, rc;

	if (!st || !client_id || !hash)
		return EINVAL;

	sqlite3_bind_text(st->add, 1, client_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st->add, 2, hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(st->add);
	if (rc == SQLITE_CONSTRAINT) {
		err = EEXIST;
	}
	else if (rc != SQLITE_DONE) {
		log_error("add: %s", sqlite3_errmsg(st->db));
		err = EIO;
	}
	done(st->add);

	return err;
}


int store_del(struct sfu_store *st, const char *client_id)
{
	int err = 0, rc;

	if (!st || !client_id)
		return EINVAL;

	sqlite3_bind_text(st->del, 1, client_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st->del);
	if (rc != SQLITE_DONE) {
		log_error("del: %s", sqlite3_errmsg(st->db));
		err = EIO;
	}
	else if (!sqlite3_changes(st->db)) {
		err = ENOENT;
	}
	done(st->del);

	return err;
}


unsigned store_count(struct sfu_store *st)
{
	unsigned n = 0;

	if (!st)
		return 0;

	if (sqlite3_step(st->count) == SQLITE_ROW)
		n = (unsigned)sqlite3_column_int64(st->count, 0);
	done(st->count);

	return n;
}
