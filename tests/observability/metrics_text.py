"""Reading samples out of a Prometheus text exposition (tests only)."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families


def sample(text: str, metric: str, /, **labels: str) -> float:
    """The value of one sample (0.0 when absent: counters start unexported)."""
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == metric and all(s.labels.get(k) == v for k, v in labels.items()):
                return float(s.value)
    return 0.0


def sum_samples(text: str, metric: str, /, **labels: str) -> float:
    """The sum of every sample of ``name`` whose labels include ``labels``."""
    total = 0.0
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == metric and all(s.labels.get(k) == v for k, v in labels.items()):
                total += float(s.value)
    return total
