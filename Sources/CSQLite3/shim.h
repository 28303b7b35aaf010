#ifndef CSQLite3_SHIM_H
#define CSQLite3_SHIM_H
#include <sqlite3.h>

/// SQLITE_TRANSIENT is a cast of -1 to a function pointer, a macro Swift cannot import. Binding with it makes
/// SQLite copy the bytes before the bind call returns, so Swift's temporary buffers may go away afterwards.
static inline sqlite3_destructor_type CSQLite3_transient(void) {
    return SQLITE_TRANSIENT;
}

#endif
