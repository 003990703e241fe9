import ArgumentParser
import Foundation
import LedgerCrypto
import Node

func utcTime(_ millis: UInt64) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1_000))
}

struct QueryAccount: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account", abstract: "Show one account: nonce and balances.",
        discussion: "Examples:\n  greenledger query account gl9c82…\n  greenledger query account green-bank --genesis testnet/genesis.json")
    @OptionGroup var connection: QueryCommand.Connection
    @Argument(help: "The account's address, or a member's name with --genesis.") var address: String
    @Option(help: "The genesis, to look a member up by name and show member names.") var genesis: String?

    func run() async throws {
        let members = try MemberDirectory(genesisPath: genesis)
        guard let parsed = Address(text: address) ?? members.address(named: address) else {
            if genesis == nil {
                throw CLIError("\(address) is not an address (gl followed by 40 lowercase hex digits); to look up a member by name, add --genesis FILE")
            }
            throw CLIError("\(address) is neither an address nor a member of the genesis \(genesis ?? "")")
        }
        let body = try await fetchOne(connection) { client throws(NodeClientError) in try await client.account(parsed) }
        if connection.json { return try printJSON(body) }
        print("account \(body.address)\(members.name(of: body.address).map { " (\($0))" } ?? "")")
        print("nonce   \(body.nonce)")
        if body.balances.isEmpty { print("balances: none") }
        for balance in body.balances { print("balance \(money(balance.amount, balance.currency))") }
    }
}

struct QueryProject: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project", abstract: "Show one project, its host country, methodology and program, and its vintages (attested, revoked, issued, retired, cancelled, held, suspended kg).",
        discussion: "Example:\n  greenledger query project solar-gansu-1")
    @OptionGroup var connection: QueryCommand.Connection
    @Argument(help: "The project id.") var id: String

    func run() async throws {
        let body = try await fetchOne(connection) { client throws(NodeClientError) in try await client.project(id) }
        if connection.json { return try printJSON(body) }
        let project = body.project
        print("project  \(project.projectId): \(project.name)")
        print("category \(project.category)")
        print("location \(project.location)")
        if let country = project.hostCountry {
            print("host     \(country); methodology \(project.methodology ?? "?"), program \(project.program ?? "?")")
        }
        print("owner    \(project.owner)")
        print("registered in block \(project.registeredHeight); read at height \(body.height)")
        guard !body.vintages.isEmpty else { return print("no vintages attested yet") }
        var table = QueryTable(
            ["VINTAGE", "ATTESTED", "REVOKED", "ISSUED", "RETIRED", "CANCELLED", "HELD", "SUSPENDED", "ATTESTATIONS"], numeric: Set(1...8))
        for vintage in body.vintages {
            table.add([
                String(vintage.vintage), kg(vintage.attestedKg), kg(vintage.revokedKg ?? "0"), kg(vintage.issuedKg), kg(vintage.retiredKg),
                kg(vintage.cancelledKg ?? "0"), kg(vintage.heldKg), kg(vintage.suspendedKg ?? "0"), String(vintage.attestationCount),
            ])
        }
        print(table.rendered())
    }
}

struct QueryBond: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bond", abstract: "Show one green bond: allocations per project and totals per category.",
        discussion: "Example:\n  greenledger query bond GB-2026-01")
    @OptionGroup var connection: QueryCommand.Connection
    @Argument(help: "The bond id.") var id: String

    func run() async throws {
        let body = try await fetchOne(connection) { client throws(NodeClientError) in try await client.bond(id) }
        if connection.json { return try printJSON(body) }
        let bond = body.bond
        print("bond        \(bond.bondId), issuer \(bond.issuer), \(bond.termMonths) months")
        print("face value  \(money(bond.faceValue, bond.currency))")
        print("allocated   \(money(bond.allocated, bond.currency))")
        print("unallocated \(money(bond.unallocated, bond.currency))")
        print("eligible    \(bond.eligibleCategories.joined(separator: ", "))")
        print("read at height \(body.height)")
        guard !body.allocations.isEmpty else { return print("no allocations yet") }
        var table = QueryTable(["PROJECT", "CATEGORY", "AMOUNT"], numeric: [2])
        for allocation in body.allocations { table.add([allocation.projectId, allocation.category, money(allocation.amount, bond.currency)]) }
        print(table.rendered())
        var totals = QueryTable(["CATEGORY", "TOTAL"], numeric: [1])
        for total in body.categoryTotals { totals.add([total.category, money(total.amount, bond.currency)]) }
        print(totals.rendered())
    }
}

struct QueryTransaction: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tx", abstract: "Show one transaction: where it was committed and its receipt.",
        discussion: "Example:\n  greenledger query tx 3f1c…(64 hex digits)")
    @OptionGroup var connection: QueryCommand.Connection
    @Argument(help: "The transaction id (64 hex digits).") var id: String

    func run() async throws {
        guard let digest = Digest(hex: id) else { throw CLIError("\(id) is not a transaction id (64 hex digits)") }
        let body = try await fetchOne(connection) { client throws(NodeClientError) in try await client.transaction(digest) }
        if connection.json {
            try printJSON(body)
        } else {
            print("transaction \(body.id)")
            print("status      \(body.status)")
        }
        guard body.status != "unknown" else {
            throw CLIError("\(body.id) is neither pending nor committed on \(connection.node); check the id, or ask another validator")
        }
        guard !connection.json, body.status == "committed", let height = body.height, let position = body.position else { return }
        print("block       \(height), position \(position)")
        if let receipt = body.receipt {
            print("receipt     \(receipt.success ? "success" : "FAILED — \(receipt.failure.map { "\($0.message) (\($0.code))" } ?? "")")")
        }
        // What it says: from the committed block's canonical bytes.
        let block = try await fetchOne(connection) { client throws(NodeClientError) in try await client.rawBlock(at: height) }
        guard block.block.transactions.indices.contains(position), block.block.transactions[position].id == digest else {
            throw CLIError("block \(height) from \(connection.node) does not hold \(body.id) at position \(position)")
        }
        let transaction = block.block.transactions[position]
        print("kind        \(transaction.payload.kindName)")
        print("sender      \(transaction.senderAddress), nonce \(transaction.nonce)")
        for (label, value) in PayloadSummary.fields(of: transaction.payload, genesis: nil) {
            print("\(label.padding(toLength: 11, withPad: " ", startingAt: 0)) \(value)")
        }
    }
}

struct QueryBlock: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "block", abstract: "Show one committed block: header, transactions, certificate.",
        discussion: "Example:\n  greenledger query block 3")
    @OptionGroup var connection: QueryCommand.Connection
    @Argument(help: "The block height (from 1).") var height: UInt64

    func validate() throws {
        guard height > 0 else { throw ValidationError("the block height is a whole number from 1 (block 0 is the genesis)") }
    }

    func run() async throws {
        let body = try await fetchOne(connection) { client throws(NodeClientError) in try await client.block(at: height) }
        if connection.json { return try printJSON(body) }
        print("block        \(body.height)")
        print("hash         \(body.hash)")
        print("parent       \(body.header.parentHash)")
        print("time (UTC)   \(utcTime(body.header.timestampMillis))")
        print("state root   \(body.header.stateRoot)")
        print("certificate  view \(body.certificate.view), \(body.certificate.signatures.count) signatures")
        print("transactions \(body.transactionIds.count)")
        for id in body.transactionIds { print("  \(id)") }
    }
}
