// Kept for the tests that include it: the helpers are tests/common/cli.h.
#pragma once

#include "../common/cli.h"
