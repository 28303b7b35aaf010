import Foundation
import Glibc
import Synchronization

/// One HTTP request as the loopback server received it, byte for byte.
struct RecordedRequest: Sendable {
    let method: String
    /// The request target: path and query, as sent.
    let target: String
    let headers: [(name: String, value: String)]
    let body: [UInt8]

    /// The first header named `name`, compared case-insensitively.
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// What the loopback server does with a request.
enum ServerReply: Sendable {
    /// Answers with this status, these headers and this body (plus Content-Length and Connection: close).
    case respond(status: Int, headers: [(String, String)], body: [UInt8])
    /// Never answers; holds the connection open until the client gives up or the server stops.
    case hang

    static func json(_ status: Int, _ text: String, headers: [(String, String)] = []) -> ServerReply {
        .respond(status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(text.utf8))
    }
}

/// A minimal HTTP/1.1 server on 127.0.0.1 with an ephemeral port, over POSIX sockets, for the gateway
/// tests: it records every request and answers as its handler says.
///
/// Bounded in every way: at most `maximumConnections` connections, 64 KiB of headers, 1 MiB of body,
/// 5 s per read, and a lifetime after which it stops by itself even if a test forgets to call ``stop()``.
/// It handles one request per connection (it always answers `Connection: close`).
final class LoopbackHTTPServer: Sendable {
    struct Failure: Error, CustomStringConvertible { let description: String }

    private struct State {
        var requests: [RecordedRequest] = []
        var stopped = false
        var connections = 0
    }

    let port: UInt16
    private let state = Mutex(State())
    private let handler: @Sendable (RecordedRequest) -> ServerReply
    private let maximumConnections: Int

    /// Starts listening and accepting on a background thread.
    init(
        lifetime: Duration = .seconds(60), maximumConnections: Int = 64,
        handler: @escaping @Sendable (RecordedRequest) -> ServerReply
    ) throws {
        self.handler = handler
        self.maximumConnections = maximumConnections
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listener >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listener, pointer, length) == 0 && listen(listener, 64) == 0
                    && getsockname(listener, pointer, &length) == 0
            }
        }
        guard bound else {
            let message = String(cString: strerror(errno))
            close(listener)
            throw Failure(description: "bind/listen on 127.0.0.1: \(message)")
        }
        port = UInt16(bigEndian: address.sin_port)
        let deadline = ContinuousClock.now + lifetime
        // The accept thread owns `listener` from here on and closes it when it exits.
        Thread.detachNewThread { [self] in
            acceptLoop(listener, deadline: deadline)
        }
    }

    /// `http://127.0.0.1:PORT`.
    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// Every request received so far, in arrival order.
    var requests: [RecordedRequest] { state.withLock { $0.requests } }

    /// Stops accepting and releases hanging connections (within about 50 ms).
    func stop() { state.withLock { $0.stopped = true } }

    private var isStopped: Bool { state.withLock { $0.stopped } }

    // MARK: - Accepting

    private func acceptLoop(_ listener: Int32, deadline: ContinuousClock.Instant) {
        defer { close(listener) }
        while !isStopped && ContinuousClock.now < deadline {
            var descriptor = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 50) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            // Keep the socket out of the Python helpers that tests spawn.
            _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
            let admitted = state.withLock { state -> Bool in
                guard state.connections < maximumConnections else { return false }
                state.connections += 1
                return true
            }
            guard admitted else {
                close(connection)
                continue
            }
            // The connection thread owns `connection` and closes it.
            Thread.detachNewThread { [self] in
                serve(connection, deadline: deadline)
                close(connection)
            }
        }
        stop()
    }

    // MARK: - One connection

    private func serve(_ connection: Int32, deadline: ContinuousClock.Instant) {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer: [UInt8] = []
        // Read the head.
        var headEnd: Int?
        while headEnd == nil {
            guard buffer.count < 64 * 1024, let chunk = receive(connection) else { return }
            buffer += chunk
            headEnd = Self.find([13, 10, 13, 10], in: buffer)
        }
        guard let headEnd, let head = String(bytes: buffer[..<headEnd], encoding: .utf8) else { return }
        let lines = head.components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ")
        guard requestLine.count == 3 else { return }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { return }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name }?.value }
        let length = Int(header("content-length") ?? "0") ?? -1
        guard (0...(1 << 20)).contains(length), header("transfer-encoding") == nil else { return }
        if header("expect")?.lowercased() == "100-continue" { send(connection, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) }
        var body = Array(buffer[(headEnd + 4)...])
        while body.count < length {
            guard let chunk = receive(connection) else { return }
            body += chunk
        }
        let request = RecordedRequest(
            method: String(requestLine[0]), target: String(requestLine[1]), headers: headers,
            body: Array(body.prefix(length)))
        state.withLock { $0.requests.append(request) }

        switch handler(request) {
        case .respond(let status, let extraHeaders, let responseBody):
            var text = "HTTP/1.1 \(status) \(Self.reasonPhrase(status))\r\n"
            for (name, value) in extraHeaders { text += "\(name): \(value)\r\n" }
            text += "Content-Length: \(responseBody.count)\r\nConnection: close\r\n\r\n"
            send(connection, Array(text.utf8) + responseBody)
            shutdown(connection, Int32(SHUT_WR))
        case .hang:
            // Hold the connection until the client closes it, the server stops, or its lifetime ends.
            while !isStopped && ContinuousClock.now < deadline {
                var descriptor = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
                if poll(&descriptor, 1, 50) > 0 {
                    var scratch = [UInt8](repeating: 0, count: 512)
                    if recv(connection, &scratch, scratch.count, 0) <= 0 { return }
                }
            }
        }
    }

    private func receive(_ connection: Int32) -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let count = recv(connection, &chunk, chunk.count, 0)
        guard count > 0 else { return nil }
        return Array(chunk[..<count])
    }

    private func send(_ connection: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { return }
            offset += written
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }

    private static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 201: return "Created"
        case 307: return "Temporary Redirect"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }
}

/// A loopback port with nothing listening: bound to an ephemeral port, then closed.
func unusedLoopbackPort() throws -> UInt16 {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw LoopbackHTTPServer.Failure(description: "socket failed") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
        }
    }
    guard ok else { throw LoopbackHTTPServer.Failure(description: "bind failed") }
    return UInt16(bigEndian: address.sin_port)
}
