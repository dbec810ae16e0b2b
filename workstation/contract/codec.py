"""The contract's one codec: decode, validate and encode the wire form of a dataclass from its
field types and the constraint metadata beside them (``typing.Annotated``).

A payload is declared once, as a frozen dataclass::

    @dataclass(frozen=True, slots=True, kw_only=True)
    class PromisePayload:
        amount: Annotated[Decimal, Amount(sign="positive")]
        currency: CurrencyCode
        due_date: Annotated[date, Window(past=366, future=366)]
        attempt_id: Id | None = None

and ``decode`` turns a JSON object into it (every problem a ``ContractError`` naming the
field), ``encode`` turns it back into JSON values, ``json_schema`` describes it for OpenAPI.
The wire form is the same everywhere:

- money: a decimal string (``"1200.50"``, never a float) next to a currency code; an
  ``Amount`` may not carry more decimals than its currency has;
- dates: ISO ``YYYY-MM-DD``; instants: ISO-8601 WITH a UTC offset, decoded to aware UTC;
  both within years 1900-2199 always (so no arithmetic on them overflows) and, when the
  decoder is given the server's ``now``, within the field's ``Window`` of it;
- text: a string without NUL, at most ``Chars.max_length`` characters (ids: 64);
- enums: their value; ``T | None``: may be null or left out (left out when encoding);
- unknown keys are refused (``unknown="ignore"`` only for reading what a newer peer sent).

Decoders are compiled once per class, so decoding on the push path is a handful of dict
look-ups and ``isinstance`` checks per field.
"""

from __future__ import annotations

import dataclasses
import re
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

from workstation.domain.money import MINOR_DIGITS
from workstation.errors import WorkstationError
from workstation.text import Text

MAX_TEXT = 4000
ID_LENGTH = 64
EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)
_DECIMAL = re.compile(r"^-?\d{1,15}(\.\d{1,6})?$")

T = TypeVar("T")
Unknown = Literal["reject", "ignore"]


class ContractError(WorkstationError, ValueError):
    """A value that does not fit the contract; ``path`` says where (``payload.amount``)."""

    summary = Text("The data does not fit the sync contract", "数据不符合同步约定")

    def __init__(self, problem: str, path: str = "") -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"'{path}' {problem}" if path else problem)

    def under(self, prefix: str) -> ContractError:
        return ContractError(self.problem, f"{prefix}.{self.path}" if self.path else prefix)


# --- constraint metadata --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Chars:
    max_length: int = MAX_TEXT
    min_length: int = 0
    pattern: str | None = None  # the whole value must match


@dataclass(frozen=True, slots=True)
class Range:
    """Bounds of an ``int`` (or a ``Decimal``), both included."""

    ge: int | Decimal | None = None
    le: int | Decimal | None = None


@dataclass(frozen=True, slots=True)
class Amount:
    """A money amount: its currency is the field ``currency`` of this object, or of the
    nearest enclosing one (a schedule line takes its plan's)."""

    sign: Literal["positive", "non_negative", "any"] = "any"
    currency: str = "currency"


@dataclass(frozen=True, slots=True)
class Window:
    """A business date or instant lies within ``past`` days before and ``future`` days after
    the server's ``now`` (checked when the decoder is given one)."""

    past: int
    future: int


@dataclass(frozen=True, slots=True)
class Items:
    """At most ``max_items`` (and at least ``min_items``) entries in a list or an object."""

    max_items: int
    min_items: int = 0


@dataclass(frozen=True, slots=True)
class Check:
    """A rule a type cannot say: ``test(value)`` returns None, or what is wrong."""

    test: Callable[[Any], str | None]
    description: str = ""


@dataclass(frozen=True, slots=True)
class Tagged:
    """The field's class is chosen by the (earlier) field ``tag`` from ``table``."""

    tag: str
    table: Mapping[Any, type]


@dataclass(frozen=True, slots=True)
class Partial:
    """An object holding SOME fields of the class chosen by the (earlier) field ``tag``;
    decoded to a dict of the fields present (a patch)."""

    tag: str
    table: Mapping[str, type]


