"""Shared helpers of the compare scripts: a padded Markdown table, the CPU model."""

import platform


def markdown_table(head, rows):
    """Returns `rows` (tuples of cells) under `head` as a Markdown table with padded columns."""
    widths = [max(len(str(r[i])) for r in list(rows) + [head]) for i in range(len(head))]
    lines = ["| " + " | ".join(str(c).ljust(w) for c, w in zip(head, widths)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += ["| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |" for r in rows]
    return "\n".join(lines)


def cpu_model():
    """The CPU's model name from /proc/cpuinfo (else what `platform` knows: the processor, or the machine)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
