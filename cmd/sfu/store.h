/**
 * @file store.h  calls-sfu: registered clients in an embedded SQLite db
 *
 * rtcd keeps clientID -> bcrypt(authKey) in a bitcask directory; we keep
 * the same pairs in "<data_source>/calls-sfu.db". The directory is
 * created 0700 (tightened to 0700 if it exists with more), the database
 * and its journal are 0600, and every write is synced
 * (PRAGMA synchronous=FULL) before the call returns. Only hashes are
 * stored. All calls happen on the main thread.
 */
#ifndef SFU_STORE_H
#define SFU_STORE_H

#include <stddef.h>

struct sfu_store;

#define STORE_DB_NAME "calls-sfu.db"

/** Opens (creating) the store in directory dir */
int  store_open(struct sfu_store **stp, const char *dir, char *errbuf,
		size_t errsz);
/** The hash of client_id into *hashp (mem_deref it).
 *  @return 0, ENOENT, or EIO */
int  store_get(struct sfu_store *st, const char *client_id, char **hashp);
/** Adds client_id. @return 0, EEXIST if registered, EIO */
int  store_add(struct sfu_store *st, const char *client_id,
	       const char *hash);
/** Removes client_id. @return 0, ENOENT, EIO */
int  store_del(struct sfu_store *st, const char *client_id);
/** Number of registered clients (or 0 on error) */
unsigned store_count(struct sfu_store *st);

#endif
