import LedgerCore
import LedgerCrypto
import Synchronization

/// The committed nonce of every account, readable from any task: the mempool asks it on each
/// admission while the node's actor updates it after each committed block.
final class CommittedNonces: CommittedNonceSource {
    private let nonces = Mutex<[Address: UInt64]>([:])

    func committedNonce(of sender: Address) -> UInt64 { nonces.withLock { $0[sender] ?? 0 } }

    func update(from state: LedgerState, accounts: [Address]) {
        let values = accounts.map { ($0, state.account($0)?.nonce ?? 0) }
        nonces.withLock { nonces in
            for (address, nonce) in values { nonces[address] = nonce }
        }
    }
}
