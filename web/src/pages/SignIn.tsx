import { useState } from "react";

export function SignInPage(props: {
  reason: string;
  authMode: string;
  hadToken: boolean;
  onSignIn: (token: string) => void;
}) {
  const [token, setToken] = useState("");
  const oidc = props.authMode === "oidc";
  return (
    <div className="signin">
      <h1>{props.hadToken ? "Signed out" : "Sign in"}</h1>
      <p className="reason" data-testid="signed-out-reason">
        {props.reason}
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (token.trim()) props.onSignIn(token.trim());
        }}
      >
        <label>
          {oidc ? "ID token (JWT from your identity provider)" : "API token (mlp_…)"}
          <input
            name="token"
            type="password"
            autoComplete="off"
            value={token}
            onChange={(e) => setToken(e.target.value)}
          />
        </label>
        <button type="submit">Sign in</button>
      </form>
      <p className="hint">
        {oidc
          ? "The server checks the token against its OIDC issuer; behind a trusted proxy the proxy signs you in."
          : "An administrator creates tokens with `mlplatform token create`."}
      </p>
    </div>
  );
}
