// A typed use of the answer readers (docs/typescript.md, "Answers"), compiled with
// `tsc --strict` by `answers_are_typed_under_tsc_strict_and_read_at_run_time` in
// `../typescript.rs`, then run: each `@ts-expect-error` must be one.

import {
  decodeServerAnswer as rpcAnswer,
  parseServerAnswer as rpcParse,
  parseClientAnswer as rpcClientParse,
  SockspecError,
  type ServerAnswers as RpcAnswers,
  type ClientRequestResults as RpcResults,
  type InitializeResult,
  type SockspecJson,
} from "./rpc/editor_rpc.js";
import {
  decodeServerAnswer as shopAnswer,
  parseServerAnswer as shopParse,
  type FindResult,
  type ServerAnswers as ShopAnswers,
} from "./shop/shop.js";

/** The capabilities of an answer to Initialize: `name` narrows the message and the result. */
export function capabilities(a: RpcAnswers["Initialize"]): SockspecJson {
  switch (a.name) {
    case "@result": {
      const r: InitializeResult = a.result;
      return r.capabilities;
    }
    case "@error":
      return a.message.frame["error"] ?? null;
  }
}

/** A result that holds null. */
export function hover(a: RpcAnswers["HoverRequest"]): string {
  if (a.name !== "@result") return "an error";
  return a.result === null ? "no hover" : a.result.contents;
}

/** A requester generic over the request: the result type by the request's name. */
export function resultOf<R extends keyof RpcAnswers>(request: R, frame: string): RpcResults[R] | undefined {
  return rpcAnswer(request, frame).result as RpcResults[R] | undefined;
}

/** A typed reply of the tagged style, whose content may be absent. */
export function total(a: ShopAnswers["Get"]): bigint | undefined {
  switch (a.name) {
    case "Done":
      return a.result?.n;
    case "Failure":
      return a.message.frame.reason.length === 0 ? undefined : -1n;
  }
}

/** A result whose type is an inline union, named by the model. */
export function found(a: ShopAnswers["Find"]): string {
  if (a.name !== "Done" || a.result === undefined) return "nothing";
  const r: FindResult = a.result;
  return typeof r === "string" ? r : `item ${r.n}`;
}

/** What the types refuse (never called: each line must be a type error). */
export function refused(i: RpcAnswers["Initialize"], h: RpcAnswers["HoverRequest"], g: ShopAnswers["Get"]): unknown[] {
  return [
    // @ts-expect-error a notification is no request
    rpcParse("Initialized", "{}"),
    // @ts-expect-error the server's request is answered by the client, not the server
    rpcParse("Configuration", "{}"),
    // @ts-expect-error the result of Shutdown is null
    ((x: RpcResults["Shutdown"]) => x)(1),
    // @ts-expect-error an answer may be an error frame, which carries no typed result
    i.result.capabilities,
    // @ts-expect-error an error frame carries no typed result
    i.name === "@error" && i.result.capabilities,
    // @ts-expect-error the result may be null
    h.name === "@result" && h.result.contents,
    // @ts-expect-error the content of Done may be absent
    g.name === "Done" && g.result.n,
    // @ts-expect-error Failure is no answer to Initialize
    i.name === "Failure",
  ];
}

function show(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? `${x}n` : x === undefined ? "undefined" : x)) ?? "undefined";
}

function issues(r: { ok: true } | { ok: false; errors: readonly { path: string; code: string }[] }): string {
  return r.ok ? "ok" : r.errors.map((e) => `${e.path} ${e.code}`).join(", ");
}

/** What the tests compare, one line each. */
export function run(): string[] {
  const out: string[] = [];
  out.push(show(capabilities(rpcAnswer("Initialize", '{"jsonrpc":"2.0","id":1,"result":{"capabilities":{"hoverProvider":true}}}'))));
  out.push(show(capabilities(rpcAnswer("Initialize", '{"jsonrpc":"2.0","id":1,"error":{"code":-32600,"message":"bad"}}'))));
  out.push(hover(rpcAnswer("HoverRequest", '{"jsonrpc":"2.0","id":"h","result":null}')));
  out.push(hover(rpcAnswer("HoverRequest", '{"jsonrpc":"2.0","id":"h","result":{"contents":"docs"}}')));
  out.push(show(resultOf("Shutdown", '{"jsonrpc":"2.0","id":2,"result":null}')));
  out.push(issues(rpcParse("Initialize", '{"jsonrpc":"2.0","id":1,"result":{}}')));
  out.push(issues(rpcParse("Initialize", '{"jsonrpc":"2.0","method":"window/logMessage","params":{"type":3,"message":"hi"}}')));
  out.push(issues(rpcParse("Initialize", new TextEncoder().encode('{"jsonrpc":"2.0","id":1,"result":5}'))));
  out.push(issues(rpcParse("Nothing" as "Initialize", '{"jsonrpc":"2.0","id":1,"result":{"capabilities":1}}')));
  try {
    rpcAnswer("Shutdown", '{"jsonrpc":"2.0","id":2,"result":1}');
    out.push("no throw");
  } catch (e) {
    out.push(e instanceof SockspecError ? `thrown ${issues({ ok: false, errors: e.errors })}` : "other");
  }
  const config = rpcClientParse("Configuration", '{"jsonrpc":"2.0","id":9,"result":[{"tabSize":4},null]}');
  out.push(config.ok && config.value.name === "@result" ? show(config.value.result) : "not a result");
  out.push(show(total(shopAnswer("Get", '{"type":"done","id":1,"result":{"n":18446744073709551615,"tags":["a"]}}'))));
  out.push(show(total(shopAnswer("Get", '{"type":"done","id":1}'))));
  out.push(show(shopAnswer("Get", '{"type":"failure","id":1,"reason":"no"}')));
  out.push(issues(shopParse("Get", '{"type":"done","id":1,"result":{"n":-1,"tags":[1]}}')));
  out.push(issues(shopParse("Ping", '{"type":"done","id":1}')));
  out.push(issues(shopParse("Get", '{"type":"done","id":"1","result":{}}')));
  out.push(found(shopAnswer("Find", '{"type":"done","id":1,"result":"x"}')));
  out.push(found(shopAnswer("Find", '{"type":"done","id":1,"result":{"n":1,"tags":[]}}')));
  out.push(issues(shopParse("Find", '{"type":"done","id":1,"result":5}')));
  return out;
}
