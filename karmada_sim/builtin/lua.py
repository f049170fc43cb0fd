"""What Karmada's Lua bridge does to values, so Python rules see and return the same shapes.

karmada-io/karmada pkg/resourceinterpreter/customized/declarative/luavm @ f8fdd02 (as emulated
by karmada_sim/karmada/luavm.py): arguments lose their nulls (a nil field is absent, a nil list
item is skipped); results lose every empty table below the root (gopher-json encodes `{}` as
`[]`, then convertEmptySliceToEmptyStructPartly drops it when no reference object has an
empty value there, which is how the interpreter calls it for these operations) and numbers
are Lua doubles, integral ones read back as integers.
"""

from __future__ import annotations

import copy
from typing import Any

from karmada_sim.karmada.quantity import Quantity


class LuaShapeError(ValueError):
    """A result the Lua bridge could not encode (a sparse array)."""


def arg(value: Any) -> Any:
    """A deep copy without nulls (decodeValue)."""
    if isinstance(value, dict):
        return {k: arg(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [arg(v) for v in value if v is not None]
    return copy.deepcopy(value)


def result(value: Any, *, root_is_struct: bool = True) -> Any:
    """A rule's result as the Lua bridge hands it back."""
    if _empty(value):
        return {} if root_is_struct else []
    return _shape(value)


def _shape(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items() if not _empty(v) and v is not None}
    if isinstance(value, list):
        return [_shape(v) for v in value if not _empty(v) and v is not None]
    if isinstance(value, float) and value == value and value not in (float("inf"), -float("inf")):
        return int(value) if value == int(value) else value
    return value


def _empty(value: Any) -> bool:
    # A table holding only nils is empty in Lua.
    if isinstance(value, dict):
        return all(v is None for v in value.values())
    if isinstance(value, list):
        return all(v is None for v in value)
    return False


def lua_tostring(number: float) -> str:
    """Lua 5.1 `tostring` of a number (LUAI_NUMFFORMAT "%.14g")."""
    return f"{number:.14g}"


def lua_tonumber(value: Any) -> float | None:
    """Lua 5.1 `tonumber` for the values the scripts pass it (numbers and decimal strings)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def resource_add(*values: str | None) -> str:
    """kube.resourceAdd (luavm/kube.go): the sum of quantities, as a canonical string."""
    total = Quantity(Quantity.parse("0").value, "")
    for value in values:
        if value is not None:
            total = total + Quantity.parse(value)
    return str(total)


def lua_or(a: Any, b: Any) -> Any:
    """Lua `a or b`: only nil and false are falsy ("" and 0 are true)."""
    return b if a is None or a is False else a


def is_zero_number(value: Any) -> bool:
    """Lua `v == 0`: true only for numbers (false ~= 0 in Lua)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and value == 0
