// Exchange operations: batch trade settlement (delivery versus payment) and
// deposits / withdrawals to and from the custody account (docs/state.md §3.6,
// §3.7).
//
// settle_batch is all or nothing: every check runs before any balance moves,
// and the executor drops the scratch overlay on any failure. Balances move by
// each (account, asset)'s net amount over the batch, so an account may sell
// in one trade what it bought in an earlier one of the same batch. A failure
// names the trade (and account, asset) in the receipt's batch_failed event.
#include <algorithm>
#include <map>
#include <numeric>
#include <limits>
#include <utility>

#include "contracts/op_context.h"

namespace corridor::contracts::internal {
namespace {

using RC = ResultCode;
__extension__ typedef __int128 I128;

static_assert(kMaxReceiptEvents >= 4 * kMaxBatchTrades + 1,
              "a batch may move four balances per trade, each with an event");

constexpr I128 kU64Max = static_cast<I128>(std::numeric_limits<uint64_t>::max());

RC FailAt(OpContext& c, RC code, size_t trade, const Address& account, std::string_view asset) {
  Event e = MakeEvent(EventType::kBatchFailed, account);
  e.asset = std::string(asset);
  e.amount = trade;
  e.detail = static_cast<uint16_t>(code);
  c.failure = std::move(e);
  return code;
}

bool TradeShapeOk(const Trade& t) {
  return IsValidExternalId(t.trade_id) && !t.buyer.IsZero() && !t.seller.IsZero() &&
         t.buyer != t.seller && IsValidAssetCode(t.base_asset) &&
         IsValidAssetCode(t.quote_asset) && t.base_asset != t.quote_asset && t.base_amount != 0 &&
         t.quote_amount != 0;
}

// The first trade (in batch order) whose id repeats an earlier trade's;
// trades.size() when ids are unique.
size_t FirstDuplicateId(const std::vector<Trade>& trades) {
  std::vector<uint32_t> order(trades.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const int cmp = trades[a].trade_id.compare(trades[b].trade_id);
    return cmp != 0 ? cmp < 0 : a < b;
  });
  size_t first = trades.size();
  for (size_t i = 1; i < order.size(); ++i) {
    if (trades[order[i]].trade_id == trades[order[i - 1]].trade_id) {
      first = std::min<size_t>(first, order[i]);
    }
  }
  return first;
}

using Position = std::pair<Address, std::string>;  // (account, asset)

// The trade's effect on one (account, asset): base goes seller -> buyer,
// quote goes buyer -> seller.
I128 EffectOf(const Trade& t, const Position& p) {
  I128 d = 0;
  if (p.second == t.base_asset) {
    if (p.first == t.buyer) d += t.base_amount;
    if (p.first == t.seller) d -= t.base_amount;
  } else if (p.second == t.quote_asset) {
    if (p.first == t.buyer) d -= t.quote_amount;
    if (p.first == t.seller) d += t.quote_amount;
  }
  return d;
}

// The trade after which `p`'s running position first leaves what its
// balance allows ([-available, u64 max - available]). REQUIRES: the batch's
// net for `p` is outside that range, so such a trade exists.
size_t FirstTradeOutOfRange(const std::vector<Trade>& trades, const Position& p,
                            uint64_t available) {
  I128 running = 0;
  const I128 low = -static_cast<I128>(available);
  const I128 high = kU64Max - static_cast<I128>(available);
  for (size_t i = 0; i < trades.size(); ++i) {
    running += EffectOf(trades[i], p);
    if (running < low || running > high) return i;
  }
  return trades.size() - 1;
}

}  // namespace

