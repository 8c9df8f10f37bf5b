// ---------------------------------------------------------------------------------------
// The sockspec runtime: the same in every generated module, so the module depends on
// nothing. A strict JSON reader (docs/json.md), the error type of DESIGN §4, and the
// checks of scalars and formats that every validator of sockspec shares.

/** One problem in a frame: where (a JSON Pointer), what kind, and a sentence for a person. */
export interface SockspecIssue {
  readonly path: string;
  readonly code: SockspecErrorCode;
  readonly message: string;
}

/** The fixed set of error codes of sockspec (DESIGN §4). */
export type SockspecErrorCode =
  | "invalid_json"
  | "unknown_tag"
  | "missing_field"
  | "wrong_type"
  | "out_of_range"
  | "unknown_value"
  | "bad_length"
  | "pattern_mismatch"
  | "unknown_field"
  | "bad_format";

/** A frame that is not a valid message: every error found in it. */
export class SockspecError extends globalThis.Error {
  readonly errors: readonly SockspecIssue[];
  constructor(errors: readonly SockspecIssue[]) {
    const first = errors[0];
    const where = first === undefined ? "" : `${first.path === "" ? "(frame)" : first.path}: ${first.code}: ${first.message}`;
    super(errors.length === 1 ? where : `${where} (and ${errors.length - 1} more)`);
    this.name = "SockspecError";
    this.errors = errors;
  }
}

/** The outcome of a parse: the typed value, or every error. */
export type SockspecResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: readonly SockspecIssue[] };

/** Any JSON value, as a parser returns it: integers beyond 2^53 as `bigint`. */
export type SockspecJson = null | boolean | number | bigint | string | SockspecJson[] | { [key: string]: SockspecJson };

/** The most errors one frame reports. */
const $MAX_ERRORS = 100;
/** The deepest nesting of arrays and objects a frame may have. */
const $MAX_DEPTH = 127;

// ---- the JSON reader ----

/** A number as written: its text, and whether it is an integer literal. */
class $JNum {
  constructor(
    readonly raw: string,
    readonly int: boolean,
  ) {}
}

/** An object: its members in order, never a name twice. */
class $JObj {
  /** By name, once the object is large enough that a search would cost more. */
  private index: Map<string, number> | null = null;
  constructor(
    readonly keys: string[],
    readonly vals: $J[],
  ) {
    if (keys.length > 8) this.indexAll();
  }

  private indexAll(): void {
    const index = new Map<string, number>();
    for (let i = 0; i < this.keys.length; i++) index.set(this.keys[i] as string, i);
    this.index = index;
  }

  /** Where a member is, or -1. */
  find(name: string): number {
    if (this.index !== null) return this.index.get(name) ?? -1;
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === name) return i;
    return -1;
  }

  get(name: string): $J | undefined {
    const i = this.find(name);
    return i < 0 ? undefined : this.vals[i];
  }

  has(name: string): boolean {
    return this.find(name) >= 0;
  }

  /** Adds a member; false if the name is there already. */
  add(name: string, v: $J): boolean {
    if (this.find(name) >= 0) return false;
    this.keys.push(name);
    this.vals.push(v);
    if (this.index !== null) this.index.set(name, this.keys.length - 1);
    else if (this.keys.length > 8) this.indexAll();
    return true;
  }
}

type $J = null | boolean | string | $JNum | $J[] | $JObj;

class $JsonSyntaxError {
  constructor(readonly message: string) {}
}

function $isWs(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

class $Reader {
  i = 0;
  constructor(readonly s: string) {}

  fail(what: string): never {
    throw new $JsonSyntaxError(`${what} at character ${this.i}`);
  }

  ws(): void {
    const s = this.s;
    while (this.i < s.length && $isWs(s.charCodeAt(this.i))) this.i++;
  }

  value(depth: number): $J {
    this.ws();
    const s = this.s;
    const c = s.charCodeAt(this.i);
    switch (c) {
      case 0x7b: // {
        return this.object(depth + 1);
      case 0x5b: // [
        return this.array(depth + 1);
      case 0x22: // "
        return this.string();
      case 0x74: // t
        return this.literal("true", true);
      case 0x66: // f
        return this.literal("false", false);
      case 0x6e: // n
        return this.literal("null", null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
        return this.fail(this.i >= s.length ? "unexpected end of text" : "unexpected character");
    }
  }

  literal<T extends $J>(word: string, v: T): T {
    if (this.s.startsWith(word, this.i)) {
      this.i += word.length;
      return v;
    }
    return this.fail("unexpected character");
  }

  number(): $JNum {
    const s = this.s;
    const start = this.i;
    let i = start;
    let int = true;
    let c = s.charCodeAt(i);
    if (c === 0x2d) c = s.charCodeAt(++i);
    if (c === 0x30) c = s.charCodeAt(++i);
    else if (c >= 0x31 && c <= 0x39) {
      do c = s.charCodeAt(++i);
      while (c >= 0x30 && c <= 0x39);
    } else {
      this.i = i;
      this.fail("a digit expected");
    }
    if (c === 0x2e) {
      int = false;
      c = s.charCodeAt(++i);
      if (!(c >= 0x30 && c <= 0x39)) {
        this.i = i;
        this.fail("a digit expected after the decimal point");
      }
      do c = s.charCodeAt(++i);
      while (c >= 0x30 && c <= 0x39);
    }
    if (c === 0x65 || c === 0x45) {
      int = false;
      c = s.charCodeAt(++i);
      if (c === 0x2b || c === 0x2d) c = s.charCodeAt(++i);
      if (!(c >= 0x30 && c <= 0x39)) {
        this.i = i;
        this.fail("a digit expected in the exponent");
      }
      do c = s.charCodeAt(++i);
      while (c >= 0x30 && c <= 0x39);
    }
    this.i = i;
    return new $JNum(s.slice(start, i), int);
  }

  string(): string {
    const s = this.s;
    let i = this.i + 1; // past the opening quote
    let start = i;
    let out = "";
    for (;;) {
      // Characters that stand for themselves, up to the next quote, backslash, control
      // character or surrogate.
      let c = s.charCodeAt(i);
      while (c >= 0x20 && c !== 0x22 && c !== 0x5c && (c < 0xd800 || c > 0xdfff)) c = s.charCodeAt(++i);
      if (c === 0x22) {
        this.i = i + 1;
        return start === i && out === "" ? "" : out + s.slice(start, i);
      }
      this.i = i;
      if (i >= s.length) this.fail("unterminated string");
      if (c < 0x20) this.fail("a control character in a string");
      if (c >= 0xd800 && c <= 0xdfff) {
        // Raw text is Unicode: a surrogate stands only in a pair.
        const next = s.charCodeAt(i + 1);
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          i += 2;
          continue;
        }
        this.fail("a lone surrogate in the text");
      }
      out += s.slice(start, i);
      // A backslash.
      this.i++;
      const e = s.charCodeAt(this.i);
      this.i++;
      switch (e) {
        case 0x22:
          out += '"';
          break;
        case 0x5c:
          out += "\\";
          break;
        case 0x2f:
          out += "/";
          break;
        case 0x62:
          out += "\b";
          break;
        case 0x66:
          out += "\f";
          break;
        case 0x6e:
          out += "\n";
          break;
        case 0x72:
          out += "\r";
          break;
        case 0x74:
          out += "\t";
          break;
        case 0x75: {
          const u = this.hex();
          if (u >= 0xdc00 && u <= 0xdfff) this.fail("a lone low surrogate escape");
          if (u >= 0xd800 && u <= 0xdbff) {
            if (s.charCodeAt(this.i) !== 0x5c || s.charCodeAt(this.i + 1) !== 0x75) this.fail("a lone high surrogate escape");
            this.i += 2;
            const low = this.hex();
            if (low < 0xdc00 || low > 0xdfff) this.fail("a high surrogate escape without its low surrogate");
            out += String.fromCharCode(u, low);
          } else {
            out += String.fromCharCode(u);
          }
          break;
        }
        default:
          this.i--;
          this.fail("an unknown escape");
      }
      i = this.i;
      start = i;
    }
  }

  hex(): number {
    const h = this.s.slice(this.i, this.i + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(h)) this.fail("four hexadecimal digits expected");
    this.i += 4;
    return parseInt(h, 16);
  }

  array(depth: number): $J[] {
    if (depth > $MAX_DEPTH) this.fail(`nesting deeper than ${$MAX_DEPTH} levels`);
    this.i++;
    const items: $J[] = [];
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x5d) {
      this.i++;
      return items;
    }
    for (;;) {
      items.push(this.value(depth));
      this.ws();
      const c = this.s.charCodeAt(this.i);
      this.i++;
      if (c === 0x5d) return items;
      if (c !== 0x2c) {
        this.i--;
        this.fail("`,` or `]` expected");
      }
    }
  }

  object(depth: number): $JObj {
    if (depth > $MAX_DEPTH) this.fail(`nesting deeper than ${$MAX_DEPTH} levels`);
    this.i++;
    const o = new $JObj([], []);
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x7d) {
      this.i++;
      return o;
    }
    for (;;) {
      this.ws();
      if (this.s.charCodeAt(this.i) !== 0x22) this.fail("a member name expected");
      const name = this.string();
      this.ws();
      if (this.s.charCodeAt(this.i) !== 0x3a) this.fail("`:` expected");
      this.i++;
      if (!o.add(name, this.value(depth))) this.fail(`the member name ${JSON.stringify(name)} appears twice`);
      this.ws();
      const c = this.s.charCodeAt(this.i);
      this.i++;
      if (c === 0x7d) return o;
      if (c !== 0x2c) {
        this.i--;
        this.fail("`,` or `}` expected");
      }
    }
  }
}

