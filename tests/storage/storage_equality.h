// SameStorage: whether two Storage implementations answer every read the same way.
//
// Compares FirstIndex, LastIndex, GetInitialState, GetSnapshot (metadata and data), Term over
// the whole log and one index either side of it, and Entries over the whole log (with and
// without a byte limit), past either end, and over every range of a sample of bounds.
// Results that are errors must have the same code.
#pragma once

#include <gtest/gtest.h>

#include "raft/storage.h"

namespace coord::raft {

::testing::AssertionResult SameStorage(const Storage& expected, const Storage& actual);

}  // namespace coord::raft