RC RunSettleBatch(OpContext& c, const Account& sender, const SettleBatch& op) {
  if (!sender.HasRole(Role::kOperator)) return RC::kUnauthorizedRole;
  if (c.ledger.GetSettledBatch(op.batch_id)) return RC::kBatchAlreadySettled;
  const std::vector<Trade>& trades = op.trades;

  // 1. Every trade well formed, ids unique within the batch.
  for (size_t i = 0; i < trades.size(); ++i) {
    if (!TradeShapeOk(trades[i])) return FailAt(c, RC::kBadTrade, i, {}, {});
  }
  if (size_t dup = FirstDuplicateId(trades); dup < trades.size()) {
    return FailAt(c, RC::kBadTrade, dup, {}, {});
  }

  // 2. Assets and parties, in trade order; each read once.
  std::map<std::string, bool, std::less<>> asset_ok;
  std::map<Address, bool> party_ok;
  for (size_t i = 0; i < trades.size(); ++i) {
    const Trade& t = trades[i];
    for (const std::string* code : {&t.base_asset, &t.quote_asset}) {
      if (asset_ok.count(*code)) continue;
      auto asset = c.ledger.GetAsset(*code);
      if (!asset) return FailAt(c, RC::kUnknownAsset, i, {}, *code);
      if (asset->frozen) return FailAt(c, RC::kAssetFrozen, i, {}, *code);
      asset_ok.emplace(*code, true);
    }
    for (const Address* party : {&t.buyer, &t.seller}) {
      if (party_ok.count(*party)) continue;
      auto acc = c.ledger.GetAccount(*party);
      if (!acc) return FailAt(c, RC::kUnknownAccount, i, *party, {});
      if (acc->frozen) return FailAt(c, RC::kTraderFrozen, i, *party, {});
      if (acc->kyc_level == 0) return FailAt(c, RC::kKycRequired, i, *party, {});
      party_ok.emplace(*party, true);
    }
  }

  // 3. Net amount per (account, asset). |sum| < 20,000 * 2^64: fits in 128 bits.
  std::map<Position, I128> net;
  for (const Trade& t : trades) {
    net[{t.buyer, t.base_asset}] += t.base_amount;
    net[{t.seller, t.base_asset}] -= t.base_amount;
    net[{t.buyer, t.quote_asset}] -= t.quote_amount;
    net[{t.seller, t.quote_asset}] += t.quote_amount;
  }

  // 4. Every net debit covered by the available balance, every credit fits.
  std::vector<std::pair<const Position*, Balance>> moves;
  moves.reserve(net.size());
  for (const auto& [pos, amount] : net) {
    if (amount == 0) continue;
    Balance b = c.ledger.GetBalance(pos.first, pos.second);
    const I128 after = static_cast<I128>(b.available) + amount;
    if (after < 0 || after > kU64Max) {
      size_t at = FirstTradeOutOfRange(trades, pos, b.available);
      return FailAt(c, after < 0 ? RC::kInsufficientBalance : RC::kOverflow, at, pos.first,
                    pos.second);
    }
    b.available = static_cast<uint64_t>(after);
    moves.emplace_back(&pos, b);
  }

  // 5. Apply. Per asset the nets sum to zero, so supply is unchanged.
  for (const auto& [pos, balance] : moves) {
    const I128 amount = net.at(*pos);
    c.ledger.PutBalance(pos->first, pos->second, balance);
    Event e = MakeEvent(amount > 0 ? EventType::kSettlementCredit : EventType::kSettlementDebit,
                        pos->first);
    e.asset = pos->second;
    e.amount = static_cast<uint64_t>(amount > 0 ? amount : -amount);
    c.events.push_back(std::move(e));
  }
  SettledBatch record;
  record.tx_id = c.tx_id;
  record.height = c.block.height;
  record.operator_account = c.sender;
  record.trades = static_cast<uint32_t>(trades.size());
  record.movements = static_cast<uint32_t>(moves.size());
  c.ledger.PutSettledBatch(op.batch_id, record);
  Event done = MakeEvent(EventType::kBatchSettled, c.sender);
  done.amount = trades.size();
  done.detail = moves.size();
  c.events.insert(c.events.begin(), std::move(done));
  return RC::kSuccess;
}

RC RunExchangeDeposit(OpContext& c, const ExchangeDeposit& op) {
  auto custody = c.ledger.GetAccount(op.custody);
  if (!custody) return RC::kUnknownAccount;
  if (!custody->HasRole(Role::kCustody)) return RC::kNotCustody;
  if (c.ledger.GetExchangeReference(op.custody, op.reference)) return RC::kDuplicateReference;
  RC rc = Pay(c, c.sender, op.custody, op.asset, op.amount);
  if (rc != RC::kSuccess) return rc;
  c.ledger.PutExchangeReference(op.custody, op.reference, {c.tx_id, c.block.height});
  return RC::kSuccess;
}

RC RunExchangeWithdrawal(OpContext& c, const Account& sender, const ExchangeWithdrawal& op) {
  if (!sender.HasRole(Role::kCustody)) return RC::kUnauthorizedRole;
  if (c.ledger.GetExchangeReference(c.sender, op.reference)) return RC::kDuplicateReference;
  RC rc = Pay(c, c.sender, op.to, op.asset, op.amount);
  if (rc != RC::kSuccess) return rc;
  c.ledger.PutExchangeReference(c.sender, op.reference, {c.tx_id, c.block.height});
  return RC::kSuccess;
}

}  // namespace corridor::contracts::internal
