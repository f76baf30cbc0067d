// Governance queries (docs/rpc.md §8.15-§8.16): governance_getProposals and
// governance_getStatus.
#include "contracts/governance.h"
#include "node/rpc_methods.h"

namespace corridor::node::rpc_methods {
namespace {

Json KeysJson(const std::vector<PublicKey>& keys, const StateView& state) {
  Json a = Json::Array();
  for (const auto& k : keys) {
    Json v = Json::Object();
    v.Set("publicKey", k.ToHex());
    v.Set("operator", contracts::ReadValidatorOperator(state, k).ToString());
    a.Push(v);
  }
  return a;
}

Json ProposalJson(const contracts::Proposal& p, uint64_t next_height) {
  Json j = Json::Object();
  j.Set("id", p.id);
  j.Set("status", contracts::ProposalStatusName(contracts::EffectiveStatus(p, next_height)));
  if (p.kind == contracts::ProposalKind::kValidatorChange) {
    j.Set("kind", "validator_change");
    j.Set("change", ValidatorChangeKindName(p.change.kind));
    j.Set("validator", p.change.validator.ToHex());
    if (p.change.kind == ValidatorChangeKind::kRekey) j.Set("newKey", p.change.new_key.ToHex());
    if (p.change.kind == ValidatorChangeKind::kAdd) {
      j.Set("operator", p.change.operator_account.ToString());
    }
  } else {
    j.Set("kind", "upgrade");
    j.Set("version", p.version);
  }
  j.Set("effectiveHeight", p.height);
  j.Set("proposer", p.proposer.ToString());
  j.Set("proposedHeight", p.proposed_height);
  j.Set("proposalTx", p.proposal_tx.ToHex());
  if (p.status == contracts::ProposalStatus::kApplied) j.Set("appliedHeight", p.applied_height);
  Json approvals = Json::Array();
  for (const auto& a : p.approvals) approvals.Push(a.ToString());
  j.Set("approvals", approvals);
  return j;
}

}  // namespace

MethodResult GovernanceGetProposals(const Context& c, const Params& p) {
  if (auto e = p.RejectUnknown({"status", "fromId", "limit"})) return std::move(*e);
  auto status_text = p.GetOptionalString("status");
  if (!status_text) return std::move(status_text).error();
  std::optional<contracts::ProposalStatus> status;
  if (status_text->has_value()) {
    contracts::ProposalStatus s;
    if (!contracts::ParseProposalStatus(**status_text, s)) {
      return BadParam("status", "bad_status",
                      "param 'status' must be \"pending\", \"applied\" or \"expired\"");
    }
    status = s;
  }
  auto from = p.GetOptionalUint64("fromId");
  if (!from) return std::move(from).error();
  auto limit = GetLimit(p, c.options.default_history_limit, c.options.max_history_limit);
  if (!limit) return std::move(limit).error();
  const ChainStore& chain = c.node.chain();
  auto last = chain.blocks().LastHeight();
  if (!last) return RpcError{rpc::kUnavailable, "the node has no chain yet", std::nullopt};
  const auto state = chain.StateAt(*last);
  const uint64_t end = contracts::ReadNextProposalId(state);
  Json list = Json::Array();
  std::optional<uint64_t> next;
  size_t n = 0;
  // Ids are dense from 1; a status filter may skip many, so the walk is
  // bounded as well as the answer.
  const uint64_t max_walk = 20 * static_cast<uint64_t>(*limit);
  uint64_t id = std::max<uint64_t>(1, from->value_or(1));
  for (uint64_t walked = 0; id < end; ++id, ++walked) {
    if (n == *limit || walked == max_walk) {
      next = id;
      break;
    }
    auto prop = contracts::ReadProposal(state, id);
    if (!prop) continue;
    if (status && contracts::EffectiveStatus(*prop, *last + 1) != *status) continue;
    list.Push(ProposalJson(*prop, *last + 1));
    ++n;
  }
  Json r = Json::Object();
  r.Set("height", *last);
  r.Set("proposals", list);
  if (next) r.Set("nextFromId", *next);
  return r;
}

MethodResult GovernanceGetStatus(const Context& c, const Params& p) {
  if (auto e = p.RejectUnknown({})) return std::move(*e);
  const ChainStore& chain = c.node.chain();
  auto last = chain.blocks().LastHeight();
  if (!last) return RpcError{rpc::kUnavailable, "the node has no chain yet", std::nullopt};
  const auto state = chain.StateAt(*last);
  const uint64_t next = *last + 1;
  Json r = Json::Object();
  r.Set("height", *last);
  const auto phase = contracts::ReadNetworkPhase(state);
  Json ph = Json::Object();
  ph.Set("phase", contracts::NetworkPhaseName(phase.PhaseAt(next)));
  if (phase.halted) ph.Set("haltedHeight", phase.halted_height);
  if (!phase.halted && next < phase.open_from) ph.Set("openFromHeight", phase.open_from);
  ph.Set("recoveryWindowBlocks", phase.recovery_blocks);
  r.Set("network", ph);
  r.Set("validators", KeysJson(contracts::ValidatorsAt(state, next), state));
  Json scheduled = Json::Array();
  for (const auto& e : contracts::ReadValidatorSchedule(state).entries) {
    Json s = Json::Object();
    s.Set("height", e.height);
    s.Set("validators", KeysJson(e.validators, state));
    scheduled.Push(s);
  }
  r.Set("scheduledValidatorSets", scheduled);
  Json protocol = Json::Object();
  protocol.Set("required", contracts::RequiredProtocolVersion(state, next));
  protocol.Set("supported", contracts::kSupportedProtocolVersion);
  Json upgrades = Json::Array();
  for (const auto& e : contracts::ReadProtocolSchedule(state).entries) {
    Json u = Json::Object();
    u.Set("height", e.height);
    u.Set("version", e.version);
    upgrades.Push(u);
  }
  protocol.Set("upgrades", upgrades);
  r.Set("protocol", protocol);
  return r;
}

}  // namespace corridor::node::rpc_methods
