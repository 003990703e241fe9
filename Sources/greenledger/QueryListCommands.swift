import ArgumentParser
import LedgerCrypto
import LedgerCore
import Node

/// Checks an address option before asking the node.
func checkedAddress(_ value: String?, _ flag: String) throws -> String? {
    guard let value else { return nil }
    guard Address(text: value) != nil else { throw CLIError("\(flag) \(value) is not an address (gl followed by 40 lowercase hex digits)") }
    return value
}

func creditTable(_ items: [CreditBlockBody]) -> QueryTable {
    var table = QueryTable(["PROJECT", "VINTAGE", "SERIALS", "QUANTITY", "OWNER", "STATUS", "BENEFICIARY / REASON"], numeric: [3])
    for item in items {
        table.add([
            item.projectId, String(item.vintage), "\(item.firstSerial)–\(item.lastSerial)", kg(item.quantityKg), item.owner, item.status,
            item.retirement?.beneficiary ?? item.hold.map { "\($0.reason) (block \($0.height))" } ?? "",
        ])
    }
    return table
}

struct QueryAccounts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts", abstract: "List every account with its nonce and balances.",
        discussion: "Example:\n  greenledger query accounts --limit 10 --genesis testnet/genesis.json")
    @OptionGroup var connection: QueryCommand.Connection
    @OptionGroup var paging: QueryCommand.Paging
    @Option(help: "The genesis, to show each account's member name.") var genesis: String?

    func run() async throws {
        let members = try MemberDirectory(genesisPath: genesis)
        try await runList(connection, paging, noun: "accounts", fetch: { client, after throws(NodeClientError) in
            try await client.accounts(limit: paging.limit, after: after)
        }, table: { items in
            var table = QueryTable(["ADDRESS", "MEMBER", "NONCE", "BALANCES"], numeric: [2])
            for item in items {
                let balances = item.balances.map { money($0.amount, $0.currency) }.joined(separator: ", ")
                table.add([item.address, members.name(of: item.address) ?? "-", String(item.nonce), balances.isEmpty ? "-" : balances])
            }
            return table
        })
    }
}

struct QueryProjects: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projects", abstract: "List registered projects, by category or owner.",
        discussion: "Example:\n  greenledger query projects --category renewable-energy --owner gl9c82…")
    @OptionGroup var connection: QueryCommand.Connection
    @OptionGroup var paging: QueryCommand.Paging
    @Option(help: "Only this taxonomy category.") var category: String?
    @Option(help: "Only projects owned by this address.") var owner: String?

    func run() async throws {
        let owner = try checkedAddress(owner, "--owner")
        try await runList(connection, paging, noun: "projects", fetch: { client, after throws(NodeClientError) in
            try await client.projects(category: category, owner: owner, limit: paging.limit, after: after)
        }, table: { items in
            var table = QueryTable(["PROJECT", "CATEGORY", "NAME", "COUNTRY", "METHODOLOGY", "PROGRAM", "OWNER", "REGISTERED"], numeric: [7])
            for item in items {
                table.add([
                    item.projectId, item.category, item.name, item.hostCountry ?? "", item.methodology ?? "", item.program ?? "", item.owner,
                    "block \(item.registeredHeight)",
                ])
            }
            return table
        })
    }
}

struct QueryAttestations: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attestations", abstract: "List verifiers' attested reductions, by project, vintage or verifier.",
        discussion: "Example:\n  greenledger query attestations --project solar-gansu-1 --vintage 2025")
    @OptionGroup var connection: QueryCommand.Connection
    @OptionGroup var paging: QueryCommand.Paging
    @Option(help: "Only this project.") var project: String?
    @Option(help: "Only this vintage (year).") var vintage: UInt16?
    @Option(help: "Only this verifier's address.") var verifier: String?

    func run() async throws {
        let verifier = try checkedAddress(verifier, "--verifier")
        try await runList(connection, paging, noun: "attestations", fetch: { client, after throws(NodeClientError) in
            try await client.attestations(
                project: project, vintage: vintage.map(String.init), verifier: verifier, limit: paging.limit, after: after)
        }, table: { items in
            var table = QueryTable(
                ["PROJECT", "VINTAGE", "SEQ", "QUANTITY", "MONITORING", "VERIFIER", "BLOCK", "STATUS", "REPORT SHA-256"], numeric: [2, 3, 6])
            for item in items {
                let period = item.periodStart.map { "\($0)..\(item.periodEnd ?? "")" } ?? ""
                let status = item.revocation.map { "revoked in block \($0.height): \($0.reason)" } ?? "standing"
                table.add([
                    item.projectId, String(item.vintage), String(item.sequence), kg(item.quantityKg), period, item.verifier, String(item.height),
                    status, item.reportSha256,
                ])
            }
            return table
        })
    }
}

