#include "node/rpc_topics.h"

#include <algorithm>

#include "contracts/escrow_state.h"
#include "node/rpc_methods.h"

namespace corridor::node {

using namespace rpc_methods;

namespace {

// Blocks a transactions replay reads per call, whatever the filter matches:
// a subscription for a quiet account cannot make one call scan the chain.
constexpr uint64_t kMaxBlocksPerRead = 64;

// `state` is the state after the block (its system events, docs/rpc.md §6).
rpc::Json BlockPayload(const BlockHeader& header, const Hash& hash, uint64_t tx_count,
                       const StateView& state) {
  rpc::Json j = rpc::Json::Object();
  j.Set("height", header.height);
  j.Set("hash", hash.ToHex());
  j.Set("header", HeaderJson(header, hash));
  j.Set("transactionCount", tx_count);
  AssetBook assets(state);
  j.Set("systemEvents", EventsJson(contracts::ReadSystemEvents(state, header.height), assets));
  return j;
}

class BlocksSource final : public rpc::SubscriptionSource {
 public:
  explicit BlocksSource(const ChainStore& store) : store_(store) {}
  Result<rpc::ReplayBatch> ReadFrom(rpc::EventPosition from, size_t max,
                                    const rpc::SubscriptionFilter&) override {
    rpc::ReplayBatch batch;
    const uint64_t last = store_.blocks().LastHeight().value_or(0);
    uint64_t h = std::max<uint64_t>(from.index == 0 ? from.height : from.height + 1, 1);
    for (; h <= last && batch.events.size() < max; ++h) {
      auto s = store_.blocks().SummaryAt(h);
      if (!s) return MakeError("storage", "block summary " + std::to_string(h) + " unreadable");
      rpc::TopicEvent e;
      e.position = {h, 0};
      e.payload = BlockPayload(s->header, s->header.ComputeHash(), s->tx_count, store_.StateAt(h));
      batch.events.push_back(std::move(e));
    }
    batch.resume = {h, 0};
    batch.reached_head = h > last;
    return batch;
  }

 private:
  const ChainStore& store_;
};

class TransactionsSource final : public rpc::SubscriptionSource {
 public:
  explicit TransactionsSource(const ChainStore& store) : store_(store) {}
  Result<rpc::ReplayBatch> ReadFrom(rpc::EventPosition from, size_t max,
                                    const rpc::SubscriptionFilter& filter) override {
    rpc::ReplayBatch batch;
    const uint64_t last = store_.blocks().LastHeight().value_or(0);
    rpc::EventPosition pos = from;
    if (pos.height == 0) pos = {1, 0};
    uint64_t blocks_read = 0;
    while (pos.height <= last && batch.events.size() < max && blocks_read < kMaxBlocksPerRead) {
      auto block = store_.blocks().BlockAt(pos.height);
      auto receipts = store_.blocks().ReceiptsAt(pos.height);
      if (!block && store_.blocks().IsPruned(pos.height)) {
        return MakeError("pruned", "block " + std::to_string(pos.height) +
                                       " was pruned on this node; subscribe from height " +
                                       std::to_string(store_.blocks().BodiesFrom()) +
                                       " or use an archive node");
      }
      if (!block || !receipts) {
        return MakeError("storage", "block " + std::to_string(pos.height) + " unreadable");
      }
      ++blocks_read;
      auto events = TransactionTopicEvents(**block, *receipts, store_.state());
      bool stopped = false;
      for (auto& e : events) {
        if (e.position < pos) continue;
        if (batch.events.size() >= max) {
          pos = e.position;
          stopped = true;
          break;
        }
        if (filter.Matches(e)) batch.events.push_back(std::move(e));
      }
      if (!stopped) pos = {pos.height + 1, 0};
      if (stopped) break;
    }
    batch.resume = pos;
    batch.reached_head = pos.height > last;
    return batch;
  }

 private:
  const ChainStore& store_;
};

}  // namespace

std::shared_ptr<rpc::SubscriptionSource> MakeBlocksSource(const ChainStore& store) {
  return std::make_shared<BlocksSource>(store);
}

std::shared_ptr<rpc::SubscriptionSource> MakeTransactionsSource(const ChainStore& store) {
  return std::make_shared<TransactionsSource>(store);
}

rpc::TopicEvent BlockTopicEvent(const Block& block, const StateView& state) {
  rpc::TopicEvent e;
  e.position = {block.height(), 0};
  e.payload = BlockPayload(block.header(), block.hash(), block.transactions().size(), state);
  return e;
}

std::vector<rpc::TopicEvent> TransactionTopicEvents(const Block& block,
                                                    const std::vector<Receipt>& receipts,
                                                    const StateView& state) {
  std::vector<rpc::TopicEvent> out;
  AssetBook assets(state);
  const auto& txs = block.transactions();
  for (size_t i = 0; i < txs.size() && i < receipts.size(); ++i) {
    const Transaction& tx = *txs[i];
    const Receipt& r = receipts[i];
    rpc::TopicEvent e;
    e.position = {block.height(), static_cast<uint32_t>(i)};
    e.accounts.push_back(tx.body().sender);
    for (const auto& ev : r.events) {
      for (const Address& a : {ev.account, ev.counterparty}) {
        if (!a.IsZero() && std::find(e.accounts.begin(), e.accounts.end(), a) == e.accounts.end()) {
          e.accounts.push_back(a);
        }
      }
    }
    rpc::Json j = rpc::Json::Object();
    j.Set("id", tx.id().ToHex());
    j.Set("height", block.height());
    j.Set("position", static_cast<uint64_t>(i));
    j.Set("blockHash", block.hash().ToHex());
    j.Set("timestamp", block.header().timestamp_ms);
    j.Set("status", StatusOf(r.code));
    j.Set("code", r.code);
    j.Set("codeName", CodeName(r.code));
    j.Set("sender", tx.body().sender.ToString());
    j.Set("nonce", tx.body().nonce);
    j.Set("operation", OperationJson(tx.body().op, assets));
    j.Set("memo", tx.body().memo);
    j.Set("events", EventsJson(r.events, assets));
    e.payload = std::move(j);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace corridor::node
