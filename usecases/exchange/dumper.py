"""Database -> document: `repository_export` reads use cases (as far as the user may see them) into a
`usecases.xml.document.Repository`, which `usecases.xml.write_variant_c` writes as variant C.

The document holds the use cases, the library objects they use (actors, information objects, requirements with
their categories up to the root, common terms, business cases and their areas), stubs for the related use cases
that are not exported in full (only those the user may see), SGAM and NIST placements, workspace and status.
What an import kept in `extra` comes back: the file's own extra fields, non-UUID mRIDs, values as the file had
them (see `records.py`), author lists, the order of references. Everything is sorted by what it says, never by
database ids, so that export -> import into another database -> export gives the same file.

The diagrams UCMR generates for a use case (`usecases.analysis.diagrams`) come along as drawings
(`document.GeneratedDrawing`: a sequence diagram on its scenario, the others on the use case, after the author's
drawings), each linking to the diagram's address without primary keys; our reader leaves them out again. The API's
whole-use-case document asks for none, since what it reads is written back as it is.

Queries: a fixed number, whatever the number of use cases (`selectors.usecase_export_list`); a fixed number per
batch of `BATCH_SIZE` use cases for `RepositoryExportBatches`, which streamed exports use.

This module chooses what goes in (the use cases, the related ones the user may see, the generated drawings); a use
case's document is written by `dump_use_cases.py`, the libraries it names by `dump_libraries.py`, and both write
values and order rows with `dump_values.py`.
"""

import gc
from collections.abc import Iterator

from django.db.models import QuerySet

from sgam.selectors import SgamReference, effective_placements, sgam_reference_get
from usecases.analysis.diagrams import usecase_generated_drawings
from usecases.analysis.facts import UseCaseFacts, usecase_facts
from usecases.exchange.dump_use_cases import UseCaseDumper
from usecases.exchange.dump_values import by_position, use_case_key, use_case_order_key
from usecases.exchange.records import bookkeeping
from usecases.exchange.selectors import (
    exported,
    library_details,
    usecase_export_list,
    usecase_export_order,
    usecase_visible_ids,
)
from usecases.exchange.use_cases import PLACEHOLDER
from usecases.models import UseCase
from usecases.xml import document as doc

# Use cases read at once by a streamed export: enough for the bulk queries to pay, few enough to stay small.
BATCH_SIZE = 100


def repository_export(
    *, user, use_cases: QuerySet[UseCase], generated_drawings: bool = True, images: bool = False
) -> doc.Repository:
    """The document of the use cases in `use_cases` that `user` may see, with the diagrams UCMR generates for each
    as drawings unless `generated_drawings` is False. `images`: a drawing's uploaded image travels as its bytes
    (`doc.Drawing.content`, for a format that embeds it: Excel), else as its address (the `uri`)."""
    listed = usecase_export_list(user=user, use_cases=use_cases)
    return _Dumper(user=user, use_cases=listed, generated_drawings=generated_drawings, images=images).repository()


