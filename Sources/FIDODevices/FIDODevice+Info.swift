internal import CFIDO2

extension FIDODevice {
    /// Asks the key about itself (authenticatorGetInfo) and, when it supports a PIN, how many PIN attempts
    /// are left.
    ///
    /// - Returns: The info. A U2F-only key has no getInfo: its info lists the version `U2F_V2` only.
    /// - Throws: ``FIDOError`` from libfido2 or the transport.
    public func info() async throws(FIDOError) -> AuthenticatorInfo {
        let capabilities = self.capabilities
        guard capabilities.isFIDO2 else {
            return AuthenticatorInfo(
                versions: ["U2F_V2"], extensions: [], aaguid: [], options: [], maximumMessageSize: 0,
                pinUVAuthProtocols: [],
                algorithms: [AuthenticatorInfo.Algorithm(type: "public-key", coseIdentifier: -7)],
                maximumCredentialCountInList: 0, maximumCredentialIDLength: 0, transports: ["usb"],
                firmwareVersion: 0, minimumPINLength: 0, remainingDiscoverableCredentials: nil, pinRetries: nil)
        }
        return try await perform("getInfo") { (handle: inout DeviceHandle) throws(FIDOError) -> AuthenticatorInfo in
            let bridge = handle.bridge
            let object = try FIDOObject(.cborInfo)
            let info = try object.withPointer { (info) throws(FIDOError) -> AuthenticatorInfo in
                try handle.withDevice { (device) throws(FIDOError) in
                    try LibFIDO2.status("fido_dev_get_cbor_info", bridge: bridge) {
                        fido_dev_get_cbor_info(device, info)
                    }
                }
                let optionNames = Borrowed.strings(
                    fido_cbor_info_options_name_ptr(info), fido_cbor_info_options_len(info))
                let optionValues = fido_cbor_info_options_value_ptr(info)
                var options: [(name: String, value: Bool)] = []
                if let optionValues {
                    for (index, name) in optionNames.enumerated() { options.append((name, optionValues[index])) }
                }
                let protocols = Borrowed.bytes(fido_cbor_info_protocols_ptr(info), fido_cbor_info_protocols_len(info))
                let algorithms = (0..<fido_cbor_info_algorithm_count(info)).map { index in
                    AuthenticatorInfo.Algorithm(
                        type: Borrowed.string(fido_cbor_info_algorithm_type(info, index)) ?? "public-key",
                        coseIdentifier: Int(fido_cbor_info_algorithm_cose(info, index)))
                }
                let remaining = fido_cbor_info_rk_remaining(info)
                return AuthenticatorInfo(
                    versions: Borrowed.strings(fido_cbor_info_versions_ptr(info), fido_cbor_info_versions_len(info)),
                    extensions: Borrowed.strings(
                        fido_cbor_info_extensions_ptr(info), fido_cbor_info_extensions_len(info)),
                    aaguid: Borrowed.bytes(fido_cbor_info_aaguid_ptr(info), fido_cbor_info_aaguid_len(info)),
                    options: options, maximumMessageSize: fido_cbor_info_maxmsgsiz(info),
                    pinUVAuthProtocols: protocols.map { Int($0) }, algorithms: algorithms,
                    maximumCredentialCountInList: fido_cbor_info_maxcredcntlst(info),
                    maximumCredentialIDLength: fido_cbor_info_maxcredidlen(info),
                    transports: Borrowed.strings(
                        fido_cbor_info_transports_ptr(info), fido_cbor_info_transports_len(info)),
                    firmwareVersion: fido_cbor_info_fwversion(info), minimumPINLength: fido_cbor_info_minpinlen(info),
                    remainingDiscoverableCredentials: remaining < 0 ? nil : remaining, pinRetries: nil)
            }
            guard info.option("clientPin") != nil else { return info }
            let retries = try Self.retryCount(handle: handle)
            return AuthenticatorInfo(
                versions: info.versions, extensions: info.extensions, aaguid: info.aaguid, options: info.options,
                maximumMessageSize: info.maximumMessageSize, pinUVAuthProtocols: info.pinUVAuthProtocols,
                algorithms: info.algorithms, maximumCredentialCountInList: info.maximumCredentialCountInList,
                maximumCredentialIDLength: info.maximumCredentialIDLength, transports: info.transports,
                firmwareVersion: info.firmwareVersion, minimumPINLength: info.minimumPINLength,
                remainingDiscoverableCredentials: info.remainingDiscoverableCredentials, pinRetries: retries)
        }
    }

    /// `fido_dev_get_retry_count`.
    static func retryCount(handle: borrowing DeviceHandle) throws(FIDOError) -> Int {
        let bridge = handle.bridge
        return try handle.withDevice { (device) throws(FIDOError) -> Int in
            var retries: Int32 = 0
            try LibFIDO2.status("fido_dev_get_retry_count", bridge: bridge) {
                fido_dev_get_retry_count(device, &retries)
            }
            return Int(retries)
        }
    }
}
