/// The Android key attestation extension (OID 1.3.6.1.4.1.11129.2.1.17), as far as WebAuthn L3 §8.4 reads it.
///
/// ```
/// KeyDescription ::= SEQUENCE {
///     attestationVersion INTEGER, attestationSecurityLevel SecurityLevel,
///     keymasterVersion INTEGER, keymasterSecurityLevel SecurityLevel,
///     attestationChallenge OCTET STRING, uniqueId OCTET STRING,
///     softwareEnforced AuthorizationList, teeEnforced AuthorizationList, ... }
/// AuthorizationList ::= SEQUENCE {
///     purpose [1] EXPLICIT SET OF INTEGER OPTIONAL, ...,
///     allApplications [600] EXPLICIT NULL OPTIONAL, ..., origin [702] EXPLICIT INTEGER OPTIONAL, ... }
/// ```
/// Later key description versions append fields; they are ignored.
struct AndroidKeyDescription: Sendable {
    /// The parts of an authorization list WebAuthn checks.
    struct AuthorizationList: Sendable {
        /// `purpose` values (KM_PURPOSE_SIGN is 2).
        var purposes: [Int64] = []
        /// `origin` (KM_ORIGIN_GENERATED is 0), when present.
        var origin: Int64? = nil
        /// Whether `allApplications` is present.
        var hasAllApplications = false
    }

    static let purposeSign: Int64 = 2
    static let originGenerated: Int64 = 0

    let attestationVersion: Int64
    let attestationSecurityLevel: Int64
    let keymasterSecurityLevel: Int64
    let attestationChallenge: [UInt8]
    let softwareEnforced: AuthorizationList
    let teeEnforced: AuthorizationList

    /// Parses the extension value.
    ///
    /// - Throws: ``DERError`` for a structure that is not a key description.
    init(der: [UInt8]) throws(DERError) {
        let fields = try DERElement.parse(exactly: der).sequenceElements()
        guard fields.count >= 8 else { throw DERError("KeyDescription has \(fields.count) fields, fewer than 8") }
        attestationVersion = try fields[0].integerValue()
        guard fields[1].isUniversal(DERElement.enumeratedTag), fields[3].isUniversal(DERElement.enumeratedTag) else {
            throw DERError("KeyDescription security levels are not ENUMERATED")
        }
        attestationSecurityLevel = try fields[1].integerValue()
        _ = try fields[2].integerValue()
        keymasterSecurityLevel = try fields[3].integerValue()
        attestationChallenge = try fields[4].octetStringValue()
        _ = try fields[5].octetStringValue()
        softwareEnforced = try Self.authorizationList(fields[6])
        teeEnforced = try Self.authorizationList(fields[7])
    }

    private static func authorizationList(_ element: DERElement) throws(DERError) -> AuthorizationList {
        var list = AuthorizationList()
        var seen: Set<Int> = []
        for entry in try element.sequenceElements() {
            guard entry.tagClass == .contextSpecific, entry.isConstructed else {
                throw DERError("AuthorizationList entry is not an explicitly tagged field")
            }
            guard seen.insert(entry.tagNumber).inserted else {
                throw DERError("AuthorizationList repeats tag [\(entry.tagNumber)]")
            }
            switch entry.tagNumber {
            case 1:
                for purpose in try entry.explicitlyTagged().setElements() {
                    list.purposes.append(try purpose.integerValue())
                }
            case 600:
                guard try entry.explicitlyTagged().isUniversal(DERElement.nullTag) else {
                    throw DERError("allApplications is not NULL")
                }
                list.hasAllApplications = true
            case 702:
                list.origin = try entry.explicitlyTagged().integerValue()
            default:
                // Every other tag is irrelevant to WebAuthn; it must still be one well-formed element.
                _ = try entry.explicitlyTagged()
            }
        }
        return list
    }
}
