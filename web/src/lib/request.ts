// The New-job form's values turned into CreateJobInput (unit-tested in request.test.ts).
// Empty inputs are left out, so the server's defaults apply.

export interface ParamSpec {
  name: string;
  type: "INT" | "FLOAT" | "STRING" | "BOOLEAN" | "STRING_LIST";
}

/** A hyperparameter's text as the JSON value its type asks for; undefined when empty. */
export function parseParam(spec: ParamSpec, text: string): unknown {
  const t = text.trim();
  if (t === "") return undefined;
  switch (spec.type) {
    case "INT":
    case "FLOAT": {
      if (t === "auto") return t;
      const n = Number(t);
      // Sent as typed when it is no number: the server says why, at this field.
      return Number.isFinite(n) ? n : t;
    }
    case "BOOLEAN":
      return t === "true" ? true : t === "false" ? false : t;
    case "STRING_LIST":
      return t.includes(",") ? t.split(",").map((s) => s.trim()).filter(Boolean) : t;
    case "STRING":
      return t;
  }
}

/** Number inputs: the number, or null when empty (the server then names the field). */
export function numberOrNull(text: string): number | null {
  const t = text.trim();
  if (t === "") return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/**
 * A number input's value to send: the number; the text as typed when it is no number (the
 * server's type check then says why, at this field); null when empty.
 */
export function numberOrText(text: string): number | null {
  const t = text.trim();
  if (t === "") return null;
  const n = Number(t);
  return (Number.isFinite(n) ? n : t) as number;
}

/** An idempotency key; crypto.randomUUID needs a secure context, getRandomValues does not. */
export function newRequestId(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === "function") return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/**
 * The key for a submit: the previous one when the request is the same (a retry after a
 * timeout or a lost answer returns the first job), a new one for a changed request.
 */
export function requestIdFor(
  previous: { body: string; id: string } | null,
  body: string,
  make: () => string = newRequestId,
): { body: string; id: string } {
  return previous && previous.body === body ? previous : { body, id: make() };
}
