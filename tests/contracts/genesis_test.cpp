#include "contracts/genesis.h"

#include <gtest/gtest.h>

#include "test_chain.h"

namespace corridor::contracts {
namespace {

using testing::Addr;

const std::string kLocal = std::string(CORRIDOR_SOURCE_DIR) + "/genesis/local/genesis.json";

TEST(GenesisTest, CheckedInLocalNetworkIsTheDevGenerator) {
  auto doc = LoadGenesisFile(kLocal);
  ASSERT_TRUE(doc.ok()) << doc.error().ToString();
  EXPECT_EQ(doc->chain_id, "corridor-local");
  ASSERT_EQ(doc->validators.size(), 4u);
  EXPECT_EQ(doc->validators[2].key, DevKey("validator-3").public_key());
  // Regenerate with: build/dev/contracts/corridor-dev-genesis 4 > genesis/local/genesis.json
  EXPECT_EQ(GenesisToJson(*doc), GenesisToJson(DevNetworkGenesis(4)));
  auto b1 = GenesisBlock(*doc);
  auto b2 = GenesisBlock(DevNetworkGenesis(4));
  ASSERT_TRUE(b1.ok() && b2.ok());
  EXPECT_EQ((*b1)->hash(), (*b2)->hash());
  EXPECT_EQ((*b1)->height(), 0u);
  EXPECT_FALSE((*b1)->header().state_root.IsZero());
}

TEST(GenesisTest, InitChainIsIdempotentAndRefusesAnotherGenesis) {
  testing::TestChain c;  // initialised from DevNetworkGenesis(4)
  EXPECT_TRUE(InitChain(c.store(), DevNetworkGenesis(4)).ok());
  auto st = InitChain(c.store(), DevNetworkGenesis(7));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "genesis_mismatch");
}

TEST(GenesisTest, SignersAndRolesRoundTrip) {
  GenesisDoc doc = DevNetworkGenesis(4);
  PrivateKey k1 = DevKey("a1"), k2 = DevKey("a2");
  doc.accounts[4].signers = {{k1.public_key(), 1}, {k2.public_key(), 1}};
  std::sort(doc.accounts[4].signers.begin(), doc.accounts[4].signers.end(),
            [](auto& x, auto& y) { return x.key < y.key; });
  doc.accounts[4].threshold = 2;
  auto parsed = ParseGenesis(GenesisToJson(doc));
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(parsed->accounts[4].threshold, 2u);
  EXPECT_EQ(parsed->accounts[4].signers, doc.accounts[4].signers);
}

TEST(GenesisTest, ValidatorOperatorIsStoredAndRoundTrips) {
  GenesisDoc doc = DevNetworkGenesis(4);
  doc.validators[1].operator_account = Addr("bank");
  // Naming the key's own address is the default spelled out: nothing stored.
  doc.validators[2].operator_account = Addr("validator-3");
  const std::string json = GenesisToJson(doc);
  EXPECT_NE(json.find("\"operator\": \"" + Addr("bank").ToString() + "\""), std::string::npos);
  auto parsed = ParseGenesis(json);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(parsed->validators[1].operator_account, Addr("bank"));
  EXPECT_EQ(parsed->validators[2].operator_account, Addr("validator-3"));
  EXPECT_FALSE(parsed->validators[0].operator_account.has_value());
  EXPECT_EQ(GenesisToJson(*parsed), json);

  testing::TestChain c(*parsed);
  const StateView& s = c.store().state();
  EXPECT_EQ(ReadValidatorOperator(s, DevKey("validator-2").public_key()), Addr("bank"));
  EXPECT_EQ(ReadValidatorOperator(s, DevKey("validator-1").public_key()), Addr("validator-1"));
  EXPECT_EQ(ReadValidatorOperator(s, DevKey("validator-3").public_key()), Addr("validator-3"));
  EXPECT_FALSE(s.Get(ValidatorOperatorKey(DevKey("validator-3").public_key())).has_value());
  // The operator is part of the genesis state: another operator, another chain.
  auto plain = GenesisBlock(DevNetworkGenesis(4));
  auto with_op = GenesisBlock(*parsed);
  ASSERT_TRUE(plain.ok() && with_op.ok());
  EXPECT_NE((*plain)->hash(), (*with_op)->hash());
}

std::string Json(const GenesisDoc& d) {
  return GenesisToJson(d);
}

void ExpectError(std::string_view json, std::string_view code, std::string_view fragment = "") {
  auto r = ParseGenesis(json);
  ASSERT_FALSE(r.ok()) << json.substr(0, 200);
  EXPECT_EQ(r.error().code, code) << r.error().ToString();
  if (!fragment.empty()) {
    EXPECT_NE(r.error().message.find(fragment), std::string::npos) << r.error().ToString();
  }
}

std::string Replace(std::string s, std::string_view from, std::string_view to) {
  auto p = s.find(from);
  EXPECT_NE(p, std::string::npos) << from;
  if (p != std::string::npos) s.replace(p, from.size(), to);
  return s;
}

TEST(GenesisTest, RejectsBadDocuments) {
  std::string good = Json(DevNetworkGenesis(4));
  ASSERT_TRUE(ParseGenesis(good).ok());
  ExpectError("", "genesis_json");
  ExpectError("{\"chain_id\": ", "genesis_json");
  ExpectError(good + "x", "genesis_json");
  ExpectError("[]", "genesis_schema");
  ExpectError(Replace(good, "\"timestamp_ms\"", "\"timestamp\""), "genesis_schema",
              "unknown field");
  ExpectError(Replace(good, "corridor-local", "Corridor Local"), "genesis_schema");
  ExpectError(Replace(good, "\"kyc_level\": 3", "\"kyc_level\": 4"), "genesis_schema");
  ExpectError(Replace(good, "\"SG\"", "\"Singapore\""), "genesis_schema");
  ExpectError(Replace(good, "\"validator\"", "\"king\""), "genesis_schema", "role");
  std::string a = Addr("alice").ToString();
  std::string typo = a;
  typo[10] = typo[10] == 'q' ? 'p' : 'q';
  ExpectError(Replace(good, "\"account\": \"" + a, "\"account\": \"" + typo), "genesis_schema");
  ExpectError(Replace(good, "\"100000000\"", "\"-1\""), "genesis_schema");
  ExpectError(Replace(good, "\"100000000\"", "\"018446744073709551615\""), "genesis_schema");
  ExpectError(Replace(good, "\"100000000\"", "\"18446744073709551616\""), "genesis_schema");

  GenesisDoc d = DevNetworkGenesis(4);
  d.validators.clear();
  ExpectError(Json(d), "genesis_invalid", "validator");
  d = DevNetworkGenesis(4);
  d.validators.push_back(d.validators[0]);
  ExpectError(Json(d), "genesis_invalid", "duplicate validator");
  d = DevNetworkGenesis(4);
  d.accounts.push_back(d.accounts[0]);
  ExpectError(Json(d), "genesis_invalid", "duplicate account");
  d = DevNetworkGenesis(4);
  d.assets.push_back({"JPY", 0, Addr("alice")});
  ExpectError(Json(d), "genesis_invalid", "issuer");
  d = DevNetworkGenesis(4);
  d.balances.push_back({Addr("nobody"), "USD", 1});
  ExpectError(Json(d), "genesis_invalid", "not a genesis account");
  d = DevNetworkGenesis(4);
  d.balances.push_back({Addr("bob"), "JPY", 1});
  ExpectError(Json(d), "genesis_invalid", "unknown asset");
  d = DevNetworkGenesis(4);
  d.balances.push_back({Addr("bob"), "USD", UINT64_MAX});
  ExpectError(Json(d), "genesis_invalid", "overflows");
  // A validator's operator: a checksummed address of a genesis account.
  d = DevNetworkGenesis(4);
  d.validators[0].operator_account = Addr("bank");
  std::string with_op = Json(d);
  ASSERT_TRUE(ParseGenesis(with_op).ok());
  std::string bank = Addr("bank").ToString();
  std::string bad_bank = bank;
  bad_bank.back() = bad_bank.back() == 'q' ? 'p' : 'q';
  ExpectError(Replace(with_op, "\"operator\": \"" + bank, "\"operator\": \"" + bad_bank),
              "genesis_schema", "validators[0]: \"operator\"");
  ExpectError(Replace(with_op, "\"operator\": \"" + bank + "\"", "\"operator\": 7"),
              "genesis_schema", "\"operator\" must be a string");
  d.validators[0].operator_account = Addr("nobody");
  ExpectError(Json(d), "genesis_invalid",
              "validators[0]: operator " + Addr("nobody").ToString() + " is not a genesis account");
  ExpectError(std::string(kMaxGenesisBytes + 1, ' '), "genesis_json");
  std::string deep(100000, '[');
  EXPECT_FALSE(ParseGenesis(deep).ok());
}

}  // namespace
}  // namespace corridor::contracts
