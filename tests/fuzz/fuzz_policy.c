/* fuzz_policy.c - libFuzzer target: the input as a policy file, through the
 * lexer, parser, resolution, lint and matcher build (fa_policy_load), then
 * matching and policy show when it loads. */
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
	const char *files[] = {f.path};
	/* Both modes: policy check allows unbound roles, an audit does not. */
	fuzz_policy_run(files, 1, NULL, size & 1);
	fuzz_file_close(&f);
	return 0;
}
