"""Team coding: the codebook, users and roles, code applications with blind reads,
keyword suggestions, agreement and reconciliation, and the REFI-QDA codebook (.qdc)."""
