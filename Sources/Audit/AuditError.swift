/// A problem at one height; the audit stops at the first one.
struct AuditProblem: Error {
    let height: UInt64
    let problem: String

    init(_ height: UInt64, _ problem: String) {
        self.height = height
        self.problem = problem
    }
}
