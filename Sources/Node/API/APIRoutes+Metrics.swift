import Hummingbird
import NIOCore

extension APIRoutes {
    /// `GET /metrics`: the node's metrics in the Prometheus text format (docs/api.md lists them).
    func registerMetrics(on router: Router<APIRequestContext>) {
        router.get("/metrics") { _, _ in
            let metrics = await service.metrics()
            metrics.updateAPI(connectionStats.snapshot)
            return Response(
                status: .ok, headers: [.contentType: NodeMetrics.contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
    }
}
