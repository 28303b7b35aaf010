internal import CFIDO2

extension FIDODevice {
    /// How many discoverable credentials the key holds and how many more fit (credential management
    /// getCredsMetadata). Needs the PIN.
    ///
    /// - Parameter pin: The key's PIN.
    /// - Returns: The counts.
    /// - Throws: ``FIDOError/Code/pinInvalid``, ``FIDOError/Code/pinNotSet``, or another ``FIDOError``.
    public func discoverableCredentialCounts(pin: DevicePIN) async throws(FIDOError) -> (existing: Int, remaining: Int)
    {
        try await perform("getCredsMetadata") { (handle: inout DeviceHandle) throws(FIDOError) -> (Int, Int) in
            let bridge = handle.bridge
            let metadata = try FIDOObject(.credentialManagementMetadata)
            return try metadata.withPointer { (pointer) throws(FIDOError) -> (Int, Int) in
                try handle.withDevice { (device) throws(FIDOError) in
                    try LibFIDO2.status("fido_credman_get_dev_metadata", bridge: bridge) {
                        pin.withCString { fido_credman_get_dev_metadata(device, pointer, $0) }
                    }
                }
                return (
                    Int(clamping: fido_credman_rk_existing(pointer)), Int(clamping: fido_credman_rk_remaining(pointer))
                )
            }
        }
    }

    /// The relying parties with discoverable credentials on the key. Needs the PIN.
    ///
    /// - Parameter pin: The key's PIN.
    /// - Returns: The relying parties (empty when the key holds no discoverable credential).
    /// - Throws: ``FIDOError/Code/pinInvalid``, ``FIDOError/Code/pinNotSet``, or another ``FIDOError``.
    public func relyingParties(pin: DevicePIN) async throws(FIDOError) -> [RelyingPartySummary] {
        try await perform("enumerateRPs") { (handle: inout DeviceHandle) throws(FIDOError) -> [RelyingPartySummary] in
            let bridge = handle.bridge
            let list = try FIDOObject(.credentialManagementRelyingParties)
            return try list.withPointer { (pointer) throws(FIDOError) -> [RelyingPartySummary] in
                do throws(FIDOError) {
                    try handle.withDevice { (device) throws(FIDOError) in
                        try LibFIDO2.status("fido_credman_get_dev_rp", bridge: bridge) {
                            pin.withCString { fido_credman_get_dev_rp(device, pointer, $0) }
                        }
                    }
                } catch where error.code == .noCredentials {
                    return []
                }
                return (0..<fido_credman_rp_count(pointer)).map { index in
                    RelyingPartySummary(
                        id: Borrowed.string(fido_credman_rp_id(pointer, index)) ?? "",
                        name: Borrowed.string(fido_credman_rp_name(pointer, index)),
                        idHash: Borrowed.bytes(
                            fido_credman_rp_id_hash_ptr(pointer, index), fido_credman_rp_id_hash_len(pointer, index)))
                }
            }
        }
    }

    /// The discoverable credentials the key holds for one relying party. Needs the PIN.
    ///
    /// - Parameters:
    ///   - rpID: The relying party ID.
    ///   - pin: The key's PIN.
    /// - Returns: The credentials (empty when there are none for `rpID`).
    /// - Throws: ``FIDOError/Code/pinInvalid``, ``FIDOError/Code/pinNotSet``, or another ``FIDOError``.
    public func discoverableCredentials(rpID: String, pin: DevicePIN) async throws(FIDOError)
        -> [DiscoverableCredential]
    {
        guard !rpID.isEmpty, !rpID.utf8.contains(0) else {
            throw FIDOError(.invalidArgument, "the RP ID must be a non-empty string without NUL")
        }
        return try await perform("enumerateCredentials") {
            (handle: inout DeviceHandle) throws(FIDOError) -> [DiscoverableCredential] in
            let bridge = handle.bridge
            let list = try FIDOObject(.credentialManagementCredentials)
            return try list.withPointer { (pointer) throws(FIDOError) -> [DiscoverableCredential] in
                do throws(FIDOError) {
                    try handle.withDevice { (device) throws(FIDOError) in
                        try LibFIDO2.status("fido_credman_get_dev_rk", bridge: bridge) {
                            pin.withCString { fido_credman_get_dev_rk(device, rpID, pointer, $0) }
                        }
                    }
                } catch where error.code == .noCredentials {
                    return []
                }
                return (0..<fido_credman_rk_count(pointer)).compactMap { index in
                    // Borrowed from the list; read before the list is freed.
                    guard let cred = fido_credman_rk(pointer, index) else { return nil }
                    return DiscoverableCredential(
                        rpID: rpID, credentialID: Borrowed.bytes(fido_cred_id_ptr(cred), fido_cred_id_len(cred)),
                        userID: Borrowed.bytes(fido_cred_user_id_ptr(cred), fido_cred_user_id_len(cred)),
                        userName: Borrowed.string(fido_cred_user_name(cred)),
                        userDisplayName: Borrowed.string(fido_cred_display_name(cred)),
                        algorithm: CredentialAlgorithm(rawValue: fido_cred_type(cred)),
                        protection: CredentialProtection(rawValue: fido_cred_prot(cred)))
                }
            }
        }
    }

    /// Deletes a discoverable credential. Needs the PIN.
    ///
    /// - Parameters:
    ///   - credentialID: The credential ID.
    ///   - pin: The key's PIN.
    /// - Throws: ``FIDOError/Code/noCredentials`` when the key does not hold it, ``FIDOError/Code/pinInvalid``,
    ///   or another ``FIDOError``.
    public func deleteCredential(id credentialID: [UInt8], pin: DevicePIN) async throws(FIDOError) {
        guard !credentialID.isEmpty else { throw FIDOError(.invalidArgument, "the credential ID is empty") }
        try await perform("deleteCredential") { (handle: inout DeviceHandle) throws(FIDOError) in
            let bridge = handle.bridge
            try handle.withDevice { (device) throws(FIDOError) in
                try LibFIDO2.status("fido_credman_del_dev_rk", bridge: bridge) {
                    pin.withCString { pinText in
                        credentialID.withUnsafeBufferPointer {
                            fido_credman_del_dev_rk(device, $0.baseAddress, $0.count, pinText)
                        }
                    }
                }
            }
        }
    }
}
