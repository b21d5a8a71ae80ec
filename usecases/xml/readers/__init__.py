"""One reader per dialect: each turns a parsed root element into a `usecases.xml.document.Repository`."""
