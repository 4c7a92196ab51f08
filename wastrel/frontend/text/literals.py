"""Literals of the text format: atoms -> Python values.

Takes one lexical token (a lark `Token`, as `sexpr` gives it) and gives its
value, by the spec's rules:

* integers: decimal or `0x` hexadecimal, `_` only between digits, an optional
  sign where the context allows one; `integer(token, bits)` accepts the
  signed and the unsigned range and gives the signed value (L-wasm's
  convention for `i32.const`/`i64.const`);
* floats: decimal and hexadecimal, with fraction and exponent, `inf`, `nan`,
  `nan:0x...`, all signed; the result is the IEEE bit pattern, rounded
  exactly (ties to even) from the literal's exact value, for f32 as well as
  f64; a literal that rounds to infinity is out of range;
* SIMD: `lane_index` reads a lane index (a u8: whether the shape has that
  lane is for the validator), `lane_bits` one lane of a `v128.const` (an
  integer lane in the signed or the unsigned range of its width, a float
  lane as a float literal) as its unsigned bit pattern, and `v128_bits` puts
  the lanes together, lane 0 in the low bits;
* strings: escapes `\\t \\n \\r \\" \\' \\\\ \\hh \\u{h...}` -> bytes; names
  are strings that must be valid UTF-8; identifiers are `$` followed by
  identifier characters or a string.

Every error is a `WasmError` of kind "malformed" at the token's position.

A literal may have any number of digits (leading zeros, a long fraction, a
huge exponent): only the digits that can matter are converted, so every
value is exact and a crafted literal of megabytes costs linear time (and
never hits Python's limit on decimal string -> int conversions).
"""

from __future__ import annotations

import re

from lark import Token

from wastrel.frontend.errors import WasmError


def token_error(message: str, token: Token) -> WasmError:
    return WasmError("malformed", message, token.start_pos, line=token.line, column=token.column)


def shown(token: str, limit: int = 40) -> str:
    """A token as an error message quotes it: a long one abbreviated."""
    text = str(token)
    return text if len(text) <= limit else f"{text[: limit // 2]}...{text[-(limit // 4):]} ({len(text)} characters)"


# The most significant digits an integer literal needs: any more (after
# leading zeros) and it is beyond 2**128, out of range for every use.
_MAX_DEC_DIGITS = 40
_MAX_HEX_DIGITS = 32
_BEYOND = 1 << 128


def _digits_value(digits: str, base: int) -> int:
    """The value of a digit string (no `_`), or _BEYOND if it is larger
    than 2**128; leading zeros are free."""
    digits = digits.lstrip("0")
    if len(digits) > (_MAX_HEX_DIGITS if base == 16 else _MAX_DEC_DIGITS):
        return _BEYOND
    return int(digits or "0", base)


# -- integers -------------------------------------------------------------------

# Possessive: what follows a digit run is never a digit or `_`, so giving
# digits back could not help, and a long literal is matched in linear time.
_DEC = r"[0-9]++(?:_[0-9]++)*+"
_HEX = r"[0-9a-fA-F]++(?:_[0-9a-fA-F]++)*+"
_INT = re.compile(rf"([+-]?)(?:0x({_HEX})|({_DEC}))")


def _int_parts(token: Token) -> tuple[str, int] | None:
    """(sign, magnitude) of an integer literal, or None if it is not one."""
    m = _INT.fullmatch(token)
    if m is None:
        return None
    sign, hex_digits, dec_digits = m.groups()
    if hex_digits:
        return sign, _digits_value(hex_digits.replace("_", ""), 16)
    return sign, _digits_value(dec_digits.replace("_", ""), 10)


def is_unsigned(token: object) -> bool:
    """Whether `token` is an unsigned integer literal (an index, a limit, ...)."""
    return isinstance(token, Token) and token.type == "NUM" and token[0] not in "+-" and _INT.fullmatch(token) is not None


def unsigned(token: Token, bits: int = 32) -> int:
    """An unsigned integer of at most `bits` bits (indices, limits, offsets)."""
    parts = _int_parts(token) if token.type == "NUM" else None
    if parts is None or parts[0]:
        raise token_error(f"expected an unsigned integer, got {shown(token)!r}", token)
    if parts[1] >= 1 << bits:
        raise token_error(f"u{bits} constant out of range: {shown(token)}", token)
    return parts[1]


def integer(token: Token, bits: int) -> int:
    """An `iN` constant: signed or unsigned, given in the signed range."""
    parts = _int_parts(token) if token.type == "NUM" else None
    if parts is None:
        raise token_error(f"unknown operator or malformed i{bits} constant {shown(token)!r}", token)
    sign, value = parts
    limit = 1 << bits
    if sign == "-":
        value = -value
    ok = -(limit >> 1) <= value < (limit >> 1) if sign else 0 <= value < limit
    if not ok:
        raise token_error(f"i{bits} constant out of range: {shown(token)}", token)
    return value - limit if value >= limit >> 1 else value


