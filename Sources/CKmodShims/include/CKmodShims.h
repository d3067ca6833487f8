// libkmod logs through a printf-style callback taking a va_list, which Swift cannot receive: this shim
// formats the line in C and hands Swift a finished string. Separate from CShims so that only targets that
// link libkmod (KernelFacts) see it.
#ifndef LINKCAPS_CKMODSHIMS_H
#define LINKCAPS_CKMODSHIMS_H

#include <libkmod.h>

typedef void (*lc_kmod_line_fn)(void *data, int priority, const char *function, const char *line);

// Routes the context's log to `sink`, formatted; `data` is passed back unchanged.
void lc_kmod_set_log_sink(struct kmod_ctx *ctx, lc_kmod_line_fn sink, void *data);

// Detaches and frees the sink (call before kmod_unref).
void lc_kmod_free_log_sink(struct kmod_ctx *ctx);

#endif
