#ifndef CSQLite3_SHIM_H
#define CSQLite3_SHIM_H
#include <sqlite3.h>

#endif