# -- floats ---------------------------------------------------------------------

# (mantissa bits, exponent bits) of each format.
FLOAT_FORMATS = {"f32": (23, 8), "f64": (52, 11)}

_FLOAT = re.compile(
    rf"(?P<sign>[+-]?)(?:"
    rf"0x(?P<hint>{_HEX})(?:\.(?P<hfrac>{_HEX})?)?(?:[pP](?P<hexp>[+-]?{_DEC}))?"
    rf"|(?P<int>{_DEC})(?:\.(?P<frac>{_DEC})?)?(?:[eE](?P<exp>[+-]?{_DEC}))?"
    rf"|(?P<inf>inf)|(?P<nan>nan)(?::0x(?P<payload>{_HEX}))?)"
)


def float_bits(token: Token, fmt: str) -> int:
    """The bit pattern of an `f32` or `f64` literal."""
    mbits, ebits = FLOAT_FORMATS[fmt]
    m = _FLOAT.fullmatch(token) if token.type in ("NUM", "KEYWORD") else None
    if m is None:
        raise token_error(f"unknown operator or malformed {fmt} constant {shown(token)!r}", token)
    sign = (1 << (mbits + ebits)) if m["sign"] == "-" else 0
    max_exponent = ((1 << ebits) - 1) << mbits
    if m["inf"]:
        return sign | max_exponent
    if m["nan"]:
        payload = _digits_value(m["payload"].replace("_", ""), 16) if m["payload"] else 1 << (mbits - 1)
        if not 0 < payload < 1 << mbits:
            raise token_error(f"NaN payload out of range for {fmt}: {shown(token)}", token)
        return sign | max_exponent | payload
    if m["hint"] is not None:
        frac = (m["hfrac"] or "").replace("_", "")
        mantissa, scale = _significant(m["hint"].replace("_", "") + frac, 16, _HEX_KEPT)
        exp2 = _exponent(m["hexp"]) + 4 * (scale - len(frac))
        bits = _round_binary(mantissa, exp2, mbits, ebits)
    else:
        frac = (m["frac"] or "").replace("_", "")
        mantissa, scale = _significant(m["int"].replace("_", "") + frac, 10, _DEC_KEPT)
        bits = _round_decimal(mantissa, _exponent(m["exp"]) + scale - len(frac), mbits, ebits)
    if bits is None:
        raise token_error(f"{fmt} constant out of range: {shown(token)}", token)
    return sign | bits


# How many significant digits of a float literal are kept.  Rounding to
# nearest only asks on which side of each midpoint between neighbouring
# floats the value lies; an f64 midpoint has at most 767 significant decimal
# digits (f32: 112) and 55 significant bits.  Cutting a longer digit string
# after N >= that many digits and appending a nonzero digit (a sticky digit:
# the cut-off part was not zero) keeps the value strictly between the same
# midpoints, so the result is exactly that of the whole literal.
_DEC_KEPT = 800
_HEX_KEPT = 32

# An exponent beyond this many digits is clamped: the literal's value is then
# beyond 10**(10**17) or below its inverse, far out of any format's range,
# whatever the digits (a text of 10**17 digits does not exist).
_EXP_DIGITS = 18


def _significant(digits: str, base: int, kept: int) -> tuple[int, int]:
    """(mantissa, scale) with digits == mantissa * base**scale, exactly or,
    beyond `kept` significant digits, with a sticky digit for the rest."""
    digits = digits.lstrip("0")
    stripped = digits.rstrip("0")
    scale = len(digits) - len(stripped)
    if len(stripped) > kept:  # the cut-off part ends in a nonzero digit
        scale += len(stripped) - kept - 1
        stripped = stripped[:kept] + "1"
    return int(stripped or "0", base), scale


def _exponent(text: str | None) -> int:
    if not text:
        return 0
    text = text.replace("_", "")
    sign, digits = (-1, text[1:]) if text[0] == "-" else (1, text.lstrip("+"))
    digits = digits.lstrip("0")
    if len(digits) > _EXP_DIGITS:
        return sign * 10**_EXP_DIGITS
    return sign * int(digits or "0")


def _round_decimal(mantissa: int, exp10: int, mbits: int, ebits: int) -> int | None:
    """The bits of mantissa * 10**exp10 (rounded), None if it overflows."""
    if mantissa == 0:
        return 0
    digits = len(str(mantissa))  # at most _DEC_KEPT + 1
    if digits + exp10 > 400:  # beyond 1e400: infinite in both formats
        return None
    if digits + exp10 < -400:  # below 1e-400: zero in both formats
        return 0
    if exp10 >= 0:
        return _round_rational(mantissa * 10**exp10, 1, mbits, ebits)
    return _round_rational(mantissa, 10**-exp10, mbits, ebits)


