import { describe, expect, it } from "vitest";
import { authHeaders, canWriteIn, type Session } from "./session";

const session = (grants: Record<string, string>): Session => ({ user: "u", authMode: "token", grants, canWrite: false });

describe("canWriteIn", () => {
  it("editors and admins write, viewers and strangers do not", () => {
    expect(canWriteIn(session({ "team-a": "editor" }), "team-a")).toBe(true);
    expect(canWriteIn(session({ "team-a": "viewer" }), "team-a")).toBe(false);
    expect(canWriteIn(session({ "team-a": "editor" }), "team-b")).toBe(false);
    expect(canWriteIn(session({ "*": "admin" }), "anything")).toBe(true);
    expect(canWriteIn(session({ "team-a": "viewer", "*": "editor" }), "team-a")).toBe(true);
  });
  it("sends the token as a bearer, or nothing", () => {
    expect(authHeaders("mlp_x")).toEqual({ Authorization: "Bearer mlp_x" });
    expect(authHeaders(null)).toEqual({});
  });
});
