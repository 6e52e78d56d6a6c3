#!/usr/bin/env python3
"""Reference strings for Tests/WeaveRuntimeTests/Format/NumberFormatTests.swift.

An independent implementation of the rules documented on `NumberFormat` and
`formatValue`, built on Python's own correctly rounded float formatting (David Gay's
dtoa, round-half-even on the exact binary value) and `decimal.Decimal` for the
fixed-notation layout; the Swift side uses glibc's vsnprintf.

Run:  python3 Tests/WeaveRuntimeTests/Format/reference/format_refs.py > /tmp/cases.swift
and paste the printed array into the test file.
"""
from decimal import Decimal, getcontext
getcontext().prec = 2000  # exact for every double
import math

def nonfinite(x):
    if math.isnan(x):
        return "nan"
    return "-inf" if x < 0 else "inf"

def all_zero(s):
    return all(c in "0.-," for c in s)

def unsign_zero(s):
    return s[1:] if s.startswith("-") and all_zero(s) else s

def sci_parts(x, digits):
    m, e = ("%.*e" % (digits - 1, x)).split("e")
    return m, int(e)

def fixed_layout(mantissa, exp):
    # scaleb shifts the exponent and keeps the mantissa digits; 'f' lays them out
    # without exponent (padding zeros before the point when needed).
    return format(Decimal(mantissa).scaleb(exp), "f")

def sci_layout(mantissa, exp):
    return "%se%d" % (mantissa, exp)

def trim(mantissa):
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return mantissa

def format_value(x):
    if not math.isfinite(x):
        return nonfinite(x)
    if x == 0:
        return "0"
    if x == math.trunc(x) and abs(x) < 1e15:
        return str(int(x))
    m, e = sci_parts(x, 6)
    m = trim(m)
    if -4 <= e < 15:
        return trim(fixed_layout(m, e))
    return sci_layout(m, e)

def fmt(kind, arg, x):
    if not math.isfinite(x):
        return nonfinite(x)
    if kind == "automatic":
        return format_value(x)
    if kind == "fixed":
        return unsign_zero("%.*f" % (arg, x))
    if kind == "significant":
        if x == 0:
            return "%.*f" % (arg - 1, 0.0)
        m, e = sci_parts(x, arg)
        if -4 <= e < 15:
            s = fixed_layout(m, e)
            # Decimal drops nothing: the digit count stays `arg` (padding zeros for big e).
            return s
        return sci_layout(m, e)
    if kind == "scientific":
        m, e = sci_parts(x, arg)
        return sci_layout(unsign_zero(m), e)
    if kind == "percent":
        # Exact: scale the exact binary value by 100 with Decimal, then round half-even.
        d = Decimal(x) * 100
        q = Decimal(1).scaleb(-arg)
        s = format(d.quantize(q, rounding="ROUND_HALF_EVEN"), "f")
        return unsign_zero(s) + "%"
    if kind == "integer":
        d = Decimal(x).quantize(Decimal(1), rounding="ROUND_HALF_EVEN")
        s = unsign_zero(format(d, "f"))
        if arg:
            neg = s.startswith("-")
            s = "{:,}".format(int(s.lstrip("-")))
            s = ("-" if neg else "") + s
        return s
    raise ValueError(kind)

VALUES = [
    0.5, 1.5, 2.5, -0.5, -2.5, 0.125, 2.675, 4.35, 9.9999995, 9.999995, 99999.95,
    0.1, 0.1 + 0.2, 1 / 3, 2 / 3, -1234.5678, 3.14159265, 4608.0, 2.41e-3, 6.02214076e23,
    123456.5, 1234567.89, 12345678.9, 123456789012345.6, 999999999999999.0,
    999999999999999.9, 1e15, 1e16, 123456789012345680.0, 2.0 ** 53, 1e21, 1e100,
    1e-4, 9.99999e-5, 0.000099999951, 0.000123456789, 1e-5, 1.5e-7, 2.3e20, 1e-7,
    5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, -0.0, 0.0, -0.001,
    0.0049999, 0.995, 1.005, 12.345, -7.0, 1e-300,
]
FORMATS = [
    ("automatic", None, ".automatic"),
    ("fixed", 0, ".fixed(0)"), ("fixed", 2, ".fixed(2)"), ("fixed", 3, ".fixed(3)"),
    ("significant", 1, ".significant(1)"), ("significant", 3, ".significant(3)"),
    ("significant", 6, ".significant(6)"),
    ("scientific", 1, ".scientific(1)"), ("scientific", 3, ".scientific(3)"),
    ("percent", 0, ".percent(0)"), ("percent", 2, ".percent(2)"),
    ("integer", False, ".integer(grouping: false)"), ("integer", True, ".integer(grouping: true)"),
]

def swift_double(x):
    if math.isnan(x):
        return ".nan"
    if math.isinf(x):
        return "-.infinity" if x < 0 else ".infinity"
    if x != 0 and abs(x) < 2.2250738585072014e-308:
        return x.hex().replace("+", "")  # subnormal: a hex literal, exact, no warning
    return repr(x)

if __name__ == "__main__":
    # formatValue cases (also covers non-finite values).
    print("let formatValueCases: [(Double, String)] = [")
    for x in VALUES + [math.nan, math.inf, -math.inf]:
        print('    (%s, "%s"),' % (swift_double(x), format_value(x)))
    print("]")
    print()
    print("let numberFormatCases: [(NumberFormat, Double, String)] = [")
    for kind, arg, swift in FORMATS:
        for x in VALUES + [math.nan, -math.inf]:
            if kind in ("fixed", "integer") and abs(x) > 1e22:
                continue  # long digit strings, covered by dedicated tests
            print('    (%s, %s, "%s"),' % (swift, swift_double(x), fmt(kind, arg, x)))
    print("]")
