import { ApolloProvider } from "@apollo/client";
import { useCallback, useEffect, useState } from "react";
import { NavLink, Route, Routes } from "react-router";
import { createConsoleClient, type ConsoleClient } from "./apollo";
import { setConnection, useConnection } from "./connection";
import { ClustersPage } from "./pages/Clusters";
import { JobPage } from "./pages/Job";
import { JobsPage } from "./pages/Jobs";
import { NewJobPage } from "./pages/NewJob";
import { SignInPage } from "./pages/SignIn";
import { fetchSession, storeToken, storedToken, type Session, type SessionState } from "./session";
import { SessionContext } from "./sessionContext";

export function App() {
  const [token, setToken] = useState<string | null>(() => storedToken());
  const [state, setState] = useState<SessionState>({ status: "loading" });

  useEffect(() => {
    let live = true;
    void fetchSession(token).then((s) => {
      if (live) setState(s);
    });
    return () => {
      live = false;
    };
  }, [token]);

  const signIn = useCallback((t: string) => {
    storeToken(t);
    setConnection({ status: "connecting" });
    setState({ status: "loading" });
    setToken(t);
  }, []);

  const signOut = useCallback((reason: string) => {
    setState((s) => ({
      status: "signedOut",
      reason,
      authMode: s.status === "signedIn" ? s.session.authMode : s.status === "signedOut" ? s.authMode : "",
    }));
  }, []);

  if (state.status === "loading") return <div className="loading">Loading…</div>;
  if (state.status === "signedOut") {
    return (
      <SignInPage
        reason={state.reason}
        authMode={state.authMode}
        onSignIn={signIn}
        hadToken={token !== null}
      />
    );
  }
  return (
    <SignedIn
      key={token ?? ""}
      token={token}
      session={state.session}
      onSignedOut={signOut}
      onSignOut={() => {
        storeToken(null);
        setToken(null);
        signOut("You signed out.");
      }}
    />
  );
}

function SignedIn(props: {
  token: string | null;
  session: Session;
  onSignedOut: (reason: string) => void;
  onSignOut: () => void;
}) {
  const { token, onSignedOut } = props;
  // Made and closed by one effect, so React's StrictMode (mount, unmount, mount) gets a fresh
  // client instead of a closed one.
  const [client, setClient] = useState<ConsoleClient | null>(null);
  useEffect(() => {
    const made = createConsoleClient(token, onSignedOut);
    setClient(made);
    return () => {
      void made.ws.dispose();
      made.apollo.stop();
    };
  }, [token, onSignedOut]);
  if (!client) return <div className="loading">Connecting…</div>;
  return (
    <SessionContext.Provider value={props.session}>
      <ApolloProvider client={client.apollo}>
        <Layout session={props.session} onSignOut={props.token ? props.onSignOut : null}>
          <Routes>
            <Route path="/" element={<JobsPage />} />
            <Route path="/jobs" element={<JobsPage />} />
            <Route path="/jobs/new" element={<NewJobPage />} />
            <Route path="/jobs/:id" element={<JobPage />} />
            <Route path="/clusters" element={<ClustersPage />} />
            <Route path="*" element={<p>Nothing here. <NavLink to="/jobs">Jobs</NavLink></p>} />
          </Routes>
        </Layout>
      </ApolloProvider>
    </SessionContext.Provider>
  );
}

function Layout(props: { session: Session; onSignOut: (() => void) | null; children: React.ReactNode }) {
  const connection = useConnection();
  const writer = props.session.canWrite;
  return (
    <div className="layout">
      <header>
        <span className="brand">ML platform</span>
        <nav>
          <NavLink to="/jobs" end>
            Jobs
          </NavLink>
          {writer && <NavLink to="/jobs/new">New job</NavLink>}
          <NavLink to="/clusters">Clusters</NavLink>
          <a href="/graphql">GraphiQL</a>
        </nav>
        <span className={`conn conn-${connection.status}`} data-testid="connection">
          {connection.status === "connected" ? "live" : connection.status}
        </span>
        <span className="user" data-testid="user">
          {props.session.user}
        </span>
        {props.onSignOut && (
          <button type="button" onClick={props.onSignOut}>
            Sign out
          </button>
        )}
      </header>
      {connection.status === "reconnecting" && (
        <div className="banner" role="status">
          Connection lost: reconnecting… live updates resume where they stopped.
        </div>
      )}
      <main>{props.children}</main>
    </div>
  );
}
