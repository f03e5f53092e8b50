#ifndef BESPOKE_CZLIB_SHIM_H
#define BESPOKE_CZLIB_SHIM_H
#include <zlib.h>

/* zlib's init functions are macros that pass the library version and the size of z_stream;
   Swift cannot call macros, so these inline functions do it for us. */
static inline int bespoke_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}
static inline int bespoke_deflateInit2(z_streamp stream, int level, int windowBits, int memLevel, int strategy) {
    return deflateInit2(stream, level, Z_DEFLATED, windowBits, memLevel, strategy);
}
#endif
