/* Parameters beyond the argument registers (see wastrel.h, "calls"). */

#include "wastrel.h"

w_value w_spill[W_SPILL_MAX];