# --- compiling a class ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Ctx:
    now: datetime | None
    currency: str | None
    unknown: Unknown


Decoder = Callable[[Any, str, _Ctx], Any]
Encoder = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    required: bool  # the key must be present
    nullable: bool  # its value may be null
    default: Any
    decode: Decoder
    encode: Encoder
    schema: Callable[[], dict[str, Any]]
    tagged: Tagged | None
    partial: Partial | None


@dataclass(frozen=True, slots=True)
class _Shape:
    cls: type
    fields: tuple[_Field, ...]
    names: frozenset[str]


def _fail(path: str, problem: str) -> ContractError:
    return ContractError(problem, path)


def _split(hint: Any) -> tuple[Any, tuple[Any, ...]]:
    """``Annotated[T, m1, m2]`` → (T, (m1, m2)); anything else → (hint, ())."""
    if get_origin(hint) is Annotated:
        base, *meta = get_args(hint)
        inner, more = _split(base)
        return inner, (*more, *meta)
    return hint, ()


def _optional(hint: Any) -> tuple[Any, bool]:
    origin = get_origin(hint)
    if origin is Union or origin is types.UnionType:
        args = [a for a in get_args(hint) if a is not type(None)]
        if len(args) == 1 and len(get_args(hint)) == 2:
            return args[0], True
        raise TypeError(f"only `T | None` unions are supported, not {hint}")
    return hint, False


def _find(meta: tuple[Any, ...], kind: type[T]) -> T | None:
    return next((m for m in meta if isinstance(m, kind)), None)


def _checks(meta: tuple[Any, ...]) -> tuple[Check, ...]:
    return tuple(m for m in meta if isinstance(m, Check))


def _day_bounds(value: date, window: Window | None, ctx: _Ctx, path: str) -> None:
    if not EARLIEST <= value <= LATEST:
        raise _fail(path, f"must lie between {EARLIEST} and {LATEST}")
    if window is not None and ctx.now is not None:
        today = ctx.now.astimezone(UTC).date()
        low, high = today - timedelta(days=window.past), today + timedelta(days=window.future)
        if not low <= value <= high:
            raise _fail(path, f"must lie between {low} and {high}")


def parse_instant(value: Any, path: str) -> datetime:
    """An ISO-8601 instant with a UTC offset → aware UTC (no window; the years bounded)."""
    if not isinstance(value, str):
        raise _fail(path, "must be an ISO-8601 instant with a UTC offset")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _fail(path, "must be an ISO-8601 instant with a UTC offset") from None
    if moment.tzinfo is None:
        raise _fail(path, "must carry a UTC offset (e.g. +00:00)")
    # checked before converting: 0001-01-01T00:00+01:00 would overflow in astimezone()
    if not EARLIEST.year < moment.year < LATEST.year:
        raise _fail(path, f"must lie between {EARLIEST.year + 1} and {LATEST.year - 1}")
    return moment.astimezone(UTC)


