import LedgerCrypto

extension Genesis {
    /// Checks every rule a genesis must satisfy; the error names the offending field.
    public func validate() throws(LedgerError) {
        guard !validators.isEmpty, validators.count <= Limits.validatorsMax else {
            throw .invalidGenesis(field: "validators", reason: "need 1…\(Limits.validatorsMax) validators, got \(validators.count)")
        }
        var validatorNames = Set<Identifier>()
        var validatorKeys = Set<PublicKey>()
        var endpoints = Set<String>()
        for (index, validator) in validators.enumerated() {
            let field = "validators[\(index)]"
            guard validatorNames.insert(validator.name).inserted else {
                throw .invalidGenesis(field: "\(field).name", reason: "\"\(validator.name)\" is used twice")
            }
            guard validatorKeys.insert(validator.publicKey).inserted else {
                throw .invalidGenesis(field: "\(field).publicKey", reason: "the same key is listed twice")
            }
            do { try validator.publicKey.validate() } catch {
                throw .invalidGenesis(field: "\(field).publicKey", reason: error.description)
            }
            guard Genesis.isValidHost(validator.host) else {
                throw .invalidGenesis(field: "\(field).host", reason: "\"\(validator.host.prefix(80))\" is not a host name or IP address")
            }
            guard validator.port > 0 else { throw .invalidGenesis(field: "\(field).port", reason: "must be 1…65535") }
            guard endpoints.insert("\(validator.host):\(validator.port)").inserted else {
                throw .invalidGenesis(field: "\(field).port", reason: "\(validator.host):\(validator.port) is used twice")
            }
        }
        guard !members.isEmpty, members.count <= Limits.membersMax else {
            throw .invalidGenesis(field: "members", reason: "need 1…\(Limits.membersMax) members, got \(members.count)")
        }
        var memberNames = Set<Identifier>()
        var memberKeys = Set<PublicKey>()
        for (index, member) in members.enumerated() {
            let field = "members[\(index)]"
            guard memberNames.insert(member.name).inserted else {
                throw .invalidGenesis(field: "\(field).name", reason: "\"\(member.name)\" is used twice")
            }
            guard memberKeys.insert(member.publicKey).inserted else {
                throw .invalidGenesis(field: "\(field).publicKey", reason: "the same key is listed twice")
            }
            do { try member.publicKey.validate() } catch {
                throw .invalidGenesis(field: "\(field).publicKey", reason: error.description)
            }
            guard !member.roles.isEmpty else {
                throw .invalidGenesis(field: "\(field).roles", reason: "a member needs at least one role")
            }
        }
        var funded = Set<[String]>()
        var totals: [Identifier: UInt64] = [:]
        for (index, balance) in balances.enumerated() {
            let field = "balances[\(index)]"
            guard memberNames.contains(balance.member) else {
                throw .invalidGenesis(field: "\(field).member", reason: "\"\(balance.member)\" is not a member")
            }
            guard funded.insert([balance.member.value, balance.currency.value]).inserted else {
                throw .invalidGenesis(field: field, reason: "\(balance.member) already has a \(balance.currency) balance")
            }
            if let rules, rules.currency(balance.currency) == nil {
                throw .invalidGenesis(
                    field: "\(field).currency",
                    reason: "\(balance.currency) is not one of the ledger's currencies (rules.currencies: \(rules.currencies.map(\.code.value).joined(separator: ", ")))")
            }
            let (total, overflow) = totals[balance.currency, default: 0].addingReportingOverflow(balance.amount)
            guard !overflow else {
                throw .invalidGenesis(field: "\(field).amount", reason: "the total of \(balance.currency) would exceed \(UInt64.max) minor units")
            }
            totals[balance.currency] = total
        }
        try consensus.validate()
        try rules?.validate()
    }

    static func isValidHost(_ host: String) -> Bool {
        let bytes = host.utf8
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: ":"):
                true
            default: false
            }
        }
    }
}

extension ConsensusParameters {
    public func validate() throws(LedgerError) {
        func require(_ condition: Bool, _ field: String, _ reason: String) throws(LedgerError) {
            guard condition else { throw .invalidGenesis(field: "consensus.\(field)", reason: reason) }
        }
        try require(batchSizeMax >= 1 && batchSizeMax <= UInt32(Limits.blockTransactionsMax), "batchSizeMax",
            "must be 1…\(Limits.blockTransactionsMax)")
        try require(checkpointInterval >= 1, "checkpointInterval", "must be at least 1")
        try require(stateRootLag >= 1 && stateRootLag <= 16, "stateRootLag", "must be 1…16")
        try require(watermarkWindow >= 2 * checkpointInterval, "watermarkWindow", "must be at least 2 × checkpointInterval")
        try require(tickMillis >= 1 && tickMillis <= 60_000, "tickMillis", "must be 1…60000")
        try require(viewTimeoutTicks >= 1, "viewTimeoutTicks", "must be at least 1")
        try require(viewTimeoutMaxTicks >= viewTimeoutTicks, "viewTimeoutMaxTicks", "must be at least viewTimeoutTicks")
        try require(clockSkewMaxMillis >= 1, "clockSkewMaxMillis", "must be at least 1")
    }
}
