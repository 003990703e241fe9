import LedgerCrypto
import Testing
@testable import LedgerCore

/// Executing a certified block is total: a transaction that breaks a static rule fails with a
/// receipt and changes nothing, so what peers certified can never stop a node.
@Suite("Executing certified blocks")
struct CertifiedExecutionTests {
    @Test("non-member, forged and other-chain transactions in a certified block fail and change nothing; the rest execute")
    func refusedTransactionsFail() throws {
        let ledger = try TestLedger()
        let stranger = try Transaction(chainID: TestLedger.chainID, nonce: 1, payload: ledger.transfer(to: "fund", 1), signer: try SigningKey())
        let genuine = try ledger.transaction("bank", ledger.transfer(to: "fund", 1))
        let forged = Transaction(
            unchecked: genuine.chainID, sender: genuine.sender, nonce: genuine.nonce,
            payload: ledger.transfer(to: "fund", 1_000_000), signature: genuine.signature)
        let otherChain = try Transaction(chainID: "other-chain", nonce: 1, payload: ledger.transfer(to: "fund", 7), signer: ledger.key("bank"))
        let block = ledger.block([stranger, forged, otherChain, genuine])
        // The auditor's strict replay refuses the block whole ...
        #expect(throws: BlockRejection.self) { try LedgerState(genesis: ledger.state.genesis).apply(block) }
        // ... while a node executing it as certified goes on.
        let execution = try ledger.state.applyCertified(block)
        #expect(execution.receipts.map(\.failure?.code) == [.notAMember, .invalidSignature, .wrongChain, nil])
        #expect(ledger.state.height == 1)
        #expect(ledger.state.account(ledger.address("fund"))?.balance("EUR") == 1)
        #expect(ledger.state.account(ledger.address("bank"))?.nonce == 1)
    }

    @Test("a certified block that does not follow this state is still refused")
    func unlinkedBlockRefused() throws {
        let ledger = try TestLedger()
        let block = Block(chainID: TestLedger.chainID, height: 2, parentHash: .zero, timestampMillis: 1, transactions: [], stateRoot: .zero, receiptsRoot: .zero)
        #expect(throws: BlockRejection.wrongHeight(expected: 1, got: 2)) { try ledger.state.applyCertified(block) }
    }
}
