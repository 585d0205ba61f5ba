/**
 * @file replay.c  Replays a fuzz corpus through a fuzz target, as TAP
 *
 * Linked with one fuzz_<parser>.c when libFuzzer is not in use, so every
 * corpus file (crashes found earlier among them) runs in `make check`,
 * under the sanitizers when the build has them.
 *
 * Usage: fuzz-<parser>-replay [DIR|FILE]...   (default: CORPUS_DIR)
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned count;


static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long sz;

	if (!f) {
		printf("not ok %u - %s: %s\n", ++count, path, strerror(errno));
		return 1;
	}

	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	fseek(f, 0, SEEK_SET);

	/* an exact-size heap copy, so a read past the end is caught */
	buf = malloc(sz ? (size_t)sz : 1);
	if (!buf || fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
		printf("not ok %u - %s: read failed\n", ++count, path);
		free(buf);
		fclose(f);
		return 1;
	}
	fclose(f);

	LLVMFuzzerTestOneInput(buf, (size_t)sz);
	free(buf);

	printf("ok %u - %s\n", ++count, path);
	fflush(stdout);

	return 0;
}


static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}


static int run_path(const char *path)
{
	struct stat st;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i;
	int fails = 0;
	DIR *d;

	if (stat(path, &st)) {
		printf("not ok %u - %s: %s\n", ++count, path, strerror(errno));
		return 1;
	}

	if (!S_ISDIR(st.st_mode))
		return run_file(path);

	d = opendir(path);
	if (!d)
		return 1;

	while ((de = readdir(d))) {
		char **nn;

		if (de->d_name[0] == '.')
			continue;
		nn = realloc(names, (n + 1) * sizeof(*names));
		if (!nn)
			break;
		names = nn;
		names[n] = malloc(strlen(path) + strlen(de->d_name) + 2);
		if (!names[n])
			break;
		sprintf(names[n++], "%s/%s", path, de->d_name);
	}
	closedir(d);

	qsort(names, n, sizeof(*names), cmp);
	for (i = 0; i < n; i++) {
		fails += run_file(names[i]);
		free(names[i]);
	}
	free(names);

	return fails;
}


int main(int argc, char **argv)
{
	int fails = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);

	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			fails += run_path(argv[i]);
	}
	else {
		fails += run_path(CORPUS_DIR);
	}

	printf("1..%u\n", count);

	return fails ? 1 : 0;
}
