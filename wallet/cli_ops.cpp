#include "wallet/cli_ops.h"

#include <algorithm>
#include <type_traits>

#include "chain/amount.h"
#include "chain/encoding.h"
#include "chain/limits.h"
#include "wallet/cli_values.h"

namespace corridor::wallet::cli {

namespace {

std::string Path(const std::vector<std::string>& words) {
  std::string s;
  for (const auto& w : words) s += (s.empty() ? "" : " ") + w;
  return s;
}

std::string RoleList() {
  std::string list;
  for (uint8_t c = 0; c <= kMaxRoleCode; ++c) {
    list += (list.empty() ? "" : ", ") + std::string(RoleName(static_cast<Role>(c)));
  }
  return list;
}

CliResult<std::string> AssetFlag(const ParsedCommand& cmd) {
  std::string code = cmd.Flag("asset");
  if (auto e = CheckAssetCode("asset", code)) return std::move(*e);
  return code;
}

CliResult<Role> RoleFlag(const ParsedCommand& cmd) {
  Role role;
  if (!ParseRole(cmd.Flag("role"), role)) {
    return UsageError("--role: unknown role '" + cmd.Flag("role") + "' (known: " + RoleList() +
                      ")");
  }
  return role;
}

// Payment and mint: --to, --asset, --amount.
template <typename Op>
CliResult<OpDraft> Transfer(const ParsedCommand& cmd, const AddressResolver& resolve,
                            bool debits_sender) {
  auto to = resolve("to", cmd.Flag("to"));
  if (!to) return std::move(to).error();
  auto asset = AssetFlag(cmd);
  if (!asset) return std::move(asset).error();
  if (auto e = CheckAmountSyntax("amount", cmd.Flag("amount"))) return std::move(*e);
  OpDraft d;
  d.op = Op{*to, *asset, 0};
  d.asset = *asset;
  d.amount_text = cmd.Flag("amount");
  d.asset_must_exist = true;
  d.debits_sender = debits_sender;
  d.receiver = *to;
  return d;
}

template <typename Op>
CliResult<OpDraft> AccountTarget(const ParsedCommand& cmd, const AddressResolver& resolve) {
  auto account = resolve("account", cmd.Flag("account"));
  if (!account) return std::move(account).error();
  OpDraft d;
  d.op = Op{*account};
  return d;
}

template <typename Op>
CliResult<OpDraft> AssetTarget(const ParsedCommand& cmd) {
  auto asset = AssetFlag(cmd);
  if (!asset) return std::move(asset).error();
  OpDraft d;
  d.op = Op{*asset};
  d.asset = *asset;
  d.asset_must_exist = true;
  return d;
}

template <typename Op>
CliResult<OpDraft> RoleChange(const ParsedCommand& cmd, const AddressResolver& resolve) {
  auto account = resolve("account", cmd.Flag("account"));
  if (!account) return std::move(account).error();
  auto role = RoleFlag(cmd);
  if (!role) return std::move(role).error();
  OpDraft d;
  d.op = Op{*account, *role};
  return d;
}

CliResult<OpDraft> Register(const ParsedCommand& cmd, const AddressResolver& resolve) {
  auto account = resolve("account", cmd.Flag("account"));
  if (!account) return std::move(account).error();
  auto kyc = ParseUintFlag("kyc-level", cmd.Flag("kyc-level"));
  if (!kyc) return std::move(kyc).error();
  if (*kyc > kMaxKycLevel) {
    return UsageError("--kyc-level must be 0 to " + std::to_string(kMaxKycLevel));
  }
  std::string jurisdiction = cmd.Flag("jurisdiction");
  if (!IsValidJurisdiction(jurisdiction)) {
    return UsageError("--jurisdiction: '" + jurisdiction +
                      "' is not a two-letter country code such as SG or US");
  }
  std::string name = cmd.Flag("display-name");
  if (name.size() > kMaxDisplayNameBytes || !IsPrintableUtf8(name)) {
    return UsageError("--display-name must be printable text of at most " +
                      std::to_string(kMaxDisplayNameBytes) + " bytes");
  }
  OpDraft d;
  d.op = RegisterAccount{*account, static_cast<uint8_t>(*kyc), jurisdiction, name};
  return d;
}

CliResult<OpDraft> Create(const ParsedCommand& cmd, const AddressResolver& resolve) {
  auto asset = AssetFlag(cmd);
  if (!asset) return std::move(asset).error();
  auto decimals = ParseUintFlag("decimals", cmd.Flag("decimals"));
  if (!decimals) return std::move(decimals).error();
  if (*decimals > kMaxAssetDecimals) {
    return UsageError("--decimals must be 0 to " + std::to_string(kMaxAssetDecimals));
  }
  auto issuer = resolve("issuer", cmd.Flag("issuer"));
  if (!issuer) return std::move(issuer).error();
  OpDraft d;
  d.op = CreateAsset{*asset, static_cast<uint8_t>(*decimals), *issuer};
  d.asset = *asset;
  return d;
}

CliResult<OpDraft> BurnDraft(const ParsedCommand& cmd) {
  auto asset = AssetFlag(cmd);
  if (!asset) return std::move(asset).error();
  if (auto e = CheckAmountSyntax("amount", cmd.Flag("amount"))) return std::move(*e);
  OpDraft d;
  d.op = Burn{*asset, 0};
  d.asset = *asset;
  d.amount_text = cmd.Flag("amount");
  d.asset_must_exist = true;
  d.debits_sender = true;
  return d;
}

CliResult<PublicKey> KeyFlag(const ParsedCommand& cmd, const std::string& flag) {
  auto key = PublicKey::FromHex(cmd.Flag(flag));
  if (!key || !key->IsValid()) {
    return UsageError("--" + flag + ": '" + cmd.Flag(flag) +
                      "' is not a validator public key (64 hex digits, as in the genesis file)");
  }
  return *key;
}

// gov propose: --change add|remove|rekey --validator KEY --effective-height H
// [--operator ADDRESS] (add) [--new-key KEY] (rekey).
CliResult<OpDraft> ValidatorChange(const ParsedCommand& cmd, const AddressResolver& resolve) {
  ProposeValidatorChange op;
  if (!ParseValidatorChangeKind(cmd.Flag("change"), op.kind)) {
    return UsageError("--change must be add, remove or rekey, not '" + cmd.Flag("change") + "'");
  }
  auto validator = KeyFlag(cmd, "validator");
  if (!validator) return std::move(validator).error();
  op.validator = *validator;
  auto height = ParseUintFlag("effective-height", cmd.Flag("effective-height"));
  if (!height) return std::move(height).error();
  op.effective_height = *height;
  const bool add = op.kind == ValidatorChangeKind::kAdd;
  const bool rekey = op.kind == ValidatorChangeKind::kRekey;
  if (add != cmd.Has("operator")) {
    return UsageError(add ? "--operator ADDRESS (the new validator's operator account) is "
                            "required with --change add"
                          : "--operator is only for --change add");
  }
  if (rekey != cmd.Has("new-key")) {
    return UsageError(rekey ? "--new-key KEY is required with --change rekey"
                            : "--new-key is only for --change rekey");
  }
  if (add) {
    auto op_account = resolve("operator", cmd.Flag("operator"));
    if (!op_account) return std::move(op_account).error();
    op.operator_account = *op_account;
  }
  if (rekey) {
    auto new_key = KeyFlag(cmd, "new-key");
    if (!new_key) return std::move(new_key).error();
    op.new_key = *new_key;
  }
  OpDraft d;
  d.op = op;
  return d;
}

CliResult<OpDraft> Approve(const ParsedCommand& cmd) {
  auto id = ParseUintFlag("proposal", cmd.Flag("proposal"));
  if (!id) return std::move(id).error();
  if (*id == 0) return UsageError("--proposal: ids start at 1");
  OpDraft d;
  d.op = ApproveProposal{*id};
  return d;
}

CliResult<OpDraft> Upgrade(const ParsedCommand& cmd) {
  auto version = ParseUintFlag("version", cmd.Flag("version"));
  if (!version) return std::move(version).error();
  auto height = ParseUintFlag("height", cmd.Flag("height"));
  if (!height) return std::move(height).error();
  if (*version == 0 || *version > UINT32_MAX) return UsageError("--version must be 1 to 2^32-1");
  OpDraft d;
  d.op = ProposeUpgrade{static_cast<uint32_t>(*version), *height};
  return d;
}

CliResult<OpDraft> RecoveryWindow(const ParsedCommand& cmd) {
  auto blocks = ParseUintFlag("blocks", cmd.Flag("blocks"));
  if (!blocks) return std::move(blocks).error();
  if (*blocks > kMaxRecoveryWindowBlocks) {
    return UsageError("--blocks must be 0 to " + std::to_string(kMaxRecoveryWindowBlocks));
  }
  OpDraft d;
  d.op = SetRecoveryWindow{static_cast<uint32_t>(*blocks)};
  return d;
}

// set_signers: --threshold T and --signers KEY[:WEIGHT],... (public keys in
// hex, weight 1 when left out); no --signers with --threshold 0 goes back
// to the account's single default key.
CliResult<OpDraft> Signers(const ParsedCommand& cmd) {
  auto threshold = ParseUintFlag("threshold", cmd.Flag("threshold"));
  if (!threshold) return std::move(threshold).error();
  if (*threshold > UINT32_MAX) return UsageError("--threshold must be 0 to 2^32-1");
  SetSigners op;
  op.threshold = static_cast<uint32_t>(*threshold);
  const std::string list = cmd.Flag("signers");
  uint64_t total = 0;
  for (size_t at = 0; !list.empty() && at <= list.size();) {
    size_t comma = list.find(',', at);
    if (comma == std::string::npos) comma = list.size();
    const std::string item = list.substr(at, comma - at);
    at = comma + 1;
    const size_t colon = item.find(':');
    auto key = PublicKey::FromHex(item.substr(0, colon));
    if (!key) {
      return UsageError("--signers: '" + item.substr(0, colon) +
                        "' is not a public key (64 hex characters; `corridor key show NAME`)");
    }
    uint64_t weight = 1;
    if (colon != std::string::npos) {
      auto w = ParseUintFlag("signers", item.substr(colon + 1));
      if (!w) return std::move(w).error();
      if (*w == 0 || *w > UINT32_MAX) return UsageError("--signers: a weight must be 1 to 2^32-1");
      weight = *w;
    }
    total += weight;
    op.signers.push_back({*key, static_cast<uint32_t>(weight)});
  }
  std::sort(op.signers.begin(), op.signers.end(),
            [](const SignerEntry& a, const SignerEntry& b) { return a.key < b.key; });
  for (size_t i = 1; i < op.signers.size(); ++i) {
    if (op.signers[i].key == op.signers[i - 1].key) {
      return UsageError("--signers names key " + op.signers[i].key.ToHex() + " twice");
    }
  }
  if (op.signers.size() > kMaxSignatures) {
    return UsageError("--signers: at most " + std::to_string(kMaxSignatures) + " keys");
  }
  if (op.signers.empty() ? op.threshold != 0 : (op.threshold == 0 || op.threshold > total)) {
    return UsageError(op.signers.empty()
                          ? "--threshold must be 0 without --signers (back to the default key)"
                          : "--threshold must be 1 to the signers' total weight " +
                                std::to_string(total));
  }
  OpDraft d;
  d.op = std::move(op);
  return d;
}

}  // namespace

bool IsSigningCommand(const std::vector<std::string>& words) {
  static const std::vector<std::string> kPaths = {
      "pay",          "tx sign",        "account register",    "role grant",     "role revoke",
      "asset create", "asset mint",     "asset burn",          "freeze account", "unfreeze account",
      "freeze asset", "unfreeze asset", "gov propose",         "gov approve",    "gov halt",
      "gov resume",   "gov upgrade",    "gov recovery-window", "signers set"};
  const std::string p = Path(words);
  for (const auto& k : kPaths) {
    if (k == p) return true;
  }
  return false;
}

CliResult<OpDraft> DraftOperation(const ParsedCommand& cmd, const AddressResolver& resolve) {
  const std::string p = cmd.spec == nullptr ? "" : Path(cmd.spec->words);
  if (p == "pay" || p == "tx sign") return Transfer<Payment>(cmd, resolve, true);
  if (p == "asset mint") return Transfer<Mint>(cmd, resolve, false);
  if (p == "asset burn") return BurnDraft(cmd);
  if (p == "asset create") return Create(cmd, resolve);
  if (p == "account register") return Register(cmd, resolve);
  if (p == "role grant") return RoleChange<GrantRole>(cmd, resolve);
  if (p == "role revoke") return RoleChange<RevokeRole>(cmd, resolve);
  if (p == "freeze account") return AccountTarget<FreezeAccount>(cmd, resolve);
  if (p == "unfreeze account") return AccountTarget<UnfreezeAccount>(cmd, resolve);
  if (p == "freeze asset") return AssetTarget<FreezeAsset>(cmd);
  if (p == "unfreeze asset") return AssetTarget<UnfreezeAsset>(cmd);
  if (p == "gov propose") return ValidatorChange(cmd, resolve);
  if (p == "gov approve") return Approve(cmd);
  if (p == "gov halt" || p == "gov resume") {
    OpDraft d;
    if (p == "gov halt") {
      d.op = HaltNetwork{};
    } else {
      d.op = ResumeNetwork{};
    }
    return d;
  }
  if (p == "gov upgrade") return Upgrade(cmd);
  if (p == "gov recovery-window") return RecoveryWindow(cmd);
  if (p == "signers set") return Signers(cmd);
  return UsageError("'corridor " + p + "' does not sign a transaction");
}

CliCheck SetAmount(OpDraft& draft, uint8_t decimals) {
  if (draft.amount_text.empty()) return std::nullopt;
  auto amount = ParseAmountFlag("amount", draft.amount_text, decimals);
  if (!amount) return std::move(amount).error();
  std::visit(
      [&](auto& op) {
        using T = std::decay_t<decltype(op)>;
        if constexpr (std::is_same_v<T, Payment> || std::is_same_v<T, Mint> ||
                      std::is_same_v<T, Burn>) {
          op.amount = *amount;
        }
      },
      draft.op);
  return std::nullopt;
}

TransactionPtr SignOperation(const Operation& op, const TxParams& params, const PrivateKey& key) {
  TxBody body;
  body.chain_id = params.chain_id;
  body.sender = params.sender;
  body.nonce = params.nonce;
  body.expiry_height = params.expiry_height;
  body.op = op;
  body.memo = params.memo;
  return Transaction::Sign(std::move(body), {&key});
}

}  // namespace corridor::wallet::cli
