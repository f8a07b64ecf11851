"""The end-of-build summary: jobs per source, changes, pages written, requests, time."""

from __future__ import annotations

from .build import BuildReport


def summarize(report: BuildReport) -> str:
    lines = []
    for source in report.sources:
        stale = " (STALE: last snapshot)" if source.stale else ""
        lines.append(
            f"{source.name}: {source.jobs} jobs{stale}; +{len(source.added)} added, "
            f"~{len(source.updated)} updated, -{len(source.closed)} closed ({source.seconds:.1f}s)"
        )
    if report.written is not None:
        w = report.written
        if w.changed:
            lines.append(f"wrote {len(w.written)} files, removed {len(w.removed)}, {w.unchanged} unchanged -> {report.output}")
        else:
            lines.append(f"no file changed ({w.unchanged} files) -> {report.output}")
    if report.pages_rendered or report.pages_reused:
        quick = " (quick rebuild: only changed job files read)" if report.quick else ""
        lines.append(f"job pages: {report.pages_rendered} rendered, {report.pages_reused} unchanged{quick}")
    stats = report.stats
    not_modified = f" ({stats.not_modified} not modified)" if stats.not_modified else ""
    lines.append(f"{stats.requests} requests{not_modified}, {stats.retries} retries; {len(report.warnings)} warnings; {report.seconds:.1f}s")
    return "\n".join(lines)
