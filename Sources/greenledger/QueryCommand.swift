import ArgumentParser
import Foundation
import Node

/// `greenledger query`: read the committed ledger through a node's API.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Read the committed ledger: accounts, projects, attestations, credits, retirements, bonds, transactions, blocks.",
        discussion: """
            Lists are paged: --limit (1–1000, default 100) items per page; the footer "more: --after CURSOR" \
            gives the next page, or --all follows every page. --json prints the API's JSON body.

            Examples:
              greenledger query projects --category renewable-energy
              greenledger query credits --project solar-gansu-1 --vintage 2025 --serial 4200
              greenledger query bond GB-2026-01 --json
            """,
        subcommands: [
            QueryAccount.self, QueryAccounts.self, QueryProjects.self, QueryProject.self, QueryAttestations.self, QueryCredits.self,
            QueryRetirements.self, QueryBonds.self, QueryBond.self, QueryTransaction.self, QueryTransactions.self, QueryBlock.self,
            QueryBlocks.self,
        ]
    )

    /// Where to ask, and how to print.
    struct Connection: ParsableArguments {
        @Option(help: "A validator's client API (http:// or https://).")
        var node: String = "https://127.0.0.1:8100"

        @Option(name: .customLong("ca"), help: "With an https:// --node: the CA certificate (PEM) that issued the node's certificate; default: $GREENLEDGER_CA, else the system's trusted roots.")
        var caFile: String?

        @Flag(help: "Print the API's JSON body (pretty) instead of a table.")
        var json = false

        func client() throws -> NodeClient {
            do { return try NodeEndpoint.client(url: node, caOption: caFile) } catch { throw CLIError("--node: \(error)") }
        }
    }

    /// Which page of a list.
    struct Paging: ParsableArguments {
        static let allPagesMax = 1_000

        @Option(help: "Items per page, 1 to 1000.")
        var limit: Int?

        @Option(help: "Start after this cursor (the \"more: --after\" of the previous page).")
        var after: String?

        @Flag(help: "Follow every page (at most 1000 pages).")
        var all = false

        func validate() throws {
            if let limit, !(1...1_000).contains(limit) {
                throw ValidationError("--limit must be a whole number from 1 to 1000, got \(limit)")
            }
        }
    }
}

/// Runs a list query: one page, or with --all every page (bounded); prints JSON or a table
/// with the "more" footer.
func runList<Item: Codable & Sendable & Hashable>(
    _ connection: QueryCommand.Connection, _ paging: QueryCommand.Paging, noun: String,
    fetch: (NodeClient, String?) async throws(NodeClientError) -> ListBody<Item>, table: ([Item]) -> QueryTable
) async throws {
    let client = try connection.client()
    var body: ListBody<Item>
    do {
        body = try await fetch(client, paging.after)
        var pages = 1
        while paging.all, let next = body.next {
            guard pages < QueryCommand.Paging.allPagesMax else {
                throw CLIError("stopped after \(pages) pages (\(body.items.count) \(noun)); continue with --after \(next)")
            }
            let page = try await fetch(client, next)
            body = ListBody(items: body.items + page.items, next: page.next, height: page.height)
            pages += 1
        }
    } catch let error as NodeClientError {
        throw CLIError(error)
    }
    if connection.json { return try printJSON(body) }
    if body.items.isEmpty {
        print("no \(noun) at height \(body.height)")
    } else {
        print(table(body.items).rendered())
        print("\(body.items.count) \(noun) at height \(body.height)")
    }
    if let next = body.next { print("more: --after \(next)") }
}

func printJSON(_ body: some Encodable) throws {
    print(try CLIJSON.render(body))
}

/// Runs one detail query, turning the client's error into a CLI error.
func fetchOne<Body>(_ connection: QueryCommand.Connection, _ call: (NodeClient) async throws(NodeClientError) -> Body) async throws -> Body {
    let client = try connection.client()
    do { return try await call(client) } catch { throw CLIError(error) }
}
