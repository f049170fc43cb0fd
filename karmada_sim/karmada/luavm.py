"""Run Karmada's Lua resource-interpreter scripts with lupa, as karmada's luavm does.

Emulates pkg/resourceinterpreter/customized/declarative/luavm (karmada-io/karmada @ f8fdd02):
- Lua 5.1 (gopher-lua is 5.1; lupa.lua51 here), numbers are doubles;
- arguments go in as JSON-shaped tables (``decodeValue``: null -> nil);
- results come back through gopher-json's encoding (``ConvertLuaResultInto``): an empty
  table encodes as ``[]``; then ``convertEmptySliceToEmptyStructPartly`` turns an empty table
  back into ``{}`` where a *reference* object had an empty object at that path, keeps ``[]``
  where it had an empty list, and DELETES it otherwise (the root becomes ``{}`` for struct
  targets, ``[]`` for slices);
- the ``kube`` library (``require("kube")``): resourceAdd, accuratePodRequirements,
  getPodDependencies, getResourceQuantity (luavm/kube.go);
- unsafe base functions are overridden to raise, as luavm.setLib does.
- gopher-lua iterates a table's hash part in INSERTION order (LTable keeps a key slice);
  Lua 5.1 does not. Scripts depend on it (MPIJob AggregateStatus orders conditions by
  ``pairs`` over a table it filled), so tables created empty in a script (``{}``) record
  their insertion order and ``pairs`` follows it.
Not emulated: the 1-second script timeout.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from typing import Any

import lupa.lua51 as lua51

from karmada_sim.karmada.pod_requirements import pod_dependencies, replica_requirements
from karmada_sim.karmada.quantity import Quantity

_FORBIDDEN = (
    "collectgarbage", "dofile", "getfenv", "getmetatable", "load", "loadfile", "loadstring",
    "rawequal", "rawget", "rawset", "setfenv", "setmetatable", "module", "newproxy",
)


# Installed before the sandbox overrides rawset/setmetatable (it needs the originals).
_ORDERED_TABLES = """
local raw_rawset, raw_rawget, raw_setmetatable, raw_next = rawset, rawget, setmetatable, next
local orders = raw_setmetatable({}, {__mode = "k"})
local order_mt = {__newindex = function(t, k, v)
  if v ~= nil then local o = orders[t]; o[#o + 1] = k end
  raw_rawset(t, k, v)
end}
function __karmada_ordered_table()
  local t = {}
  orders[t] = {}
  return raw_setmetatable(t, order_mt)
end
local raw_pairs = pairs
function pairs(t)
  local order = orders[t]
  if order == nil then return raw_pairs(t) end
  local i, j, seen = 0, 0, {}
  return function()
    if i >= 0 then
      i = i + 1
      local v = raw_rawget(t, i)
      if v ~= nil then seen[i] = true; return i, v end
      i = -1
    end
    while true do
      j = j + 1
      local k = order[j]
      if k == nil then return nil end
      local v = raw_rawget(t, k)
      if v ~= nil and not seen[k] then seen[k] = true; return k, v end
    end
  end, t, nil
end
"""
# `{}` outside string literals (the scripts have none inside strings).
_EMPTY_CONSTRUCTOR = re.compile(r"\{\s*\}")


def _order_preserving(script: str) -> str:
    return _EMPTY_CONSTRUCTOR.sub("__karmada_ordered_table()", script)


class LuaScriptError(RuntimeError):
    """A script failed to compile or run, or returned something unconvertible."""


class _Empty:
    """An empty Lua table before Karmada's empty-slice/struct fix-up."""

    def __repr__(self) -> str:
        return "<empty table>"


EMPTY = _Empty()


def _normalise_number(value: float) -> int | float:
    # Go unmarshals an integral JSON number into int64 for unstructured objects.
    if value == value and value not in (float("inf"), float("-inf")) and value == int(value):
        return int(value)
    return value


def _null_in_list(value: Any) -> bool:
    """Whether a null is an item of some list in ``value`` (JSON-shaped)."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(v for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            for item in node:
                if item is None:
                    return True
                if isinstance(item, dict | list):
                    stack.append(item)
    return False


class LuaVM:
    """One Lua state; scripts are compiled once and re-executed per call (like DoString)."""

    def __init__(self) -> None:
        self._rt = lua51.LuaRuntime(unpack_returned_tuples=True, register_eval=False,
                                    register_builtins=False)
        self._lock = threading.Lock()
        self._compiled: dict[str, Any] = {}
        g = self._rt.globals()
        self._rt.execute(_ORDERED_TABLES)
        for name in ("io", "debug", "dofile"):
            g[name] = None
        for name in _FORBIDDEN:
            self._rt.execute(
                f"function {name}() error('call function {name} is not supported in karmada "
                "customized resourceinterpreter.') end"
            )
        kube = self._rt.table_from({
            "resourceAdd": self._resource_add,
            "accuratePodRequirements": self._accurate_pod_requirements,
            "getPodDependencies": self._get_pod_dependencies,
            "getResourceQuantity": self._get_resource_quantity,
        })
        loader = self._rt.eval("function(kube) return function() return kube end end")(kube)
        g.package.preload["kube"] = loader
        # `python` must not be reachable from scripts.
        g.python = None

    # -- conversions -------------------------------------------------------------------------
    def to_lua(self, value: Any) -> Any:
        """Python JSON-shaped value -> Lua value (luavm.decodeValue)."""
        if isinstance(value, dict | list) and not _null_in_list(value):
            # lupa builds the whole table in one call (a setitem per key from Python costs
            # twice as much). A null *value* of a key is simply not set, as below; only a null
            # list item needs the walk below (it must not leave a hole in the sequence).
            return self._rt.table_from(value, recursive=True)
        if isinstance(value, dict):
            table = self._rt.table()
            for key, item in value.items():
                if item is not None:
                    table[key] = self.to_lua(item)
            return table
        if isinstance(value, list | tuple):
            table = self._rt.table()
            index = 1
            for item in value:
                if item is not None:  # LTable.Append ignores nil
                    table[index] = self.to_lua(item)
                    index += 1
            return table
        return value

    def from_lua(self, value: Any) -> Any:
        """Lua value -> Python, with gopher-json's table encoding (empty -> EMPTY)."""
        if lua51.lua_type(value) == "table":
            items = list(value.items())
            if not items:
                return EMPTY
            first = items[0][0]
            if isinstance(first, int | float) and not isinstance(first, bool):
                keys = [k for k, _ in items]
                if keys != list(range(1, len(items) + 1)):
                    raise LuaScriptError("cannot encode sparse array or mixed keys")
                return [self.from_lua(v) for _, v in items]
            if not all(isinstance(k, str) for k, _ in items):
                raise LuaScriptError("cannot encode mixed or invalid key types")
            return {k: self.from_lua(v) for k, v in items}
        if lua51.lua_type(value) is not None:
            raise LuaScriptError(f"cannot encode a Lua {lua51.lua_type(value)}")
        if isinstance(value, float):
            return _normalise_number(value)
        if isinstance(value, bytes):
            return value.decode()
        return value

    # -- running -----------------------------------------------------------------------------
    def run(self, script: str, function: str, n_results: int, *args: Any) -> list[Any]:
        """Execute ``script`` then call global ``function(*args)``; raw Lua results."""
        with self._lock:
            chunk = self._compiled.get(script)
            if chunk is None:
                try:
                    chunk = self._rt.compile(_order_preserving(script))
                except lua51.LuaSyntaxError as exc:
                    raise LuaScriptError(str(exc)) from exc
                self._compiled[script] = chunk
            try:
                chunk()
                fn = self._rt.globals()[function]
                if fn is None:
                    raise LuaScriptError(f"not found function {function}")
                if lua51.lua_type(fn) != "function":
                    raise LuaScriptError(f"{function} is not a function")
                result = fn(*[self.to_lua(a) for a in args])
            except lua51.LuaError as exc:
                raise LuaScriptError(str(exc)) from exc
            values = list(result) if isinstance(result, tuple) else [result]
            values += [None] * (n_results - len(values))
            return [self.from_lua(v) for v in values[:n_results]]

    # -- the kube library --------------------------------------------------------------------
    def _resource_add(self, *values: Any) -> str:
        total = Quantity.parse("0")
        total = Quantity(total.value, "")
        for value in values:
            if value is None:
                continue
            if not isinstance(value, str | bytes):
                raise lua51.LuaError("bad argument (string expected)")
            total = total + Quantity.parse(value.decode() if isinstance(value, bytes) else value)
        return str(total)

    def _accurate_pod_requirements(self, *args: Any) -> Any:
        if len(args) != 1:
            raise lua51.LuaError("getPodRequirements only accepts one argument")
        template = fix_empty(self.from_lua(args[0]), [], root_is_struct=True)
        return self.to_lua(replica_requirements(template))

    def _get_pod_dependencies(self, *args: Any) -> Any:
        if len(args) != 2:
            raise lua51.LuaError("getPodDependencies only accepts two argument")
        template = fix_empty(self.from_lua(args[0]), [], root_is_struct=True)
        namespace = args[1]
        if namespace is None:
            namespace = "default"
        elif isinstance(namespace, float):
            namespace = str(_normalise_number(namespace))
        return self.to_lua(pod_dependencies(template, str(namespace)))

    def _get_resource_quantity(self, *args: Any) -> float:
        if len(args) != 1:
            raise lua51.LuaError("getResourceQuantity only accepts one argument")
        return float(Quantity.parse(args[0]).value) if args[0] is not None else 0.0


# -- empty-table fix-up (lua_convert.go convertEmptySliceToEmptyStructPartly) ---------------------
def _empty_paths(
    reference: Any, path: tuple[str, ...], slices: set[str], structs: set[str]
) -> None:
    is_array = isinstance(reference, list)
    children: Iterable[tuple[str, Any]] = (
        ((str(i), v) for i, v in enumerate(reference)) if is_array else reference.items()
    )
    for key, value in children:
        current = path if is_array else (*path, key)
        if isinstance(value, list) and not value:
            slices.add(".".join(current))
        elif isinstance(value, dict) and not value:
            structs.add(".".join(current))
        elif isinstance(value, list | dict):
            _empty_paths(value, current, slices, structs)


def _apply(value: Any, path: tuple[str, ...], slices: set[str], structs: set[str]) -> Any:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            current = (*path, key)
            if item is EMPTY:
                joined = ".".join(current)
                if joined in structs:
                    out[key] = {}
                elif joined in slices:
                    out[key] = []
                continue
            out[key] = _apply(item, current, slices, structs)
        return out
    if isinstance(value, list):
        items: list[Any] = []
        for item in value:
            if item is EMPTY:
                joined = ".".join(path)
                if joined in structs:
                    items.append({})
                elif joined in slices:
                    items.append([])
                continue
            items.append(_apply(item, path, slices, structs))
        return items
    return value


def fix_empty(value: Any, references: list[Any], *, root_is_struct: bool) -> Any:
    """Resolve EMPTY markers as Karmada does, given the reference objects."""
    if value is EMPTY:
        return {} if root_is_struct else []
    slices: set[str] = set()
    structs: set[str] = set()
    for reference in references:
        if isinstance(reference, dict | list):
            _empty_paths(reference, (), slices, structs)
    return _apply(value, (), slices, structs)


_shared: LuaVM | None = None
_shared_lock = threading.Lock()


def shared_vm() -> LuaVM:
    """A process-wide VM (calls are serialised by its lock)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = LuaVM()
        return _shared


RunFn = Callable[..., list[Any]]
