"""The XML side of the IEC 62559-3 exchange pipeline: file bytes <-> the neutral `document.Repository`.

- `parsing.parse_xml`: the only way untrusted XML is parsed (no DTD, no entities, size and depth limits).
- `detect.read_document`: parse, tell the dialect from the root (variant C, B or D), read with that reader.
- `writer.write_variant_c`: a document as variant C, our export format, `ucmr:` keys for what it cannot hold.
- `validate.validate_variant_c`: check bytes against our XSD (`schema/ucmr-variant-c.xsd`).

No database access happens here: the loader (document -> database) and the dumper (database -> document) sit on
top. See README.md in this folder for the mapping and the `ucmr:` keys.
"""

from usecases.xml.detect import Dialect, detect_dialect, read_document
from usecases.xml.parsing import XmlImportError, parse_xml
from usecases.xml.validate import XmlSchemaError, schema_problems, validate_variant_c, validate_variant_c_file
from usecases.xml.writer import VariantCStreamWriter, write_variant_c

__all__ = [
    "Dialect",
    "VariantCStreamWriter",
    "XmlImportError",
    "XmlSchemaError",
    "detect_dialect",
    "parse_xml",
    "read_document",
    "schema_problems",
    "validate_variant_c",
    "validate_variant_c_file",
    "write_variant_c",
]
