import Foundation

/// Progress lines and notices on stderr. stdout is block-buffered when redirected, so it is
/// flushed first: with both streams in one file or terminal, results and progress come out in
/// the order they happened instead of a progress line landing inside a half-written result.
enum ProgressOutput {
    static func line(_ text: String) {
        fflush(nil)
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
