import Consensus
import Foundation
@testable import Node
import Testing

@Suite("The voting high-water mark file")
struct HighWaterFileTests {
    func temporaryHome() throws -> String {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("high-water-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: home + "/data", withIntermediateDirectories: true)
        return home
    }

    @Test("lives beside the data directory, not in it, and reads back what was written")
    func roundTrip() throws {
        let home = try temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let file = HighWaterFile(besideDataDirectory: home + "/data")
        #expect(file.path == URL(fileURLWithPath: home).standardized.appendingPathComponent("data.vote-high-water.json").path)
        #expect(HighWaterFile(besideDataDirectory: "/srv/gl/node-1").path != HighWaterFile(besideDataDirectory: "/srv/gl/node-2").path)
        #expect(try file.read() == nil)
        try file.write(VotingHighWater(view: 3, height: 1_207))
        try file.write(VotingHighWater(view: 4, height: 9))
        #expect(try file.read() == VotingHighWater(view: 4, height: 9))
        // Replacing the data directory with an older copy leaves the mark.
        try FileManager.default.removeItem(atPath: home + "/data")
        try FileManager.default.createDirectory(atPath: home + "/data", withIntermediateDirectories: true)
        #expect(try file.read() == VotingHighWater(view: 4, height: 9))
    }

    @Test("an unreadable file stops the start with a sentence, never a silent reset")
    func unreadable() throws {
        let home = try temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let file = HighWaterFile(besideDataDirectory: home + "/data")
        try Data("{\"view\":".utf8).write(to: URL(fileURLWithPath: file.path))
        #expect {
            try file.read()
        } throws: { error in
            String(describing: error).contains("voting high-water mark") && String(describing: error).contains("rolled back")
        }
    }
}
