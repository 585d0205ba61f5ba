/* cmd/sfu/store.c: SQLite client store, persistence and permissions */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "re_inc.h"
#include "runner.h"
#include "store.h"


static int tmpdir(char *buf, size_t sz)
{
	snprintf(buf, sz, "/tmp/unit-sfu-store-XXXXXX");

	return mkdtemp(buf) ? 0 : errno;
}


static void rmtree(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd)) {
		/* a leftover temp dir is harmless */
	}
}


static int test_store_crud(void)
{
	struct sfu_store *st = NULL;
	char dir[64], sub[128], errbuf[256];
	char *hash = NULL;
	int err;

	TEST_ERR(tmpdir(dir, sizeof(dir)));
	snprintf(sub, sizeof(sub), "%s/a/b", dir);

	err = store_open(&st, sub, errbuf, sizeof(errbuf));
	if (err)
		goto out;

	TEST_EQ(0, store_count(st));
	TEST_FAILS(ENOENT, store_get(st, "c1", &hash));
	TEST_ERR(store_add(st, "c1", "$2b$10$x"));
	TEST_FAILS(EEXIST, store_add(st, "c1", "$2b$10$y"));
	TEST_ERR(store_get(st, "c1", &hash));
	TEST_STREQ("$2b$10$x", hash);
	hash = mem_deref(hash);
	TEST_ERR(store_add(st, "c2", "$2b$10$z"));
	TEST_EQ(2, store_count(st));
	TEST_ERR(store_del(st, "c1"));
	TEST_FAILS(ENOENT, store_del(st, "c1"));
	TEST_FAILS(ENOENT, store_get(st, "c1", &hash));

	/* it survives a reopen */
	st = mem_deref(st);
	err = store_open(&st, sub, errbuf, sizeof(errbuf));
	if (err)
		goto out;
	TEST_EQ(1, store_count(st));
	TEST_ERR(store_get(st, "c2", &hash));
	TEST_STREQ("$2b$10$z", hash);

 out:
	mem_deref(hash);
	mem_deref(st);
	rmtree(dir);
	if (err)
		unit_fail(__FILE__, __LINE__, "%s", errbuf);

	return err;
}


static int test_store_modes(void)
{
	struct sfu_store *st = NULL;
	char dir[64], sub[128], db[192], errbuf[256];
	struct stat sb;
	int err;

	TEST_ERR(tmpdir(dir, sizeof(dir)));
	snprintf(sub, sizeof(sub), "%s/data", dir);
	snprintf(db, sizeof(db), "%s/%s", sub, STORE_DB_NAME);

	/* an existing world-readable directory is tightened */
	TEST_EQ(0, mkdir(sub, 0755));
	TEST_EQ(0, chmod(sub, 0755));

	err = store_open(&st, sub, errbuf, sizeof(errbuf));
	if (err) {
		unit_fail(__FILE__, __LINE__, "%s", errbuf);
		goto out;
	}
	TEST_ERR(store_add(st, "c1", "h"));

	TEST_EQ(0, stat(sub, &sb));
	TEST_EQ(0700, sb.st_mode & 0777);
	TEST_EQ(0, stat(db, &sb));
	TEST_EQ(0600, sb.st_mode & 0777);

 out:
	mem_deref(st);
	rmtree(dir);

	return err;
}


static int test_store_bad_dir(void)
{
	struct sfu_store *st = NULL;
	char errbuf[256] = "";

	/* a file where the directory should be */
	TEST_ASSERT(store_open(&st, "/dev/null", errbuf, sizeof(errbuf)));
	TEST_ASSERT(st == NULL);
	TEST_ASSERT(strstr(errbuf, "store.data_source") != NULL);

	return 0;
}


const struct unit_suite suite_sfu_store = {"sfu_store", {
	UNIT_CASE(test_store_crud),
	UNIT_CASE(test_store_modes),
	UNIT_CASE(test_store_bad_dir),
	{NULL, NULL},
}};
