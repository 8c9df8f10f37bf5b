"""The sockspec runtime for generated Python modules: the strict JSON reader of
docs/json.md and the checks of DESIGN section 4 (every error, with its JSON Pointer and
code), over the tables the generated module holds, and a fast path through pydantic-core
for valid frames (the end of this file). Needs the standard library and pydantic-core."""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import enum as _enum
import json
import operator
import re
import struct
import uuid as _uuid
from dataclasses import dataclass
import typing as _t

#: Nesting limit of docs/json.md: 127 levels of arrays and objects.
MAX_DEPTH = 127
#: The most errors one frame reports.
MAX_ERRORS = 100
_MAX_QUOTED = 64
#: Integer literals longer than this many characters are beyond 128 bits whatever they hold;
#: they are read as this stand-in (also beyond 128 bits) so no digit limit of `int` applies.
_LONG_INT = 45
_HUGE = 1 << 200


@dataclass(frozen=True)
class FrameError:
    """One problem in a frame: a JSON Pointer, a code of DESIGN section 4, a sentence."""

    path: str
    code: str
    message: str

    def to_json(self) -> _t.Dict[str, str]:
        return {"path": self.path, "code": self.code, "message": self.message}


class InvalidFrame(ValueError):
    """A frame that is not a valid message: `errors` holds every problem found."""

    def __init__(self, errors: _t.List[FrameError], more: int = 0) -> None:
        self.errors = errors
        self.more = more
        shown = "; ".join(f"{e.path or '(frame)'}: {e.code}: {e.message}" for e in errors[:3])
        if len(errors) > 3:
            shown += f"; and {len(errors) - 3} more"
        super().__init__(shown)


class _JsonError(Exception):
    pass


class _BigInt(int):
    """An integer literal too long to read exactly: only its text is kept."""

    raw: str


def _pairs(pairs: _t.List[_t.Tuple[str, _t.Any]]) -> _t.Dict[str, _t.Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen = set()
        for k, _ in pairs:
            if k in seen:
                raise _JsonError(f"the member name {k!r} appears twice in one object")
            seen.add(k)
    return out


def _constant(name: str) -> _t.Any:
    raise _JsonError(f"{name} is not JSON")


def _int(text: str) -> int:
    if len(text) <= _LONG_INT:
        return int(text)
    big = _BigInt(-_HUGE if text.startswith("-") else _HUGE)
    big.raw = text
    return big


def _walk_limits(value: _t.Any) -> None:
    """Depth (docs/json.md section 4) and lone surrogates (section 3), without recursion."""
    stack: _t.List[_t.Tuple[_t.Any, int]] = [(value, 1)]
    while stack:
        v, depth = stack.pop()
        if isinstance(v, dict):
            if depth > MAX_DEPTH:
                raise _JsonError(f"nesting deeper than {MAX_DEPTH} levels")
            for k, x in v.items():
                _no_surrogate(k)
                if isinstance(x, (dict, list)):
                    stack.append((x, depth + 1))
                elif isinstance(x, str):
                    _no_surrogate(x)
        elif isinstance(v, list):
            if depth > MAX_DEPTH:
                raise _JsonError(f"nesting deeper than {MAX_DEPTH} levels")
            for x in v:
                if isinstance(x, (dict, list)):
                    stack.append((x, depth + 1))
                elif isinstance(x, str):
                    _no_surrogate(x)
        elif isinstance(v, str):
            _no_surrogate(v)


def _no_surrogate(s: str) -> None:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        raise _JsonError("a lone surrogate escape") from None


def read_json(frame: _t.Union[str, bytes]) -> _t.Any:
    """Reads one JSON text as docs/json.md says. Raises `InvalidFrame` (`invalid_json`)."""
    try:
        if isinstance(frame, (bytes, bytearray, memoryview)):
            text = bytes(frame).decode("utf-8")
        else:
            text = frame
            if "\\u" not in text:
                # Raw surrogates can only come from a `str` made in Python.
                text.encode("utf-8")
        value = json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant, parse_int=_int)
        if "\\u" in text or text.count("[") + text.count("{") > MAX_DEPTH:
            _walk_limits(value)
        return value
    except (_JsonError, ValueError, RecursionError, UnicodeError) as e:
        message = str(e) if isinstance(e, _JsonError) else type(e).__name__
        if isinstance(e, json.JSONDecodeError):
            message = e.msg
        raise InvalidFrame([FrameError("", "invalid_json", f"the frame is not one JSON text: {message}")]) from None


# ---- formats (sockspec_model::format) ----

_DIGITS = frozenset("0123456789")


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")


def is_uuid(s: str) -> bool:
    return _UUID.match(s) is not None


def _num(s: str) -> _t.Optional[int]:
    if not s or any(c not in _DIGITS for c in s):
        return None
    return int(s)


def _is_date(s: str) -> bool:
    if len(s) != 10 or s[4] != "-" or s[7] != "-":
        return False
    y, m, d = _num(s[0:4]), _num(s[5:7]), _num(s[8:10])
    if y is None or m is None or d is None or not 1 <= m <= 12:
        return False
    if m == 2:
        days = 29 if y % 4 == 0 and (y % 100 != 0 or y % 400 == 0) else 28
    elif m in (4, 6, 9, 11):
        days = 30
    else:
        days = 31
    return 1 <= d <= days


def _date_time(s: str) -> _t.Optional[str]:
    if len(s) < 19 or not _is_date(s[:10]) or s[10] not in "Tt":
        return None
    t = s[11:19]
    if t[2] != ":" or t[5] != ":":
        return None
    h, m, sec = _num(t[0:2]), _num(t[3:5]), _num(t[6:8])
    if h is None or m is None or sec is None or h > 23 or m > 59 or sec > 59:
        return None
    rest = s[19:]
    if rest.startswith("."):
        n = 0
        for c in rest[1:]:
            if c not in _DIGITS:
                break
            n += 1
        if n == 0:
            return None
        rest = rest[1 + n :]
    return rest


def is_rfc3339(s: str) -> bool:
    rest = _date_time(s)
    if rest is None:
        return False
    if rest in ("Z", "z"):
        return True
    if len(rest) == 6 and rest[0] in "+-" and rest[3] == ":":
        h, m = _num(rest[1:3]), _num(rest[4:6])
        return h is not None and m is not None and h <= 23 and m <= 59
    return False


def is_local_datetime(s: str) -> bool:
    return _date_time(s) == ""


def is_date(s: str) -> bool:
    return _is_date(s)


_B64 = re.compile(r"\A[A-Za-z0-9+/]*={0,2}\Z")
_B64URL = re.compile(r"\A[A-Za-z0-9_-]*\Z")


def base64_decode(s: str, url: bool) -> _t.Optional[bytes]:
    """Canonical base64 (standard alphabet, padded) or base64url (no padding), else None."""
    try:
        if url:
            if not _B64URL.match(s) or len(s) % 4 == 1:
                return None
            data = base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
            ok = base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii") == s
        else:
            if not _B64.match(s) or len(s) % 4 != 0:
                return None
            data = base64.b64decode(s, validate=True)
            ok = base64.b64encode(data).decode("ascii") == s
    except (binascii.Error, ValueError):
        return None
    return data if ok else None


def is_decimal_integer(s: str) -> bool:
    d = s[1:] if s.startswith("-") else s
    if d == "0":
        return True
    return len(d) > 0 and d[0] in "123456789" and all(c in _DIGITS for c in d)


# ---- messages of errors ----


def quote(s: str) -> str:
    if len(s) > _MAX_QUOTED:
        return json.dumps(s[:_MAX_QUOTED], ensure_ascii=False) + f"\u2026 ({len(s)} characters)"
    return json.dumps(s, ensure_ascii=False)


def _number_text(v: _t.Any) -> str:
    if isinstance(v, _BigInt):
        raw = v.raw
    else:
        raw = repr(v)
    if len(raw) > _MAX_QUOTED:
        return raw[:_MAX_QUOTED] + f"\u2026 ({len(raw)} characters)"
    return raw


_NULL, _BOOL, _INTEGER, _FRACTION, _STRING, _ARRAY, _OBJECT = (1 << i for i in range(7))
_ANY = 0x7F
_NUMBER = _INTEGER | _FRACTION
_KIND_NAMES = {"null": _NULL, "boolean": _BOOL, "integer": _INTEGER, "fraction": _FRACTION,
               "string": _STRING, "array": _ARRAY, "object": _OBJECT}
_DESCRIBED = [(_NULL, "null"), (_BOOL, "a boolean"), (_INTEGER, "an integer"),
              (_FRACTION, "a number with a fraction or exponent"), (_STRING, "a string"),
              (_ARRAY, "an array"), (_OBJECT, "an object")]


def kind_of(v: _t.Any) -> int:
    if v is None:
        return _NULL
    if v is True or v is False:
        return _BOOL
    if isinstance(v, int):
        return _INTEGER
    if isinstance(v, float):
        return _FRACTION
    if isinstance(v, str):
        return _STRING
    if isinstance(v, list):
        return _ARRAY
    return _OBJECT


def described(v: _t.Any) -> str:
    k = kind_of(v)
    return next(name for bit, name in _DESCRIBED if bit == k)


def describe_kinds(kinds: int) -> str:
    if kinds == _ANY:
        return "any value"
    if kinds & _NUMBER == _NUMBER:
        rest = [n for b, n in _DESCRIBED if kinds & b and not _NUMBER & b]
        return " or ".join(["a number"] + rest)
    return " or ".join(n for b, n in _DESCRIBED if kinds & b)


def _tag_key(v: _t.Any) -> _t.Any:
    """A dictionary key for a tag value that keeps `true` and `1` apart."""
    if v is True or v is False:
        return ("bool", v)
    if v is None:
        return ("null",)
    return v


def _tag_kinds(values: _t.List[_t.Any]) -> int:
    k = 0
    for v in values:
        if isinstance(v, str):
            k |= _STRING
        elif v is True or v is False:
            k |= _BOOL
        elif v is None:
            k |= _NULL
        else:
            k |= _INTEGER
    return k


def _tag_text(v: _t.Any) -> str:
    if isinstance(v, str):
        return quote(v)
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return "null"
    if isinstance(v, (int, float)):
        return _number_text(v)
    return described(v)


def _tag_type_message(tag: _t.Any, kinds: int) -> str:
    kinds = kinds or _STRING
    return f"a tag must be {describe_kinds(kinds)}, found {described(tag)}"


def _lookup(index: _t.Tuple[_t.Dict[_t.Any, _t.Any], int], tag: _t.Any) -> _t.Tuple[bool, _t.Any]:
    """(right JSON type, target or None)."""
    entries, kinds = index
    kinds = kinds or _STRING
    if not kinds & kind_of(tag):
        return False, None
    if isinstance(tag, (dict, list)) or isinstance(tag, float):
        return True, None
    if isinstance(tag, int) and not isinstance(tag, bool) and not -(1 << 63) <= tag < (1 << 63):
        return True, None
    return True, entries.get(_tag_key(tag))


def _pointer(name: str) -> str:
    if "~" in name or "/" in name:
        name = name.replace("~", "~0").replace("/", "~1")
    return "/" + name


_F32 = struct.Struct("<f")


def _range_ok(rng: _t.Dict[str, _t.Any], x: _t.Union[int, float]) -> bool:
    lo, hi = rng.get("min"), rng.get("max")
    if lo is not None:
        if x < lo["value"] or (lo["exclusive"] and x == lo["value"]):
            return False
    if hi is not None:
        if x > hi["value"] or (hi["exclusive"] and x == hi["value"]):
            return False
    return True


def _describe_range(rng: _t.Dict[str, _t.Any]) -> str:
    parts = []
    lo, hi = rng.get("min"), rng.get("max")
    if lo is not None:
        parts.append(f"{'greater than' if lo['exclusive'] else 'at least'} {lo['value']}")
    if hi is not None:
        parts.append(f"{'less than' if hi['exclusive'] else 'at most'} {hi['value']}")
    return " and ".join(parts)


def _len_ok(ln: _t.Dict[str, _t.Any], n: int) -> bool:
    lo, hi = ln.get("min"), ln.get("max")
    return (lo is None or n >= lo) and (hi is None or n <= hi)


def _describe_len(ln: _t.Dict[str, _t.Any]) -> str:
    lo, hi = ln.get("min"), ln.get("max")
    if lo is not None and hi is not None:
        return f"exactly {lo}" if lo == hi else f"{lo} to {hi}"
    if lo is not None:
        return f"at least {lo}"
    if hi is not None:
        return f"at most {hi}"
    return "any"


_NO_CONS: _t.Dict[str, _t.Any] = {}

# What a valid frame is: ("message", index), ("result",), ("error",), ("unknown",).
_Kind = _t.Tuple[_t.Any, ...]


