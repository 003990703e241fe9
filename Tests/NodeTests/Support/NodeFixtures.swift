import LedgerCore
import LedgerCrypto
import Node
import Synchronization

/// A small consortium for Node tests: member keys, a genesis, and signed transfers.
final class TestConsortium: Sendable {
    static let chainID: Identifier = "node-test"
    let keys: [SigningKey]
    let outsider: SigningKey
    let genesis: Genesis

    init(memberCount: Int = 4) throws {
        var keys: [SigningKey] = []
        var members: [Member] = []
        for index in 0..<memberCount {
            let key = try SigningKey()
            keys.append(key)
            members.append(Member(name: try Identifier("member-\(index)"), publicKey: key.publicKey, roles: [.participant]))
        }
        self.keys = keys
        outsider = try SigningKey()
        let validator = try SigningKey()
        genesis = Genesis(
            chainID: TestConsortium.chainID, genesisTimeMillis: 1_700_000_000_000,
            validators: [ValidatorInfo(name: "validator-0", publicKey: validator.publicKey, host: "127.0.0.1", port: 7000)],
            members: members,
            balances: [InitialBalance(member: "member-0", currency: "EUR", amount: 1_000_000)],
            consensus: ConsensusParameters())
    }

    func address(_ member: Int) -> Address { keys[member].publicKey.address }

    /// A signed transfer from `member` with `nonce`; `amount` varies the transaction id.
    func transfer(from member: Int, nonce: UInt64, amount: UInt64 = 1, chainID: Identifier = TestConsortium.chainID) throws -> Transaction {
        try transfer(signer: keys[member], nonce: nonce, amount: amount, chainID: chainID)
    }

    func transfer(signer: SigningKey, nonce: UInt64, amount: UInt64 = 1, chainID: Identifier = TestConsortium.chainID) throws -> Transaction {
        let payload = Payload.transferFunds(
            TransferFunds(to: address((keys.count > 1) ? 1 : 0), currency: "EUR", amount: amount, category: .renewableEnergy, purpose: "test"))
        return try Transaction(chainID: chainID, nonce: nonce, payload: payload, signer: signer)
    }

    /// The same transaction carrying another transaction's signature: well-formed bytes, a
    /// signature that is not over this transaction's digest.
    func forged(_ transaction: Transaction) throws -> Transaction {
        let other = try transfer(from: 0, nonce: 999, amount: 12_345)
        return Transaction(
            unchecked: transaction.chainID, sender: transaction.sender, nonce: transaction.nonce, payload: transaction.payload,
            signature: other.signature)
    }
}

/// Committed nonces the test controls.
final class TestNonces: CommittedNonceSource {
    private let nonces = Mutex<[Address: UInt64]>([:])

    func committedNonce(of sender: Address) -> UInt64 { nonces.withLock { $0[sender] ?? 0 } }

    func set(_ sender: Address, _ nonce: UInt64) { nonces.withLock { $0[sender] = nonce } }
}

/// Counts signature checks while delegating to the real verifier.
final class CountingVerifier: SignatureVerifier {
    private let checks = Atomic<Int>(0)

    var count: Int { checks.load(ordering: .relaxed) }

    func isValidSignature(_ signature: Signature, digest: Digest, publicKey: PublicKey) -> Bool {
        checks.add(1, ordering: .relaxed)
        return P256Verifier().isValidSignature(signature, digest: digest, publicKey: publicKey)
    }
}

/// A block holding `transactions` (header roots do not matter to the mempool).
func testBlock(_ transactions: [Transaction], height: UInt64 = 1) -> Block {
    Block(
        chainID: TestConsortium.chainID, height: height, parentHash: .zero, timestampMillis: 1_700_000_001_000,
        transactions: transactions, stateRoot: .zero, receiptsRoot: .zero)
}
