/// Why a ledger query was refused or failed. Each case says what the caller can do.
public enum QueryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `limit` outside 1…`QueryPage.limitMax`.
    case limitOutOfRange(given: Int)
    /// An `after` cursor this list did not hand out (or a damaged one).
    case invalidCursor(reason: String)
    /// A `serial` lookup needs the project and vintage it belongs to.
    case serialNeedsProjectAndVintage
    /// Reading the database failed.
    case storage(StorageError)

    public var description: String {
        switch self {
        case .limitOutOfRange(let given):
            "limit \(given) is out of range: give a page size from 1 to \(QueryPage.limitMax) (default \(QueryPage.limitDefault))"
        case .invalidCursor(let reason):
            "the after cursor is not one this list handed out (\(reason)); pass the `next` value of the previous page unchanged"
        case .serialNeedsProjectAndVintage:
            "a serial number is unique only within its project and vintage: give the project and the vintage with the serial"
        case .storage(let error): "\(error)"
        }
    }
}
