"""Partnership teams: members, meetings that shift who speaks, pulses (DESIGN.md §4)."""
