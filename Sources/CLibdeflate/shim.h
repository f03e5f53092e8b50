#ifndef BESPOKE_CLIBDEFLATE_SHIM_H
#define BESPOKE_CLIBDEFLATE_SHIM_H
#include <libdeflate.h>
#endif
