"""The data-protection lifecycle's rules: subject access (``export``), erasure
(``erasure``), the retention schedule (``retention``) and deleting stored files only after
the decision is committed (``files``)."""