class _Run:
    __slots__ = ("c", "from_", "path", "errors", "omitted")

    def __init__(self, checker: "_Checker", from_: str) -> None:
        self.c = checker
        self.from_ = from_
        self.path = ""
        self.errors: _t.List[FrameError] = []
        self.omitted = 0

    # ---- paths and errors ----

    def error(self, code: str, message: str) -> None:
        if len(self.errors) >= MAX_ERRORS:
            self.omitted += 1
            return
        self.errors.append(FrameError(self.path, code, message))

    def error_at(self, name: str, code: str, message: str) -> None:
        saved = self.path
        self.path += _pointer(name)
        self.error(code, message)
        self.path = saved

    def only(self, name: _t.Optional[str], code: str, message: str) -> FrameError:
        return FrameError(self.path + (_pointer(name) if name is not None else ""), code, message)

    def wrong_type(self, expected: str, v: _t.Any) -> None:
        self.error("wrong_type", f"expected {expected}, found {described(v)}")

    # ---- dispatch ----

    def dispatch(self, members: _t.Dict[str, _t.Any]) -> _t.Union[_Kind, FrameError]:
        d = self.c.dispatch[self.from_]
        tags = d.get("tags")
        if tags is not None:
            field = tags["field"]
            if field not in members:
                return self.untagged_frame(members, field)
            return self.follow(tags, members[field], members)
        side = self.from_
        tag_fields = d["tag_fields"]
        untagged = bool(d["structural"] or d.get("keyed") or d.get("fallback") is not None)
        if tag_fields:
            field = tag_fields[0]
            if field in members:
                msg = f"the {side} sends no message tagged by {field!r}" if untagged else f"the {side} sends no message"
                return self.only(field, "unknown_tag", msg)
            if not untagged:
                return self.only(field, "missing_field", f"missing the tag member {field!r}")
            return self.untagged_frame(members, field)
        if not untagged:
            return self.only(None, "unknown_tag", f"the {side} sends no message")
        return self.untagged_frame(members, None)

    def untagged_frame(self, members: _t.Dict[str, _t.Any], tag_field: _t.Optional[str]) -> _t.Union[_Kind, FrameError]:
        d = self.c.dispatch[self.from_]
        for key, mid in d.get("keyed", []):
            if key in members:
                return ("message", mid)
        fallback = d.get("fallback")
        if d["structural"]:
            found = self.structural(members)
            if not isinstance(found, FrameError) or fallback is None:
                return found
        if fallback is not None:
            return ("message", fallback)
        if tag_field is not None and not d["structural"]:
            message = f"missing the tag member {tag_field!r}"
            if d.get("keyed"):
                keys = ", ".join(repr(k) for k, _ in d["keyed"])
                message += f", and none of the members {keys} that name an untagged message"
            return self.only(tag_field, "missing_field", message)
        return self.structural(members)

    def follow(self, node: _t.Dict[str, _t.Any], tag: _t.Any, members: _t.Dict[str, _t.Any]) -> _t.Union[_Kind, FrameError]:
        index = self.c.tag_index[id(node)]
        right, target = _lookup(index, tag)
        if not right:
            return self.only(node["field"], "wrong_type", _tag_type_message(tag, index[1]))
        if target is None:
            if node.get("open"):
                return ("unknown",)
            return self.only(node["field"], "unknown_tag", f"no {self.from_} message has the tag {_tag_text(tag)}")
        if target["kind"] == "message":
            return ("message", target["of"])
        nxt = target["of"]
        if nxt["field"] not in members:
            return self.only(nxt["field"], "missing_field", f"missing the tag member {nxt['field']!r}")
        return self.follow(nxt, members[nxt["field"]], members)

    def structural(self, members: _t.Dict[str, _t.Any]) -> _t.Union[_Kind, FrameError]:
        d = self.c.dispatch[self.from_]
        present = sum(1 for k in d["keys"] if k in members)
        for sig, mid in d["structural"]:
            if len(sig) == present and all(k in members for k in sig):
                return ("message", mid)
        keys = ", ".join(repr(k) for k in d["keys"])
        has = ", ".join(repr(k) for k in members)
        has = f"the members {has}" if members else "no members"
        return self.only(None, "unknown_tag",
                         f"the frame has no tag and {has}; its members among {keys} match no {self.from_} message")

    def unknown_frame(self, members: _t.Dict[str, _t.Any]) -> None:
        self.fields(self.c.dispatch[self.from_]["envelope"], members)

    # ---- messages ----

    def message(self, mid: int, members: _t.Dict[str, _t.Any], rpc: _t.Optional[bool]) -> None:
        m = self.c.messages[mid]
        policy = m["unknown_fields"][self.from_]
        frame_policy = m["frame_unknown_fields"][self.from_]
        tag_fields = self.c.dispatch[self.from_]["tag_fields"]
        payload = m["payload"]
        flat = payload["of"] if m["content"] is None and payload["kind"] == "fields" else []
        envelope = m["envelope_fields"][self.from_]
        id_field = self.c.id_field
        rule = m["_id_rule"][self.from_]
        self.id_member(members, rule, m["request"] is not None)
        self.second_tag(m, members)
        self.fields(envelope, members)
        self.fields(flat, members)
        if m["content"] is not None:
            self.content(m, m["content"], members, policy)
        if frame_policy == "reject":
            names = set(tag_fields)
            if rule != "absent":
                names.add(id_field)
            names.update(f["name"] for f in envelope)
            names.update(f["name"] for f in flat)
            if m["content"] is not None:
                names.add(m["content"])
            if rpc is not None:
                names.add("method")
                if rpc:
                    names.add("jsonrpc")
            self.unknown_members(members, names)

    def second_tag(self, m: _t.Dict[str, _t.Any], members: _t.Dict[str, _t.Any]) -> None:
        if self.c.second_tag != "null_or_absent":
            return
        disc = m["discriminator"]
        if disc["kind"] != "tag" or len(disc["of"]) != 1:
            return
        tag_fields = self.c.dispatch[self.from_]["tag_fields"]
        if len(tag_fields) > 1:
            field = tag_fields[1]
            v = members.get(field)
            if field in members and v is not None:
                saved = self.path
                self.path += _pointer(field)
                self.wrong_type(f"null or no {field!r}: {m['name']} has one tag value", v)
                self.path = saved

    def id_member(self, members: _t.Dict[str, _t.Any], rule: str, request: bool) -> None:
        field = self.c.id_field
        present = field in members
        if rule == "absent" or (not present and rule in ("optional", "forbidden")):
            return
        if not present:
            what = "a request" if request else "a reply"
            self.error_at(field, "missing_field", f"{what} must carry the id member {field!r}")
            return
        if rule == "forbidden":
            self.error_at(field, "unknown_field", f"a notification carries no {field!r}; only requests do")
            return
        v = members[field]
        if rule == "optional" and v is None:
            return
        saved = self.path
        self.path += _pointer(field)
        self.check(self.c.id_type, v, None)
        self.path = saved

    def content(self, m: _t.Dict[str, _t.Any], key: str, members: _t.Dict[str, _t.Any], policy: str) -> None:
        if key not in members:
            if not m["content_optional"]:
                self.error_at(key, "missing_field", f"missing the payload member {key!r}")
            return
        v = members[key]
        saved = self.path
        self.path += _pointer(key)
        payload = m["payload"]
        if payload["kind"] == "fields":
            if isinstance(v, dict):
                self.fields(payload["of"], v)
                if policy == "reject":
                    self.unknown_members(v, {f["name"] for f in payload["of"]})
            else:
                self.wrong_type(f"an object (the payload of {m['name']})", v)
        else:
            self.check(payload["of"]["ty"], v, None)
        self.path = saved

    def fields(self, fields: _t.List[_t.Dict[str, _t.Any]], members: _t.Dict[str, _t.Any]) -> None:
        for f in fields:
            name = f["name"]
            if name not in members:
                if f["required"]:
                    self.error_at(name, "missing_field", f"missing the required member {name!r}")
                continue
            v = members[name]
            if v is None and f["nullable"]:
                continue
            saved = self.path
            self.path += _pointer(name)
            self.check(f["ty"], v, None)
            self.path = saved

    def unknown_members(self, members: _t.Dict[str, _t.Any], known: _t.Any) -> None:
        for name in members:
            if name not in known:
                self.error_at(name, "unknown_field", f"unknown member {quote(name)}")

    # ---- JSON-RPC ----

    def rpc_frame(self, members: _t.Dict[str, _t.Any]) -> _t.Union[_Kind, _t.List[FrameError]]:
        style = self.c.style
        version_member = style["version_member"]
        rpc = self.c.dispatch[self.from_].get("rpc")
        id_field = self.c.id_field
        side = self.from_
        if "method" in members:
            method = members["method"]
            is_request = id_field in members
            node = None if rpc is None else rpc["requests" if is_request else "notifications"]
            target: _t.Union[_Kind, FrameError]
            if node is not None:
                target = self.follow(node, method, members)
            elif not isinstance(method, str):
                target = self.only("method", "wrong_type", _tag_type_message(method, 0))
            else:
                what = "requests (the frame has an id)" if is_request else "notifications (the frame has no id)"
                target = self.only("method", "unknown_tag", f"the {side} sends no {what}")
            if isinstance(target, FrameError):
                if node is not None and target.code == "unknown_tag":
                    extra = (f" among its requests (the frame has {id_field!r})" if is_request
                             else f" among its notifications (the frame has no {id_field!r})")
                    target = FrameError(target.path, target.code, target.message + extra)
                return [target]
            self.rpc_version(members, version_member)
            if target[0] == "message":
                self.message(target[1], members, version_member)
            else:
                self.unknown_frame(members)
            return target
        if rpc is None or not rpc["replies"]:
            other = "server" if side == "client" else "client"
            message = (f"missing 'method': the {side} sends no result or error frames, "
                       f"as the {other} declares no requests")
            return [self.only("method", "missing_field", message)]
        has_result, has_error = "result" in members, "error" in members
        if has_result and not has_error:
            kind: _Kind = ("result",)
            payload = "result"
        elif has_error and not has_result:
            kind = ("error",)
            payload = "error"
        else:
            why = 'both "result" and "error"' if has_result else 'neither "method", "result" nor "error"'
            return [self.only(None, "unknown_tag", f"the frame has {why}")]
        self.rpc_version(members, version_member)
        id_optional = kind == ("error",) and style["error_id"] == "optional"
        if id_field not in members:
            if not id_optional:
                self.error_at(id_field, "missing_field", f"a reply must carry the id member {id_field!r}")
        elif members[id_field] is None and kind == ("error",):
            pass
        else:
            saved = self.path
            self.path += _pointer(id_field)
            self.check(self.c.id_type, members[id_field], None)
            self.path = saved
        if kind == ("result",) and style["result"] == "object" and not isinstance(members["result"], dict):
            saved = self.path
            self.path += "/result"
            self.wrong_type("an object (every result of this protocol is one)", members["result"])
            self.path = saved
        if kind == ("error",) and style.get("error") is not None:
            saved = self.path
            self.path += "/error"
            self.named(style["error"], members["error"], None)
            self.path = saved
        envelope = self.c.dispatch[self.from_]["envelope"]
        self.fields(envelope, members)
        if style["reply_unknown_fields"][self.from_] == "reject":
            names = {id_field, payload}
            if version_member:
                names.add("jsonrpc")
            names.update(f["name"] for f in envelope)
            self.unknown_members(members, names)
        return kind

    def rpc_version(self, members: _t.Dict[str, _t.Any], version_member: bool) -> None:
        if not version_member:
            return
        if "jsonrpc" not in members:
            self.error_at("jsonrpc", "missing_field", 'every frame carries "jsonrpc": "2.0"')
            return
        v = members["jsonrpc"]
        if isinstance(v, str):
            if v != "2.0":
                self.error_at("jsonrpc", "unknown_value", f'expected "2.0", found {quote(v)}')
        else:
            saved = self.path
            self.path += "/jsonrpc"
            self.wrong_type('the string "2.0"', v)
            self.path = saved

    # ---- values ----

    def check(self, ty: _t.Dict[str, _t.Any], v: _t.Any, carried: _t.Optional[_t.Dict[str, _t.Any]]) -> None:
        cons = carried if carried is not None else ty.get("constraints", _NO_CONS)
        kind = ty["kind"]
        if kind == "bool":
            if v is not True and v is not False:
                self.wrong_type("a boolean", v)
        elif kind == "int":
            n = self.integer(ty["of"], v)
            if n is not None:
                self.range_int(cons, n)
        elif kind == "float":
            self.number(ty["of"], v, cons)
        elif kind == "string":
            if isinstance(v, str):
                self.string_constraints(cons, v)
            else:
                self.wrong_type("a string", v)
        elif kind == "bytes":
            if isinstance(v, str):
                data = base64_decode(v, ty["of"] == "base64url")
                if data is None:
                    what = ("base64url (URL-safe alphabet, no padding)" if ty["of"] == "base64url"
                            else "base64 (standard alphabet, padded)")
                    self.error("bad_format", f"not valid {what}")
                else:
                    self.length(cons, len(data), "bytes")
            else:
                self.wrong_type("a base64 string", v)
        elif kind == "uuid":
            self.formatted(v, cons, is_uuid, "a uuid (8-4-4-4-12 hexadecimal digits)")
        elif kind == "date":
            self.formatted(v, cons, is_date, "a date (YYYY-MM-DD)")
        elif kind == "date_time":
            enc = ty["of"]
            if enc == "rfc3339":
                self.formatted(v, cons, is_rfc3339, "an RFC 3339 date-time with an offset")
            elif enc == "local":
                self.formatted(v, cons, is_local_datetime, "a local date-time with no offset")
            elif enc in ("unix_s", "unix_ms", "unix_us"):
                n = self.integer({"signed": True, "bits": 64, "encoding": "number"}, v)
                if n is not None:
                    self.range_int(cons, n)
            else:
                self.number("f64", v, cons)
        elif kind == "json":
            pass
        elif kind == "null":
            if v is not None:
                self.wrong_type("null", v)
        elif kind == "list":
            if isinstance(v, list):
                self.length(cons, len(v), "items")
                saved = self.path
                item = ty["of"]
                for i, x in enumerate(v):
                    self.path = f"{saved}/{i}"
                    self.check(item, x, None)
                self.path = saved
            else:
                self.wrong_type("an array", v)
        elif kind == "tuple":
            elements = ty["of"]
            if isinstance(v, list):
                if len(v) != len(elements):
                    self.error("bad_length", f"{len(v)} items, the tuple has exactly {len(elements)}")
                saved = self.path
                for i, (element, x) in enumerate(zip(elements, v)):
                    self.path = f"{saved}/{i}"
                    self.check(element, x, None)
                self.path = saved
            else:
                self.wrong_type(f"an array of {len(elements)} items (a tuple)", v)
        elif kind == "map":
            if isinstance(v, dict):
                self.length(cons, len(v), "entries")
                saved = self.path
                item = ty["of"]
                for k, x in v.items():
                    self.path = saved + _pointer(k)
                    self.check(item, x, None)
                self.path = saved
            else:
                self.wrong_type("an object", v)
        elif kind == "named":
            self.named(ty["of"], v, cons)
        elif kind == "one_of":
            self.untagged(ty["of"], v)
        elif kind == "nullable":
            if v is not None:
                self.check(ty["of"], v, carried)

    def through_aliases(self, ty: _t.Dict[str, _t.Any], v: _t.Any,
                        carried: _t.Optional[_t.Dict[str, _t.Any]]) -> _t.Optional[_t.Tuple[_t.Dict[str, _t.Any], _t.Optional[_t.Dict[str, _t.Any]]]]:
        hops = 0
        while True:
            kind = ty["kind"]
            if kind == "named":
                d = self.c.types[ty["of"]]
                if d["kind"] != "alias":
                    return ty, carried
                hops += 1
                if hops > len(self.c.types):
                    self.error("wrong_type", f"the schema's type {d['name']} refers to itself without nesting")
                    return None
                if carried is None:
                    carried = ty.get("constraints", _NO_CONS)
                ty = d["def"]
            elif kind == "nullable":
                if v is None:
                    return None
                ty = ty["of"]
            else:
                return ty, carried

    def named(self, tid: int, v: _t.Any, cons: _t.Optional[_t.Dict[str, _t.Any]]) -> None:
        d = self.c.types[tid]
        kind = d["kind"]
        name = d["name"]
        if kind == "alias":
            found = self.through_aliases(d["def"], v, cons)
            if found is not None:
                self.check(found[0], v, found[1])
        elif kind == "struct":
            s = d["def"]
            if isinstance(v, dict):
                self.fields(s["fields"], v)
                if s["unknown_fields"][self.from_] == "reject":
                    self.unknown_members(v, {f["name"] for f in s["fields"]})
            else:
                self.wrong_type(f"an object ({name})", v)
        elif kind == "enum":
            self.enum(d, v, cons)
        else:
            u = d["def"]
            if u["kind"] == "tagged":
                self.tagged_union(name, u, v)
            else:
                self.untagged(u, v)

    def enum(self, d: _t.Dict[str, _t.Any], v: _t.Any, cons: _t.Optional[_t.Dict[str, _t.Any]]) -> None:
        e = d["def"]
        name = d["name"]
        repr_ = e["repr"]
        values = [x["value"] for x in e["variants"]]
        if repr_["kind"] == "string":
            if isinstance(v, str):
                if v not in values and not e["open"]:
                    self.error("unknown_value", f"{quote(v)} is not a value of {name}")
                if cons is not None:
                    self.string_constraints(cons, v)
            else:
                self.wrong_type(f"a string ({name})", v)
            return
        if repr_["kind"] == "int":
            n = self.integer(repr_, v)
            if n is None:
                return
            if cons is not None:
                self.range_int(cons, n)
        else:
            if kind_of(v) != _INTEGER:
                self.wrong_type(f"an integer ({name})", v)
                return
            n = v
            if not -(1 << 127) <= n < (1 << 127):
                if not e["open"]:
                    self.error("unknown_value", f"{_number_text(v)} is not a value of {name}")
                return
        ints = [x for x in values if isinstance(x, int) and not isinstance(x, bool)]
        if e["flags"]:
            every = 0
            for x in ints:
                every |= x
            if n & ~every and not e["open"]:
                self.error("unknown_value", f"{n} sets bits that are no flag of {name} (all flags: {every})")
        elif n not in ints and not e["open"]:
            self.error("unknown_value", f"{n} is not a value of {name}")

    def tagged_union(self, name: str, u: _t.Dict[str, _t.Any], v: _t.Any) -> None:
        if not isinstance(v, dict):
            self.wrong_type(f"an object ({name})", v)
            return
        field = u["field"]
        if field not in v:
            self.error_at(field, "missing_field", f"missing the tag member {field!r} of {name}")
            return
        tag = v[field]
        base = u.get("base")
        base_fields: _t.List[_t.Dict[str, _t.Any]] = []
        if base is not None and self.c.types[base]["kind"] == "struct":
            base_fields = self.c.types[base]["def"]["fields"]
        index = self.c.union_index[id(u)]
        right, tid = _lookup(index, tag)
        if not right:
            self.error_at(field, "wrong_type", _tag_type_message(tag, index[1]))
        elif tid is None:
            if u["open"]:
                self.fields(base_fields, v)
            else:
                self.error_at(field, "unknown_tag", f"{_tag_text(tag)} names no variant of {name}")
        else:
            s = self.c.types[tid]["def"]
            self.fields(base_fields, v)
            self.fields(s["fields"], v)
            if s["unknown_fields"][self.from_] == "reject":
                known = {field}
                known.update(f["name"] for f in s["fields"])
                known.update(f["name"] for f in base_fields)
                self.unknown_members(v, known)

    def untagged(self, u: _t.Dict[str, _t.Any], v: _t.Any) -> None:
        if u.get("ordered"):
            self.ordered_untagged(u, v)
            return
        variant = select_variant(u, v)
        if variant is not None:
            self.check(variant, v, None)
            return
        kinds = 0
        for k in u["_kinds"]:
            kinds |= k
        if isinstance(v, dict) and kinds & _OBJECT:
            sigs = " or ".join("{" + ", ".join(sig) + "}" for _, sig in u["signatures"])
            self.error("unknown_tag",
                       f"the object's members match no variant: it needs exactly one of the member sets {sigs}")
        else:
            self.wrong_type(describe_kinds(kinds), v)

    def ordered_untagged(self, u: _t.Dict[str, _t.Any], v: _t.Any) -> None:
        start = len(self.errors)
        bit = kind_of(v)
        nearest: _t.Optional[_t.List[FrameError]] = None
        kinds = 0
        for i, variant in enumerate(u["variants"]):
            k = u["_kinds"][i] if i < len(u["_kinds"]) else _ANY
            kinds |= k
            self.check(variant, v, None)
            if len(self.errors) == start:
                return
            errors = self.errors[start:]
            del self.errors[start:]
            if nearest is None and k & bit:
                nearest = errors
        if nearest is not None:
            self.errors.extend(nearest)
        else:
            self.wrong_type(describe_kinds(kinds), v)

    # ---- scalars and constraints ----

    def integer(self, it: _t.Dict[str, _t.Any], v: _t.Any) -> _t.Optional[int]:
        name = f"{'i' if it['signed'] else 'u'}{it['bits']}"
        if it["encoding"] == "number":
            k = kind_of(v)
            if k == _FRACTION:
                self.wrong_type(f"an integer ({name}) written without fraction or exponent", v)
                return None
            if k != _INTEGER:
                self.wrong_type(f"an integer ({name})", v)
                return None
            n: _t.Optional[int] = v
            shown = _number_text(v)
        else:
            if not isinstance(v, str):
                self.wrong_type(f"a string of decimal digits ({name})", v)
                return None
            if not is_decimal_integer(v):
                self.error("bad_format", f"{quote(v)} is not a decimal integer ({name} as a string)")
                return None
            n = int(v) if len(v) <= _LONG_INT else None
            shown = v if len(v) <= _MAX_QUOTED else v[:_MAX_QUOTED] + f"\u2026 ({len(v)} characters)"
        bits = it["bits"]
        lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if it["signed"] else (0, (1 << bits) - 1)
        if n is not None and not isinstance(n, _BigInt) and lo <= n <= hi:
            return n
        self.error("out_of_range", f"{shown} does not fit in {name} ({lo}..={hi})")
        return None

    def number(self, ft: str, v: _t.Any, cons: _t.Dict[str, _t.Any]) -> None:
        k = kind_of(v)
        if k != _INTEGER and k != _FRACTION:
            self.wrong_type("a number", v)
            return
        x = float(v) if not isinstance(v, _BigInt) else float(v.raw)
        too_large = x != x or x in (float("inf"), float("-inf"))
        if ft == "f32" and not too_large:
            try:
                _F32.pack(x)
            except OverflowError:
                too_large = True
        if too_large:
            self.error("out_of_range", f"{_number_text(v)} is too large for {ft}")
            return
        rng = cons.get("range")
        if rng is not None and not _range_ok(rng, x):
            self.error("out_of_range", f"{_number_text(v)} is out of range: expected {_describe_range(rng)}")

    def range_int(self, cons: _t.Dict[str, _t.Any], n: int) -> None:
        rng = cons.get("range")
        if rng is not None and not _range_ok(rng, n):
            self.error("out_of_range", f"{n} is out of range: expected {_describe_range(rng)}")

    def length(self, cons: _t.Dict[str, _t.Any], n: int, unit: str) -> None:
        ln = cons.get("len")
        if ln is not None and not _len_ok(ln, n):
            self.error("bad_length", f"{n} {unit}, expected {_describe_len(ln)}")

    def formatted(self, v: _t.Any, cons: _t.Dict[str, _t.Any], valid: _t.Callable[[str], bool], what: str) -> None:
        if not isinstance(v, str):
            self.wrong_type(f"a string ({what})", v)
            return
        if not valid(v):
            self.error("bad_format", f"{quote(v)} is not {what}")
        self.string_constraints(cons, v)

    def string_constraints(self, cons: _t.Dict[str, _t.Any], s: str) -> None:
        ln = cons.get("len")
        if ln is not None and not _len_ok(ln, len(s)):
            self.error("bad_length", f"{len(s)} characters, expected {_describe_len(ln)}")
        for pattern in cons.get("patterns", ()):
            if not self.c.patterns[pattern].search(s):
                self.error("pattern_mismatch", f"{quote(s)} does not match the pattern {pattern!r}")
                break


