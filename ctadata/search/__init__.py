"""`find`: the concurrent, bounded walk of a storage folder (`finder.py`) and what a search
matches (`criteria.py`)."""
