"""The actors of a planned use case (`usecases.exchange.rows`): its groupings and the roles of their actors."""

import uuid
from typing import Any

from usecases.exchange.bulk import Plan
from usecases.exchange.libraries import target_uid
from usecases.exchange.records import derive_uuid
from usecases.exchange.rows.base import RowsBase
from usecases.models import ActorGrouping, ActorRole
from usecases.xml import document

UNGROUPED = "ungrouped"  # extra flag of the grouping the dumper invents for actors of a use case in none


class ActorRows(RowsBase):
    """The rows of actor groupings and actor roles; an actor listed twice in a use case is kept once."""

    def actor_grouping(self, grouping: document.ActorGrouping, index: int) -> None:
        uid = self.identities.claim("actor_grouping", grouping, index)
        if uid is None:
            return
        ungrouped = grouping.extra.get(UNGROUPED) == "true"
        empty: list[dict[str, Any]] = []
        grouping_plan = None
        if not ungrouped:
            grouping_plan = self.row(
                ActorGrouping,
                "actor_grouping",
                uid=uid,
                node=grouping,
                values={"name": grouping.name, "description": grouping.description},
                what=f"actor grouping {grouping.name!r}",
            )
        for position, information in enumerate(grouping.further_actor_information):
            info_uid = self.identities.claim("further_actor_information", information, index, position)
            if info_uid is None:
                continue
            actors = self.refs("actor", information.actor_refs, f"actor grouping {grouping.name!r}")
            if not actors:
                empty.append(
                    {
                        "index": position,
                        "mrid": information.mrid or str(info_uid),
                        "description": information.description,
                        "extra": information.extra,
                    }
                )
                continue
            for order, actor in enumerate(actors):
                # A further actor information of one actor is that actor's role: its mRID is the role's.
                role_uid = info_uid if len(actors) == 1 else derive_uuid(info_uid, target_uid(actor))
                self.actor_role(actor, information, info_uid, role_uid, grouping_plan, first=order == 0)
        if empty and grouping_plan is not None:
            book = grouping_plan.values["extra"].setdefault("@exchange", {})
            book["empty_fai"] = empty

    def actor_role(
        self,
        actor: Any,
        information: document.FurtherActorInformation,
        info_uid: uuid.UUID,
        role_uid: uuid.UUID,
        grouping: Plan | None,
        *,
        first: bool,
    ) -> None:
        instance = actor.instance if isinstance(actor, Plan) else actor
        key = ("actor", instance.pk) if instance.pk is not None else ("new", id(instance))
        if key in self.actors_seen:
            self.report.note(self.owner, "actors listed twice in the use case were kept once", instance.name)
            return
        self.actors_seen.add(key)
        existing = self.existing.peek(ActorRole, key)
        fai = information.mrid or str(info_uid)
        # The export writes a role's own mRID as its further actor information's unless told otherwise.
        book: dict[str, Any] = {} if fai == str(existing.mrid if existing is not None else role_uid) else {"fai": fai}
        if first and information.extra:
            book["fai_extra"] = information.extra
        self.row(
            ActorRole,
            "actor_role",
            uid=role_uid,
            node=None,
            values={"further_information": information.description},
            what=f"actor {instance.name!r}",
            links={"actor": actor, "grouping": grouping},
            book=book,
            key=key,
        )