const $utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** A frame's text: a string as it is, bytes decoded strictly as UTF-8 (a byte order mark
 * stays a character, which no JSON text starts with); undefined for bytes that are not. */
function $text(text: string | Uint8Array): string | undefined {
  if (typeof text === "string") return text;
  try {
    return $utf8.decode(text);
  } catch {
    return undefined;
  }
}

/** Reads one JSON text strictly (docs/json.md); a string describing the problem if it is none. */
function $readJson(text: string | Uint8Array): $J | $JsonSyntaxError {
  const s = $text(text);
  if (s === undefined) return new $JsonSyntaxError("the bytes are not UTF-8");
  const r = new $Reader(s);
  try {
    const v = r.value(0);
    r.ws();
    if (r.i < s.length) r.fail("text after the JSON value");
    return v;
  } catch (e) {
    if (e instanceof $JsonSyntaxError) return e;
    throw e;
  }
}

/**
 * Reads one JSON text with the rules of every sockspec reader (docs/json.md): a repeated
 * member name, a lone surrogate or nesting beyond 127 levels is an error, and integers
 * beyond 2^53 stay exact (as `bigint`). Throws a {@link SockspecError} with one
 * `invalid_json` error otherwise.
 */
export function parseSockspecJson(text: string | Uint8Array): SockspecJson {
  const v = $readJson(text);
  if (v instanceof $JsonSyntaxError) {
    throw new SockspecError([{ path: "", code: "invalid_json", message: `not one JSON text: ${v.message}` }]);
  }
  return $json(v);
}

// ---- errors and paths ----

/** One validation: the side that sent the frame and the errors found so far. */
class $Ctx {
  readonly errors: SockspecIssue[] = [];
  constructor(readonly from: "client" | "server") {}
}

function $err(c: $Ctx, path: string, code: SockspecErrorCode, message: string): undefined {
  if (c.errors.length < $MAX_ERRORS) c.errors.push({ path, code, message });
  return undefined;
}

/** Sets a member, `__proto__` included (as an own member, never the prototype). */
function $set<T>(o: Record<string, T>, key: string, v: T): void {
  if (key === "__proto__") Object.defineProperty(o, key, { value: v, enumerable: true, writable: true, configurable: true });
  else o[key] = v;
}

/** A member name as a JSON Pointer segment. */
function $seg(name: string): string {
  return "/" + name.replace(/~/g, "~0").replace(/\//g, "~1");
}

function $kind(v: $J): number {
  if (v === null) return 1;
  if (typeof v === "boolean") return 2;
  if (typeof v === "string") return 16;
  if (v instanceof $JNum) return v.int ? 4 : 8;
  if (Array.isArray(v)) return 32;
  return 64;
}

const $KIND_NAMES = ["null", "a boolean", "an integer", "a number with a fraction or exponent", "a string", "an array", "an object"];

function $described(v: $J): string {
  return $KIND_NAMES[Math.log2($kind(v))] ?? "a value";
}

function $describeKinds(kinds: number): string {
  if (kinds === 0x7f) return "any value";
  const parts: string[] = [];
  if ((kinds & 12) === 12) parts.push("a number");
  for (let i = 0; i < 7; i++) {
    const bit = 1 << i;
    if ((kinds & bit) !== 0 && !((kinds & 12) === 12 && (bit & 12) !== 0)) parts.push($KIND_NAMES[i] ?? "");
  }
  return parts.join(" or ");
}

function $wrong(c: $Ctx, p: string, expected: string, v: $J): undefined {
  return $err(c, p, "wrong_type", `expected ${expected}, found ${$described(v)}`);
}

function $quote(s: string): string {
  const chars = Array.from(s);
  return chars.length <= 64 ? JSON.stringify(s) : `${JSON.stringify(chars.slice(0, 64).join(""))}… (${chars.length} characters)`;
}

// ---- constraints ----

/** A limit of a range: an integer (`bigint`) or a float, and whether it is excluded. */
type $Lim = readonly [value: bigint | number, exclusive: boolean];

/** The constraints at one use site: range, length, patterns. */
interface $Cons {
  readonly min?: $Lim;
  readonly max?: $Lim;
  readonly lmin?: number;
  readonly lmax?: number;
  readonly pat?: readonly RegExp[];
  readonly text?: string;
}

const $NONE: $Cons = {};

/** A float against an integer, exactly: negative, zero or positive. */
function $cmpFI(f: number, i: bigint): number {
  if (Number.isNaN(f)) return 0;
  if (f === Infinity) return 1;
  if (f === -Infinity) return -1;
  const whole = Math.trunc(f);
  const w = BigInt(whole);
  if (w !== i) return w < i ? -1 : 1;
  return f === whole ? 0 : f > whole ? 1 : -1;
}

function $cmp(x: bigint | number, l: bigint | number): number {
  if (typeof x === "bigint") {
    if (typeof l === "bigint") return x < l ? -1 : x > l ? 1 : 0;
    return -$cmpFI(l, x);
  }
  if (typeof l === "bigint") return $cmpFI(x, l);
  return x < l ? -1 : x > l ? 1 : 0;
}

function $inRange(k: $Cons, x: bigint | number): boolean {
  if (k.min !== undefined) {
    const o = $cmp(x, k.min[0]);
    if (o < 0 || (o === 0 && k.min[1])) return false;
  }
  if (k.max !== undefined) {
    const o = $cmp(x, k.max[0]);
    if (o > 0 || (o === 0 && k.max[1])) return false;
  }
  return true;
}

function $range(c: $Ctx, p: string, k: $Cons, x: bigint | number, shown: string): void {
  if ((k.min !== undefined || k.max !== undefined) && !$inRange(k, x)) {
    $err(c, p, "out_of_range", `${shown} is out of range${k.text === undefined ? "" : `: expected ${k.text}`}`);
  }
}

function $len(c: $Ctx, p: string, k: $Cons, n: number, unit: string): void {
  if ((k.lmin !== undefined && n < k.lmin) || (k.lmax !== undefined && n > k.lmax)) {
    const want = k.lmin === k.lmax ? `exactly ${k.lmin}` : k.lmax === undefined ? `at least ${k.lmin}` : k.lmin === undefined ? `at most ${k.lmax}` : `${k.lmin} to ${k.lmax}`;
    $err(c, p, "bad_length", `${n} ${unit}, expected ${want}`);
  }
}

function $codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    if (u >= 0xd800 && u <= 0xdbff) {
      n--;
      i++;
    }
  }
  return n;
}

