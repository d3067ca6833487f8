#include "CFuzzSupport.h"

// In libclang_rt.fuzzer (linked by -sanitize=fuzzer); declared in no installed header.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

extern char **environ;

int lc_fuzz_main(int argc, char **argv, lc_fuzz_target target) {
    return LLVMFuzzerRunDriver(&argc, &argv, target);
}

char **lc_fuzz_swap_environ(char **block) {
    char **old = environ;
    environ = block;
    return old;
}
