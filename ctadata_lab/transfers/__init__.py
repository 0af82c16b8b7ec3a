"""Transfer jobs between the storage and the workspace.

`rules.py` decides what a request may do, `work.py` what a job runs (with `jobclient.py`, the
library's client as one job uses it), `jobs.py` the jobs and their queue, `journal.py` +
`journal_file.py` their record across restarts, `resume.py` the next start's resumption.
"""
