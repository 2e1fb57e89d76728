"""Small helpers the features share."""
