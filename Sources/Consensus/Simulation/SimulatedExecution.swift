import LedgerCore
import LedgerCrypto

/// How a simulated node executes the blocks it commits: a hash chain that never refuses
/// anything (cheap), or the real state machine, `LedgerState`, over a small genesis whose
/// members are the simulated clients — so receipts, roots and execution-invalid transactions
/// are real. The seed chooses (one seed in 4 runs the real one), or `SimulationOptions`.
enum SimulatedExecution {
    case hashChain
    case ledger(LedgerState)

    /// The genesis the simulation runs on: the validators' keys, the clients as funded
    /// participants, the given consensus parameters.
    static func genesis(
        chainID: Identifier, timeMillis: UInt64, validators: [any DigestSigner], clients: [any DigestSigner],
        parameters: ConsensusParameters
    ) -> Genesis {
        let validatorInfos = validators.enumerated().map { index, signer in
            ValidatorInfo(name: try! Identifier("validator-\(index)"), publicKey: signer.publicKey, host: "127.0.0.1", port: UInt16(9_000 + index))
        }
        let members = clients.enumerated().map { index, signer in
            Member(name: try! Identifier("client-\(index)"), publicKey: signer.publicKey, roles: [.participant])
        }
        let balances = members.map { InitialBalance(member: $0.name, currency: "EUR", amount: 1_000_000_000_000) }
        return Genesis(
            chainID: chainID, genesisTimeMillis: timeMillis, validators: validatorInfos, members: members, balances: balances,
            consensus: parameters)
    }
}
