// Queries for escrows and disputes (docs/rpc.md §8.15-8.17): escrow_get,
// dispute_get, dispute_list. All read one consistent state, that of the last
// committed block.
#include <charconv>

#include "contracts/escrow_state.h"
#include "node/rpc_methods.h"

namespace corridor::node::rpc_methods {
namespace {

using contracts::Dispute;
using contracts::DisputeStatus;
using contracts::Escrow;
using contracts::EscrowStatus;

rpc::Outcome<uint64_t> GetId(const Params& p) {
  auto id = p.GetUint64("id");
  if (!id) return std::move(id).error();
  if (*id == 0) return BadParam("id", "bad_id", "param 'id' must be 1 or more (ids start at 1)");
  return *id;
}

Json EscrowJson(const Escrow& e, uint64_t height, AssetBook& assets) {
  Json j = Json::Object();
  j.Set("id", e.id);
  j.Set("status", contracts::EscrowStatusName(e.status));
  j.Set("sender", e.sender.ToString());
  j.Set("receiver", e.receiver.ToString());
  j.Set("asset", e.asset);
  j.Set("amount", assets.Format(e.asset, e.amount));
  if (!e.arbiter.IsZero()) j.Set("arbiter", e.arbiter.ToString());
  if (!e.hash_lock.IsZero()) j.Set("hashLock", e.hash_lock.ToHex());
  j.Set("deadlineHeight", e.deadline_height);
  j.Set("createdHeight", e.created_height);
  j.Set("createTx", e.create_tx.ToHex());
  if (e.status == EscrowStatus::kOpen) {
    // Release needs a block below the deadline; the next block is height + 1.
    j.Set("releasable", height + 1 < e.deadline_height);
  } else {
    j.Set("closedHeight", e.closed_height);
    if (!e.closed_by.IsZero()) j.Set("closedBy", e.closed_by.ToString());
    if (!e.preimage.empty()) j.Set("preimage", ToHex(e.preimage));
  }
  return j;
}

Json DisputeJson(const Dispute& d, AssetBook& assets) {
  Json j = Json::Object();
  j.Set("id", d.id);
  j.Set("status", contracts::DisputeStatusName(d.status));
  j.Set("paymentTx", d.payment_tx.ToHex());
  j.Set("opener", d.opener.ToString());
  j.Set("payer", d.payer.ToString());
  j.Set("payee", d.payee.ToString());
  j.Set("asset", d.asset);
  j.Set("amount", assets.Format(d.asset, d.amount));
  j.Set("held", assets.Format(d.asset, d.held));
  j.Set("reason", d.reason);
  j.Set("openedHeight", d.opened_height);
  j.Set("openTx", d.open_tx.ToHex());
  if (d.status != DisputeStatus::kOpen) {
    j.Set("arbiter", d.arbiter.ToString());
    j.Set("refunded", assets.Format(d.asset, d.refunded));
    j.Set("resolvedHeight", d.resolved_height);
  }
  return j;
}

}  // namespace

MethodResult EscrowGet(const Context& c, const Params& p) {
  if (auto e = p.RejectUnknown({"id"})) return std::move(*e);
  auto id = GetId(p);
  if (!id) return std::move(id).error();
  const ChainStore& chain = c.node.chain();
  auto last = chain.blocks().LastHeight();
  if (!last) return RpcError{rpc::kUnavailable, "the node has no chain yet", std::nullopt};
  auto state = chain.StateAt(*last);
  auto escrow = contracts::ReadEscrow(state, *id);
  if (!escrow) return RpcError::NotFound("no escrow has id " + std::to_string(*id));
  AssetBook assets(state);
  Json r = EscrowJson(*escrow, *last, assets);
  r.Set("height", *last);
  return r;
}

MethodResult DisputeGet(const Context& c, const Params& p) {
  if (auto e = p.RejectUnknown({"id"})) return std::move(*e);
  auto id = GetId(p);
  if (!id) return std::move(id).error();
  const ChainStore& chain = c.node.chain();
  auto last = chain.blocks().LastHeight();
  if (!last) return RpcError{rpc::kUnavailable, "the node has no chain yet", std::nullopt};
  auto state = chain.StateAt(*last);
  auto dispute = contracts::ReadDispute(state, *id);
  if (!dispute) return RpcError::NotFound("no dispute has id " + std::to_string(*id));
  AssetBook assets(state);
  Json r = DisputeJson(*dispute, assets);
  r.Set("height", *last);
  return r;
}

// In id order (the order disputes were opened); with `status`, only those in
// that status now. The cursor is the id to continue from, so a page never
// skips or repeats a dispute that stays in the listed status.
MethodResult DisputeList(const Context& c, const Params& p) {
  if (auto e = p.RejectUnknown({"status", "cursor", "limit"})) return std::move(*e);
  auto status_name = p.GetOptionalString("status");
  if (!status_name) return std::move(status_name).error();
  std::optional<DisputeStatus> status;
  if (status_name->has_value()) {
    DisputeStatus s;
    if (!contracts::ParseDisputeStatus(**status_name, s)) {
      return BadParam("status", "bad_status",
                      "param 'status' must be \"open\", \"refunded\" or \"dismissed\"");
    }
    status = s;
  }
  auto cursor_text = p.GetOptionalString("cursor");
  if (!cursor_text) return std::move(cursor_text).error();
  uint64_t from = 1;
  if (cursor_text->has_value()) {
    const std::string& t = **cursor_text;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), from);
    if (ec != std::errc() || end != t.data() + t.size() || from == 0) {
      return BadParam("cursor", "bad_cursor",
                      "param 'cursor' must be a 'nextCursor' returned by dispute_list");
    }
  }
  auto limit = GetLimit(p, c.options.default_history_limit, c.options.max_history_limit);
  if (!limit) return std::move(limit).error();

  const ChainStore& chain = c.node.chain();
  auto last = chain.blocks().LastHeight();
  if (!last) return RpcError{rpc::kUnavailable, "the node has no chain yet", std::nullopt};
  // The committed StateStore is scanned (the only view that scans); records
  // are read from the same height's view so that a block committing in
  // between cannot mix two states into one page.
  auto state = chain.StateAt(*last);
  const Bytes prefix =
      status ? contracts::DisputeStatusPrefix(*status) : contracts::DisputePrefix();
  const Bytes start =
      status ? contracts::DisputeStatusKey(*status, from) : contracts::DisputeKey(from);
  AssetBook assets(state);
  Json list = Json::Array();
  std::optional<uint64_t> next;
  size_t n = 0;
  for (const auto& [key, value] : chain.state().ScanRange(start, prefix, *limit + 1)) {
    const uint64_t id = contracts::IdFromKeySuffix(key);
    auto d = contracts::ReadDispute(state, id);
    if (!d || (status && d->status != *status)) continue;  // changed by a newer block
    if (n++ == *limit) {
      next = id;
      break;
    }
    list.Push(DisputeJson(*d, assets));
  }
  Json r = Json::Object();
  r.Set("disputes", list);
  if (next) {
    r.Set("nextCursor", std::to_string(*next));
  } else {
    r.SetNull("nextCursor");
  }
  r.Set("height", *last);
  return r;
}

}  // namespace corridor::node::rpc_methods
