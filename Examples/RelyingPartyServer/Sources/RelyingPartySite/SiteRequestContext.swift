import HTTPTypes
public import Hummingbird
import Logging
import NIOCore

/// The request context: Hummingbird's core storage, the peer's IP address (for the registry's risk
/// signals) and the session the session middleware found.
public struct SiteRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The peer's address as text (`127.0.0.1`, `::1`), when the channel has one.
    public let peerAddress: String?
    /// The browser session, set by ``SessionMiddleware``.
    var session: Session?

    /// Creates the context for a request on `source`'s channel.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.peerAddress = source.channel.remoteAddress?.ipAddress
        self.session = nil
    }

    /// Request bodies are JSON objects of a few fields; WebAuthn responses are the largest at a few kB.
    public var maxUploadSize: Int { 64 * 1024 }
}
