import Dispatch
import Foundation
import MFA
import OneTimeCodes

/// libFuzzer entry point for the text a sign-in or enrollment form sends the MFA registry: phone numbers, IP
/// addresses and ranges, Base32 secrets, otpauth URIs, typed codes and trusted-device tokens.
///
/// The first byte picks the parser; the rest is the input (UTF-8, lossily decoded where the API takes text).
/// Every call must give a value or an error, never a trap. Invariants, whose violation is reported through
/// `fatalError`:
/// - an accepted phone number is `+` and 8 to 15 digits, and its E.164 form parses to itself;
/// - an accepted IP address or range prints a form that parses back to the same value, and a range contains its
///   network address;
/// - accepted Base32 re-encodes to text that decodes to the same bytes;
/// - an accepted otpauth URI prints a URI that parses back to an equal value;
/// - a typed TOTP code is accepted only when it is one of the three codes of the window;
/// - a trusted-device token that is not the one the registry issued never skips the MFA prompt.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ p: UnsafeRawPointer?, _ n: Int) -> CInt {
    let input: [UInt8] = p.map { Array(UnsafeRawBufferPointer(start: $0, count: n)) } ?? []
    guard let selector = input.first else { return 0 }
    let bytes = Array(input.dropFirst())
    let text = String(decoding: bytes, as: UTF8.self)
    switch selector % 7 {
    case 0:
        guard let phone = try? PhoneNumber(text) else { return 0 }
        let digits = phone.e164.dropFirst()
        guard phone.e164.hasPrefix("+"), (8...15).contains(digits.count), digits.allSatisfy(\.isASCII),
            digits.allSatisfy(\.isNumber)
        else { fatalError("accepted phone number \(phone.e164) is not E.164") }
        guard (try? PhoneNumber(phone.e164))?.e164 == phone.e164 else { fatalError("E.164 form does not re-parse") }
    case 1:
        if let address = IPAddress(text), IPAddress(address.description) != address {
            fatalError("IP address \(address) does not re-parse to itself")
        }
        if bytes.count == 4 || bytes.count == 16, (try? IPAddress(bytes: bytes)) == nil {
            fatalError("4 or 16 raw bytes were refused as an IP address")
        }
    case 2:
        guard let range = IPRange(text) else { return 0 }
        guard IPRange(range.description) == range else { fatalError("IP range \(range) does not re-parse") }
        guard range.contains(range.network) else { fatalError("IP range \(range) does not contain its network") }
    case 3:
        guard let decoded = try? Base32.decode(text) else { return 0 }
        guard (try? Base32.decode(Base32.encode(decoded))) == decoded else { fatalError("Base32 does not round-trip") }
    case 4:
        guard let uri = try? OTPAuthURI(parsing: text) else { return 0 }
        guard (try? OTPAuthURI(parsing: uri.uriString)) == uri else { fatalError("otpauth URI does not round-trip") }
    case 5:
        let now: Int64 = 1_800_000_000
        let window = Set([now - 30, now, now + 30].compactMap { try? Fixture.totp.code(at: $0) })
        if (try? Fixture.totp.verify(text, at: now, window: 1)) != nil, !window.contains(text) {
            fatalError("TOTP accepted '\(text)', which is not a code of the window")
        }
    default:
        guard text != Fixture.shared.token else { return 0 }
        let context = SignInContext(deviceToken: text, time: Fixture.now)
        if case .allow = try? Fixture.shared.registry.signIn(accountID: "alice", context: context) {
            fatalError("a forged trusted-device token skipped the MFA prompt")
        }
    }
    return 0
}

/// A registry on the in-memory store with one account that has an active authenticator app and one trusted
/// device, built once.
struct Fixture: Sendable {
    static let now: Int64 = 1_800_000_000
    static let totp: TOTP = {
        guard let secret = try? OTPSecret(bytes: Array("KeyBridge fuzz TOTP secret bytes".utf8)),
            let totp = try? TOTP(secret: secret)
        else { fatalError("cannot build the fixed TOTP generator") }
        return totp
    }()
    static let shared: Fixture = {
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        Task {
            box.fixture = try? await make()
            done.signal()
        }
        done.wait()
        guard let fixture = box.fixture else { fatalError("cannot build the registry fixture") }
        return fixture
    }()

    final class Box: @unchecked Sendable { var fixture: Fixture? }

    let registry: MFAMethodRegistry
    let token: String

    static func make() async throws -> Fixture {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("keybridge-fuzz-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let registry = MFAMethodRegistry(
            store: InMemoryMFAStore(), keys: try MFAServerKeys(masterKey: Array(repeating: 7, count: 32)),
            smsGateway: OutboxSMSGateway(path: folder.appendingPathComponent("sms.jsonl").path),
            notifier: OutboxNotifier(path: folder.appendingPathComponent("notices.jsonl").path),
            relyingParty: MFAMethodRegistry.localRelyingParty, clock: { now })
        _ = try registry.createAccount(id: "alice")
        let enrollment = try registry.beginTOTPEnrollment(accountID: "alice")
        let totp = try TOTP(secret: enrollment.uri.secret)
        _ = try await registry.confirmTOTPEnrollment(
            accountID: "alice", methodID: enrollment.methodID, code: try totp.code(at: now))
        let completion = try await registry.completeSignIn(
            accountID: "alice", proof: .totp(code: try totp.code(at: now + 30)),
            context: SignInContext(time: now + 30), rememberDevice: true)
        guard let token = completion.trustedDeviceToken else { throw CancellationError() }
        return Fixture(registry: registry, token: token)
    }
}
