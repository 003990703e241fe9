import Foundation
import FuzzTargets
import LedgerCore

/// The target this process fuzzes, from `GREENLEDGER_FUZZ_TARGET` (frames, handshake,
/// consensus, transaction, block, genesis, submission).
let selectedTarget: FuzzTarget? = ProcessInfo.processInfo.environment["GREENLEDGER_FUZZ_TARGET"].flatMap(FuzzTarget.init(rawValue:))

/// libFuzzer calls this once at start: refuse an unknown target, or write seeds and exit.
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>>>) -> CInt {
    guard let selectedTarget else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("set GREENLEDGER_FUZZ_TARGET to one of: \(names)\n".utf8))
        exit(2)
    }
    // GREENLEDGER_FUZZ_WRITE_SEEDS=DIR GREENLEDGER_FUZZ_GENESIS=FILE: write this target's seeds to DIR and stop.
    let environment = ProcessInfo.processInfo.environment
    if let directory = environment["GREENLEDGER_FUZZ_WRITE_SEEDS"], let genesisPath = environment["GREENLEDGER_FUZZ_GENESIS"] {
        do {
            let genesis = [UInt8](try Data(contentsOf: URL(fileURLWithPath: genesisPath)))
            let seeds = try FuzzSeeds.make(genesisJSON: genesis)[selectedTarget] ?? []
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for (index, seed) in seeds.enumerated() {
                try Data(seed).write(to: URL(fileURLWithPath: directory).appendingPathComponent("seed-\(index)"))
            }
            exit(0)
        } catch {
            FileHandle.standardError.write(Data("cannot write seeds: \(error)\n".utf8))
            exit(1)
        }
    }
    return 0
}

/// One input: a broken property is a crash, so libFuzzer keeps the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do { _ = try selectedTarget!.check(bytes) } catch {
        fatalError("\(selectedTarget!.rawValue): \(error)")
    }
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

/// SwiftPM links an executable's entry point as `<module>_main`; libFuzzer's driver runs from
/// here (its own `main` is then not linked).
@_cdecl("greenledger_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return runFuzzerDriver(&count, &arguments, fuzz)
}
