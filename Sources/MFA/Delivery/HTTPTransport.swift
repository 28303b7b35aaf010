import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The HTTP client of the HTTP gateways: one ephemeral `URLSession` (libcurl underneath on Linux) per
/// gateway, with a hard timeout, no redirects, no cookies and no cache.
///
/// Every failure becomes an ``MFAError`` here, in one place: transport errors in
/// ``mapTransportError(_:url:)``, HTTP statuses in ``HTTPResponse/requireSuccess(providerError:)``.
/// URLSession honours the `http_proxy`/`https_proxy`/`no_proxy` environment variables.
final class HTTPTransport: Sendable {
    /// Owned by this object; invalidated in deinit so libcurl's handles are released.
    private let session: URLSession
    /// The limit for the whole exchange, in seconds.
    let timeoutSeconds: Double

    /// A transport whose every request must complete within `timeout`, rounded up to whole seconds.
    ///
    /// The rounding is deliberate: FoundationNetworking on Linux (swift-corelibs-foundation, Swift 6.3.1)
    /// truncates a timeout to whole seconds, so 0.5 s failed every request at once and 1.5 s fired after
    /// 1 s when measured against a server that never answers. Whole seconds behave exactly.
    init(timeout: Duration) {
        let (seconds, attoseconds) = timeout.components
        timeoutSeconds = max(1, Double(seconds) + (attoseconds > 0 ? 1 : 0))
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeoutSeconds
        configuration.timeoutIntervalForResource = timeoutSeconds
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.urlCredentialStorage = nil
        session = URLSession(configuration: configuration, delegate: RedirectRefusal(), delegateQueue: nil)
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    /// POSTs `body` to `url` with `headers`, and returns whatever HTTP response arrives (any status).
    ///
    /// - Throws: ``MFAError/Code/timeout``, ``MFAError/Code/connectionFailed``,
    ///   ``MFAError/Code/cancelled`` or ``MFAError/Code/invalidResponse``.
    func post(_ url: URL, headers: [(name: String, value: String)], body: [UInt8]) async throws(MFAError)
        -> HTTPResponse
    {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeoutSeconds)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        for header in headers { request.setValue(header.value, forHTTPHeaderField: header.name) }

        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw Self.mapTransportError(error, url: url)
        }
        guard let http = response as? HTTPURLResponse else {
            throw MFAError(.invalidResponse, "\(Self.describe(url)) answered with something that is not HTTP")
        }
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
        }
        return HTTPResponse(status: http.statusCode, headers: fields, body: Array(data), endpoint: Self.describe(url))
    }

    // MARK: - Errors

    /// The one mapping of URLSession's errors to ``MFAError``.
    static func mapTransportError(_ error: any Error, url: URL, file: String = #fileID, line: Int = #line)
        -> MFAError
    {
        let endpoint = describe(url)
        if error is CancellationError {
            return MFAError(.cancelled, "sending to \(endpoint) was cancelled", file: file, line: line)
        }
        guard let urlError = error as? URLError else {
            return MFAError(.connectionFailed, "POST \(endpoint) failed: \(error)", file: file, line: line)
        }
        let detail = (urlError.userInfo[NSLocalizedDescriptionKey] as? String).map { ": \($0)" } ?? ""
        switch urlError.code {
        case .timedOut:
            return MFAError(.timeout, "no answer from \(endpoint) in time\(detail)", file: file, line: line)
        case .cancelled:
            return MFAError(.cancelled, "sending to \(endpoint) was cancelled", file: file, line: line)
        case .badServerResponse, .cannotParseResponse, .cannotDecodeRawData, .cannotDecodeContentData,
            .zeroByteResource, .httpTooManyRedirects, .redirectToNonExistentLocation:
            return MFAError(
                .invalidResponse, "\(endpoint) sent an unusable answer (URLError \(urlError.code.rawValue))\(detail)",
                file: file, line: line)
        case .unsupportedURL, .badURL:
            return MFAError(
                .invalidConfiguration, "\(endpoint) is not a URL this client can reach\(detail)", file: file, line: line)
        default:
            return MFAError(
                .connectionFailed, "cannot reach \(endpoint) (URLError \(urlError.code.rawValue))\(detail)",
                file: file, line: line)
        }
    }

    /// `scheme://host:port/path`, without query, fragment or user info, for error reasons.
    static func describe(_ url: URL) -> String {
        var text = "\(url.scheme ?? "?")://\(url.host ?? "?")"
        if let port = url.port { text += ":\(port)" }
        return text + url.path
    }
}

/// A delegate that refuses every redirect: a gateway POST answered with 3xx fails instead of being
/// replayed elsewhere (with its credentials) or turned into a GET.
private final class RedirectRefusal: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}

/// An HTTP answer: status, header fields (names lowercased) and body.
struct HTTPResponse: Sendable {
    /// The status code, for example 201.
    let status: Int
    /// Header fields by lowercased name.
    let headers: [String: String]
    /// The body bytes.
    let body: [UInt8]
    /// `scheme://host:port/path` of the request, for error reasons.
    let endpoint: String

    /// The body as a JSON object, when it is one.
    var jsonObject: [String: Any]? {
        guard !body.isEmpty else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }

    /// Returns when the status is 2xx; otherwise throws the ``MFAError`` the status calls for.
    ///
    /// - Parameter providerError: The provider's own error code and message from the body, if any.
    /// - Throws: ``MFAError/Code/authenticationFailed`` (401, 403), ``MFAError/Code/rateLimited``
    ///   (429), ``MFAError/Code/rejected`` (other 4xx), ``MFAError/Code/providerUnavailable``
    ///   (5xx), ``MFAError/Code/invalidResponse`` (1xx, 3xx and anything else).
    func requireSuccess(providerError: (code: String?, message: String?)) throws(MFAError) {
        if (200..<300).contains(status) { return }
        let code: MFAError.Code
        var retryAfter: Int64?
        switch status {
        case 401, 403:
            code = .authenticationFailed
        case 429:
            code = .rateLimited
            retryAfter = headers["retry-after"].flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
        case 400..<500:
            code = .rejected
        case 500..<600:
            code = .providerUnavailable
        default:
            code = .invalidResponse
        }
        var reason = "\(endpoint) answered HTTP \(status)"
        if status >= 300 && status < 400 { reason += " (a redirect, which gateways do not follow)" }
        if let message = providerError.message { reason += ": \(message)" }
        throw MFAError(
            code, reason, retryAfter: retryAfter, httpStatus: status, providerCode: providerError.code,
            providerMessage: providerError.message)
    }

    /// The `code` (number or string) and `message` (or `error`) members of a JSON object body: the error
    /// shape of Twilio's REST API and of most webhooks.
    var providerError: (code: String?, message: String?) {
        guard let object = jsonObject else { return (nil, nil) }
        var code: String?
        if let number = object["code"] as? NSNumber {
            code = number.stringValue
        } else if let text = object["code"] as? String {
            code = text
        }
        let message = (object["message"] as? String) ?? (object["error"] as? String)
        return (code, message)
    }
}
