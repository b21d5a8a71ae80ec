"""What every planner of an import (`LibraryPlanner`, `UseCasePlanner`, `RowPlanner`) is given: the collaborators
it plans with, and nothing else of the import."""

from usecases.exchange.permits import Permits
from usecases.exchange.plans import Plans
from usecases.exchange.report import ImportReport
from usecases.exchange.resolver import Resolver
from usecases.exchange.values import Cleaner


class Planner:
    """`resolver`: what references name; `plans`: where plans go; `cleaner`: values made to fit; `permits`: what
    the user may do; `report`: counts and warnings."""

    def __init__(
        self, *, resolver: Resolver, plans: Plans, cleaner: Cleaner, permits: Permits, report: ImportReport
    ) -> None:
        self.resolver = resolver
        self.plans = plans
        self.cleaner = cleaner
        self.permits = permits
        self.report = report
