// MARK: - Terminal

extension QRCode {
    /// How a terminal's colours map onto the QR code's modules.
    public enum TerminalStyle: Sendable, Hashable {
        /// For light text on a dark background (most terminals): block characters draw the light modules
        /// and the quiet zone, spaces leave the dark modules in the background colour.
        case lightOnDark
        /// For dark text on a light background: block characters draw the dark modules.
        case darkOnLight
    }

    /// The symbol drawn with Unicode half blocks (`▀`, `▄`, `█` and space), two module rows per line.
    ///
    /// - Parameters:
    ///   - style: Which colour the block characters stand for; ``TerminalStyle/lightOnDark`` by default.
    ///   - quietZone: Light modules around the symbol, 2 by default (the standard asks for 4; phones read 2
    ///     from a screen, and it keeps the code small).
    /// - Returns: Lines separated by `\n`, with a trailing newline.
    public func terminalString(style: TerminalStyle = .lightOnDark, quietZone: Int = 2) -> String {
        let margin = max(quietZone, 0)
        let extent = size + 2 * margin
        // Whether the character cell should show a block for the module at (row, column) of the framed grid.
        func inked(_ row: Int, _ column: Int) -> Bool {
            guard row < extent else { return false }  // below the last row: the terminal background
            let dark = isDark(row: row - margin, column: column - margin)
            return style == .lightOnDark ? !dark : dark
        }
        var output = ""
        output.reserveCapacity((extent + 1) * (extent / 2 + 1) * 3)
        var row = 0
        while row < extent {
            for column in 0..<extent {
                switch (inked(row, column), inked(row + 1, column)) {
                case (true, true): output += "█"
                case (true, false): output += "▀"
                case (false, true): output += "▄"
                case (false, false): output += " "
                }
            }
            output += "\n"
            row += 2
        }
        return output
    }
}

// MARK: - SVG

extension QRCode {
    /// The symbol as a standalone SVG document: a white background and one black path.
    ///
    /// - Parameters:
    ///   - moduleSize: The width and height attributes' pixels per module (the drawing itself scales freely).
    ///   - quietZone: Light modules around the symbol; 4 as the standard asks.
    /// - Returns: The SVG text.
    public func svg(moduleSize: Int = 8, quietZone: Int = 4) -> String {
        let margin = max(quietZone, 0)
        let extent = size + 2 * margin
        let pixels = extent * max(moduleSize, 1)
        var path = ""
        for row in 0..<size {
            var column = 0
            while column < size {
                guard isDark(row: row, column: column) else {
                    column += 1
                    continue
                }
                var run = 1
                while isDark(row: row, column: column + run) { run += 1 }
                path += "M\(column + margin) \(row + margin)h\(run)v1h-\(run)z"
                column += run
            }
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(pixels)" height="\(pixels)" \
            viewBox="0 0 \(extent) \(extent)" shape-rendering="crispEdges">
            <rect width="\(extent)" height="\(extent)" fill="#ffffff"/>
            <path fill="#000000" d="\(path)"/>
            </svg>

            """
    }
}

// MARK: - PNG

extension QRCode {
    /// The symbol as a PNG file: 1-bit greyscale, `moduleSize` pixels per module.
    ///
    /// - Parameters:
    ///   - moduleSize: Pixels per module, 1 to 64.
    ///   - quietZone: Light modules around the symbol; 4 as the standard asks.
    /// - Returns: The bytes of the PNG file.
    public func png(moduleSize: Int = 8, quietZone: Int = 4) -> [UInt8] {
        let scale = min(max(moduleSize, 1), 64)
        let margin = max(quietZone, 0)
        let pixels = (size + 2 * margin) * scale
        return PNGWriter.greyscale1Bit(width: pixels, height: pixels) { x, y in
            // Greyscale 1-bit: 1 is white (light), 0 black (dark).
            !isDark(row: y / scale - margin, column: x / scale - margin)
        }
    }
}