def _round_binary(mantissa: int, exp2: int, mbits: int, ebits: int) -> int | None:
    """The bits of mantissa * 2**exp2 (rounded), None if it overflows."""
    if mantissa == 0:
        return 0
    magnitude = mantissa.bit_length() + exp2
    if magnitude > 1 << ebits:  # at least 2**(max exponent + 1)
        return None
    if magnitude < -(1 << ebits) - mbits:  # below half the smallest subnormal
        return 0
    if exp2 >= 0:
        return _round_rational(mantissa << exp2, 1, mbits, ebits)
    return _round_rational(mantissa, 1 << -exp2, mbits, ebits)


def _round_rational(num: int, den: int, mbits: int, ebits: int) -> int | None:
    """The bits of the positive num/den rounded to nearest, ties to even;
    None if that rounds to infinity."""
    bias = (1 << (ebits - 1)) - 1
    e = num.bit_length() - den.bit_length()  # 2**e <= num/den < 2**(e+2)
    if num < den << e if e >= 0 else num << -e < den:
        e -= 1
    q = max(e, 1 - bias) - mbits  # the exponent of the last mantissa bit
    n, d = (num, den << q) if q >= 0 else (num << -q, den)
    m, r = divmod(n, d)
    if 2 * r > d or (2 * r == d and m & 1):
        m += 1
    if m == 1 << (mbits + 1):  # rounding carried into a new binade
        m >>= 1
        q += 1
    if m < 1 << mbits:  # subnormal
        return m
    biased = q + mbits + bias
    if biased >= (1 << ebits) - 1:
        return None
    return biased << mbits | (m - (1 << mbits))


# -- SIMD lanes -----------------------------------------------------------------


def lane_index(token: Token) -> int:
    """A lane index: an unsigned integer that fits a byte."""
    if not is_unsigned(token):
        raise token_error(f"unexpected token {shown(token)!r}, expected a lane index", token)
    value = _int_parts(token)[1]  # type: ignore[index]
    if value > 0xFF:
        raise token_error(f"i8 constant out of range: lane index {shown(token)}", token)
    return value


def lane_bits(token: Token, lane_type: str) -> int:
    """One lane of a `v128.const` of lanes `lane_type` (i8 i16 i32 i64 f32
    f64), as the unsigned bit pattern of the lane."""
    if lane_type[0] == "f":
        return float_bits(token, lane_type)
    width = int(lane_type[1:])
    return integer(token, width) & ((1 << width) - 1)


def v128_bits(lanes: list[int], width: int) -> int:
    """The 128 bits of lanes of `width` bits each, given lane 0 first."""
    return sum(lane << (i * width) for i, lane in enumerate(lanes))


# -- strings, names and identifiers ---------------------------------------------

_ESCAPE = re.compile(r"\\(?:u\{(" + _HEX + r")\}|([0-9a-fA-F]{2})|(.))", re.DOTALL)
_SIMPLE_ESCAPES = {"t": b"\t", "n": b"\n", "r": b"\r", '"': b'"', "'": b"'", "\\": b"\\"}


def string_bytes(token: Token) -> bytes:
    """The bytes a string token stands for."""
    body = token[1:-1]
    if "\\" not in body:
        return body.encode("utf-8")
    out = bytearray()
    pos = 0
    for m in _ESCAPE.finditer(body):
        out += body[pos : m.start()].encode("utf-8")
        pos = m.end()
        code, byte, simple = m.groups()
        if byte is not None:
            out.append(int(byte, 16))
        elif code is not None:
            value = int(code.replace("_", ""), 16)
            if value >= 0x110000 or 0xD800 <= value < 0xE000:
                raise token_error(f"malformed Unicode escape \\u{{{code}}}", token)
            out += chr(value).encode("utf-8")
        elif simple in _SIMPLE_ESCAPES:
            out += _SIMPLE_ESCAPES[simple]
        else:
            raise token_error(f"unknown escape \\{simple}", token)
    if "\\" in body[pos:]:
        raise token_error("malformed escape", token)
    out += body[pos:].encode("utf-8")
    return bytes(out)


def string_name(token: Token) -> str:
    """A string that must be valid UTF-8 (names of imports, exports, ...)."""
    try:
        return string_bytes(token).decode("utf-8")
    except UnicodeDecodeError:
        raise token_error("malformed UTF-8 encoding", token) from None


def id_name(token: Token) -> str:
    """The name an identifier `$name` or `$"name"` stands for."""
    raw = token[1:]
    name = string_name(Token("STRING", raw, token.start_pos + 1, token.line, token.column + 1)) if raw[0] == '"' else raw
    if not name:
        raise token_error("empty identifier", token)
    return name
