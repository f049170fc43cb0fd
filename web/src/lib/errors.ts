// Server errors mapped to the form field they are about (unit-tested in errors.test.ts).
//
// Fields are request paths as the client spelled them: camelCase keys, dots between levels,
// `[i]` for list items, e.g. `resources.instanceResources.cpuCores`.

export interface FieldError {
  /** The request path, or "" when the error is about no particular field. */
  field: string;
  message: string;
}

interface GraphQLErrorLike {
  message: string;
  extensions?: Record<string, unknown> | null;
}

const FIELD_PREFIX = /^([A-Za-z_][\w]*(?:\[\d+\])?(?:\.[A-Za-z_][\w-]*(?:\[\d+\])?)*): (.+)$/s;
// graphql-core's variable errors, older and newer wording:
//   Variable '$input' got invalid value 'two' at 'input.a.b'; Float cannot represent ...
//   Variable '$input' has invalid value at .a.b: Float cannot represent ...
const VARIABLE_AT = /at '([^']+)'/;
const VARIABLE_HAS = /^Variable '\$(\w+)' has invalid value at \.?([^:\s]*): (.+)$/s;

/** Strip a leading `input.` (the mutation's argument) from a variable path. */
function requestPath(path: string): string {
  return path.replace(/^input\./, "").replace(/^input$/, "");
}

/**
 * Where a GraphQL error belongs: `extensions.field` first, then graphql-core's
 * "Variable '$input' got invalid value ... at 'input.a.b'", then a "a.b: reason" prefix.
 */
export function fieldOfGraphQLError(error: GraphQLErrorLike): FieldError {
  const ext = error.extensions ?? {};
  const field = ext["field"];
  if (typeof field === "string" && field) {
    return { field: requestPath(field), message: stripPrefix(error.message, field) };
  }
  const has = VARIABLE_HAS.exec(error.message);
  if (has?.[3]) return { field: has[2] ?? "", message: has[3] };
  const at = VARIABLE_AT.exec(error.message);
  if (at?.[1]) {
    const reason = error.message.split("; ").slice(1).join("; ") || error.message;
    return { field: requestPath(at[1]), message: reason };
  }
  return fieldOfMessage(error.message);
}

/** "a.b: reason" -> {field: "a.b", message: "reason"}; otherwise no field. */
export function fieldOfMessage(message: string): FieldError {
  const m = FIELD_PREFIX.exec(message);
  if (m?.[1] && m[2]) return { field: requestPath(m[1]), message: m[2] };
  return { field: "", message };
}

function stripPrefix(message: string, field: string): string {
  const prefix = `${field}: `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message;
}

/**
 * The error shown at `field` in a form: exact match, or the closest enclosing field the form
 * has (an error on `resources.instanceResources.cpuCores` shows at `resources` if the form
 * has no cpuCores input). Returns the form field the error is attached to.
 */
export function formFieldFor(errorField: string, formFields: readonly string[]): string {
  let path = errorField;
  while (path) {
    if (formFields.includes(path)) return path;
    const cut = Math.max(path.lastIndexOf("."), path.lastIndexOf("["));
    path = cut > 0 ? path.slice(0, cut) : "";
  }
  return "";
}

/**
 * The GraphQL errors of a failed Apollo operation: `graphQLErrors`, or those in the body of a
 * non-2xx answer (`networkError.result.errors`).
 */
export function graphQLErrorsOf(error: unknown): GraphQLErrorLike[] {
  if (!error || typeof error !== "object") return [];
  const e = error as {
    graphQLErrors?: GraphQLErrorLike[];
    networkError?: { result?: { errors?: GraphQLErrorLike[] } } | null;
  };
  if (e.graphQLErrors?.length) return e.graphQLErrors;
  const fromBody = e.networkError?.result?.errors;
  return Array.isArray(fromBody) ? fromBody : [];
}

/** The message a person should read for a failed request, with the server's code if any. */
export function describeError(error: unknown): string {
  if (error && typeof error === "object" && "message" in error) {
    return String((error as { message: unknown }).message);
  }
  return String(error);
}
