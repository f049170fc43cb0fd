"""Kubernetes resource quantities (the subset Karmada's interpreters and scheduler need).

Follows k8s.io/apimachinery/pkg/api/resource: a quantity keeps the *format* it was parsed
with (BinarySI for ``Ki``/``Mi``..., DecimalSI for plain numbers, ``m``, ``k``, ``M``...), and
prints canonically in that format (``NewMilliQuantity(500, DecimalSI)`` -> ``"500m"``,
``NewQuantity(2*1024**3, BinarySI)`` -> ``"2Gi"``). Values are exact (``Fraction``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

BINARY_SI = "BinarySI"
DECIMAL_SI = "DecimalSI"
DECIMAL_EXPONENT = "DecimalExponent"

_BINARY = {"Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_PATTERN = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$")


class QuantityError(ValueError):
    """A string that is not a Kubernetes quantity."""


@dataclass(frozen=True)
class Quantity:
    """An exact quantity plus the format it prints in."""

    value: Fraction
    format: str = DECIMAL_SI

    @classmethod
    def parse(cls, text: str | int | float) -> Quantity:
        """Parse ``"500m"``, ``"2Gi"``, ``"1e3"``, ``4`` ... (resource.MustParse)."""
        if isinstance(text, bool):
            raise QuantityError(f"not a quantity: {text!r}")
        if isinstance(text, int | float):
            return cls(Fraction(text), DECIMAL_SI)
        match = _PATTERN.match(text.strip())
        if not match:
            raise QuantityError(f"quantities must match the regular expression: {text!r}")
        number = Fraction(match.group(1))
        suffix = match.group(2) or ""
        if suffix in _BINARY:
            return cls(number * 1024 ** _BINARY[suffix], BINARY_SI)
        if suffix in _DECIMAL:
            return cls(number * Fraction(10) ** _DECIMAL[suffix], DECIMAL_SI)
        return cls(number * Fraction(10) ** int(suffix[1:]), DECIMAL_EXPONENT)

    def milli_value(self) -> int:
        """Value in thousandths, rounded up (Quantity.MilliValue)."""
        return math.ceil(self.value * 1000)

    def int_value(self) -> int:
        """Value rounded up to an integer (Quantity.Value)."""
        return math.ceil(self.value)

    def __add__(self, other: Quantity) -> Quantity:
        # Quantity.Add: a zero receiver adopts the addend's format.
        fmt = other.format if self.value == 0 else self.format
        return Quantity(self.value + other.value, fmt)

    def __str__(self) -> str:
        return format_quantity(self.value, self.format)


def _decimal_string(value: Fraction) -> str:
    """Canonical DecimalSI: the largest exact SI suffix, down to nano (rounded up)."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value == 0:
        return "0"
    for exponent, suffix in ((18, "E"), (15, "P"), (12, "T"), (9, "G"), (6, "M"), (3, "k")):
        scaled = value / Fraction(10) ** exponent
        if scaled.denominator == 1 and scaled >= 1:
            # k8s prints at most 3 significant trailing-zero groups in the suffix form
            return f"{sign}{scaled.numerator}{suffix}"
    if value.denominator == 1:
        return f"{sign}{value.numerator}"
    for exponent, suffix in ((-3, "m"), (-6, "u"), (-9, "n")):
        scaled = value / Fraction(10) ** exponent
        if scaled.denominator == 1:
            return f"{sign}{scaled.numerator}{suffix}"
    return f"{sign}{math.ceil(value * 10**9)}n"


def _exponent_string(value: Fraction) -> str:
    """Canonical DecimalExponent: mantissa and an exponent that is a multiple of 3."""
    exponent = 0
    while value.denominator != 1 and exponent > -9:
        value *= 1000
        exponent -= 3
    number = math.ceil(value)
    while number and number % 1000 == 0 and exponent < 18:
        number //= 1000
        exponent += 3
    return f"{number}e{exponent}" if exponent else str(number)


def format_quantity(value: Fraction, fmt: str) -> str:
    """Print a value canonically in ``fmt`` (Quantity.String / CanonicalizeBytes)."""
    if fmt == DECIMAL_EXPONENT:
        return _exponent_string(value)
    if fmt == BINARY_SI and value.denominator == 1 and abs(value) >= 1024:
        for suffix, power in sorted(_BINARY.items(), key=lambda item: -item[1]):
            scaled = value / 1024**power
            if scaled.denominator == 1:
                return f"{scaled.numerator}{suffix}"
    return _decimal_string(value)


def milli_cpu(value: int) -> str:
    """resource.NewMilliQuantity(value, DecimalSI).String()."""
    return format_quantity(Fraction(value, 1000), DECIMAL_SI)


def binary_bytes(value: int) -> str:
    """resource.NewQuantity(value, BinarySI).String()."""
    return format_quantity(Fraction(value), BINARY_SI)


def decimal_count(value: int) -> str:
    """resource.NewQuantity(value, DecimalSI).String()."""
    return format_quantity(Fraction(value), DECIMAL_SI)


def quantities_equal(a: str | int | float, b: str | int | float) -> bool:
    """Semantic equality, as Karmada's tests compare quantities (Quantity.Equal)."""
    return Quantity.parse(a).value == Quantity.parse(b).value
