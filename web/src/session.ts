// Who is signed in: the token (kept in localStorage) and what the server says it may do
// (GET /console/session, answered by app/server/console.py).

export interface Session {
  user: string;
  authMode: string;
  /** namespace (or "*") -> "viewer" | "editor" | "admin" */
  grants: Record<string, string>;
  canWrite: boolean;
}

export type SessionState =
  | { status: "loading" }
  | { status: "signedIn"; session: Session }
  | { status: "signedOut"; reason: string; authMode: string };

const TOKEN_KEY = "mlplatform.token";

export function storedToken(): string | null {
  try {
    return window.localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string | null): void {
  try {
    if (token) window.localStorage.setItem(TOKEN_KEY, token);
    else window.localStorage.removeItem(TOKEN_KEY);
  } catch {
    // private mode: the token lives for this page only
  }
}

export function authHeaders(token: string | null): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** Ask the server who the token belongs to. */
export async function fetchSession(token: string | null): Promise<SessionState> {
  let answer: Response;
  try {
    answer = await fetch("/console/session", { headers: authHeaders(token) });
  } catch (error) {
    return { status: "signedOut", reason: `The server did not answer: ${String(error)}`, authMode: "" };
  }
  const mode = answer.headers.get("X-Auth-Mode") ?? "";
  if (answer.status === 401) {
    return {
      status: "signedOut",
      reason: token ? "Your token was refused (expired or revoked)." : "Sign in with an API token.",
      authMode: mode,
    };
  }
  if (!answer.ok) {
    return { status: "signedOut", reason: `The server answered ${answer.status}.`, authMode: mode };
  }
  const session = (await answer.json()) as Session;
  return { status: "signedIn", session };
}

/** May this session create, stop, retry or delete jobs in `namespace`? */
export function canWriteIn(session: Session, namespace: string): boolean {
  // The strongest of the namespace's grant and a grant on every namespace, as the server does.
  const roles = [session.grants[namespace], session.grants["*"]];
  return roles.some((role) => role === "editor" || role === "admin");
}
