"""The brand images of the integration, drawn from signed distance fields (scripts/brand)."""
