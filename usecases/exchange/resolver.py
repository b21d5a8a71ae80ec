"""What the file's references name: an object the file itself defines (its plan, or the repository's object it was
matched to), else the repository's object with that mRID, else nothing (the reference is dropped, with a note).
Also the SGAM and NIST codes of placements, against the reference data."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sgam.models import NistDomain
from usecases.exchange.holdings import Holdings
from usecases.exchange.records import to_uuid
from usecases.exchange.report import ImportReport
from usecases.xml import document as doc


class Resolver:
    """`targets`: what each of the file's mRIDs resolves to, by kind (the planners register what they plan);
    `file_keys`: the same by match key (see `libraries.py`), for objects the file lists twice under one name."""

    def __init__(self, *, holdings: Holdings, report: ImportReport) -> None:
        self.holdings = holdings
        self.report = report
        self.targets: dict[str, dict[str, Any]] = defaultdict(dict)
        self.file_keys: dict[str, dict[str, Any]] = defaultdict(dict)

    def resolve(self, kind: str, ref: str) -> Any:
        """What a reference names: an object of the file, else the repository's object with that mRID, else None."""
        targets = self.targets[kind]
        if ref in targets:
            return targets[ref]
        uid = to_uuid(ref)
        target = self.holdings.existing[kind].get(uid) if uid is not None else None
        targets[ref] = target
        return target

    def resolve_use_case(self, ref: str) -> Any:
        return self.resolve("use_case", ref)

    def resolve_all(self, kind: str, refs: Iterable[str], *, owner: str) -> list:
        resolved, seen = [], set()
        for ref in refs:
            target = self.resolve(kind, ref)
            if target is None:
                self.report.note(
                    owner.split(",")[0],
                    f"references to {kind.replace('_', ' ')}s neither the file nor the repository has were dropped",
                    ref,
                )
            elif id(target) not in seen:
                seen.add(id(target))
                resolved.append(target)
        return resolved

    def sgam_codes(self, cell: doc.SgamPlacement, *, owner: str) -> tuple | None:
        parts = []
        held = self.holdings
        for code, known, what in (
            (cell.layer, held.layers, "layer"),
            (cell.domain, held.domains, "domain"),
            (cell.zone, held.zones, "zone"),
        ):
            if code and code not in known:
                self.report.note(owner, f"SGAM placements with an unknown {what} were dropped", code)
                return None
            parts.append(known.get(code) if code else None)
        if parts[1] is None and parts[2] is None:
            self.report.note(owner, "SGAM placements without domain or zone were dropped", cell.as_text())
            return None
        return tuple(parts)

    def nist_domain(self, code: str, *, owner: str) -> NistDomain | None:
        domain = self.holdings.nist_domains.get(code)
        if domain is None:
            self.report.note(owner, "unknown NIST domains were dropped", code)
        return domain
