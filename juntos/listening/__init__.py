"""Listening: idea exchanges (ideas and reactions), opinion groups, themes, listening sessions
and surveys (DESIGN.md §4)."""
