"""Generators of realistic report files from known values (test fixtures; not part of the package).

``docx.fill_template`` fills the real agency Word template; ``xlsx.fill_workbook`` lays the same tables
out in a workbook; ``libreoffice.convert`` turns them into legacy ``.doc``/``.xls`` files (cached).
``values.sample_values`` gives a complete set of cell values that satisfies the template's identities.
"""
