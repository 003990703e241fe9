import Foundation
import LedgerCrypto

/// What page of a list to read: at most `limit` items after the `after` cursor (nil: from the start).
public struct QueryPage: Sendable, Hashable {
    public static let limitDefault = 100
    public static let limitMax = 1_000

    public var limit: Int
    public var after: String?

    public init(limit: Int = QueryPage.limitDefault, after: String? = nil) {
        self.limit = limit
        self.after = after
    }

    func validatedLimit() throws(QueryError) -> Int {
        guard (1...QueryPage.limitMax).contains(limit) else { throw .limitOutOfRange(given: limit) }
        return limit
    }
}

/// One page of a list, read in one snapshot of the ledger at `height`. `next` is the cursor of
/// the following page, nil when this page ends the list.
public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    public let next: String?
    public let height: UInt64

    public init(items: [Item], next: String?, height: UInt64) {
        self.items = items
        self.next = next
        self.height = height
    }
}

/// One answer read in one snapshot of the ledger at `height`; `value` is nil when the thing
/// asked for does not exist.
public struct Snapshot<Value: Sendable>: Sendable {
    public let value: Value?
    public let height: UInt64
}

/// A keyset cursor: the list it belongs to and the sort-key values of the last item handed
/// out, as SQLite values (an amount above Int64.max is stored as text and compared as text,
/// consistently with the index order). Opaque to clients: base64url of a JSON array.
struct QueryCursor: Equatable {
    let list: String
    let keys: [SQLiteValue]

    func encoded() -> String {
        let parts = [list] + keys.map { key -> String in
            switch key {
            case .integer(let value): "i\(value)"
            case .text(let value): "t\(value)"
            case .blob(let bytes): "b\(Hex.encode(bytes))"
            case .null: "n"
            }
        }
        // An array of strings always encodes.
        let json = (try? JSONEncoder().encode(parts)) ?? Data()
        return json.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String, list: String, keyCount: Int) throws(QueryError) -> QueryCursor {
        guard text.utf8.count <= 4_096 else { throw .invalidCursor(reason: "longer than any cursor") }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let parts = try? JSONDecoder().decode([String].self, from: data) else {
            throw .invalidCursor(reason: "not a cursor")
        }
        guard parts.first == list else { throw .invalidCursor(reason: "it belongs to another list") }
        guard parts.count == keyCount + 1 else { throw .invalidCursor(reason: "wrong number of keys") }
        var keys: [SQLiteValue] = []
        for part in parts.dropFirst() {
            let body = String(part.dropFirst())
            switch part.first {
            case "i":
                guard let value = Int64(body) else { throw .invalidCursor(reason: "a malformed number") }
                keys.append(.integer(value))
            case "t": keys.append(.text(body))
            case "b":
                guard let bytes = Hex.decode(body) else { throw .invalidCursor(reason: "malformed bytes") }
                keys.append(.blob(bytes))
            case "n": keys.append(.null)
            default: throw .invalidCursor(reason: "an unknown key type")
            }
        }
        return QueryCursor(list: list, keys: keys)
    }
}
