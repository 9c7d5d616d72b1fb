"""Getting report files from the web into the fetch cache (the first step: fetch → extract → …).

Fetchers know bytes and links, never documents or the template. ``http`` is the polite client, ``cache``
the cache folder with its ``manifest.parquet``, ``links`` reads index pages, ``crawl`` follows a report
column, ``jobs`` runs a fetch or a crawl over one cache and one client. How a fetched report page is read
for the report file or pictures it links to is handed in by the caller (``CrawlOptions.read_page``).
"""
