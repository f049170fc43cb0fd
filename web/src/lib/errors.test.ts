import { describe, expect, it } from "vitest";
import { fieldOfGraphQLError, fieldOfMessage, formFieldFor, graphQLErrorsOf } from "./errors";

describe("fieldOfGraphQLError", () => {
  it("takes extensions.field first", () => {
    expect(
      fieldOfGraphQLError({
        message: "priority: must be at most 1000",
        extensions: { code: "BAD_USER_INPUT", field: "priority" },
      }),
    ).toEqual({ field: "priority", message: "must be at most 1000" });
  });
  it("reads graphql-core's variable errors, both wordings", () => {
    expect(
      fieldOfGraphQLError({
        message:
          "Variable '$input' has invalid value at .resources.instanceResources.cpuCores: Float cannot represent non numeric value: 'two'",
      }),
    ).toEqual({
      field: "resources.instanceResources.cpuCores",
      message: "Float cannot represent non numeric value: 'two'",
    });
    expect(
      fieldOfGraphQLError({
        message:
          "Variable '$input' got invalid value 'two' at 'input.resources.instanceCount'; Int cannot represent non-integer value: 'two'",
      }),
    ).toEqual({ field: "resources.instanceCount", message: "Int cannot represent non-integer value: 'two'" });
  });
  it("falls back to the message's field prefix", () => {
    expect(fieldOfGraphQLError({ message: "inputDataConfig[1].channelName: is required" })).toEqual({
      field: "inputDataConfig[1].channelName",
      message: "is required",
    });
  });
  it("leaves messages about no field alone", () => {
    expect(fieldOfMessage("Karmada is unavailable")).toEqual({ field: "", message: "Karmada is unavailable" });
    expect(fieldOfMessage("Note: this is prose")).toEqual({ field: "Note", message: "this is prose" });
  });
});

describe("formFieldFor", () => {
  const fields = ["jobName", "resources", "resources.instanceCount", "inputDataConfig", "hyperparameters.xgboost.eta"];
  it("finds the exact field or the closest enclosing one", () => {
    expect(formFieldFor("jobName", fields)).toBe("jobName");
    expect(formFieldFor("resources.instanceResources.cpuCores", fields)).toBe("resources");
    expect(formFieldFor("inputDataConfig[2].bucket", fields)).toBe("inputDataConfig");
    expect(formFieldFor("hyperparameters.xgboost.eta", fields)).toBe("hyperparameters.xgboost.eta");
  });
  it("answers '' for a field the form has nothing for", () => {
    expect(formFieldFor("entrypoint", fields)).toBe("");
    expect(formFieldFor("", fields)).toBe("");
  });
});

describe("graphQLErrorsOf", () => {
  it("reads graphQLErrors or a non-2xx body's errors", () => {
    expect(graphQLErrorsOf({ graphQLErrors: [{ message: "a" }] })).toEqual([{ message: "a" }]);
    expect(graphQLErrorsOf({ graphQLErrors: [], networkError: { result: { errors: [{ message: "b" }] } } })).toEqual([
      { message: "b" },
    ]);
    expect(graphQLErrorsOf(new Error("offline"))).toEqual([]);
  });
});
