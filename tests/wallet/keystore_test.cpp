#include "wallet/keystore.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace corridor::wallet {
namespace {

// Cheap scrypt for tests; the default (N = 2^15) is what users get.
constexpr ScryptParams kFast{1 << 10, 8, 1};

class KeystoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("corridor-keystore-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(KeystoreTest, EncryptDecryptRoundTrip) {
  PrivateKey k = PrivateKey::Generate();
  std::string json = EncryptKey(k, "correct horse", kFast);
  auto back = DecryptKey(json, "correct horse");
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->public_key(), k.public_key());
  EXPECT_EQ(json.find(k.SecretHex()), std::string::npos) << "secret must not appear in clear";
}

TEST_F(KeystoreTest, WrongPassphraseIsSaidPlainly) {
  PrivateKey k = PrivateKey::Generate();
  auto r = DecryptKey(EncryptKey(k, "right", kFast), "wrong");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "wrong_passphrase");
}

TEST_F(KeystoreTest, EditedAddressFailsAuthentication) {
  PrivateKey k = PrivateKey::Generate(), other = PrivateKey::Generate();
  std::string json = EncryptKey(k, "pw", kFast);
  auto replace = [&](const std::string& from, const std::string& to) {
    json.replace(json.find(from), from.size(), to);
  };
  replace(Address::FromPublicKey(k.public_key()).ToString(),
          Address::FromPublicKey(other.public_key()).ToString());
  replace(k.public_key().ToHex(), other.public_key().ToHex());
  auto r = DecryptKey(json, "pw");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "wrong_passphrase");
}

TEST_F(KeystoreTest, MalformedAndHostileFilesRejected) {
  PrivateKey k = PrivateKey::Generate();
  std::string good = EncryptKey(k, "pw", kFast);
  for (const std::string& bad : {std::string("not json"), std::string("[]"),
                                 std::string("{\"version\":2}"), std::string(20000, ' ')}) {
    auto r = DecryptKey(bad, "pw");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "bad_keystore");
  }
  // A file asking for 2^30 scrypt iterations is refused before any work.
  std::string huge = good;
  std::string n = "\"n\":" + std::to_string(kFast.n);
  huge.replace(huge.find(n), n.size(), "\"n\":1073741824");
  auto r = DecryptKey(huge, "pw");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "bad_keystore");
}

TEST_F(KeystoreTest, SaveLoadListWithPermissions) {
  Keystore ks(dir_.string());
  PrivateKey a = PrivateKey::Generate(), b = PrivateKey::Generate();
  ASSERT_TRUE(ks.Save("bob", b, "pw", kFast).ok());
  ASSERT_TRUE(ks.Save("alice", a, "pw", kFast).ok());
  EXPECT_EQ(ks.Save("alice", b, "pw", kFast).error().code, "key_exists");
  EXPECT_EQ(ks.Save("../evil", b, "pw", kFast).error().code, "bad_key_name");

  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "alice.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  auto loaded = ks.Load("alice", "pw");
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->public_key(), a.public_key());
  EXPECT_EQ(ks.Load("carol", "pw").error().code, "key_not_found");

  auto list = ks.List();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].name, "alice");
  EXPECT_EQ(list[0].address, Address::FromPublicKey(a.public_key()));
  EXPECT_EQ(list[1].name, "bob");
}

}  // namespace
}  // namespace corridor::wallet
