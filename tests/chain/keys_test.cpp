#include "chain/keys.h"

#include <gtest/gtest.h>

namespace corridor {
namespace {

// BIP-340 official test vector 0 (secret key 3, aux_rand all zero) is signed
// with aux_rand = 0; Corridor passes NULL aux_rand, which BIP-340 defines the
// same as 32 zero bytes in libsecp256k1's nonce function.
TEST(KeysTest, Bip340TestVectorZero) {
  auto key =
      PrivateKey::FromHex("0000000000000000000000000000000000000000000000000000000000000003");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->public_key().ToHex(),
            "f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9");
  auto msg = Hash::FromHex("0000000000000000000000000000000000000000000000000000000000000000");
  ASSERT_TRUE(msg.ok());
  Signature sig = key->Sign(*msg);
  EXPECT_EQ(sig.ToHex(),
            "e907831f80848d1069a5371b402410364bdf1c5f8307b0084c55f1ce2dca8215"
            "25f66a4a85ea8b71e482a74f382d2ce5ebeee8fdb2172f477df4900d310536c0");
  EXPECT_TRUE(VerifySignature(key->public_key(), *msg, sig));
}

TEST(KeysTest, Bip340VerifyVectorFromAnotherSigner) {
  // BIP-340 test vector 1.
  auto pk = PublicKey::FromHex("dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659");
  auto msg = Hash::FromHex("243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89");
  auto sig = Signature::FromHex(
      "6896bd60eeae296db48a229ff71dfe071bde413e6d43f917dc8dcf8c78de3341"
      "8906d11ac976abccb20b091292bff4ea897efcb639ea871cfa95f6de339e4b0a");
  ASSERT_TRUE(pk.ok() && msg.ok() && sig.ok());
  EXPECT_TRUE(VerifySignature(*pk, *msg, *sig));
}

TEST(KeysTest, SignVerifyAndFailures) {
  PrivateKey a = PrivateKey::Generate();
  PrivateKey b = PrivateKey::Generate();
  Hash m1 = Sha256(AsBytes("pay 10 USD"));
  Hash m2 = Sha256(AsBytes("pay 11 USD"));
  Signature s = a.Sign(m1);
  EXPECT_TRUE(VerifySignature(a.public_key(), m1, s));
  EXPECT_FALSE(VerifySignature(b.public_key(), m1, s)) << "wrong key must fail";
  EXPECT_FALSE(VerifySignature(a.public_key(), m2, s)) << "wrong message must fail";
  Signature flipped = s;
  flipped.bytes[10] ^= 1;
  EXPECT_FALSE(VerifySignature(a.public_key(), m1, flipped)) << "tampered signature must fail";
}

TEST(KeysTest, SigningIsDeterministic) {
  auto k = PrivateKey::FromHex("b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef");
  ASSERT_TRUE(k.ok());
  Hash m = Sha256(AsBytes("m"));
  EXPECT_EQ(k->Sign(m), k->Sign(m));
}

TEST(KeysTest, ImportExportRoundTrip) {
  PrivateKey k = PrivateKey::Generate();
  auto back = PrivateKey::FromHex(k.SecretHex());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->public_key(), k.public_key());
  PrivateKey moved = std::move(back).value();
  EXPECT_EQ(moved.public_key(), k.public_key());
  PrivateKey clone = k.Clone();
  EXPECT_EQ(clone.public_key(), k.public_key());
}

TEST(KeysTest, InvalidKeysRejected) {
  EXPECT_FALSE(PrivateKey::FromHex(std::string(64, '0')).ok());  // zero
  // The curve order n is not a valid secret.
  EXPECT_FALSE(
      PrivateKey::FromHex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141").ok());
  EXPECT_FALSE(PrivateKey::FromHex("abcd").ok());
  // x = 5 is not on secp256k1 (BIP-340 vector 5 public key).
  EXPECT_FALSE(
      PublicKey::FromHex("eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34").ok());
  EXPECT_FALSE(PublicKey::FromHex("00").ok());
  EXPECT_FALSE(Signature::FromHex("00").ok());
}

}  // namespace
}  // namespace corridor