function $strCons(c: $Ctx, p: string, k: $Cons, s: string): void {
  if (k.lmin !== undefined || k.lmax !== undefined) $len(c, p, k, $codePoints(s), "characters");
  if (k.pat !== undefined) {
    for (const re of k.pat) {
      if (!re.test(s)) {
        $err(c, p, "pattern_mismatch", `${$quote(s)} does not match the pattern ${re.source}`);
        break;
      }
    }
  }
}

// ---- scalars ----

function $bool(v: $J, p: string, c: $Ctx): boolean | undefined {
  if (typeof v === "boolean") return v;
  return $wrong(c, p, "a boolean", v);
}

function $null(v: $J, p: string, c: $Ctx): null | undefined {
  if (v === null) return null;
  return $wrong(c, p, "null", v);
}

const $DECIMAL = /^-?(0|[1-9][0-9]*)$/;

/** An integer of a width: `big` gives a `bigint`, else a `number` (exact below 2^53). */
function $int(v: $J, p: string, c: $Ctx, name: string, min: bigint, max: bigint, str: boolean, big: boolean, k: $Cons): bigint | number | undefined {
  let raw: string;
  if (str) {
    if (typeof v !== "string") return $wrong(c, p, `a string of decimal digits (${name})`, v);
    if (!$DECIMAL.test(v)) return $err(c, p, "bad_format", `${$quote(v)} is not a decimal integer (${name} as a string)`);
    raw = v;
  } else {
    if (!(v instanceof $JNum)) return $wrong(c, p, `an integer (${name})`, v);
    if (!v.int) return $wrong(c, p, `an integer (${name}) written without fraction or exponent`, v);
    raw = v.raw;
  }
  if (raw.length <= 15) {
    // Exact as a double: no BigInt on the common path.
    const x = Number(raw);
    if (x < Number(min) || x > Number(max)) return $err(c, p, "out_of_range", `${raw} does not fit in ${name} (${min}..=${max})`);
    if (k.min !== undefined || k.max !== undefined) $range(c, p, k, x, raw);
    return big ? BigInt(x) : x === 0 ? 0 : x;
  }
  const n = BigInt(raw);
  if (n < min || n > max) return $err(c, p, "out_of_range", `${raw.length > 64 ? raw.slice(0, 64) + "…" : raw} does not fit in ${name} (${min}..=${max})`);
  $range(c, p, k, n, n.toString());
  return big ? n : Number(n);
}

function $float(v: $J, p: string, c: $Ctx, f32: boolean, k: $Cons): number | undefined {
  if (!(v instanceof $JNum)) return $wrong(c, p, "a number", v);
  const x = Number(v.raw);
  if (!Number.isFinite(x) || (f32 && !Number.isFinite(Math.fround(x)))) {
    return $err(c, p, "out_of_range", `${v.raw} is too large for ${f32 ? "f32" : "f64"}`);
  }
  // An integer literal keeps its exact value for the range check.
  $range(c, p, k, v.int && !Number.isSafeInteger(x) ? BigInt(v.raw) : x, v.raw);
  // A float keeps the sign of a zero (`-0.0`), as the Rust and Python readers do.
  return x;
}

function $str(v: $J, p: string, c: $Ctx, k: $Cons): string | undefined {
  if (typeof v !== "string") return $wrong(c, p, "a string", v);
  $strCons(c, p, k, v);
  return v;
}

function $fmt(v: $J, p: string, c: $Ctx, valid: (s: string) => boolean, what: string, k: $Cons): string | undefined {
  if (typeof v !== "string") return $wrong(c, p, `a string (${what})`, v);
  if (!valid(v)) $err(c, p, "bad_format", `${$quote(v)} is not ${what}`);
  $strCons(c, p, k, v);
  return v;
}

// Dates and date-times are checked by character codes (no match arrays, no substrings):
// the same rules as the patterns in their comments.

const $UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** A uuid by its pattern: V8's compiled pattern is faster here than a loop over the characters. */
function $isUuid(s: string): boolean {
  return $UUID.test(s);
}

/** The value of the two ASCII digits at `i`, or -1. */
function $d2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 0x30;
  const b = s.charCodeAt(i + 1) - 0x30;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Whether `s` holds a valid `YYYY-MM-DD` at `i` (a real day of the Gregorian calendar). */
function $dateAt(s: string, i: number): boolean {
  const hi = $d2(s, i);
  const lo = $d2(s, i + 2);
  if (hi < 0 || lo < 0 || s.charCodeAt(i + 4) !== 0x2d || s.charCodeAt(i + 7) !== 0x2d) return false;
  const year = hi * 100 + lo;
  const month = $d2(s, i + 5);
  const day = $d2(s, i + 8);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days;
}

/** `YYYY-MM-DD` */
function $isDate(s: string): boolean {
  return s.length === 10 && $dateAt(s, 0);
}

/**
 * `YYYY-MM-DD[Tt]HH:MM:SS(\.[0-9]+)?` at `i` (hours to 23, minutes and seconds to 59):
 * where it ends (and the offset starts), or -1.
 */
function $dateTimeEnd(s: string, i: number): number {
  if (!$dateAt(s, i) || (s.charCodeAt(i + 10) | 0x20) !== 0x74) return -1;
  const h = $d2(s, i + 11);
  const m = $d2(s, i + 14);
  const sec = $d2(s, i + 17);
  if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59 || s.charCodeAt(i + 13) !== 0x3a || s.charCodeAt(i + 16) !== 0x3a) return -1;
  let j = i + 19;
  if (s.charCodeAt(j) === 0x2e) {
    const first = ++j;
    let c = s.charCodeAt(j);
    while (c >= 0x30 && c <= 0x39) c = s.charCodeAt(++j);
    if (j === first) return -1;
  }
  return j;
}

/** A date-time with `Z` or an offset `[+-]HH:MM` (hours to 23, minutes to 59) at `i`: its end, or -1. */
function $rfc3339End(s: string, i: number): number {
  const j = $dateTimeEnd(s, i);
  if (j < 0) return -1;
  const c = s.charCodeAt(j);
  if ((c | 0x20) === 0x7a) return j + 1;
  if (c !== 0x2b && c !== 0x2d) return -1;
  const h = $d2(s, j + 1);
  const m = $d2(s, j + 4);
  return s.charCodeAt(j + 3) === 0x3a && h >= 0 && h <= 23 && m >= 0 && m <= 59 ? j + 6 : -1;
}

function $isRfc3339(s: string): boolean {
  return $rfc3339End(s, 0) === s.length;
}

/** A date-time with no offset. */
function $isLocal(s: string): boolean {
  return $dateTimeEnd(s, 0) === s.length;
}

