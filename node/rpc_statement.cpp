// account_getStatement: opening balance, entries, closing balance for one
// account and asset over a time window.
//
// The window is the heights whose blocks' timestamps lie in [fromTime,
// toTime] (timestamps never decrease, docs/state.md §6). The opening balance
// is read from the past state after the block before the window, the closing
// balance from the past state after the window's last block; the entries are
// the account's successful transactions in the window that moved its balance
// of the asset, with their effect read from their events. These are two
// independent sources, so `reconciled` (opening + entries == closing) is a
// real check, not a tautology. Balances are available + locked: what the
// account owns.
#include "contracts/event.h"
#include "node/rpc_methods.h"

namespace corridor::node::rpc_methods {
namespace {

Int128 OwnedAt(const ChainStore& chain, uint64_t height, const Address& account,
               const std::string& asset) {
  contracts::Balance b = contracts::ReadBalance(chain.StateAt(height), account, asset);
  return static_cast<Int128>(b.available) + static_cast<Int128>(b.locked);
}

// The record's net effect on `account`'s balance of `asset`; nullopt when
// it moved none (the entry is not on the statement).
std::optional<Int128> EffectOf(const AccountHistoryRecord& rec, const Address& account,
                               const std::string& asset) {
  if (rec.code != 0) return std::nullopt;
  bool moved = false;
  Int128 net = 0;
  for (const Event& e : rec.events) {
    if (e.asset != asset) continue;
    auto effect = contracts::EffectOn(e, account);
    if (effect.credit == 0 && effect.debit == 0) continue;
    moved = true;
    net += static_cast<Int128>(effect.credit) - static_cast<Int128>(effect.debit);
  }
  if (!moved) return std::nullopt;
  return net;
}

std::string CursorWithBalance(TxLocation loc, Int128 balance) {
  return FormatCursor(loc) + ":" + FormatInt128(balance, 0);
}

}  // namespace

MethodResult AccountGetStatement(const Context& c, const Params& p) {
  if (auto e =
          p.RejectUnknown({"address", "asset", "fromTime", "toTime", "cursor", "limit", "auth"})) {
    return std::move(*e);
  }
  auto addr = p.GetAddress("address");
  if (!addr) return std::move(addr).error();
  if (c.options.private_history) {
    if (auto e = CheckReadAccess(c, p, "account_getStatement", &*addr)) return std::move(*e);
  }
  auto asset = p.GetString("asset");
  if (!asset) return std::move(asset).error();
  auto from_time = p.GetUint64("fromTime");
  if (!from_time) return std::move(from_time).error();
  auto to_time = p.GetUint64("toTime");
  if (!to_time) return std::move(to_time).error();
  auto cursor = p.GetOptionalString("cursor");
  if (!cursor) return std::move(cursor).error();
  auto limit = GetLimit(p, c.options.default_statement_limit, c.options.max_statement_limit);
  if (!limit) return std::move(limit).error();
  if (!IsValidAssetCode(*asset)) {
    return BadParam("asset", "bad_asset_code",
                    "param 'asset' must be 1-12 characters A-Z or 0-9, such as \"USD\"");
  }
  if (*from_time > *to_time) {
    return BadParam("fromTime", "bad_time_range", "param 'fromTime' is after 'toTime'");
  }

  const ChainStore& chain = c.node.chain();
  const BlockStore& blocks = chain.blocks();
  auto last = blocks.LastHeight();
  if (!last) return RpcError{rpc::kUnavailable, "the node has no chain yet", std::nullopt};
  const HistoricalState head = chain.StateAt(*last);
  AssetBook assets(head);
  if (!assets.Find(*asset)) return RpcError::NotFound("asset " + *asset + " does not exist");
  const uint8_t decimals = assets.Decimals(*asset);

  // Opening: after the last block before the window (the genesis balances
  // when the window starts at or before genesis). Closing: after the
  // window's last block.
  auto first_in = blocks.FirstHeightAtOrAfter(*from_time);
  uint64_t open_h = first_in ? (*first_in == 0 ? 0 : *first_in - 1) : *last;
  auto last_in = blocks.LastHeightAtOrBefore(*to_time);
  uint64_t close_h = last_in ? std::max(*last_in, open_h) : open_h;
  const Int128 opening = OwnedAt(chain, open_h, *addr, *asset);
  const Int128 closing = OwnedAt(chain, close_h, *addr, *asset);

  Json r = Json::Object();
  r.Set("address", addr->ToString());
  r.Set("asset", *asset);
  r.Set("decimals", decimals);
  r.Set("fromTime", *from_time);
  r.Set("toTime", *to_time);
  r.Set("openingHeight", open_h);
  r.Set("closingHeight", close_h);
  r.Set("openingBalance", FormatInt128(opening, decimals));
  r.Set("closingBalance", FormatInt128(closing, decimals));

  HistoryScan scan;
  scan.order = HistoryScan::Order::kOldestFirst;
  scan.lowest = {open_h + 1, 0};
  scan.highest = {close_h, kLastLocation.position};
  scan.limit = *limit;
  scan.max_scan = c.options.max_history_scan;
  Int128 running = opening;
  if (cursor->has_value()) {
    std::optional<Int128> balance;
    auto loc = ParseCursor(**cursor, &balance);
    std::optional<TxLocation> next = loc ? After(*loc) : std::nullopt;
    if (!loc || !next || *loc < scan.lowest || scan.highest < *loc) {
      return BadParam("cursor", "bad_cursor",
                      "param 'cursor' is not a cursor of this statement (pass 'nextCursor' "
                      "unchanged, with the same address, asset and times)");
    }
    scan.lowest = *next;
    running = *balance;
  }
  scan.filter = [&](const AccountHistoryRecord& rec) {
    return EffectOf(rec, *addr, *asset).has_value();
  };

  Json entries = Json::Array();
  std::optional<TxLocation> resume;
  if (open_h < close_h) {
    auto page = blocks.ScanAccountHistory(*addr, scan);
    if (!page) return RpcError::Internal(page.error().ToString());
    for (const auto& rec : page->records) {
      Int128 amount = *EffectOf(rec, *addr, *asset);
      running += amount;
      Json e = Json::Object();
      e.Set("txId", rec.tx_id.ToHex());
      e.Set("height", rec.location.height);
      e.Set("position", rec.location.position);
      e.Set("timestamp", rec.timestamp_ms);
      e.Set("type", OpTypeName(static_cast<OpType>(rec.op_type)));
      Json parties = Json::Array();
      for (const Address& a : rec.counterparties) parties.Push(a.ToString());
      e.Set("counterparties", parties);
      e.Set("memo", rec.memo);
      e.Set("amount", FormatInt128(amount, decimals));
      e.Set("balanceAfter", FormatInt128(running, decimals));
      entries.Push(e);
    }
    resume = page->resume;
  }
  r.Set("entries", entries);
  if (resume) {
    // Resuming needs the running balance at the resume point: entries the
    // scan examined past the last returned one moved nothing in this asset.
    r.Set("nextCursor", CursorWithBalance(*resume, running));
    r.SetNull("reconciled");
  } else {
    r.SetNull("nextCursor");
    r.Set("reconciled", running == closing);
  }
  return r;
}

}  // namespace corridor::node::rpc_methods
