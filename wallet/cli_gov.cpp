// Governance queries: gov proposals, gov status (docs/wallet.md). The
// governance operations themselves sign through SignAndSubmit (cli_ops.cpp).
#include <string>

#include "wallet/cli_commands.h"

namespace corridor::wallet::cli {
namespace {

// Pages of governance_getProposals are followed up to this many proposals.
constexpr int kMaxProposalPages = 50;

std::string S(const rapidjson::Value& v, const char* key) {
  return JsonString(v, key).value_or("-");
}
std::string N(const rapidjson::Value& v, const char* key) {
  auto n = JsonUint(v, key);
  return n ? std::to_string(*n) : "-";
}

void PrintProposal(std::ostream& out, const rapidjson::Value& p) {
  out << "#" << N(p, "id") << "  " << S(p, "status") << "  ";
  if (S(p, "kind") == "upgrade") {
    out << "upgrade to protocol version " << N(p, "version");
  } else {
    out << S(p, "change") << " validator " << S(p, "validator").substr(0, 16);
    if (JsonString(p, "newKey")) out << " -> " << S(p, "newKey").substr(0, 16);
    if (JsonString(p, "operator")) out << " (operator " << S(p, "operator") << ")";
  }
  out << " from height " << N(p, "effectiveHeight") << "\n    proposed by " << S(p, "proposer")
      << " at height " << N(p, "proposedHeight") << " (tx " << S(p, "proposalTx") << ")";
  if (auto applied = JsonUint(p, "appliedHeight")) out << ", applied at height " << *applied;
  out << "\n    approvals:";
  if (const auto* a = JsonArray(p, "approvals")) {
    for (const auto& who : a->GetArray()) {
      if (who.IsString()) out << " " << who.GetString();
    }
  }
  out << "\n";
}

}  // namespace

int GovProposals(Cli& cli) {
  rpc::Json params = rpc::Json::Object();
  if (cli.Has("status")) params.Set("status", cli.Flag("status"));
  size_t shown = 0;
  for (int page = 0; page < kMaxProposalPages; ++page) {
    auto r = cli.Call("governance_getProposals", params);
    if (!r) return cli.Fail(r.error());
    if (cli.Has("json")) cli.out() << r->Serialize() << "\n";
    const auto* list = JsonArray(r->value(), "proposals");
    if (list == nullptr) {
      return cli.Fail(UnexpectedAnswer("governance_getProposals", "no proposals list"));
    }
    for (const auto& p : list->GetArray()) {
      if (!cli.Has("json")) PrintProposal(cli.out(), p);
      ++shown;
    }
    auto next = JsonUint(r->value(), "nextFromId");
    if (!next) break;
    params.Set("fromId", *next);
  }
  if (!cli.Has("json") && shown == 0) cli.out() << "no proposals\n";
  return kExitOk;
}

int GovStatus(Cli& cli) {
  auto read = cli.CallRead("governance_getStatus");
  if (!read) return cli.Fail(read.error());
  if (!*read) return kExitOk;  // --json printed the answer
  const rpc::Json* r = &**read;
  const auto& v = r->value();
  auto& out = cli.out();
  out << "height   " << N(v, "height") << "\n";
  if (const auto* net = JsonObject(v, "network")) {
    out << "network  " << S(*net, "phase");
    if (auto h = JsonUint(*net, "haltedHeight")) out << " since height " << *h;
    if (auto h = JsonUint(*net, "openFromHeight")) out << " until height " << *h;
    out << " (recovery window " << N(*net, "recoveryWindowBlocks") << " blocks)\n";
  }
  auto print_set = [&](const rapidjson::Value* set) {
    if (set == nullptr) return;
    for (const auto& k : set->GetArray()) {
      out << "  " << S(k, "publicKey") << "  operator " << S(k, "operator") << "\n";
    }
  };
  out << "validators\n";
  print_set(JsonArray(v, "validators"));
  if (const auto* sched = JsonArray(v, "scheduledValidatorSets")) {
    for (const auto& s : sched->GetArray()) {
      out << "validators from height " << N(s, "height") << "\n";
      print_set(JsonArray(s, "validators"));
    }
  }
  if (const auto* proto = JsonObject(v, "protocol")) {
    out << "protocol required " << N(*proto, "required") << ", this node supports "
        << N(*proto, "supported") << "\n";
    if (const auto* ups = JsonArray(*proto, "upgrades")) {
      for (const auto& u : ups->GetArray()) {
        out << "  version " << N(u, "version") << " from height " << N(u, "height") << "\n";
      }
    }
  }
  return kExitOk;
}

}  // namespace corridor::wallet::cli
