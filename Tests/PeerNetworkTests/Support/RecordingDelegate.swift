@testable import PeerNetwork

/// A connection owner for handler tests: records every report, admits as told.
final class RecordingDelegate: PeerConnectionDelegate {
    var decision = AdmissionDecision.accept
    var framesIn = 0
    var framesOut = 0
    var admitted: [Int] = []
    var established: [Int] = []
    var messages: [[UInt8]] = []
    var failures: [ConnectionFailure] = []
    var closedCount = 0
    var writabilityChanges = 0

    func connection(_ connection: PeerConnection, receivedFrameBytes byteCount: Int) { framesIn += 1 }
    func connection(_ connection: PeerConnection, sentFrameBytes byteCount: Int) { framesOut += 1 }
    func connection(_ connection: PeerConnection, admit peerIndex: Int) -> AdmissionDecision {
        admitted.append(peerIndex)
        return decision
    }
    var superseded: [Int] = []
    func connectionEstablished(_ connection: PeerConnection) { established.append(connection.peerIndex ?? -1) }
    func connectionSuperseded(_ connection: PeerConnection) { superseded.append(connection.peerIndex ?? -1) }
    func connection(_ connection: PeerConnection, received message: [UInt8]) { messages.append(message) }
    func connectionWritabilityChanged(_ connection: PeerConnection) { writabilityChanges += 1 }
    func connection(_ connection: PeerConnection, failed failure: ConnectionFailure) { failures.append(failure) }
    func connectionClosed(_ connection: PeerConnection) { closedCount += 1 }
}