def select_variant(u: _t.Dict[str, _t.Any], v: _t.Any) -> _t.Optional[_t.Dict[str, _t.Any]]:
    """The variant of an untagged union a value is, by its JSON kind."""
    kind = kind_of(v)
    kinds = u["_kinds"]
    count = len(u["variants"])

    def specific(i: int) -> bool:
        return kinds[i] != _ANY and bool(kinds[i] & kind)

    chosen: _t.Optional[int] = None
    if kind == _OBJECT:
        objects = [i for i in range(count) if specific(i)]
        if len(objects) == 1:
            chosen = objects[0]
        elif len(objects) > 1:
            present = sum(1 for k in u["keys"] if k in v)
            for i, sig in u["signatures"]:
                if i < count and len(sig) == present and all(k in v for k in sig):
                    chosen = i
                    break
    elif kind == _INTEGER:
        chosen = next((i for i in range(count) if specific(i) and kinds[i] & _NUMBER != _NUMBER), None)
        if chosen is None:
            chosen = next((i for i in range(count) if specific(i)), None)
    else:
        chosen = next((i for i in range(count) if specific(i)), None)
    if chosen is None:
        chosen = next((i for i in range(count) if kinds[i] == _ANY), None)
    return None if chosen is None else u["variants"][chosen]


def _id_rule(m: _t.Dict[str, _t.Any], side: str, rpc: bool, id_field: str) -> str:
    """How a frame from `side` treats the id member of message `m` (the validator's `IdRule`)."""
    payload = m["payload"]
    flat = payload["of"] if m["content"] is None and payload["kind"] == "fields" else []
    envelope = m["envelope_fields"][side]
    presence = m["id"]
    if any(f["name"] == id_field for f in flat) or any(f["name"] == id_field for f in envelope):
        return "absent"
    if rpc and m["request"] is not None:
        return "required"
    if (rpc and presence == "none") or presence == "forbidden":
        return "forbidden"
    if presence == "none":
        return "absent"
    return str(presence)


def _id_member(m: _t.Dict[str, _t.Any], rpc: bool, id_field: str) -> _t.Optional[str]:
    """Whether a message's class has the id member: "required", "optional" or None."""
    declared = [f for side in ("client", "server") for f in m["envelope_fields"][side]]
    if m["content"] is None and m["payload"]["kind"] == "fields":
        declared += m["payload"]["of"]
    if any(f["name"] == id_field for f in declared):
        return None
    if rpc and m["request"] is not None:
        return "required"
    if m["id"] in ("required", "optional"):
        return str(m["id"])
    return None


class _Checker:
    """DESIGN section 4 over one schema's tables (the model, as the generated module holds
    it), with its patterns compiled by the generator's translation."""

    def __init__(self, model: _t.Dict[str, _t.Any], patterns: _t.Dict[str, "re.Pattern[str]"]) -> None:
        self.types: _t.List[_t.Dict[str, _t.Any]] = model["types"]
        self.messages: _t.List[_t.Dict[str, _t.Any]] = model["messages"]
        self.dispatch: _t.Dict[str, _t.Dict[str, _t.Any]] = model["dispatch"]
        protocol = model["protocol"]
        self.style: _t.Dict[str, _t.Any] = protocol["style"]
        self.id_field: str = protocol["id"]["field"]
        self.id_type: _t.Dict[str, _t.Any] = protocol["id"]["ty"]
        self.second_tag: str = protocol["second_tag"]
        self.id_py: str = protocol["id"].get("py", self.id_field)
        rpc = self.style["kind"] != "tagged"
        for m in self.messages:
            m["_id_member"] = _id_member(m, rpc, self.id_field)
            m["_id_rule"] = {side: _id_rule(m, side, rpc, self.id_field) for side in ("client", "server")}
        self.patterns = patterns
        self.tag_index: _t.Dict[int, _t.Tuple[_t.Dict[_t.Any, _t.Any], int]] = {}
        self.union_index: _t.Dict[int, _t.Tuple[_t.Dict[_t.Any, _t.Any], int]] = {}
        for side in ("client", "server"):
            d = self.dispatch[side]
            if d.get("tags") is not None:
                self._index(d["tags"])
            rpc = d.get("rpc")
            if rpc is not None:
                for key in ("requests", "notifications"):
                    if rpc.get(key) is not None:
                        self._index(rpc[key])
        self._prepare(model)

    def _index(self, node: _t.Dict[str, _t.Any]) -> None:
        entries: _t.Dict[_t.Any, _t.Any] = {}
        for value, target in node["entries"]:
            entries.setdefault(_tag_key(value), target)
            if target["kind"] == "next":
                self._index(target["of"])
        self.tag_index[id(node)] = (entries, _tag_kinds([v for v, _ in node["entries"]]))

    def _prepare(self, model: _t.Any) -> None:
        """Untagged unions get their kinds as bit sets; tagged unions an index by tag."""
        stack = [model]
        while stack:
            x = stack.pop()
            if isinstance(x, dict):
                if "signatures" in x and "kinds" in x and "_kinds" not in x:
                    x["_kinds"] = [sum(_KIND_NAMES[n] for n in ks) for ks in x["kinds"]]
                if x.get("kind") == "tagged" and "variants" in x:
                    entries: _t.Dict[_t.Any, _t.Any] = {}
                    values = []
                    for tid in x["variants"]:
                        d = self.types[tid]
                        if d["kind"] == "struct":
                            entries.setdefault(_tag_key(d["def"]["tag"]), tid)
                            values.append(d["def"]["tag"])
                    self.union_index[id(x)] = (entries, _tag_kinds(values))
                stack.extend(x.values())
            elif isinstance(x, list):
                stack.extend(x)

    def check(self, from_: str, value: _t.Any) -> _Kind:
        """What a parsed frame sent by `from_` ("client" or "server") is; raises
        `InvalidFrame` with every error."""
        if not isinstance(value, dict):
            raise InvalidFrame([FrameError("", "wrong_type",
                                           f"a frame must be a JSON object, found {described(value)}")])
        run = _Run(self, from_)
        kind: _t.Union[_Kind, FrameError, _t.List[FrameError]]
        if self.style["kind"] == "tagged":
            kind = run.dispatch(value)
            if isinstance(kind, FrameError):
                raise InvalidFrame([kind])
            if kind[0] == "message":
                run.message(kind[1], value, None)
            else:
                run.unknown_frame(value)
        else:
            kind = run.rpc_frame(value)
            if isinstance(kind, list):
                raise InvalidFrame(kind)
        if run.errors:
            raise InvalidFrame(run.errors, run.omitted)
        return kind

    def variant(self, from_: str, u: _t.Dict[str, _t.Any], v: _t.Any) -> _t.Optional[_t.Dict[str, _t.Any]]:
        """The variant of an untagged union a valid value is, as the check decided it: the
        first one, in declared order, the value is valid against for an ordered union (as
        `_Run.ordered_untagged` and the validator accept), else `select_variant`'s."""
        if not u.get("ordered"):
            return select_variant(u, v)
        return next((t for t in u["variants"] if not self.check_value(from_, t, v)), None)

    def check_value(self, from_: str, ty: _t.Dict[str, _t.Any], value: _t.Any) -> _t.List[FrameError]:
        run = _Run(self, from_)
        run.check(ty, value, None)
        return run.errors

    def accepts_null(self, ty: _t.Dict[str, _t.Any]) -> bool:
        """Whether `null` is a value of a type, aliases followed (the model's `accepts_null`)."""
        for _ in range(len(self.types) + 1):
            if ty["kind"] != "named" or self.types[ty["of"]]["kind"] != "alias":
                break
            ty = self.types[ty["of"]]["def"]
        return ty["kind"] in ("json", "null", "nullable")

    def answer(self, from_: str, request: _t.Optional[int], kind: _Kind,
               value: _t.Dict[str, _t.Any]) -> _t.Optional[_t.Tuple[str, _t.Dict[str, _t.Any]]]:
        """A valid frame sent by `from_`, of `kind`, as the answer to the request of message
        index `request` (the validator's `validate_answer`): raises `InvalidFrame` when it
        answers no such request, or its result is not of the request's result type (errors
        under the result's member); else the result's member and type, or None where the
        frame carries no typed result (a plain reply, an error)."""
        if request is None or not 0 <= request < len(self.messages) or self.messages[request]["request"] is None:
            raise InvalidFrame([FrameError("", "unknown_tag", "the request is no request of the schema")])
        req = self.messages[request]["request"]
        name = self.messages[request]["name"]

        def not_an_answer(what: str) -> InvalidFrame:
            return InvalidFrame([FrameError("", "unknown_tag", f"{what} is no answer to {name}")])

        if kind[0] == "error":
            return None
        if kind[0] == "unknown":
            raise not_an_answer("an unknown frame")
        if kind[0] == "result":
            ty = next((r["of"] for r in req["replies"] if r["kind"] == "result"), None)
            if ty is None:
                raise not_an_answer("a result frame")
            key = "result"
        else:
            mid = kind[1]
            replies = req["replies"]
            # A reply is {"kind": "message", "of": index}, {"kind": "typed", "of": {"message":
            # index, "result": type}} or {"kind": "result", "of": type}.
            reply_messages = [r["of"] if r["kind"] == "message" else r["of"]["message"]
                              for r in replies if r["kind"] != "result"]
            if mid not in reply_messages and mid not in req["stream"] and mid not in req["end"]:
                raise not_an_answer(self.messages[mid]["name"])
            ty = next((r["of"]["result"] for r in replies if r["kind"] == "typed" and r["of"]["message"] == mid), None)
            content = self.messages[mid]["content"]
            if ty is None or content is None:
                return None
            key = content
        if key not in value:
            return None
        v = value[key]
        if v is not None or not self.accepts_null(ty):
            run = _Run(self, from_)
            run.path = _pointer(key)
            run.check(ty, v, None)
            if run.errors:
                raise InvalidFrame(run.errors, run.omitted)
        return key, ty

    def writes_checked(self, u: _t.Dict[str, _t.Any]) -> bool:
        """Whether a writer of this untagged union must check what it writes against the
        variant: some variant, anywhere inside, has a check that the Python type of a value
        does not settle (a constraint, the range of an `f32`, a date-time as text, where an
        aware or naive `datetime` may be written in the wrong form, a closed set of flags).
        Unions with none skip the check; computed once per union."""
        found = u.get("_writes_checked")
        if found is None:
            found = any(self._unsettled(t, set()) for t in u["variants"])
            u["_writes_checked"] = found
        return bool(found)

    def _unsettled(self, ty: _t.Dict[str, _t.Any], seen: _t.Set[int]) -> bool:
        if ty.get("constraints"):
            return True
        kind = ty["kind"]
        of: _t.Any = ty.get("of")
        if kind == "float":
            return bool(of == "f32")
        if kind == "date_time":
            return of in ("rfc3339", "local")
        if kind in ("list", "map", "nullable"):
            return self._unsettled(of, seen)
        if kind == "tuple":
            return any(self._unsettled(t, seen) for t in of)
        if kind == "one_of":
            return any(self._unsettled(t, seen) for t in of["variants"])
        if kind != "named" or of in seen:
            return False
        seen.add(of)
        d = self.types[of]
        if d["kind"] == "alias":
            return self._unsettled(d["def"], seen)
        if d["kind"] == "struct":
            return any(self._unsettled(f["ty"], seen) for f in d["def"]["fields"])
        if d["kind"] == "enum":
            return bool(d["def"]["flags"] and not d["def"]["open"])
        u = d["def"]
        if u["kind"] != "tagged":
            return any(self._unsettled(t, seen) for t in u["variants"])
        base = u.get("base")
        tids = list(u["variants"]) + ([] if base is None else [base])
        return any(self._unsettled({"kind": "named", "of": tid}, seen) for tid in tids)


