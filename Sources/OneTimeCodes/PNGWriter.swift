/// A minimal PNG writer (ISO/IEC 15948, RFC 2083): one IDAT of zlib "stored" (uncompressed) deflate blocks.
///
/// Enough for QR codes without a system image library: an image of one bit per pixel is small even
/// uncompressed.
enum PNGWriter {
    /// A 1-bit greyscale PNG whose pixel at (`x`, `y`) is white when `white(x, y)`.
    static func greyscale1Bit(width: Int, height: Int, white: (Int, Int) -> Bool) -> [UInt8] {
        let rowBytes = (width + 7) / 8
        var raw: [UInt8] = []
        raw.reserveCapacity((rowBytes + 1) * height)
        for y in 0..<height {
            raw.append(0)  // filter type 0 (None) for every scanline
            var byte: UInt8 = 0
            for x in 0..<width {
                if white(x, y) { byte |= 0x80 >> UInt8(x % 8) }
                if x % 8 == 7 {
                    raw.append(byte)
                    byte = 0
                }
            }
            if width % 8 != 0 { raw.append(byte) }
        }
        var header: [UInt8] = []
        header += bigEndian(UInt32(width))
        header += bigEndian(UInt32(height))
        header += [1, 0, 0, 0, 0]  // bit depth 1, colour type 0 (greyscale), deflate, adaptive filtering, no interlace
        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        file += chunk("IHDR", header)
        file += chunk("IDAT", zlibStored(raw))
        file += chunk("IEND", [])
        return file
    }

    /// A chunk: length, type, data, CRC-32 of type and data.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return bigEndian(UInt32(data.count)) + typeBytes + data + bigEndian(crc32(typeBytes + data))
    }

    /// A zlib stream (RFC 1950) of stored deflate blocks (RFC 1951 §3.2.4) of at most 65 535 bytes each.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var output: [UInt8] = [0x78, 0x01]  // CM 8 (deflate), 32 KiB window, no dictionary, FCHECK so 0x7801 % 31 == 0
        var start = 0
        repeat {
            let length = min(65_535, data.count - start)
            let final = start + length == data.count
            output.append(final ? 1 : 0)  // BFINAL, BTYPE 00 (stored)
            output += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            output += data[start..<(start + length)]
            start += length
        } while start < data.count
        return output + bigEndian(adler32(data))
    }

    /// CRC-32 with the polynomial 0xEDB88320 (reflected), as PNG and zlib's crc32 compute it.
    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }

    private static let crcTable: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 {
            value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1
        }
        return value
    }

    /// Adler-32 (RFC 1950 §8.2).
    static func adler32(_ data: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return b << 16 | a
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
