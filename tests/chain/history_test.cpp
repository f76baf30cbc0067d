// The records ChainStore keeps for explorers and statements: account history
// records, block summaries, the bounded history scan, time-to-height search,
// the timestamp rule, past state values, and the audit index (chain/audit.h).
#include "chain/history.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <limits>
#include <set>

#include <leveldb/db.h>
#include <leveldb/write_batch.h>

#include "chain/audit.h"
#include "chain/block_store.h"
#include "chain/encoding.h"

namespace corridor {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  TempDir() {
    path = fs::temp_directory_path() /
           ("corridor-hist-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path);
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path path;
  static inline int counter = 0;
};

PrivateKey Key(int i) {
  Hash h = Sha256(AsBytes("history-test/" + std::to_string(i)));
  return PrivateKey::FromBytes(ByteSpan(h.bytes)).value();
}
Address AddrOf(int i) {
  return Address::FromPublicKey(Key(i).public_key());
}

TransactionPtr Tx(int from, Operation op, uint64_t nonce, std::string memo = "") {
  PrivateKey k = Key(from);
  TxBody b;
  b.chain_id = "test-chain";
  b.sender = AddrOf(from);
  b.nonce = nonce;
  b.expiry_height = 1000;
  b.op = std::move(op);
  b.memo = std::move(memo);
  return Transaction::Sign(std::move(b), {&k});
}

TransactionPtr Pay(int from, int to, uint64_t amount, uint64_t nonce, std::string memo = "") {
  return Tx(from, Payment{AddrOf(to), "USD", amount}, nonce, std::move(memo));
}

// A transfer receipt for a payment (code 0), or a bare failure code.
Receipt ReceiptFor(const Transaction& tx, uint16_t code = 0) {
  Receipt r;
  r.tx_id = tx.id();
  r.code = code;
  if (code == 0 && std::holds_alternative<Payment>(tx.body().op)) {
    const auto& p = std::get<Payment>(tx.body().op);
    Event e;
    e.type = 1;
    e.account = tx.body().sender;
    e.counterparty = p.to;
    e.asset = p.asset;
    e.amount = p.amount;
    r.events.push_back(e);
  }
  return r;
}

TEST(AccountHistoryRecordTest, RoundTripsAndRefusesGarbage) {
  AccountHistoryRecord rec;
  rec.location = {7, 3};
  rec.tx_id = Sha256(AsBytes("x"));
  rec.timestamp_ms = 1735689600123;
  rec.op_type = 1;
  rec.code = 306;
  rec.is_sender = true;
  rec.value = {"USD", 1250};
  rec.counterparties = {AddrOf(1), AddrOf(2)};
  rec.memo = "INV-1";
  Event e;
  e.type = 1;
  e.account = AddrOf(1);
  e.asset = "USD";
  e.amount = 5;
  rec.events = {e};
  Bytes v = rec.EncodeValue();
  EXPECT_EQ(Bytes(v.begin(), v.begin() + 32), Bytes(rec.tx_id.bytes.begin(), rec.tx_id.bytes.end()))
      << "the transaction id comes first";
  auto back = AccountHistoryRecord::DecodeValue(v, {7, 3});
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, rec);

