import Foundation
import LedgerCore
import LedgerCrypto
import Storage

/// The audit that trusts nothing it reads. Against the genesis the auditor supplies it checks:
/// the data's genesis; every block's encoding, height, parent link and timestamp; its Merkle
/// root and transaction count; every transaction's chain id, membership and signature; a commit
/// certificate with ≥ q (the quorum) distinct genesis validators signing the COMMIT digest of its view,
/// height and block; and, replaying every transaction from genesis, every header's lagged
/// roots, every recorded root and receipt after execution, and finally the stored state leaves
/// and queryable tables. Signatures of a batch of blocks are checked on every core.
public struct ChainAuditor {
    public struct Options {
        public var fromHeight: UInt64?
        public var toHeight: UInt64?
        public var batchBlocks: Int = 128
        /// Called after each batch with (height reached, last height).
        public var progress: ((UInt64, UInt64) -> Void)?
        /// Sees every block the replay executes, and the final state (reports).
        public var observer: (any ReplayObserver)?

        public init(
            fromHeight: UInt64? = nil, toHeight: UInt64? = nil, observer: (any ReplayObserver)? = nil,
            progress: ((UInt64, UInt64) -> Void)? = nil
        ) {
            self.fromHeight = fromHeight
            self.toHeight = toHeight
            self.observer = observer
            self.progress = progress
        }
    }

    public let genesis: Genesis
    private let genesisHash: Digest
    private let validators: ValidatorSet

    public init(genesis: Genesis) {
        self.genesis = genesis
        genesisHash = genesis.hash
        validators = genesis.validatorSet
    }

    public func audit(_ source: some AuditSource, options: Options = Options()) async -> AuditReport {
        let started = Date()
        var report = AuditReport(genesisHash: genesisHash.hex, chainID: genesis.chainID.value, fromHeight: 0, toHeight: 0)
        do {
            try await run(source, options: options, report: &report)
        } catch let problem as AuditProblem {
            report.failure = .init(height: problem.height, problem: problem.problem)
        } catch {
            // Not a finding about the chain: the source could not be read.
            report.unreadable = .init(height: report.blocksChecked + report.fromHeight, problem: "cannot read the chain: \(error)")
        }
        report.elapsedSeconds = Date().timeIntervalSince(started)
        return report
    }

    private func run(_ source: some AuditSource, options: Options, report: inout AuditReport) async throws {
        let stored = try await source.storedGenesisHash()
        report.storedGenesisHash = stored?.hex
        guard stored == genesisHash else {
            throw AuditProblem(0, "the data belongs to genesis \(stored?.hex ?? "(none)"), not the supplied genesis \(genesisHash.hex)")
        }
        let last = try await source.lastHeight()
        let to = min(options.toHeight ?? last, last)
        let from = max(options.fromHeight ?? 1, 1)
        report.fromHeight = from
        report.toHeight = to
        guard from <= to || last == 0 else { throw AuditProblem(from, "no blocks between \(from) and \(to) (the chain ends at \(last))") }

        let state = LedgerState(genesis: genesis)
        var tally = GreenFlowTally()
        var height: UInt64 = 1
        while height <= to {
            let end = min(to, height + UInt64(options.batchBlocks) - 1)
            let raws = try await source.rawBlocks(height...end)
            let receipts = try await source.receipts(height...end)
            let checkSignatures = end >= from
            try checkBatch(
                raws, expected: height...end, receipts: receipts, state: state, checkSignatures: checkSignatures, from: from,
                observer: options.observer, tally: &tally, report: &report)
            options.progress?(end, to)
            height = end + 1
        }
        if to != last {
            report.stateNotCompared = "partial range"
        } else if let leaves = try await source.stateLeaves() {
            try compareState(state, leaves: leaves, tableRows: try await source.stateTableRows(), height: to)
            report.stateTablesChecked = true
        } else {
            report.stateNotCompared = source.stateUnavailableReason
        }
        options.observer?.finished(state: state)
        report.flows = tally.flowLines
        report.credits = tally.credits
        report.bonds = state.bonds.values.sorted { $0.bondID < $1.bondID }.map {
            AuditReport.BondLine(bondID: $0.bondID.value, currency: $0.currency.value, faceValue: ExactAmount($0.faceValue), allocated: ExactAmount($0.allocated))
        }
    }

