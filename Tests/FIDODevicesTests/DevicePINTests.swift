import Foundation
import Testing

@testable import FIDODevices

/// Reading the PIN into its zeroed buffer, as `--pin-stdin` does.
@Suite struct DevicePINTests {
    /// Writes `bytes` into a pipe, closes the write end, and returns the read end.
    static func pipe(_ bytes: [UInt8]) throws -> Pipe {
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(Data(bytes))
        try pipe.fileHandleForWriting.close()
        return pipe
    }

    static func text(_ pin: DevicePIN) -> String {
        pin.withCString { String(cString: $0) }
    }

    @Test("A PIN is read up to the line feed, a carriage return dropped, and nothing after it is consumed")
    func readLine() throws {
        let pipe = try Self.pipe(Array("1234\r\nrest".utf8))
        let descriptor = pipe.fileHandleForReading.fileDescriptor
        let pin = try DevicePIN.read(fileDescriptor: descriptor)
        #expect(pin.byteCount == 4)
        #expect(Self.text(pin) == "1234")
        #expect(try pipe.fileHandleForReading.readToEnd() == Data("rest".utf8))
    }

    @Test("A PIN at the end of input without a line feed is read whole, UTF-8 included")
    func readToEnd() throws {
        let pipe = try Self.pipe(Array("pïn5".utf8))
        let pin = try DevicePIN.read(fileDescriptor: pipe.fileHandleForReading.fileDescriptor)
        #expect(Self.text(pin) == "pïn5")
        #expect(pin.byteCount == 5)
    }

    @Test(
        "Empty, over-long, NUL-carrying and non-UTF-8 PINs are refused",
        arguments: [
            [], Array(repeating: UInt8(ascii: "1"), count: 64), [0x31, 0x00, 0x32, 0x33], [0x31, 0xFF, 0x32, 0x33],
        ])
    func refused(bytes: [UInt8]) throws {
        #expect(throws: FIDOError(.invalidArgument, "")) { try DevicePIN(utf8: bytes) }
        let pipe = try Self.pipe(bytes + [0x0A])
        #expect(throws: FIDOError(.invalidArgument, "")) {
            try DevicePIN.read(fileDescriptor: pipe.fileHandleForReading.fileDescriptor)
        }
    }

    @Test("A 63-byte PIN, the CTAP maximum, is accepted")
    func longest() throws {
        let pin = try DevicePIN(utf8: Array(repeating: UInt8(ascii: "7"), count: 63))
        #expect(pin.byteCount == 63)
    }

    @Test(
        "matches is true only for the same bytes: a last-byte difference, a prefix and a longer PIN all differ",
        arguments: [
            ("123456", "123456", true), ("123456", "123457", false), ("1234", "12345", false),
            ("12345", "1234", false), ("pïn5", "pin5", false), ("abcd", "abcd", true),
        ])
    func matches(first: String, second: String, same: Bool) throws {
        let a = try DevicePIN(utf8: Array(first.utf8))
        let b = try DevicePIN(utf8: Array(second.utf8))
        #expect(a.matches(b) == same)
        #expect(b.matches(a) == same)
    }
}
