// Checks the worked example of docs/protocol.md §10 against the code. The
// expected values are read from the document itself, so editing either the
// document or the encoding without the other fails this test.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "chain/transaction.h"

#ifndef CORRIDOR_SOURCE_DIR
#error "CORRIDOR_SOURCE_DIR must be defined"
#endif

namespace corridor {
namespace {

std::string ReadDoc() {
  std::ifstream in(std::string(CORRIDOR_SOURCE_DIR) + "/docs/protocol.md");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The value of a table row "| label | `hex` |".
std::string TableValue(const std::string& doc, const std::string& label) {
  std::regex re("\\| " + label + " \\| `([0-9a-z]+)` \\|");
  std::smatch m;
  if (!std::regex_search(doc, m, re)) return "";
  return m[1];
}

// The one-line raw transaction: the longest run of hex in a code block.
std::string RawLine(const std::string& doc) {
  std::regex re("\n([0-9a-f]{300,})\n");
  std::smatch m;
  if (!std::regex_search(doc, m, re)) return "";
  return m[1];
}

// A multi-line "name = hex" block (hex possibly continued on indented lines).
std::string Block(const std::string& doc, const std::string& name) {
  std::regex re("\n" + name + " += (?=[0-9a-f]{16})");
  std::smatch m;
  if (!std::regex_search(doc, m, re)) return "";
  std::string out;
  size_t pos = static_cast<size_t>(m.position(0) + m.length(0));
  while (pos < doc.size()) {
    size_t eol = doc.find('\n', pos);
    std::string line = doc.substr(pos, eol - pos);
    std::string hex;
    for (char c : line) {
      if (std::isxdigit(static_cast<unsigned char>(c))) {
        hex += c;
      } else if (c != ' ') {
        hex.clear();
        break;
      }
    }
    if (hex.empty()) break;
    out += hex;
    pos = eol + 1;
    if (pos >= doc.size() || doc[pos] != ' ') break;
  }
  return out;
}

TEST(ProtocolExampleTest, WorkedExampleMatchesCode) {
  const std::string doc = ReadDoc();
  ASSERT_FALSE(doc.empty()) << "docs/protocol.md not found";

  auto sender = PrivateKey::FromHex(TableValue(doc, "sender secret key"));
  auto receiver = PrivateKey::FromHex(TableValue(doc, "receiver secret key"));
  ASSERT_TRUE(sender.ok() && receiver.ok());
  EXPECT_EQ(sender->public_key().ToHex(), TableValue(doc, "sender public key"));
  EXPECT_EQ(receiver->public_key().ToHex(), TableValue(doc, "receiver public key"));

  Address from = Address::FromPublicKey(sender->public_key());
  Address to = Address::FromPublicKey(receiver->public_key());
  EXPECT_EQ(from.ToHex(), TableValue(doc, "sender address bytes"));
  EXPECT_EQ(to.ToHex(), TableValue(doc, "receiver address bytes"));
  EXPECT_NE(doc.find("| sender address | `" + from.ToString() + "` |"), std::string::npos);
  EXPECT_NE(doc.find("| receiver address | `" + to.ToString() + "` |"), std::string::npos);

  TxBody body;
  body.chain_id = "corridor-local";
  body.sender = from;
  body.nonce = 0;
  body.expiry_height = 100;
  body.op = Payment{to, "USD", 1250};
  body.memo = "INV-2026-0001";
  TransactionPtr tx = Transaction::Sign(std::move(body), {&*sender});

  EXPECT_EQ(ToHex(tx->body().Encode()), Block(doc, "body"));
  EXPECT_EQ(tx->id().ToHex(), Block(doc, "id"));
  EXPECT_EQ(tx->signatures()[0].sig.ToHex(), Block(doc, "sig"));
  EXPECT_EQ(ToHex(tx->encoded()), RawLine(doc));
  EXPECT_NE(doc.find(Sha256(AsBytes("corridor/tx")).ToHex()), std::string::npos);

  // And the raw form decodes back to the same transaction, signatures valid.
  auto raw = FromHex(RawLine(doc));
  ASSERT_TRUE(raw);
  auto decoded = Transaction::Decode(*raw);
  ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
  EXPECT_EQ((*decoded)->id(), tx->id());
  EXPECT_TRUE((*decoded)->VerifySignatures());
}

}  // namespace
}  // namespace corridor
