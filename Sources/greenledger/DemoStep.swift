/// One step of the demo: who acts, what they do in plain words, the exact `greenledger`
/// command line they would type, and what must come of it.
struct DemoStep {
    enum Expectation {
        /// The command succeeds (a transaction: committed with a successful receipt).
        case success
        /// The ledger refuses it, and the reason mentions `reasonContaining`.
        case refusal(reasonContaining: String)
    }

    let actor: String
    let action: String
    /// Built when the step runs, so it can name what earlier steps produced.
    let arguments: (DemoRecord) throws -> [String]
    let expectation: Expectation
    /// Under this name the step's committed transaction is kept for later steps.
    var records: String?

    init(
        _ actor: String, _ action: String, expect expectation: Expectation = .success, records: String? = nil,
        _ arguments: @escaping (DemoRecord) throws -> [String]
    ) {
        self.actor = actor
        self.action = action
        self.expectation = expectation
        self.records = records
        self.arguments = arguments
    }
}

/// What earlier steps committed, by the name a step recorded it under.
struct DemoRecord {
    var transactions: [String: (id: String, height: UInt64)] = [:]

    func transaction(_ name: String) throws -> (id: String, height: UInt64) {
        guard let transaction = transactions[name] else { throw CLIError("the demo step that commits \"\(name)\" did not run") }
        return transaction
    }
}