    private func checkBatch(
        _ raws: [RawBlock], expected: ClosedRange<UInt64>, receipts: [UInt64: [StoredReceipt]], state: LedgerState,
        checkSignatures: Bool, from: UInt64, observer: (any ReplayObserver)?, tally: inout GreenFlowTally, report: inout AuditReport
    ) throws {
        // Decode and check each block's self-consistency, in height order.
        var decoded: [(block: Block, certificate: CommitCertificate, raw: RawBlock)] = []
        var deferredProblem: AuditProblem?
        for (offset, height) in expected.enumerated() {
            do {
                decoded.append(try decodeChecked(raws, offset: offset, height: height))
            } catch let problem as AuditProblem {
                // Check and replay the blocks before this one first, so the report counts them.
                deferredProblem = problem
                break
            }
        }
        try checkDecoded(
            decoded, receipts: receipts, state: state, checkSignatures: checkSignatures, from: from, observer: observer, tally: &tally,
            report: &report)
        if let deferredProblem { throw deferredProblem }
    }

    /// Decodes one stored block and checks what it says about itself.
    private func decodeChecked(_ raws: [RawBlock], offset: Int, height: UInt64) throws -> (block: Block, certificate: CommitCertificate, raw: RawBlock) {
        guard offset < raws.count, raws[offset].height == height else { throw AuditProblem(height, "block \(height) is missing") }
        let raw = raws[offset]
        let block: Block
        let certificate: CommitCertificate
        do {
            let header = try BlockHeader(canonicalBytes: raw.header)
            var reader = CanonicalReader(raw.body)
            let transactions = try reader.readArray(of: Transaction.self, maximum: Limits.blockTransactionsMax, "transactions")
            try reader.finish()
            block = Block(header: header, transactions: transactions)
        } catch { throw AuditProblem(height, "the block does not decode: \(error)") }
        do { certificate = try CommitCertificate(canonicalBytes: raw.certificate) } catch {
            throw AuditProblem(height, "the commit certificate does not decode: \(error)")
        }
        guard block.height == height else { throw AuditProblem(height, "the block stored at \(height) says it is block \(block.height)") }
        guard block.header.chainID == genesis.chainID else { throw AuditProblem(height, "the block is for chain \(block.header.chainID)") }
        guard raw.hash == block.hash.bytes else { throw AuditProblem(height, "the stored block hash does not match the block's header") }
        do { try block.validateStructure() } catch { throw AuditProblem(height, error.description) }
        guard certificate.height == height, certificate.blockHash == block.hash else {
            throw AuditProblem(height, "the commit certificate is for another block or height")
        }
        return (block, certificate, raw)
    }