  Bytes trailing = v;
  trailing.push_back(0);
  EXPECT_FALSE(AccountHistoryRecord::DecodeValue(trailing, {7, 3}).has_value());
  Bytes truncated(v.begin(), v.end() - 1);
  EXPECT_FALSE(AccountHistoryRecord::DecodeValue(truncated, {7, 3}).has_value());
  Bytes id_only(v.begin(), v.begin() + 32);  // the format before records existed
  EXPECT_FALSE(AccountHistoryRecord::DecodeValue(id_only, {7, 3}).has_value());
}

TEST(BuildAccountHistoryTest, OneRecordPerTouchedAccount) {
  BlockHeader h;
  h.height = 5;
  h.timestamp_ms = 42;
  auto tx = Pay(1, 2, 300, 0, "memo");
  auto recs = BuildAccountHistory(h, 4, *tx, ReceiptFor(*tx));
  ASSERT_EQ(recs.size(), 2u);
  std::set<Address> accounts{recs[0].first, recs[1].first};
  EXPECT_EQ(accounts, (std::set<Address>{AddrOf(1), AddrOf(2)}));
  for (const auto& [account, rec] : recs) {
    EXPECT_EQ(rec.location, (TxLocation{5, 4}));
    EXPECT_EQ(rec.tx_id, tx->id());
    EXPECT_EQ(rec.timestamp_ms, 42u);
    EXPECT_EQ(rec.op_type, 1);
    EXPECT_EQ(rec.value.asset, "USD");
    EXPECT_EQ(rec.value.amount, 300u);
    EXPECT_EQ(rec.memo, "memo");
    EXPECT_EQ(rec.is_sender, account == AddrOf(1));
    ASSERT_EQ(rec.counterparties.size(), 1u);
    EXPECT_EQ(rec.counterparties[0], account == AddrOf(1) ? AddrOf(2) : AddrOf(1));
    EXPECT_EQ(rec.events.size(), 1u);
  }

  // A failed payment touched only its sender, but still names the payee.
  auto failed = BuildAccountHistory(h, 0, *tx, ReceiptFor(*tx, 306));
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].first, AddrOf(1));
  EXPECT_EQ(failed[0].second.code, 306);
  EXPECT_EQ(failed[0].second.counterparties, std::vector<Address>{AddrOf(2)});
  EXPECT_TRUE(failed[0].second.events.empty());
}

// The summary of a block of `txs` at `height` with the given result codes.
BlockSummary SummaryOf(const std::vector<TransactionPtr>& txs, const std::vector<uint16_t>& codes,
                       uint64_t height) {
  std::vector<Receipt> receipts;
  for (size_t i = 0; i < txs.size(); ++i) receipts.push_back(ReceiptFor(*txs[i], codes[i]));
  BlockHeader h;
  h.chain_id = "test-chain";
  h.height = height;
  h.tx_root = Block::ComputeTxRoot(txs);
  return BlockSummary::Build(*Block::Create(h, txs), receipts);
}

TEST(BlockSummaryTest, CountsAndVolumesRoundTrip) {
  constexpr uint64_t kBig = std::numeric_limits<uint64_t>::max();
  BlockSummary s =
      SummaryOf({Pay(1, 2, kBig, 0), Pay(1, 2, kBig, 1), Pay(1, 2, 7, 2)}, {0, 0, 306}, 3);
  EXPECT_EQ(s.tx_count, 3u);
  ASSERT_EQ(s.by_type.size(), 1u);
  EXPECT_EQ(s.by_type[0].op_type, 1);
  EXPECT_EQ(s.by_type[0].total, 3u);
  EXPECT_EQ(s.by_type[0].succeeded, 2u);
  ASSERT_EQ(s.volumes.size(), 1u);
  EXPECT_EQ(s.volumes[0].asset, "USD");
  EXPECT_EQ(s.volumes[0].count, 2u);
  EXPECT_EQ(Uint128ToString(s.volumes[0].volume), "36893488147419103230");  // 2 * (2^64 - 1)
  auto back = BlockSummary::Decode(s.Encode());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, s);
  EXPECT_EQ(Uint128ToString(0), "0");
}

