import { describe, expect, it } from "vitest";
import { numberOrNull, numberOrText, parseParam, requestIdFor } from "./request";

describe("parseParam", () => {
  it("types values by the parameter's type, empty means the default", () => {
    expect(parseParam({ name: "n", type: "INT" }, " 10 ")).toBe(10);
    expect(parseParam({ name: "n", type: "FLOAT" }, "0.3")).toBe(0.3);
    expect(parseParam({ name: "n", type: "FLOAT" }, "auto")).toBe("auto");
    expect(parseParam({ name: "n", type: "INT" }, "ten")).toBe("ten");
    expect(parseParam({ name: "b", type: "BOOLEAN" }, "true")).toBe(true);
    expect(parseParam({ name: "l", type: "STRING_LIST" }, "a, b")).toEqual(["a", "b"]);
    expect(parseParam({ name: "l", type: "STRING_LIST" }, "a")).toBe("a");
    expect(parseParam({ name: "s", type: "STRING" }, "")).toBeUndefined();
  });
  it("number inputs", () => {
    expect(numberOrNull("")).toBeNull();
    expect(numberOrNull("x")).toBeNull();
    expect(numberOrText("2.5")).toBe(2.5);
    expect(numberOrText("two")).toBe("two");
  });
});

describe("requestIdFor", () => {
  let n = 0;
  const make = () => `id-${++n}`;
  it("reuses the key for the same request and makes one for a changed request", () => {
    const first = requestIdFor(null, "{a}", make);
    expect(requestIdFor(first, "{a}", make)).toBe(first);
    expect(requestIdFor(first, "{b}", make).id).not.toBe(first.id);
  });
});