def _scalar(base: Any, meta: tuple[Any, ...]) -> tuple[Decoder, Encoder, dict[str, Any]]:
    """Decoder, encoder and JSON schema of a non-container type."""
    checks = _checks(meta)
    if base is str:
        text = _find(meta, Chars) or Chars()
        pattern = re.compile(text.pattern) if text.pattern else None

        def decode_str(value: Any, path: str, ctx: _Ctx) -> Any:
            if not isinstance(value, str):
                raise _fail(path, "must be a string")
            if len(value) > text.max_length:
                raise _fail(path, f"is longer than {text.max_length} characters")
            if len(value) < text.min_length:
                raise _fail(path, "may not be empty" if text.min_length == 1 else "is too short")
            if "\x00" in value:
                raise _fail(path, "may not contain NUL characters")
            if pattern is not None and not pattern.fullmatch(value):
                raise _fail(path, f"must match {text.pattern}")
            return value

        schema: dict[str, Any] = {"type": "string", "maxLength": text.max_length}
        if text.min_length:
            schema["minLength"] = text.min_length
        if text.pattern:
            schema["pattern"] = f"^(?:{text.pattern})$"
        return _with_checks(decode_str, checks), _same, schema
    if base is bool:

        def decode_bool(value: Any, path: str, ctx: _Ctx) -> Any:
            if not isinstance(value, bool):
                raise _fail(path, "must be true or false")
            return value

        return decode_bool, _same, {"type": "boolean"}
    if base is int:
        bounds = _find(meta, Range) or Range()

        def decode_int(value: Any, path: str, ctx: _Ctx) -> Any:
            if not isinstance(value, int) or isinstance(value, bool):
                raise _fail(path, "must be a whole number")
            if (bounds.ge is not None and value < bounds.ge) or (
                bounds.le is not None and value > bounds.le
            ):
                raise _fail(path, f"must be a whole number {bounds.ge}-{bounds.le}")
            return value

        schema = {"type": "integer"}
        if bounds.ge is not None:
            schema["minimum"] = int(bounds.ge)
        if bounds.le is not None:
            schema["maximum"] = int(bounds.le)
        return _with_checks(decode_int, checks), _same, schema
    if base is Decimal:
        return _decimal(meta, checks)
    if base is date:
        window = _find(meta, Window)

        def decode_date(value: Any, path: str, ctx: _Ctx) -> Any:
            if not isinstance(value, str):
                raise _fail(path, "must be an ISO date YYYY-MM-DD")
            try:
                day = date.fromisoformat(value)
            except ValueError:
                raise _fail(path, "must be an ISO date YYYY-MM-DD") from None
            _day_bounds(day, window, ctx, path)
            return day

        return decode_date, _iso_date, {"type": "string", "format": "date"}
    if base is datetime:
        window = _find(meta, Window)

        def decode_instant(value: Any, path: str, ctx: _Ctx) -> Any:
            moment = parse_instant(value, path)
            if window is not None and ctx.now is not None:
                low = ctx.now - timedelta(days=window.past)
                high = ctx.now + timedelta(days=window.future)
                if not low <= moment <= high:
                    raise _fail(
                        path,
                        f"must lie within {window.past} days before and {window.future} "
                        "days after the server's time",
                    )
            return moment

        return decode_instant, _iso_instant, {"type": "string", "format": "date-time"}
    if isinstance(base, type) and issubclass(base, Enum):
        return _choice(base, tuple(m.value for m in base), checks)
    if get_origin(base) is Literal:
        return _choice(None, get_args(base), checks)
    raise TypeError(f"the contract codec does not know {base!r}")


def _choice(
    enum: type[Enum] | None, values: tuple[Any, ...], checks: tuple[Check, ...]
) -> tuple[Decoder, Encoder, dict[str, Any]]:
    allowed = frozenset(values)
    listed = ", ".join(str(v) for v in values)

    def decode_choice(value: Any, path: str, ctx: _Ctx) -> Any:
        if not isinstance(value, str) or value not in allowed:
            raise _fail(path, f"must be one of {listed}; got {value!r}")
        return enum(value) if enum is not None else value

    def encode_choice(value: Any) -> Any:
        return value.value if isinstance(value, Enum) else value

    return _with_checks(decode_choice, checks), encode_choice, {"enum": list(values)}


def _decimal(
    meta: tuple[Any, ...], checks: tuple[Check, ...]
) -> tuple[Decoder, Encoder, dict[str, Any]]:
    amount = _find(meta, Amount)
    bounds = _find(meta, Range) or Range()

    def decode_decimal(value: Any, path: str, ctx: _Ctx) -> Any:
        if not isinstance(value, str) or not _DECIMAL.match(value):
            raise _fail(path, 'must be a decimal string such as "1200.50"')
        try:
            number = Decimal(value)
        except InvalidOperation:  # pragma: no cover - the pattern already refused it
            raise _fail(path, "is not a number") from None
        if (bounds.ge is not None and number < bounds.ge) or (
            bounds.le is not None and number > bounds.le
        ):
            raise _fail(path, f"must lie between {bounds.ge} and {bounds.le}")
        if amount is not None:
            if amount.sign == "positive" and number <= 0:
                raise _fail(path, "must be positive")
            if amount.sign == "non_negative" and number < 0:
                raise _fail(path, "may not be negative")
            digits = MINOR_DIGITS.get(ctx.currency or "")
            exponent = number.as_tuple().exponent
            assert isinstance(exponent, int)
            if digits is not None and -exponent > digits:
                raise _fail(path, f"has more decimals than {ctx.currency} allows ({digits})")
        return number

    schema: dict[str, Any] = {"type": "string", "pattern": _DECIMAL.pattern}
    return _with_checks(decode_decimal, checks), _plain_decimal, schema


