// The handlers of the `corridor` commands, one group per translation unit:
//   cli_key.cpp     key new | list | show
//   cli_submit.cpp  pay, the admin operations, tx sign | send | cosign | status
//   cli_query.cpp   balance, history, statement, audit, asset list
//   cli_fx.cpp      fx publish | pay | fee | rate | history
//   cli_settle.cpp  settle batch | check | status
//   cli_exchange.cpp exchange deposit | withdraw | reference
//   cli_escrow.cpp  escrow create | release | cancel | get,
//                   dispute open | resolve | get | list
//   cli_gov.cpp     gov proposals | status (gov operations sign via SignAndSubmit)
//   cli_compliance.cpp compliance rule-set | rule-remove | approve | reject |
//                   held | rules | records
// The command table that maps word paths to them is in cli.cpp; the groups
// with their own files contribute their rows through *Commands().
#pragma once

#include "wallet/cli_context.h"

namespace corridor::wallet::cli {

int KeyNew(Cli& cli);
int KeyList(Cli& cli);
int KeyShow(Cli& cli);

// pay and every admin operation: build, sign, submit, optionally wait.
int SignAndSubmit(Cli& cli);
int TxSign(Cli& cli);
int TxSend(Cli& cli);
// Adds the --from key's signature to a signed transaction (multi-signature).
int TxCosign(Cli& cli);
int TxStatus(Cli& cli);

int FxPublish(Cli& cli);
int FxPay(Cli& cli);
int FxFee(Cli& cli);
int FxRate(Cli& cli);
int FxHistory(Cli& cli);

int SettleBatchCommand(Cli& cli);
int SettleCheck(Cli& cli);
int SettleStatus(Cli& cli);

int ExchangeDepositCommand(Cli& cli);
int ExchangeWithdrawCommand(Cli& cli);
int ExchangeReference(Cli& cli);

int Balance(Cli& cli);
int History(Cli& cli);
int Statement(Cli& cli);
int Audit(Cli& cli);
int AssetList(Cli& cli);

// Flags every signing command takes besides its own ("from", "memo", ...),
// their usage text, and `own` plus them.
const std::vector<std::string>& SigningFlagNames();
const std::string& SigningSynopsis();
std::vector<std::string> WithSigningFlags(std::vector<std::string> own);

// Command groups kept in their own files, appended to cli.cpp's table.
std::vector<CommandSpec> FxCommands();
std::vector<CommandSpec> SettleCommands();
std::vector<CommandSpec> ExchangeCommands();
std::vector<CommandSpec> EscrowCommands();
std::vector<CommandSpec> ComplianceCommands();

// cli_gov.cpp: gov proposals | status (the gov operations sign via SignAndSubmit).
int GovProposals(Cli& cli);
int GovStatus(Cli& cli);

}  // namespace corridor::wallet::cli
