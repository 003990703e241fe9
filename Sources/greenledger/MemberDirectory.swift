import LedgerCore
import LedgerCrypto

/// Member names from a genesis the user gives (`--genesis`), for commands that show or accept
/// them; empty without one.
struct MemberDirectory {
    private var names: [String: String] = [:]
    private var addresses: [String: Address] = [:]

    init(genesisPath: String?) throws {
        guard let genesisPath else { return }
        let genesis: Genesis
        do { genesis = try Genesis(contentsOfFile: genesisPath) } catch { throw CLIError("--genesis \(genesisPath): \(error)") }
        for member in genesis.members {
            names[member.address.description] = member.name.value
            addresses[member.name.value] = member.address
        }
    }

    func name(of address: String) -> String? { names[address] }

    func address(named name: String) -> Address? { addresses[name] }
}
