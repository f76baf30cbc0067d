// Build and protocol version of this binary.
#pragma once

namespace corridor::node {

inline constexpr char kNodeVersion[] = "0.1.0";
inline constexpr int kProtocolVersion = 1;

}  // namespace corridor::node
