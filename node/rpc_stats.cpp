// asset_list and stats_get.
#include <map>

#include "chain/amount.h"
#include "contracts/result_code.h"
#include "node/rpc_methods.h"

namespace corridor::node::rpc_methods {

MethodResult AssetList(const Context& c, const Params& p) {
  if (auto e = p.RejectUnknown({})) return std::move(*e);
  const ChainStore& chain = c.node.chain();
  const Bytes prefix = contracts::AssetKey("");
  auto records = chain.state().ScanPrefix(prefix, c.options.max_assets + 1);
  const bool truncated = records.size() > c.options.max_assets;
  if (truncated) records.pop_back();
  Json list = Json::Array();
  for (const auto& [key, value] : records) {
    ByteSpan code = ByteSpan(key).subspan(prefix.size());
    auto info = contracts::AssetInfo::Decode(code, value);
    if (!info) return RpcError::Internal("asset record does not decode");
    Json a = Json::Object();
    a.Set("code", info->code);
    a.Set("decimals", info->decimals);
    a.Set("issuer", info->issuer.ToString());
    a.Set("supply", FormatAmount(info->supply, info->decimals));
    a.Set("frozen", info->frozen);
    list.Push(a);
  }
  Json r = Json::Object();
  r.Set("assets", list);
  r.Set("truncated", truncated);
  return r;
}

namespace {

// Per operation type: failed = total - succeeded - held. A held transaction
// (result class kHeld, code 360) is neither: its payment waits for review.
struct TypeTotals {
  uint64_t total = 0;
  uint64_t succeeded = 0;
  uint64_t held = 0;
};

// Of a type's non-zero codes, those whose class is kHeld. Summaries of
// format 1 record no codes, so their held transactions count as failed
// (docs/rpc.md §8.10).
uint64_t HeldOf(const BlockSummary::TypeCount& t) {
  uint64_t held = 0;
  for (const auto& c : t.codes) {
    if (contracts::ClassOf(static_cast<contracts::ResultCode>(c.code)) ==
        contracts::ResultClass::kHeld) {
      held += c.count;
    }
  }
  return held;
}

// "succeeded", "held", "failed" of `t` into `out`.
void SetOutcomes(Json& out, const TypeTotals& t) {
  out.Set("succeeded", t.succeeded);
  out.Set("held", t.held);
  out.Set("failed", t.total - t.succeeded - t.held);
}
struct Volume {
  uint64_t count = 0;
  Uint128 volume = 0;
};

// "12.34" from a ratio numerator / denominator, truncated to `places` decimals.
std::string Ratio(Uint128 numerator, Uint128 denominator, uint8_t places) {
  Uint128 scaled = numerator;
  for (uint8_t i = 0; i < places; ++i) scaled *= 10;
  return FormatUint128(scaled / denominator, places);
}

std::string_view VolumeKey(uint16_t op_type) {
  switch (static_cast<OpType>(op_type)) {
    case OpType::kPayment:
      return "payments";
    case OpType::kMint:
      return "mints";
    case OpType::kBurn:
      return "burns";
    default:
      return OpTypeName(static_cast<OpType>(op_type));
  }
}

}  // namespace

MethodResult StatsGet(const Context& c, const Params& p) {
  if (auto e = p.RejectUnknown({"fromTime", "toTime"})) return std::move(*e);
  auto from_time = p.GetOptionalUint64("fromTime");
  if (!from_time) return std::move(from_time).error();
  auto to_time = p.GetOptionalUint64("toTime");
  if (!to_time) return std::move(to_time).error();
  const BlockStore& blocks = c.node.chain().blocks();
  auto last = blocks.LastHeight();
  if (!last) return RpcError{rpc::kUnavailable, "the node has no chain yet", std::nullopt};
  auto head = blocks.HeaderAt(*last);
  if (!head) return RpcError::Internal("block " + std::to_string(*last) + " is unreadable");

  const uint64_t to = to_time->value_or(head->timestamp_ms);
  const uint64_t from =
      from_time->value_or(to - std::min<uint64_t>(to, c.options.default_stats_window_ms));
  if (from > to)
    return BadParam("fromTime", "bad_time_range", "param 'fromTime' is after 'toTime'");

  uint64_t blocks_read = 0;
  TypeTotals all;
  std::map<uint16_t, TypeTotals> by_type;
  std::map<std::string, std::map<uint16_t, Volume>> by_asset;
  std::optional<uint64_t> first_ts, last_ts, prev_ts;
  uint64_t min_gap = 0, max_gap = 0, gaps = 0;
  bool truncated = false;
  auto range = HeightsBetween(blocks, from, to);
  if (range) {
    if (range->last - range->first + 1 > c.options.max_stats_blocks) {
      range->first = range->last - c.options.max_stats_blocks + 1;  // the newest part
      truncated = true;
    }
    if (range->first > 0) {
      auto before = blocks.HeaderAt(range->first - 1);
      if (before) prev_ts = before->timestamp_ms;
    }
    first_ts = prev_ts;
    Status st = blocks.ForEachSummary(range->first, range->last, [&](const BlockSummary& s) {
      ++blocks_read;
      uint64_t ts = s.header.timestamp_ms;
      if (!first_ts) first_ts = ts;
      if (prev_ts) {
        uint64_t gap = ts - *prev_ts;
        min_gap = gaps == 0 ? gap : std::min(min_gap, gap);
        max_gap = std::max(max_gap, gap);
        ++gaps;
      }
      prev_ts = last_ts = ts;
      all.total += s.tx_count;
      for (const auto& t : s.by_type) {
        const uint64_t held = HeldOf(t);
        TypeTotals& tt = by_type[t.op_type];
        tt.total += t.total;
        tt.succeeded += t.succeeded;
        tt.held += held;
        all.succeeded += t.succeeded;
        all.held += held;
      }
      for (const auto& v : s.volumes) {
        Volume& vol = by_asset[v.asset][v.op_type];
        vol.count += v.count;
        vol.volume += v.volume;
      }
      return true;
    });
    if (!st.ok()) return RpcError::Internal(st.error().ToString());
  }

  Json r = Json::Object();
  r.Set("fromTime", from);
  r.Set("toTime", to);
  if (range) {
    r.Set("fromHeight", range->first);
    r.Set("toHeight", range->last);
  } else {
    r.SetNull("fromHeight");
    r.SetNull("toHeight");
  }
  r.Set("blocks", blocks_read);
  r.Set("truncated", truncated);

  Json txs = Json::Object();
  txs.Set("total", all.total);
  SetOutcomes(txs, all);
  // Of the transactions with a final result (held ones have none yet).
  if (const uint64_t decided = all.total - all.held; decided > 0) {
    txs.Set("successRate", Ratio(all.succeeded, decided, 4));
  } else {
    txs.SetNull("successRate");
  }
  r.Set("transactions", txs);

  Json types = Json::Array();
  for (const auto& [type, t] : by_type) {
    Json e = Json::Object();
    e.Set("type", OpTypeName(static_cast<OpType>(type)));
    e.Set("total", t.total);
    SetOutcomes(e, t);
    types.Push(e);
  }
  r.Set("byType", types);

  AssetBook assets(c.node.chain().state());
  Json asset_list = Json::Array();
  for (const auto& [code, ops] : by_asset) {
    Json a = Json::Object();
    a.Set("asset", code);
    uint64_t count = 0;
    for (const auto& [type, v] : ops) {
      Json e = Json::Object();
      e.Set("count", v.count);
      e.Set("volume", FormatUint128(v.volume, assets.Decimals(code)));
      a.Set(VolumeKey(type), e);
      count += v.count;
    }
    a.Set("transactions", count);
    asset_list.Push(a);
  }
  r.Set("byAsset", asset_list);

  // Throughput over the time the window's blocks took: from the block before
  // the window (when there is one) to the window's last block.
  const uint64_t span_ms = first_ts && last_ts ? *last_ts - *first_ts : 0;
  r.Set("durationMs", span_ms);
  if (span_ms > 0) {
    r.Set("tps", Ratio(static_cast<Uint128>(all.total) * 1000, span_ms, 2));
  } else {
    r.SetNull("tps");
  }
  Json interval = Json::Object();
  if (gaps > 0) {
    interval.Set("averageMs", span_ms / gaps);
    interval.Set("minMs", min_gap);
    interval.Set("maxMs", max_gap);
  } else {
    interval.SetNull("averageMs");
    interval.SetNull("minMs");
    interval.SetNull("maxMs");
  }
  r.Set("blockInterval", interval);
  return r;
}

}  // namespace corridor::node::rpc_methods