_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_SECOND = _dt.timedelta(seconds=1)
_MILLI = _dt.timedelta(milliseconds=1)
_MICRO = _dt.timedelta(microseconds=1)


class PreciseDateTime(_dt.datetime):
    """A `datetime` read from a frame whose fraction of a second is finer than a
    microsecond (`09:30:00.714964855Z`, as many feeds send): `fraction` keeps every digit as
    written, so that writing it back loses none. It is the `datetime` it holds to the
    microsecond for everything else (comparison, arithmetic); a value made from it by
    arithmetic or `replace` has no `fraction`, and is written to the microsecond."""

    __slots__ = ("fraction",)
    fraction: str


def parse_datetime(s: str) -> _t.Union[_dt.datetime, str]:
    """An RFC 3339 or local date-time, valid as `is_rfc3339` / `is_local_datetime` say, as a
    `datetime` (aware or naive); a `PreciseDateTime` where the fraction is finer than a
    microsecond; the text itself when Python's `datetime` cannot hold it (year 0)."""
    text = s.upper()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    fraction = None
    if len(text) > 19 and text[19] == ".":
        end = 20
        while end < len(text) and text[end] in _DIGITS:
            end += 1
        if end - 20 > 6:
            fraction = text[20:end]
        text = text[:20] + text[20:end][:6] + text[end:]
    try:
        value = _dt.datetime.fromisoformat(text)
    except ValueError:
        return s
    if fraction is None:
        return value
    precise = PreciseDateTime(value.year, value.month, value.day, value.hour, value.minute, value.second,
                              value.microsecond, value.tzinfo)
    precise.fraction = fraction
    return precise


def format_datetime(v: _t.Any, local: bool) -> _t.Any:
    if not isinstance(v, _dt.datetime):
        return v
    fraction = getattr(v, "fraction", None)
    if fraction is not None and fraction[:6] == f"{v.microsecond:06d}":
        # Every digit the frame had (a `PreciseDateTime` whose microseconds still agree).
        text = v.isoformat(timespec="microseconds")
        text = text[:20] + fraction + text[26:]
    else:
        # As short as the value allows: whole seconds, milliseconds or microseconds.
        spec = "seconds" if v.microsecond == 0 else "milliseconds" if v.microsecond % 1000 == 0 else "microseconds"
        text = v.isoformat(timespec=spec)
    if local or v.tzinfo is None:
        return text
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _from_epoch(enc: str, v: _t.Any) -> _t.Any:
    try:
        if enc == "unix_s":
            return _EPOCH + v * _SECOND
        if enc == "unix_ms":
            return _EPOCH + v * _MILLI
        if enc == "unix_us":
            return _EPOCH + v * _MICRO
        if enc == "unix_s_float":
            return _EPOCH + _dt.timedelta(seconds=v)
        return _EPOCH + _dt.timedelta(milliseconds=v)
    except (OverflowError, ValueError):
        return v


def _to_epoch(enc: str, v: _t.Any) -> _t.Any:
    if not isinstance(v, _dt.datetime):
        return v
    if v.tzinfo is None:
        v = v.replace(tzinfo=_dt.timezone.utc)
    delta = v - _EPOCH
    if enc == "unix_s":
        return delta // _SECOND
    if enc == "unix_ms":
        return delta // _MILLI
    if enc == "unix_us":
        return delta // _MICRO
    if enc == "unix_s_float":
        return delta / _SECOND
    return delta / _MILLI


def _b64(data: bytes, url: bool) -> str:
    if url:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
    return base64.b64encode(data).decode("ascii")


#: `json.dumps(v, ensure_ascii=False, separators=(",", ":"), allow_nan=False)`, without
#: making an encoder per call.
_STRICT_WRITER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def _WRITER(value: _t.Any) -> str:
    """A frame's JSON text. An infinite float (a `json` value read from `1e400`) is written
    `1e999` / `-1e999`, which every reader reads back as infinite, never `Infinity`, which
    is no JSON; `NaN` cannot be written at all."""
    try:
        return _STRICT_WRITER(value)
    except ValueError:
        return "".join(_write_slow(value))


def _write_slow(v: _t.Any) -> _t.Iterator[str]:
    if isinstance(v, float) and not isinstance(v, bool):
        if v != v:
            raise ValueError("NaN cannot be written as JSON")
        if v in (float("inf"), float("-inf")):
            yield "1e999" if v > 0 else "-1e999"
        else:
            yield _STRICT_WRITER(v)
    elif isinstance(v, dict):
        yield "{"
        for i, (k, item) in enumerate(v.items()):
            if i:
                yield ","
            yield _STRICT_WRITER(k)
            yield ":"
            yield from _write_slow(item)
        yield "}"
    elif isinstance(v, (list, tuple)):
        yield "["
        for i, item in enumerate(v):
            if i:
                yield ","
            yield from _write_slow(item)
        yield "]"
    else:
        yield _STRICT_WRITER(v)


class _Codec:
    """Typed values from checked frames (pydantic models made with `model_construct`, as
    the frame was checked already) and frames from typed values, over the same tables."""

    def __init__(self, checker: _Checker, types: _t.Dict[int, _t.Any], messages: _t.Dict[int, _t.Any],
                 extra: _t.Dict[str, _t.Any]) -> None:
        self.c = checker
        self.type_classes = types
        self.message_classes = messages
        self.extra = extra
        self.id_py: str = checker.id_py

    # ---- reading ----

    def parse(self, from_: str, frame: _t.Union[str, bytes]) -> _t.Any:
        value = read_json(frame)
        return self.value(from_, value, self.c.check(from_, value))

    def answer(self, from_: str, request: _t.Any, frame: _t.Union[str, bytes]) -> _t.Tuple[_t.Any, _t.Any]:
        """A frame sent by `from_` read as the answer to `request` (a request's message class):
        the frame's value as `parse` reads it, and the typed result it carries (None where it
        carries none). Raises `InvalidFrame` with the frame's errors, or the answer's."""
        value = read_json(frame)
        kind = self.c.check(from_, value)
        # The class's index, if it is this module's class of that message (not another
        # module's, nor an instance).
        index = getattr(request, "_sockspec_message", None)
        if index is not None and self.message_classes.get(index) is not request:
            index = None
        found = self.c.answer(from_, index, kind, value)
        message = self.value(from_, value, kind)
        if found is None:
            return message, None
        v = value[found[0]]
        return message, None if v is None else self.build(found[1], v, from_)

    def value(self, from_: str, value: _t.Any, kind: _Kind) -> _t.Any:
        """The typed value of a checked frame of `kind`."""
        if kind[0] == "message":
            return self.message(kind[1], from_, value)
        if kind[0] == "unknown":
            return self.extra["unknown"].model_construct(frame=value)
        id_value = value.get(self.c.id_field)
        if id_value is not None:
            id_value = self.build(self.c.id_type, id_value, from_)
        if kind[0] == "result":
            return self.extra["result"].model_construct(id=id_value, result=value["result"])
        error = value["error"]
        if self.c.style.get("error") is not None:
            error = self.named(self.c.style["error"], error, from_)
        return self.extra["error"].model_construct(id=id_value, error=error)

    def message(self, mid: int, from_: str, members: _t.Dict[str, _t.Any]) -> _t.Any:
        m = self.c.messages[mid]
        kwargs: _t.Dict[str, _t.Any] = {}
        id_field = self.c.id_field
        if m["_id_member"] and id_field in members:
            v = members[id_field]
            kwargs[m["id_py"]] = None if v is None else self.build(self.c.id_type, v, from_)
        self.fields(m["envelope_fields"][from_], members, kwargs, from_)
        payload = m["payload"]
        if m["content"] is None:
            if payload["kind"] == "fields":
                self.fields(payload["of"], members, kwargs, from_)
        elif m["content"] in members:
            inner = members[m["content"]]
            if payload["kind"] == "fields":
                self.fields(payload["of"], inner, kwargs, from_)
            else:
                kwargs["value"] = None if inner is None else self.build(payload["of"]["ty"], inner, from_)
        return self.message_classes[mid].model_construct(**kwargs)

    def fields(self, fields: _t.List[_t.Dict[str, _t.Any]], members: _t.Dict[str, _t.Any],
               kwargs: _t.Dict[str, _t.Any], from_: str) -> None:
        for f in fields:
            name = f["name"]
            if name in members:
                v = members[name]
                kwargs[f["py"]] = None if v is None else self.build(f["ty"], v, from_)

    def build(self, ty: _t.Dict[str, _t.Any], v: _t.Any, from_: str) -> _t.Any:
        kind = ty["kind"]
        if kind == "int":
            return int(v)
        if kind == "float":
            return float(v.raw) if isinstance(v, _BigInt) else float(v)
        if kind == "bytes":
            return base64_decode(v, ty["of"] == "base64url")
        if kind == "uuid":
            return _uuid.UUID(v)
        if kind == "date":
            try:
                return _dt.date.fromisoformat(v)
            except ValueError:
                return v
        if kind == "date_time":
            enc = ty["of"]
            if enc in ("rfc3339", "local"):
                return parse_datetime(v)
            return _from_epoch(enc, v)
        if kind == "list":
            return [self.build(ty["of"], x, from_) for x in v]
        if kind == "tuple":
            return tuple(self.build(e, x, from_) for e, x in zip(ty["of"], v))
        if kind == "map":
            return {k: self.build(ty["of"], x, from_) for k, x in v.items()}
        if kind == "named":
            return self.named(ty["of"], v, from_)
        if kind == "one_of":
            variant = self.c.variant(from_, ty["of"], v)
            return v if variant is None else self.build(variant, v, from_)
        if kind == "nullable":
            return None if v is None else self.build(ty["of"], v, from_)
        return v

    def named(self, tid: int, v: _t.Any, from_: str) -> _t.Any:
        d = self.c.types[tid]
        kind = d["kind"]
        if kind == "alias":
            return None if v is None else self.build(d["def"], v, from_)
        if kind == "struct":
            kwargs: _t.Dict[str, _t.Any] = {}
            self.fields(d["def"]["fields"], v, kwargs, from_)
            return self.type_classes[tid].model_construct(**kwargs)
        if kind == "enum":
            cls = self.type_classes[tid]
            try:
                return cls(v)
            except ValueError:
                return v
        u = d["def"]
        if u["kind"] == "tagged":
            right, variant = _lookup(self.c.union_index[id(u)], v[u["field"]])
            if variant is None:
                return v
            kwargs = {}
            base = u.get("base")
            if base is not None:
                self.fields(self.c.types[base]["def"]["fields"], v, kwargs, from_)
            self.fields(self.c.types[variant]["def"]["fields"], v, kwargs, from_)
            return self.type_classes[variant].model_construct(**kwargs)
        chosen = self.c.variant(from_, u, v)
        return v if chosen is None else self.build(chosen, v, from_)

    # ---- writing ----

    def write(self, from_: str, message: _t.Any) -> str:
        return _WRITER(self.frame(from_, message))

    def frame(self, from_: str, message: _t.Any) -> _t.Dict[str, _t.Any]:
        cls = type(message)
        out: _t.Dict[str, _t.Any] = {}
        rpc = self.c.style["kind"] != "tagged"
        version = rpc and self.c.style["version_member"]
        if cls is self.extra.get("unknown"):
            return dict(message.frame)
        if cls is self.extra.get("result") or cls is self.extra.get("error"):
            if version:
                out["jsonrpc"] = "2.0"
            out[self.c.id_field] = None if message.id is None else self.write_value(self.c.id_type, message.id)
            if cls is self.extra.get("result"):
                out["result"] = message.result
            elif self.c.style.get("error") is not None:
                out["error"] = self.write_named(self.c.style["error"], message.error)
            else:
                out["error"] = message.error
            return out
        mid = cls._sockspec_message
        m = self.c.messages[mid]
        disc = m["discriminator"]
        if version:
            out["jsonrpc"] = "2.0"
        if disc["kind"] == "tag":
            names = ["method"] if rpc else self.c.dispatch[from_]["tag_fields"]
            for name, value in zip(names, disc["of"]):
                out[name] = value
        if m["_id_member"]:
            v = getattr(message, m["id_py"], None)
            if v is not None or m["_id_member"] == "required":
                out[self.c.id_field] = None if v is None else self.write_value(self.c.id_type, v)
        self.write_fields(m["envelope_fields"][from_], message, out)
        payload = m["payload"]
        if m["content"] is None:
            if payload["kind"] == "fields":
                self.write_fields(payload["of"], message, out)
        elif payload["kind"] == "fields":
            # JSON-RPC `params` are left out where the message declares no fields.
            if payload["of"] or self.c.style["kind"] == "tagged":
                inner: _t.Dict[str, _t.Any] = {}
                self.write_fields(payload["of"], message, inner)
                out[m["content"]] = inner
        else:
            v = message.value
            if v is not None or not m["content_optional"]:
                out[m["content"]] = None if v is None else self.write_value(payload["of"]["ty"], v)
        return out

    def write_fields(self, fields: _t.List[_t.Dict[str, _t.Any]], obj: _t.Any, out: _t.Dict[str, _t.Any]) -> None:
        for f in fields:
            v = getattr(obj, f["py"], None)
            if v is None:
                # A default (`null` here) is a value, written as Rust and TypeScript write it.
                if f["required"] or f.get("has_default") or (f["nullable"] and f["absent"] == "null"):
                    out[f["name"]] = None
                continue
            out[f["name"]] = self.write_value(f["ty"], v)

    def write_value(self, ty: _t.Dict[str, _t.Any], v: _t.Any) -> _t.Any:
        kind = ty["kind"]
        if v is None:
            return None
        if kind == "int":
            return str(v) if ty["of"]["encoding"] == "string" else v
        if kind == "bytes":
            return _b64(bytes(v), ty["of"] == "base64url") if isinstance(v, (bytes, bytearray)) else v
        if kind == "uuid":
            return str(v)
        if kind == "date":
            return v.isoformat() if isinstance(v, _dt.date) else v
        if kind == "date_time":
            enc = ty["of"]
            if enc in ("rfc3339", "local"):
                return format_datetime(v, enc == "local")
            return _to_epoch(enc, v)
        if kind == "list":
            return [self.write_value(ty["of"], x) for x in v]
        if kind == "tuple":
            return [self.write_value(e, x) for e, x in zip(ty["of"], v)]
        if kind == "map":
            return {k: self.write_value(ty["of"], x) for k, x in v.items()}
        if kind == "named":
            return self.write_named(ty["of"], v)
        if kind == "one_of":
            return self.write_untagged(ty["of"], v)
        if kind == "nullable":
            return self.write_value(ty["of"], v)
        return v

    def write_untagged(self, u: _t.Dict[str, _t.Any], v: _t.Any) -> _t.Any:
        """A value of an untagged union, written as the first variant whose Python type it
        has (so a tagged union's variant gets its tag, and bytes, times and string-encoded
        integers their variant's encoding) and, where a variant has checks the Python type
        does not settle (`_Checker.writes_checked`), that accepts it as written: the variant
        the reader picks back. Where none does, an ordered union writes the first text the
        reader takes as another variant; else `InvalidFrame`, with the reader's errors of
        the first way it was written, at paths inside the value."""
        if not self.c.writes_checked(u):
            for variant in u["variants"]:
                if self.fits(variant, v):
                    return self.write_value(variant, v)
            return self.write_any(v)
        written: _t.List[_t.Any] = []
        errors: _t.List[FrameError] = []
        for variant in u["variants"]:
            if not self.fits(variant, v):
                continue
            try:
                w = self.write_value(variant, v)
            except InvalidFrame as e:
                errors = errors or e.errors
                continue
            # A written value carries no unknown member, so the side does not matter.
            found = self.c.check_value("client", variant if u.get("ordered") else {"kind": "one_of", "of": u}, w)
            if not found:
                return w
            errors = errors or found
            written.append(w)
        # An ordered union's value no variant it fits accepts may still be read as another.
        for w in written if u.get("ordered") else ():
            if not self.c.check_value("client", {"kind": "one_of", "of": u}, w):
                return w
        if not written and not errors:
            return self.write_any(v)
        raise InvalidFrame(errors)

    def fits(self, ty: _t.Dict[str, _t.Any], v: _t.Any) -> bool:
        """Whether a typed value is of this type, by its Python type."""
        kind = ty["kind"]
        if kind == "nullable":
            return v is None or self.fits(ty["of"], v)
        if kind in ("json",):
            return True
        if kind == "null":
            return v is None
        if kind == "bool":
            return type(v) is bool
        if kind == "int":
            if not isinstance(v, int) or isinstance(v, bool):
                return False
            it = ty["of"]
            bits = it["bits"]
            lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if it["signed"] else (0, (1 << bits) - 1)
            return bool(lo <= v <= hi)
        if kind == "float":
            return isinstance(v, (int, float)) and not isinstance(v, bool)
        if kind == "string":
            return isinstance(v, str)
        if kind == "uuid":
            return isinstance(v, _uuid.UUID)
        if kind == "date":
            return isinstance(v, _dt.date) and not isinstance(v, _dt.datetime)
        if kind == "date_time":
            return isinstance(v, _dt.datetime)
        if kind == "bytes":
            return isinstance(v, (bytes, bytearray))
        if kind == "list":
            return isinstance(v, list) and all(self.fits(ty["of"], x) for x in v)
        if kind == "tuple":
            return isinstance(v, tuple) and len(v) == len(ty["of"]) and all(
                self.fits(t, x) for t, x in zip(ty["of"], v))
        if kind == "map":
            return isinstance(v, dict) and all(self.fits(ty["of"], x) for x in v.values())
        if kind == "one_of":
            return any(self.fits(x, v) for x in ty["of"]["variants"])
        return self.fits_named(ty["of"], v)

    def fits_named(self, tid: int, v: _t.Any) -> bool:
        d = self.c.types[tid]
        kind = d["kind"]
        if kind == "alias":
            return self.fits(d["def"], v)
        if kind == "struct":
            return isinstance(v, self.type_classes[tid])
        if kind == "enum":
            e = d["def"]
            if isinstance(v, self.type_classes[tid]):
                return True
            if not e["open"] and not e["flags"]:
                return False
            if e["repr"]["kind"] == "string":
                return isinstance(v, str)
            return isinstance(v, int) and not isinstance(v, bool)
        u = d["def"]
        if u["kind"] == "tagged":
            return any(isinstance(v, self.type_classes[x]) for x in u["variants"])
        return any(self.fits(x, v) for x in u["variants"])

    def write_named(self, tid: int, v: _t.Any) -> _t.Any:
        d = self.c.types[tid]
        kind = d["kind"]
        if kind == "alias":
            return self.write_value(d["def"], v)
        if kind == "struct":
            out: _t.Dict[str, _t.Any] = {}
            self.write_fields(d["def"]["fields"], v, out)
            return out
        if kind == "enum":
            return v.value if isinstance(v, _enum.Enum) else v
        u = d["def"]
        if u["kind"] == "tagged":
            variant = getattr(type(v), "_sockspec_type", None)
            if variant is None:
                return v
            vd = self.c.types[variant]
            out = {u["field"]: vd["def"]["tag"]}
            base = u.get("base")
            if base is not None:
                self.write_fields(self.c.types[base]["def"]["fields"], v, out)
            self.write_fields(vd["def"]["fields"], v, out)
            return out
        return self.write_untagged(u, v)

    def write_any(self, v: _t.Any) -> _t.Any:
        """A value of an untagged union, written by its Python type."""
        tid = getattr(type(v), "_sockspec_type", None)
        if tid is not None:
            return self.write_named(tid, v)
        if isinstance(v, _enum.Enum):
            return v.value
        if isinstance(v, _uuid.UUID):
            return str(v)
        if isinstance(v, _dt.datetime):
            return format_datetime(v, False)
        if isinstance(v, _dt.date):
            return v.isoformat()
        if isinstance(v, (bytes, bytearray)):
            return _b64(bytes(v), False)
        if isinstance(v, (list, tuple)):
            return [self.write_any(x) for x in v]
        if isinstance(v, dict):
            return {k: self.write_any(x) for k, x in v.items()}
        return v


