#include "CKmodShims.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

struct lc_kmod_sink {
    lc_kmod_line_fn fn;
    void *data;
};

static void lc_kmod_log(void *data, int priority, const char *file, int line, const char *fn,
                        const char *format, va_list args) {
    (void)file;
    (void)line;
    struct lc_kmod_sink *sink = data;
    char text[512];
    vsnprintf(text, sizeof text, format, args);
    sink->fn(sink->data, priority, fn, text);
}

void lc_kmod_set_log_sink(struct kmod_ctx *ctx, lc_kmod_line_fn fn, void *data) {
    // libkmod keeps only a pointer: the sink lives in the context's userdata until lc_kmod_free_log_sink.
    struct lc_kmod_sink *sink = malloc(sizeof *sink);
    if (!sink) return;
    sink->fn = fn;
    sink->data = data;
    kmod_set_userdata(ctx, sink);
    kmod_set_log_fn(ctx, lc_kmod_log, sink);
}

void lc_kmod_free_log_sink(struct kmod_ctx *ctx) {
    void *sink = kmod_get_userdata(ctx);
    kmod_set_log_fn(ctx, NULL, NULL);
    kmod_set_userdata(ctx, NULL);
    free(sink);
}
