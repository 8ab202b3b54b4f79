# ECSIM_SANITIZE=ON: every target of the tree (libraries, ecsim, tests, benches, the Verilated
# models and Verilator's runtime, which verilate() compiles into ecsim_rtl_models) is compiled and
# linked with AddressSanitizer and UndefinedBehaviorSanitizer. scripts/test-sanitize.sh builds and
# runs the suite this way. UBSan findings abort (-fno-sanitize-recover) so no report scrolls by.
# Included from the root CMakeLists.txt before any add_subdirectory, so the directory-wide
# options reach every target.
if(NOT ECSIM_SANITIZE)
  return()
endif()
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "ECSIM_SANITIZE=ON needs g++ or clang++ (found ${CMAKE_CXX_COMPILER_ID})")
endif()
set(ECSIM_SANITIZE_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
# -g1: line tables only, so reports name file:line at little build cost
add_compile_options(${ECSIM_SANITIZE_FLAGS} -g1)
add_link_options(${ECSIM_SANITIZE_FLAGS})
# tests run 2-5x slower instrumented; tests/CMakeLists.txt scales every timeout by this
set(ECSIM_SANITIZE_TIMEOUT_FACTOR 4)
message(STATUS "ecsim: building with AddressSanitizer and UndefinedBehaviorSanitizer")

# The Verilated models and Verilator's runtime (ecsim_rtl_models: generated and third-party code,
# which we cannot edit) go without two UBSan checks:
# - null gives false reports there: g++ tests the flags of the `add x@gottpoff(%rip)` that computes
#   the address of the thread_local Verilated::t_s, and ld relaxes that add into a lea (no flags)
#   when t_s is linked into the executable, so the check reads stale flags ("member access within
#   null pointer of type 'struct ThreadLocal'" in Verilated::threadContextp());
# - alignment: Verilator 5.006's VCD tracing stores 64-bit values into its 32-bit-word trace buffer
#   (VerilatedTraceBuffer::fullQData, verilated_trace_imp.h:875), misaligned but harmless on x86.
# Every other check, and ASan (which still stops at a real null dereference), stays on there.
# Deferred to the end of the root directory, where the target exists.
cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL
               target_compile_options ecsim_rtl_models PRIVATE -fno-sanitize=null,alignment)
