#include "node/rpc_api.h"

#include "node/rpc_methods.h"

namespace corridor::node {

std::vector<NamedMethod> RpcMethods(NodeApi& node, RpcApiOptions options) {
  using Method = rpc::MethodResult (*)(const rpc_methods::Context&, const rpc::Params&);
  const std::pair<const char*, Method> methods[] = {
      {"chain_getInfo", rpc_methods::ChainGetInfo},
      {"chain_getBlock", rpc_methods::ChainGetBlock},
      {"chain_getTransaction", rpc_methods::ChainGetTransaction},
      {"tx_submit", rpc_methods::TxSubmit},
      {"account_get", rpc_methods::AccountGet},
      {"account_getHistory", rpc_methods::AccountGetHistory},
      {"account_getStatement", rpc_methods::AccountGetStatement},
      {"asset_list", rpc_methods::AssetList},
      {"stats_get", rpc_methods::StatsGet},
      {"fx_getRate", rpc_methods::FxGetRate},
      {"fx_getRateHistory", rpc_methods::FxGetRateHistory},
      {"settlement_getBatch", rpc_methods::SettlementGetBatch},
      {"exchange_getReference", rpc_methods::ExchangeGetReference},
      {"escrow_get", rpc_methods::EscrowGet},
      {"dispute_get", rpc_methods::DisputeGet},
      {"dispute_list", rpc_methods::DisputeList},
      {"governance_getProposals", rpc_methods::GovernanceGetProposals},
      {"governance_getStatus", rpc_methods::GovernanceGetStatus},
      {"compliance_listHeld", rpc_methods::ComplianceListHeld},
      {"compliance_getRules", rpc_methods::ComplianceGetRules},
      {"compliance_getActivityRecords", rpc_methods::ComplianceGetActivityRecords},
      {"audit_list", rpc_methods::AuditList},
  };
  // One copy of the options shared by every handler (read-only).
  auto shared = std::make_shared<const RpcApiOptions>(options);
  std::vector<NamedMethod> out;
  for (const auto& [name, method] : methods) {
    out.push_back({name, [&node, shared, method = method](const rpc::Params& p,
                                                          const rpc::CallContext& call) {
                     return method(rpc_methods::Context{node, *shared, call}, p);
                   }});
  }
  return out;
}

}  // namespace corridor::node
