"""Writes of rendered diagrams of a use case (see `usecases.analysis.diagrams`).

Rendered diagrams are a cache keyed by content hash: rendering an unchanged diagram again costs nothing, and rows no
current diagram of their use case needs are pruned after each rendering of that use case. The rows live in
`sgam.models` (`RenderedDiagram`, `UseCaseDiagram`), where they were first written.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction

from sgam.models import RenderedDiagram, UseCaseDiagram
from usecases.analysis.diagrams import usecase_diagram_facts_load, usecase_diagram_specs_get, usecase_diagrams_store
from usecases.analysis.dot import RENDERER_VERSION, DotSource, RenderError, graphviz_run
from usecases.analysis.specs import DiagramSpec
from usecases.models import UseCase

Progress = Callable[[int, str], None]


def diagram_render(*, use_case: UseCase, spec: DiagramSpec, force: bool = False) -> tuple[RenderedDiagram, bool]:
    """The rendered diagram of `spec`, rendering its SVG only when no row has its content hash (or `force`).

    Returns (row, whether Graphviz ran). A failure (Graphviz error, time limit) is stored as the row's `error`,
    so the page can say so instead of waiting; `force` tries again.
    """
    existing = RenderedDiagram.objects.filter(content_hash=spec.content_hash).first()
    if existing is not None and not force:
        return existing, False
    try:
        svg, milliseconds = graphviz_run(dot=spec.dot, output_format="svg")
        outcome = {"svg": svg.decode(), "error": "", "render_ms": milliseconds}
    except RenderError as error:
        outcome = {"svg": "", "error": str(error), "render_ms": None}
    values = {
        "kind": spec.kind,
        "use_case": use_case,
        "subject": spec.subject,
        "title": spec.title[:300],
        "engine": spec.dot.engine,
        "source": spec.dot.source,
        **outcome,
    }
    if force:  # a PNG of the same content stays valid
        values.update(png=existing.png if existing else None, png_error="")
    diagram, _ = RenderedDiagram.objects.update_or_create(content_hash=spec.content_hash, defaults=values)
    return diagram, True


def diagram_png_render(*, diagram: RenderedDiagram) -> RenderedDiagram:
    """Add the PNG to a rendered diagram (from its stored DOT source); a failure is kept in `png_error`."""
    if diagram.png or diagram.png_error:
        return diagram
    dot = DotSource(diagram.source, engine=diagram.engine, pinned=diagram.pinned)
    try:
        png, milliseconds = graphviz_run(dot=dot, output_format="png")
        values: dict[str, Any] = {"png": png, "png_render_ms": milliseconds}
    except RenderError as error:
        values = {"png_error": str(error)}
    RenderedDiagram.objects.filter(pk=diagram.pk).update(**values)
    for name, value in values.items():
        setattr(diagram, name, value)
    return diagram


def usecase_diagrams_render(
    *,
    use_case_id: int,
    force: bool = False,
    png_keys: Iterable[str] = (),
    png_all: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Render every diagram of the use case that is not rendered yet (all with `force`), the PNG of those named in
    `png_keys` (of all with `png_all`), then prune the use case's rows no current diagram needs. The result says
    what happened. Only PNGs of diagrams stored for the current revision are drawn from their stored sources,
    without building a graph."""
    if png_keys and not (force or png_all):
        drawn = _stored_pngs_render(use_case_id=use_case_id, keys=set(png_keys))
        if drawn is not None:
            return drawn
    use_case = usecase_diagram_facts_load(use_case_id=use_case_id)
    if use_case is None:
        return {"use_case": use_case_id, "deleted": True}
    specs = usecase_diagram_specs_get(use_case=use_case)
    png_keys = set(png_keys)
    result: dict[str, Any] = {"use_case": use_case_id, "rendered": [], "cached": [], "failed": [], "render_ms": {}}
    for done, spec in enumerate(specs, start=1):
        diagram, rendered = diagram_render(use_case=use_case, spec=spec, force=force)
        if diagram.error:
            result["failed"].append({"key": spec.key, "error": diagram.error})
        elif rendered:
            result["rendered"].append(spec.key)
            result["render_ms"][spec.key] = diagram.render_ms
        else:
            result["cached"].append(spec.key)
        if (png_all or spec.key in png_keys) and not diagram.error:
            diagram = diagram_png_render(diagram=diagram)
            if diagram.png_error:
                result["failed"].append({"key": f"{spec.key}.png", "error": diagram.png_error})
        if progress is not None:
            progress(round(95 * done / len(specs)), f"{spec.title}: {(diagram.error and 'failed') or 'done'}")
    current = [spec.content_hash for spec in specs]
    result["pruned"] = RenderedDiagram.objects.filter(use_case=use_case).exclude(content_hash__in=current).delete()[0]
    usecase_diagram_index_store(use_case=use_case, specs=specs)
    return result


def _stored_pngs_render(*, use_case_id: int, keys: set[str]) -> dict[str, Any] | None:
    """The PNGs of the diagrams `keys` of the use case, when all are stored for its revision and rendered (None
    otherwise: the whole job runs)."""
    use_case = UseCase.objects.filter(pk=use_case_id).only("pk", "revision").first()
    if use_case is None:
        return None
    stored = UseCaseDiagram.objects.filter(
        use_case_id=use_case_id, revision=use_case.revision, renderer=RENDERER_VERSION, key__in=keys
    ).exclude(content_hash="")
    hashes = {row.key: row.content_hash for row in stored}
    diagrams = {
        diagram.content_hash: diagram for diagram in RenderedDiagram.objects.filter(content_hash__in=hashes.values())
    }
    if set(hashes) != keys or any(content_hash not in diagrams for content_hash in hashes.values()):
        return None
    result: dict[str, Any] = {"use_case": use_case_id, "rendered": [], "cached": [], "failed": [], "render_ms": {}}
    for key, content_hash in sorted(hashes.items()):
        diagram = diagrams[content_hash]
        if diagram.error:
            result["failed"].append({"key": key, "error": diagram.error})
            continue
        diagram = diagram_png_render(diagram=diagram)
        if diagram.png_error:
            result["failed"].append({"key": f"{key}.png", "error": diagram.png_error})
        else:
            result["cached"].append(key)
    result["pruned"] = 0
    return result


@transaction.atomic
def usecase_diagram_index_store(*, use_case: UseCase, specs: list[DiagramSpec]) -> None:
    """Store the diagrams of the use case at the revision they were built from (`use_case` as loaded before its
    rows were read, so its revision is never newer than what the specs show), replacing those of other revisions:
    pages and downloads then find them by key without building a graph."""
    UseCaseDiagram.objects.filter(use_case_id=use_case.pk).exclude(
        revision=use_case.revision, renderer=RENDERER_VERSION
    ).delete()
    stored = set(
        UseCaseDiagram.objects.filter(
            use_case_id=use_case.pk, revision=use_case.revision, renderer=RENDERER_VERSION
        ).values_list("key", "content_hash")
    )
    if stored == {(spec.key, spec.content_hash) for spec in specs}:
        return  # stored by an earlier run for this revision
    UseCaseDiagram.objects.filter(use_case_id=use_case.pk).delete()
    usecase_diagrams_store(use_case=use_case, diagrams=specs)


def usecase_diagram_index_clear(*, use_case_ids) -> int:
    """Forget the stored diagrams of these use cases (a library object they use changed: an actor's name or its
    placement shows in their diagrams without changing their revision); the next page asks for them again."""
    return UseCaseDiagram.objects.filter(use_case_id__in=list(use_case_ids)).delete()[0]
