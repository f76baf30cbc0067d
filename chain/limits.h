// Protocol limits shared by encoders, decoders and validation. Changing one is
// a protocol change (docs/protocol.md §2.4).
#pragma once

#include <cstddef>
#include <cstdint>

namespace corridor {

inline constexpr size_t kMaxChainIdBytes = 32;
inline constexpr size_t kMaxMemoBytes = 256;
inline constexpr size_t kMaxAssetCodeBytes = 12;
inline constexpr size_t kMaxSignatures = 16;
inline constexpr size_t kMaxOperationBytes = 4 * 1024 * 1024;
inline constexpr size_t kMaxTransactionBytes = kMaxOperationBytes + 4096;
inline constexpr size_t kMaxBlockTransactions = 100'000;
inline constexpr size_t kMaxBlockBytes = 32 * 1024 * 1024;
inline constexpr size_t kMaxValidators = 256;

}  // namespace corridor
