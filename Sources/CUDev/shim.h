#ifndef CUDev_SHIM_H
#define CUDev_SHIM_H
#include <libudev.h>

#endif
