import Foundation
import LedgerCrypto
import Testing
@testable import LedgerCore

@Suite("Genesis")
struct GenesisTests {
    @Test("JSON round-trips to an equal genesis with the same hash")
    func jsonRoundTrip() throws {
        let genesis = try TestLedger().genesis
        let reloaded = try Genesis(jsonData: genesis.jsonData())
        #expect(reloaded == genesis)
        #expect(reloaded.hash == genesis.hash)
    }

    @Test("the hash covers every field")
    func hashCoversFields() throws {
        let genesis = try TestLedger().genesis
        var changed = genesis
        changed.consensus.checkpointInterval += 1
        #expect(changed.hash != genesis.hash)
        changed = genesis
        changed.validators[0].port += 1
        #expect(changed.hash != genesis.hash)
        changed = genesis
        changed.balances[0].amount += 1
        #expect(changed.hash != genesis.hash)
    }

    /// Applies `edit` to the JSON object of a valid genesis and expects the error to name `field`.
    func expectRejection(field: String, _ edit: (inout [String: Any]) -> Void) throws {
        let genesis = try TestLedger().genesis
        var object = try #require(try JSONSerialization.jsonObject(with: genesis.jsonData()) as? [String: Any])
        edit(&object)
        let data = try JSONSerialization.data(withJSONObject: object)
        #expect {
            try Genesis(jsonData: data)
        } throws: { error in
            guard case LedgerError.invalidGenesis(let named, _) = error else { return false }
            return named == field
        }
    }

    @Test("errors name the offending field")
    func fieldNamedErrors() throws {
        try expectRejection(field: "chainID") { $0["chainID"] = "has spaces" }
        try expectRejection(field: "consensus") { $0["consensus"] = nil }
        try expectRejection(field: "unexpected") { $0["unexpected"] = 1 }
        try expectRejection(field: "validators[0].publicKey") { object in
            var validators = object["validators"] as! [[String: Any]]
            validators[0]["publicKey"] = "02abcd"
            object["validators"] = validators
        }
        try expectRejection(field: "members[1].roles[0]") { object in
            var members = object["members"] as! [[String: Any]]
            members[1]["roles"] = ["banker"]
            object["members"] = members
        }
        try expectRejection(field: "members[1].name") { object in
            var members = object["members"] as! [[String: Any]]
            members[1]["name"] = members[0]["name"]
            object["members"] = members
        }
        try expectRejection(field: "balances[0].member") { object in
            var balances = object["balances"] as! [[String: Any]]
            balances[0]["member"] = "nobody"
            object["balances"] = balances
        }
        try expectRejection(field: "consensus.stateRootLag") { object in
            var consensus = object["consensus"] as! [String: Any]
            consensus["stateRootLag"] = 0
            object["consensus"] = consensus
        }
        try expectRejection(field: "validators") { $0["validators"] = [] as [Any] }
    }

    @Test("opening balances that overflow a currency's total are refused")
    func balanceTotalOverflow() throws {
        #expect(throws: LedgerError.self) {
            _ = try TestLedger(extraBalances: [
                InitialBalance(member: "fund", currency: "EUR", amount: UInt64.max),
            ])
        }
    }

    @Test("the shipped example genesis is valid and has 4 validators")
    func shippedExample() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("genesis/example-4-validators.json").path
        let genesis = try Genesis(contentsOfFile: path)
        #expect(genesis.validators.count == 4)
        #expect(genesis.validatorSet.quorum == 3)
        #expect(Set(genesis.members.flatMap(\.roles)) == Set(Role.allCases))
    }

    @Test("quorum arithmetic for n = 3f + 1")
    func quorums() throws {
        let keys = try (0..<7).map { _ in try SigningKey().publicKey }
        let four = ValidatorSet(keys: Array(keys.prefix(4)))
        #expect(four.faultsTolerated == 1 && four.quorum == 3 && four.weakQuorum == 2)
        let seven = ValidatorSet(keys: keys)
        #expect(seven.faultsTolerated == 2 && seven.quorum == 5 && seven.primary(of: 9) == 2)
    }
}
