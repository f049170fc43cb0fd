import { createContext, useContext } from "react";
import type { Session } from "./session";

export const SessionContext = createContext<Session>({
  user: "",
  authMode: "",
  grants: {},
  canWrite: false,
});

export function useSession(): Session {
  return useContext(SessionContext);
}
