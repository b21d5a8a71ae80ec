"""Reading the test client's responses."""


def response_text(response) -> str:
    """A page's HTML, whether it was sent whole or streamed (the print page streams its step tables)."""
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()
