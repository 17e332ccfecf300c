"""Pages of the dialogues, one module per concern: `events` (lists with export, profiles, forms), `attendance`
(an event's sheet, people search, tallies, printable blank sheet, export), `follow_up` (an event's follow-up
actions), `photos`, `centres` (dialogue and resource centres), `results` (unique people reached and trained),
`initiative_groups` and `map_layer` (the GeoJSON layer). The plans' pages are in dialogues.plans.views."""
