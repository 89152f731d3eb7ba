import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A tiny HTTP/1.1 server on 127.0.0.1 for tests: every request (method, URI, headers, body) is
/// recorded and answered by `respond`. Stands in for a tracking server where a test needs one that
/// misbehaves on purpose (auth, retries, failures mid-upload).
final class StubHTTPServer: @unchecked Sendable {
    struct Request: Sendable {
        var method: String
        var uri: String
        var headers: [(String, String)]
        var body: [UInt8]

        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        var path: String { String(uri.prefix { $0 != "?" }) }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    }

    struct Response: Sendable {
        var status: Int
        var body: String

        static func json(_ object: [String: Any], status: Int = 200) -> Response {
            Response(status: status, body: String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self))
        }
    }

    private let lock = NSLock()
    private var recorded: [Request] = []
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var channel: Channel!
    let respond: @Sendable (Request) -> Response

    var port: Int { channel.localAddress!.port! }
    var url: String { "http://127.0.0.1:\(port)" }

    var requests: [Request] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    init(respond: @escaping @Sendable (Request) -> Response) throws {
        self.respond = respond
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(server: self))
                }
            }
        channel = try bootstrap.bind(host: "127.0.0.1", port: 0).wait()
    }

    func stop() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }

    fileprivate func handle(_ request: Request) -> Response {
        lock.lock()
        recorded.append(request)
        lock.unlock()
        return respond(request)
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let server: StubHTTPServer
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(server: StubHTTPServer) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h):
                head = h
                body = []
            case .body(var buffer):
                body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                guard let head else { return }
                let request = Request(method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) }, body: body)
                let response = server.handle(request)
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "application/json")
                headers.add(name: "Content-Length", value: String(response.body.utf8.count))
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: HTTPResponseStatus(statusCode: response.status), headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: response.body)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
