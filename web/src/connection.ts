// The websocket's state for the banner ("reconnecting") and for streams that resume: `epoch`
// grows on every (re)connection, so a subscription can start again after the last sequence
// it saw.
import { useSyncExternalStore } from "react";

export interface ConnectionState {
  status: "connecting" | "connected" | "reconnecting" | "signedOut";
  epoch: number;
}

let state: ConnectionState = { status: "connecting", epoch: 0 };
const listeners = new Set<() => void>();

export function setConnection(next: Partial<ConnectionState>): void {
  state = { ...state, ...next };
  listeners.forEach((l) => l());
}

export function connectionState(): ConnectionState {
  return state;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useConnection(): ConnectionState {
  return useSyncExternalStore(subscribe, connectionState, connectionState);
}
