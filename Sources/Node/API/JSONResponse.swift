import Foundation
import Hummingbird
import NIOCore

/// Renders bodies as JSON with sorted keys, so the same answer is the same bytes.
enum JSONResponse {
    static func make(_ body: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every body is plain strings, integers, booleans and arrays: encoding cannot fail.
        let data = (try? encoder.encode(body)) ?? Data(#"{"error":{"code":"internal-error","message":"unencodable response"}}"#.utf8)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ error: APIError) -> Response {
        make(ErrorBody(code: error.code, message: error.message), status: error.status)
    }

    static func binary(_ bytes: [UInt8]) -> Response {
        Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
