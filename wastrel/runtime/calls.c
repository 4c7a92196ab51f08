/* Calls: parameters beyond the argument registers, and the signature ids'
 * supertypes (see wastrel.h, "calls" and call_indirect). */

#include "wastrel.h"

w_value w_spill[W_SPILL_MAX];

/* Every program defines its own table (backend_c/context.py, TypeIds);
 * this one serves C linked with the runtime alone (its tests). */
__attribute__((weak)) const int32_t w_type_supers[1] = {-1};
__attribute__((weak)) const w_function_name w_program_functions[1] = {{NULL, NULL, 0, 0}};
__attribute__((weak)) const uint32_t w_type_count = 0;
