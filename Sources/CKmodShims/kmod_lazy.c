// libkmod, opened at run time. libkmod pulls in libcrypto, libzstd and liblzma; linked normally, every
// start of `linkcaps` paid for loading and relocating them (about two thirds of the dynamic loader's
// work, measured with LD_DEBUG=statistics), also when the answer comes from the cache and no module is
// ever looked at. So the CKmod module map links nothing: this file defines the libkmod functions
// linkcaps uses, each resolving the real one with dlsym on first call. Without libkmod on the host, kmod_new
// fails with ENOENT and module facts read "unknown", as they do without a module database.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <libkmod.h>

static void *lc_kmod_handle;
static pthread_once_t lc_kmod_once = PTHREAD_ONCE_INIT;

static void lc_kmod_open(void) {
    lc_kmod_handle = dlopen("libkmod.so.2", RTLD_NOW | RTLD_LOCAL);
}

static void *lc_kmod_symbol(const char *name) {
    pthread_once(&lc_kmod_once, lc_kmod_open);
    return lc_kmod_handle ? dlsym(lc_kmod_handle, name) : NULL;
}

// One forwarding definition per function: resolved once, then called directly.
#define LC_KMOD(ret, name, params, args, failure)                                                      \
    ret name params {                                                                                  \
        static ret (*real) params;                                                                     \
        if (!real) real = (ret (*) params)lc_kmod_symbol(#name);                                       \
        if (!real) { errno = ENOENT; return failure; }                                                 \
        return real args;                                                                              \
    }
#define LC_KMOD_VOID(name, params, args)                                                               \
    void name params {                                                                                 \
        static void (*real) params;                                                                    \
        if (!real) real = (void (*) params)lc_kmod_symbol(#name);                                      \
        if (real) real args;                                                                           \
    }

LC_KMOD(struct kmod_ctx *, kmod_new, (const char *dirname, const char * const *config), (dirname, config), NULL)
LC_KMOD(struct kmod_ctx *, kmod_unref, (struct kmod_ctx *ctx), (ctx), NULL)
LC_KMOD(int, kmod_load_resources, (struct kmod_ctx *ctx), (ctx), -ENOENT)
LC_KMOD(const char *, kmod_get_dirname, (const struct kmod_ctx *ctx), (ctx), NULL)
LC_KMOD(void *, kmod_get_userdata, (const struct kmod_ctx *ctx), (ctx), NULL)
LC_KMOD_VOID(kmod_set_userdata, (struct kmod_ctx *ctx, const void *data), (ctx, data))
LC_KMOD_VOID(kmod_set_log_fn,
             (struct kmod_ctx *ctx, void (*log_fn)(void *, int, const char *, int, const char *, const char *, va_list), const void *data),
             (ctx, log_fn, data))
LC_KMOD(struct kmod_list *, kmod_list_next, (const struct kmod_list *list, const struct kmod_list *curr), (list, curr), NULL)
LC_KMOD(int, kmod_module_new_from_lookup, (struct kmod_ctx *ctx, const char *given_alias, struct kmod_list **list),
        (ctx, given_alias, list), -ENOENT)
LC_KMOD(struct kmod_module *, kmod_module_get_module, (const struct kmod_list *entry), (entry), NULL)
LC_KMOD(struct kmod_module *, kmod_module_unref, (struct kmod_module *mod), (mod), NULL)
LC_KMOD(int, kmod_module_unref_list, (struct kmod_list *list), (list), -ENOENT)
LC_KMOD(const char *, kmod_module_get_name, (const struct kmod_module *mod), (mod), NULL)
LC_KMOD(const char *, kmod_module_get_path, (const struct kmod_module *mod), (mod), NULL)
LC_KMOD(int, kmod_module_get_initstate, (const struct kmod_module *mod), (mod), -ENOENT)
LC_KMOD(struct kmod_list *, kmod_module_get_dependencies, (const struct kmod_module *mod), (mod), NULL)
LC_KMOD(int, kmod_module_get_info, (const struct kmod_module *mod, struct kmod_list **list), (mod, list), -ENOENT)
LC_KMOD(const char *, kmod_module_info_get_key, (const struct kmod_list *entry), (entry), NULL)
LC_KMOD(const char *, kmod_module_info_get_value, (const struct kmod_list *entry), (entry), NULL)
LC_KMOD_VOID(kmod_module_info_free_list, (struct kmod_list *list), (list))
LC_KMOD(int, kmod_module_probe_insert_module,
        (struct kmod_module *mod, unsigned int flags, const char *extra_options,
         int (*run_install)(struct kmod_module *m, const char *cmdline, void *data), const void *data,
         void (*print_action)(struct kmod_module *m, bool install, const char *options)),
        (mod, flags, extra_options, run_install, data, print_action), -ENOENT)
