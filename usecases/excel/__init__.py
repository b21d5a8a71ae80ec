"""The BRIDGE Excel use case template (IEC62559-2_TEMPLATE.xlsx): its layout (`layout`), the reader into the
neutral document (`reader`) and the writer from it (`writer`). See README.md in this folder."""
