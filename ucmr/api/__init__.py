"""What every part of the REST API shares: errors, pagination, throttling, tokens, optimistic locking, base
viewsets, the OpenAPI schema. Each app keeps its own serializers and viewsets in its `api/` package."""