/** A uuid at `i`: its end, or -1. */
function $uuidEnd(s: string, i: number): number {
  if (s.charCodeAt(i + 8) !== 0x2d || s.charCodeAt(i + 13) !== 0x2d || s.charCodeAt(i + 18) !== 0x2d || s.charCodeAt(i + 23) !== 0x2d) return -1;
  for (let j = 0; j < 36; j++) {
    if (j === 8 || j === 13 || j === 18 || j === 23) continue;
    const c = s.charCodeAt(i + j);
    if ((c - 0x30) >>> 0 > 9 && ((c | 0x20) - 0x61) >>> 0 > 5) return -1;
  }
  return i + 36;
}

const $B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const $B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const $B64_INDEX = new Int16Array(128).fill(-1);
const $B64URL_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  $B64_INDEX[$B64.charCodeAt(i)] = i;
  $B64URL_INDEX[$B64URL.charCodeAt(i)] = i;
}

/** Decodes base64 strictly: canonical padding (none for base64url), no stray bits. */
function $b64decode(s: string, url: boolean): Uint8Array | undefined {
  let end = s.length;
  if (!url) {
    if (s.length % 4 !== 0) return undefined;
    if (s.endsWith("==")) end -= 2;
    else if (s.endsWith("=")) end -= 1;
  } else if (s.length % 4 === 1) {
    return undefined;
  }
  const table = url ? $B64URL_INDEX : $B64_INDEX;
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const ch = s.charCodeAt(i);
    const d = ch < 128 ? (table[ch] ?? -1) : -1;
    if (d < 0) return undefined;
    acc = ((acc << 6) | d) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
}

