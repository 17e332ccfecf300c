"""Small grants: calls, applications, reviews, awards (issue 9)."""
