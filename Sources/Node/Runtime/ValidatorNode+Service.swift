import Consensus
import Foundation
import LedgerCore
import LedgerCrypto
import Storage

extension ValidatorNode: NodeService {
    public func evidence(validator: UInt16?, limit: Int) async throws(NodeServiceError) -> [StoredEvidence] {
        do { return try store.evidence(validator: validator, limit: limit) } catch { throw .storage(reason: "\(error)") }
    }

    public func submit(_ transactions: [Transaction]) async -> [AdmissionResult] {
        let results = await mempool.admit(transactions)
        // Offer what is ready now rather than waiting for the next tick.
        await offerPending()
        return results
    }

    public func waitForCommit(of transactionID: Digest, timeoutMillis: UInt64) async throws(NodeServiceError) -> TransactionStatus {
        let current = try await transactionStatus(transactionID)
        if case .committed = current { return current }
        let token = UUID()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            commitWaiters[transactionID, default: [:]][token] = continuation
            Task { [weak self] in
                try? await Task.sleep(for: .milliseconds(Int(min(timeoutMillis, 600_000))))
                await self?.expireWaiter(transactionID, token)
            }
        }
        return try await transactionStatus(transactionID)
    }

    func resumeWaiters(for transactionID: Digest) {
        guard let waiters = commitWaiters.removeValue(forKey: transactionID) else { return }
        for (_, continuation) in waiters { continuation.resume() }
    }

    func expireWaiter(_ transactionID: Digest, _ token: UUID) {
        guard let continuation = commitWaiters[transactionID]?.removeValue(forKey: token) else { return }
        if commitWaiters[transactionID]?.isEmpty == true { commitWaiters[transactionID] = nil }
        continuation.resume()
    }

    public func transactionStatus(_ transactionID: Digest) async throws(NodeServiceError) -> TransactionStatus {
        let location: (height: UInt64, position: Int)?
        do { location = try store.location(of: transactionID) } catch { throw .storage(reason: "\(error)") }
        guard let location else {
            return await mempool.transaction(transactionID) != nil ? .pending : .unknown
        }
        let stored: StoredBlock?
        let receipt: Receipt?
        do {
            stored = try store.block(at: location.height)
            receipt = try store.receipt(height: location.height, position: location.position)
        } catch {
            throw .storage(reason: "\(error)")
        }
        guard let stored, let receipt,
            let proof = MerkleTree.proof(of: location.position, in: stored.block.transactions.map(\.id))
        else { throw .storage(reason: "block \(location.height) is incomplete in the store") }
        return .committed(TransactionCommit(
            transactionID: transactionID, height: location.height, position: location.position, receipt: receipt,
            header: stored.block.header, certificate: stored.certificate, proof: proof))
    }

    public func block(at height: UInt64) throws(NodeServiceError) -> CommittedBlock? {
        do {
            guard let stored = try store.block(at: height) else { return nil }
            return CommittedBlock(block: stored.block, certificate: stored.certificate)
        } catch {
            throw .storage(reason: "\(error)")
        }
    }

    public func account(_ address: Address) -> Account? { state.account(address) }

    public func simulate(_ transactions: [Transaction]) -> SimulationResult {
        SimulationResult(height: state.height, receipts: state.simulate(transactions))
    }

    public func status() async -> NodeStatus {
        let peers = await network.counters()
        let mempoolCounters = await mempool.snapshot()
        let connected = peers.peers.filter(\.isConnected).count
        let now = DispatchTime.now().uptimeNanoseconds
        // Waiting counts from the later of the last commit and the oldest proposable
        // transaction's admission: an idle chain just sent a transaction is not stalled.
        let progress = max(lastCommitUptimeNanos, mempoolCounters.oldestReadyUptimeNanos ?? now)
        let viewTimeoutMillis = UInt64(genesis.consensus.viewTimeoutTicks) * UInt64(genesis.consensus.tickMillis)
        let health = NodeHealth.assess(
            reachableValidators: connected + 1, quorum: genesis.validatorSet.quorum, waitingTransactions: mempoolCounters.ready,
            millisSinceProgress: now > progress ? (now - progress) / 1_000_000 : 0,
            stallMillis: NodeHealth.stallMillis(viewTimeoutMillis: viewTimeoutMillis))
        return NodeStatus(
            chainID: genesis.chainID, genesisHash: genesisHash, nodeName: name, height: state.height,
            lastBlockHash: state.lastBlockHash, view: replica.view,
            primary: genesis.validators[genesis.validatorSet.primary(of: replica.view)].name.value,
            peersConnected: connected, peersTotal: genesis.validators.count - 1,
            mempoolSize: mempoolCounters.size, mempoolBytes: mempoolCounters.bytes,
            secondsSinceCommit: now > lastCommitUptimeNanos ? (now - lastCommitUptimeNanos) / 1_000_000_000 : 0, health: health)
    }
}