    private func checkDecoded(
        _ decoded: [(block: Block, certificate: CommitCertificate, raw: RawBlock)], receipts: [UInt64: [StoredReceipt]],
        state: LedgerState, checkSignatures: Bool, from: UInt64, observer: (any ReplayObserver)?, tally: inout GreenFlowTally,
        report: inout AuditReport
    ) throws {
        // All signatures of the batch, on every core.
        var jobs: [ParallelVerifier.Job] = []
        var owners: [(height: UInt64, what: String)] = []
        if checkSignatures {
            for (block, certificate, _) in decoded where block.height >= from {
                for (index, transaction) in block.transactions.enumerated() {
                    jobs.append(.init(signature: transaction.signature, digest: transaction.signingDigest, publicKey: transaction.sender))
                    owners.append((block.height, "transaction \(index) (\(transaction.id.shortHex)) has an invalid signature"))
                }
                let vote = VoteDigest.compute(
                    kind: .commit, chainID: genesis.chainID, genesisHash: genesisHash, view: certificate.view, height: certificate.height,
                    digest: certificate.blockHash)
                for entry in certificate.signatures where Int(entry.validatorIndex) < validators.count {
                    jobs.append(.init(signature: entry.signature, digest: vote, publicKey: validators.keys[Int(entry.validatorIndex)]))
                    owners.append((block.height, "certificate signature of validator \(entry.validatorIndex) is not its COMMIT for view \(certificate.view), height \(certificate.height) and this block"))
                }
            }
        }
        let results = ParallelVerifier.verify(jobs)
        var firstBadSignature: [UInt64: String] = [:]
        for (index, valid) in results.enumerated() where !valid && firstBadSignature[owners[index].height] == nil {
            firstBadSignature[owners[index].height] = owners[index].what
        }
        // Certificates' quorum rules, links, then replay — in height order.
        for (block, certificate, raw) in decoded {
            let height = block.height
            let checking = checkSignatures && height >= from
            if checking {
                if let problem = firstBadSignature[height] { throw AuditProblem(height, problem) }
                do {
                    try certificate.verify(chainID: genesis.chainID, genesisHash: genesisHash, validators: validators, verifier: AlreadyVerified())
                } catch { throw AuditProblem(height, error.description) }
                report.signaturesChecked += UInt64(block.transactions.count + certificate.signatures.count)
                report.certificatesChecked += 1
            }
            guard block.header.parentHash == state.lastBlockHash else {
                throw AuditProblem(height, "the block does not link to block \(height - 1): parent hash \(block.header.parentHash.shortHex), expected \(state.lastBlockHash.shortHex)")
            }
            guard block.header.timestampMillis > state.lastTimestampMillis else {
                throw AuditProblem(height, "the block's timestamp is not after its parent's")
            }
            let execution: BlockExecution
            do { execution = try state.apply(block, verifier: nil) } catch {
                throw AuditProblem(height, "replay refused the block: \(error)")
            }
            guard raw.stateRootAfter == execution.roots.stateRoot.bytes, raw.receiptsRootAfter == execution.roots.receiptsRoot.bytes else {
                throw AuditProblem(height, "replaying the block gives state root \(execution.roots.stateRoot.shortHex) and receipts root \(execution.roots.receiptsRoot.shortHex), not the recorded ones")
            }
            let expectedReceipts = execution.receipts.enumerated().map { StoredReceipt(position: $0.offset, receipt: $0.element) }
            guard (receipts[height] ?? []) == expectedReceipts else {
                throw AuditProblem(height, "the stored receipts differ from the replayed receipts")
            }
            for (transaction, receipt) in zip(block.transactions, execution.receipts) {
                tally.record(transaction, receipt: receipt, state: state)
            }
            observer?.executed(block, receipts: execution.receipts, state: state)
            report.blocksChecked += 1
            report.transactionsChecked += UInt64(block.transactions.count)
        }
    }

    private func compareState(_ state: LedgerState, leaves: [(key: [UInt8], value: [UInt8])], tableRows: [StateTables.Row]?, height: UInt64) throws {
        let expected = state.allKeys.map { key in (key: key.bytes, value: state.value(of: key)!) }
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }
        guard expected.count == leaves.count, zip(expected, leaves).allSatisfy({ $0.key == $1.key && $0.value == $1.value }) else {
            throw AuditProblem(height, "the stored world state differs from the state replayed from genesis")
        }
        guard let tableRows else { return }
        var rendered: [StateTables.Row] = []
        for key in state.allKeys {
            guard let record = try? StateRecord(key: key, value: state.value(of: key)!) else { continue }
            rendered += StateTables.rows(for: record)
        }
        rendered.sort()
        guard rendered != tableRows else { return }
        let difference = Set(rendered).symmetricDifference(tableRows).sorted().first
        throw AuditProblem(
            height, "the state tables differ from the state replayed from genesis (table \(difference?.table ?? "?"): \(difference?.values.joined(separator: "|") ?? "row count"))")
    }
}

/// Signatures were checked in parallel before the quorum rules run.
private struct AlreadyVerified: SignatureVerifier {
    func isValidSignature(_ signature: Signature, digest: Digest, publicKey: PublicKey) -> Bool { true }
}
