"""A simulated Karmada control plane with member clusters, served over real HTTP.

Independent of the product (an import-linter contract): it speaks the subset of the
Kubernetes/Karmada API that clients use, applies Karmada's scheduling and status rules, and
runs workloads through realistic lifecycles. Run it with ``python -m karmada_sim`` or
``mlplatform simulate``; the product embeds it when no ``KARMADA_KUBECONFIG`` is set.
"""
