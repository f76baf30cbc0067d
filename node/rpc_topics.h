// The node's WebSocket subscription topics (docs/rpc.md "Subscriptions"):
//
//   blocks        one event per committed block, position (height, 0):
//                 the header, its hash, the transaction count and the
//                 block's system events (escrow refunds at the deadline).
//   transactions  one event per committed transaction, position (height,
//                 index in the block): id, status, code and name, sender,
//                 operation type and the receipt's events. The `account`
//                 filter matches the sender and every account its events
//                 touch (payee, minted-to, frozen account...).
//
// The sources replay from the ChainStore (thread-safe reads), bounded per
// call; TopicEvents() builds the live events published after each commit,
// identical to what a replay returns for the same block.
#pragma once

#include <memory>
#include <vector>

#include "chain/block.h"
#include "chain/block_store.h"
#include "chain/receipt.h"
#include "rpc/subscription.h"

namespace corridor::node {

inline constexpr std::string_view kBlocksTopic = "blocks";
inline constexpr std::string_view kTransactionsTopic = "transactions";

std::shared_ptr<rpc::SubscriptionSource> MakeBlocksSource(const ChainStore& store);
std::shared_ptr<rpc::SubscriptionSource> MakeTransactionsSource(const ChainStore& store);

// `state`: the state after `block` (ChainStore::StateAt(height), or the
// current state right after the commit).
rpc::TopicEvent BlockTopicEvent(const Block& block, const StateView& state);
std::vector<rpc::TopicEvent> TransactionTopicEvents(const Block& block,
                                                    const std::vector<Receipt>& receipts,
                                                    const StateView& state);

}  // namespace corridor::node