struct QueryCredits: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credits", abstract: "List credit blocks by owner, project, vintage, status, or find the block holding a serial.",
        discussion: """
            A serial number is unique within its project and vintage, so --serial needs both.

            Examples:
              greenledger query credits --owner gl9c82… --status issued
              greenledger query credits --project solar-gansu-1 --vintage 2025 --serial 4200
            """)
    @OptionGroup var connection: QueryCommand.Connection
    @OptionGroup var paging: QueryCommand.Paging
    @Option(help: "Only blocks owned by this address.") var owner: String?
    @Option(help: "Only this project.") var project: String?
    @Option(help: "Only this vintage (year).") var vintage: UInt16?
    @Option(help: "issued (also: held), retired, cancelled or suspended.") var status: String?
    @Option(help: "The block whose serial range holds this serial (needs --project and --vintage).") var serial: UInt64?

    func validate() throws {
        if serial != nil && (project == nil || vintage == nil) {
            throw ValidationError("--serial needs --project and --vintage: a serial number is unique only within its project and vintage")
        }
        if let status, status != "held" && CreditStatus(rawValue: status) == nil {
            throw ValidationError("--status must be issued, retired, cancelled or suspended, got \(status)")
        }
    }

    func run() async throws {
        let owner = try checkedAddress(owner, "--owner")
        try await runList(connection, paging, noun: "credit blocks", fetch: { client, after throws(NodeClientError) in
            try await client.credits(
                owner: owner, project: project, vintage: vintage.map(String.init), status: status, serial: serial.map(String.init),
                limit: paging.limit, after: after)
        }, table: creditTable)
    }
}

struct QueryRetirements: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retirements", abstract: "List retired credits in retirement order, by project or beneficiary.",
        discussion: "Example:\n  greenledger query retirements --beneficiary \"Acme Steel AG\"")
    @OptionGroup var connection: QueryCommand.Connection
    @OptionGroup var paging: QueryCommand.Paging
    @Option(help: "Only this project.") var project: String?
    @Option(help: "Only this beneficiary (exact text).") var beneficiary: String?

    func run() async throws {
        try await runList(connection, paging, noun: "retirements", fetch: { client, after throws(NodeClientError) in
            try await client.retirements(project: project, beneficiary: beneficiary, limit: paging.limit, after: after)
        }, table: { items in
            var table = QueryTable(["BLOCK", "PROJECT", "VINTAGE", "SERIALS", "QUANTITY", "BENEFICIARY", "REASON", "TRANSACTION"], numeric: [0, 4])
            for item in items {
                let retirement = item.retirement
                table.add([
                    retirement.map { String($0.height) } ?? "", item.projectId, String(item.vintage), "\(item.firstSerial)–\(item.lastSerial)",
                    kg(item.quantityKg), retirement?.beneficiary ?? "", retirement?.reason ?? "", retirement?.transactionId ?? "",
                ])
            }
            return table
        })
    }
}

struct QueryBonds: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bonds", abstract: "List green bonds with allocated and unallocated proceeds.",
        discussion: "Example:\n  greenledger query bonds")
    @OptionGroup var connection: QueryCommand.Connection
    @OptionGroup var paging: QueryCommand.Paging

    func run() async throws {
        try await runList(connection, paging, noun: "bonds", fetch: { client, after throws(NodeClientError) in
            try await client.bonds(limit: paging.limit, after: after)
        }, table: { items in
            var table = QueryTable(["BOND", "CURRENCY", "FACE VALUE", "ALLOCATED", "UNALLOCATED", "TERM", "ELIGIBLE"], numeric: [2, 3, 4])
            for item in items {
                table.add([
                    item.bondId, item.currency, money(item.faceValue, item.currency), money(item.allocated, item.currency), money(item.unallocated, item.currency),
                    "\(item.termMonths) months", item.eligibleCategories.joined(separator: ","),
                ])
            }
            return table
        })
    }
}

struct QueryTransactions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transactions", abstract: "List a sender's committed transactions in nonce order.",
        discussion: "Example:\n  greenledger query transactions --sender gl9c82…")
    @OptionGroup var connection: QueryCommand.Connection
    @OptionGroup var paging: QueryCommand.Paging
    @Option(help: "The sender's address.") var sender: String

    func run() async throws {
        let sender = try checkedAddress(sender, "--sender")!
        try await runList(connection, paging, noun: "transactions", fetch: { client, after throws(NodeClientError) in
            try await client.transactions(sender: sender, limit: paging.limit, after: after)
        }, table: { items in
            var table = QueryTable(["NONCE", "KIND", "BLOCK", "POS", "OUTCOME", "ID"], numeric: [0, 2, 3])
            for item in items {
                let outcome = item.success ? "success" : "failed: \(item.failure?.code ?? "?")"
                table.add([String(item.nonce), item.kind, String(item.height), String(item.position), outcome, item.id])
            }
            return table
        })
    }
}

struct QueryBlocks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blocks", abstract: "List committed blocks: height, hash, time, transaction count.",
        discussion: "Example:\n  greenledger query blocks --limit 20")
    @OptionGroup var connection: QueryCommand.Connection
    @OptionGroup var paging: QueryCommand.Paging

    func run() async throws {
        try await runList(connection, paging, noun: "blocks", fetch: { client, after throws(NodeClientError) in
            try await client.blocks(limit: paging.limit, after: after)
        }, table: { items in
            var table = QueryTable(["HEIGHT", "TIME (UTC)", "TXS", "HASH"], numeric: [0, 2])
            for item in items { table.add([String(item.height), utcTime(item.timestampMillis), String(item.transactionCount), item.hash]) }
            return table
        })
    }
}
