"""Server-drawn figures: labs hand over data, these modules draw it."""