class RepositoryExportBatches:
    """`repository_export` for exports too big to hold: iterating gives the documents of the full use cases in
    batches (in the file's order, each batch read with the bulk queries of `usecase_export_list`); after that,
    `libraries()` is the rest of the document: the library objects they use, and the stubs as its use cases.
    Memory grows with the batch and the libraries, not with the number of use cases."""

    def __init__(
        self,
        *,
        user,
        use_cases: QuerySet[UseCase],
        generated_drawings: bool = True,
        images: bool = False,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self.user = user
        self.batch_size = batch_size
        self.full, self.placeholders = usecase_export_order(user=user, use_cases=use_cases, key=use_case_order_key)
        self.dumper = _Dumper(user=user, use_cases=[], generated_drawings=generated_drawings, images=images)

    def __len__(self) -> int:
        return len(self.full) + len(self.placeholders)

    def __iter__(self) -> Iterator[list[doc.UseCase]]:
        selected = {*self.full, *self.placeholders}
        for start in range(0, len(self.full), self.batch_size):
            batch = UseCase.objects.filter(pk__in=self.full[start : start + self.batch_size])
            loaded = usecase_export_list(user=self.user, use_cases=batch)
            loaded.sort(key=use_case_key)
            documents = self.dumper.use_case_documents(loaded, selected=selected)
            del loaded
            yield documents
            del documents
            # The batch's rows are held in reference cycles (a prefetched row points back at its parent), which
            # only the collector frees; a worker with a big heap runs a full collection rarely, and the batches
            # would pile up until it does. One collection per batch keeps the memory to a batch.
            gc.collect()

    def libraries(self) -> doc.Repository:
        placeholders = list(UseCase.objects.filter(pk__in=self.placeholders))
        return self.dumper.libraries(placeholders=placeholders)

    def full_stubs(self) -> list[doc.UseCase]:
        """The full use cases of the export as stubs (mRID, ID, name), read before any batch: what a relation to a
        use case of another batch names in a format that names it (the Excel template does)."""
        fields = ("mrid", "identifier", "name", "nature", "extra")
        return [
            self.dumper.stub(use_case)
            for start in range(0, len(self.full), 1000)
            for use_case in UseCase.objects.filter(pk__in=self.full[start : start + 1000]).only(*fields)
        ]


class _Dumper(UseCaseDumper):
    def __init__(
        self, *, user, use_cases: list[UseCase], generated_drawings: bool = True, images: bool = False
    ) -> None:
        super().__init__(user=user, images=images)
        self.use_cases = use_cases
        self.generated_drawings = generated_drawings

    def repository(self) -> doc.Repository:
        selected = {use_case.pk for use_case in self.use_cases}
        full = [use_case for use_case in self.use_cases if not bookkeeping(use_case).get(PLACEHOLDER)]
        full.sort(key=use_case_key)
        documents = self.use_case_documents(full, selected=selected)
        placeholders = [use_case for use_case in self.use_cases if bookkeeping(use_case).get(PLACEHOLDER)]
        libraries = self.libraries(placeholders=placeholders)
        libraries.use_cases = [*documents, *libraries.use_cases]
        return libraries

    def use_case_documents(self, full: list[UseCase], *, selected: set[int]) -> list[doc.UseCase]:
        """The documents of these use cases (loaded by `usecase_export_list`, in the file's order), collecting the
        library objects they use and the related use cases outside `selected` (the pks of the whole export)."""
        self.target_of = {}  # objects of an earlier batch may be gone, and their ids reused
        related = {
            relation.related_id: relation.related
            for use_case in full
            for relation in use_case.exported_relations
            if relation.related_id not in selected
        }
        self.visible_related = usecase_visible_ids(user=self.user, pks=set(related)) | selected
        self.related.update((pk, use_case) for pk, use_case in related.items() if pk in self.visible_related)
        documents = [self.use_case(use_case) for use_case in full]
        facts = (
            [usecase_facts(use_case=use_case, related=exported) for use_case in full] if self.generated_drawings else []
        )
        # The facts hold their own instances of the actors and information objects: they get placements too.
        library_details(
            actors=[
                *(actor for actor in self.actors.values() if not hasattr(actor, "exported_sgam_placements")),
                *(actor for item in facts for actor in item.actors),
            ],
            information_objects=[
                *(item for item in self.information_objects.values() if not hasattr(item, "exported_requirements")),
                *(information_object for item in facts for information_object in item.information_objects),
            ],
        )
        if facts:
            reference = sgam_reference_get()
            for item, document in zip(facts, documents, strict=True):
                self.add_generated_drawings(document, item, reference)
        return documents

    def add_generated_drawings(self, document: doc.UseCase, facts: UseCaseFacts, reference: SgamReference) -> None:
        """The use case's generated diagrams after the author's drawings: a sequence diagram on its scenario."""
        placements = effective_placements(facts=facts, reference=reference, related=exported)
        scenarios = {
            scenario.pk: item
            for scenario, item in zip(by_position(facts.use_case.exported_scenarios), document.scenarios, strict=True)
        }
        for drawing in usecase_generated_drawings(facts=facts, placements=placements):
            holder = document if drawing.scenario_id is None else scenarios[drawing.scenario_id]
            holder.drawings.append(
                doc.GeneratedDrawing(
                    mrid=str(drawing.mrid), name=drawing.name, drawing_type=drawing.drawing_type, uri=drawing.path
                )
            )
