/* cli_dashboard.c - the command line's side of --tui: the dashboard takes
 * the terminal for the run, and gives back what was said meanwhile. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tui/tui.h"

int dashboard_start(struct dashboard *d, struct fa_engine_opts *eo, bool speed_set,
                    const struct fa_policy_set *set, volatile sig_atomic_t *stop)
{
	char err[256];
	memset(d, 0, sizeof(*d));
	d->stop = stop;
	if (!isatty(STDOUT_FILENO)) {
		fprintf(stderr, "flowaudit: --tui needs a terminal on standard output\n");
		return -1;
	}
	if (eo->json_path && strcmp(eo->json_path, "-") == 0) {
		fprintf(stderr, "flowaudit: --tui takes the terminal: give --json a file\n");
		return -1;
	}
	for (size_t i = 0; set && i < set->npolicies; i++) {
		size_t n = strlen(d->label);
		snprintf(d->label + n, sizeof(d->label) - n, "%s%s", i ? ", " : "",
		         set->policies[i].name);
	}
	d->notes_fp = open_memstream(&d->notes, &d->notes_len);
	d->summary_fp = eo->summary_fp ? open_memstream(&d->summary, &d->summary_len) : NULL;
	if (!d->notes_fp || fa_snapshot_box_init(&d->box) < 0) {
		fprintf(stderr, "flowaudit: cannot start the dashboard: out of memory\n");
		return -1;
	}
	struct fa_tui_opts to = {&d->box, stop, -1, 250};
	if (fa_tui_start(&d->tui, &to, err, sizeof(err)) < 0) {
		fprintf(stderr, "flowaudit: %s\n", err);
		return -1;
	}
	eo->snapshots = &d->box;
	eo->policy_label = d->label[0] ? d->label : NULL;
	eo->notice_fp = d->notes_fp;
	eo->summary_fp = d->summary_fp;
	eo->progress = false;
	if (!speed_set)
		eo->speed = 1;
	return 0;
}

/* After the run: a finished replay stays on the screen until q. */
void dashboard_end(struct dashboard *d)
{
	if (!*d->stop)
		fa_tui_wait(d->tui);
	fa_tui_stop(&d->tui);
	fclose(d->notes_fp);
	if (d->summary_fp)
		fclose(d->summary_fp);
	if (d->notes_len)
		fwrite(d->notes, 1, d->notes_len, stderr);
	if (d->summary_len)
		fwrite(d->summary, 1, d->summary_len, stdout);
	free(d->notes);
	free(d->summary);
	fa_snapshot_box_destroy(&d->box);
}
