"""The document GraphiQL opens on: this API's own example instead of Strawberry's welcome.

Strawberry's page has no setting for it, so the page's ``EXAMPLE_QUERY`` literal (and the
variables' initial value) are replaced in its HTML; ``with_example_document`` raises if an
upgrade of Strawberry changed them, and tests/graphql/test_graphiql_example.py validates the
document against the schema.
"""

from __future__ import annotations

import json
import re

EXAMPLE_DOCUMENT = """\
# ML Platform: training jobs on Karmada's member clusters.
#
# Run an operation with the play button (Ctrl-Enter) and pick it by name:
# - Jobs: the newest running or pending jobs, 20 per page; pass
#   pageInfo.endCursor as "after" (Variables, below) for the next page.
# - Status: one job's current state, then every transition until it ends
#   (set "id" in Variables below to a job's id, e.g. from Jobs).
# - Algorithms: what createJob accepts, parameter by parameter.
# The Docs pane (top left) has every type; README.md has createJob examples.

query Jobs($after: String) {
  jobs(
    first: 20
    after: $after
    filter: {phases: [PENDING, RUNNING]}
    orderBy: {field: CREATED_AT, direction: DESC}
  ) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id jobName namespace algorithm phase reason clusters createdAt }
  }
}

subscription Status($id: ID!) {
  jobStatus(id: $id) {
    sequence
    phase
    reason
    message
    at
    job { id phase reason updatedAt }
  }
}

query Algorithms {
  algorithms {
    name
    workloadKind
    parameters { name type minimum maximum choices }
  }
}
"""

EXAMPLE_VARIABLES = json.dumps({"id": "my-first-job-1a2b3c4d", "after": None}, indent=2)

_QUERY_LITERAL = re.compile(r"const EXAMPLE_QUERY = `[^`]*`;")
_VARIABLES_STATE = "React.useState(\n          parameters.variables,\n        )"


# Both go into JavaScript template literals: a backtick or ${ would end or interpolate them.
if any(bad in EXAMPLE_DOCUMENT + EXAMPLE_VARIABLES for bad in ("`", "${", "\\")):
    raise ValueError("the GraphiQL example cannot hold a backtick, ${ or a backslash")


def with_example_document(html: str) -> str:
    """Strawberry's GraphiQL page opening on EXAMPLE_DOCUMENT and EXAMPLE_VARIABLES."""
    if not _QUERY_LITERAL.search(html) or _VARIABLES_STATE not in html:
        raise ValueError("Strawberry's GraphiQL page changed: EXAMPLE_QUERY not found")
    html = _QUERY_LITERAL.sub(lambda _: f"const EXAMPLE_QUERY = `{EXAMPLE_DOCUMENT}`;", html, 1)
    return html.replace(
        _VARIABLES_STATE,
        f"React.useState(\n          parameters.variables || `{EXAMPLE_VARIABLES}`,\n        )",
        1,
    )
