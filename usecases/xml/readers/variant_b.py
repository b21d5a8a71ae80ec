"""Reader for variant B, the 2015 working draft of IEC 62559-3 (namespace
`http://www.TC8.org/IEC62559/part3/V01/Build11022015`).

How it differs from variant C, and how it is mapped:

- Identity is a required `technicalId`, unique within the file; references carry it (plus, for actors, maybe only
  a name). The technicalId plays the mRID's part: it is normalised the same way and kept as `mrid`. An actor
  reference with a name but no technicalId is resolved by name in the actor library.
- Areas are a `DomainLibrary` of `Domain`s (business domains, not SGAM), and business cases refer to them.
- `prioritisation` with an s; `Assumption`, `Condition`, `TriggeringEvent` and `Remark` hold `content` instead
  of `description`; a version's number is `versionNumber`; `Reference/originatorOrganisation`.
- Steps are `Scenario/MacroActivity/Step`; macro activities nest as `ChildMacroActivity`. A macro activity becomes a
  step whose children are its child macro activities and its steps; steps have no technicalId (no mRID).
- The per-use-case actor note is `ActorGrouping/Actor/furtherInformation`: each becomes one
  FurtherActorInformation for that actor.
- Drawing types are capitalised ("Use Case Overview"), and name macro activities and actions; `URI/@type` says
  `Image`.
- Actors and common terms have a global `identifier` we have no field for: kept in `extra["identifier"]`.

The family reader (`readers.family`) reads it with variant B's `SPELLING`; this module adds what has a structure
of its own: references by name, the actor notes of actor groupings, and macro activities.
"""

from lxml import etree

from usecases.xml.document import ActorGrouping, FurtherActorInformation, Repository, Step
from usecases.xml.readers._common import children, text, where
from usecases.xml.readers.family import FamilyReader, Spelling
from usecases.xml.vocabulary import normalise_mrid

NAMESPACE = "http://www.TC8.org/IEC62559/part3/V01/Build11022015"
SPELLING = Spelling(
    namespace=NAMESPACE,
    id="technicalId",
    number="identifier",
    version_number="versionNumber",
    content="content",
    prioritisation="prioritisation",
    originator="originatorOrganisation",
    areas=("DomainLibrary", "Domain"),
    ucmr_entries=False,
)


def read_variant_b(*, root: etree._Element) -> Repository:
    """The document a variant B file describes (the root must be its `UseCaseRepository`)."""
    return _Reader(SPELLING).repository(root)


class _Reader(FamilyReader):
    """The family reader, with variant B's references by name, actor notes and macro activities."""

    def resolve(self, element: etree._Element) -> str:
        """The technicalId a reference carries, or (actor references may carry only a name) the named actor's."""
        mrid = normalise_mrid(text(element, "technicalId"))
        if not mrid:
            mrid = self.actor_names.get(text(element, "name").strip().lower(), "")
        if not mrid:
            self.warnings.append(f"Ignored a reference we cannot resolve at {where(element)}.")
        return mrid

    def actor_grouping(self, element: etree._Element) -> ActorGrouping:
        grouping = ActorGrouping(name=text(element, "name"), description=text(element, "description"))
        if text(element, "identifier"):
            identifier = text(element, "identifier")
            self.warnings.append(f"Actor grouping identifier {identifier!r} at {where(element)} is not kept.")
        for actor in children(element, "Actor"):
            mrid = self.resolve(actor)
            grouping.further_actor_information.append(
                FurtherActorInformation(
                    actor_refs=[mrid] if mrid else [], description=text(actor, "furtherInformation")
                )
            )
        return grouping

    def scenario_steps(self, element: etree._Element) -> list[Step]:
        return [self.macro_activity(e) for e in children(element, "MacroActivity")]

    def step_children(self, element: etree._Element) -> list[Step]:
        return []  # a step does not nest; macro activities do

    def macro_activity(self, element: etree._Element) -> Step:
        return Step(
            mrid_raw=text(element, "technicalId"),
            name=text(element, "name"),
            description=text(element, "description"),
            primary_actor_refs=self.refs(element, "PrimaryActor"),
            requirement_refs=self.refs(element, "Requirement"),
            drawings=self.drawings(element),
            children=[
                *(self.macro_activity(e) for e in children(element, "ChildMacroActivity")),
                *(self.step(e) for e in children(element, "Step")),
            ],
        )
