// Admin authorisation helpers: bearer tokens compared in constant time.
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

namespace corridor::rpc {

// Compares without an early exit whose timing depends on where the strings
// differ (both sides are hashed first, so length leaks nothing either).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// True when `authorization` is "Bearer <token>" and <token> equals
// `configured`. Always false when `configured` is empty (no token set).
bool BearerTokenMatches(std::string_view authorization, std::string_view configured);

}  // namespace corridor::rpc
