"""Validate objects the way the Kubernetes API server does, from the real published schemas.

`ResourceSchema` wraps one kind's schema (a CRD's `openAPIV3Schema`, a component of a Kubernetes
OpenAPI v3 document, or a self-contained JSON Schema such as Karmada's Cluster) and offers the
API server's admission steps as pure functions on plain dicts, in the server's order:

1. `apply_defaults` - CRD structural defaulting: a missing (or null, non-nullable) field whose
   schema has `default` gets it; nested defaults apply only where the parent exists (the
   defaulted value is itself defaulted). Built-in kinds are defaulted by Go code, not by the
   `default`s in their OpenAPI document (those mirror Go zero values - e.g. `EnvVar.name:
   default ""` would hide a missing required name), so `from_builtin` schemas skip this step.
2. `prune` / `unknown_fields` - structural pruning: keys not declared under `properties` are
   dropped unless `additionalProperties` or `x-kubernetes-preserve-unknown-fields` allow them;
   `apiVersion`/`kind`/`metadata` are kept at the root and in `x-kubernetes-embedded-resource`
   objects, with `metadata` reduced to ObjectMeta's fields.
3. `validate` - runs 1 and 2, then checks the schema (jsonschema, OpenAPI `nullable`,
   int-or-string via `anyOf`/`oneOf`) and the kind's name rule (`names.py`); it returns
   `FieldError`s with Kubernetes-style field paths (`spec.containers[0].image`, map keys
   dotted as kube-openapi prints them) and messages. Defaults are applied before `required`
   is checked (k8s-reference caveat 2). CEL rules (`x-kubernetes-validations`) and `format`
   are not enforced, as a plain JSON-schema check cannot (caveat 3).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import jsonschema_rs
import yaml
from jsonschema import Draft4Validator

from karmada_sim.field_errors import FieldError, field_error, format_path
from karmada_sim.names import label_value_errors, name_errors, qualified_name_errors

__all__ = [
    "FieldError",
    "ResourceSchema",
    "format_path",
    "load_json_document",
    "load_yaml_documents",
]

JsonDict = dict[str, Any]

# Fields of metav1.ObjectMeta (JSON names). The server decodes metadata into this struct, so any
# other key is dropped.
OBJECT_META_FIELDS = frozenset(
    {
        "name",
        "generateName",
        "namespace",
        "selfLink",
        "uid",
        "resourceVersion",
        "generation",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "labels",
        "annotations",
        "ownerReferences",
        "finalizers",
        "managedFields",
    }
)


@functools.lru_cache(maxsize=64)
def load_yaml_documents(path: str) -> tuple[JsonDict, ...]:
    """All YAML documents of a file (cached: CRDs are large and read by many schemas).

    Parsing the big CRDs takes ~1 s each; a JSON copy in the temp directory (keyed by path,
    size and mtime) makes later processes load them ~20x faster.
    """
    stat = os.stat(path)
    key = hashlib.sha1(f"{os.path.abspath(path)}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    cache = Path(tempfile.gettempdir()) / "ml-platform-sim-cache" / f"{key.hexdigest()}.json"
    try:
        with cache.open(encoding="utf-8") as fh:
            return tuple(json.load(fh))
    except (OSError, ValueError):
        pass
    with open(path, encoding="utf-8") as fh:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        docs = tuple(d for d in yaml.load_all(fh, Loader=loader) if d)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(docs, default=str), encoding="utf-8")
        partial.replace(cache)
    except OSError:
        pass  # the cache is only an optimisation
    return docs


@functools.lru_cache(maxsize=32)
def load_json_document(path: str) -> JsonDict:
    """A JSON file (cached)."""
    with open(path, encoding="utf-8") as fh:
        data: JsonDict = json.load(fh)
        return data


def _to_jsonschema(node: Any) -> Any:
    """Copy an OpenAPI v3 schema into plain JSON Schema (draft 4) form.

    Only `nullable` needs translating; descriptions are dropped to keep the copy small.
    """
    if isinstance(node, list):
        return [_to_jsonschema(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _to_jsonschema(v) for k, v in node.items() if k != "description"}
    if node.get("nullable") is True:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        if isinstance(out.get("enum"), list):
            out["enum"] = [*out["enum"], None]
    return out


@functools.lru_cache(maxsize=16)
def _converted_document(path: str) -> JsonDict:
    converted: JsonDict = _to_jsonschema(load_json_document(path))
    return converted


class SchemaCheck:
    """Draft 4 validation of one (converted) schema, answered in two steps.

    Most objects are valid, and jsonschema walks a schema in Python with a validator object
    per keyword (the largest single cost of a simulated create, docs/benchmarks.md issue 17).
    jsonschema-rs, compiled, answers "valid?" first; only an object it finds invalid is walked
    by jsonschema for the error list, so every message stays jsonschema's.
    `tests/karmada_sim/test_schema_check.py` holds the two to the same verdict.
    Formats are not checked by either (module docstring: `format` is not enforced).
    """

    def __init__(self, schema: JsonDict) -> None:
        self._errors = Draft4Validator(schema)
        self._valid: jsonschema_rs.Draft4Validator | None
        try:
            self._valid = jsonschema_rs.Draft4Validator(schema, validate_formats=False)
        except (ValueError, jsonschema_rs.ValidationError):  # a schema it cannot compile
            self._valid = None

    def is_valid_fast(self, instance: Any) -> bool | None:
        """jsonschema-rs's verdict alone (None: it could not give one)."""
        if self._valid is None:
            return None
        try:
            return bool(self._valid.is_valid(instance))
        except (ValueError, TypeError, OverflowError):  # e.g. an int beyond 64 bits
            return None

    def full_errors(self, instance: Any) -> Any:
        """jsonschema's walk alone (what ``iter_errors`` falls back to)."""
        return self._errors.iter_errors(instance)

    def iter_errors(self, instance: Any) -> Any:
        """The errors of ``instance``, as jsonschema reports them (none for a valid one)."""
        if self.is_valid_fast(instance):
            return iter(())
        return self.full_errors(instance)


