/* cli_util.c - small pieces of the command line: filter expressions from
 * files or words, and where the bundled signatures are. */
#include "cli.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *cli_read_filter_file(const char *path)
{
	FILE *fp = fopen(path, "r");
	if (!fp)
		return NULL;
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	size_t n;
	while (buf && (n = fread(buf + len, 1, cap - len - 1, fp)) > 0) {
		len += n;
		if (len + 1 == cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	fclose(fp);
	if (buf) {
		buf[len] = '\0';
		/* '#' starts a comment to the end of the line, as in tcpdump -F. */
		for (char *p = buf; *p; p++) {
			if (*p == '#')
				while (*p && *p != '\n')
					*p++ = ' ';
			if (*p == '\n')
				*p = ' ';
		}
	}
	return buf;
}

char *cli_join_args(int argc, char **argv)
{
	size_t len = 1;
	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *s = malloc(len);
	if (!s)
		return NULL;
	size_t off = 0;
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]);
		if (i)
			s[off++] = ' ';
		memcpy(s + off, argv[i], n);
		off += n;
	}
	s[off] = '\0';
	return s;
}

/* The bundled signatures: next to an installed binary
 * (PREFIX/share/flowaudit/signatures), else in the source tree it was
 * built from. Every *.protos file there is loaded, in name order. */
size_t cli_find_signatures(char **paths, size_t max)
{
	const char *dirs[2] = {NULL, NULL};
	char exe[PATH_MAX], installed[PATH_MAX + 64];
	size_t n = 0;
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0) {
		exe[len] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(installed, sizeof(installed), "%s/../share/flowaudit/signatures", exe);
			dirs[0] = installed;
		}
	}
#ifdef FLOWAUDIT_SRC_SIGDIR
	dirs[1] = FLOWAUDIT_SRC_SIGDIR;
#endif
	for (size_t d = 0; d < 2 && !n; d++) {
		struct dirent **ents;
		if (!dirs[d])
			continue;
		int cnt = scandir(dirs[d], &ents, NULL, alphasort);
		if (cnt < 0)
			continue;
		for (int i = 0; i < cnt; i++) {
			const char *name = ents[i]->d_name;
			size_t nl = strlen(name);
			if (nl > 7 && strcmp(name + nl - 7, ".protos") == 0 && n < max) {
				size_t plen = strlen(dirs[d]) + nl + 2;
				char *p = malloc(plen);
				if (p) {
					snprintf(p, plen, "%s/%s", dirs[d], name);
					paths[n++] = p;
				}
			}
			free(ents[i]);
		}
		free(ents);
	}
	return n;
}
