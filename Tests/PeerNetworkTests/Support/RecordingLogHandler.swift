import Logging

/// A swift-log handler that keeps every line (level ≥ `logLevel`) so tests can check that
/// an operator is told what happened.
struct RecordingLogHandler: LogHandler {
    let lines: Recorder<String>
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lines.append("[\(event.level)] \(event.message)")
    }

    static func logger(recordingInto lines: Recorder<String>) -> Logger {
        Logger(label: "greenledger.peer") { _ in RecordingLogHandler(lines: lines) }
    }
}
