"""The study: projects, participants, transcripts and their line segments."""

__version__ = "0.1.0"
