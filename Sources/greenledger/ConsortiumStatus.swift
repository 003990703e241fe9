import ArgumentParser
import Foundation
import Node

/// What `greenledger status` and `testnet status` found: each validator's answer, and the
/// problems (exit status 1) and warnings (exit status 0) read from all of them together.
struct ConsortiumStatus: Encodable {
    struct NodeReport: Encodable {
        /// `node-0` for a testnet, else the URL.
        var name: String
        var url: String
        /// `running`, `stopped` (no process) or `not-answering`.
        var state: String
        var pid: Int32?
        var status: StatusBody?
        var error: String?
    }

    var nodes: [NodeReport]
    var problems: [String]
    var warnings: [String]
    var healthy: Bool { problems.isEmpty }

    enum CodingKeys: String, CodingKey { case nodes, problems, warnings, healthy }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(nodes, forKey: .nodes)
        try container.encode(problems, forKey: .problems)
        try container.encode(warnings, forKey: .warnings)
        try container.encode(healthy, forKey: .healthy)
    }

    /// Asks `client` for its status; a node that does not answer is reported, not thrown.
    static func ask(name: String, url: String, pid: Int32?, client: NodeClient) async -> NodeReport {
        do {
            return NodeReport(name: name, url: url, state: "running", pid: pid, status: try await client.status())
        } catch {
            return NodeReport(name: name, url: url, state: "not-answering", pid: pid, error: error.description)
        }
    }

    /// Reads the answers together. `quorum`: from the genesis when known.
    init(nodes: [NodeReport], quorum: Int?) {
        self.nodes = nodes
        var problems: [String] = []
        var warnings: [String] = []
        let answering = nodes.compactMap { node in node.status.map { (node.name, $0) } }
        for node in nodes {
            switch node.state {
            case "stopped": problems.append("\(node.name) is stopped")
            case "not-answering": problems.append("\(node.name) does not answer on \(node.url): \(node.error ?? "no answer")")
            default: break
            }
        }
        for (name, status) in answering {
            for problem in status.problems ?? [] { problems.append("\(name): \(problem.message)") }
            if status.peersConnected < status.peersTotal {
                warnings.append("\(name) is connected to \(status.peersConnected) of its \(status.peersTotal) peers")
            }
        }
        if Set(answering.map(\.1.genesisHash)).count > 1 {
            problems.append("the validators answer for different chains (genesis \(Set(answering.map { String($0.1.genesisHash.prefix(16)) }).sorted().joined(separator: ", ")))")
        }
        let byView = Dictionary(grouping: answering, by: \.1.view)
        if byView.count > 1 {
            let groups = byView.keys.sorted().map { view in "view \(view): \(byView[view]!.map(\.0).joined(separator: ", "))" }
            let largest = byView.values.map(\.count).max() ?? 0
            if let quorum, largest < quorum, answering.count >= quorum {
                problems.append("no quorum of validators shares a view (\(groups.joined(separator: "; "))); a view change is under way or stuck — check the node logs")
            } else {
                warnings.append("validators are in different views (\(groups.joined(separator: "; "))); one alone in a higher view rejoins at the next view change")
            }
        }
        if let top = answering.map(\.1.height).max() {
            for (name, status) in answering where top - status.height > 16 {
                warnings.append("\(name) is \(top - status.height) blocks behind (height \(status.height) of \(top)); it catches up from its peers")
            }
        }
        self.problems = problems
        self.warnings = warnings
    }

    /// One line per validator, then the problems and warnings.
    var text: String {
        var lines: [String] = []
        for node in nodes {
            let pid = node.pid.map { "  pid \($0)" } ?? ""
            switch (node.state, node.status) {
            case ("stopped", _): lines.append("\(node.name)  stopped")
            case (_, let status?):
                let since = status.secondsSinceCommit.map { "  last commit \($0) s ago" } ?? ""
                lines.append("\(node.name)\(pid)  \(status.health ?? "ok")  height \(status.height)  view \(status.view) (primary \(status.primary))  peers \(status.peersConnected)/\(status.peersTotal)  mempool \(status.mempoolSize)\(since)  \(node.url)")
            default: lines.append("\(node.name)\(pid)  not answering on \(node.url)")
            }
        }
        for problem in problems { lines.append("problem: \(problem)") }
        for warning in warnings { lines.append("warning: \(warning)") }
        lines.append(healthy ? "healthy" : "NOT HEALTHY: \(problems.count) problem\(problems.count == 1 ? "" : "s") (exit status 1)")
        return lines.joined(separator: "\n")
    }

    /// Prints as text or JSON; throws exit status 1 when there is a problem.
    func print(json: Bool) throws {
        if json {
            Swift.print(try CLIJSON.render(self))
        } else {
            Swift.print(text)
        }
        if !healthy { throw ExitCode.failure }
    }
}
