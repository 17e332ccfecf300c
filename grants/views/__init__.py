"""Pages of the small grants, one module per concern: `calls`, `applications`, `reviews`, `ranking`, `awards`
(tranches, reports), `documents` (decision letters, attachments) and `map_layer`."""
