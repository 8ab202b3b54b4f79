# Finds every dependency from Debian packages. Each failure names the package to install.
# Nothing is downloaded and nothing is vendored.

function(ecsim_missing what package)
  message(FATAL_ERROR
    "ecsim: ${what} was not found.\n"
    "  Install the Debian package: sudo apt-get install ${package}\n"
    "  (or run scripts/setup-deps.sh, which installs every missing package)")
endfunction()

# SystemC 2.3.4 + TLM, through pkg-config
find_package(PkgConfig QUIET)
if(NOT PkgConfig_FOUND)
  ecsim_missing("pkg-config" "pkg-config")
endif()
pkg_check_modules(SYSTEMC QUIET IMPORTED_TARGET systemc)
if(NOT SYSTEMC_FOUND)
  ecsim_missing("SystemC (pkg-config module 'systemc')" "libsystemc-dev")
endif()

# Verilator, through its CMake package (verilator-config.cmake provides verilate())
find_package(verilator QUIET HINTS $ENV{VERILATOR_ROOT} /usr/share/verilator)
if(NOT verilator_FOUND)
  ecsim_missing("Verilator (verilator-config.cmake)" "verilator")
endif()

# Boost 1.81: program_options, json, mpi; filesystem for Boost.Process (child processes without a shell)
find_package(Boost 1.81 QUIET CONFIG COMPONENTS program_options json mpi filesystem)
if(NOT Boost_FOUND)
  ecsim_missing("Boost 1.81 with program_options, json and mpi"
                "libboost1.81-all-dev libboost-json1.81-dev")
endif()
find_package(MPI QUIET COMPONENTS CXX)
if(NOT MPI_FOUND)
  ecsim_missing("MPI (OpenMPI)" "libopenmpi-dev openmpi-bin")
endif()

# MuJoCo 2.2.2 through mujocoConfig.cmake
find_package(mujoco QUIET CONFIG)
if(NOT mujoco_FOUND)
  ecsim_missing("MuJoCo (mujocoConfig.cmake)" "libmujoco-dev")
endif()
# Debian's mujoco::mujoco target names /usr/include/libqhull_r/ as an include directory
if(NOT EXISTS /usr/include/libqhull_r)
  ecsim_missing("qhull headers (/usr/include/libqhull_r, required by mujoco::mujoco)" "libqhull-dev")
endif()

# Random123 (header-only): the Philox4x32-10 generator of docs/spec.md section 6
find_path(RANDOM123_INCLUDE_DIR Random123/philox.h)
if(NOT RANDOM123_INCLUDE_DIR)
  ecsim_missing("Random123 (Random123/philox.h)" "librandom123-dev")
endif()

find_package(Threads REQUIRED)

if(ECSIM_BUILD_TESTS)
  find_package(GTest QUIET CONFIG)
  if(NOT GTest_FOUND)
    ecsim_missing("GoogleTest" "libgtest-dev")
  endif()
endif()
if(ECSIM_BUILD_BENCH)
  find_package(benchmark QUIET CONFIG)
  if(NOT benchmark_FOUND)
    ecsim_missing("Google Benchmark" "libbenchmark-dev")
  endif()
endif()

# import ecsim (host/python/): pybind11 and Debian's Python 3 with numpy. Optional: without them
# the module and its tests are left out (with a note). Every library is then compiled as
# position-independent code, since the module links them into a shared object;
# -fno-semantic-interposition keeps calls within a library as direct (and inlinable) as without.
option(ECSIM_PYTHON "Build the Python module (host/python/) when pybind11 and Python 3 with numpy are present" ON)
if(ECSIM_PYTHON AND (ECSIM_SANITIZE OR ECSIM_FUZZ))
  message(STATUS "ecsim: the Python module is not built with ECSIM_SANITIZE or ECSIM_FUZZ")
  set(ECSIM_PYTHON OFF)
endif()
set(ECSIM_HAVE_PYTHON OFF)
if(ECSIM_PYTHON)
  # Debian's system Python is the target: its numpy, pytest, h5py and matplotlib are Debian packages
  # (a pyenv or conda python3 earlier on PATH has none of them); -DPython3_EXECUTABLE=... overrides
  if(NOT DEFINED Python3_EXECUTABLE AND EXISTS /usr/bin/python3)
    set(Python3_EXECUTABLE /usr/bin/python3)
  endif()
  find_package(Python3 3.9 QUIET COMPONENTS Interpreter Development.Module NumPy)
  if(Python3_FOUND)
    find_package(pybind11 2.10 QUIET CONFIG)
  endif()
  if(Python3_FOUND AND pybind11_FOUND)
    set(ECSIM_HAVE_PYTHON ON)
    set(CMAKE_POSITION_INDEPENDENT_CODE ON)
    add_compile_options(-fno-semantic-interposition)
  else()
    message(STATUS "ecsim: no Python module (needs Debian's python3-dev, python3-numpy and pybind11-dev; "
                   "scripts/setup-deps.sh installs them)")
  endif()
endif()