def _with_checks(decode: Decoder, checks: tuple[Check, ...]) -> Decoder:
    if not checks:
        return decode

    def checked(value: Any, path: str, ctx: _Ctx) -> Any:
        result = decode(value, path, ctx)
        for check in checks:
            problem = check.test(result)
            if problem:
                raise _fail(path, problem)
        return result

    return checked


def _same(value: Any) -> Any:
    return value


def _plain_decimal(value: Any) -> Any:
    return format(value, "f")


def _iso_date(value: Any) -> Any:
    return value.isoformat()


def _iso_instant(value: Any) -> Any:
    return value.astimezone(UTC).isoformat()


def _compile(hint: Any) -> tuple[Decoder, Encoder, Callable[[], dict[str, Any]], bool]:
    """(decoder, encoder, schema, nullable) of one field's annotation."""
    outer, meta = _split(hint)
    base, nullable = _optional(outer)
    inner, more = _split(base)
    meta = (*meta, *more)
    origin = get_origin(inner)
    decode: Decoder
    encode: Encoder
    schema: Callable[[], dict[str, Any]]
    if dataclasses.is_dataclass(inner) and isinstance(inner, type):
        nested: type = inner

        def decode_object(value: Any, path: str, ctx: _Ctx) -> Any:
            return _decode(nested, value, path, ctx)

        def object_schema() -> dict[str, Any]:
            return json_schema(nested)

        decode, encode, schema = decode_object, _encode_any, object_schema
    elif origin is tuple:
        args = get_args(inner)
        if len(args) != 2 or args[1] is not Ellipsis:
            raise TypeError(f"only tuple[T, ...] is supported, not {inner}")
        item_decode, item_encode, item_schema, _ = _compile(args[0])
        limit = _find(meta, Items)

        def decode_list(value: Any, path: str, ctx: _Ctx) -> Any:
            if not isinstance(value, list):
                raise _fail(path, "must be a list")
            if limit is not None and len(value) > limit.max_items:
                raise _fail(path, f"may hold at most {limit.max_items} entries")
            if limit is not None and len(value) < limit.min_items:
                raise _fail(path, f"must hold at least {limit.min_items}")
            return tuple(item_decode(item, f"{path}[{i}]", ctx) for i, item in enumerate(value))

        def encode_list(value: Any) -> Any:
            return [item_encode(item) for item in value]

        def list_schema() -> dict[str, Any]:
            out: dict[str, Any] = {"type": "array", "items": item_schema()}
            if limit is not None:
                out["maxItems"] = limit.max_items
                if limit.min_items:
                    out["minItems"] = limit.min_items
            return out

        decode, encode, schema = decode_list, encode_list, list_schema
    elif origin is Mapping or origin is dict:
        key_hint, value_hint = get_args(inner)
        key_decode, _, key_schema, _ = _compile(key_hint)
        value_decode, value_encode, value_schema, _ = _compile(value_hint)
        limit = _find(meta, Items)

        def decode_map(value: Any, path: str, ctx: _Ctx) -> Any:
            if not isinstance(value, dict):
                raise _fail(path, "must be an object")
            if limit is not None and len(value) > limit.max_items:
                raise _fail(path, f"may hold at most {limit.max_items} entries")
            return {
                key_decode(k, f"{path}.{k}", ctx): value_decode(v, f"{path}.{k}", ctx)
                for k, v in value.items()
            }

        def encode_map(value: Any) -> Any:
            return {k: value_encode(v) for k, v in value.items()}

        def map_schema() -> dict[str, Any]:
            out: dict[str, Any] = {
                "type": "object",
                "additionalProperties": value_schema(),
                "propertyNames": key_schema(),
            }
            if limit is not None:
                out["maxProperties"] = limit.max_items
            return out

        decode, encode, schema = decode_map, encode_map, map_schema
    elif inner is Any:

        def decode_any(value: Any, path: str, ctx: _Ctx) -> Any:
            if not isinstance(value, dict):
                raise _fail(path, "must be an object")
            return value

        decode, encode, schema = decode_any, _encode_any, lambda: {"type": "object"}
    else:
        decode, encode, fixed = _scalar(inner, meta)

        def scalar_schema() -> dict[str, Any]:
            return dict(fixed)

        schema = scalar_schema

    if nullable:
        plain, plain_encode, plain_schema = decode, encode, schema

        def decode_nullable(value: Any, path: str, ctx: _Ctx) -> Any:
            return None if value is None else plain(value, path, ctx)

        def encode_nullable(value: Any) -> Any:
            return None if value is None else plain_encode(value)

        def nullable_schema() -> dict[str, Any]:
            return {"anyOf": [plain_schema(), {"type": "null"}]}

        return decode_nullable, encode_nullable, nullable_schema, True
    return decode, encode, schema, False


