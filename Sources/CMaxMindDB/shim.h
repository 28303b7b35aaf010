#ifndef CMaxMindDB_SHIM_H
#define CMaxMindDB_SHIM_H
// libmaxminddb (Debian libmaxminddb-dev). Nothing needs wrapping: the variadic MMDB_get_value, which Swift
// cannot import, has an array form, MMDB_aget_value, that Swift calls directly.
#include <maxminddb.h>

#endif
