#ifndef BESPOKE_CSNAPPY_SHIM_H
#define BESPOKE_CSNAPPY_SHIM_H
#include <snappy-c.h>
#endif
