// Network governance state (docs/state.md §3.11-§3.13): proposals and their
// approvals, validators' operator accounts, the network phase (open, halted,
// recovery window) and scheduled protocol upgrades. The operations that
// change them run in contracts/governance.cpp; this header gives the typed
// records and the read-only helpers RPC, the node and tests use.
//
// Keys (state kinds 0x20-0x27 are governance's):
//   0x20 | key(32)        ValidatorOperator: the operator account of a validator
//                         (absent: the address of the validator key itself)
//   0x21 | BE64 id        Proposal
//   0x22                  u64 next proposal id
//   0x23                  NetworkPhaseRecord
//   0x24                  ProtocolSchedule
//
// Approval rule: a proposal is approved when the admin (an account holding
// the admin role — in production a multi-signature account) approves or
// proposes it, or when the operator accounts of at least two thirds of the
// validators deciding the current block have approved it (a validator
// counts once its operator approved; ceil(2n/3) of n).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "chain/address.h"
#include "chain/keys.h"
#include "chain/operation.h"
#include "chain/state_store.h"

namespace corridor::contracts {

// The protocol version this build executes. A block at a height from which
// the chain requires a higher version must not be executed (the node stops).
inline constexpr uint32_t kSupportedProtocolVersion = 1;
// Default length of the recovery window after a resume (set_recovery_window).
inline constexpr uint32_t kDefaultRecoveryWindowBlocks = 20;
inline constexpr size_t kMaxScheduledUpgrades = 16;
inline constexpr size_t kMaxProposalApprovals = 256;

enum class ProposalKind : uint8_t { kValidatorChange = 1, kUpgrade = 2 };
enum class ProposalStatus : uint8_t {
  kPending = 0,  // waiting for approvals
  kApplied = 1,  // approved; the change is scheduled
  kExpired = 2,  // (derived, never stored) pending but can no longer take effect in time
};
std::string_view ProposalStatusName(ProposalStatus s);  // "pending", "applied", "expired"
bool ParseProposalStatus(std::string_view name, ProposalStatus& out);

struct Proposal {
  uint64_t id = 0;
  ProposalKind kind = ProposalKind::kValidatorChange;
  ProposeValidatorChange change;  // kind == kValidatorChange
  uint32_t version = 0;           // kind == kUpgrade
  uint64_t height = 0;            // effective / activation height
  Address proposer;
  uint64_t proposed_height = 0;
  ProposalStatus status = ProposalStatus::kPending;
  uint64_t applied_height = 0;
  Hash proposal_tx;                // the propose transaction (its memo holds the reason)
  std::vector<Address> approvals;  // in order of approval; the proposer first

  Bytes Encode() const;
  static std::optional<Proposal> Decode(ByteSpan data);
  bool operator==(const Proposal&) const = default;
};

enum class NetworkPhase : uint8_t { kOpen = 0, kHalted = 1, kRecovery = 2 };
std::string_view NetworkPhaseName(NetworkPhase p);  // "open", "halted", "recovery"

struct NetworkPhaseRecord {
  bool halted = false;
  uint64_t halted_height = 0;  // of the last halt
  uint64_t open_from = 0;      // after a resume: first height open to everything
  uint32_t recovery_blocks = kDefaultRecoveryWindowBlocks;

  NetworkPhase PhaseAt(uint64_t height) const {
    if (halted) return NetworkPhase::kHalted;
    return height < open_from ? NetworkPhase::kRecovery : NetworkPhase::kOpen;
  }
  Bytes Encode() const;
  static std::optional<NetworkPhaseRecord> Decode(ByteSpan data);
  bool operator==(const NetworkPhaseRecord&) const = default;
};

// Whether an operation of `type` may apply in `phase` (docs/state.md §3.12).
// Halted: governance, compliance and account-security operations, and
// refunds/cancellations. Recovery window: those, plus deposits and escrow
// releases. Open: everything.
bool OpAllowedIn(NetworkPhase phase, OpType type);

struct ProtocolSchedule {
  struct Entry {
    uint64_t height = 0;   // strictly ascending
    uint32_t version = 0;  // strictly ascending
    bool operator==(const Entry&) const = default;
  };
  std::vector<Entry> entries;
  Bytes Encode() const;
  static std::optional<ProtocolSchedule> Decode(ByteSpan data);
  bool operator==(const ProtocolSchedule&) const = default;
};

Bytes ValidatorOperatorKey(const PublicKey& validator);
Bytes ProposalKey(uint64_t id);
Bytes NextProposalIdKey();
Bytes NetworkPhaseKey();
Bytes ProtocolScheduleKey();

// The operator account of `validator`: the registered one, else the address
// of the validator key.
Address ReadValidatorOperator(const StateView& view, const PublicKey& validator);
std::optional<Proposal> ReadProposal(const StateView& view, uint64_t id);
uint64_t ReadNextProposalId(const StateView& view);  // ids start at 1
NetworkPhaseRecord ReadNetworkPhase(const StateView& view);
ProtocolSchedule ReadProtocolSchedule(const StateView& view);
// The protocol version required to execute block `height` (1 before any upgrade).
uint32_t RequiredProtocolVersion(const StateView& view, uint64_t height);
// The status of `p` as seen while block `height` executes next (pending
// proposals that can no longer take effect in time read as expired).
ProposalStatus EffectiveStatus(const Proposal& p, uint64_t height);

}  // namespace corridor::contracts