// The summary counts every non-zero result code per type without giving it a
// meaning (360, held, is the RPC layer's to classify), and still reads the
// format-1 summaries written before codes were counted.
TEST(BlockSummaryTest, CountsResultCodesPerTypeAndReadsFormatOne) {
  BlockSummary s = SummaryOf(
      {Pay(1, 2, 5, 0), Pay(1, 2, 6, 1), Pay(1, 2, 7, 2), Pay(1, 2, 8, 3), Pay(1, 2, 9, 4)},
      {360, 0, 306, 360, 360}, 4);
  ASSERT_EQ(s.by_type.size(), 1u);
  const auto& t = s.by_type[0];
  EXPECT_EQ(t.total, 5u);
  EXPECT_EQ(t.succeeded, 1u);
  EXPECT_EQ(t.codes, (std::vector<BlockSummary::CodeCount>{{306, 1}, {360, 3}}));
  EXPECT_EQ(t.CountOf(360), 3u);
  EXPECT_EQ(t.CountOf(0), 0u);
  ASSERT_EQ(s.volumes.size(), 1u);
  EXPECT_EQ(s.volumes[0].count, 1u);  // held and failed payments move no volume
  const Bytes encoded = s.Encode();
  EXPECT_EQ(encoded[0], 2);  // format
  auto back = BlockSummary::Decode(encoded);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, s);

  // `s` encoded by hand in `format`, with `codes` as its one type's code
  // counts (format 2) or none (format 1).
  auto encoded_as = [&](uint8_t format, std::vector<std::pair<uint16_t, uint64_t>> codes) {
    Writer x;
    x.U8(format);
    x.VarBytes(s.header.Encode());
    x.Varint(s.tx_count);
    x.Varint(1);
    x.U16(t.op_type);
    x.Varint(t.total);
    x.Varint(t.succeeded);
    if (format != 1) {
      x.Varint(codes.size());
      for (auto [code, count] : codes) {
        x.U16(code);
        x.Varint(count);
      }
    }
    x.Varint(0);  // no volumes
    return BlockSummary::Decode(x.data());
  };
  // The same summary as a node before format 2 wrote it: no code counts.
  auto old = encoded_as(1, {});
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->by_type[0].total, 5u);
  EXPECT_EQ(old->by_type[0].succeeded, 1u);
  EXPECT_TRUE(old->by_type[0].codes.empty());
  EXPECT_EQ(old->by_type[0].CountOf(360), 0u);

  // Refused: code counts that do not add up to the failures, codes out of
  // order or repeated, a zero code or count, an unknown format.
  EXPECT_TRUE(encoded_as(2, {{306, 1}, {360, 3}}).has_value());
  EXPECT_FALSE(encoded_as(2, {{306, 1}, {360, 2}}).has_value());
  EXPECT_FALSE(encoded_as(2, {{360, 3}, {306, 1}}).has_value());
  EXPECT_FALSE(encoded_as(2, {{306, 1}, {306, 3}}).has_value());
  EXPECT_FALSE(encoded_as(2, {{0, 1}, {360, 3}}).has_value());
  EXPECT_FALSE(encoded_as(2, {{306, 0}, {360, 4}}).has_value());
  EXPECT_FALSE(encoded_as(3, {{306, 1}, {360, 3}}).has_value());
}

// A store with blocks of payments among accounts 1..4 at chosen timestamps.
class HistoryStoreTest : public ::testing::Test {
 protected:
  HistoryStoreTest() {
    ChainStore::Options o;
    o.path = dir_.path.string();
    store_ = std::move(ChainStore::Open(o)).value();
  }

  // Commits a block of `txs` at `timestamp_ms`; `fail` marks positions that
  // get code 306. `changes` are the block's state writes.
  Status Commit(uint64_t timestamp_ms, const std::vector<TransactionPtr>& txs,
                StateChanges changes = {}, std::set<size_t> fail = {}) {
    auto last = store_->blocks().LastHeight();
    BlockHeader h;
    h.chain_id = "test-chain";
    h.height = last ? *last + 1 : 0;
    h.prev_hash = last ? (*store_->blocks().BlockAt(*last))->hash() : Hash{};
    h.timestamp_ms = timestamp_ms;
    h.tx_root = Block::ComputeTxRoot(txs);
    std::vector<Receipt> receipts;
    for (size_t i = 0; i < txs.size(); ++i) {
      receipts.push_back(ReceiptFor(*txs[i], fail.count(i) ? 306 : 0));
    }
    h.receipts_root = ReceiptsRoot(receipts);
    PendingState st = store_->state().Prepare(changes);
    h.state_root = st.root;
    auto block = Block::Create(h, txs);
    CommitCertificate cert;
    cert.height = h.height;
    cert.block_hash = block->hash();
    return store_->CommitBlock(*block, cert, receipts, st);
  }

  static Bytes B(std::string_view s) { return Bytes(s.begin(), s.end()); }

  TempDir dir_;
  std::unique_ptr<ChainStore> store_;
};

TEST_F(HistoryStoreTest, TimestampsMayNotGoBackwards) {
  ASSERT_TRUE(Commit(1000, {}).ok());
  ASSERT_TRUE(Commit(1000, {}).ok()) << "equal timestamps are allowed";
  auto st = Commit(999, {});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "bad_timestamp");
  EXPECT_EQ(*store_->blocks().LastHeight(), 1u);
}