function $b64encode(b: Uint8Array, url: boolean): string {
  const a = url ? $B64URL : $B64;
  let s = "";
  let i = 0;
  for (; i + 2 < b.length; i += 3) {
    const n = ((b[i] ?? 0) << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    s += a.charAt(n >> 18) + a.charAt((n >> 12) & 63) + a.charAt((n >> 6) & 63) + a.charAt(n & 63);
  }
  if (i < b.length) {
    const two = i + 1 < b.length;
    const n = ((b[i] ?? 0) << 16) | (two ? (b[i + 1] ?? 0) << 8 : 0);
    s += a.charAt(n >> 18) + a.charAt((n >> 12) & 63);
    if (two) s += a.charAt((n >> 6) & 63);
    if (!url) s += two ? "=" : "==";
  }
  return s;
}

function $bytes(v: $J, p: string, c: $Ctx, url: boolean, k: $Cons): Uint8Array | undefined {
  if (typeof v !== "string") return $wrong(c, p, "a base64 string", v);
  const b = $b64decode(v, url);
  if (b === undefined) return $err(c, p, "bad_format", url ? "not valid base64url (URL-safe alphabet, no padding)" : "not valid base64 (standard alphabet, padded)");
  $len(c, p, k, b.length, "bytes");
  return b;
}

/** A JSON value as the parser hands it out: integers as `number`, or `bigint` beyond 2^53. */
function $json(v: $J): SockspecJson {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (v instanceof $JNum) {
    if (v.int) {
      const n = Number(v.raw);
      return Number.isSafeInteger(n) ? (n === 0 ? 0 : n) : BigInt(v.raw);
    }
    return Number(v.raw);
  }
  if (Array.isArray(v)) return v.map($json);
  const o: { [key: string]: SockspecJson } = {};
  for (let i = 0; i < v.keys.length; i++) $set(o, v.keys[i] as string, $json(v.vals[i] ?? null));
  return o;
}

// ---- collections ----

function $list<T>(v: $J, p: string, c: $Ctx, k: $Cons, item: (x: $J, q: string) => T | undefined): T[] | undefined {
  if (!Array.isArray(v)) return $wrong(c, p, "an array", v);
  $len(c, p, k, v.length, "items");
  const out: T[] = new Array<T>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = item(v[i] ?? null, `${p}/${i}`) as T;
  return out;
}

function $tuple(v: $J, p: string, c: $Ctx, items: readonly ((x: $J, q: string) => unknown)[]): unknown[] | undefined {
  if (!Array.isArray(v)) return $wrong(c, p, `an array of ${items.length} items (a tuple)`, v);
  if (v.length !== items.length) $err(c, p, "bad_length", `${v.length} items, the tuple has exactly ${items.length}`);
  const out: unknown[] = [];
  for (let i = 0; i < v.length && i < items.length; i++) {
    const item = items[i];
    if (item !== undefined) out.push(item(v[i] ?? null, `${p}/${i}`));
  }
  return out;
}

function $map<T>(v: $J, p: string, c: $Ctx, k: $Cons, item: (x: $J, q: string) => T | undefined): Record<string, T> | undefined {
  if (!(v instanceof $JObj)) return $wrong(c, p, "an object", v);
  $len(c, p, k, v.keys.length, "entries");
  const out: Record<string, T> = {};
  for (let i = 0; i < v.keys.length; i++) {
    const key = v.keys[i] as string;
    $set(out, key, item(v.vals[i] ?? null, p + $seg(key)) as T);
  }
  return out;
}

function $unknownMembers(c: $Ctx, p: string, o: $JObj, known: (name: string) => boolean): void {
  for (const name of o.keys) {
    if (!known(name)) $err(c, p + $seg(name), "unknown_field", `unknown member ${$quote(name)}`);
  }
}

function $missing(c: $Ctx, p: string, name: string): undefined {
  return $err(c, p + $seg(name), "missing_field", `missing the required member ${JSON.stringify(name)}`);
}

// ---- tags and untagged values ----

/**
 * The key of a tag value among tags of the JSON kinds `kinds` (strings when 0): `null` if
 * the value has another JSON type, `""` if it can name no entry.
 */
function $tagKey(v: $J, kinds: number): string | null {
  const k = kinds === 0 ? 16 : kinds;
  if ((k & $kind(v)) === 0) return null;
  if (typeof v === "string") return "s:" + v;
  if (v instanceof $JNum) {
    const n = BigInt(v.raw);
    return n >= -(1n << 63n) && n < 1n << 63n ? "i:" + n.toString() : "";
  }
  if (typeof v === "boolean") return v ? "b:true" : "b:false";
  if (v === null) return "n:";
  return "";
}

function $tagText(v: $J): string {
  if (typeof v === "string") return $quote(v);
  if (v instanceof $JNum) return v.raw;
  if (v === null || typeof v === "boolean") return String(v);
  return $described(v);
}

function $tagTypeMessage(v: $J, kinds: number): string {
  return `a tag must be ${$describeKinds(kinds === 0 ? 16 : kinds)}, found ${$described(v)}`;
}

/** The variant of an untagged union a value is (by index), or -1. */
function $select(v: $J, kinds: readonly number[], sigs: readonly (readonly [number, readonly string[]])[], keys: readonly string[]): number {
  const bit = $kind(v);
  const n = kinds.length;
  const specific = (i: number): boolean => kinds[i] !== 0x7f && ((kinds[i] ?? 0) & bit) !== 0;
  let chosen = -1;
  if (bit === 64 && v instanceof $JObj) {
    const objects: number[] = [];
    for (let i = 0; i < n; i++) if (specific(i)) objects.push(i);
    if (objects.length === 1) chosen = objects[0] ?? -1;
    else if (objects.length > 1) {
      let present = 0;
      for (const key of keys) if (v.has(key)) present++;
      for (const [i, sig] of sigs) {
        if (i < n && sig.length === present && sig.every((key) => v.has(key))) {
          chosen = i;
          break;
        }
      }
    }
  } else if (bit === 4) {
    for (let i = 0; i < n && chosen < 0; i++) if (specific(i) && ((kinds[i] ?? 0) & 12) !== 12) chosen = i;
    for (let i = 0; i < n && chosen < 0; i++) if (specific(i)) chosen = i;
  } else {
    for (let i = 0; i < n && chosen < 0; i++) if (specific(i)) chosen = i;
  }
  if (chosen < 0) for (let i = 0; i < n && chosen < 0; i++) if (kinds[i] === 0x7f) chosen = i;
  return chosen;
}

function $noVariant(v: $J, p: string, c: $Ctx, kinds: readonly number[], sigs: readonly (readonly [number, readonly string[]])[]): undefined {
  const all = kinds.reduce((a, k) => a | k, 0);
  if (v instanceof $JObj && (all & 64) !== 0) {
    const sets = sigs.map(([, sig]) => `{${sig.join(", ")}}`).join(" or ");
    return $err(c, p, "unknown_tag", `the object's members match no variant: it needs exactly one of the member sets ${sets}`);
  }
  return $wrong(c, p, $describeKinds(all), v);
}

/** `@untagged(ordered)`: the first variant the value is valid against. */
function $ordered(v: $J, p: string, c: $Ctx, kinds: readonly number[], variants: readonly ((x: $J, q: string, c: $Ctx) => unknown)[]): unknown {
  const bit = $kind(v);
  let nearest: SockspecIssue[] | undefined;
  let all = 0;
  for (let i = 0; i < variants.length; i++) {
    const k = kinds[i] ?? 0x7f;
    all |= k;
    const trial = new $Ctx(c.from);
    const out = variants[i]?.(v, p, trial);
    if (trial.errors.length === 0) return out;
    if (nearest === undefined && (k & bit) !== 0) nearest = trial.errors;
  }
  if (nearest === undefined) return $wrong(c, p, $describeKinds(all), v);
  for (const e of nearest) $err(c, e.path, e.code, e.message);
  return undefined;
}

// ---- frames ----

/** One level of a dispatch table: the tag field, its entries by tag key, whether it is open. */
interface $TagNode {
  readonly f: string;
  readonly kinds: number;
  readonly open: boolean;
  readonly e: ReadonlyMap<string, number | $TagNode>;
}

/** How the frames of one side are told apart; messages by index into the side's table. */
interface $Dispatch {
  readonly side: "client" | "server";
  readonly tags: $TagNode | null;
  readonly tagFields: readonly string[];
  readonly keyed: readonly (readonly [string, number])[];
  readonly structural: readonly (readonly [readonly string[], number])[];
  readonly keys: readonly string[];
  readonly fallback: number;
  readonly rpc: { readonly requests: $TagNode | null; readonly notifications: $TagNode | null; readonly replies: boolean } | null;
}

/** $Dispatch found: a message (its index), an unknown frame of an open set (-1), or an error. */
type $Found = number | SockspecIssue;

const $UNKNOWN = -1;

function $issue(path: string, code: SockspecErrorCode, message: string): SockspecIssue {
  return { path, code, message };
}

function $follow(node: $TagNode, tag: $J, o: $JObj, side: string): $Found {
  const key = $tagKey(tag, node.kinds);
  if (key === null) return $issue($seg(node.f), "wrong_type", $tagTypeMessage(tag, node.kinds));
  const target = node.e.get(key);
  if (target === undefined) {
    if (node.open) return $UNKNOWN;
    return $issue($seg(node.f), "unknown_tag", `no ${side} message has the tag ${$tagText(tag)}`);
  }
  if (typeof target === "number") return target;
  const next = o.get(target.f);
  if (next === undefined) return $issue($seg(target.f), "missing_field", `missing the tag member ${JSON.stringify(target.f)}`);
  return $follow(target, next, o, side);
}

function $structural(d: $Dispatch, o: $JObj): $Found {
  let present = 0;
  for (const key of d.keys) if (o.has(key)) present++;
  for (const [sig, id] of d.structural) {
    if (sig.length === present && sig.every((key) => o.has(key))) return id;
  }
  const keys = d.keys.map((k) => JSON.stringify(k)).join(", ");
  const has = o.keys.length === 0 ? "no members" : `the members ${o.keys.map((k) => JSON.stringify(k)).join(", ")}`;
  return $issue("", "unknown_tag", `the frame has no tag and ${has}; its members among ${keys} match no ${d.side} message`);
}

function $untaggedFrame(d: $Dispatch, o: $JObj, tagField: string | undefined): $Found {
  for (const [key, id] of d.keyed) if (o.has(key)) return id;
  if (d.structural.length > 0) {
    const found = $structural(d, o);
    if (typeof found === "number" || d.fallback < 0) return found;
  }
  if (d.fallback >= 0) return d.fallback;
  if (tagField !== undefined && d.structural.length === 0) {
    return $issue($seg(tagField), "missing_field", `missing the tag member ${JSON.stringify(tagField)}`);
  }
  return $structural(d, o);
}

function $dispatch(d: $Dispatch, o: $JObj): $Found {
  if (d.tags !== null) {
    const tag = o.get(d.tags.f);
    return tag === undefined ? $untaggedFrame(d, o, d.tags.f) : $follow(d.tags, tag, o, d.side);
  }
  const untagged = d.structural.length > 0 || d.keyed.length > 0 || d.fallback >= 0;
  const field = d.tagFields[0];
  if (field !== undefined) {
    if (o.has(field)) {
      return $issue($seg(field), "unknown_tag", untagged ? `the ${d.side} sends no message tagged by ${JSON.stringify(field)}` : `the ${d.side} sends no message`);
    }
    if (!untagged) return $issue($seg(field), "missing_field", `missing the tag member ${JSON.stringify(field)}`);
    return $untaggedFrame(d, o, field);
  }
  if (!untagged) return $issue("", "unknown_tag", `the ${d.side} sends no message`);
  return $untaggedFrame(d, o, undefined);
}

/** Reads a frame's text: the object, or the one error that says why it is none. */
function $frame(text: string | Uint8Array): $JObj | SockspecIssue {
  const v = $readJson(text);
  if (v instanceof $JsonSyntaxError) return $issue("", "invalid_json", `the frame is not one JSON text: ${v.message}`);
  if (!(v instanceof $JObj)) return $issue("", "wrong_type", `a frame must be a JSON object, found ${$described(v)}`);
  return v;
}

/** The JSON-RPC `jsonrpc` member, when the protocol writes it. */
function $rpcVersion(c: $Ctx, o: $JObj): void {
  const v = o.get("jsonrpc");
  if (v === undefined) $err(c, "/jsonrpc", "missing_field", 'every frame carries "jsonrpc": "2.0"');
  else if (typeof v !== "string") $wrong(c, "/jsonrpc", 'the string "2.0"', v);
  else if (v !== "2.0") $err(c, "/jsonrpc", "unknown_value", `expected "2.0", found ${$quote(v)}`);
}

// ---- answers ----

/**
 * A frame read as the answer to a request (`parseServerAnswer`, `parseClientAnswer`): its
 * message's name (`message.name` again, here so that a `switch` on it narrows `message` and
 * `result` both), the frame exactly as `parseServerMessage` / `parseClientMessage` gives it,
 * and the typed result it carries: a result frame's `result` or a typed reply's content, as
 * a value of the request's result type; `undefined` for any other answer.
 */
export interface SockspecAnswer<M extends { readonly name: string }, T> {
  readonly name: M["name"];
  readonly message: M;
  readonly result: T;
}

/** An answer that carries a typed result: the member that holds it, its path, and its decoder. */
type $Typed = readonly [key: string, path: string, decode: (v: $J, p: string, c: $Ctx) => unknown];

/** What answers one request: the name of each frame that does, with its typed result or null. */
type $Answers = ReadonlyMap<string, $Typed | null>;

/**
 * A valid frame `o` (read as `m`) as the answer to `request`, whose answers are `answers`:
 * a frame that answers it not is `unknown_tag` at ""; a typed result is checked against
 * the request's result type, its errors under its member (`/result/...`).
 */
function $answer(o: $JObj, m: { readonly name: string }, from: "client" | "server", request: string, answers: $Answers | undefined): SockspecResult<SockspecAnswer<{ readonly name: string }, unknown>> {
  if (answers === undefined) return { ok: false, errors: [$issue("", "unknown_tag", `${$quote(request)} is no request the ${from === "client" ? "server" : "client"} sends`)] };
  const typed = answers.get(m.name);
  if (typed === undefined) return { ok: false, errors: [$issue("", "unknown_tag", `${m.name} is no answer to ${request}`)] };
  let result: unknown = undefined;
  if (typed !== null) {
    const v = o.get(typed[0]);
    if (v !== undefined) {
      const c = new $Ctx(from);
      result = typed[2](v, typed[1], c);
      if (c.errors.length > 0) return { ok: false, errors: c.errors };
    }
  }
  return { ok: true, value: { name: m.name, message: m, result } };
}

// ---- writing ----

/** A string as JSON. */
function $ws(s: string): string {
  return JSON.stringify(s);
}

/** A number as JSON: an integer as its digits, a float as JavaScript prints it. */
function $wn(n: number | bigint): string {
  if (typeof n === "bigint") return n.toString();
  if (!Number.isFinite(n)) throw new RangeError(`${n} cannot be written as JSON`);
  return JSON.stringify(n);
}

/**
 * A float (`f32`, `f64`, a date-time as fractional unix time) as JSON, as the Rust and
 * Python writers write it: with a fraction or an exponent, so an integral value is `1.0`,
 * not `1` (which sockspec's readers take for an integer: an untagged `u8 | f64` reads it
 * as the `u8`, and a `json` member holds another value), and `-0` is `-0.0`.
 */
function $wf(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`${n} cannot be written as JSON`);
  if (n === 0) return 1 / n < 0 ? "-0.0" : "0.0";
  const text = JSON.stringify(n);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/**
 * A number of a `json` value, so that it reads back as the same double: `-0` as `-0.0`
 * (`0` would be the integer 0), an infinite one (read from `1e400`) as `1e999`, which
 * every reader reads as infinite again (docs/json.md §2). `NaN` has no JSON spelling.
 */
function $wjn(n: number): string {
  if (Number.isFinite(n)) return n === 0 && 1 / n < 0 ? "-0.0" : JSON.stringify(n);
  if (Number.isNaN(n)) throw new RangeError("NaN cannot be written as JSON");
  return n > 0 ? "1e999" : "-1e999";
}

/** Any JSON value, `bigint` as an integer literal. */
function $wj(v: SockspecJson): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return $wjn(v);
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "string") return $ws(v);
  if (Array.isArray(v)) return `[${v.map($wj).join(",")}]`;
  const parts: string[] = [];
  for (const key of Object.keys(v)) {
    const x = v[key];
    if (x !== undefined) parts.push(`${$ws(key)}:${$wj(x)}`);
  }
  return `{${parts.join(",")}}`;
}

