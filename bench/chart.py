"""The picture of one run: each scenario's rate as a share of its ceiling and as a multiple of
each peer's, on one logarithmic axis, with the targets drawn as lines. Written as SVG beside
the run's JSON (matplotlib, Debian's python3-matplotlib)."""

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

# The targets docs/performance.md holds the runs to.
CEILING_TARGET = 0.5
PEER_TARGET = 10.0


def write_chart(report, path):
    scenarios = [s for s in report["scenarios"] if s.get("vs_limit") or s.get("vs_peer")]
    names = [s["scenario"] for s in scenarios]
    rows = range(len(scenarios))
    height = 0.21
    fig, ax = plt.subplots(figsize=(9, 0.5 * len(scenarios) + 1.6))
    bars = [
        ("vs_limit", "rate / its ceiling (reads: in-process; creates: raw inserts)", "#4c72b0"),
        ("vs_both", "rate / in-process and HTTP ceilings together (reads)", "#8172b3"),
        ("vs_peer", "rate / json-server's", "#dd8452"),
        ("vs_mockoon", "rate / Mockoon's", "#55a868"),
    ]
    for offset, (field, label, color) in enumerate(bars):
        ax.barh([r + (offset - 1.5) * height for r in rows], [s.get(field) or 0 for s in scenarios], height,
                label=label, color=color)
    ax.axvline(CEILING_TARGET, color="#4c72b0", linestyle="--", linewidth=1)
    ax.axvline(PEER_TARGET, color="#dd8452", linestyle="--", linewidth=1)
    ax.set_xscale("log")
    ax.set_yticks(list(rows))
    ax.set_yticklabels(names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("ratio (log scale); dashed: targets, 0.5 of the ceiling and 10x each peer")
    ax.set_title(f"contacts-gateway ({report['backend']}): {report['contacts']} contacts, "
                 f"{report['connections']} connections, {report['machine']['cpus']} cores", fontsize=10)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    # A fixed id salt and no date keep the file the same for the same figures.
    plt.rcParams["svg.hashsalt"] = "contacts-gateway"
    fig.savefig(path, format="svg", metadata={"Date": None})
    plt.close(fig)
