import HTTPTypes
import HummingbirdCore
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTPTypes

/// The limits that keep slow or hostile clients from holding the server's connections, beyond
/// Hummingbird's idle timeout:
///
/// - **Header timeout**: a connection must send a complete request head within
///   ``ScoringServerConfiguration/headerTimeout`` of opening, and each later request within that
///   long of its first byte; otherwise it gets `408` and is closed (slowloris: one header byte a
///   second holds a connection 10 s, not forever). Counted as `header_timeout`.
/// - **Write timeout**: a connection whose unsent answer has not drained below NIO's low-water
///   mark for ``ScoringServerConfiguration/writeTimeout`` (a client that stopped reading) is closed,
///   which frees the request task blocked writing to it. Counted as `write_timeout`.
/// - **Eviction at the cap**: when ``ScoringServerConfiguration/maxConnections`` connections are
///   open, the server does not just stop accepting (new clients would wait in the listen backlog
///   behind connections that do nothing): it closes the connection that has waited longest for a
///   request head (a slowloris connection, or the oldest idle keep-alive one) and accepts the new
///   one. Only when every connection has a request in progress do new ones wait. Counted as
///   `evicted`.
///
/// One ``ConnectionGuardHandler`` per connection sits after the HTTP codec (it sees request heads
/// and answer ends) and puts a ``FirstByteObserver`` at the front of the pipeline (it sees the
/// first byte of each request). All of it runs on the connection's event loop and never blocks.
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let headerTimeout: TimeAmount
    private let writeTimeout: TimeAmount
    private let registry: ConnectionRegistry
    private let metrics: ServerMetrics
    private var started = false
    private var ended = false
    private var requestsInProgress = 0
    private var awaitingHead = true
    private var headTimer: Scheduled<Void>?
    private var writeTimer: Scheduled<Void>?

    init(headerTimeout: Duration, writeTimeout: Duration, registry: ConnectionRegistry, metrics: ServerMetrics) {
        self.headerTimeout = .init(headerTimeout)
        self.writeTimeout = .init(writeTimeout)
        self.registry = registry
        self.metrics = metrics
    }

    func handlerAdded(context: ChannelHandlerContext) {
        try? context.pipeline.syncOperations.addHandler(FirstByteObserver(guardHandler: self), position: .first)
        if context.channel.isActive { start(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        end(context: context)
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        end(context: context)
        context.fireChannelInactive()
    }

    private func start(context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        metrics.connectionsOpen.increment()
        registry.waiting(context.channel)
        armHeadTimer(context: context)
    }

    private func end(context: ChannelHandlerContext) {
        guard started, !ended else { return }
        ended = true
        headTimer?.cancel()
        headTimer = nil
        writeTimer?.cancel()
        writeTimer = nil
        registry.remove(context.channel)
        metrics.connectionsOpen.decrement()
    }

    /// Bytes arrived (from ``FirstByteObserver``): the first byte of a request starts its head's clock.
    fileprivate func bytesArrived(context: ChannelHandlerContext) {
        if awaitingHead && headTimer == nil && started && !ended { armHeadTimer(context: context) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            requestsInProgress += 1
            awaitingHead = false
            headTimer?.cancel()
            headTimer = nil
            registry.busy(context.channel)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), requestsInProgress > 0 {
            requestsInProgress -= 1
            if requestsInProgress == 0 {
                // The next request's head has the header timeout from its first byte; until that
                // byte the connection is idle (Hummingbird's idle timeout) and may be evicted.
                awaitingHead = true
                registry.waiting(context.channel)
            }
        }
        context.write(data, promise: promise)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            writeTimer?.cancel()
            writeTimer = nil
        } else if writeTimer == nil {
            let loop = context.eventLoop.assumeIsolated()
            writeTimer = loop.scheduleTask(in: writeTimeout) { [self] in
                writeTimer = nil
                guard !context.channel.isWritable else { return }
                metrics.closedOnWriteTimeout.increment()
                context.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    private func armHeadTimer(context: ChannelHandlerContext) {
        headTimer?.cancel()
        let loop = context.eventLoop.assumeIsolated()
        headTimer = loop.scheduleTask(in: headerTimeout) { [self] in
            headTimer = nil
            guard awaitingHead, !ended else { return }
            metrics.closedOnHeaderTimeout.increment()
            // No request is in progress: answer 408 (RFC 9110 §15.5.9) and close.
            var fields = HTTPFields()
            fields[.connection] = "close"
            fields[.contentLength] = "0"
            context.write(wrapOutboundOut(.head(HTTPResponse(status: .requestTimeout, headerFields: fields))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        }
    }
}

/// At the front of the pipeline: tells the connection's ``ConnectionGuardHandler`` that bytes
/// arrived (the HTTP decoder reports a request only once its head is complete).
final class FirstByteObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let guardHandler: ConnectionGuardHandler

    init(guardHandler: ConnectionGuardHandler) {
        self.guardHandler = guardHandler
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guardHandler.bytesArrived(context: context)
        context.fireChannelRead(data)
    }
}

/// The open connections that wait for a request head (fresh, slow, or idle between requests),
/// with the time they started waiting: where ``GuardedConnectionLimit`` finds the one to evict.
final class ConnectionRegistry: Sendable {
    private struct Entry: Sendable {
        let channel: any Channel
        let since: ContinuousClock.Instant
    }

    // A pthread mutex (NIOLockedValueBox), not the standard library's Mutex: ThreadSanitizer cannot
    // see the latter's contended hand-over (a PI futex, in the kernel) and reported these accesses
    // as races (docs/sanitizers.md).
    private let entries = NIOLockedValueBox<[ObjectIdentifier: Entry]>([:])

    func waiting(_ channel: any Channel) {
        let entry = Entry(channel: channel, since: .now)
        entries.withLockedValue { $0[ObjectIdentifier(channel)] = entry }
    }

    func busy(_ channel: any Channel) {
        _ = entries.withLockedValue { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    func remove(_ channel: any Channel) { busy(channel) }

    /// Closes the connection that has waited longest for a request head; false when every open
    /// connection has a request in progress.
    func evictOldest() -> Bool {
        let oldest: (any Channel)? = entries.withLockedValue { entries in
            guard let (key, entry) = entries.min(by: { $0.value.since < $1.value.since }) else { return nil }
            entries.removeValue(forKey: key)
            return entry.channel
        }
        guard let oldest else { return false }
        oldest.close(promise: nil)
        return true
    }

    var waitingCount: Int { entries.withLockedValue { $0.count } }
}

/// `--max-connections` with eviction: below the cap every connection is accepted; at the cap the
/// connection waiting longest for a request head is closed to make room (its close lets the
/// acceptor read the next one), and only when none is waiting do new connections wait in the
/// listen backlog.
struct GuardedConnectionLimit: AvailableConnectionsDelegate {
    let maxConnections: Int
    let registry: ConnectionRegistry
    let metrics: ServerMetrics
    var open = 0

    mutating func connectionOpened() { open += 1 }

    mutating func connectionClosed() { open -= 1 }

    func isAcceptingNewConnections() -> Bool {
        guard open >= maxConnections else { return true }
        if registry.evictOldest() { metrics.evicted.increment() }
        return false
    }
}
