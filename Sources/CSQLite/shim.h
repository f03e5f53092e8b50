#ifndef BESPOKE_CSQLITE_SHIM_H
#define BESPOKE_CSQLITE_SHIM_H
#include <sqlite3.h>

/* SQLITE_TRANSIENT is a macro casting -1 to a destructor pointer, which Swift does not import;
   this inline function returns it for the few callers that bind values. */
static inline sqlite3_destructor_type bespoke_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}
#endif