# ---- the fast path: pydantic-core ----
#
# A frame is first tried against a pydantic-core schema built from the same tables, whose
# accepted set is inside DESIGN section 4's: strict scalars, exact integer widths and ranges,
# code-point lengths, the portable patterns (Python's `re`), uuids and date-times only in the
# spellings section 4 allows (a pattern, then the same conversion as the full path), unknown
# members as the policy says. What pydantic-core's JSON reader does not check (repeated
# member names, nesting depth, `NaN` and `Infinity`) is ruled out by cheap scans first. A
# frame the scans cannot clear, or that the schema rejects, goes through the full check
# (`_Codec.parse`), which finds every error; so the fast path only has to be right on
# valid frames, and the typed value is the one the full path builds. A type or message the
# schema cannot state exactly has no fast path: its frames always take the full check.

from pydantic_core import SchemaValidator as _SchemaValidator
from pydantic_core import core_schema as _cs

_FAST_DATE = r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
_FAST_TIME = r"T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?"
#: The spellings the fast path takes; the full path takes the rest of RFC 3339 (lower-case
#: `t` and `z`, fractions finer than a microsecond) and whatever `fromisoformat` refuses.
_FAST_RFC3339 = "^" + _FAST_DATE + _FAST_TIME + r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$"
_FAST_LOCAL = "^" + _FAST_DATE + _FAST_TIME + "$"
_FAST_DAY = "^" + _FAST_DATE + "$"
_FAST_UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
_FAST_DECIMAL = r"^-?(?:0|[1-9][0-9]{0,39})$"
_F32_MAX = 3.4028234663852886e38
#: The constraints the fast path states, per kind of type (any other: no fast path).
_FAST_CONS = {"bool": (), "bytes": ("len",), "json": (), "int": ("range",), "float": ("range",),
              "string": ("len", "patterns"), "uuid": ("len", "patterns"), "date": ("len", "patterns"),
              "date_time": ("len", "patterns", "range"), "null": (), "list": ("len",), "tuple": (),
              "map": ("len",), "named": ("len", "patterns", "range"), "nullable": ("len", "patterns", "range"),
              "one_of": ()}


_object_setattr = object.__setattr__


class _Unsupported(Exception):
    """A part of the schema the fast path cannot state exactly."""


def _bounds(rng: _t.Optional[_t.Dict[str, _t.Any]], ints: bool) -> _t.Dict[str, _t.Any]:
    out: _t.Dict[str, _t.Any] = {}
    if rng is None:
        return out
    for key, inclusive, exclusive in (("min", "ge", "gt"), ("max", "le", "lt")):
        limit = rng.get(key)
        if limit is None:
            continue
        value = limit["value"]
        if ints and (not isinstance(value, int) or isinstance(value, bool)):
            raise _Unsupported("a fractional bound on an integer")
        if not ints and float(value) != value:
            raise _Unsupported("a bound a float cannot hold exactly")
        out[exclusive if limit["exclusive"] else inclusive] = value
    return out


def _tighter(a: _t.Dict[str, _t.Any], b: _t.Dict[str, _t.Any]) -> _t.Dict[str, _t.Any]:
    """Both sets of bounds at once (inclusive ones merged by the tighter)."""
    out = dict(a)
    for key, value in b.items():
        if key not in out:
            out[key] = value
        elif key in ("ge", "gt"):
            out[key] = max(out[key], value)
        else:
            out[key] = min(out[key], value)
    return out


