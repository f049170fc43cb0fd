import type { CodegenConfig } from "@graphql-codegen/cli";

// Types for every operation in src/, from the committed SDL. The output (src/gql/) is
// committed; scripts/test regenerates it and fails if anything changed.
const config: CodegenConfig = {
  schema: "../schema/schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**/*"],
  ignoreNoDocuments: true,
  generates: {
    "./src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: "string", JSON: "unknown" },
      },
    },
  },
};
export default config;
