// Queries for the exchange and cross-border operations (docs/rpc.md §5.9):
// fx_getRate, fx_getRateHistory, settlement_getBatch, exchange_getReference.
#include "node/rpc_methods.h"

namespace corridor::node::rpc_methods {
namespace {

struct Pair {
  std::string base;
  std::string quote;
};

// "USD/EUR" -> {USD, EUR}.
rpc::Outcome<Pair> GetPair(const Params& p) {
  auto text = p.GetString("pair");
  if (!text) return std::move(text).error();
  const size_t slash = text->find('/');
  Pair pair;
  if (slash != std::string::npos) {
    pair.base = text->substr(0, slash);
    pair.quote = text->substr(slash + 1);
  }
  if (!IsValidAssetCode(pair.base) || !IsValidAssetCode(pair.quote) || pair.base == pair.quote) {
    return BadParam("pair", "bad_pair",
                    "param 'pair' must be two different asset codes as \"BASE/QUOTE\", such as "
                    "\"USD/EUR\"");
  }
  return pair;
}

Json RateJson(const Pair& pair, const contracts::FxRate& r) {
  Json j = Json::Object();
  j.Set("pair", pair.base + "/" + pair.quote);
  // Quote minor units per base minor unit, exactly numerator / denominator
  // (docs/state.md §3.2); strings, since both are u64.
  j.Set("numerator", std::to_string(r.numerator));
  j.Set("denominator", std::to_string(r.denominator));
  j.Set("validFrom", r.valid_from);
  j.Set("validUntil", r.valid_until);
  j.Set("oracle", r.oracle.ToString());
  j.Set("publishedHeight", r.published_height);
  return j;
}

}  // namespace

MethodResult FxGetRate(const Context& c, const Params& p) {
  if (auto e = p.RejectUnknown({"pair", "height"})) return std::move(*e);
  auto pair = GetPair(p);
  if (!pair) return std::move(pair).error();
  auto at = p.GetOptionalUint64("height");
  if (!at) return std::move(at).error();
  const ChainStore& chain = c.node.chain();
  auto last = chain.blocks().LastHeight();
  if (!last) return RpcError{rpc::kUnavailable, "the node has no chain yet", std::nullopt};
  const uint64_t height = at->value_or(*last);
  if (height > *last) {
    return BadParam("height", "future_height",
                    "param 'height' is " + std::to_string(height) + " but the chain is at " +
                        std::to_string(*last));
  }
  auto rate = contracts::ReadFxRate(chain.StateAt(height), pair->base, pair->quote);
  if (!rate) {
    return RpcError::NotFound("no rate was published for " + pair->base + "/" + pair->quote +
                              " at or before height " + std::to_string(height));
  }
  Json r = RateJson(*pair, *rate);
  r.Set("height", height);
  // Whether a payment in the block at `height` could use it (for the latest
  // height: whether the next block can, when it is still in its window).
  r.Set("usable", rate->UsableAt(height));
  if (!at->has_value()) r.Set("usableNext", rate->UsableAt(height + 1));
  return r;
}

MethodResult FxGetRateHistory(const Context& c, const Params& p) {
  if (auto e = p.RejectUnknown({"pair", "fromHeight", "limit"})) return std::move(*e);
  auto pair = GetPair(p);
  if (!pair) return std::move(pair).error();
  auto from = p.GetOptionalUint64("fromHeight");
  if (!from) return std::move(from).error();
  auto limit = GetLimit(p, c.options.default_history_limit, c.options.max_history_limit);
  if (!limit) return std::move(limit).error();
  const Bytes prefix = contracts::FxRateHistoryPrefix(pair->base, pair->quote);
  const Bytes start = contracts::FxRateHistoryKey(pair->base, pair->quote, from->value_or(0));
  // History keys are never deleted: the current state holds them all, in
  // height order.
  Json rates = Json::Array();
  std::optional<uint64_t> next;
  size_t n = 0;
  for (const auto& [key, value] : c.node.chain().state().ScanRange(start, prefix, *limit + 1)) {
    auto rate = contracts::FxRate::Decode(value);
    if (!rate) continue;
    if (n++ == *limit) {
      next = rate->published_height;
      break;
    }
    rates.Push(RateJson(*pair, *rate));
  }
  Json r = Json::Object();
  r.Set("pair", pair->base + "/" + pair->quote);
  r.Set("rates", rates);
  if (next) r.Set("nextFromHeight", *next);
  return r;
}

MethodResult SettlementGetBatch(const Context& c, const Params& p) {
  if (auto e = p.RejectUnknown({"batchId"})) return std::move(*e);
  auto id = p.GetString("batchId");
  if (!id) return std::move(id).error();
  if (!IsValidExternalId(*id)) {
    return BadParam("batchId", "bad_batch_id",
                    "param 'batchId' must be 1-64 characters of printable ASCII");
  }
  const ChainStore& chain = c.node.chain();
  auto last = chain.blocks().LastHeight();
  if (!last) return RpcError{rpc::kUnavailable, "the node has no chain yet", std::nullopt};
  auto batch = contracts::ReadSettledBatch(chain.StateAt(*last), *id);
  if (!batch) {
    return RpcError::NotFound("batch '" + *id +
                              "' has not been settled (a batch that failed is not recorded: its "
                              "transaction's receipt names the failing trade)");
  }
  Json r = Json::Object();
  r.Set("batchId", *id);
  r.Set("status", "settled");
  r.Set("txId", batch->tx_id.ToHex());
  r.Set("height", batch->height);
  if (auto block = chain.blocks().BlockAt(batch->height)) {
    r.Set("timestamp", (*block)->header().timestamp_ms);
  }
  r.Set("operator", batch->operator_account.ToString());
  r.Set("trades", batch->trades);
  r.Set("movements", batch->movements);
  return r;
}

MethodResult ExchangeGetReference(const Context& c, const Params& p) {
  if (auto e = p.RejectUnknown({"custody", "reference"})) return std::move(*e);
  auto custody = p.GetAddress("custody");
  if (!custody) return std::move(custody).error();
  auto ref = p.GetString("reference");
  if (!ref) return std::move(ref).error();
  if (!IsValidExternalId(*ref)) {
    return BadParam("reference", "bad_reference",
                    "param 'reference' must be 1-64 characters of printable ASCII");
  }
  const ChainStore& chain = c.node.chain();
  auto last = chain.blocks().LastHeight();
  if (!last) return RpcError{rpc::kUnavailable, "the node has no chain yet", std::nullopt};
  auto used = contracts::ReadExchangeReference(chain.StateAt(*last), *custody, *ref);
  if (!used) {
    return RpcError::NotFound("reference '" + *ref + "' has not been used with custody account " +
                              custody->ToString());
  }
  Json r = Json::Object();
  r.Set("custody", custody->ToString());
  r.Set("reference", *ref);
  r.Set("txId", used->tx_id.ToHex());
  r.Set("height", used->height);
  return r;
}

}  // namespace corridor::node::rpc_methods