function $wl<T>(xs: readonly T[], w: (x: T) => string): string {
  return `[${xs.map(w).join(",")}]`;
}

function $wm<T>(m: Readonly<Record<string, T>>, w: (x: T) => string): string {
  const parts: string[] = [];
  for (const key of Object.keys(m)) parts.push(`${$ws(key)}:${w(m[key] as T)}`);
  return `{${parts.join(",")}}`;
}

/** A JSON object from its members, in order; `undefined` members are left out. */
function $wo(members: readonly (string | undefined)[]): string {
  let s = "{";
  for (const m of members) {
    if (m === undefined) continue;
    if (s.length > 1) s += ",";
    s += m;
  }
  return s + "}";
}

/** Whether an object has exactly the signature's keys among `keys` (an untagged variant). */
function $signature(v: unknown, sig: readonly string[], keys: readonly string[]): boolean {
  const o = v as { [key: string]: unknown };
  let present = 0;
  for (const k of keys) if (o[k] !== undefined) present++;
  return present === sig.length && sig.every((k) => o[k] !== undefined);
}

/** Checks that a value a writer is given is what its type says, before it goes out. */
function $bad(what: string): never {
  throw new TypeError(`cannot serialize: ${what}`);
}

/**
 * Thrown by the writer of an untagged value that no variant accepts as it would be
 * written (out of every variant's `@range`, `@len`, `@pattern`, ...): a `TypeError`, as
 * `$bad` throws, whose `issues` are the reader's errors of the first way it could be
 * written, at paths inside the value.
 */
class $Unwritable extends TypeError {
  constructor(what: string, readonly issues: readonly SockspecIssue[]) {
    super(`cannot serialize: no variant of ${what} accepts the value (${issues.slice(0, 3).map((e) => `${e.path || "(value)"}: ${e.code}: ${e.message}`).join("; ")})`);
  }
}

/** What a writer of an untagged value tried: texts the reader refused, the first errors. */
class $Tries {
  readonly texts: string[] = [];
  issues: readonly SockspecIssue[] | undefined;
}

/** The reader's errors for a written text read as `check` reads it: none where it accepts it. */
function $recheck(text: string, check: (v: $J, p: string, c: $Ctx) => unknown): readonly SockspecIssue[] {
  const v = $readJson(text);
  if (v instanceof $JsonSyntaxError) return [{ path: "", code: "invalid_json", message: v.message }];
  // A written value carries no unknown member, so the side does not matter.
  const c = new $Ctx("client");
  check(v, "", c);
  return c.errors;
}

/**
 * An untagged value written as one variant (`write`): the text, where the reader accepts
 * it as `check` reads it; else undefined, the text and errors noted in `tries`. A union
 * inside the variant that cannot write its part counts as refused.
 */
function $variant(tries: $Tries, write: () => string, check: (v: $J, p: string, c: $Ctx) => unknown): string | undefined {
  let text: string;
  try {
    text = write();
  } catch (e) {
    if (!(e instanceof $Unwritable)) throw e;
    if (tries.issues === undefined) tries.issues = e.issues;
    return undefined;
  }
  const issues = $recheck(text, check);
  if (issues.length === 0) return text;
  tries.texts.push(text);
  if (tries.issues === undefined) tries.issues = issues;
  return undefined;
}

/**
 * After every variant of an untagged value was refused: for an ordered union, the first
 * text the reader takes as another variant (`union` reads the whole union); where no
 * variant fit the value's type, `other` (the value as JSON); else a throw.
 */
function $refused(tries: $Tries, union: ((v: $J, p: string, c: $Ctx) => unknown) | undefined, other: () => string, what: string): string {
  if (union !== undefined) for (const text of tries.texts) if ($recheck(text, union).length === 0) return text;
  if (tries.issues === undefined) return other();
  throw new $Unwritable(what, tries.issues);
}

// ---- the fast path ----
//
// Each protocol's parsers first try a decoder generated for its messages that reads the
// text once, by character codes, and builds the typed value directly. It accepts only
// what the full path (the reader above and the checks) accepts, with the same value, and
// gives up (throws `$BAIL`) on anything else: any error, and any text it does not read
// itself (a member name with an escape, an unknown member, a tag not written first). The
// full path then reads the frame again and reports every error, so errors never come from
// here. docs/typescript.md, "The fast path".

/** Thrown (never as an `Error`, so without a stack) when the fast path gives up. */
const $BAIL = { bail: true } as const;

