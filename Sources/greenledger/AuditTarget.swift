import ArgumentParser
import Audit
import Foundation
import LedgerCore
import LedgerCrypto
import Node
import Storage

/// What `verify` and `report` audit: a data directory (offline) or a node's API (online),
/// always against a genesis the user trusts.
struct AuditTarget: ParsableArguments {
    @Option(help: "A node's data directory (holding ledger.sqlite), opened read-only. Give this or --node.")
    var dataDir: String?

    @Option(help: "A validator's client API, e.g. https://127.0.0.1:8100, to audit online. Give this or --data-dir.")
    var node: String?

    @Option(name: .customLong("ca"), help: "With an https:// --node: the CA certificate (PEM) that issued the node's certificate; default: $GREENLEDGER_CA, else the system's trusted roots.")
    var caFile: String?

    @Option(help: "The genesis file you trust; the validator set is taken from it, never from the data.")
    var genesis: String

    func validate() throws {
        switch (dataDir, node) {
        case (nil, nil):
            throw ValidationError("say what to audit: --data-dir DIR (a node's data, offline) or --node URL (a node's API, online)")
        case (.some, .some):
            throw ValidationError("give either --data-dir or --node, not both: one audit reads one source")
        default:
            break
        }
    }

    /// Runs the audit. `say` gets the lines that tell the user what is audited; progress goes
    /// to stderr.
    func audit(
        fromHeight: UInt64? = nil, toHeight: UInt64? = nil, observer: (any ReplayObserver)? = nil, say: (String) -> Void
    ) async throws -> AuditReport {
        let trusted: Genesis
        do { trusted = try Genesis(contentsOfFile: genesis) } catch {
            throw CLIError("cannot read the genesis \(genesis): \(error)")
        }
        var lastPrinted = Date.distantPast
        let options = ChainAuditor.Options(fromHeight: fromHeight, toHeight: toHeight, observer: observer) { height, last in
            guard Date().timeIntervalSince(lastPrinted) > 1 || height == last else { return }
            lastPrinted = Date()
            ProgressOutput.line("  checked up to block \(height) of \(last)")
        }
        let auditor = ChainAuditor(genesis: trusted)
        let about = "genesis \(trusted.hash) (chain \(trusted.chainID), \(trusted.validators.count) validators)"
        if let dataDir {
            let reader = try LedgerStore.openForAudit(directory: dataDir)
            say("auditing \(dataDir) against \(about)")
            return await auditor.audit(reader, options: options)
        }
        let client: NodeClient
        do { client = try NodeEndpoint.client(url: node ?? "", caOption: caFile) } catch {
            throw CLIError("--node \(node ?? ""): \(error); expected http(s)://HOST:PORT, e.g. https://127.0.0.1:8100")
        }
        let status: StatusBody
        do { status = try await client.status() } catch { throw CLIError("cannot read the status of \(node ?? ""): \(error)") }
        say("auditing node \(node ?? "") online against \(about)")
        say("the node is at height \(status.height) and says its genesis is \(status.genesisHash); auditing blocks up to \(status.height) (blocks committed after this start are not included)")
        let source = RemoteAuditSource(genesisHash: Digest(hex: status.genesisHash), height: status.height) { from, count in
            try await client.chainExport(from: from, count: count)
        }
        return await auditor.audit(source, options: options)
    }
}
