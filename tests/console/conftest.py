"""Where the console tests' screenshots went, printed at the end of the run."""

from __future__ import annotations

import pytest

from tests.console.support import DROVE, SHOTS, update_readme_screenshots


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not DROVE:
        return
    terminalreporter.write_line(f"console screenshots: {SHOTS}")
    copied = update_readme_screenshots()
    if copied:
        names = ", ".join(p.name for p in copied)
        terminalreporter.write_line(f"UPDATE_SCREENSHOTS=1: refreshed docs/console/ ({names})")
