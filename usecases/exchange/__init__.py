"""IEC 62559-3 exchange with the database: the loader writes a `usecases.xml.document.Repository` into the
repository, the dumper reads use cases back into one. See usecases/xml/README.md for the whole pipeline."""