class ResourceSchema:
    """One kind's schema with the API server's defaulting, pruning and validation."""

    def __init__(
        self,
        schema: JsonDict,
        *,
        group: str,
        version: str,
        kind: str,
        document: JsonDict | None = None,
        validation_root: JsonDict | None = None,
        schema_defaults: bool = True,
        opaque_untyped_objects: bool = False,
        update_shortcut: bool = True,
    ) -> None:
        self.schema = schema
        self.group = group
        self.version = version
        self.kind = kind
        self._document = document or {}
        self._schema_defaults = schema_defaults
        # Built-in schemas declare free-form values (FieldsV1, RawExtension) as a bare
        # `type: object`; a structural CRD schema uses the same spelling for "prune everything".
        self._opaque_untyped_objects = opaque_untyped_objects
        self._validation_root = validation_root
        # admit_update's per-field shortcut is for CRD schemas (built-in kinds re-run it all).
        self._update_shortcut = update_shortcut and not self._document
        self._validator: SchemaCheck | None = None
        self._resolved: dict[int, JsonDict] = {}
        self._sub_validators: dict[str, SchemaCheck] = {}

    # ---- constructors -------------------------------------------------------------------------

    @classmethod
    def from_crd(cls, crd_path: str | Path, version: str) -> ResourceSchema:
        """The schema of one served version of the CRD in `crd_path` (YAML)."""
        for doc in load_yaml_documents(str(crd_path)):
            if doc.get("kind") != "CustomResourceDefinition":
                continue
            spec = doc["spec"]
            for ver in spec.get("versions", []):
                if ver["name"] == version:
                    schema = ver.get("schema", {}).get("openAPIV3Schema", {})
                    return cls(
                        schema, group=spec["group"], version=version, kind=spec["names"]["kind"]
                    )
        raise KeyError(f"{crd_path}: no CRD version {version!r}")

    @classmethod
    def from_builtin(cls, openapi_v3_path: str | Path, component: str) -> ResourceSchema:
        """A built-in kind from a Kubernetes OpenAPI v3 document, e.g. `io.k8s.api.batch.v1.Job`."""
        path = str(openapi_v3_path)
        document = load_json_document(path)
        schema = document["components"]["schemas"][component]
        group, version, kind = _gvk(schema, component)
        converted = _converted_document(path)
        root = {"$ref": f"#/components/schemas/{component}", "components": converted["components"]}
        return cls(
            schema,
            group=group,
            version=version,
            kind=kind,
            document=document,
            validation_root=root,
            schema_defaults=False,
            opaque_untyped_objects=True,
        )

    @classmethod
    def from_json_schema(cls, path: str | Path) -> ResourceSchema:
        """A self-contained JSON Schema whose root `$ref`s a definition (Karmada's Cluster)."""
        document = load_json_document(str(path))
        ref = document["$ref"]
        schema = _lookup(document, ref)
        name = ref.rsplit("/", 1)[-1]
        group, version, kind = _gvk(schema, name)
        return cls(
            schema,
            group=group,
            version=version,
            kind=kind,
            document=document,
            validation_root=_converted_document(str(path)),
            schema_defaults=False,
            opaque_untyped_objects=True,
        )

    @classmethod
    def from_model(
        cls, schema: JsonDict, *, group: str, version: str, kind: str, crd: bool
    ) -> ResourceSchema:
        """A schema of the built-in model (karmada_sim/builtin), with no references.

        `crd` True: a custom resource's behaviour (schema defaults apply). False: a built-in
        kind's or Cluster's, as `from_builtin`/`from_json_schema` give (no schema defaults,
        bare `type: object` values are free-form, full admission on every update).
        """
        return cls(
            schema,
            group=group,
            version=version,
            kind=kind,
            schema_defaults=crd,
            opaque_untyped_objects=not crd,
            update_shortcut=crd,
        )

    # ---- schema navigation --------------------------------------------------------------------

    def resolve(self, node: JsonDict) -> JsonDict:
        """`node` with `$ref` and single-`$ref` `allOf` wrappers merged in (cached)."""
        cached = self._resolved.get(id(node))
        if cached is not None:
            return cached
        merged: JsonDict = {}
        if "$ref" in node:
            merged.update(self.resolve(_lookup(self._document, node["$ref"])))
        for sub in node.get("allOf", []):
            if isinstance(sub, dict) and "$ref" in sub:
                merged.update(self.resolve(sub))
        merged.update({k: v for k, v in node.items() if k not in ("$ref", "allOf")})
        self._resolved[id(node)] = merged
        return merged

    # ---- defaulting ---------------------------------------------------------------------------

    def apply_defaults(self, obj: JsonDict) -> JsonDict:
        """A copy of `obj` with the schema's defaults applied (CRDs only; see module doc)."""
        out = copy.deepcopy(obj)
        if self._schema_defaults:
            self._default(out, self.schema)
        return out

    def _default(self, value: Any, schema: JsonDict) -> None:
        s = self.resolve(schema)
        if isinstance(value, dict):
            props: JsonDict = s.get("properties") or {}
            for key, prop in props.items():
                p = self.resolve(prop)
                if "default" not in p:
                    continue
                if key not in value or (value[key] is None and not p.get("nullable")):
                    value[key] = copy.deepcopy(p["default"])
            addl = s.get("additionalProperties")
            for key, child in value.items():
                if key in props:
                    self._default(child, props[key])
                elif isinstance(addl, dict):
                    self._default(child, addl)
        elif isinstance(value, list) and isinstance(s.get("items"), dict):
            for item in value:
                self._default(item, s["items"])

    # ---- pruning ------------------------------------------------------------------------------

    def unknown_fields(self, obj: JsonDict) -> list[str]:
        """Paths of the fields pruning would remove, e.g. `spec.foo`."""
        unknown: list[str] = []
        self._prune(obj, self.schema, [], unknown, resource_root=True)
        return unknown

    def prune(self, obj: JsonDict) -> JsonDict:
        """A copy of `obj` without the fields the API server would drop."""
        pruned: JsonDict = self._prune(obj, self.schema, [], [], resource_root=True)
        return pruned

    def _prune(
        self,
        value: Any,
        schema: JsonDict,
        path: list[str | int],
        unknown: list[str],
        *,
        resource_root: bool = False,
    ) -> Any:
        s = self.resolve(schema)
        if isinstance(value, list):
            items = s.get("items")
            if not isinstance(items, dict):
                return copy.deepcopy(value)
            return [self._prune(v, items, [*path, i], unknown) for i, v in enumerate(value)]
        if not isinstance(value, dict):
            return value
        props: JsonDict = s.get("properties") or {}
        addl = s.get("additionalProperties")
        preserve = bool(s.get("x-kubernetes-preserve-unknown-fields"))
        embedded = resource_root or bool(s.get("x-kubernetes-embedded-resource"))
        if not props and addl is None and not preserve and not embedded:
            untyped = "type" not in s or self._opaque_untyped_objects
            if untyped:
                return copy.deepcopy(value)
        out: JsonDict = {}
        for key, child in value.items():
            child_path: list[str | int] = [*path, key]
            if embedded and key in ("apiVersion", "kind"):
                out[key] = child
            elif embedded and key == "metadata" and isinstance(child, dict):
                out[key] = self._prune_object_meta(child, child_path, unknown)
            elif key in props:
                out[key] = self._prune(child, props[key], child_path, unknown)
            elif isinstance(addl, dict):
                out[key] = self._prune(child, addl, child_path, unknown)
            elif addl is True or preserve:
                out[key] = copy.deepcopy(child)
            else:
                unknown.append(format_path(child_path))
        return out

    @staticmethod
    def _prune_object_meta(meta: JsonDict, path: list[str | int], unknown: list[str]) -> JsonDict:
        out: JsonDict = {}
        for key, child in meta.items():
            if key in OBJECT_META_FIELDS:
                out[key] = copy.deepcopy(child)
            else:
                unknown.append(format_path([*path, key]))
        return out

    # ---- validation ---------------------------------------------------------------------------

    def validate(self, obj: JsonDict) -> list[FieldError]:
        """Errors the API server would report for `obj` (defaults and pruning applied first)."""
        return self.validate_prepared(self.prune(self.apply_defaults(obj)))

    def validate_prepared(self, prepared: JsonDict) -> list[FieldError]:
        """`validate` for an object that is already defaulted and pruned (the API server path)."""
        errors: list[FieldError] = []
        meta = prepared.get("metadata")
        if isinstance(meta, dict):
            errors.extend(self._metadata_errors(meta, "metadata"))
        # Any of these may be of a wrong type here; the schema check below reports that.
        spec = prepared.get("spec")
        template = spec.get("template") if isinstance(spec, dict) else None
        template_meta = template.get("metadata") if isinstance(template, dict) else None
        if self.group == "batch" and self.kind == "Job" and isinstance(template_meta, dict):
            # ValidatePodTemplateSpec: a Job's pod template labels are checked like any labels.
            errors.extend(self._metadata_errors(template_meta, "spec.template.metadata"))
        for err in self._get_validator().iter_errors(prepared):
            errors.append(field_error(err))
        return errors

    def admit_update(
        self, obj: JsonDict, old: JsonDict
    ) -> tuple[JsonDict, list[FieldError], list[str]] | None:
        """Defaults, pruning and validation of an update, re-checking only what changed.

        `old` is the stored (already admitted) object. Top-level fields equal to `old`'s are
        taken as they are; each changed one is defaulted, pruned and validated against its own
        sub-schema. Returns (prepared, errors, unknown field paths), or None when this
        shortcut does not apply (schemas with references, or a changed top-level field
        the schema does not declare) and the caller must run the full admission.
        """
        props: JsonDict = self.schema.get("properties") or {}
        if not self._update_shortcut or not props:
            return None
        skip = ("apiVersion", "kind", "metadata")
        changed = [k for k in {*obj, *old} if k not in skip and obj.get(k) != old.get(k)]
        if any(k not in props for k in changed):
            return None
        unknown: list[str] = []
        prepared: JsonDict = {k: obj[k] for k in ("apiVersion", "kind") if k in obj}
        meta = obj.get("metadata")
        if isinstance(meta, dict):
            prepared["metadata"] = self._prune_object_meta(meta, ["metadata"], unknown)
        errors = self._metadata_errors(prepared.get("metadata") or {}, "metadata")
        for key in [*obj, *(k for k in changed if k not in obj)]:
            if key in skip:
                continue
            if key not in changed:
                prepared[key] = old[key]
                continue
            node = props[key]
            holder = {key: copy.deepcopy(obj[key])} if key in obj else {}
            self._default(holder, {"properties": {key: node}})  # a removed field may default
            if key not in holder:
                continue
            fresh = self._prune(holder[key], node, [key], unknown)
            prepared[key] = fresh
            validator = self._sub_validators.get(key)
            if validator is None:
                validator = self._sub_validators[key] = SchemaCheck(_to_jsonschema(node))
            errors.extend(field_error(err, (key,)) for err in validator.iter_errors(fresh))
        for required in self.schema.get("required") or []:
            if required not in prepared:
                errors.append(FieldError(required, "Required value"))
        return prepared, errors, unknown

    def _metadata_errors(self, meta: JsonDict, path: str) -> list[FieldError]:
        # ObjectMeta validation of the API server (ValidateObjectMeta): name rule of the kind,
        # label keys/values, annotation keys.
        errors: list[FieldError] = []
        name = meta.get("name")
        if isinstance(name, str) and path == "metadata":
            for message in name_errors(self.group, self.kind, name):
                errors.append(FieldError("metadata.name", f'Invalid value: "{name}": {message}'))
        labels = meta.get("labels")
        if isinstance(labels, dict):
            for key, value in labels.items():
                for message in qualified_name_errors(str(key)):
                    errors.append(
                        FieldError(f"{path}.labels", f'Invalid value: "{key}": {message}')
                    )
                if isinstance(value, str):
                    for message in label_value_errors(value):
                        errors.append(
                            FieldError(f"{path}.labels", f'Invalid value: "{value}": {message}')
                        )
        annotations = meta.get("annotations")
        if isinstance(annotations, dict):
            for key in annotations:
                for message in qualified_name_errors(str(key).lower()):
                    errors.append(
                        FieldError(f"{path}.annotations", f'Invalid value: "{key}": {message}')
                    )
        return errors

    @property
    def check(self) -> SchemaCheck:
        """The schema check of whole objects (after defaults and pruning)."""
        return self._get_validator()

    def _get_validator(self) -> SchemaCheck:
        if self._validator is None:
            root = self._validation_root
            if root is None:
                root = _to_jsonschema(self.schema)
            self._validator = SchemaCheck(root)
        return self._validator


def _lookup(document: JsonDict, ref: str) -> JsonDict:
    node: Any = document
    for part in ref.lstrip("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    if not isinstance(node, dict):
        raise KeyError(ref)
    return node


def _gvk(schema: JsonDict, name: str) -> tuple[str, str, str]:
    for gvk in schema.get("x-kubernetes-group-version-kind", []):
        return gvk.get("group", ""), gvk["version"], gvk["kind"]
    # Karmada's swagger names definitions com.github.karmada-io.karmada.pkg.apis.<g>.<v>.<Kind>.
    parts = name.split(".")
    if "apis" in parts:
        i = parts.index("apis")
        return f"{parts[i + 1]}.karmada.io", parts[i + 2], parts[-1]
    return "", "v1", parts[-1]
