#ifndef BESPOKE_CZSTD_SHIM_H
#define BESPOKE_CZSTD_SHIM_H
#include <zstd.h>
#include <zstd_errors.h>

/* ZSTD_getFrameContentSize signals "unknown" and "error" with macros of the form (0ULL - n), which Swift does
   not import; these inline functions classify its result instead. */
static inline int bespoke_zstd_content_size_is_unknown(unsigned long long size) {
    return size == ZSTD_CONTENTSIZE_UNKNOWN;
}
static inline int bespoke_zstd_content_size_is_error(unsigned long long size) {
    return size == ZSTD_CONTENTSIZE_ERROR;
}
#endif
