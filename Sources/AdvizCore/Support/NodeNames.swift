extension String {
    /// Node names in prose written as the figures and traces write them: `v-1` → `v₋₁`,
    /// `v̄0` → `v̄₀`, `v̇3` → `v̇₃` (the minus in `v-1` reads as "v minus 1"). A name inside a
    /// longer word (`nv0`, `v0x`) or a number (`v1.5`) is left as it is; so are `x1` and the
    /// program's other names.
    public var subscriptingNodeNames: String {
        let scalars = Array(unicodeScalars)
        func isWordScalar(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic || s.properties.numericType != nil || s == "_" }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            guard s == "v", i == 0 || !isWordScalar(scalars[i - 1]) else { out.append(s); i += 1; continue }
            var j = i + 1
            var accent: Unicode.Scalar?
            if j < scalars.count, scalars[j] == "\u{0304}" || scalars[j] == "\u{0307}" { accent = scalars[j]; j += 1 }
            let minus = j < scalars.count && scalars[j] == "-"
            if minus { j += 1 }
            var digits = ""
            while j < scalars.count, ("0"..."9").contains(scalars[j]) { digits.unicodeScalars.append(scalars[j]); j += 1 }
            let endsWord = j == scalars.count || (!isWordScalar(scalars[j]) && !(scalars[j] == "." && j + 1 < scalars.count && ("0"..."9").contains(scalars[j + 1])))
            guard !digits.isEmpty, endsWord else { out.append(s); i += 1; continue }
            out.append("v")
            if let accent { out.append(accent) }
            out.append(contentsOf: ((minus ? "-" : "") + digits).subscripted.unicodeScalars)
            i = j
        }
        return String(out)
    }
}
