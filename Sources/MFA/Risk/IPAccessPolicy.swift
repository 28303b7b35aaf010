/// Which client addresses may sign in without the "untrusted IP" risk signal: a deny list, and optionally
/// an allow list.
///
/// An address in any deny-list range is denied, whatever the allow list says. When an allow list is set,
/// an address outside all of its ranges is denied too. An allow list that is set but empty allows
/// nothing (it fails closed); leave it nil to allow every address not denied.
public struct IPAccessPolicy: Sendable, Hashable, Codable {
    /// Ranges that are never trusted.
    public var denyList: [IPRange]
    /// When set, the only ranges that are trusted.
    public var allowList: [IPRange]?

    /// A policy.
    ///
    /// - Parameters:
    ///   - denyList: Ranges to deny.
    ///   - allowList: Ranges to allow exclusively, or nil for no allow list.
    public init(denyList: [IPRange] = [], allowList: [IPRange]? = nil) {
        self.denyList = denyList
        self.allowList = allowList
    }

    /// No deny list and no allow list: every address is trusted.
    public static let unrestricted = IPAccessPolicy()

    /// Judges `address`.
    ///
    /// - Parameter address: The client's address.
    /// - Returns: ``IPAccessDecision/denied(by:)`` with the first matching deny-list range,
    ///   ``IPAccessDecision/outsideAllowList`` when an allow list is set and no range of it matches, else
    ///   ``IPAccessDecision/allowed``.
    public func evaluate(_ address: IPAddress) -> IPAccessDecision {
        if let range = denyList.first(where: { $0.contains(address) }) { return .denied(by: range) }
        if let allowList, !allowList.contains(where: { $0.contains(address) }) { return .outsideAllowList }
        return .allowed
    }
}

/// What an ``IPAccessPolicy`` said about an address.
public enum IPAccessDecision: Sendable, Hashable {
    /// Not denied, and inside the allow list if there is one.
    case allowed
    /// In this deny-list range.
    case denied(by: IPRange)
    /// An allow list is set and the address is in none of its ranges.
    case outsideAllowList

    /// Whether the address is trusted.
    public var isAllowed: Bool { self == .allowed }
}