TEST_F(HistoryStoreTest, HeadersSummariesAndTimeSearch) {
  // Heights 0..5 at times 100, 200, 200, 200, 300, 500.
  for (uint64_t t : {100, 200, 200, 200, 300, 500}) ASSERT_TRUE(Commit(t, {Pay(1, 2, 5, t)}).ok());
  const BlockStore& bs = store_->blocks();
  EXPECT_EQ(bs.HeaderAt(4)->timestamp_ms, 300u);
  EXPECT_EQ(bs.HeaderAt(4)->ComputeHash(), (*bs.BlockAt(4))->hash());
  EXPECT_EQ(bs.SummaryAt(2)->tx_count, 1u);
  EXPECT_FALSE(bs.HeaderAt(6).has_value());
  std::vector<uint64_t> heights;
  ASSERT_TRUE(bs.ForEachSummary(1, 4, [&](const BlockSummary& s) {
                  heights.push_back(s.header.height);
                  return true;
                }).ok());
  EXPECT_EQ(heights, (std::vector<uint64_t>{1, 2, 3, 4}));
  heights.clear();
  ASSERT_TRUE(bs.ForEachSummary(2, 5, [&](const BlockSummary& s) {
                  heights.push_back(s.header.height);
                  return heights.size() < 2;
                }).ok());
  EXPECT_EQ(heights, (std::vector<uint64_t>{2, 3}));
  auto beyond = bs.ForEachSummary(4, 6, [](const BlockSummary&) { return true; });
  EXPECT_FALSE(beyond.ok());
  EXPECT_EQ(beyond.error().code, "corrupt_index");

  EXPECT_EQ(bs.FirstHeightAtOrAfter(0), 0u);
  EXPECT_EQ(bs.FirstHeightAtOrAfter(100), 0u);
  EXPECT_EQ(bs.FirstHeightAtOrAfter(101), 1u);
  EXPECT_EQ(bs.FirstHeightAtOrAfter(200), 1u);
  EXPECT_EQ(bs.FirstHeightAtOrAfter(201), 4u);
  EXPECT_EQ(bs.FirstHeightAtOrAfter(500), 5u);
  EXPECT_FALSE(bs.FirstHeightAtOrAfter(501).has_value());

  EXPECT_FALSE(bs.LastHeightAtOrBefore(99).has_value());
  EXPECT_EQ(bs.LastHeightAtOrBefore(100), 0u);
  EXPECT_EQ(bs.LastHeightAtOrBefore(200), 3u);
  EXPECT_EQ(bs.LastHeightAtOrBefore(299), 3u);
  EXPECT_EQ(bs.LastHeightAtOrBefore(10'000), 5u);
}

TEST_F(HistoryStoreTest, ScanIsOrderedBoundedAndResumable) {
  // Height h (1..6) holds payments 1->2, 3->1 and 1->4; account 1 is in all three.
  ASSERT_TRUE(Commit(0, {}).ok());
  uint64_t nonce = 0;
  for (uint64_t h = 1; h <= 6; ++h) {
    ASSERT_TRUE(
        Commit(h * 10,
               {Pay(1, 2, h, nonce++), Pay(3, 1, 100 + h, nonce++), Pay(1, 4, 200 + h, nonce++)},
               {}, {2})
            .ok());
  }
  const BlockStore& bs = store_->blocks();
  HistoryScan all;
  all.limit = 1000;
  auto page = bs.ScanAccountHistory(AddrOf(1), all);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->records.size(), 18u);
  EXPECT_FALSE(page->resume.has_value());
  EXPECT_EQ(page->records.front().location, (TxLocation{6, 2}));
  EXPECT_EQ(page->records.back().location, (TxLocation{1, 0}));
  for (size_t i = 1; i < page->records.size(); ++i) {
    EXPECT_LT(page->records[i].location, page->records[i - 1].location);
  }
  EXPECT_EQ(page->records.front().code, 306);
  EXPECT_TRUE(page->records.front().is_sender);

  // Oldest first within a height range.
  HistoryScan range;
  range.order = HistoryScan::Order::kOldestFirst;
  range.lowest = {2, 1};
  range.highest = {3, 1};
  auto r = bs.ScanAccountHistory(AddrOf(1), range);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->records.size(), 4u);
  EXPECT_EQ(r->records[0].location, (TxLocation{2, 1}));
  EXPECT_EQ(r->records[3].location, (TxLocation{3, 1}));

  // Filter + limit: received payments only, two per page; resuming past the
  // returned position visits every match exactly once.
  HistoryScan received;
  received.limit = 2;
  received.filter = [](const AccountHistoryRecord& rec) { return !rec.is_sender; };
  std::vector<TxLocation> seen;
  for (int pages = 0; pages < 10; ++pages) {
    auto p = bs.ScanAccountHistory(AddrOf(1), received);
    ASSERT_TRUE(p.ok());
    for (const auto& rec : p->records) seen.push_back(rec.location);
    if (!p->resume) break;
    TxLocation next = *p->resume;
    received.highest = next.position > 0 ? TxLocation{next.height, next.position - 1}
                                         : TxLocation{next.height - 1, kLastLocation.position};
  }
  ASSERT_EQ(seen.size(), 6u);
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], (TxLocation{6 - i, 1}));

  // The scan budget stops a scan that finds nothing, with a place to resume.
  HistoryScan none;
  none.max_scan = 5;
  none.filter = [](const AccountHistoryRecord&) { return false; };
  auto budget = bs.ScanAccountHistory(AddrOf(1), none);
  ASSERT_TRUE(budget.ok());
  EXPECT_TRUE(budget->records.empty());
  EXPECT_EQ(budget->scanned, 5u);
  ASSERT_TRUE(budget->resume.has_value());
  EXPECT_EQ(*budget->resume, (TxLocation{5, 1}));

  // Limit reached exactly at the end of the range: nothing to resume.
  HistoryScan exact;
  exact.limit = 3;
  exact.lowest = {6, 0};
  auto e = bs.ScanAccountHistory(AddrOf(1), exact);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->records.size(), 3u);
  EXPECT_FALSE(e->resume.has_value());

  // An account with no history, and the legacy ascending reader.
  auto empty = bs.ScanAccountHistory(AddrOf(9), all);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->records.empty());
  auto legacy = bs.AccountHistory(AddrOf(1), 2, 0, 2);
  ASSERT_EQ(legacy.size(), 2u);
  EXPECT_EQ(legacy[0].tx_id, page->records[14].tx_id);
}

