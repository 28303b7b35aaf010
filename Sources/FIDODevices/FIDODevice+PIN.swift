internal import CFIDO2

extension FIDODevice {
    /// How many PIN attempts are left before the PIN blocks (authenticatorClientPIN getPINRetries).
    ///
    /// - Returns: The count (8 on a fresh key).
    /// - Throws: ``FIDOError`` from libfido2 or the transport.
    public func pinRetries() async throws(FIDOError) -> Int {
        try await perform("getPINRetries") { (handle: inout DeviceHandle) throws(FIDOError) -> Int in
            try Self.retryCount(handle: handle)
        }
    }

    /// Sets the first PIN of a key that has none.
    ///
    /// - Parameter pin: The new PIN (the key enforces its minimum length).
    /// - Throws: ``FIDOError/Code/pinPolicyViolation`` for a PIN the key refuses, ``FIDOError/Code/notAllowed``
    ///   when a PIN is already set, or another ``FIDOError``.
    public func setPIN(_ pin: DevicePIN) async throws(FIDOError) {
        try await perform("setPIN") { (handle: inout DeviceHandle) throws(FIDOError) in
            let bridge = handle.bridge
            try handle.withDevice { (device) throws(FIDOError) in
                try LibFIDO2.status("fido_dev_set_pin", bridge: bridge) {
                    pin.withCString { fido_dev_set_pin(device, $0, nil) }
                }
            }
        }
    }

    /// Changes the PIN.
    ///
    /// - Parameters:
    ///   - current: The current PIN.
    ///   - new: The new PIN.
    /// - Throws: ``FIDOError/Code/pinInvalid`` when `current` is wrong (the key counts it),
    ///   ``FIDOError/Code/pinBlocked``, ``FIDOError/Code/pinAuthBlocked``, ``FIDOError/Code/pinPolicyViolation``,
    ///   or another ``FIDOError``.
    public func changePIN(from current: DevicePIN, to new: DevicePIN) async throws(FIDOError) {
        try await perform("changePIN") { (handle: inout DeviceHandle) throws(FIDOError) in
            let bridge = handle.bridge
            try handle.withDevice { (device) throws(FIDOError) in
                try LibFIDO2.status("fido_dev_set_pin", bridge: bridge) {
                    new.withCString { newPIN in current.withCString { fido_dev_set_pin(device, newPIN, $0) } }
                }
            }
        }
    }

    /// Resets the key: every credential is deleted and the PIN removed. The key needs a touch.
    ///
    /// Keys accept a reset only within a few seconds of being plugged in (10 seconds on most keys); after
    /// that they refuse with ``FIDOError/Code/resetNotAllowed``, whose reason tells the user to replug the key
    /// and reset at once.
    ///
    /// - Warning: Irreversible: every credential on the key is lost.
    /// - Throws: ``FIDOError/Code/resetNotAllowed``, ``FIDOError/Code/operationDenied``,
    ///   ``FIDOError/Code/userActionTimeout``, or another ``FIDOError``.
    public func reset() async throws(FIDOError) {
        try await perform("reset") { (handle: inout DeviceHandle) throws(FIDOError) in
            let bridge = handle.bridge
            try handle.withDevice { (device) throws(FIDOError) in
                do throws(FIDOError) {
                    try LibFIDO2.status("fido_dev_reset", bridge: bridge) { fido_dev_reset(device) }
                } catch where error.code == .notAllowed {
                    throw FIDOError(
                        .resetNotAllowed,
                        "the key refused the reset (\(error.reason)): keys allow a reset only within a few seconds "
                            + "of power-up (10 seconds on most keys); unplug the key, plug it back in and reset it "
                            + "at once",
                        libfido2Result: error.libfido2Result)
                }
            }
        }
    }
}
