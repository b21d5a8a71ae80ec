"""The data access matrix (issue 22): from the steps of the use cases a user selects, which roles (actors) produce
and receive which information objects, with the information's data class and defining standards, the role's SGAM
zones and NIST domains, and the steps that justify each cell; as pages, exports (CSV, Excel, a JSON access-policy
proposal for a data exchange platform) and an API. `model` builds and reads it without queries, `selectors` loads
it, `exports` writes it, `views` and `sgam.api.access_matrix` serve it."""
