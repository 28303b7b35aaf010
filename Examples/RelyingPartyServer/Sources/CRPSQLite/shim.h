#ifndef CRPSQLITE_SHIM_H
#define CRPSQLITE_SHIM_H
#include <sqlite3.h>

/// SQLITE_TRANSIENT is a macro that casts -1 to a function pointer, which Swift cannot import.
static inline void (*CRPSQLite_transient(void))(void *) { return SQLITE_TRANSIENT; }
#endif
