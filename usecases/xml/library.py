"""The libraries of a neutral document (usecases.xml.document) by mRID, as the Excel and Word writers look up what a use
case names: actors, information, requirements with their categories, business cases, terms and other use cases."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from usecases.xml import document as doc


@dataclass
class Library:
    """The library objects and the other use cases a document names, by mRID."""

    actors: dict[str, doc.Actor] = field(default_factory=dict)
    information_objects: dict[str, doc.InformationObject] = field(default_factory=dict)
    requirements: dict[str, doc.Requirement] = field(default_factory=dict)
    business_cases: dict[str, doc.BusinessCase] = field(default_factory=dict)
    use_cases: dict[str, doc.UseCase] = field(default_factory=dict)
    common_terms: dict[str, doc.CommonTerm] = field(default_factory=dict)
    # The requirement categories, parents before children, and the category of each requirement by its mRID.
    requirement_categories: list[doc.RequirementCategory] = field(default_factory=list)
    categories: dict[str, doc.RequirementCategory] = field(default_factory=dict)
    # The order information items take in section 5 (the library's, which is stable across a round trip).
    information_order: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, repository: doc.Repository, use_cases: Iterable[doc.UseCase] = ()) -> "Library":
        """The libraries of `repository`, and its use cases and `use_cases` as the targets of relations."""
        categories = repository.all_categories()
        return cls(
            actors={actor.mrid: actor for actor in repository.actors},
            information_objects={item.mrid: item for item in repository.information_objects},
            requirements={requirement.mrid: requirement for requirement in repository.all_requirements()},
            business_cases={item.mrid: item for item in repository.business_cases},
            use_cases={use_case.mrid: use_case for use_case in [*repository.use_cases, *use_cases]},
            common_terms={term.mrid: term for term in repository.common_terms},
            requirement_categories=categories,
            categories={requirement.mrid: category for category in categories for requirement in category.requirements},
            information_order={item.mrid: index for index, item in enumerate(repository.information_objects)},
        )