TEST_F(HistoryStoreTest, PastStateValuesAndPrefixScan) {
  ASSERT_TRUE(Commit(1, {}, {{B("k1"), B("a")}, {B("k12"), B("x")}}).ok());  // height 0
  ASSERT_TRUE(Commit(2, {}, {{B("k1"), B("b")}}).ok());                      // 1
  ASSERT_TRUE(Commit(3, {}, {{B("k2"), B("c")}}).ok());                      // 2
  ASSERT_TRUE(Commit(4, {}, {{B("k1"), std::nullopt}}).ok());                // 3
  auto at = [&](uint64_t h, std::string_view key) -> std::string {
    auto v = store_->StateAt(h).Get(AsBytes(key));
    return v ? std::string(v->begin(), v->end()) : "<absent>";
  };
  EXPECT_EQ(at(0, "k1"), "a");
  EXPECT_EQ(at(1, "k1"), "b");
  EXPECT_EQ(at(2, "k1"), "b");
  EXPECT_EQ(at(3, "k1"), "<absent>");
  EXPECT_EQ(at(99, "k1"), "<absent>");
  EXPECT_EQ(at(0, "k12"), "x");
  EXPECT_EQ(at(3, "k12"), "x");
  EXPECT_EQ(at(1, "k2"), "<absent>");
  EXPECT_EQ(at(2, "k2"), "c");
  EXPECT_EQ(at(2, "k"), "<absent>");
  EXPECT_EQ(at(2, "nope"), "<absent>");
  EXPECT_EQ(store_->StateAt(2).height(), 2u);

  auto scan = store_->state().ScanPrefix(AsBytes("k1"), 10);
  ASSERT_EQ(scan.size(), 1u);  // k1 is deleted now
  EXPECT_EQ(scan[0].first, B("k12"));
  EXPECT_EQ(store_->state().ScanPrefix(AsBytes("k"), 1).size(), 1u);
  EXPECT_EQ(store_->state().ScanPrefix(AsBytes("k"), 10).size(), 2u);
}

// ---------------------------------------------------------------- audit index