def _shape(cls: type) -> _Shape:
    found = _SHAPES.get(cls)
    if found is None:
        found = _SHAPES[cls] = _compile_shape(cls)
    return found


_SHAPES: dict[type, _Shape] = {}


def _compile_shape(cls: type) -> _Shape:
    if not (dataclasses.is_dataclass(cls) and isinstance(cls, type)):
        raise TypeError(f"{cls!r} is not a dataclass")
    hints = get_type_hints(cls, include_extras=True)
    fields: list[_Field] = []
    for spec in dataclasses.fields(cls):
        hint = hints[spec.name]
        _, meta = _split(hint)
        tagged = _find(meta, Tagged)
        partial = _find(meta, Partial)
        decode, encode, schema, nullable = _compile(hint)
        required = (
            spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING
        )
        default: Any = spec.default
        if spec.default_factory is not dataclasses.MISSING:
            default = spec.default_factory()
        fields.append(
            _Field(spec.name, required, nullable, default, decode, encode, schema, tagged, partial)
        )
    return _Shape(cls, tuple(fields), frozenset(f.name for f in fields))


# --- decoding and encoding ------------------------------------------------------------------------


def _decode(cls: type[T], data: Any, path: str, ctx: _Ctx) -> T:
    shape = _shape(cls)
    where = path or "body"
    if not isinstance(data, dict):
        raise _fail(where, "must be an object")
    if ctx.unknown == "reject":
        unknown = [key for key in data if key not in shape.names]
        if unknown:
            listed = ", ".join(repr(k) for k in sorted(map(str, unknown))[:5])
            raise _fail(where, f"has unknown field(s) {listed}")
    currency = data.get("currency")
    if isinstance(currency, str) and currency in MINOR_DIGITS and currency != ctx.currency:
        ctx = _Ctx(ctx.now, currency, ctx.unknown)
    values: dict[str, Any] = {}
    for field in shape.fields:
        here = f"{path}.{field.name}" if path else field.name
        if field.name not in data:
            if field.required:
                raise _fail(here, "is required")
            values[field.name] = field.default
            continue
        raw = data[field.name]
        if raw is None and field.required and not field.nullable:
            raise _fail(here, "is required")
        if field.tagged is not None and raw is not None:
            chosen = field.tagged.table.get(values[field.tagged.tag])
            # an open table (a mutation of a type this server does not know): any object
            values[field.name] = (
                field.decode(raw, here, ctx) if chosen is None else _decode(chosen, raw, here, ctx)
            )
        elif field.partial is not None:
            values[field.name] = decode_fields(
                field.partial.table[values[field.partial.tag]], raw, here, ctx
            )
        else:
            values[field.name] = field.decode(raw, here, ctx)
    try:
        return cls(**values)
    except ContractError as exc:
        raise exc.under(path) if path else exc from None


