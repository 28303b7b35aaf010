import Logging
import HTTPTypes
public import Hummingbird
import MFA
import NIOCore

/// An error the JSON API returns to the client as `{"error": CODE, "message": TEXT}`.
///
/// `code` is stable and machine-readable; `message` is for people and never names internals. Every handler
/// failure becomes one of these, so a client never sees a stack trace or a dropped connection.
public struct APIError: Error, HTTPResponseError, Sendable {
    /// The HTTP status.
    public let status: HTTPResponse.Status
    /// The stable code, e.g. `code-not-valid` or `csrf-failed`.
    public let code: String
    /// The text to show an end user.
    public let message: String
    /// Seconds to wait before retrying, when the server throttles.
    public let retryAfter: Int64?
    /// A fresh SMS challenge that replaced the one the request named (a new code was sent).
    public let freshSMSChallengeID: String?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - status: The HTTP status.
    ///   - code: The stable code.
    ///   - message: The user-facing text.
    ///   - retryAfter: Seconds until a retry is allowed, if throttled.
    ///   - freshSMSChallengeID: A replacement SMS challenge, if one was issued.
    public init(
        _ status: HTTPResponse.Status, _ code: String, _ message: String, retryAfter: Int64? = nil,
        freshSMSChallengeID: String? = nil
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
        self.freshSMSChallengeID = freshSMSChallengeID
    }

    /// Maps a registry error to its HTTP status and user message; internal reasons stay in the server log.
    ///
    /// - Parameter error: The registry's error.
    init(_ error: MFAError) {
        let status: HTTPResponse.Status
        switch error.code {
        case .notFound: status = .notFound
        case .invalidArgument, .invalidPhoneNumber, .unsupportedCountry, .codeExpired, .tooManyAttempts:
            status = .badRequest
        case .codeNotValid, .securityKeyRejected, .signCountConflict: status = .unauthorized
        case .throttled, .resendCooldown, .dailyLimitReached: status = .tooManyRequests
        case .locked: status = HTTPResponse.Status(code: 423, reasonPhrase: "Locked")
        case .lastMethod, .alreadyExists, .invalidTransition: status = .conflict
        case .enrollmentRequired: status = .forbidden
        case .deliveryFailed: status = .badGateway
        default: status = .internalServerError
        }
        let message: String
        switch error.code {
        case .notFound: message = "That item no longer exists. Reload the page and try again."
        case .alreadyExists: message = "That is already set up on your account."
        case .invalidTransition: message = "That step has already been completed or was cancelled. Start again."
        case .invalidArgument: message = "Check what you entered and try again."
        default: message = error.userMessage
        }
        self.init(
            status, error.code.rawValue, message, retryAfter: error.retryAfter,
            freshSMSChallengeID: error.freshSMSChallengeID)
    }

    /// Writes the JSON body, plus `Retry-After` when throttled.
    ///
    /// - Parameters:
    ///   - request: The request that failed.
    ///   - context: Its context.
    /// - Returns: The error response.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields: [(String, JSONValueWriter.Value)] = [("error", .string(code)), ("message", .string(message))]
        if let retryAfter { fields.append(("retryAfter", .int(retryAfter))) }
        if let freshSMSChallengeID { fields.append(("freshSMSChallengeID", .string(freshSMSChallengeID))) }
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"]
        if let retryAfter { headers[.retryAfter] = String(max(retryAfter, 1)) }
        return Response(
            status: status, headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: JSONValueWriter.object(fields))))
    }
}

extension APIError {
    static let signInRequired = APIError(.unauthorized, "sign-in-required", "Sign in to continue.")
    static let csrfFailed = APIError(
        .forbidden, "csrf-failed", "Your session expired or the request came from another site. Reload the page.")
    static func malformed(_ what: String) -> APIError {
        APIError(.badRequest, "malformed-request", "The request was not understood: \(what).")
    }
}
