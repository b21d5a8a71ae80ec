"""The analysis of a use case: what UCMR derives from its steps, actors and information rather than what an author
writes. `facts` reads a use case once into plain lists; `graphs` builds its graphs, `rendering`, `planes` and `dot`
draw them, `diagrams` and `services` name, cache and store the drawings; `validation` holds the consistency rules;
`impact` answers what depends on a library object; `followup` and `jobs` run validation and rendering in the
background.

SGAM and NIST reference data and placements stay in `sgam` (this package reads the effective placements there);
the rows of the analysis (rendered diagrams, validation results) are models of `sgam` too. Import nothing from
this package's `__init__`: `usecases.services` imports `followup`, which must stay free of cycles.
"""