class _FastBuilder:
    """The pydantic-core schema of what one side sends, from the checker's tables."""

    def __init__(self, checker: _Checker, codec: "_Codec", from_: str,
                 patterns: _t.Optional[_t.Dict[str, str]] = None) -> None:
        self.c = checker
        self.codec = codec
        self.from_ = from_
        #: Each portable pattern in the spelling of Rust's `regex` (sockspec_model::pattern),
        #: for pydantic-core's own regex engine, which searches as the validator does.
        self.rust_patterns = patterns or {}
        #: The string check of each pattern, once built (`pattern_schema`).
        self.pattern_schemas: _t.Dict[str, _t.Any] = {}
        self.defs: _t.Dict[str, _t.Any] = {}
        self.building: _t.Set[str] = set()
        self.aliases: _t.List[int] = []
        self.classes: _t.Set[type] = set()
        #: Per message class (and reply class): how many members its frame has, from the
        #: value pydantic-core built (`_Count`), and the extras and internal guards to drop.
        self.counts: _t.Dict[type, _Count] = {}
        #: Classes built twice with different counts: no count (their frames take the scans).
        self.uncounted: _t.Set[type] = set()
        #: Members of a struct's value, per struct class: what untagged unions count by.
        self.class_counters: _t.Dict[type, _t.Callable[[_t.Any], int]] = {}
        self.counters: _t.Dict[int, _t.Tuple[_t.Optional[_t.Callable[[_t.Any], int]], int]] = {}
        #: Whether a valid frame can nest deeper than the limit (a recursive type, or any
        #: JSON value): then the depth scan runs even where the member count is right.
        self.deep = False
        #: Whether some object's unknown members are ignored, unread: the only place where
        #: pydantic-core's reader takes `NaN` and `Infinity` without a check refusing them.
        self.lenient = False
        #: Whether some value is any JSON value (then long integer literals are left to the
        #: full path, which keeps them as their text).
        self.json_values = False
        #: Why a message has no fast path, by name (for tests and curious readers).
        self.skipped: _t.Dict[str, str] = {}
        #: Which JSON-RPC node is being built: requests (True) or notifications.
        self.rpc_request = False

    def side(self) -> _t.Any:
        c = self.c
        d = c.dispatch[self.from_]
        if c.style["kind"] != "tagged":
            root = self.rpc(d.get("rpc"))
        elif d["structural"] or d.get("keyed") or d.get("fallback") is not None or d.get("tags") is None:
            root = self.dispatched(d)
        else:
            root = self.node(d["tags"], [], {}, len(d["tag_fields"]))
        if self.defs:
            root = _cs.definitions_schema(root, list(self.defs.values()))
        return root

    def dispatched(self, d: _t.Dict[str, _t.Any]) -> _t.Any:
        """A side whose frames may have no tag (a key member, their structure, a fallback):
        the full path's own dispatch picks the message, whose schema then checks it."""
        mids: _t.List[int] = []

        def walk(node: _t.Optional[_t.Dict[str, _t.Any]]) -> None:
            for _, target in (node or {}).get("entries", []):
                if target["kind"] == "message":
                    mids.append(target["of"])
                else:
                    walk(target["of"])

        walk(d.get("tags"))
        mids += [mid for _, mid in d.get("keyed") or []]
        mids += [mid for _, mid in d["structural"]]
        if d.get("fallback") is not None:
            mids.append(d["fallback"])
        levels = len(d["tag_fields"])
        choices: _t.Dict[int, _t.Any] = {}
        for mid in mids:
            if mid in choices:
                continue
            m = self.c.messages[mid]
            disc = m["discriminator"]
            tags = d["tag_fields"][:len(disc["of"])] if disc["kind"] == "tag" else []
            guards: _t.Dict[str, str] = {}
            if self.c.second_tag == "null_or_absent" and disc["kind"] == "tag" and len(disc["of"]) == 1 and levels > 1:
                guards[d["tag_fields"][1]] = "null"
            saved = dict(self.defs)
            try:
                choices[mid] = self.message(mid, tags, guards)
            except _Unsupported as e:
                self.skipped[m["name"]] = str(e)
                self.defs = saved
        if not choices:
            raise _Unsupported("no message")
        return _cs.tagged_union_schema(choices, discriminator=_fast_dispatch(self.c, self.from_))

    def rpc(self, rpc: _t.Optional[_t.Dict[str, _t.Any]]) -> _t.Any:
        """JSON-RPC: requests (an id) or notifications (none), each a tagged union on
        `method`; result and error frames are left to the full check."""
        if rpc is None:
            raise _Unsupported("no JSON-RPC requests or notifications")
        guards = {"jsonrpc": "version"} if self.c.style["version_member"] else {}
        alternatives = []
        for key, request in (("requests", True), ("notifications", False)):
            node = rpc.get(key)
            if node is None:
                continue
            self.rpc_request = request
            try:
                alternatives.append(self.node(node, [], guards, 1))
            except _Unsupported:
                pass
        if rpc.get("replies"):
            for kind in ("result", "error"):
                try:
                    alternatives.append(self.reply(kind, guards))
                except _Unsupported as e:
                    self.skipped["@" + kind] = str(e)
        if not alternatives:
            raise _Unsupported("no JSON-RPC message")
        if len(alternatives) == 1:
            return alternatives[0]
        return _cs.union_schema(alternatives, mode="left_to_right")

    def reply(self, kind: str, guards: _t.Dict[str, str]) -> _t.Any:
        """A result or error frame: `ResultFrame(id, result)`, `ErrorFrame(id, error)`, with
        the id present (the full path sets it in `model_fields_set` even when absent)."""
        c = self.c
        style = c.style
        if c.dispatch[self.from_]["envelope"]:
            raise _Unsupported("replies with an envelope")
        cls = self.codec.extra.get(kind)
        if cls is None:
            raise _Unsupported("no class")
        other = "error" if kind == "result" else "result"
        guards = dict(guards, method="absent", **{other: "absent"})
        id_schema = self.type(c.id_type)
        if kind == "error":
            id_schema = _cs.nullable_schema(id_schema)
            error = style.get("error")
            value = _cs.any_schema() if error is None else self.named(error, _NO_CONS)
        elif style["result"] == "object":
            value = _cs.dict_schema(_cs.str_schema(strict=True), _cs.any_schema(), strict=True)
        else:
            value = _cs.any_schema()
        if kind == "result" or style.get("error") is None:
            self.lenient = True
            self.json_values = True
        members: _t.Dict[str, _t.Tuple[_t.Any, _t.Any]] = {"id": (c.id_field, id_schema), kind: (kind, value)}
        reject = style["reply_unknown_fields"][self.from_] == "reject"
        id_counter = self.counter(c.id_type)
        if id_counter[0] is not None and kind == "error":
            id_counter = (_or_none(id_counter[0]), id_counter[1])
        if kind == "error" and error is not None:
            value_counter = self.named_counter(error)
        else:
            self.deep = True
            value_counter = (_json_members, MAX_DEPTH + 1)
        more = [("id", id_counter, True), (kind, value_counter, True)]
        return self.model(cls, [], members, reject, [], guards=guards, more=more)

    def node(self, node: _t.Dict[str, _t.Any], path: _t.List[str], guards: _t.Dict[str, str],
             levels: int) -> _t.Any:
        """A level of tags: a tagged union on its field. pydantic-core's tagged union takes
        `true` and `1.0` for the tag `1`, so a level of integer (or boolean) tags also checks
        the tag's JSON type in every message under it (a guard)."""
        field = node["field"]
        path = path + [field]
        kinds = _tag_kinds([v for v, _ in node["entries"]])
        scalar = None
        if kinds & _INTEGER and not kinds & _BOOL:
            scalar = "int"
        elif kinds & _BOOL and not kinds & _INTEGER:
            scalar = "bool"
        choices: _t.Dict[_t.Any, _t.Any] = {}
        for value, target in node["entries"]:
            if isinstance(value, str):
                inner = guards
            elif value is None or scalar is None or (scalar == "int") != (type(value) is int):
                continue
            else:
                inner = dict(guards, **{field: scalar})
            if value in choices:
                continue
            if target["kind"] == "next":
                try:
                    choices[value] = self.node(target["of"], path, inner, levels)
                except _Unsupported:
                    pass
                continue
            m = self.c.messages[target["of"]]
            saved = dict(self.defs)
            try:
                disc = m["discriminator"]
                if (self.c.second_tag == "null_or_absent" and disc["kind"] == "tag" and len(disc["of"]) == 1
                        and levels > 1):
                    # A message of one tag value where tags have two levels: the second
                    # must be null or absent.
                    second = self.c.dispatch[self.from_]["tag_fields"][1]
                    inner = dict(inner, **{second: "null"})
                choices[value] = self.message(target["of"], path, inner)
            except _Unsupported as e:
                self.skipped[m["name"]] = str(e)
                self.defs = saved
        if not choices:
            raise _Unsupported("no message")
        return _cs.tagged_union_schema(choices, discriminator=field)

    def message(self, mid: int, tags: _t.List[str], guards: _t.Dict[str, str]) -> _t.Any:
        c = self.c
        m = c.messages[mid]
        side = self.from_
        cls = self.codec.message_classes[mid]
        rule = m["_id_rule"][side]
        members: _t.Dict[str, _t.Tuple[_t.Any, _t.Any]] = {}
        #: The members beyond `fields`, for the member count.
        more: _t.List[_t.Tuple[str, _t.Any, bool]] = []
        content_count: _t.Optional[_t.Tuple[_t.FrozenSet[str], bool]] = None
        rpc = c.style["kind"] != "tagged"
        if rpc:
            # The id decides: a request carries it, a notification does not.
            if self.rpc_request and rule != "required":
                raise _Unsupported("a request whose id is not required")
            if not self.rpc_request:
                if rule not in ("forbidden", "absent") or m["_id_member"]:
                    raise _Unsupported("a notification that may carry an id")
                guards = dict(guards, **{c.id_field: "absent"})
                rule = "absent"
        if rule in ("required", "optional"):
            if not m["_id_member"]:
                raise _Unsupported("an id member the class lacks")
            schema = self.type(c.id_type)
            id_counter = self.counter(c.id_type)
            if rule == "optional":
                schema = _cs.with_default_schema(_cs.nullable_schema(schema), default=None)
                if id_counter[0] is not None:
                    id_counter = (_or_none(id_counter[0]), id_counter[1])
            members[m["id_py"]] = (c.id_field, schema)
            more.append((m["id_py"], id_counter, rule == "required"))
        elif rule != "absent":
            raise _Unsupported("a forbidden id member")
        reject = m["frame_unknown_fields"][side] == "reject"
        payload = m["payload"]
        content = m["content"]
        fields = list(m["envelope_fields"][side])
        if content is None:
            fields += payload["of"]
        elif payload["kind"] == "fields":
            # Members under the content member, by alias paths. pydantic-core reads no
            # unknown member there (so the `NaN` scan is needed), and where the frame's own
            # are ignored and no member must be present, a content that is no object would
            # pass: a guard checks that it is one. (Where the frame's unknown members are
            # refused, an unused content member is one of them.)
            if m["unknown_fields"][side] == "reject":
                raise _Unsupported("a payload that rejects unknown members")
            self.lenient = True
            if not reject and not any(f["required"] for f in payload["of"]):
                guards = dict(guards, **{content: "object?" if m["content_optional"] else "object"})
            inner = [f["name"] for f in payload["of"]]
            if len(set(inner)) != len(inner):
                raise _Unsupported("two members of one name")
            for f in payload["of"]:
                if f["py"] in members:
                    raise _Unsupported("two members of one name")
                members[f["py"]] = ([[content, f["name"]]], self.field(cls, f))
                more.append((f["py"], self.field_counter(f), f["required"]))
            # The content member: seen as its guard where it has one, always there where a
            # member under it must be, else there when some member under it is.
            always = content not in guards and any(f["required"] for f in payload["of"])
            content_count = (frozenset(f["py"] for f in payload["of"]), always) if content not in guards else None
        else:
            schema = self.type(payload["of"]["ty"])
            if m["content_optional"]:
                info = cls.model_fields.get("value")
                if info is None or info.is_required():
                    raise _Unsupported("an optional payload without a default")
                schema = _cs.with_default_schema(schema, default=info.default)
            members["value"] = (content, schema)
            more.append(("value", payload["of"]["ty"], not m["content_optional"]))
        if rpc:
            tag_fields = ["method"]
        else:
            tag_fields = c.dispatch[side]["tag_fields"] if reject else tags
        return self.model(cls, fields, members, reject, tag_fields, guards=guards, more=more,
                          content=content_count)

    def model(self, cls: _t.Any, fields: _t.List[_t.Dict[str, _t.Any]],
              members: _t.Dict[str, _t.Tuple[_t.Any, _t.Any]], reject: bool, tags: _t.List[str],
              ref: _t.Optional[str] = None, guards: _t.Optional[_t.Dict[str, str]] = None,
              more: _t.Sequence[_t.Tuple[str, _t.Any, bool]] = (),
              content: _t.Optional[_t.Tuple[_t.FrozenSet[str], bool]] = None) -> _t.Any:
        """A class's model schema: `fields` (the class's fields as the wire names them) and
        `members` (others the caller states: an id, members under a content member), read as
        the unknown-member policy says, with its tags and guards. A top-level class
        (`ref` None) also gets its member count: `more` gives the types of the caller's
        members (name, type or counter, always present), `content` the fields under a
        content member and whether that member is always there."""
        for f in fields:
            if f["py"] in members:
                raise _Unsupported("two members of one name")
            members[f["py"]] = (f["name"], self.field(cls, f))
        declared = cls.model_fields
        if set(declared) != set(members):
            raise _Unsupported("a class whose fields are not the wire's")
        # The frame's own member names (a path's first step for members under a content).
        names = [wire if isinstance(wire, str) else wire[0][0] for wire, _ in members.values()]
        top = [wire for wire, _ in members.values() if isinstance(wire, str)]
        if len(set(top)) != len(top) or set(names) & set(tags):
            raise _Unsupported("two members of one name")
        if set(top) & {wire[0][0] for wire, _ in members.values() if not isinstance(wire, str)}:
            raise _Unsupported("a content member that is also a field")
        if guards and {g for g, k in guards.items() if not k.startswith("object")} & set(names):
            raise _Unsupported("a tag that is also a field")
        schema_fields = {py: _cs.model_field(members[py][1], validation_alias=members[py][0]) for py in declared}
        # Guards: tags whose JSON type is checked, read as members under names no class
        # field has, then dropped.
        guards = guards or {}
        internal = frozenset("\x00" + field for field in guards)
        for field, scalar in guards.items():
            check: _t.Any
            if scalar == "null":
                check = _cs.with_default_schema(_cs.none_schema(), default=None)
            elif scalar == "absent":
                check = _cs.with_default_schema(_cs.no_info_plain_validator_function(_refuse), default=None)
            elif scalar == "version":
                check = _cs.literal_schema(["2.0"])
            elif scalar.startswith("object"):
                check = _cs.dict_schema(_cs.str_schema(strict=True), _cs.any_schema(), strict=True)
                if scalar == "object?":
                    check = _cs.with_default_schema(check, default=None)
            else:
                check = _cs.int_schema(strict=True) if scalar == "int" else _cs.bool_schema(strict=True)
            schema_fields["\x00" + field] = _cs.model_field(check, validation_alias=field)
        extra_tags = [t for t in tags if t not in guards]
        self.classes.add(cls)
        if not reject:
            self.lenient = True
            inner = _cs.model_fields_schema(schema_fields, extra_behavior="ignore")
            extras: _t.FrozenSet[str] = frozenset()
        elif not extra_tags:
            inner = _cs.model_fields_schema(schema_fields, extra_behavior="forbid")
            extras = frozenset()
        else:
            # The tags are the members beyond the fields: kept as extras, then dropped.
            inner = _cs.model_fields_schema(schema_fields, extra_behavior="allow",
                                            extras_keys_schema=_cs.literal_schema(list(extra_tags)))
            extras = frozenset(extra_tags)
        if ref is None:
            # Tags read as unknown members are unseen in the value, but always there (the
            # message was found by them); guards and tags kept as extras are seen, and the
            # fast parser drops them after counting.
            unseen = 0 if reject else len([t for t in tags if t not in guards])
            self.count(cls, fields, more, unseen, content, extras, internal)
            return _cs.model_schema(cls, inner)
        if not extras and not internal:
            return _cs.model_schema(cls, inner, ref=ref)
        drop = _drop_tags(extras, internal)
        return _cs.no_info_after_validator_function(drop, _cs.model_schema(cls, inner), ref=ref)

    def count(self, cls: type, fields: _t.List[_t.Dict[str, _t.Any]], more: _t.Sequence[_t.Tuple[str, _t.Any, bool]],
              unseen: int, content: _t.Optional[_t.Tuple[_t.FrozenSet[str], bool]],
              extras: _t.FrozenSet[str], internal: _t.FrozenSet[str]) -> None:
        """How many members a frame of this top-level class has, from its value (`_Count`)."""
        nested, depth = self.fields_counters(fields)
        for py, ty, always in more:
            counter, d = ty if isinstance(ty, tuple) else self.counter(ty)
            depth = max(depth, d + (1 if content is not None and py in content[0] else 0))
            if counter is not None:
                nested.append((py, counter, always))
        inner: _t.FrozenSet[str] = frozenset()
        if content is not None:
            if content[1]:
                unseen += 1
            else:
                inner = content[0]
        deep = 1 + depth > MAX_DEPTH
        if deep:
            self.deep = True
        counter = _nested_counter(nested, inner)
        if extras:
            counter = _with_extras(counter)
        colons = sum(2 for f in fields if f["required"] and not f["nullable"] and _always_colons(f["ty"]))
        # Where no field may be absent and none holds an object, every frame has as many.
        fixed = (unseen + len(fields) if counter is None and not extras and not internal
                 and _all_required(cls, fields) else None)
        key = (unseen, extras, internal, inner, tuple(name for name, _, _ in nested), colons, fixed, deep)
        drop = (extras, internal, extras | internal) if extras or internal else None
        spec = _Count(unseen, counter, drop, colons, fixed, key, deep)
        known = self.counts.get(cls)
        if known is not None and known.key != key:
            self.uncounted.add(cls)
        self.counts[cls] = spec

    def fields_counters(self, fields: _t.List[_t.Dict[str, _t.Any]]) -> _t.Tuple[
            _t.List[_t.Tuple[str, _t.Callable[[_t.Any], int], bool]], int]:
        """The counters of the fields that can hold objects (name, counter, always there),
        and the deepest nesting among the fields."""
        nested: _t.List[_t.Tuple[str, _t.Callable[[_t.Any], int], bool]] = []
        depth = 0
        for f in fields:
            counter, d = self.field_counter(f)
            depth = max(depth, d)
            if counter is not None:
                nested.append((f["py"], counter, f["required"]))
        return nested, depth

    def field_counter(self, f: _t.Dict[str, _t.Any]) -> _t.Tuple[_t.Optional[_t.Callable[[_t.Any], int]], int]:
        counter, depth = self.counter(f["ty"])
        if counter is not None and f["nullable"]:
            counter = _or_none(counter)
        return counter, depth

    def counter(self, ty: _t.Dict[str, _t.Any]) -> _t.Tuple[_t.Optional[_t.Callable[[_t.Any], int]], int]:
        """The members a value of this type has (objects at any depth, in the value
        pydantic-core built), or None where it can have none; and its nesting depth."""
        kind = ty["kind"]
        if kind == "json":
            self.deep = True
            return _json_members, MAX_DEPTH + 1
        if kind in ("list", "nullable"):
            sub, depth = self.counter(ty["of"])
            if kind == "nullable":
                return (None if sub is None else _or_none(sub)), depth
            return (None if sub is None else _list_counter(sub)), depth + 1
        if kind == "tuple":
            subs = [self.counter(e) for e in ty["of"]]
            items = tuple((i, c) for i, (c, _) in enumerate(subs) if c is not None)
            return (_tuple_counter(items) if items else None), 1 + max((d for _, d in subs), default=0)
        if kind == "map":
            sub, depth = self.counter(ty["of"])
            return _map_counter(sub), depth + 1
        if kind == "one_of":
            return self.untagged_counter(ty["of"])
        if kind == "named":
            return self.named_counter(ty["of"])
        return None, 0

    def untagged_counter(self, u: _t.Dict[str, _t.Any]) -> _t.Tuple[_t.Callable[[_t.Any], int], int]:
        """Any variant's value, counted by what it is (a struct's class, a list, a map)."""
        depth = 0
        for v in u["variants"]:
            depth = max(depth, self.counter(v)[1])
        classes = self.class_counters

        def count(value: _t.Any) -> int:
            return _any_members(value, classes)

        return count, depth

    def named_counter(self, tid: int) -> _t.Tuple[_t.Optional[_t.Callable[[_t.Any], int]], int]:
        known = self.counters.get(tid)
        if known is not None:
            return known
        # A recursive type: counted through a cell filled below; its depth has no bound.
        cell: _t.List[_t.Callable[[_t.Any], int]] = [_no_members]

        def later(value: _t.Any) -> int:
            return cell[0](value)

        self.counters[tid] = (later, MAX_DEPTH + 1)
        d = self.c.types[tid]
        kind = d["kind"]
        result: _t.Tuple[_t.Optional[_t.Callable[[_t.Any], int]], int]
        if kind == "alias":
            result = self.counter(d["def"])
        elif kind == "enum":
            result = (None, 0)
        elif kind == "struct":
            result = self.struct_counter(self.codec.type_classes[tid], d["def"]["fields"])
        elif d["def"]["kind"] != "tagged":
            result = self.untagged_counter(d["def"])
        else:
            u = d["def"]
            base = u.get("base")
            base_fields = self.c.types[base]["def"]["fields"] if base is not None and self.c.types[base]["kind"] == "struct" else []
            by_class: _t.Dict[type, _t.Callable[[_t.Any], int]] = {}
            depth = 0
            for variant in u["variants"]:
                vd = self.c.types[variant]
                if vd["kind"] != "struct":
                    continue
                cls = self.codec.type_classes[variant]
                counter, dv = self.struct_counter(cls, base_fields + vd["def"]["fields"], register=False)
                by_class[cls] = counter
                depth = max(depth, dv)
            result = (_tagged_counter(by_class), depth)
        if result[1] > MAX_DEPTH:
            self.deep = True
        cell[0] = result[0] or _no_members
        self.counters[tid] = result
        return result

    def struct_counter(self, cls: type, fields: _t.List[_t.Dict[str, _t.Any]],
                       register: bool = True) -> _t.Tuple[_t.Callable[[_t.Any], int], int]:
        nested, depth = self.fields_counters(fields)
        inner = _nested_counter(nested, frozenset())
        count: _t.Callable[[_t.Any], int]
        if inner is None:
            count = _Fixed(len(fields)) if _all_required(cls, fields) else _fields_found
        else:
            def count(value: _t.Any) -> int:
                return len(value.__pydantic_fields_set__) + inner(value)
        if register:
            self.class_counters[cls] = count
        return count, depth + 1

    def field(self, cls: _t.Any, f: _t.Dict[str, _t.Any]) -> _t.Any:
        schema = self.type(f["ty"])
        if f["nullable"]:
            schema = _cs.nullable_schema(schema)
        if not f["required"]:
            info = cls.model_fields.get(f["py"])
            if info is None or info.is_required() or info.default_factory is not None:
                raise _Unsupported("an optional member without a default")
            schema = _cs.with_default_schema(schema, default=info.default)
        return schema

    def strings(self, cons: _t.Dict[str, _t.Any], pattern: _t.Optional[str]) -> _t.List[_t.Any]:
        """String checks: a format's pattern, the lengths, then each declared pattern."""
        ln = cons.get("len") or {}
        patterns = [self.pattern_schema(p) for p in cons.get("patterns", ())]
        if pattern is None and patterns and ln.get("min") is None and ln.get("max") is None:
            return patterns  # one string check fewer
        first = _cs.str_schema(strict=True, pattern=pattern, min_length=ln.get("min"), max_length=ln.get("max"))
        return [first] + patterns

    def pattern_schema(self, p: str) -> _t.Any:
        """A string check of one portable pattern: by pydantic-core's Rust `regex`, the
        engine the validator runs, with the Rust spelling; where that engine refuses it (a
        size limit) or none is given, by Python's `re` with the full path's spelling.
        Both search the string, as the portable meaning says."""
        known = self.pattern_schemas.get(p)
        if known is not None:
            return known
        schema = None
        rust = self.rust_patterns.get(p)
        if rust is not None:
            schema = _cs.str_schema(strict=True, pattern=rust)
            try:
                _SchemaValidator(schema)
            except Exception:
                schema = None
        if schema is None:
            schema = _cs.str_schema(strict=True, pattern=self.c.patterns[p], regex_engine="python-re")
        self.pattern_schemas[p] = schema
        return schema

    def type(self, ty: _t.Dict[str, _t.Any], carried: _t.Optional[_t.Dict[str, _t.Any]] = None) -> _t.Any:
        cons = carried if carried is not None else ty.get("constraints", _NO_CONS)
        kind = ty["kind"]
        allowed = _FAST_CONS.get(kind)
        if allowed is None or any(k not in allowed for k in cons if cons[k]):
            raise _Unsupported(f"a {kind} with {sorted(cons)}")
        if kind == "bool":
            return _cs.bool_schema(strict=True)
        if kind == "int":
            it = ty["of"]
            bits = it["bits"]
            lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if it["signed"] else (0, (1 << bits) - 1)
            bounds = _tighter({"ge": lo, "le": hi}, _bounds(cons.get("range"), True))
            if it["encoding"] == "number":
                return _cs.int_schema(strict=True, **bounds)
            return _cs.chain_schema([_cs.str_schema(strict=True, pattern=_FAST_DECIMAL), _cs.int_schema(**bounds)])
        if kind == "float":
            bounds = _bounds(cons.get("range"), False)
            if ty["of"] == "f32":
                bounds = _tighter({"ge": -_F32_MAX, "le": _F32_MAX}, bounds)
            return _cs.float_schema(strict=True, allow_inf_nan=False, **bounds)
        if kind == "string":
            return self.chain(self.strings(cons, None))
        if kind == "uuid":
            if not any(cons.values()):
                # pydantic-core's UUID reads the other spellings too (32 digits, braces, a
                # `urn:uuid:` prefix), but of 36 characters only 8-4-4-4-12: cheaper than
                # the pattern.
                return _cs.chain_schema([_cs.str_schema(strict=True, min_length=36, max_length=36), _cs.uuid_schema()])
            return self.chain(self.strings(cons, _FAST_UUID) + [_cs.uuid_schema()])
        if kind == "date":
            day = _cs.no_info_plain_validator_function(_dt.date.fromisoformat)
            return self.chain(self.strings(cons, _FAST_DAY) + [day])
        if kind == "date_time":
            enc = ty["of"]
            if enc in ("rfc3339", "local") and not cons.get("range"):
                pattern = _FAST_RFC3339 if enc == "rfc3339" else _FAST_LOCAL
                convert = _cs.no_info_plain_validator_function(_dt.datetime.fromisoformat)
                return self.chain(self.strings(cons, pattern) + [convert])
            if enc in ("unix_s", "unix_ms", "unix_us"):
                bounds = _tighter({"ge": -(1 << 63), "le": (1 << 63) - 1}, _bounds(cons.get("range"), True))
                return _cs.chain_schema([_cs.int_schema(strict=True, **bounds),
                                         _cs.no_info_plain_validator_function(_fast_epoch(enc))])
            # Float seconds or milliseconds: an integer stays one (the full path converts the
            # number as it came), within 2^53 so that its range is the float's.
            bounds = _bounds(cons.get("range"), False)
            number = _cs.union_schema([
                _cs.int_schema(strict=True, **_tighter({"ge": -(1 << 53), "le": 1 << 53}, bounds)),
                _cs.float_schema(strict=True, allow_inf_nan=False, **bounds),
            ], mode="left_to_right")
            return _cs.chain_schema([number, _cs.no_info_plain_validator_function(_fast_epoch(enc))])
        if kind == "null":
            return _cs.none_schema()
        if kind == "bytes":
            ln = cons.get("len") or {}
            steps: _t.List[_t.Any] = [
                _cs.str_schema(strict=True),
                _cs.no_info_plain_validator_function(_fast_base64(ty["of"] == "base64url")),
            ]
            if ln:
                steps.append(_cs.bytes_schema(min_length=ln.get("min"), max_length=ln.get("max")))
            return _cs.chain_schema(steps)
        if kind == "json":
            # Any JSON value, as pydantic-core reads it: the scans refuse `NaN` and integer
            # literals too long for the full path to read exactly.
            self.lenient = True
            self.json_values = True
            return _cs.any_schema()
        if kind == "list":
            ln = cons.get("len") or {}
            return _cs.list_schema(self.type(ty["of"]), strict=True, min_length=ln.get("min"), max_length=ln.get("max"))
        if kind == "tuple":
            return _cs.tuple_schema([self.type(e) for e in ty["of"]], strict=True)
        if kind == "map":
            ln = cons.get("len") or {}
            return _cs.dict_schema(_cs.str_schema(strict=True), self.type(ty["of"]), strict=True,
                                   min_length=ln.get("min"), max_length=ln.get("max"))
        if kind == "nullable":
            return _cs.nullable_schema(self.type(ty["of"], carried))
        if kind == "one_of":
            return self.untagged(ty["of"])
        return self.named(ty["of"], cons)

    def untagged(self, u: _t.Dict[str, _t.Any], ref: _t.Optional[str] = None) -> _t.Any:
        """An untagged union whose variants take disjoint JSON types: the one variant a
        value's type selects is the only one that can take it, which pydantic-core's union
        then finds (the full path selects by the type too, and checks that variant only)."""
        kinds = u.get("_kinds") or []
        variants = u["variants"]
        if len(kinds) != len(variants):
            raise _Unsupported("an untagged union without kinds")
        seen = 0
        disjoint = True
        for k in kinds:
            disjoint = disjoint and k != _ANY and not k & seen
            seen |= k
        if disjoint:
            return _cs.union_schema([self.type(v) for v in variants], mode="left_to_right", ref=ref)
        # Variants that share a JSON type: the full path's own selection, which also builds
        # its value, picks the one variant checked: by type, then by the members an object
        # has; in an ordered union, the first variant the full check takes the value as.
        choices: _t.Dict[int, _t.Any] = {}
        for i, v in enumerate(variants):
            saved = dict(self.defs)
            try:
                choices[i] = self.type(v)
            except _Unsupported:
                self.defs = saved
        if not choices:
            raise _Unsupported("an untagged union of no variant the fast path takes")
        return _cs.tagged_union_schema(choices, discriminator=_fast_select(self.c, self.from_, u), ref=ref)

    @staticmethod
    def chain(steps: _t.List[_t.Any]) -> _t.Any:
        return steps[0] if len(steps) == 1 else _cs.chain_schema(steps)

    def named(self, tid: int, cons: _t.Dict[str, _t.Any]) -> _t.Any:
        d = self.c.types[tid]
        kind = d["kind"]
        if kind == "alias":
            if tid in self.aliases:
                raise _Unsupported("an alias of itself")
            self.aliases.append(tid)
            try:
                return self.type(d["def"], cons)
            finally:
                self.aliases.pop()
        if any(cons.values()):
            raise _Unsupported("constraints on a named type")
        if kind == "struct":
            s = d["def"]
            reject = s["unknown_fields"][self.from_] == "reject"
            cls = self.codec.type_classes[tid]
            return self.ref(f"s{tid}", lambda ref: self.model(cls, s["fields"], {}, reject, [], ref))
        if kind == "enum":
            return self.enum(tid, d["def"])
        u = d["def"]
        if u["kind"] != "tagged":
            return self.ref(f"u{tid}", lambda ref: self.untagged(u, ref))
        field = u["field"]
        base = u.get("base")
        base_fields: _t.List[_t.Dict[str, _t.Any]] = []
        if base is not None:
            if self.c.types[base]["kind"] != "struct":
                raise _Unsupported("a base that is no struct")
            base_fields = self.c.types[base]["def"]["fields"]
        choices: _t.Dict[_t.Any, _t.Any] = {}
        variants = [self.c.types[v] for v in u["variants"]]
        if any(vd["kind"] != "struct" for vd in variants):
            raise _Unsupported("a variant that is no struct")
        kinds = _tag_kinds([vd["def"]["tag"] for vd in variants])
        # Tags of one kind: pydantic-core's lookup (with a guard of the JSON type for
        # integers and booleans); of several: the full path's own lookup picks the variant.
        mixed = bool(kinds & ~_STRING) and kinds not in (_INTEGER, _BOOL)
        guards = {} if kinds == _STRING or mixed else {field: "int" if kinds == _INTEGER else "bool"}
        for variant, vd in zip(u["variants"], variants):
            s = vd["def"]
            fields = base_fields + s["fields"]
            reject = s["unknown_fields"][self.from_] == "reject"
            cls = self.codec.type_classes[variant]

            def build(ref: str, cls: _t.Any = cls, fields: _t.Any = fields, reject: bool = reject) -> _t.Any:
                return self.model(cls, fields, {}, reject, [field], ref, guards)

            key = variant if mixed else s["tag"]
            if key not in choices:
                choices[key] = self.ref(f"v{variant}_{tid}", build)
        if mixed:
            return _cs.tagged_union_schema(choices, discriminator=_fast_tag(self.c, u))
        return _cs.tagged_union_schema(choices, discriminator=field)

    def enum(self, tid: int, e: _t.Dict[str, _t.Any]) -> _t.Any:
        cls = self.codec.type_classes[tid]
        members = list(cls.__members__.values())
        repr_ = e["repr"]
        if e["flags"]:
            if repr_["kind"] == "int":
                bits = repr_["bits"]
                lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if repr_["signed"] else (0, (1 << bits) - 1)
            else:
                lo, hi = -(1 << 127), (1 << 127) - 1
            every = 0
            for x in e["variants"]:
                if isinstance(x["value"], int) and not isinstance(x["value"], bool):
                    every |= x["value"]
            convert = _fast_flags(cls, None if e["open"] else every)
            return _cs.chain_schema([_cs.int_schema(strict=True, ge=lo, le=hi),
                                     _cs.no_info_plain_validator_function(convert)])
        if repr_["kind"] == "string":
            text = _cs.enum_schema(cls, members, sub_type="str", strict=True)
            if not e["open"]:
                return text
            return _cs.union_schema([text, _cs.str_schema(strict=True)], mode="left_to_right")
        if repr_["kind"] == "int":
            bits = repr_["bits"]
            lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if repr_["signed"] else (0, (1 << bits) - 1)
        else:
            lo, hi = -(1 << 127), (1 << 127) - 1
        number = _cs.int_schema(strict=True, ge=lo, le=hi)
        closed = _cs.chain_schema([number, _cs.enum_schema(cls, members, sub_type="int")])
        if not e["open"]:
            return closed
        return _cs.union_schema([closed, number], mode="left_to_right")

    def ref(self, key: str, build: _t.Callable[[str], _t.Any]) -> _t.Any:
        if key not in self.defs and key not in self.building:
            self.building.add(key)
            try:
                self.defs[key] = build(key)
            finally:
                self.building.discard(key)
        return _cs.definition_reference_schema(key)


