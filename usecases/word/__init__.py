"""The IEC 62559-2 Word use case template (NIST's IEC_UseCaseTemplate.docx): its layout (`layout`), the writer from
the neutral document (`writer`) and the reader into it (`reader`)."""
