"""Readers of marketplace reports for audits (XLSX, CSV, JSON), recognised by content.

Layout: ``sheet`` (a table of text cells from XLSX or CSV, with the header row found by name),
``xlsx`` and ``csv_text`` (the two table formats), ``jsondoc`` (JSON files), ``columns`` (column
vocabularies and header matching), ``values`` (Polars expressions that parse numbers and dates),
one module per report kind under ``wb/`` and ``ozon/`` plus ``shipment_list``, and ``reader``
(the ``ReportReader`` port: files in, audit rows out). Polars does the work on rows.
``sheet_extent`` measures an XLSX sheet before it is loaded; ``isolated`` runs the reading in a
child process with a memory limit (the reader every surface gets from the bootstrap).
"""