def _all_required(cls: _t.Any, fields: _t.List[_t.Dict[str, _t.Any]]) -> bool:
    """Whether the fast schema takes no value of the class without every field: then its
    fields set always holds them all."""
    return len(fields) == len(cls.model_fields) and all(f["required"] for f in fields)


class _Fixed:
    """The counter of a struct whose value always has `members` members (`_all_required`,
    no object inside): lists of it are counted by their length."""

    __slots__ = ("members",)

    def __init__(self, members: int) -> None:
        self.members = members

    def __call__(self, value: _t.Any) -> int:
        return self.members


def _always_colons(ty: _t.Dict[str, _t.Any]) -> bool:
    """Whether every value of this type the fast schema takes is a string with two colons:
    a date-time read by `_FAST_RFC3339` or `_FAST_LOCAL`."""
    return (ty["kind"] == "date_time" and ty["of"] in ("rfc3339", "local")
            and not ty.get("constraints", _NO_CONS).get("range"))


class _Count(_t.NamedTuple):
    """How many members a frame of a top-level class has, from the value pydantic-core built:
    the fields it found (`__pydantic_fields_set__`), its extras, `unseen` members always
    there but read as unknown (tags), and `nested`'s count of the members of the objects
    inside. Never more than the frame's distinct members, and exactly them where the frame
    has no unknown member; `extras` and `internal` are dropped after counting."""

    unseen: int
    nested: _t.Optional[_t.Callable[[_t.Any], int]]
    #: The tags kept as extras and the guards to drop from the value, if any.
    drop: _t.Optional[_t.Tuple[_t.FrozenSet[str], _t.FrozenSet[str], _t.FrozenSet[str]]]
    #: The colons a frame's strings always hold where the text has no escape: two per
    #: date-time member that is always there (`hh:mm:ss`; the fast schema's pattern).
    colons: int
    #: The members of every frame of the class, where it is the same for all (no field
    #: may be absent, none holds an object): then the value is not counted.
    fixed: _t.Optional[int]
    #: What two builds of one class must agree on.
    key: _t.Tuple[_t.Any, ...]
    #: Whether a valid frame of the class can nest deeper than the limit or hold a value
    #: read unchecked (a recursive type, or any JSON value): only such a frame needs the
    #: depth, `NaN` and long-integer scans where its members are all counted.
    deep: bool = True


def _drop(value: _t.Any, drop: _t.Tuple[_t.FrozenSet[str], _t.FrozenSet[str], _t.FrozenSet[str]]) -> None:
    """The value the full path builds: no tags kept as extras, no guards (`drop`: the
    extras, the guards, and both)."""
    extras, internal, both = drop
    if extras:
        _object_setattr(value, "__pydantic_extra__", None)
    if internal:
        members = value.__dict__
        for name in internal:
            members.pop(name, None)
    # In place, as pydantic's own `__setattr__` adds to it: half the cost of a new set.
    value.__pydantic_fields_set__.difference_update(both)


def _no_members(value: _t.Any) -> int:
    return 0


def _never(value: _t.Any) -> int:
    """A value no counter knows: a count no frame has, so that the scans decide."""
    return -(1 << 40)


def _or_none(counter: _t.Callable[[_t.Any], int]) -> _t.Callable[[_t.Any], int]:
    def count(value: _t.Any) -> int:
        return 0 if value is None else counter(value)

    return count


_FIELDS_SET = operator.attrgetter("__pydantic_fields_set__")


def _fields_found(value: _t.Any) -> int:
    """A struct with no object inside: the members it has are the fields found."""
    return len(value.__pydantic_fields_set__)


def _list_counter(counter: _t.Callable[[_t.Any], int]) -> _t.Callable[[_t.Any], int]:
    if isinstance(counter, _Fixed):
        members = counter.members

        def fixed(value: _t.Any) -> int:
            return len(value) * members

        return fixed
    if counter is _fields_found:
        def found(value: _t.Any) -> int:
            return sum(map(len, map(_FIELDS_SET, value)))

        return found

    def count(value: _t.Any) -> int:
        return sum(map(counter, value))

    return count


def _tuple_counter(items: _t.Tuple[_t.Tuple[int, _t.Callable[[_t.Any], int]], ...]) -> _t.Callable[[_t.Any], int]:
    def count(value: _t.Any) -> int:
        return sum(counter(value[i]) for i, counter in items)

    return count


def _map_counter(counter: _t.Optional[_t.Callable[[_t.Any], int]]) -> _t.Callable[[_t.Any], int]:
    if counter is None:
        return len

    def count(value: _t.Any) -> int:
        return len(value) + sum(map(counter, value.values()))

    return count


def _tagged_counter(by_class: _t.Dict[type, _t.Callable[[_t.Any], int]]) -> _t.Callable[[_t.Any], int]:
    """A tagged union's value: its variant's members and the tag (read, then dropped)."""

    def count(value: _t.Any) -> int:
        return 1 + by_class.get(type(value), _never)(value)

    return count


def _with_extras(counter: _t.Optional[_t.Callable[[_t.Any], int]]) -> _t.Callable[[_t.Any], int]:
    """Tags kept as extras count as members too (pydantic-core also puts them in the fields
    set, which some versions may not)."""

    def count(value: _t.Any) -> int:
        n = len((value.__pydantic_extra__ or {}).keys() - value.__pydantic_fields_set__)
        return n if counter is None else n + counter(value)

    return count


def _nested_counter(nested: _t.Sequence[_t.Tuple[str, _t.Callable[[_t.Any], int], bool]],
                    inner: _t.FrozenSet[str]) -> _t.Optional[_t.Callable[[_t.Any], int]]:
    """The members inside a value's fields (a field the frame lacks holds its default,
    which is not counted), and its content member where only its fields tell it is there."""
    if not nested and not inner:
        return None
    items = tuple(nested)
    if len(items) == 1 and not inner:
        # One field with objects inside (a list of words): no loop.
        name, counter, always = items[0]
        get = operator.attrgetter(name)
        if always:
            def one(value: _t.Any) -> int:
                return counter(get(value))
        else:
            def one(value: _t.Any) -> int:
                return counter(get(value)) if name in value.__pydantic_fields_set__ else 0
        return one

    def count(value: _t.Any) -> int:
        found = value.__pydantic_fields_set__
        n = 0
        for name, counter, always in items:
            if always or name in found:
                n += counter(getattr(value, name))
        if inner and not inner.isdisjoint(found):
            n += 1
        return n

    return count


