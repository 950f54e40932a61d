/* fuzz_site.c - libFuzzer target: the input as a site file binding the
 * roles of the lab policy (policies/examples/lab.policy), through
 * fa_policy_load, then matching and policy show when it loads. */
#include "fuzz_policy_io.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_stdin_empty();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_file f;
	if (fuzz_file_open(&f, data, size) < 0)
		return 0;
	const char *policies[] = {FA_FUZZ_SITE_POLICY};
	fuzz_policy_run(policies, 1, f.path, false);
	fuzz_file_close(&f);
	return 0;
}
