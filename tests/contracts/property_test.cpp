// Property test (issue 3, Done when): thousands of random operations from
// many accounts, executed twice from the same genesis, give identical state
// roots and receipts; after every block each asset's supply equals the sum of
// its balances (available + locked). Seeded; prints the seed; set
// CORRIDOR_SEED to replay one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>

#include "test_chain.h"

namespace corridor::contracts {
namespace {

using testing::Addr;
using testing::TestChain;

constexpr int kUsers = 40;
const std::vector<std::string> kAssets = {"USD", "EUR", "GBP"};

std::string User(int i) {
  return "user-" + std::to_string(i);
}

GenesisDoc PropertyGenesis() {
  GenesisDoc doc = DevNetworkGenesis(4);
  doc.assets.push_back({"GBP", 2, Addr("bank")});
  for (int i = 0; i < kUsers; ++i) {
    GenesisAccount a;
    a.address = Addr(User(i));
    a.kyc_level = 1;
    a.jurisdiction = i % 2 ? "GB" : "SG";
    doc.accounts.push_back(a);
    for (const auto& asset : kAssets) {
      if ((i + asset[0]) % 3 != 0) doc.balances.push_back({a.address, asset, 10'000u + i});
    }
  }
  return doc;
}

// Checks supply == sum(available + locked) for every asset; returns the
// number of assets checked.
size_t CheckConservation(const ChainStore& store) {
  std::map<std::string, uint64_t> sums;
  std::map<std::string, uint64_t> supply;
  for (const auto& [k, v] : store.state().Scan()) {
    if (k.empty()) continue;
    if (k[0] == 0x02) {
      auto a = AssetInfo::Decode(ByteSpan(k).subspan(1), v);
      EXPECT_TRUE(a.has_value());
      supply[a->code] = a->supply;
    } else if (k[0] == 0x03) {
      Address addr = {};
      std::copy(k.begin() + 1, k.begin() + 21, addr.bytes.begin());
      std::string code(k.begin() + 21, k.end());
      Balance b = ReadBalance(store.state(), addr, code);
      EXPECT_FALSE(b.IsZero()) << "zero balances are deleted, not stored";
      uint64_t& s = sums[code];
      EXPECT_FALSE(__builtin_add_overflow(s, b.available, &s));
      EXPECT_FALSE(__builtin_add_overflow(s, b.locked, &s));
    }
  }
  for (const auto& [code, s] : supply) EXPECT_EQ(sums[code], s) << "asset " << code;
  return supply.size();
}

Operation RandomOp(std::mt19937_64& rng, const std::string& sender,
                   std::vector<std::string>& extra_assets, uint64_t height) {
  auto user = [&] { return Addr(User(static_cast<int>(rng() % kUsers))); };
  auto asset = [&]() -> std::string {
    if (!extra_assets.empty() && rng() % 10 == 0) return extra_assets[rng() % extra_assets.size()];
    return kAssets[rng() % kAssets.size()];
  };
  if (sender == "bank") {
    switch (rng() % 4) {
      case 0:
        return Mint{user(), asset(), rng() % 5000 + 1};
      case 1:
        return Burn{asset(), rng() % 2000 + 1};
      case 2: {
        std::string code = "T" + std::to_string(rng() % 50);
        extra_assets.push_back(code);
        return CreateAsset{code, static_cast<uint8_t>(rng() % 7), Addr("bank")};
      }
      default:
        return Payment{user(), asset(), rng() % 100 + 1};
    }
  }
  if (sender == "compliance") {
    // Unfreezes are likelier than freezes, so most of the ledger stays live.
    switch (rng() % 8) {
      case 0:
        return FreezeAccount{user()};
      case 1:
      case 2:
        return UnfreezeAccount{user()};
      case 3:
        return FreezeAsset{asset()};
      default:
        return UnfreezeAsset{asset()};
    }
  }
  if (sender == "oracle") {
    // Rates for random pairs, windows around the current height (some stale,
    // some same-asset or zero: rejected).
    std::string base = asset(), quote = asset();
    uint64_t from = height - std::min<uint64_t>(height, 2) + rng() % 5;
    return PublishRate{base, quote, rng() % 200, rng() % 200 + 1, from, from + rng() % 6};
  }
  if (sender == "admin") {
    Role r = static_cast<Role>(rng() % (kMaxRoleCode + 1));
    if (rng() % 2) return GrantRole{user(), r};
    return RevokeRole{user(), r};
  }
  // A user: mostly payments (some overdrawn, some to unknown accounts), some burns.
  uint64_t r = rng() % 100;
  if (r < 80) return Payment{user(), asset(), rng() % 3000 + 1};
  if (r < 85) return Payment{Addr("stranger-" + std::to_string(rng() % 3)), asset(), 1};
  if (r < 95) return Burn{asset(), rng() % 500 + 1};
  return Mint{user(), asset(), 1};  // unauthorised
}

TEST(PropertyTest, DeterministicAndConserving) {
  uint64_t seed = std::random_device{}();
  if (const char* s = std::getenv("CORRIDOR_SEED")) seed = std::strtoull(s, nullptr, 10);
  std::cout << "seed " << seed << " (replay: CORRIDOR_SEED=" << seed << ")\n";
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);

  constexpr int kBlocks = 40;
  constexpr int kTxPerBlock = 100;
  TestChain a(PropertyGenesis());
  TestChain b(PropertyGenesis(), Executor::Options{.verify_signatures = false});
  ASSERT_EQ(a.store().state().Root(), b.store().state().Root());
  EXPECT_EQ(CheckConservation(a.store()), 3u);

  std::vector<std::string> senders;
  for (int i = 0; i < kUsers; ++i) senders.push_back(User(i));
  for (const char* s : {"bank", "compliance", "admin", "oracle"}) senders.push_back(s);
  std::vector<std::string> extra_assets;
  std::map<int, int> codes;
  size_t applied = 0;
  for (int blk = 0; blk < kBlocks; ++blk) {
    std::map<std::string, uint64_t> nonce;
    std::vector<TransactionPtr> txs;
    for (int i = 0; i < kTxPerBlock; ++i) {
      const std::string& s = senders[rng() % senders.size()];
      if (!nonce.count(s)) nonce[s] = a.NextNonce(Addr(s));
      TxBody body = a.Body(Addr(s), RandomOp(rng, s, extra_assets, a.height() + 1));
      body.nonce = nonce[s]++;
      if (rng() % 50 == 0) body.nonce += 5;  // a gap: not includable, dropped
      PrivateKey k = DevKey(s);
      txs.push_back(Transaction::Sign(std::move(body), {&k}));
    }
    auto ra = a.Commit(txs);
    auto rb = b.Commit(txs);
    ASSERT_EQ(ra, rb) << "block " << blk;
    ASSERT_EQ(a.store().state().Root(), b.store().state().Root()) << "block " << blk;
    ASSERT_EQ((*a.store().blocks().BlockAt(a.height()))->hash(),
              (*b.store().blocks().BlockAt(b.height()))->hash());
    CheckConservation(a.store());
    applied += ra.size();
    for (const auto& r : ra) codes[r.code]++;
  }
  std::cout << "applied " << applied << " transactions in " << kBlocks << " blocks; codes:";
  for (auto [c, n] : codes) std::cout << " " << c << "x" << n;
  std::cout << "\n";
  EXPECT_GT(applied, static_cast<size_t>(kBlocks * kTxPerBlock / 2));
  EXPECT_GT(codes[0], 1000);
}

}  // namespace
}  // namespace corridor::contracts