TEST(AuditCategoryTest, AdministrativeOperationsOnly) {
  EXPECT_EQ(AuditCategoryOf(OpType::kGrantRole), AuditCategory::kRole);
  EXPECT_EQ(AuditCategoryOf(OpType::kFreezeAsset), AuditCategory::kFreeze);
  EXPECT_EQ(AuditCategoryOf(OpType::kAmlRuleSet), AuditCategory::kAmlRule);
  EXPECT_EQ(AuditCategoryOf(OpType::kHoldReject), AuditCategory::kHold);
  EXPECT_EQ(AuditCategoryOf(OpType::kHaltNetwork), AuditCategory::kNetwork);
  EXPECT_EQ(AuditCategoryOf(OpType::kProposeValidatorChange), AuditCategory::kGovernance);
  for (OpType t : {OpType::kPayment, OpType::kMint, OpType::kBurn, OpType::kFxPayment,
                   OpType::kSettleBatch, OpType::kPublishRate, OpType::kEscrowCreate,
                   OpType::kDisputeOpen, OpType::kExchangeDeposit}) {
    EXPECT_FALSE(IsAudited(t)) << OpTypeName(t);
  }
  // Every category has a distinct name and at least one operation.
  std::set<std::string_view> names;
  for (uint8_t c = 1; c <= kMaxAuditCategory; ++c) {
    auto category = static_cast<AuditCategory>(c);
    names.insert(AuditCategoryName(category));
    bool used = false;
    for (uint16_t t = 1; t < 256; ++t) used |= AuditCategoryOf(static_cast<OpType>(t)) == category;
    EXPECT_TRUE(used) << AuditCategoryName(category);
  }
  EXPECT_EQ(names.size(), kMaxAuditCategory);
  EXPECT_FALSE(names.count("none"));
}

TEST(AuditRecordTest, RoundTripsAndRefusesGarbage) {
  AuditRecord rec;
  rec.location = {9, 2};
  rec.timestamp_ms = 1735689600123;
  rec.tx = Tx(1, FreezeAccount{AddrOf(2)}, 4, "case 17: court order");
  rec.receipt.tx_id = rec.tx->id();
  rec.receipt.code = 0;
  Event e;
  e.type = 9;
  e.account = AddrOf(2);
  rec.receipt.events.push_back(e);
  const Bytes v = rec.EncodeValue();
  auto back = AuditRecord::DecodeValue(v, rec.location);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->location, rec.location);
  EXPECT_EQ(back->timestamp_ms, rec.timestamp_ms);
  EXPECT_EQ(back->tx->encoded(), rec.tx->encoded());
  EXPECT_EQ(back->receipt, rec.receipt);
  EXPECT_EQ(back->category(), AuditCategory::kFreeze);

  for (size_t n = 0; n < v.size(); ++n) {
    EXPECT_FALSE(AuditRecord::DecodeValue(ByteSpan(v.data(), n), rec.location)) << n;
  }
  Bytes longer = v;
  longer.push_back(0);
  EXPECT_FALSE(AuditRecord::DecodeValue(longer, rec.location));
  Bytes other_format = v;
  other_format[0] = 2;
  EXPECT_FALSE(AuditRecord::DecodeValue(other_format, rec.location));
  // A receipt of another transaction.
  AuditRecord mismatched = rec;
  mismatched.receipt.tx_id = Sha256(AsBytes("another"));
  EXPECT_FALSE(AuditRecord::DecodeValue(mismatched.EncodeValue(), rec.location));
}

class AuditStoreTest : public HistoryStoreTest {
 protected:
  // Heights 0..6; each of 1..6 holds a payment, then (at even heights) an
  // administrative transaction; the one at height 4 fails (code 306).
  void CommitSix() {
    ASSERT_TRUE(Commit(0, {}).ok());
    uint64_t nonce = 0;
    for (uint64_t h = 1; h <= 6; ++h) {
      std::vector<TransactionPtr> txs;
      txs.reserve(2);
      txs.push_back(Pay(1, 2, h, nonce++));
      if (h % 2 == 0) {
        txs.push_back(Tx(7, GrantRole{AddrOf(static_cast<int>(h)), Role::kIssuer}, nonce++,
                         "ticket " + std::to_string(h)));
      }
      ASSERT_TRUE(Commit(h * 10, txs, {}, h == 4 ? std::set<size_t>{1} : std::set<size_t>{}).ok());
    }
  }

  std::vector<uint64_t> AuditHeights(AuditScan scan = {}) {
    std::vector<uint64_t> out;
    auto page = store_->blocks().ScanAudit(scan);
    EXPECT_TRUE(page.ok());
    if (!page.ok()) return out;
    for (const auto& r : page->records) out.push_back(r.location.height);
    return out;
  }

