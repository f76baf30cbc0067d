#include "chain/hash.h"

#include <gtest/gtest.h>

#include "chain/merkle.h"

namespace corridor {
namespace {

TEST(HashTest, Sha256KnownVector) {
  EXPECT_EQ(Sha256(AsBytes("abc")).ToHex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256(AsBytes("")).ToHex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(HashTest, TaggedHashIsBip340Construction) {
  Hash tag = Sha256(AsBytes("corridor/tx"));
  Bytes pre(tag.bytes.begin(), tag.bytes.end());
  pre.insert(pre.end(), tag.bytes.begin(), tag.bytes.end());
  pre.push_back('x');
  EXPECT_EQ(TaggedHash(tags::kTransaction, AsBytes("x")), Sha256(pre));
}

TEST(HashTest, DomainTagsSeparate) {
  EXPECT_NE(TaggedHash(tags::kTransaction, AsBytes("m")),
            TaggedHash(tags::kBlockHeader, AsBytes("m")));
}

TEST(HashTest, IncrementalEqualsOneShot) {
  TaggedHasher h(tags::kReceipt);
  h.Write(AsBytes("hello ")).Write(AsBytes("world"));
  EXPECT_EQ(h.Finish(), TaggedHash(tags::kReceipt, AsBytes("hello world")));
}

TEST(HashTest, HexRoundTrip) {
  Hash h = Sha256(AsBytes("abc"));
  auto parsed = Hash::FromHex(h.ToHex());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, h);
  EXPECT_FALSE(Hash::FromHex("abcd").ok());
  EXPECT_FALSE(Hash::FromHex(std::string(64, 'g')).ok());
  EXPECT_TRUE(Hash{}.IsZero());
  EXPECT_FALSE(h.IsZero());
}

TEST(MerkleTest, EmptySingleAndPairs) {
  EXPECT_TRUE(MerkleRoot({}).IsZero());
  Hash a = Sha256(AsBytes("a")), b = Sha256(AsBytes("b")), c = Sha256(AsBytes("c"));
  Hash la = TaggedHash(tags::kMerkleLeaf, ByteSpan(a.bytes));
  Hash lb = TaggedHash(tags::kMerkleLeaf, ByteSpan(b.bytes));
  Hash lc = TaggedHash(tags::kMerkleLeaf, ByteSpan(c.bytes));
  std::vector<Hash> one = {a};
  EXPECT_EQ(MerkleRoot(one), la);
  auto node = [](const Hash& l, const Hash& r) {
    Bytes cat(l.bytes.begin(), l.bytes.end());
    cat.insert(cat.end(), r.bytes.begin(), r.bytes.end());
    return TaggedHash(tags::kMerkleNode, cat);
  };
  std::vector<Hash> two = {a, b};
  EXPECT_EQ(MerkleRoot(two), node(la, lb));
  std::vector<Hash> three = {a, b, c};
  EXPECT_EQ(MerkleRoot(three), node(node(la, lb), lc));
}

TEST(MerkleTest, NoDuplicateLastCollision) {
  // Bitcoin's CVE-2012-2459: [a,b,c] and [a,b,c,c] must not share a root.
  Hash a = Sha256(AsBytes("a")), b = Sha256(AsBytes("b")), c = Sha256(AsBytes("c"));
  std::vector<Hash> three = {a, b, c};
  std::vector<Hash> four = {a, b, c, c};
  EXPECT_NE(MerkleRoot(three), MerkleRoot(four));
  std::vector<Hash> swapped = {b, a, c};
  EXPECT_NE(MerkleRoot(three), MerkleRoot(swapped));
}

}  // namespace
}  // namespace corridor