def decode(
    cls: type[T],
    data: Any,
    *,
    now: datetime | None = None,
    unknown: Unknown = "reject",
    path: str = "",
) -> T:
    """``data`` (parsed JSON) as a ``cls``; ``ContractError`` names the first bad field.

    ``now`` (the server's clock) turns on the ``Window`` checks of business dates."""
    return _decode(cls, data, path, _Ctx(now, None, unknown))


def decode_fields(
    cls: type, data: Any, path: str = "fields", ctx: _Ctx | None = None
) -> dict[str, Any]:
    """SOME fields of ``cls`` (a patch): each present key decoded by its field's rules."""
    ctx = ctx or _Ctx(None, None, "reject")
    shape = _shape(cls)
    if not isinstance(data, dict) or not data:
        raise _fail(path, "must be a non-empty object")
    by_name = {f.name: f for f in shape.fields}
    out: dict[str, Any] = {}
    for name, raw in data.items():
        field = by_name.get(name)
        if field is None:
            raise _fail(path, f"field {name!r} cannot be patched; allowed: {', '.join(by_name)}")
        out[name] = None if raw is None else field.decode(raw, f"{path}.{name}", ctx)
    return out


def encode_value(cls: type, name: str, value: Any) -> Any:
    """The wire form of one field's value (a patch's)."""
    field = next(f for f in _shape(cls).fields if f.name == name)
    return None if value is None else field.encode(value)


def _encode_any(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return encode(value)
    return value


def encode(value: Any) -> dict[str, Any]:
    """A contract dataclass as JSON values (optional fields that are None are left out)."""
    shape = _shape(type(value))
    out: dict[str, Any] = {}
    for field in shape.fields:
        item = getattr(value, field.name)
        if item is None:
            if field.required:  # a field that is always present, null this time
                out[field.name] = None
            continue
        if field.tagged is not None:
            out[field.name] = _encode_any(item)
        elif field.partial is not None:
            table = field.partial.table[getattr(value, field.partial.tag)]
            out[field.name] = {k: encode_value(table, k, v) for k, v in item.items()}
        else:
            out[field.name] = field.encode(item)
    return out


def normalise(cls: type, data: Any, *, now: datetime | None = None) -> dict[str, Any]:
    """``data`` decoded and encoded again: the one canonical spelling of a valid value."""
    return encode(decode(cls, data, now=now))


# --- JSON Schema ------------------------------------------------------------------------------


def json_schema(cls: type) -> dict[str, Any]:
    """The JSON Schema (OpenAPI 3.1 dialect) of a contract class, every reference inlined.

    A ``Tagged`` field makes the schema a ``oneOf`` with one variant per tag value."""
    shape = _shape(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    variants: list[tuple[str, Mapping[Any, type], str]] = []
    for field in shape.fields:
        if field.tagged is not None:
            variants.append((field.tagged.tag, field.tagged.table, field.name))
            continue
        if field.partial is not None:
            variants.append((field.partial.tag, field.partial.table, field.name))
            continue
        properties[field.name] = field.schema()
        if field.required:
            required.append(field.name)
    doc = (cls.__doc__ or "").strip().split("\n\n")[0]
    base: dict[str, Any] = {
        "type": "object",
        "title": cls.__name__,
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    if doc and not doc.startswith(cls.__name__ + "("):
        base["description"] = " ".join(doc.split())
    if not variants:
        return base
    tag, table, name = variants[0]
    partial = any(f.partial is not None for f in shape.fields)
    options = []
    for value, chosen in table.items():
        wire = value.value if isinstance(value, Enum) else value
        inner = _partial_schema(chosen) if partial else json_schema(chosen)
        option = {
            **base,
            "title": f"{cls.__name__}[{wire}]",
            "properties": {**properties, tag: {"const": wire}, name: inner},
            "required": sorted({*required, tag, name}),
        }
        options.append(option)
    return {"oneOf": options, "title": cls.__name__}


def _partial_schema(cls: type) -> dict[str, Any]:
    whole = json_schema(cls)
    properties = {
        name: {"anyOf": [schema, {"type": "null"}]} if "anyOf" not in schema else schema
        for name, schema in whole["properties"].items()
    }
    return {**whole, "properties": properties, "required": [], "minProperties": 1}


def field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in _shape(cls).fields)
