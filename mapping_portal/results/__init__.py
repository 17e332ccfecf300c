"""The results framework (DESIGN.md §3 "Results and reports", after Akvo RSR and IATI): results → indicators
(unit, baseline) → targets per period and pilot site, with actual values computed live from the records by the
apps that hold them (the `indicators` hook of mapping_portal.hooks), never typed twice.

* models: the programme (dates, IATI identity), results, indicators and targets — admins edit them, with history.
* periods: the whole project, a year or a quarter, and how a target's period key reads.
* framework: one table of figures for a user, a period and a site — targets, baselines, actual values and their
  breakdowns with small cells suppressed (mapping_portal.suppression) — used by the page, the donor report and
  the IATI file alike.
"""
