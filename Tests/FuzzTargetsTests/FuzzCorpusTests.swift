import Foundation
import FuzzTargets
import LedgerCore
import Testing

/// Plain `swift test` replays every input the fuzzer kept (Fuzz/Corpus/<target>/) and every
/// input that once crashed a target (Fuzz/Crashes/<target>/) through the same checks: none may
/// break a property again.
@Suite("Fuzzing corpora replay")
struct FuzzCorpusTests {
    static let fuzzRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    static func inputs(_ folder: String, _ target: FuzzTarget) -> [URL] {
        let directory = fuzzRoot.appendingPathComponent(folder).appendingPathComponent(target.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { directory.appendingPathComponent($0) }
    }

    @Test("every kept corpus input and every former crash passes its target's checks", arguments: FuzzTarget.allCases)
    func replay(_ target: FuzzTarget) throws {
        let corpus = Self.inputs("Corpus", target)
        #expect(!corpus.isEmpty, "Fuzz/Corpus/\(target.rawValue) is empty: run scripts/fuzz")
        for url in corpus + Self.inputs("Crashes", target) {
            let bytes = [UInt8](try Data(contentsOf: url))
            do { _ = try target.check(bytes) } catch {
                Issue.record("\(url.lastPathComponent) breaks \(target.rawValue): \(error)")
            }
        }
    }

    @Test("the seeds are valid inputs of their targets")
    func seedsDecode() throws {
        let genesis = [UInt8](try Data(contentsOf: Self.fuzzRoot.deletingLastPathComponent().appendingPathComponent("genesis/example-4-validators.json")))
        let seeds = try FuzzSeeds.make(genesisJSON: genesis)
        for target in FuzzTarget.allCases {
            let inputs = seeds[target] ?? []
            #expect(!inputs.isEmpty, "no seed for \(target.rawValue)")
            for input in inputs { #expect(try target.check(input), "a \(target.rawValue) seed does not decode") }
        }
    }

    @Test("a broken input is refused, not accepted: truncations of every seed")
    func truncatedSeedsAreRefusedCleanly() throws {
        let genesis = [UInt8](try Data(contentsOf: Self.fuzzRoot.deletingLastPathComponent().appendingPathComponent("genesis/example-4-validators.json")))
        let seeds = try FuzzSeeds.make(genesisJSON: genesis)
        for target in [FuzzTarget.transaction, .block, .consensus, .handshake] {
            for input in seeds[target] ?? [] {
                for cut in [1, input.count / 2, input.count - 1] where cut < input.count {
                    #expect(try !target.check(Array(input.prefix(cut))), "\(target.rawValue) accepted a truncated input")
                }
            }
        }
    }
}