function $bail(): never {
  throw $BAIL;
}

/** Skips whitespace; the code of the next character (NaN at the end). */
function $fc(r: $Reader): number {
  // Small enough to be inlined: compact JSON has no whitespace to skip.
  const c = r.s.charCodeAt(r.i);
  return c > 0x20 ? c : $fws(r);
}

function $fws(r: $Reader): number {
  const s = r.s;
  let i = r.i;
  let c = s.charCodeAt(i);
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = s.charCodeAt(++i);
  r.i = i;
  return c;
}

/** The `:` after a member name that ends before `j`: where its value starts. */
function $fcolonAt(r: $Reader, j: number): number {
  r.i = j;
  if ($fc(r) !== 0x3a) $bail();
  return r.i + 1;
}

function $fbool(r: $Reader): boolean {
  const c = $fc(r);
  if (c === 0x74 && r.s.startsWith("true", r.i)) {
    r.i += 4;
    return true;
  }
  if (c === 0x66 && r.s.startsWith("false", r.i)) {
    r.i += 5;
    return false;
  }
  return $bail();
}

function $fnull(r: $Reader): null {
  if ($fc(r) === 0x6e && r.s.startsWith("null", r.i)) {
    r.i += 4;
    return null;
  }
  return $bail();
}

/** A string: without escapes here, else by the strict reader's own code. */
function $fstr(r: $Reader): string {
  if ($fc(r) !== 0x22) $bail();
  const s = r.s;
  const start = r.i + 1;
  let i = start;
  for (;;) {
    const c = s.charCodeAt(i);
    if (c === 0x22) break;
    if (c < 0x20 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff) || c !== c) return r.string();
    i++;
  }
  r.i = i + 1;
  return s.slice(start, i);
}

/** Whether a string meets its constraints (what `$strCons` would report nothing for). */
function $fstrOk(k: $Cons, s: string): boolean {
  // A string of n UTF-16 units has n / 2 to n code points: count them only when that
  // range straddles a limit.
  const n = s.length;
  if ((k.lmin !== undefined && (n + 1) >> 1 < k.lmin) || (k.lmax !== undefined && n > k.lmax)) {
    const n = $codePoints(s);
    if ((k.lmin !== undefined && n < k.lmin) || (k.lmax !== undefined && n > k.lmax)) return false;
  }
  if (k.pat !== undefined) for (const re of k.pat) if (!re.test(s)) return false;
  return true;
}

function $fs(r: $Reader, k: $Cons): string {
  const s = $fstr(r);
  if (k !== $NONE && !$fstrOk(k, s)) $bail();
  return s;
}

/** A string with length limits only, as numbers (`lmax` -1: none). */
function $fsl(r: $Reader, lmin: number, lmax: number): string {
  const s = $fstr(r);
  const n = s.length;
  // n UTF-16 units are n / 2 to n code points: count them only when that straddles a limit.
  if ((n + 1) >> 1 < lmin || (lmax >= 0 && n > lmax)) {
    const cp = $codePoints(s);
    if (cp < lmin || (lmax >= 0 && cp > lmax)) $bail();
  }
  return s;
}

/** A string with patterns only. */
function $fsp(r: $Reader, pat: readonly RegExp[]): string {
  const s = $fstr(r);
  for (let i = 0; i < pat.length; i++) if (!(pat[i] as RegExp).test(s)) $bail();
  return s;
}

/** Whether `x` is within limits given as numbers (`$inRange` without the constraint object). */
function $fin(x: number, lo: number, loEx: boolean, hi: number, hiEx: boolean): boolean {
  return (loEx ? x > lo : x >= lo) && (hiEx ? x < hi : x <= hi);
}

/**
 * A string of a format whose text at `start` (after the quote) ends at `end` (-1: not
 * that format as written): checked in the frame's text, no second pass over a copy. One
 * written with escapes is read as a string and checked whole.
 */
function $ffmtEnd(r: $Reader, start: number, end: number, whole: (s: string) => boolean, k: $Cons): string {
  const s = r.s;
  let v: string;
  if (end >= 0 && s.charCodeAt(end) === 0x22) {
    r.i = end + 1;
    v = s.slice(start, end);
  } else {
    v = r.string();
    if (!whole(v)) $bail();
  }
  if (k !== $NONE && !$fstrOk(k, v)) $bail();
  return v;
}

function $fuuid(r: $Reader, k: $Cons): string {
  if ($fc(r) !== 0x22) $bail();
  const start = r.i + 1;
  return $ffmtEnd(r, start, $uuidEnd(r.s, start), $isUuid, k);
}

function $fdate(r: $Reader, k: $Cons): string {
  if ($fc(r) !== 0x22) $bail();
  const start = r.i + 1;
  return $ffmtEnd(r, start, $dateAt(r.s, start) ? start + 10 : -1, $isDate, k);
}

function $frfc3339(r: $Reader, k: $Cons): string {
  if ($fc(r) !== 0x22) $bail();
  const start = r.i + 1;
  return $ffmtEnd(r, start, $rfc3339End(r.s, start), $isRfc3339, k);
}

function $flocal(r: $Reader, k: $Cons): string {
  if ($fc(r) !== 0x22) $bail();
  const start = r.i + 1;
  return $ffmtEnd(r, start, $dateTimeEnd(r.s, start), $isLocal, k);
}

/**
 * An integer literal of at most 15 digits as a `number` (exact); anything else (a fraction,
 * an exponent, more digits) gives up. `r.i` is left after the literal.
 */
function $fdigits(r: $Reader): number {
  const s = r.s;
  let i = r.i;
  let c = s.charCodeAt(i);
  const neg = c === 0x2d;
  if (neg) c = s.charCodeAt(++i);
  let n = 0;
  if (c === 0x30) c = s.charCodeAt(++i);
  else if (c >= 0x31 && c <= 0x39) {
    const start = i;
    do {
      n = n * 10 + (c - 0x30);
      c = s.charCodeAt(++i);
    } while (c >= 0x30 && c <= 0x39);
    if (i - start > 15) $bail();
  } else $bail();
  if (c === 0x2e || c === 0x65 || c === 0x45) $bail();
  r.i = i;
  return neg ? -n : n;
}

/** An integer of at most 32 bits, written as a number. */
function $fint(r: $Reader, min: number, max: number, k: $Cons): number {
  $fc(r);
  const n = $fdigits(r);
  if (n < min || n > max || (k !== $NONE && !$inRange(k, n))) $bail();
  return n === 0 ? 0 : n;
}

/** An integer of at most 32 bits with a range whose limits are numbers. */
function $fintr(r: $Reader, min: number, max: number, lo: number, loEx: boolean, hi: number, hiEx: boolean): number {
  $fc(r);
  const n = $fdigits(r);
  if (n < min || n > max || !$fin(n, lo, loEx, hi, hiEx)) $bail();
  return n === 0 ? 0 : n;
}

/** A 64-bit integer, written as a number: `min`/`max` as doubles and exactly. */
function $fbig(r: $Reader, min: number, max: number, bmin: bigint, bmax: bigint, k: $Cons): bigint {
  $fc(r);
  const s = r.s;
  const start = r.i;
  let i = start;
  if (s.charCodeAt(i) === 0x2d) i++;
  let c = s.charCodeAt(i);
  while (c >= 0x30 && c <= 0x39) c = s.charCodeAt(++i);
  if (i - start <= 15) {
    // Exact as a double, and so are the comparisons with the (rounded) bounds.
    const n = $fdigits(r);
    if (n < min || n > max || (k !== $NONE && !$inRange(k, n))) $bail();
    return BigInt(n);
  }
  // Longer: the digits as written (a fraction, an exponent or a leading zero gives up).
  if (c === 0x2e || c === 0x65 || c === 0x45 || s.charCodeAt(s.charCodeAt(start) === 0x2d ? start + 1 : start) === 0x30) $bail();
  const b = BigInt(s.slice(start, i));
  if (b < bmin || b > bmax || (k !== $NONE && !$inRange(k, b))) $bail();
  r.i = i;
  return b;
}

