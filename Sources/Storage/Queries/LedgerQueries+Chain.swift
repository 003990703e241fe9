import LedgerCrypto

/// Accounts, blocks and transactions.
extension LedgerQueries {
    /// Every account (genesis members), in address order, with its nonce and balances.
    public func accounts(_ page: QueryPage = QueryPage()) throws(QueryError) -> Page<AccountRecord> {
        try read { database, height throws(QueryError) in
            let query = KeysetQuery(list: "accounts", table: "accounts", columns: ["nonce"], keyColumns: ["address"])
            let (rows, next) = try query.run(database, page)
            guard let first = rows.first?.last, let last = rows.last?.last else { return Page(items: [], next: next, height: height) }
            // A page is a contiguous address range: one query fetches its balances.
            let balanceRows: [[SQLiteValue]]
            do throws(StorageError) {
                balanceRows = try database.query(
                    "SELECT address, currency, amount FROM balances WHERE address BETWEEN ? AND ? ORDER BY address, currency", [first, last])
            } catch { throw .storage(error) }
            var balances: [String: [CurrencyAmount]] = [:]
            for row in balanceRows {
                let reader = RowReader(row: row, table: "balances")
                let amount = try reader.amount(2)
                guard amount > 0 else { continue }
                balances[try reader.text(0), default: []].append(CurrencyAmount(currency: try reader.text(1), amount: amount))
            }
            let items = try rows.map { row throws(QueryError) in
                let reader = RowReader(row: row, table: "accounts")
                let address = try reader.text(1)
                return AccountRecord(address: address, nonce: try reader.amount(0), balances: balances[address] ?? [])
            }
            return Page(items: items, next: next, height: height)
        }
    }

    /// Committed blocks in height order: height, hash, time, transaction count.
    public func blocks(_ page: QueryPage = QueryPage()) throws(QueryError) -> Page<BlockSummary> {
        try read { database, height throws(QueryError) in
            let query = KeysetQuery(list: "blocks", table: "blocks", columns: ["hash", "timestamp_ms", "transaction_count"], keyColumns: ["height"])
            let (rows, next) = try query.run(database, page)
            let items = try rows.map { row throws(QueryError) in
                let reader = RowReader(row: row, table: "blocks")
                return BlockSummary(
                    height: try reader.amount(3), hash: try reader.blobHex(0), timestampMillis: try reader.amount(1),
                    transactionCount: try reader.integer(2))
            }
            return Page(items: items, next: next, height: height)
        }
    }

    /// The committed transactions of `sender`, in nonce order, with their receipts' outcome.
    public func transactions(sender: Address, _ page: QueryPage = QueryPage()) throws(QueryError) -> Page<TransactionRecord> {
        try read { database, height throws(QueryError) in
            var query = KeysetQuery(
                list: "transactions:\(sender)",
                table: "transactions t JOIN receipts r ON r.height = t.height AND r.position = t.position",
                columns: ["t.height", "t.position", "t.sender", "t.kind", "r.success", "r.failure_code", "r.failure_message"],
                keyColumns: ["t.nonce", "t.id"])
            query.conditions.add("t.sender = ?", .text(sender.description))
            let (rows, next) = try query.run(database, page)
            let items = try rows.map { row throws(QueryError) in
                let reader = RowReader(row: row, table: "transactions")
                return TransactionRecord(
                    transactionID: try reader.blobHex(8), height: try reader.amount(0), position: try reader.integer(1),
                    sender: try reader.text(2), nonce: try reader.amount(7), kind: try reader.text(3),
                    success: try reader.integer(4, as: Int64.self) == 1, failureCode: try reader.optionalText(5),
                    failureMessage: try reader.optionalText(6))
            }
            return Page(items: items, next: next, height: height)
        }
    }
}
