"""Presentation mode's font scales (the View menu's), in a module without Qt: the command line checks
`--font-scale` against them before it decides whether to open a window at all."""

FONT_SCALES = (1.25, 1.5, 2.0)