/**
 * An unknown member that the object's policy ignores: its name (without escapes, never
 * twice) is kept, its value read strictly and dropped. `forbidden` is a name the full path
 * reports although no member has it (a notification's id).
 */
function $funknown(r: $Reader, i: number, d: number, names: string[] | undefined, forbidden?: string): string[] {
  const s = r.s;
  let j = i + 1;
  for (;;) {
    const c = s.charCodeAt(j);
    if (c === 0x22) break;
    if (c < 0x20 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff) || c !== c) $bail();
    j++;
  }
  const name = s.slice(i + 1, j);
  const seen = names ?? [];
  if (name === forbidden || seen.includes(name)) $bail();
  seen.push(name);
  r.i = $fcolonAt(r, j + 1);
  r.value(d);
  return seen;
}

/** Powers of ten that a double holds exactly. */
const $POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * A number as the nearest double. At most 15 digits and a power of ten of at most 22 is
 * one exact product or quotient, so correctly rounded (Clinger's fast path); other
 * spellings go through `Number`.
 */
function $fnum(r: $Reader): number {
  const s = r.s;
  const start = r.i;
  let i = start;
  let c = s.charCodeAt(i);
  const neg = c === 0x2d;
  if (neg) c = s.charCodeAt(++i);
  let m = 0;
  let digits = 0;
  let scale = 0;
  if (c === 0x30) c = s.charCodeAt(++i);
  else if (c >= 0x31 && c <= 0x39) {
    do {
      m = m * 10 + (c - 0x30);
      digits++;
      c = s.charCodeAt(++i);
    } while (c >= 0x30 && c <= 0x39);
  } else $bail();
  if (c === 0x2e) {
    c = s.charCodeAt(++i);
    if (!(c >= 0x30 && c <= 0x39)) $bail();
    do {
      m = m * 10 + (c - 0x30);
      digits++;
      scale--;
      c = s.charCodeAt(++i);
    } while (c >= 0x30 && c <= 0x39);
  }
  if (c === 0x65 || c === 0x45) {
    c = s.charCodeAt(++i);
    let eneg = false;
    if (c === 0x2b || c === 0x2d) {
      eneg = c === 0x2d;
      c = s.charCodeAt(++i);
    }
    if (!(c >= 0x30 && c <= 0x39)) $bail();
    let e = 0;
    do {
      if (e < 100000) e = e * 10 + (c - 0x30);
      c = s.charCodeAt(++i);
    } while (c >= 0x30 && c <= 0x39);
    scale += eneg ? -e : e;
  }
  r.i = i;
  if (digits > 15 || scale < -22 || scale > 22) return Number(s.slice(start, i));
  const x = scale < 0 ? m / ($POW10[-scale] as number) : m * ($POW10[scale] as number);
  return neg ? -x : x;
}

/** A float (`f32` or `f64`). */
function $ffloat(r: $Reader, f32: boolean, k: $Cons): number {
  $fc(r);
  const x = $fnum(r);
  if (!Number.isFinite(x) || (f32 && !Number.isFinite(Math.fround(x)))) $bail();
  if (k !== $NONE) {
    // An integer literal beyond 2^53 is compared exactly on the full path; this one cannot
    // tell `1e20` from `100000000000000000000`, so it leaves both to it.
    if (Number.isInteger(x) && !Number.isSafeInteger(x)) $bail();
    if (!$inRange(k, x)) $bail();
  }
  return x; // `-0.0` keeps its sign, as on the full path
}

/** A float with a range whose limits are numbers. */
function $ffloatr(r: $Reader, f32: boolean, lo: number, loEx: boolean, hi: number, hiEx: boolean): number {
  $fc(r);
  const x = $fnum(r);
  if (!Number.isFinite(x) || (f32 && !Number.isFinite(Math.fround(x)))) $bail();
  // An integer literal beyond 2^53 is compared exactly on the full path (see `$ffloat`).
  if ((Number.isInteger(x) && !Number.isSafeInteger(x)) || !$fin(x, lo, loEx, hi, hiEx)) $bail();
  return x; // `-0.0` keeps its sign, as on the full path
}

/** `[` of an array at level `d + 1`; true if it is empty (`]` read too). */
function $fopenList(r: $Reader, d: number): boolean {
  if ($fc(r) !== 0x5b || d >= $MAX_DEPTH) $bail();
  r.i++;
  if ($fc(r) === 0x5d) {
    r.i++;
    return true;
  }
  return false;
}

/** After an item: true at `]`, false at `,`. */
function $fnextItem(r: $Reader): boolean {
  const c = $fc(r);
  r.i++;
  if (c === 0x5d) return true;
  if (c !== 0x2c) $bail();
  return false;
}

/** `{` of an object at level `d + 1`; true if it is empty (`}` read too). */
function $fopenObj(r: $Reader, d: number): boolean {
  if ($fc(r) !== 0x7b || d >= $MAX_DEPTH) $bail();
  r.i++;
  if ($fc(r) === 0x7d) {
    r.i++;
    return true;
  }
  return false;
}

/** After a member: true at `}`, false at `,`. */
function $fnextMember(r: $Reader): boolean {
  const c = $fc(r);
  r.i++;
  if (c === 0x7d) return true;
  if (c !== 0x2c) $bail();
  return false;
}

/** The position of the member name at `r.i` (after whitespace and its quote's check). */
function $fname(r: $Reader): number {
  if ($fc(r) !== 0x22) $bail();
  return r.i;
}

/**
 * Skips a member before a frame's tag member (its name, `:` and value) and the `,` after
 * it, without checking the value: the message's decoder reads it again. Gives up on a name
 * with an escape (it might be the tag's) and at the end of the object (no tag member).
 */
function $fskipMember(r: $Reader): void {
  const s = r.s;
  let i = $fname(r) + 1;
  for (;;) {
    const c = s.charCodeAt(i);
    if (c === 0x22) break;
    if (c === 0x5c || c !== c) $bail();
    i++;
  }
  r.i = $fcolonAt(r, i + 1);
  let depth = 0;
  for (i = r.i; ; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) {
      for (i++; ; i++) {
        const d = s.charCodeAt(i);
        if (d === 0x22) break;
        if (d === 0x5c) i++;
        else if (d !== d) $bail();
      }
    } else if (c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x5d || c === 0x7d) {
      if (depth === 0) $bail();
      depth--;
    } else if (c === 0x2c && depth === 0) break;
    else if (c !== c) $bail();
  }
  r.i = i + 1;
}

/** The end of the text: only whitespace may follow the frame. */
function $fend(r: $Reader): void {
  $fc(r);
  if (r.i !== r.s.length) $bail();
}

/** Runs a generated fast decoder over a frame's text: its value, or undefined to fall back. */
function $fast<T>(text: string | Uint8Array, c: $Ctx, decode: (r: $Reader, c: $Ctx) => T): T | undefined {
  // Bytes that are not UTF-8 are the full path's to report.
  const s = $text(text);
  if (s === undefined) return undefined;
  if (c.errors.length > 0) c.errors.length = 0;
  const r = new $Reader(s);
  try {
    const v = decode(r, c);
    $fend(r);
    return v;
  } catch (e) {
    if (e === $BAIL || e instanceof $JsonSyntaxError) return undefined;
    throw e;
  }
}