  // Deletes the audit index and its marker, as in a store written before
  // the index existed.
  void DropAuditIndex() {
    leveldb::DB& db = store_->db();
    leveldb::WriteBatch batch;
    std::unique_ptr<leveldb::Iterator> it(db.NewIterator(leveldb::ReadOptions()));
    for (it->Seek("u"); it->Valid() && it->key()[0] == 'u'; it->Next()) batch.Delete(it->key());
    batch.Delete("maudit");
    ASSERT_TRUE(db.Write(leveldb::WriteOptions(), &batch).ok());
  }

  void Reopen() {
    store_.reset();
    ChainStore::Options o;
    o.path = dir_.path.string();
    store_ = std::move(ChainStore::Open(o)).value();
  }
};

TEST_F(AuditStoreTest, HoldsAdministrativeTransactionsNewestFirstFailedOnesToo) {
  CommitSix();
  const BlockStore& bs = store_->blocks();
  EXPECT_EQ(bs.AuditFrom(), 0u);
  auto page = bs.ScanAudit({});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->records.size(), 3u);
  EXPECT_FALSE(page->resume.has_value());
  const AuditRecord& newest = page->records[0];
  EXPECT_EQ(newest.location, (TxLocation{6, 1}));
  EXPECT_EQ(newest.timestamp_ms, 60u);
  EXPECT_EQ(newest.tx->body().memo, "ticket 6");
  EXPECT_EQ(newest.tx->body().sender, AddrOf(7));
  EXPECT_EQ(newest.receipt.code, 0);
  EXPECT_EQ(newest.tx->id(), (*bs.BlockAt(6))->transactions()[1]->id());
  EXPECT_EQ(page->records[1].receipt.code, 306) << "a refused attempt is in the trail";
  EXPECT_EQ(AuditHeights(), (std::vector<uint64_t>{6, 4, 2}));

  // Range, order, filter, limit and the scan budget.
  AuditScan range;
  range.order = HistoryScan::Order::kOldestFirst;
  range.lowest = {3, 0};
  EXPECT_EQ(AuditHeights(range), (std::vector<uint64_t>{4, 6}));
  AuditScan ok_only;
  ok_only.filter = [](const AuditRecord& r) { return r.receipt.code == 0; };
  EXPECT_EQ(AuditHeights(ok_only), (std::vector<uint64_t>{6, 2}));
  AuditScan one;
  one.limit = 1;
  auto first = bs.ScanAudit(one);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->resume.has_value());
  EXPECT_EQ(*first->resume, (TxLocation{6, 1}));
  AuditScan budget;
  budget.max_scan = 2;
  auto b = bs.ScanAudit(budget);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->scanned, 2u);
  ASSERT_TRUE(b->resume.has_value());
  EXPECT_EQ(*b->resume, (TxLocation{4, 1}));

  // Survives pruning of the bodies.
  ASSERT_TRUE(store_->Prune(1).ok());
  EXPECT_TRUE(bs.IsPruned(4));
  EXPECT_EQ(AuditHeights(), (std::vector<uint64_t>{6, 4, 2}));
}

TEST_F(AuditStoreTest, BuiltOnOpenForAStoreThatPredatesIt) {
  CommitSix();
  DropAuditIndex();
  EXPECT_TRUE(AuditHeights().empty());
  Reopen();
  EXPECT_EQ(AuditHeights(), (std::vector<uint64_t>{6, 4, 2}));
  EXPECT_EQ(store_->blocks().AuditFrom(), 0u);
  // Blocks committed after the build are indexed as usual.
  ASSERT_TRUE(Commit(70, {Tx(7, RevokeRole{AddrOf(2), Role::kIssuer}, 100)}).ok());
  EXPECT_EQ(AuditHeights(), (std::vector<uint64_t>{7, 6, 4, 2}));

  // With older bodies pruned, the index starts at the first kept body and
  // says so.
  ASSERT_TRUE(store_->Prune(3).ok());  // keeps the bodies of 5..7
  DropAuditIndex();
  Reopen();
  EXPECT_EQ(store_->blocks().AuditFrom(), 5u);
  EXPECT_EQ(AuditHeights(), (std::vector<uint64_t>{7, 6}));
}

}  // namespace
}  // namespace corridor
