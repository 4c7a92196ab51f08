"""C literals for Wasm constants, byte strings and names."""

from __future__ import annotations

import struct

from wastrel.backend_c.c_expr import PRIMARY, UNARY


def constant(type_: str, value: int | None) -> tuple[str, int]:
    """A Wasm constant as C text and its precedence."""
    match type_:
        case "i32" | "i64":
            bits = 32 if type_ == "i32" else 64
            assert value is not None
            unsigned = "uint32_t" if bits == 32 else "uint64_t"
            suffix = "u" if bits == 32 else "ull"
            if value >= 0:
                return f"{value}{suffix}", PRIMARY
            if value == -(1 << (bits - 1)):
                return f"0x{1 << (bits - 1):x}{suffix}", PRIMARY
            return f"({unsigned})-{-value}", UNARY
        case "f32" | "f64":
            return float_constant(type_, value or 0)
        case "v128":
            low, high = _halves(value or 0)
            return f"W_V128({low}, {high})", PRIMARY
    return "NULL", PRIMARY


def v128_initializer(value: int) -> str:
    """A v128 as the initialiser of a static variable (W_V128's compound
    literal is not a constant to gcc when the variable is const)."""
    low, high = _halves(value)
    return f"{{(int64_t){low}, (int64_t){high}}}"


def _halves(value: int) -> tuple[str, str]:
    return f"0x{value & (1 << 64) - 1:016x}ull", f"0x{value >> 64:016x}ull"


def float_constant(type_: str, bits: int) -> tuple[str, int]:
    """An exact C literal for a float bit pattern (NaN and inf as builtins)."""
    if type_ == "f32":
        (value,) = struct.unpack("<f", struct.pack("<I", bits))
        if value != value or value in (float("inf"), float("-inf")):
            return _special_float("f", bits, 23, 32)
        for digits in range(6, 10):
            text = f"{value:.{digits}g}"
            if struct.unpack("<f", struct.pack("<f", float(text)))[0] == value:
                break
        text = _with_point(text) + "f"
    else:
        (value,) = struct.unpack("<d", struct.pack("<Q", bits))
        if value != value or value in (float("inf"), float("-inf")):
            return _special_float("", bits, 52, 64)
        text = _with_point(repr(value))
    return text, (UNARY if text.startswith("-") else PRIMARY)


def _special_float(suffix: str, bits: int, mantissa_bits: int, width: int) -> tuple[str, int]:
    """Infinities and NaNs (with their payload) as constant expressions,
    usable in static initialisers too."""
    sign = "-" if bits >> (width - 1) else ""
    mantissa = bits & ((1 << mantissa_bits) - 1)
    quiet = 1 << (mantissa_bits - 1)
    if mantissa == 0:
        text = f"__builtin_inf{suffix}()"
    elif mantissa & quiet:
        payload = mantissa & ~quiet
        text = f'__builtin_nan{suffix}("{hex(payload) if payload else ""}")'
    else:
        text = f'__builtin_nans{suffix}("{hex(mantissa)}")'
    return sign + text, UNARY if sign else PRIMARY


def _with_point(text: str) -> str:
    return text if any(c in text for c in ".en") else text + ".0"


def c_string(text: str) -> str:
    """The contents of a C string literal for any text (UTF-8, escaped)."""
    return "".join(chr(b) if b < 0x80 and (chr(b).isalnum() or chr(b) in " _-.:/") else f"\\{b:03o}" for b in text.encode())


def c_bytes(data: bytes) -> str:
    """A string literal, printable where the data is, 64 bytes a line."""
    if not data:
        return "{0}"
    chunks = []
    for start in range(0, len(data), 64):
        piece = data[start : start + 64]
        chunks.append('"' + "".join(map(_BYTES.__getitem__, piece)) + '"')
    return "\n    ".join(chunks)


def _byte(b: int) -> str:
    if b == 0x22:
        return '\\"'
    if b == 0x5C:
        return "\\\\"
    if 0x20 <= b < 0x7F and b != 0x3F:  # '?' would risk trigraphs
        return chr(b)
    return f"\\{b:03o}"


_BYTES = tuple(_byte(b) for b in range(256))  # each byte's spelling in a string literal