def _json_members(value: _t.Any) -> int:
    """The members of every object in a JSON value, at any depth: a loop over its objects
    and arrays (a third faster than a recursion into every value)."""
    t = type(value)
    if t is not dict and t is not list:
        return 0
    n = 0
    stack = [value]
    pop, push = stack.pop, stack.append
    while stack:
        v = pop()
        if type(v) is dict:
            n += len(v)
            items = v.values()
        else:
            items = v
        for x in items:
            t = type(x)
            if t is dict or t is list:
                push(x)
    return n


def _any_members(value: _t.Any, classes: _t.Dict[type, _t.Callable[[_t.Any], int]]) -> int:
    """A value of an untagged union: a struct by its class, lists and maps by their items (a
    class no counter knows counts none: then the scans decide)."""
    counter = classes.get(type(value))
    if counter is not None:
        return counter(value)
    t = type(value)
    if t is dict:
        return len(value) + sum(_any_members(x, classes) for x in value.values())
    if t is list or t is tuple:
        return sum(_any_members(x, classes) for x in value)
    return 0


def _drop_tags(extras: _t.FrozenSet[str], internal: _t.FrozenSet[str]) -> _t.Callable[[_t.Any], _t.Any]:
    """After a model that kept its tags as extras, or read them under internal names: the
    value the full path builds."""

    what = (extras, internal, extras | internal)

    def drop(value: _t.Any) -> _t.Any:
        _drop(value, what)
        return value

    return drop


def _fast_select(checker: _Checker, from_: str,
                 u: _t.Dict[str, _t.Any]) -> _t.Callable[[_t.Any], _t.Optional[int]]:
    """The variant of an untagged union a value is, as the full path picks it
    (`_Checker.variant`): its index."""
    index = {id(v): i for i, v in enumerate(u["variants"])}

    def select(value: _t.Any) -> _t.Optional[int]:
        chosen = checker.variant(from_, u, value)
        return None if chosen is None else index[id(chosen)]

    return select


def _fast_dispatch(checker: _Checker, from_: str) -> _t.Callable[[_t.Any], _t.Optional[int]]:
    """The message a frame is, by the full path's own dispatch (tags, key members,
    structure, fallback): its index, or None (an unknown frame, or no message)."""

    def select(value: _t.Any) -> _t.Optional[int]:
        if not isinstance(value, dict):
            return None
        kind = _Run(checker, from_).dispatch(value)
        if isinstance(kind, FrameError) or kind[0] != "message":
            return None
        return int(kind[1])

    return select


def _fast_tag(checker: _Checker, u: _t.Dict[str, _t.Any]) -> _t.Callable[[_t.Any], _t.Optional[int]]:
    """The variant of a tagged union a value is, by the full path's lookup of its tag."""
    index = checker.union_index[id(u)]
    field = u["field"]

    def select(value: _t.Any) -> _t.Optional[int]:
        if not isinstance(value, dict) or field not in value:
            return None
        right, tid = _lookup(index, value[field])
        return tid if right else None

    return select


def _refuse(v: _t.Any) -> _t.Any:
    raise ValueError("a member that must be absent")


def _fast_flags(cls: _t.Any, every: _t.Optional[int]) -> _t.Callable[[int], _t.Any]:
    """Flags as the full path builds them; a closed set refuses bits that are no flag."""

    def convert(n: int) -> _t.Any:
        if every is not None and n & ~every:
            raise ValueError("bits that are no flag")
        try:
            return cls(n)
        except ValueError:
            return n

    return convert


def _fast_epoch(enc: str) -> _t.Callable[[_t.Any], _t.Any]:
    def convert(v: _t.Any) -> _t.Any:
        return _from_epoch(enc, v)

    return convert


def _fast_base64(url: bool) -> _t.Callable[[str], bytes]:
    def decode(s: str) -> bytes:
        data = base64_decode(s, url)
        if data is None:
            raise ValueError("not canonical base64")
        return data

    return decode


def _fast_validator(builder: _FastBuilder) -> _t.Optional[_t.Callable[..., _t.Any]]:
    """The side's pydantic-core validator, or None where the fast path has nothing to take.

    pydantic-core reuses a model class's own (lax) validator for any schema of that class
    once the class is complete, so the classes are marked incomplete while the schema is
    compiled; a probe checks that the schema compiled is this one."""
    try:
        root = builder.side()
    except _Unsupported as e:
        builder.skipped["*"] = str(e)
        return None
    except Exception as e:  # a pydantic-core whose schema functions differ: the full path only
        builder.skipped["*"] = f"pydantic-core: {e!r}"
        return None
    classes = sorted(builder.classes, key=lambda k: k.__qualname__)
    marked = [k for k in classes if k.__dict__.get("__pydantic_complete__")]
    try:
        for k in marked:
            setattr(k, "__pydantic_complete__", False)
        validator = _SchemaValidator(root)
        probe = _SchemaValidator(_cs.model_schema(classes[0], _cs.model_fields_schema({}, extra_behavior="forbid")))
    except Exception as e:  # a pydantic-core that does not take this schema: the full path only
        builder.skipped["*"] = f"pydantic-core refused the schema: {e}"
        return None
    finally:
        for k in marked:
            setattr(k, "__pydantic_complete__", True)
    try:
        probe.validate_python({"\x00probe": 0})
        builder.skipped["*"] = "pydantic-core compiled the class's own schema"
        return None
    except Exception as e:
        if "extra_forbidden" not in str(e):
            builder.skipped["*"] = "pydantic-core compiled the class's own schema"
            return None
    return validator.validate_json


def _no_repeated_names(frame: _t.Union[str, bytes]) -> bool:
    """Exactly: no object of the frame repeats a member name (or the text is no JSON)."""
    try:
        json.loads(frame, object_pairs_hook=_pairs)
    except (_JsonError, ValueError, RecursionError):
        return False
    return True


def _distinct_names(frame: _t.Union[str, bytes], parts: _t.Sequence[_t.Any]) -> bool:
    """Exactly: no object repeats a member name, for a JSON text without a backslash split
    at its quotes (every `"` delimits a string: the strings are at the odd places)."""
    stack: _t.List[_t.Set[_t.Any]] = []
    names: _t.Set[_t.Any] = set()
    opens, closes, colon = ("{", "}", ":") if isinstance(frame, str) else (b"{", b"}", b":")
    for before, name, after in zip(parts[0::2], parts[1::2], parts[2::2]):
        if opens in before or closes in before:
            first_open = before.find(opens)
            if first_open != -1 and before.rfind(closes) > first_open:
                # An object opens and closes between two strings (`{}`): the exact check.
                return _no_repeated_names(frame)
            for _ in range(before.count(closes)):
                if not stack:
                    return False
                names = stack.pop()
            for _ in range(before.count(opens)):
                stack.append(names)
                names = set()
        if after[:1] == colon or after.lstrip()[:1] == colon:
            if name in names:
                return False
            names.add(name)
    return True


#: Every ASCII digit made `0`, every other byte a space: a run of `_LONG_INT` digits is
#: then a run of as many `0`s, which a substring search finds (about ten times as fast as
#: `re`'s `[0-9]{45}`, which tries every position).
_DIGIT_RUNS = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_LONG_RUN = b"0" * _LONG_INT


def _long_digits(frame: _t.Union[str, bytes]) -> bool:
    """Whether the text has `_LONG_INT` ASCII digits in a row (an integer literal the full
    path keeps as its text, or a long run of digits in a string)."""
    if len(frame) < _LONG_INT:
        return False
    raw = frame.encode("utf-8", "surrogatepass") if type(frame) is str else frame
    return _LONG_RUN in raw.translate(_DIGIT_RUNS)


def _scans(frame: _t.Any, lenient: bool, long_ints: bool) -> bool:
    """What pydantic-core's reader does not check, for a frame whose members the value does
    not account for: depth, `NaN` and `Infinity`, long integers, repeated names."""
    if type(frame) is str:
        # Depth: 128 levels take at least 256 characters, and a bracket each.
        if len(frame) > 255 and frame.count("{") + frame.count("[") > MAX_DEPTH:
            return False
        if lenient and ("NaN" in frame or "Infinity" in frame):
            return False
        if long_ints and _long_digits(frame):
            return False
        # Repeated names: with no escape, every `"` delimits a string, and if no string
        # repeats, no name does; else the exact (slower) check.
        if "\\" in frame:
            return _no_repeated_names(frame)
        parts = frame.split('"')
        strings = parts[1::2]
        return len(set(strings)) == len(strings) or _distinct_names(frame, parts)
    if len(frame) > 255 and frame.count(b"{") + frame.count(b"[") > MAX_DEPTH:
        return False
    if lenient and (b"NaN" in frame or b"Infinity" in frame):
        return False
    if long_ints and _long_digits(frame):
        return False
    if b"\\" in frame:
        return _no_repeated_names(frame)
    raw = frame.split(b'"')
    strings = raw[1::2]
    return len(set(strings)) == len(strings) or _distinct_names(frame, raw)


def _bytes_counted(frame: bytes, n: int, colons: int, deep: bool, long_ints: bool) -> bool:
    """The fast parser's count for a frame given as bytes (see `_fast_parser`): whether `n`
    members account for the text, which then needs no scans."""
    if (frame.count(b":") - colons != n or (colons and b"\\" in frame)) and (
            n != frame.replace(b" ", b'"').count(b'":') or (
                (b"\t" in frame or b"\n" in frame or b"\r" in frame)
                and (b"\t:" in frame or b"\n:" in frame or b"\r:" in frame))):
        return False
    return not ((deep and len(frame) > 255 and frame.count(b"{") + frame.count(b"[") > MAX_DEPTH) or (
        long_ints and (b"NaN" in frame or b"Infinity" in frame or _long_digits(frame))))


def _fast_finish(counts: _t.Dict[type, _Count], lenient: bool, long_ints: bool,
                 deep: bool = True) -> _t.Callable[[_t.Any, _t.Any], bool]:
    """`finish(frame, value)`: whether the value pydantic-core built from the frame is the
    message (after dropping what the full path does not keep), or the full check must decide.

    pydantic-core's reader takes repeated member names (the last one wins), so the value
    has fewer members than the frame where a name repeats. Where every member of the frame
    is one the value holds (no unknown member), a count of the text that is at least the
    number of members equals the count of members in the value, which is at most the number
    of distinct ones, only if no name repeats. The text's colons less those its strings are
    known to hold (`_Count.colons`) is such a count, and the cheapest; the `":` in the text
    (spaces made quotes) is the other, for frames with colons in other strings. Such a frame
    also has no `NaN` (only unknown members and JSON values are read unchecked) and no
    nesting beyond the types' (`deep`: a type without bound). Any other frame takes the
    scans (`_scans`). `_Fast.hot` is the common case of this, inlined in the generated
    `parse_*_message`."""

    def finish(frame: _t.Any, value: _t.Any) -> bool:
        t = type(frame)
        count = counts.get(type(value))
        if count is None:
            return (t is str or t is bytes) and _scans(frame, lenient, long_ints)
        n = count[4]
        if n is None:
            n = len(value.__pydantic_fields_set__) + count[0]
            if count[1] is not None:
                n += count[1](value)
        if t is str:
            # Every member has its colon, and the strings hold the others: at least the
            # date-times' where no escape spells one. Else the `":` count: spaces made
            # quotes, so a name and its colon apart count too (a tab, line feed or carriage
            # return before a colon takes the scans).
            if (frame.count(":") - count[3] != n or (count[3] and "\\" in frame)) and (
                    n != frame.replace(" ", '"').count('":') or (
                        ("\t" in frame or "\n" in frame or "\r" in frame)
                        and ("\t:" in frame or "\n:" in frame or "\r:" in frame))):
                if not _scans(frame, lenient, long_ints):
                    return False
            elif count[6] and (
                    (deep and len(frame) > 255 and frame.count("{") + frame.count("[") > MAX_DEPTH) or (
                        long_ints and ("NaN" in frame or "Infinity" in frame or _long_digits(frame)))):
                return False
        elif t is not bytes or (not _bytes_counted(frame, n, count[3], deep and count[6], long_ints and count[6])
                                and not _scans(frame, lenient, long_ints)):
            return False
        if count[2] is not None:
            _drop(value, count[2])
        return True

    return finish


def _fast_parser(validate: _t.Optional[_t.Callable[..., _t.Any]], counts: _t.Dict[type, _Count],
                 lenient: bool, long_ints: bool, deep: bool = True,
                 hot: _t.Optional[_t.Dict[type, int]] = None,
                 finish: _t.Optional[_t.Callable[[_t.Any, _t.Any], bool]] = None) -> _t.Callable[[_t.Any], _t.Any]:
    """`parse(frame)`: the typed value, or None when the full check must decide: `validate`
    (pydantic-core), then the hot test of `_Fast.hot` (as the generated `parse_*_message`
    has it), then `finish` (`_fast_finish` of the same counts, unless given)."""
    if validate is None:
        return lambda frame: None
    check = validate
    done = finish if finish is not None else _fast_finish(counts, lenient, long_ints, deep)
    base_of = (hot or {}).get

    def parse(frame: _t.Any) -> _t.Any:
        try:
            value = check(frame)  # a `str`, `bytes` or `bytearray`, or it raises
        except ValueError:
            return None
        base = base_of(type(value))
        if (base is not None and type(frame) is str and frame.count(":") == base + len(value.__pydantic_fields_set__)
                and "\\" not in frame):
            return value
        return value if done(frame, value) else None

    return parse


def _no_fast_schema(frame: _t.Any) -> _t.Any:
    """The check of a side with no fast schema: every frame takes the full path."""
    raise ValueError("no fast path")


def _not_finished(frame: _t.Any, value: _t.Any) -> bool:
    return False


class _Fast:
    """The fast path of each side (`client`, `server`), in the pieces the generated
    `parse_*_message` runs (docs/python.md, "The fast path"):

    - `checks[side]`: pydantic-core's `validate_json` of the side's strict schema, which
      raises `ValueError` where the full check must decide (`_no_fast_schema` for a side
      with none);
    - `hot[side]`: the common case of the count of `_fast_finish`, by the value's class:
      `base` such that a text with `base + len(value.__pydantic_fields_set__)` colons and
      no backslash is the message. Only classes whose value is counted by its fields set
      alone (no object inside, nothing to drop, so no nesting beyond the limit and no value
      read unchecked: `_Count.deep` is false);
    - `finish[side]`: `_fast_finish`, for every other value;
    - `parsers[side]`: all three, giving the value or None (for tests and benchmarks)."""

    def __init__(self, checker: _Checker, codec: "_Codec",
                 patterns: _t.Optional[_t.Dict[str, str]] = None) -> None:
        self.parsers: _t.Dict[str, _t.Callable[[_t.Any], _t.Any]] = {}
        self.validators: _t.Dict[str, _t.Optional[_t.Callable[..., _t.Any]]] = {}
        self.checks: _t.Dict[str, _t.Callable[..., _t.Any]] = {}
        self.hot: _t.Dict[str, _t.Dict[type, int]] = {}
        self.finish: _t.Dict[str, _t.Callable[[_t.Any, _t.Any], bool]] = {}
        self.skipped: _t.Dict[str, _t.Dict[str, str]] = {}
        for side in ("client", "server"):
            builder = _FastBuilder(checker, codec, side, patterns or {})
            validate = _fast_validator(builder)
            self.validators[side] = validate
            self.skipped[side] = builder.skipped
            counts = {cls: (spec._replace(unseen=-(1 << 40), fixed=None) if cls in builder.uncounted else spec)
                      for cls, spec in builder.counts.items()}
            hot = {cls: spec.unseen + spec.colons for cls, spec in builder.counts.items()
                   if cls not in builder.uncounted and spec.nested is None and spec.drop is None and not spec.deep}
            self.hot[side] = hot if validate is not None else {}
            self.checks[side] = validate if validate is not None else _no_fast_schema
            self.finish[side] = (_fast_finish(counts, builder.lenient, builder.json_values, builder.deep)
                                 if validate is not None else _not_finished)
            self.parsers[side] = _fast_parser(validate, counts, builder.lenient, builder.json_values, builder.deep,
                                              self.hot[side], self.finish[side])
